//! Code rules: what a package's code can do (behaviours), and whether its capabilities
//! meet in a way only malware needs (findings, DSCA801–DSCA899).
//!
//! Every .js/.cjs/.mjs/.jsx/.ts file is parsed once ([`js`]) and walked once; files the
//! parser cannot read, and scripts that are not JavaScript, get the byte-level pass
//! ([`bytes`]). The rules then correlate the facts of each file, weighted by whether
//! the file runs at install time or is the package's entry point.

pub(crate) mod anchor_gate;
pub(crate) mod behaviours;
pub(crate) mod bytes;
pub(crate) mod facts;
pub(crate) mod js;
pub(crate) mod strings;
pub(crate) mod tables;

pub mod decode_eval;
pub mod destructive;
pub mod download_execute;
pub mod exfiltration;
pub mod obfuscated_code;
pub mod persistence;
pub mod reverse_shell;
pub mod risky_command_in_code;
pub mod sensitive_file_access;
pub mod suspicious_destination;
pub mod unanalysed_code;
pub mod yara;

use crate::{Analysis, ScanContext};
use dsca_archive::PackageFile;
use dsca_model::{Evidence, Location, Severity};
use facts::{AnomalyKind, Event, FileAnomaly, FileFacts};
use std::collections::{HashMap, HashSet};

/// Where findings about the install commands of package.json point.
const INSTALL_COMMANDS_PATH: &str = "package.json";
/// Files larger than this get the byte-level pass only (and a note).
pub const MAX_PARSED_FILE_BYTES: usize = 16 * 1024 * 1024;
/// JavaScript parsed per package; beyond it files get the byte-level pass.
pub const MAX_PARSED_PACKAGE_BYTES: usize = 96 * 1024 * 1024;
/// Bracket nesting beyond this is not handed to the parser (it recurses per level).
pub const MAX_NESTING: usize = 1_000;
/// Stack of the parsing threads: oxc recurses once per nesting level.
const PARSER_STACK_BYTES: usize = 64 * 1024 * 1024;
/// A run of this many spaces followed by code on the same line hides that code.
const HIDING_WHITESPACE: usize = 150;

pub(crate) type Check = fn(&CodeContext, &mut Analysis);

thread_local! {
    /// Whether this thread was started with [`ANALYSIS_STACK_BYTES`] of stack (see
    /// [`thread_has_analysis_stack`]).
    static ANALYSIS_STACK_HERE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// This thread's scanner of the built-in YARA rules, kept from package to package.
    static BUILTIN_SCANNER: std::cell::RefCell<Option<yara::FileScanner<'static>>> =
        const { std::cell::RefCell::new(None) };
}

/// Stack a thread needs to run a package's code analysis itself: oxc recurses once per
/// nesting level.
pub const ANALYSIS_STACK_BYTES: usize = PARSER_STACK_BYTES;

/// Declares that the calling thread was started with at least [`ANALYSIS_STACK_BYTES`]
/// of stack. A package whose files are to be analysed on one thread is then analysed
/// on this thread, with a YARA scanner kept for the next package, instead of on a
/// thread started for it. Call it only on threads built with that stack size.
pub fn thread_has_analysis_stack() {
    ANALYSIS_STACK_HERE.with(|here| here.set(true));
}

/// How a file can come to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Reach {
    /// Nothing visible runs it (a library file, a test, an example).
    Unknown,
    /// Loaded from the package's `main` entry.
    Entry,
    /// Run by an install script (or loaded by a file that is).
    Install,
}

/// The facts of every analysed file, and how each file comes to run.
pub(crate) struct CodeContext {
    pub files: Vec<FileFacts>,
    /// What the YARA rules matched, over every file of the package.
    pub yara: Vec<yara::YaraHit>,
    /// Files YARA could not finish (path, why): reported, never taken for clean.
    pub yara_gaps: Vec<(String, String)>,
    reach: HashMap<String, Reach>,
}

impl CodeContext {
    pub(crate) fn reach(&self, path: &str) -> Reach {
        self.reach.get(path).copied().unwrap_or(Reach::Unknown)
    }

    pub(crate) fn runs_on_install(&self, path: &str) -> bool {
        self.reach(path) == Reach::Install
    }
}

/// Code given to `node -e` in a command npm runs at install, or by a file to a node it
/// starts: walked like a file and added to the facts of the place that holds it (the
/// manifest, binding.gyp, the file). Inline code is small; larger or deeply nested code
/// keeps the byte-level reading only.
///
/// Returns the inline code this code hands on in turn (a `node -e` that starts another),
/// with its lines counted the same way.
fn add_inline_code(
    files: &mut Vec<FileFacts>,
    path: &str,
    line: u32,
    code: &str,
) -> Vec<(u32, String)> {
    const MAX_INLINE_BYTES: usize = 64 * 1024;
    if code.len() > MAX_INLINE_BYTES || nesting_beyond(code.as_bytes(), 64).is_some() {
        return Vec::new();
    }
    let Some(mut facts) = js::analyse(path, code) else {
        return Vec::new();
    };
    // Lines count from the line that holds the command.
    let shift = line.saturating_sub(1);
    for event in &mut facts.events {
        event.line = event.line.saturating_add(shift);
    }
    for (event_line, _) in &mut facts.indicators {
        *event_line = event_line.saturating_add(shift);
    }
    let handed_on: Vec<(u32, String)> = std::mem::take(&mut facts.inline_code)
        .into_iter()
        .map(|(inner, code)| (inner.saturating_add(shift), code))
        .collect();
    match files.iter_mut().find(|f| f.path == path) {
        Some(existing) => {
            existing.events.extend(facts.events);
            existing.indicators.extend(facts.indicators);
        }
        None => files.push(facts),
    }
    handed_on
}

