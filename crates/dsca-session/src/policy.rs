//! The policy file, `dsca.toml`: the fail-on threshold, the install guard's
//! `run-scripts-below`, rules switched off or given another severity, and `ignore` /
//! `allow` entries (by package, version range and rule id, each with a reason and an
//! optional expiry date).
//!
//! Unknown keys and bad values are errors naming the file, line and column: a typo in a
//! policy must never silently weaken it.

use anyhow::bail;
use dsca_model::{Report, Severity};
use nodejs_semver::{Range, Version};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use time::Date;

pub const FILE_NAME: &str = "dsca.toml";

/// Written by `dsca policy init`.
pub const STARTER: &str = r#"# dsca policy: read by `dsca audit` from the project directory (or --config FILE).
# Unknown keys and bad values are errors, so a typo never weakens the policy.

# Exit with status 1 when a finding is at or above this severity
# (info, low, medium, high, critical). --fail-on on the command line wins.
fail-on = "high"

# `dsca npm install`: run a package's install scripts only when all its findings are
# below this severity (default medium); the others install with their scripts off.
# run-scripts-below = "medium"

# Switch rules off, or give them another severity. Ids: `dsca rules`.
[rules]
# DSCA401 = "off"         # new packages are fine here
# DSCA101 = "info"        # install scripts are expected in this project

# Findings to drop from reports. `package`, `version` (an npm range) and `rule` narrow
# the entry; at least one is required, and so is `reason`. After `expires` the entry
# stops applying and dsca says so.
# [[ignore]]
# package = "left-pad"
# version = "^1.3"
# rule = "DSCA403"
# reason = "publisher change reviewed in SEC-123"
# expires = "2026-12-31"

# Findings to keep in reports but never fail on (shown as info, with the reason).
# [[allow]]
# package = "esbuild"
# rule = "DSCA101"
# reason = "downloads its platform binary at install; reviewed"
"#;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PolicyFile {
    fail_on: Option<String>,
    run_scripts_below: Option<String>,
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    ignore: Vec<EntryFile>,
    #[serde(default)]
    allow: Vec<EntryFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    package: Option<String>,
    version: Option<String>,
    rule: Option<String>,
    reason: String,
    expires: Option<toml::value::Datetime>,
}

#[derive(Debug, Clone)]
pub struct Entry {
    package: Option<String>,
    version: Option<Range>,
    rule: Option<String>,
    reason: String,
}

impl Entry {
    fn matches(&self, name: &str, version: Option<&str>, rule: Option<&str>) -> bool {
        self.package.as_deref().is_none_or(|p| p == name)
            && self.version.as_ref().is_none_or(|range| {
                version
                    .and_then(|v| Version::parse(v).ok())
                    .is_some_and(|v| range.satisfies(&v))
            })
            && self.rule.as_deref().is_none_or(|r| Some(r) == rule)
    }
}

/// A validated policy. The default policy changes nothing.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub fail_on: Option<Severity>,
    /// `dsca npm`: install scripts run only for packages whose findings are all below.
    pub run_scripts_below: Option<Severity>,
    /// Rule id -> `None` for off, or the severity to report it at.
    rules: BTreeMap<String, Option<Severity>>,
    ignore: Vec<Entry>,
    allow: Vec<Entry>,
    /// The entries left out because they expired, one line each.
    expired: Vec<String>,
}

impl Policy {
    /// The entries left out because they expired (`file: the [[ignore]] entry ...`).
    pub fn expired(&self) -> &[String] {
        &self.expired
    }

