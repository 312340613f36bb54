//! DSCA704: the same path appears more than once in the archive.

use crate::{Analysis, ScanContext};
use dsca_archive::AnomalyKind;
use dsca_model::{Category, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "DSCA704",
    name: "archive-duplicate-entry",
    category: Category::Archive,
    severity: Severity::Medium,
    title: "Archive holds the same path twice",
    problem: "Two entries share one path. Extractors disagree on which one wins (tar keeps \
        the last, some scanners read the first), so the file that was reviewed or scanned \
        may not be the file that gets installed.",
    next_steps: "Compare both copies. dsca analyses the first; check what the second one \
        contains, and distrust a package that hides a different file behind the same name.",
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