/// Run the code analysis over one package: the facts of its files, then `checks` (the
/// code rules of the rule table) over them.
pub(crate) fn analyse(
    ctx: &ScanContext,
    rules: &yara::YaraRules,
    threads: Option<usize>,
    checks: &[Check],
) -> Analysis {
    let (mut files, yara, yara_gaps) = collect_facts(ctx.files(), Some(rules), threads);
    // What a file hands to a node it starts (`spawn(process.execPath, ['-e', CODE])`)
    // runs when the file does: a dropper hides its payload from the walk there.
    // Code in code (`node -e` starting `node -e`) is followed a few levels down.
    let mut handed: Vec<(String, u32, String)> = files
        .iter_mut()
        .flat_map(|file| {
            let path = file.path.clone();
            std::mem::take(&mut file.inline_code)
                .into_iter()
                .map(move |(line, code)| (path.clone(), line, code))
        })
        .collect();
    for _ in 0..4 {
        let mut next = Vec::new();
        for (path, line, code) in handed {
            next.extend(
                add_inline_code(&mut files, &path, line, &code)
                    .into_iter()
                    .map(|(line, code)| (path.clone(), line, code)),
            );
        }
        if next.is_empty() {
            break;
        }
        handed = next;
    }
    let mut reach = reachability(ctx, &files);
    // The install commands themselves are the first script that runs: what they
    // collect and send counts as a file's would.
    let mut inline = Vec::new();
    if let Some(manifest) = ctx.manifest() {
        let commands: Vec<&str> = crate::metadata::install_time_scripts(manifest, ctx)
            .into_iter()
            .map(|(_, command)| command)
            .collect();
        if !commands.is_empty() {
            files.push(bytes::analyse_install_commands(
                INSTALL_COMMANDS_PATH,
                &commands.join("\n"),
            ));
            reach.insert(INSTALL_COMMANDS_PATH.to_string(), Reach::Install);
        }
        for command in commands {
            inline.extend(
                crate::metadata::risky_install_command::inline_node_code(command)
                    .into_iter()
                    .map(|code| (INSTALL_COMMANDS_PATH, 1, code)),
            );
        }
    }
    if let Some(gyp) = ctx.files().iter().find(|f| f.path == "binding.gyp") {
        for command in crate::gyp::commands(&gyp.data) {
            inline.extend(
                crate::metadata::risky_install_command::inline_node_code(&command.command)
                    .into_iter()
                    .map(|code| ("binding.gyp", command.line, code)),
            );
        }
    }
    for (path, line, code) in inline {
        add_inline_code(&mut files, path, line, &code);
        reach.insert(path.to_string(), Reach::Install);
    }
    let code = CodeContext {
        files,
        yara,
        yara_gaps,
        reach,
    };
    let mut analysis = Analysis::default();
    for check in checks {
        check(&code, &mut analysis);
    }
    analysis.behaviours = behaviours::summarise(&code);
    analysis
}

/// The code analysis of one file on its own (for fuzzing and tools): the same passes
/// and checks as a package scan, without the package around it. Unlike a scan it does
/// not catch panics, so a fuzzer sees them; it runs on a thread with the parser's stack.
/// The YARA rules are left out: they have their own fuzzing upstream.
pub(crate) fn analyse_single_file(path: &str, data: &[u8], checks: &[Check]) -> Analysis {
    let Some(kind) = file_kind(path) else {
        return Analysis::default();
    };
    let parse = kind == FileKind::JavaScript && data.len() <= MAX_PARSED_FILE_BYTES;
    let file = PackageFile {
        path: path.to_string(),
        data: data.to_vec(),
        mode: 0o644,
    };
    let facts = std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .stack_size(PARSER_STACK_BYTES)
            .spawn_scoped(scope, || analyse_file(&file, kind, parse));
        match worker.map(|handle| handle.join()) {
            Ok(Ok(facts)) => facts,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => fallback(
                &file,
                kind,
                AnomalyKind::ParseFailed,
                "no thread to parse on",
            ),
        }
    });
    let code = CodeContext {
        files: vec![facts],
        yara: Vec::new(),
        yara_gaps: Vec::new(),
        reach: HashMap::new(),
    };
    let mut analysis = Analysis::default();
    for check in checks {
        check(&code, &mut analysis);
    }
    analysis.behaviours = behaviours::summarise(&code);
    analysis
}

/// What the string decoders make of one string literal (for fuzzing and tools): the
/// constant decoded from base64 or hex, and every URL, IPv4 address and email found in
/// it (also inside decoded layers, to a bounded depth), as `kind value [class]` lines.
pub fn string_intelligence(text: &str) -> (Option<String>, Vec<String>) {
    let decoded = strings::decode_constant(text);
    let found = strings::indicators(text)
        .into_iter()
        .map(|indicator| {
            let class = indicator
                .class
                .map(|class| format!(" [{class:?}]"))
                .unwrap_or_default();
            format!("{:?} {}{class}", indicator.kind, indicator.value)
        })
        .collect();
    (decoded, found)
}

/// Bytes of the files the code analysis reads as JavaScript (parsed with oxc when they
/// fit the limits), the measure of the benchmarks' "MB of JavaScript".
pub fn javascript_bytes(files: &[PackageFile]) -> u64 {
    files
        .iter()
        .filter(|file| file_kind(&file.path) == Some(FileKind::JavaScript))
        .map(|file| file.data.len() as u64)
        .sum()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    JavaScript,
    Script,
}

fn file_kind(path: &str) -> Option<FileKind> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".d.ts") || lower.ends_with(".d.mts") || lower.ends_with(".d.cts") {
        return None;
    }
    let extension = lower.rsplit_once('.').map(|(_, e)| e)?;
    match extension {
        "js" | "cjs" | "mjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" => Some(FileKind::JavaScript),
        "sh" | "bash" | "py" | "bat" | "cmd" | "ps1" | "vbs" => Some(FileKind::Script),
        _ => None,
    }
}

/// One file's share of the work.
struct Job<'a> {
    file: &'a PackageFile,
    /// `None` for files that are not code: only the YARA rules read them.
    kind: Option<FileKind>,
    parse: bool,
}

