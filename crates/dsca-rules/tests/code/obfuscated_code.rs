use super::*;

fn obfuscator_output() -> String {
    let mut code = String::from("var _0x4f2a=['log','child_process','exec','whoami'];");
    code.push_str("(function(_0x1b7c,_0x3d9e){var _0x5a1f=function(_0x2c8b){while(--_0x2c8b){_0x1b7c['push'](_0x1b7c['shift']());}};_0x5a1f(++_0x3d9e);}(_0x4f2a,0x1f3));");
    code.push_str("var _0x2e1d=function(_0x4b3a,_0x1e9c){_0x4b3a=_0x4b3a-0x0;var _0x3f7b=_0x4f2a[_0x4b3a];return _0x3f7b;};");
    for i in 0..20 {
        code.push_str(&format!(
            "var _0x{:04x}=require(_0x2e1d('0x1'));_0x{:04x}[_0x2e1d('0x2')](_0x2e1d('0x3'));",
            0x6a00 + i,
            0x6a00 + i
        ));
    }
    code
}

#[test]
fn dsca805_javascript_obfuscator_output_at_install_time() {
    let fixture = installs(&obfuscator_output());
    let findings = fixture.code_findings("DSCA805");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::Critical);
}

#[test]
fn dsca805_module_name_in_escapes() {
    let fixture = library("const cp = require('\\x63hild_\\x70rocess');\ncp.exec('id');\n");
    let findings = fixture.code_findings("DSCA805");
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn dsca805_minified_code_is_not_obfuscated() {
    let fixture = library(
        "!function(e,t){\"object\"==typeof exports?module.exports=t():e.lib=t()}(this,function(){var e=require(\"fs\"),t=function(n,r){return n+r};return{a:t,b:e.readFileSync}});\n",
    );
    assert!(fixture.code_findings("DSCA805").is_empty());
}
