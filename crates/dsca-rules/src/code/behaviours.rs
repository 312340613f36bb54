//! Facts summarised as neutral behaviours ("Spawns child processes"), one per kind,
//! with how often and where.

use super::CodeContext;
use super::facts::{EvalSource, Kind};
use crate::metadata::cap_evidence;
use dsca_model::{Behaviour, Category, Evidence, Location};
use std::collections::BTreeMap;

/// The behaviour an event belongs to: (id, category, sentence).
fn behaviour_of(kind: &Kind) -> Option<(&'static str, Category, &'static str)> {
    Some(match kind {
        Kind::Http(_) => ("network.http", Category::Network, "Makes HTTP requests"),
        Kind::Socket(_) => ("network.socket", Category::Network, "Opens network sockets"),
        Kind::Dns {
            built_from_data: false,
        } => ("network.dns", Category::Network, "Resolves host names"),
        Kind::Dns {
            built_from_data: true,
        } => (
            "network.dns-from-data",
            Category::Network,
            "Makes DNS lookups built from data",
        ),
        Kind::Exec { .. } => (
            "execution.child-process",
            Category::Execution,
            "Spawns child processes",
        ),
        Kind::Eval {
            source: EvalSource::Dynamic,
            ..
        } => (
            "execution.eval",
            Category::Execution,
            "Evaluates dynamically built code",
        ),
        Kind::Eval {
            source: EvalSource::Decoded,
            ..
        } => (
            "execution.eval-decoded",
            Category::Execution,
            "Evaluates decoded code",
        ),
        Kind::Eval {
            source: EvalSource::Network,
            ..
        } => (
            "execution.eval-downloaded",
            Category::Execution,
            "Evaluates downloaded code",
        ),
        Kind::ComputedRequire => (
            "execution.dynamic-require",
            Category::Execution,
            "Loads modules whose names are computed at run time",
        ),
        Kind::DynamicImport => (
            "execution.dynamic-import",
            Category::Execution,
            "Imports modules whose names are computed at run time",
        ),
        Kind::HiddenModule { .. } => (
            "obfuscation.hidden-module",
            Category::Obfuscation,
            "Hides the names of the modules it loads",
        ),
        Kind::ProcessBinding => (
            "execution.process-binding",
            Category::Execution,
            "Uses Node's internal bindings or loads native code directly",
        ),
        Kind::Decode(_) => (
            "obfuscation.decode",
            Category::Obfuscation,
            "Decodes base64, hex or encrypted data",
        ),
        Kind::EnvWhole => (
            "recon.environment",
            Category::Recon,
            "Serialises or enumerates the whole environment",
        ),
        Kind::EnvSecret(_) => (
            "recon.environment-secrets",
            Category::Recon,
            "Reads credentials from environment variables",
        ),
        Kind::EnvRead => (
            "recon.environment-read",
            Category::Recon,
            "Reads environment variables",
        ),
        Kind::FileRead => ("filesystem.read", Category::Filesystem, "Reads files"),
        Kind::FileWrite { .. } => ("filesystem.write", Category::Filesystem, "Writes files"),
        Kind::Chmod => (
            "filesystem.chmod",
            Category::Filesystem,
            "Changes file permissions",
        ),
        Kind::Delete { .. } => (
            "filesystem.delete",
            Category::Filesystem,
            "Deletes files or folders",
        ),
        Kind::CredentialCommand(_) => (
            "recon.credential-command",
            Category::Recon,
            "Runs commands that print credentials (gh auth token, a keychain look-up)",
        ),
        Kind::Sensitive { .. } => (
            "filesystem.sensitive",
            Category::Filesystem,
            "Reads sensitive files (~/.npmrc, ~/.ssh, ~/.aws ...)",
        ),
        Kind::Recon(_) => (
            "recon.host",
            Category::Recon,
            "Collects host details (host name, user, network interfaces)",
        ),
        Kind::Persistence(_) => (
            "persistence.location",
            Category::Persistence,
            "Names persistence locations (crontab, shell rc files, Run keys, launch agents)",
        ),
        Kind::ShellCommand { .. } => (
            "execution.shell-command",
            Category::Execution,
            "Holds risky shell commands",
        ),
        Kind::PaymentField(_) => (
            "recon.payment-fields",
            Category::Recon,
            "Looks for payment-card form fields",
        ),
        Kind::BrowserBeacon(_) => (
            "network.browser-beacon",
            Category::Network,
            "Sends browser requests through injected elements or beacons",
        ),
        Kind::Pipe
        | Kind::ListDir(_)
        | Kind::EndlessLoop
        | Kind::GeoTarget(_)
        | Kind::LocaleRead => return None,
    })
}

pub(crate) fn summarise(code: &CodeContext) -> Vec<Behaviour> {
    let mut grouped: BTreeMap<&'static str, (Category, &'static str, u32, Vec<Evidence>)> =
        BTreeMap::new();
    for file in &code.files {
        for event in &file.events {
            let Some((id, category, sentence)) = behaviour_of(&event.kind) else {
                continue;
            };
            let entry = grouped
                .entry(id)
                .or_insert_with(|| (category, sentence, 0, Vec::new()));
            entry.2 = entry.2.saturating_add(1);
            if entry.3.len() <= crate::metadata::MAX_EVIDENCE {
                entry.3.push(
                    Evidence::new(detail(&event.kind))
                        .at(Location::line(file.path.as_str(), event.line))
                        .with_snippet(event.snippet.as_str()),
                );
            }
        }
    }
    grouped
        .into_iter()
        .map(|(id, (category, description, count, evidence))| Behaviour {
            id: id.to_string(),
            category,
            description: description.to_string(),
            count,
            evidence: cap_evidence(evidence),
        })
        .collect()
}

fn detail(kind: &Kind) -> String {
    match kind {
        Kind::Http(api) | Kind::Socket(api) | Kind::BrowserBeacon(api) => format!("uses {api}"),
        Kind::PaymentField(name) => format!("names the field `{name}`"),
        Kind::Exec {
            api,
            command: Some(command),
        } => format!("{api} runs `{}`", crate::inline_code::short(command)),
        Kind::Exec { api, command: None } => api.clone(),
        Kind::Eval { api, .. } => api.clone(),
        Kind::HiddenModule { module, how } => format!("loads `{module}`, its name {how}"),
        Kind::Decode(what) => format!("decodes {what}"),
        Kind::EnvSecret(name) => format!("reads `{name}`"),
        Kind::CredentialCommand(command) => {
            format!("runs `{}`", crate::inline_code::short(command))
        }
        Kind::Sensitive { what, .. } => format!("names {what}"),
        Kind::Recon(what) => format!("reads {what}"),
        Kind::Persistence(what) => format!("names {what}"),
        Kind::ShellCommand { reason, .. } => reason.clone(),
        Kind::FileWrite {
            target: Some(target),
        } => format!("writes `{}`", crate::inline_code::short(target)),
        Kind::Delete {
            target: Some(target),
            ..
        } => format!("deletes `{}`", crate::inline_code::short(target)),
        _ => "seen here".into(),
    }
}
