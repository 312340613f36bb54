use clap::{Args, Parser, Subcommand, ValueEnum};
use dsca_model::Severity;
use dsca_report::{ColorChoice, Format};
use dsca_scan::DynamicScope;
use dsca_session::{Dynamic, Settings};
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
    /// Measure verdicts: real malware, a development corpus per technique, benign lists and
    /// risky installers (recall, false positives, gates for CI).
    Eval(EvalArgs),
    /// Scan every package a lockfile installs (npm, yarn, pnpm, bun).
    Audit(AuditArgs),
    /// Install guard: `dsca npm install ARGS...` or `dsca npm ci` scans what npm would
    /// add, then installs with install scripts only for the packages approved.
    Npm(NpmArgs),
    /// Work with the policy file, dsca.toml.
    Policy(PolicyArgs),
    /// Report the DNS lookups, TLS server names, HTTP hosts and connections of packet
    /// captures (pcap, pcapng), flagging names outside the allowlist.
    Pcap(PcapArgs),
    /// Scan many packages into a results store (SQLite file or PostgreSQL); resumable.
    Batch(BatchArgs),
    /// Claim and scan jobs from a shared store until its queue is empty (a fleet member).
    Worker(WorkerArgs),
    /// The study's figures from a results store: non-registry DNS, rules, verdicts, prevalence.
    Stats(StatsArgs),
    /// Write a store's results as JSON Lines, CSV, or OSV records of malicious packages.
    Export(ExportArgs),
    /// The known-malware advisories (OSV `MAL-` records) every scan checks packages and
    /// their dependencies against, kept offline: `dsca db update`, `dsca db status`.
    Db(DbArgs),
    /// What `--dynamic` needs from this machine: `dsca sandbox check` lists each
    /// requirement and how to get what is missing.
    Sandbox(SandboxArgs),
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    #[command(subcommand)]
    pub command: SandboxCommand,
}

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// List what a sandboxed run needs (ids, namespaces, strace, ip, nft, node, npm) and
    /// whether each is there; exit 1 when something is missing.
    Check,
}

#[derive(Debug, Args)]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Fill the local copy from OSV's npm export, or from a directory of OSV records, a
    /// zip of them or a URL of such a zip. The previous copy stays until the new one is
    /// complete.
    Update {
        /// Where to read the advisories (default: OSV's npm all.zip).
        #[arg(long, value_name = "DIR|ZIP|URL")]
        from: Option<String>,

        /// Cache directory (default: $XDG_CACHE_HOME/dsca or ~/.cache/dsca).
        #[arg(long, value_name = "DIR", env = "DSCA_CACHE_DIR")]
        cache_dir: Option<PathBuf>,

        /// List every skipped record with its reason.
        #[arg(long, short = 'v')]
        verbose: bool,
    },
    /// How many advisories the local copy holds, where they came from, how old it is.
    Status {
        /// Cache directory (default: $XDG_CACHE_HOME/dsca or ~/.cache/dsca).
        #[arg(long, value_name = "DIR", env = "DSCA_CACHE_DIR")]
        cache_dir: Option<PathBuf>,

        /// Print the status as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `--format`: one of `formats`, dsca-report's formats, by name.
fn format_of(formats: &'static [Format]) -> impl clap::builder::TypedValueParser<Value = Format> {
    one_of(formats, Format::as_str)
}

/// `--color`: dsca-report's colour choice, by name.
fn color_choice() -> impl clap::builder::TypedValueParser<Value = ColorChoice> {
    one_of(&ColorChoice::ALL, ColorChoice::as_str)
}

/// One of `values`, by the name `name` gives it (clap lists the names in `--help`).
fn one_of<T: Copy + Default + Send + Sync + 'static>(
    values: &'static [T],
    name: fn(T) -> &'static str,
) -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(values.iter().map(|value| name(*value))).map(
        move |chosen| {
            values
                .iter()
                .copied()
                .find(|value| name(*value) == chosen)
                .unwrap_or_default()
        },
    )
}

/// How reports are written: shared by `scan`, `audit` and `npm`.
#[derive(Debug, Args)]
pub struct ReportOutputArgs {
    /// Output format: text, json (one document, an array for several), jsonl (one
    /// document per line), sarif (code-scanning dashboards), markdown (a pull-request
    /// comment).
    #[arg(long, short = 'f', default_value = "text", value_parser = format_of(&Format::REPORTS))]
    pub format: Format,

