//! Against the real npm registry; skipped unless `DSCA_NETWORK_TESTS=1`.

use dsca_model::npm::{SignatureCheck, is_security_placeholder};
use dsca_registry::{Cache, Client, ClientOptions, RegistryConfig, Verification};
use dsca_test::{TempDir, network_tests_enabled, temp_dir};
use url::Url;

fn npmjs(cache: &TempDir) -> Client {
    let config = RegistryConfig::for_registry(Url::parse("https://registry.npmjs.org/").unwrap());
    Client::new(config, Cache::new(cache.path()), ClientOptions::default()).unwrap()
}

#[test]
fn lodash_packument_has_time_and_resolves_caret_4() {
    if !network_tests_enabled("lodash_packument_has_time_and_resolves_caret_4") {
        return;
    }
    let cache = temp_dir();
    let client = npmjs(&cache);
    let packument = client.packument("lodash").unwrap();
    // The full packument carries per-version publish times (the mirror omits `created`).
    assert!(!packument.time.is_empty());
    let version = client.resolve(&packument, Some("^4")).unwrap();
    assert!(version.starts_with("4."), "{version}");
    assert!(packument.publish_time(&version).is_some());
}

#[test]
fn babel_core_tarball_verifies() {
    if !network_tests_enabled("babel_core_tarball_verifies") {
        return;
    }
    let cache = temp_dir();
    let client = npmjs(&cache);
    let packument = client.packument("@babel/core").unwrap();
    let version = client.resolve(&packument, Some("7.24.0")).unwrap();
    let dist = packument.manifest(&version).unwrap().dist();
    let tarball = client.tarball("@babel/core", &version, &dist).unwrap();
    assert!(
        matches!(tarball.verification, Verification::Sri { .. }),
        "{:?}",
        tarball.verification
    );
    assert!(!tarball.bytes.is_empty());
    let again = client.tarball("@babel/core", &version, &dist).unwrap();
    assert!(again.from_cache);
}

#[test]
fn nonexistent_package_is_not_found() {
    if !network_tests_enabled("nonexistent_package_is_not_found") {
        return;
    }
    let cache = temp_dir();
    let err = npmjs(&cache)
        .packument("dsca-this-package-does-not-exist-7f3a9c")
        .unwrap_err();
    assert_eq!(err.code(), "not-found", "{err}");
}

#[test]
fn crossenv_is_a_security_placeholder() {
    if !network_tests_enabled("crossenv_is_a_security_placeholder") {
        return;
    }
    let cache = temp_dir();
    let client = npmjs(&cache);
    let packument = client.packument("crossenv").unwrap();
    let version = client.resolve(&packument, None).unwrap();
    assert!(is_security_placeholder(&version), "{version}");
}

#[test]
fn signature_check_does_not_fail_on_the_real_registry() {
    if !network_tests_enabled("signature_check_does_not_fail_on_the_real_registry") {
        return;
    }
    let cache = temp_dir();
    let client = npmjs(&cache);
    let packument = client.packument("lodash").unwrap();
    let dist = packument.manifest("4.17.21").unwrap().dist();
    // registry.npmjs.org signs; the mirror here has neither keys nor signatures.
    let check = client.verify_signatures(
        "lodash",
        "4.17.21",
        &dist,
        packument.publish_time("4.17.21"),
    );
    assert!(
        matches!(
            check,
            SignatureCheck::Verified { .. } | SignatureCheck::KeysUnavailable { .. }
        ),
        "{check:?}"
    );
}
