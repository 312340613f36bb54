//! DSCA803: the code decodes hidden data and evaluates it.

use super::facts::{EvalSource, Kind};
use super::{CodeContext, evidence, reach_clause};
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use dsca_model::{Category, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA803",
    name: "decode-eval",
    category: Category::Execution,
    signal: Signal::Behaviour,
    severity: Severity::High,
    title: "Evaluates code that it decodes at run time",
    problem: "Code that is stored encoded (base64, hex, char codes, encrypted) and turned \
        back into source only to be evaluated is code the author did not want a reader or a \
        scanner to see. Honest packages ship their code as code.",
    next_steps: "Decode the data statically (never by running the package) and read what \
        it does. Treat the package as malicious until the decoded code is understood.",
    severities: &[Severity::High, Severity::Critical],
    catches: "evaluates code decoded at run time (also through decoding helpers of several \
        statements, base64 + XOR)",
};

pub(crate) fn check(code: &CodeContext, out: &mut Analysis) {
    for file in &code.files {
        let decodes = file.has(|k| matches!(k, Kind::Decode(_)));
        let hides_modules = file.has(|k| matches!(k, Kind::HiddenModule { .. }));
        let mut hits = Vec::new();
        for event in &file.events {
            match &event.kind {
                Kind::Eval {
                    api,
                    source: EvalSource::Decoded,
                } => {
                    hits.push(evidence(
                        file,
                        event,
                        format!("evaluates decoded data with {api}"),
                    ));
                }
                // Decoding, hiding module names and evaluating built code in one file
                // is a loader, even when the flow between them is indirect.
                Kind::Eval {
                    api,
                    source: EvalSource::Dynamic,
                } if decodes && hides_modules => {
                    hits.push(evidence(file, event, format!("evaluates code built at run time with {api}, in a file that decodes data and hides module names")));
                }
                _ => {}
            }
        }
        if hits.is_empty() || super::ignorable(code, &file.path) {
            continue;
        }
        if let Some(decode) = file.first(|k| matches!(k, Kind::Decode(_))) {
            hits.push(evidence(file, decode, "decodes data here"));
        }
        // Hiding module names on top of decoding and evaluating is a deliberate loader.
        let severity = if code.runs_on_install(&file.path) || hides_modules {
            Severity::Critical
        } else {
            Severity::High
        };
        let message = format!(
            "`{}` evaluates code it decodes at run time{}",
            file.path,
            reach_clause(code, &file.path)
        );
        out.findings
            .push(finding_with_evidence(&RULE, severity, message, hits));
    }
}
