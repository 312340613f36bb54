//! Record parsing: the real OpenSSF records, the format's pitfalls, limits and OSV's
//! range semantics.

mod common;

use common::{read_data, record};
use dsca_advisory::{AffectedPackage, Basis, Event, Range, RecordError, parse_record};
use serde_json::json;
use std::path::{Path, PathBuf};

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_json(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "json") {
            out.push(path);
        }
    }
}

#[test]
fn every_shared_real_record_parses() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/osv-mal");
    if !shared.is_dir() {
        eprintln!("skipped: {} is absent", shared.display());
        return;
    }
    let mut files = Vec::new();
    collect_json(&shared, &mut files);
    assert!(files.len() >= 26, "found only {} records", files.len());
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let record = parse_record(&bytes).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(record.id.starts_with("MAL-"), "{}", file.display());
        assert!(!record.packages.is_empty());
        // The folder name is the package name with `/` written as %2f.
        let folder = file
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy();
        assert_eq!(record.packages[0].name, folder.replace("%2f", "/"));
        assert_eq!(
            record.withdrawn.is_some(),
            file.to_string_lossy().contains("/withdrawn/"),
            "{}",
            file.display()
        );
    }
}

#[test]
fn chalk_record_fields() {
    let record = parse_record(&read_data("npm/chalk/MAL-2025-46969.json")).unwrap();
    assert_eq!(record.id, "MAL-2025-46969");
    assert_eq!(record.summary, "Malicious code in chalk (npm)");
    assert!(record.published.is_some() && record.modified.is_some());
    assert_eq!(record.withdrawn, None);
    assert!(
        record
            .link
            .starts_with("https://github.com/advisories/GHSA-")
    );
    assert!(record.aliases.iter().all(|a| a.starts_with("GHSA-")));
    assert_eq!(record.packages.len(), 1);
    assert_eq!(record.packages[0].versions, ["5.6.1"]);
}

#[test]
fn tinycolor_keeps_both_ranges() {
    let record = parse_record(&read_data("npm/@ctrl%2ftinycolor/MAL-2025-47141.json")).unwrap();
    let package = &record.packages[0];
    assert_eq!(package.name, "@ctrl/tinycolor");
    assert_eq!(package.ranges.len(), 2);
    assert_eq!(package.affects("4.1.1"), Some(Basis::BoundedRange));
    assert_eq!(package.affects("4.1.2"), Some(Basis::BoundedRange));
    assert_eq!(package.affects("4.1.0"), Some(Basis::EveryVersion));
    assert_eq!(package.affects("4.1.3"), Some(Basis::EveryVersion));
    assert!(package.names_specific_versions());
}

#[test]
fn axios_iocs_and_withdrawn_timestamp() {
    let axios = parse_record(&read_data("npm/axios/MAL-2026-2307.json")).unwrap();
    assert_eq!(axios.iocs.domains, ["sfrclak.com"]);
    assert_eq!(axios.iocs.ips, ["142.11.206.73"]);
    assert_eq!(axios.iocs.urls, ["http://sfrclak.com:8000/6202033"]);
    let withdrawn = parse_record(&read_data(
        "withdrawn/npm/@amber-team%2famazon-utils/MAL-2025-7048.json",
    ))
    .unwrap();
    assert_eq!(withdrawn.withdrawn.as_deref(), Some("2026-04-30T00:57:00Z"));
    // `malicious-packages-origins: null` and no references: the osv.dev link.
    assert_eq!(
        withdrawn.link,
        "https://osv.dev/vulnerability/MAL-2025-7048"
    );
}

#[test]
fn other_ecosystems_are_skipped_not_failed() {
    let pypi = serde_json::to_vec(&json!({
        "id": "MAL-2025-1",
        "affected": [{ "package": { "ecosystem": "PyPI", "name": "evil" }, "versions": ["1.0"] }],
    }))
    .unwrap();
    let err = parse_record(&pypi).unwrap_err();
    assert_eq!(err, RecordError::OtherEcosystem("PyPI".into()));
    assert_eq!(err.to_string(), "skipped: other ecosystem (PyPI)");
    // A record covering npm and PyPI keeps its npm part.
    let mixed = serde_json::to_vec(&json!({
        "id": "MAL-2025-2",
        "affected": [
            { "package": { "ecosystem": "PyPI", "name": "evil" }, "versions": ["1.0"] },
            { "package": { "ecosystem": "npm", "name": "evil" }, "versions": ["2.0.0"] },
        ],
    }))
    .unwrap();
    let record = parse_record(&mixed).unwrap();
    assert_eq!(record.packages.len(), 1);
    assert_eq!(record.packages[0].versions, ["2.0.0"]);
}

