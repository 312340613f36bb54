//! What a package did when it was installed and imported inside dsca's sandbox: the
//! phases that ran, every DNS lookup, connection and HTTP(S) request the sandbox's sinks
//! answered, the processes and file accesses the tracer saw, and what became of the
//! bait credentials. Plain data; `dsca-sandbox` fills it in, the rules judge it.
//!
//! Times are milliseconds since the sandbox started, so reports of two runs compare.
//!
//! In Rust the records are flat lists, each record tagged with its phase, which is what
//! the rules want; in JSON every phase holds its own records (see [`wire`]), which is
//! what a reader of one phase wants.

use serde::{Deserialize, Serialize};

/// The whole record of one sandboxed run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "wire::Run", from = "wire::Run")]
pub struct DynamicAnalysis {
    pub sandbox: SandboxInfo,
    /// Every host name the package reached for outside the registry (DNS questions,
    /// TLS server names, HTTP hosts), sorted: the study's one-line answer.
    #[serde(default)]
    pub domains_outside_registry: Vec<String>,
    pub phases: Vec<PhaseResult>,
    /// Every DNS question the package (or anything it started) asked, in order.
    pub dns: Vec<DnsQuery>,
    /// Every TCP connection the sink accepted, and UDP datagrams outside DNS.
    pub connections: Vec<Connection>,
    /// Plain HTTP requests and HTTPS requests decrypted by the sink.
    pub http: Vec<HttpRequest>,
    /// The process tree: every process the tracer saw.
    pub processes: Vec<Process>,
    /// File accesses outside the system directories, in order.
    pub files: Vec<FileEvent>,
    pub honeytokens: Honeytokens,
    /// The answers the sandbox gave as a controller would (a command to a client that
    /// waited, a script to a script download), and whether the package ran them.
    #[serde(default)]
    pub probes: Vec<Probe>,
    /// Events dropped because a table reached its limit, by table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<DroppedEvents>,
}

/// One probe the sandbox answered with (see [`PROBE_MARK_PREFIX`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phase: String,
    /// `command` (sent to a raw client that waited) or `script` (a script download).
    pub kind: String,
    /// `address:port` of the connection, or the URL asked for.
    pub to: String,
    /// What was sent: `echo dsca-probe-<mark>`, or `a sh script running /bin/echo ...`.
    pub sent: String,
    pub time_ms: u64,
    /// The package ran it: the mark came back in a command or over the connection.
    pub triggered: bool,
    /// Where the mark came back (`pid 12 ran /bin/sh -c echo dsca-probe-...`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

impl DynamicAnalysis {
    /// File changes (not reads) outside the places an install writes to, for reports.
    /// Paths under `~` are taken in the home directory; relative paths are taken to be
    /// in the project (the rules resolve them against the process's directory instead).
    pub fn changes_outside_project(&self) -> impl Iterator<Item = &FileEvent> {
        self.files.iter().filter(|event| {
            if event.op == FileOp::Read {
                return false;
            }
            let path = match event.path.strip_prefix("~/") {
                Some(rest) => format!("{}/{rest}", self.sandbox.home.trim_end_matches('/')),
                None if event.path.starts_with('/') => event.path.clone(),
                None => return false,
            };
            !self.sandbox.is_expected_write(&path)
        })
    }
}

/// How the sandbox that ran the package was set up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxInfo {
    /// Namespaces the run was isolated by (`user`, `mount`, `pid`, `net`, `uts`, `ipc`).
    pub namespaces: Vec<String>,
    /// The tracer that recorded processes and files (`strace`).
    pub tracer: String,
    /// Host name and user name the package saw.
    pub hostname: String,
    pub user: String,
    /// The registry host names that resolved to dsca's registry proxy.
    pub registry_hosts: Vec<String>,
    /// Whether every TCP port was caught (a redirect rule), or only the listened ones.
    pub all_ports: bool,
    /// The home directory the package saw (`/home/user`), to tell npm's own places
    /// (`~/.npm`, `~/.cache`) from the rest of the home.
    #[serde(default)]
    pub home: String,
    /// The project directory npm installed into (`/home/user/project`).
    #[serde(default)]
    pub project_dir: String,
    /// The resolver address the sandbox's resolv.conf names (`10.0.2.3`), to tell a
    /// hard-coded resolver from the system one; empty when unknown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resolver: String,
    /// The time zone the package saw (`TZ`), empty when unknown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub timezone: String,
    /// Phases this run went without, each with why (`import-later: libfaketime is
    /// missing ...`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_phases: Vec<String>,
    /// The run's memory: its limit for all processes together, what they used and how
    /// many the kernel ended at the limit; `None` when the run had no such limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<RunMemory>,
    /// Why the run had no limit on its processes' memory together (only per process),
    /// empty when it had one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub memory_limit_missing: String,
}

