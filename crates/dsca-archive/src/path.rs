//! Turning an archive entry's stored path into a package-relative one.

use crate::AnomalyKind;

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PathProblem {
    /// Reported as an anomaly; the entry is not extracted.
    Hostile(AnomalyKind),
    /// Nothing left once `.` and empty segments are dropped.
    Empty,
}

/// Checks a stored path and returns it relative to the package root: `./` and empty
/// segments dropped, then the first component stripped as npm does (whatever its name),
/// unless it is the only one.
pub(crate) fn package_path(raw: &str) -> Result<String, PathProblem> {
    if is_absolute(raw) {
        return Err(PathProblem::Hostile(AnomalyKind::AbsolutePath));
    }
    // Backslashes count as separators here: Windows extractors treat `..\x` as a climb.
    if raw.split(['/', '\\']).any(|segment| segment == "..") {
        return Err(PathProblem::Hostile(AnomalyKind::PathTraversal));
    }
    let segments: Vec<&str> = raw
        .split('/')
        .filter(|segment| !segment.is_empty() && *segment != ".")
        .collect();
    match segments.as_slice() {
        [] => Err(PathProblem::Empty),
        [only] => Ok((*only).to_owned()),
        [_root, rest @ ..] => Ok(rest.join("/")),
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
        assert_eq!(package_path("./package//lib/./a.js"), Ok("lib/a.js".into()));
        assert_eq!(package_path("index.js"), Ok("index.js".into()));
        assert_eq!(package_path("./index.js"), Ok("index.js".into()));
        assert_eq!(package_path("package/"), Ok("package".into()));
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
        assert_eq!(package_path("1:x"), Ok("1:x".into()));
    }

    #[test]
    fn empty_paths_are_flagged() {
        assert_eq!(package_path(""), Err(PathProblem::Empty));
        assert_eq!(package_path("./"), Err(PathProblem::Empty));
        assert_eq!(package_path("."), Err(PathProblem::Empty));
    }
}
