//! DSCA1003: HTTP(S) requests to hosts other than the registry.

use super::{RunContext, count, is_build_host, short};
use crate::Analysis;
use crate::code::strings::{classify_url, host_of};
use crate::code::tables::DestinationClass;
use crate::metadata::finding_with_evidence;
use dsca_model::dynamic::HttpRequest;
use dsca_model::{Category, Evidence, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA1003",
    name: "http-request-outside-registry",
    category: Category::Network,
    signal: Signal::Destination,
    severity: Severity::Medium,
    title: "Made HTTP(S) requests outside the registry while installed",
    problem: "While it ran in the sandbox, the package (or a program it started) sent HTTP \
        or HTTPS requests to hosts other than the registry. dsca answered them itself, so \
        nothing left the sandbox (a URL dependency the manifest names is fetched by dsca \
        on the host, as npm would, without anything the package sent), but the URLs show \
        what the package wanted: a second stage to download, a server to report to, or \
        data to upload.",
    next_steps: "Read the URLs and methods. A native addon fetching its prebuilt binary or \
        node headers from a known host explains itself. A script or executable fetched from \
        raw code hosting, a paste site or a bare address, or data posted to a webhook or \
        collaborator domain, is a dropper or a stealer: do not install this version.",
    severities: &[Severity::Low, Severity::Medium, Severity::High],
    catches: "every URL; high for a script or executable download, or data sent to a drop box",
};

/// File types a dropper fetches to run.
const EXECUTABLE_EXTENSIONS: &[&str] = &[
    "sh", "bash", "exe", "ps1", "py", "bin", "elf", "dll", "so", "dylib", "jar", "bat", "cmd",
    "vbs", "msi", "scr",
];

pub(crate) fn check(run: &RunContext, out: &mut Analysis) {
    let requests: Vec<&HttpRequest> = run.run.http.iter().filter(|r| !r.registry).collect();
    if requests.is_empty() {
        return;
    }
    let mut severity = Severity::Low;
    let mut evidence = Vec::new();
    let mut worst: Option<String> = None;
    for request in &requests {
        let (weight, why) = judge(request);
        if weight > severity
            && let Some(why) = &why
        {
            worst = Some(why.clone());
        }
        severity = severity.max(weight);
        let mut detail = format!(
            "{} {} → {}",
            short(&request.method, 12),
            short(&request.url, 200),
            request.status
        );
        if request.body_bytes > 0 {
            detail.push_str(&format!(" (sent {} bytes)", request.body_bytes));
        }
        detail.push_str(&format!(" to {}", short(&request.destination, 60)));
        if let Some(fetched) = &request.fetched {
            detail.push_str(&format!(" (URL dependency {})", short(fetched, 200)));
        }
        if let Some(why) = why {
            detail.push_str(&format!(": {why}"));
        }
        let mut item = Evidence::new(detail);
        if !request.body.is_empty() {
            item = item.with_snippet(short(&request.body, 160));
        }
        evidence.push(item);
    }
    let mut message = format!(
        "made {} outside the registry",
        count(requests.len(), "HTTP(S) request", "HTTP(S) requests")
    );
    if let Some(worst) = worst.filter(|_| severity >= Severity::High) {
        message.push_str(&format!(" ({worst})"));
    }
    out.findings
        .push(finding_with_evidence(&RULE, severity, message, evidence));
}

/// How much one request weighs, and why when it is more than a request.
fn judge(request: &HttpRequest) -> (Severity, Option<String>) {
    let after_scheme = request
        .url
        .split_once("://")
        .map_or(request.url.as_str(), |(_, rest)| rest);
    let host = match host_of(after_scheme) {
        host if host.is_empty() => request.host.to_ascii_lowercase(),
        host => host,
    };
    let class = classify_url(&host, after_scheme);
    let method = request.method.to_ascii_uppercase();
    let sends = matches!(method.as_str(), "POST" | "PUT" | "PATCH") || request.body_bytes > 0;
    if sends && let Some(class) = class.filter(|c| c.is_drop_box()) {
        return (
            Severity::High,
            Some(format!("sends data to {}", class.describe())),
        );
    }
    if method == "GET" || method == "HEAD" {
        let path = path_of(after_scheme);
        let file = path.rsplit('/').next().unwrap_or_default();
        let extension = file
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .filter(|e| !e.is_empty());
        if let Some(extension) = &extension
            && EXECUTABLE_EXTENSIONS.contains(&extension.as_str())
        {
            return (
                Severity::High,
                Some(format!(
                    "downloads a `.{extension}` file (a program or script)"
                )),
            );
        }
        let stage_host = matches!(
            class,
            Some(
                DestinationClass::RawCode
                    | DestinationClass::Paste
                    | DestinationClass::PublicIp
                    | DestinationClass::PrivateIp
                    | DestinationClass::Shortener
            )
        );
        if extension.is_none() && !file.is_empty() && stage_host {
            let class = class.map_or("", DestinationClass::describe);
            return (
                Severity::High,
                Some(format!(
                    "downloads a file without an extension from {class}"
                )),
            );
        }
    }
    if let Some(class) = class.filter(|c| c.is_drop_box() || *c == DestinationClass::IpLookup) {
        return (
            Severity::High,
            Some(format!("contacts {}", class.describe())),
        );
    }
    if is_build_host(&host) {
        (Severity::Low, None)
    } else {
        (Severity::Medium, None)
    }
}

/// The path of a URL without query or fragment.
fn path_of(after_scheme: &str) -> &str {
    let without_query = after_scheme
        .split(['?', '#'])
        .next()
        .unwrap_or(after_scheme);
    without_query
        .find('/')
        .map_or("", |at| &without_query[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(url: &str) -> HttpRequest {
        HttpRequest {
            phase: String::new(),
            url: url.into(),
            method: "GET".into(),
            host: String::new(),
            headers: Vec::new(),
            body: String::new(),
            body_bytes: 0,
            time_ms: 0,
            destination: "198.51.100.1:443".into(),
            pid: None,
            registry: false,
            status: 200,
            probe: false,
            fetched: None,
        }
    }

    #[test]
    fn judges_downloads() {
        assert_eq!(
            judge(&get(
                "https://nodejs.org/download/release/v20.0.0/node-v20.0.0-headers.tar.gz"
            ))
            .0,
            Severity::Low
        );
        assert_eq!(judge(&get("http://198.51.100.7/payload")).0, Severity::High);
        assert_eq!(
            judge(&get("http://cdn.example/setup.sh?x=1")).0,
            Severity::High
        );
        assert_eq!(
            judge(&get("https://api.example/v1/check")).0,
            Severity::Medium
        );
        assert_eq!(
            judge(&get("https://raw.githubusercontent.com/u/r/main/run")).0,
            Severity::High
        );
        assert_eq!(path_of("host.example/a/b?c=/d"), "/a/b");
    }
}