    /// Write the report to FILE instead of standard output (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// When to colour text output. `auto` colours a terminal unless NO_COLOR is set.
    #[arg(long, default_value = "auto", value_parser = color_choice())]
    pub color: ColorChoice,

    /// Show every piece of evidence instead of the first few per behaviour (and, for a
    /// lockfile, the packages without findings too).
    #[arg(long, short = 'v')]
    pub verbose: bool,
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

    #[command(flatten)]
    pub output: ReportOutputArgs,

    /// Exit with status 1 when any finding is at or above this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    #[command(flatten)]
    pub registry: RegistryArgs,

    #[command(flatten)]
    pub dynamic: DynamicArgs,

    #[command(flatten)]
    pub prevalence: PrevalenceArgs,

    /// Directory whose .npmrc applies (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub project_dir: Option<PathBuf>,

    /// Look up every package of the resolved dependency tree in the advisory database
    /// (resolved through the registry), not only the direct dependencies.
    #[arg(long)]
    pub deps: bool,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format: text (one line per rule, then the built-in YARA rules), json (every
    /// field: Problem, Next steps, the severities a finding can carry), markdown (the
    /// README's table).
    #[arg(long, short = 'f', default_value = "text", value_parser = format_of(&Format::CATALOGUE))]
    pub format: Format,

    /// The same as `--format json`.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,

    /// Only the rules of one family: metadata, code, capture (`dsca pcap`), lockfile
    /// (`dsca audit`) or dynamic (`--dynamic`).
    #[arg(long, value_parser = one_of(&dsca_rules::Family::ALL, dsca_rules::Family::as_str))]
    pub family: Option<dsca_rules::Family>,
}

#[derive(Debug, Args)]
pub struct PcapArgs {
    /// Capture files (pcap or pcapng).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Output format: text (with the names table), json (one document for one capture,
    /// an array for several), sarif (code-scanning dashboards).
    #[arg(long, short = 'f', default_value = "text", value_parser = format_of(&Format::CAPTURES))]
    pub format: Format,

    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also allow this host name; `*.example.com` allows every name below example.com.
    #[arg(long, value_name = "PATTERN")]
    pub allow: Vec<String>,

    /// Allow the patterns of FILE (one per line, `#` comments).
    #[arg(long, value_name = "FILE")]
    pub allow_file: Vec<PathBuf>,

    /// Do not allow the npm registry's own host names by default.
    #[arg(long)]
    pub no_default_allow: bool,

    /// Exit with status 1 when any finding is at or above this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// When to colour text output.
    #[arg(long, default_value = "auto", value_parser = color_choice())]
    pub color: ColorChoice,

    /// Show every piece of evidence.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// A lockfile, or a project directory to find one in (default: the current directory).
    #[arg(value_name = "DIR|LOCKFILE")]
    pub path: Option<PathBuf>,

    /// Only packages added or changed against this base lockfile (for pull requests).
    #[arg(long, value_name = "BASE_LOCKFILE")]
    pub diff: Option<PathBuf>,

    /// Policy file (default: dsca.toml beside the lockfile, if there is one).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(flatten)]
    pub output: ReportOutputArgs,

    /// Exit with status 1 when any finding is at or above this severity (overrides the policy).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Also run packages in the sandbox: `scripts` (the default) runs those that run
    /// code when installed, `all` runs every package. Same needs as `scan --dynamic`.
    #[arg(long, value_enum, value_name = "WHICH", num_args = 0..=1, default_missing_value = "scripts")]
    pub dynamic: Option<AuditDynamic>,

    /// Time limit of each package's install phase in the sandbox, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 120, requires = "dynamic")]
    pub install_timeout: u64,

    /// Whose machine the sandbox looks like (see `dsca scan --sandbox-profile`).
    #[arg(long, value_enum, default_value_t = SandboxProfileArg::Developer, requires = "dynamic")]
    pub sandbox_profile: SandboxProfileArg,

    #[command(flatten)]
    pub registry: RegistryArgs,

