//! dsca's printers: one module per output format, each over [`dsca_model::Report`].
//!
//! - [`write_text`]: for people at a terminal (colour only when asked for; package data
//!   is always made terminal-safe with [`sanitize_for_terminal`]).
//! - [`write_json`] / [`write_json_lines`]: the serde form of `Report`, described by
//!   `schema/report.schema.json` at the workspace root.
//! - [`write_sarif`]: SARIF 2.1.0 for code-scanning dashboards.
//!
//! Printers only write; they never decide exit codes or colour support. That is the
//! CLI's job. Output is deterministic: nothing in it comes from the clock or the run.

mod json;
mod markdown;
mod safe_json;
mod sanitize;
mod sarif;
mod text;

use dsca_model::{Report, Rule};
use std::fmt;
use std::io;
use std::str::FromStr;

pub use json::{write_json, write_json_lines};
pub use markdown::write_markdown;
pub use sanitize::sanitize_for_terminal;
pub use sarif::{SARIF_SCHEMA_URI, write_sarif};
pub use text::{TextOptions, write_text};

/// The version [`write`] puts in SARIF's `tool.driver.version`: the workspace version,
/// which the `dsca` binary shares.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// An output format, as named on the command line (`--format text|json|sarif`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
    Sarif,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Text, Format::Json, Format::Sarif];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
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
            .ok_or_else(|| format!("unknown format `{s}` (expected text, json or sarif)"))
    }
}

/// Write `reports` in `format`. `rules` are the rules that ran (SARIF lists them as
/// the tool's rules); `options` only matter for text. JSON output is [`write_json`]'s
/// (one object for one report, an array otherwise); SARIF uses [`TOOL_VERSION`].
pub fn write(
    out: &mut dyn io::Write,
    format: Format,
    reports: &[Report],
    rules: &[&Rule],
    options: &TextOptions,
) -> io::Result<()> {
    match format {
        Format::Text => write_text(out, reports, options),
        Format::Json => write_json(out, reports),
        Format::Sarif => write_sarif(out, reports, rules, TOOL_VERSION),
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
        assert!("xml".parse::<Format>().is_err());
    }
}
