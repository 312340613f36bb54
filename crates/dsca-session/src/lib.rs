//! One dsca session: [`Settings`] made once from a command's flags and checked in one
//! place, and a [`Session`] that runs the pipeline over its targets. Whatever a command
//! adds to a report (a lockfile's findings, the policy) is added before the report is
//! finalised, once; prevalence is read only from a store the settings name.
//!
//! `dsca scan`, `audit`, `npm`, `eval`, `batch` and `worker` are loops over a session,
//! `dsca pcap` a loop over [`capture::analyse_file`]; none of them sets up the scanner
//! or adds findings itself.

pub mod advisories;
pub mod batch;
pub mod capture;
pub mod clock;
pub mod eval;
pub mod export;
pub mod lockfile;
pub mod notices;
pub mod npm;
pub mod policy;
mod prevalence;

use anyhow::Context as _;
use dsca_model::Report;
use dsca_registry::{Cache, Client, ClientOptions, RegistryConfig};
use dsca_scan::{DynamicScope, ScanOptions, Scanner};
use dsca_store::Store;
use notices::Notices;
use policy::Policy;
use std::path::{Path, PathBuf};

/// Why settings cannot make a session. A front end words them for its own options
/// (the CLI names its flags).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// A run that records its packets was asked for several packages.
    #[error("a packet capture records one package at a time")]
    CaptureNeedsOnePackage,
    /// The sandbox cannot isolate a run on this machine: it refuses rather than run
    /// unisolated.
    #[error("the sandbox cannot run here: {0}")]
    SandboxUnavailable(String),
    /// A results store named for prevalence is not there.
    #[error("{}: no such results store", .0.display())]
    NoResultsStore(PathBuf),
}

/// Everything the flags decide about a session's pipeline.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The directory whose `.npmrc` files (and `dsca.toml`) apply.
    pub project_dir: PathBuf,
    /// The registry URL, over `NPM_CONFIG_REGISTRY` and `.npmrc` files.
    pub registry: Option<String>,
    /// Only the cache; never the network.
    pub offline: bool,
    /// The cache directory; `None` is `$DSCA_CACHE_DIR`, `$XDG_CACHE_HOME/dsca` or
    /// `~/.cache/dsca`.
    pub cache_dir: Option<PathBuf>,
    /// Packages scanned at once; `None` is one per CPU.
    pub jobs: Option<usize>,
    /// A directory of the user's own YARA rules, beside dsca's.
    pub rules_dir: Option<PathBuf>,
    /// Leave the known-malware advisories out (`--no-advisories`; the evaluation, which
    /// measures the analysis and not the advisories' memory of its samples).
    pub no_advisories: bool,
    /// Look up the whole resolved dependency tree in the advisories (`--deps`).
    pub dependency_tree: bool,
    /// Analyse each package's files on one thread: for sessions that keep the CPUs busy
    /// with packages side by side.
    pub files_serially: bool,
    /// The sandboxed run, and which packages it takes.
    pub dynamic: Option<Dynamic>,
    /// Which policy file applies.
    pub policy: PolicyChoice,
    /// A results store of `dsca batch` to show each finding's prevalence from.
    pub prevalence_db: Option<String>,
    /// How many packages the session scans, when known before it starts (`dsca scan`'s
    /// specs): a packet capture records one.
    pub targets: Option<usize>,
    /// Where warnings and progress go (standard error by default).
    pub notices: Notices,
}

/// The sandbox's settings and the packages that run in it.
#[derive(Debug, Clone)]
pub struct Dynamic {
    pub options: dsca_sandbox::SandboxOptions,
    pub scope: DynamicScope,
}

/// Where a session's policy comes from.
#[derive(Debug, Clone, Default)]
pub enum PolicyChoice {
    /// No policy (`dsca scan`, the evaluation, batches).
    #[default]
    None,
    /// `dsca.toml` in the project directory, when there is one.
    Project,
    /// This file (`--config FILE`), which must exist.
    File(PathBuf),
    /// A policy read already (the install guard reads it before npm resolves).
    Loaded(Policy),
}

impl Settings {
    /// Packages scanned at once: `jobs`, or one per CPU.
    pub fn jobs(&self) -> usize {
        self.jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
            .max(1)
    }

    /// The cache the registry client and the advisory database use.
    pub fn cache(&self) -> anyhow::Result<Cache> {
        Ok(match &self.cache_dir {
            Some(dir) => Cache::new(dir.clone()),
            None => Cache::from_env()?,
        })
    }

    /// Whether a single run records one package only (`--pcap`).
    fn records_one_package(&self) -> bool {
        self.dynamic
            .as_ref()
            .is_some_and(|dynamic| dynamic.options.pcap.is_some())
    }

