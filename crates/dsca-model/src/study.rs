//! The figures of a study over a results store (`dsca stats`), as the store computes
//! them and the report prints them.

use serde::Serialize;

/// How many scanned packages fall in one popularity tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TierSize {
    /// The tier's largest rank; `None` is every scanned package.
    pub top: Option<i64>,
    pub scanned: i64,
}

/// In how many packages of each tier a rule (or behaviour) fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulePrevalence {
    pub id: String,
    /// Counts per popularity tier (the store's tiers, smallest first), then all scanned
    /// packages.
    pub packages: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StudyStats {
    /// Results in the store (analysed, or recorded with an error).
    pub packages: i64,
    /// Results with an error (unknown or unpublished names among them).
    pub failed: i64,
    /// Results that include a sandboxed run.
    pub with_dynamic: i64,
    /// Packages that looked up a name outside the registry.
    pub non_registry_dns: i64,
    pub tiers: Vec<TierSize>,
    pub verdicts: Vec<(String, i64)>,
    pub errors: Vec<(String, i64)>,
    /// Jobs left out by the popularity filter, by reason.
    pub skipped: Vec<(String, i64)>,
    pub rules: Vec<RulePrevalence>,
    pub behaviours: Vec<RulePrevalence>,
    /// Non-registry names by the number of packages that looked them up, most first.
    pub domains: Vec<(String, i64)>,
}

impl StudyStats {
    /// The share of dynamically analysed packages with non-registry lookups, in percent.
    pub fn non_registry_dns_percent(&self) -> Option<f64> {
        (self.with_dynamic > 0)
            .then(|| self.non_registry_dns as f64 * 100.0 / self.with_dynamic as f64)
    }
}
