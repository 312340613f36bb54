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

/// What kind of evidence a rule's findings are. The verdict asks independent kinds to
/// agree before it calls a package malicious on evidence that no single rule judged
/// critical (see [`crate::verdict`]). Serialised in kebab-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Signal {
    /// What the code does or did that an attacker needs: collects and sends secrets,
    /// downloads and runs code, hands a socket to a shell, persists, sweeps credential
    /// files, runs dropper-shaped commands.
    Behaviour,
    /// Hiding: obfuscator output, invisible or bidi characters, packed payloads, code
    /// made to defeat parsers.
    Concealment,
    /// Where the package talks to: drop boxes, out-of-band hosts, tunnels, bare IPs.
    Destination,
    /// What the package claims to be: imitated names, dependency-confusion shapes, new or
    /// changed publishers, no repository.
    Identity,
    /// How its code comes to run without anyone calling it: install scripts, implicit
    /// builds, dependencies from outside the registry, commands it shadows.
    Trigger,
    /// Whether the bytes are what was published: integrity, signatures, provenance,
    /// archive tricks, npm's malware placeholders.
    Integrity,
    /// What the tarball ships: native programs, private keys.
    Content,
    /// What dsca could not see: a sandbox phase that did not finish.
    Gap,
}

impl Signal {
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Behaviour => "behaviour",
            Signal::Concealment => "concealment",
            Signal::Destination => "destination",
            Signal::Identity => "identity",
            Signal::Trigger => "trigger",
            Signal::Integrity => "integrity",
            Signal::Content => "content",
            Signal::Gap => "gap",
        }
    }
}

impl fmt::Display for Signal {
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
    /// The kind of evidence its findings are, for the verdict.
    pub signal: Signal,
    /// The default severity; a finding may carry another one when its evidence says so.
    pub severity: Severity,
    pub title: &'static str,
    pub problem: &'static str,
    pub next_steps: &'static str,
    /// Every severity the rule's own check gives its findings, lowest first; `severity`
    /// is one of them. (The dynamic analysis lowers to low what only a called export did,
    /// and a policy may set any severity: those are not the rule's.)
    pub severities: &'static [Severity],
    /// What it catches and what moves its severity, in a line: the README's rule tables
    /// and `dsca rules` show it after the name.
    pub catches: &'static str,
}

/// What `dsca rules` shows of one YARA rule (all of them report as DSCA811).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YaraRuleInfo {
    pub name: String,
    pub severity: Severity,
    pub category: Category,
    pub description: String,
}
