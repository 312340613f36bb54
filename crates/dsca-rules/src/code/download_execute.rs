//! DSCA802: the code downloads something and runs it.

use super::facts::{EvalSource, Kind};
use super::{CodeContext, evidence, reach_clause};
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use dsca_model::{Category, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "DSCA802",
    name: "download-execute",
    category: Category::Execution,
    severity: Severity::High,
    title: "Downloads code and runs it",
    problem: "The code evaluates a network response or starts a process from inside the \
        handler of a download. What runs is decided by whoever controls the server at the \
        moment of installation, not by the published package: a classic remote loader.",
    next_steps: "Do not run this version. Find the URL it downloads from (shown in the \
        evidence or built nearby) and what it does with the response. If it ran anywhere, \
        treat that machine as compromised.",
};

pub(crate) fn check(code: &CodeContext, out: &mut Analysis) {
    for file in &code.files {
        let install = code.runs_on_install(&file.path);
        let mut hits = Vec::new();
        let mut severity = Severity::Info;
        for event in &file.events {
            match &event.kind {
                Kind::Eval {
                    api,
                    source: EvalSource::Network,
                } => {
                    severity = Severity::Critical;
                    hits.push(evidence(
                        file,
                        event,
                        format!("evaluates downloaded data with {api}"),
                    ));
                }
                Kind::Exec { api, .. } if event.in_network_flow => {
                    severity = severity.max(if install {
                        Severity::Critical
                    } else {
                        Severity::High
                    });
                    hits.push(evidence(
                        file,
                        event,
                        format!("starts a process ({api}) while handling a download"),
                    ));
                }
                Kind::FileWrite { .. }
                    if event.in_network_flow
                        && file.has(|k| matches!(k, Kind::Chmod | Kind::Exec { .. })) =>
                {
                    severity = severity.max(if install {
                        Severity::High
                    } else {
                        Severity::Medium
                    });
                    hits.push(evidence(file, event, "writes a download to disk in a file that also makes files executable or runs them"));
                }
                _ => {}
            }
        }
        if hits.is_empty() || super::ignorable(code, &file.path) {
            continue;
        }
        let message = format!(
            "`{}` downloads code and runs it{}",
            file.path,
            reach_clause(code, &file.path)
        );
        out.findings
            .push(finding_with_evidence(&RULE, severity, message, hits));
    }
}
