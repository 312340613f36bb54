//! The one data model every stage of dsca speaks: what a rule is, what a finding and a
//! behaviour look like, how a verdict is derived, and the report a printer renders.
//!
//! Everything here is plain data with serde derives; no I/O.

pub mod advisory;
pub mod dynamic;
pub mod evaluation;
mod finding;
pub mod network;
pub mod npm;
mod purl;
mod report;
mod rule;
pub mod study;
mod verdict;

pub use finding::{
    Behaviour, Evidence, Finding, Location, PrevalenceTier, describe_prevalence, one_line,
    truncate_snippet,
};
pub use network::NetworkActivity;
pub use purl::{PurlError, npm_purl, parse_npm_purl};
pub use report::{DependencyInfo, PackageInfo, REPORT_SCHEMA_VERSION, Report, ReportError, Source};
pub use rule::{Category, Rule, Severity, Signal, YaraRuleInfo};
pub use verdict::{Verdict, VerdictLevel};
