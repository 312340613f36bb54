//! The blocking registry client.

use crate::cache::Cache;
use crate::config::RegistryConfig;
use crate::error::RegistryError;
use crate::http::{
    Failure, RetryPolicy, error_chain, read_body, status_failure, transport_failure, with_retries,
};
use crate::integrity::{self, Expected, Verification};
use crate::signatures::{self, RegistryKey};
use crate::spec::validate_name;
use dsca_model::npm::{Dist, Packument, SignatureCheck};
use nodejs_semver::{Range, Version};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::blocking::Response;
use reqwest::header::{ACCEPT, AUTHORIZATION};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use url::Url;

/// Packuments of very popular packages run to tens of MiB; this bounds a hostile one.
const MAX_PACKUMENT_BYTES: u64 = 200 * 1024 * 1024;
const MAX_KEYS_BYTES: u64 = 1024 * 1024;
const MAX_BACKOFF: Duration = Duration::from_secs(8);
const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// Path-segment encoding for names and versions: everything but npm's URL-safe set.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Read only the cache; never touch the network.
    pub offline: bool,
    /// Per request, including reading the body.
    pub timeout: Duration,
    /// Retries after the first attempt, on 5xx, 429, timeouts and connection errors.
    pub retries: u32,
    pub user_agent: String,
    pub max_tarball_bytes: u64,
    /// The first retry waits this long; each further retry doubles it (capped at 8 s).
    pub retry_delay: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            offline: false,
            timeout: Duration::from_secs(60),
            retries: 3,
            user_agent: concat!("dsca/", env!("CARGO_PKG_VERSION")).to_string(),
            max_tarball_bytes: 512 * 1024 * 1024,
            retry_delay: Duration::from_millis(250),
        }
    }
}

/// A tarball whose bytes matched the registry's integrity (unless `Unverifiable`).
#[derive(Debug, Clone)]
pub struct FetchedTarball {
    pub bytes: Vec<u8>,
    pub verification: Verification,
    pub from_cache: bool,
    pub url: String,
}

type KeysResult = Result<Arc<Vec<RegistryKey>>, String>;

/// Why a registry's signing keys could not be had.
enum KeysError {
    /// The registry answered that it has none: true for the rest of the run.
    NotPublished(String),
    /// A network or format failure that may pass.
    Failed(String),
}

/// An npm registry client. `Send + Sync`: share one by reference between threads.
pub struct Client {
    config: RegistryConfig,
    cache: Cache,
    options: ClientOptions,
    http: reqwest::blocking::Client,
    /// Registry keys per registry URL, fetched once per process (failures too, so a
    /// registry without keys is asked once, not once per package).
    keys: Mutex<HashMap<String, KeysResult>>,
}

