//! A local npm registry over real HTTP/1.1 (see [`crate::http`]), for tests of anything
//! that talks to one.

use crate::http::{Request, Response, Server};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use flate2::read::GzDecoder;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::EncodePublicKey;
use serde_json::{Map, Value, json};
use sha2::Digest;
use std::collections::BTreeMap;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

/// Seeds of the two test keys: the first is served at `/-/npm/v1/keys`, the second never is.
const REGISTRY_KEY_SEED: &[u8] = b"dsca-test registry signing key";
const UNKNOWN_KEY_SEED: &[u8] = b"dsca-test unknown signing key";

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub method: String,
    /// The raw request target, as sent (still percent-encoded).
    pub path: String,
    pub authorization: Option<String>,
    pub accept: Option<String>,
}

/// How to publish one version. `PublishOptions::default()` publishes a normal,
/// signed version with correct integrity.
#[derive(Debug, Clone)]
pub struct PublishOptions {
    /// Serve this `dist.integrity` instead of the real one (the signature still covers
    /// the real one, as if the metadata had been altered after publishing).
    pub integrity_override: Option<String>,
    /// Serve only `dist.shasum`, like packages published before npm 5.
    pub shasum_only: bool,
    /// Add `dist.signatures` signed by the registry's key.
    pub signed: bool,
    /// Sign a different message, so the signature is well-formed but does not verify.
    pub tamper_signature: bool,
    /// Sign with a key the registry does not list.
    pub sign_with_unknown_key: bool,
    /// The publish time (RFC 3339); a deterministic one otherwise.
    pub time: Option<String>,
    /// Merged into the version manifest the packument serves (top-level keys replace,
    /// a `dist` object is merged into `dist`): manifest confusion, `_npmUser`,
    /// `maintainers`, `deprecated`, attestations.
    pub manifest_overrides: Map<String, Value>,
}

impl Default for PublishOptions {
    fn default() -> Self {
        PublishOptions {
            integrity_override: None,
            shasum_only: false,
            signed: true,
            tamper_signature: false,
            sign_with_unknown_key: false,
            time: None,
            manifest_overrides: Map::new(),
        }
    }
}

/// What `publish` stored.
#[derive(Debug, Clone)]
pub struct Published {
    pub name: String,
    pub version: String,
    /// The real `sha512-...` integrity of the tarball (whatever the packument serves).
    pub integrity: String,
    /// The real hex SHA-1 of the tarball.
    pub shasum: String,
    pub tarball_url: String,
    /// The tarball's path on the server, e.g. `/@scope/name/-/name-1.0.0.tgz`.
    pub tarball_path: String,
    /// The version manifest as the packument serves it.
    pub manifest: Value,
}

#[derive(Default)]
struct PackageEntry {
    versions: BTreeMap<String, Value>,
    times: BTreeMap<String, String>,
    dist_tags: BTreeMap<String, String>,
    /// `latest` was set explicitly, so publishing must not move it.
    latest_pinned: bool,
}

struct Failure {
    path_prefix: String,
    status: u16,
    remaining: u32,
}

struct State {
    base_url: String,
    packages: BTreeMap<String, PackageEntry>,
    tarballs: BTreeMap<String, Vec<u8>>,
    failures: Vec<Failure>,
    keys_disabled: bool,
    key_expires: Option<String>,
    token: Option<String>,
    requests: Vec<RequestRecord>,
    publish_count: u32,
}

/// A local npm registry on `127.0.0.1:<random port>`; stops when dropped.
pub struct TestRegistry {
    addr: SocketAddr,
    url: String,
    state: Arc<Mutex<State>>,
    /// Dropped last: stops serving.
    _server: Server,
    registry_key: SigningKey,
    unknown_key: SigningKey,
}

