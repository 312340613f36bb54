//! DSCA805: obfuscated code (javascript-obfuscator output, hidden module names, hidden
//! Unicode, code pushed off screen). Minified code is not obfuscated code.

use super::facts::Kind;
use super::{CodeContext, evidence, raise, reach_clause};
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use dsca_model::{Category, Evidence, Location, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "DSCA805",
    name: "obfuscated-code",
    category: Category::Obfuscation,
    severity: Severity::Medium,
    title: "Hides what its code does",
    problem: "The code is obfuscated, not just minified: identifiers replaced by `_0x` hex \
        names with a rotated string array (javascript-obfuscator), module names hidden in \
        escapes or built from pieces, invisible bidirectional characters, or code pushed off \
        screen by whitespace. Minifiers shorten code; only someone hiding behaviour from a \
        reviewer does this.",
    next_steps: "Deobfuscate the file statically (for example with a javascript-obfuscator \
        deobfuscator) and review what it does before trusting the package. Ask the \
        maintainers why published code is obfuscated.",
};

/// `_0x` identifiers needed to call a file obfuscator output.
const MIN_HEX_IDENTIFIERS: usize = 10;
const MIN_HEX_USES: u32 = 40;

pub(crate) fn check(code: &CodeContext, out: &mut Analysis) {
    for file in &code.files {
        if super::ignorable(code, &file.path) {
            continue;
        }
        let o = &file.obfuscation;
        let mut severity = Severity::Info;
        let mut hits: Vec<Evidence> = Vec::new();
        let at = |line: u32| Location::line(file.path.as_str(), line);
        let hex_names = o.distinct_hex_identifiers.len();
        let obfuscator = (hex_names >= MIN_HEX_IDENTIFIERS
            && o.hex_identifier_uses >= MIN_HEX_USES)
            || (o.string_array_rotation.is_some() && hex_names >= 3);
        if obfuscator {
            severity = Severity::Medium;
            let mut detail = format!(
                "{hex_names} distinct `_0x` hex identifiers used {} times (javascript-obfuscator output)",
                o.hex_identifier_uses
            );
            if o.string_array_rotation.is_some() {
                detail.push_str(", with a rotated string array");
            }
            hits.push(Evidence::new(detail).at(Location::line(
                file.path.as_str(),
                o.string_array_rotation.unwrap_or(1),
            )));
        }
        for event in &file.events {
            if let Kind::HiddenModule { module, how } = &event.kind {
                severity = severity.max(Severity::High);
                hits.push(evidence(
                    file,
                    event,
                    format!("loads `{module}`, its name {how}"),
                ));
            }
        }
        if let Some(&line) = o.hidden_unicode.first() {
            severity = severity.max(Severity::Medium);
            hits.push(
                Evidence::new("bidirectional-override characters in the code (Trojan Source)")
                    .at(at(line)),
            );
        }
        if let Some(line) = o.code_after_whitespace {
            severity = severity.max(Severity::Medium);
            hits.push(Evidence::new("code pushed off screen by a long run of spaces").at(at(line)));
        }
        if hits.is_empty() {
            continue;
        }
        for (line, length) in o.encoded_blobs.iter().take(3) {
            hits.push(
                Evidence::new(format!("an encoded string of {length} characters")).at(at(*line)),
            );
        }
        // Obfuscated code that also runs programs, evaluates code or talks to the
        // network, or that runs at install time, is hiding something that matters.
        let capable = file.has(|k| {
            matches!(
                k,
                Kind::Exec { .. }
                    | Kind::Eval { .. }
                    | Kind::Http(_)
                    | Kind::Socket(_)
                    | Kind::ComputedRequire
            )
        });
        if code.runs_on_install(&file.path) || (obfuscator && capable) {
            severity = raise(severity, Severity::High);
        }
        // javascript-obfuscator output that runs at install time and loads modules,
        // runs programs or talks to the network: nothing honest ships that.
        if obfuscator && capable && code.runs_on_install(&file.path) {
            severity = Severity::Critical;
        }
        let message = format!(
            "`{}` is obfuscated{}",
            file.path,
            reach_clause(code, &file.path)
        );
        out.findings
            .push(finding_with_evidence(&RULE, severity, message, hits));
    }
}
