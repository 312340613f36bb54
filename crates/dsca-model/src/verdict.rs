//! The verdict: one deterministic model over every finding of a package, static and
//! dynamic alike.
//!
//! Each finding is one kind of evidence (its [`Signal`]: behaviour, concealment,
//! destination, identity, trigger, integrity, content, gap) at a severity its rule has
//! already weighed by context: the same request weighs more in a file an install script
//! runs, or that the entry point loads, than in a library helper, and a source-to-sink
//! chain (credentials to network, download to execution, socket to shell) more than
//! either end alone.
//!
//! Score: every finding adds its severity's weight (critical 60, high 25, medium 8,
//! low 2, info 0); the sum is capped at 100. Level:
//! - `malicious` when a finding is critical (a rule saw a whole chain, or proof), or
//!   when high behaviour evidence is corroborated by an independent kind: concealment
//!   or a destination at medium or more, an identity or content finding at high (an
//!   imitated name, a program shipped beside an install script), or high
//!   behaviour of another step of an attack (taking credentials or host details,
//!   running code, staying on the host); or when concealment at high hides behaviour
//!   at medium. Several steps of one kind do not corroborate
//!   each other: honest installers download, unpack, chmod and run binaries. The score
//!   of a malicious package is at least 60.
//! - `suspicious` when the score reaches 25 (one high finding, or several medium ones);
//! - `clean` otherwise.
//!
//! The basis says in one sentence which of these decided; the reasons are the findings
//! that carried the most weight, highest severity first.

use crate::finding::Finding;
use crate::rule::{Category, Severity, Signal};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerdictLevel {
    Clean,
    Suspicious,
    Malicious,
}

impl VerdictLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictLevel::Clean => "clean",
            VerdictLevel::Suspicious => "suspicious",
            VerdictLevel::Malicious => "malicious",
        }
    }
}

impl fmt::Display for VerdictLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub level: VerdictLevel,
    /// 0 (nothing found) to 100.
    pub score: u32,
    /// Which part of the model decided the level, in one sentence.
    #[serde(default)]
    pub basis: String,
    /// `RULE-ID: message` for each finding that drove the verdict, strongest first.
    pub reasons: Vec<String>,
}

pub const SUSPICIOUS_THRESHOLD: u32 = 25;
/// The least score of a malicious verdict: what one critical finding gives.
const MALICIOUS_SCORE_FLOOR: u32 = 60;
const MAX_REASONS: usize = 5;

pub fn severity_weight(severity: Severity) -> u32 {
    match severity {
        Severity::Critical => 60,
        Severity::High => 25,
        Severity::Medium => 8,
        Severity::Low => 2,
        Severity::Info => 0,
    }
}

/// The least severity at which a finding of `signal` corroborates high behaviour
/// evidence; `None` for kinds that never do (how code runs is already in each
/// finding's severity; what dsca missed is no intent).
/// Behaviour corroborates behaviour only across steps of an attack (see [`Step`]).
fn corroborates_at(signal: Signal) -> Option<Severity> {
    match signal {
        Signal::Concealment | Signal::Destination => Some(Severity::Medium),
        // A program shipped in a package whose install script runs (DSCA601 high):
        // what the behaviour starts may be that very program.
        Signal::Identity | Signal::Content => Some(Severity::High),
        Signal::Behaviour | Signal::Trigger | Signal::Integrity | Signal::Gap => None,
    }
}

/// The step of an attack a behaviour finding shows, read from its category: taking
/// (credentials, files, host details, and sending them), running (processes, code,
/// downloads), staying (persistence). Honest installers download, unpack, chmod and
/// run a binary, several high findings of one step; two steps at high in one package
/// (steal and run, run and stay) is what malware does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Taking,
    Running,
    Staying,
    Other(Category),
}

fn step(category: Category) -> Step {
    match category {
        Category::Network | Category::Filesystem | Category::Recon => Step::Taking,
        Category::Execution | Category::InstallScripts => Step::Running,
        Category::Persistence => Step::Staying,
        other => Step::Other(other),
    }
}

/// The finding of the highest severity, the first of equals.
fn strongest<'a>(candidates: impl Iterator<Item = &'a Finding>) -> Option<&'a Finding> {
    candidates.fold(None, |best: Option<&Finding>, f| match best {
        Some(b) if b.severity >= f.severity => Some(b),
        _ => Some(f),
    })
}

