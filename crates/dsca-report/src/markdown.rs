//! Markdown for a pull-request comment: one table row per package with findings or
//! errors (worst first), then each one's findings in a collapsed section.
//!
//! Package data is hostile: everything that comes from a package is escaped so it can
//! neither break the table nor inject links, images or HTML into the comment.

use dsca_model::dynamic::{DynamicAnalysis, PhaseStatus};
use dsca_model::{Report, VerdictLevel, describe_prevalence};
use std::io::{self, Write};

/// `title` heads the comment (e.g. "dsca audit of package-lock.json").
pub fn write_markdown(out: &mut dyn Write, title: &str, reports: &[Report]) -> io::Result<()> {
    let mut shown: Vec<&Report> = reports
        .iter()
        .filter(|r| !r.findings.is_empty() || r.has_errors())
        .collect();
    shown.sort_by_key(|r| {
        (
            std::cmp::Reverse(r.verdict.as_ref().map_or(0, |v| v.score)),
            r.spec.clone(),
        )
    });
    writeln!(out, "### {}\n", escape(title))?;
    writeln!(
        out,
        "{} scanned, {} with findings or errors.\n",
        crate::packages(reports.len()),
        shown.len()
    )?;
    if shown.is_empty() {
        return Ok(());
    }
    writeln!(out, "| verdict | package | dependency | findings |")?;
    writeln!(out, "| --- | --- | --- | --- |")?;
    for report in &shown {
        let findings: Vec<String> = report
            .findings
            .iter()
            .map(|f| format!("{} {} ({})", f.rule, escape(&f.name), f.severity))
            .chain(
                report
                    .errors
                    .iter()
                    .map(|e| format!("error: {}", escape(&e.code))),
            )
            .collect();
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            verdict(report),
            escape(&identity(report)),
            dependency(report),
            findings.join("<br>")
        )?;
    }
    writeln!(out)?;
    for report in &shown {
        writeln!(
            out,
            "<details><summary>{}: {}</summary>\n",
            escape(&identity(report)),
            verdict(report)
        )?;
        for finding in &report.findings {
            writeln!(
                out,
                "- **{} {}** ({}): {}",
                finding.rule,
                escape(&finding.name),
                finding.severity,
                escape(&finding.message)
            )?;
            if let Some(tiers) = &finding.prevalence {
                writeln!(out, "  - Prevalence: {}", describe_prevalence(tiers))?;
            }
            writeln!(out, "  - Next steps: {}", escape(&finding.next_steps))?;
        }
        for error in &report.errors {
            writeln!(out, "- error: {}", escape(&error.message))?;
        }
        if let Some(run) = &report.dynamic {
            dynamic_summary(out, run)?;
        }
        writeln!(out, "\n</details>\n")?;
    }
    Ok(())
}

/// Names, URLs and the like listed in the sandbox summary.
const SANDBOX_LIST_CAP: usize = 5;