/// Facts of every code file, parsed in parallel on `threads` threads (`None`: one per
/// CPU, at most 8) with a stack large enough for the parser, and what the YARA rules
/// match in every file (each thread keeps one scanner for all the files it takes).
pub(crate) fn collect_facts(
    files: &[PackageFile],
    rules: Option<&yara::YaraRules>,
    threads: Option<usize>,
) -> (Vec<FileFacts>, Vec<yara::YaraHit>, Vec<(String, String)>) {
    let mut budget = MAX_PARSED_PACKAGE_BYTES;
    let jobs: Vec<Job> = files
        .iter()
        .filter_map(|file| {
            let kind = file_kind(&file.path);
            if kind.is_none() && rules.is_none() {
                return None;
            }
            let parse = kind == Some(FileKind::JavaScript)
                && file.data.len() <= MAX_PARSED_FILE_BYTES
                && file.data.len() <= budget;
            if parse {
                budget -= file.data.len();
            }
            Some(Job { file, kind, parse })
        })
        .collect();
    if jobs.is_empty() {
        return (Vec::new(), Vec::new(), Vec::new());
    }
    let workers = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, 8)
        .min(jobs.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    type Slot = Option<(
        Option<FileFacts>,
        Option<Result<Vec<yara::YaraHit>, String>>,
    )>;
    let results: std::sync::Mutex<Vec<Slot>> = std::sync::Mutex::new(vec![None; jobs.len()]);
    // Take jobs until none is left, scanning with `scanner`.
    let work = |scanner: &mut Option<yara::FileScanner<'_>>| {
        loop {
            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(job) = jobs.get(index) else {
                break;
            };
            let facts = job.kind.map(|kind| facts_of(job.file, kind, job.parse));
            // A YARA failure on one file costs that file's matches only, and
            // is reported.
            let hits = scanner.as_mut().map(|scanner| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    scanner.scan(&job.file.path, &job.file.data)
                }))
                .unwrap_or_else(|_| Err("YARA failed on this file".to_string()))
            });
            if let Ok(mut results) = results.lock() {
                results[index] = Some((facts, hits));
            }
        }
    };
    if workers == 1 && ANALYSIS_STACK_HERE.with(std::cell::Cell::get) {
        // One thread wanted and this one has the parser's stack: no thread to start, and
        // the built-in rules' scanner of this thread serves package after package
        // (making one costs about as much as scanning a small package).
        match rules {
            Some(rules) if std::ptr::eq(rules, yara::YaraRules::builtin()) => {
                BUILTIN_SCANNER.with(|cell| match cell.try_borrow_mut() {
                    Ok(mut kept) => {
                        if kept.is_none() {
                            *kept = Some(yara::YaraRules::builtin().scanner());
                        }
                        work(&mut kept);
                    }
                    // Only a re-entrant call finds it borrowed: a scanner of its own.
                    Err(_) => work(&mut Some(rules.scanner())),
                });
            }
            _ => work(&mut rules.map(yara::YaraRules::scanner)),
        }
    } else {
        std::thread::scope(|scope| {
            for _ in 0..workers {
                let spawned = std::thread::Builder::new()
                    .name("dsca-code".into())
                    .stack_size(PARSER_STACK_BYTES)
                    .spawn_scoped(scope, || {
                        work(&mut rules.map(yara::YaraRules::scanner));
                        crate::cpu::record_helper_thread();
                    });
                if spawned.is_err() {
                    break;
                }
            }
        });
    }
    let results = results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut all_facts = Vec::new();
    let mut all_hits = Vec::new();
    let mut gaps = Vec::new();
    for (slot, job) in results.into_iter().zip(&jobs) {
        match slot {
            Some((facts, hits)) => {
                all_facts.extend(facts);
                match hits {
                    Some(Ok(hits)) => all_hits.extend(hits),
                    Some(Err(reason)) => gaps.push((job.file.path.clone(), reason)),
                    None => {}
                }
            }
            // Any code file a thread could not finish is still listed.
            None if job.kind.is_some() => all_facts.push(FileFacts {
                path: job.file.path.clone(),
                ..FileFacts::default()
            }),
            None => {}
        }
    }
    (all_facts, all_hits, gaps)
}

/// The facts of one code file; a bug on one hostile file must not cost the rest of the
/// package.
fn facts_of(file: &PackageFile, kind: FileKind, parse: bool) -> FileFacts {
    std::panic::catch_unwind(|| analyse_file(file, kind, parse))
        .or_else(|_| {
            std::panic::catch_unwind(|| {
                fallback(
                    file,
                    kind,
                    AnomalyKind::ParseFailed,
                    "the analyser failed on this file",
                )
            })
        })
        .unwrap_or_else(|_| FileFacts {
            path: file.path.clone(),
            anomaly: Some(FileAnomaly {
                kind: AnomalyKind::ParseFailed,
                detail: "the analyser failed on this file".into(),
            }),
            ..FileFacts::default()
        })
}

fn analyse_file(file: &PackageFile, kind: FileKind, parse: bool) -> FileFacts {
    if kind == FileKind::Script {
        return bytes::analyse(&file.path, &file.data, true);
    }
    if !parse {
        return fallback(
            file,
            kind,
            AnomalyKind::TooLarge,
            &format!(
                "{} bytes: too large to parse, read byte by byte only",
                file.data.len()
            ),
        );
    }
    let (text, invalid_utf8) = match std::str::from_utf8(&file.data) {
        Ok(text) => (std::borrow::Cow::Borrowed(text), false),
        Err(_) => (String::from_utf8_lossy(&file.data), true),
    };
    if let Some(depth) = nesting_beyond(text.as_bytes(), MAX_NESTING) {
        return fallback(
            file,
            kind,
            AnomalyKind::TooDeeplyNested,
            &format!("brackets nest {depth} deep, beyond anything a person or a build tool writes"),
        );
    }
    let Some(mut facts) = js::analyse(&file.path, &text) else {
        return fallback(
            file,
            kind,
            AnomalyKind::ParseFailed,
            "not valid JavaScript: read byte by byte instead",
        );
    };
    if invalid_utf8 {
        facts.anomaly = Some(FileAnomaly {
            kind: AnomalyKind::InvalidUtf8,
            detail: "not valid UTF-8 (parsed with the bad bytes replaced)".into(),
        });
    }
    hidden_content(&text, &mut facts.obfuscation);
    if !facts.obfuscation.joiner_in_names {
        // The parser read every name: a joiner it saw in none sits in a string or a
        // comment (an HTML entity table, Persian text), where it renames nothing.
        facts
            .obfuscation
            .zero_width_names
            .retain(|hit| !matches!(hit.character, '\u{200C}' | '\u{200D}'));
    }
    facts
}

fn fallback(file: &PackageFile, kind: FileKind, anomaly: AnomalyKind, detail: &str) -> FileFacts {
    let mut facts = bytes::analyse(&file.path, &file.data, kind == FileKind::Script);
    facts.anomaly = Some(FileAnomaly {
        kind: anomaly,
        detail: detail.to_string(),
    });
    let scanned = &file.data[..file.data.len().min(bytes::MAX_SCANNED_BYTES)];
    hidden_content(&String::from_utf8_lossy(scanned), &mut facts.obfuscation);
    facts
}

