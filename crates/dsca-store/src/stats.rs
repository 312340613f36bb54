//! The study's figures, computed by the database: how many packages were analysed, how
//! many looked up names outside the registry, and how prevalent each rule is by
//! popularity tier.

use crate::{Pool, Result, Store};
use dsca_model::study::{RulePrevalence, StudyStats, TierSize};

/// The popularity tiers prevalence is reported for (ranks in the bundled list).
pub const TIERS: [i64; 3] = [100, 1_000, 10_000];

/// One count per tier of [`TIERS`], then all scanned packages.
type TierCounts = (i64, i64, i64, i64);
const _: () = assert!(
    TIERS.len() + 1 == 4,
    "TierCounts has one column per tier and all"
);

fn tier_sizes(counts: TierCounts) -> Vec<TierSize> {
    let (a, b, c, all) = counts;
    TIERS
        .iter()
        .map(|&top| Some(top))
        .chain([None])
        .zip([a, b, c, all])
        .map(|(top, scanned)| TierSize { top, scanned })
        .collect()
}

fn prevalence_row((id, a, b, c, all): (String, i64, i64, i64, i64)) -> RulePrevalence {
    RulePrevalence {
        id,
        packages: vec![a, b, c, all],
    }
}

/// How many packages each id fired in, per tier: `f.rule` of `findings f`, or
/// `b.behaviour` of `behaviours b`; `filter` narrows the rows.
fn prevalence_sql(table: &str, alias: &str, id_column: &str, filter: &str) -> String {
    format!(
        "SELECT {id_column}, {} FROM {table} {alias} JOIN results r ON r.job_id = {alias}.job_id {filter}
         GROUP BY {id_column} ORDER BY COUNT(DISTINCT {alias}.job_id) DESC, {id_column}",
        tier_columns(&format!("{alias}.job_id"))
    )
}

/// The size of each tier: the scanned packages ranked in it.
fn tiers_sql() -> String {
    format!("SELECT {} FROM results r", tier_columns("r.job_id"))
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
        let tiers_sql = tiers_sql();
        let rules_sql = prevalence_sql("findings", "f", "f.rule", "");
        let behaviours_sql = prevalence_sql("behaviours", "b", "b.behaviour", "");
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
                let tiers = tier_sizes(sqlx::query_as(&tiers_sql).fetch_one(pool).await?);
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
                let rules: Vec<_> = sqlx::query_as(&rules_sql).fetch_all(pool).await?;
                let behaviours: Vec<_> = sqlx::query_as(&behaviours_sql).fetch_all(pool).await?;
                let domains: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT name, COUNT(DISTINCT job_id) FROM dns_names GROUP BY name
                     ORDER BY COUNT(DISTINCT job_id) DESC, name LIMIT $1",
                )
                .bind(max_domains)
                .fetch_all(pool)
                .await?;
                Ok(StudyStats {
                    packages,
                    failed,
                    with_dynamic,
                    non_registry_dns,
                    tiers,
                    verdicts,
                    errors,
                    skipped,
                    rules: rules.into_iter().map(prevalence_row).collect(),
                    behaviours: behaviours.into_iter().map(prevalence_row).collect(),
                    domains,
                })
            })
        })
    }

    /// The tier sizes, and the prevalence of each of `rules` that fired in the store
    /// (computed as [`Store::stats`] does): what `dsca scan` shows beside a finding.
    pub fn rule_prevalence(
        &self,
        rules: &[String],
    ) -> Result<(Vec<TierSize>, Vec<RulePrevalence>)> {
        let placeholders: Vec<String> = (1..=rules.len()).map(|n| format!("${n}")).collect();
        let filter = format!("WHERE f.rule IN ({})", placeholders.join(", "));
        let rules_sql = prevalence_sql("findings", "f", "f.rule", &filter);
        let tiers_sql = tiers_sql();
        self.block_on(async {
            with_pool!(self, pool => {
                let tiers = tier_sizes(sqlx::query_as(&tiers_sql).fetch_one(pool).await?);
                if rules.is_empty() {
                    return Ok((tiers, Vec::new()));
                }
                let mut query = sqlx::query_as(&rules_sql);
                for rule in rules {
                    query = query.bind(rule);
                }
                let rows: Vec<_> = query.fetch_all(pool).await?;
                Ok((tiers, rows.into_iter().map(prevalence_row).collect()))
            })
        })
    }
}
