//! The sandbox's side: `dsca __sandbox-init`, started by the supervisor with the control
//! socket on fd 3. It creates the namespaces, configures the network, hands the sinks'
//! sockets to the supervisor, then forks PID 1 of the new PID namespace, which builds the
//! file system, runs each phase under strace as the sandbox user, and kills everything
//! left when a phase ends.
//!
//! Any failure is reported as `FromInit::Error` and ends the run: the supervisor refuses
//! to go on without complete isolation.

use crate::protocol::{
    self, FromInit, InitConfig, PhaseOutcome, PhaseSpec, SCRIPT_SHELL, SCRIPT_SOCKET, ScriptReply,
    ScriptRequest, ToInit, TraceSegment,
};
use crate::sys::{self, ExitStatus, Forked};
use dsca_model::dynamic::IMPORT_PHASE;
use std::io::{self, Read as _, Write as _};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::linux::net::SocketAddrExt as _;
use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
use std::os::unix::net::{SocketAddr as UnixAddress, UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The hidden subcommand the supervisor runs: `<dsca> __sandbox-init`.
pub const INIT_ARG: &str = "__sandbox-init";
/// The control socket's descriptor in the init process.
pub const CONTROL_FD: i32 = 3;

/// Where the pieces of the sandbox live inside it.
const RUN_DIR: &str = "/run/dsca";
const PACKAGE_DIR: &str = "/run/dsca-pkg";
const SYSTEM_DIRS: &[&str] = &[
    "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc",
];
const DEVICES: &[&str] = &["null", "zero", "full", "random", "urandom", "tty"];

/// Entry point of `dsca __sandbox-init`. Never returns.
pub fn main() -> ! {
    // SAFETY: the supervisor passes the control socket as fd 3 and nothing else owns it.
    let control = unsafe { UnixStream::from_raw_fd(CONTROL_FD) };
    // It came through exec without close-on-exec; nothing this process starts (the
    // network tools, strace, npm, the package) may inherit it: whoever holds it could
    // write the supervisor a phase's record.
    if let Err(err) = sys::set_cloexec(CONTROL_FD) {
        let _ = protocol::send_message(&control, &FromInit::Error(err.to_string()));
        std::process::exit(1)
    }
    let code = match run_init(&control) {
        Ok(code) => code,
        Err(err) => {
            let _ = protocol::send_message(&control, &FromInit::Error(err.to_string()));
            1
        }
    };
    std::process::exit(code)
}

fn run_init(control: &UnixStream) -> io::Result<i32> {
    sys::die_with_parent()?;
    sys::unshare(
        libc::CLONE_NEWUSER
            | libc::CLONE_NEWNS
            | libc::CLONE_NEWNET
            | libc::CLONE_NEWUTS
            | libc::CLONE_NEWIPC,
    )?;
    protocol::send_message(control, &FromInit::Unshared)?;
    let ToInit::Config {
        config,
        tarball,
        script_shell,
    } = protocol::recv_message(control)?
    else {
        return Err(io::Error::other("expected the configuration"));
    };
    let tarball = if tarball {
        Some(protocol::recv_blob(control)?)
    } else {
        None
    };
    let script_shell = if script_shell {
        Some(protocol::recv_blob(control)?)
    } else {
        None
    };
    let payload = Payload {
        tarball: tarball.as_deref(),
        script_shell: script_shell.as_deref(),
    };
    // Sandbox root: dsca's own init and tracer (see idmap.rs for who that is outside).
    sys::clear_groups()?;
    sys::set_ids(0, 0)?;
    sys::sethostname(&config.hostname)?;
    let network = configure_network(&config)?;
    let fds: Vec<i32> = network.sockets.iter().map(AsRawFd::as_raw_fd).collect();
    let message = protocol::encode_message(&FromInit::Sockets {
        tcp_ports: network.tcp_ports.clone(),
        all_ports: network.all_ports,
        ipv6: network.ipv6_listener,
        capture: config.capture,
        ipv6_dns: network.ipv6_dns,
    })?;
    sys::send_with_fds(control, &message, &fds)?;
    drop(network);
    let ToInit::Go = protocol::recv_message(control)? else {
        return Err(io::Error::other("expected the go-ahead"));
    };
    // The PID namespace comes last: the first process forked after it is the
    // namespace's PID 1, and the network tools above must not be.
    sys::unshare(libc::CLONE_NEWPID)?;
    match sys::fork()? {
        Forked::Child => {
            let code = match pid1(control, &config, &payload) {
                Ok(()) => 0,
                Err(err) => {
                    let _ = protocol::send_message(control, &FromInit::Error(err.to_string()));
                    1
                }
            };
            std::process::exit(code)
        }
        Forked::Parent(child) => loop {
            match sys::wait_any(child, true)? {
                Some((_, ExitStatus::Exited(code))) => return Ok(code),
                Some((_, ExitStatus::Signaled(_))) => return Ok(1),
                None => std::thread::sleep(Duration::from_millis(20)),
            }
        },
    }
}

struct Network {
    sockets: Vec<OwnedFd>,
    tcp_ports: Vec<u16>,
    all_ports: bool,
    ipv6_listener: bool,
    ipv6_dns: bool,
}

/// A system tool from the host's own system directories (never from PATH).
pub(crate) fn host_tool(name: &str) -> Option<PathBuf> {
    ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(name))
        .find(|path| path.is_file())
}

fn run_tool(program: &Path, args: &[&str], stdin: Option<&str>) -> io::Result<()> {
    let mut command = Command::new(program);
    command
        .args(args)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .stdin(if stdin.is_some() {
            std::process::Stdio::piped()
        } else {
            std::process::Stdio::null()
        });
    let mut child = command
        .spawn()
        .map_err(|err| io::Error::new(err.kind(), format!("{}: {err}", program.display())))?;
    if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
        input.write_all(text.as_bytes())?;
    }
    let output = child.wait_with_output()?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(io::Error::other(format!(
            "{} {}: {}",
            program.display(),
            args.join(" "),
            stderr.lines().next().unwrap_or("failed")
        )))
    }
}