    #[command(flatten)]
    pub prevalence: PrevalenceArgs,
}

/// Which packages `dsca audit --dynamic` runs in the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditDynamic {
    /// Packages with install scripts (or an implicit node-gyp build).
    Scripts,
    /// Every package.
    All,
}

/// `dsca npm [OPTIONS] install|ci [NPM ARGS...]`: dsca's options come before npm's
/// command; everything from the command on goes to npm.
#[derive(Debug, Args)]
#[command(after_help = "\
Exit codes: 0 installed (or nothing to install); 1 refused: a package has a finding at or \
above the threshold, nothing was installed; 2 error: npm missing or failing, a package \
dsca could not scan (then nothing was installed), bad arguments or policy.")]
pub struct NpmArgs {
    /// `install` (or `i`, `add`) with npm's own arguments, or `ci`.
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND [ARGS]"
    )]
    pub npm: Vec<String>,

    /// Policy file (default: dsca.toml in the current directory, if there is one).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Refuse the install when a finding is at or above this severity (overrides the
    /// policy; default high).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// How the report shown before installing is written.
    #[command(flatten)]
    pub output: ReportOutputArgs,

    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Write a commented starting dsca.toml (never over an existing file).
    Init {
        /// Where to write it (default: ./dsca.toml).
        path: Option<PathBuf>,
    },
}

/// Where packages come from and how many are scanned at once: shared by every command
/// that runs the scan pipeline.
#[derive(Debug, Clone, Args)]
pub struct RegistryArgs {
    /// Registry URL; overrides NPM_CONFIG_REGISTRY and .npmrc files.
    #[arg(long, value_name = "URL")]
    pub registry: Option<String>,

    /// Use only the local cache; never touch the network.
    #[arg(long)]
    pub offline: bool,

    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

/// The cache, the parallelism and extra rules of the scan pipeline.
#[derive(Debug, Clone, Args)]
pub struct PipelineArgs {
    /// Cache directory (default: $XDG_CACHE_HOME/dsca or ~/.cache/dsca).
    #[arg(long, value_name = "DIR", env = "DSCA_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,

    /// How many packages to scan at once (default: one per CPU).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    /// Also scan every file with the YARA rules of this directory's .yar/.yara files
    /// (in addition to dsca's built-in rules); matches are reported as DSCA811.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules_dir: Option<PathBuf>,

    /// Do not check packages against the local advisory database (`dsca db update`).
    #[arg(long)]
    pub no_advisories: bool,
}

/// A results store to show prevalence from, beside each finding (`scan`, `audit`).
#[derive(Debug, Args)]
pub struct PrevalenceArgs {
    /// A results store of `dsca batch` (SQLite file or PostgreSQL URL): each finding
    /// shows in how many of its packages the rule fired, per popularity tier.
    #[arg(long, value_name = "PATH|URL", env = "DSCA_DB")]
    pub db: Option<String>,

    /// Show no prevalence, even with DSCA_DB set.
    #[arg(long)]
    pub no_db: bool,
}

/// The sandboxed run (`--dynamic`): shared by every command that can run packages.
#[derive(Debug, Args)]
pub struct DynamicArgs {
    /// Also install and import each package in the sandbox and report what it did:
    /// DNS lookups, connections, HTTP(S) requests, commands, file accesses, use of bait
    /// credentials. Needs root, strace, iproute2 (and nftables to catch every port).
    #[arg(long)]
    pub dynamic: bool,

    /// Time limit of the install phase, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 120, requires = "dynamic")]
    pub install_timeout: u64,

    /// Time limit of the import phase, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30, requires = "dynamic")]
    pub import_timeout: u64,

    /// Time limit of the execute phase, which calls the functions the package exports
    /// with no arguments, in seconds; 0 skips the phase.
    #[arg(long, value_name = "SECS", default_value_t = 30, requires = "dynamic")]
    pub execute_timeout: u64,

