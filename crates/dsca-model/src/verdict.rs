//! The verdict: a deterministic function of the findings.
//!
//! Score: every finding adds its severity's weight (critical 60, high 25, medium 8,
//! low 2, info 0); the sum is capped at 100. Level: `malicious` when any finding is
//! critical; `suspicious` when the score reaches 25 (one high finding, or several
//! medium ones); `clean` otherwise. The reasons are the findings that carried the most
//! weight, highest severity first, so a report can say what drove it.

use crate::finding::Finding;
use crate::rule::Severity;
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
    /// `RULE-ID: message` for each finding that drove the verdict, strongest first.
    pub reasons: Vec<String>,
}

pub const SUSPICIOUS_THRESHOLD: u32 = 25;
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

impl Verdict {
    pub fn from_findings(findings: &[Finding]) -> Verdict {
        let score = findings
            .iter()
            .map(|f| severity_weight(f.severity))
            .sum::<u32>()
            .min(100);
        let level = if findings.iter().any(|f| f.severity == Severity::Critical) {
            VerdictLevel::Malicious
        } else if score >= SUSPICIOUS_THRESHOLD {
            VerdictLevel::Suspicious
        } else {
            VerdictLevel::Clean
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
            reasons,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::{Category, Rule};

    const RULE: Rule = Rule {
        id: "TEST001",
        name: "test",
        category: Category::Content,
        severity: Severity::Low,
        title: "t",
        problem: "p",
        next_steps: "n",
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
    }
}
