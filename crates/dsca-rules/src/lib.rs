//! dsca's rules.
//!
//! `metadata` holds the rules that read what a package says about itself: its manifest,
//! its packument, its signature check and the list of files in its tarball. `code`
//! holds the rules that read its JavaScript and scripts; `dynamic` the rules that judge
//! what it did inside dsca's sandbox; `capture` the rules that judge a packet capture
//! of a build; `lockfile` the rules an audit raises on a lockfile entry. Every rule
//! lives in its own file with its [`Rule`] definition (stable id, name, severity, the
//! Problem and Next steps a report shows) and the check that raises it, and has one
//! line in the table of `codes.rs`, which everything that lists rules reads.

mod capabilities;
pub mod capture;
pub mod code;
mod codes;
mod context;
pub mod cpu;
pub mod dynamic;
mod gyp;
mod inline_code;
pub mod lockfile;
pub mod metadata;
mod popular;
mod shell;

pub use code::yara::{YaraError, YaraRules};
pub use codes::Family;
pub use context::{Analysis, Origin, ScanContext};
pub use dsca_model::Rule;
pub use metadata::integrity_mismatch::RULE as INTEGRITY_MISMATCH;
pub use metadata::no_integrity::RULE as NO_INTEGRITY;
pub use metadata::typosquat::{Squat, SquatKind, find_combosquat, find_squat};
pub use popular::Popular;

/// The bundled list of the most-downloaded npm packages, most downloaded first.
pub fn popular_packages() -> &'static [Popular] {
    &popular::POPULAR.entries
}

/// A package's rank in the bundled popularity list (1 = most downloaded), if listed.
pub fn popularity_rank(name: &str) -> Option<u32> {
    popular::POPULAR
        .get(&name.to_lowercase())
        .map(|entry| entry.rank)
}

/// Run every metadata rule over one package.
pub fn analyse_metadata(ctx: &ScanContext) -> Analysis {
    let mut analysis = Analysis::default();
    for check in codes::metadata_checks() {
        check(ctx, &mut analysis);
    }
    analysis
}

/// Run the code analysis over one package: every JavaScript file parsed once, scripts
/// and unparsable files read byte by byte, every file scanned by dsca's built-in YARA
/// rules; behaviours plus the code rules' findings.
pub fn analyse_code(ctx: &ScanContext) -> Analysis {
    code::analyse(ctx, YaraRules::builtin(), None, &codes::code_checks())
}

/// [`analyse_code`] with another YARA rule set (the built-in rules plus the user's), on
/// `threads` threads (`None`: one per CPU).
pub fn analyse_code_with_rules(
    ctx: &ScanContext,
    rules: &YaraRules,
    threads: Option<usize>,
) -> Analysis {
    code::analyse(ctx, rules, threads, &codes::code_checks())
}

/// Judge what a package did inside the sandbox: the dynamic rules' findings
/// (DSCA1001–DSCA1010) and neutral behaviours of the run.
pub fn analyse_dynamic(run: &dsca_model::dynamic::DynamicAnalysis) -> Analysis {
    dynamic::analyse(run, &codes::dynamic_checks())
}

/// [`analyse_dynamic`], also matching what the run contacted against the known-malware
/// advisories' indicators.
pub fn analyse_dynamic_with(
    run: &dsca_model::dynamic::DynamicAnalysis,
    known: Option<&dyn dsca_model::advisory::KnownIndicators>,
) -> Analysis {
    let mut analysis = dynamic::analyse(run, &codes::dynamic_checks());
    if let Some(known) = known {
        dynamic::known_indicator::check(run, known, &mut analysis);
    }
    analysis
}

/// The code analysis of one file on its own (for fuzzing and tools): the same passes and
/// code rules as a package scan, without the package around it; panics are not caught,
/// so a fuzzer sees them. The YARA rules are left out.
pub fn analyse_single_file(path: &str, data: &[u8]) -> Analysis {
    code::analyse_single_file(path, data, &codes::code_checks())
}

/// Judge a packet capture's network section: the capture rules' findings.
pub fn analyse_capture(network: &dsca_model::network::NetworkActivity) -> Analysis {
    capture::analyse(network, &codes::capture_checks())
}

/// Every rule dsca has, in id order (`DSCA999` before `DSCA1001`): for SARIF, the JSON
/// Schema, the README and `dsca rules`.
pub fn catalogue() -> Vec<&'static Rule> {
    codes::CODES.iter().map(|line| line.rule).collect()
}

/// The rules of one family, in id order.
pub fn catalogue_of(family: Family) -> Vec<&'static Rule> {
    codes::CODES
        .iter()
        .filter(|line| line.family() == family)
        .map(|line| line.rule)
        .collect()
}

pub fn rule_by_id(id: &str) -> Option<&'static Rule> {
    codes::CODES
        .iter()
        .map(|line| line.rule)
        .find(|rule| rule.id == id)
}
