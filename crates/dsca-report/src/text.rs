//! The text printer: a report for a person at a terminal.
//!
//! Every string that can come from a package (and, defensively, every other string of
//! the report) passes through [`sanitize_for_terminal`] before it is printed, so the
//! output with colour off never contains an escape character.

mod dynamic;

use crate::sanitize::sanitize_for_terminal;
use dsca_model::{
    Behaviour, Evidence, Finding, Report, Severity, Source, VerdictLevel, describe_prevalence,
};
use owo_colors::Style;
use std::fmt::Write as _;
use std::io::{self, Write};

/// How the text printer renders. Built by the CLI, which decides colour support
/// (TTY, `NO_COLOR`, `CLICOLOR_FORCE`); the printer never probes the terminal itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// Emit ANSI colours and bold.
    pub color: bool,
    /// Show every evidence line and the tarball integrity instead of a summary.
    pub verbose: bool,
}

/// Paragraphs are wrapped to this many columns, indentation included.
const WRAP_WIDTH: usize = 88;
/// Evidence lines shown per behaviour unless verbose.
const BEHAVIOUR_EVIDENCE_CAP: usize = 5;
/// Width of the labels in a report's header block (`description:` plus padding).
const LABEL_WIDTH: usize = 14;
/// Characters of the package description shown unless verbose: it is package data and
/// can be arbitrarily long.
const DESCRIPTION_CAP: usize = 160;

/// Write one block per report, separated by blank lines; more than one report (or none)
/// is followed by a one-line summary of the verdicts.
pub fn write_text(
    out: &mut dyn Write,
    reports: &[Report],
    options: &TextOptions,
) -> io::Result<()> {
    let printer = Printer { options: *options };
    for (i, report) in reports.iter().enumerate() {
        let mut buf = String::new();
        if i > 0 {
            buf.push('\n');
        }
        printer.report(&mut buf, report);
        out.write_all(buf.as_bytes())?;
    }
    if reports.len() != 1 {
        let mut buf = String::new();
        if !reports.is_empty() {
            buf.push('\n');
        }
        printer.summary(&mut buf, reports);
        out.write_all(buf.as_bytes())?;
    }
    Ok(())
}

struct Printer {
    options: TextOptions,
}

// Rendering goes into a String: `fmt::Write` for String cannot fail, so the results of
// `write!`/`writeln!` below are deliberately ignored, and each report reaches `out` in
// a single write.
impl Printer {
    fn paint(&self, text: &str, style: Style) -> String {
        if self.options.color {
            style.style(text).to_string()
        } else {
            text.to_string()
        }
    }

    fn report(&self, buf: &mut String, report: &Report) {
        self.header(buf, report);
        self.findings(buf, report);
        self.behaviours(buf, &report.behaviours);
        if let Some(run) = &report.dynamic {
            self.dynamic(buf, run);
        }
        self.errors(buf, report);
    }

    fn header(&self, buf: &mut String, report: &Report) {
        let _ = writeln!(
            buf,
            "{}",
            self.paint(&clean(&identity(report)), Style::new().bold())
        );
        let package = &report.package;
        if let Some(description) = package
            .description
            .as_deref()
            .filter(|d| !d.trim().is_empty())
        {
            let cap = if self.options.verbose {
                usize::MAX
            } else {
                DESCRIPTION_CAP
            };
            label(buf, "description", &clean(&truncate(description, cap)));
        }
        if package.name.is_empty() || package.version.is_none() {
            // The spec is the only hint of what was asked for when the name or version
            // never got resolved.
            label(buf, "spec", &clean(&report.spec));
        }
        if let Some(purl) = &package.purl {
            label(buf, "purl", &clean(purl));
        }
        if let Some(published) = &package.published {
            label(buf, "published", &clean(published));
        }
        label(buf, "source", &source_text(&report.source));
        if let Some(dependency) = &report.dependency {
            let role = [
                Some(if dependency.direct {
                    "direct"
                } else {
                    "transitive"
                }),
                Some(if dependency.dev { "dev" } else { "prod" }),
                dependency.optional.then_some("optional"),
            ];
            let role: Vec<&str> = role.into_iter().flatten().collect();
            label(buf, "dependency", &role.join(", "));
            for (i, path) in dependency.paths.iter().enumerate() {
                let name = if i == 0 { "path" } else { "" };
                label(buf, name, &clean(&path.join(" > ")));
            }
        }
        if let Some(integrity) = package.integrity.as_ref().filter(|_| self.options.verbose) {
            label(buf, "integrity", &clean(integrity));
        }
        match &report.verdict {
            Some(verdict) => {
                let (style, word) = match verdict.level {
                    VerdictLevel::Clean => (Style::new().green().bold(), "CLEAN"),
                    VerdictLevel::Suspicious => (Style::new().yellow().bold(), "SUSPICIOUS"),
                    VerdictLevel::Malicious => (Style::new().red().bold(), "MALICIOUS"),
                };
                let value = format!("{} (score {}/100)", self.paint(word, style), verdict.score);
                label(buf, "verdict", &value);
                // Which part of the model decided, when it is more than the score.
                if verdict.level == VerdictLevel::Malicious && !verdict.basis.is_empty() {
                    label(buf, "decided by", &clean(&verdict.basis));
                }
                for (i, reason) in verdict.reasons.iter().enumerate() {
                    let name = if i == 0 { "because" } else { "" };
                    label(buf, name, &clean(reason));
                }
            }
            None if report.is_incomplete() => {
                let word = self.paint("INCOMPLETE", Style::new().magenta().bold());
                label(
                    buf,
                    "verdict",
                    &format!("{word} (the package could not be fully analysed: see the errors)"),
                );
            }
            None => {
                let failed = self.paint("FAILED", Style::new().magenta().bold());
                label(
                    buf,
                    "verdict",
                    &format!("{failed} (the scan did not complete)"),
                );
            }
        }
    }

