//! One fixture that triggers each code rule and one that must not, with a snapshot of
//! what the rule reports. The fixtures act like malware against reserved names
//! (`*.example`, `*.invalid`) and documentation addresses (192.0.2.0/24, 198.51.100.0/24).

#[path = "../common/mod.rs"]
mod common;

use common::Fixture;
use dsca_model::Severity;
use insta::assert_yaml_snapshot;
use serde_json::json;

/// A package whose `main` is `index.js`, holding `index.js`.
fn entry(code: &str) -> Fixture {
    Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0", "main": "index.js"}))
        .file("index.js", code.as_bytes())
}

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

mod concealment;
mod data_flow;
mod decode_eval;
mod download_execute;
mod exfiltration;
mod obfuscated_code;
mod persistence;
mod reverse_shell;
mod risky_command_in_code;
mod robustness;
mod scripts_and_persistence;
mod sensitive_file_access;
mod suspicious_destination;
mod unanalysed_code;
mod yara_rules;
