use super::*;

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
