//! Lockfiles of every npm package manager, read into one model: each installed package
//! once (name, version, where it was resolved from, its integrity, whether it is a
//! direct or transitive, prod, dev or optional dependency) and the edges that lead to
//! it from the project, so a report can say "my-app > express > body-parser > bad-pkg".
//!
//! Supported: `package-lock.json` / `npm-shrinkwrap.json` (v1, v2, v3), `yarn.lock`
//! classic (v1) and berry (v2+), `pnpm-lock.yaml` (v6 to v9) and `bun.lock` (text).
//! Parsing never panics on hostile input and is bounded by [`Limits`]; a malformed file
//! gives a [`ParseError`] with a line and column where the format allows.

mod bun;
mod graph;
mod npm;
mod pnpm;
mod text;
mod yarn;

pub use graph::{EdgeKind, Lockfile, Package, PackageSource};
pub use text::ParseError;

use std::fmt;
use std::path::Path;

/// The lockfile formats dsca reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LockfileKind {
    /// `package-lock.json` or `npm-shrinkwrap.json` (lockfileVersion 1, 2 or 3).
    Npm,
    /// `yarn.lock` written by yarn 1.
    YarnClassic,
    /// `yarn.lock` written by yarn 2 or later (a YAML document).
    YarnBerry,
    /// `pnpm-lock.yaml`, lockfileVersion 6 to 9.
    Pnpm,
    /// `bun.lock`, bun's text lockfile (JSON with trailing commas).
    Bun,
}

impl fmt::Display for LockfileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LockfileKind::Npm => "npm",
            LockfileKind::YarnClassic => "yarn classic",
            LockfileKind::YarnBerry => "yarn berry",
            LockfileKind::Pnpm => "pnpm",
            LockfileKind::Bun => "bun",
        })
    }
}

/// The file names dsca looks for in a project directory, in order of preference
/// (a shrinkwrap wins over a package-lock, as with npm).
pub const LOCKFILE_NAMES: [&str; 5] = [
    "npm-shrinkwrap.json",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
];

/// Bounds on what a parser accepts, so a hostile lockfile cannot exhaust memory or time.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    /// Package entries (before deduplication).
    pub max_entries: usize,
    /// Nesting depth of npm v1 `dependencies` trees.
    pub max_depth: usize,
    /// Dependency paths kept per package.
    pub max_paths: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 64 * 1024 * 1024,
            max_entries: 200_000,
            max_depth: 64,
            max_paths: 3,
        }
    }
}

/// The kind a lockfile's name implies, with yarn's two formats told apart by content.
pub fn detect(file_name: &str, text: &str) -> Option<LockfileKind> {
    match file_name {
        "package-lock.json" | "npm-shrinkwrap.json" => Some(LockfileKind::Npm),
        "pnpm-lock.yaml" => Some(LockfileKind::Pnpm),
        "bun.lock" => Some(LockfileKind::Bun),
        "yarn.lock" => Some(yarn_kind(text)),
        _ => detect_by_content(text),
    }
}

/// Berry files carry a `__metadata:` block; classic files never do.
fn yarn_kind(text: &str) -> LockfileKind {
    if text.lines().any(|line| line.starts_with("__metadata:")) {
        LockfileKind::YarnBerry
    } else {
        LockfileKind::YarnClassic
    }
}

fn detect_by_content(text: &str) -> Option<LockfileKind> {
    let head: String = text.chars().take(4096).collect();
    if head.contains("\"lockfileVersion\"") && head.contains("\"workspaces\"") {
        Some(LockfileKind::Bun)
    } else if head.contains("\"lockfileVersion\"") {
        Some(LockfileKind::Npm)
    } else if head.starts_with("lockfileVersion:") {
        Some(LockfileKind::Pnpm)
    } else if head.contains("# yarn lockfile v1") {
        Some(LockfileKind::YarnClassic)
    } else if head.lines().any(|line| line.starts_with("__metadata:")) {
        Some(LockfileKind::YarnBerry)
    } else {
        None
    }
}

/// The project's own `package.json`, for what some lockfiles leave out: yarn classic
/// and npm v1 do not record the root's dependencies; berry does not tell dev from prod.
#[derive(Debug, Clone, Default)]
pub struct RootManifest {
    pub name: Option<String>,
    /// (name, requested range, kind), in the manifest's order.
    pub dependencies: Vec<(String, String, EdgeKind)>,
}

