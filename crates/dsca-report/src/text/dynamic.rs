//! The "Dynamic analysis" section of the text report: what the package did in the
//! sandbox. Almost everything here is package-controlled (names it looked up, URLs,
//! argv, paths, output), so every string goes through `clean`, and every list is cut
//! to a few lines unless the output is verbose.

use super::{Printer, clean, truncate};
use dsca_model::dynamic::{DynamicAnalysis, PhaseStatus, Process};
use owo_colors::Style;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

/// Lines shown per list unless verbose.
const LIST_CAP: usize = 10;
/// Processes shown in the tree unless verbose.
const PROCESS_CAP: usize = 40;
/// Characters of a URL, command line or path unless verbose.
const TEXT_CAP: usize = 160;
/// Last lines of a failed phase's error output.
const STDERR_LINES: usize = 5;
/// Tree indentation stops growing here (a hostile tree can be arbitrarily deep).
const MAX_INDENT: usize = 12;

impl Printer {
    pub(super) fn dynamic(&self, buf: &mut String, run: &DynamicAnalysis) {
        buf.push('\n');
        let _ = writeln!(
            buf,
            "{}",
            self.paint("Dynamic analysis", Style::new().bold())
        );
        self.sandbox_line(buf, run);
        self.phases(buf, run);
        self.timeline(buf, run);
        self.dns(buf, run);
        self.connections(buf, run);
        self.requests(buf, run);
        self.probes(buf, run);
        self.process_tree(buf, run);
        self.file_changes(buf, run);
        self.honeytokens(buf, run);
        if !run.dropped.is_empty() {
            let dropped: Vec<String> = run
                .dropped
                .iter()
                .map(|d| format!("{} {}", d.count, clean(&d.table)))
                .collect();
            let _ = writeln!(
                buf,
                "  dropped at the limits (the record is incomplete): {}",
                dropped.join(", ")
            );
        }
    }

    fn cap(&self, cap: usize) -> usize {
        if self.options.verbose {
            usize::MAX
        } else {
            cap
        }
    }

    fn short(&self, text: &str) -> String {
        clean(&truncate(text, self.cap(TEXT_CAP))).into_owned()
    }

    fn heading(&self, buf: &mut String, text: &str) {
        let _ = writeln!(buf, "  {}", self.paint(text, Style::new().bold()));
    }

    fn more(&self, buf: &mut String, shown: usize, total: usize) {
        if total > shown {
            let _ = writeln!(
                buf,
                "    … and {} more (use verbose output to see all)",
                total - shown
            );
        }
    }

    fn sandbox_line(&self, buf: &mut String, run: &DynamicAnalysis) {
        let sandbox = &run.sandbox;
        let namespaces: Vec<String> = sandbox.namespaces.iter().map(|n| self.short(n)).collect();
        let mut line = format!(
            "  sandbox: {} namespaces, host `{}`, user `{}`",
            if namespaces.is_empty() {
                "no".to_string()
            } else {
                namespaces.join(", ")
            },
            self.short(&sandbox.hostname),
            self.short(&sandbox.user)
        );
        if !sandbox.timezone.is_empty() {
            line.push_str(&format!(", time zone {}", self.short(&sandbox.timezone)));
        }
        if !sandbox.tracer.is_empty() {
            line.push_str(&format!(", traced with {}", self.short(&sandbox.tracer)));
        }
        let _ = writeln!(buf, "{line}");
        if !run.domains_outside_registry.is_empty() {
            let shown = self.cap(10).min(run.domains_outside_registry.len());
            let names: Vec<String> = run.domains_outside_registry[..shown]
                .iter()
                .map(|d| self.short(d))
                .collect();
            let rest = run.domains_outside_registry.len() - shown;
            let _ = writeln!(
                buf,
                "  domains outside the registry: {}{}",
                names.join(", "),
                if rest > 0 {
                    format!(" and {rest} more")
                } else {
                    String::new()
                }
            );
        }
    }

