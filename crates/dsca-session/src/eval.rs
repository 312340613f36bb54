//! `dsca eval`: measure the verdicts on what should be flagged and on what should not.
//!
//! The sets, each optional (at least one is needed):
//! - `--malicious DIR`: real malware, every `.tgz` of DIR; each should be flagged
//!   (recall, precision and F1 are measured on it against the benign lists).
//! - `--corpus DIR`: the development corpus. `DIR/malicious/<technique>/<fixture>` should
//!   be flagged, ideally judged malicious: recall per technique.
//!   `DIR/benign/<technique>/<fixture>` are near misses, honest code shaped like the
//!   technique: each should stay clean. A fixture is an unpacked package directory (or a
//!   `.tgz`); other files there (a README.md) are ignored.
//! - `--benign-list FILE`, repeatable: the top `N` names of each list, each list a set of
//!   its own (labelled with its file stem) with its own false-positive rates.
//! - `--installers FILE`: risky but honest packages (they download or build native code at
//!   install); none may be judged malicious.
//!
//! Registry packages go through the registry client and its cache, so a second run is
//! offline-fast. Exit status: 0 every gate passed, 1 a gate failed (one line each), 2 a
//! usage error or an input that cannot be read.

use crate::{Session, Settings};
use anyhow::Context as _;
use dsca_model::{Report, VerdictLevel};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The sets and the gates of an evaluation (`dsca eval`'s flags; see its `--help`).
#[derive(Debug, Clone, Default)]
pub struct EvalArgs {
    /// Real malware: every `.tgz` of this directory should be flagged.
    pub malicious: Option<PathBuf>,
    /// The development corpus: `malicious/<technique>/<fixture>` and `benign/...`.
    pub corpus: Option<PathBuf>,
    /// Benign lists, each a set of its own.
    pub benign_list: Vec<PathBuf>,
    /// How many packages to take from the top of each list.
    pub top: usize,
    /// Risky but honest installers: none may be judged malicious.
    pub installers: Option<PathBuf>,
    /// Count suspicious benign packages as false positives too.
    pub strict: bool,
    pub min_recall: Option<f64>,
    pub min_malicious: Option<usize>,
    pub max_benign_malicious: Option<f64>,
    pub max_benign_suspicious: Option<f64>,
    pub min_corpus_flagged: Option<f64>,
    pub min_corpus_malicious: Option<f64>,
    pub max_near_miss_flagged: Option<usize>,
    /// Also write every report here, one JSON object per line.
    pub reports: Option<PathBuf>,
}

/// One scanned package as the evaluation sees it.
struct Scored {
    spec: String,
    level: Option<VerdictLevel>,
    /// The first error the scan recorded, if any.
    error: Option<String>,
    /// The strongest findings (or, without a verdict, the error), for the notable lines.
    reason: String,
    /// What drove the verdict most: its first reason (or, without a verdict, the error).
    top_reason: String,
}

impl Scored {
    fn flagged(&self) -> bool {
        matches!(
            self.level,
            Some(VerdictLevel::Suspicious | VerdictLevel::Malicious)
        )
    }

    fn malicious(&self) -> bool {
        self.level == Some(VerdictLevel::Malicious)
    }

    fn suspicious(&self) -> bool {
        self.level == Some(VerdictLevel::Suspicious)
    }

    /// `malicious`, `suspicious`, `clean` or `error`.
    fn label(&self) -> &'static str {
        self.level.map_or("error", VerdictLevel::as_str)
    }
}

/// Whether a corpus fixture should be flagged or is a near miss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Malicious,
    Benign,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Fixture {
    expect: Expect,
    technique: String,
    name: String,
    spec: String,
}

/// A set of packages that should stay clean: a benign list or the risky installers.
struct BenignSet {
    label: String,
    /// Where its specs sit among everything scanned.
    range: Range<usize>,
    /// A benign list (its gates are `--max-benign-*`), not the installers.
    list: bool,
}

/// How a benign set came out.
struct SetCounts {
    packages: usize,
    scanned: usize,
    malicious: usize,
    suspicious: usize,
}