impl Client {
    /// Builds the client. Must not be called from inside an async runtime (reqwest's
    /// blocking client runs its own).
    pub fn new(
        config: RegistryConfig,
        cache: Cache,
        options: ClientOptions,
    ) -> Result<Client, RegistryError> {
        let http = reqwest::blocking::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(30)))
            .user_agent(options.user_agent.clone())
            .build()
            .map_err(|e| RegistryError::Setup(error_chain(&e)))?;
        Ok(Client {
            config,
            cache,
            options,
            http,
            keys: Mutex::new(HashMap::new()),
        })
    }

    pub fn config(&self) -> &RegistryConfig {
        &self.config
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// The URL of a package's full packument: `<registry>/<name>`, scoped names as
    /// `@scope%2fname`.
    pub fn packument_url(&self, name: &str) -> Result<Url, RegistryError> {
        check_name(name)?;
        let registry = self.config.registry_for(name);
        let encoded = match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
            Some((scope, bare)) => format!(
                "@{}%2f{}",
                utf8_percent_encode(scope, SEGMENT),
                utf8_percent_encode(bare, SEGMENT)
            ),
            None => utf8_percent_encode(name, SEGMENT).to_string(),
        };
        join(registry, &encoded)
    }

    /// The full packument (with `time`, unlike the abbreviated install form). Online it
    /// is always fetched and then cached; offline it comes from the cache only.
    pub fn packument(&self, name: &str) -> Result<Packument, RegistryError> {
        self.packument_document(name)
            .map(|(packument, _)| packument)
    }

    /// [`Client::packument`] together with the document's bytes as the registry sent
    /// them (for serving the packument on, e.g. from the sandbox's registry proxy).
    pub fn packument_document(&self, name: &str) -> Result<(Packument, Vec<u8>), RegistryError> {
        let url = self.packument_url(name)?;
        let registry = self.config.registry_for(name);
        let cache_path = self.cache.packument_path(registry, name);
        if self.options.offline {
            let bytes = self
                .cache
                .read_document(&cache_path, MAX_PACKUMENT_BYTES)?
                .ok_or_else(|| RegistryError::Offline {
                    what: format!("the packument of `{name}`"),
                })?;
            let mut packument = parse_packument(&bytes, &url)?;
            packument.name = name.to_string();
            return Ok((packument, bytes));
        }
        let bytes = self
            .fetch_with_retries(&url, "application/json", MAX_PACKUMENT_BYTES, None)
            .map_err(|e| match e {
                RegistryError::Http { status: 404, .. } => RegistryError::NotFound {
                    name: name.to_string(),
                    registry: registry.to_string(),
                },
                other => other,
            })?
            .0;
        let mut packument = parse_packument(&bytes, &url)?;
        // A cache that cannot be written costs offline use later, not this scan.
        let _ = self.cache.write_document(&cache_path, &bytes);
        // The name asked for is the one reports and messages use, not whatever the
        // registry's document claims.
        packument.name = name.to_string();
        Ok((packument, bytes))
    }

    /// [`Client::packument_document`], except that a cached copy fetched less than
    /// `max_age` ago is used as it is, the way npm uses its own cache within the
    /// registry's max-age. For the dependencies an install resolves (the sandbox's
    /// registry proxy); the package a scan judges is always fetched afresh.
    pub fn recent_packument_document(
        &self,
        name: &str,
        max_age: Duration,
    ) -> Result<(Packument, Vec<u8>), RegistryError> {
        if !self.options.offline {
            let url = self.packument_url(name)?;
            let cache_path = self
                .cache
                .packument_path(self.config.registry_for(name), name);
            let fresh = std::fs::metadata(&cache_path)
                .and_then(|meta| meta.modified())
                .ok()
                .and_then(|modified| modified.elapsed().ok())
                .is_some_and(|age| age < max_age);
            // A cached copy that cannot be read or parsed is fetched again.
            if fresh
                && let Ok(Some(bytes)) = self.cache.read_document(&cache_path, MAX_PACKUMENT_BYTES)
                && let Ok(mut packument) = parse_packument(&bytes, &url)
            {
                packument.name = name.to_string();
                return Ok((packument, bytes));
            }
        }
        self.packument_document(name)
    }

    /// Picks a version the way npm does. See [`resolve`].
    pub fn resolve(
        &self,
        packument: &Packument,
        requested: Option<&str>,
    ) -> Result<String, RegistryError> {
        resolve(packument, requested)
    }

    /// Downloads (or reads from the cache) a version's tarball and checks it against
    /// `dist.integrity` (or the legacy `shasum`). Only verified tarballs are cached.
    pub fn tarball(
        &self,
        name: &str,
        version: &str,
        dist: &Dist,
    ) -> Result<FetchedTarball, RegistryError> {
        let url = self.tarball_url(name, version, dist)?;
        let package = format!("{name}@{version}");
        let expected = integrity::expected_for(dist);
        let max = self.options.max_tarball_bytes;

        if let Some(expected) = &expected
            && let Some(bytes) = self.cache.read_tarball(expected, max)
        {
            return Ok(FetchedTarball {
                bytes,
                verification: expected.verification(),
                from_cache: true,
                url: url.to_string(),
            });
        }
        if self.options.offline {
            return Err(RegistryError::Offline {
                what: match expected {
                    Some(_) => format!("the tarball of {package}"),
                    None => format!(
                        "the tarball of {package} (it has no integrity, so it is never cached)"
                    ),
                },
            });
        }

        let algorithm = expected.as_ref().map(|e| e.algorithm);
        let (bytes, digest) = self
            .fetch_with_retries(&url, "application/octet-stream, */*", max, algorithm)
            .map_err(|e| match e {
                RegistryError::Http { status: 404, url } => RegistryError::TarballNotFound {
                    package: package.clone(),
                    url,
                },
                other => other,
            })?;

        let Some(expected) = expected else {
            return Ok(FetchedTarball {
                bytes,
                verification: Verification::Unverifiable,
                from_cache: false,
                url: url.to_string(),
            });
        };
        let digest = digest.unwrap_or_default();
        if digest != expected.digest {
            return Err(mismatch(&package, &expected, &digest, &url));
        }
        let _ = self.cache.write_tarball(&expected, &bytes);
        Ok(FetchedTarball {
            bytes,
            verification: expected.verification(),
            from_cache: false,
            url: url.to_string(),
        })
    }

    /// `dist.tarball`, or the conventional `<registry>/<name>/-/<basename>-<version>.tgz`.
    pub fn tarball_url(
        &self,
        name: &str,
        version: &str,
        dist: &Dist,
    ) -> Result<Url, RegistryError> {
        if let Some(tarball) = dist
            .tarball
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let invalid = |reason: String| RegistryError::InvalidResponse {
                url: tarball.to_string(),
                reason,
            };
            let url = Url::parse(tarball).map_err(|e| invalid(format!("bad tarball URL: {e}")))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(invalid("the tarball URL is not http(s)".into()));
            }
            return Ok(url);
        }
        check_name(name)?;
        let basename = name.rsplit('/').next().unwrap_or(name);
        let file = format!(
            "{name}/-/{}-{}.tgz",
            utf8_percent_encode(basename, SEGMENT),
            utf8_percent_encode(version, SEGMENT)
        );
        join(self.config.registry_for(name), &file)
    }

    /// Checks `dist.signatures` against the keys of the registry that serves `name`.
    /// `published` is the version's publish time (RFC 3339), which decides whether an
    /// expiring key still counted. The keys come first: on a registry that publishes
    /// none (mirrors, private registries) even an unsigned version is `KeysUnavailable`,
    /// since being unsigned there means nothing.
    pub fn verify_signatures(
        &self,
        name: &str,
        version: &str,
        dist: &Dist,
        published: Option<&str>,
    ) -> SignatureCheck {
        let registry = self.config.registry_for(name);
        match self.registry_keys(registry) {
            Ok(keys) => signatures::check(&keys, name, version, dist, published),
            Err(reason) => SignatureCheck::KeysUnavailable { reason },
        }
    }

    fn registry_keys(&self, registry: &Url) -> KeysResult {
        let key = registry.as_str().to_string();
        if let Some(known) = self
            .keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return known.clone();
        }
        // Two threads may both fetch on first use; the second result simply wins. A
        // transient failure is not remembered, so one hiccup does not switch signature
        // checks off for the rest of a batch.
        let (result, definitive) = match self.fetch_keys(registry) {
            Ok(keys) => (Ok(Arc::new(keys)), true),
            Err(KeysError::NotPublished(reason)) => (Err(reason), true),
            Err(KeysError::Failed(reason)) => (Err(reason), false),
        };
        if definitive {
            self.keys
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(key, result.clone());
        }
        result
    }

    fn fetch_keys(&self, registry: &Url) -> Result<Vec<RegistryKey>, KeysError> {
        let path = self.cache.keys_path(registry);
        if self.options.offline {
            let bytes = self
                .cache
                .read_document(&path, MAX_KEYS_BYTES)
                .map_err(|e| KeysError::Failed(e.to_string()))?
                .ok_or_else(|| {
                    KeysError::Failed(format!(
                        "the signing keys of {registry} are not in the cache (offline)"
                    ))
                })?;
            return signatures::parse_keys(&bytes).map_err(KeysError::Failed);
        }
        let url = join(registry, "-/npm/v1/keys").map_err(|e| KeysError::Failed(e.to_string()))?;
        let bytes = match self.fetch_with_retries(&url, "application/json", MAX_KEYS_BYTES, None) {
            Ok((bytes, _)) => bytes,
            Err(RegistryError::Http { status: 404, .. }) => {
                return Err(KeysError::NotPublished(format!(
                    "{registry} publishes no signing keys ({url} is 404)"
                )));
            }
            Err(e) => return Err(KeysError::Failed(e.to_string())),
        };
        let keys = signatures::parse_keys(&bytes).map_err(KeysError::Failed)?;
        let _ = self.cache.write_document(&path, &bytes);
        Ok(keys)
    }

    /// GETs a URL with retries, reading the body up to `max` bytes and, if asked,
    /// hashing it as it streams in. Non-success statuses come back as `Http`.
    fn fetch_with_retries(
        &self,
        url: &Url,
        accept: &str,
        max: u64,
        hash: Option<integrity::HashAlgorithm>,
    ) -> Result<(Vec<u8>, Option<Vec<u8>>), RegistryError> {
        let policy = RetryPolicy {
            retries: self.options.retries,
            first_delay: self.options.retry_delay,
            max_backoff: MAX_BACKOFF,
            max_retry_after: MAX_RETRY_AFTER,
        };
        with_retries(&policy, || {
            self.send(url, accept)
                .and_then(|response| read_body(response, url, max, hash, None))
        })
    }

    fn send(&self, url: &Url, accept: &str) -> Result<Response, Failure> {
        let mut request = self.http.get(url.clone()).header(ACCEPT, accept);
        if let Some(auth) = self.config.auth_header_for(url) {
            request = request.header(AUTHORIZATION, auth);
        }
        let response = request.send().map_err(|e| transport_failure(url, &e))?;
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(status_failure(&response, url))
        }
    }
}

