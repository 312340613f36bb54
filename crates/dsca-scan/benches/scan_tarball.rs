//! How fast the pipeline reads and judges a local tarball (no network involved).
//! Run: `cargo bench -p dsca-scan --bench scan_tarball`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dsca_registry::{Cache, Client, ClientOptions, RegistryConfig};
use dsca_scan::{ScanOptions, Scanner};
use dsca_test::PackageBuilder;
use std::hint::black_box;

/// A package shaped like a mid-sized library: many small modules, a few large bundles.
fn sample_package() -> Vec<u8> {
    let mut builder = PackageBuilder::new("bench-pkg", "1.0.0")
        .script("postinstall", "node install.js")
        .dependency("left-pad", "^1.3.0");
    for i in 0..400 {
        let body = format!(
            "'use strict';\nconst path = require('path');\nmodule.exports = function f{i}(a, b) {{\n  return path.join(a, b) + {i};\n}};\n"
        )
        .repeat(20);
        builder = builder.file(&format!("lib/module{i}.js"), body.into_bytes());
    }
    for i in 0..4 {
        let bundle = "var a=function(){return this}.call(null);".repeat(25_000);
        builder = builder.file(&format!("dist/bundle{i}.min.js"), bundle.into_bytes());
    }
    builder.build()
}

fn bench_scan(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let tarball = dir.path().join("bench-pkg-1.0.0.tgz");
    let bytes = sample_package();
    std::fs::write(&tarball, &bytes).expect("write tarball");
    let config = RegistryConfig::for_registry("http://127.0.0.1:9/".parse().expect("url"));
    let client = Client::new(
        config,
        Cache::new(dir.path().join("cache")),
        ClientOptions::default(),
    )
    .expect("client");
    let scanner = Scanner::new(client, ScanOptions::default());
    let spec = tarball.display().to_string();

    // Throughput counts unpacked bytes: that is the work the rules do.
    let contents =
        dsca_archive::read_tgz(&bytes, &dsca_archive::Limits::default()).expect("the sample reads");
    let unpacked = contents.total_bytes;
    println!(
        "sample package: {} files, {} KiB compressed, {} KiB unpacked",
        contents.files.len(),
        bytes.len() / 1024,
        unpacked / 1024
    );
    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(unpacked));
    group.sample_size(20);
    group.bench_function("local_tarball", |b| {
        b.iter(|| {
            let report = scanner.scan(black_box(&spec));
            assert!(report.errors.is_empty());
            report
        })
    });
    group.finish();
}

criterion_group!(benches, bench_scan);
criterion_main!(benches);
