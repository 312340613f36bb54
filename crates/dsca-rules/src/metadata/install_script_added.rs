//! DSCA103: this version runs an install script that the previous version did not.

use super::install_time_scripts;
use crate::{Analysis, ScanContext};
use dsca_model::{Category, Evidence, Finding, Location, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA103",
    name: "install-script-added",
    category: Category::InstallScripts,
    signal: Signal::Trigger,
    severity: Severity::Medium,
    title: "Install script added in this version",
    problem: "The previous version installed without running any script of this kind; this \
        one does. Hijacked maintainer accounts and malicious updates commonly add a \
        preinstall or postinstall script to a trusted package, because every dependent that \
        updates will run it.",
    next_steps: "Compare this version with the previous one and read the new script and \
        what it runs. Check the changelog and the repository for a matching change. Until it \
        is explained, pin the previous version.",
    severities: &[Severity::Medium],
    catches: "the previous version had no such script",
};

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let (Some(manifest), Some((previous, previous_manifest))) =
        (ctx.manifest(), ctx.previous_version())
    else {
        return;
    };
    let before = install_time_scripts(previous_manifest, ctx);
    let added: Vec<(&str, &str)> = install_time_scripts(manifest, ctx)
        .into_iter()
        .filter(|(name, _)| !before.iter().any(|(old, _)| old == name))
        .collect();
    if added.is_empty() {
        return;
    }
    let names: Vec<String> = added.iter().map(|(name, _)| format!("`{name}`")).collect();
    let finding = Finding::new(
        &RULE,
        format!(
            "{} {} new in {}; {previous} did not have {}",
            names.join(", "),
            if added.len() == 1 { "is" } else { "are" },
            ctx.version,
            if added.len() == 1 { "it" } else { "them" },
        ),
    );
    let finding = added.iter().fold(finding, |finding, (name, command)| {
        finding.with_evidence(
            Evidence::new(format!(
                "{}: `{name}` runs `{command}`; {previous}: no `{name}` script",
                ctx.version
            ))
            .at(Location::file("package.json"))
            .with_snippet(*command),
        )
    });
    out.findings.push(finding);
}