impl TestRegistry {
    pub fn start() -> TestRegistry {
        let state = Arc::new(Mutex::new(State {
            base_url: String::new(),
            packages: BTreeMap::new(),
            tarballs: BTreeMap::new(),
            failures: Vec::new(),
            keys_disabled: false,
            key_expires: None,
            token: None,
            requests: Vec::new(),
            publish_count: 0,
        }));
        let registry_key = key_from_seed(REGISTRY_KEY_SEED);
        let keys_doc = KeyInfo::of(&registry_key);
        let server = {
            let state = Arc::clone(&state);
            Server::start("dsca-test-registry", move |request| {
                handle(request, &state, &keys_doc)
            })
        };
        let addr = server.addr();
        let url = format!("http://{addr}/");
        state.lock().unwrap_or_else(|e| e.into_inner()).base_url = url.clone();
        TestRegistry {
            addr,
            url,
            state,
            _server: server,
            registry_key,
            unknown_key: key_from_seed(UNKNOWN_KEY_SEED),
        }
    }

    /// The registry URL, with a trailing slash: `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The keyid under which the registry's key is served.
    pub fn keyid(&self) -> String {
        KeyInfo::of(&self.registry_key).keyid
    }

    /// The keyid of the key the registry does not list.
    pub fn unknown_keyid(&self) -> String {
        KeyInfo::of(&self.unknown_key).keyid
    }

    /// Publishes a tarball; name and version come from its package.json.
    pub fn publish(&self, tarball: Vec<u8>) -> Published {
        self.publish_with(tarball, PublishOptions::default())
    }

    /// Publishes `package` at `time` (RFC 3339) with what the metadata rules expect of
    /// an ordinary package (a description, a repository, a source file), so its report
    /// shows only what the test put in it.
    pub fn publish_plain(&self, package: crate::PackageBuilder, time: &str) -> Published {
        self.publish_with(
            package
                .manifest_field("description", "fixture".into())
                .manifest_field("repository", "github:x/y".into())
                .file("index.js", "module.exports = 1;\n")
                .build(),
            PublishOptions {
                time: Some(time.to_string()),
                ..PublishOptions::default()
            },
        )
    }

    pub fn publish_with(&self, tarball: Vec<u8>, options: PublishOptions) -> Published {
        let manifest = read_manifest(&tarball);
        let name = manifest["name"]
            .as_str()
            .expect("the tarball's package.json has no string `name`")
            .to_string();
        let version = manifest["version"]
            .as_str()
            .expect("the tarball's package.json has no string `version`")
            .to_string();
        self.publish_inner(&name, &version, manifest, tarball, options)
    }

    /// Publishes a tarball under a name and version of the caller's choosing, whatever
    /// (if anything) its package.json says.
    pub fn publish_as(
        &self,
        name: &str,
        version: &str,
        tarball: Vec<u8>,
        options: PublishOptions,
    ) -> Published {
        let mut manifest = try_read_manifest(&tarball).unwrap_or_else(|| json!({}));
        if let Value::Object(map) = &mut manifest {
            map.insert("name".into(), json!(name));
            map.insert("version".into(), json!(version));
        } else {
            manifest = json!({"name": name, "version": version});
        }
        self.publish_inner(name, version, manifest, tarball, options)
    }

