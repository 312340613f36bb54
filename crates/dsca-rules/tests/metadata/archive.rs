use super::*;

#[test]
fn dsca70x_archive_anomalies() {
    let fixture = tarball_with_scripts(json!({}))
        .anomaly("package/../../.bashrc", AnomalyKind::PathTraversal)
        .anomaly("/etc/cron.d/x", AnomalyKind::AbsolutePath)
        .anomaly(
            "package/lib/link",
            AnomalyKind::Symlink {
                target: "../../../.ssh/id_rsa".into(),
            },
        )
        .anomaly(
            "package/lib/alias",
            AnomalyKind::Symlink {
                target: "../index.js".into(),
            },
        )
        .anomaly("package/index.js", AnomalyKind::Duplicate)
        .anomaly(
            "package/fifo",
            AnomalyKind::SpecialEntry {
                entry_type: "fifo".into(),
            },
        );
    assert_yaml_snapshot!("dsca701", fixture.findings("DSCA701"));
    assert_yaml_snapshot!("dsca702", fixture.findings("DSCA702"));
    let links = fixture.findings("DSCA703");
    assert_yaml_snapshot!("dsca703", links);
    assert_eq!(links[0].severity, Severity::High);
    let duplicates = fixture.findings("DSCA704");
    assert_yaml_snapshot!("dsca704", duplicates);
    assert!(
        duplicates[0]
            .problem
            .contains("the last one is what gets installed")
    );
    assert!(
        duplicates[0]
            .next_steps
            .contains("dsca analyses the last one")
    );
    assert_yaml_snapshot!("dsca705", fixture.findings("DSCA705"));
}

#[test]
fn dsca70x_clean_archive() {
    let fixture = tarball_with_scripts(json!({})).file("index.js", b"1");
    let analysis = fixture.analyse();
    assert!(
        analysis
            .findings
            .iter()
            .all(|f| !f.rule.starts_with("DSCA7"))
    );
    let inside = tarball_with_scripts(json!({})).anomaly(
        "package/a",
        AnomalyKind::Hardlink {
            target: "package/b".into(),
        },
    );
    assert_eq!(inside.findings("DSCA703")[0].severity, Severity::Medium);
}
