//! The strace log reader, on logs recorded on a real machine (tests/data/record-traces.sh)
//! and on hand-written edge cases.

use std::collections::HashMap;
use std::fmt::Write as _;

use dsca_model::dynamic::FileOp;
use dsca_sandbox::trace::{SocketEvent, Trace, TraceLimits, parse, strace_args};

const FILES_LOG: &str = include_str!("data/files.log");
const NET_LOG: &str = include_str!("data/net.log");
const KILLED_LOG: &str = include_str!("data/killed.log");
const SCRATCH: &str = "/tmp/dsca-trace-fixture";

/// The time of a log's first line, so that times count from it.
fn first_time(log: &str) -> u64 {
    let time = log.split_whitespace().nth(1).expect("a first line");
    let (seconds, micros) = time.split_once('.').expect("a -ttt time");
    seconds.parse::<u64>().unwrap() * 1_000_000 + micros.parse::<u64>().unwrap()
}

fn parse_str(log: &str, cwd: &str) -> Trace {
    parse(
        log.as_bytes(),
        first_time(log),
        cwd,
        "install",
        &TraceLimits::default(),
    )
    .expect("parses")
}

fn parse_text(log: &str) -> Trace {
    parse(
        log.as_bytes(),
        1_000_000_000_000_000,
        "/work",
        "install",
        &TraceLimits::default(),
    )
    .expect("parses")
}

/// Pids renamed by first appearance (p1, p2, ...), so that re-recording changes little.
struct Pids(HashMap<u32, usize>);

impl Pids {
    fn of(trace: &Trace) -> Pids {
        let mut map = HashMap::new();
        for process in &trace.processes {
            let next = map.len() + 1;
            map.entry(process.pid).or_insert(next);
        }
        Pids(map)
    }
    fn name(&self, pid: u32) -> String {
        self.0
            .get(&pid)
            .map_or_else(|| format!("unknown {pid}"), |n| format!("p{n}"))
    }
}

fn render_processes(trace: &Trace, pids: &Pids, out: &mut String) {
    for p in &trace.processes {
        let ppid = p.ppid.map_or("-".to_string(), |pp| pids.name(pp));
        let _ = writeln!(
            out,
            "{} ppid={ppid} cwd={} end={} at {:?}",
            pids.name(p.pid),
            p.cwd.as_deref().unwrap_or("-"),
            p.end.as_deref().unwrap_or("-"),
            p.end_time_ms
        );
        for e in &p.execs {
            let _ = writeln!(out, "  exec {} {:?} at {}", e.path, e.argv, e.time_ms);
        }
    }
}

fn render_socket(s: &SocketEvent, pids: &Pids) -> String {
    format!(
        "{} {} {} {} {:?} {:?} {:?} at {}",
        pids.name(s.pid),
        s.syscall,
        s.family,
        s.address,
        s.port,
        String::from_utf8_lossy(&s.data),
        s.result,
        s.time_ms
    )
}