    fn phases(&self, buf: &mut String, run: &DynamicAnalysis) {
        for phase in &run.phases {
            let status = match phase.status {
                PhaseStatus::Completed => self.paint("completed", Style::new().green()),
                PhaseStatus::Timeout => self.paint("timed out", Style::new().yellow().bold()),
                PhaseStatus::Error => self.paint("error", Style::new().red().bold()),
            };
            let mut line = format!("  phase {}: {status}", self.short(&phase.name));
            if let Some(code) = phase.exit_code {
                line.push_str(&format!(", exit {code}"));
            }
            line.push_str(&format!(", {}", seconds(phase.duration_ms)));
            if let Some(days) = phase.clock_offset_days {
                line.push_str(&format!(", clock {days} days ahead"));
            }
            if !phase.command.is_empty() {
                line.push_str(&format!(" (`{}`)", self.short(&phase.command.join(" "))));
            }
            let _ = writeln!(buf, "{line}");
            if let Some(error) = &phase.error {
                let _ = writeln!(buf, "    {}", self.short(error));
            }
            let failed =
                phase.status != PhaseStatus::Completed || phase.exit_code.is_some_and(|c| c != 0);
            if failed {
                let lines: Vec<&str> = phase
                    .stderr_tail
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .collect();
                let from = lines.len().saturating_sub(self.cap(STDERR_LINES));
                for line in lines.iter().skip(from) {
                    let _ = writeln!(
                        buf,
                        "    {}",
                        self.paint(&format!("| {}", self.short(line)), Style::new().dimmed())
                    );
                }
            }
        }
        for skipped in &run.sandbox.skipped_phases {
            let _ = writeln!(buf, "  phase skipped: {}", self.short(skipped));
        }
        if let Some(memory) = &run.sandbox.memory
            && memory.oom_kills > 0
        {
            let _ = writeln!(
                buf,
                "  memory: the run reached its limit of {} MiB; the kernel ended {} process{}",
                memory.limit_bytes / (1024 * 1024),
                memory.oom_kills,
                if memory.oom_kills == 1 { "" } else { "es" }
            );
        }
        if !run.sandbox.memory_limit_missing.is_empty() {
            let _ = writeln!(
                buf,
                "  memory: limited per process only ({})",
                self.short(&run.sandbox.memory_limit_missing)
            );
        }
    }

    fn dns(&self, buf: &mut String, run: &DynamicAnalysis) {
        if run.dns.is_empty() {
            return;
        }
        // Non-registry names first, each in order of first use.
        let mut order: Vec<&str> = Vec::new();
        let mut names: HashMap<&str, NameSeen> = HashMap::new();
        for query in &run.dns {
            let entry = names.entry(&query.name).or_insert_with(|| {
                order.push(&query.name);
                NameSeen {
                    registry: query.registry,
                    ..NameSeen::default()
                }
            });
            if !entry.types.contains(&query.qtype.as_str()) {
                entry.types.push(&query.qtype);
            }
            if !entry.resolvers.contains(&query.resolver.as_str()) {
                entry.resolvers.push(&query.resolver);
            }
            entry.count += 1;
        }
        order.sort_by_key(|name| names.get(name).is_some_and(|n| n.registry));
        let outside = order
            .iter()
            .filter(|n| names.get(*n).is_some_and(|e| !e.registry))
            .count();
        self.heading(
            buf,
            &format!("DNS: {} names, {outside} outside the registry", order.len()),
        );
        let shown = order.len().min(self.cap(LIST_CAP));
        for name in order.iter().take(shown) {
            let Some(seen) = names.get(name) else {
                continue;
            };
            let types: Vec<String> = seen.types.iter().map(|t| self.short(t)).collect();
            let resolvers: Vec<String> = seen
                .resolvers
                .iter()
                .take(3)
                .map(|r| self.short(r))
                .collect();
            let _ = writeln!(
                buf,
                "    {}{} ({}) ×{} via {}",
                self.short(name),
                if seen.registry { " [registry]" } else { "" },
                types.join(", "),
                seen.count,
                resolvers.join(", ")
            );
        }
        self.more(buf, shown, order.len());
    }

    fn connections(&self, buf: &mut String, run: &DynamicAnalysis) {
        if run.connections.is_empty() {
            return;
        }
        self.heading(buf, &format!("Connections: {}", run.connections.len()));
        let shown = run.connections.len().min(self.cap(LIST_CAP));
        for connection in run.connections.iter().take(shown) {
            let mut line = format!(
                "    {} {}:{} {}",
                self.short(&connection.protocol),
                self.short(&connection.destination),
                connection.port,
                self.short(&connection.kind)
            );
            match &connection.name {
                Some(name) => line.push_str(&format!(" (`{}`)", self.short(name))),
                None => line.push_str(" (no DNS answer gave this address)"),
            }
            if let Some(sni) = &connection.sni {
                line.push_str(&format!(", server name `{}`", self.short(sni)));
            }
            if let Some(pid) = connection.pid {
                line.push_str(&format!(", pid {pid}"));
            }
            let _ = writeln!(buf, "{line}");
            if !connection.first_bytes.is_empty() {
                let _ = writeln!(
                    buf,
                    "      {}",
                    self.paint(
                        &format!("| {}", self.short(&connection.first_bytes)),
                        Style::new().dimmed()
                    )
                );
            }
        }
        self.more(buf, shown, run.connections.len());
    }

