//! Opening a 200,000-record database and looking up 1,000 (name, version) pairs: what
//! a scan of a large lockfile costs. The bar is well under 100 ms in release mode.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use dsca_advisory::{AffectedPackage, Database, Event, Iocs, Loaded, Range, Record, install};
use std::time::Instant;

const RECORDS: usize = 200_000;
const QUERIES: usize = 1_000;

/// xorshift64: deterministic data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn name(i: usize) -> String {
    if i.is_multiple_of(5) {
        format!("@scope{}/package-{i}", i % 997)
    } else {
        format!("package-{i}")
    }
}

/// Records in the proportions of the real data: mostly listed versions, some
/// "every version" ranges, a few bounded ranges.
fn synthetic_records(rng: &mut Rng) -> Vec<Record> {
    (0..RECORDS)
        .map(|i| {
            let name = name(i);
            let (versions, ranges) = match rng.below(100) {
                0..60 => (
                    (0..=rng.below(3))
                        .map(|_| format!("{}.{}.{}", rng.below(10), rng.below(20), rng.below(10)))
                        .collect(),
                    Vec::new(),
                ),
                60..85 => (
                    Vec::new(),
                    vec![Range {
                        events: vec![Event::Introduced("0".into())],
                    }],
                ),
                _ => (
                    Vec::new(),
                    vec![Range {
                        events: vec![
                            Event::Introduced(format!("1.{}.0", rng.below(5))),
                            Event::Fixed(format!("2.{}.0", rng.below(5))),
                        ],
                    }],
                ),
            };
            Record {
                id: format!("MAL-2025-{i}"),
                summary: format!("Malicious code in {name} (npm)"),
                published: Some("2025-01-01T00:00:00Z".into()),
                modified: Some("2025-01-02T00:00:00Z".into()),
                withdrawn: None,
                aliases: Vec::new(),
                link: format!("https://osv.dev/vulnerability/MAL-2025-{i}"),
                packages: vec![AffectedPackage {
                    name,
                    versions,
                    ranges,
                }],
                iocs: Iocs::default(),
            }
        })
        .collect()
}

fn lookup(c: &mut Criterion) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let temp = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let loaded = Loaded {
        records: synthetic_records(&mut rng),
        ..Loaded::default()
    };
    let summary = install(loaded, "synthetic", temp.path()).unwrap();
    eprintln!(
        "built {} records for {} packages in {:?}",
        summary.status.records,
        summary.status.packages,
        started.elapsed()
    );
    // Half the names are in the database, as in a lockfile full of popular packages
    // that mostly are not; the rest are misses.
    let queries: Vec<(String, String)> = (0..QUERIES)
        .map(|i| {
            let name = if i % 2 == 0 {
                name(rng.below(RECORDS as u64) as usize)
            } else {
                format!("not-in-db-{i}")
            };
            (
                name,
                format!("{}.{}.{}", rng.below(10), rng.below(20), rng.below(10)),
            )
        })
        .collect();
    let db_dir = temp.path().to_path_buf();
    c.bench_function("open + 1,000 lookups, 200,000 records", |b| {
        b.iter(|| {
            let db = Database::open(&db_dir).unwrap();
            let mut hits = 0;
            for (name, version) in &queries {
                hits += db.lookup(name, version).unwrap().len();
            }
            black_box(hits)
        })
    });
    let db = Database::open(&db_dir).unwrap();
    c.bench_function("1,000 lookups on an open database", |b| {
        b.iter(|| {
            queries
                .iter()
                .map(|(name, version)| db.lookup(name, version).unwrap().len())
                .sum::<usize>()
        })
    });
}

criterion_group!(benches, lookup);
criterion_main!(benches);
