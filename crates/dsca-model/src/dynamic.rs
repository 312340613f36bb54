//! What a package did when it was installed and imported inside dsca's sandbox: the
//! phases that ran, every DNS lookup, connection and HTTP(S) request the sandbox's sinks
//! answered, the processes and file accesses the tracer saw, and what became of the
//! bait credentials. Plain data; `dsca-sandbox` fills it in, the rules judge it.
//!
//! Times are milliseconds since the sandbox started, so reports of two runs compare.

use serde::{Deserialize, Serialize};

/// The whole record of one sandboxed run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Events dropped because a table reached its limit, by table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<DroppedEvents>,
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

/// One phase of the run: `install` (npm install, scripts on) or `import` (require and
/// import of the entry points).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseResult {
    pub name: String,
    pub command: Vec<String>,
    pub status: PhaseStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    pub duration_ms: u64,
    /// The last lines of what the phase printed (escaped, bounded).
    pub stdout_tail: String,
    pub stderr_tail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
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
    /// What the client spoke: `tls`, `http`, `registry` (served by the proxy) or `raw`.
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
    /// Served by the registry proxy rather than the sink.
    pub registry: bool,
    /// Status code dsca answered with.
    pub status: u16,
}

/// A process the tracer saw, with the command it ran last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Process {
    pub pid: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ppid: Option<u32>,
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
    pub pid: u32,
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
    /// The bait file, as the package saw it (`~/.aws/credentials`).
    pub path: String,
    pub pid: u32,
    /// The command that read it (the last program the process executed).
    pub process: String,
    pub time_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exfiltration {
    /// Which bait (`NPM_TOKEN`, `~/.aws/credentials secret key`).
    pub token: String,
    /// How it was encoded when found: `raw`, `base64`, `hex`, `url`, `dns-labels`.
    pub encoding: String,
    /// Where it went: `dns`, `http`, `https`, `tcp`, `udp`.
    pub channel: String,
    /// The destination (a DNS name, a URL, `address:port`).
    pub destination: String,
    pub time_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DroppedEvents {
    pub table: String,
    pub count: u64,
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
}
