//! Prevalence beside findings: given a results store of `dsca batch`, each finding of
//! `dsca scan` and `dsca audit` says in how many stored packages its rule fired, per
//! popularity tier (the figures of `dsca stats`, computed by the same queries).

use dsca_model::{PrevalenceTier, Report};
use dsca_store::{Location, Store};
use std::collections::{BTreeSet, HashMap};

/// Refuse a store `--db` (or `DSCA_DB`) names that is not there, before any scan. Only a
/// named store is read: what a scan prints does not depend on the files that happen to be
/// in the current directory.
pub fn check(db: &str) -> anyhow::Result<()> {
    if let Location::Sqlite(path) = Location::parse(db)
        && !path.exists()
    {
        return Err(crate::SetupError::NoResultsStore(path).into());
    }
    Ok(())
}

/// Fill `prevalence` on every finding of `reports` from `store`. A store without results
/// adds nothing.
pub fn annotate(store: &Store, reports: &mut [Report]) -> anyhow::Result<()> {
    let rules: BTreeSet<&str> = reports
        .iter()
        .flat_map(|report| &report.findings)
        .map(|finding| finding.rule.as_str())
        .collect();
    let rules: Vec<String> = rules.into_iter().map(str::to_string).collect();
    let (tiers, prevalence) = store.rule_prevalence(&rules)?;
    if tiers.last().is_none_or(|all| all.scanned == 0) {
        return Ok(());
    }
    let fired: HashMap<&str, &[i64]> = prevalence
        .iter()
        .map(|rule| (rule.id.as_str(), rule.packages.as_slice()))
        .collect();
    for finding in reports.iter_mut().flat_map(|report| &mut report.findings) {
        let packages = fired.get(finding.rule.as_str()).copied().unwrap_or(&[]);
        finding.prevalence = Some(
            tiers
                .iter()
                .enumerate()
                .map(|(index, tier)| PrevalenceTier {
                    top: tier.top,
                    packages: packages.get(index).copied().unwrap_or(0),
                    scanned: tier.scanned,
                })
                .collect(),
        );
    }
    Ok(())
}