impl RootManifest {
    /// Reads what matters of a package.json; anything unexpected is ignored (the
    /// lockfile, not the manifest, is what is being audited).
    pub fn parse(text: &str) -> RootManifest {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str(text) else {
            return RootManifest::default();
        };
        let mut manifest = RootManifest {
            name: map.get("name").and_then(|v| v.as_str()).map(str::to_string),
            dependencies: Vec::new(),
        };
        for (field, kind) in [
            ("dependencies", EdgeKind::Prod),
            ("optionalDependencies", EdgeKind::Optional),
            ("devDependencies", EdgeKind::Dev),
            ("peerDependencies", EdgeKind::Peer),
        ] {
            if let Some(serde_json::Value::Object(deps)) = map.get(field) {
                for (name, range) in deps {
                    let range = range.as_str().unwrap_or_default().to_string();
                    // optionalDependencies also appear in dependencies; keep the first.
                    if !manifest.dependencies.iter().any(|(n, ..)| n == name) {
                        manifest.dependencies.push((name.clone(), range, kind));
                    }
                }
            }
        }
        manifest
    }
}

/// Parse a lockfile's text as `kind`. `manifest` is the project's package.json, used
/// only where the lockfile lacks the root's dependencies.
pub fn parse(
    kind: LockfileKind,
    text: &str,
    manifest: Option<&RootManifest>,
    limits: &Limits,
) -> Result<Lockfile, ParseError> {
    if text.len() > limits.max_bytes {
        return Err(ParseError::new(format!(
            "the lockfile is larger than {} MiB",
            limits.max_bytes / (1024 * 1024)
        )));
    }
    // A byte-order mark is legal in JSON files written on Windows.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let builder = match kind {
        LockfileKind::Npm => npm::parse(text, manifest, limits)?,
        LockfileKind::YarnClassic => yarn::parse_classic(text, manifest, limits)?,
        LockfileKind::YarnBerry => yarn::parse_berry(text, manifest, limits)?,
        LockfileKind::Pnpm => pnpm::parse(text, limits)?,
        LockfileKind::Bun => bun::parse(text, limits)?,
    };
    let lockfile = builder.finish(kind, manifest, limits);
    // A file cut off before its first package parses as an empty lockfile.
    let declared = manifest.map_or(0, |m| {
        m.dependencies
            .iter()
            .filter(|(_, range, kind)| *kind != EdgeKind::Peer && !text::is_project_range(range))
            .count()
    });
    if lockfile.packages.is_empty() && declared > 0 {
        return Err(text::at_end(
            text,
            format!(
                "the lockfile lists no packages, but package.json has {declared} dependencies (truncated?)"
            ),
        ));
    }
    Ok(lockfile)
}

/// Read and parse a lockfile from disk, with the package.json beside it if there is one.
/// Errors name the file: `path:line:column: message`.
pub fn read(path: &Path, limits: &Limits) -> Result<Lockfile, String> {
    let display = path.display();
    let meta = std::fs::metadata(path).map_err(|err| format!("{display}: {err}"))?;
    if meta.len() > limits.max_bytes as u64 {
        return Err(format!(
            "{display}: the lockfile is larger than {} MiB",
            limits.max_bytes / (1024 * 1024)
        ));
    }
    let bytes = std::fs::read(path).map_err(|err| format!("{display}: {err}"))?;
    let text = String::from_utf8(bytes).map_err(|err| {
        format!(
            "{display}: not UTF-8 text (at byte {})",
            err.utf8_error().valid_up_to()
        )
    })?;
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let kind = detect(file_name, &text)
        .ok_or_else(|| format!("{display}: not a lockfile dsca knows (npm, yarn, pnpm or bun)"))?;
    let manifest = path
        .parent()
        .map(|dir| dir.join("package.json"))
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|text| RootManifest::parse(&text));
    parse(kind, &text, manifest.as_ref(), limits).map_err(|err| err.located(&display.to_string()))
}

/// The lockfile of a project directory, by [`LOCKFILE_NAMES`] order.
pub fn find_in_dir(dir: &Path) -> Option<std::path::PathBuf> {
    LOCKFILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}
