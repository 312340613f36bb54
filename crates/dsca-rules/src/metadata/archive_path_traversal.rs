//! DSCA701: an archive entry climbs out of the extraction folder with `..`.

use crate::{Analysis, ScanContext};
use dsca_archive::AnomalyKind;
use dsca_model::{Category, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA701",
    name: "archive-path-traversal",
    category: Category::Archive,
    signal: Signal::Integrity,
    severity: Severity::High,
    title: "Archive entry escapes the package folder",
    problem: "An entry's path contains `..` components that lead outside the folder the \
        archive is unpacked into. A careless extractor writes such a file anywhere the user \
        can write (shell profiles, SSH keys, other packages). npm never produces such paths.",
    next_steps: "Do not unpack this tarball with tools other than npm or dsca. The entry was \
        crafted on purpose: treat the package as malicious and report it.",
    severities: &[Severity::High],
    catches: "an entry whose path climbs out of the package folder (`../`)",
};

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    super::report_anomalies(
        ctx,
        out,
        &RULE,
        "entries that escape the package folder",
        |a| {
            matches!(a.kind, AnomalyKind::PathTraversal).then(|| {
                (
                    format!("`{}` climbs out of the package folder", a.path),
                    RULE.severity,
                )
            })
        },
    );
}
