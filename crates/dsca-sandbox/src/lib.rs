//! dsca's sandbox: installs and imports a package inside new user, mount, PID, network,
//! UTS and IPC namespaces, answers every DNS question and TCP connection itself (nothing
//! leaves), traces every process and file access, plants bait credentials, and turns
//! what it saw into a [`dsca_model::dynamic::DynamicAnalysis`].
//!
//! Fail closed: if any part of the isolation cannot be set up, the run is refused.

mod assemble;
pub mod capture;
mod cgroup;
pub mod honey;
mod idmap;
pub mod init;
pub mod net;
mod protocol;
pub mod script_shell;
mod supervisor;
mod sys;
pub mod trace;

pub use supervisor::{DEFAULT_REGISTRY_HOSTS, Requirement, preflight, requirements, run};

use std::path::PathBuf;
use std::time::Duration;

/// What to install: a registry package (fetched through the sandbox's registry proxy)
/// or a tarball's bytes (a local `.tgz`).
#[derive(Debug, Clone)]
pub enum Target {
    Registry {
        name: String,
        version: String,
    },
    /// `name` is the package's own name, for the import phase (none: import is skipped).
    Tarball {
        name: Option<String>,
        bytes: Vec<u8>,
    },
}

/// Settings of a run; the defaults suit one package on a developer's machine.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    pub install_timeout: Duration,
    pub import_timeout: Duration,
    /// Time limit of the execute phase (the exported functions called); zero skips it.
    pub execute_timeout: Duration,
    /// How many days ahead the clock runs in the time-bomb pass (the import again,
    /// through libfaketime); zero skips it.
    pub clock_offset_days: u32,
    /// How long processes may go on after a phase's command ended before they are killed
    /// (and reported as having outlived it).
    pub grace: Duration,
    /// How long processes still running after a phase's command are watched (and
    /// recorded) before they are killed: a detached child that waits before it acts.
    pub linger: Duration,
    /// How long the import phase waits for asynchronous work after loading the package.
    pub import_settle: Duration,
    /// What the sink answers to HTTP(S) requests outside the registry.
    pub response: net::SimulatedResponse,
    pub max_processes: u64,
    pub max_file_bytes: u64,
    /// Address space of each process (RLIMIT_DATA).
    pub max_memory_bytes: u64,
    /// Memory of all the run's processes together (a cgroup around the run, when dsca
    /// may make one).
    pub max_run_memory_bytes: u64,
    /// Size of each writable file system (home, /tmp).
    pub max_disk_bytes: u64,
    pub max_trace_bytes: u64,
    /// More host names to serve from the registry proxy (a company registry's host).
    pub extra_registry_hosts: Vec<String>,
    /// The program that runs `__sandbox-init` (default: this program).
    pub init_program: Option<PathBuf>,
    /// Write every packet of the sandbox's network here, as pcapng (`--pcap`).
    pub pcap: Option<PathBuf>,
    /// Whose machine the sandbox looks like.
    pub profile: SandboxProfile,
    /// Fetch on the host the URL dependencies (`https://…/x.tgz`) that the served
    /// manifests name, so their install runs in the sandbox as npm would run it
    /// (public addresses only); off, npm gets the sink's answer for them.
    pub fetch_url_dependencies: bool,
    /// Where those fetches connect instead (`HOST:PORT:ADDRESS:PORT`, as curl's
    /// `--connect-to`): a mirror, a test server. Trusted as given.
    pub connect_to: Vec<dsca_registry::ConnectTo>,
}

/// Whose machine the sandbox looks like: malware that acts only on CI runners (to steal
/// their secrets) shows itself only to the CI profile, and malware that hides from CI
/// only to the developer one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SandboxProfile {
    /// A developer's laptop: a first name, `<name>-thinkpad`, a project under ~/projects.
    #[default]
    Developer,
    /// A GitHub Actions runner: user `runner`, host `fv-az<n>-<n>`, the workspace under
    /// ~/work, and the variables a workflow sees (`CI`, `GITHUB_ACTIONS`,
    /// `GITHUB_REPOSITORY`, `RUNNER_NAME`, ...).
    Ci,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            install_timeout: Duration::from_secs(120),
            import_timeout: Duration::from_secs(30),
            execute_timeout: Duration::from_secs(30),
            // A year and five weeks: past a date set for the coming year, and on
            // another day of the week.
            clock_offset_days: 400,
            grace: Duration::from_secs(2),
            linger: Duration::from_secs(10),
            import_settle: Duration::from_secs(3),
            response: net::SimulatedResponse::default(),
            max_processes: 512,
            max_file_bytes: 512 * 1024 * 1024,
            max_memory_bytes: 4 * 1024 * 1024 * 1024,
            max_run_memory_bytes: 6 * 1024 * 1024 * 1024,
            max_disk_bytes: 2 * 1024 * 1024 * 1024,
            max_trace_bytes: 256 * 1024 * 1024,
            extra_registry_hosts: Vec::new(),
            init_program: None,
            pcap: None,
            profile: SandboxProfile::Developer,
            fetch_url_dependencies: true,
            connect_to: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// This machine cannot isolate a run (no root, no user namespaces, missing tools).
    #[error("sandbox unavailable: {0}")]
    Unsupported(String),
    /// A part of the isolation could not be set up: the run was refused.
    #[error("sandbox refused to run: {0}")]
    Setup(String),
}

impl SandboxError {
    pub fn code(&self) -> &'static str {
        match self {
            SandboxError::Unsupported(_) => "sandbox-unavailable",
            SandboxError::Setup(_) => "sandbox-setup",
        }
    }
}