/// A high behaviour finding and the strongest finding of another rule that
/// corroborates it, if any (the strongest such behaviour first).
fn corroborated(findings: &[Finding]) -> Option<(&Finding, &Finding)> {
    // Code hidden on purpose that does something risky: concealment at high vouches
    // for behaviour at medium (the obfuscation is why the behaviour reads as less).
    let hidden = strongest(
        findings
            .iter()
            .filter(|f| f.signal == Signal::Concealment && f.severity >= Severity::High),
    );
    if let Some(hidden) = hidden
        && let Some(behaviour) = strongest(
            findings
                .iter()
                .filter(|f| f.signal == Signal::Behaviour && f.severity >= Severity::Medium),
        )
        && behaviour.severity < Severity::High
    {
        return Some((behaviour, hidden));
    }
    let mut behaviours: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.signal == Signal::Behaviour && f.severity >= Severity::High)
        .collect();
    behaviours.sort_by_key(|f| std::cmp::Reverse(f.severity));
    behaviours.into_iter().find_map(|behaviour| {
        let witness = strongest(findings.iter().filter(|f| {
            f.rule != behaviour.rule
                && match f.signal {
                    Signal::Behaviour => {
                        f.severity >= Severity::High && step(f.category) != step(behaviour.category)
                    }
                    other => corroborates_at(other).is_some_and(|least| f.severity >= least),
                }
        }))?;
        Some((behaviour, witness))
    })
}

fn describe(finding: &Finding) -> String {
    format!(
        "{} ({}, {})",
        finding.signal, finding.rule, finding.severity
    )
}

