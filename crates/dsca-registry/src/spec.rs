//! What the user asked to scan: a registry package, a local tarball or a directory.

use std::path::{Path, PathBuf};

/// A parsed package spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    Registry {
        name: String,
        /// A range, an exact version or a dist-tag; `None` means the `latest` tag.
        requested: Option<String>,
    },
    Tarball(PathBuf),
    Directory(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    #[error("empty package spec")]
    Empty,
    #[error("invalid package name `{}`: {reason}", one_line(.name))]
    InvalidName { name: String, reason: String },
    #[error("invalid version or range `{requested}` for `{name}`: {reason}")]
    InvalidRequested {
        name: String,
        requested: String,
        reason: String,
    },
    #[error("{}", one_line(.0))]
    InvalidPurl(String),
    #[error("no such file or directory: {}", one_line(&.0.display().to_string()))]
    PathNotFound(PathBuf),
    #[error("{} is neither a file nor a directory", one_line(&.0.display().to_string()))]
    UnsupportedPath(PathBuf),
}

use dsca_model::one_line;

const TARBALL_SUFFIXES: [&str; 3] = [".tgz", ".tar.gz", ".tar"];

/// Parses `name`, `name@range|version|tag`, `@scope/name[@...]`, `pkg:npm/...`, or a
/// path to a tarball or directory.
///
/// A bare word is always a registry name, even if a directory of that name exists
/// (as npm does): say `./lodash` to scan the directory.
pub fn parse_spec(input: &str) -> Result<Spec, SpecError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(SpecError::Empty);
    }
    if input.starts_with("pkg:") {
        let (name, version) =
            dsca_model::parse_npm_purl(input).map_err(|e| SpecError::InvalidPurl(e.to_string()))?;
        validate_name(&name).map_err(|reason| SpecError::InvalidName {
            name: name.clone(),
            reason,
        })?;
        return Ok(Spec::Registry {
            name,
            requested: version,
        });
    }
    if looks_like_path(input) {
        return path_spec(&expand_home(input));
    }
    let lower = input.to_ascii_lowercase();
    // Like npm, a name ending in a tarball suffix always means a file: looking a missing
    // file's name up on the registry could scan whatever squats that name.
    if TARBALL_SUFFIXES.iter().any(|s| lower.ends_with(s)) {
        return path_spec(Path::new(input));
    }
    // `dir/sub` cannot be a registry name; if it exists, it is a path.
    if !input.starts_with('@') && input.contains('/') && Path::new(input).exists() {
        return path_spec(Path::new(input));
    }

    let (name, requested) = split_name(input);
    validate_name(name).map_err(|reason| SpecError::InvalidName {
        name: name.to_string(),
        reason,
    })?;
    let requested = requested.map(str::trim).filter(|r| !r.is_empty());
    if let Some(r) = requested
        && let Some(c) = r.chars().find(|c| c.is_control())
    {
        return Err(SpecError::InvalidRequested {
            name: name.to_string(),
            requested: r.escape_debug().to_string(),
            reason: format!("contains the control character {:?}", c),
        });
    }
    Ok(Spec::Registry {
        name: name.to_string(),
        requested: requested.map(str::to_string),
    })
}

fn looks_like_path(input: &str) -> bool {
    matches!(input, "." | ".." | "~")
        || ["./", "../", "/", "~/"]
            .iter()
            .any(|p| input.starts_with(p))
}

fn expand_home(input: &str) -> PathBuf {
    if (input == "~" || input.starts_with("~/"))
        && let Some(home) = std::env::var_os("HOME")
    {
        let rest = input.trim_start_matches('~').trim_start_matches('/');
        return PathBuf::from(home).join(rest);
    }
    PathBuf::from(input)
}

fn path_spec(path: &Path) -> Result<Spec, SpecError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(Spec::Directory(path.to_path_buf())),
        Ok(meta) if meta.is_file() => Ok(Spec::Tarball(path.to_path_buf())),
        Ok(_) => Err(SpecError::UnsupportedPath(path.to_path_buf())),
        Err(_) => Err(SpecError::PathNotFound(path.to_path_buf())),
    }
}

/// Splits `name@requested`; a leading `@` is the scope, not a separator.
fn split_name(input: &str) -> (&str, Option<&str>) {
    let search_from = usize::from(input.starts_with('@'));
    match input[search_from..].find('@') {
        Some(i) => {
            let at = search_from + i;
            (&input[..at], Some(&input[at + 1..]))
        }
        None => (input, None),
    }
}

