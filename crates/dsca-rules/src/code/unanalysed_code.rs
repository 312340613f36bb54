//! DSCA810: code files the parser could not read in full.

use super::CodeContext;
use crate::Analysis;
use crate::metadata::cap_evidence;
use dsca_model::{Category, Evidence, Finding, Location, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "DSCA810",
    name: "unanalysed-code",
    category: Category::Obfuscation,
    severity: Severity::Low,
    title: "Has code files the parser could not read",
    problem: "Some JavaScript files could not be parsed: they are not valid JavaScript, not \
        valid UTF-8, too large, or nested so deeply that no person or build tool wrote them \
        (a trick to crash analysers). They were only searched byte by byte, so the code \
        rules may see less of them than of the rest.",
    next_steps: "Look at the files listed. Flow- or TypeScript-syntax files shipped as .js \
        are common and harmless; a file built to break parsers is not.",
};

pub(crate) fn check(code: &CodeContext, out: &mut Analysis) {
    let mut severity = Severity::Info;
    let mut hits = Vec::new();
    for file in &code.files {
        if let Some(anomaly) = &file.anomaly {
            severity = severity.max(anomaly.kind.severity());
            hits.push(Evidence::new(anomaly.detail.clone()).at(Location::file(file.path.as_str())));
        }
    }
    let Some(first) = hits.first() else {
        return;
    };
    let message = if hits.len() == 1 {
        format!(
            "`{}`: {}",
            first.location.as_ref().map_or("", |l| l.file.as_str()),
            first.detail
        )
    } else {
        format!("{} code files could not be parsed in full", hits.len())
    };
    let finding = Finding::new(&RULE, message).with_severity(severity);
    out.findings.push(
        cap_evidence(hits)
            .into_iter()
            .fold(finding, Finding::with_evidence),
    );
}
