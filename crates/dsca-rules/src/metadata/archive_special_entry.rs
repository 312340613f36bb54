//! DSCA705: the archive holds device files, FIFOs or other special entries.

use crate::{Analysis, ScanContext};
use dsca_archive::AnomalyKind;
use dsca_model::{Category, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA705",
    name: "archive-special-entry",
    category: Category::Archive,
    signal: Signal::Integrity,
    severity: Severity::Medium,
    title: "Archive holds a device file or other special entry",
    problem: "The archive contains an entry that is neither a file, a folder nor a link \
        (a device node, a FIFO, ...). A package has no use for one; extracting it can block \
        the extractor or, as root, create device access.",
    next_steps: "Do not unpack this tarball as root or with tools other than npm or dsca. \
        Treat the crafted entry as a sign of a malicious or broken package.",
    severities: &[Severity::Medium],
    catches: "a device file, FIFO or other entry that is neither a file nor a folder",
};

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    super::report_anomalies(ctx, out, &RULE, "special entries", |a| match &a.kind {
        AnomalyKind::SpecialEntry { entry_type } => Some((
            format!("`{}` is a {entry_type} entry", a.path),
            RULE.severity,
        )),
        _ => None,
    });
}
