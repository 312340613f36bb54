//! DSCA402: this version was published less than 7 days ago.

use crate::context::days_between;
use crate::{Analysis, ScanContext};
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};
use time::format_description::well_known::Rfc3339;

pub const RULE: Rule = Rule {
    id: "DSCA402",
    name: "new-version",
    category: Category::Publishing,
    signal: Signal::Identity,
    severity: Severity::Info,
    title: "Version is less than 7 days old",
    problem: "This version was published within the last week. Hijacked releases of popular \
        packages are usually spotted and pulled within days; a fresh version has not had \
        that time.",
    next_steps: "Unless you need a fix it contains, prefer the previous version for a few \
        days (many teams enforce a minimum release age), and review the diff before you \
        upgrade.",
    severities: &[Severity::Info],
    catches: "this version is less than 7 days old",
};

const NEW_DAYS: i64 = 7;

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let Some(published) = ctx.publish_time(ctx.version) else {
        return;
    };
    let days = days_between(published, ctx.now);
    if days >= NEW_DAYS {
        return;
    }
    let when = published.format(&Rfc3339).unwrap_or_default();
    out.findings.push(
        Finding::new(
            &RULE,
            format!("{} was published {} days ago", ctx.version, days.max(0)),
        )
        .with_evidence(Evidence::new(format!("{} published {when}", ctx.version))),
    );
}