/// A few lines on what the package did in the sandbox.
fn dynamic_summary(out: &mut dyn Write, run: &DynamicAnalysis) -> io::Result<()> {
    let phases: Vec<String> = run
        .phases
        .iter()
        .map(|phase| {
            let status = match (phase.status, phase.exit_code) {
                (PhaseStatus::Completed, Some(0)) => "completed".to_string(),
                (PhaseStatus::Completed, Some(code)) => format!("exited {code}"),
                (PhaseStatus::Completed, None) => "completed".to_string(),
                (PhaseStatus::Timeout, _) => "timed out".to_string(),
                (PhaseStatus::Error, _) => "failed".to_string(),
            };
            format!("{} {status}", escape(&phase.name))
        })
        .collect();
    writeln!(out, "- Sandbox: {}", phases.join(", "))?;
    let mut names: Vec<&str> = Vec::new();
    for query in run.dns.iter().filter(|q| !q.registry) {
        if !names.contains(&query.name.as_str()) {
            names.push(&query.name);
        }
    }
    // Defanged (`hxxp://`) so the comment never links to what a package fetched.
    let requests: Vec<String> = run
        .http
        .iter()
        .filter(|r| !r.registry)
        .map(|r| format!("{} {}", r.method, defang(&r.url)))
        .collect();
    let requests: Vec<&str> = requests.iter().map(String::as_str).collect();
    let programs: std::collections::BTreeSet<&str> = run
        .processes
        .iter()
        .flat_map(|p| &p.execs)
        .map(|e| e.path.rsplit('/').next().unwrap_or(&e.path))
        .collect();
    let programs: Vec<&str> = programs.into_iter().collect();
    let changes: Vec<&str> = run
        .changes_outside_project()
        .map(|e| e.path.as_str())
        .collect();
    let baits: Vec<&str> = run
        .honeytokens
        .reads
        .iter()
        .map(|r| r.path.as_str())
        .collect();
    let sent: Vec<String> = run
        .honeytokens
        .exfiltrations
        .iter()
        .map(|e| format!("{} over {} to {}", e.token, e.channel, e.destination))
        .collect();
    let sent: Vec<&str> = sent.iter().map(String::as_str).collect();
    for (what, items) in [
        ("names looked up outside the registry", &names),
        ("HTTP(S) requests outside the registry", &requests),
        ("programs run", &programs),
        ("files changed outside the project", &changes),
        ("bait credentials read", &baits),
        ("**bait credentials sent out**", &sent),
    ] {
        if items.is_empty() {
            continue;
        }
        let mut shown: Vec<String> = items
            .iter()
            .take(SANDBOX_LIST_CAP)
            .map(|item| escape(item))
            .collect();
        if items.len() > SANDBOX_LIST_CAP {
            shown.push(format!("and {} more", items.len() - SANDBOX_LIST_CAP));
        }
        writeln!(out, "  - {what} ({}): {}", items.len(), shown.join(", "))?;
    }
    let outside_connections = run
        .connections
        .iter()
        .filter(|c| c.kind != "registry")
        .count();
    if outside_connections > 0 {
        writeln!(
            out,
            "  - connections outside the registry proxy ({outside_connections})"
        )?;
    }
    Ok(())
}

/// `http://x` as `hxxp://x` (and https), so a URL is shown, never linked.
fn defang(url: &str) -> String {
    match url.get(..4) {
        Some(scheme) if scheme.eq_ignore_ascii_case("http") => format!("hxxp{}", &url[4..]),
        _ => url.to_string(),
    }
}

fn verdict(report: &Report) -> &'static str {
    match report.verdict.as_ref().map(|v| v.level) {
        Some(VerdictLevel::Malicious) => "🔴 malicious",
        Some(VerdictLevel::Suspicious) => "🟠 suspicious",
        Some(VerdictLevel::Clean) => "🟢 clean",
        None => "⚪ failed",
    }
}

fn identity(report: &Report) -> String {
    match &report.package.version {
        Some(version) if !report.package.name.is_empty() => {
            format!("{}@{version}", report.package.name)
        }
        _ => report.spec.clone(),
    }
}

fn dependency(report: &Report) -> String {
    let Some(dep) = &report.dependency else {
        return String::new();
    };
    let path = dep
        .paths
        .first()
        .map(|p| escape(&p.join(" > ")))
        .unwrap_or_default();
    let role = format!(
        "{}, {}{}",
        if dep.direct { "direct" } else { "transitive" },
        if dep.dev { "dev" } else { "prod" },
        if dep.optional { ", optional" } else { "" }
    );
    format!("{path} ({role})")
}

/// Markdown and HTML specials as entities; control characters and line breaks as spaces.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("&#124;"),
            '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '#' | '~' | '\\' | '@' => {
                // `@` too: a package name must not mention a GitHub user.
                out.push_str(&format!("&#{};", u32::from(c)));
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_everything_that_could_format() {
        assert_eq!(
            escape("a|b <img> [x](y) `c`\n@team"),
            "a&#124;b &lt;img&gt; &#91;x&#93;&#40;y&#41; &#96;c&#96; &#64;team"
        );
    }
}
