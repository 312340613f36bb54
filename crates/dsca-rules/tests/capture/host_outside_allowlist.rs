//! DSCA902 (TLS server names) and DSCA903 (plain HTTP hosts).

use super::*;

#[test]
fn dsca902_dsca903_hosts_outside_the_allowlist() {
    let network = NetworkActivity {
        tls_server_names: vec![host("exfil.example", false)],
        http_hosts: vec![host("payload.example", false)],
        ..NetworkActivity::default()
    };
    let tls = findings(&network, "DSCA902");
    assert_eq!(
        tls[0].message,
        "TLS server name `exfil.example`, which is not on the allowlist"
    );
    let http = findings(&network, "DSCA903");
    assert_eq!(
        http[0].message,
        "HTTP host `payload.example`, which is not on the allowlist"
    );
    assert_eq!(
        http[0].evidence[1].snippet.as_deref(),
        Some("POST /collect"),
        "the requests are evidence"
    );
}

#[test]
fn dsca902_dsca903_allowed_hosts_are_not_reported() {
    let network = NetworkActivity {
        tls_server_names: vec![host("registry.npmjs.org", true)],
        http_hosts: vec![host("mirror.corp.example", true)],
        ..NetworkActivity::default()
    };
    assert!(analyse_capture(&network).findings.is_empty());
}