/// Loopback up, every address local, and (with nft) every TCP connection redirected to
/// the sink. The sockets are created here, inside the network namespace, and handed out.
fn configure_network(config: &InitConfig) -> io::Result<Network> {
    let ip = host_tool("ip").ok_or_else(|| {
        io::Error::other("the `ip` command (iproute2) is needed to set up the sandbox network")
    })?;
    run_tool(&ip, &["link", "set", "lo", "up"], None)?;
    run_tool(
        &ip,
        &["route", "add", "local", "0.0.0.0/0", "dev", "lo"],
        None,
    )?;
    let ipv6 = run_tool(
        &ip,
        &["-6", "route", "add", "local", "::/0", "dev", "lo"],
        None,
    )
    .is_ok();
    let port = config.redirect_port;
    let all_ports = match host_tool("nft") {
        Some(nft) => {
            let mut rules = format!(
                "table ip dsca {{\n  chain output {{\n    type nat hook output priority -100; policy accept;\n    ip daddr != 127.0.0.0/8 tcp dport != {{ 53, {port} }} redirect to :{port}\n  }}\n}}\n"
            );
            if ipv6 {
                rules.push_str(&format!(
                    "table ip6 dsca {{\n  chain output {{\n    type nat hook output priority -100; policy accept;\n    ip6 daddr != ::1 tcp dport != {{ 53, {port} }} redirect to :{port}\n  }}\n}}\n"
                ));
            }
            run_tool(&nft, &["-f", "-"], Some(&rules)).is_ok()
        }
        None => false,
    };

    let mut sockets: Vec<OwnedFd> = Vec::new();
    let dns_udp = UdpSocket::bind(SocketAddr::from((Ipv4Addr::UNSPECIFIED, 53)))?;
    sockets.push(dns_udp.into());
    let dns_tcp = TcpListener::bind(SocketAddr::from((Ipv4Addr::UNSPECIFIED, 53)))?;
    sockets.push(dns_tcp.into());
    if config.capture {
        sockets.push(loopback_packet_socket()?);
    }
    let mut tcp_ports = vec![port];
    if !all_ports {
        tcp_ports.extend(config.fallback_ports.iter().copied().filter(|p| *p != port));
    }
    for &tcp_port in &tcp_ports {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::UNSPECIFIED, tcp_port)))?;
        sockets.push(listener.into());
    }
    let mut ipv6_listener = false;
    let mut ipv6_dns = false;
    if ipv6 {
        // Best effort: IPv6 literals reach the same sink on the redirect port.
        if let Ok(listener) = bind_v6_only(libc::SOCK_STREAM, port) {
            sockets.push(listener);
            ipv6_listener = true;
        }
        // And DNS questions sent to an IPv6 resolver address are answered too.
        if ipv6_listener
            && let (Ok(udp), Ok(tcp)) = (
                bind_v6_only(libc::SOCK_DGRAM, 53),
                bind_v6_only(libc::SOCK_STREAM, 53),
            )
        {
            sockets.push(udp);
            sockets.push(tcp);
            ipv6_dns = true;
        }
    }
    Ok(Network {
        sockets,
        tcp_ports,
        all_ports,
        ipv6_listener,
        ipv6_dns,
    })
}

/// A packet socket on the sandbox's loopback: every packet of the sandbox, for `--pcap`.
fn loopback_packet_socket() -> io::Result<OwnedFd> {
    let protocol = (libc::ETH_P_ALL as u16).to_be();
    // SAFETY: plain socket calls on a descriptor we own; sockaddr_ll is plain data.
    unsafe {
        let fd = libc::socket(
            libc::AF_PACKET,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC,
            i32::from(protocol),
        );
        if fd < 0 {
            return Err(io::Error::other(format!(
                "packet capture socket: {}",
                io::Error::last_os_error()
            )));
        }
        let owned = OwnedFd::from_raw_fd(fd);
        let index = libc::if_nametoindex(c"lo".as_ptr());
        let mut address: libc::sockaddr_ll = std::mem::zeroed();
        address.sll_family = libc::AF_PACKET as u16;
        address.sll_protocol = protocol;
        address.sll_ifindex = index as i32;
        if libc::bind(
            fd,
            (&address as *const libc::sockaddr_ll).cast(),
            std::mem::size_of::<libc::sockaddr_ll>() as u32,
        ) < 0
        {
            return Err(io::Error::other(format!(
                "packet capture socket: {}",
                io::Error::last_os_error()
            )));
        }
        Ok(owned)
    }
}

