use super::*;

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
