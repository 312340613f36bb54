//! The client against the local test registry: offline and deterministic.

use base64::Engine;
use dsca_model::npm::{Packument, SignatureCheck};
use dsca_registry::{Cache, Client, ClientOptions, RegistryConfig, RegistryError, Verification};
use dsca_test::{PackageBuilder, PublishOptions, TempDir, TestRegistry, temp_dir};
use serde_json::json;
use std::path::Path;
use std::time::Duration;
use url::Url;

fn options() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(10),
        retry_delay: Duration::from_millis(5),
        ..ClientOptions::default()
    }
}

fn url(registry: &TestRegistry) -> Url {
    Url::parse(registry.url()).unwrap()
}

fn client_in(config: RegistryConfig, cache: &Path, options: ClientOptions) -> Client {
    Client::new(config, Cache::new(cache), options).unwrap()
}

fn client(registry: &TestRegistry, cache: &TempDir) -> Client {
    client_in(
        RegistryConfig::for_registry(url(registry)),
        cache.path(),
        options(),
    )
}

fn offline_client(registry: &TestRegistry, cache: &TempDir) -> Client {
    let options = ClientOptions {
        offline: true,
        ..options()
    };
    client_in(
        RegistryConfig::for_registry(url(registry)),
        cache.path(),
        options,
    )
}

/// All files under the cache's tarball store.
fn cached_tarballs(cache: &TempDir) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![cache.path().join("content")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

fn fetch(
    client: &Client,
    name: &str,
    version: &str,
) -> Result<(Packument, dsca_registry::FetchedTarball), RegistryError> {
    let packument = client.packument(name)?;
    let dist = packument
        .manifest(version)
        .expect("version in packument")
        .dist();
    let tarball = client.tarball(name, version, &dist)?;
    Ok((packument, tarball))
}

#[test]
fn fetches_full_packument_for_scoped_names() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    registry.publish(PackageBuilder::new("@scope/pkg", "1.0.0").build());
    let client = client(&registry, &cache);

    let packument = client.packument("@scope/pkg").unwrap();
    assert_eq!(packument.name, "@scope/pkg");
    assert_eq!(packument.dist_tag("latest"), Some("1.0.0"));
    assert!(packument.publish_time("1.0.0").is_some());
    assert!(packument.created_time().is_some());

    let records = registry.request_records();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].path, "/@scope%2fpkg");
    // The full document, not the abbreviated install form (which has no `time`).
    assert_eq!(records[0].accept.as_deref(), Some("application/json"));
}

#[test]
fn resolves_like_npm() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    for version in ["1.0.0", "1.1.0", "2.0.0-beta.1"] {
        registry.publish(PackageBuilder::new("demo", version).build());
    }
    let client = client(&registry, &cache);
    let packument = client.packument("demo").unwrap();
    // The harness makes the highest stable version latest.
    assert_eq!(client.resolve(&packument, None).unwrap(), "1.1.0");

    registry.set_dist_tag("demo", "latest", "1.0.0");
    registry.set_dist_tag("demo", "next", "2.0.0-beta.1");
    let packument = client.packument("demo").unwrap();
    let resolve = |req: Option<&str>| client.resolve(&packument, req);
    assert_eq!(resolve(None).unwrap(), "1.0.0");
    assert_eq!(resolve(Some("next")).unwrap(), "2.0.0-beta.1");
    assert_eq!(resolve(Some("1.1.0")).unwrap(), "1.1.0");
    assert_eq!(
        resolve(Some("^1")).unwrap(),
        "1.0.0",
        "latest is preferred when it satisfies"
    );
    assert_eq!(resolve(Some(">1.0.0")).unwrap(), "1.1.0");
    assert!(
        resolve(Some("^2")).is_err(),
        "no prerelease unless the range names one"
    );
    assert_eq!(resolve(Some("^2.0.0-beta.0")).unwrap(), "2.0.0-beta.1");

    let err = resolve(Some("^3")).unwrap_err();
    assert_eq!(err.code(), "no-matching-version");
    assert!(
        matches!(&err, RegistryError::NoMatchingVersion { latest: Some(l), .. } if l == "1.0.0")
    );
    assert_eq!(
        err.to_string(),
        "no version of `demo` matches `^3` (the latest is 1.0.0; check the range or the dist-tag)"
    );
}