/// An IPv6-only socket of `kind` (SOCK_STREAM, listening, or SOCK_DGRAM) on [::]:port.
fn bind_v6_only(kind: libc::c_int, port: u16) -> io::Result<OwnedFd> {
    // std binds dual-stack by default; the IPv4 socket already owns the port, so ask
    // for an IPv6-only socket by hand.
    // SAFETY: plain socket calls on a descriptor we own.
    unsafe {
        let fd = libc::socket(libc::AF_INET6, kind | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let owned = OwnedFd::from_raw_fd(fd);
        let one: libc::c_int = 1;
        let switch_on = |option| {
            libc::setsockopt(
                fd,
                libc::IPPROTO_IPV6,
                option,
                (&one as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as u32,
            )
        };
        switch_on(libc::IPV6_V6ONLY);
        if kind == libc::SOCK_DGRAM {
            // Answers go out from whatever address was asked (IPV6_PKTINFO); IPv6 checks
            // a source against the addresses assigned, not the local route that makes
            // every address the sandbox's own, unless the socket may use any.
            switch_on(libc::IPV6_FREEBIND);
        }
        let mut addr: libc::sockaddr_in6 = std::mem::zeroed();
        addr.sin6_family = libc::AF_INET6 as u16;
        addr.sin6_port = port.to_be();
        addr.sin6_addr.s6_addr = Ipv6Addr::UNSPECIFIED.octets();
        if libc::bind(
            fd,
            (&addr as *const libc::sockaddr_in6).cast(),
            std::mem::size_of::<libc::sockaddr_in6>() as u32,
        ) < 0
            || (kind == libc::SOCK_STREAM && libc::listen(fd, 128) < 0)
        {
            return Err(io::Error::last_os_error());
        }
        Ok(owned)
    }
}

/// PID 1 of the sandbox: file system, then the phases.
/// What the supervisor sent besides the configuration.
struct Payload<'a> {
    tarball: Option<&'a [u8]>,
    /// The script shell's program (see `script_shell`), written to [`SCRIPT_SHELL`].
    script_shell: Option<&'a [u8]>,
}

fn pid1(control: &UnixStream, config: &InitConfig, payload: &Payload<'_>) -> io::Result<()> {
    sys::die_with_parent()?;
    build_root(config, payload)?;
    // Every later phase's command starts with the first phase, on another CPU, and
    // waits for its turn: the install is long enough to cover their start-up.
    let mut held: Vec<Option<Prestarted>> = config
        .phases
        .iter()
        .enumerate()
        .map(|(index, phase)| {
            (index > 0 && phase.prestart)
                .then(|| prestart(config, phase))
                .flatten()
        })
        .collect();
    let mut import_hung = false;
    for (index, phase) in config.phases.iter().enumerate() {
        let own = held.get_mut(index).and_then(Option::take);
        if import_hung && phase.prestart {
            // It loads the package again: it would hang where the import did. Not run,
            // and the supervisor says so.
            if let Some(own) = own {
                unspare(own.pid);
                let _ = sys::pidfd_signal(own.exit.as_raw_fd(), libc::SIGKILL);
            }
            continue;
        }
        let (outcome, trace) = run_phase(config, phase, own);
        import_hung |= phase.name == IMPORT_PHASE && outcome.status == "timeout";
        protocol::send_message(control, &FromInit::Phase(Box::new(outcome)))?;
        protocol::send_blob(control, &trace)?;
    }
    protocol::send_message(control, &FromInit::Done)
}

/// A phase's command started while the phase before it runs (see
/// [`PhaseSpec::prestart`]): traced from its first instruction, held before it does
/// anything of the package's until `go` is closed.
struct Prestarted {
    pid: libc::pid_t,
    exit: OwnedFd,
    go: OwnedFd,
}

/// Start `phase`'s command early on a CPU other than the phases', when there is one.
/// None leaves it to start in its turn.
fn prestart(config: &InitConfig, phase: &PhaseSpec) -> Option<Prestarted> {
    let phases_cpu = config.cpu?;
    let cpu = sys::allowed_cpus()
        .ok()?
        .into_iter()
        .find(|&cpu| cpu != phases_cpu)?;
    let (wait, go) = sys::pipe().ok()?;
    let pid = spawn_command(config, phase, Some(wait.as_raw_fd()), Some(cpu)).ok()?;
    let Ok(exit) = sys::pidfd_open(pid) else {
        let _ = sys::kill(pid, libc::SIGKILL);
        return None;
    };
    spare(pid);
    Some(Prestarted { pid, exit, go })
}

thread_local! {
    /// Held commands (and their tracers), left alone by the phases running meanwhile.
    static SPARED: std::cell::RefCell<Vec<libc::pid_t>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn spare(pid: libc::pid_t) {
    SPARED.with(|spared| spared.borrow_mut().push(pid));
}

/// A held command is spared no more: released for its phase, or ended (its pid may be
/// used again).
fn unspare(pid: libc::pid_t) {
    SPARED.with(|spared| spared.borrow_mut().retain(|&p| p != pid));
}

/// The spared commands and the straces tracing them.
fn spared_pids() -> Vec<libc::pid_t> {
    let held = SPARED.with(|spared| spared.borrow().clone());
    let mut pids = held.clone();
    pids.extend(held.into_iter().filter_map(tracer_of));
    pids
}

fn tracer_of(pid: libc::pid_t) -> Option<libc::pid_t> {
    status_field(&proc_status(pid)?, "TracerPid")?
        .parse()
        .ok()
        .filter(|&tracer| tracer != 0)
}

/// `/proc/<pid>/status` of a process of the sandbox.
fn proc_status(pid: libc::pid_t) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/status")).ok()
}

/// The value of one `Key:\tvalue` line of a `/proc/<pid>/status`, trimmed.
fn status_field<'a>(status: &'a str, key: &str) -> Option<&'a str> {
    status.lines().find_map(|line| {
        line.strip_prefix(key)
            .and_then(|rest| rest.strip_prefix(':'))
            .map(str::trim)
    })
}

fn ensure_dir(path: &Path, mode: u32) -> io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(mode)
        .create(path)
        .map_err(|err| io::Error::new(err.kind(), format!("mkdir {}: {err}", path.display())))
}

/// Shows `source` at `target` read-only, submounts included: a bind of `/usr` takes
/// along a separate `/usr/local` or a file bind-mounted into `/etc`, and a remount of
/// the top alone would leave those writable from inside.
fn bind_read_only(source: &Path, target: &Path) -> io::Result<()> {
    sys::mount(
        Some(source),
        target,
        None,
        libc::MS_BIND | libc::MS_REC,
        None,
    )?;
    match sys::make_tree_read_only(target) {
        Ok(()) => Ok(()),
        // Kernels before 5.12: each mount of the tree, one by one.
        Err(err) if err.raw_os_error() == Some(libc::ENOSYS) => {
            for mount in mounts_at_or_below(target)? {
                remount_read_only(&mount)?;
            }
            Ok(())
        }
        Err(err) => Err(io::Error::new(
            err.kind(),
            format!("make {} read-only: {err}", target.display()),
        )),
    }
}

fn remount_read_only(target: &Path) -> io::Result<()> {
    sys::mount(
        None,
        target,
        None,
        libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY | libc::MS_NOSUID | libc::MS_NODEV,
        None,
    )
}

/// The mount points at `target` and below it, from /proc/self/mountinfo (top first).
fn mounts_at_or_below(target: &Path) -> io::Result<Vec<PathBuf>> {
    let info = std::fs::read_to_string("/proc/self/mountinfo")?;
    let mut found: Vec<PathBuf> = info
        .lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(mount_point)
        .filter(|point| point.starts_with(target))
        .collect();
    found.sort_by_key(|p| p.components().count());
    found.dedup();
    Ok(found)
}

