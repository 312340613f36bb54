//! DSCA1014: loading the package never returned, and the time went on CPU: its
//! top-level code spins (the colors/faker sabotage), it does not wait.

use super::RunContext;
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use dsca_model::dynamic::{IMPORT_PHASE, LATER_PHASE, PhaseStatus};
use dsca_model::{Category, Evidence, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA1014",
    name: "spins-when-loaded",
    category: Category::Execution,
    signal: Signal::Behaviour,
    severity: Severity::High,
    title: "Loading it never returns: the CPU spins",
    problem: "In the sandbox, `require()` of the package did not return before the time \
        limit, and the time went on the CPU (running, or queued for one on a busy \
        machine), not on waiting for the network or a timer: \
        the package's top-level code runs an endless loop. Every program that loads it \
        hangs. This is how maintainers sabotaged their own packages (colors 1.4.44, \
        faker 6.6.6) and how a denial of service is shipped in an update.",
    next_steps: "Pin the last version that loaded normally and do not upgrade until a fixed \
        release is out. Check the package's entry file for a loop at top level (often \
        behind a date or locale check) and report it to npm if it was published on \
        purpose.",
    severities: &[Severity::High],
    catches: "the import (or the time-bomb pass) hit its time limit having spent at least 70% \
        of it running on a CPU or queued for one (`busy_ms_at_timeout`, from \
        `/proc/<pid>/schedstat`, so a loaded machine does not hide the spin): top-level \
        code in an endless loop, the colors/faker sabotage; an import that waits (a \
        socket, a timer) or an install that compiles until its limit is not reported. \
        The import phases after a hung import are skipped (they would hang the same way) \
        and named in `skipped_phases`",
};

/// The share of the phase's length spent running or queued for a CPU above which the
/// import was spinning.
const SPINNING_SHARE: f64 = 0.7;

pub(crate) fn check(run: &RunContext, out: &mut Analysis) {
    let evidence: Vec<Evidence> = run
        .run
        .phases
        .iter()
        .filter(|phase| {
            matches!(phase.name.as_str(), IMPORT_PHASE | LATER_PHASE)
                && phase.status == PhaseStatus::Timeout
        })
        .filter_map(|phase| {
            let busy = phase.busy_ms_at_timeout?;
            // The limit, not the phase's length (which adds the clean-up after it).
            let limit = match phase.timeout_ms {
                0 => phase.duration_ms,
                limit => limit,
            };
            (limit > 0 && busy as f64 >= SPINNING_SHARE * limit as f64).then(|| {
                Evidence::new(format!(
                    "the {} phase ran out its {} ms, {busy} ms of it running or queued for a CPU",
                    phase.name, phase.duration_ms
                ))
            })
        })
        .collect();
    let Some(first) = evidence.first() else {
        return;
    };
    let message = format!(
        "loading the package never returned and kept the CPU busy ({})",
        first.detail
    );
    out.findings.push(finding_with_evidence(
        &RULE,
        RULE.severity,
        message,
        evidence,
    ));
}
