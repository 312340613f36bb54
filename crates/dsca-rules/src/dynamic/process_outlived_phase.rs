//! DSCA1007: a process was still running after its phase had finished.

use super::{RunContext, count};
use crate::Analysis;
use crate::metadata::cap_evidence;
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA1007",
    name: "process-outlived-phase",
    category: Category::Persistence,
    signal: Signal::Behaviour,
    severity: Severity::High,
    title: "Left a process running after the install",
    problem: "In the sandbox, a process the install or import started was still running \
        after npm (or the import) had finished. Builds and scripts end when they are done; \
        a process that detaches to keep running is a miner, a backdoor or a stealer waiting \
        for something, out of sight of the command that started it.",
    next_steps: "Look at the command the process ran. If the version was installed anywhere, \
        look for that process on the machine, stop it, and treat the machine as \
        compromised.",
    severities: &[Severity::High],
    catches: "a process still running 2 s after its phase's command ended (watched and \
        recorded up to `--linger` seconds, default 10, then killed)",
};

pub(crate) fn check(run: &RunContext, out: &mut Analysis) {
    let outlived: Vec<_> = run.run.processes.iter().filter(|p| p.outlived).collect();
    if outlived.is_empty() {
        return;
    }
    let evidence = outlived
        .iter()
        .map(|p| {
            Evidence::new(format!(
                "pid {} kept running after the {} phase: `{}`",
                p.pid,
                super::short(&p.phase, 20),
                run.command(p.pid)
            ))
        })
        .collect();
    let message = format!(
        "left {} running after the phase ended",
        count(outlived.len(), "process", "processes")
    );
    let finding = Finding::new(&RULE, message);
    out.findings.push(
        cap_evidence(evidence)
            .into_iter()
            .fold(finding, Finding::with_evidence),
    );
}