#[test]
fn missing_package_is_not_found() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    let err = client(&registry, &cache).packument("missing").unwrap_err();
    assert_eq!(err.code(), "not-found");
    assert_eq!(
        err.to_string(),
        format!(
            "package `missing` was not found on {} (404)",
            registry.url()
        )
    );
    assert_eq!(registry.count_requests("/missing"), 1, "404 is not retried");
}

#[test]
fn invalid_names_never_reach_the_network() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    let err = client(&registry, &cache)
        .packument("../../etc/passwd")
        .unwrap_err();
    assert_eq!(err.code(), "invalid-name");
    assert!(registry.requests().is_empty());
}

#[test]
fn retries_server_errors_and_rate_limits() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    registry.publish(PackageBuilder::new("flaky", "1.0.0").build());
    let client = client(&registry, &cache);

    registry.fail_next("/flaky", 500, 2);
    client.packument("flaky").unwrap();
    assert_eq!(registry.count_requests("/flaky"), 3);

    registry.fail_next("/flaky", 429, 1);
    client.packument("flaky").unwrap();
    assert_eq!(registry.count_requests("/flaky"), 5);

    registry.fail_next("/flaky", 503, 10);
    let err = client.packument("flaky").unwrap_err();
    assert_eq!(err.code(), "http");
    assert!(err.to_string().contains("HTTP 503"), "{err}");
    assert_eq!(
        registry.count_requests("/flaky"),
        5 + 4,
        "first attempt plus 3 retries"
    );
}

#[test]
fn unreachable_registry_is_a_network_error() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cache = temp_dir();
    let config =
        RegistryConfig::for_registry(Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap());
    let options = ClientOptions {
        retries: 1,
        ..options()
    };
    let err = client_in(config, cache.path(), options)
        .packument("x")
        .unwrap_err();
    assert_eq!(err.code(), "network");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "network error fetching http://127.0.0.1:{port}/x: "
        )),
        "{message}"
    );
    assert!(message.ends_with("after 1 retry"), "{message}");
}

#[test]
fn token_is_sent_only_to_its_host() {
    let private = TestRegistry::start();
    let public = TestRegistry::start();
    private.require_token("s3cret");
    let published = private.publish(PackageBuilder::new("@corp/tool", "1.0.0").build());
    public.publish(PackageBuilder::new("lodash", "4.0.0").build());

    let config = RegistryConfig::for_registry(url(&public))
        .with_scope_registry("@corp", url(&private))
        .with_token(&url(&private), "s3cret");
    let cache = temp_dir();
    let client = client_in(config, cache.path(), options());

    let (packument, tarball) = fetch(&client, "@corp/tool", "1.0.0").unwrap();
    assert_eq!(packument.name, "@corp/tool");
    assert_eq!(tarball.url, published.tarball_url);
    fetch(&client, "lodash", "4.0.0").unwrap();

    let private_requests = private.requests();
    assert_eq!(private_requests.len(), 2, "packument and tarball");
    assert!(
        private_requests
            .iter()
            .all(|(_, _, auth)| auth.as_deref() == Some("Bearer s3cret"))
    );
    assert!(public.requests().iter().all(|(_, _, auth)| auth.is_none()));

    // Without the token, the private registry's 401 is an `http` error.
    let cache = temp_dir();
    let config =
        RegistryConfig::for_registry(url(&public)).with_scope_registry("@corp", url(&private));
    let err = client_in(config, cache.path(), options())
        .packument("@corp/tool")
        .unwrap_err();
    assert_eq!(err.code(), "http");
    assert!(err.to_string().contains("401"), "{err}");
}