/// Picks a version the way npm does: no request means the `latest` dist-tag; an exact
/// version must exist; a range prefers the `latest` tag's version when it satisfies
/// (and is not deprecated), else the highest satisfying version, non-deprecated first.
/// Prereleases match only ranges that name a prerelease of the same version; anything
/// that is neither a version nor a range is a dist-tag.
pub fn resolve(packument: &Packument, requested: Option<&str>) -> Result<String, RegistryError> {
    let latest = packument.dist_tag("latest").map(str::to_string);
    let no_match = |requested: &str| RegistryError::NoMatchingVersion {
        name: packument.name.clone(),
        requested: requested.to_string(),
        latest: latest.clone(),
    };
    let requested = requested.map(str::trim).filter(|r| !r.is_empty());
    let Some(requested) = requested else {
        return tagged(packument, "latest").ok_or_else(|| no_match("latest"));
    };
    if packument.versions.contains_key(requested) {
        return Ok(requested.to_string());
    }
    let parsed: Vec<(Version, &String)> = packument
        .versions
        .keys()
        .filter_map(|v| Version::parse(v).ok().map(|p| (p, v)))
        .collect();

    let bare = requested.trim_start_matches('=').trim_start_matches('v');
    if let Ok(wanted) = Version::parse(bare)
        && wanted.to_string() == bare
    {
        return parsed
            .iter()
            .find(|(v, _)| *v == wanted)
            .map(|(_, key)| (*key).clone())
            .ok_or_else(|| no_match(requested));
    }
    let Ok(range) = Range::parse(requested) else {
        return tagged(packument, requested).ok_or_else(|| no_match(requested));
    };
    let deprecated = |key: &str| {
        packument
            .manifest(key)
            .and_then(|m| m.deprecated())
            .is_some()
    };
    if let Some(latest) = latest.as_deref()
        && packument.versions.contains_key(latest)
        && !deprecated(latest)
        && Version::parse(latest).is_ok_and(|v| range.satisfies(&v))
    {
        return Ok(latest.to_string());
    }
    parsed
        .iter()
        .filter(|(v, _)| range.satisfies(v))
        .max_by(|(a, ka), (b, kb)| (!deprecated(ka), a).cmp(&(!deprecated(kb), b)))
        .map(|(_, key)| (*key).clone())
        .ok_or_else(|| no_match(requested))
}

