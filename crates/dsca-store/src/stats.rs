//! The study's figures, computed by the database: how many packages were analysed, how
//! many looked up names outside the registry, and how prevalent each rule is by
//! popularity tier.

use crate::{Pool, Result, Store};
use serde::Serialize;

/// The popularity tiers prevalence is reported for (ranks in the bundled list).
pub const TIERS: [i64; 3] = [100, 1_000, 10_000];

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
    /// Counts in the order of [`TIERS`], then all scanned packages.
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

/// `COUNT(DISTINCT CASE ...)` per tier then in all: one scan of the table for every tier.
fn tier_columns(id_column: &str) -> String {
    let mut columns: Vec<String> = TIERS
        .iter()
        .map(|top| {
            format!("COUNT(DISTINCT CASE WHEN r.popularity_rank <= {top} THEN {id_column} END)")
        })
        .collect();
    columns.push(format!("COUNT(DISTINCT {id_column})"));
    columns.join(", ")
}

impl Store {
    /// The study's figures; `max_domains` caps the domain list.
    pub fn stats(&self, max_domains: i64) -> Result<StudyStats> {
        let tiers_sql = format!("SELECT {} FROM results r", tier_columns("r.job_id"));
        let rules_sql = format!(
            "SELECT f.rule, {} FROM findings f JOIN results r ON r.job_id = f.job_id
             GROUP BY f.rule ORDER BY COUNT(DISTINCT f.job_id) DESC, f.rule",
            tier_columns("f.job_id")
        );
        let behaviours_sql = format!(
            "SELECT b.behaviour, {} FROM behaviours b JOIN results r ON r.job_id = b.job_id
             GROUP BY b.behaviour ORDER BY COUNT(DISTINCT b.job_id) DESC, b.behaviour",
            tier_columns("b.job_id")
        );
        let tier_count = TIERS.len() + 1;
        self.block_on(async {
            with_pool!(self, pool => {
                let (packages, failed, with_dynamic, non_registry_dns): (i64, i64, i64, i64) = sqlx::query_as(
                    "SELECT COUNT(*),
                        COUNT(CASE WHEN error_code IS NOT NULL THEN 1 END),
                        COUNT(CASE WHEN has_dynamic <> 0 THEN 1 END),
                        COUNT(CASE WHEN non_registry_dns <> 0 THEN 1 END)
                     FROM results",
                )
                .fetch_one(pool)
                .await?;
                let tier_row = sqlx::query(&tiers_sql).fetch_one(pool).await?;
                let mut tiers = Vec::with_capacity(tier_count);
                for index in 0..tier_count {
                    tiers.push(TierSize {
                        top: TIERS.get(index).copied(),
                        scanned: sqlx::Row::try_get(&tier_row, index)?,
                    });
                }
                let verdicts: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT COALESCE(verdict, 'none'), COUNT(*) FROM results
                     GROUP BY COALESCE(verdict, 'none') ORDER BY COUNT(*) DESC, 1",
                )
                .fetch_all(pool)
                .await?;
                let errors: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT error_code, COUNT(*) FROM results WHERE error_code IS NOT NULL
                     GROUP BY error_code ORDER BY COUNT(*) DESC, 1",
                )
                .fetch_all(pool)
                .await?;
                let skipped: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT COALESCE(skip_reason, 'unknown'), COUNT(*) FROM jobs WHERE state = 'skipped'
                     GROUP BY COALESCE(skip_reason, 'unknown') ORDER BY COUNT(*) DESC, 1",
                )
                .fetch_all(pool)
                .await?;
                let mut prevalence = Vec::new();
                for sql in [&rules_sql, &behaviours_sql] {
                    let rows = sqlx::query(sql).fetch_all(pool).await?;
                    let mut list = Vec::with_capacity(rows.len());
                    for row in &rows {
                        let mut packages = Vec::with_capacity(tier_count);
                        for index in 0..tier_count {
                            packages.push(sqlx::Row::try_get::<i64, _>(row, index + 1)?);
                        }
                        list.push(RulePrevalence { id: sqlx::Row::try_get(row, 0)?, packages });
                    }
                    prevalence.push(list);
                }
                let domains: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT name, COUNT(DISTINCT job_id) FROM dns_names GROUP BY name
                     ORDER BY COUNT(DISTINCT job_id) DESC, name LIMIT $1",
                )
                .bind(max_domains)
                .fetch_all(pool)
                .await?;
                let behaviours = prevalence.pop().unwrap_or_default();
                let rules = prevalence.pop().unwrap_or_default();
                Ok(StudyStats {
                    packages,
                    failed,
                    with_dynamic,
                    non_registry_dns,
                    tiers,
                    verdicts,
                    errors,
                    skipped,
                    rules,
                    behaviours,
                    domains,
                })
            })
        })
    }
}