    /// How many days ahead the clock runs in the time-bomb pass (the import again, with
    /// libfaketime); 0 skips the pass.
    #[arg(long, value_name = "DAYS", default_value_t = 400, requires = "dynamic",
          value_parser = clap::value_parser!(u32).range(0..=36_500))]
    pub clock_offset_days: u32,

    /// How long processes a phase leaves behind (detached children, daemons) are still
    /// watched and recorded before they are killed, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10, requires = "dynamic",
          value_parser = clap::value_parser!(u64).range(0..=600))]
    pub linger: u64,

    /// Memory of all the sandbox's processes together, in MiB: a cgroup around the run
    /// (needs root; without it each process is still held to 4 GiB).
    #[arg(long, value_name = "MIB", default_value_t = 6144, requires = "dynamic",
          value_parser = clap::value_parser!(u64).range(64..=1_048_576))]
    pub memory_limit: u64,

    /// Write every packet the sandbox's network saw to FILE as pcapng (one package per run).
    #[arg(long, value_name = "FILE", requires = "dynamic")]
    pub pcap: Option<std::path::PathBuf>,

    /// HTTP status the sandbox answers to requests outside the registry.
    #[arg(long, value_name = "CODE", default_value_t = 404, requires = "dynamic",
          value_parser = clap::value_parser!(u16).range(100..=599))]
    pub response_status: u16,

    /// Whose machine the sandbox looks like: a developer's laptop, or a GitHub Actions
    /// runner (`CI`, `GITHUB_ACTIONS`, `GITHUB_REPOSITORY`, runner user and host names),
    /// for packages that act only in CI.
    #[arg(long, value_enum, default_value_t = SandboxProfileArg::Developer, requires = "dynamic")]
    pub sandbox_profile: SandboxProfileArg,

    /// Do not fetch URL dependencies (`"x": "https://host/x.tgz"` in a manifest) on this
    /// machine: npm in the sandbox gets the sink's answer for them instead.
    #[arg(long, requires = "dynamic")]
    pub no_url_dependencies: bool,

    /// Fetch a URL dependency's HOST:PORT from ADDRESS:PORT instead (a mirror, a test
    /// server), as curl's --connect-to; repeatable.
    #[arg(long, value_name = "HOST:PORT:ADDRESS:PORT", requires = "dynamic")]
    pub connect_to: Vec<dsca_registry::ConnectTo>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SandboxProfileArg {
    Developer,
    Ci,
}

impl From<SandboxProfileArg> for dsca_sandbox::SandboxProfile {
    fn from(profile: SandboxProfileArg) -> Self {
        match profile {
            SandboxProfileArg::Developer => dsca_sandbox::SandboxProfile::Developer,
            SandboxProfileArg::Ci => dsca_sandbox::SandboxProfile::Ci,
        }
    }
}

impl RegistryArgs {
    /// The session's settings these flags make, for a project in `project_dir`.
    pub fn settings(&self, project_dir: PathBuf) -> Settings {
        Settings {
            registry: self.registry.clone(),
            offline: self.offline,
            ..self.pipeline.settings(project_dir)
        }
    }
}

impl PipelineArgs {
    /// The session's settings these flags make (the registry from `.npmrc` files).
    pub fn settings(&self, project_dir: PathBuf) -> Settings {
        Settings {
            project_dir,
            cache_dir: self.cache_dir.clone(),
            jobs: self.jobs,
            rules_dir: self.rules_dir.clone(),
            no_advisories: self.no_advisories,
            ..Settings::default()
        }
    }
}

impl PrevalenceArgs {
    /// The store to read prevalence from: only one named by `--db` or `DSCA_DB`.
    pub fn db(&self) -> Option<String> {
        self.db.clone().filter(|_| !self.no_db)
    }
}

impl DynamicArgs {
    /// The sandboxed run of every package, or `None` without `--dynamic`.
    pub fn dynamic(&self) -> Option<Dynamic> {
        self.sandbox_options().map(|options| Dynamic {
            options,
            scope: DynamicScope::All,
        })
    }

    /// The sandbox's settings, or `None` without `--dynamic`.
    fn sandbox_options(&self) -> Option<dsca_sandbox::SandboxOptions> {
        if !self.dynamic {
            return None;
        }
        let mut options = dsca_sandbox::SandboxOptions {
            install_timeout: std::time::Duration::from_secs(self.install_timeout.max(1)),
            import_timeout: std::time::Duration::from_secs(self.import_timeout.max(1)),
            execute_timeout: std::time::Duration::from_secs(self.execute_timeout),
            clock_offset_days: self.clock_offset_days,
            max_run_memory_bytes: self.memory_limit * 1024 * 1024,
            linger: std::time::Duration::from_secs(self.linger),
            ..dsca_sandbox::SandboxOptions::default()
        };
        options.response.status = self.response_status;
        options.pcap = self.pcap.clone();
        options.profile = self.sandbox_profile.into();
        options.fetch_url_dependencies = !self.no_url_dependencies;
        options.connect_to = self.connect_to.clone();
        Some(options)
    }
}

