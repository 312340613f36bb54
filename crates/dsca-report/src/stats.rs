//! The study's table of `dsca stats`: counts, verdicts, errors, and the prevalence of
//! each rule and behaviour per popularity tier.

use crate::sanitize_for_terminal;
use dsca_model::study::{RulePrevalence, StudyStats};
use std::io::Write;

/// The study's figures in `format` (`dsca stats`): the table, or JSON with the share of
/// sandboxed runs that looked up names outside the registry. `rule_name` names a rule by
/// its id.
pub fn write(
    out: &mut dyn Write,
    format: crate::Format,
    stats: &StudyStats,
    rule_name: impl Fn(&str) -> Option<String>,
) -> std::io::Result<()> {
    if format != crate::Format::Json {
        return write_study(out, stats, rule_name);
    }
    let mut value = serde_json::to_value(stats)?;
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "non_registry_dns_percent".to_string(),
            serde_json::json!(stats.non_registry_dns_percent()),
        );
    }
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}

/// The study's table (`dsca stats`); `rule_name` names a rule by its id.
pub fn write_study(
    out: &mut dyn Write,
    stats: &StudyStats,
    rule_name: impl Fn(&str) -> Option<String>,
) -> std::io::Result<()> {
    writeln!(out, "Study")?;
    writeln!(out, "  {:<40} {:>10}", "packages analysed", stats.packages)?;
    writeln!(out, "  {:<40} {:>10}", "  with an error", stats.failed)?;
    writeln!(
        out,
        "  {:<40} {:>10}",
        "  analysed in the sandboxed run", stats.with_dynamic
    )?;
    let percent = stats
        .non_registry_dns_percent()
        .map_or_else(|| "-".to_string(), |percent| format!("{percent:.2}%"));
    writeln!(
        out,
        "  {:<40} {:>10}  {percent} of those run",
        "  with DNS lookups outside the registry", stats.non_registry_dns
    )?;
    writeln!(out)?;
    writeln!(out, "Verdicts")?;
    for (verdict, count) in &stats.verdicts {
        writeln!(out, "  {:<40} {count:>10}", verdict)?;
    }
    if !stats.errors.is_empty() {
        writeln!(out)?;
        writeln!(out, "Errors")?;
        for (code, count) in &stats.errors {
            writeln!(out, "  {:<40} {count:>10}", sanitize_for_terminal(code))?;
        }
    }
    if !stats.skipped.is_empty() {
        writeln!(out)?;
        writeln!(out, "Skipped by the popularity filter (not analysed)")?;
        for (reason, count) in &stats.skipped {
            writeln!(out, "  {:<40} {count:>10}", sanitize_for_terminal(reason))?;
        }
    }
    let scanned: Vec<i64> = stats.tiers.iter().map(|tier| tier.scanned).collect();
    write_prevalence(out, "Rules", &stats.rules, &scanned, rule_name)?;
    write_prevalence(out, "Behaviours", &stats.behaviours, &scanned, |_| None)?;
    if !stats.domains.is_empty() {
        writeln!(out)?;
        writeln!(out, "Domains looked up outside the registry (packages)")?;
        for (name, count) in &stats.domains {
            writeln!(out, "  {:<60} {count:>6}", sanitize_for_terminal(name))?;
        }
    }
    Ok(())
}

/// Packages per tier for each id, with the tier sizes as the header's last line.
fn write_prevalence(
    out: &mut dyn Write,
    title: &str,
    rows: &[RulePrevalence],
    scanned: &[i64],
    label: impl Fn(&str) -> Option<String>,
) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "{title:<44} {:>9} {:>9} {:>9} {:>9}",
        "top 100", "top 1k", "top 10k", "all"
    )?;
    write!(out, "  {:<42}", "packages scanned")?;
    for count in scanned {
        write!(out, " {count:>9}")?;
    }
    writeln!(out)?;
    for row in rows {
        let name = match label(&row.id) {
            Some(name) => format!("{} {name}", row.id),
            None => row.id.clone(),
        };
        write!(out, "  {:<42}", sanitize_for_terminal(&name))?;
        for count in &row.packages {
            write!(out, " {count:>9}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}
