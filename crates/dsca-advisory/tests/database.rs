//! The database built from the real records: lookups, withdrawn advisories, IOCs,
//! status, and updates that fail or were interrupted.

mod common;

use common::{entry, osv_dir, record, zip};
use dsca_advisory::{
    AdvisoryError, Basis, Database, IocKind, Source, UpdateSummary, status, update,
};
use serde_json::json;
use std::path::Path;

fn build(db: &Path) -> UpdateSummary {
    update(&Source::Dir(osv_dir()), db).unwrap()
}

#[test]
fn chalk_listed_version_matches_and_its_neighbour_does_not() {
    let temp = tempfile::tempdir().unwrap();
    build(temp.path());
    let db = Database::open(temp.path()).unwrap();
    let matches = db.lookup("chalk", "5.6.1").unwrap();
    assert_eq!(matches.len(), 1);
    let hit = &matches[0];
    assert_eq!(hit.id, "MAL-2025-46969");
    assert_eq!(hit.basis, Basis::ListedVersion);
    assert_eq!(hit.summary, "Malicious code in chalk (npm)");
    assert!(hit.link.starts_with("https://github.com/advisories/GHSA-"));
    assert!(!hit.aliases.is_empty());
    assert_eq!(hit.published.as_deref(), Some("2025-09-08T17:11:19Z"));
    assert!(hit.advisory_names_specific_versions);
    assert!(db.lookup("chalk", "5.6.0").unwrap().is_empty());
    assert!(db.lookup("left-pad", "1.0.0").unwrap().is_empty());
    assert!(db.has_package("chalk"));
    assert!(!db.has_package("chal"));
    assert_eq!(db.known_versions("chalk").unwrap(), ["5.6.1"]);
    assert_eq!(db.known_versions("debug").unwrap(), ["4.4.2"]);
}

#[test]
fn tinycolor_bounded_range_and_the_every_version_trap() {
    let temp = tempfile::tempdir().unwrap();
    build(temp.path());
    let db = Database::open(temp.path()).unwrap();
    let bounded = db.lookup("@ctrl/tinycolor", "4.1.1").unwrap();
    assert_eq!(bounded.len(), 1);
    assert_eq!(bounded[0].basis, Basis::BoundedRange);
    let trap = db.lookup("@ctrl/tinycolor", "4.1.0").unwrap();
    assert_eq!(trap.len(), 1);
    assert_eq!(trap[0].basis, Basis::EveryVersion);
    assert!(trap[0].advisory_names_specific_versions);
    // Ranges list no versions explicitly.
    assert!(db.known_versions("@ctrl/tinycolor").unwrap().is_empty());
}

#[test]
fn getcookies_every_version_without_specific_versions() {
    let temp = tempfile::tempdir().unwrap();
    build(temp.path());
    let db = Database::open(temp.path()).unwrap();
    for version in ["0.0.1", "1.2.3", "99.0.0-beta", "not-semver"] {
        let matches = db.lookup("getcookies", version).unwrap();
        assert_eq!(matches.len(), 1, "{version}");
        assert_eq!(matches[0].basis, Basis::EveryVersion);
        assert!(!matches[0].advisory_names_specific_versions);
        assert_eq!(
            matches[0].link,
            "https://osv.dev/vulnerability/MAL-2025-21368"
        );
    }
}

