//! Where reports go: standard output, or a file that is written whole or not at all;
//! what standard error says of failed scans, and the exit status they make.

use crate::cli::ReportOutputArgs;
use crate::{EXIT_ERROR, EXIT_FINDINGS};
use dsca_model::{Report, Severity};
use dsca_report::sanitize_for_terminal;
use std::io::Write;

/// Write `reports` as the flags ask (`audit`: the label and kind of the lockfile they
/// come from). A
/// reader that went away (`dsca scan x | head`) does not change the verdict: the exit
/// status and the error lines still tell a pipeline what happened.
/// SARIF lists every rule of the catalogue. Each scan's errors are also said on
/// standard error.
pub fn write_reports(
    args: &ReportOutputArgs,
    reports: &[Report],
    audit: Option<(&str, &str)>,
) -> anyhow::Result<()> {
    let audit = audit.map(|(label, kind)| dsca_report::Audit { label, kind });
    let options = dsca_report::WriteOptions {
        text: dsca_report::TextOptions {
            color: args.color.use_color(args.output.is_some()),
            verbose: args.verbose,
        },
        audit,
    };
    let delivered = dsca_report::deliver(args.output.as_deref(), |out| {
        dsca_report::write(
            out,
            args.format,
            reports,
            &dsca_rules::catalogue(),
            &options,
        )
    });
    match delivered {
        Err(err) if !dsca_report::is_broken_pipe(&err) => Err(err.into()),
        _ => {
            report_errors(reports);
            Ok(())
        }
    }
}

/// One line on standard error per failed or partial scan, so scripts see the cause.
fn report_errors(reports: &[Report]) {
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

/// A reader that went away (`dsca scan x | head`) is not an error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(dsca_report::is_broken_pipe)
    })
}
