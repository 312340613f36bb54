//! One record of a run from its three witnesses: the sinks (network), the tracer
//! (processes, files, sockets) and the bait (honeytokens). Here processes get their
//! names for DNS questions and connections, file noise from npm's own work is left out,
//! and every outbound byte is searched for the bait values.

use crate::honey::Honeytokens;
use crate::net::NetRecord;
use crate::protocol::{PhaseOutcome, TraceSegment};
use crate::trace::{self, SocketEvent, Trace, TraceLimits, TracedProcess};
use dsca_model::dynamic::{
    CALLS_BEGIN_LINE, CALLS_MARKER, Connection, DnsQuery, DroppedEvents, DynamicAnalysis,
    EXECUTE_PHASE, Exec, Exfiltration, FileEvent, FileOp, HoneytokenRead, LATER_PHASE,
    PROBED_CONNECTION, PhaseResult, PhaseStatus, Probe, Process, SandboxInfo,
};
use dsca_model::truncate_snippet;
use std::collections::{BTreeMap, BTreeSet};

/// What came back from one phase.
pub struct PhaseRecord {
    pub outcome: PhaseOutcome,
    pub trace: Vec<u8>,
}

/// Most file events kept in a report; the rest are counted.
const MAX_FILE_EVENTS: usize = 5_000;
/// Reads under these prefixes are the system and runtime at work, not the package.
const QUIET_READ_PREFIXES: &[&str] = &[
    "/usr/",
    "/lib/",
    "/lib64/",
    "/bin/",
    "/sbin/",
    "/proc/",
    "/sys/",
    "/dev/",
    "/run/dsca",
];
/// Sensitive files under /etc whose reads are worth reporting.
const NOTABLE_ETC: &[&str] = &["/etc/passwd", "/etc/shadow", "/etc/hosts", "/etc/sudoers"];

fn micros_to_ms(micros: u64, epoch_micros: u64) -> u64 {
    micros.saturating_sub(epoch_micros) / 1000
}

/// `time_bomb_in_execute`: the execute phase ran with its clock moved and its load is
/// the time-bomb pass (see [`split_time_bomb_pass`]).
pub fn assemble(
    info: SandboxInfo,
    phases: Vec<PhaseRecord>,
    net: NetRecord,
    honey: &Honeytokens,
    epoch_micros: u64,
    time_bomb_in_execute: bool,
) -> DynamicAnalysis {
    let mut run = DynamicAnalysis {
        sandbox: info,
        ..DynamicAnalysis::default()
    };
    run.honeytokens.planted = honey.planted();
    // (name, start ms) of each phase, to tell which one a network event belongs to.
    let mut starts: Vec<(String, u64)> = phases
        .iter()
        .map(|p| {
            (
                p.outcome.name.clone(),
                micros_to_ms(p.outcome.started_micros, epoch_micros),
            )
        })
        .collect();
    let Traced { mut files, sockets } = add_phases(&mut run, phases, epoch_micros);
    let load_pids = if time_bomb_in_execute {
        split_time_bomb_pass(&mut run, &mut files, &mut starts)
    } else {
        BTreeSet::new()
    };
    keep_files(&mut run, files, honey);
    let NetRecord {
        dns,
        connections,
        http,
        payloads,
        dropped,
        ..
    } = net;
    run.dns = dns;
    run.connections = connections;
    run.http = http;
    merge_dropped(&mut run.dropped, dropped);
    attribute_network(&mut run, &sockets, &starts);
    run.honeytokens.exfiltrations = exfiltrations(&run, honey, &payloads, &sockets, &starts);
    network_of_the_load(&mut run, &load_pids);
    run
}

/// What the processes the time-bomb pass's load started sent is the load's too, even
/// after the calls began (see [`split_time_bomb_pass`]).
fn network_of_the_load(run: &mut DynamicAnalysis, load_pids: &BTreeSet<u32>) {
    if load_pids.is_empty() {
        return;
    }
    let relabel = |phase: &mut String, pid: Option<u32>| {
        if *phase == EXECUTE_PHASE && pid.is_some_and(|pid| load_pids.contains(&pid)) {
            *phase = LATER_PHASE.to_string();
        }
    };
    for query in &mut run.dns {
        relabel(&mut query.phase, query.pid);
    }
    for connection in &mut run.connections {
        relabel(&mut connection.phase, connection.pid);
    }
    for request in &mut run.http {
        relabel(&mut request.phase, request.pid);
    }
    for exfiltration in &mut run.honeytokens.exfiltrations {
        relabel(&mut exfiltration.phase, exfiltration.pid);
    }
}

/// What the traces saw beyond the processes: file events and socket calls, in order.
struct Traced {
    files: Vec<FileEvent>,
    sockets: Vec<SocketEvent>,
}

