//! Dynamic rules: what a package did inside dsca's sandbox (DSCA1001–DSCA1099), judged
//! from a [`DynamicAnalysis`]. One file per rule; a new rule is a new file here plus its
//! line in the table of `codes.rs`.
//!
//! The record is package-controlled data (names it looked up, URLs, argv, paths): every
//! list a rule reports is bounded, and nothing here indexes or unwraps on it.
//!
//! A normal install has a recognisable shape: npm resolves and fetches from the
//! registry (answered by the proxy), runs lifecycle scripts through `sh -c`, which may
//! start node, node-gyp, make, a compiler and python3 (gyp), and writes into the
//! project, `~/.npm` and `~/.cache`. The rules stay quiet on that shape.

pub(crate) mod behaviours;

pub mod credential_exfiltration;
pub mod credential_file_read;
pub mod dns_lookup_outside_registry;
pub mod download_and_execute;
pub mod http_request_outside_registry;
pub mod ip_literal_connection;
pub mod known_indicator;
pub mod phase_incomplete;
pub mod process_outlived_phase;
pub mod remote_command_executed;
pub mod risky_command_executed;
pub mod spins_when_loaded;
pub mod time_triggered;
pub mod write_outside_project;

use crate::Analysis;
use dsca_model::Severity;
use dsca_model::dynamic::{
    DynamicAnalysis, EXECUTE_PHASE, Exec, Process, normalise_dir, normalise_path as normalise,
    path_within,
};
use std::collections::{HashMap, HashSet};

pub(crate) type Check = fn(&RunContext, &mut Analysis);

/// Judge one sandboxed run: the dynamic rules' findings and neutral behaviours.
///
/// What the package did on its own (install, import, the time-bomb pass) is judged as it
/// is. What it did only when dsca called its exported functions with no arguments is
/// judged apart and weighs little: a library's function that looks up its API, reads a
/// config file or broadcasts on the LAN when called is doing its job. Proof stays proof:
/// a bait credential sent out, a persistence place written are as critical from a called
/// function as from an install script, and a probe it ran keeps its weight (DSCA1012).
pub(crate) fn analyse(run: &DynamicAnalysis, checks: &[Check]) -> Analysis {
    let (own, called) = split_called(run);
    let mut analysis = judge(own.as_ref().unwrap_or(run), checks);
    if let Some(called) = called {
        for mut finding in judge(&called, checks).findings {
            if finding.severity < Severity::Critical
                && finding.rule != remote_command_executed::RULE.id
            {
                finding.severity = Severity::Low;
            }
            // The package's own finding of the same rule says more: the calls' evidence
            // joins it (the hosts only a called function reached stay in the report).
            if let Some(own) = analysis
                .findings
                .iter_mut()
                .find(|f| f.rule == finding.rule && f.severity >= finding.severity)
            {
                let room = crate::metadata::MAX_EVIDENCE.saturating_sub(own.evidence.len());
                for mut item in finding.evidence.into_iter().take(room) {
                    item.detail = format!("when called: {}", item.detail);
                    own.evidence.push(item);
                }
                continue;
            }
            finding.message = format!(
                "when dsca called its exported functions: {}",
                finding.message
            );
            analysis.findings.push(finding);
        }
    }
    analysis.behaviours = behaviours::summarise(&RunContext::new(run));
    analysis
}

/// `checks` (the dynamic rules of the rule table) over one run.
fn judge(run: &DynamicAnalysis, checks: &[Check]) -> Analysis {
    let context = RunContext::new(run);
    let mut analysis = Analysis::default();
    for check in checks {
        check(&context, &mut analysis);
    }
    analysis
}