    fn findings(&self, buf: &mut String, report: &Report) {
        buf.push('\n');
        if report.findings.is_empty() {
            let line = if report.verdict.is_some() {
                "No issues found."
            } else if report.is_incomplete() {
                "Not fully analysed: nothing was found in what could be read (see the errors below)."
            } else {
                "Not analysed: the scan failed before any analysis could run."
            };
            let _ = writeln!(buf, "{line}");
            return;
        }
        // Most severe first whatever order the report carries; the stable sort keeps the
        // report's own order within one severity.
        let mut findings: Vec<&Finding> = report.findings.iter().collect();
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let count = findings.len();
        let noun = if count == 1 { "issue" } else { "issues" };
        let _ = writeln!(
            buf,
            "{}",
            self.paint(&format!("{count} {noun}"), Style::new().bold())
        );
        for finding in findings {
            buf.push('\n');
            self.finding(buf, finding);
        }
    }

    fn finding(&self, buf: &mut String, finding: &Finding) {
        let tag = format!("[{}]", finding.severity.as_str().to_ascii_uppercase());
        let _ = writeln!(
            buf,
            "{} {} {} — {}",
            self.paint(&tag, severity_style(finding.severity)),
            self.paint(&clean(&finding.rule), Style::new().bold()),
            clean(&finding.name),
            clean(&finding.message),
        );
        for evidence in &finding.evidence {
            self.evidence(buf, evidence, "    ", true);
        }
        if let Some(tiers) = &finding.prevalence {
            let _ = writeln!(
                buf,
                "    {} {}",
                self.paint("Prevalence:", Style::new().bold()),
                describe_prevalence(tiers)
            );
        }
        for (heading, text) in [
            ("Problem:", &finding.problem),
            ("Next steps:", &finding.next_steps),
        ] {
            if text.trim().is_empty() {
                continue;
            }
            let _ = writeln!(buf, "    {}", self.paint(heading, Style::new().bold()));
            wrap_into(buf, text, "      ", WRAP_WIDTH);
        }
    }

    /// `- file:line: detail`, then the snippet on its own line when asked for.
    fn evidence(&self, buf: &mut String, evidence: &Evidence, indent: &str, snippet: bool) {
        let _ = write!(buf, "{indent}- ");
        if let Some(location) = &evidence.location {
            let _ = write!(
                buf,
                "{}: ",
                self.paint(&clean(&location.to_string()), Style::new().cyan())
            );
        }
        let _ = writeln!(buf, "{}", clean(&evidence.detail));
        if let Some(text) = evidence.snippet.as_deref().filter(|_| snippet) {
            let _ = writeln!(
                buf,
                "{indent}    {}",
                self.paint(&format!("| {}", clean(text)), Style::new().dimmed())
            );
        }
    }

    fn behaviours(&self, buf: &mut String, behaviours: &[Behaviour]) {
        if behaviours.is_empty() {
            return;
        }
        buf.push('\n');
        let _ = writeln!(buf, "{}", self.paint("Behaviours", Style::new().bold()));
        let mut sorted: Vec<&Behaviour> = behaviours.iter().collect();
        sorted.sort_by_key(|b| b.category);
        let mut current = None;
        for behaviour in sorted {
            if current != Some(behaviour.category) {
                current = Some(behaviour.category);
                let in_category = behaviours
                    .iter()
                    .filter(|b| b.category == behaviour.category)
                    .count();
                let _ = writeln!(
                    buf,
                    "  {} ({in_category})",
                    self.paint(behaviour.category.as_str(), Style::new().bold())
                );
            }
            let times = if behaviour.count == 1 {
                "time"
            } else {
                "times"
            };
            let _ = writeln!(
                buf,
                "    {} ({} {times}) [{}]",
                clean(&behaviour.description),
                behaviour.count,
                clean(&behaviour.id),
            );
            let cap = if self.options.verbose {
                usize::MAX
            } else {
                BEHAVIOUR_EVIDENCE_CAP
            };
            for evidence in behaviour.evidence.iter().take(cap) {
                self.evidence(buf, evidence, "      ", self.options.verbose);
            }
            let hidden = behaviour.evidence.len().saturating_sub(cap);
            if hidden > 0 {
                let _ = writeln!(
                    buf,
                    "      … and {hidden} more (use verbose output to see all)"
                );
            }
        }
    }

