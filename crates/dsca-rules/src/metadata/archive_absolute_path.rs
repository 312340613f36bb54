//! DSCA702: an archive entry has an absolute path.

use crate::{Analysis, ScanContext};
use dsca_archive::AnomalyKind;
use dsca_model::{Category, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA702",
    name: "archive-absolute-path",
    category: Category::Archive,
    signal: Signal::Integrity,
    severity: Severity::High,
    title: "Archive entry has an absolute path",
    problem: "An entry's path starts at the file system root or a drive letter. An extractor \
        that honours it writes the file to that exact place on the machine, for example \
        over a system or user configuration file. npm never produces such paths.",
    next_steps: "Do not unpack this tarball with tools other than npm or dsca. Treat the \
        package as malicious and report it.",
    severities: &[Severity::High],
    catches: "an entry with an absolute path",
};

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    super::report_anomalies(ctx, out, &RULE, "entries with absolute paths", |a| {
        matches!(a.kind, AnomalyKind::AbsolutePath)
            .then(|| (format!("`{}` is an absolute path", a.path), RULE.severity))
    });
}
