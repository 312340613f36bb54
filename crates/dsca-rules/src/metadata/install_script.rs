//! DSCA101: the package runs code when it is installed.

use super::install_time_scripts;
use crate::{Analysis, ScanContext};
use dsca_model::{Behaviour, Category, Evidence, Finding, Location, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA101",
    name: "install-script",
    category: Category::InstallScripts,
    signal: Signal::Trigger,
    severity: Severity::Low,
    title: "Runs a script when installed",
    problem: "npm runs preinstall, install and postinstall scripts with the installing user's \
        rights as soon as the package is installed, before any of its code is imported. Most \
        install-time malware lives here: the script runs on developer machines and CI runners \
        that hold tokens, keys and source code.",
    next_steps: "Read the script and every file it runs. If the package does not need to \
        build anything on install, prefer a version without the script, or install with \
        `--ignore-scripts` and run any needed build step yourself.",
    severities: &[Severity::Low],
    catches: "runs a script when installed (preinstall, install, postinstall; prepare for \
        checkouts; the implicit `node-gyp rebuild` of a `binding.gyp`)",
};

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let Some(manifest) = ctx.manifest() else {
        return;
    };
    let scripts = install_time_scripts(manifest, ctx);
    let mut evidence: Vec<Evidence> = scripts
        .iter()
        .map(|(name, command)| {
            Evidence::new(format!("`{name}` runs `{command}`"))
                .at(Location::file("package.json"))
                .with_snippet(*command)
        })
        .collect();

    // npm runs `node-gyp rebuild` for a package with binding.gyp and neither an `install`
    // nor a `preinstall` script.
    let implicit_gyp = ctx.has_file("binding.gyp")
        && manifest.script("install").is_none()
        && manifest.script("preinstall").is_none();
    if implicit_gyp {
        evidence.push(
            Evidence::new("binding.gyp makes npm run `node-gyp rebuild` on install")
                .at(Location::file("binding.gyp")),
        );
    }
    if evidence.is_empty() {
        return;
    }

    out.behaviours.push(Behaviour {
        id: "install-scripts.lifecycle".into(),
        category: Category::InstallScripts,
        description: "Runs scripts when installed".into(),
        count: u32::try_from(evidence.len()).unwrap_or(u32::MAX),
        evidence: evidence.clone(),
    });

    // The implicit build runs binding.gyp's commands and the addon's build files: an
    // install script like any other, at the rule's severity.
    let finding = if scripts.is_empty() {
        Finding::new(
            &RULE,
            "npm will compile this package's native addon on install (`node-gyp rebuild`)",
        )
    } else {
        let names: Vec<String> = scripts
            .iter()
            .map(|(name, _)| format!("`{name}`"))
            .collect();
        Finding::new(
            &RULE,
            format!(
                "npm runs {} when this package is installed",
                names.join(", ")
            ),
        )
    };
    out.findings
        .push(evidence.into_iter().fold(finding, Finding::with_evidence));
}
