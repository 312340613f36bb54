//! What dsca says of the machine it runs on: the advisory database (`dsca db status`,
//! `dsca db update`) and what `--dynamic` needs (`dsca sandbox check`).

use crate::Format;
use dsca_model::advisory::DatabaseInfo;
use dsca_model::dynamic::Requirement;
use std::io::{self, Write};

/// `dsca db status`, in text or JSON ([`Format::STUDY`]).
pub fn write_database(out: &mut dyn Write, format: Format, info: &DatabaseInfo) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, info)?;
            writeln!(out)
        }
        Format::Text => {
            writeln!(out, "advisory database: {}", info.path)?;
            writeln!(
                out,
                "  {} advisories for {} packages ({} withdrawn, {} records skipped)",
                info.status.records,
                info.status.packages,
                info.status.withdrawn,
                info.status.skipped
            )?;
            writeln!(out, "  from {}", info.status.source)?;
            match info.age_days {
                Some(days) => writeln!(
                    out,
                    "  updated {} ({days} days ago)",
                    info.status.updated_at
                ),
                None => writeln!(out, "  updated {}", info.status.updated_at),
            }
        }
        other => Err(io::Error::other(format!(
            "the database status is not printed as {other}"
        ))),
    }
}

/// What `dsca db update` stored, and what it skipped (each reason with `verbose`).
pub fn write_update(
    out: &mut dyn Write,
    info: &DatabaseInfo,
    skip_reasons: &[String],
    verbose: bool,
) -> io::Result<()> {
    writeln!(
        out,
        "advisory database updated: {} advisories for {} packages ({} withdrawn) from {}",
        info.status.records, info.status.packages, info.status.withdrawn, info.status.source
    )?;
    if info.status.skipped > 0 {
        writeln!(
            out,
            "skipped {} records that cannot be used{}",
            info.status.skipped,
            if verbose {
                ":"
            } else {
                " (--verbose lists them)"
            }
        )?;
        if verbose {
            for reason in skip_reasons {
                writeln!(out, "  {}", crate::sanitize_for_terminal(reason))?;
            }
        }
    }
    writeln!(out, "stored in {}", info.path)
}

/// `dsca sandbox check`: one line per requirement, then whether `--dynamic` can run.
pub fn write_requirements(out: &mut dyn Write, requirements: &[Requirement]) -> io::Result<()> {
    for requirement in requirements {
        match (&requirement.missing, requirement.optional) {
            (None, _) => writeln!(out, "ok       {}", requirement.what)?,
            (Some(why), false) => writeln!(out, "MISSING  {}: {why}", requirement.what)?,
            (Some(why), true) => writeln!(
                out,
                "missing  {} (optional: the run goes on without it): {why}",
                requirement.what
            )?,
        }
    }
    match requirements.iter().filter(|r| r.blocks()).count() {
        0 => writeln!(out, "dsca scan --dynamic can run on this machine"),
        missing => writeln!(
            out,
            "{missing} missing: dsca scan --dynamic refuses to run until they are there"
        ),
    }
}