    /// `--config FILE`, else `dsca.toml` in the project directory, else no policy.
    pub fn load(config: Option<&Path>, project_dir: &Path) -> anyhow::Result<Policy> {
        let path: PathBuf = match config {
            Some(path) => path.to_path_buf(),
            None => {
                let path = project_dir.join(FILE_NAME);
                if !path.is_file() {
                    return Ok(Policy::default());
                }
                path
            }
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))?;
        Policy::parse(&text, &path.display().to_string(), today()?)
    }

    /// Parse and validate; errors read `file:line:column: message`.
    pub fn parse(text: &str, file: &str, today: Date) -> anyhow::Result<Policy> {
        let raw: PolicyFile = toml::from_str(text).map_err(|err| {
            let (line, column) = err
                .span()
                .map(|span| line_column(text, span.start))
                .unwrap_or((1, 1));
            anyhow::anyhow!("{file}:{line}:{column}: {}", err.message().trim())
        })?;
        // Values the types could not check: positions come from the key's first mention.
        let at = |needle: &str, message: String| {
            let (line, column) = text.find(needle).map_or((1, 1), |o| line_column(text, o));
            anyhow::anyhow!("{file}:{line}:{column}: {message}")
        };
        let mut policy = Policy::default();
        for (key, value, slot) in [
            ("fail-on", &raw.fail_on, &mut policy.fail_on),
            (
                "run-scripts-below",
                &raw.run_scripts_below,
                &mut policy.run_scripts_below,
            ),
        ] {
            if let Some(value) = value {
                *slot = Some(
                    value
                        .parse()
                        .map_err(|err: String| at(key, format!("{key}: {err}")))?,
                );
            }
        }
        for (id, value) in &raw.rules {
            if dsca_rules::rule_by_id(id).is_none() {
                return Err(at(
                    id,
                    format!("[rules]: no rule `{id}` (see `dsca rules`)"),
                ));
            }
            let setting = if value == "off" {
                None
            } else {
                Some(
                    value
                        .parse()
                        .map_err(|err: String| at(id, format!("[rules] {id}: {err}, or `off`")))?,
                )
            };
            policy.rules.insert(id.clone(), setting);
        }
        let mut expired = Vec::new();
        for (table, entries, out) in [
            ("ignore", &raw.ignore, &mut policy.ignore),
            ("allow", &raw.allow, &mut policy.allow),
        ] {
            for entry in entries {
                let needle = format!("[[{table}]]");
                if entry.package.is_none() && entry.version.is_none() && entry.rule.is_none() {
                    return Err(at(
                        &needle,
                        format!("[[{table}]] needs at least one of `package`, `version`, `rule`"),
                    ));
                }
                if entry.reason.trim().is_empty() {
                    return Err(at(&needle, format!("[[{table}]]: `reason` is empty")));
                }
                if let Some(rule) = &entry.rule
                    && dsca_rules::rule_by_id(rule).is_none()
                {
                    return Err(at(rule, format!("[[{table}]]: no rule `{rule}`")));
                }
                let version = match &entry.version {
                    Some(range) => Some(Range::parse(range).map_err(|_| {
                        at(
                            range,
                            format!("[[{table}]]: `{range}` is not an npm version range"),
                        )
                    })?),
                    None => None,
                };
                if let Some(expires) = &entry.expires {
                    let Some(date) = expires.date.and_then(|d| {
                        Date::from_calendar_date(
                            i32::from(d.year),
                            time::Month::try_from(d.month).ok()?,
                            d.day,
                        )
                        .ok()
                    }) else {
                        return Err(at(
                            &needle,
                            format!("[[{table}]]: `expires` must be a date (2026-12-31)"),
                        ));
                    };
                    if date < today {
                        expired.push(format!(
                            "{file}: the [[{table}]] entry \"{}\" expired on {expires}; it no longer applies",
                            entry.reason
                        ));
                        continue;
                    }
                }
                out.push(Entry {
                    package: entry.package.clone(),
                    version,
                    rule: entry.rule.clone(),
                    reason: entry.reason.clone(),
                });
            }
        }
        policy.expired = expired;
        Ok(policy)
    }

    /// An `ignore` entry without a rule drops the whole package from the audit.
    pub fn is_ignored_package(&self, name: &str, version: &str) -> bool {
        self.ignore.iter().any(|e| {
            e.rule.is_none() && e.package.is_some() && e.matches(name, Some(version), None)
        })
    }

    /// Rules off, severities overridden, findings ignored or allowed. The caller
    /// finalizes the report (ordering and verdict) afterwards.
    pub fn apply(&self, report: &mut Report) {
        let name = report.package.name.clone();
        let version = report.package.version.clone();
        report.findings.retain_mut(|finding| {
            if let Some(setting) = self.rules.get(&finding.rule) {
                match setting {
                    None => return false,
                    Some(severity) => finding.severity = *severity,
                }
            }
            let matching = |entries: &[Entry]| {
                entries
                    .iter()
                    .find(|e| e.matches(&name, version.as_deref(), Some(&finding.rule)))
                    .map(|e| e.reason.clone())
            };
            if matching(&self.ignore).is_some() {
                return false;
            }
            if let Some(reason) = matching(&self.allow) {
                finding.severity = Severity::Info;
                finding.message = format!("{} (allowed by the policy: {reason})", finding.message);
            }
            true
        });
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Today, or the day `DSCA_NOW` pins (tests).
fn today() -> anyhow::Result<Date> {
    Ok(crate::clock::now()?.date())
}

/// `dsca policy init`: write the starting file at `path` (default `./dsca.toml`), never
/// over an existing one. Returns where it went.
pub fn write_starter(path: Option<&Path>) -> anyhow::Result<PathBuf> {
    let path = path.map_or_else(|| PathBuf::from(FILE_NAME), Path::to_path_buf);
    if path.exists() {
        bail!("{} exists already; not overwriting it", path.display());
    }
    std::fs::write(&path, STARTER).map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dsca_model::{Finding, PackageInfo, Source};

    fn day() -> Date {
        Date::from_calendar_date(2026, time::Month::June, 1).unwrap()
    }

    fn error(text: &str) -> String {
        Policy::parse(text, "dsca.toml", day())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn starter_file_is_valid() {
        let policy = Policy::parse(STARTER, "dsca.toml", day()).unwrap();
        assert_eq!(policy.fail_on, Some(Severity::High));
        assert_eq!(policy.run_scripts_below, None);
        let policy = Policy::parse("run-scripts-below = \"high\"\n", "dsca.toml", day()).unwrap();
        assert_eq!(policy.run_scripts_below, Some(Severity::High));
    }

    #[test]
    fn errors_name_file_line_and_column() {
        assert!(
            error("fail-on = \"high\"\nfial = 1\n")
                .starts_with("dsca.toml:2:1: unknown field `fial`"),
            "{}",
            error("fail-on = \"high\"\nfial = 1\n")
        );
        assert_eq!(
            error("fail-on = \"hihg\"\n"),
            "dsca.toml:1:1: fail-on: unknown severity `hihg` (expected info, low, medium, high or critical)"
        );
        assert_eq!(
            error("[rules]\nDSCA000 = \"off\"\n"),
            "dsca.toml:2:1: [rules]: no rule `DSCA000` (see `dsca rules`)"
        );
        assert!(error("[[ignore]]\npackage = \"x\"\n").contains("missing field `reason`"));
        assert_eq!(
            error("[[allow]]\nreason = \"r\"\n"),
            "dsca.toml:1:1: [[allow]] needs at least one of `package`, `version`, `rule`"
        );
        assert_eq!(
            error("[[ignore]]\npackage = \"x\"\nversion = \"^^1\"\nreason = \"r\"\n"),
            "dsca.toml:3:12: [[ignore]]: `^^1` is not an npm version range"
        );
    }

    #[test]
    fn applies_rules_ignore_allow_and_expiry() {
        let policy = Policy::parse(
            "[rules]\nDSCA401 = \"off\"\nDSCA101 = \"critical\"\n\
             [[ignore]]\npackage = \"a\"\nversion = \"^1\"\nrule = \"DSCA403\"\nreason = \"reviewed\"\n\
             [[allow]]\nrule = \"DSCA201\"\nreason = \"git deps are ours\"\n\
             [[ignore]]\nrule = \"DSCA102\"\nreason = \"old\"\nexpires = 2026-01-01\n",
            "dsca.toml",
            day(),
        )
        .unwrap();
        let mut report = Report::new(
            "a@1.2.0",
            PackageInfo {
                name: "a".into(),
                version: Some("1.2.0".into()),
                ..Default::default()
            },
            Source::None,
        );
        for id in ["DSCA401", "DSCA101", "DSCA403", "DSCA201", "DSCA102"] {
            report
                .findings
                .push(Finding::new(dsca_rules::rule_by_id(id).unwrap(), id));
        }
        policy.apply(&mut report);
        let left: Vec<(&str, Severity)> = report
            .findings
            .iter()
            .map(|f| (f.rule.as_str(), f.severity))
            .collect();
        assert_eq!(
            left,
            [
                ("DSCA101", Severity::Critical),
                ("DSCA201", Severity::Info),
                ("DSCA102", Severity::High)
            ]
        );
    }

    #[test]
    fn expired_entries_are_left_out_and_listed() {
        let text = "[[ignore]]\npackage = \"old\"\nreason = \"until the fix\"\nexpires = 2026-05-31\n\n[[ignore]]\npackage = \"kept\"\nreason = \"still true\"\nexpires = 2026-06-01\n";
        let policy = Policy::parse(text, "dsca.toml", day()).unwrap();
        assert_eq!(
            policy.expired(),
            [
                "dsca.toml: the [[ignore]] entry \"until the fix\" expired on 2026-05-31; it no longer applies"
            ]
        );
        assert!(!policy.is_ignored_package("old", "1.0.0"));
        assert!(policy.is_ignored_package("kept", "1.0.0"));
    }
}
