//! `dsca rules`: the rule catalogue as a text listing, JSON, or the Markdown table the
//! README's rule sections are (a test keeps them equal).

use crate::Format;
use dsca_model::{Rule, Severity, YaraRuleInfo};
use std::io::{self, Write};

/// Print `rules` (and, in text, the built-in YARA rules DSCA811 reports) in `format`,
/// one of [`Format::CATALOGUE`].
pub fn write(
    out: &mut dyn Write,
    format: Format,
    rules: &[&Rule],
    yara: &[YaraRuleInfo],
) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, rules)?;
            writeln!(out)
        }
        Format::Markdown => write_table(out, rules),
        Format::Text => write_text(out, rules, yara),
        other => Err(io::Error::other(format!(
            "the rule catalogue is not printed as {other}"
        ))),
    }
}

/// The README's table: id, the severities findings can carry, name and what it catches.
pub fn write_table(out: &mut dyn Write, rules: &[&Rule]) -> io::Result<()> {
    writeln!(out, "| id | severity | rule |")?;
    writeln!(out, "| --- | --- | --- |")?;
    for rule in rules {
        writeln!(
            out,
            "| {} | {} | {}: {} |",
            rule.id,
            severity_span(rule.severities),
            rule.name,
            rule.catches.replace('|', "\\|")
        )?;
    }
    Ok(())
}

/// `high`, `medium / high`, or `low–critical` for three or more in a row.
fn severity_span(severities: &[Severity]) -> String {
    match severities {
        [first, .., last] if severities.len() >= 3 => format!("{first}–{last}"),
        _ => severities
            .iter()
            .map(|severity| severity.as_str())
            .collect::<Vec<_>>()
            .join(" / "),
    }
}

fn write_text(out: &mut dyn Write, rules: &[&Rule], yara: &[YaraRuleInfo]) -> io::Result<()> {
    for rule in rules {
        writeln!(
            out,
            "{:<8} {:<9} {:<16} {:<12} {:<30} {}",
            rule.id,
            rule.severity.as_str(),
            rule.category.as_str(),
            rule.signal.as_str(),
            rule.name,
            rule.title
        )?;
    }
    if yara.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\nBuilt-in YARA rules (reported as DSCA811 yara-match):"
    )?;
    for rule in yara {
        writeln!(
            out,
            "{:<8} {:<9} {:<16} {:<36} {}",
            "",
            rule.severity.as_str(),
            rule.category.as_str(),
            rule.name,
            rule.description
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_read_as_a_span_from_three_on() {
        use Severity::*;
        assert_eq!(severity_span(&[High]), "high");
        assert_eq!(severity_span(&[Medium, Critical]), "medium / critical");
        assert_eq!(severity_span(&[Low, Medium, High]), "low–high");
    }
}
