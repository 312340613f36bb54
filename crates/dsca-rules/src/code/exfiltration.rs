//! DSCA801: the code collects secrets or host details and talks to the network.

use super::facts::{FileFacts, Kind};
use super::tables::SecretWeight;
use super::{CodeContext, evidence, reach_clause};
use crate::Analysis;
use crate::metadata::cap_evidence;
use dsca_model::{Category, Evidence, Finding, Location, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA801",
    name: "exfiltration",
    category: Category::Network,
    signal: Signal::Behaviour,
    severity: Severity::High,
    title: "Collects secrets or host details and sends data over the network",
    problem: "The same code reads what an attacker wants (the whole environment with its \
        tokens, credential files such as ~/.npmrc or SSH keys, or a fingerprint of the host) \
        and opens network connections. That pairing is how install-time stealers and \
        dependency-confusion probes send their loot home.",
    next_steps: "Read the file at the lines shown and find where the collected data goes. \
        If this version was installed, rotate every credential the environment and the \
        named files held (npm, GitHub, cloud, SSH) and check the destination in your \
        network logs.",
    severities: &[Severity::Medium, Severity::High, Severity::Critical],
    catches: "the environment, tokens, credential files, payment fields or a host fingerprint, \
        plus network",
};

/// What the file collects, strongest first.
fn loot(file: &FileFacts) -> Vec<(&super::facts::Event, String, bool)> {
    let reads_files = file.has(|k| matches!(k, Kind::FileRead));
    // A list of a stealer's targets (browser logins, Discord storage, wallets) read
    // through a loop names them without building their paths in one expression.
    // So does a sweep of the credential files of several tools (npm, git, cloud, SSH).
    let mut stealer_targets: Vec<&str> = Vec::new();
    let mut credential_targets: Vec<&str> = Vec::new();
    for event in &file.events {
        if let Kind::Sensitive { what, weight, .. } = event.kind {
            match weight {
                SecretWeight::StealerOnly => stealer_targets.push(what),
                SecretWeight::Credential | SecretWeight::Plausible => {
                    credential_targets.push(what);
                }
            }
        }
    }
    stealer_targets.sort_unstable();
    stealer_targets.dedup();
    credential_targets.sort_unstable();
    credential_targets.dedup();
    let target_list = reads_files
        && (stealer_targets.len() >= 2 || stealer_targets.len() + credential_targets.len() >= 3);
    let mut found = Vec::new();
    for event in &file.events {
        let (detail, secret) = match &event.kind {
            Kind::EnvWhole => (
                "serialises the whole environment (every token in it)".to_string(),
                true,
            ),
            Kind::EnvSecret(name) => (
                format!("reads the credential `{name}` from the environment"),
                true,
            ),
            Kind::CredentialCommand(command) => (
                format!(
                    "runs `{}`, which prints a credential",
                    crate::inline_code::short(command)
                ),
                true,
            ),
            Kind::Sensitive {
                what,
                weight,
                built: true,
            } if reads_files && *weight >= SecretWeight::Plausible => {
                (format!("reads {what}"), true)
            }
            Kind::Sensitive {
                what, built: false, ..
            } if target_list => (format!("reads {what}"), true),
            Kind::Recon(what) => (format!("collects {what}"), false),
            Kind::PaymentField(name) => (format!("reads the payment-card field `{name}`"), true),
            _ => continue,
        };
        found.push((event, detail, secret));
    }
    found
}

pub(crate) fn check(code: &CodeContext, out: &mut Analysis) {
    let reported_before = out.findings.len();
    per_file(code, out);
    if out.findings.len() == reported_before {
        across_install_files(code, out);
    }
}

/// Stealers often read in one module and send from another: judge the files that run
/// at install time together.
fn across_install_files(code: &CodeContext, out: &mut Analysis) {
    let files: Vec<&FileFacts> = code
        .files
        .iter()
        .filter(|f| code.runs_on_install(&f.path))
        .collect();
    let Some(sender) = files.iter().find(|f| f.sends_network()) else {
        return;
    };
    let mut evidence_list = Vec::new();
    for file in &files {
        for (event, detail, secret) in loot(file) {
            if secret {
                evidence_list.push(evidence(file, event, detail));
            }
        }
    }
    if evidence_list.is_empty() {
        return;
    }
    if let Some(send) =
        sender.first(|k| matches!(k, Kind::Http(_) | Kind::Socket(_) | Kind::Dns { .. }))
    {
        evidence_list.push(evidence(sender, send, "sends data over the network"));
    }
    let finding = Finding::new(
        &RULE,
        "the files that run at install time collect secrets and send data over the network",
    )
    .with_severity(Severity::Critical);
    out.findings.push(
        cap_evidence(evidence_list)
            .into_iter()
            .fold(finding, Finding::with_evidence),
    );
}

