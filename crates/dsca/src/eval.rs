//! `dsca eval`: measure the verdicts against a malicious corpus and a benign list.
//!
//! Every `.tgz` in `--malicious DIR` should come out suspicious or malicious; the top
//! `N` packages of `--benign-list` (a TSV of rank, name, version, downloads, as in
//! shared/data/npm-top-10000.tsv) should come out clean. Benign packages are fetched
//! through the registry client and its cache, so a second run is offline-fast.

use anyhow::Context as _;
use clap::Args;
use dsca_model::{Report, VerdictLevel};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Directory of malicious npm tarballs (`*.tgz`): each should be flagged.
    #[arg(long, value_name = "DIR")]
    pub malicious: Option<PathBuf>,

    /// Benign packages, one per line: `rank<TAB>name<TAB>version...` or just a name.
    #[arg(long, value_name = "FILE")]
    pub benign_list: Option<PathBuf>,

    /// How many benign packages to take from the top of the list.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub top: usize,

    /// Count `suspicious` benign packages as false positives too (default: only `malicious`
    /// counts against precision; suspicious ones are listed and counted separately).
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub registry: crate::cli::RegistryArgs,

    /// Exit with status 1 when recall is below this fraction (for CI), e.g. 0.85.
    #[arg(long, value_name = "FRACTION")]
    pub min_recall: Option<f64>,

    /// Exit with status 1 when fewer corpus packages than this are judged `malicious`.
    #[arg(long, value_name = "N")]
    pub min_malicious: Option<usize>,

    /// Exit with status 1 when more than this fraction of the scanned benign packages is
    /// judged `malicious`, e.g. 0.01.
    #[arg(long, value_name = "FRACTION")]
    pub max_benign_malicious: Option<f64>,

    /// Exit with status 1 when more than this fraction of the scanned benign packages is
    /// judged `suspicious`, e.g. 0.05.
    #[arg(long, value_name = "FRACTION")]
    pub max_benign_suspicious: Option<f64>,

    /// Also write every scanned package's full report to FILE, one JSON object per line
    /// (to compare two runs package by package, finding by finding).
    #[arg(long, value_name = "FILE")]
    pub reports: Option<PathBuf>,
}

struct Scored {
    spec: String,
    level: Option<VerdictLevel>,
    reason: String,
}

