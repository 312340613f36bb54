//! Reads the log strace writes for a sandboxed phase and turns it into processes, file
//! operations and socket calls.
//!
//! The log comes from [`strace_args`]: one line per call, prefixed with the pid and an
//! absolute `-ttt` time; `-yy` annotates every fd with its path or socket endpoints, so
//! `*at` calls name their directory (`openat(AT_FDCWD</w>, "x", ...)`) and a `sendto` on a
//! connected socket names its peer. The log is hostile input (a package chooses the
//! paths and bytes it shows), so the reader is bounded by [`TraceLimits`], counts what it
//! cannot read in [`Trace::skipped_lines`] and never fails on content; only I/O errors fail.
//!
//! Conventions:
//! - Threads (`clone` with `CLONE_THREAD`) are folded into their process: their calls
//!   carry the process's pid and they get no [`TracedProcess`] of their own.
//! - An `open*`/`creat` gives one [`FileEvent`]: `Create` when `O_CREAT` was
//!   given (opened for writing, created if absent), else `Write` for `O_WRONLY`/`O_RDWR`,
//!   else `Read`. `O_PATH` and `O_DIRECTORY` opens touch no content and are left out.
//!   Its path is the one `-y` reports for the new fd (symbolic links resolved) when
//!   there is one, else the requested path made absolute.
//! - A file call that failed (`-1 EROFS`, `EACCES`, `ENOENT`, ...) is still an event, with
//!   its errno in `error`: an attempt. Which attempts matter is decided later.
//! - `chmod`/`fchmodat`/`fchmod` with any execute bit in the new mode is
//!   `MakeExecutable` (the old mode is not in the log).
//! - Socket calls are kept whether they succeeded or not; a non-blocking `connect` reports
//!   `Err("EINPROGRESS")`, which is how it starts, not a refusal.

pub(crate) mod syntax;

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use dsca_model::dynamic::{DroppedEvents, Exec, FileEvent, FileOp};

use syntax::{Call, Returned};

/// The system calls the sandbox asks strace to record.
const TRACED_CALLS: &str = "execve,execveat,open,openat,openat2,creat,unlink,unlinkat,rename,renameat,renameat2,\
chmod,fchmod,fchmodat,chdir,fchdir,clone,clone3,fork,vfork,connect,sendto,sendmsg,sendmmsg";

/// strace's options for a sandboxed phase (everything before `--`), writing to `output`.
///
/// `-f` follows children; `-q` drops attach messages but keeps `+++ exited with N +++`;
/// `-ttt` gives absolute times; `-yy` annotates fds with paths and socket endpoints;
/// `-s 4096` keeps up to 4 KiB of each string (datagram payloads);
/// `--seccomp-bpf` stops only at traced calls (works unprivileged with `-f`);
/// `-e signal=!SIGCHLD` drops the most common signal noise but keeps
/// `+++ killed by SIGKILL +++` (which `-e signal=none` would hide).
pub fn strace_args(output: &str) -> Vec<String> {
    let mut args: Vec<String> = [
        "-f",
        "-q",
        "-ttt",
        "-yy",
        "-s",
        "4096",
        "--seccomp-bpf",
        "-e",
        "signal=!SIGCHLD",
        "-e",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    args.push(format!("trace={TRACED_CALLS}"));
    args.push("-o".to_string());
    args.push(output.to_string());
    args
}

/// Bounds on what one log may cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceLimits {
    /// Bytes read from the log; the rest is left unread and [`Trace::truncated`] is set.
    pub max_bytes: u64,
    /// Longest line kept; longer lines are skipped (and counted).
    pub max_line: usize,
    /// Processes recorded; later ones are counted in `dropped` (table `processes`).
    pub max_processes: usize,
    /// File events and socket events recorded, each; later ones are counted in `dropped`.
    pub max_events: usize,
}