/// The memory of a run's processes together, from the cgroup around the run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunMemory {
    pub limit_bytes: u64,
    /// The most held at once, when the kernel keeps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_bytes: Option<u64>,
    /// Processes the kernel ended because the run reached its limit.
    pub oom_kills: u64,
}

/// Places under the home directory npm and build tools write to: `~/.npm` (cache,
/// logs), `~/.cache` (node-gyp headers, prebuilds), the old node-gyp folder, and
/// update-notifier's state, which many CLIs write when loaded.
const HOME_WRITE_PLACES: &[&str] = &[".npm", ".cache", ".node-gyp", ".config/configstore"];
/// System places any process may write to.
const SYSTEM_WRITE_PLACES: &[&str] = &[
    "/tmp",
    "/var/tmp",
    "/dev/null",
    "/dev/tty",
    "/dev/stdout",
    "/dev/stderr",
    "/dev/shm",
    "/proc/self",
    "/proc/thread-self",
];

impl SandboxInfo {
    /// A change to `path` (absolute) is one an install makes: inside the project (its
    /// `node_modules` included), npm's and build tools' places in the home directory,
    /// temporary folders, `/dev/null` and a process's own `/proc` entries.
    pub fn is_expected_write(&self, path: &str) -> bool {
        let path = normalise_path(path);
        let home = normalise_dir(&self.home);
        if path_within(&path, &normalise_dir(&self.project_dir))
            || SYSTEM_WRITE_PLACES
                .iter()
                .any(|place| path_within(&path, place))
            || (!home.is_empty()
                && HOME_WRITE_PLACES
                    .iter()
                    .any(|place| path_within(&path, &format!("{home}/{place}"))))
        {
            return true;
        }
        // Python's bytecode cache (gyp, run by node-gyp, writes one next to its modules).
        if path.contains("/__pycache__/") {
            return true;
        }
        // `/proc/1234/...`
        path.strip_prefix("/proc/")
            .and_then(|rest| rest.split('/').next())
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
    }
}

/// An absolute directory as given, normalised without a trailing slash; empty when it
/// is empty or relative (unknown).
pub fn normalise_dir(dir: &str) -> String {
    if dir.starts_with('/') {
        normalise_path(dir)
    } else {
        String::new()
    }
}

/// `path` with `.` and `..` applied and slashes collapsed, as an absolute path (`..`
/// above the root stays at the root).
pub fn normalise_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

/// `path` is `dir` or inside it (both normalised); never inside an empty `dir`.
pub fn path_within(path: &str, dir: &str) -> bool {
    !dir.is_empty()
        && (path == dir
            || dir == "/"
            || path
                .strip_prefix(dir)
                .is_some_and(|rest| rest.starts_with('/')))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhaseStatus {
    /// The command finished by itself (whatever its exit code).
    Completed,
    /// The time limit ran out and the phase was killed.
    Timeout,
    /// The phase could not run, or was killed for another reason.
    Error,
}

impl PhaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PhaseStatus::Completed => "completed",
            PhaseStatus::Timeout => "timeout",
            PhaseStatus::Error => "error",
        }
    }
}

/// The phases of a run, in order: npm install (scripts on); require and import of the
/// entry point; the same again with the clock moved forward (the time-bomb pass); the
/// entry point's exported functions called with no arguments.
pub const INSTALL_PHASE: &str = "install";
pub const IMPORT_PHASE: &str = "import";
pub const LATER_PHASE: &str = "import-later";
pub const EXECUTE_PHASE: &str = "execute";

/// The path the execute phase's script opens (and fails to) once the package is loaded
/// and before the first call: the trace shows when the calls began, so what the second
/// load of the package did is told apart from what the calls did.
pub const CALLS_MARKER: &str = "/.dsca-calls-begin";

/// The line the execute phase's script prints on its standard output and error when it
/// opens [`CALLS_MARKER`]: what the phase printed before it is the load's.
pub const CALLS_BEGIN_LINE: &str = "-- dsca: the calls begin --";

