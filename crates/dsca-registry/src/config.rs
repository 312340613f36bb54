//! Registry configuration read from `.npmrc` files the way npm reads them.
//!
//! Precedence for the default registry: the caller's explicit override, then
//! `NPM_CONFIG_REGISTRY`/`npm_config_registry`, then the project `.npmrc`, then the
//! user `.npmrc`, then <https://registry.npmjs.org/>. Credentials are keyed by "nerf
//! dart" (`//host[:port]/path/`) and only ever sent to URLs under that prefix.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use url::Url;

pub const DEFAULT_REGISTRY: &str = "https://registry.npmjs.org/";

/// `.npmrc` files larger than this are not configuration.
const MAX_NPMRC_BYTES: u64 = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("invalid registry URL `{value}` ({origin}): {reason}")]
    InvalidRegistry {
        value: String,
        origin: String,
        reason: String,
    },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is larger than 1 MiB; refusing to read it as an .npmrc", .0.display())]
    TooLarge(PathBuf),
}

/// The process environment as configuration sees it; tests build their own.
#[derive(Debug, Clone, Default)]
pub struct ConfigEnv {
    pub home: Option<PathBuf>,
    pub vars: HashMap<String, String>,
}

impl ConfigEnv {
    pub fn from_process() -> ConfigEnv {
        ConfigEnv {
            home: std::env::var_os("HOME").map(PathBuf::from),
            vars: std::env::vars().collect(),
        }
    }

    fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

#[derive(Clone, Default, PartialEq, Eq)]
struct Credentials {
    token: Option<String>,
    /// `_auth`: base64 of `user:password`, sent as-is.
    basic: Option<String>,
    username: Option<String>,
    /// `_password`: base64 of the password.
    password: Option<String>,
}

impl Credentials {
    fn header(&self) -> Option<String> {
        if let Some(token) = &self.token {
            return Some(format!("Bearer {token}"));
        }
        if let Some(basic) = &self.basic {
            return Some(format!("Basic {basic}"));
        }
        let (user, password) = (self.username.as_ref()?, self.password.as_ref()?);
        let password = B64.decode(password.trim()).ok()?;
        let mut pair = format!("{user}:").into_bytes();
        pair.extend_from_slice(&password);
        Some(format!("Basic {}", B64.encode(pair)))
    }
}

/// Which registry serves which package, and which credentials go to which URL.
#[derive(Clone)]
pub struct RegistryConfig {
    default_registry: Url,
    scopes: BTreeMap<String, Url>,
    /// Keyed by nerf dart: `//host[:port]/path/`.
    credentials: BTreeMap<String, Credentials>,
    /// The files that were read, user first.
    sources: Vec<PathBuf>,
}

// Credentials must never end up in logs through `{:?}`.
impl fmt::Debug for RegistryConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryConfig")
            .field("default_registry", &self.default_registry.as_str())
            .field("scopes", &self.scopes)
            .field(
                "credentials_for",
                &self.credentials.keys().collect::<Vec<_>>(),
            )
            .field("sources", &self.sources)
            .finish()
    }
}

impl RegistryConfig {
    /// Loads `.npmrc` files for a project directory from the process environment.
    pub fn load(
        project_dir: &Path,
        registry_override: Option<&str>,
    ) -> Result<RegistryConfig, ConfigError> {
        Self::load_with(project_dir, registry_override, &ConfigEnv::from_process())
    }

    /// Like [`RegistryConfig::load`] with an explicit environment.
    pub fn load_with(
        project_dir: &Path,
        registry_override: Option<&str>,
        env: &ConfigEnv,
    ) -> Result<RegistryConfig, ConfigError> {
        let mut config = RegistryConfig::for_registry(default_registry());
        let mut npmrc_registry: Option<(String, String)> = None;

        let user_file = env
            .var("NPM_CONFIG_USERCONFIG")
            .or_else(|| env.var("npm_config_userconfig"))
            .map(PathBuf::from)
            .or_else(|| env.home.as_ref().map(|h| h.join(".npmrc")));
        let project_file = project_dir
            .ancestors()
            .map(|dir| dir.join(".npmrc"))
            .find(|candidate| candidate.is_file());

        let mut files: Vec<PathBuf> = Vec::new();
        if let Some(user) = user_file.filter(|p| p.is_file()) {
            files.push(user);
        }
        if let Some(project) = project_file {
            // The walk up may reach the user file itself; read it once.
            if !files.iter().any(|f| same_file(f, &project)) {
                files.push(project);
            }
        }
        for file in files {
            let text = read_npmrc(&file)?;
            let origin = file.display().to_string();
            for (key, value) in parse_npmrc(&text, env) {
                config.apply(&key, value, &origin, &mut npmrc_registry)?;
            }
            config.sources.push(file);
        }

        let env_registry = env
            .var("NPM_CONFIG_REGISTRY")
            .or_else(|| env.var("npm_config_registry"))
            .map(|v| (v.to_string(), "environment NPM_CONFIG_REGISTRY".to_string()));
        let chosen = registry_override
            .map(|v| (v.to_string(), "--registry".to_string()))
            .or(env_registry)
            .or(npmrc_registry);
        if let Some((value, origin)) = chosen {
            config.default_registry = parse_registry_url(&value, &origin)?;
        }
        Ok(config)
    }