#[test]
fn tarball_is_verified_and_cached_by_digest() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    let tgz = PackageBuilder::new("good", "1.0.0")
        .file("index.js", "1")
        .build();
    let published = registry.publish(tgz.clone());
    let client = client(&registry, &cache);

    let (_, tarball) = fetch(&client, "good", "1.0.0").unwrap();
    assert_eq!(tarball.bytes, tgz);
    assert!(!tarball.from_cache);
    assert_eq!(
        tarball.verification.sri().as_deref(),
        Some(published.integrity.as_str())
    );
    let digest_hex = hex::encode(
        base64::engine::general_purpose::STANDARD
            .decode(published.integrity.trim_start_matches("sha512-"))
            .unwrap(),
    );
    assert_eq!(
        cached_tarballs(&cache),
        vec![cache.path().join("content/sha512").join(digest_hex)]
    );

    // Second fetch: from the cache, no tarball request.
    let (_, again) = fetch(&client, "good", "1.0.0").unwrap();
    assert!(again.from_cache);
    assert_eq!(registry.count_requests(&published.tarball_path), 1);
}

#[test]
fn integrity_mismatch_is_an_error_and_nothing_is_cached() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    let wrong = format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode([7u8; 64])
    );
    registry.publish_with(
        PackageBuilder::new("evil", "1.0.0").build(),
        PublishOptions {
            integrity_override: Some(wrong.clone()),
            ..PublishOptions::default()
        },
    );
    let err = fetch(&client(&registry, &cache), "evil", "1.0.0").unwrap_err();
    assert_eq!(err.code(), "integrity-mismatch");
    match &err {
        RegistryError::IntegrityMismatch { expected, url, .. } => {
            assert_eq!(expected, &wrong);
            assert!(url.ends_with("/evil/-/evil-1.0.0.tgz"));
        }
        other => panic!("unexpected {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.starts_with("integrity mismatch for evil@1.0.0: expected sha512-"),
        "{message}"
    );
    assert!(
        message.ends_with("; the tarball was not cached"),
        "{message}"
    );
    assert!(cached_tarballs(&cache).is_empty());
}

#[test]
fn sha1_only_packages_verify_by_shasum() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    let published = registry.publish_with(
        PackageBuilder::new("old", "0.1.0").build(),
        PublishOptions {
            shasum_only: true,
            ..PublishOptions::default()
        },
    );
    let (_, tarball) = fetch(&client(&registry, &cache), "old", "0.1.0").unwrap();
    assert_eq!(tarball.verification, Verification::Sha1Shasum);
    assert_eq!(
        cached_tarballs(&cache),
        vec![cache.path().join("content/sha1").join(&published.shasum)]
    );
}

#[test]
fn unverifiable_tarballs_are_returned_but_never_cached() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    let mut overrides = serde_json::Map::new();
    overrides.insert("dist".into(), json!({"integrity": null, "shasum": null}));
    registry.publish_with(
        PackageBuilder::new("bare", "1.0.0").build(),
        PublishOptions {
            manifest_overrides: overrides,
            signed: false,
            ..PublishOptions::default()
        },
    );
    let (_, tarball) = fetch(&client(&registry, &cache), "bare", "1.0.0").unwrap();
    assert_eq!(tarball.verification, Verification::Unverifiable);
    assert!(cached_tarballs(&cache).is_empty());
    let err = fetch(&offline_client(&registry, &cache), "bare", "1.0.0").unwrap_err();
    assert_eq!(err.code(), "offline");
    assert!(err.to_string().contains("never cached"), "{err}");
}

#[test]
fn missing_tarball_is_not_found() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    let mut overrides = serde_json::Map::new();
    overrides.insert(
        "dist".into(),
        json!({"tarball": format!("{}gone/-/gone-9.9.9.tgz", registry.url())}),
    );
    registry.publish_with(
        PackageBuilder::new("gone", "1.0.0").build(),
        PublishOptions {
            manifest_overrides: overrides,
            ..PublishOptions::default()
        },
    );
    let err = fetch(&client(&registry, &cache), "gone", "1.0.0").unwrap_err();
    assert_eq!(err.code(), "not-found");
    assert!(err.to_string().contains("gone@1.0.0"), "{err}");
    assert!(err.to_string().contains("/gone/-/gone-9.9.9.tgz"), "{err}");
}

