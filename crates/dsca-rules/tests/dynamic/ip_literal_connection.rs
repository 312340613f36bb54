use super::*;

#[test]
fn dsca1002_connection_to_a_bare_address() {
    let mut run = benign();
    run.connections.push(Connection {
        phase: String::new(),
        protocol: "tcp".into(),
        destination: "198.51.100.23".into(),
        port: 4444,
        name: None,
        time_ms: 400,
        pid: Some(3),
        kind: "raw".into(),
        sni: None,
        first_bytes: "uid=1000(user) gid=1000(user)\\n".into(),
        bytes_received: 31,
    });
    let found = findings(&run, "DSCA1002");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::High);
}

#[test]
fn dsca1002_named_loopback_and_registry_connections_are_not_reported() {
    let mut run = benign();
    run.connections.push(Connection {
        phase: String::new(),
        protocol: "tcp".into(),
        destination: "127.0.0.1".into(),
        port: 9229,
        name: None,
        time_ms: 400,
        pid: Some(3),
        kind: "raw".into(),
        sni: None,
        first_bytes: String::new(),
        bytes_received: 0,
    });
    assert!(findings(&run, "DSCA1002").is_empty());
    assert!(findings(&benign(), "DSCA1002").is_empty());
}