/// Each phase's result and processes from its outcome and trace.
fn add_phases(run: &mut DynamicAnalysis, phases: Vec<PhaseRecord>, epoch_micros: u64) -> Traced {
    let mut traced = Traced {
        files: Vec::new(),
        sockets: Vec::new(),
    };
    for record in phases {
        let outcome = &record.outcome;
        let status = match outcome.status.as_str() {
            "completed" => PhaseStatus::Completed,
            "timeout" => PhaseStatus::Timeout,
            _ => PhaseStatus::Error,
        };
        run.phases.push(PhaseResult {
            name: outcome.name.clone(),
            command: outcome.argv.clone(),
            status,
            exit_code: outcome.exit_code,
            duration_ms: outcome.duration_ms,
            timeout_ms: 0,
            clock_offset_days: None,
            busy_ms_at_timeout: outcome.busy_ms_at_timeout,
            calls_began_ms: None,
            stdout_tail: last_lines(&outcome.stdout_tail, 20),
            stderr_tail: last_lines(&outcome.stderr_tail, 20),
            error: outcome.error.clone().or_else(|| {
                outcome
                    .trace_truncated
                    .then(|| "the trace was longer than the limit and was cut".to_string())
            }),
        });
        let trace = match parse_segments(
            &record.trace,
            outcome,
            epoch_micros,
            &run.sandbox.project_dir,
        ) {
            Ok(trace) => trace,
            Err(err) => {
                if let Some(phase) = run.phases.last_mut() {
                    phase.error = Some(format!("the trace could not be read: {err}"));
                }
                continue;
            }
        };
        let Trace {
            mut processes,
            files,
            sockets,
            dropped,
            ..
        } = trace;
        if let Some(command) = untraced_command(outcome, epoch_micros, &run.sandbox.project_dir) {
            processes.insert(0, command);
        }
        merge_dropped(&mut run.dropped, dropped);
        add_processes(run, outcome, status, processes, epoch_micros);
        traced.files.extend(files);
        traced.sockets.extend(sockets);
    }
    traced
}

/// A phase's processes, each marked when it outlived the phase's command: still
/// running when the linger period after the command ran out (killed by dsca's
/// clean-up, or never seen to end), or ending more than the grace period after it.
fn add_processes(
    run: &mut DynamicAnalysis,
    outcome: &PhaseOutcome,
    status: PhaseStatus,
    processes: Vec<TracedProcess>,
    epoch_micros: u64,
) {
    let completed = outcome.command_end_micros.is_some() && status == PhaseStatus::Completed;
    let killed_at = completed
        .then_some(outcome.cleanup_kill_micros)
        .flatten()
        .map(|micros| micros_to_ms(micros, epoch_micros));
    let outlived_from = completed
        .then_some(outcome.command_end_micros)
        .flatten()
        .map(|micros| micros_to_ms(micros, epoch_micros) + outcome.grace_ms);
    for process in processes {
        let killed = match killed_at {
            Some(kill_ms) => match (&process.end, process.end_time_ms) {
                (None, _) => true,
                (Some(end), Some(end_ms)) => end.contains("SIGKILL") && end_ms + 50 >= kill_ms,
                (Some(_), None) => false,
            },
            None => false,
        };
        let ran_past_grace = outlived_from
            .zip(process.end_time_ms)
            .is_some_and(|(from, end_ms)| end_ms >= from);
        run.processes.push(Process {
            pid: process.pid,
            ppid: process.ppid,
            phase: outcome.name.clone(),
            execs: process.execs,
            cwd: process.cwd,
            end: process.end,
            outlived: killed || ran_past_grace,
        });
    }
}

/// The file events worth reporting (bounded), the bait files read, and when the
/// execute phase's calls began.
fn keep_files(run: &mut DynamicAnalysis, files: Vec<FileEvent>, honey: &Honeytokens) {
    let executed: BTreeSet<String> = run
        .processes
        .iter()
        .flat_map(|p| p.execs.iter().map(|e| e.path.clone()))
        .collect();
    let node_modules = format!("{}/node_modules/", run.sandbox.project_dir);
    let npm_home = format!("{}/.npm/", run.sandbox.home);
    let mut kept = 0usize;
    let mut dropped_files = 0u64;
    // The execute phase's script opens CALLS_MARKER between loading the package and its
    // first call. The last time counts: a package that opens the path itself can only
    // move its own doing into the load's part.
    let mut calls_began = None;
    for event in files {
        if event.path == CALLS_MARKER {
            if event.phase == EXECUTE_PHASE {
                calls_began = calls_began.max(Some(event.time_ms));
            }
            continue;
        }
        if let Some(bait) = honey.bait_file(&event.path)
            && event.op == FileOp::Read
            && event.error.is_none()
        {
            run.honeytokens.reads.push(HoneytokenRead {
                phase: event.phase.clone(),
                path: bait,
                pid: event.pid,
                process: last_program(&run.processes, event.pid),
                time_ms: event.time_ms,
            });
        }
        if !worth_keeping(&event, &node_modules, &npm_home, &executed)
            || !attempt_worth_keeping(&event, &run.sandbox)
        {
            continue;
        }
        if kept >= MAX_FILE_EVENTS {
            dropped_files += 1;
            continue;
        }
        kept += 1;
        run.files.push(event);
    }
    if let Some(execute) = run.phases.iter_mut().find(|p| p.name == EXECUTE_PHASE) {
        execute.calls_began_ms = calls_began;
    }
    if dropped_files > 0 {
        merge_dropped(
            &mut run.dropped,
            vec![DroppedEvents {
                table: "files".to_string(),
                count: dropped_files,
            }],
        );
    }
}

/// The phase a network event at `time_ms` belongs to: the last one started by then.
fn phase_at(starts: &[(String, u64)], time_ms: u64) -> String {
    starts
        .iter()
        .rev()
        .find(|(_, start)| *start <= time_ms)
        .or(starts.first())
        .map(|(name, _)| name.clone())
        .unwrap_or_default()
}