#[test]
fn fixture_script_uses_the_same_strace_args() {
    let script = include_str!("data/record-traces.sh");
    let line = script
        .lines()
        .find_map(|l| l.strip_prefix("STRACE_ARGS=\""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("STRACE_ARGS in the script");
    let args = strace_args("/run/dsca/trace.log");
    assert_eq!(
        args.get(args.len() - 2..),
        Some(&["-o".to_string(), "/run/dsca/trace.log".to_string()][..])
    );
    assert_eq!(args[..args.len() - 2].join(" "), line);
}

#[test]
fn files_fixture() {
    let trace = parse_str(FILES_LOG, SCRATCH);
    assert_eq!(trace.skipped_lines, 0);
    assert!(trace.dropped.is_empty());
    let pids = Pids::of(&trace);
    let mut out = String::new();
    render_processes(&trace, &pids, &mut out);
    for f in trace
        .files
        .iter()
        .filter(|f| f.path.starts_with(SCRATCH) || f.path == "/dev/null")
    {
        assert_eq!(f.phase, "install");
        let _ = writeln!(
            out,
            "{} {} {}{}{} at {}",
            pids.name(f.pid),
            f.op.as_str(),
            f.path,
            f.target
                .as_deref()
                .map(|t| format!(" -> {t}"))
                .unwrap_or_default(),
            f.error
                .as_deref()
                .map(|e| format!(" (failed: {e})"))
                .unwrap_or_default(),
            f.time_ms
        );
    }
    insta::assert_snapshot!(out);

    let sub = format!("{SCRATCH}/sub");
    let has = |op: FileOp, path: &str| trace.files.iter().any(|f| f.op == op && f.path == path);
    assert!(has(FileOp::Create, &format!("{sub}/created.txt")));
    assert!(has(FileOp::MakeExecutable, &format!("{sub}/renamed.sh")));
    assert!(has(FileOp::Read, &format!("{sub}/renamed.sh")));
    assert!(has(FileOp::Delete, &format!("{SCRATCH}/from-child.txt")));
    let rename = trace
        .files
        .iter()
        .find(|f| f.op == FileOp::Rename)
        .expect("a rename");
    assert_eq!(rename.path, format!("{sub}/created.txt"));
    assert_eq!(
        rename.target.as_deref(),
        Some(&*format!("{sub}/renamed.sh"))
    );
    let missing = trace
        .files
        .iter()
        .find(|f| f.path.ends_with("missing.txt"))
        .expect("a failed open is an attempt");
    assert_eq!(missing.error.as_deref(), Some("ENOENT"));
    assert!(
        trace
            .files
            .iter()
            .filter(|f| f.op == FileOp::Create)
            .all(|f| f.error.is_none() || f.path.ends_with("missing.txt")),
        "only the failed open carries an error"
    );
    // The grandchild that wrote from-child.txt descends from the first process.
    let writer = trace
        .files
        .iter()
        .find(|f| f.path == format!("{SCRATCH}/from-child.txt") && f.op == FileOp::Create)
        .expect("the child's write")
        .pid;
    let parent_of = |pid: u32| {
        trace
            .processes
            .iter()
            .find(|p| p.pid == pid)
            .and_then(|p| p.ppid)
    };
    let first = trace.processes[0].pid;
    assert_eq!(parent_of(writer).and_then(parent_of), Some(first));
}

#[test]
fn net_fixture() {
    let trace = parse_str(NET_LOG, SCRATCH);
    assert_eq!(trace.skipped_lines, 0);
    // node's threads are folded into the node process.
    assert_eq!(trace.processes.len(), 1, "{:?}", trace.processes);
    let pids = Pids::of(&trace);
    let mut out = String::new();
    render_processes(&trace, &pids, &mut out);
    for s in &trace.sockets {
        out.push_str(&render_socket(s, &pids));
        out.push('\n');
    }
    insta::assert_snapshot!(out);

    let udp4 = trace
        .sockets
        .iter()
        .find(|s| s.family == "inet" && s.syscall == "sendmsg")
        .expect("udp4");
    assert_eq!((udp4.address.as_str(), udp4.port), ("127.0.0.1", Some(9)));
    assert_eq!(udp4.data, b"udp \"payload\"\n\x01\x02");
    let udp6 = trace
        .sockets
        .iter()
        .find(|s| s.family == "inet6")
        .expect("udp6");
    assert_eq!(
        (udp6.address.as_str(), udp6.port, &udp6.data[..]),
        ("::1", Some(9), &b"v6 payload"[..])
    );
    let tcp = trace
        .sockets
        .iter()
        .find(|s| s.syscall == "connect" && s.family == "inet")
        .expect("tcp");
    assert_eq!(tcp.port, Some(1));
    assert_eq!(tcp.result, Err("EINPROGRESS".to_string()));
    let unix = trace
        .sockets
        .iter()
        .find(|s| s.family == "unix")
        .expect("unix");
    assert_eq!(unix.address, format!("{SCRATCH}/no.sock"));
    assert_eq!(unix.result, Err("ENOENT".to_string()));
}

#[test]
fn killed_fixture() {
    let trace = parse_str(KILLED_LOG, SCRATCH);
    assert_eq!(trace.skipped_lines, 0);
    let pids = Pids::of(&trace);
    let mut out = String::new();
    render_processes(&trace, &pids, &mut out);
    insta::assert_snapshot!(out);
    let sleeper = trace
        .processes
        .iter()
        .find(|p| p.execs.iter().any(|e| e.argv == ["sleep", "5"]))
        .expect("sleep 5");
    assert_eq!(sleeper.end.as_deref(), Some("killed by SIGKILL"));
    assert_eq!(sleeper.ppid, Some(trace.processes[0].pid));
    assert_eq!(trace.processes[0].end.as_deref(), Some("exited 3"));
}

#[test]
fn unfinished_calls_resume_across_other_lines() {
    let log = "\
100 1000000000.000000 openat(AT_FDCWD</w>, \"a.txt\", O_RDONLY <unfinished ...>
101 1000000000.001000 openat(AT_FDCWD</w>, \"b.txt\", O_WRONLY|O_CREAT|O_TRUNC, 0644 <unfinished ...>
100 1000000000.002000 <... openat resumed>) = 3</w/a.txt>
101 1000000000.003500 <... openat resumed>) = 4</w/b.txt>
102 1000000000.004000 <... openat resumed>) = 4</w/c.txt>
100 1000000000.005000 <... unlinkat resumed>) = 0
";
    let trace = parse_text(log);
    let files: Vec<_> = trace
        .files
        .iter()
        .map(|f| (f.op, f.path.as_str(), f.pid, f.time_ms))
        .collect();
    assert_eq!(
        files,
        [
            (FileOp::Read, "/w/a.txt", 100, 2),
            (FileOp::Create, "/w/b.txt", 101, 3)
        ]
    );
    assert_eq!(trace.skipped_lines, 2, "resumed lines without their start");
}

