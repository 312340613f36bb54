//! DSCA810: code files the parser could not read in full.

use super::CodeContext;
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use dsca_model::{Category, Evidence, Location, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA810",
    name: "unanalysed-code",
    category: Category::Obfuscation,
    signal: Signal::Concealment,
    severity: Severity::Low,
    title: "Has code files the parser could not read",
    problem: "Some JavaScript files could not be parsed: they are not valid JavaScript, not \
        valid UTF-8, too large, or nested so deeply that no person or build tool wrote them \
        (a trick to crash analysers). They were only searched byte by byte, so the code \
        rules may see less of them than of the rest. Files YARA could not finish (a scan \
        timeout) are listed too: its rules saw only part of them.",
    next_steps: "Look at the files listed. Flow- or TypeScript-syntax files shipped as .js \
        are common and harmless; a file built to break parsers is not.",
    severities: &[Severity::Info, Severity::Low, Severity::Medium],
    catches: "too large, unparsable, invalid UTF-8, nested to break parsers; files YARA could \
        not finish (timeout), at info",
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
    let unparsed = hits.len();
    for (path, reason) in &code.yara_gaps {
        hits.push(Evidence::new(reason.clone()).at(Location::file(path.as_str())));
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
    } else if code.yara_gaps.is_empty() {
        format!("{unparsed} code files could not be parsed in full")
    } else {
        format!(
            "{unparsed} code files could not be parsed in full; YARA could not finish {} file(s)",
            code.yara_gaps.len()
        )
    };
    out.findings
        .push(finding_with_evidence(&RULE, severity, message, hits));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_yara_timeout_is_reported_not_taken_for_clean() {
        let code = CodeContext {
            files: Vec::new(),
            yara: Vec::new(),
            yara_gaps: vec![(
                "dist/huge.js".into(),
                "YARA stopped after 10 s (timeout)".into(),
            )],
            reach: Default::default(),
        };
        let mut out = Analysis::default();
        check(&code, &mut out);
        let [finding] = out.findings.as_slice() else {
            panic!("one finding expected: {:?}", out.findings);
        };
        assert_eq!(finding.severity, Severity::Info);
        assert!(
            finding.message.contains("dist/huge.js"),
            "{}",
            finding.message
        );
        assert!(finding.message.contains("timeout"), "{}", finding.message);
    }
}