    fn errors(&self, buf: &mut String, report: &Report) {
        if report.errors.is_empty() {
            return;
        }
        buf.push('\n');
        for error in &report.errors {
            let _ = writeln!(
                buf,
                "{}: {}: {}",
                self.paint("error", Style::new().red().bold()),
                clean(&error.code),
                clean(&error.message),
            );
        }
    }

    fn summary(&self, buf: &mut String, reports: &[Report]) {
        let level = |level| {
            reports
                .iter()
                .filter(|r| r.verdict.as_ref().map(|v| v.level) == Some(level))
                .count()
        };
        let failed = reports.iter().filter(|r| r.verdict.is_none()).count();
        let noun = if reports.len() == 1 {
            "package"
        } else {
            "packages"
        };
        let _ = writeln!(
            buf,
            "{} {noun}: {} malicious, {} suspicious, {} clean, {failed} failed",
            reports.len(),
            level(VerdictLevel::Malicious),
            level(VerdictLevel::Suspicious),
            level(VerdictLevel::Clean),
        );
    }
}

/// At most `max` characters of `text`, an ellipsis marking a cut.
fn truncate(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]).into(),
        None => text.into(),
    }
}

fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    sanitize_for_terminal(text)
}

/// `name@version`, the name alone, or the spec when not even the name is known.
fn identity(report: &Report) -> String {
    let package = &report.package;
    match (&package.version, package.name.is_empty()) {
        (_, true) => report.spec.clone(),
        (Some(version), false) => format!("{}@{version}", package.name),
        (None, false) => package.name.clone(),
    }
}

fn source_text(source: &Source) -> String {
    match source {
        Source::Registry { registry, tarball } if tarball.is_empty() => {
            format!(
                "{} (no tarball: the registry no longer serves this version)",
                clean(registry)
            )
        }
        Source::Registry { tarball, .. } => clean(tarball).into_owned(),
        Source::Tarball { path } => format!("tarball {}", clean(path)),
        Source::Directory { path } => format!("directory {}", clean(path)),
        Source::None => "none (nothing was fetched)".to_string(),
        Source::Capture { path } => format!("capture {}", clean(path)),
    }
}

/// One header line: `  label:      value`, or a continuation line when `name` is empty.
fn label(buf: &mut String, name: &str, value: &str) {
    let name = if name.is_empty() {
        String::new()
    } else {
        format!("{name}:")
    };
    let _ = writeln!(buf, "  {name:<LABEL_WIDTH$}{value}");
}

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Critical => Style::new().red().bold(),
        Severity::High => Style::new().red(),
        Severity::Medium => Style::new().yellow(),
        Severity::Low => Style::new().cyan(),
        Severity::Info => Style::new().dimmed(),
    }
}

/// Greedy word wrap of `text` to `width` columns (counted in chars), each line starting
/// with `indent`. Any whitespace, newlines included, separates words; a word longer than
/// the line gets a line of its own rather than being split.
fn wrap_into(buf: &mut String, text: &str, indent: &str, width: usize) {
    let room = width.saturating_sub(indent.chars().count()).max(1);
    let mut line = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let word = clean(word);
        let word_len = word.chars().count();
        if line_len > 0 && line_len + 1 + word_len > room {
            let _ = writeln!(buf, "{indent}{line}");
            line.clear();
            line_len = 0;
        }
        if line_len > 0 {
            line.push(' ');
            line_len += 1;
        }
        line.push_str(&word);
        line_len += word_len;
    }
    if line_len > 0 {
        let _ = writeln!(buf, "{indent}{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "hé…");
        assert_eq!(truncate("héllo", 5), "héllo");
    }

    #[test]
    fn wraps_at_width_and_keeps_long_words_whole() {
        let mut buf = String::new();
        wrap_into(&mut buf, "aaa bbb\nccc ddddddddddd e", "  ", 10);
        assert_eq!(buf, "  aaa bbb\n  ccc\n  ddddddddddd\n  e\n");
    }

    #[test]
    fn wrap_escapes_controls_inside_words() {
        let mut buf = String::new();
        wrap_into(&mut buf, "a\x1b[2Jb", "", 80);
        assert_eq!(buf, "a\\u{1b}[2Jb\n");
    }
}
