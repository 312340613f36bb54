//! What the supervisor and the sandbox's init say to each other over their socket pair.
//!
//! Frames: one kind byte, a big-endian u32 length, then the payload: a JSON message, or
//! a blob (a tarball going in, a trace log coming out) announced by the message before it.

use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;

const KIND_MESSAGE: u8 = 1;
const KIND_BLOB: u8 = 2;
/// Largest frame either side accepts: a package tarball or a phase's trace log.
pub const MAX_FRAME: usize = 768 * 1024 * 1024;
/// Largest JSON message: configuration and phase summaries are small.
const MAX_MESSAGE: usize = 16 * 1024 * 1024;

/// A file the sandbox's PID 1 writes before the package runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SandboxFile {
    /// Absolute path inside the sandbox.
    pub path: String,
    pub content: Vec<u8>,
    pub mode: u32,
    /// Owned by the sandbox user (else by sandbox root).
    pub user_owned: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhaseSpec {
    pub name: String,
    /// The program and its arguments, run as the sandbox user (found on PATH).
    pub argv: Vec<String>,
    pub timeout_ms: u64,
    /// How long processes may keep running after the command itself finished before
    /// they are reported as having outlived it.
    pub grace_ms: u64,
    /// How long processes still running after the command are watched (and recorded)
    /// before they are killed (at least `grace_ms`): a detached child that waits a few
    /// seconds before it sends shows what it sends.
    #[serde(default)]
    pub linger_ms: u64,
    /// The command is dsca's own tool (npm), not the package's code: it runs untraced,
    /// and each script it starts through the script shell ([`SCRIPT_SHELL`]) is run by
    /// PID 1 under a tracer of its own. Tracing npm itself stopped on every file node
    /// opened while loading npm, which was most of the tracer's cost.
    #[serde(default)]
    pub trace_scripts_only: bool,
    /// The command may be started while the phase before it runs, on another CPU, with
    /// a pipe for stdin that is closed when its turn comes: it must read stdin to its
    /// end before doing anything of the package's. A fresh node spends ~0.1 s starting
    /// up, which this takes off the run's length.
    #[serde(default)]
    pub prestart: bool,
    /// Variables for the phase's command and its children only (not for the tracer):
    /// the time-bomb pass preloads libfaketime with them.
    #[serde(default)]
    pub env: Vec<(String, String)>,
}

/// The executable npm is told to run lifecycle scripts with (`--script-shell`): dsca's
/// own binary, mounted read-only, which hands the script to PID 1 ([`ScriptRequest`]).
pub const SCRIPT_SHELL: &str = "/run/dsca-shell";
/// The abstract Unix socket (in the sandbox's network namespace) PID 1 takes script
/// requests on.
pub const SCRIPT_SOCKET: &str = "dsca-script-shell";

/// What the script shell asks PID 1 to run: `/bin/sh` with these arguments (npm passes
/// `-c <script>`), in `cwd`, with `env`, on the descriptors sent along (stdin, stdout,
/// stderr), as the sandbox user and under a tracer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScriptRequest {
    pub args: Vec<String>,
    pub cwd: String,
    pub env: Vec<(String, String)>,
}

/// How a script PID 1 ran for the script shell ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ScriptReply {
    Exited(i32),
    Signaled(i32),
    /// Not run (it could not be traced): the shell fails instead of running it untraced.
    Refused(String),
}