    /// A configuration with one registry and no credentials.
    pub fn for_registry(url: Url) -> RegistryConfig {
        RegistryConfig {
            default_registry: with_trailing_slash(url),
            scopes: BTreeMap::new(),
            credentials: BTreeMap::new(),
            sources: Vec::new(),
        }
    }

    /// Adds a bearer token for every URL under `registry` (for callers and tests
    /// that do not go through `.npmrc`).
    pub fn with_token(mut self, registry: &Url, token: &str) -> RegistryConfig {
        self.credentials
            .entry(nerf_dart(registry))
            .or_default()
            .token = Some(token.to_string());
        self
    }

    /// Routes a scope (`@corp`) to its own registry.
    pub fn with_scope_registry(mut self, scope: &str, registry: Url) -> RegistryConfig {
        self.scopes.insert(
            scope.trim_start_matches('@').to_string(),
            with_trailing_slash(registry),
        );
        self
    }

    pub fn default_registry(&self) -> &Url {
        &self.default_registry
    }

    /// The `.npmrc` files that were read, user first.
    pub fn sources(&self) -> &[PathBuf] {
        &self.sources
    }

    /// The registry that serves a package: its scope's registry, else the default.
    pub fn registry_for(&self, package_name: &str) -> &Url {
        package_name
            .strip_prefix('@')
            .and_then(|rest| rest.split_once('/'))
            .and_then(|(scope, _)| self.scopes.get(scope))
            .unwrap_or(&self.default_registry)
    }

    /// The `Authorization` header value for a request, if credentials were configured
    /// for it: the longest configured `//host/path/` prefix of the URL wins; failing
    /// that, a registry's credentials on the same host (tarballs are often served from
    /// another path of the registry host). Never credentials of another host.
    pub fn auth_header_for(&self, url: &Url) -> Option<String> {
        // `.npmrc` credentials name no scheme; never let a URL from a packument downgrade
        // them to plain HTTP unless a registry on that host was configured as HTTP.
        if url.scheme() != "https"
            && !self
                .registries()
                .any(|r| r.scheme() == url.scheme() && r.host_str() == url.host_str())
        {
            return None;
        }
        let target = nerf_dart(url);
        let by_prefix = self
            .credentials
            .iter()
            .filter(|(nerf, _)| target.starts_with(nerf.as_str()))
            .max_by_key(|(nerf, _)| nerf.len())
            .and_then(|(_, creds)| creds.header());
        if by_prefix.is_some() {
            return by_prefix;
        }
        let host = host_part(&target);
        self.registries()
            .filter(|registry| host_part(&nerf_dart(registry)) == host)
            .find_map(|registry| {
                let nerf = nerf_dart(registry);
                self.credentials
                    .iter()
                    .filter(|(key, _)| nerf.starts_with(key.as_str()))
                    .max_by_key(|(key, _)| key.len())
                    .and_then(|(_, creds)| creds.header())
            })
    }

    fn registries(&self) -> impl Iterator<Item = &Url> {
        std::iter::once(&self.default_registry).chain(self.scopes.values())
    }

    fn apply(
        &mut self,
        key: &str,
        value: String,
        origin: &str,
        npmrc_registry: &mut Option<(String, String)>,
    ) -> Result<(), ConfigError> {
        if key == "registry" {
            *npmrc_registry = Some((value, origin.to_string()));
        } else if let Some(scope) = key
            .strip_prefix('@')
            .and_then(|k| k.strip_suffix(":registry"))
        {
            let url = parse_registry_url(&value, origin)?;
            self.scopes.insert(scope.to_string(), url);
        } else if let Some(rest) = key.strip_prefix("//") {
            // `//host/path/:_authToken`: the field is after the last `:`.
            let Some((prefix, field)) = rest.rsplit_once(':') else {
                return Ok(());
            };
            let nerf = normalise_nerf(prefix);
            let creds = self.credentials.entry(nerf).or_default();
            match field {
                "_authToken" => creds.token = Some(value),
                "_auth" => creds.basic = Some(value),
                "username" => creds.username = Some(value),
                "_password" => creds.password = Some(value),
                _ => {}
            }
        }
        Ok(())
    }
}

