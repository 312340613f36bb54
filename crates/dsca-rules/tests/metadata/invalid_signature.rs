use super::*;

#[test]
fn dsca502_invalid_and_unknown_key() {
    let base = || Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0"}));
    let invalid = base().signature(SignatureCheck::Invalid {
        keyid: "SHA256:k".into(),
        reason: "bad signature".into(),
    });
    assert_yaml_snapshot!("dsca502_invalid", invalid.findings("DSCA502"));
    let unknown = base().signature(SignatureCheck::UnknownKey {
        keyid: "SHA256:old".into(),
    });
    assert_yaml_snapshot!("dsca502_unknown_key", unknown.findings("DSCA502"));
}

#[test]
fn dsca502_absent_signatures_are_not_findings() {
    let base = || Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0"}));
    for check in [
        SignatureCheck::Unsigned,
        SignatureCheck::KeysUnavailable {
            reason: "offline".into(),
        },
        SignatureCheck::Verified { keyid: "k".into() },
        SignatureCheck::NotApplicable,
    ] {
        assert!(base().signature(check).findings("DSCA502").is_empty());
    }
}
