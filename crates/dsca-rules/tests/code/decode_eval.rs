use super::*;

#[test]
fn dsca803_base64_evaluated() {
    let fixture = library("eval(Buffer.from('Y29uc29sZS5sb2coMSk=', 'base64').toString());\n");
    let findings = fixture.code_findings("DSCA803");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn dsca803_hidden_vm_evaluating_decoded_bytes_is_critical() {
    let fixture = library(
        r#"module.exports = function (v) {
  var log = Buffer.from(v, 'hex');
  var c = log.toString();
  require('\x76\x6d')['runInThisContext'](c);
};
"#,
    );
    let findings = fixture.code_findings("DSCA803");
    assert_eq!(findings[0].severity, Severity::Critical);
}

#[test]
fn dsca803_decoding_next_to_a_template_compiler_is_fine() {
    let fixture = library(
        "const bytes = Buffer.from(input, 'base64');\nconst render = new Function('data', source);\n",
    );
    assert!(fixture.code_findings("DSCA803").is_empty());
}