/// A mount point as mountinfo writes it: space, tab, newline and backslash as `\ooo`,
/// the octal escapes strace uses too.
fn mount_point(field: &str) -> PathBuf {
    let bytes = crate::trace::syntax::unescape(field.as_bytes());
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

fn tmpfs(target: &Path, bytes: u64, mode: u32) -> io::Result<()> {
    sys::mount(
        None::<&Path>,
        target,
        Some("tmpfs"),
        libc::MS_NOSUID | libc::MS_NODEV,
        Some(&format!("size={bytes},mode={mode:o}")),
    )
}

fn inside(root: &Path, path: &str) -> PathBuf {
    root.join(path.trim_start_matches('/'))
}

/// A new root on tmpfs: the host's system directories read-only, fresh /dev, /proc,
/// /tmp and home, the sandbox's own /etc files over the host's; then pivot into it.
fn build_root(config: &InitConfig, payload: &Payload<'_>) -> io::Result<()> {
    let root = PathBuf::from(&config.root_dir);
    sys::mount(
        None::<&Path>,
        Path::new("/"),
        None,
        libc::MS_REC | libc::MS_PRIVATE,
        None,
    )?;
    tmpfs(&root, 64 * 1024 * 1024, 0o755)?;

    let mut shown: Vec<String> = SYSTEM_DIRS.iter().map(|d| d.to_string()).collect();
    shown.extend(config.extra_dirs.iter().cloned());
    for dir in &shown {
        let host = Path::new(dir);
        let Ok(meta) = std::fs::symlink_metadata(host) else {
            continue;
        };
        let target = inside(&root, dir);
        if let Some(parent) = target.parent() {
            ensure_dir(parent, 0o755)?;
        }
        if meta.file_type().is_symlink() {
            let link = std::fs::read_link(host)?;
            std::os::unix::fs::symlink(link, &target)?;
        } else if meta.is_dir() {
            ensure_dir(&target, 0o755)?;
            bind_read_only(host, &target)?;
        }
    }

    let dev = root.join("dev");
    ensure_dir(&dev, 0o755)?;
    tmpfs(&dev, 1024 * 1024, 0o755)?;
    for device in DEVICES {
        let host = Path::new("/dev").join(device);
        if !host.exists() {
            continue;
        }
        let target = dev.join(device);
        std::fs::File::create(&target)?;
        sys::mount(Some(&host), &target, None, libc::MS_BIND, None)?;
    }
    for (name, target) in [
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ] {
        std::os::unix::fs::symlink(target, dev.join(name))?;
    }
    ensure_dir(&dev.join("shm"), 0o1777)?;
    tmpfs(&dev.join("shm"), config.limits.tmpfs_bytes / 4, 0o1777)?;

    let proc_dir = root.join("proc");
    ensure_dir(&proc_dir, 0o555)?;
    sys::mount(
        None::<&Path>,
        &proc_dir,
        Some("proc"),
        libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
        None,
    )?;

    let tmp = root.join("tmp");
    ensure_dir(&tmp, 0o1777)?;
    tmpfs(&tmp, config.limits.tmpfs_bytes, 0o1777)?;
    let home_parent = inside(&root, &config.home)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.join("home"));
    ensure_dir(&home_parent, 0o755)?;
    tmpfs(&home_parent, config.limits.tmpfs_bytes, 0o755)?;
    let home = inside(&root, &config.home);
    ensure_dir(&home, 0o750)?;
    sys::chown(&home, config.uid, config.uid)?;
    let project = inside(&root, &config.project_dir);
    ensure_dir(&project, 0o755)?;
    chown_up_to(&project, &home, config.uid)?;

    ensure_dir(&root.join("run"), 0o755)?;
    // The traces and the phases' output get a file system of their own: on the root's
    // 64 MiB a noisy package's log could run out of room, and strace would drop
    // events without a word (see `run_dir_full`).
    let run_dir = inside(&root, RUN_DIR);
    ensure_dir(&run_dir, 0o700)?;
    tmpfs(
        &run_dir,
        run_dir_bytes(config.limits.max_trace_bytes),
        0o700,
    )?;
    let package_dir = inside(&root, PACKAGE_DIR);
    ensure_dir(&package_dir, 0o755)?;
    if let Some(bytes) = payload.tarball {
        std::fs::write(package_dir.join("package.tgz"), bytes)?;
    }
    if let Some(bytes) = payload.script_shell {
        let shell = inside(&root, SCRIPT_SHELL);
        std::fs::write(&shell, bytes)?;
        std::fs::set_permissions(&shell, std::fs::Permissions::from_mode(0o755))?;
    }

    // The sandbox's /etc files replace the host's one by one (bind mounts over the
    // read-only /etc), so the rest of the host's /etc still serves the tools.
    let staged = inside(&root, "/run/dsca-etc");
    ensure_dir(&staged, 0o755)?;
    for (index, file) in config.files.iter().enumerate() {
        let target = inside(&root, &file.path);
        let over_host_file = file.path.starts_with("/etc/");
        let write_to = if over_host_file {
            staged.join(format!("{index}"))
        } else {
            target.clone()
        };
        if let Some(parent) = write_to.parent()
            && !parent.exists()
        {
            ensure_dir(parent, 0o755)?;
            if file.user_owned {
                chown_up_to(parent, &home, config.uid)?;
            }
        }
        std::fs::write(&write_to, &file.content).map_err(|err| {
            io::Error::new(err.kind(), format!("write {}: {err}", write_to.display()))
        })?;
        std::fs::set_permissions(&write_to, std::fs::Permissions::from_mode(file.mode))?;
        if file.user_owned {
            sys::chown(&write_to, config.uid, config.uid)?;
        }
        if over_host_file {
            if !target.exists() {
                return Err(io::Error::other(format!(
                    "{} does not exist on this host and cannot be replaced",
                    file.path
                )));
            }
            sys::mount(Some(&write_to), &target, None, libc::MS_BIND, None)?;
        }
    }

    let old_root = root.join(".oldroot");
    ensure_dir(&old_root, 0o700)?;
    sys::pivot_root(&root, &old_root)?;
    std::env::set_current_dir("/")?;
    sys::umount_detach(Path::new("/.oldroot"))?;
    std::fs::remove_dir("/.oldroot")?;
    Ok(())
}

/// Give the sandbox user the directories created for its files (e.g. `~/.aws`).
fn chown_up_to(dir: &Path, stop: &Path, uid: u32) -> io::Result<()> {
    let mut current = Some(dir);
    while let Some(path) = current {
        if path == stop || !path.starts_with(stop) {
            break;
        }
        sys::chown(path, uid, uid)?;
        current = path.parent();
    }
    Ok(())
}

fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

