use super::*;

#[test]
fn dsca401_402_new_package_and_version() {
    let p = packument(
        "demo-pkg",
        &[
            ("1.0.0", json!({}), "2025-05-10T00:00:00.000Z"),
            ("1.0.1", json!({}), "2025-05-29T12:00:00.000Z"),
        ],
    );
    let fixture = Fixture::registry(p, "1.0.1");
    assert_yaml_snapshot!("dsca401", fixture.findings("DSCA401"));
    assert_yaml_snapshot!("dsca402", fixture.findings("DSCA402"));
}

#[test]
fn dsca401_402_established_package() {
    let p = packument(
        "demo-pkg",
        &[
            ("1.0.0", json!({}), LONG_AGO),
            ("1.0.1", json!({}), "2025-05-01T00:00:00.000Z"),
        ],
    );
    let fixture = Fixture::registry(p, "1.0.1");
    assert!(fixture.findings("DSCA401").is_empty());
    assert!(fixture.findings("DSCA402").is_empty());
}
