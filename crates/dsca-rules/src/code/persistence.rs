//! DSCA808: the code writes to a place that starts programs again later.

use super::facts::Kind;
use super::tables::AGENT_INSTRUCTIONS;
use super::{CodeContext, evidence, reach_clause};
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use dsca_model::{Category, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA808",
    name: "persistence",
    category: Category::Persistence,
    signal: Signal::Behaviour,
    severity: Severity::Medium,
    title: "Installs itself to run again (crontab, shell start-up files, services, Run keys, \
        agent and editor configs)",
    problem: "The code writes files or runs commands and names a place that makes programs \
        start again later: the crontab, shell start-up files, systemd or launchd units, the \
        Windows Run key or Startup folder, AI agent settings and rules (Claude Code hooks, \
        Gemini CLI, Cursor rules, Copilot instructions), VS Code tasks or GitHub workflows. \
        A library has no reason to survive its own process.",
    next_steps: "Check the named location on machines that ran the package and remove \
        what it added. Find out what the added entry starts.",
    severities: &[Severity::Medium, Severity::High, Severity::Critical],
    catches: "crontab, shell rc files, systemd/launchd, Run keys, Startup, AI agent and editor \
        configs (`.claude/settings.json`, `.gemini/settings.json`, Cursor rules, Copilot \
        instructions, `.vscode/tasks.json`, `.github/workflows/`; \
        `CLAUDE.md`/`AGENTS.md` only at install or next to a dropper command); critical \
        when a file run at install persists next to a dropper-shaped command",
};

pub(crate) fn check(code: &CodeContext, out: &mut Analysis) {
    for file in &code.files {
        let acts = file.has(|k| matches!(k, Kind::FileWrite { .. } | Kind::Exec { .. }));
        if !acts || super::ignorable(code, &file.path) {
            continue;
        }
        let install = code.runs_on_install(&file.path);
        // Scaffolders write CLAUDE.md and AGENTS.md on request; written at install, or
        // next to a dropper-shaped command, they carry instructions nobody asked for.
        let instructions_count = install || file.has(|k| matches!(k, Kind::ShellCommand { .. }));
        // A place named in a path the code builds is also named by the literal in it:
        // one piece of evidence per place and line.
        let mut seen = std::collections::HashSet::new();
        let hits: Vec<_> = file
            .events
            .iter()
            .filter_map(|event| match &event.kind {
                Kind::Persistence(what)
                    if (*what != AGENT_INSTRUCTIONS || instructions_count)
                        && seen.insert((event.line, *what)) =>
                {
                    Some(evidence(file, event, format!("names {what}")))
                }
                _ => None,
            })
            .collect();
        if hits.is_empty() {
            continue;
        }
        let mut hits = hits;
        // A dropper-shaped command in the file that persists at install is what the place
        // will start: the whole chain (`curl … | sh` in a Claude hook, a cron line).
        let dropper = file.first(
            |k| matches!(k, Kind::ShellCommand { severity, .. } if *severity >= Severity::High),
        );
        let severity = match dropper {
            Some(event) if install => {
                if let Kind::ShellCommand { reason, .. } = &event.kind {
                    hits.push(evidence(
                        file,
                        event,
                        format!("the command it leaves: {reason}"),
                    ));
                }
                Severity::Critical
            }
            _ if install => Severity::High,
            _ => Severity::Medium,
        };
        let message = format!(
            "`{}` writes files or runs commands and names persistence locations{}",
            file.path,
            reach_clause(code, &file.path)
        );
        out.findings
            .push(finding_with_evidence(&RULE, severity, message, hits));
    }
}