/// The deepest bracket nesting when it goes beyond `limit`, as [`max_nesting`] counts it.
/// Most files are far from the limit, and an upper bound proves it at a fraction of the
/// cost of the exact count: per 64-byte block, the openers and the net change are counted
/// in a loop the compiler vectorises. The depth inside a block is at most the depth at its
/// start plus its openers, and the depth at its end at most the larger of (depth at its
/// start + net change) and its openers (the count can only fall to zero and climb again
/// within the block). Only when that bound passes the limit is the exact count run.
fn nesting_beyond(bytes: &[u8], limit: usize) -> Option<usize> {
    const BLOCK: usize = 64;
    let mut bound = 0usize;
    let blocks = bytes.chunks_exact(BLOCK);
    let tail = blocks.remainder();
    for block in blocks.map(|b| b as &[u8]).chain(std::iter::once(tail)) {
        let mut opens = 0u8;
        let mut closes = 0u8;
        for &b in block {
            opens += u8::from(matches!(b, b'(' | b'[' | b'{'));
            closes += u8::from(matches!(b, b')' | b']' | b'}'));
        }
        let (opens, closes) = (usize::from(opens), usize::from(closes));
        if bound + opens > limit {
            let depth = max_nesting(bytes);
            return (depth > limit).then_some(depth);
        }
        bound = (bound + opens).saturating_sub(closes).max(opens);
    }
    None
}

/// Deepest bracket nesting, counted over raw bytes (strings included: an upper bound
/// that is cheap and cannot recurse).
fn max_nesting(bytes: &[u8]) -> usize {
    // A table and no branches: this reads every byte of every JavaScript file, and a
    // `match` per byte mispredicts on code where brackets are everywhere.
    const STEP: [i8; 256] = {
        let mut step = [0i8; 256];
        step[b'(' as usize] = 1;
        step[b'[' as usize] = 1;
        step[b'{' as usize] = 1;
        step[b')' as usize] = -1;
        step[b']' as usize] = -1;
        step[b'}' as usize] = -1;
        step
    };
    let mut depth = 0isize;
    let mut deepest = 0isize;
    for &b in bytes {
        depth = (depth + isize::from(STEP[usize::from(b)])).max(0);
        deepest = deepest.max(depth);
    }
    deepest.unsigned_abs()
}

/// Bidirectional overrides (Trojan Source), zero-width characters inside names,
/// invisible characters carrying data (variation selectors, tag characters), packed
/// one-line files and code pushed off screen by whitespace. All are rare: rather than
/// visiting every line, this searches the whole text for the bytes that start them (the
/// UTF-8 lead bytes E2, EF and F3, a run of spaces, a newline once per 100 KB) and
/// counts lines only up to a hit.
fn hidden_content(text: &str, obfuscation: &mut facts::Obfuscation) {
    let bytes = text.as_bytes();
    invisible_characters(text, obfuscation);
    if obfuscation.packed_line.is_none() {
        obfuscation.packed_line = packed_line(bytes, obfuscated_code::PACKED_LINE_BYTES);
    }
    if obfuscation.code_after_whitespace.is_some() {
        return;
    }
    let run = " ".repeat(HIDING_WHITESPACE);
    let mut lines = LineCounter::default();
    // Lines before this offset have been judged by their first run already.
    let mut judged_until = 0;
    for run_at in memchr::memmem::find_iter(bytes, run.as_bytes()) {
        if run_at < judged_until {
            continue;
        }
        let line_start = memchr::memrchr(b'\n', &bytes[judged_until..run_at])
            .map_or(judged_until, |newline| judged_until + newline + 1);
        let line_end = memchr::memchr(b'\n', &bytes[run_at..]).map_or(bytes.len(), |n| run_at + n);
        judged_until = line_end + 1;
        // Both ends sit next to a newline or at an end of the text: character boundaries.
        let Some(line) = text.get(line_start..line_end) else {
            continue;
        };
        if line.len() > HIDING_WHITESPACE && code_after_run(line, run_at - line_start) {
            obfuscation.code_after_whitespace = Some(lines.line_of(bytes, line_start));
            return;
        }
    }
}

/// Whether the text after the first long run of spaces in `line` (at `run_start`) is
/// code, not a padded comment or table: something before it and a statement after.
fn code_after_run(line: &str, run_start: usize) -> bool {
    let (Some(before), Some(after)) = (line.get(..run_start), line.get(run_start..)) else {
        return false;
    };
    let before = before.trim();
    let after = after.trim_start();
    !before.is_empty()
        && !before.starts_with("//")
        && !before.starts_with('*')
        && after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '(' || c == '[')
        && (after.contains('(') || after.contains('='))
        && !after.starts_with("//")
}

/// 1-based line numbers of offsets asked for in increasing order, counting newlines
/// only once.
#[derive(Default)]
struct LineCounter {
    counted_until: usize,
    newlines: usize,
}

impl LineCounter {
    fn line_of(&mut self, bytes: &[u8], offset: usize) -> u32 {
        if let Some(between) = bytes.get(self.counted_until..offset) {
            self.newlines += memchr::memchr_iter(b'\n', between).count();
            self.counted_until = offset;
        }
        u32::try_from(self.newlines + 1).unwrap_or(u32::MAX)
    }
}

/// Whether the E2 byte at `at` starts U+202A..U+202E or U+2066..U+2069 (E2 80 AA..AE,
/// E2 81 A6..A9).
fn is_bidi_override_at(bytes: &[u8], at: usize) -> bool {
    matches!(
        bytes.get(at + 1..at + 3),
        Some([0x80, 0xAA..=0xAE] | [0x81, 0xA6..=0xA9])
    )
}

/// Lines recorded per kind of hidden character: enough to show, and a bound on the work.
const MAX_HIDDEN_LINES: usize = 20;
/// Variation selectors in a row that carry data. An emoji takes one U+FE0F (a keycap or
/// a ZWJ sequence one per part, never two in a row) and an ideographic variation
/// sequence one U+E01xx after its ideograph: no text puts even two side by side.
const MIN_SELECTOR_RUN: usize = 8;
/// Tag characters in a row that carry data. A subdivision flag (England: U+1F3F4 then
/// `gbeng` in tag letters then CANCEL TAG U+E007F) holds a region code of 2 letters and
/// a subdivision of 1 to 3, so at most 6 tag characters with the cancel (7 for a
/// 3-digit region); the deprecated language tags (U+E0001 `en-us`) are as short. Two
/// flags side by side are split by their U+1F3F4.
const MIN_TAG_RUN: usize = 12;

