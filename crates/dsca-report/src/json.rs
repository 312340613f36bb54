//! The JSON printer: the serde form of [`Report`], documented by
//! `schema/report.schema.json`.

use crate::safe_json;
use dsca_model::Report;
use std::io::{self, Write};

/// Pretty-printed JSON (characters a terminal could interpret are `\u` escapes) followed by a newline: exactly one report is written as a single
/// object, any other number (none included) as an array, so a one-package scan reads
/// naturally and a batch is still one document.
pub fn write_json(out: &mut dyn Write, reports: &[Report]) -> io::Result<()> {
    match reports {
        [report] => safe_json::to_writer(out, report, true)?,
        _ => safe_json::to_writer(out, reports, true)?,
    }
    out.write_all(b"\n")
}

/// JSON Lines: one compact report object per line, for streaming and `jq -c`.
pub fn write_json_lines(out: &mut dyn Write, reports: &[Report]) -> io::Result<()> {
    for report in reports {
        safe_json::to_writer(out, report, false)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