pub fn run(args: EvalArgs) -> anyhow::Result<u8> {
    if args.malicious.is_none() && args.benign_list.is_none() {
        anyhow::bail!("give --malicious DIR, --benign-list FILE or both");
    }
    let mut scanner = crate::scan::build_scanner(&args.registry, &std::env::current_dir()?)?;
    scanner.analyse_files_serially();
    let jobs = args.registry.jobs();

    let malicious_specs = match &args.malicious {
        Some(dir) => tarballs(dir)?,
        None => Vec::new(),
    };
    let benign_specs = match &args.benign_list {
        Some(file) => benign_names(file, args.top)?,
        None => Vec::new(),
    };
    let started = Instant::now();
    let malicious_reports = scanner.scan_many(&malicious_specs, jobs);
    let benign_reports = scanner.scan_many(&benign_specs, jobs);
    let elapsed = started.elapsed();
    let stage = scanner.code_stage();
    // As /usr/bin/time counts it: start-up and the YARA rules' compilation included.
    let process_cpu = dsca_rules::cpu::process_cpu_time();
    if let Some(path) = &args.reports {
        write_reports(path, malicious_reports.iter().chain(&benign_reports))?;
    }
    let malicious = score(&malicious_reports);
    let benign = score(&benign_reports);

    let flagged = |s: &Scored| {
        matches!(
            s.level,
            Some(VerdictLevel::Suspicious | VerdictLevel::Malicious)
        )
    };
    let true_positive = malicious.iter().filter(|s| flagged(s)).count();
    let false_negative = malicious.len() - true_positive;
    let malicious_verdicts = malicious
        .iter()
        .filter(|s| s.level == Some(VerdictLevel::Malicious))
        .count();
    let benign_scanned: Vec<&Scored> = benign.iter().filter(|s| s.level.is_some()).collect();
    let counts_as_positive = |s: &Scored| {
        s.level == Some(VerdictLevel::Malicious)
            || (args.strict && s.level == Some(VerdictLevel::Suspicious))
    };
    let false_positive = benign_scanned
        .iter()
        .filter(|s| counts_as_positive(s))
        .count();
    let true_negative = benign_scanned.len() - false_positive;
    let benign_suspicious = benign_scanned
        .iter()
        .filter(|s| s.level == Some(VerdictLevel::Suspicious))
        .count();
    let benign_malicious = benign_scanned
        .iter()
        .filter(|s| s.level == Some(VerdictLevel::Malicious))
        .count();

    let ratio = |a: usize, b: usize| {
        if b == 0 {
            f64::NAN
        } else {
            a as f64 / b as f64
        }
    };
    let precision = ratio(true_positive, true_positive + false_positive);
    let recall = ratio(true_positive, true_positive + false_negative);
    let f1 = 2.0 * precision * recall / (precision + recall);
    let scanned = malicious.len() + benign.len();

    println!(
        "dsca eval: {} malicious, {} benign ({} could not be scanned)",
        malicious.len(),
        benign.len(),
        benign.len() - benign_scanned.len()
    );
    println!();
    println!("| measure | value |");
    println!("| --- | --- |");
    println!("| true positives (malicious flagged) | {true_positive} |");
    println!("| false negatives (malicious clean) | {false_negative} |");
    println!(
        "| malicious corpus judged `malicious` | {malicious_verdicts} of {} |",
        malicious.len()
    );
    println!("| true negatives | {true_negative} |");
    println!(
        "| false positives{} | {false_positive} |",
        if args.strict {
            " (suspicious or malicious)"
        } else {
            " (malicious)"
        }
    );
    println!(
        "| benign judged malicious | {benign_malicious} ({:.1}%) |",
        100.0 * ratio(benign_malicious, benign_scanned.len())
    );
    println!(
        "| benign judged suspicious | {benign_suspicious} ({:.1}%) |",
        100.0 * ratio(benign_suspicious, benign_scanned.len())
    );
    println!("| precision | {precision:.3} |");
    println!("| recall | {recall:.3} |");
    println!("| F1 | {f1:.3} |");
    println!(
        "| false-positive rate | {:.3} |",
        ratio(false_positive, benign_scanned.len())
    );
    println!(
        "| time per package | {:.0} ms |",
        elapsed.as_secs_f64() * 1000.0 / scanned.max(1) as f64
    );
    let megabytes = stage.javascript_bytes as f64 / 1e6;
    let per_core = |cpu: std::time::Duration| megabytes / cpu.as_secs_f64().max(1e-9);
    println!(
        "| JavaScript analysed | {megabytes:.1} MB in {} packages |",
        stage.packages
    );
    println!(
        "| CPU, whole process (user + system) | {:.2} s: {:.1} MB/s of JavaScript per core |",
        process_cpu.as_secs_f64(),
        per_core(process_cpu)
    );
    println!(
        "| CPU, code analysis (unpack, parse, code rules, YARA) | {:.2} s: {:.1} MB/s of JavaScript per core |",
        stage.cpu.as_secs_f64(),
        per_core(stage.cpu)
    );
    println!();
    let missed: Vec<&Scored> = malicious.iter().filter(|s| !flagged(s)).collect();
    let noisy: Vec<&Scored> = benign
        .iter()
        .filter(|s| s.level != Some(VerdictLevel::Clean))
        .collect();
    if !missed.is_empty() || !noisy.is_empty() {
        println!("Misclassified or notable:");
        for s in missed {
            println!("  missed     {}: {}", s.spec, s.reason);
        }
        for s in noisy {
            let label = match s.level {
                Some(VerdictLevel::Malicious) => "malicious ",
                Some(VerdictLevel::Suspicious) => "suspicious",
                _ => "error     ",
            };
            println!("  {label} {}: {}", s.spec, s.reason);
        }
    }
    // NaN (no malicious packages) never meets a bar.
    let below = args
        .min_recall
        .is_some_and(|min| recall.is_nan() || recall < min)
        || args
            .min_malicious
            .is_some_and(|min| malicious_verdicts < min)
        || args
            .max_benign_malicious
            .is_some_and(|max| ratio(benign_malicious, benign_scanned.len()) > max)
        || args
            .max_benign_suspicious
            .is_some_and(|max| ratio(benign_suspicious, benign_scanned.len()) > max);
    Ok(if below { crate::EXIT_FINDINGS } else { 0 })
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
            let reason = if let Some(error) = report.errors.first().filter(|_| level.is_none()) {
                error.message.clone()
            } else {
                let mut findings: Vec<_> = report.findings.iter().collect();
                findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
                findings
                    .iter()
                    .take(3)
                    .map(|f| {
                        format!(
                            "{} {}: {}",
                            f.rule,
                            f.severity,
                            dsca_model::one_line(&f.message)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            Scored {
                spec: report.spec.clone(),
                level,
                reason,
            }
        })
        .collect()
}

fn tarballs(dir: &std::path::Path) -> anyhow::Result<Vec<String>> {
    let mut paths: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|x| x == "tgz"))
        .map(|path| path.display().to_string())
        .collect();
    paths.sort();
    Ok(paths)
}

fn benign_names(file: &std::path::Path, top: usize) -> anyhow::Result<Vec<String>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    Ok(text
        .lines()
        .filter(|line| {
            !line.trim().is_empty() && !line.starts_with('#') && !line.starts_with("rank\t")
        })
        .filter_map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            // `rank name version downloads`, or a bare name.
            let name = if fields.len() >= 2 && fields[0].chars().all(|c| c.is_ascii_digit()) {
                fields[1]
            } else {
                fields[0]
            };
            let version = fields.get(2).filter(|v| !v.is_empty() && fields.len() >= 3);
            (!name.is_empty() && name != "name").then(|| match version {
                Some(version) => format!("{name}@{version}"),
                None => name.to_string(),
            })
        })
        .take(top)
        .collect())
}
