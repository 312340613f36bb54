//! Turning an archive entry's stored path into a package-relative one.

use crate::AnomalyKind;

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PathProblem {
    /// Reported as an anomaly; the entry is not extracted.
    Hostile(AnomalyKind),
    /// Nothing left once `.` and empty segments are dropped.
    Empty,
    /// A file at the archive's top level: npm's one-level strip turns it into the
    /// extraction folder itself, so npm never installs it.
    NotInstalled,
}

/// Checks a stored path and returns it relative to the package root the way npm's
/// extractor computes it: the first raw component is stripped, whatever it is (`package`,
/// any other name, or even `.`), then `.` and empty segments are dropped. Reading it any
/// other way would let a tarball show dsca one file and npm another.
pub(crate) fn package_path(raw: &str) -> Result<String, PathProblem> {
    if is_absolute(raw) {
        return Err(PathProblem::Hostile(AnomalyKind::AbsolutePath));
    }
    // Backslashes count as separators here: Windows extractors treat `..\x` as a climb.
    if raw.split(['/', '\\']).any(|segment| segment == "..") {
        return Err(PathProblem::Hostile(AnomalyKind::PathTraversal));
    }
    let mut segments = raw.split('/');
    let root = segments.next().unwrap_or_default();
    let rest: Vec<&str> = segments
        .filter(|segment| !segment.is_empty() && *segment != ".")
        .collect();
    if !rest.is_empty() {
        Ok(rest.join("/"))
    } else if root.is_empty() || root == "." {
        Err(PathProblem::Empty)
    } else {
        Err(PathProblem::NotInstalled)
    }
}

fn is_absolute(raw: &str) -> bool {
    match raw.as_bytes() {
        [b'/' | b'\\', ..] => true,
        [drive, b':', ..] => drive.is_ascii_alphabetic(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hostile(kind: AnomalyKind) -> Result<String, PathProblem> {
        Err(PathProblem::Hostile(kind))
    }

    #[test]
    fn strips_the_first_component_whatever_its_name() {
        assert_eq!(package_path("package/index.js"), Ok("index.js".into()));
        assert_eq!(package_path("node-v1/lib/a.js"), Ok("lib/a.js".into()));
        assert_eq!(package_path("package//lib/./a.js"), Ok("lib/a.js".into()));
        assert_eq!(package_path("./index.js"), Ok("index.js".into()));
    }

    #[test]
    fn strips_like_npm_even_when_that_is_surprising() {
        // npm strips the raw first component, so `./package/x` lands in `package/x`.
        assert_eq!(
            package_path("./package/index.js"),
            Ok("package/index.js".into())
        );
        // A top-level file becomes the extraction folder itself and is never installed.
        assert_eq!(package_path("index.js"), Err(PathProblem::NotInstalled));
        assert_eq!(package_path("package/"), Err(PathProblem::NotInstalled));
    }

    #[test]
    fn rejects_climbing_and_rooted_paths() {
        let traversal = || hostile(AnomalyKind::PathTraversal);
        let absolute = || hostile(AnomalyKind::AbsolutePath);
        assert_eq!(package_path("../evil"), traversal());
        assert_eq!(package_path("package/../../evil"), traversal());
        assert_eq!(package_path("package/..\\evil"), traversal());
        assert_eq!(package_path("package/..."), Ok("...".into()));
        assert_eq!(package_path("/etc/passwd"), absolute());
        assert_eq!(package_path("\\\\server\\share"), absolute());
        assert_eq!(package_path("C:/Windows/x"), absolute());
        assert_eq!(package_path("c:x"), absolute());
        assert_eq!(package_path("package/..."), Ok("...".into()));
    }

    #[test]
    fn empty_paths_are_flagged() {
        assert_eq!(package_path(""), Err(PathProblem::Empty));
        assert_eq!(package_path("./"), Err(PathProblem::Empty));
        assert_eq!(package_path("."), Err(PathProblem::Empty));
    }
}
