use super::*;

#[test]
fn dsca302_first_release_with_huge_version() {
    let p = packument(
        "acme-billing-utils",
        &[("99.0.0", json!({}), "2025-05-30T00:00:00.000Z")],
    );
    assert_yaml_snapshot!(Fixture::registry(p, "99.0.0").findings("DSCA302"));
}

#[test]
fn dsca302_old_placeholder_with_install_script() {
    // A research probe published long ago still calls home from its postinstall.
    let p = packument(
        "acme-billing-utils",
        &[(
            "99.0.0",
            json!({"scripts": {"postinstall": "node index.js"}}),
            LONG_AGO,
        )],
    );
    let findings = Fixture::registry(p, "99.0.0").findings("DSCA302");
    assert_eq!(findings.len(), 1);
    assert!(
        findings[0]
            .message
            .ends_with("the package runs a script on install and has a single version"),
        "{}",
        findings[0].message
    );
}

#[test]
fn dsca302_versions_that_follow_another_product() {
    // Like @sparticuz/chromium: versioned after Chromium, first release 110.x, years of
    // releases, no install script.
    let versions: Vec<(String, serde_json::Value, String)> = (0..8)
        .map(|i| {
            (
                format!("{}.0.0", 110 + i),
                json!({"main": "index.js"}),
                format!("2023-0{}-01T00:00:00.000Z", i + 1),
            )
        })
        .collect();
    let versions: Vec<(&str, serde_json::Value, &str)> = versions
        .iter()
        .map(|(v, m, t)| (v.as_str(), m.clone(), t.as_str()))
        .collect();
    let p = packument("@sparticuz/chromium", &versions);
    assert!(
        Fixture::registry(p, "117.0.0")
            .findings("DSCA302")
            .is_empty()
    );
}

#[test]
fn dsca302_new_internal_name() {
    let p = packument(
        "@acme-internal/config",
        &[("1.0.0", json!({}), "2025-05-20T00:00:00.000Z")],
    );
    assert_yaml_snapshot!(Fixture::registry(p, "1.0.0").findings("DSCA302"));
}

#[test]
fn dsca302_ordinary_packages() {
    // A high major reached over time is fine; an old internal-sounding name is fine.
    let p = packument(
        "private-ip",
        &[
            ("1.0.0", json!({}), LONG_AGO),
            ("120.0.0", json!({}), "2025-05-30T00:00:00.000Z"),
        ],
    );
    assert!(
        Fixture::registry(p, "120.0.0")
            .findings("DSCA302")
            .is_empty()
    );
    // A long history below the high major, whatever the publish times say: a mirror
    // that copied chromedriver stamped 121.0.2 first, before its 2.x releases.
    let times: Vec<(String, String)> = std::iter::once(("121.0.2".to_string(), 0))
        .chain((0..12).map(|minor| (format!("2.{minor}.0"), minor + 1)))
        .map(|(version, day)| (version, format!("2024-12-{:02}T00:00:00.000Z", day + 1)))
        .collect();
    let versions: Vec<(&str, serde_json::Value, &str)> = times
        .iter()
        .map(|(v, t)| {
            (
                v.as_str(),
                json!({"scripts": {"install": "node install.js"}}),
                t.as_str(),
            )
        })
        .collect();
    let p = packument("chromedriver", &versions);
    assert!(
        Fixture::registry(p, "121.0.2")
            .findings("DSCA302")
            .is_empty()
    );
    // Without a packument there is no first release to judge.
    let tarball = Fixture::tarball(json!({"name": "x-internal", "version": "99.0.0"}));
    assert!(tarball.findings("DSCA302").is_empty());
}
