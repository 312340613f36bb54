//! `dsca stats`: the study's table from a results store.

use crate::cli::{StatsArgs, StatsFormat};
use crate::output;

pub fn run(args: StatsArgs) -> anyhow::Result<u8> {
    let store = dsca_store::Store::open(&args.store.db)?;
    let stats = store.stats(args.domains.max(0))?;
    output::deliver(None, |out| match args.format {
        StatsFormat::Json => {
            let mut value = serde_json::to_value(&stats)?;
            if let Some(object) = value.as_object_mut() {
                object.insert(
                    "non_registry_dns_percent".to_string(),
                    serde_json::json!(stats.non_registry_dns_percent()),
                );
            }
            serde_json::to_writer_pretty(&mut *out, &value)?;
            writeln!(out)
        }
        StatsFormat::Text => dsca_report::stats::write_study(out, &stats, |id| {
            dsca_rules::rule_by_id(id).map(|rule| rule.name.to_string())
        }),
    })?;
    Ok(0)
}
