//! DSCA806: network code that names a destination honest packages do not talk to.

use super::facts::Kind;
use super::strings::IndicatorKind;
use super::tables::DestinationClass;
use super::{CodeContext, raise, reach_clause};
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use dsca_model::{Category, Evidence, Location, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA806",
    name: "suspicious-destination",
    category: Category::Network,
    signal: Signal::Destination,
    severity: Severity::Medium,
    title: "Talks to a destination malware favours",
    problem: "Network code in the package names a webhook or request bin, an out-of-band \
        testing domain, a paste site, a tunnel, a TOR service, an IP-lookup service or a \
        bare IP address. Stealers and probes send data to such places because they need no \
        server of their own and are hard to trace.",
    next_steps: "Check what the code sends to the destination shown. A package has rarely \
        a reason to post to a webhook or a tunnel at run time, and none at install time.",
    severities: &[Severity::Medium, Severity::High],
    catches: "webhook, OAST, paste, tunnel, TOR, IP lookup, bare IP (TEST-NET counts as \
        public) or an address hidden in an encoded string, in code that sends (beacons \
        included) or runs a download tool (curl, wget, certutil, bitsadmin, `iwr`)",
};

fn weight(class: DestinationClass) -> Option<Severity> {
    match class {
        DestinationClass::Oast | DestinationClass::Tor | DestinationClass::Tunnel => {
            Some(Severity::High)
        }
        DestinationClass::Webhook
        | DestinationClass::Paste
        | DestinationClass::IpLookup
        | DestinationClass::DynamicDns
        | DestinationClass::PublishApi
        | DestinationClass::FileHost => Some(Severity::Medium),
        DestinationClass::PublicIp => Some(Severity::Low),
        DestinationClass::Shortener | DestinationClass::RawCode | DestinationClass::PrivateIp => {
            None
        }
    }
}

pub(crate) fn check(code: &CodeContext, out: &mut Analysis) {
    for file in &code.files {
        let beacons = file.has(|k| matches!(k, Kind::BrowserBeacon(_)));
        if !(file.sends_network() || beacons || file.downloads_with_a_tool())
            || super::ignorable(code, &file.path)
        {
            continue;
        }
        let install = code.runs_on_install(&file.path);
        let mut severity = Severity::Info;
        let mut hits = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (line, indicator) in &file.indicators {
            // A URL that only appears once a string is decoded is an address someone
            // did not want read, whatever its host.
            let (what, mut weight) = match indicator.class.and_then(|c| Some((c, weight(c)?))) {
                Some((class, weight)) => (class.describe(), weight),
                None if indicator.decoded && indicator.kind == IndicatorKind::Url => {
                    ("an address", Severity::Medium)
                }
                None => continue,
            };
            if !seen.insert(indicator.value.clone()) {
                continue;
            }
            if install {
                weight = raise(weight, Severity::High);
            }
            severity = severity.max(weight);
            let decoded = if indicator.decoded {
                " (hidden in an encoded string)"
            } else {
                ""
            };
            hits.push(
                Evidence::new(format!("names {what}{decoded}: {}", indicator.value))
                    .at(Location::line(file.path.as_str(), *line))
                    .with_snippet(indicator.value.as_str()),
            );
        }
        if hits.is_empty() || severity < Severity::Medium {
            continue;
        }
        let message = format!(
            "`{}` talks to {}{}",
            file.path,
            hits[0].detail.trim_start_matches("names "),
            reach_clause(code, &file.path)
        );
        out.findings
            .push(finding_with_evidence(&RULE, severity, message, hits));
    }
}
