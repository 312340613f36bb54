use super::*;

#[test]
fn dsca1001_exfiltration_names_and_a_hard_coded_resolver() {
    let mut run = running_setup_js();
    run.dns.push(dns("abc.oast.fun", "A", RESOLVER, 30, false));
    run.dns.push(dns(
        "6e706d5f746f6b656e3d61626364656667.x.exfil.example",
        "A",
        RESOLVER,
        30,
        false,
    ));
    run.dns.push(dns("c2.example", "TXT", "8.8.8.8", 30, false));
    run.dns.push(dns("c2.example", "TXT", "8.8.8.8", 30, false));
    let found = findings(&run, "DSCA1001");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::High);
}

#[test]
fn dsca1001_a_plain_lookup_is_medium_and_node_headers_low() {
    let mut run = benign();
    run.dns.push(dns("api.example", "A", RESOLVER, 3, false));
    assert_eq!(findings(&run, "DSCA1001")[0].severity, Severity::Medium);
    let mut run = benign();
    run.dns.push(dns("nodejs.org", "A", RESOLVER, 3, false));
    assert_eq!(findings(&run, "DSCA1001")[0].severity, Severity::Low);
    assert!(findings(&benign(), "DSCA1001").is_empty());
}

#[test]
fn dsca1001_many_names_under_one_domain_is_tunnelling_and_evidence_is_bounded() {
    let mut run = benign();
    for i in 0..30 {
        run.dns
            .push(dns(&format!("p{i}.t.example"), "A", RESOLVER, 3, false));
    }
    let found = findings(&run, "DSCA1001");
    assert_eq!(found[0].severity, Severity::High);
    assert_eq!(found[0].evidence.len(), 21);
    assert_eq!(found[0].evidence[20].detail, "and 10 more");
}