/// One phase of the run (see [`INSTALL_PHASE`] and the others).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseResult {
    pub name: String,
    pub command: Vec<String>,
    pub status: PhaseStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    pub duration_ms: u64,
    /// The phase's time limit (0: not recorded).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub timeout_ms: u64,
    /// How many days ahead the package's clock ran (the time-bomb pass).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_offset_days: Option<u32>,
    /// How long the package's processes had run on a CPU or waited for one when the time
    /// limit ran out (a phase that timed out): near the duration, the code was spinning,
    /// not waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub busy_ms_at_timeout: Option<u64>,
    /// The execute phase: when the package was loaded and the first call began (see
    /// [`CALLS_MARKER`]); what happened before is the load's doing, not a call's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calls_began_ms: Option<u64>,
    /// The last lines of what the phase printed (escaped, bounded).
    pub stdout_tail: String,
    pub stderr_tail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

/// A DNS question seen by the sandbox's resolver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsQuery {
    /// The phase it happened in (`install`, `import`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phase: String,
    /// Lower-cased, without the trailing dot; odd bytes as `\DDD`.
    pub name: String,
    /// `A`, `AAAA`, `TXT`, `TYPE65`, ...
    pub qtype: String,
    /// `udp` or `tcp`.
    pub transport: String,
    /// The resolver address the package sent the question to (`8.8.8.8:53`).
    pub resolver: String,
    pub time_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// The name is one of the registry's hosts (answered with the proxy).
    pub registry: bool,
    /// What the sandbox answered (an address, or `NXDOMAIN`, `empty`).
    pub answer: String,
}

/// The start of the word the sandbox sends a raw TCP client that waits for orders
/// (`echo dsca-probe-<16 hex digits>`): seen again in a command or in what the client
/// sends back, it proves the package ran what a network peer told it to.
pub const PROBE_MARK_PREFIX: &str = "dsca-probe-";

/// The `kind` of a connection the sandbox sent that probe on.
pub const PROBED_CONNECTION: &str = "probed";

/// A connection the sink accepted (TCP) or a datagram it received (UDP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// The phase it happened in (`install`, `import`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phase: String,
    pub protocol: String,
    pub destination: String,
    pub port: u16,
    /// The name the sandbox's DNS gave this address for, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub time_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// What the client spoke: `tls`, `http`, `registry` (served by the proxy) or `raw`;
    /// `probed` when it said nothing and the sandbox sent it a probe command.
    pub kind: String,
    /// TLS ClientHello server name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sni: Option<String>,
    /// The first bytes the client sent, printable ASCII kept and the rest escaped.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub first_bytes: String,
    pub bytes_received: u64,
}

/// An HTTP request, plain or decrypted from HTTPS, and what the sink answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// The phase it happened in (`install`, `import`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phase: String,
    /// The full URL: `https://host/path?query`.
    pub url: String,
    pub method: String,
    pub host: String,
    /// Request headers in order (values bounded).
    pub headers: Vec<(String, String)>,
    /// The start of the body, escaped.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    pub body_bytes: u64,
    pub time_ms: u64,
    /// `address:port` it was sent to.
    pub destination: String,
    /// The process whose connection carried it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// Served by the registry proxy rather than the sink.
    pub registry: bool,
    /// Status code dsca answered with.
    pub status: u16,
    /// The answer was a probe script (see [`Probe`]).
    #[serde(default, skip_serializing_if = "is_false")]
    pub probe: bool,
    /// A dependency a served manifest names from outside the registry (a tarball URL; a
    /// hosted git repository's refs, clone or commit tarball): dsca fetched it on the
    /// host and answered with what its host sent (`fetched on the host: HTTP 200, 5120
    /// bytes from https://…`), or says why it did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched: Option<String>,
}