/// The run without what its exported functions did when called, and that alone;
/// `(None, None)` when the run has no execute phase (the whole run is the package's own
/// doing). The execute phase loads the package before it calls anything: what happened
/// before `calls_began_ms` is the load's (all of it counts as called without the mark).
fn split_called(run: &DynamicAnalysis) -> (Option<DynamicAnalysis>, Option<DynamicAnalysis>) {
    let Some(execute) = run.phases.iter().find(|p| p.name == EXECUTE_PHASE) else {
        return (None, None);
    };
    let calls_began = execute.calls_began_ms.unwrap_or(0);
    let part = |called: bool| {
        let keep = |phase: &str, time_ms: u64| {
            (phase == EXECUTE_PHASE && time_ms >= calls_began) == called
        };
        let mut part = run.clone();
        part.phases.retain(|p| !called || p.name == EXECUTE_PHASE);
        part.dns.retain(|r| keep(&r.phase, r.time_ms));
        part.connections.retain(|r| keep(&r.phase, r.time_ms));
        part.http.retain(|r| keep(&r.phase, r.time_ms));
        // The script's own process stays in both: the calls' children hang under it.
        let script = |process: &Process| {
            process.phase == EXECUTE_PHASE
                && process.execs.iter().any(|exec| {
                    run.phases
                        .iter()
                        .any(|p| p.name == EXECUTE_PHASE && p.command == exec.argv)
                })
        };
        part.processes.retain(|r| {
            script(r) || keep(&r.phase, r.execs.first().map_or(calls_began, |e| e.time_ms))
        });
        part.files.retain(|r| keep(&r.phase, r.time_ms));
        part.honeytokens.reads.retain(|r| keep(&r.phase, r.time_ms));
        part.honeytokens
            .exfiltrations
            .retain(|r| keep(&r.phase, r.time_ms));
        part.probes.retain(|r| keep(&r.phase, r.time_ms));
        if called {
            part.dropped.clear();
        }
        part
    };
    (Some(part(false)), Some(part(true)))
}

/// Parent chains longer than this are not followed (a hostile tree could loop).
const MAX_ANCESTRY: usize = 64;
/// Characters of a command line quoted in evidence.
const MAX_COMMAND_CHARS: usize = 160;

/// A run with its process table indexed, and the paths the rules compare against.
pub(crate) struct RunContext<'a> {
    pub run: &'a DynamicAnalysis,
    processes: HashMap<u32, &'a Process>,
    /// The home directory without a trailing slash; empty when unknown.
    pub home: String,
    /// The project directory without a trailing slash; empty when unknown.
    pub project: String,
}

impl<'a> RunContext<'a> {
    pub(crate) fn new(run: &'a DynamicAnalysis) -> Self {
        let mut processes = HashMap::new();
        for process in &run.processes {
            // A pid seen twice (reuse) keeps its first record.
            processes.entry(process.pid).or_insert(process);
        }
        RunContext {
            run,
            processes,
            home: normalise_dir(&run.sandbox.home),
            project: normalise_dir(&run.sandbox.project_dir),
        }
    }