/// Bidi overrides, zero-width characters inside names and runs of data-carrying
/// invisible characters. One pass over the lead bytes of the characters looked for
/// (E2: U+200B..U+2060 and the bidi controls; EF: U+FE00..U+FE0F, U+FEFF; F3:
/// U+E0000..U+E01EF); in valid UTF-8 these bytes only ever start a character.
fn invisible_characters(text: &str, obfuscation: &mut facts::Obfuscation) {
    let bytes = text.as_bytes();
    let mut lines = LineCounter::default();
    let mut last_bidi_line = 0;
    // Where the line of the last zero-width hit starts, and how far that was searched.
    let mut line_start = 0;
    let mut searched_to = 0;
    let mut at = 0;
    while let Some(found) = bytes
        .get(at..)
        .and_then(|rest| memchr::memchr3(0xE2, 0xEF, 0xF3, rest))
    {
        let i = at + found;
        at = i + 1;
        let bidi_full = obfuscation.hidden_unicode.len() >= MAX_HIDDEN_LINES;
        let names_full = obfuscation.zero_width_names.len() >= MAX_HIDDEN_LINES;
        let runs_full = obfuscation.invisible_runs.len() >= MAX_HIDDEN_LINES;
        if bidi_full && names_full && runs_full {
            break;
        }
        if let Some(kind) = invisible_data_at(bytes, i) {
            // Walk the whole run, whatever is recorded: its characters are not looked at
            // again.
            let mut count = 0;
            let mut end = i;
            while invisible_data_at(bytes, end) == Some(kind) {
                count += 1;
                end += if bytes[end] == 0xEF { 3 } else { 4 };
            }
            at = end;
            let least = match kind {
                facts::InvisibleKind::VariationSelectors => MIN_SELECTOR_RUN,
                facts::InvisibleKind::TagCharacters => MIN_TAG_RUN,
            };
            if count < least || runs_full {
                continue;
            }
            let line = lines.line_of(bytes, i);
            match obfuscation.invisible_runs.last_mut() {
                Some(last) if last.line == line && last.kind == kind => last.count += count,
                _ => obfuscation
                    .invisible_runs
                    .push(facts::InvisibleRun { line, kind, count }),
            }
            continue;
        }
        if bytes[i] == 0xE2 && is_bidi_override_at(bytes, i) {
            if !bidi_full {
                let line_number = lines.line_of(bytes, i);
                if line_number != last_bidi_line {
                    obfuscation.hidden_unicode.push(line_number);
                    last_bidi_line = line_number;
                }
            }
            continue;
        }
        if names_full {
            continue;
        }
        let Some((character, joiner)) = zero_width_at(bytes, i) else {
            continue;
        };
        let after = i + character.len_utf8();
        let before_is_name = i > 0 && is_ascii_name_byte(bytes[i - 1]);
        let next = text.get(after..).and_then(|rest| rest.chars().next());
        let inside = if joiner {
            // U+200C/U+200D may continue a JavaScript name: after an ASCII name
            // character they make a new name, unless a letter of another script
            // follows (Persian and Indic text put them between letters; `API‌ها`).
            before_is_name && !next.is_some_and(|c| !c.is_ascii() && c.is_alphanumeric())
        } else {
            // U+200B, U+2060 and U+FEFF cannot be in a name: between two ASCII name
            // characters they split a string that looks whole (a key, a command).
            // Thai and Khmer text puts U+200B between its own letters.
            before_is_name && next.is_some_and(|c| c.is_ascii() && is_ascii_name_byte(c as u8))
        };
        if !inside {
            continue;
        }
        if !joiner {
            if let Some(newline) = bytes
                .get(searched_to..i)
                .and_then(|b| memchr::memrchr(b'\n', b))
            {
                line_start = searched_to + newline + 1;
            }
            searched_to = i;
            // A stray zero-width space pasted into a comment hides nothing.
            let head = text
                .get(line_start..i)
                .unwrap_or("")
                .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
            if head.starts_with("//") || head.starts_with("/*") || head.starts_with('*') {
                continue;
            }
        }
        let name_start = bytes[..i]
            .iter()
            .rposition(|&b| !is_ascii_name_byte(b))
            .map_or(0, |p| p + 1)
            .max(i.saturating_sub(40));
        obfuscation.zero_width_names.push(facts::ZeroWidthName {
            line: lines.line_of(bytes, i),
            character,
            name: text.get(name_start..i).unwrap_or("").to_string(),
        });
    }
}

/// `[A-Za-z0-9_$]`.
fn is_ascii_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// The zero-width character starting at `at` (U+200B..U+200D, U+2060, U+FEFF after the
/// start of the text), and whether it is a joiner (U+200C, U+200D: allowed in names).
fn zero_width_at(bytes: &[u8], at: usize) -> Option<(char, bool)> {
    match bytes.get(at..at + 3)? {
        [0xE2, 0x80, 0x8B] => Some(('\u{200B}', false)),
        [0xE2, 0x80, 0x8C] => Some(('\u{200C}', true)),
        [0xE2, 0x80, 0x8D] => Some(('\u{200D}', true)),
        [0xE2, 0x81, 0xA0] => Some(('\u{2060}', false)),
        [0xEF, 0xBB, 0xBF] if at > 0 => Some(('\u{FEFF}', false)),
        _ => None,
    }
}

/// Which data-carrying invisible character starts at `at`: U+FE00..U+FE0F (EF B8
/// 80..8F), U+E0100..U+E01EF (F3 A0 84 80..F3 A0 87 AF) or U+E0000..U+E007F (F3 A0
/// 80 80..F3 A0 81 BF).
fn invisible_data_at(bytes: &[u8], at: usize) -> Option<facts::InvisibleKind> {
    match bytes.get(at..)? {
        [0xEF, 0xB8, 0x80..=0x8F, ..] => Some(facts::InvisibleKind::VariationSelectors),
        [0xF3, 0xA0, 0x84..=0x86, 0x80..=0xBF, ..] | [0xF3, 0xA0, 0x87, 0x80..=0xAF, ..] => {
            Some(facts::InvisibleKind::VariationSelectors)
        }
        [0xF3, 0xA0, 0x80..=0x81, 0x80..=0xBF, ..] => Some(facts::InvisibleKind::TagCharacters),
        _ => None,
    }
}