impl SetCounts {
    fn of(scored: &[Scored]) -> Self {
        SetCounts {
            packages: scored.len(),
            scanned: scored.iter().filter(|s| s.level.is_some()).count(),
            malicious: scored.iter().filter(|s| s.malicious()).count(),
            suspicious: scored.iter().filter(|s| s.suspicious()).count(),
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        a as f64 / b as f64
    }
}

fn percent(a: usize, b: usize) -> String {
    if b == 0 {
        format!("{a} (-)")
    } else {
        format!("{a} ({:.1}%)", 100.0 * ratio(a, b))
    }
}

/// Scan every set with a session of `settings` (without the advisories: the
/// evaluation measures what dsca's analysis finds, and advisories that name the very
/// samples would only measure memory), print the measures and the gates. Returns
/// whether every gate passed.
pub fn run(args: &EvalArgs, settings: &Settings) -> anyhow::Result<bool> {
    if args.malicious.is_none()
        && args.corpus.is_none()
        && args.benign_list.is_empty()
        && args.installers.is_none()
    {
        anyhow::bail!(
            "give --malicious DIR, --corpus DIR, --benign-list FILE or --installers FILE"
        );
    }
    let inputs = read_inputs(args)?;

    let session = Session::new(&Settings {
        no_advisories: true,
        files_serially: true,
        ..settings.clone()
    })?;
    let started = Instant::now();
    // One run over every set keeps every job busy to the end.
    let reports = session.scan(&inputs.specs)?;
    let cost = Cost {
        elapsed: started.elapsed(),
        packages: inputs.specs.len(),
        stage: session.scanner().code_stage(),
        // As /usr/bin/time counts it: start-up and the YARA rules' compilation included.
        process_cpu: dsca_rules::cpu::process_cpu_time(),
    };
    if let Some(path) = &args.reports {
        write_reports(path, reports.iter())?;
    }
    let scored = score(&reports);

    let mut gates = Gates::default();
    println!(
        "{}",
        headline(args, &inputs.real, &inputs.fixtures, &inputs.sets)
    );
    let measures = Measures::of(args, &inputs, &scored);
    print_measures(args, &measures, &cost);
    check_real_malware(args, &measures, &mut gates);
    if args.corpus.is_some() {
        corpus_section(
            args,
            &inputs.fixtures,
            &scored[inputs.corpus.clone()],
            &mut gates,
        );
    }
    if !inputs.sets.is_empty() {
        sets_section(args, &inputs.sets, &scored, &mut gates);
    }
    print_notable(&inputs, &scored);

    println!();
    gates.print();
    Ok(gates.failed == 0)
}

/// The packages of every set, in one list, and which part of it each set is. Every
/// input is read before anything is scanned: a typo fails at once, with status 2.
struct Inputs {
    specs: Vec<String>,
    /// The real malware (`--malicious`).
    real: Range<usize>,
    fixtures: Vec<Fixture>,
    corpus: Range<usize>,
    sets: Vec<BenignSet>,
}

fn read_inputs(args: &EvalArgs) -> anyhow::Result<Inputs> {
    let mut specs: Vec<String> = Vec::new();
    let real = match &args.malicious {
        Some(dir) => append(&mut specs, tarballs(dir)?),
        None => 0..0,
    };
    let fixtures = match &args.corpus {
        Some(dir) => corpus_fixtures(dir)?,
        None => Vec::new(),
    };
    let corpus = append(
        &mut specs,
        fixtures.iter().map(|f| f.spec.clone()).collect(),
    );
    let mut sets: Vec<BenignSet> = Vec::new();
    for file in &args.benign_list {
        let names = read_list(file, args.top)?;
        let mut label = list_label(file);
        if sets.iter().any(|s| s.label == label) {
            label = format!("{label} ({})", sets.len() + 1);
        }
        sets.push(BenignSet {
            label,
            range: append(&mut specs, names),
            list: true,
        });
    }
    if let Some(file) = &args.installers {
        let names = read_list(file, usize::MAX)?;
        if names.is_empty() {
            anyhow::bail!("{} lists no packages", file.display());
        }
        sets.push(BenignSet {
            label: list_label(file),
            range: append(&mut specs, names),
            list: false,
        });
    }

    Ok(Inputs {
        specs,
        real,
        fixtures,
        corpus,
        sets,
    })
}

/// What the run cost.
struct Cost {
    elapsed: std::time::Duration,
    packages: usize,
    stage: dsca_scan::CodeStage,
    process_cpu: std::time::Duration,
}

/// The real malware against the benign lists together.
struct Measures {
    malicious: usize,
    true_positive: usize,
    false_negative: usize,
    malicious_verdicts: usize,
    /// Packages of the benign lists, and those of them scanned without an error.
    benign: usize,
    benign_scanned: usize,
    false_positive: usize,
    true_negative: usize,
    precision: f64,
    recall: f64,
    f1: f64,
}

impl Measures {
    fn of(args: &EvalArgs, inputs: &Inputs, scored: &[Scored]) -> Measures {
        let malicious = &scored[inputs.real.clone()];
        let true_positive = malicious.iter().filter(|s| s.flagged()).count();
        let false_negative = malicious.len() - true_positive;
        let benign: Vec<&Scored> = inputs
            .sets
            .iter()
            .filter(|set| set.list)
            .flat_map(|set| &scored[set.range.clone()])
            .collect();
        let benign_scanned: Vec<&&Scored> = benign.iter().filter(|s| s.level.is_some()).collect();
        let counts_as_positive = |s: &Scored| s.malicious() || (args.strict && s.suspicious());
        let false_positive = benign_scanned
            .iter()
            .filter(|s| counts_as_positive(s))
            .count();
        let precision = ratio(true_positive, true_positive + false_positive);
        let recall = ratio(true_positive, true_positive + false_negative);
        Measures {
            malicious: malicious.len(),
            true_positive,
            false_negative,
            malicious_verdicts: malicious.iter().filter(|s| s.malicious()).count(),
            benign: benign.len(),
            benign_scanned: benign_scanned.len(),
            false_positive,
            true_negative: benign_scanned.len() - false_positive,
            precision,
            recall,
            f1: 2.0 * precision * recall / (precision + recall),
        }
    }
}

fn print_measures(args: &EvalArgs, measures: &Measures, cost: &Cost) {
    let Measures {
        malicious,
        true_positive,
        false_negative,
        malicious_verdicts,
        benign,
        benign_scanned,
        false_positive,
        true_negative,
        precision,
        recall,
        f1,
    } = *measures;
    println!();
    println!("| measure | value |");
    println!("| --- | --- |");
    if args.malicious.is_some() {
        println!("| true positives (malicious flagged) | {true_positive} |");
        println!("| false negatives (malicious clean) | {false_negative} |");
        println!(
            "| malicious corpus judged `malicious` | {malicious_verdicts} of {} |",
            malicious
        );
    }
    if benign > 0 {
        println!("| true negatives (benign lists) | {true_negative} |");
        println!(
            "| false positives{} | {false_positive} |",
            if args.strict {
                " (suspicious or malicious)"
            } else {
                " (malicious)"
            }
        );
    }
    if args.malicious.is_some() {
        if benign > 0 {
            println!("| precision | {precision:.3} |");
        }
        println!("| recall | {recall:.3} |");
        if benign > 0 {
            println!("| F1 | {f1:.3} |");
        }
    }
    if benign > 0 {
        println!(
            "| false-positive rate | {:.3} |",
            ratio(false_positive, benign_scanned)
        );
    }
    println!(
        "| time per package | {:.0} ms |",
        cost.elapsed.as_secs_f64() * 1000.0 / cost.packages.max(1) as f64
    );
    let megabytes = cost.stage.javascript_bytes as f64 / 1e6;
    let per_core = |cpu: std::time::Duration| megabytes / cpu.as_secs_f64().max(1e-9);
    println!(
        "| JavaScript analysed | {megabytes:.1} MB in {} packages |",
        cost.stage.packages
    );
    println!(
        "| CPU, whole process (user + system) | {:.2} s: {:.1} MB/s of JavaScript per core |",
        cost.process_cpu.as_secs_f64(),
        per_core(cost.process_cpu)
    );
    println!(
        "| CPU, code analysis (unpack, parse, code rules, YARA) | {:.2} s: {:.1} MB/s of JavaScript per core |",
        cost.stage.cpu.as_secs_f64(),
        per_core(cost.stage.cpu)
    );
}

/// The bars on the real malware.
fn check_real_malware(args: &EvalArgs, measures: &Measures, gates: &mut Gates) {
    let Measures {
        malicious,
        true_positive,
        malicious_verdicts,
        recall,
        ..
    } = *measures;
    if args.malicious.is_some() {
        // NaN (no malicious packages) never meets a bar.
        if let Some(min) = args.min_recall {
            gates.check(
                !recall.is_nan() && recall >= min,
                format!("--min-recall {min}"),
                format!(
                    "recall {recall:.3} ({true_positive} of {} flagged)",
                    malicious
                ),
            );
        }
    } else if args.min_recall.is_some() {
        gates.check(
            false,
            "--min-recall".to_string(),
            "no --malicious DIR to measure".to_string(),
        );
    }
    if let Some(min) = args.min_malicious {
        gates.check(
            malicious_verdicts >= min,
            format!("--min-malicious {min}"),
            format!("{malicious_verdicts} of {} judged malicious", malicious),
        );
    }
}

/// The malware missed and every benign package not judged clean, one line each.
fn print_notable(inputs: &Inputs, scored: &[Scored]) {
    let malicious = &scored[inputs.real.clone()];
    let missed: Vec<&Scored> = malicious.iter().filter(|s| !s.flagged()).collect();
    let noisy: Vec<(&str, &Scored)> = inputs
        .sets
        .iter()
        .flat_map(|set| {
            scored[set.range.clone()]
                .iter()
                .filter(|s| s.level != Some(VerdictLevel::Clean))
                .map(|s| (set.label.as_str(), s))
        })
        .collect();
    if !missed.is_empty() || !noisy.is_empty() {
        println!();
        println!("Misclassified or notable:");
        for s in missed {
            println!("  missed     {}: {}", s.spec, s.reason);
        }
        for (label, s) in noisy {
            println!("  {:<10} [{label}] {}: {}", s.label(), s.spec, s.reason);
        }
    }
}

/// The bars of the run, checked one by one.
#[derive(Default)]
struct Gates {
    lines: Vec<String>,
    failed: usize,
}

impl Gates {
    fn check(&mut self, passed: bool, bar: String, figure: String) {
        if passed {
            self.lines.push(format!("gate passed: {bar}: {figure}"));
        } else {
            self.failed += 1;
            self.lines.push(format!("gate FAILED: {bar}: {figure}"));
        }
    }

