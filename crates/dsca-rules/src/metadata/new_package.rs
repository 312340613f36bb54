//! DSCA401: the package was first published less than 30 days ago.

use crate::context::days_between;
use crate::{Analysis, ScanContext};
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};
use time::format_description::well_known::Rfc3339;

pub const RULE: Rule = Rule {
    id: "DSCA401",
    name: "new-package",
    category: Category::Publishing,
    signal: Signal::Identity,
    severity: Severity::Low,
    title: "Package is less than 30 days old",
    problem: "The package first appeared on the registry within the last 30 days. Most \
        malicious packages are found and removed within days of publication, so a new \
        package has had little scrutiny and no track record.",
    next_steps: "Check who publishes it, whether its repository and its authors are \
        established, and whether an older, widely used package does the same job. If it is \
        not urgent, wait until it has a history.",
    severities: &[Severity::Low],
    catches: "the package's first version is less than 30 days old",
};

const NEW_DAYS: i64 = 30;

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let Some(first) = ctx.first_published() else {
        return;
    };
    let days = days_between(first, ctx.now);
    if days >= NEW_DAYS {
        return;
    }
    let when = first.format(&Rfc3339).unwrap_or_default();
    out.findings.push(
        Finding::new(
            &RULE,
            format!(
                "`{}` was first published {} days ago",
                ctx.name,
                days.max(0)
            ),
        )
        .with_evidence(Evidence::new(format!("first published {when}"))),
    );
}