/// Every process of the sandbox but PID 1, `keep` and a spared held command.
fn sandbox_pids(keep: libc::pid_t) -> Vec<libc::pid_t> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let spared = spared_pids();
    entries
        .filter_map(|entry| {
            entry
                .ok()?
                .file_name()
                .to_str()?
                .parse::<libc::pid_t>()
                .ok()
        })
        .filter(|pid| *pid != 1 && *pid != keep && !spared.contains(pid))
        .collect()
}

/// Kill every process but PID 1 and `keep`, until none is left (a fork may race us).
/// Returns whether `keep` ended meanwhile.
fn kill_all_but(keep: libc::pid_t) -> bool {
    let mut keep_ended = false;
    for _ in 0..50 {
        let pids = sandbox_pids(keep);
        if pids.is_empty() {
            break;
        }
        for pid in pids {
            let _ = sys::kill(pid, libc::SIGKILL);
        }
        keep_ended |= reap_all().iter().any(|(pid, _)| *pid == keep);
        std::thread::sleep(Duration::from_millis(10));
    }
    keep_ended
}

fn reap_all() -> Vec<(libc::pid_t, ExitStatus)> {
    let mut ended = Vec::new();
    while let Ok(Some(entry)) = sys::wait_any(-1, false) {
        unspare(entry.0);
        ended.push(entry);
    }
    ended
}

fn tail(path: &Path, max: usize) -> String {
    let Ok(bytes) = std::fs::read(path) else {
        return String::new();
    };
    let start = bytes.len().saturating_sub(max);
    String::from_utf8_lossy(&bytes[start..]).into_owned()
}

fn run_phase(
    config: &InitConfig,
    phase: &PhaseSpec,
    held: Option<Prestarted>,
) -> (PhaseOutcome, Vec<u8>) {
    let mut outcome = PhaseOutcome {
        name: phase.name.clone(),
        argv: phase.argv.clone(),
        status: "error".to_string(),
        exit_code: None,
        started_micros: now_micros(),
        duration_ms: 0,
        stdout_tail: String::new(),
        stderr_tail: String::new(),
        error: None,
        command_end_micros: None,
        cleanup_kill_micros: None,
        busy_ms_at_timeout: None,
        grace_ms: phase.grace_ms,
        command_pid: None,
        trace_bytes: 0,
        segments: Vec::new(),
        trace_truncated: false,
    };
    let PhasePaths {
        trace: trace_path,
        stdout: stdout_path,
        stderr: stderr_path,
    } = PhasePaths::of(phase);
    let started = Instant::now();
    let mut logs = Vec::new();
    if !phase.trace_scripts_only {
        logs.push((trace_path.clone(), TraceSegment::default()));
    }
    if let Err(err) = supervise_phase(config, phase, held, &mut outcome, &mut logs) {
        outcome.error = Some(err.to_string());
        let _ = kill_all_but(0);
    }
    reap_all();
    outcome.duration_ms = started.elapsed().as_millis() as u64;
    outcome.stdout_tail = tail(&stdout_path, 4096);
    outcome.stderr_tail = tail(&stderr_path, 4096);
    // strace could not write all it saw: the record is incomplete.
    let run_dir_filled = run_dir_full();
    // The logs one after another, within one budget for the phase. Each is deleted once
    // read: the phases after this one need the room.
    let mut trace = Vec::new();
    for (path, mut segment) in logs {
        if !outcome.trace_truncated {
            let room = config.limits.max_trace_bytes - trace.len() as u64;
            let before = trace.len();
            if let Ok(file) = std::fs::File::open(&path) {
                let _ = file.take(room + 1).read_to_end(&mut trace);
            }
            if trace.len() as u64 > config.limits.max_trace_bytes {
                trace.truncate(config.limits.max_trace_bytes as usize);
                outcome.trace_truncated = true;
            }
            segment.bytes = (trace.len() - before) as u64;
            outcome.segments.push(segment);
        }
        let _ = std::fs::remove_file(&path);
    }
    outcome.trace_truncated |= run_dir_filled;
    outcome.trace_bytes = trace.len() as u64;
    (outcome, trace)
}

/// Room for the logs of a phase (up to the trace limit, read back and deleted at the
/// end of each phase) plus the phases' output, with a margin: a log may outgrow the
/// limit before it is read (the rest is cut then).
fn run_dir_bytes(max_trace_bytes: u64) -> u64 {
    max_trace_bytes
        .saturating_mul(2)
        .saturating_add(64 * 1024 * 1024)
}

/// Less room left on the run directory than a log line or two: strace lost events.
fn run_dir_full() -> bool {
    let Ok(path) = std::ffi::CString::new(RUN_DIR) else {
        return false;
    };
    // SAFETY: statvfs is plain data; all-zero is a valid value.
    let mut stats: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: statvfs writes into the struct we own; the path is NUL-terminated.
    if unsafe { libc::statvfs(path.as_ptr(), &mut stats) } != 0 {
        return false;
    }
    let free = stats.f_bavail.saturating_mul(stats.f_frsize);
    free < 64 * 1024
}

/// Most requests one phase may make of the script shell service.
const MAX_SCRIPTS: usize = 4096;
/// Requests taken per turn of PID 1's loop.
const MAX_REQUESTS_PER_TURN: usize = 8;
/// How long a request (or its reply) may take on the socket, all of it.
const REQUEST_TIMEOUT: Duration = Duration::from_millis(250);
/// Largest request: arguments and environment (the kernel's own limit for both is 2 MiB
/// by default).
const MAX_REQUEST_BYTES: usize = 8 * 1024 * 1024;

/// PID 1's side of the script shell: takes requests on the abstract socket for the
/// length of a phase and runs each script under a tracer of its own.
struct ScriptService {
    listener: UnixListener,
    /// Scripts still running: their first process and the shell waiting for its status.
    running: Vec<(libc::pid_t, UnixStream)>,
    started: usize,
}

impl ScriptService {
    fn listen() -> io::Result<Self> {
        let listener = UnixListener::bind_addr(&UnixAddress::from_abstract_name(SCRIPT_SOCKET)?)
            .map_err(|err| io::Error::new(err.kind(), format!("script socket: {err}")))?;
        listener.set_nonblocking(true)?;
        Ok(ScriptService {
            listener,
            running: Vec::new(),
            started: 0,
        })
    }