impl Default for TraceLimits {
    fn default() -> Self {
        TraceLimits {
            max_bytes: 512 * 1024 * 1024,
            max_line: 64 * 1024,
            max_processes: 4096,
            max_events: 200_000,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    /// By first appearance.
    pub processes: Vec<TracedProcess>,
    /// Successful file operations, absolute normalised paths, in log order.
    pub files: Vec<FileEvent>,
    /// connect/sendto/sendmsg/sendmmsg with an IP or Unix address, successful or not.
    pub sockets: Vec<SocketEvent>,
    pub dropped: Vec<DroppedEvents>,
    /// Lines that could not be read (garbage, invalid UTF-8 in the frame, too long).
    pub skipped_lines: u64,
    /// The log was longer than `max_bytes` and its end was not read.
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracedProcess {
    pub pid: u32,
    pub ppid: Option<u32>,
    pub execs: Vec<Exec>,
    /// The last working directory seen (or inherited, or `initial_cwd`).
    pub cwd: Option<String>,
    /// `exited 0`, `killed by SIGKILL`; `None` when the log ended first.
    pub end: Option<String>,
    pub end_time_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketEvent {
    pub pid: u32,
    /// `connect`, `sendto`, `sendmsg` or `sendmmsg`.
    pub syscall: String,
    /// `inet`, `inet6` or `unix`.
    pub family: String,
    pub address: String,
    pub port: Option<u16>,
    /// The bytes sent (as far as strace's `-s` kept them); empty for `connect`.
    pub data: Vec<u8>,
    /// `Err(errno name)` when the call failed.
    pub result: Result<(), String>,
    pub time_ms: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    #[error("cannot read the strace log: {0}")]
    Io(#[from] std::io::Error),
}

/// Parses a whole log. `epoch_micros` is the run's start as UNIX microseconds (times
/// become milliseconds since then); `initial_cwd` is the first process's working
/// directory (relative paths resolve against each process's, inherited on fork);
/// `phase` goes into every [`FileEvent`].
pub fn parse(
    mut reader: impl BufRead,
    epoch_micros: u64,
    initial_cwd: &str,
    phase: &str,
    limits: &TraceLimits,
) -> Result<Trace, TraceError> {
    let mut state = State::new(epoch_micros, initial_cwd, phase, limits);
    let mut line = Vec::new();
    let mut budget = limits.max_bytes;
    loop {
        match read_line(&mut reader, &mut line, limits.max_line, &mut budget)? {
            LineRead::End => break,
            LineRead::OverBudget => {
                state.truncated = true;
                break;
            }
            LineRead::TooLong => state.skipped += 1,
            LineRead::Line => {
                if !line.is_empty() && !state.line(&line) {
                    state.skipped += 1;
                }
            }
        }
    }
    Ok(state.finish())
}

enum LineRead {
    Line,
    TooLong,
    OverBudget,
    End,
}

/// Reads one line into `line` (without the newline), keeping at most `max_line` bytes
/// in memory and charging every byte read to `budget`.
fn read_line(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    max_line: usize,
    budget: &mut u64,
) -> std::io::Result<LineRead> {
    line.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(match (any, too_long) {
                (false, _) => LineRead::End,
                (true, true) => LineRead::TooLong,
                (true, false) => LineRead::Line,
            });
        }
        any = true;
        let newline = available.iter().position(|&b| b == b'\n');
        let take = newline.map_or(available.len(), |n| n + 1);
        let cost = u64::try_from(take).unwrap_or(u64::MAX);
        if cost > *budget {
            return Ok(LineRead::OverBudget);
        }
        *budget -= cost;
        let content = available.get(..newline.unwrap_or(take)).unwrap_or_default();
        if !too_long {
            if line.len() + content.len() > max_line {
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(content);
            }
        }
        reader.consume(take);
        if newline.is_some() {
            return Ok(if too_long {
                LineRead::TooLong
            } else {
                LineRead::Line
            });
        }
    }
}

/// What the parser knows about one task (process or thread) while reading.
struct Task {
    pid: u32,
    ppid: Option<u32>,
    execs: Vec<Exec>,
    cwd: Option<String>,
    end: Option<String>,
    end_time_ms: Option<u64>,
}

struct State<'a> {
    epoch_micros: u64,
    initial_cwd: String,
    phase: &'a str,
    limits: &'a TraceLimits,
    tasks: Vec<Task>,
    task_index: HashMap<u32, usize>,
    /// Thread id to the task that created it with `CLONE_THREAD`.
    thread_creator: HashMap<u32, u32>,
    /// Text before ` <unfinished ...>`, by pid, waiting for its `<... resumed>` line.
    unfinished: HashMap<u32, Vec<u8>>,
    files: Vec<FileEvent>,
    sockets: Vec<SocketEvent>,
    dropped_processes: u64,
    refused_pids: HashSet<u32>,
    dropped_files: u64,
    dropped_sockets: u64,
    skipped: u64,
    truncated: bool,
}

const UNFINISHED: &[u8] = b" <unfinished ...>";
/// Refused pids remembered so that each is counted once (beyond: counted per line).
const MAX_REFUSED_PIDS: usize = 65_536;

impl<'a> State<'a> {
    fn new(epoch_micros: u64, initial_cwd: &str, phase: &'a str, limits: &'a TraceLimits) -> Self {
        State {
            epoch_micros,
            initial_cwd: normalise(b"/", initial_cwd.as_bytes()),
            phase,
            limits,
            tasks: Vec::new(),
            task_index: HashMap::new(),
            thread_creator: HashMap::new(),
            unfinished: HashMap::new(),
            files: Vec::new(),
            sockets: Vec::new(),
            dropped_processes: 0,
            refused_pids: HashSet::new(),
            dropped_files: 0,
            dropped_sockets: 0,
            skipped: 0,
            truncated: false,
        }
    }

    /// Handles one line; `false` when it could not be read.
    fn line(&mut self, line: &[u8]) -> bool {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some((pid, micros, rest)) = split_prefix(line) else {
            return false;
        };
        let time_ms = micros.saturating_sub(self.epoch_micros) / 1000;
        self.task(pid);
        if let Some(status) = rest
            .strip_prefix(b"+++ ")
            .and_then(|r| r.strip_suffix(b" +++"))
        {
            return self.ended(pid, status, time_ms);
        }
        if rest.starts_with(b"--- ") {
            return true; // a signal delivery: not recorded
        }
        if let Some(resumed) = rest.strip_prefix(b"<... ") {
            let Some(close) = resumed.iter().position(|&b| b == b'>') else {
                return false;
            };
            let Some(head) = self.unfinished.remove(&pid) else {
                return false;
            };
            let name_ok = resumed
                .get(..close)
                .and_then(|n| n.strip_suffix(b" resumed"))
                .is_some_and(|name| head.starts_with(name) && head.get(name.len()) == Some(&b'('));
            if !name_ok {
                return false;
            }
            let mut whole = head;
            whole.extend_from_slice(resumed.get(close + 1..).unwrap_or_default());
            return self.call(pid, &whole, time_ms);
        }
        if let Some(head) = rest.strip_suffix(UNFINISHED) {
            if self.unfinished.len() >= self.limits.max_processes.saturating_mul(4) {
                return false;
            }
            self.unfinished.insert(pid, head.to_vec());
            return true;
        }
        self.call(pid, rest, time_ms)
    }

    fn ended(&mut self, pid: u32, status: &[u8], time_ms: u64) -> bool {
        let end = if let Some(code) = status.strip_prefix(b"exited with ") {
            match syntax::parse_integer(code) {
                Some(code) => format!("exited {code}"),
                None => return false,
            }
        } else if let Some(signal) = status.strip_prefix(b"killed by ") {
            let signal = signal.strip_suffix(b" (core dumped)").unwrap_or(signal);
            match std::str::from_utf8(signal) {
                Ok(name) if is_identifier(name) => format!("killed by {name}"),
                _ => return false,
            }
        } else {
            return status.starts_with(b"superseded by execve");
        };
        self.unfinished.remove(&pid);
        if let Some(task) = self.task_mut(pid) {
            task.end = Some(end);
            task.end_time_ms = Some(time_ms);
        }
        true
    }

    fn call(&mut self, pid: u32, text: &[u8], time_ms: u64) -> bool {
        let Some(call) = syntax::parse_call(text) else {
            return false;
        };
        let ok_value = match call.returned {
            Returned::Value(value, _) => Some(value),
            _ => None,
        };
        // A refused change is recorded as an attempt, with its errno.
        let done_or_refused = ok_value == Some(0) || matches!(call.returned, Returned::Error(_));
        match call.name {
            "execve" | "execveat" => self.exec(pid, &call, time_ms),
            "open" | "openat" | "openat2" | "creat" => self.open(pid, &call, time_ms),
            "unlink" | "unlinkat" if done_or_refused => {
                let (dir, path) = if call.name == "unlink" {
                    (None, 0)
                } else {
                    (Some(0), 1)
                };
                self.simple_file_op(pid, &call, dir, path, FileOp::Delete, time_ms)
            }
            "rename" | "renameat" | "renameat2" if done_or_refused => {
                self.rename(pid, &call, time_ms)
            }
            "chmod" | "fchmodat" | "fchmod" if done_or_refused => self.chmod(pid, &call, time_ms),
            "chdir" | "fchdir" if ok_value == Some(0) => self.chdir(pid, &call),
            "clone" | "clone3" | "fork" | "vfork" => {
                if let Some(child) = ok_value
                    .and_then(|v| u32::try_from(v).ok())
                    .filter(|&c| c > 0)
                {
                    self.spawned(pid, child, &call);
                }
                true
            }
            "connect" | "sendto" | "sendmsg" | "sendmmsg" => self.socket(pid, &call, time_ms),
            _ => true,
        }
    }

    fn exec(&mut self, pid: u32, call: &Call<'_>, time_ms: u64) -> bool {
        if call.returned != Returned::Value(0, None) {
            return true; // failed lookups along PATH
        }
        let (dir, path_at, argv_at) = if call.name == "execve" {
            (None, 0, 1)
        } else {
            (Some(0), 1, 2)
        };
        let Some(path) = self.resolve(pid, call, dir, path_at) else {
            return false;
        };
        let argv = call
            .args
            .get(argv_at)
            .and_then(|a| syntax::array_items(a))
            .unwrap_or_default()
            .into_iter()
            .filter_map(syntax::c_string)
            .map(|(bytes, _)| String::from_utf8_lossy(&bytes).into_owned())
            .collect();
        if let Some(task) = self.task_mut(pid) {
            task.execs.push(Exec {
                path,
                argv,
                time_ms,
            });
        }
        true
    }

    fn open(&mut self, pid: u32, call: &Call<'_>, time_ms: u64) -> bool {
        let fd_annotation = match call.returned {
            Returned::Value(_, annotation) => annotation,
            Returned::Error(_) => None,
            _ => return true,
        };
        let (dir, path_at, flags) = match call.name {
            "open" => (None, 0, call.args.get(1).copied()),
            "creat" => (None, 0, Some(&b"O_WRONLY|O_CREAT|O_TRUNC"[..])),
            "openat2" => (
                Some(0),
                1,
                call.args.get(2).and_then(|how| openat2_flags(how)),
            ),
            _ => (Some(0), 1, call.args.get(2).copied()),
        };
        let Some(flags) = flags else {
            return false;
        };
        let has = |name: &[u8]| flags.split(|&b| b == b'|').any(|f| syntax::trim(f) == name);
        if has(b"O_PATH") || has(b"O_DIRECTORY") {
            return true;
        }
        let op = if has(b"O_CREAT") || has(b"O_TMPFILE") {
            FileOp::Create
        } else if has(b"O_WRONLY") || has(b"O_RDWR") {
            FileOp::Write
        } else {
            FileOp::Read
        };
        let opened = fd_annotation.and_then(syntax::annotation_path);
        let path = match opened {
            Some(path) => normalise(b"/", &path),
            None => match self.resolve(pid, call, dir, path_at) {
                Some(path) => path,
                None => return false,
            },
        };
        self.file(call, op, path, None, pid, time_ms);
        true
    }

    fn simple_file_op(
        &mut self,
        pid: u32,
        call: &Call<'_>,
        dir: Option<usize>,
        path_at: usize,
        op: FileOp,
        time_ms: u64,
    ) -> bool {
        let Some(path) = self.resolve(pid, call, dir, path_at) else {
            return false;
        };
        self.file(call, op, path, None, pid, time_ms);
        true
    }

    fn rename(&mut self, pid: u32, call: &Call<'_>, time_ms: u64) -> bool {
        let resolved = if call.name == "rename" {
            self.resolve(pid, call, None, 0)
                .zip(self.resolve(pid, call, None, 1))
        } else {
            self.resolve(pid, call, Some(0), 1)
                .zip(self.resolve(pid, call, Some(2), 3))
        };
        let Some((from, to)) = resolved else {
            return false;
        };
        self.file(call, FileOp::Rename, from, Some(to), pid, time_ms);
        true
    }

    fn chmod(&mut self, pid: u32, call: &Call<'_>, time_ms: u64) -> bool {
        let (path, mode) = match call.name {
            "chmod" => (self.resolve(pid, call, None, 0), call.args.get(1)),
            "fchmodat" => (self.resolve(pid, call, Some(0), 1), call.args.get(2)),
            _ => {
                let path = call
                    .args
                    .first()
                    .and_then(|a| syntax::fd_arg(a))
                    .and_then(|fd| fd.annotation)
                    .and_then(syntax::annotation_path);
                match path {
                    Some(path) => (Some(normalise(b"/", &path)), call.args.get(1)),
                    None => return true, // fchmod on an fd whose path strace did not show
                }
            }
        };
        let (Some(path), Some(mode)) = (path, mode.and_then(|m| syntax::parse_integer(m))) else {
            return false;
        };
        if mode & 0o111 != 0 {
            self.file(call, FileOp::MakeExecutable, path, None, pid, time_ms);
        }
        true
    }

    fn chdir(&mut self, pid: u32, call: &Call<'_>) -> bool {
        let cwd = if call.name == "chdir" {
            self.resolve(pid, call, None, 0)
        } else {
            call.args
                .first()
                .and_then(|a| syntax::fd_arg(a))
                .and_then(|fd| fd.annotation)
                .and_then(syntax::annotation_path)
                .map(|p| normalise(b"/", &p))
        };
        let Some(cwd) = cwd else {
            return false;
        };
        if let Some(task) = self.task_mut(pid) {
            task.cwd = Some(cwd);
        }
        true
    }

    fn spawned(&mut self, parent: u32, child: u32, call: &Call<'_>) {
        let thread = call.args.iter().any(|a| {
            a.windows(b"CLONE_THREAD".len())
                .any(|w| w == b"CLONE_THREAD")
        });
        let cwd = self.cwd_of(parent);
        if thread {
            if self.thread_creator.len() < self.limits.max_events {
                self.thread_creator.insert(child, parent);
            }
        } else if let Some(task) = self.task_mut(child) {
            task.ppid = Some(parent);
        }
        if let Some(task) = self.task_mut(child)
            && task.cwd.is_none()
        {
            task.cwd = Some(cwd);
        }
    }

    fn socket(&mut self, pid: u32, call: &Call<'_>, time_ms: u64) -> bool {
        let result = match call.returned {
            Returned::Value(..) => Ok(()),
            Returned::Error(errno) => Err(errno.to_string()),
            Returned::Unknown => Err("?".to_string()),
        };
        let peer = call
            .args
            .first()
            .and_then(|a| syntax::fd_arg(a))
            .and_then(|fd| fd.annotation)
            .and_then(syntax::annotation_peer);
        // (explicit address, bytes) per message
        let messages: Vec<(Option<&[u8]>, Vec<u8>)> = match call.name {
            "connect" => vec![(call.args.get(1).copied(), Vec::new())],
            "sendto" => {
                let data = call
                    .args
                    .get(1)
                    .and_then(|d| syntax::c_string(d))
                    .map(|(d, _)| d);
                vec![(call.args.get(4).copied(), data.unwrap_or_default())]
            }
            "sendmsg" => call
                .args
                .get(1)
                .map(|m| message_header(m))
                .into_iter()
                .collect(),
            _ => call
                .args
                .get(1)
                .and_then(|a| syntax::array_items(a))
                .unwrap_or_default()
                .into_iter()
                .filter_map(|item| {
                    let fields = syntax::struct_fields(item)?;
                    let header = fields.iter().find(|(n, _)| *n == b"msg_hdr")?.1;
                    Some(message_header(header))
                })
                .collect(),
        };
        for (address, data) in messages {
            let explicit = address.and_then(syntax::socket_address);
            let Some(destination) = explicit.or_else(|| peer.clone()) else {
                continue; // no address (NULL on an unconnected socket) or a family not kept
            };
            if self.sockets.len() >= self.limits.max_events {
                self.dropped_sockets += 1;
                continue;
            }
            self.sockets.push(SocketEvent {
                pid,
                syscall: call.name.to_string(),
                family: destination.family.to_string(),
                address: destination.address,
                port: destination.port,
                data,
                result: result.clone(),
                time_ms,
            });
        }
        true
    }

    fn file(
        &mut self,
        call: &Call<'_>,
        op: FileOp,
        path: String,
        target: Option<String>,
        pid: u32,
        time_ms: u64,
    ) {
        if self.files.len() >= self.limits.max_events {
            self.dropped_files += 1;
            return;
        }
        let error = match call.returned {
            Returned::Error(errno) => Some(errno.to_string()),
            _ => None,
        };
        self.files.push(FileEvent {
            op,
            path,
            target,
            error,
            pid,
            phase: self.phase.to_string(),
            time_ms,
        });
    }

    /// The absolute path named by argument `path_at`, relative to the directory fd in
    /// argument `dir_at` (for `*at` calls) or to the task's working directory.
    fn resolve(
        &mut self,
        pid: u32,
        call: &Call<'_>,
        dir_at: Option<usize>,
        path_at: usize,
    ) -> Option<String> {
        let (path, _) = syntax::c_string(call.args.get(path_at)?)?;
        // `AT_FDCWD</dir>` tells the working directory even when the path is absolute.
        let dir = match dir_at {
            Some(dir_at) => {
                let fd = syntax::fd_arg(call.args.get(dir_at)?)?;
                let dir = fd
                    .annotation
                    .and_then(syntax::annotation_path)
                    .map(|d| normalise(b"/", &d));
                if fd.at_fdcwd
                    && let Some(dir) = &dir
                    && let Some(task) = self.task_mut(pid)
                {
                    task.cwd = Some(dir.clone());
                }
                match (dir, fd.at_fdcwd) {
                    (Some(dir), _) => Some(dir),
                    (None, true) => None,
                    // a directory fd without its path: only an absolute path can be resolved
                    (None, false) if path.first() != Some(&b'/') => return None,
                    (None, false) => None,
                }
            }
            None => None,
        };
        if path.first() == Some(&b'/') {
            return Some(normalise(b"/", &path));
        }
        let base = dir.unwrap_or_else(|| self.cwd_of(pid));
        Some(normalise(base.as_bytes(), &path))
    }

    fn cwd_of(&self, pid: u32) -> String {
        let mut current = pid;
        for _ in 0..64 {
            let task = self
                .task_index
                .get(&current)
                .and_then(|&i| self.tasks.get(i));
            if let Some(cwd) = task.and_then(|t| t.cwd.as_ref()) {
                return cwd.clone();
            }
            match self
                .thread_creator
                .get(&current)
                .copied()
                .or_else(|| task.and_then(|t| t.ppid))
            {
                Some(next) => current = next,
                None => break,
            }
        }
        self.initial_cwd.clone()
    }

    /// Makes sure a task exists for `pid` (when the limit allows).
    fn task(&mut self, pid: u32) {
        if self.task_index.contains_key(&pid) {
            return;
        }
        if self.task_index.len() >= self.limits.max_processes {
            // Counted once per pid while the set of refused pids stays bounded.
            if self.refused_pids.len() < MAX_REFUSED_PIDS {
                if self.refused_pids.insert(pid) {
                    self.dropped_processes += 1;
                }
            } else if !self.refused_pids.contains(&pid) {
                self.dropped_processes += 1;
            }
            return;
        }
        self.task_index.insert(pid, self.tasks.len());
        self.tasks.push(Task {
            pid,
            ppid: None,
            execs: Vec::new(),
            cwd: None,
            end: None,
            end_time_ms: None,
        });
    }

    fn task_mut(&mut self, pid: u32) -> Option<&mut Task> {
        self.task(pid);
        let index = *self.task_index.get(&pid)?;
        self.tasks.get_mut(index)
    }

    /// The process a task belongs to: itself, or the process of the thread that made it.
    fn process_of(&self, pid: u32) -> u32 {
        let mut current = pid;
        for _ in 0..64 {
            match self.thread_creator.get(&current) {
                Some(&creator) => current = creator,
                None => break,
            }
        }
        current
    }

    fn finish(mut self) -> Trace {
        let mut processes: Vec<TracedProcess> = Vec::new();
        let mut process_index: HashMap<u32, usize> = HashMap::new();
        let tasks = std::mem::take(&mut self.tasks);
        let known_cwds: Vec<String> = tasks
            .iter()
            .map(|t| t.cwd.clone().unwrap_or_else(|| self.cwd_of(t.pid)))
            .collect();
        for (task, cwd) in tasks.into_iter().zip(known_cwds) {
            let owner = self.process_of(task.pid);
            if owner != task.pid {
                // A thread: its programs belong to its process (execve in a thread
                // replaces the whole process).
                if let Some(&i) = process_index.get(&owner)
                    && let Some(process) = processes.get_mut(i)
                {
                    process.execs.extend(task.execs);
                }
                continue;
            }
            process_index.insert(task.pid, processes.len());
            processes.push(TracedProcess {
                pid: task.pid,
                ppid: task.ppid.map(|p| self.process_of(p)),
                execs: task.execs,
                cwd: Some(cwd),
                end: task.end,
                end_time_ms: task.end_time_ms,
            });
        }
        for process in &mut processes {
            process.execs.sort_by_key(|e| e.time_ms);
        }
        let mut files = std::mem::take(&mut self.files);
        for event in &mut files {
            event.pid = self.process_of(event.pid);
        }
        let mut sockets = std::mem::take(&mut self.sockets);
        for event in &mut sockets {
            event.pid = self.process_of(event.pid);
        }
        let mut dropped = Vec::new();
        for (table, count) in [
            ("processes", self.dropped_processes),
            ("files", self.dropped_files),
            ("sockets", self.dropped_sockets),
        ] {
            if count > 0 {
                dropped.push(DroppedEvents {
                    table: table.to_string(),
                    count,
                });
            }
        }
        Trace {
            processes,
            files,
            sockets,
            dropped,
            skipped_lines: self.skipped,
            truncated: self.truncated,
        }
    }
}

/// A sendmsg `struct msghdr`: its `msg_name` (if any) and the bytes of its `msg_iov`.
fn message_header(text: &[u8]) -> (Option<&[u8]>, Vec<u8>) {
    let Some(fields) = syntax::struct_fields(text) else {
        return (None, Vec::new());
    };
    let name = fields
        .iter()
        .find(|(n, _)| *n == b"msg_name")
        .map(|(_, v)| *v)
        .filter(|v| v.first() == Some(&b'{'));
    let mut data = Vec::new();
    let iov = fields
        .iter()
        .find(|(n, _)| *n == b"msg_iov")
        .map(|(_, v)| *v);
    for item in iov.and_then(syntax::array_items).unwrap_or_default() {
        let base = syntax::struct_fields(item)
            .unwrap_or_default()
            .into_iter()
            .find(|(n, _)| *n == b"iov_base")
            .and_then(|(_, v)| syntax::c_string(v));
        if let Some((bytes, _)) = base {
            data.extend_from_slice(&bytes);
        }
    }
    (name, data)
}

/// The `flags=` of an openat2 `struct open_how`.
fn openat2_flags(how: &[u8]) -> Option<&[u8]> {
    syntax::struct_fields(how)?
        .into_iter()
        .find(|(n, _)| *n == b"flags")
        .map(|(_, v)| v)
}

/// `PID TIME rest` with the time as UNIX microseconds.
fn split_prefix(line: &[u8]) -> Option<(u32, u64, &[u8])> {
    let (pid, rest) = next_word(line)?;
    let (time, rest) = next_word(rest)?;
    let pid: u32 = std::str::from_utf8(pid).ok()?.parse().ok()?;
    let time = std::str::from_utf8(time).ok()?;
    let (seconds, fraction) = time.split_once('.')?;
    if fraction.len() != 6 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds: u64 = seconds.parse().ok()?;
    let micros: u64 = fraction.parse().ok()?;
    Some((
        pid,
        seconds.checked_mul(1_000_000)?.checked_add(micros)?,
        rest,
    ))
}

fn next_word(text: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = text.iter().position(|&b| b != b' ')?;
    let text = text.get(start..)?;
    let end = text.iter().position(|&b| b == b' ').unwrap_or(text.len());
    let rest = text.get(end..)?;
    let rest = rest.get(rest.iter().position(|&b| b != b' ').unwrap_or(rest.len())..)?;
    Some((text.get(..end)?, rest))
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `path` made absolute against `base` and normalised lexically (`.`, `..`, `//`).
/// Invalid UTF-8 is replaced, so odd names stay visible without breaking the model.
pub(crate) fn normalise(base: &[u8], path: &[u8]) -> String {
    let mut parts: Vec<&[u8]> = Vec::new();
    let joined: [&[u8]; 2] = if path.first() == Some(&b'/') {
        [b"", path]
    } else {
        [base, path]
    };
    for piece in joined {
        for part in piece.split(|&b| b == b'/') {
            match part {
                b"" | b"." => {}
                b".." => {
                    parts.pop();
                }
                part => parts.push(part),
            }
        }
    }
    let mut out = Vec::with_capacity(path.len() + base.len() + 1);
    for part in parts {
        out.push(b'/');
        out.extend_from_slice(part);
    }
    if out.is_empty() {
        out.push(b'/');
    }
    String::from_utf8_lossy(&out).into_owned()
}