/// Checks an npm package name. Lenient like npm is for old packages (capital letters
/// and `~'!()*` are accepted), strict on anything that could not be a registry name
/// or could be abused in a URL or a path. The error is a short reason.
pub fn validate_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the name is empty".into());
    }
    if name.len() > 214 {
        return Err(format!(
            "the name is {} characters long (at most 214)",
            name.len()
        ));
    }
    if name.trim() != name {
        return Err("the name has leading or trailing spaces".into());
    }
    let (scope, bare) = match name.strip_prefix('@') {
        Some(rest) => match rest.split_once('/') {
            Some((scope, bare)) if !scope.is_empty() && !bare.is_empty() => (Some(scope), bare),
            _ => return Err("a scoped name must look like @scope/name".into()),
        },
        None => (None, name),
    };
    if bare.contains('/') {
        return Err(if scope.is_some() {
            "a scoped name has exactly one `/`".into()
        } else {
            "only scoped names (@scope/name) may contain `/`".into()
        });
    }
    for part in scope.into_iter().chain([bare]) {
        if part.starts_with('.') {
            return Err("the name cannot start with a dot".into());
        }
        if part.starts_with('_') {
            return Err("the name cannot start with an underscore".into());
        }
        if let Some(c) = part.chars().find(|c| !is_url_safe(*c)) {
            return Err(format!("the name cannot contain {c:?}"));
        }
    }
    if matches!(
        name.to_ascii_lowercase().as_str(),
        "node_modules" | "favicon.ico"
    ) {
        return Err("the name is reserved".into());
    }
    Ok(())
}

/// Characters `encodeURIComponent` leaves alone, which is npm's test for names.
fn is_url_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '!' | '~' | '*' | '\'' | '(' | ')')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(name: &str, requested: Option<&str>) -> Spec {
        Spec::Registry {
            name: name.into(),
            requested: requested.map(Into::into),
        }
    }

    #[test]
    fn registry_specs() {
        assert_eq!(parse_spec("lodash").unwrap(), registry("lodash", None));
        assert_eq!(
            parse_spec("lodash@4.17.21").unwrap(),
            registry("lodash", Some("4.17.21"))
        );
        assert_eq!(
            parse_spec("express@^4").unwrap(),
            registry("express", Some("^4"))
        );
        assert_eq!(
            parse_spec("@babel/core").unwrap(),
            registry("@babel/core", None)
        );
        assert_eq!(
            parse_spec("@babel/core@7.24.0").unwrap(),
            registry("@babel/core", Some("7.24.0"))
        );
        assert_eq!(
            parse_spec("pkg:npm/%40babel/core@7.24.0").unwrap(),
            registry("@babel/core", Some("7.24.0"))
        );
        assert_eq!(parse_spec("  lodash@  ").unwrap(), registry("lodash", None));
        assert_eq!(
            parse_spec("express@>=4 <5").unwrap(),
            registry("express", Some(">=4 <5"))
        );
        assert_eq!(
            parse_spec("JSONStream").unwrap(),
            registry("JSONStream", None)
        );
        assert_eq!(
            parse_spec("next@canary").unwrap(),
            registry("next", Some("canary"))
        );
    }

    #[test]
    fn invalid_names_are_rejected_with_a_reason() {
        for bad in [
            "",
            "has space",
            ".hidden",
            "_under",
            "@scope",
            "@/x",
            "@scope/",
            "a/b/c",
            "@s/a/b",
            "a:b",
            "node_modules",
            "@s/.x",
        ] {
            let err = parse_spec(bad);
            assert!(err.is_err(), "{bad:?} should be rejected");
            let msg = err.unwrap_err().to_string();
            assert!(!msg.contains('\n'), "{msg}");
        }
        let long = "a".repeat(215);
        assert!(parse_spec(&long).unwrap_err().to_string().contains("214"));
        assert!(parse_spec(&"a".repeat(214)).is_ok());
        assert!(parse_spec("pkg:pypi/requests").is_err());
        assert!(parse_spec("foo@1\u{0}").is_err());
    }

    #[test]
    fn paths() {
        let dir = tempfile::tempdir().unwrap();
        let tgz = dir.path().join("x-1.0.0.tgz");
        std::fs::write(&tgz, b"not really").unwrap();
        let tgz_str = tgz.to_str().unwrap();
        assert_eq!(parse_spec(tgz_str).unwrap(), Spec::Tarball(tgz.clone()));
        let dir_str = dir.path().to_str().unwrap();
        assert_eq!(
            parse_spec(dir_str).unwrap(),
            Spec::Directory(dir.path().to_path_buf())
        );
        let missing = dir.path().join("missing");
        let err = parse_spec(missing.to_str().unwrap()).unwrap_err();
        assert!(err.to_string().contains("missing"), "{err}");
        assert!(matches!(
            parse_spec("./does-not-exist-dsca"),
            Err(SpecError::PathNotFound(_))
        ));
        assert_eq!(parse_spec(".").unwrap(), Spec::Directory(".".into()));
        // Found by fuzzing: a path with a newline must still give a one-line error.
        let err = parse_spec("~/\n\u{16}").unwrap_err().to_string();
        assert!(!err.contains('\n') && err.contains("\\n"), "{err:?}");
        // As with npm, a tarball-looking name is always a file, even a missing one.
        assert!(matches!(
            parse_spec("nothing-here.tgz"),
            Err(SpecError::PathNotFound(_))
        ));
    }
}