#[test]
fn oversized_tarball_is_refused() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    registry.publish(
        PackageBuilder::new("big", "1.0.0")
            .file("blob", vec![0u8; 4096])
            .build(),
    );
    let options = ClientOptions {
        max_tarball_bytes: 64,
        ..options()
    };
    let client = client_in(
        RegistryConfig::for_registry(url(&registry)),
        cache.path(),
        options,
    );
    let err = fetch(&client, "big", "1.0.0").unwrap_err();
    assert_eq!(err.code(), "invalid-response");
    assert!(err.to_string().contains("larger than the limit"), "{err}");
}

#[test]
fn offline_reads_the_cache_only() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    let tgz = PackageBuilder::new("@s/cached", "1.0.0").build();
    registry.publish(tgz.clone());
    fetch(&client(&registry, &cache), "@s/cached", "1.0.0").unwrap();
    let before = registry.requests().len();

    let offline = offline_client(&registry, &cache);
    let (packument, tarball) = fetch(&offline, "@s/cached", "1.0.0").unwrap();
    assert_eq!(packument.name, "@s/cached");
    assert!(tarball.from_cache);
    assert_eq!(tarball.bytes, tgz);
    assert_eq!(registry.requests().len(), before, "offline made no request");
}

#[test]
fn a_recent_packument_comes_from_the_cache() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    registry.publish(PackageBuilder::new("dep", "1.0.0").build());
    let client = client(&registry, &cache);
    let fetches = || {
        registry
            .requests()
            .iter()
            .filter(|(_, path, _)| path == "/dep")
            .count()
    };
    client.packument("dep").unwrap();
    assert_eq!(fetches(), 1);
    let (packument, bytes) = client
        .recent_packument_document("dep", Duration::from_secs(300))
        .unwrap();
    assert_eq!(packument.name, "dep");
    assert!(!bytes.is_empty());
    assert_eq!(fetches(), 1, "a copy seconds old is served from the cache");
    // Too old: fetched again. So is the package a scan judges, always.
    client
        .recent_packument_document("dep", Duration::ZERO)
        .unwrap();
    assert_eq!(fetches(), 2);
    client.packument("dep").unwrap();
    assert_eq!(fetches(), 3);
    // A new version published meanwhile shows once the copy is refetched.
    registry.publish(PackageBuilder::new("dep", "1.1.0").build());
    let (packument, _) = client
        .recent_packument_document("dep", Duration::ZERO)
        .unwrap();
    assert!(packument.versions.contains_key("1.1.0"));
}

#[test]
fn offline_miss_says_what_to_do() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    registry.publish(PackageBuilder::new("never-fetched", "1.0.0").build());
    let err = offline_client(&registry, &cache)
        .packument("never-fetched")
        .unwrap_err();
    assert_eq!(err.code(), "offline");
    assert_eq!(
        err.to_string(),
        "the packument of `never-fetched` is not in the cache; run without --offline first"
    );
    assert!(registry.requests().is_empty());
}

#[test]
fn corrupted_cache_entry_is_refetched() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    let tgz = PackageBuilder::new("fragile", "1.0.0").build();
    let published = registry.publish(tgz.clone());
    let client = client(&registry, &cache);
    fetch(&client, "fragile", "1.0.0").unwrap();
    let [entry] = cached_tarballs(&cache).try_into().unwrap();
    std::fs::write(&entry, b"bit rot").unwrap();

    // Offline, a corrupt entry is a miss, not a success.
    let err = fetch(&offline_client(&registry, &cache), "fragile", "1.0.0").unwrap_err();
    assert_eq!(err.code(), "offline");

    let (_, tarball) = fetch(&client, "fragile", "1.0.0").unwrap();
    assert!(!tarball.from_cache);
    assert_eq!(tarball.bytes, tgz);
    assert_eq!(
        std::fs::read(&entry).unwrap(),
        tgz,
        "the entry was rewritten"
    );
    assert_eq!(registry.count_requests(&published.tarball_path), 2);
}

fn check_signature(client: &Client, name: &str, version: &str) -> SignatureCheck {
    let packument = client.packument(name).unwrap();
    let dist = packument.manifest(version).unwrap().dist();
    client.verify_signatures(name, version, &dist, packument.publish_time(version))
}

