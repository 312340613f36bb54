//! DSCA808: the code writes to a place that starts programs again later.

use super::facts::Kind;
use super::{CodeContext, evidence, reach_clause};
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use dsca_model::{Category, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "DSCA808",
    name: "persistence",
    category: Category::Persistence,
    severity: Severity::Medium,
    title: "Installs itself to run again (crontab, shell start-up files, services, Run keys)",
    problem: "The code writes files or runs commands and names a place that makes programs \
        start again later: the crontab, shell start-up files, systemd or launchd units, the \
        Windows Run key or Startup folder. A library has no reason to survive its own \
        process.",
    next_steps: "Check the named location on machines that ran the package and remove \
        what it added. Find out what the added entry starts.",
};

pub(crate) fn check(code: &CodeContext, out: &mut Analysis) {
    for file in &code.files {
        let acts = file.has(|k| matches!(k, Kind::FileWrite { .. } | Kind::Exec { .. }));
        if !acts || super::ignorable(code, &file.path) {
            continue;
        }
        let hits: Vec<_> = file
            .events
            .iter()
            .filter_map(|event| match &event.kind {
                Kind::Persistence(what) => Some(evidence(file, event, format!("names {what}"))),
                _ => None,
            })
            .collect();
        if hits.is_empty() {
            continue;
        }
        let severity = if code.runs_on_install(&file.path) {
            Severity::High
        } else {
            Severity::Medium
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