#[test]
fn bad_inputs_give_one_line_reasons() {
    let bad_range = record(
        "MAL-2025-3",
        "x",
        json!({ "ranges": [{ "type": "SEMVER", "events": [{ "introduced": "1.x" }] }] }),
    );
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"not json".to_vec(), "not JSON"),
        (b"[1,2]".to_vec(), "not an OSV record"),
        (b"{\"affected\": []}".to_vec(), "no `id`"),
        (
            br#"{"id": "x\n y", "affected": []}"#.to_vec(),
            "not an advisory id",
        ),
        (br#"{"id": "MAL-1"}"#.to_vec(), "no affected npm package"),
        (bad_range, "range version `1.x` of x is not semver"),
        (
            record(
                "MAL-2025-4",
                &"a".repeat(215),
                json!({ "versions": ["1.0.0"] }),
            ),
            "is not an npm name",
        ),
        (
            vec![b' '; 4 * 1024 * 1024 + 1],
            "over the 4194304-byte limit",
        ),
    ];
    for (input, expected) in cases {
        let message = parse_record(&input).unwrap_err().to_string();
        assert!(message.contains(expected), "{message:?} lacks {expected:?}");
        assert!(!message.contains('\n'), "{message:?}");
    }
}

#[test]
fn too_many_versions_are_refused() {
    let versions: Vec<String> = (0..100_001).map(|i| format!("1.0.{i}")).collect();
    let input = record("MAL-2025-5", "many", json!({ "versions": versions }));
    assert_eq!(parse_record(&input), Err(RecordError::TooManyVersions));
}

#[test]
fn hostile_text_is_kept_on_one_line_and_links_are_web_links() {
    let input = serde_json::to_vec(&json!({
        "id": "MAL-2025-6",
        "summary": "evil\n\u{1b}[31mred",
        "references": [{ "type": "ADVISORY", "url": "javascript:alert(1)" }],
        "affected": [{ "package": { "ecosystem": "npm", "name": "x" }, "versions": ["1.0.0"] }],
    }))
    .unwrap();
    let record = parse_record(&input).unwrap();
    assert!(
        !record.summary.chars().any(char::is_control),
        "{:?}",
        record.summary
    );
    assert_eq!(record.link, "https://osv.dev/vulnerability/MAL-2025-6");
}

