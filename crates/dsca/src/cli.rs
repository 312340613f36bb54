use clap::{Args, Parser, Subcommand, ValueEnum};
use dsca_model::Severity;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "dsca",
    version,
    about = "What an npm package says, what its code can do, and whether to trust it",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan packages: registry names and ranges, purls, local tarballs or directories.
    Scan(ScanArgs),
    /// List every rule dsca applies, with its id, severity and title.
    Rules(RulesArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human-readable report.
    Text,
    /// One JSON document for one package, a JSON array for several.
    Json,
    /// JSON Lines: one compact document per package.
    Jsonl,
    /// SARIF 2.1.0 for code-scanning dashboards.
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl From<FailOn> for Severity {
    fn from(value: FailOn) -> Self {
        match value {
            FailOn::Info => Severity::Info,
            FailOn::Low => Severity::Low,
            FailOn::Medium => Severity::Medium,
            FailOn::High => Severity::High,
            FailOn::Critical => Severity::Critical,
        }
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// What to scan: `lodash`, `lodash@4.17.21`, `express@^4`, `pkg:npm/%40babel/core@7.24.0`,
    /// `./pkg-1.0.0.tgz` or `./unpacked-dir/`. Several are scanned in parallel.
    #[arg(required = true, value_name = "SPEC")]
    pub specs: Vec<String>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of standard output (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with status 1 when any finding is at or above this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Registry URL; overrides NPM_CONFIG_REGISTRY and .npmrc files.
    #[arg(long, value_name = "URL")]
    pub registry: Option<String>,

    /// Use only the local cache; never touch the network.
    #[arg(long)]
    pub offline: bool,

    /// Cache directory (default: $XDG_CACHE_HOME/dsca or ~/.cache/dsca).
    #[arg(long, value_name = "DIR", env = "DSCA_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,

    /// How many packages to scan at once (default: one per CPU).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    /// Directory whose .npmrc applies (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub project_dir: Option<PathBuf>,

    /// When to colour text output. `auto` colours a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Show every piece of evidence instead of the first few per behaviour.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print the full rule descriptions as JSON.
    #[arg(long)]
    pub json: bool,
}
