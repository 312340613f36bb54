//! DSCA407: npm took the package down as malware and left a placeholder.

use crate::{Analysis, ScanContext};
use dsca_model::npm::is_security_placeholder;
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA407",
    name: "npm-security-placeholder",
    category: Category::Publishing,
    signal: Signal::Integrity,
    severity: Severity::Critical,
    title: "npm removed this package as malicious",
    problem: "npm's security team removed this package and published an empty placeholder \
        version (such as 0.0.1-security) in its place. npm does this when a package was \
        malware: any earlier version that is still in a lockfile, a cache or a mirror is \
        the malicious code.",
    next_steps: "Remove the package from every project, lockfile, cache and mirror. Find \
        every machine that installed an earlier version and treat it as compromised: \
        rotate its credentials and look for persistence.",
    severities: &[Severity::Critical],
    catches: "npm removed the package as malware",
};

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    if is_security_placeholder(ctx.version) {
        out.findings.push(
            Finding::new(
                &RULE,
                format!(
                    "npm removed `{}` for security reasons and replaced it with a placeholder: \
                     earlier versions were malware",
                    ctx.name
                ),
            )
            .with_evidence(Evidence::new(format!("version {}", ctx.version))),
        );
        return;
    }
    // An older copy of a package whose `latest` is now the placeholder.
    let latest = ctx.packument.and_then(|p| p.dist_tag("latest"));
    if let Some(latest) = latest.filter(|v| is_security_placeholder(v)) {
        out.findings.push(
            Finding::new(
                &RULE,
                format!(
                    "npm removed `{}` for security reasons (latest is {latest}): {} is one of \
                     the versions it removed",
                    ctx.name, ctx.version
                ),
            )
            .with_evidence(Evidence::new(format!("dist-tags.latest is {latest}"))),
        );
    }
}