fn package(ranges: &[&[(&str, &str)]]) -> AffectedPackage {
    AffectedPackage {
        name: "p".into(),
        versions: Vec::new(),
        ranges: ranges
            .iter()
            .map(|events| Range {
                events: events
                    .iter()
                    .map(|(kind, version)| match *kind {
                        "introduced" => Event::Introduced(version.to_string()),
                        "fixed" => Event::Fixed(version.to_string()),
                        _ => Event::LastAffected(version.to_string()),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[test]
fn several_introduced_fixed_pairs_in_one_range() {
    // Affected: [1.0.0, 1.2.0) and [2.0.0, 2.0.5], written out of order on purpose.
    let package = package(&[&[
        ("introduced", "2.0.0"),
        ("fixed", "1.2.0"),
        ("last_affected", "2.0.5"),
        ("introduced", "1.0.0"),
    ]]);
    for (version, expected) in [
        ("0.9.9", None),
        ("1.0.0", Some(Basis::BoundedRange)),
        ("1.1.9", Some(Basis::BoundedRange)),
        ("1.2.0", None),
        ("1.9.9", None),
        ("2.0.0-rc.1", None),
        ("2.0.0", Some(Basis::BoundedRange)),
        ("2.0.5", Some(Basis::BoundedRange)),
        ("2.0.6", None),
        ("not-a-version", None),
    ] {
        assert_eq!(package.affects(version), expected, "{version}");
    }
    assert!(package.names_specific_versions());
}

#[test]
fn ranges_agree_with_a_brute_force_reading_of_osv() {
    // Every version on a small grid, against every well-formed pair list on the grid.
    let grid: Vec<String> = (0..4)
        .flat_map(|major| (0..3).map(move |minor| format!("{major}.{minor}.0")))
        .collect();
    let index = |v: &str| grid.iter().position(|g| g == v).unwrap();
    for a in 0..grid.len() {
        for b in a + 1..grid.len() {
            for c in b..grid.len() {
                for d in c + 1..=grid.len() {
                    // [a, b) fixed, then [c, d] last_affected, or [c, ∞) when d is past the end.
                    let mut events = vec![
                        ("introduced", grid[a].as_str()),
                        ("fixed", grid[b].as_str()),
                    ];
                    events.push(("introduced", grid[c].as_str()));
                    if d < grid.len() {
                        events.push(("last_affected", grid[d].as_str()));
                    }
                    let package = package(&[&events]);
                    for version in &grid {
                        let i = index(version);
                        let expected = (a <= i && i < b) || (c <= i && (d == grid.len() || i <= d));
                        assert_eq!(
                            package.affects(version).is_some(),
                            expected,
                            "{version} against {events:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn introduced_zero_alone_is_every_version_and_with_an_end_is_bounded() {
    let every = package(&[&[("introduced", "0")]]);
    assert_eq!(every.affects("0.0.1"), Some(Basis::EveryVersion));
    assert_eq!(every.affects("anything"), Some(Basis::EveryVersion));
    assert!(!every.names_specific_versions());
    let until = package(&[&[("introduced", "0"), ("fixed", "1.0.0")]]);
    assert_eq!(until.affects("0.5.0"), Some(Basis::BoundedRange));
    assert_eq!(until.affects("1.0.0-beta.1"), Some(Basis::BoundedRange));
    assert_eq!(until.affects("1.0.0"), None);
    let from = package(&[&[("introduced", "1.0.0")]]);
    assert_eq!(from.affects("0.9.0"), None);
    assert_eq!(from.affects("7.0.0"), Some(Basis::BoundedRange));
}

#[test]
fn prereleases_order_as_semver() {
    let package = package(&[&[("introduced", "1.0.0-alpha.2"), ("fixed", "1.0.0-beta")]]);
    assert_eq!(package.affects("1.0.0-alpha.1"), None);
    assert_eq!(package.affects("1.0.0-alpha.2"), Some(Basis::BoundedRange));
    assert_eq!(package.affects("1.0.0-alpha.10"), Some(Basis::BoundedRange));
    assert_eq!(package.affects("1.0.0-beta"), None);
    assert_eq!(package.affects("1.0.0"), None);
}

#[test]
fn listed_versions_compare_as_text_and_as_normalised_semver() {
    let package = AffectedPackage {
        name: "p".into(),
        versions: vec!["v1.2.3".into(), "2.0.0".into(), "weird_tag".into()],
        ranges: Vec::new(),
    };
    assert_eq!(package.affects("v1.2.3"), Some(Basis::ListedVersion));
    assert_eq!(package.affects("1.2.3"), Some(Basis::ListedVersion));
    assert_eq!(package.affects("2.0.0+build.5"), Some(Basis::ListedVersion));
    assert_eq!(package.affects("weird_tag"), Some(Basis::ListedVersion));
    assert_eq!(package.affects("2.0.1"), None);
}

#[test]
fn vulnerabilities_are_not_malware() {
    // OSV's npm export mixes GHSA vulnerabilities with malware: a prototype pollution
    // must never mark every lodash release as malicious.
    let vulnerability = serde_json::to_vec(&json!({
        "id": "GHSA-xxxx-yyyy-zzzz",
        "summary": "Prototype Pollution in lodash",
        "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.12"}]}],
            "database_specific": {"cwe_ids": ["CWE-1321"]}}]
    }))
    .unwrap();
    assert!(matches!(
        parse_record(&vulnerability),
        Err(RecordError::NotMalware)
    ));
    // A GitHub malware advisory says CWE-506.
    let malware = serde_json::to_vec(&json!({
        "id": "GHSA-aaaa-bbbb-cccc",
        "summary": "Malware in evil-pkg",
        "database_specific": {"cwe_ids": ["CWE-506"]},
        "affected": [{"package": {"ecosystem": "npm", "name": "evil-pkg"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]
    }))
    .unwrap();
    assert!(parse_record(&malware).is_ok());
}