    fn print(&self) {
        if self.lines.is_empty() {
            println!("No gates were set.");
            return;
        }
        for line in &self.lines {
            println!("{line}");
        }
        if self.failed == 0 {
            println!("Every gate passed.");
        } else {
            println!("{} of {} gates failed.", self.failed, self.lines.len());
        }
    }
}

fn headline(
    args: &EvalArgs,
    real: &Range<usize>,
    fixtures: &[Fixture],
    sets: &[BenignSet],
) -> String {
    let mut parts = Vec::new();
    if args.malicious.is_some() {
        parts.push(format!("{} malicious", real.len()));
    }
    if args.corpus.is_some() {
        let bad = fixtures
            .iter()
            .filter(|f| f.expect == Expect::Malicious)
            .count();
        parts.push(format!(
            "{} corpus fixtures ({bad} malicious, {} near misses)",
            fixtures.len(),
            fixtures.len() - bad
        ));
    }
    for set in sets {
        parts.push(format!("{} {}", set.range.len(), set.label));
    }
    format!("dsca eval: {}", parts.join(", "))
}

/// A markdown table cell: no line breaks, no column separators.
fn cell(text: &str) -> String {
    dsca_model::one_line(text).replace('|', "\\|")
}

/// The development corpus: recall per technique, then the near misses.
fn corpus_section(args: &EvalArgs, fixtures: &[Fixture], scored: &[Scored], gates: &mut Gates) {
    let pairs: Vec<(&Fixture, &Scored)> = fixtures.iter().zip(scored).collect();
    let mut techniques: BTreeMap<&str, Vec<(&Fixture, &Scored)>> = BTreeMap::new();
    for &(fixture, s) in pairs.iter().filter(|(f, _)| f.expect == Expect::Malicious) {
        techniques
            .entry(fixture.technique.as_str())
            .or_default()
            .push((fixture, s));
    }
    println!();
    println!("Development corpus: malicious fixtures by technique");
    println!();
    println!("| technique | fixtures | flagged | judged malicious | missed |");
    println!("| --- | --- | --- | --- | --- |");
    let (mut total, mut flagged, mut malicious) = (0, 0, 0);
    for (technique, rows) in &techniques {
        let hits = rows.iter().filter(|(_, s)| s.flagged()).count();
        let judged = rows.iter().filter(|(_, s)| s.malicious()).count();
        let missed: Vec<String> = rows
            .iter()
            .filter(|(_, s)| !s.flagged())
            .map(|(f, s)| match (&s.error, s.level) {
                (Some(error), None) => format!("{} (error: {error})", f.name),
                _ => f.name.clone(),
            })
            .collect();
        println!(
            "| {} | {} | {hits} | {judged} | {} |",
            cell(technique),
            rows.len(),
            cell(&missed.join(", "))
        );
        total += rows.len();
        flagged += hits;
        malicious += judged;
    }
    println!(
        "| **total** | {total} | {} | {} | {} |",
        percent(flagged, total),
        percent(malicious, total),
        total - flagged
    );
    let with_errors: Vec<(&Fixture, &Scored)> = pairs
        .iter()
        .copied()
        .filter(|(f, s)| f.expect == Expect::Malicious && s.level.is_some() && s.error.is_some())
        .collect();
    if !with_errors.is_empty() {
        println!();
        println!("Malicious fixtures scanned with errors (their verdict stands on what was read):");
        for (f, s) in with_errors {
            println!(
                "  {:<10} {}/{}: {}",
                s.label(),
                f.technique,
                f.name,
                s.error.as_deref().unwrap_or_default()
            );
        }
    }

    let near: Vec<(&Fixture, &Scored)> = pairs
        .iter()
        .copied()
        .filter(|(f, _)| f.expect == Expect::Benign)
        .collect();
    let near_flagged = near.iter().filter(|(_, s)| s.flagged()).count();
    let near_failed = near.iter().filter(|(_, s)| s.level.is_none()).count();
    println!();
    println!(
        "Near misses (benign fixtures): {}, {near_flagged} flagged (suspicious or malicious), {near_failed} could not be scanned",
        near.len()
    );
    for (f, s) in near
        .iter()
        .filter(|(_, s)| s.flagged() || s.level.is_none())
    {
        println!(
            "  {:<10} {}/{}: {}",
            s.label(),
            f.technique,
            f.name,
            s.top_reason
        );
    }

    let bar = |name: &str, min: f64| format!("{name} {min}");
    if let Some(min) = args.min_corpus_flagged {
        let value = ratio(flagged, total);
        gates.check(
            !value.is_nan() && value >= min,
            bar("--min-corpus-flagged", min),
            format!("{value:.3} ({flagged} of {total} malicious fixtures flagged)"),
        );
    }
    if let Some(min) = args.min_corpus_malicious {
        let value = ratio(malicious, total);
        gates.check(
            !value.is_nan() && value >= min,
            bar("--min-corpus-malicious", min),
            format!("{value:.3} ({malicious} of {total} malicious fixtures judged malicious)"),
        );
    }
    if let Some(max) = args.max_near_miss_flagged {
        gates.check(
            near_flagged <= max,
            format!("--max-near-miss-flagged {max}"),
            format!("{near_flagged} of {} near misses flagged", near.len()),
        );
    }
}

/// The benign lists and the installers: each set its own counts and gates.
fn sets_section(args: &EvalArgs, sets: &[BenignSet], scored: &[Scored], gates: &mut Gates) {
    println!();
    println!("| set | packages | could not be scanned | judged malicious | judged suspicious |");
    println!("| --- | --- | --- | --- | --- |");
    for set in sets {
        let counts = SetCounts::of(&scored[set.range.clone()]);
        println!(
            "| {} | {} | {} | {} | {} |",
            cell(&set.label),
            counts.packages,
            counts.packages - counts.scanned,
            percent(counts.malicious, counts.scanned),
            percent(counts.suspicious, counts.scanned),
        );
    }
    for set in sets {
        let set_scored = &scored[set.range.clone()];
        let counts = SetCounts::of(set_scored);
        if set.list {
            for (bar, max, count, what) in [
                (
                    "--max-benign-malicious",
                    args.max_benign_malicious,
                    counts.malicious,
                    "malicious",
                ),
                (
                    "--max-benign-suspicious",
                    args.max_benign_suspicious,
                    counts.suspicious,
                    "suspicious",
                ),
            ] {
                let Some(max) = max else { continue };
                let value = ratio(count, counts.scanned);
                // A list of which nothing could be scanned measures nothing: it fails.
                let passed = if counts.scanned == 0 {
                    counts.packages == 0
                } else {
                    value <= max
                };
                gates.check(
                    passed,
                    format!("{bar} {max} [{}]", set.label),
                    format!(
                        "{value:.3} ({count} of {} scanned judged {what})",
                        counts.scanned
                    ),
                );
            }
        } else {
            let judged: Vec<&str> = set_scored
                .iter()
                .filter(|s| s.malicious())
                .map(|s| s.spec.as_str())
                .collect();
            let figure = if judged.is_empty() {
                format!("none of {} judged malicious", counts.scanned)
            } else {
                format!("judged malicious: {}", judged.join(", "))
            };
            let unscanned = counts.packages - counts.scanned;
            let figure = if unscanned > 0 {
                format!("{figure} ({unscanned} could not be scanned)")
            } else {
                figure
            };
            gates.check(
                judged.is_empty(),
                format!("--installers [{}]: none malicious", set.label),
                figure,
            );
        }
    }
}

/// Push `items` onto `specs` and say where they went.
fn append(specs: &mut Vec<String>, items: Vec<String>) -> Range<usize> {
    let start = specs.len();
    specs.extend(items);
    start..specs.len()
}

fn write_reports<'a>(
    path: &std::path::Path,
    reports: impl Iterator<Item = &'a Report>,
) -> anyhow::Result<()> {
    use std::io::Write as _;
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    for report in reports {
        serde_json::to_writer(&mut out, report)?;
        out.write_all(b"\n")?;
    }
    out.flush()
        .with_context(|| format!("cannot write {}", path.display()))
}

