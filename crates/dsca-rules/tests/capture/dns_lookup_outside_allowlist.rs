use super::*;

#[test]
fn dsca901_a_lookup_outside_the_allowlist() {
    let network = NetworkActivity {
        names: vec![name("c2.example", NameKind::Dns, false)],
        ..NetworkActivity::default()
    };
    let findings = findings(&network, "DSCA901");
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].message,
        "DNS lookup of `c2.example`, which is not on the allowlist"
    );
    assert_eq!(
        findings[0].evidence[0].detail,
        format!(
            "2 queries (A, AAAA) from 192.0.2.10, first {FIRST}, last {LAST}; answered 198.51.100.7"
        )
    );
}

#[test]
fn dsca901_allowed_names_and_link_local_resolution_are_not_reported() {
    let network = NetworkActivity {
        names: vec![
            name("registry.npmjs.org", NameKind::Dns, true),
            // mDNS and LLMNR never leave the link: no allowlist applies to them.
            name("printer.local", NameKind::Mdns, false),
            name("workstation", NameKind::Llmnr, false),
        ],
        ..NetworkActivity::default()
    };
    assert!(findings(&network, "DSCA901").is_empty());
}
