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
//! offline-fast. [`run`] returns the [`Evaluation`]; dsca-report prints it. Exit status:
//! 0 every gate passed, 1 a gate failed (one line each), 2 a usage error or an input that
//! cannot be read.

use crate::{Session, Settings};
use anyhow::Context as _;
use dsca_model::evaluation::{
    BenignLists, Corpus, Cost, Evaluation, FixtureNote, Gate, Notable, RealMalware, SetCounts,
    Technique, ratio,
};
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
fn set_counts(label: &str, scored: &[Scored]) -> SetCounts {
    SetCounts {
        label: label.to_string(),
        packages: scored.len(),
        scanned: scored.iter().filter(|s| s.level.is_some()).count(),
        malicious: scored.iter().filter(|s| s.malicious()).count(),
        suspicious: scored.iter().filter(|s| s.suspicious()).count(),
    }
}

/// Scan every set with a session of `settings` (without the advisories: the
/// evaluation measures what dsca's analysis finds, and advisories that name the very
/// samples would only measure memory) and measure the verdicts against the gates.
pub fn run(args: &EvalArgs, settings: &Settings) -> anyhow::Result<Evaluation> {
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
    let elapsed = started.elapsed();
    let stage = session.scanner().code_stage();
    // As /usr/bin/time counts it: start-up and the YARA rules' compilation included.
    let process_cpu = dsca_rules::cpu::process_cpu_time();
    let cost = Cost {
        packages: inputs.specs.len(),
        elapsed_ms: elapsed.as_secs_f64() * 1000.0,
        javascript_bytes: stage.javascript_bytes,
        packages_analysed: stage.packages,
        process_cpu_ms: process_cpu.as_secs_f64() * 1000.0,
        code_analysis_cpu_ms: stage.cpu.as_secs_f64() * 1000.0,
    };
    if let Some(path) = &args.reports {
        write_reports(path, reports.iter())?;
    }
    let scored = score(&reports);

    let mut gates = Vec::new();
    let (real_malware, benign_lists) = measures(args, &inputs, &scored);
    real_malware_gates(args, real_malware.as_ref(), &mut gates);
    let corpus = args.corpus.is_some().then(|| {
        corpus_results(
            args,
            &inputs.fixtures,
            &scored[inputs.corpus.clone()],
            &mut gates,
        )
    });
    let sets: Vec<SetCounts> = inputs
        .sets
        .iter()
        .map(|set| set_counts(&set.label, &scored[set.range.clone()]))
        .collect();
    set_gates(args, &inputs.sets, &sets, &scored, &mut gates);
    Ok(Evaluation {
        scanned: headline(args, &inputs.real, &inputs.fixtures, &inputs.sets),
        real_malware,
        benign_lists,
        strict: args.strict,
        cost,
        corpus,
        sets,
        notable: notable(&inputs, &scored),
        gates,
    })
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

/// The real malware against the benign lists together: `None` for a set not given
/// (or benign lists that hold nothing).
fn measures(
    args: &EvalArgs,
    inputs: &Inputs,
    scored: &[Scored],
) -> (Option<RealMalware>, Option<BenignLists>) {
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
    let with_lists = !benign.is_empty();
    let real = args.malicious.is_some().then(|| RealMalware {
        packages: malicious.len(),
        flagged: true_positive,
        missed: false_negative,
        judged_malicious: malicious.iter().filter(|s| s.malicious()).count(),
        recall,
        precision: with_lists.then_some(precision),
        f1: with_lists.then_some(2.0 * precision * recall / (precision + recall)),
    });
    let lists = with_lists.then(|| BenignLists {
        packages: benign.len(),
        scanned: benign_scanned.len(),
        false_positives: false_positive,
        true_negatives: benign_scanned.len() - false_positive,
        false_positive_rate: ratio(false_positive, benign_scanned.len()),
    });
    (real, lists)
}

/// One bar of the run.
fn gate(gates: &mut Vec<Gate>, passed: bool, bar: String, figure: String) {
    gates.push(Gate {
        passed,
        bar,
        figure,
    });
}

/// The bars on the real malware.
fn real_malware_gates(args: &EvalArgs, real: Option<&RealMalware>, gates: &mut Vec<Gate>) {
    match (real, args.min_recall) {
        // NaN (no malicious packages) never meets a bar.
        (Some(real), Some(min)) => gate(
            gates,
            !real.recall.is_nan() && real.recall >= min,
            format!("--min-recall {min}"),
            format!(
                "recall {:.3} ({} of {} flagged)",
                real.recall, real.flagged, real.packages
            ),
        ),
        (None, Some(_)) => gate(
            gates,
            false,
            "--min-recall".to_string(),
            "no --malicious DIR to measure".to_string(),
        ),
        (_, None) => {}
    }
    if let Some(min) = args.min_malicious {
        let (judged, packages) = real.map_or((0, 0), |r| (r.judged_malicious, r.packages));
        gate(
            gates,
            judged >= min,
            format!("--min-malicious {min}"),
            format!("{judged} of {packages} judged malicious"),
        );
    }
}

/// The malware missed and every benign package not judged clean, one each.
fn notable(inputs: &Inputs, scored: &[Scored]) -> Vec<Notable> {
    let missed = scored[inputs.real.clone()]
        .iter()
        .filter(|s| !s.flagged())
        .map(|s| Notable {
            verdict: "missed".to_string(),
            set: None,
            spec: s.spec.clone(),
            reason: s.reason.clone(),
        });
    let noisy = inputs.sets.iter().flat_map(|set| {
        scored[set.range.clone()]
            .iter()
            .filter(|s| s.level != Some(VerdictLevel::Clean))
            .map(|s| Notable {
                verdict: s.label().to_string(),
                set: Some(set.label.clone()),
                spec: s.spec.clone(),
                reason: s.reason.clone(),
            })
    });
    missed.chain(noisy).collect()
}

/// What was scanned, set by set.
fn headline(
    args: &EvalArgs,
    real: &Range<usize>,
    fixtures: &[Fixture],
    sets: &[BenignSet],
) -> Vec<String> {
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
    parts
}

fn note(fixture: &Fixture, scored: &Scored, detail: &str) -> FixtureNote {
    FixtureNote {
        verdict: scored.label().to_string(),
        fixture: format!("{}/{}", fixture.technique, fixture.name),
        detail: detail.to_string(),
    }
}

/// The development corpus: recall per technique, then the near misses.
fn corpus_results(
    args: &EvalArgs,
    fixtures: &[Fixture],
    scored: &[Scored],
    gates: &mut Vec<Gate>,
) -> Corpus {
    let pairs: Vec<(&Fixture, &Scored)> = fixtures.iter().zip(scored).collect();
    let mut by_technique: BTreeMap<&str, Vec<(&Fixture, &Scored)>> = BTreeMap::new();
    for &(fixture, s) in pairs.iter().filter(|(f, _)| f.expect == Expect::Malicious) {
        by_technique
            .entry(fixture.technique.as_str())
            .or_default()
            .push((fixture, s));
    }
    let techniques: Vec<Technique> = by_technique
        .iter()
        .map(|(technique, rows)| Technique {
            technique: technique.to_string(),
            fixtures: rows.len(),
            flagged: rows.iter().filter(|(_, s)| s.flagged()).count(),
            judged_malicious: rows.iter().filter(|(_, s)| s.malicious()).count(),
            missed: rows
                .iter()
                .filter(|(_, s)| !s.flagged())
                .map(|(f, s)| match (&s.error, s.level) {
                    (Some(error), None) => format!("{} (error: {error})", f.name),
                    _ => f.name.clone(),
                })
                .collect(),
        })
        .collect();
    let scanned_with_errors = pairs
        .iter()
        .filter(|(f, s)| f.expect == Expect::Malicious && s.level.is_some() && s.error.is_some())
        .map(|(f, s)| note(f, s, s.error.as_deref().unwrap_or_default()))
        .collect();
    let near: Vec<(&Fixture, &Scored)> = pairs
        .iter()
        .copied()
        .filter(|(f, _)| f.expect == Expect::Benign)
        .collect();
    let corpus = Corpus {
        techniques,
        scanned_with_errors,
        near_misses: near.len(),
        near_misses_flagged: near.iter().filter(|(_, s)| s.flagged()).count(),
        near_misses_unscanned: near.iter().filter(|(_, s)| s.level.is_none()).count(),
        near_miss_notes: near
            .iter()
            .filter(|(_, s)| s.flagged() || s.level.is_none())
            .map(|(f, s)| note(f, s, &s.top_reason))
            .collect(),
    };

    let (total, flagged, malicious) = corpus.totals();
    for (bar, min, count, what) in [
        (
            "--min-corpus-flagged",
            args.min_corpus_flagged,
            flagged,
            "flagged",
        ),
        (
            "--min-corpus-malicious",
            args.min_corpus_malicious,
            malicious,
            "judged malicious",
        ),
    ] {
        let Some(min) = min else { continue };
        let value = ratio(count, total);
        gate(
            gates,
            !value.is_nan() && value >= min,
            format!("{bar} {min}"),
            format!("{value:.3} ({count} of {total} malicious fixtures {what})"),
        );
    }
    if let Some(max) = args.max_near_miss_flagged {
        gate(
            gates,
            corpus.near_misses_flagged <= max,
            format!("--max-near-miss-flagged {max}"),
            format!(
                "{} of {} near misses flagged",
                corpus.near_misses_flagged, corpus.near_misses
            ),
        );
    }
    corpus
}

/// The gates of the benign lists and the installers, set by set.
fn set_gates(
    args: &EvalArgs,
    sets: &[BenignSet],
    counted: &[SetCounts],
    scored: &[Scored],
    gates: &mut Vec<Gate>,
) {
    for (set, counts) in sets.iter().zip(counted) {
        let set_scored = &scored[set.range.clone()];
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
                gate(
                    gates,
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
            gate(
                gates,
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