    /// What the package reached for outside the registry, in the order it happened:
    /// lookups, connections and requests on one clock.
    fn timeline(&self, buf: &mut String, run: &DynamicAnalysis) {
        let mut events: Vec<(u64, String)> = Vec::new();
        for query in run.dns.iter().filter(|q| !q.registry) {
            events.push((
                query.time_ms,
                format!(
                    "dns {} {} via {}",
                    self.short(&query.qtype),
                    self.short(&query.name),
                    self.short(&query.resolver)
                ),
            ));
        }
        for connection in run.connections.iter().filter(|c| c.kind != "registry") {
            let name = connection
                .name
                .as_deref()
                .map(|n| format!(" (`{}`)", self.short(n)))
                .unwrap_or_default();
            events.push((
                connection.time_ms,
                format!(
                    "{} {}:{}{name} {}",
                    self.short(&connection.protocol),
                    self.short(&connection.destination),
                    connection.port,
                    self.short(&connection.kind)
                ),
            ));
        }
        for request in run.http.iter().filter(|r| !r.registry) {
            events.push((
                request.time_ms,
                format!(
                    "{} {} → {}",
                    self.short(&request.method),
                    self.short(&request.url),
                    request.status
                ),
            ));
        }
        if events.is_empty() {
            return;
        }
        // Stable: at the same millisecond, the lookup comes before its connection.
        events.sort_by_key(|(time, _)| *time);
        self.heading(buf, "Network timeline (outside the registry)");
        let shown = events.len().min(self.cap(LIST_CAP));
        for (time, event) in events.iter().take(shown) {
            let _ = writeln!(buf, "    +{} {event}", seconds_precise(*time));
        }
        self.more(buf, shown, events.len());
    }

    fn requests(&self, buf: &mut String, run: &DynamicAnalysis) {
        if run.http.is_empty() {
            return;
        }
        // Requests outside the registry first: they are the ones that tell something.
        let mut requests: Vec<_> = run.http.iter().collect();
        requests.sort_by_key(|r| r.registry);
        let outside = requests.iter().filter(|r| !r.registry).count();
        self.heading(
            buf,
            &format!(
                "HTTP(S) requests: {}, {outside} outside the registry",
                requests.len()
            ),
        );
        let shown = requests.len().min(self.cap(LIST_CAP));
        for request in requests.iter().take(shown) {
            let mut line = format!(
                "    {} {} → {}",
                self.short(&request.method),
                self.short(&request.url),
                request.status
            );
            if request.registry {
                line.push_str(" [registry]");
            }
            if request.body_bytes > 0 {
                line.push_str(&format!(", sent {} bytes", request.body_bytes));
            }
            if let Some(fetched) = &request.fetched {
                line.push_str(&format!(" [URL dependency {}]", self.short(fetched)));
            }
            let _ = writeln!(buf, "{line}");
        }
        self.more(buf, shown, requests.len());
    }

    fn probes(&self, buf: &mut String, run: &DynamicAnalysis) {
        if run.probes.is_empty() {
            return;
        }
        let ran = run.probes.iter().filter(|p| p.triggered).count();
        self.heading(
            buf,
            &format!(
                "Probes (answered as a controller would): {}, {ran} run by the package",
                run.probes.len()
            ),
        );
        let shown = run.probes.len().min(self.cap(LIST_CAP));
        for probe in run.probes.iter().take(shown) {
            let outcome = if probe.triggered {
                self.paint("RAN IT", Style::new().red().bold())
            } else {
                "not run".to_string()
            };
            let _ = writeln!(
                buf,
                "    {} to {}: {} ({outcome})",
                self.short(&probe.kind),
                self.short(&probe.to),
                self.short(&probe.sent)
            );
            for evidence in probe.evidence.iter().take(self.cap(3)) {
                let _ = writeln!(buf, "      {}", self.short(evidence));
            }
        }
        self.more(buf, shown, run.probes.len());
    }