    /// The policy these settings name; each entry that expired is a warning.
    pub fn load_policy(&self) -> anyhow::Result<Policy> {
        let policy = match &self.policy {
            PolicyChoice::None => Policy::default(),
            PolicyChoice::Project => Policy::load(None, &self.project_dir)?,
            PolicyChoice::File(path) => Policy::load(Some(path), &self.project_dir)?,
            PolicyChoice::Loaded(policy) => return Ok(policy.clone()),
        };
        for expired in policy.expired() {
            self.notices.warning(expired);
        }
        Ok(policy)
    }
}

/// The pipeline as the settings configure it, the policy, and the prevalence store.
pub struct Session {
    scanner: Scanner,
    policy: Policy,
    /// Opened when the reports are ready (a server's connection is not held idle
    /// through a long scan).
    prevalence: Option<String>,
    jobs: usize,
    dynamic: bool,
    records_one_package: bool,
    notices: Notices,
}

impl Session {
    /// Check the settings and set up everything they name. A machine that cannot isolate
    /// a sandboxed run is refused here, before any work.
    pub fn new(settings: &Settings) -> anyhow::Result<Session> {
        if settings.records_one_package() && settings.targets != Some(1) {
            return Err(SetupError::CaptureNeedsOnePackage.into());
        }
        let policy = settings.load_policy()?;
        if let Some(db) = &settings.prevalence_db {
            prevalence::check(db)?;
        }
        let mut scanner = build_scanner(settings)?;
        if settings.files_serially {
            scanner.analyse_files_serially();
        }
        scanner.set_dependency_tree(settings.dependency_tree);
        if let Some(dynamic) = &settings.dynamic {
            dsca_sandbox::preflight()
                .map_err(|err| SetupError::SandboxUnavailable(err.to_string()))?;
            scanner.set_dynamic(dynamic.options.clone(), dynamic.scope);
        }
        Ok(Session {
            scanner,
            policy,
            prevalence: settings.prevalence_db.clone(),
            jobs: settings.jobs(),
            dynamic: settings.dynamic.is_some(),
            records_one_package: settings.records_one_package(),
            notices: settings.notices.clone(),
        })
    }

    /// Scan `specs` on the session's jobs; reports come back in their order, each
    /// finalised once with the policy applied, and with prevalence when a store is named.
    pub fn scan(&self, specs: &[String]) -> anyhow::Result<Vec<Report>> {
        if self.records_one_package && specs.len() > 1 {
            return Err(SetupError::CaptureNeedsOnePackage.into());
        }
        let mut reports = self
            .scanner
            .scan_many(specs, self.jobs, &|_, report| self.policy.apply(report));
        self.annotate_prevalence(&mut reports)?;
        Ok(reports)
    }

    /// One package, as a batch job: a panic is a failed report, never the end of the run.
    pub fn scan_one(&self, spec: &str) -> Report {
        self.scanner
            .scan_guarded(spec, &|report| self.policy.apply(report))
    }

    /// The policy the session applies.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The pipeline (for what it measured: [`Scanner::code_stage`]).
    pub fn scanner(&self) -> &Scanner {
        &self.scanner
    }

    /// Packages scanned at once.
    pub fn jobs(&self) -> usize {
        self.jobs
    }

    /// Where the session's warnings and progress go.
    pub fn notices(&self) -> &Notices {
        &self.notices
    }

    /// Whether packages run in the sandbox.
    pub fn is_dynamic(&self) -> bool {
        self.dynamic
    }

    fn annotate_prevalence(&self, reports: &mut [Report]) -> anyhow::Result<()> {
        match &self.prevalence {
            Some(db) => prevalence::annotate(&Store::open(db)?, reports),
            None => Ok(()),
        }
    }
}

/// The pipeline as the registry settings and the project's `.npmrc` files configure it.
fn build_scanner(settings: &Settings) -> anyhow::Result<Scanner> {
    let config = RegistryConfig::load(&settings.project_dir, settings.registry.as_deref())?;
    let cache = settings.cache()?;
    let advisories = if settings.no_advisories {
        None
    } else {
        advisories::open_for_scans(cache.root(), &settings.notices)
    };
    let client = Client::new(
        config,
        cache,
        ClientOptions {
            offline: settings.offline,
            ..ClientOptions::default()
        },
    )?;
    let yara = match &settings.rules_dir {
        Some(dir) => Some(std::sync::Arc::new(dsca_rules::YaraRules::with_user_rules(
            dir,
        )?)),
        None => None,
    };
    Ok(Scanner::new(
        client,
        ScanOptions {
            now: clock::pinned_clock()?,
            yara,
            advisories,
            ..ScanOptions::default()
        },
    ))
}

/// `dir`, or the current directory.
pub fn dir_or_current(dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    match dir {
        Some(dir) => Ok(dir.to_path_buf()),
        None => std::env::current_dir().context("cannot read the current directory"),
    }
}