/// The sinks' records with their processes (from the traced socket calls) and phases.
fn attribute_network(run: &mut DynamicAnalysis, sockets: &[SocketEvent], starts: &[(String, u64)]) {
    attribute_dns(&mut run.dns, sockets);
    attribute_connections(run, sockets);
    add_datagrams(run, sockets);
    run.domains_outside_registry = domains_outside_registry(run);
    for query in &mut run.dns {
        query.phase = phase_at(starts, query.time_ms);
    }
    for connection in &mut run.connections {
        connection.phase = phase_at(starts, connection.time_ms);
    }
    for request in &mut run.http {
        request.phase = phase_at(starts, request.time_ms);
    }
    attribute_requests(run);
}

/// Every bait value found in what left a process, by every channel it could leave by:
/// DNS names, HTTP(S) requests, raw TCP, UDP and WebSocket payloads, datagrams the
/// tracer saw; one per token, channel and destination.
fn exfiltrations(
    run: &DynamicAnalysis,
    honey: &Honeytokens,
    payloads: &[crate::net::Payload],
    sockets: &[SocketEvent],
    starts: &[(String, u64)],
) -> Vec<Exfiltration> {
    let mut found = Vec::new();
    let sent_by = |mut exfiltrations: Vec<Exfiltration>, pid: Option<u32>| {
        for exfiltration in &mut exfiltrations {
            exfiltration.phase = phase_at(starts, exfiltration.time_ms);
            exfiltration.pid = pid;
        }
        exfiltrations
    };
    for query in &run.dns {
        found.extend(sent_by(
            honey.find_exfiltration("dns", &query.name, query.name.as_bytes(), query.time_ms),
            query.pid,
        ));
    }
    let registry_hosts = &run.sandbox.registry_hosts;
    for request in &run.http {
        let to_registry = request.registry || registry_hosts.contains(&request.host);
        let mut bytes = format!("{} {}\n", request.method, request.url).into_bytes();
        for (name, value) in &request.headers {
            // npm sends the planted ~/.npmrc token to the registry itself: that is the
            // token's purpose, not an exfiltration.
            if to_registry && name.eq_ignore_ascii_case("authorization") {
                continue;
            }
            bytes.extend_from_slice(format!("{name}: {value}\n").as_bytes());
        }
        bytes.extend_from_slice(request.body.as_bytes());
        let channel = if request.url.starts_with("https:") {
            "https"
        } else {
            "http"
        };
        found.extend(sent_by(
            honey.find_exfiltration(channel, &request.url, &bytes, request.time_ms),
            request.pid,
        ));
    }
    for payload in payloads {
        // HTTP payloads are the requests above; a WebSocket's messages come after its
        // request, unmasked.
        if matches!(payload.channel.as_str(), "tcp" | "udp" | "websocket") {
            let pid = carrier_pid(&run.connections, &payload.destination, payload.time_ms);
            found.extend(sent_by(
                honey.find_exfiltration(
                    &payload.channel,
                    &payload.destination,
                    &payload.bytes,
                    payload.time_ms,
                ),
                pid,
            ));
        }
    }
    for event in sockets {
        if event.data.is_empty() || event.port == Some(53) {
            continue;
        }
        let destination = match event.port {
            Some(port) => format!("{}:{port}", event.address),
            None => event.address.clone(),
        };
        found.extend(sent_by(
            honey.find_exfiltration("udp", &destination, &event.data, event.time_ms),
            Some(event.pid),
        ));
    }
    let mut seen = BTreeSet::new();
    found.retain(|e| seen.insert((e.token.clone(), e.channel.clone(), e.destination.clone())));
    found
}

fn merge_dropped(into: &mut Vec<DroppedEvents>, more: Vec<DroppedEvents>) {
    for entry in more {
        match into.iter_mut().find(|e| e.table == entry.table) {
            Some(existing) => existing.count += entry.count,
            None => into.push(entry),
        }
    }
}

