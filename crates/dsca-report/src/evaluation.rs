//! `dsca eval`'s report: the measures, the corpus by technique, the benign sets, the
//! notable packages and the gates, as Markdown tables in text, or one JSON document.

use crate::Format;
use dsca_model::evaluation::{Corpus, Evaluation, FixtureNote, ratio};
use std::io::{self, Write};

/// Print `evaluation` in `format`, one of [`Format::STUDY`].
pub fn write(out: &mut dyn Write, format: Format, evaluation: &Evaluation) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, evaluation)?;
            writeln!(out)
        }
        Format::Text => write_text(out, evaluation),
        other => Err(io::Error::other(format!(
            "an evaluation is not printed as {other}"
        ))),
    }
}

fn percent(a: usize, b: usize) -> String {
    if b == 0 {
        format!("{a} (-)")
    } else {
        format!("{a} ({:.1}%)", 100.0 * ratio(a, b))
    }
}

/// A Markdown table cell: no line breaks, no column separators.
fn cell(text: &str) -> String {
    dsca_model::one_line(text).replace('|', "\\|")
}

fn write_text(out: &mut dyn Write, evaluation: &Evaluation) -> io::Result<()> {
    writeln!(out, "dsca eval: {}", evaluation.scanned.join(", "))?;
    write_measures(out, evaluation)?;
    if let Some(corpus) = &evaluation.corpus {
        write_corpus(out, corpus)?;
    }
    if !evaluation.sets.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "| set | packages | could not be scanned | judged malicious | judged suspicious |"
        )?;
        writeln!(out, "| --- | --- | --- | --- | --- |")?;
        for set in &evaluation.sets {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                cell(&set.label),
                set.packages,
                set.packages - set.scanned,
                percent(set.malicious, set.scanned),
                percent(set.suspicious, set.scanned),
            )?;
        }
    }
    if !evaluation.notable.is_empty() {
        writeln!(out)?;
        writeln!(out, "Misclassified or notable:")?;
        for notable in &evaluation.notable {
            let set = notable
                .set
                .as_ref()
                .map(|set| format!("[{set}] "))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:<10} {set}{}: {}",
                notable.verdict, notable.spec, notable.reason
            )?;
        }
    }
    writeln!(out)?;
    write_gates(out, evaluation)
}

fn write_measures(out: &mut dyn Write, evaluation: &Evaluation) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "| measure | value |")?;
    writeln!(out, "| --- | --- |")?;
    let real = evaluation.real_malware.as_ref();
    let benign = evaluation.benign_lists.as_ref();
    if let Some(real) = real {
        writeln!(
            out,
            "| true positives (malicious flagged) | {} |",
            real.flagged
        )?;
        writeln!(
            out,
            "| false negatives (malicious clean) | {} |",
            real.missed
        )?;
        writeln!(
            out,
            "| malicious corpus judged `malicious` | {} of {} |",
            real.judged_malicious, real.packages
        )?;
    }
    if let Some(benign) = benign {
        writeln!(
            out,
            "| true negatives (benign lists) | {} |",
            benign.true_negatives
        )?;
        writeln!(
            out,
            "| false positives{} | {} |",
            if evaluation.strict {
                " (suspicious or malicious)"
            } else {
                " (malicious)"
            },
            benign.false_positives
        )?;
    }
    if let Some(real) = real {
        if let Some(precision) = real.precision {
            writeln!(out, "| precision | {precision:.3} |")?;
        }
        writeln!(out, "| recall | {:.3} |", real.recall)?;
        if let Some(f1) = real.f1 {
            writeln!(out, "| F1 | {f1:.3} |")?;
        }
    }
    if let Some(benign) = benign {
        writeln!(
            out,
            "| false-positive rate | {:.3} |",
            benign.false_positive_rate
        )?;
    }
    let cost = &evaluation.cost;
    writeln!(
        out,
        "| time per package | {:.0} ms |",
        cost.elapsed_ms / cost.packages.max(1) as f64
    )?;
    let megabytes = cost.javascript_bytes as f64 / 1e6;
    let per_core = |cpu_ms: f64| megabytes / (cpu_ms / 1000.0).max(1e-9);
    writeln!(
        out,
        "| JavaScript analysed | {megabytes:.1} MB in {} packages |",
        cost.packages_analysed
    )?;
    writeln!(
        out,
        "| CPU, whole process (user + system) | {:.2} s: {:.1} MB/s of JavaScript per core |",
        cost.process_cpu_ms / 1000.0,
        per_core(cost.process_cpu_ms)
    )?;
    writeln!(
        out,
        "| CPU, code analysis (unpack, parse, code rules, YARA) | {:.2} s: {:.1} MB/s of JavaScript per core |",
        cost.code_analysis_cpu_ms / 1000.0,
        per_core(cost.code_analysis_cpu_ms)
    )
}

fn write_notes(out: &mut dyn Write, notes: &[FixtureNote]) -> io::Result<()> {
    for note in notes {
        writeln!(
            out,
            "  {:<10} {}: {}",
            note.verdict, note.fixture, note.detail
        )?;
    }
    Ok(())
}

fn write_corpus(out: &mut dyn Write, corpus: &Corpus) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "Development corpus: malicious fixtures by technique")?;
    writeln!(out)?;
    writeln!(
        out,
        "| technique | fixtures | flagged | judged malicious | missed |"
    )?;
    writeln!(out, "| --- | --- | --- | --- | --- |")?;
    for technique in &corpus.techniques {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(&technique.technique),
            technique.fixtures,
            technique.flagged,
            technique.judged_malicious,
            cell(&technique.missed.join(", "))
        )?;
    }
    let (total, flagged, malicious) = corpus.totals();
    writeln!(
        out,
        "| **total** | {total} | {} | {} | {} |",
        percent(flagged, total),
        percent(malicious, total),
        total - flagged
    )?;
    if !corpus.scanned_with_errors.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Malicious fixtures scanned with errors (their verdict stands on what was read):"
        )?;
        write_notes(out, &corpus.scanned_with_errors)?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Near misses (benign fixtures): {}, {} flagged (suspicious or malicious), {} could not be scanned",
        corpus.near_misses, corpus.near_misses_flagged, corpus.near_misses_unscanned
    )?;
    write_notes(out, &corpus.near_miss_notes)
}

fn write_gates(out: &mut dyn Write, evaluation: &Evaluation) -> io::Result<()> {
    let gates = &evaluation.gates;
    if gates.is_empty() {
        return writeln!(out, "No gates were set.");
    }
    for gate in gates {
        let outcome = if gate.passed { "passed" } else { "FAILED" };
        writeln!(out, "gate {outcome}: {}: {}", gate.bar, gate.figure)?;
    }
    let failed = gates.iter().filter(|gate| !gate.passed).count();
    if failed == 0 {
        writeln!(out, "Every gate passed.")
    } else {
        writeln!(out, "{failed} of {} gates failed.", gates.len())
    }
}
