//! Where reports go: standard output, or a file that is written whole or not at all;
//! what standard error says of failed scans, and the exit status they make.

use crate::cli::{ColorChoice, ReportOutputArgs};
use crate::{EXIT_ERROR, EXIT_FINDINGS};
use anyhow::Context as _;
use dsca_model::{Report, Severity};
use dsca_report::sanitize_for_terminal;
use std::io::{IsTerminal as _, Write};
use std::path::Path;

/// Write `reports` as the flags ask (`audit` says which lockfile they come from). A
/// reader that went away (`dsca scan x | head`) does not change the verdict: the exit
/// status and the error lines still tell a pipeline what happened.
pub fn write_reports(
    args: &ReportOutputArgs,
    reports: &[Report],
    audit: Option<dsca_report::Audit<'_>>,
) -> anyhow::Result<()> {
    let options = dsca_report::WriteOptions {
        text: dsca_report::TextOptions {
            color: use_color(args.color, args.output.is_some()),
            verbose: args.verbose,
        },
        audit,
    };
    let rules = dsca_rules::catalogue();
    let delivered = deliver(args.output.as_deref(), |out| {
        dsca_report::write(out, args.format, reports, &rules, &options)
    });
    match delivered {
        Err(err) if !is_broken_pipe(&err) => Err(err),
        _ => Ok(()),
    }
}

/// One line on standard error per failed or partial scan, so scripts see the cause.
pub fn report_errors(reports: &[Report]) {
    let mut stderr = std::io::stderr().lock();
    for report in reports {
        for error in &report.errors {
            // Messages can quote registry and tarball data: never let it drive the terminal.
            let _ = writeln!(
                stderr,
                "dsca: error: {}: {}",
                sanitize_for_terminal(&report.spec),
                sanitize_for_terminal(&error.message)
            );
        }
    }
}

/// 2 when any scan failed, else 1 when a finding reaches the threshold, else 0.
pub fn exit_status(reports: &[Report], fail_on: Option<Severity>) -> u8 {
    if reports.iter().any(Report::has_errors) {
        return EXIT_ERROR;
    }
    let reached = fail_on.is_some_and(|threshold| {
        reports
            .iter()
            .filter_map(Report::max_severity)
            .any(|severity| severity >= threshold)
    });
    if reached { EXIT_FINDINGS } else { 0 }
}

/// Render with `render` into memory, then deliver: to a `path` that is (or will be) a
/// regular file through a temporary file in the same directory and a rename (so a
/// failure never leaves half a report), to any other `path` (a device, a pipe) directly,
/// or to standard output.
pub fn deliver(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut buffer = Vec::new();
    render(&mut buffer).context("cannot render the report")?;
    match path {
        // `-o /dev/null`, `-o /dev/stdout`, a named pipe: written to as they are. A
        // rename would put a regular file in their place (as root, even /dev/null).
        Some(path) if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            file.write_all(&buffer)
                .and_then(|()| file.flush())
                .with_context(|| format!("cannot write {}", path.display()))
        }
        Some(path) => write_atomically(path, &buffer),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&buffer)?;
            stdout.flush()?;
            Ok(())
        }
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .with_context(|| format!("--output {} does not name a file", path.display()))?;
    let temp = dir.join(format!(
        ".{}.dsca-{}.tmp",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// Colour only for a terminal, unless forced; NO_COLOR wins over auto detection.
pub fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                return false;
            }
            if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
                return true;
            }
            !to_file && std::io::stdout().is_terminal()
        }
    }
}

/// A reader that went away (`dsca scan x | head`) is not an error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
