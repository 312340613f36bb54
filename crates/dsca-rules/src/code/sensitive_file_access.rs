//! DSCA807: the code reads credential files or a stealer's targets.

use super::facts::Kind;
use super::tables::SecretWeight;
use super::{CodeContext, evidence, raise, reach_clause};
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use dsca_model::{Category, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA807",
    name: "sensitive-file-access",
    category: Category::Filesystem,
    signal: Signal::Behaviour,
    severity: Severity::High,
    title: "Reads credential files or browser, wallet and chat stores",
    problem: "The code reads files that hold credentials (~/.npmrc, SSH keys, cloud and \
        registry credentials) or stores only a stealer wants (browser cookies and saved \
        passwords, cryptocurrency wallets, Discord's local storage).",
    next_steps: "Find out why the package reads these files and where their contents go. \
        If the package has no business with them, treat every credential on machines that \
        ran it as stolen.",
    severities: &[Severity::Low, Severity::Medium, Severity::High],
    catches: "~/.npmrc, SSH keys, cloud credentials, browser stores, wallets, Discord LevelDB",
};

pub(crate) fn check(code: &CodeContext, out: &mut Analysis) {
    for file in &code.files {
        if !file.has(|k| matches!(k, Kind::FileRead)) || super::ignorable(code, &file.path) {
            continue;
        }
        let mut severity = Severity::Info;
        let mut hits = Vec::new();
        // A path built in a call and the call that opens it name the same place: one
        // piece of evidence per place and line.
        let mut seen = std::collections::HashSet::new();
        for event in &file.events {
            if let Kind::Sensitive {
                what,
                weight,
                built,
            } = &event.kind
            {
                // A bare `.npmrc` in a list of config names is not a read of it.
                if (!built && *weight < SecretWeight::StealerOnly)
                    || !seen.insert((event.line, *what))
                {
                    continue;
                }
                severity = severity.max(match weight {
                    SecretWeight::StealerOnly => Severity::High,
                    SecretWeight::Credential => Severity::Medium,
                    SecretWeight::Plausible => Severity::Low,
                });
                hits.push(evidence(file, event, format!("names {what}")));
            }
        }
        if hits.is_empty() {
            continue;
        }
        if code.runs_on_install(&file.path) {
            severity = raise(severity, Severity::High);
        }
        let message = format!(
            "`{}` reads sensitive files{}",
            file.path,
            reach_clause(code, &file.path)
        );
        out.findings
            .push(finding_with_evidence(&RULE, severity, message, hits));
    }
}
