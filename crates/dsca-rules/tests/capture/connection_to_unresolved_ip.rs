use super::*;

#[test]
fn dsca904_a_connection_no_answer_explains() {
    let network = NetworkActivity {
        connections: vec![connection("203.0.113.9", 4444, &[])],
        ..NetworkActivity::default()
    };
    let findings = findings(&network, "DSCA904");
    assert_eq!(
        findings[0].message,
        "tcp connection to 203.0.113.9:4444 with no DNS answer for that address"
    );
}

#[test]
fn dsca904_resolved_local_and_resolver_traffic_is_not_reported() {
    let network = NetworkActivity {
        connections: vec![
            connection("198.51.100.7", 443, &["registry.npmjs.org"]),
            connection("192.0.2.53", 53, &[]),
            connection("127.0.0.1", 8080, &[]),
            connection("224.0.0.251", 5353, &[]),
            connection("fe80::1", 22, &[]),
            connection("ff02::fb", 5353, &[]),
        ],
        ..NetworkActivity::default()
    };
    assert!(analyse_capture(&network).findings.is_empty());
}
