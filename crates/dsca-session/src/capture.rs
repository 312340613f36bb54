//! `dsca pcap`'s pipeline: a packet capture read by dsca-pcap, judged by the capture
//! rules, finalised once.

use dsca_model::{Report, ReportError, Source};
use dsca_pcap::Allowlist;
use std::path::Path;

/// The report of one capture file; a file that cannot be read is a report with the
/// error `unreadable-capture`.
pub fn analyse_file(path: &Path, allowlist: &Allowlist) -> Report {
    match dsca_pcap::analyse_file(path, allowlist) {
        Ok(report) => judge(report),
        Err(err) => {
            let name = path.display().to_string();
            let mut report = Report::failed(
                name.clone(),
                name.clone(),
                ReportError::new("unreadable-capture", err.to_string()),
            );
            report.source = Source::Capture { path: name };
            report
        }
    }
}

fn judge(mut report: Report) -> Report {
    if let Some(network) = &report.network {
        report
            .findings
            .extend(dsca_rules::analyse_capture(network).findings);
    }
    report.finalize();
    report
}