    /// Start what every pending request asks for.
    fn accept_all(
        &mut self,
        config: &InitConfig,
        phase: &PhaseSpec,
        logs: &mut Vec<(PathBuf, TraceSegment)>,
    ) {
        // A few per turn: a flood of connections must not keep PID 1 from the phase's
        // clock.
        for _ in 0..MAX_REQUESTS_PER_TURN {
            let Ok((stream, _)) = self.listener.accept() else {
                break;
            };
            let started = self.start(&stream, config, phase);
            match started {
                Ok((pid, log, segment)) => {
                    logs.push((log, segment));
                    self.running.push((pid, stream));
                }
                Err(err) => {
                    let reply = ScriptReply::Refused(err.to_string());
                    let _ = protocol::send_message(&stream, &reply);
                }
            }
        }
    }

    fn start(
        &mut self,
        stream: &UnixStream,
        config: &InitConfig,
        phase: &PhaseSpec,
    ) -> io::Result<(libc::pid_t, PathBuf, TraceSegment)> {
        // Every connection counts, answered or not.
        self.started += 1;
        if self.started > MAX_SCRIPTS {
            return Err(io::Error::other("too many scripts in one phase"));
        }
        // Anything in the sandbox can connect: a request is read with a time limit, so a
        // silent client cannot hold PID 1 for long, and gets nothing it could not do
        // itself (its command runs as the sandbox user, traced).
        let deadline = Instant::now() + REQUEST_TIMEOUT;
        stream.set_nonblocking(false)?;
        stream.set_read_timeout(Some(REQUEST_TIMEOUT))?;
        stream.set_write_timeout(Some(REQUEST_TIMEOUT))?;
        let asker = sys::peer_pid(stream.as_raw_fd())?;
        let (_, fds) = sys::recv_with_fds(stream, &mut [0u8; 1], 3)?;
        let [stdin, stdout, stderr] = <[OwnedFd; 3]>::try_from(fds)
            .map_err(|_| io::Error::other("expected stdin, stdout and stderr"))?;
        let request: ScriptRequest =
            protocol::recv_message_by(stream, deadline, MAX_REQUEST_BYTES)?;
        let log = PathBuf::from(format!(
            "{RUN_DIR}/{}.script{}.trace",
            phase.name, self.started
        ));
        let strace_program = host_tool("strace").ok_or_else(|| {
            io::Error::other("strace is needed to trace the sandbox (install the strace package)")
        })?;
        let mut argv: Vec<String> = vec!["strace".to_string(), "-D".to_string()];
        argv.extend(crate::trace::strace_args(&log.display().to_string()));
        argv.extend(["-u".to_string(), config.user.clone()]);
        // The environment reaches the script through strace's -E: strace itself (root
        // in the sandbox) starts with none, so nothing the package set (LD_PRELOAD, ...)
        // applies to the tracer.
        for (key, value) in &request.env {
            if !key.is_empty() && !key.contains('=') {
                argv.extend(["-E".to_string(), format!("{key}={value}")]);
            }
        }
        // The script shell confines the script first (no ptrace of npm or the other
        // untraced processes of the same user), then becomes /bin/sh.
        argv.extend([
            "--".to_string(),
            SCRIPT_SHELL.to_string(),
            crate::script_shell::CONFINE_ARG.to_string(),
            "/bin/sh".to_string(),
        ]);
        argv.extend(request.args.iter().cloned());
        let pid = match sys::fork()? {
            Forked::Child => {
                let result = (|| -> io::Result<()> {
                    sys::dup_onto(stdin.as_raw_fd(), 0)?;
                    sys::dup_onto(stdout.as_raw_fd(), 1)?;
                    sys::dup_onto(stderr.as_raw_fd(), 2)?;
                    std::env::set_current_dir(&request.cwd)?;
                    limit_phase_process(config, phase, config.cpu)?;
                    Err(sys::exec(&strace_program.display().to_string(), &argv, &[]))
                })();
                if let Err(err) = result {
                    let _ = writeln!(io::stderr(), "dsca sandbox: cannot start the script: {err}");
                }
                // SAFETY: leaving a forked child without running the parent's destructors.
                unsafe { libc::_exit(127) }
            }
            Forked::Parent(pid) => pid,
        };
        let segment = TraceSegment {
            bytes: 0,
            root_pid: u32::try_from(pid).ok(),
            // Under npm, which ran the script shell that asked (neither is traced).
            parent_pid: parent_of(asker),
            cwd: Some(request.cwd),
        };
        Ok((pid, log, segment))
    }

    /// Tell the shells whose scripts are among `ended` how they ended.
    fn report(&mut self, ended: &[(libc::pid_t, ExitStatus)]) {
        for (pid, status) in ended {
            if let Some(index) = self.running.iter().position(|(p, _)| p == pid) {
                let (_, stream) = self.running.swap_remove(index);
                let reply = match status {
                    ExitStatus::Exited(code) => ScriptReply::Exited(*code),
                    ExitStatus::Signaled(signal) => ScriptReply::Signaled(*signal),
                };
                let _ = protocol::send_message(&stream, &reply);
            }
        }
    }
}

/// The parent of `pid` (the process that ran the script shell: npm).
fn parent_of(pid: libc::pid_t) -> Option<u32> {
    status_field(&proc_status(pid)?, "PPid")?.parse().ok()
}

/// The limits every process of a phase runs under, set in a child before it execs.
fn limit_phase_process(
    config: &InitConfig,
    phase: &PhaseSpec,
    cpu: Option<usize>,
) -> io::Result<()> {
    let limits = &config.limits;
    sys::set_rlimit(libc::RLIMIT_NPROC, limits.max_processes)?;
    sys::set_rlimit(libc::RLIMIT_FSIZE, limits.max_file_bytes)?;
    sys::set_rlimit(libc::RLIMIT_DATA, limits.max_data_bytes)?;
    sys::set_rlimit(libc::RLIMIT_NOFILE, limits.max_open_files)?;
    sys::set_rlimit(libc::RLIMIT_CPU, phase.timeout_ms / 1000 + 5)?;
    sys::set_rlimit(libc::RLIMIT_CORE, 0)?;
    // dsca's own init and PID 1 are spared by the kernel when the run reaches its memory
    // limit (see `supervisor::run_in`); what a phase starts is not. Raising the value is
    // allowed to anyone; it fails only where it was never lowered.
    let _ = crate::cgroup::write_between_fork_and_exec(c"/proc/self/oom_score_adj", b"0");
    if let Some(cpu) = cpu {
        // Only speed depends on it: a CPU gone offline leaves the phase unpinned.
        let _ = sys::pin_to_cpu(cpu);
    }
    Ok(())
}

