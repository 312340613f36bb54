//! DSCA802: the code downloads something and runs it.

use super::facts::{EvalSource, Kind};
use super::{CodeContext, evidence, reach_clause};
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use dsca_model::{Category, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA802",
    name: "download-execute",
    category: Category::Execution,
    signal: Signal::Behaviour,
    severity: Severity::High,
    title: "Downloads code and runs it",
    problem: "The code evaluates a network response or starts a process from inside the \
        handler of a download. What runs is decided by whoever controls the server at the \
        moment of installation, not by the published package: a classic remote loader.",
    next_steps: "Do not run this version. Find the URL it downloads from (shown in the \
        evidence or built nearby) and what it does with the response. If it ran anywhere, \
        treat that machine as compromised.",
    severities: &[Severity::Medium, Severity::High, Severity::Critical],
    catches: "evaluates a response, starts processes with what a download returned, or writes \
        a download and makes it executable (high at install only from a bare, hidden or \
        drop-box address or into a temporary or home folder: honest installers fetch \
        from their vendor into their own folder)",
};

pub(crate) fn check(code: &CodeContext, out: &mut Analysis) {
    for file in &code.files {
        let install = code.runs_on_install(&file.path);
        let mut hits = Vec::new();
        let mut severity = Severity::Info;
        for event in &file.events {
            match &event.kind {
                Kind::Eval {
                    api,
                    source: EvalSource::Network,
                } => {
                    severity = Severity::Critical;
                    hits.push(evidence(
                        file,
                        event,
                        format!("evaluates downloaded data with {api}"),
                    ));
                }
                // A constant command (`execSync('git --version')`) inside a response
                // handler runs nothing it downloaded.
                Kind::Exec { api, .. }
                    if event.in_network_flow && event.kind.runs_variable_code() =>
                {
                    severity = severity.max(if install {
                        Severity::Critical
                    } else {
                        Severity::High
                    });
                    hits.push(evidence(
                        file,
                        event,
                        format!("starts a process ({api}) while handling a download"),
                    ));
                }
                Kind::FileWrite { target }
                    if event.in_network_flow
                        && file.has(|k| matches!(k, Kind::Chmod | Kind::Exec { .. })) =>
                {
                    // Honest installers fetch their binary from a named vendor host into
                    // their own folder; droppers fetch from a bare or hidden address, or
                    // drop the file in a temporary or home folder.
                    let destination = dropper_destination(file);
                    let dropper =
                        destination.is_some() || target.as_deref().is_some_and(outside_the_package);
                    severity = severity.max(match (install, dropper) {
                        (true, true) => Severity::High,
                        _ => Severity::Medium,
                    });
                    hits.push(evidence(file, event, "writes a download to disk in a file that also makes files executable or runs them"));
                    if let Some(indicator) = destination {
                        hits.push(evidence(
                            file,
                            event,
                            format!("downloads from {}", indicator.value),
                        ));
                    }
                }
                _ => {}
            }
        }
        if hits.is_empty() || super::ignorable(code, &file.path) {
            continue;
        }
        let message = format!(
            "`{}` downloads code and runs it{}",
            file.path,
            reach_clause(code, &file.path)
        );
        out.findings
            .push(finding_with_evidence(&RULE, severity, message, hits));
    }
}

/// An address in the file that no honest installer downloads its binary from: a bare
/// IP, a paste site, tunnel, shortener, dynamic DNS name, raw code host or drop box, or
/// any URL hidden in an encoded string.
fn dropper_destination(file: &super::facts::FileFacts) -> Option<&super::strings::Indicator> {
    use super::tables::DestinationClass as Class;
    file.indicators.iter().map(|(_, i)| i).find(|indicator| {
        indicator.decoded
            || indicator.class.is_some_and(|class| {
                class.is_drop_box()
                    || matches!(
                        class,
                        Class::PublicIp
                            | Class::Shortener
                            | Class::DynamicDns
                            | Class::RawCode
                            | Class::FileHost
                    )
            })
    })
}

/// A path in a temporary folder or the home directory (as the walk resolves
/// `os.tmpdir()` and `os.homedir()`), not inside the package.
fn outside_the_package(target: &str) -> bool {
    target.starts_with("/tmp") || target.starts_with('~') || target.starts_with("/var/tmp")
}
