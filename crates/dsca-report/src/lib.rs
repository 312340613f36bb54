//! dsca's printers: one module per output format, each over [`dsca_model::Report`].
//!
//! - [`write_text`]: for people at a terminal (colour only when asked for; package data
//!   is always made terminal-safe with [`sanitize_for_terminal`]).
//! - [`write_json`] / [`write_json_lines`]: the serde form of `Report`, described by
//!   `schema/report.schema.json` at the workspace root.
//! - [`write_sarif`]: SARIF 2.1.0 for code-scanning dashboards.
//!
//! Printers only write; they never decide exit codes. [`deliver`] puts what they wrote
//! in its place (a file written whole or not at all, or standard output). Output is deterministic: nothing in it comes from the clock or the run.

pub mod capture;
pub mod catalogue;
pub mod evaluation;
pub mod export;
mod json;
pub mod machine;
mod markdown;
pub mod output;
mod safe_json;
mod sanitize;
mod sarif;
pub mod stats;
mod text;

use dsca_model::{Report, Rule};
use std::fmt;
use std::io;
use std::str::FromStr;

pub use json::{write_json, write_json_lines};
pub use markdown::write_markdown;
pub use output::{ColorChoice, deliver, is_broken_pipe};
pub use sanitize::sanitize_for_terminal;
pub use sarif::{SARIF_SCHEMA_URI, write_sarif};
pub use text::{TextOptions, write_text};

/// The version [`write`] puts in SARIF's `tool.driver.version`: the workspace version,
/// which the `dsca` binary shares.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// An output format, as named on the command line (`--format text|json|...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Human-readable report.
    #[default]
    Text,
    /// One JSON document for one package, a JSON array for several.
    Json,
    /// JSON Lines: one compact document per package.
    Jsonl,
    /// SARIF 2.1.0 for code-scanning dashboards.
    Sarif,
    /// Markdown for a pull-request comment.
    Markdown,
    /// One row per stored package (`dsca export`).
    Csv,
    /// OSV records of the packages judged malicious (`dsca export`).
    Osv,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Text,
        Format::Json,
        Format::Jsonl,
        Format::Sarif,
        Format::Markdown,
        Format::Csv,
        Format::Osv,
    ];
    /// What [`write`] prints reports in (`scan`, `audit`, `npm`).
    pub const REPORTS: [Format; 5] = [
        Format::Text,
        Format::Json,
        Format::Jsonl,
        Format::Sarif,
        Format::Markdown,
    ];
    /// What the reports of packet captures are printed in (`dsca pcap`).
    pub const CAPTURES: [Format; 3] = [Format::Text, Format::Json, Format::Sarif];
    /// What the study's figures and an evaluation are printed in (`dsca stats`,
    /// `dsca eval`).
    pub const STUDY: [Format; 2] = [Format::Text, Format::Json];
    /// What the rule catalogue is printed in (`dsca rules`).
    pub const CATALOGUE: [Format; 3] = [Format::Text, Format::Json, Format::Markdown];
    /// What a results store is exported in (`dsca export`).
    pub const EXPORT: [Format; 3] = [Format::Jsonl, Format::Csv, Format::Osv];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Csv => "csv",
            Format::Osv => "osv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|format| format.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "unknown format `{s}` (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// Reports of one audit (a lockfile, or what npm is about to install): the text report
/// starts with a headline and shows only the packages with something to say (all of
/// them when verbose); markdown is titled after it.
#[derive(Debug, Clone, Copy)]
pub struct Audit<'a> {
    /// What was audited: a lockfile's path, or what npm would install.
    pub label: &'a str,
    /// The kind of lockfile (`package-lock.json v3`, ...).
    pub kind: &'a str,
}

/// How [`write`] prints, beyond the format.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions<'a> {
    pub text: TextOptions,
    pub audit: Option<Audit<'a>>,
}

/// Write `reports` in `format`: the one entry point every command prints through.
/// `rules` are the rules that ran (SARIF lists them as the tool's rules); JSON output is
/// [`write_json`]'s (one object for one report, an array otherwise); SARIF uses
/// [`TOOL_VERSION`].
pub fn write(
    out: &mut dyn io::Write,
    format: Format,
    reports: &[Report],
    rules: &[&Rule],
    options: &WriteOptions<'_>,
) -> io::Result<()> {
    let captures = !reports.is_empty()
        && reports
            .iter()
            .all(|report| matches!(report.source, dsca_model::Source::Capture { .. }));
    match (format, options.audit) {
        (Format::Text, None) if captures => {
            capture::write_captures_text(out, reports, &options.text)
        }
        (Format::Text, None) => write_text(out, reports, &options.text),
        (Format::Text, Some(audit)) => write_audit_text(out, reports, audit, &options.text),
        (Format::Json, _) => write_json(out, reports),
        (Format::Jsonl, _) => write_json_lines(out, reports),
        (Format::Sarif, _) => write_sarif(out, reports, rules, TOOL_VERSION),
        (Format::Markdown, audit) => {
            let title = match audit {
                Some(audit) => format!("dsca audit of {}", audit.label),
                None => "dsca scan".to_string(),
            };
            write_markdown(out, &title, reports)
        }
        (Format::Csv | Format::Osv, _) => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{format} is a format of dsca export, not of reports"),
        )),
    }
}

/// An audit of hundreds of clean packages is read for what is not clean: a headline,
/// then the packages with findings or errors.
fn write_audit_text(
    out: &mut dyn io::Write,
    reports: &[Report],
    audit: Audit<'_>,
    options: &TextOptions,
) -> io::Result<()> {
    let shown: Vec<Report> = reports
        .iter()
        .filter(|r| options.verbose || !r.findings.is_empty() || r.has_errors())
        .cloned()
        .collect();
    writeln!(
        out,
        "{} ({}): {} scanned, {} with findings or errors\n",
        sanitize_for_terminal(audit.label),
        audit.kind,
        packages(reports.len()),
        shown.len()
    )?;
    if shown.is_empty() {
        return Ok(());
    }
    write_text(out, &shown, options)
}

/// `1 package`, `3 packages`.
pub(crate) fn packages(count: usize) -> String {
    match count {
        1 => "1 package".to_string(),
        n => format!("{n} packages"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_round_trips_through_strings() {
        for format in Format::ALL {
            assert_eq!(format.to_string().parse::<Format>(), Ok(format));
        }
        assert_eq!("SARIF".parse::<Format>(), Ok(Format::Sarif));
        assert_eq!("markdown".parse::<Format>(), Ok(Format::Markdown));
        assert!("xml".parse::<Format>().is_err());
    }
}