/// Processes of the sandbox other than PID 1, split into tracers (strace runs as
/// sandbox root; the package never does) and everything else.
fn sandbox_processes() -> (Vec<libc::pid_t>, Vec<libc::pid_t>) {
    let (mut tracers, mut others) = (Vec::new(), Vec::new());
    for pid in sandbox_pids(0) {
        let status = proc_status(pid).unwrap_or_default();
        let zombie = status_field(&status, "State").is_some_and(|state| state.starts_with('Z'));
        if zombie {
            // Dead, waiting for a parent to collect it (strace's first child waits under
            // a held command): it can do nothing, and the phase need not wait for it.
            continue;
        }
        let root = status_field(&status, "Uid")
            .and_then(|ids| ids.split_whitespace().next())
            .is_some_and(|uid| uid == "0");
        if root {
            tracers.push(pid)
        } else {
            others.push(pid)
        }
    }
    (tracers, others)
}

/// How long the processes have run or waited for a CPU, in milliseconds: near the
/// phase's length when its code spins, however busy the machine, and far below it when
/// the code waits (for the network, a timer, a lock). From each process's
/// `/proc/<pid>/schedstat` (time on a CPU and time queued for one), or its CPU time when
/// the kernel keeps no such figures.
fn busy_ms(pids: &[libc::pid_t]) -> u64 {
    pids.iter()
        .filter_map(|pid| schedstat_ms(*pid).or_else(|| cpu_time_ms(*pid)))
        .sum()
}

fn schedstat_ms(pid: libc::pid_t) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/schedstat")).ok()?;
    let mut fields = text.split_whitespace().map(|f| f.parse::<u64>().ok());
    let on_cpu = fields.next()??;
    let queued = fields.next()??;
    (on_cpu > 0).then(|| (on_cpu + queued) / 1_000_000)
}

fn cpu_time_ms(pid: libc::pid_t) -> Option<u64> {
    // SAFETY: sysconf has no preconditions.
    let ticks_per_second = u64::try_from(unsafe { libc::sysconf(libc::_SC_CLK_TCK) })
        .ok()
        .filter(|&ticks| ticks > 0)
        .unwrap_or(100);
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command's name (in parentheses, which may hold anything): the state is
    // field 3, utime 14 and stime 15.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime).saturating_mul(1000) / ticks_per_second)
}

/// Kill every process that is not a tracer (repeatedly: a fork may race us), then
/// give the tracers a moment to write how their tracees ended, then kill them too.
fn end_phase_processes() {
    for _ in 0..50 {
        let (_, others) = sandbox_processes();
        if others.is_empty() {
            break;
        }
        for pid in others {
            let _ = sys::kill(pid, libc::SIGKILL);
        }
        reap_all();
        std::thread::sleep(Duration::from_millis(10));
    }
    wait_for_tracers();
    let _ = kill_all_but(0);
}