#[test]
fn strings_escapes_and_truncation() {
    let log = concat!(
        r#"7 1000000000.000000 execve("/bin/e\x63ho", ["echo", "a\"b\\c\n\101\1\303\251", "long"...], 0x7ff /* 3 vars */) = 0"#,
        "\n",
        r#"7 1000000000.000001 sendto(3<UDP:[10.0.0.2:5000->192.0.2.1:53]>, "\0\1q\"\\\x7f", 6, MSG_NOSIGNAL, NULL, 0) = 6"#,
        "\n",
        r#"7 1000000000.000002 sendto(4<UDP:[0.0.0.0:5001]>, "abc"..., 4096, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("198.51.100.7")}, 16) = 4096"#,
        "\n",
        r#"7 1000000000.000003 openat(AT_FDCWD</w/d\76ir (x)>, "f\"1,)", O_RDONLY) = 3</w/d\76ir (x)/f\"1,)>"#,
        "\n",
    );
    let trace = parse_text(log);
    assert_eq!(trace.skipped_lines, 0);
    let exec = &trace.processes[0].execs[0];
    assert_eq!(exec.path, "/bin/echo");
    assert_eq!(exec.argv, ["echo", "a\"b\\c\nA\u{1}é", "long"]);
    assert_eq!(trace.sockets.len(), 2);
    assert_eq!(trace.sockets[0].data, b"\0\x01q\"\\\x7f");
    assert_eq!(
        (trace.sockets[0].address.as_str(), trace.sockets[0].port),
        ("192.0.2.1", Some(53))
    );
    assert_eq!(trace.sockets[1].data, b"abc");
    assert_eq!(trace.sockets[1].address, "198.51.100.7");
    assert_eq!(trace.files[0].path, "/w/d>ir (x)/f\"1,)");
}

