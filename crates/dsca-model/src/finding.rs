use crate::rule::{Category, Rule, Severity, Signal};
use serde::{Deserialize, Serialize};

/// Where in the package a piece of evidence sits. `line` and `column` are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path inside the package, relative to its root (`package/` stripped), e.g. `lib/index.js`.
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            line: None,
            column: None,
        }
    }

    pub fn line(file: impl Into<String>, line: u32) -> Self {
        Location {
            file: file.into(),
            line: Some(line),
            column: None,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// One concrete fact behind a finding: a sentence, optionally where it was seen and the
/// text that was seen there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

impl Evidence {
    pub fn new(detail: impl Into<String>) -> Self {
        Evidence {
            detail: detail.into(),
            location: None,
            snippet: None,
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Attach the text that was seen. Long snippets are cut so a report stays readable
    /// and a hostile package cannot flood it.
    pub fn with_snippet(mut self, snippet: impl Into<String>) -> Self {
        self.snippet = Some(truncate_snippet(&snippet.into(), 200));
        self
    }
}

/// Cut `text` to at most `max_chars` characters, marking the cut with an ellipsis.
pub fn truncate_snippet(text: &str, max_chars: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max_chars).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// A rule that fired on a package, with the reasons it fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The stable rule id (also the SARIF ruleId), e.g. `DSCA101`.
    pub rule: String,
    /// The rule's readable slug, e.g. `install-script`.
    pub name: String,
    pub category: Category,
    /// The kind of evidence this finding is, for the verdict (the rule's, unless the
    /// finding says otherwise, as a YARA match of an obfuscation rule does).
    #[serde(default = "default_signal")]
    pub signal: Signal,
    pub severity: Severity,
    pub title: String,
    /// What was found in this package, in one sentence.
    pub message: String,
    pub problem: String,
    pub next_steps: String,
    pub evidence: Vec<Evidence>,
    /// How common the rule is in a results store of `dsca batch`, per popularity tier,
    /// when the scan was given one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prevalence: Option<Vec<PrevalenceTier>>,
}

/// In how many packages of one popularity tier of a results store a rule fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrevalenceTier {
    /// The tier's largest popularity rank (100, 1000, 10000); `None` is every package
    /// in the store.
    pub top: Option<i64>,
    /// Packages of the tier the rule fired in.
    pub packages: i64,
    /// Packages of the tier in the store.
    pub scanned: i64,
}

/// `found in 0 of the top 100, 3 of the top 1k and 9 of all 15000 scanned packages`:
/// tiers the store has no package of are left out.
pub fn describe_prevalence(tiers: &[PrevalenceTier]) -> String {
    let parts: Vec<String> = tiers
        .iter()
        .filter(|tier| tier.scanned > 0)
        .map(|tier| match tier.top {
            Some(top) if top >= 1000 && top % 1000 == 0 => {
                format!("{} of the top {}k", tier.packages, top / 1000)
            }
            Some(top) => format!("{} of the top {top}", tier.packages),
            None => format!("{} of all {} scanned", tier.packages, tier.scanned),
        })
        .collect();
    match parts.split_last() {
        None => "no package scanned yet".to_string(),
        Some((last, [])) => format!("found in {last} packages"),
        Some((last, rest)) => format!("found in {} and {last} packages", rest.join(", ")),
    }
}

impl Finding {
    /// A finding of `rule` at the rule's default severity.
    pub fn new(rule: &Rule, message: impl Into<String>) -> Self {
        Finding {
            rule: rule.id.to_string(),
            name: rule.name.to_string(),
            category: rule.category,
            signal: rule.signal,
            severity: rule.severity,
            title: rule.title.to_string(),
            message: message.into(),
            problem: rule.problem.to_string(),
            next_steps: rule.next_steps.to_string(),
            evidence: Vec::new(),
            prevalence: None,
        }
    }

    /// Raise or lower the severity when the evidence says this case weighs differently
    /// from the rule's default.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Say what kind of evidence this finding is when it differs from its rule's.
    pub fn with_signal(mut self, signal: Signal) -> Self {
        self.signal = signal;
        self
    }

    pub fn with_evidence(mut self, evidence: Evidence) -> Self {
        self.evidence.push(evidence);
        self
    }
}

/// Reports written before findings carried a signal read back as behaviour: the kind
/// most rules are.
fn default_signal() -> Signal {
    Signal::Behaviour
}

/// Something the package does or can do, stated neutrally ("Spawns child processes"),
/// with how often and where. Behaviours are not problems by themselves; findings are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Behaviour {
    /// Stable identifier, e.g. `execution.install-script`.
    pub id: String,
    pub category: Category,
    pub description: String,
    pub count: u32,
    pub evidence: Vec<Evidence>,
}

/// `text` with every control character shown as an escape (`\n`, `\u{1b}`), so a
/// message that quotes hostile data (a tar header, a path) stays on one line.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{PrevalenceTier, describe_prevalence, one_line};

    #[test]
    fn prevalence_leaves_out_tiers_without_packages() {
        let tier = |top, packages, scanned| PrevalenceTier {
            top,
            packages,
            scanned,
        };
        assert_eq!(
            describe_prevalence(&[tier(Some(100), 0, 0), tier(None, 2, 40)]),
            "found in 2 of all 40 scanned packages"
        );
        assert_eq!(
            describe_prevalence(&[
                tier(Some(100), 1, 3),
                tier(Some(10_000), 2, 9),
                tier(None, 2, 40)
            ]),
            "found in 1 of the top 100, 2 of the top 10k and 2 of all 40 scanned packages"
        );
        assert_eq!(
            describe_prevalence(&[tier(None, 0, 0)]),
            "no package scanned yet"
        );
    }

    #[test]
    fn one_line_escapes_controls_only() {
        assert_eq!(one_line("plain é"), "plain é");
        assert_eq!(one_line("a\nb\u{1b}[2J"), "a\\nb\\u{1b}[2J");
    }
}
