//! The columns a report is stored under, beside its full JSON.

use dsca_model::Report;
use serde_json::Value;
use std::collections::BTreeSet;

/// Most distinct non-registry names kept in the `dns_names` table per package; the report
/// JSON keeps them all.
const MAX_DNS_NAMES: usize = 256;

/// One report ready to be written: its JSON and the columns queries filter on.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ResultRecord {
    pub spec: String,
    pub name: String,
    pub version: Option<String>,
    pub verdict: Option<String>,
    pub score: Option<i64>,
    /// Rank in the bundled popularity list (1 = most downloaded), when listed.
    pub popularity_rank: Option<i64>,
    /// The report has a sandboxed run (`dynamic`).
    pub has_dynamic: bool,
    /// Distinct names the package looked up outside the registry, sorted.
    pub dns_names: Vec<String>,
    /// The first error's code, when the scan failed in whole or in part.
    pub error_code: Option<String>,
    /// (rule id, severity) per finding.
    pub findings: Vec<(String, String)>,
    /// Distinct behaviour ids.
    pub behaviours: Vec<String>,
    pub report_json: String,
}

impl ResultRecord {
    pub fn from_report(report: &Report, popularity_rank: Option<u32>) -> serde_json::Result<Self> {
        let json = serde_json::to_value(report)?;
        // `dynamic` is read from the JSON so the store follows the report as it grows.
        let dynamic = json.get("dynamic").filter(|value| !value.is_null());
        let dns_names = non_registry_dns_names(&json);
        let behaviours: BTreeSet<String> = report
            .behaviours
            .iter()
            .map(|behaviour| behaviour.id.clone())
            .collect();
        Ok(ResultRecord {
            spec: report.spec.clone(),
            name: report.package.name.clone(),
            version: report.package.version.clone(),
            verdict: report
                .verdict
                .as_ref()
                .map(|verdict| verdict.level.as_str().to_string()),
            score: report
                .verdict
                .as_ref()
                .map(|verdict| i64::from(verdict.score)),
            popularity_rank: popularity_rank.map(i64::from),
            has_dynamic: dynamic.is_some(),
            dns_names,
            error_code: report.errors.first().map(|error| error.code.clone()),
            findings: report
                .findings
                .iter()
                .map(|finding| (finding.rule.clone(), finding.severity.as_str().to_string()))
                .collect(),
            behaviours: behaviours.into_iter().collect(),
            report_json: serde_json::to_string(&json)?,
        })
    }
}

/// The distinct names a report's sandboxed run looked up outside the registry
/// (`dynamic.phases[].dns[]` with `registry: false`), sorted, at most [`MAX_DNS_NAMES`].
/// Reports stored by dsca before the JSON grouped records by phase kept one flat
/// `dynamic.dns[]`: those are read too.
pub fn non_registry_dns_names(report: &Value) -> Vec<String> {
    let Some(dynamic) = report.get("dynamic") else {
        return Vec::new();
    };
    let phases = dynamic
        .get("phases")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let names: BTreeSet<&str> = std::iter::once(dynamic)
        .chain(phases)
        .filter_map(|holder| holder.get("dns").and_then(Value::as_array))
        .flatten()
        .filter(|query| query.get("registry").and_then(Value::as_bool) == Some(false))
        .filter_map(|query| query.get("name").and_then(Value::as_str))
        .collect();
    names
        .into_iter()
        .take(MAX_DNS_NAMES)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_lookups_outside_the_registry_count() {
        let report = json!({"dynamic": {"phases": [
            {"name": "install", "dns": [
                {"name": "registry.npmjs.org", "registry": true},
                {"name": "b.example", "registry": false},
                {"name": "a.example", "registry": false},
            ]},
            {"name": "import", "dns": [
                {"name": "a.example", "registry": false},
                {"name": "c.example", "registry": false},
                {"name": "no-flag.example"},
            ]},
        ]}});
        assert_eq!(
            non_registry_dns_names(&report),
            vec!["a.example", "b.example", "c.example"]
        );
        // The flat form older dsca versions stored.
        let flat = json!({"dynamic": {"dns": [
            {"name": "registry.npmjs.org", "registry": true},
            {"name": "b.example", "registry": false},
        ]}});
        assert_eq!(non_registry_dns_names(&flat), vec!["b.example"]);
        assert!(non_registry_dns_names(&json!({"dynamic": null})).is_empty());
        assert!(non_registry_dns_names(&json!({})).is_empty());
    }
}