    pub(crate) fn process(&self, pid: u32) -> Option<&'a Process> {
        self.processes.get(&pid).copied()
    }

    /// The last program a process ran, as a short command line, or `pid N`.
    pub(crate) fn command(&self, pid: u32) -> String {
        match self.process(pid).and_then(|p| p.execs.last()) {
            Some(exec) => command_line(exec),
            None => format!("pid {pid}"),
        }
    }

    /// `` `command` (pid N) `` for evidence, or an empty string without a pid.
    pub(crate) fn by_process(&self, pid: Option<u32>) -> String {
        match pid {
            Some(pid) if self.process(pid).is_some() => {
                format!(" by `{}` (pid {pid})", self.command(pid))
            }
            Some(pid) => format!(" by pid {pid}"),
            None => String::new(),
        }
    }

    /// `path` as an absolute, normalised path: `~` expanded, a relative path resolved
    /// against the working directory of the process that used it.
    pub(crate) fn resolve(&self, path: &str, pid: u32) -> String {
        let joined = if let Some(rest) = path.strip_prefix("~/") {
            format!("{}/{rest}", self.home)
        } else if path == "~" {
            self.home.clone()
        } else if path.starts_with('/') {
            path.to_string()
        } else {
            let cwd = self
                .process(pid)
                .and_then(|p| p.cwd.as_deref())
                .filter(|cwd| cwd.starts_with('/'))
                .unwrap_or(self.project.as_str());
            format!("{cwd}/{path}")
        };
        normalise(&joined)
    }

    /// `path` is `dir` or inside it (both absolute, normalised); never for an empty dir.
    pub(crate) fn is_within(path: &str, dir: &str) -> bool {
        path_within(path, dir)
    }

    /// `path` under the home directory, as `~/rest`, for messages.
    pub(crate) fn display_path(&self, path: &str) -> String {
        match path.strip_prefix(self.home.as_str()) {
            Some(rest) if !self.home.is_empty() && rest.starts_with('/') => format!("~{rest}"),
            _ => path.to_string(),
        }
    }

    /// The process runs the npm CLI: one of its programs is `npm`, or node running
    /// `npm-cli.js` (a shell running `npm run x` replaces itself with npm).
    pub(crate) fn is_npm_cli(&self, pid: u32) -> bool {
        self.process(pid).is_some_and(|p| {
            p.execs.iter().any(|exec| {
                let program = program_name(exec);
                program == "npm"
                    || (matches!(program.as_str(), "node" | "nodejs")
                        && exec
                            .argv
                            .iter()
                            .skip(1)
                            .take(1)
                            .any(|arg| arg.ends_with("/npm-cli.js") || arg.ends_with("/bin/npm")))
            })
        })
    }

    /// The exec is the command dsca itself ran for a phase (`npm install …`, the
    /// import's `node -e …`), not something the package started.
    pub(crate) fn is_phase_command(&self, exec: &Exec) -> bool {
        self.run
            .phases
            .iter()
            .any(|phase| !phase.command.is_empty() && phase.command == exec.argv)
    }

    /// When the first child of `pid` ran its first program.
    pub(crate) fn first_child_time(&self, pid: u32) -> Option<u64> {
        self.run
            .processes
            .iter()
            .filter(|p| p.ppid == Some(pid) && p.pid != pid)
            .filter_map(|p| p.execs.first().map(|e| e.time_ms))
            .min()
    }

    /// Some ancestor of `pid` (or the process itself) is a shell running a command
    /// string (`sh -c …`): the process belongs to a lifecycle script.
    pub(crate) fn under_shell_command(&self, pid: u32) -> bool {
        let mut seen = HashSet::new();
        let mut current = Some(pid);
        while let Some(id) = current {
            if !seen.insert(id) || seen.len() > MAX_ANCESTRY {
                return false;
            }
            let Some(process) = self.process(id) else {
                return false;
            };
            if process.execs.iter().any(|e| shell_command(e).is_some()) {
                return true;
            }
            current = process.ppid;
        }
        false
    }

    /// The run talked to something other than the registry: a request the sink
    /// answered, or a connection outside the registry proxy.
    pub(crate) fn reached_outside_registry(&self) -> bool {
        self.run.http.iter().any(|r| !r.registry)
            || self
                .run
                .connections
                .iter()
                .any(|c| c.kind != "registry" && !is_loopback(&c.destination))
    }
}

/// The program an exec ran: the lowercase basename of argv[0], else of the path.
pub(crate) fn program_name(exec: &Exec) -> String {
    let word = exec
        .argv
        .first()
        .filter(|a| !a.is_empty())
        .unwrap_or(&exec.path);
    basename(word)
}

pub(crate) fn basename(word: &str) -> String {
    word.rsplit('/').next().unwrap_or(word).to_ascii_lowercase()
}

pub(crate) const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ksh", "ash", "busybox"];

/// The command string of `sh -c STRING` (also `bash -lc`, `sh -ec`), if this is one.
pub(crate) fn shell_command(exec: &Exec) -> Option<&str> {
    if !SHELLS.contains(&program_name(exec).as_str()) {
        return None;
    }
    let mut args = exec.argv.iter().skip(1);
    while let Some(arg) = args.next() {
        if arg.starts_with("--") {
            continue;
        }
        let letters = arg.strip_prefix('-')?;
        if letters.contains('c') {
            return args.next().map(String::as_str);
        }
    }
    None
}