/// The version a dist-tag points at, if the packument has it.
fn tagged(packument: &Packument, tag: &str) -> Option<String> {
    packument
        .dist_tag(tag)
        .filter(|v| packument.versions.contains_key(v))
        .map(str::to_string)
}

fn check_name(name: &str) -> Result<(), RegistryError> {
    validate_name(name).map_err(|reason| RegistryError::InvalidName {
        name: name.to_string(),
        reason,
    })
}

fn join(registry: &Url, relative: &str) -> Result<Url, RegistryError> {
    // Concatenate rather than `Url::join`, which would drop the registry's path when
    // `relative` looked absolute; the registry URL always ends with `/`.
    let text = format!("{registry}{relative}");
    Url::parse(&text).map_err(|e| RegistryError::InvalidResponse {
        url: text,
        reason: e.to_string(),
    })
}

/// Parses a packument leniently: top-level fields of the wrong shape are dropped rather
/// than failing the whole document (metadata rules judge what is left).
fn parse_packument(bytes: &[u8], url: &Url) -> Result<Packument, RegistryError> {
    serde_json::from_slice(bytes).map_err(|e| RegistryError::InvalidResponse {
        url: url.to_string(),
        reason: if e.is_data() {
            "the packument is not a JSON object".to_string()
        } else {
            format!("the packument is not valid JSON ({e})")
        },
    })
}