    fn process_tree(&self, buf: &mut String, run: &DynamicAnalysis) {
        if run.processes.is_empty() {
            return;
        }
        self.heading(buf, &format!("Processes: {}", run.processes.len()));
        let known: HashSet<u32> = run.processes.iter().map(|p| p.pid).collect();
        let mut children: BTreeMap<u32, Vec<&Process>> = BTreeMap::new();
        let mut roots = Vec::new();
        for process in &run.processes {
            match process
                .ppid
                .filter(|ppid| known.contains(ppid) && *ppid != process.pid)
            {
                Some(ppid) => children.entry(ppid).or_default().push(process),
                None => roots.push(process),
            }
        }
        let cap = self.cap(PROCESS_CAP);
        let mut printed = 0usize;
        let mut visited = HashSet::new();
        // Depth-first with an explicit stack: a hostile tree cannot recurse us deep.
        let mut stack: Vec<(&Process, usize)> = roots.iter().rev().map(|p| (*p, 0)).collect();
        while let Some((process, depth)) = stack.pop() {
            if !visited.insert(process.pid) {
                continue;
            }
            if printed < cap {
                self.process_line(buf, process, depth);
            }
            printed += 1;
            if let Some(kids) = children.get(&process.pid) {
                stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
            }
        }
        // Processes in a parent loop are never reached from a root: list them flat.
        for process in &run.processes {
            if visited.insert(process.pid) {
                if printed < cap {
                    self.process_line(buf, process, 0);
                }
                printed += 1;
            }
        }
        self.more(buf, printed.min(cap), printed);
    }

    fn process_line(&self, buf: &mut String, process: &Process, depth: usize) {
        let indent = "  ".repeat(depth.min(MAX_INDENT));
        let command = process
            .execs
            .last()
            .map(|e| {
                if e.argv.is_empty() {
                    e.path.clone()
                } else {
                    e.argv.join(" ")
                }
            })
            .unwrap_or_default();
        let mut line = format!("    {indent}{} {}", process.pid, self.short(&command));
        if process.execs.len() > 1 {
            line.push_str(&format!(
                " (after {} other programs)",
                process.execs.len() - 1
            ));
        }
        if process.outlived {
            line.push_str(&format!(
                " {}",
                self.paint("[still running after the phase]", Style::new().red().bold())
            ));
        } else if let Some(end) = &process.end {
            line.push_str(&format!(" [{}]", self.short(end)));
        }
        let _ = writeln!(buf, "{line}");
    }

    fn file_changes(&self, buf: &mut String, run: &DynamicAnalysis) {
        let changes: Vec<_> = run.changes_outside_project().collect();
        if changes.is_empty() {
            return;
        }
        self.heading(
            buf,
            &format!("Files changed outside the project: {}", changes.len()),
        );
        let shown = changes.len().min(self.cap(LIST_CAP));
        for event in changes.iter().take(shown) {
            let mut line = format!("    {} {}", event.op.as_str(), self.short(&event.path));
            if let Some(target) = &event.target {
                line.push_str(&format!(" → {}", self.short(target)));
            }
            if let Some(errno) = &event.error {
                line.push_str(&format!(" [refused: {}]", self.short(errno)));
            }
            line.push_str(&format!(" (pid {})", event.pid));
            let _ = writeln!(buf, "{line}");
        }
        self.more(buf, shown, changes.len());
    }

    fn honeytokens(&self, buf: &mut String, run: &DynamicAnalysis) {
        let tokens = &run.honeytokens;
        if tokens.planted.is_empty() && tokens.reads.is_empty() && tokens.exfiltrations.is_empty() {
            return;
        }
        let planted: Vec<String> = tokens.planted.iter().map(|p| self.short(p)).collect();
        self.heading(buf, "Bait credentials");
        if !planted.is_empty() {
            let _ = writeln!(buf, "    planted: {}", planted.join(", "));
        }
        let shown = tokens.reads.len().min(self.cap(LIST_CAP));
        for read in tokens.reads.iter().take(shown) {
            let _ = writeln!(
                buf,
                "    read {} by `{}` (pid {}) at {} ms",
                self.short(&read.path),
                self.short(&read.process),
                read.pid,
                read.time_ms
            );
        }
        self.more(buf, shown, tokens.reads.len());
        let shown = tokens.exfiltrations.len().min(self.cap(LIST_CAP));
        for exfiltration in tokens.exfiltrations.iter().take(shown) {
            let _ = writeln!(
                buf,
                "    {} {} ({} encoded) over {} to {}",
                self.paint("SENT OUT", Style::new().red().bold()),
                self.short(&exfiltration.token),
                self.short(&exfiltration.encoding),
                self.short(&exfiltration.channel),
                self.short(&exfiltration.destination)
            );
        }
        self.more(buf, shown, tokens.exfiltrations.len());
        if tokens.reads.is_empty() && tokens.exfiltrations.is_empty() {
            let _ = writeln!(buf, "    none was read or sent");
        }
    }
}

/// What the DNS list shows of one name.
#[derive(Default)]
struct NameSeen<'a> {
    registry: bool,
    types: Vec<&'a str>,
    resolvers: Vec<&'a str>,
    count: usize,
}

/// `1.234 s`: timeline events are milliseconds apart.
fn seconds_precise(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

/// `4.2 s`, `120.0 s`.
fn seconds(ms: u64) -> String {
    format!("{}.{} s", ms / 1000, (ms % 1000) / 100)
}