    fn publish_inner(
        &self,
        name: &str,
        version: &str,
        mut manifest: Value,
        tarball: Vec<u8>,
        options: PublishOptions,
    ) -> Published {
        let integrity = format!("sha512-{}", B64.encode(sha2::Sha512::digest(&tarball)));
        let shasum = hex::encode(sha1::Sha1::digest(&tarball));
        let basename = name.rsplit('/').next().unwrap_or(name);
        let tarball_path = format!("/{name}/-/{basename}-{version}.tgz");
        let tarball_url = format!("http://{}{tarball_path}", self.addr);

        let mut dist = Map::new();
        dist.insert("shasum".into(), json!(shasum));
        dist.insert("tarball".into(), json!(tarball_url));
        if !options.shasum_only {
            let served = options
                .integrity_override
                .clone()
                .unwrap_or(integrity.clone());
            dist.insert("integrity".into(), json!(served));
        }
        if options.signed && !options.shasum_only {
            let key = if options.sign_with_unknown_key {
                &self.unknown_key
            } else {
                &self.registry_key
            };
            let mut message = format!("{name}@{version}:{integrity}");
            if options.tamper_signature {
                message.push_str("-tampered");
            }
            let signature: Signature = key.sign(message.as_bytes());
            dist.insert(
                "signatures".into(),
                json!([{
                    "keyid": KeyInfo::of(key).keyid,
                    "sig": B64.encode(signature.to_der().as_bytes()),
                }]),
            );
        }

        if let Value::Object(map) = &mut manifest {
            map.insert("_id".into(), json!(format!("{name}@{version}")));
            map.insert("dist".into(), Value::Object(dist));
            for (key, value) in options.manifest_overrides {
                match (map.get_mut(&key), value) {
                    (Some(Value::Object(existing)), Value::Object(extra)) if key == "dist" => {
                        existing.extend(extra);
                    }
                    (_, value) => {
                        map.insert(key, value);
                    }
                }
            }
        }

        let mut state = self.lock();
        state.publish_count += 1;
        let time = options
            .time
            .unwrap_or_else(|| deterministic_time(state.publish_count));
        state.tarballs.insert(tarball_path.clone(), tarball);
        let entry = state.packages.entry(name.to_string()).or_default();
        entry.versions.insert(version.to_string(), manifest.clone());
        entry.times.insert(version.to_string(), time);
        if !entry.latest_pinned
            && let Some(latest) = highest_version(entry.versions.keys())
        {
            entry.dist_tags.insert("latest".into(), latest);
        }

        Published {
            name: name.to_string(),
            version: version.to_string(),
            integrity,
            shasum,
            tarball_url,
            tarball_path,
            manifest,
        }
    }

    /// Points a dist-tag at a version. Setting `latest` pins it against later publishes.
    pub fn set_dist_tag(&self, name: &str, tag: &str, version: &str) {
        let mut state = self.lock();
        let entry = state.packages.entry(name.to_string()).or_default();
        entry.dist_tags.insert(tag.to_string(), version.to_string());
        if tag == "latest" {
            entry.latest_pinned = true;
        }
    }

    /// Replaces a stored tarball's bytes (the packument keeps the old integrity).
    pub fn replace_tarball(&self, published: &Published, bytes: Vec<u8>) {
        self.lock()
            .tarballs
            .insert(published.tarball_path.clone(), bytes);
    }

    /// The next `count` requests whose path starts with `path_prefix` get `status`
    /// (a 429 carries `Retry-After: 0`).
    pub fn fail_next(&self, path_prefix: &str, status: u16, count: u32) {
        self.lock().failures.push(Failure {
            path_prefix: path_prefix.to_string(),
            status,
            remaining: count,
        });
    }

    /// Serve 404 at `/-/npm/v1/keys`, like registries (and mirrors) without signing keys.
    pub fn disable_keys(&self) {
        self.lock().keys_disabled = true;
    }

    /// Serve the signing key with this `expires` value (RFC 3339).
    pub fn set_key_expiry(&self, expires: Option<&str>) {
        self.lock().key_expires = expires.map(str::to_string);
    }

    /// Answer 401 to any request without `Authorization: Bearer <token>`.
    pub fn require_token(&self, token: &str) {
        self.lock().token = Some(token.to_string());
    }

    /// Every request so far as (method, path, authorization).
    pub fn requests(&self) -> Vec<(String, String, Option<String>)> {
        self.lock()
            .requests
            .iter()
            .map(|r| (r.method.clone(), r.path.clone(), r.authorization.clone()))
            .collect()
    }

    /// Every request so far, with more headers.
    pub fn request_records(&self) -> Vec<RequestRecord> {
        self.lock().requests.clone()
    }