#[test]
fn withdrawn_advisories_are_counted_but_never_match() {
    let temp = tempfile::tempdir().unwrap();
    let summary = build(temp.path());
    assert_eq!(summary.status.records, 6);
    assert_eq!(summary.status.withdrawn, 1);
    assert_eq!(summary.status.packages, 5);
    assert_eq!(summary.status.skipped, 0);
    let db = Database::open(temp.path()).unwrap();
    assert!(
        db.lookup("@amber-team/amazon-utils", "1.0.0")
            .unwrap()
            .is_empty()
    );
    assert!(!db.has_package("@amber-team/amazon-utils"));
    assert!(
        db.known_versions("@amber-team/amazon-utils")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn axios_iocs_match_domain_subdomain_ip_and_url() {
    let temp = tempfile::tempdir().unwrap();
    build(temp.path());
    let iocs = Database::open(temp.path()).unwrap().iocs().unwrap();
    assert_eq!(iocs.len(), 3);
    for host in ["sfrclak.com", "SFRCLAK.com.", "c2.sfrclak.com"] {
        let hits = iocs.match_host(host);
        assert!(
            hits.iter()
                .any(|h| h.kind == IocKind::Domain && h.source.advisory == "MAL-2026-2307"),
            "{host}: {hits:?}"
        );
        assert_eq!(hits[0].source.packages, ["axios"]);
    }
    assert!(iocs.match_host("notsfrclak.com").is_empty());
    assert!(iocs.match_host("sfrclak.com.evil").is_empty());
    let ip = iocs.match_ip("142.11.206.73");
    assert_eq!(ip.len(), 1);
    assert_eq!(ip[0].kind, IocKind::Ip);
    assert_eq!(iocs.match_host("142.11.206.73"), ip);
    assert!(iocs.match_ip("142.11.206.74").is_empty());
    let url = iocs.match_url("http://SFRCLAK.com:8000/6202033");
    assert_eq!(url.len(), 1);
    assert_eq!(url[0].kind, IocKind::Url);
    assert!(iocs.match_url("http://sfrclak.com:8000/other").is_empty());
}

#[test]
fn status_reports_counts_source_and_age() {
    let temp = tempfile::tempdir().unwrap();
    assert_eq!(status(temp.path()), None);
    build(temp.path());
    let status = status(temp.path()).unwrap();
    assert_eq!(status.records, 6);
    assert_eq!(status.source, osv_dir().display().to_string());
    assert!(status.updated_at.ends_with('Z'), "{}", status.updated_at);
    assert!(dsca_advisory::age(&status).unwrap().as_secs() < 600);
}

#[test]
fn opening_without_a_database_says_so() {
    let temp = tempfile::tempdir().unwrap();
    let err = Database::open(temp.path()).unwrap_err();
    assert!(matches!(err, AdvisoryError::NoDatabase { .. }), "{err}");
    assert!(err.to_string().contains("update it first"));
}

#[test]
fn a_failing_update_leaves_the_previous_copy_usable() {
    let temp = tempfile::tempdir().unwrap();
    build(temp.path());
    let before = status(temp.path()).unwrap();
    let open_before = Database::open(temp.path()).unwrap();

    // A truncated zip, a source without npm records, a missing directory: all fail.
    let good = zip(&[entry(
        "MAL-1.json",
        &record("MAL-1", "x", json!({"versions": ["1.0.0"]})),
    )]);
    let truncated = temp.path().join("cut.zip");
    std::fs::write(&truncated, &good[..good.len() - 10]).unwrap();
    let empty = tempfile::tempdir().unwrap();
    for source in [
        Source::Zip(truncated),
        Source::Dir(empty.path().to_path_buf()),
        Source::Dir(temp.path().join("missing")),
    ] {
        let err = update(&source, temp.path()).unwrap_err();
        assert!(!err.to_string().contains('\n'), "{err}");
    }

    assert_eq!(status(temp.path()).unwrap(), before);
    let db = Database::open(temp.path()).unwrap();
    assert_eq!(db.lookup("chalk", "5.6.1").unwrap().len(), 1);
    // A handle opened before the attempts reads on as well.
    assert_eq!(open_before.lookup("debug", "4.4.2").unwrap().len(), 1);
    // No temp generations were left behind.
    let leftovers: Vec<_> = std::fs::read_dir(temp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".tmp-") || name.starts_with("CURRENT.tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_interrupted_update_leaves_the_previous_copy_usable_and_is_cleaned_later() {
    let temp = tempfile::tempdir().unwrap();
    build(temp.path());
    // What a crash mid-update leaves: a half-written temp generation and a stray
    // pointer file; neither is what CURRENT names.
    let half = temp.path().join(".tmp-1-1");
    std::fs::create_dir(&half).unwrap();
    std::fs::write(half.join("index.bin"), b"DSCA").unwrap();
    std::fs::write(temp.path().join("CURRENT.tmp-1"), b"gen-garbage\n").unwrap();
    let db = Database::open(temp.path()).unwrap();
    assert_eq!(db.lookup("chalk", "5.6.1").unwrap().len(), 1);

    // A later update replaces the generation and drops the old one.
    let generations = |dir: &Path| {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("gen-"))
            .count()
    };
    build(temp.path());
    assert_eq!(generations(temp.path()), 1);
    // The handle opened before the swap still answers from the replaced generation.
    assert_eq!(db.lookup("chalk", "5.6.1").unwrap().len(), 1);
}

#[test]
fn a_corrupt_index_is_an_error_not_a_clean_result() {
    let temp = tempfile::tempdir().unwrap();
    build(temp.path());
    let current = std::fs::read_to_string(temp.path().join("CURRENT")).unwrap();
    let generation = temp.path().join(current.trim());
    std::fs::write(generation.join("index.bin"), b"garbage").unwrap();
    let err = Database::open(temp.path()).unwrap_err();
    assert!(err.to_string().contains("unreadable"), "{err}");
    assert_eq!(
        std::fs::read_to_string(temp.path().join("CURRENT")).unwrap(),
        current
    );
    // A records blob cut short fails the lookup instead of answering "no match".
    build(temp.path());
    let current = std::fs::read_to_string(temp.path().join("CURRENT")).unwrap();
    let records = temp.path().join(current.trim()).join("records.bin");
    let db = Database::open(temp.path()).unwrap();
    std::fs::write(&records, b"").unwrap();
    assert!(db.lookup("chalk", "5.6.1").is_err());
}