fn mismatch(package: &str, expected: &Expected, actual: &[u8], url: &Url) -> RegistryError {
    RegistryError::IntegrityMismatch {
        package: package.to_string(),
        expected: expected.display(),
        actual: integrity::display_digest(expected.algorithm, actual, expected.from_shasum),
        url: url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn packument(value: Value) -> Packument {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn client_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Client>();
    }

    #[test]
    fn lenient_packument_parsing() {
        let url = Url::parse("https://r.example/x").unwrap();
        let p = parse_packument(
            br#"{"name": 5, "versions": [], "time": "x", "dist-tags": {"latest": "1.0.0"}}"#,
            &url,
        )
        .unwrap();
        assert!(p.versions.is_empty());
        assert_eq!(p.dist_tag("latest"), Some("1.0.0"));
        let err = parse_packument(b"{not json", &url).unwrap_err();
        assert_eq!(err.code(), "invalid-response");
        assert!(parse_packument(b"[]", &url).is_err());
        let deep = "[".repeat(100_000);
        assert!(parse_packument(deep.as_bytes(), &url).is_err());
    }

    #[test]
    fn resolve_semantics() {
        let p = packument(json!({
            "name": "demo",
            "dist-tags": {"latest": "1.2.0", "next": "2.0.0-beta.2", "ghost": "9.9.9"},
            "versions": {
                "1.0.0": {}, "1.2.0": {}, "1.3.0": {}, "1.4.0": {"deprecated": "no"},
                "2.0.0-beta.1": {}, "2.0.0-beta.2": {}, "0.9.0": {}
            }
        }));
        let r = |req: Option<&str>| resolve(&p, req);
        assert_eq!(r(None).unwrap(), "1.2.0");
        assert_eq!(r(Some("latest")).unwrap(), "1.2.0");
        assert_eq!(r(Some("next")).unwrap(), "2.0.0-beta.2");
        assert_eq!(r(Some("1.0.0")).unwrap(), "1.0.0");
        assert_eq!(r(Some("v1.0.0")).unwrap(), "1.0.0");
        assert_eq!(r(Some("=1.3.0")).unwrap(), "1.3.0");
        // latest satisfies ^1, so it wins over the higher 1.3.0.
        assert_eq!(r(Some("^1")).unwrap(), "1.2.0");
        assert_eq!(r(Some("*")).unwrap(), "1.2.0");
        // latest does not satisfy: the highest non-deprecated satisfying version.
        assert_eq!(r(Some(">1.2.0")).unwrap(), "1.3.0");
        assert_eq!(r(Some(">=1.4.0 <2")).unwrap(), "1.4.0");
        assert_eq!(r(Some("<1")).unwrap(), "0.9.0");
        // Prereleases only for ranges that name one.
        assert!(r(Some("^2")).is_err());
        assert_eq!(r(Some("^2.0.0-beta.1")).unwrap(), "2.0.0-beta.2");
        assert_eq!(r(Some("2.0.0-beta.1")).unwrap(), "2.0.0-beta.1");
        for missing in ["3.0.0", "^5", "nope", "ghost"] {
            let err = r(Some(missing)).unwrap_err();
            assert_eq!(err.code(), "no-matching-version", "{missing}");
            assert!(err.to_string().contains("1.2.0"), "{err}");
        }
        // Hostile version keys and ranges are skipped or rejected, never a panic.
        let hostile = packument(json!({
            "name": "h",
            "dist-tags": {"latest": "99999999999999999999999.0.0"},
            "versions": {
                "99999999999999999999999.0.0": {}, "1.0.0-99999999999999999999999": {},
                "1.2.3-": {}, "": {}, "1.0.0+build": {}, "../../x": {}
            }
        }));
        for req in [
            None,
            Some("*"),
            Some("^1"),
            Some(">=0.0.0-0"),
            Some("||||"),
            Some("1.0.0+build"),
            Some(&"9".repeat(5000)),
            Some("^1.0.0-99999999999999999999999"),
        ] {
            let _ = resolve(&hostile, req);
        }
        let empty = packument(json!({"name": "e"}));
        assert!(resolve(&empty, None).is_err());
    }
}