/// strace exits by itself once its tracees are gone; wait a little for it to flush.
fn wait_for_tracers() {
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        reap_all();
        if sandbox_processes().0.is_empty() {
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Where a phase's log and output go.
struct PhasePaths {
    trace: PathBuf,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl PhasePaths {
    fn of(phase: &PhaseSpec) -> Self {
        PhasePaths {
            trace: PathBuf::from(format!("{RUN_DIR}/{}.trace", phase.name)),
            stdout: PathBuf::from(format!("{RUN_DIR}/{}.stdout", phase.name)),
            stderr: PathBuf::from(format!("{RUN_DIR}/{}.stderr", phase.name)),
        }
    }
}

/// Start a phase's command: under strace as the sandbox user, or, for a command that
/// only its scripts are traced of, as the sandbox user directly. `stdin` defaults to
/// /dev/null; `cpu` is where it runs.
fn spawn_command(
    config: &InitConfig,
    phase: &PhaseSpec,
    stdin: Option<RawFd>,
    cpu: Option<usize>,
) -> io::Result<libc::pid_t> {
    let paths = PhasePaths::of(phase);
    let stdout = std::fs::File::create(&paths.stdout)?;
    let stderr = std::fs::File::create(&paths.stderr)?;
    let strace_program = host_tool("strace").ok_or_else(|| {
        io::Error::other("strace is needed to trace the sandbox (install the strace package)")
    })?;
    // -D: strace traces from a grandchild, so the phase's command keeps the pid forked
    // here and PID 1 learns from waitpid when the command itself ended.
    let mut argv: Vec<String> = vec!["strace".to_string(), "-D".to_string()];
    argv.extend(crate::trace::strace_args(
        &paths.trace.display().to_string(),
    ));
    argv.extend(["-u".to_string(), config.user.clone()]);
    // strace -E sets them for the command alone: strace's own clock (its timestamps)
    // must stay the real one while the package's is moved.
    for (name, value) in &phase.env {
        argv.extend(["-E".to_string(), format!("{name}={value}")]);
    }
    argv.push("--".to_string());
    argv.extend(phase.argv.iter().cloned());
    let mut env = config.env.clone();
    env.push(("PWD".to_string(), config.project_dir.clone()));
    if phase.trace_scripts_only {
        env.extend(phase.env.iter().cloned());
    }
    let program = if phase.trace_scripts_only {
        let name = phase.argv.first().map_or("", String::as_str);
        find_on_path(name, &env)?
    } else {
        strace_program.display().to_string()
    };
    match sys::fork()? {
        Forked::Child => {
            let result = (|| -> io::Result<()> {
                sys::dup_onto(stdout.as_raw_fd(), 1)?;
                sys::dup_onto(stderr.as_raw_fd(), 2)?;
                match stdin {
                    Some(fd) => sys::dup_onto(fd, 0)?,
                    None => {
                        let null = std::fs::File::open("/dev/null")?;
                        sys::dup_onto(null.as_raw_fd(), 0)?;
                    }
                }
                std::env::set_current_dir(&config.project_dir)?;
                limit_phase_process(config, phase, cpu)?;
                if phase.trace_scripts_only {
                    // As the sandbox user, like strace -u does for a traced command.
                    sys::clear_groups()?;
                    sys::set_ids(config.uid, config.uid)?;
                    return Err(sys::exec(&program, &phase.argv, &env));
                }
                Err(sys::exec(&program, &argv, &env))
            })();
            if let Err(err) = result {
                let _ = writeln!(io::stderr(), "dsca sandbox: cannot start the phase: {err}");
            }
            // SAFETY: leaving a forked child without running the parent's destructors.
            unsafe { libc::_exit(127) }
        }
        Forked::Parent(pid) => Ok(pid),
    }
}

/// The held command when it is still waiting, traced; None (and killed if need be)
/// otherwise, so the phase starts a fresh one.
fn release_held(held: Option<Prestarted>) -> Option<(libc::pid_t, OwnedFd)> {
    let held = held?;
    unspare(held.pid);
    let waiting = !sys::wait_readable(held.exit.as_raw_fd(), None, Duration::ZERO);
    if waiting && tracer_of(held.pid).is_some() {
        // End of input: the command goes on (and on, if the install stopped it).
        let _ = sys::pidfd_signal(held.exit.as_raw_fd(), libc::SIGCONT);
        drop(held.go);
        return Some((held.pid, held.exit));
    }
    let _ = sys::pidfd_signal(held.exit.as_raw_fd(), libc::SIGKILL);
    None
}

fn supervise_phase(
    config: &InitConfig,
    phase: &PhaseSpec,
    held: Option<Prestarted>,
    outcome: &mut PhaseOutcome,
    logs: &mut Vec<(PathBuf, TraceSegment)>,
) -> io::Result<()> {
    // In every phase: an npm that package code starts also runs its scripts through the
    // script shell (npm_config_script_shell).
    let mut scripts = ScriptService::listen()?;
    let (command_pid, command_exit, prestarted) = match release_held(held) {
        Some((pid, exit)) => (pid, Some(exit), true),
        None => {
            // The CPU is for a tracer and its tracees to share; an untraced npm may use
            // them all (its scripts' tracers get the phase's CPU).
            let cpu = config.cpu.filter(|_| !phase.trace_scripts_only);
            let pid = spawn_command(config, phase, None, cpu)?;
            (pid, sys::pidfd_open(pid).ok(), false)
        }
    };
    outcome.command_pid = u32::try_from(command_pid).ok();
    let started = Instant::now();
    let deadline = started + Duration::from_millis(phase.timeout_ms);
    let mut command_ended: Option<Instant> = None;
    // `command_exit` is readable when the command exits, so the phase ends then and not
    // at the next tick.
    let script_requests = scripts.listener.as_raw_fd();
    loop {
        scripts.accept_all(config, phase, logs);
        let ended = reap_all();
        scripts.report(&ended);
        for (pid, status) in ended {
            if pid == command_pid {
                command_ended = Some(Instant::now());
                outcome.command_end_micros = Some(now_micros());
                match status {
                    ExitStatus::Exited(code) => outcome.exit_code = Some(code),
                    ExitStatus::Signaled(signal) => {
                        outcome.error = Some(format!("the command was killed by signal {signal}"))
                    }
                }
            }
        }
        let now = Instant::now();
        if let Some(ended) = command_ended {
            let (tracers, others) = sandbox_processes();
            if others.is_empty() {
                wait_for_tracers();
                outcome.status = "completed".to_string();
                // (A held command was seen traced when it was let go.)
                if !phase.trace_scripts_only
                    && !prestarted
                    && tracers.is_empty()
                    && started.elapsed() < Duration::from_millis(50)
                {
                    // Ended at once with nothing traced: strace itself failed to start.
                    outcome.status = "error".to_string();
                }
                return Ok(());
            }
            if now >= ended + Duration::from_millis(phase.grace_ms.max(phase.linger_ms)) {
                // Processes the command left behind: killed, and reported as outliving it.
                outcome.status = "completed".to_string();
                outcome.cleanup_kill_micros = Some(now_micros());
                end_phase_processes();
                return Ok(());
            }
        }
        // The limit is the command's: once it has ended, what it left behind has its
        // linger period, even past the limit (a package must not turn a finished phase
        // into a timed-out one by leaving a process behind just before the limit).
        if now >= deadline && command_ended.is_none() {
            outcome.status = "timeout".to_string();
            outcome.busy_ms_at_timeout = Some(busy_ms(&sandbox_processes().1));
            outcome.cleanup_kill_micros = Some(now_micros());
            end_phase_processes();
            return Ok(());
        }
        match (&command_exit, command_ended) {
            (Some(pidfd), None) => {
                // A script request wakes the wait too.
                sys::wait_readable(
                    pidfd.as_raw_fd(),
                    Some(script_requests),
                    Duration::from_millis(20),
                );
            }
            // What the command left behind usually goes with it: look again soon.
            (_, Some(_)) => std::thread::sleep(Duration::from_millis(2)),
            (None, None) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// `name` as found on the PATH of `env` (a name with a slash is taken as it is).
fn find_on_path(name: &str, env: &[(String, String)]) -> io::Result<String> {
    if name.contains('/') {
        return Ok(name.to_string());
    }
    let path = env
        .iter()
        .find(|(key, _)| key == "PATH")
        .map_or("/usr/bin:/bin", |(_, value)| value.as_str());
    path.split(':')
        .filter(|dir| !dir.is_empty())
        .map(|dir| format!("{dir}/{name}"))
        .find(|candidate| {
            std::fs::metadata(candidate)
                .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        })
        .ok_or_else(|| io::Error::other(format!("{name} is not on the sandbox's PATH")))
}

#[cfg(test)]
mod mountinfo_tests {
    use super::mount_point;
    use std::path::Path;

    #[test]
    fn mount_points_with_spaces_and_backslashes_are_read_back() {
        assert_eq!(mount_point("/usr/local"), Path::new("/usr/local"));
        assert_eq!(mount_point("/mnt/my\\040disk"), Path::new("/mnt/my disk"));
        assert_eq!(mount_point("/a\\134b"), Path::new("/a\\b"));
    }
}