fn score(reports: &[Report]) -> Vec<Scored> {
    reports
        .iter()
        .map(|report| {
            let level = report.verdict.as_ref().map(|v| v.level);
            let error = report
                .errors
                .first()
                .map(|e| format!("{}: {}", e.code, dsca_model::one_line(&e.message)));
            let mut findings: Vec<_> = report.findings.iter().collect();
            findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
            let describe = |f: &dsca_model::Finding| {
                format!(
                    "{} {}: {}",
                    f.rule,
                    f.severity,
                    dsca_model::one_line(&f.message)
                )
            };
            let (reason, top_reason) = match (&error, level) {
                (Some(error), None) => (error.clone(), error.clone()),
                _ => (
                    findings
                        .iter()
                        .take(3)
                        .map(|f| describe(f))
                        .collect::<Vec<_>>()
                        .join("; "),
                    report
                        .verdict
                        .as_ref()
                        .and_then(|v| v.reasons.first())
                        .map(|r| dsca_model::one_line(r).into_owned())
                        .or_else(|| findings.first().map(|f| describe(f)))
                        .unwrap_or_default(),
                ),
            };
            Scored {
                spec: report.spec.clone(),
                level,
                error,
                reason,
                top_reason,
            }
        })
        .collect()
}

fn tarballs(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut paths: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|x| x == "tgz"))
        .map(|path| path.display().to_string())
        .collect();
    paths.sort();
    Ok(paths)
}