/// argv as one short line, arguments with spaces quoted, package text kept on one line.
pub(crate) fn command_line(exec: &Exec) -> String {
    let mut line = String::new();
    let argv: Vec<&str> = if exec.argv.is_empty() {
        vec![exec.path.as_str()]
    } else {
        exec.argv.iter().map(String::as_str).collect()
    };
    for (index, arg) in argv.iter().enumerate() {
        if index > 0 {
            line.push(' ');
        }
        if arg.is_empty() || arg.contains([' ', '\t', '\n', '"']) {
            line.push('"');
            line.push_str(&arg.replace('"', "\\\""));
            line.push('"');
        } else {
            line.push_str(arg);
        }
        if line.len() > MAX_COMMAND_CHARS * 4 {
            break;
        }
    }
    short(&line, MAX_COMMAND_CHARS)
}

/// At most `max` characters of `text` on one line, an ellipsis marking a cut.
pub(crate) fn short(text: &str, max: usize) -> String {
    dsca_model::truncate_snippet(&dsca_model::one_line(text), max)
}

/// Hosts native addons honestly download from at install time (node headers, release
/// binaries): contacting them alone weighs low.
const BUILD_HOSTS: &[&str] = &[
    "nodejs.org",
    "github.com",
    "objects.githubusercontent.com",
    "release-assets.githubusercontent.com",
    "codeload.github.com",
];

/// `host` is one of [`BUILD_HOSTS`] or a name under one.
pub(crate) fn is_build_host(host: &str) -> bool {
    BUILD_HOSTS.iter().any(|entry| {
        host == *entry
            || host
                .strip_suffix(entry)
                .is_some_and(|head| head.ends_with('.'))
    })
}

/// The host part of `address`, `address:port` or `[v6]:port`.
pub(crate) fn host_part(address: &str) -> &str {
    if let Some(rest) = address.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match address.rsplit_once(':') {
        // One colon: `host:port`; more: a bare IPv6 address.
        Some((host, port)) if !host.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            host
        }
        _ => address,
    }
}

pub(crate) fn is_loopback(address: &str) -> bool {
    let host = host_part(address);
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip: std::net::IpAddr| {
                let ip = ip.to_canonical();
                ip.is_loopback() || ip.is_unspecified()
            })
}

/// "N things" with the right plural.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exec(argv: &[&str]) -> Exec {
        Exec {
            path: format!("/usr/bin/{}", argv.first().copied().unwrap_or_default()),
            argv: argv.iter().map(|a| a.to_string()).collect(),
            time_ms: 0,
        }
    }

    #[test]
    fn shell_command_strings() {
        assert_eq!(
            shell_command(&exec(&["sh", "-c", "node-gyp rebuild"])),
            Some("node-gyp rebuild")
        );
        assert_eq!(shell_command(&exec(&["bash", "-lc", "x"])), Some("x"));
        assert_eq!(shell_command(&exec(&["sh", "script.sh"])), None);
        assert_eq!(shell_command(&exec(&["node", "-c", "x"])), None);
        assert_eq!(shell_command(&exec(&["sh", "-c"])), None);
    }

    #[test]
    fn paths_normalise_and_hosts_split() {
        assert_eq!(host_part("198.51.100.7:443"), "198.51.100.7");
        assert_eq!(host_part("[::1]:80"), "::1");
        assert_eq!(host_part("::1"), "::1");
        assert!(is_loopback("127.0.0.53:53"));
        assert!(is_loopback("[::ffff:127.0.0.1]:80"));
        assert!(!is_loopback("198.51.100.7:80"));
        assert!(RunContext::is_within("/home/u/.npm/x", "/home/u/.npm"));
        assert!(!RunContext::is_within("/home/u/.npmrc", "/home/u/.npm"));
        assert!(!RunContext::is_within("/x", ""));
    }

    #[test]
    fn command_lines_are_quoted_and_bounded() {
        assert_eq!(
            command_line(&exec(&["sh", "-c", "echo \"hi\""])),
            "sh -c \"echo \\\"hi\\\"\""
        );
        let long = "x".repeat(10_000);
        assert!(command_line(&exec(&["node", &long])).chars().count() <= MAX_COMMAND_CHARS + 1);
    }
}