#[test]
fn refused_changes_are_attempts_with_their_errno() {
    let log = "\
10 1000000000.000000 openat(AT_FDCWD</work>, \"/etc/cron.d/job\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = -1 EROFS (Read-only file system)
10 1000000000.000001 rename(\"/tmp/a\", \"/usr/bin/a\") = -1 EROFS (Read-only file system)
10 1000000000.000002 chmod(\"/usr/bin/b\", 0755) = -1 EPERM (Operation not permitted)
10 1000000000.000003 openat(AT_FDCWD</work>, \"/root/.kube/config\", O_RDONLY|O_CLOEXEC) = -1 EACCES (Permission denied)
10 1000000000.000004 openat(AT_FDCWD</work>, \"slow\", O_RDONLY <unfinished ...>
";
    let trace = parse_text(log);
    let files: Vec<_> = trace
        .files
        .iter()
        .map(|f| (f.op, f.path.as_str(), f.error.as_deref()))
        .collect();
    assert_eq!(
        files,
        [
            (FileOp::Create, "/etc/cron.d/job", Some("EROFS")),
            (FileOp::Rename, "/tmp/a", Some("EROFS")),
            (FileOp::MakeExecutable, "/usr/bin/b", Some("EPERM")),
            (FileOp::Read, "/root/.kube/config", Some("EACCES")),
        ]
    );
}

#[test]
fn relative_paths_follow_chdir_and_fork() {
    let log = "\
10 1000000000.000000 chdir(\"sub/../dir\") = 0
10 1000000000.000001 open(\"./x\", O_RDWR) = 3
10 1000000000.000002 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 11
11 1000000000.000003 creat(\"../y\", 0644) = 3
11 1000000000.000004 chmod(\"../y\", 0700) = 0
11 1000000000.000005 chmod(\"../z\", 0644) = 0
11 1000000000.000006 rename(\"../y\", \"/abs//p/./q\") = 0
11 1000000000.000007 unlink(\"gone\") = -1 ENOENT (No such file or directory)
10 1000000000.000008 fchmod(5</w/dir/tool>, 0755) = 0
10 1000000000.000009 fchmod(6, 0755) = 0
10 1000000000.000010 fchdir(7</tmp>) = 0
10 1000000000.000011 unlink(\"t\") = 0
";
    let trace = parse_text(log);
    assert_eq!(trace.skipped_lines, 0);
    let files: Vec<_> = trace
        .files
        .iter()
        .map(|f| {
            (
                f.op,
                f.path.as_str(),
                f.target.as_deref(),
                f.pid,
                f.error.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            (FileOp::Write, "/work/dir/x", None, 10, None),
            (FileOp::Create, "/work/y", None, 11, None),
            (FileOp::MakeExecutable, "/work/y", None, 11, None),
            (FileOp::Rename, "/work/y", Some("/abs/p/q"), 11, None),
            (FileOp::Delete, "/work/dir/gone", None, 11, Some("ENOENT")),
            (FileOp::MakeExecutable, "/w/dir/tool", None, 10, None),
            (FileOp::Delete, "/tmp/t", None, 10, None),
        ]
    );
    assert_eq!(trace.processes[1].ppid, Some(10));
    assert_eq!(trace.processes[1].cwd.as_deref(), Some("/work/dir"));
    assert_eq!(trace.processes[0].cwd.as_deref(), Some("/tmp"));
}

#[test]
fn threads_fold_into_their_process() {
    let log = "\
20 1000000000.000000 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, child_tid=0x7f, parent_tid=0x7f, exit_signal=0, stack=0x7f, stack_size=0x7ffe80, tls=0x7f} => {parent_tid=[21]}, 88) = 21
21 1000000000.000001 connect(5<TCP:[99]>, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"2001:db8::1\", &sin6_addr), sin6_scope_id=0}, 28) = 0
21 1000000000.000002 vfork() = 22
22 1000000000.000003 sendmmsg(3<UDP:[10.0.0.2:4->10.0.0.1:53]>, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"A\", iov_len=1}, {iov_base=\"B\", iov_len=1}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, msg_len=2}, {msg_hdr={msg_name={sa_family=AF_UNIX, sun_path=@\"abstract\"}, msg_namelen=11, msg_iov=[{iov_base=\"C\", iov_len=1}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=1}], 2, MSG_NOSIGNAL) = 2
21 1000000000.000004 +++ exited with 0 +++
22 1000000000.000005 +++ exited with 1 +++
20 1000000000.000006 +++ killed by SIGSEGV (core dumped) +++
";
    let trace = parse_text(log);
    assert_eq!(trace.skipped_lines, 0);
    let processes: Vec<_> = trace
        .processes
        .iter()
        .map(|p| (p.pid, p.ppid, p.end.as_deref()))
        .collect();
    assert_eq!(
        processes,
        [
            (20, None, Some("killed by SIGSEGV")),
            (22, Some(20), Some("exited 1"))
        ]
    );
    let sockets: Vec<_> = trace
        .sockets
        .iter()
        .map(|s| {
            (
                s.pid,
                s.syscall.as_str(),
                s.address.as_str(),
                s.port,
                s.data.as_slice(),
            )
        })
        .collect();
    assert_eq!(
        sockets,
        [
            (20, "connect", "2001:db8::1", Some(443), &b""[..]),
            (22, "sendmmsg", "10.0.0.1", Some(53), &b"AB"[..]),
            (22, "sendmmsg", "@abstract", None, &b"C"[..]),
        ]
    );
}

#[test]
fn garbage_is_counted_not_fatal() {
    let mut log: Vec<u8> = Vec::new();
    log.extend_from_slice(b"not a strace line\n");
    log.extend_from_slice(b"\xff\xfe 1.0 openat(\n");
    log.extend_from_slice(b"5 1000000000.000000 openat(AT_FDCWD, \"\xff\xfe\", O_RDONLY) = 3\n");
    log.extend_from_slice(b"5 1000000000.000000 openat(AT_FDCWD, \"unterminated, O_RDONLY) = 3\n");
    log.extend_from_slice(b"5 1000000000.000000 openat(AT_FDCWD, \"x\", O_RDONLY\n");
    log.extend_from_slice(b"5 1000000000.000000 +++ exploded +++\n");
    log.extend_from_slice(b"5 1000000000.000000 --- SIGTERM {si_signo=SIGTERM} ---\n");
    log.extend_from_slice(b"\n");
    let trace = parse(
        &log[..],
        1_000_000_000_000_000,
        "/",
        "install",
        &TraceLimits::default(),
    )
    .unwrap();
    assert_eq!(trace.skipped_lines, 5);
    assert_eq!(trace.files.len(), 1);
    assert_eq!(trace.files[0].path, "/\u{fffd}\u{fffd}");
}

#[test]
fn limits_bound_the_work() {
    let mut log = String::new();
    for i in 0..50 {
        let _ = writeln!(
            log,
            "{} 1000000000.000000 openat(AT_FDCWD</w>, \"f{i}\", O_RDONLY) = 3",
            1000 + i
        );
    }
    let long = format!(
        "1 1000000000.000000 openat(AT_FDCWD</w>, \"{}\", O_RDONLY) = 3\n",
        "a".repeat(500)
    );
    let limits = TraceLimits {
        max_bytes: u64::MAX,
        max_line: 200,
        max_processes: 10,
        max_events: 20,
    };
    let text = format!("{long}{log}{long}");
    let trace = parse(text.as_bytes(), 0, "/", "install", &limits).unwrap();
    assert_eq!(trace.skipped_lines, 2);
    assert_eq!(trace.processes.len(), 10);
    assert_eq!(trace.files.len(), 20);
    let dropped: Vec<_> = trace
        .dropped
        .iter()
        .map(|d| (d.table.as_str(), d.count))
        .collect();
    assert_eq!(dropped, [("processes", 40), ("files", 30)]);
    assert!(!trace.truncated);

    let small = TraceLimits {
        max_bytes: 300,
        ..TraceLimits::default()
    };
    let trace = parse(log.as_bytes(), 0, "/", "install", &small).unwrap();
    assert!(trace.truncated);
    assert!(trace.files.len() < 10 && !trace.files.is_empty());
}

/// A quick throughput check on a large generated log (run with --ignored --nocapture).
#[test]
#[ignore]
fn parse_speed() {
    let mut log = String::new();
    let mut pid = 1000;
    while log.len() < 200 * 1024 * 1024 {
        pid += 1;
        let _ = writeln!(
            log,
            "{pid} 1000000000.000000 execve(\"/usr/bin/node\", [\"node\", \"install.js\"], 0x7ff /* 9 vars */) = 0"
        );
        for i in 0..40 {
            let _ = writeln!(
                log,
                "{pid} 1000000000.000100 openat(AT_FDCWD</work/node_modules/pkg>, \"lib/file{i}.js\", O_RDONLY|O_CLOEXEC) = 21</work/node_modules/pkg/lib/file{i}.js>"
            );
        }
        let _ = writeln!(
            log,
            "{pid} 1000000000.000200 sendto(3<UDP:[10.0.0.2:4->10.0.0.1:53]>, \"\\323q\\1\\0\\0\\1\\0\\0\\0\\0\\0\\0\\10nonexist\\7invalid\\0\\0\\34\\0\\1\", 34, MSG_NOSIGNAL, NULL, 0) = 34"
        );
        let _ = writeln!(log, "{pid} 1000000000.000300 +++ exited with 0 +++");
    }
    let limits = TraceLimits {
        max_events: usize::MAX,
        max_processes: usize::MAX,
        max_bytes: u64::MAX,
        ..TraceLimits::default()
    };
    let start = std::time::Instant::now();
    let trace = parse(
        std::io::BufReader::new(log.as_bytes()),
        0,
        "/",
        "install",
        &limits,
    )
    .unwrap();
    let elapsed = start.elapsed();
    println!(
        "{} MiB, {} lines: {:?} ({:.0} MiB/s), {} files",
        log.len() / 1024 / 1024,
        log.lines().count(),
        elapsed,
        log.len() as f64 / 1024.0 / 1024.0 / elapsed.as_secs_f64(),
        trace.files.len()
    );
    assert_eq!(trace.skipped_lines, 0);
}

/// A cheap stand-in for the fuzzer in ordinary test runs: the recorded logs with bytes
/// flipped, inserted and cut, from a fixed seed, must parse without panicking.
#[test]
fn mutated_logs_never_panic() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    let special = b"()[]{}<>\"\\,=.- \n0123456789";
    let limits = TraceLimits {
        max_line: 512,
        ..TraceLimits::default()
    };
    for log in [FILES_LOG, NET_LOG, KILLED_LOG] {
        for _ in 0..300 {
            let mut bytes = log.as_bytes().to_vec();
            for _ in 0..1 + next() % 8 {
                let at = next() % bytes.len();
                match next() % 4 {
                    0 => bytes[at] = special[next() % special.len()],
                    1 => bytes.insert(at, special[next() % special.len()]),
                    2 => bytes[at] = (next() % 256) as u8,
                    _ => bytes.truncate(at.max(1)),
                }
            }
            let trace = parse(&bytes[..], 0, "/", "install", &limits).expect("no I/O error");
            assert!(trace.files.len() <= limits.max_events);
        }
    }
}