/// A path as a spec that can only mean that path (`corpus/x` could be read as a name).
fn path_spec(path: &Path) -> String {
    let text = path.display().to_string();
    if path.is_absolute() || text.starts_with("./") || text.starts_with("../") {
        text
    } else {
        format!("./{text}")
    }
}

/// The fixtures of a development corpus, malicious ones first, each sorted by technique
/// and name. A fixture is a directory (or a `.tgz`) inside a technique's directory;
/// anything else there, and hidden entries, are not fixtures.
fn corpus_fixtures(dir: &Path) -> anyhow::Result<Vec<Fixture>> {
    let mut fixtures = Vec::new();
    let mut found = false;
    for (sub, expect) in [("malicious", Expect::Malicious), ("benign", Expect::Benign)] {
        let root = dir.join(sub);
        if !root.is_dir() {
            continue;
        }
        found = true;
        for technique in sorted_entries(&root)? {
            if !technique.is_dir() {
                continue;
            }
            let technique_name = file_name(&technique);
            for entry in sorted_entries(&technique)? {
                let is_fixture = entry.is_dir()
                    || (entry.is_file() && entry.extension().is_some_and(|x| x == "tgz"));
                if !is_fixture {
                    continue;
                }
                fixtures.push(Fixture {
                    expect,
                    technique: technique_name.clone(),
                    name: file_name(&entry),
                    spec: path_spec(&entry),
                });
            }
        }
    }
    if !found {
        anyhow::bail!(
            "{} has neither a malicious/ nor a benign/ directory",
            dir.display()
        );
    }
    Ok(fixtures)
}