    /// How many requests so far had a path starting with `prefix`.
    pub fn count_requests(&self, prefix: &str) -> usize {
        self.lock()
            .requests
            .iter()
            .filter(|r| r.path.starts_with(prefix))
            .count()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not take the whole registry down with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[derive(Clone)]
struct KeyInfo {
    keyid: String,
    spki_b64: String,
}

impl KeyInfo {
    fn of(key: &SigningKey) -> KeyInfo {
        let der = key
            .verifying_key()
            .to_public_key_der()
            .expect("encode the test public key");
        KeyInfo {
            keyid: format!(
                "SHA256:{}",
                base64::engine::general_purpose::STANDARD_NO_PAD
                    .encode(sha2::Sha256::digest(der.as_bytes()))
            ),
            spki_b64: B64.encode(der.as_bytes()),
        }
    }
}

fn key_from_seed(seed: &[u8]) -> SigningKey {
    SigningKey::from_slice(&sha2::Sha256::digest(seed))
        .expect("the test key seed is a valid scalar")
}

/// 2020-01-01T00:00:00Z plus one hour per publish, so publish order is time order.
fn deterministic_time(n: u32) -> String {
    let t = time::OffsetDateTime::UNIX_EPOCH
        + time::Duration::seconds(1_577_836_800 + i64::from(n) * 3600);
    t.format(&time::format_description::well_known::Rfc3339)
        .expect("format a test time")
}

/// The highest stable version, or the highest prerelease when there is no stable one.
fn highest_version<'a>(versions: impl Iterator<Item = &'a String>) -> Option<String> {
    let parsed: Vec<(nodejs_semver::Version, &String)> = versions
        .filter_map(|v| nodejs_semver::Version::parse(v).ok().map(|p| (p, v)))
        .collect();
    let stable = parsed
        .iter()
        .filter(|(p, _)| !p.is_prerelease())
        .max_by(|a, b| a.0.cmp(&b.0));
    stable
        .or_else(|| parsed.iter().max_by(|a, b| a.0.cmp(&b.0)))
        .map(|(_, v)| (*v).clone())
}

fn read_manifest(tarball: &[u8]) -> Value {
    try_read_manifest(tarball).expect("the tarball has no readable <dir>/package.json")
}

fn try_read_manifest(tarball: &[u8]) -> Option<Value> {
    let mut archive = tar::Archive::new(GzDecoder::new(tarball));
    for entry in archive.entries().ok()? {
        let mut entry = entry.ok()?;
        let path = entry.path().ok()?.to_string_lossy().into_owned();
        let mut parts = path.split('/');
        if parts.next().is_some() && parts.next() == Some("package.json") && parts.next().is_none()
        {
            let mut body = Vec::new();
            entry.read_to_end(&mut body).ok()?;
            return serde_json::from_slice(&body).ok();
        }
    }
    None
}

fn not_found() -> Response {
    Response::json(404, &json!({"error": "Not found"}))
}

/// Records the request, then answers it from the registry's state.
fn handle(request: &Request, state: &Mutex<State>, key: &KeyInfo) -> Response {
    let authorization = request.header("authorization").map(str::to_string);
    let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
    state.requests.push(RequestRecord {
        method: request.method.clone(),
        path: request.path.clone(),
        authorization: authorization.clone(),
        accept: request.header("accept").map(str::to_string),
    });
    respond(&mut state, &request.path, authorization.as_deref(), key)
}

fn respond(
    state: &mut State,
    raw_path: &str,
    authorization: Option<&str>,
    key: &KeyInfo,
) -> Response {
    if let Some(failure) = state
        .failures
        .iter_mut()
        .find(|f| f.remaining > 0 && raw_path.starts_with(&f.path_prefix))
    {
        failure.remaining -= 1;
        let mut response = Response::json(failure.status, &json!({"error": "injected failure"}));
        if failure.status == 429 {
            response.extra_headers.push(("Retry-After", "0".into()));
        }
        return response;
    }
    if let Some(token) = &state.token
        && authorization != Some(format!("Bearer {token}").as_str())
    {
        return Response::json(401, &json!({"error": "authentication required"}));
    }

    let path = raw_path.split('?').next().unwrap_or_default();
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned();

    if decoded == "/-/npm/v1/keys" {
        if state.keys_disabled {
            return not_found();
        }
        return Response::json(
            200,
            &json!({"keys": [{
                "expires": state.key_expires,
                "keyid": key.keyid,
                "keytype": "ecdsa-sha2-nistp256",
                "scheme": "ecdsa-sha2-nistp256",
                "key": key.spki_b64,
            }]}),
        );
    }
    if decoded.contains("/-/") {
        return match state.tarballs.get(&decoded) {
            Some(bytes) => Response {
                status: 200,
                content_type: "application/octet-stream",
                body: bytes.clone(),
                extra_headers: Vec::new(),
            },
            None => not_found(),
        };
    }
    let name = decoded.trim_start_matches('/');
    match state.packages.get(name) {
        Some(entry) if !entry.versions.is_empty() => {
            Response::json(200, &packument(&state.base_url, name, entry))
        }
        _ => not_found(),
    }
}

fn packument(base_url: &str, name: &str, entry: &PackageEntry) -> Value {
    let mut time = Map::new();
    let first = entry.times.values().min().cloned().unwrap_or_default();
    let last = entry.times.values().max().cloned().unwrap_or_default();
    time.insert("created".into(), json!(first));
    time.insert("modified".into(), json!(last));
    for (version, t) in &entry.times {
        time.insert(version.clone(), json!(t));
    }
    json!({
        "_id": name,
        "name": name,
        "dist-tags": entry.dist_tags,
        "versions": entry.versions,
        "time": time,
        "_registry": base_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PackageBuilder;
    use std::io::Write;
    use std::net::TcpStream;

    fn get(registry: &TestRegistry, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(registry.addr()).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let out = String::from_utf8_lossy(&raw).into_owned();
        let status = out[9..12].parse().unwrap();
        let body = out.split_once("\r\n\r\n").unwrap().1.to_string();
        (status, body)
    }

    #[test]
    fn serves_packuments_tarballs_and_keys() {
        let registry = TestRegistry::start();
        let published = registry.publish(PackageBuilder::new("@scope/pkg", "1.0.0").build());
        registry.publish(PackageBuilder::new("@scope/pkg", "2.0.0-beta.1").build());
        for path in ["/@scope%2fpkg", "/@scope%2Fpkg", "/@scope/pkg"] {
            let (status, body) = get(&registry, path);
            assert_eq!(status, 200, "{path}");
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["dist-tags"]["latest"], "1.0.0");
            assert_eq!(
                v["versions"]["1.0.0"]["dist"]["integrity"],
                published.integrity.as_str()
            );
            assert!(v["time"]["2.0.0-beta.1"].is_string());
        }
        assert_eq!(published.tarball_path, "/@scope/pkg/-/pkg-1.0.0.tgz");
        assert_eq!(get(&registry, &published.tarball_path).0, 200);
        assert_eq!(get(&registry, "/nope").0, 404);
        let (status, body) = get(&registry, "/-/npm/v1/keys");
        assert_eq!(status, 200);
        assert!(body.contains(&registry.keyid()));
        registry.disable_keys();
        assert_eq!(get(&registry, "/-/npm/v1/keys").0, 404);
        registry.fail_next("/@scope", 503, 1);
        assert_eq!(get(&registry, "/@scope/pkg").0, 503);
        assert_eq!(get(&registry, "/@scope/pkg").0, 200);
        registry.require_token("other");
        assert_eq!(get(&registry, "/@scope/pkg").0, 401);
        let log = registry.requests();
        assert_eq!(log[0].0, "GET");
        assert_eq!(log[0].2.as_deref(), Some("Bearer t"));
    }
}