fn default_registry() -> Url {
    // A constant that parses; `for_registry` needs a Url, not a Result.
    Url::parse(DEFAULT_REGISTRY)
        .unwrap_or_else(|_| unreachable!("the default registry URL is valid"))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn read_npmrc(path: &Path) -> Result<String, ConfigError> {
    let meta = std::fs::metadata(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.len() > MAX_NPMRC_BYTES {
        return Err(ConfigError::TooLarge(path.to_path_buf()));
    }
    let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// `key = value` lines after environment substitution; comments and sections skipped.
pub fn parse_npmrc(text: &str, env: &ConfigEnv) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.is_empty()
                || line.starts_with(';')
                || line.starts_with('#')
                || line.starts_with('[')
            {
                return None;
            }
            let (key, value) = line.split_once('=')?;
            let key = substitute_env(key.trim(), env);
            let value = substitute_env(unquote(value.trim()), env);
            (!key.is_empty()).then_some((key, value))
        })
        .collect()
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

/// `${VAR}` becomes the variable's value; an unset variable is left as written (as npm
/// does), and `\${VAR}` is a literal `${VAR}`.
fn substitute_env(input: &str, env: &ConfigEnv) -> String {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(start) = rest.find("${") {
        let escaped = rest[..start].ends_with('\\');
        let Some(len) = rest[start + 2..].find('}') else {
            break;
        };
        let name = &rest[start + 2..start + 2 + len];
        let whole = &rest[start..start + 3 + len];
        if escaped {
            out.push_str(&rest[..start - 1]);
            out.push_str(whole);
        } else {
            out.push_str(&rest[..start]);
            match env.vars.get(name) {
                Some(value) => out.push_str(value),
                None => out.push_str(whole),
            }
        }
        rest = &rest[start + 3 + len..];
    }
    out.push_str(rest);
    out
}

fn parse_registry_url(value: &str, origin: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidRegistry {
        value: value.to_string(),
        origin: origin.to_string(),
        reason,
    };
    let url = Url::parse(value.trim()).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(
            "only http and https registries are supported".into(),
        ));
    }
    if url.host_str().is_none() {
        return Err(invalid("the URL has no host".into()));
    }
    Ok(with_trailing_slash(url))
}

fn with_trailing_slash(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    url
}

/// npm's "nerf dart" of a URL, `//host[:port]/path`: no scheme, credentials, query or
/// default port. The whole path is kept so configured prefixes can be matched against it.
fn nerf_dart(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    format!("//{host}{port}{}", url.path())
}

/// `host[:port]/path` from an .npmrc key, normalised like [`nerf_dart`]: lowercase
/// host, default ports dropped, trailing slash.
fn normalise_nerf(prefix: &str) -> String {
    let (authority, path) = match prefix.find('/') {
        Some(i) => (&prefix[..i], &prefix[i..]),
        None => (prefix, "/"),
    };
    let authority = authority.to_ascii_lowercase();
    let authority = authority
        .strip_suffix(":443")
        .or_else(|| authority.strip_suffix(":80"))
        .unwrap_or(&authority);
    let mut nerf = format!("//{authority}{path}");
    if !nerf.ends_with('/') {
        nerf.push('/');
    }
    nerf
}