/// The results store `dsca batch` writes when not told otherwise.
pub const DEFAULT_DB: &str = "dsca-results.db";

/// The results store shared by `batch`, `worker`, `stats` and `export`.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// A SQLite file, or a PostgreSQL URL (`postgres://user@host/db`).
    #[arg(long, value_name = "PATH|URL", env = "DSCA_DB", default_value = DEFAULT_DB)]
    pub db: String,

    /// Seconds a claimed job stays reserved without a renewal before others may take it.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub lease_secs: u64,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// A JSON array of package names (the all-the-package-names format).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["names_file", "top"])]
    pub names: Option<PathBuf>,

    /// One spec per line (`name`, `name@range`, a tarball path); `#` starts a comment.
    #[arg(long, value_name = "FILE", conflicts_with = "top")]
    pub names_file: Option<PathBuf>,

    /// The N most-downloaded packages of the bundled popularity list (at most 10,000).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,

    #[command(flatten)]
    pub popularity: PopularityArgs,

    #[command(flatten)]
    pub store: StoreArgs,

    /// Only fill the queue; `dsca worker` processes (or a later `dsca batch`) scan it.
    #[arg(long)]
    pub enqueue_only: bool,

    #[command(flatten)]
    pub dynamic: DynamicArgs,

    #[command(flatten)]
    pub registry: RegistryArgs,

    /// Directory whose .npmrc applies (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub project_dir: Option<PathBuf>,
}

/// The popularity filter of `dsca batch`: npm's downloads API, or a file of counts.
#[derive(Debug, Args)]
pub struct PopularityArgs {
    /// Keep only packages downloaded at least N times over --period; the others are
    /// recorded in the store as skipped (with their count), not scanned.
    #[arg(long, value_name = "N")]
    pub min_downloads: Option<u64>,

    /// The period of --min-downloads: last-day, last-week, last-month, last-year,
    /// last-N-days, last-N-months (sent as dates ending yesterday), YYYY-MM-DD or
    /// YYYY-MM-DD:YYYY-MM-DD; at most 18 months.
    #[arg(
        long,
        value_name = "PERIOD",
        default_value = "last-month",
        requires = "min_downloads"
    )]
    pub period: String,

    /// The npm downloads API to ask.
    #[arg(
        long,
        value_name = "URL",
        env = "DSCA_DOWNLOADS_API",
        default_value = dsca_registry::downloads::DEFAULT_DOWNLOADS_API
    )]
    pub downloads_api: String,

    /// Take the counts from FILE instead of the API (offline): `name<TAB>downloads` a
    /// line, `#` comments; names missing from it count as unknown.
    #[arg(long, value_name = "FILE", requires = "min_downloads")]
    pub downloads_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub store: StoreArgs,

    /// Keep polling when the queue is empty instead of exiting.
    #[arg(long)]
    pub wait: bool,

    /// With --wait: how often to look for new jobs.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    pub poll_interval_ms: u64,

    #[command(flatten)]
    pub dynamic: DynamicArgs,

    #[command(flatten)]
    pub registry: RegistryArgs,

    /// Directory whose .npmrc applies (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub project_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub store: StoreArgs,

    /// Output format: text or json.
    #[arg(long, short = 'f', default_value = "text", value_parser = format_of(&Format::STUDY))]
    pub format: Format,

    /// How many non-registry domains to list.
    #[arg(long, value_name = "N", default_value_t = 25)]
    pub domains: i64,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub store: StoreArgs,

    /// Output format: jsonl (one report, the full JSON document, per line), csv (one row
    /// per package: spec, name, version, verdict, score, rank, DNS, error, rules), osv
    /// (MAL-style records of the packages judged malicious, one per line).
    #[arg(long, short = 'f', value_parser = format_of(&Format::EXPORT))]
    pub format: Format,

    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `dsca eval`'s sets and gates (see `eval.rs`).
