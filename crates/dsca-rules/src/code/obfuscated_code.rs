//! DSCA805: obfuscated code (javascript-obfuscator output, hidden module names, hidden
//! Unicode, code pushed off screen, packed one-line install scripts). Minified code is
//! not obfuscated code.

use super::facts::{FileFacts, Kind};
use super::{CodeContext, Reach, evidence, raise, reach_clause};
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use dsca_model::{Category, Evidence, Location, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA805",
    name: "obfuscated-code",
    category: Category::Obfuscation,
    signal: Signal::Concealment,
    severity: Severity::Medium,
    title: "Hides what its code does",
    problem: "The code is obfuscated, not just minified: identifiers replaced by `_0x` hex \
        names with a rotated string array (javascript-obfuscator), module names hidden in \
        escapes or built from pieces, invisible bidirectional characters, zero-width \
        characters inside names, data hidden in invisible variation selectors or tag \
        characters (GlassWorm), code pushed off screen by whitespace, or an install script \
        packed into one enormous line. Minifiers shorten code; only someone hiding behaviour from a \
        reviewer does this.",
    next_steps: "Deobfuscate the file statically (for example with a javascript-obfuscator \
        deobfuscator) and review what it does before trusting the package. Ask the \
        maintainers why published code is obfuscated.",
    severities: &[Severity::Medium, Severity::High, Severity::Critical],
    catches: "javascript-obfuscator output, hidden module names, bidi characters, zero-width \
        characters inside names, GlassWorm variation-selector and tag-character \
        payloads, a packed one-line install script (100 KB+), code pushed off screen \
        (not minification)",
};

/// `_0x` identifiers needed to call a file obfuscator output.
const MIN_HEX_IDENTIFIERS: usize = 10;
const MIN_HEX_USES: u32 = 40;

/// A line this long in a file that runs at install time is a packed payload. Measured
/// on the files install scripts run (and everything they load) in December 2026: the
/// longest lines are 25,285 bytes (prisma 7.10.1 `preinstall/index.js`, a bundled
/// minified preinstall of 26 KB), then 543 (@sentry/cli 3.8.0), 517 (nx 24.0.7, its
/// `node -e require(...)` post-install), 473 (cypress 15.3.0), 308 (edgedriver 7.0.0),
/// 180 (@swc/core 1.16.22), 168 (chromedriver 148.0.1), 160 (phantomjs-prebuilt),
/// 143 (puppeteer 24.43.1), 125 (esbuild 0.28.2 `install.js`), 109 (electron 41.7.1),
/// 107 (node-sass 9.0.0); sharp 0.35 has no install script. Minified bundles the browser
/// loads reach megabytes on one line (nx's graph app: 2.9 MB), but no install script
/// runs them.
pub(crate) const PACKED_LINE_BYTES: usize = 100 * 1024;

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
        // What the message leads with when hidden content decided the severity.
        let mut headline: Option<(Severity, String)> = None;
        let evaluates = file.has(|k| matches!(k, Kind::Eval { .. }));
        let starts_processes = file.has(|k| matches!(k, Kind::Exec { .. }));
        let invisible = invisible_evidence(file);
        if let Some((_, first)) = invisible.first() {
            // Invisible names or data are weighed like bidi controls, unless the same
            // file evaluates code or starts processes: then the hidden part is what runs.
            let reached = matches!(code.reach(&file.path), Reach::Install | Reach::Entry);
            let (level, clause) = match (evaluates, starts_processes) {
                (false, false) => (Severity::Medium, ""),
                (true, false) => (Severity::High, ", and the file evaluates code"),
                (false, true) => (Severity::High, ", and the file starts processes"),
                (true, true) => (
                    Severity::High,
                    ", and the file evaluates code and starts processes",
                ),
            };
            let level = if level == Severity::High && reached {
                Severity::Critical
            } else {
                level
            };
            severity = severity.max(level);
            headline = Some((
                level,
                format!(
                    "`{}`: {first}{clause}{}",
                    file.path,
                    reach_clause(code, &file.path)
                ),
            ));
            hits.extend(
                invisible
                    .iter()
                    .take(5)
                    .map(|(line, detail)| Evidence::new(detail.clone()).at(at(*line))),
            );
        }
        if let Some((line, length)) = o.packed_line
            && code.runs_on_install(&file.path)
        {
            // Measured: honest install scripts stay far below PACKED_LINE_BYTES. One that
            // also evaluates code it builds at run time is a packed loader.
            let level = if evaluates {
                Severity::Critical
            } else {
                Severity::High
            };
            severity = severity.max(level);
            let kb = grouped(length / 1024);
            hits.push(Evidence::new(format!("line {line} is {kb} KB long")).at(at(line)));
            let clause = if evaluates {
                ", and evaluates code it builds at run time"
            } else {
                ""
            };
            if headline.as_ref().is_none_or(|(shown, _)| level > *shown) {
                headline = Some((
                    level,
                    format!(
                        "`{}` runs a packed one-line payload of {kb} KB at install time{clause}: \
                         honest install scripts are small and readable",
                        file.path
                    ),
                ));
            }
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
        let message = match headline {
            Some((level, text)) if level >= severity => text,
            _ => format!(
                "`{}` is obfuscated{}",
                file.path,
                reach_clause(code, &file.path)
            ),
        };
        out.findings
            .push(finding_with_evidence(&RULE, severity, message, hits));
    }
}

/// What the invisible names and data of a file are, as (line, detail): the largest runs
/// of data first, then the names.
fn invisible_evidence(file: &FileFacts) -> Vec<(u32, String)> {
    let o = &file.obfuscation;
    let mut runs: Vec<_> = o.invisible_runs.iter().collect();
    runs.sort_by_key(|run| std::cmp::Reverse(run.count));
    let mut found: Vec<(u32, String)> = runs
        .into_iter()
        .map(|run| {
            (
                run.line,
                format!(
                    "{} {} on line {} carry hidden data",
                    grouped(run.count),
                    run.kind.describe(),
                    run.line
                ),
            )
        })
        .collect();
    found.extend(o.zero_width_names.iter().map(|hit| {
        let (code_point, name) = zero_width_name(hit.character);
        let detail = if matches!(hit.character, '\u{200C}' | '\u{200D}') {
            format!(
                "`{}` is followed by an invisible {name} ({code_point}) on line {}: \
                 another name that looks the same",
                hit.name, hit.line
            )
        } else {
            format!(
                "an invisible {name} ({code_point}) after `{}` on line {} splits what \
                 looks like one word",
                hit.name, hit.line
            )
        };
        (hit.line, detail)
    }));
    found
}

fn zero_width_name(character: char) -> (&'static str, &'static str) {
    match character {
        '\u{200B}' => ("U+200B", "zero-width space"),
        '\u{200C}' => ("U+200C", "zero-width non-joiner"),
        '\u{200D}' => ("U+200D", "zero-width joiner"),
        '\u{2060}' => ("U+2060", "word joiner"),
        _ => ("U+FEFF", "zero-width no-break space"),
    }
}

/// `1204` as `1,204`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