#[test]
fn signatures() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    let publish = |name: &str, options: PublishOptions| {
        registry.publish_with(PackageBuilder::new(name, "1.0.0").build(), options);
    };
    publish("signed", PublishOptions::default());
    publish(
        "tampered",
        PublishOptions {
            tamper_signature: true,
            ..PublishOptions::default()
        },
    );
    publish(
        "altered",
        PublishOptions {
            integrity_override: Some(format!(
                "sha512-{}",
                base64::engine::general_purpose::STANDARD.encode([1u8; 64])
            )),
            ..PublishOptions::default()
        },
    );
    publish(
        "stranger",
        PublishOptions {
            sign_with_unknown_key: true,
            ..PublishOptions::default()
        },
    );
    publish(
        "unsigned",
        PublishOptions {
            signed: false,
            ..PublishOptions::default()
        },
    );
    let client = client(&registry, &cache);
    let check = |name: &str| check_signature(&client, name, "1.0.0");

    assert_eq!(
        check("signed"),
        SignatureCheck::Verified {
            keyid: registry.keyid()
        }
    );
    assert!(
        matches!(check("tampered"), SignatureCheck::Invalid { keyid, .. } if keyid == registry.keyid())
    );
    assert!(matches!(check("altered"), SignatureCheck::Invalid { .. }));
    assert_eq!(
        check("stranger"),
        SignatureCheck::UnknownKey {
            keyid: registry.unknown_keyid()
        }
    );
    assert_eq!(check("unsigned"), SignatureCheck::Unsigned);
    assert_eq!(
        registry.count_requests("/-/npm/v1/keys"),
        1,
        "keys are fetched once"
    );

    // The keys were stored, so offline verification works too.
    let offline = offline_client(&registry, &cache);
    assert_eq!(
        check_signature(&offline, "signed", "1.0.0"),
        SignatureCheck::Verified {
            keyid: registry.keyid()
        }
    );
}

#[test]
fn keys_that_expired_before_publishing_do_not_count() {
    let registry = TestRegistry::start();
    registry.publish_with(
        PackageBuilder::new("late", "1.0.0").build(),
        PublishOptions {
            time: Some("2024-06-01T00:00:00.000Z".into()),
            ..PublishOptions::default()
        },
    );
    registry.set_key_expiry(Some("2024-01-01T00:00:00.000Z"));
    let cache = temp_dir();
    let client = client(&registry, &cache);
    assert_eq!(
        check_signature(&client, "late", "1.0.0"),
        SignatureCheck::UnknownKey {
            keyid: registry.keyid()
        }
    );

    registry.set_key_expiry(Some("2025-01-01T00:00:00.000Z"));
    let cache = temp_dir();
    let client = self::client(&registry, &cache);
    assert_eq!(
        check_signature(&client, "late", "1.0.0"),
        SignatureCheck::Verified {
            keyid: registry.keyid()
        }
    );
}

#[test]
fn keys_endpoint_404_means_keys_unavailable() {
    let registry = TestRegistry::start();
    registry.disable_keys();
    registry.publish(PackageBuilder::new("signed", "1.0.0").build());
    let cache = temp_dir();
    let client = client(&registry, &cache);
    let result = check_signature(&client, "signed", "1.0.0");
    let SignatureCheck::KeysUnavailable { reason } = result else {
        panic!("unexpected {result:?}");
    };
    assert!(reason.contains("404"), "{reason}");
    assert_eq!(
        registry.count_requests("/-/npm/v1/keys"),
        1,
        "a 404 is not retried"
    );
}

#[test]
fn client_is_shared_between_threads() {
    let registry = TestRegistry::start();
    let cache = temp_dir();
    for i in 0..4 {
        registry.publish(PackageBuilder::new(&format!("p{i}"), "1.0.0").build());
    }
    let client = client(&registry, &cache);
    std::thread::scope(|scope| {
        for i in 0..4 {
            let client = &client;
            scope.spawn(move || {
                let name = format!("p{i}");
                fetch(client, &name, "1.0.0").unwrap();
            });
        }
    });
    assert_eq!(cached_tarballs(&cache).len(), 4);
}