fn last_lines(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn last_program(processes: &[Process], pid: u32) -> String {
    processes
        .iter()
        .rev()
        .find(|p| p.pid == pid)
        .and_then(|p| p.execs.last())
        .map(|exec| exec.argv.join(" "))
        .unwrap_or_default()
}

/// npm extracts thousands of files into node_modules and its cache: those are kept
/// only when something later runs them or makes them executable. Reads of system files
/// are the runtime at work.
fn worth_keeping(
    event: &FileEvent,
    node_modules: &str,
    npm_home: &str,
    executed: &BTreeSet<String>,
) -> bool {
    let path = event.path.as_str();
    if path.starts_with(npm_home) {
        return false;
    }
    if event.op == FileOp::Read {
        if QUIET_READ_PREFIXES.iter().any(|p| path.starts_with(p)) {
            return false;
        }
        if path.starts_with("/etc/") {
            return NOTABLE_ETC.contains(&path);
        }
        if path.starts_with(node_modules) {
            return false;
        }
        return true;
    }
    if path.starts_with("/dev/") || path.starts_with("/proc/self/") {
        return false;
    }
    if path.starts_with(node_modules) {
        return event.op == FileOp::MakeExecutable || executed.contains(path);
    }
    true
}

/// A failed call is kept when it was a change (a write refused by the read-only system
/// is still an attempt to write there), or a read of something in the home directory
/// outside the project (looking for a credential file that is not there) or of a notable
/// system file. Failed reads elsewhere are module resolution and configuration look-ups.
fn attempt_worth_keeping(event: &FileEvent, sandbox: &SandboxInfo) -> bool {
    if event.error.is_none() || event.op != FileOp::Read {
        return true;
    }
    let path = event.path.as_str();
    if NOTABLE_ETC.contains(&path) {
        return true;
    }
    let home = dsca_model::dynamic::normalise_dir(&sandbox.home);
    let project = dsca_model::dynamic::normalise_dir(&sandbox.project_dir);
    dsca_model::dynamic::path_within(path, &home)
        && path != home
        && !dsca_model::dynamic::path_within(path, &project)
        && !path.ends_with("/package.json")
        && !path.contains("/node_modules/")
}

fn domains_outside_registry(run: &DynamicAnalysis) -> Vec<String> {
    let registry = &run.sandbox.registry_hosts;
    let mut domains: BTreeSet<String> = BTreeSet::new();
    domains.extend(
        run.dns
            .iter()
            .filter(|q| !q.registry)
            .map(|q| q.name.clone()),
    );
    domains.extend(run.connections.iter().filter_map(|c| c.sni.clone()));
    domains.extend(
        run.http
            .iter()
            .filter(|r| !r.registry)
            .map(|r| host_without_port(&r.host)),
    );
    domains.retain(|d| {
        !d.is_empty() && !registry.contains(d) && d.parse::<std::net::IpAddr>().is_err()
    });
    domains.into_iter().collect()
}

/// `example.com:8080` -> `example.com` (IPv6 literals keep their colons).
fn host_without_port(host: &str) -> String {
    match host.rsplit_once(':') {
        Some((name, port))
            if !name.contains(':')
                && !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            name.to_ascii_lowercase()
        }
        _ => host.to_ascii_lowercase(),
    }
}

/// UDP outside DNS has no sink: the tracer's sends name where each datagram went.
/// One entry per process and destination, with the first bytes of the first datagram.
fn add_datagrams(run: &mut DynamicAnalysis, sockets: &[SocketEvent]) {
    let mut seen = BTreeSet::new();
    for event in sockets {
        let Some(port) = event.port else { continue };
        let sends = matches!(event.syscall.as_str(), "sendto" | "sendmsg" | "sendmmsg");
        let inet = matches!(event.family.as_str(), "inet" | "inet6");
        let loopback = event
            .address
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
        if !sends || !inet || port == 53 || loopback || event.data.is_empty() {
            continue;
        }
        // A send on a connected TCP socket also names its peer: the sink has those.
        let tcp = run
            .connections
            .iter()
            .any(|c| c.destination == event.address && c.port == port);
        if tcp || !seen.insert((event.pid, event.address.clone(), port)) {
            continue;
        }
        let preview = &event.data[..event.data.len().min(64)];
        run.connections.push(Connection {
            phase: String::new(),
            protocol: "udp".to_string(),
            destination: event.address.clone(),
            port,
            name: None,
            time_ms: event.time_ms,
            pid: Some(event.pid),
            kind: "raw".to_string(),
            sni: None,
            first_bytes: preview
                .iter()
                .flat_map(|b| std::ascii::escape_default(*b))
                .map(char::from)
                .collect(),
            bytes_received: event.data.len() as u64,
        });
    }
}

