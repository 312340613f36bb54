use super::*;

fn pem(label: &str) -> Vec<u8> {
    let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n".repeat(4);
    format!("-----BEGIN {label}-----\n{body}-----END {label}-----\n").into_bytes()
}

#[test]
fn dsca602_private_key_and_certificate() {
    let mut key_in_js = b"const a = 1;\nconst key = `".to_vec();
    key_in_js.extend(pem("RSA PRIVATE KEY"));
    let fixture = tarball_with_scripts(json!({}))
        .file("lib/deploy.js", &key_in_js)
        .file("certs/ca.pem", &pem("CERTIFICATE"));
    assert_yaml_snapshot!(fixture.findings("DSCA602"));
}

#[test]
fn dsca602_test_keys_are_medium() {
    let fixture =
        tarball_with_scripts(json!({})).file("test/fixtures/key.pem", &pem("PRIVATE KEY"));
    assert_eq!(fixture.findings("DSCA602")[0].severity, Severity::Medium);
}

#[test]
fn dsca602_bundled_dev_identity_is_medium() {
    // browser-sync ships its development TLS identity this way.
    let fixture = tarball_with_scripts(json!({}))
        .file("certs/server.key", &pem("RSA PRIVATE KEY"))
        .file("certs/server.crt", &pem("CERTIFICATE"))
        .file("certs/browser-sync.pfx", b"\x30\x82\x09\x00");
    let findings = fixture.findings("DSCA602");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::Medium);
}

#[test]
fn dsca602_lone_keys_stay_high() {
    for (path, certificate) in [
        ("server.key", None),
        ("certs/server.key", None),
        ("certs/id_rsa", Some("certs/server.crt")),
        ("config/.ssh/deploy.key", Some("config/.ssh/deploy.crt")),
        ("ssl/server.key", Some("other/server.crt")),
    ] {
        let mut fixture = tarball_with_scripts(json!({})).file(path, &pem("PRIVATE KEY"));
        if let Some(certificate) = certificate {
            fixture = fixture.file(certificate, &pem("CERTIFICATE"));
        }
        let findings = fixture.findings("DSCA602");
        assert_eq!(findings[0].severity, Severity::High, "{path}");
    }
}

#[test]
fn dsca602_many_blocks_are_bounded() {
    // A crafted file of tiny key blocks: the scan stays linear, examines the first
    // blocks and counts the rest.
    let block = pem("PRIVATE KEY");
    let blocks = 20_000;
    let data = block.repeat(blocks);
    let fixture = tarball_with_scripts(json!({})).file("lib/keys.txt", &data);
    let findings = fixture.findings("DSCA602");
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].message,
        "100 private key(s) in the package, and 19900 more PEM block(s) not examined"
    );
    let last = findings[0].evidence.last().expect("evidence");
    assert_eq!(
        last.detail,
        "and 19900 more PEM block(s) not examined (more than 100 in one file), first in `lib/keys.txt`"
    );
    // Line numbers are still right after the running count.
    let lines_per_block = block.iter().filter(|&&b| b == b'\n').count() as u32;
    assert_eq!(
        findings[0].evidence[19]
            .location
            .as_ref()
            .and_then(|l| l.line),
        Some(19 * lines_per_block + 1)
    );
}

#[test]
fn dsca602_placeholders_are_not_keys() {
    let fixture = tarball_with_scripts(json!({}))
        .file(
            "README.md",
            b"Pass your key:\n-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n",
        )
        .file("lib/x.js", b"const marker = '-----BEGIN ';");
    assert!(fixture.findings("DSCA602").is_empty());
}