/// The entries of `dir` but hidden ones, sorted by name.
fn sorted_entries(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| !file_name(path).starts_with('.'))
        .collect();
    entries.sort();
    Ok(entries)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A list's label: its file name without the extension.
fn list_label(file: &Path) -> String {
    file.file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string())
}

fn read_list(file: &Path, top: usize) -> anyhow::Result<Vec<String>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    parse_list(&text, top).with_context(|| format!("cannot read {}", file.display()))
}

/// The specs (`name@version`, or `name` for the latest) of the first `top` packages of a
/// list. Tab-separated; blank lines and `#` comments are skipped. The columns come from
/// the header line when there is one (its first field `rank` or `name`, as in
/// `rank name version downloads` and `name version downloads`); without one, a line
/// whose first field is all digits is `rank name version ...`, any other line
/// `name [version ...]`, and a field counts as the version only when it is one.
fn parse_list(text: &str, top: usize) -> anyhow::Result<Vec<String>> {
    // From the header: the name's and the version's columns.
    let mut header: Option<(usize, Option<usize>)> = None;
    let mut first = true;
    let mut specs = Vec::new();
    for line in text.lines() {
        if specs.len() >= top {
            break;
        }
        // A comment runs to the end of the line; no package name or version has a `#`.
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        if std::mem::take(&mut first) {
            let head = fields[0].to_ascii_lowercase();
            if head == "rank" || head == "name" {
                let column =
                    |title: &str| fields.iter().position(|f| f.eq_ignore_ascii_case(title));
                let name = column("name")
                    .with_context(|| format!("its header `{line}` has no `name` column"))?;
                header = Some((name, column("version")));
                continue;
            }
        }
        let (name, version) = match header {
            Some((name, version)) => (
                fields.get(name).copied().unwrap_or_default(),
                version.and_then(|v| fields.get(v).copied()),
            ),
            None => {
                let ranked = fields.len() >= 2
                    && !fields[0].is_empty()
                    && fields[0].chars().all(|c| c.is_ascii_digit());
                let (name, version) = if ranked {
                    (fields[1], fields.get(2).copied())
                } else {
                    (fields[0], fields.get(1).copied())
                };
                // Without a header, `name downloads` must not read the count as a version.
                let is_version =
                    |v: &&str| v.contains('.') && nodejs_semver::Version::parse(v).is_ok();
                (name, version.filter(is_version))
            }
        };
        if name.is_empty() {
            continue;
        }
        specs.push(match version.filter(|v| !v.is_empty()) {
            Some(version) => format!("{name}@{version}"),
            None => name.to_string(),
        });
    }
    Ok(specs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_10000_format_with_its_rank_header() {
        let text = "rank\tname\tversion\tdownloads_a_month\n\
                    1\tsemver\t7.8.6\t2399072936\n\
                    2\t@babel/core\t7.24.0\t100\n\
                    3\tansi-styles\t7.0.0\t5\n";
        assert_eq!(
            parse_list(text, 2).unwrap(),
            ["semver@7.8.6", "@babel/core@7.24.0"]
        );
        assert_eq!(parse_list(text, 10).unwrap().len(), 3);
    }

    #[test]
    fn active_sample_format_with_its_name_header() {
        let text = "name\tversion\tdownloads_a_month\n\
                    skeleton-elements\t4.0.1\t52506\n\
                    recurly\t4.81.0\t200757\n";
        assert_eq!(
            parse_list(text, 100).unwrap(),
            ["skeleton-elements@4.0.1", "recurly@4.81.0"]
        );
    }

    #[test]
    fn header_columns_decide_whatever_their_order() {
        let text = "name\tdownloads\tversion\nleft-pad\t99\t1.3.0\n";
        assert_eq!(parse_list(text, 100).unwrap(), ["left-pad@1.3.0"]);
        assert!(parse_list("rank\tpackage\n1\tx\n", 100).is_err());
    }

    #[test]
    fn bare_names_with_comments() {
        let text = "# risky installers\n\nesbuild\n@swc/core  # native binaries\n\
                    sharp@0.33.0\n";
        assert_eq!(
            parse_list(text, 100).unwrap(),
            ["esbuild", "@swc/core", "sharp@0.33.0"]
        );
    }

    #[test]
    fn without_a_header_the_first_field_decides() {
        let text = "1\tsemver\t7.8.6\t2399072936\n\
                    recurly\t4.81.0\t200757\n\
                    skeleton-elements\t52506\n";
        assert_eq!(
            parse_list(text, 100).unwrap(),
            ["semver@7.8.6", "recurly@4.81.0", "skeleton-elements"]
        );
    }

    #[test]
    fn corpus_fixtures_are_the_directories_of_each_technique() {
        let dir = tempfile::tempdir().unwrap();
        let make = |path: &str| std::fs::create_dir_all(dir.path().join(path)).unwrap();
        make("malicious/zeta/b-fixture");
        make("malicious/zeta/a-fixture");
        make("malicious/alpha/@scope__pkg");
        make("malicious/alpha/.hidden");
        make("benign/zeta/honest");
        std::fs::write(dir.path().join("malicious/zeta/README.md"), "notes").unwrap();
        std::fs::write(dir.path().join("malicious/alpha/packed.tgz"), "x").unwrap();
        std::fs::write(dir.path().join("malicious/README.md"), "notes").unwrap();
        let fixtures = corpus_fixtures(dir.path()).unwrap();
        let names: Vec<(Expect, &str, &str)> = fixtures
            .iter()
            .map(|f| (f.expect, f.technique.as_str(), f.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                (Expect::Malicious, "alpha", "@scope__pkg"),
                (Expect::Malicious, "alpha", "packed.tgz"),
                (Expect::Malicious, "zeta", "a-fixture"),
                (Expect::Malicious, "zeta", "b-fixture"),
                (Expect::Benign, "zeta", "honest"),
            ]
        );
        assert!(fixtures[0].spec.ends_with("/malicious/alpha/@scope__pkg"));
        assert!(corpus_fixtures(&dir.path().join("malicious/zeta")).is_err());
        assert_eq!(path_spec(Path::new("corpus/x")), "./corpus/x");
        assert_eq!(path_spec(Path::new("/abs/x")), "/abs/x");
    }
}