fn host_part(nerf: &str) -> &str {
    let rest = nerf.trim_start_matches("//");
    rest.split('/').next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)], home: Option<&Path>) -> ConfigEnv {
        ConfigEnv {
            home: home.map(Path::to_path_buf),
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn defaults_without_files() {
        let dir = tempfile::tempdir().unwrap();
        let config = RegistryConfig::load_with(dir.path(), None, &env(&[], None)).unwrap();
        assert_eq!(config.registry_for("lodash").as_str(), DEFAULT_REGISTRY);
        assert_eq!(
            config.auth_header_for(&url("https://registry.npmjs.org/lodash")),
            None
        );
    }

    #[test]
    fn project_overrides_user_and_env_overrides_both() {
        let home = tempfile::tempdir().unwrap();
        let project = tempfile::tempdir().unwrap();
        std::fs::write(
            home.path().join(".npmrc"),
            "registry=https://user.example/npm\n; comment\n# comment\n\
             @corp:registry=https://corp.example/api/npm/\n\
             //corp.example/api/npm/:_authToken=${CORP_TOKEN}\n",
        )
        .unwrap();
        std::fs::write(
            project.path().join(".npmrc"),
            "registry = \"https://project.example/\"\n",
        )
        .unwrap();
        let nested = project.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        let e = env(&[("CORP_TOKEN", "s3cret")], Some(home.path()));

        let config = RegistryConfig::load_with(&nested, None, &e).unwrap();
        assert_eq!(
            config.registry_for("lodash").as_str(),
            "https://project.example/"
        );
        assert_eq!(
            config.registry_for("@corp/tool").as_str(),
            "https://corp.example/api/npm/"
        );
        assert_eq!(config.sources().len(), 2);
        assert_eq!(
            config
                .auth_header_for(&url("https://corp.example/api/npm/@corp%2ftool"))
                .as_deref(),
            Some("Bearer s3cret")
        );
        // Another host, or another path on the host outside any registry: nothing.
        assert_eq!(
            config.auth_header_for(&url("https://evil.example/api/npm/x")),
            None
        );
        assert_eq!(
            config.auth_header_for(&url("https://project.example/x")),
            None
        );

        let mut e2 = e.clone();
        e2.vars
            .insert("NPM_CONFIG_REGISTRY".into(), "https://env.example".into());
        let config = RegistryConfig::load_with(&nested, None, &e2).unwrap();
        assert_eq!(config.registry_for("x").as_str(), "https://env.example/");
        let config =
            RegistryConfig::load_with(&nested, Some("http://cli.example:8080/r"), &e2).unwrap();
        assert_eq!(
            config.registry_for("x").as_str(),
            "http://cli.example:8080/r/"
        );
    }

    #[test]
    fn userconfig_env_and_basic_auth() {
        let dir = tempfile::tempdir().unwrap();
        let rc = dir.path().join("custom-npmrc");
        std::fs::write(
            &rc,
            "registry=https://r.example:8443/npm/\n\
             //r.example:8443/npm/:username=alice\n\
             //r.example:8443/npm/:_password=cGFzcw==\n\
             //other.example/:_auth=YWxpY2U6cGFzcw==\n",
        )
        .unwrap();
        let e = env(&[("NPM_CONFIG_USERCONFIG", rc.to_str().unwrap())], None);
        let config = RegistryConfig::load_with(dir.path(), None, &e).unwrap();
        assert_eq!(
            config
                .auth_header_for(&url("https://r.example:8443/npm/lodash"))
                .as_deref(),
            Some("Basic YWxpY2U6cGFzcw==")
        );
        // Same host, other port: not the configured host.
        assert_eq!(
            config.auth_header_for(&url("https://r.example/npm/lodash")),
            None
        );
        assert_eq!(
            config
                .auth_header_for(&url("https://other.example/x/-/x-1.tgz"))
                .as_deref(),
            Some("Basic YWxpY2U6cGFzcw==")
        );
    }

    #[test]
    fn tarballs_on_the_registry_host_get_its_token() {
        let config = RegistryConfig::for_registry(url("https://npm.corp/api/npm/"))
            .with_token(&url("https://npm.corp/api/npm/"), "t");
        assert_eq!(
            config
                .auth_header_for(&url("https://npm.corp/files/x-1.0.0.tgz"))
                .as_deref(),
            Some("Bearer t")
        );
        assert_eq!(
            config.auth_header_for(&url("https://cdn.example/x-1.0.0.tgz")),
            None
        );
    }

    #[test]
    fn a_plain_http_url_never_gets_an_https_registrys_token() {
        let config = RegistryConfig::for_registry(url("https://npm.corp/"))
            .with_token(&url("https://npm.corp/"), "t");
        // A hostile packument may point its tarball at http:// on the same host.
        assert_eq!(
            config.auth_header_for(&url("http://npm.corp/x/-/x-1.0.0.tgz")),
            None
        );
        let plain = RegistryConfig::for_registry(url("http://127.0.0.1:4873/"))
            .with_token(&url("http://127.0.0.1:4873/"), "t");
        assert_eq!(
            plain
                .auth_header_for(&url("http://127.0.0.1:4873/x"))
                .as_deref(),
            Some("Bearer t")
        );
    }

    #[test]
    fn env_substitution() {
        let e = env(&[("A", "1"), ("B", "two")], None);
        assert_eq!(substitute_env("x${A}y${B}", &e), "x1ytwo");
        assert_eq!(substitute_env("${MISSING}", &e), "${MISSING}");
        assert_eq!(substitute_env("\\${A}", &e), "${A}");
        assert_eq!(substitute_env("${unterminated", &e), "${unterminated");
    }

    #[test]
    fn invalid_registry_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let err =
            RegistryConfig::load_with(dir.path(), Some("ftp://x"), &env(&[], None)).unwrap_err();
        assert!(err.to_string().contains("--registry"), "{err}");
    }

    #[test]
    fn debug_hides_credentials() {
        let config = RegistryConfig::for_registry(url("https://r.example/"))
            .with_token(&url("https://r.example/"), "topsecret");
        assert!(!format!("{config:?}").contains("topsecret"));
    }
}