/// The first line of at least `least` bytes: its number and length. A line that long
/// leaves a window of `least` bytes without a newline, so the text is read a window at
/// a time from its last newline backwards: a few short searches per window, not one per
/// line.
fn packed_line(bytes: &[u8], least: usize) -> Option<(u32, usize)> {
    let least = least.max(1);
    // Always the start of a line.
    let mut start = 0;
    while bytes.len().saturating_sub(start) >= least {
        let window = &bytes[start..start + least];
        match memchr::memrchr(b'\n', window) {
            Some(newline) => start += newline + 1,
            None => {
                let length = memchr::memchr(b'\n', &bytes[start..]).unwrap_or(bytes.len() - start);
                let line = memchr::memchr_iter(b'\n', &bytes[..start]).count() + 1;
                return Some((u32::try_from(line).unwrap_or(u32::MAX), length));
            }
        }
    }
    None
}

/// Which files run at install time (the files install scripts start with `node`, and
/// what they load) and which from the `main` entry.
fn reachability(ctx: &ScanContext, files: &[FileFacts]) -> HashMap<String, Reach> {
    let by_path: HashMap<&str, &FileFacts> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut reach = HashMap::new();
    let Some(manifest) = ctx.manifest() else {
        return reach;
    };
    let main = manifest.str_field("main").unwrap_or("index.js");
    let mut install_starts = Vec::new();
    for (_, command) in crate::metadata::install_time_scripts(manifest, ctx) {
        install_starts.extend(node_targets(command, main));
    }
    // node-gyp loads binding.gyp at install: its command expansions run then, and so
    // do the scripts its actions name.
    if let Some(gyp) = ctx.files().iter().find(|f| f.path == "binding.gyp") {
        for command in crate::gyp::commands(&gyp.data) {
            install_starts.extend(node_targets(&command.command, main));
        }
        install_starts.extend(crate::gyp::named_scripts(&gyp.data));
    }
    for (starts, level) in [
        (vec![main.to_string()], Reach::Entry),
        (install_starts, Reach::Install),
    ] {
        let mut queue: Vec<String> = starts
            .iter()
            .filter_map(|start| resolve_module(&by_path, "", start))
            .collect();
        let mut seen = HashSet::new();
        while let Some(path) = queue.pop() {
            if !seen.insert(path.clone()) || seen.len() > 5_000 {
                continue;
            }
            let Some(facts) = by_path.get(path.as_str()) else {
                continue;
            };
            let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
            for request in &facts.local_requires {
                if let Some(next) = resolve_module(&by_path, dir, request) {
                    queue.push(next);
                }
            }
            let entry = reach.entry(path).or_insert(level);
            *entry = (*entry).max(level);
        }
    }
    reach
}

/// The files an install command runs with node (`node setup.js`, `node .`,
/// `nohup node ./lib/x &`), and script files it runs directly or through their
/// interpreter (`sh install.sh`, `bash -c 'sh x.sh'`, `python3 x.py`,
/// `powershell -ExecutionPolicy Bypass -File x.ps1`, `cmd /c x.bat`, `./x.sh`).
pub(crate) fn node_targets(command: &str, main: &str) -> Vec<String> {
    let mut targets = inline_requires(command);
    for segment in command.split(['&', ';', '|', '\n']) {
        let words: Vec<&str> = segment
            .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '(' | ')'))
            .filter(|w| !w.is_empty())
            .collect();
        for (i, word) in words.iter().enumerate() {
            let program = word.rsplit(['/', '\\']).next().unwrap_or(word);
            let program = program.to_ascii_lowercase();
            let program = program.trim_end_matches(".exe");
            let rest = &words[i + 1..];
            let target = match program {
                "node" | "nodejs" | "bun" | "sh" | "bash" | "zsh" | "dash" | "python"
                | "python2" | "python3" | "py" => rest.iter().find(|w| !w.starts_with('-')),
                "powershell" | "pwsh" => rest
                    .iter()
                    .position(|w| w.eq_ignore_ascii_case("-file") || w.eq_ignore_ascii_case("-f"))
                    .and_then(|at| rest.get(at + 1))
                    .or_else(|| {
                        rest.iter()
                            .find(|w| w.to_ascii_lowercase().ends_with(".ps1"))
                    }),
                "cmd" => rest
                    .iter()
                    .find(|w| !w.starts_with('/') || file_kind(w).is_some()),
                _ => {
                    if i == 0 && file_kind(word).is_some() {
                        targets.push(word.to_string());
                    }
                    None
                }
            };
            if let Some(target) = target {
                targets.push(if *target == "." || *target == "./" {
                    main.to_string()
                } else {
                    target.to_string()
                });
            }
        }
    }
    targets
}

/// A relative module request resolved to a file of the package, the way node does.
/// `node -e "require('./lib/setup')"` loads a file as much as `node lib/setup.js`: the
/// local files that inline Node.js code of a command requires.
fn inline_requires(command: &str) -> Vec<String> {
    let inline = [" -e ", " --eval ", " -p ", " --print "]
        .iter()
        .any(|flag| command.contains(flag));
    if !inline {
        return Vec::new();
    }
    command
        .match_indices("require(")
        .filter_map(|(at, _)| {
            let inner = command[at + "require(".len()..].trim_start_matches(['\'', '"', '`', '\\']);
            let end = inner.find(['\'', '"', '`', '\\'])?;
            let request = &inner[..end];
            request.starts_with('.').then(|| request.to_string())
        })
        .collect()
}

fn resolve_module(files: &HashMap<&str, &FileFacts>, dir: &str, request: &str) -> Option<String> {
    let joined = normalise(&if dir.is_empty() {
        request.to_string()
    } else {
        format!("{dir}/{request}")
    })?;
    let candidates = [
        joined.clone(),
        format!("{joined}.js"),
        format!("{joined}.cjs"),
        format!("{joined}.mjs"),
        format!("{joined}.ts"),
        format!("{joined}/index.js"),
    ];
    candidates
        .into_iter()
        .find(|c| files.contains_key(c.as_str()))
}

fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// One step up in severity, to at most `cap`.
pub(crate) fn raise(severity: Severity, cap: Severity) -> Severity {
    let next = match severity {
        Severity::Info => Severity::Low,
        Severity::Low => Severity::Medium,
        Severity::Medium => Severity::High,
        Severity::High | Severity::Critical => Severity::Critical,
    };
    next.min(cap).max(severity)
}

/// Evidence pointing at an event.
pub(crate) fn evidence(file: &FileFacts, event: &Event, detail: impl Into<String>) -> Evidence {
    Evidence::new(detail)
        .at(Location::line(file.path.as_str(), event.line))
        .with_snippet(event.snippet.as_str())
}

/// How a file comes to run, as a clause for messages.
pub(crate) fn reach_clause(code: &CodeContext, path: &str) -> &'static str {
    match code.reach(path) {
        Reach::Install => " (runs at install time)",
        Reach::Entry => " (loaded from the package entry point)",
        Reach::Unknown => "",
    }
}

/// Test, fixture and example files that nothing runs: their code is not the package's.
pub(crate) fn ignorable(code: &CodeContext, path: &str) -> bool {
    crate::metadata::is_test_path(path) && code.reach(path) == Reach::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `line` holds U+202A..U+202E or U+2066..U+2069. Their UTF-8 forms are
    /// E2 80 AA..AE and E2 81 A6..A9, and in valid UTF-8 an E2 byte only ever starts a
    /// character: looking for it is exact and far cheaper than decoding every character.
    /// One step of a fixed pseudo-random sequence (xorshift64): the same texts each run.
    fn xorshift(state: &mut u64) {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
    }

    fn has_bidi_override(line: &str) -> bool {
        let bytes = line.as_bytes();
        memchr::memchr_iter(0xE2, bytes).any(|at| is_bidi_override_at(bytes, at))
    }

    /// The line-by-line pass `hidden_content` replaced: the reference it must agree with.
    fn hidden_content_by_lines(text: &str, obfuscation: &mut facts::Obfuscation) {
        let run = " ".repeat(HIDING_WHITESPACE);
        for (index, line) in text.split('\n').enumerate() {
            let line_number = u32::try_from(index + 1).unwrap_or(u32::MAX);
            if obfuscation.hidden_unicode.len() < 20 && has_bidi_override(line) {
                obfuscation.hidden_unicode.push(line_number);
            }
            if obfuscation.code_after_whitespace.is_none()
                && line.len() > HIDING_WHITESPACE
                && let Some(run_start) = line.find(&run)
                && code_after_run(line, run_start)
            {
                obfuscation.code_after_whitespace = Some(line_number);
            }
        }
    }

    #[test]
    fn hidden_content_agrees_with_the_line_by_line_pass() {
        let pad = " ".repeat(HIDING_WHITESPACE);
        let long_pad = " ".repeat(HIDING_WHITESPACE * 2 + 7);
        let pieces = [
            "a = 1;".to_string(),
            "\n".to_string(),
            "\r\n".to_string(),
            "x\u{202E}y".to_string(),
            "\u{2067}".to_string(),
            "\u{2014}".to_string(),
            "€".to_string(),
            pad.clone(),
            long_pad.clone(),
            format!("var a = 1;{pad}eval(x)"),
            format!("// note{pad}eval(x)"),
            format!("{pad}eval(x)"),
            format!("b{pad}// c(d)"),
            format!("t{pad}1 | 2{pad}run(x)"),
            format!("k{long_pad}(y = 2)"),
            "q".repeat(HIDING_WHITESPACE),
            // Hidden characters the same pass looks for: they must not hide a bidi one.
            "\u{FE0F}".repeat(9),
            "\u{E0067}".repeat(13),
            "a\u{200D}".to_string(),
        ];
        // A fixed pseudo-random walk over the pieces: thousands of texts, the same each run.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..4_000 {
            let mut text = String::new();
            xorshift(&mut state);
            let len = (state % 40) as usize;
            for _ in 0..len {
                xorshift(&mut state);
                text.push_str(&pieces[(state % pieces.len() as u64) as usize]);
            }
            let mut fast = facts::Obfuscation::default();
            let mut reference = facts::Obfuscation::default();
            hidden_content(&text, &mut fast);
            hidden_content_by_lines(&text, &mut reference);
            assert_eq!(fast.hidden_unicode, reference.hidden_unicode, "{text:?}");
            assert_eq!(
                fast.code_after_whitespace, reference.code_after_whitespace,
                "{text:?}"
            );
        }
    }

    /// Runs of data-carrying invisible characters, character by character.
    fn invisible_runs_by_chars(text: &str) -> Vec<facts::InvisibleRun> {
        let class = |c: char| match c {
            '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' => {
                Some(facts::InvisibleKind::VariationSelectors)
            }
            '\u{E0000}'..='\u{E007F}' => Some(facts::InvisibleKind::TagCharacters),
            _ => None,
        };
        let mut runs: Vec<facts::InvisibleRun> = Vec::new();
        let mut line = 1;
        let mut current: Option<(facts::InvisibleKind, usize, u32)> = None;
        let close = |current: &mut Option<(facts::InvisibleKind, usize, u32)>,
                     runs: &mut Vec<facts::InvisibleRun>| {
            if let Some((kind, count, at)) = current.take() {
                let least = match kind {
                    facts::InvisibleKind::VariationSelectors => MIN_SELECTOR_RUN,
                    facts::InvisibleKind::TagCharacters => MIN_TAG_RUN,
                };
                if count < least {
                    return;
                }
                match runs.last_mut() {
                    Some(last) if last.line == at && last.kind == kind => last.count += count,
                    _ => runs.push(facts::InvisibleRun {
                        line: at,
                        kind,
                        count,
                    }),
                }
            }
        };
        for c in text.chars() {
            match (class(c), current) {
                (Some(kind), Some((open, count, at))) if kind == open => {
                    current = Some((kind, count + 1, at));
                }
                (kind, _) => {
                    close(&mut current, &mut runs);
                    current = kind.map(|kind| (kind, 1, line));
                }
            }
            if c == '\n' {
                line += 1;
            }
        }
        close(&mut current, &mut runs);
        runs.truncate(MAX_HIDDEN_LINES);
        runs
    }

    #[test]
    fn invisible_runs_agree_with_a_character_by_character_count() {
        let pieces = [
            "\u{FE0F}",
            "\u{FE00}",
            "\u{E0100}",
            "\u{E01EF}",
            "\u{E01F0}",
            "\u{E0041}",
            "\u{E007F}",
            "\u{E0080}",
            "\u{1F3F4}",
            "\u{FEFF}",
            "\u{200D}",
            "\u{202E}",
            "a",
            "\n",
        ];
        let mut state = 0x1234_5678_9abc_def1u64;
        for _ in 0..4_000 {
            let mut text = String::new();
            xorshift(&mut state);
            let len = (state % 120) as usize;
            for _ in 0..len {
                xorshift(&mut state);
                // Long stretches of one piece, so that runs reach their minimum.
                let piece = pieces[(state % pieces.len() as u64) as usize];
                text.push_str(&piece.repeat(1 + (state >> 32) as usize % 14));
            }
            let mut fast = facts::Obfuscation::default();
            invisible_characters(&text, &mut fast);
            assert_eq!(
                fast.invisible_runs,
                invisible_runs_by_chars(&text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn packed_lines_agree_with_splitting_the_text() {
        let mut state = 0x0bad_cafe_dead_beefu64;
        for _ in 0..3_000 {
            let mut text = Vec::new();
            xorshift(&mut state);
            let lines = (state % 12) as usize;
            for _ in 0..lines {
                xorshift(&mut state);
                text.extend(std::iter::repeat_n(b'x', (state % 90) as usize));
                if !state.is_multiple_of(5) {
                    text.push(b'\n');
                }
            }
            for least in [1, 7, 30, 64, 200] {
                let reference = text
                    .split(|&b| b == b'\n')
                    .enumerate()
                    .find(|(_, line)| line.len() >= least)
                    .map(|(index, line)| (u32::try_from(index + 1).unwrap(), line.len()));
                assert_eq!(
                    packed_line(&text, least),
                    reference,
                    "{:?} at least {least}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }

    #[test]
    fn the_nesting_bound_agrees_with_the_exact_count() {
        let alphabet = b"([{)]}ab\n";
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for round in 0..3_000 {
            xorshift(&mut state);
            let len = (state % 600) as usize;
            // Some texts lean to openers, so that both sides of the limit are reached.
            let lean = round % 3;
            let text: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let pick = (state % (alphabet.len() as u64 + lean)) as usize;
                    alphabet.get(pick).copied().unwrap_or(b'(')
                })
                .collect();
            for limit in [0, 1, 5, 40, 100] {
                let exact = max_nesting(&text);
                assert_eq!(
                    nesting_beyond(&text, limit),
                    (exact > limit).then_some(exact),
                    "{:?} limit {limit}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }

    #[test]
    fn bidi_overrides_are_found_by_their_bytes() {
        // Every character around the two ranges, alone and inside other text.
        for c in ('\u{2000}'..='\u{2100}').chain(['a', 'é', '€', '\u{1F600}']) {
            let expected = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            assert_eq!(has_bidi_override(&format!("x{c}y")), expected, "{c:?}");
            assert_eq!(has_bidi_override(&c.to_string()), expected, "{c:?}");
        }
        assert!(!has_bidi_override(""));
    }

    #[test]
    fn a_thread_with_the_parser_stack_analyses_inline_and_keeps_its_scanner() {
        let files = vec![
            PackageFile {
                path: "index.js".into(),
                data: b"const cp = require('child_process'); cp.exec('ls');".to_vec(),
                mode: 0o644,
            },
            PackageFile {
                path: "payload.txt".into(),
                data: b"TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAA".to_vec(),
                mode: 0o644,
            },
        ];
        let summary =
            |(facts, hits, gaps): (Vec<FileFacts>, Vec<yara::YaraHit>, Vec<(String, String)>)| {
                let paths: Vec<String> = facts.iter().map(|f| f.path.clone()).collect();
                let events: Vec<usize> = facts.iter().map(|f| f.events.len()).collect();
                (paths, events, hits, gaps)
            };
        let rules = Some(yara::YaraRules::builtin());
        // A thread of its own per package: the way without the parser's stack here.
        let spawned = summary(collect_facts(&files, rules, Some(1)));
        assert_eq!(spawned.2.len(), 1, "the base64 executable rule matches");
        let inline = std::thread::Builder::new()
            .stack_size(ANALYSIS_STACK_BYTES)
            .spawn(move || {
                thread_has_analysis_stack();
                // Twice: the second package reuses the thread's scanner.
                let first = summary(collect_facts(&files, rules, Some(1)));
                let second = summary(collect_facts(&files, rules, Some(1)));
                let kept = BUILTIN_SCANNER.with(|cell| cell.borrow().is_some());
                (first, second, kept)
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(inline.0, spawned);
        assert_eq!(inline.1, spawned);
        assert!(inline.2, "the scanner is kept for the next package");
    }

    #[test]
    fn install_commands_name_their_files() {
        assert_eq!(node_targets("node setup.js", "index.js"), vec!["setup.js"]);
        assert_eq!(
            node_targets("nohup node ./update.js &", "index.js"),
            vec!["./update.js"]
        );
        assert_eq!(node_targets("node .", "lib/main.js"), vec!["lib/main.js"]);
        assert_eq!(
            node_targets("start /B node preinstall.js", "index.js"),
            vec!["preinstall.js"]
        );
        for (command, target) in [
            ("sh scripts/x.sh", "scripts/x.sh"),
            ("bash x.sh || true", "x.sh"),
            ("python3 tools/x.py || python tools/x.py", "tools/x.py"),
            (
                "powershell -NoProfile -ExecutionPolicy Bypass -File scripts/x.ps1",
                "scripts/x.ps1",
            ),
            ("pwsh -f x.ps1", "x.ps1"),
            ("cmd /c scripts\\x.bat", "scripts\\x.bat"),
            ("node-gyp rebuild && ./scripts/x.sh", "./scripts/x.sh"),
            ("bash -c 'sh build.sh'", "build.sh"),
        ] {
            assert!(
                node_targets(command, "index.js").contains(&target.to_string()),
                "{command}: {:?}",
                node_targets(command, "index.js")
            );
        }
    }

    #[test]
    fn nesting_is_counted_without_recursion() {
        assert_eq!(max_nesting(b"f(a[1], {b: (2)})"), 3);
        assert_eq!(max_nesting(b")))((("), 3);
    }
}