impl Verdict {
    pub fn from_findings(findings: &[Finding]) -> Verdict {
        let sum = findings
            .iter()
            .map(|f| severity_weight(f.severity))
            .sum::<u32>()
            .min(100);
        let critical = findings.iter().find(|f| f.severity == Severity::Critical);
        let (level, basis) = if let Some(critical) = critical {
            (
                VerdictLevel::Malicious,
                format!("a critical finding: {}", describe(critical)),
            )
        } else if let Some((behaviour, witness)) = corroborated(findings) {
            (
                VerdictLevel::Malicious,
                format!(
                    "independent evidence agrees: {} and {}",
                    describe(behaviour),
                    describe(witness)
                ),
            )
        } else if sum >= SUSPICIOUS_THRESHOLD {
            (
                VerdictLevel::Suspicious,
                format!(
                    "score {sum} (suspicious from {SUSPICIOUS_THRESHOLD}), without a critical \
                     finding or corroborated high behaviour"
                ),
            )
        } else if findings.iter().any(|f| severity_weight(f.severity) > 0) {
            (
                VerdictLevel::Clean,
                format!("score {sum}, below {SUSPICIOUS_THRESHOLD}"),
            )
        } else {
            (VerdictLevel::Clean, "nothing that weighs".to_string())
        };
        let score = if level == VerdictLevel::Malicious {
            sum.max(MALICIOUS_SCORE_FLOOR)
        } else {
            sum
        };
        let mut weighty: Vec<&Finding> = findings
            .iter()
            .filter(|f| severity_weight(f.severity) > 0)
            .collect();
        // Stable sort keeps the rules' own order among equal severities.
        weighty.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let reasons = weighty
            .into_iter()
            .take(MAX_REASONS)
            .map(|f| format!("{}: {}", f.rule, f.message))
            .collect();
        Verdict {
            level,
            score,
            basis,
            reasons,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Rule;

    fn finding_of(rule: &'static str, signal: Signal, severity: Severity) -> Finding {
        finding_in(rule, signal, Category::Execution, severity)
    }

    fn finding_in(
        rule: &'static str,
        signal: Signal,
        category: Category,
        severity: Severity,
    ) -> Finding {
        let mut found = Finding::new(&RULE, format!("{rule} {severity}"))
            .with_severity(severity)
            .with_signal(signal);
        found.rule = rule.to_string();
        found.category = category;
        found
    }

    #[test]
    fn high_behaviour_alone_is_suspicious() {
        let v = Verdict::from_findings(&[finding_of("A", Signal::Behaviour, Severity::High)]);
        assert_eq!(v.level, VerdictLevel::Suspicious);
        assert!(v.basis.contains("score 25"), "{}", v.basis);
    }

    #[test]
    fn high_behaviour_with_concealment_is_malicious() {
        let v = Verdict::from_findings(&[
            finding_of("A", Signal::Behaviour, Severity::High),
            finding_of("B", Signal::Concealment, Severity::Medium),
        ]);
        assert_eq!(v.level, VerdictLevel::Malicious);
        assert_eq!(v.score, 60);
        assert_eq!(
            v.basis,
            "independent evidence agrees: behaviour (A, high) and concealment (B, medium)"
        );
    }

    #[test]
    fn corroboration_needs_another_rule_and_enough_weight() {
        // Two findings of one rule are one piece of evidence.
        let same_rule = Verdict::from_findings(&[
            finding_of("A", Signal::Behaviour, Severity::High),
            finding_of("A", Signal::Behaviour, Severity::High),
        ]);
        assert_eq!(same_rule.level, VerdictLevel::Suspicious);
        // A medium identity finding (a new package) does not corroborate.
        let weak = Verdict::from_findings(&[
            finding_of("A", Signal::Behaviour, Severity::High),
            finding_of("B", Signal::Identity, Severity::Medium),
            finding_of("C", Signal::Trigger, Severity::High),
            finding_of("D", Signal::Gap, Severity::High),
        ]);
        assert_eq!(weak.level, VerdictLevel::Suspicious);
        // Concealment vouches for medium behaviour only at high.
        let hidden = Verdict::from_findings(&[
            finding_of("A", Signal::Behaviour, Severity::Medium),
            finding_of("B", Signal::Concealment, Severity::Medium),
            finding_of("C", Signal::Concealment, Severity::Medium),
        ]);
        assert_eq!(hidden.level, VerdictLevel::Clean);
        let hidden = Verdict::from_findings(&[
            finding_of("A", Signal::Behaviour, Severity::Medium),
            finding_of("B", Signal::Concealment, Severity::High),
        ]);
        assert_eq!(hidden.level, VerdictLevel::Malicious);
        assert_eq!(
            hidden.basis,
            "independent evidence agrees: behaviour (A, medium) and concealment (B, high)"
        );
        // Download, unpack and run: an honest installer's steps, not corroboration.
        let two_steps = Verdict::from_findings(&[
            finding_of("A", Signal::Behaviour, Severity::High),
            finding_of("B", Signal::Behaviour, Severity::High),
        ]);
        assert_eq!(two_steps.level, VerdictLevel::Suspicious);
        // Taking credentials and running code are two steps of an attack.
        let steal_and_run = Verdict::from_findings(&[
            finding_in("A", Signal::Behaviour, Category::Execution, Severity::High),
            finding_in("B", Signal::Behaviour, Category::Network, Severity::High),
        ]);
        assert_eq!(steal_and_run.level, VerdictLevel::Malicious);
        let lookalike = Verdict::from_findings(&[
            finding_of("A", Signal::Behaviour, Severity::High),
            finding_of("B", Signal::Identity, Severity::High),
        ]);
        assert_eq!(lookalike.level, VerdictLevel::Malicious);
    }

    const RULE: Rule = Rule {
        id: "TEST001",
        name: "test",
        category: Category::Content,
        signal: Signal::Behaviour,
        severity: Severity::Low,
        title: "t",
        problem: "p",
        next_steps: "n",
        severities: &[Severity::Low],
        catches: "c",
    };

    fn finding(severity: Severity) -> Finding {
        Finding::new(&RULE, format!("{severity} thing")).with_severity(severity)
    }

    #[test]
    fn no_findings_is_clean_with_zero_score() {
        let v = Verdict::from_findings(&[]);
        assert_eq!(v.level, VerdictLevel::Clean);
        assert_eq!(v.score, 0);
        assert!(v.reasons.is_empty());
    }

    #[test]
    fn low_findings_stay_clean() {
        let v = Verdict::from_findings(&[finding(Severity::Low), finding(Severity::Low)]);
        assert_eq!(v.level, VerdictLevel::Clean);
        assert_eq!(v.score, 4);
    }

    #[test]
    fn one_high_is_suspicious() {
        let v = Verdict::from_findings(&[finding(Severity::Low), finding(Severity::High)]);
        assert_eq!(v.level, VerdictLevel::Suspicious);
        assert_eq!(v.reasons[0], "TEST001: high thing");
    }

    #[test]
    fn critical_is_malicious_and_score_is_capped() {
        let v = Verdict::from_findings(&[finding(Severity::Critical), finding(Severity::Critical)]);
        assert_eq!(v.level, VerdictLevel::Malicious);
        assert_eq!(v.score, 100);
        assert!(v.basis.starts_with("a critical finding"), "{}", v.basis);
    }
}
