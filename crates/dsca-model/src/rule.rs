use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How much a finding matters. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity `{other}` (expected info, low, medium, high or critical)"
            )),
        }
    }
}

/// What part of the supply chain a rule speaks about. Serialised in kebab-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Lifecycle scripts that npm runs on install.
    InstallScripts,
    /// Where dependencies come from and how they are declared.
    Dependencies,
    /// Names that imitate popular packages or internal ones.
    Naming,
    /// Who published what, and when.
    Publishing,
    /// Integrity, signatures, provenance and manifest consistency.
    Integrity,
    /// What the tarball holds: binaries, keys, odd entries.
    Content,
    /// How the tarball itself is built: traversal, links, duplicates.
    Archive,
    /// Network use seen in code or at run time.
    Network,
    /// Process execution and dynamic code.
    Execution,
    /// File reads and writes.
    Filesystem,
    /// Reconnaissance of the host and its user.
    Recon,
    /// Persistence on the host.
    Persistence,
    /// Obfuscation and hidden content.
    Obfuscation,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::InstallScripts => "install-scripts",
            Category::Dependencies => "dependencies",
            Category::Naming => "naming",
            Category::Publishing => "publishing",
            Category::Integrity => "integrity",
            Category::Content => "content",
            Category::Archive => "archive",
            Category::Network => "network",
            Category::Execution => "execution",
            Category::Filesystem => "filesystem",
            Category::Recon => "recon",
            Category::Persistence => "persistence",
            Category::Obfuscation => "obfuscation",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's fixed description. The id is stable forever (it is also the SARIF ruleId);
/// the name is a readable slug. `problem` and `next_steps` are the paragraphs a report
/// shows under every finding of this rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub name: &'static str,
    pub category: Category,
    /// The default severity; a finding may carry another one when its evidence says so.
    pub severity: Severity,
    pub title: &'static str,
    pub problem: &'static str,
    pub next_steps: &'static str,
}
