//! DSCA704: the same path appears more than once in the archive.

use crate::{Analysis, ScanContext};
use dsca_archive::AnomalyKind;
use dsca_model::{Category, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA704",
    name: "archive-duplicate-entry",
    category: Category::Archive,
    signal: Signal::Integrity,
    severity: Severity::Medium,
    title: "Archive holds the same path twice",
    problem: "Two entries share one path. Extractors disagree on which one wins: npm's \
        extractor, like tar, overwrites the earlier copy, so the last one is what gets \
        installed, while some scanners and reviewers read the first. The file that was \
        reviewed or scanned elsewhere may not be the file that gets installed.",
    next_steps: "Compare the copies. dsca analyses the last one, the copy npm installs; \
        check what the earlier ones contain, and distrust a package that hides a different \
        file behind the same name.",
    severities: &[Severity::Medium],
    catches: "the same path twice, so what is unpacked depends on the tool",
};

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    super::report_anomalies(ctx, out, &RULE, "duplicate entries", |a| {
        matches!(a.kind, AnomalyKind::Duplicate).then(|| {
            (
                format!("`{}` appears more than once", a.path),
                RULE.severity,
            )
        })
    });
}
