//! DSCA703: the archive holds symbolic or hard links.

use crate::{Analysis, ScanContext};
use dsca_archive::AnomalyKind;
use dsca_model::{Category, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA703",
    name: "archive-link",
    category: Category::Archive,
    signal: Signal::Integrity,
    severity: Severity::Medium,
    title: "Archive holds a link",
    problem: "The archive contains a symbolic or hard link. npm drops links from package \
        tarballs, so a link here was put in by hand; one that points outside the package \
        can make an extractor or a later write reach files elsewhere on the machine, such \
        as ~/.ssh or ~/.npmrc.",
    next_steps: "Check where each link points. A link that leaves the package folder is a \
        strong sign of a crafted, malicious archive: do not unpack it with other tools.",
    severities: &[Severity::Medium, Severity::High],
    catches: "a symbolic or hard link (high when it points outside the package)",
};

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    super::report_anomalies(ctx, out, &RULE, "links", |a| {
        let (kind, target, escapes) = match &a.kind {
            AnomalyKind::Symlink { target } => {
                ("symbolic", target, symlink_escapes(&a.path, target))
            }
            AnomalyKind::Hardlink { target } => ("hard", target, resolves_outside(&[], target)),
            _ => return None,
        };
        let (where_to, severity) = if escapes {
            ("outside the package", Severity::High)
        } else {
            ("inside the package", RULE.severity)
        };
        Some((
            format!("`{}` is a {kind} link to `{target}` ({where_to})", a.path),
            severity,
        ))
    });
}

/// A symlink target is read relative to the link's folder; the package root is the
/// archive's single top-level folder (`package/`).
fn symlink_escapes(link_path: &str, target: &str) -> bool {
    let mut folders: Vec<&str> = link_path
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    folders.pop(); // the link itself
    if !folders.is_empty() {
        folders.remove(0); // the top-level folder is the package root
    }
    resolves_outside(&folders, target)
}

/// Whether `target`, resolved from `start` (components below the root), leaves the root.
fn resolves_outside(start: &[&str], target: &str) -> bool {
    let is_absolute = target.starts_with('/')
        || target.starts_with('\\')
        || target.as_bytes().get(1) == Some(&b':');
    if is_absolute {
        return true;
    }
    let mut depth = start.len();
    for component in target.split(['/', '\\']) {
        match component {
            "" | "." => {}
            ".." => {
                let Some(up) = depth.checked_sub(1) else {
                    return true;
                };
                depth = up;
            }
            _ => depth += 1,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_escape() {
        assert!(!symlink_escapes("package/lib/a.js", "../index.js"));
        assert!(symlink_escapes("package/lib/a.js", "../../x"));
        assert!(symlink_escapes("package/a", "/etc/passwd"));
        assert!(!symlink_escapes("package/a", "b/../c"));
        assert!(resolves_outside(&[], "../x"));
        assert!(!resolves_outside(&[], "package/x"));
    }
}