fn per_file(code: &CodeContext, out: &mut Analysis) {
    for file in &code.files {
        let beacons = file.has(|k| matches!(k, Kind::BrowserBeacon(_)));
        if !(file.sends_network() || beacons) || super::ignorable(code, &file.path) {
            continue;
        }
        let loot = loot(file);
        let secrets = loot.iter().filter(|(_, _, secret)| *secret).count();
        let mut recon_kinds: Vec<&str> = loot
            .iter()
            .filter_map(|(e, _, _)| match e.kind {
                Kind::Recon(what) => Some(what),
                _ => None,
            })
            .collect();
        recon_kinds.sort_unstable();
        recon_kinds.dedup();
        let drop_box = file
            .indicators
            .iter()
            .find(|(_, i)| i.class.is_some_and(|c| c.is_drop_box()));
        let ip_lookup = file
            .indicators
            .iter()
            .any(|(_, i)| i.class == Some(super::tables::DestinationClass::IpLookup));
        let install = code.runs_on_install(&file.path);
        let sent_directly = loot
            .iter()
            .any(|(e, _, secret)| *secret && e.in_network_flow);
        // SDKs read their own credential files and call their APIs from one bundle;
        // what only a stealer does is read the whole environment, tokens or a
        // stealer's targets, or send what it read straight into a request.
        let stealer_grade = loot.iter().any(|(e, _, secret)| {
            *secret
                && matches!(
                    e.kind,
                    Kind::EnvWhole
                        | Kind::EnvSecret(_)
                        | Kind::PaymentField(_)
                        | Kind::Sensitive {
                            weight: SecretWeight::StealerOnly,
                            ..
                        }
                )
        });
        // Browser logins, chat tokens and wallets, or the credentials of three tools at
        // once, are read by nothing but stealers; code that runs by itself and also
        // sends data is one.
        let mut places: Vec<&str> = loot
            .iter()
            .filter_map(|(e, _, secret)| match e.kind {
                Kind::Sensitive { what, .. } if *secret => Some(what),
                _ => None,
            })
            .collect();
        places.sort_unstable();
        places.dedup();
        let swept = places.len() >= 3;
        let steals_stores = (swept
            || loot.iter().any(|(e, _, secret)| {
                *secret
                    && matches!(
                        e.kind,
                        Kind::Sensitive {
                            weight: SecretWeight::StealerOnly,
                            ..
                        }
                    )
            }))
            && matches!(
                code.reach(&file.path),
                super::Reach::Install | super::Reach::Entry
            );
        let severity = if secrets > 0 {
            if drop_box.is_some() || sent_directly || install || steals_stores {
                Severity::Critical
            } else if stealer_grade {
                Severity::High
            } else {
                Severity::Medium
            }
        } else if recon_kinds.len() >= 2 || (!recon_kinds.is_empty() && ip_lookup) {
            // A fingerprint sent to a host that exists to receive callbacks, from code
            // that runs by itself: the dependency-confusion probe.
            // Honest install scripts pick a binary by platform and architecture; none
            // of the top 1,000 or the active sample sends the host name or the user.
            if install || (drop_box.is_some() && code.reach(&file.path) == super::Reach::Entry) {
                Severity::Critical
            } else if install || drop_box.is_some() {
                Severity::High
            } else {
                Severity::Medium
            }
        } else {
            continue;
        };
        let mut evidence_list: Vec<Evidence> = loot
            .iter()
            .map(|(event, detail, _)| evidence(file, event, detail.clone()))
            .collect();
        if let Some(send) = file.first(|k| {
            matches!(
                k,
                Kind::Http(_) | Kind::Socket(_) | Kind::Dns { .. } | Kind::BrowserBeacon(_)
            )
        }) {
            evidence_list.push(evidence(file, send, "sends data over the network"));
        }
        if let Some((line, indicator)) = drop_box {
            evidence_list.push(
                Evidence::new(format!(
                    "names {}: {}",
                    indicator.class.map_or("", |c| c.describe()),
                    indicator.value
                ))
                .at(Location::line(file.path.as_str(), *line))
                .with_snippet(indicator.value.as_str()),
            );
        }
        let what = if secrets > 0 {
            "collects secrets"
        } else {
            "fingerprints the host"
        };
        let message = format!(
            "`{}` {what} and sends data over the network{}",
            file.path,
            reach_clause(code, &file.path)
        );
        let finding = Finding::new(&RULE, message).with_severity(severity);
        out.findings.push(
            cap_evidence(evidence_list)
                .into_iter()
                .fold(finding, Finding::with_evidence),
        );
    }
}