/// One strace log in a phase's trace blob, in order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TraceSegment {
    pub bytes: u64,
    /// The traced script's first process, and the process that asked for it (npm), to
    /// hang it under in the process tree. None for the phase's own traced command.
    pub root_pid: Option<u32>,
    pub parent_pid: Option<u32>,
    /// Working directory of the first process (else the project directory).
    pub cwd: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InitConfig {
    /// The empty host directory the sandbox's root file system is mounted on.
    pub root_dir: String,
    pub hostname: String,
    pub user: String,
    pub uid: u32,
    pub home: String,
    pub project_dir: String,
    /// Host directories shown read-only inside (besides the system ones), e.g. a Node
    /// installation outside /usr.
    pub extra_dirs: Vec<String>,
    pub files: Vec<SandboxFile>,
    pub env: Vec<(String, String)>,
    pub phases: Vec<PhaseSpec>,
    pub limits: ResourceLimits,
    /// UNIX time in microseconds when the run started (trace times are relative to it).
    pub epoch_micros: u64,
    /// The TCP port every redirected connection lands on.
    pub redirect_port: u16,
    /// Ports listened on directly when no redirect rule can be installed.
    pub fallback_ports: Vec<u16>,
    /// Open a packet socket on the sandbox's loopback for `--pcap`.
    pub capture: bool,
    /// The CPU every phase runs on (tracer and tracees alike), when the host has more
    /// than one: each traced call wakes strace, and a wake-up on the same CPU costs a
    /// fraction of one sent to another (in a VM, an interrupt through the hypervisor).
    pub cpu: Option<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResourceLimits {
    pub max_processes: u64,
    pub max_file_bytes: u64,
    /// Address space per process (RLIMIT_DATA).
    pub max_data_bytes: u64,
    pub max_open_files: u64,
    /// Size of each writable tmpfs (home, /tmp).
    pub tmpfs_bytes: u64,
    pub max_trace_bytes: u64,
}

/// How one phase ended, from the sandbox's PID 1.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhaseOutcome {
    pub name: String,
    pub argv: Vec<String>,
    /// `completed`, `timeout` or `error`.
    pub status: String,
    pub exit_code: Option<i32>,
    /// When the phase started (UNIX micros).
    pub started_micros: u64,
    pub duration_ms: u64,
    pub stdout_tail: String,
    pub stderr_tail: String,
    pub error: Option<String>,
    /// When the phase's command itself finished (UNIX micros).
    pub command_end_micros: Option<u64>,
    /// The phase's `grace_ms`: a process that ended later than that after the command
    /// outlived it.
    #[serde(default)]
    pub grace_ms: u64,
    /// When the processes still running after the linger period were killed.
    pub cleanup_kill_micros: Option<u64>,
    /// How long the package's processes had run on a CPU or waited for one when the
    /// time limit ran out.
    #[serde(default)]
    pub busy_ms_at_timeout: Option<u64>,
    /// The command's pid (inside the sandbox).
    #[serde(default)]
    pub command_pid: Option<u32>,
    /// A trace blob follows this message: these logs one after another.
    pub trace_bytes: u64,
    #[serde(default)]
    pub segments: Vec<TraceSegment>,
    /// The trace was longer than the limit and was cut.
    pub trace_truncated: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum FromInit {
    /// The namespaces exist: write the id maps.
    Unshared,
    /// The sandbox's sockets are attached, in this order: DNS over UDP, DNS over TCP,
    /// the packet socket (when `capture`), one TCP listener per port of `tcp_ports`,
    /// then an IPv6 listener on the redirect port when `ipv6`.
    Sockets {
        tcp_ports: Vec<u16>,
        all_ports: bool,
        ipv6: bool,
        capture: bool,
        /// IPv6 DNS sockets (UDP, then TCP) follow the IPv6 listener.
        #[serde(default)]
        ipv6_dns: bool,
    },
    Phase(Box<PhaseOutcome>),
    Done,
    /// Something could not be set up: the run is refused.
    Error(String),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ToInit {
    /// The id maps are written; a tarball blob follows when `tarball` is true, then the
    /// script shell's program when `script_shell` is.
    Config {
        config: Box<InitConfig>,
        tarball: bool,
        #[serde(default)]
        script_shell: bool,
    },
    /// The sinks are listening: run the phases.
    Go,
}

pub fn send_message<T: Serialize>(mut stream: &UnixStream, message: &T) -> io::Result<()> {
    let payload = serde_json::to_vec(message).map_err(io::Error::other)?;
    write_frame(&mut stream, KIND_MESSAGE, &payload)
}

pub fn send_blob(mut stream: &UnixStream, bytes: &[u8]) -> io::Result<()> {
    write_frame(&mut stream, KIND_BLOB, bytes)
}

pub fn encode_message<T: Serialize>(message: &T) -> io::Result<Vec<u8>> {
    let payload = serde_json::to_vec(message).map_err(io::Error::other)?;
    let mut frame = Vec::with_capacity(payload.len() + 5);
    frame.push(KIND_MESSAGE);
    frame.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    frame.extend_from_slice(&payload);
    Ok(frame)
}

fn write_frame(stream: &mut impl Write, kind: u8, payload: &[u8]) -> io::Result<()> {
    if payload.len() > MAX_FRAME {
        return Err(io::Error::other("frame too large"));
    }
    let mut header = [0u8; 5];
    header[0] = kind;
    header[1..].copy_from_slice(&(payload.len() as u32).to_be_bytes());
    stream.write_all(&header)?;
    stream.write_all(payload)?;
    stream.flush()
}

fn read_frame(stream: &mut impl Read, expected_kind: u8, max: usize) -> io::Result<Vec<u8>> {
    let mut header = [0u8; 5];
    stream.read_exact(&mut header)?;
    finish_frame(stream, header, expected_kind, max)
}

/// Read the rest of a frame whose 5-byte header is already in hand.
pub fn finish_frame(
    stream: &mut impl Read,
    header: [u8; 5],
    expected_kind: u8,
    max: usize,
) -> io::Result<Vec<u8>> {
    if header[0] != expected_kind {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "unexpected frame kind {} (expected {expected_kind})",
                header[0]
            ),
        ));
    }
    let len = u32::from_be_bytes([header[1], header[2], header[3], header[4]]) as usize;
    if len > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("frame of {len} bytes is over the limit"),
        ));
    }
    let mut payload = vec![0u8; len];
    stream.read_exact(&mut payload)?;
    Ok(payload)
}

pub fn recv_message<T: for<'de> Deserialize<'de>>(mut stream: &UnixStream) -> io::Result<T> {
    let payload = read_frame(&mut stream, KIND_MESSAGE, MAX_MESSAGE)?;
    decode_message(&payload)
}

/// [`recv_message`] that gives up at `deadline` however slowly the bytes trickle in,
/// for a message of at most `max` bytes (from a peer that may be hostile).
pub fn recv_message_by<T: for<'de> Deserialize<'de>>(
    stream: &UnixStream,
    deadline: std::time::Instant,
    max: usize,
) -> io::Result<T> {
    let mut reader = DeadlineReader { stream, deadline };
    let payload = read_frame(&mut reader, KIND_MESSAGE, max.min(MAX_MESSAGE))?;
    decode_message(&payload)
}

struct DeadlineReader<'a> {
    stream: &'a UnixStream,
    deadline: std::time::Instant,
}

impl Read for DeadlineReader<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let left = self
            .deadline
            .saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the peer took too long",
            ));
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut stream = self.stream;
        stream.read(buffer)
    }
}

pub fn decode_message<T: for<'de> Deserialize<'de>>(payload: &[u8]) -> io::Result<T> {
    serde_json::from_slice(payload).map_err(|err| io::Error::new(io::ErrorKind::InvalidData, err))
}

pub fn recv_blob(mut stream: &UnixStream) -> io::Result<Vec<u8>> {
    read_frame(&mut stream, KIND_BLOB, MAX_FRAME)
}

pub const MESSAGE_KIND: u8 = KIND_MESSAGE;
pub const MESSAGE_MAX: usize = MAX_MESSAGE;
