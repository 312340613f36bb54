//! `dsca stats`: the study's figures from a results store.

use crate::cli::StatsArgs;

pub fn run(args: StatsArgs) -> anyhow::Result<u8> {
    let store = dsca_store::Store::open(&args.store.db)?;
    let stats = store.stats(args.domains.max(0))?;
    dsca_report::deliver(None, |out| {
        dsca_report::stats::write(out, args.format, &stats, |id| {
            dsca_rules::rule_by_id(id).map(|rule| rule.name.to_string())
        })
    })?;
    Ok(0)
}