/// The execute phase ran with its clock moved (see `supervisor::execute_script`): what
/// it did before the calls marker is the time-bomb pass and becomes the import-later
/// phase; the calls after it stay the execute phase. Without a marker the load never
/// finished (it hung, or the package ended the process): all of it is the pass, and
/// nothing was called. The script's own process stays with the calls, whose children
/// hang under it; the processes the load started (and theirs) stay the load's, and so
/// does all they do after the mark. Returns their pids, for the network's records.
fn split_time_bomb_pass(
    run: &mut DynamicAnalysis,
    files: &mut [FileEvent],
    starts: &mut Vec<(String, u64)>,
) -> BTreeSet<u32> {
    let Some(index) = run.phases.iter().position(|p| p.name == EXECUTE_PHASE) else {
        return BTreeSet::new();
    };
    let Some(start) = starts.iter().position(|(name, _)| name == EXECUTE_PHASE) else {
        return BTreeSet::new();
    };
    let start_ms = starts[start].1;
    // The last opening counts, as for `calls_began_ms`.
    let marker = files
        .iter()
        .filter(|e| e.path == CALLS_MARKER && e.phase == EXECUTE_PHASE)
        .map(|e| e.time_ms)
        .max();
    let before = |time_ms: u64| marker.is_none_or(|marker| time_ms < marker);
    // What the load started is the load's, with all it starts in turn, whenever it acts:
    // a detached child the load left running must not pass for a call's doing.
    let command = run.phases[index].command.clone();
    let mut later_pids: BTreeSet<u32> = BTreeSet::new();
    loop {
        let mut moved = false;
        for process in run
            .processes
            .iter_mut()
            .filter(|p| p.phase == EXECUTE_PHASE)
        {
            let script = process.execs.iter().any(|exec| exec.argv == command);
            let started_by_load = match process.execs.first() {
                Some(exec) => before(exec.time_ms),
                None => marker.is_none(),
            };
            let parent_is_load = process.ppid.is_some_and(|ppid| later_pids.contains(&ppid));
            if (!script || marker.is_none()) && (started_by_load || parent_is_load) {
                process.phase = LATER_PHASE.to_string();
                later_pids.insert(process.pid);
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    for event in files.iter_mut().filter(|e| {
        e.phase == EXECUTE_PHASE
            && e.path != CALLS_MARKER
            && (before(e.time_ms) || later_pids.contains(&e.pid))
    }) {
        event.phase = LATER_PHASE.to_string();
    }
    starts[start].0 = LATER_PHASE.to_string();
    let execute = run.phases.remove(index);
    let Some(marker) = marker else {
        run.phases.insert(
            index,
            PhaseResult {
                name: LATER_PHASE.to_string(),
                ..execute
            },
        );
        run.sandbox.skipped_phases.push(format!(
            "{EXECUTE_PHASE}: nothing called, the load with the clock moved did not finish"
        ));
        return later_pids;
    };
    starts.insert(start + 1, (EXECUTE_PHASE.to_string(), marker));
    let load_ms = marker.saturating_sub(start_ms).min(execute.duration_ms);
    let (load_stdout, calls_stdout) = split_at_calls(&execute.stdout_tail);
    let (load_stderr, calls_stderr) = split_at_calls(&execute.stderr_tail);
    run.phases.insert(
        index,
        PhaseResult {
            name: LATER_PHASE.to_string(),
            // The process that ran it: the pass has no exit of its own.
            status: PhaseStatus::Completed,
            duration_ms: load_ms,
            busy_ms_at_timeout: None,
            calls_began_ms: None,
            stdout_tail: load_stdout,
            stderr_tail: load_stderr,
            error: None,
            ..execute.clone()
        },
    );
    run.phases.insert(
        index + 1,
        PhaseResult {
            duration_ms: execute.duration_ms - load_ms,
            stdout_tail: calls_stdout,
            stderr_tail: calls_stderr,
            ..execute
        },
    );
    later_pids
}

/// An execute phase's output before and after the script's [`CALLS_BEGIN_LINE`] (all
/// of it the calls' when the line fell out of the tail).
fn split_at_calls(tail: &str) -> (String, String) {
    let mut lines = tail.lines();
    let load: Vec<&str> = lines
        .by_ref()
        .take_while(|line| *line != CALLS_BEGIN_LINE)
        .collect();
    let calls: Vec<&str> = lines.collect();
    if calls.is_empty() && load.len() == tail.lines().count() {
        return (String::new(), tail.to_string());
    }
    (load.join("\n"), calls.join("\n"))
}

/// An HTTP(S) request belongs to the process of the connection that carried it: the
/// last one to its destination the sink accepted before the request.
fn attribute_requests(run: &mut DynamicAnalysis) {
    for request in &mut run.http {
        request.pid = carrier_pid(&run.connections, &request.destination, request.time_ms);
    }
}

/// The process of the last connection to `destination` (`address:port`, as the sink
/// writes it) accepted at or before `time_ms`.
fn carrier_pid(connections: &[Connection], destination: &str, time_ms: u64) -> Option<u32> {
    let destination: std::net::SocketAddr = destination.parse().ok()?;
    connections
        .iter()
        .filter(|c| {
            c.destination
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| std::net::SocketAddr::new(ip, c.port) == destination)
        })
        .filter(|c| c.time_ms <= time_ms)
        .max_by_key(|c| c.time_ms)
        .and_then(|c| c.pid)
}

/// A DNS question belongs to the process that last sent to port 53 before it arrived.
fn attribute_dns(dns: &mut [DnsQuery], sockets: &[SocketEvent]) {
    let senders: Vec<&SocketEvent> = sockets.iter().filter(|s| s.port == Some(53)).collect();
    for query in dns.iter_mut() {
        query.pid = senders
            .iter()
            .filter(|s| s.time_ms <= query.time_ms + 5)
            .max_by_key(|s| s.time_ms)
            .map(|s| s.pid);
    }
}

/// A connection belongs to the process whose connect() named its destination last
/// before the sink accepted it.
fn attribute_connections(run: &mut DynamicAnalysis, sockets: &[SocketEvent]) {
    let mut by_destination: BTreeMap<(String, u16), Vec<&SocketEvent>> = BTreeMap::new();
    for socket in sockets {
        if let Some(port) = socket.port {
            by_destination
                .entry((socket.address.clone(), port))
                .or_default()
                .push(socket);
        }
    }
    for connection in &mut run.connections {
        let key = (connection.destination.clone(), connection.port);
        connection.pid = by_destination.get(&key).and_then(|events| {
            events
                .iter()
                .filter(|s| s.time_ms <= connection.time_ms + 5)
                .max_by_key(|s| s.time_ms)
                .or_else(|| events.first())
                .map(|s| s.pid)
        });
    }
}

/// The phase's logs (its traced command's, then one per script the script shell ran),
/// read one by one and put together. A script's first process hangs under the process
/// that asked for it (npm).
fn parse_segments(
    blob: &[u8],
    outcome: &PhaseOutcome,
    epoch_micros: u64,
    project_dir: &str,
) -> Result<Trace, trace::TraceError> {
    let mut whole = Trace::default();
    let mut rest = blob;
    let mut segments = outcome.segments.clone();
    if segments.is_empty() {
        // One log: the phase's command, traced from its start.
        segments.push(TraceSegment {
            bytes: blob.len() as u64,
            ..TraceSegment::default()
        });
    }
    for segment in &segments {
        let length = usize::try_from(segment.bytes)
            .unwrap_or(usize::MAX)
            .min(rest.len());
        let (log, after) = rest.split_at(length);
        rest = after;
        let cwd = segment.cwd.as_deref().unwrap_or(project_dir);
        let mut part = trace::parse(
            log,
            epoch_micros,
            cwd,
            &outcome.name,
            &TraceLimits::default(),
        )?;
        if let Some(root) = segment.root_pid {
            for process in &mut part.processes {
                if process.pid == root {
                    process.ppid = segment.parent_pid;
                }
            }
        }
        whole.processes.extend(part.processes);
        whole.files.extend(part.files);
        whole.sockets.extend(part.sockets);
        merge_dropped(&mut whole.dropped, part.dropped);
        whole.skipped_lines += part.skipped_lines;
        whole.truncated |= part.truncated;
    }
    Ok(whole)
}

/// The phase's command when it ran untraced (npm, whose scripts were traced one by
/// one): a process of the tree all the same, with the command line dsca gave it.
fn untraced_command(
    outcome: &PhaseOutcome,
    epoch_micros: u64,
    project_dir: &str,
) -> Option<TracedProcess> {
    // A traced command's log is the phase's first segment, the one without a root.
    if outcome
        .segments
        .iter()
        .any(|segment| segment.root_pid.is_none())
    {
        return None;
    }
    let pid = outcome.command_pid?;
    Some(TracedProcess {
        pid,
        ppid: None,
        execs: vec![Exec {
            path: outcome.argv.first().cloned().unwrap_or_default(),
            argv: outcome.argv.clone(),
            time_ms: micros_to_ms(outcome.started_micros, epoch_micros),
        }],
        cwd: Some(project_dir.to_string()),
        end: match (outcome.exit_code, outcome.command_end_micros) {
            (Some(code), _) => Some(format!("exited {code}")),
            // Ended, but not by exiting: a signal (the phase's error says which).
            (None, Some(_)) => Some("killed by a signal".to_string()),
            (None, None) => None,
        },
        end_time_ms: outcome
            .command_end_micros
            .map(|micros| micros_to_ms(micros, epoch_micros)),
    })
}

/// Every answer the sinks gave as a controller would, and whether the package ran it:
/// `mark` (the run's word) in a command started after the answer, or sent back over the
/// probed connection. A script probe runs `/bin/echo <mark>`; a command probe is the
/// shell's `echo <mark>`, run by whatever the package hands it to.
pub fn probes(run: &DynamicAnalysis, mark: &str) -> Vec<Probe> {
    let runs_mark = |since: u64, script: bool| -> Vec<String> {
        run.processes
            .iter()
            .flat_map(|process| process.execs.iter().map(move |exec| (process.pid, exec)))
            .filter(|(_, exec)| exec.time_ms >= since && exec.argv.iter().any(|a| a.contains(mark)))
            .filter(|(_, exec)| {
                // The script probe calls echo by its absolute path; `echo <mark>` split
                // into words by a controller's client starts with the bare name.
                let scripted = exec.argv.first().is_some_and(|arg| arg == "/bin/echo");
                scripted == script
            })
            .map(|(pid, exec)| {
                format!(
                    "pid {pid} ran `{}`",
                    truncate_snippet(&exec.argv.join(" "), 160)
                )
            })
            .take(8)
            .collect()
    };
    let mut found = Vec::new();
    for connection in run
        .connections
        .iter()
        .filter(|c| c.kind == PROBED_CONNECTION)
    {
        let mut evidence = runs_mark(connection.time_ms, false);
        if connection.first_bytes.contains(mark) {
            evidence.push(format!(
                "sent back `{}`",
                truncate_snippet(&connection.first_bytes, 120)
            ));
        }
        found.push(Probe {
            phase: connection.phase.clone(),
            kind: "command".to_string(),
            to: format!("{}:{}", connection.destination, connection.port),
            sent: format!("echo {mark}"),
            time_ms: connection.time_ms,
            triggered: !evidence.is_empty(),
            evidence,
        });
    }
    for request in run.http.iter().filter(|r| r.probe) {
        let evidence = runs_mark(request.time_ms, true);
        let language = request
            .url
            .split(['?', '#'])
            .next()
            .and_then(|path| path.rsplit_once('.'))
            .map_or("a", |(_, extension)| extension);
        found.push(Probe {
            phase: request.phase.clone(),
            kind: "script".to_string(),
            to: request.url.clone(),
            sent: format!("a .{language} script running /bin/echo {mark}"),
            time_ms: request.time_ms,
            triggered: !evidence.is_empty(),
            evidence,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPOCH: u64 = 1_700_000_000_000_000;

    fn outcome(segments: Vec<TraceSegment>) -> PhaseOutcome {
        PhaseOutcome {
            name: "install".to_string(),
            argv: vec!["npm".to_string(), "install".to_string(), "x".to_string()],
            status: "completed".to_string(),
            exit_code: Some(0),
            started_micros: EPOCH + 5_000,
            duration_ms: 900,
            stdout_tail: String::new(),
            stderr_tail: String::new(),
            error: None,
            command_end_micros: Some(EPOCH + 900_000),
            cleanup_kill_micros: None,
            busy_ms_at_timeout: None,
            grace_ms: 2_000,
            command_pid: Some(2),
            trace_bytes: segments.iter().map(|s| s.bytes).sum(),
            segments,
            trace_truncated: false,
        }
    }

    fn script(pid: u32, file: &str) -> String {
        format!(
            "{pid} 1700000000.100000 execve(\"/bin/sh\", [\"/bin/sh\", \"-c\", \"node x.js\"], 0x1 /* 2 vars */) = 0\n\
             {pid} 1700000000.200000 openat(AT_FDCWD, \"{file}\", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)\n\
             {pid} 1700000000.300000 +++ exited with 0 +++\n"
        )
    }

    #[test]
    fn scripts_traced_one_by_one_hang_under_the_untraced_command() {
        let first = script(14, "first.txt");
        let second = script(20, "second.txt");
        let segment = |log: &str, pid: u32, cwd: &str| TraceSegment {
            bytes: log.len() as u64,
            root_pid: Some(pid),
            parent_pid: Some(2),
            cwd: Some(cwd.to_string()),
        };
        let phase = outcome(vec![
            segment(&first, 14, "/p/node_modules/a"),
            segment(&second, 20, "/p/node_modules/b"),
        ]);
        let blob = format!("{first}{second}");
        let trace = parse_segments(blob.as_bytes(), &phase, EPOCH, "/p").expect("parses");
        let parents: Vec<(u32, Option<u32>)> =
            trace.processes.iter().map(|p| (p.pid, p.ppid)).collect();
        assert_eq!(parents, [(14, Some(2)), (20, Some(2))]);
        // A failed relative open resolves against its own script's directory.
        let paths: Vec<&str> = trace.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/p/node_modules/a/first.txt",
                "/p/node_modules/b/second.txt"
            ]
        );
        let npm = untraced_command(&phase, EPOCH, "/p").expect("npm is in the tree");
        assert_eq!((npm.pid, npm.ppid), (2, None));
        assert_eq!(npm.execs[0].argv, phase.argv);
        assert_eq!(npm.end.as_deref(), Some("exited 0"));
    }

    /// The execute phase of a run whose clock was moved: node loads the package (which
    /// reads a file and starts `curl`), the script opens the calls marker at 300 ms,
    /// and a call starts `git`.
    fn execute_with_time_bomb_pass(marker: bool) -> (DynamicAnalysis, Vec<FileEvent>) {
        let command: Vec<String> = ["node", "execute.mjs", "pkg"].map(String::from).into();
        let exec = |time_ms: u64, argv: Vec<String>| Exec {
            path: argv[0].clone(),
            argv,
            time_ms,
        };
        let process = |pid: u32, execs: Vec<Exec>| Process {
            pid,
            ppid: Some(1),
            phase: EXECUTE_PHASE.into(),
            execs,
            cwd: None,
            end: None,
            outlived: false,
        };
        let file = |path: &str, time_ms: u64| FileEvent {
            op: FileOp::Read,
            path: path.into(),
            target: None,
            error: None,
            pid: 5,
            phase: EXECUTE_PHASE.into(),
            time_ms,
        };
        let mut run = DynamicAnalysis::default();
        run.phases.push(PhaseResult {
            name: EXECUTE_PHASE.into(),
            command: command.clone(),
            status: PhaseStatus::Completed,
            exit_code: Some(0),
            duration_ms: 400,
            timeout_ms: 0,
            clock_offset_days: None,
            busy_ms_at_timeout: None,
            calls_began_ms: None,
            stdout_tail: format!("loading\n{CALLS_BEGIN_LINE}\ncalled pkg"),
            stderr_tail: String::new(),
            error: None,
        });
        let mut detached = process(8, vec![exec(500, vec!["sh".into()])]);
        detached.ppid = Some(6);
        run.processes = vec![
            process(5, vec![exec(100, command)]),
            process(6, vec![exec(250, vec!["curl".into()])]),
            process(7, vec![exec(350, vec!["git".into()])]),
            detached,
        ];
        let mut files = vec![file("/p/load.txt", 200), file("/p/call.txt", 400)];
        // The load's child, still at work after the calls began.
        files.push(FileEvent {
            pid: 6,
            ..file("/p/late.txt", 450)
        });
        if marker {
            files.push(file(CALLS_MARKER, 300));
        }
        (run, files)
    }

    #[test]
    fn the_load_of_an_execute_phase_with_its_clock_moved_is_the_time_bomb_pass() {
        let (mut run, mut files) = execute_with_time_bomb_pass(true);
        let mut starts = vec![("import".to_string(), 0), (EXECUTE_PHASE.to_string(), 100)];
        let load_pids = split_time_bomb_pass(&mut run, &mut files, &mut starts);
        assert_eq!(load_pids.into_iter().collect::<Vec<_>>(), [6, 8]);
        let phases: Vec<(&str, u64, PhaseStatus)> = run
            .phases
            .iter()
            .map(|p| (p.name.as_str(), p.duration_ms, p.status))
            .collect();
        assert_eq!(
            phases,
            [
                (LATER_PHASE, 200, PhaseStatus::Completed),
                (EXECUTE_PHASE, 200, PhaseStatus::Completed)
            ]
        );
        assert_eq!(run.phases[0].command, run.phases[1].command);
        assert_eq!(run.phases[0].stdout_tail, "loading");
        assert_eq!(run.phases[1].stdout_tail, "called pkg");
        assert_eq!(
            starts,
            [
                ("import".to_string(), 0),
                (LATER_PHASE.to_string(), 100),
                (EXECUTE_PHASE.to_string(), 300)
            ]
        );
        let of_files: Vec<(&str, &str)> = files
            .iter()
            .map(|f| (f.path.as_str(), f.phase.as_str()))
            .collect();
        assert_eq!(
            of_files,
            [
                ("/p/load.txt", LATER_PHASE),
                ("/p/call.txt", EXECUTE_PHASE),
                ("/p/late.txt", LATER_PHASE),
                (CALLS_MARKER, EXECUTE_PHASE)
            ]
        );
        // The script stays with the calls (their children hang under it).
        let of_processes: Vec<(u32, &str)> = run
            .processes
            .iter()
            .map(|p| (p.pid, p.phase.as_str()))
            .collect();
        assert_eq!(
            of_processes,
            [
                (5, EXECUTE_PHASE),
                (6, LATER_PHASE),
                (7, EXECUTE_PHASE),
                (8, LATER_PHASE)
            ]
        );
        assert!(run.sandbox.skipped_phases.is_empty());
    }

    #[test]
    fn a_load_that_never_finished_is_all_time_bomb_pass_and_nothing_was_called() {
        let (mut run, mut files) = execute_with_time_bomb_pass(false);
        run.phases[0].status = PhaseStatus::Timeout;
        let mut starts = vec![(EXECUTE_PHASE.to_string(), 100)];
        split_time_bomb_pass(&mut run, &mut files, &mut starts);
        assert_eq!(run.phases.len(), 1);
        assert_eq!(run.phases[0].name, LATER_PHASE);
        assert_eq!(run.phases[0].status, PhaseStatus::Timeout);
        assert_eq!(starts, [(LATER_PHASE.to_string(), 100)]);
        assert!(run.processes.iter().all(|p| p.phase == LATER_PHASE));
        assert!(files.iter().all(|f| f.phase == LATER_PHASE));
        assert!(run.sandbox.skipped_phases[0].starts_with("execute: nothing called"));
    }

    #[test]
    fn a_traced_command_is_its_own_first_process() {
        let log = script(2, "x.txt");
        let phase = outcome(vec![TraceSegment {
            bytes: log.len() as u64,
            ..TraceSegment::default()
        }]);
        assert!(untraced_command(&phase, EPOCH, "/p").is_none());
        let trace = parse_segments(log.as_bytes(), &phase, EPOCH, "/p").expect("parses");
        assert_eq!(trace.processes.len(), 1);
        assert_eq!(trace.files[0].path, "/p/x.txt");
    }

    #[test]
    fn probes_say_what_was_sent_and_whether_it_ran() {
        const MARK: &str = "dsca-probe-00112233aabbccdd";
        let exec = |time_ms: u64, argv: &[&str]| dsca_model::dynamic::Exec {
            path: argv[0].to_string(),
            argv: argv.iter().map(|a| a.to_string()).collect(),
            time_ms,
        };
        let mut run = DynamicAnalysis::default();
        run.connections.push(Connection {
            phase: "import".into(),
            protocol: "tcp".into(),
            destination: "203.0.113.9".into(),
            port: 4444,
            name: None,
            time_ms: 100,
            pid: Some(7),
            kind: PROBED_CONNECTION.into(),
            sni: None,
            first_bytes: String::new(),
            bytes_received: 0,
        });
        run.http.push(dsca_model::dynamic::HttpRequest {
            phase: "install".into(),
            url: "http://stage.example/setup.sh?v=2".into(),
            method: "GET".into(),
            host: "stage.example".into(),
            headers: Vec::new(),
            body: String::new(),
            body_bytes: 0,
            time_ms: 50,
            destination: "192.0.2.1:80".into(),
            pid: None,
            registry: false,
            status: 200,
            probe: true,
            fetched: None,
        });
        run.processes.push(Process {
            pid: 9,
            ppid: Some(7),
            phase: "import".into(),
            execs: vec![
                // Before the connection: not the probe's doing.
                exec(90, &["/bin/sh", "-c", &format!("echo {MARK}")]),
                exec(120, &["/bin/sh", "-c", &format!("echo {MARK}\n")]),
            ],
            cwd: None,
            end: None,
            outlived: false,
        });
        let found = probes(&run, MARK);
        assert_eq!(found.len(), 2, "{found:#?}");
        let command = &found[0];
        assert_eq!(
            (
                command.kind.as_str(),
                command.to.as_str(),
                command.phase.as_str()
            ),
            ("command", "203.0.113.9:4444", "import")
        );
        assert!(command.triggered);
        assert_eq!(command.evidence.len(), 1, "{:?}", command.evidence);
        assert!(command.evidence[0].starts_with("pid 9 ran"));
        // The script was downloaded but its /bin/echo never ran.
        let script = &found[1];
        assert_eq!(script.kind, "script");
        assert!(script.sent.starts_with("a .sh script"), "{}", script.sent);
        assert!(!script.triggered);

        // Echoed back over the connection (a shell fed the socket) counts too, and the
        // script's own /bin/echo is the script's, not the controller's.
        run.processes.clear();
        run.connections[0].first_bytes = format!("{MARK}\\n");
        run.processes.push(Process {
            pid: 11,
            ppid: None,
            phase: "install".into(),
            execs: vec![exec(60, &["/bin/echo", MARK])],
            cwd: None,
            end: None,
            outlived: false,
        });
        let found = probes(&run, MARK);
        assert!(found[0].triggered && found[0].evidence[0].starts_with("sent back"));
        assert!(found[1].triggered && found[1].evidence[0].starts_with("pid 11 ran"));
    }
}
