use super::*;

#[test]
fn dsca810_unparsable_javascript_is_reported_and_still_read() {
    let fixture = library("function (((( {\n require('child_process').exec('id')\n");
    let analysis = fixture.analyse_code();
    let findings: Vec<_> = analysis
        .findings
        .iter()
        .filter(|f| f.rule == "DSCA810")
        .cloned()
        .collect();
    assert_yaml_snapshot!(findings);
    assert!(
        analysis
            .behaviours
            .iter()
            .any(|b| b.id == "execution.child-process"),
        "the byte-level pass still sees what the file does"
    );
}

#[test]
fn dsca810_valid_code_is_not_reported() {
    assert!(
        library("export const a = 1;\n")
            .code_findings("DSCA810")
            .is_empty()
    );
}
