//! One record of a run from its three witnesses: the sinks (network), the tracer
//! (processes, files, sockets) and the bait (honeytokens). Here processes get their
//! names for DNS questions and connections, file noise from npm's own work is left out,
//! and every outbound byte is searched for the bait values.

use crate::honey::Honeytokens;
use crate::net::NetRecord;
use crate::protocol::PhaseOutcome;
use crate::trace::{self, SocketEvent, Trace, TraceLimits};
use dsca_model::dynamic::{
    Connection, DnsQuery, DroppedEvents, DynamicAnalysis, Exfiltration, FileEvent, FileOp,
    HoneytokenRead, PhaseResult, PhaseStatus, Process, SandboxInfo,
};
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

pub fn assemble(
    info: SandboxInfo,
    phases: Vec<PhaseRecord>,
    net: NetRecord,
    honey: &Honeytokens,
    epoch_micros: u64,
) -> DynamicAnalysis {
    let mut run = DynamicAnalysis {
        sandbox: info,
        ..DynamicAnalysis::default()
    };
    run.honeytokens.planted = honey.planted();
    let mut sockets: Vec<SocketEvent> = Vec::new();
    // (name, start ms) of each phase, to tell which one a network event belongs to.
    let starts: Vec<(String, u64)> = phases
        .iter()
        .map(|p| {
            (
                p.outcome.name.clone(),
                micros_to_ms(p.outcome.started_micros, epoch_micros),
            )
        })
        .collect();
    let mut all_files: Vec<FileEvent> = Vec::new();
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
            stdout_tail: last_lines(&outcome.stdout_tail, 20),
            stderr_tail: last_lines(&outcome.stderr_tail, 20),
            error: outcome.error.clone().or_else(|| {
                outcome
                    .trace_truncated
                    .then(|| "the trace was longer than the limit and was cut".to_string())
            }),
        });
        let trace = match trace::parse(
            record.trace.as_slice(),
            epoch_micros,
            &run.sandbox.project_dir,
            &outcome.name,
            &TraceLimits::default(),
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
            processes,
            files,
            sockets: phase_sockets,
            dropped,
            ..
        } = trace;
        merge_dropped(&mut run.dropped, dropped);
        // Still running when the grace period after the command ran out: killed by
        // dsca's clean-up, or never seen to end.
        let outlived_after = (outcome.command_end_micros.is_some()
            && status == PhaseStatus::Completed)
            .then_some(outcome.cleanup_kill_micros)
            .flatten()
            .map(|micros| micros_to_ms(micros, epoch_micros));
        for process in processes {
            let outlived = match outlived_after {
                Some(kill_ms) => match (&process.end, process.end_time_ms) {
                    (None, _) => true,
                    (Some(end), Some(end_ms)) => end.contains("SIGKILL") && end_ms + 50 >= kill_ms,
                    (Some(_), None) => false,
                },
                None => false,
            };
            run.processes.push(Process {
                pid: process.pid,
                ppid: process.ppid,
                phase: outcome.name.clone(),
                execs: process.execs,
                cwd: process.cwd,
                end: process.end,
                outlived,
            });
        }
        all_files.extend(files);
        sockets.extend(phase_sockets);
    }

    let executed: BTreeSet<String> = run
        .processes
        .iter()
        .flat_map(|p| p.execs.iter().map(|e| e.path.clone()))
        .collect();
    let node_modules = format!("{}/node_modules/", run.sandbox.project_dir);
    let npm_home = format!("{}/.npm/", run.sandbox.home);
    let mut kept = 0usize;
    let mut dropped_files = 0u64;
    for event in all_files {
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
    if dropped_files > 0 {
        merge_dropped(
            &mut run.dropped,
            vec![DroppedEvents {
                table: "files".to_string(),
                count: dropped_files,
            }],
        );
    }

    run.dns = net.dns;
    run.connections = net.connections;
    run.http = net.http;
    merge_dropped(&mut run.dropped, net.dropped);
    attribute_dns(&mut run.dns, &sockets);
    attribute_connections(&mut run, &sockets);
    add_datagrams(&mut run, &sockets);
    run.domains_outside_registry = domains_outside_registry(&run);
    let phase_at = |time_ms: u64| {
        starts
            .iter()
            .rev()
            .find(|(_, start)| *start <= time_ms)
            .or(starts.first())
            .map(|(name, _)| name.clone())
            .unwrap_or_default()
    };
    for query in &mut run.dns {
        query.phase = phase_at(query.time_ms);
    }
    for connection in &mut run.connections {
        connection.phase = phase_at(connection.time_ms);
    }
    for request in &mut run.http {
        request.phase = phase_at(request.time_ms);
    }
    attribute_requests(&mut run);

    // Exfiltration: every channel a bait value could leave by.
    let mut found = Vec::new();
    let sent_by = |mut exfiltrations: Vec<Exfiltration>, pid: Option<u32>| {
        for exfiltration in &mut exfiltrations {
            exfiltration.phase = phase_at(exfiltration.time_ms);
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
    for payload in &net.payloads {
        if payload.channel == "tcp" || payload.channel == "udp" {
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
    for event in &sockets {
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
    run.honeytokens.exfiltrations = found;
    run
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
