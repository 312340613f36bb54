use crate::config::ConfigError;
use std::path::PathBuf;

/// Everything the registry client can fail with. Messages are one line, for a user.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    #[error("package `{name}` was not found on {registry} (404)")]
    NotFound { name: String, registry: String },

    #[error("the tarball of {package} was not found at {url} (404)")]
    TarballNotFound { package: String, url: String },

    #[error("{}", no_match_message(name, requested, latest.as_deref()))]
    NoMatchingVersion {
        name: String,
        requested: String,
        latest: Option<String>,
    },

    #[error(
        "integrity mismatch for {package}: expected {}, got {}; the tarball was not cached",
        shorten(expected),
        shorten(actual)
    )]
    IntegrityMismatch {
        package: String,
        expected: String,
        actual: String,
        url: String,
    },

    #[error("network error fetching {url}: {reason}")]
    Network { url: String, reason: String },

    #[error("HTTP {status} fetching {url}{}", hint_for_status(*status))]
    Http { url: String, status: u16 },

    #[error("{what} is not in the cache; run without --offline first")]
    Offline { what: String },

    #[error("the downloads API answered HTTP {status} to {url}: {message}")]
    DownloadsApi {
        url: String,
        status: u16,
        message: String,
    },

    #[error("invalid response from {url}: {reason}")]
    InvalidResponse { url: String, reason: String },

    #[error("invalid package name `{name}`: {reason}")]
    InvalidName { name: String, reason: String },

    #[error("{action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(transparent)]
    Config(#[from] ConfigError),

    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),

    #[error("not fetching {url}: {reason}")]
    Refused { url: String, reason: String },
}

impl RegistryError {
    /// A stable, machine-readable code for this kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            RegistryError::NotFound { .. } | RegistryError::TarballNotFound { .. } => "not-found",
            RegistryError::NoMatchingVersion { .. } => "no-matching-version",
            RegistryError::IntegrityMismatch { .. } => "integrity-mismatch",
            RegistryError::Network { .. } => "network",
            RegistryError::Http { .. } => "http",
            RegistryError::Offline { .. } => "offline",
            RegistryError::InvalidResponse { .. } => "invalid-response",
            RegistryError::DownloadsApi { .. } => "downloads-api",
            RegistryError::InvalidName { .. } => "invalid-name",
            RegistryError::Io { .. } => "io",
            RegistryError::Config(_) | RegistryError::Setup(_) => "config",
            RegistryError::Refused { .. } => "refused",
        }
    }
}

fn no_match_message(name: &str, requested: &str, latest: Option<&str>) -> String {
    match latest {
        Some(latest) => format!(
            "no version of `{name}` matches `{requested}` (the latest is {latest}; \
             check the range or the dist-tag)"
        ),
        None => format!("no version of `{name}` matches `{requested}` (it has no `latest` tag)"),
    }
}

fn hint_for_status(status: u16) -> &'static str {
    match status {
        401 => " (authentication required: check the token in .npmrc)",
        403 => " (forbidden: check the token's access)",
        429 => " (rate limited after retries)",
        500..=599 => " (server error after retries)",
        _ => "",
    }
}

/// Long digests are cut so the message stays one readable line.
fn shorten(digest: &str) -> String {
    const KEEP: usize = 24;
    if digest.chars().count() <= KEEP {
        digest.to_string()
    } else {
        let head: String = digest.chars().take(KEEP).collect();
        format!("{head}…")
    }
}