/// A process the tracer saw, with the command it ran last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Process {
    pub pid: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ppid: Option<u32>,
    /// The phase it ran in (`install`, `import`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phase: String,
    /// Every program it executed, in order (`execve` path and arguments).
    pub execs: Vec<Exec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<String>,
    /// `exited 0`, `killed by SIGKILL`, or absent when it never ended by itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// Still running after the phase's main command had finished.
    pub outlived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exec {
    pub path: String,
    pub argv: Vec<String>,
    pub time_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileOp {
    Read,
    Write,
    Create,
    Delete,
    Rename,
    /// chmod that adds an execute bit.
    MakeExecutable,
}

impl FileOp {
    pub fn as_str(self) -> &'static str {
        match self {
            FileOp::Read => "read",
            FileOp::Write => "write",
            FileOp::Create => "create",
            FileOp::Delete => "delete",
            FileOp::Rename => "rename",
            FileOp::MakeExecutable => "make-executable",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEvent {
    pub op: FileOp,
    pub path: String,
    /// For renames, the new path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The call failed with this error (`EROFS`, `EACCES`, `ENOENT`): an attempt that
    /// changed or read nothing, still worth knowing (a write to `/etc` the read-only
    /// system refused, a credential file that was not there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub pid: u32,
    /// The phase it happened in (`install`, `import`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phase: String,
    pub time_ms: u64,
}

/// Bait credentials planted for the run and what happened to them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Honeytokens {
    /// What was planted: `~/.npmrc (npm token)`, `env NPM_TOKEN`, ...
    pub planted: Vec<String>,
    /// Bait files that were opened.
    pub reads: Vec<HoneytokenRead>,
    /// Bait values found in what the package sent out.
    pub exfiltrations: Vec<Exfiltration>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoneytokenRead {
    /// The phase it happened in (`install`, `import`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phase: String,
    /// The bait file, as the package saw it (`~/.aws/credentials`).
    pub path: String,
    pub pid: u32,
    /// The command that read it (the last program the process executed).
    pub process: String,
    pub time_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exfiltration {
    /// The phase it happened in (`install`, `import`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phase: String,
    /// Which bait (`NPM_TOKEN`, `~/.aws/credentials secret key`).
    pub token: String,
    /// How it was encoded when found: `raw`, `base64`, `hex`, `url`, `dns-labels`.
    pub encoding: String,
    /// Where it went: `dns`, `http`, `https`, `tcp`, `udp`.
    pub channel: String,
    /// The destination (a DNS name, a URL, `address:port`).
    pub destination: String,
    /// The process that sent it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    pub time_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DroppedEvents {
    pub table: String,
    pub count: u64,
}

/// The JSON form of a run: one entry per phase holding that phase's DNS questions,
/// connections, HTTP(S) requests, commands (the process tree), file accesses and bait
/// reads and exfiltrations. Records inside a phase leave out their `phase` tag.
pub mod wire {
    use super::*;

    #[derive(Serialize, Deserialize)]
    pub struct Run {
        pub sandbox: SandboxInfo,
        #[serde(default)]
        pub domains_outside_registry: Vec<String>,
        pub phases: Vec<Phase>,
        /// What was planted for the whole run.
        pub honeytokens: Planted,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub dropped: Vec<DroppedEvents>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct Planted {
        pub planted: Vec<String>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct Phase {
        #[serde(flatten)]
        pub result: PhaseResult,
        pub dns: Vec<DnsQuery>,
        pub connections: Vec<Connection>,
        pub http: Vec<HttpRequest>,
        /// The processes of this phase, with what each executed.
        pub commands: Vec<Process>,
        pub files: Vec<FileEvent>,
        pub honeytokens: PhaseHoneytokens,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub probes: Vec<Probe>,
    }

    #[derive(Default, Serialize, Deserialize)]
    pub struct PhaseHoneytokens {
        pub reads: Vec<HoneytokenRead>,
        pub exfiltrations: Vec<Exfiltration>,
    }

    impl Phase {
        fn new(result: PhaseResult) -> Phase {
            Phase {
                result,
                dns: Vec::new(),
                connections: Vec::new(),
                http: Vec::new(),
                commands: Vec::new(),
                files: Vec::new(),
                honeytokens: PhaseHoneytokens::default(),
                probes: Vec::new(),
            }
        }
    }

    /// Moves each record into the phase its tag names; a record whose tag names no
    /// phase goes to the first one (the sandbox tags everything before the first phase
    /// started with it), or to a phase made for it when the run has none.
    struct Sorter {
        phases: Vec<Phase>,
    }

    impl Sorter {
        fn index(&mut self, tag: &str) -> usize {
            if let Some(index) = self.phases.iter().position(|p| p.result.name == tag) {
                return index;
            }
            if self.phases.is_empty() {
                self.phases.push(Phase::new(PhaseResult {
                    name: if tag.is_empty() { "unknown" } else { tag }.to_string(),
                    command: Vec::new(),
                    status: PhaseStatus::Error,
                    exit_code: None,
                    duration_ms: 0,
                    timeout_ms: 0,
                    clock_offset_days: None,
                    busy_ms_at_timeout: None,
                    calls_began_ms: None,
                    stdout_tail: String::new(),
                    stderr_tail: String::new(),
                    error: Some("the run recorded no phase".to_string()),
                }));
            }
            0
        }

        fn phase(&mut self, record: &mut impl Tagged) -> &mut Phase {
            let tag = record.phase_tag();
            let index = self.index(tag);
            tag.clear();
            &mut self.phases[index]
        }
    }

    /// A record that carries the name of its phase.
    trait Tagged {
        fn phase_tag(&mut self) -> &mut String;
    }

    macro_rules! tagged_records {
        ($($record:ty),*) => {$(
            impl Tagged for $record {
                fn phase_tag(&mut self) -> &mut String {
                    &mut self.phase
                }
            }
        )*};
    }
    tagged_records!(
        DnsQuery,
        Connection,
        HttpRequest,
        Process,
        FileEvent,
        HoneytokenRead,
        Exfiltration,
        Probe
    );

    fn tagged<T: Tagged>(mut records: Vec<T>, phase: &str) -> Vec<T> {
        for record in &mut records {
            *record.phase_tag() = phase.to_string();
        }
        records
    }

    impl From<DynamicAnalysis> for Run {
        fn from(run: DynamicAnalysis) -> Run {
            let mut sorter = Sorter {
                phases: run.phases.into_iter().map(Phase::new).collect(),
            };
            for mut query in run.dns {
                sorter.phase(&mut query).dns.push(query);
            }
            for mut connection in run.connections {
                sorter.phase(&mut connection).connections.push(connection);
            }
            for mut request in run.http {
                sorter.phase(&mut request).http.push(request);
            }
            for mut process in run.processes {
                sorter.phase(&mut process).commands.push(process);
            }
            for mut event in run.files {
                sorter.phase(&mut event).files.push(event);
            }
            for mut read in run.honeytokens.reads {
                sorter.phase(&mut read).honeytokens.reads.push(read);
            }
            for mut exfiltration in run.honeytokens.exfiltrations {
                sorter
                    .phase(&mut exfiltration)
                    .honeytokens
                    .exfiltrations
                    .push(exfiltration);
            }
            for mut probe in run.probes {
                sorter.phase(&mut probe).probes.push(probe);
            }
            Run {
                sandbox: run.sandbox,
                domains_outside_registry: run.domains_outside_registry,
                phases: sorter.phases,
                honeytokens: Planted {
                    planted: run.honeytokens.planted,
                },
                dropped: run.dropped,
            }
        }
    }

    impl From<Run> for DynamicAnalysis {
        fn from(wire: Run) -> DynamicAnalysis {
            let mut run = DynamicAnalysis {
                sandbox: wire.sandbox,
                domains_outside_registry: wire.domains_outside_registry,
                honeytokens: Honeytokens {
                    planted: wire.honeytokens.planted,
                    ..Honeytokens::default()
                },
                dropped: wire.dropped,
                ..DynamicAnalysis::default()
            };
            for phase in wire.phases {
                let name = &phase.result.name;
                run.dns.extend(tagged(phase.dns, name));
                run.connections.extend(tagged(phase.connections, name));
                run.http.extend(tagged(phase.http, name));
                run.processes.extend(tagged(phase.commands, name));
                run.files.extend(tagged(phase.files, name));
                run.probes.extend(tagged(phase.probes, name));
                run.honeytokens
                    .reads
                    .extend(tagged(phase.honeytokens.reads, name));
                run.honeytokens
                    .exfiltrations
                    .extend(tagged(phase.honeytokens.exfiltrations, name));
                run.phases.push(phase.result);
            }
            run
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_writes() {
        let sandbox = SandboxInfo {
            home: "/home/user/".into(),
            project_dir: "/home/user/project".into(),
            ..SandboxInfo::default()
        };
        for path in [
            "/home/user/project/node_modules/x/y.js",
            "/home/user/.npm/_cacache/x",
            "/home/user/.cache/node-gyp/20/x.h",
            "/tmp/x",
            "/dev/null",
            "/proc/12/fd/1",
            "/home/user/project/../project/x",
            "/usr/lib/node_modules/npm/node_modules/node-gyp/gyp/pylib/gyp/__pycache__/common.pyc",
        ] {
            assert!(sandbox.is_expected_write(path), "{path}");
        }
        for path in [
            "/home/user/.bashrc",
            "/home/user/.npmrc",
            "/home/user/project/../.ssh/authorized_keys",
            "/etc/cron.d/x",
            "/proc/sys/x",
        ] {
            assert!(!sandbox.is_expected_write(path), "{path}");
        }
        assert!(!SandboxInfo::default().is_expected_write("/home/user/.npm/x"));
        assert_eq!(normalise_path("/a/./b/../../../c//d"), "/c/d");
        assert!(path_within("/home/u/.npm/x", "/home/u/.npm"));
        assert!(!path_within("/home/u/.npmrc", "/home/u/.npm"));
    }

    fn phase(name: &str) -> PhaseResult {
        PhaseResult {
            name: name.into(),
            command: vec!["node".into()],
            status: PhaseStatus::Completed,
            exit_code: Some(0),
            duration_ms: 10,
            timeout_ms: 0,
            clock_offset_days: None,
            busy_ms_at_timeout: None,
            calls_began_ms: None,
            stdout_tail: String::new(),
            stderr_tail: String::new(),
            error: None,
        }
    }

    fn query(phase: &str, name: &str) -> DnsQuery {
        DnsQuery {
            phase: phase.into(),
            name: name.into(),
            qtype: "A".into(),
            transport: "udp".into(),
            resolver: "10.0.2.3:53".into(),
            time_ms: 1,
            pid: Some(7),
            registry: false,
            answer: "198.18.0.1".into(),
        }
    }

    fn file(phase: &str, path: &str) -> FileEvent {
        FileEvent {
            op: FileOp::Write,
            path: path.into(),
            target: None,
            error: None,
            pid: 7,
            phase: phase.into(),
            time_ms: 2,
        }
    }

    #[test]
    fn json_groups_records_by_phase_and_reads_back_the_same() {
        let run = DynamicAnalysis {
            phases: vec![phase("install"), phase("import")],
            dns: vec![query("install", "a.example"), query("import", "b.example")],
            files: vec![file("import", "/etc/x"), file("install", "/root/y")],
            honeytokens: Honeytokens {
                planted: vec!["env NPM_TOKEN".into()],
                reads: vec![HoneytokenRead {
                    phase: "import".into(),
                    path: "~/.npmrc".into(),
                    pid: 7,
                    process: "node".into(),
                    time_ms: 3,
                }],
                exfiltrations: Vec::new(),
            },
            ..DynamicAnalysis::default()
        };
        let json = serde_json::to_value(&run).expect("serialise");
        assert!(
            json.get("dns").is_none(),
            "records stay in their phase: {json:#}"
        );
        let phases = json["phases"].as_array().expect("phases");
        assert_eq!(phases[0]["dns"][0]["name"], "a.example");
        assert_eq!(phases[1]["dns"][0]["name"], "b.example");
        assert_eq!(phases[0]["files"][0]["path"], "/root/y");
        assert_eq!(phases[1]["files"][0]["path"], "/etc/x");
        assert_eq!(phases[1]["honeytokens"]["reads"][0]["path"], "~/.npmrc");
        assert!(phases[0]["dns"][0].get("phase").is_none(), "{json:#}");
        assert_eq!(json["honeytokens"]["planted"][0], "env NPM_TOKEN");

        let back: DynamicAnalysis = serde_json::from_value(json).expect("deserialise");
        let mut expected = run.clone();
        // Read back in phase order.
        expected.files.reverse();
        assert_eq!(back, expected);
    }

    #[test]
    fn a_record_of_no_known_phase_is_kept() {
        let run = DynamicAnalysis {
            phases: vec![phase("install")],
            dns: vec![query("", "early.example"), query("later", "odd.example")],
            ..DynamicAnalysis::default()
        };
        let json = serde_json::to_value(&run).expect("serialise");
        let names: Vec<&str> = json["phases"][0]["dns"]
            .as_array()
            .expect("dns")
            .iter()
            .filter_map(|q| q["name"].as_str())
            .collect();
        assert_eq!(names, ["early.example", "odd.example"]);

        let no_phase = DynamicAnalysis {
            dns: vec![query("", "lone.example")],
            ..DynamicAnalysis::default()
        };
        let json = serde_json::to_value(&no_phase).expect("serialise");
        assert_eq!(json["phases"][0]["name"], "unknown");
        assert_eq!(json["phases"][0]["status"], "error");
        assert_eq!(json["phases"][0]["dns"][0]["name"], "lone.example");
    }
}

/// One thing `--dynamic` needs from the machine, and whether it is there
/// (`dsca sandbox check`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// What is needed (`nft (nftables)`).
    pub what: &'static str,
    /// `None` when it is there, else what is missing and how to get it, in one line.
    pub missing: Option<String>,
    /// Without it the run goes on, one pass short (the report says which).
    pub optional: bool,
}

impl Requirement {
    /// Missing, and the run cannot go without it.
    pub fn blocks(&self) -> bool {
        self.missing.is_some() && !self.optional
    }
}
