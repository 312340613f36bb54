//! DSCA603: a `bin` entry takes the name of a common system or toolchain command.

use crate::{Analysis, ScanContext};
use dsca_model::{Category, Evidence, Finding, Location, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA603",
    name: "bin-shadows-command",
    category: Category::Content,
    signal: Signal::Trigger,
    severity: Severity::High,
    title: "Installs a command named like a system tool",
    problem: "npm links every `bin` entry into node_modules/.bin (and into the global bin \
        folder for global installs), which comes first on PATH in npm scripts. A package \
        that installs its own `node`, `git`, `curl` or `sh` can intercept every script that \
        calls that command, capturing its arguments and credentials.",
    next_steps: "Check why the package needs a command with this name. Unless it is the \
        official distribution of that tool, remove it and look at what the linked script \
        does.",
    severities: &[Severity::High],
    catches: "a `bin` named like a system command (node, npm, git, sh, ls, ...)",
};

/// Commands that scripts and developers run all the time.
const COMMON_COMMANDS: &[&str] = &[
    "node", "nodejs", "npm", "npx", "yarn", "pnpm", "pnpx", "corepack", "git", "sh", "bash", "zsh",
    "dash", "ls", "cp", "mv", "rm", "cat", "curl", "wget", "ssh", "scp", "sudo", "su", "python",
    "python3", "pip", "pip3", "docker", "kubectl", "make", "gcc", "cc", "cd", "env", "which",
    "grep", "sed", "awk", "find", "chmod", "chown", "tar", "echo", "kill", "ps", "gpg", "openssl",
];

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let Some(manifest) = ctx.manifest() else {
        return;
    };
    let package = ctx.name.rsplit('/').next().unwrap_or(ctx.name);
    // The official package of a tool (`npm`, `yarn`, `pnpm`) may ship its own commands.
    if COMMON_COMMANDS.contains(&package) {
        return;
    }
    let shadowing: Vec<(String, &str)> = manifest
        .bins()
        .into_iter()
        .filter(|(command, _)| {
            let command = command.to_ascii_lowercase();
            command != package && COMMON_COMMANDS.contains(&command.as_str())
        })
        .collect();
    let Some((first, _)) = shadowing.first() else {
        return;
    };
    let message = if shadowing.len() == 1 {
        format!("`{}` installs a `{first}` command", ctx.name)
    } else {
        format!(
            "`{}` installs {} commands named like system tools",
            ctx.name,
            shadowing.len()
        )
    };
    let finding =
        shadowing
            .iter()
            .fold(Finding::new(&RULE, message), |finding, (command, path)| {
                finding.with_evidence(
                    Evidence::new(format!("bin `{command}` runs `{path}`"))
                        .at(Location::file("package.json"))
                        .with_snippet(format!("\"{command}\": \"{path}\"")),
                )
            });
    out.findings.push(finding);
}