#[derive(Debug, Args)]
#[command(after_help = "\
Exit codes: 0 every gate passed; 1 a gate failed (one line per failed gate, with its bar \
and the figure); 2 a usage error or an input that cannot be read.")]
pub struct EvalArgs {
    /// Directory of malicious npm tarballs (`*.tgz`): each should be flagged.
    #[arg(long, value_name = "DIR")]
    pub malicious: Option<PathBuf>,

    /// Development corpus: `DIR/malicious/<technique>/<fixture>/` should be flagged,
    /// `DIR/benign/<technique>/<fixture>/` (near misses) should stay clean. Each fixture
    /// is an unpacked package directory (or a `.tgz`).
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,

    /// Benign packages, a set of their own per list (repeatable): `rank name version
    /// downloads` (header `rank...`), `name version downloads` (header `name...`), or a
    /// name per line; tab-separated, `#` comments.
    #[arg(long, value_name = "FILE")]
    pub benign_list: Vec<PathBuf>,

    /// How many benign packages to take from the top of each list.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub top: usize,

    /// Risky but honest installers, one name per line (`#` comments): a set of their own;
    /// any of them judged `malicious` fails the run.
    #[arg(long, value_name = "FILE")]
    pub installers: Option<PathBuf>,

    /// Count `suspicious` benign packages as false positives too (default: only `malicious`
    /// counts against precision; suspicious ones are listed and counted separately).
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub registry: RegistryArgs,

    /// Exit with status 1 when recall on `--malicious` is below this fraction, e.g. 0.85.
    #[arg(long, value_name = "FRACTION", value_parser = fraction)]
    pub min_recall: Option<f64>,

    /// Exit with status 1 when fewer `--malicious` packages than this are judged `malicious`.
    #[arg(long, value_name = "N")]
    pub min_malicious: Option<usize>,

    /// Exit with status 1 when more than this fraction of the scanned packages of a benign
    /// list (each list on its own) is judged `malicious`, e.g. 0.01.
    #[arg(long, value_name = "FRACTION", value_parser = fraction)]
    pub max_benign_malicious: Option<f64>,

    /// Exit with status 1 when more than this fraction of the scanned packages of a benign
    /// list (each list on its own) is judged `suspicious`, e.g. 0.05.
    #[arg(long, value_name = "FRACTION", value_parser = fraction)]
    pub max_benign_suspicious: Option<f64>,

    /// Exit with status 1 when less than this fraction of the corpus's malicious fixtures
    /// is flagged (suspicious or malicious), e.g. 1.0.
    #[arg(long, value_name = "FRACTION", value_parser = fraction, requires = "corpus")]
    pub min_corpus_flagged: Option<f64>,

    /// Exit with status 1 when less than this fraction of the corpus's malicious fixtures
    /// is judged `malicious`, e.g. 0.9.
    #[arg(long, value_name = "FRACTION", value_parser = fraction, requires = "corpus")]
    pub min_corpus_malicious: Option<f64>,

    /// Exit with status 1 when more than N of the corpus's near misses (benign fixtures)
    /// are judged suspicious or malicious.
    #[arg(long, value_name = "N", requires = "corpus")]
    pub max_near_miss_flagged: Option<usize>,

    /// Also write every scanned package's full report to FILE, one JSON object per line
    /// (to compare two runs package by package, finding by finding).
    #[arg(long, value_name = "FILE")]
    pub reports: Option<PathBuf>,

    /// Output format: text (Markdown tables, then the gates) or json (every figure, the
    /// notable packages and the gates, for scripts and dashboards).
    #[arg(long, short = 'f', default_value = "text", value_parser = format_of(&Format::STUDY))]
    pub format: Format,
}

/// A fraction from 0 to 1, for the gates' bars.
fn fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=1.0).contains(&value) => Ok(value),
        Ok(_) => Err("a fraction must be between 0 and 1".to_string()),
        Err(err) => Err(err.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::fraction;

    #[test]
    fn fractions_are_between_0_and_1() {
        assert_eq!(fraction("0.86"), Ok(0.86));
        assert_eq!(fraction("1"), Ok(1.0));
        assert!(fraction("86").is_err());
        assert!(fraction("-0.1").is_err());
        assert!(fraction("x").is_err());
    }
}
