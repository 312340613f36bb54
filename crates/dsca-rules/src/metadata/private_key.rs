//! DSCA602: the package ships private keys (or certificates).

use super::{cap_evidence, is_test_path};
use crate::{Analysis, ScanContext};
use dsca_model::{Category, Evidence, Finding, Location, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "DSCA602",
    name: "private-key",
    category: Category::Content,
    severity: Severity::High,
    title: "Ships a private key",
    problem: "The package contains private key material. Either a maintainer leaked a \
        secret with the release (anyone can now impersonate the server or sign as them), or \
        the package carries keys for something it should not, such as a backdoor's \
        credentials. Keys under test or fixture folders are usually throwaway TLS test keys.",
    next_steps: "Find out what the key belongs to. If it is real, tell the maintainers so \
        they revoke and replace it; never reuse it. Throwaway test keys are harmless to \
        you but should not be trusted for anything.",
};

const PEM_BEGIN: &[u8] = b"-----BEGIN ";
/// Fewer base64 characters than this is a placeholder or a snippet, not a key.
const MIN_KEY_BODY: usize = 64;
/// Files larger than this are not scanned for PEM blocks (bundles, binaries).
const MAX_SCANNED_BYTES: usize = 16 * 1024 * 1024;

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let mut keys = Vec::new();
    let mut certificates = Vec::new();
    for file in ctx.files() {
        let lower_path = file.path.to_ascii_lowercase();
        if lower_path.ends_with(".p12") || lower_path.ends_with(".pfx") {
            keys.push((
                file.path.as_str(),
                Evidence::new(format!("`{}` is a PKCS#12 key store", file.path))
                    .at(Location::file(file.path.as_str())),
            ));
            continue;
        }
        if file.data.len() > MAX_SCANNED_BYTES {
            continue;
        }
        for block in pem_blocks(&file.data) {
            let location = Location::line(file.path.as_str(), block.line);
            if block.label == "CERTIFICATE" || block.label == "X509 CERTIFICATE" {
                certificates
                    .push(Evidence::new(format!("certificate in `{}`", file.path)).at(location));
            } else if block.label.ends_with("PRIVATE KEY") || block.label == "PGP PRIVATE KEY BLOCK"
            {
                keys.push((
                    file.path.as_str(),
                    Evidence::new(format!("{} in `{}`", block.label, file.path))
                        .at(location)
                        .with_snippet(format!("-----BEGIN {}-----", block.label)),
                ));
            }
        }
    }

    if !keys.is_empty() {
        let only_test_keys = keys.iter().all(|(path, _)| is_test_path(path));
        let severity = if only_test_keys {
            Severity::Medium
        } else {
            RULE.severity
        };
        let count = keys.len();
        let message = if only_test_keys {
            format!("{count} private key(s) under test or example folders")
        } else {
            format!("{count} private key(s) in the package")
        };
        let evidence = cap_evidence(keys.into_iter().map(|(_, e)| e).collect());
        let finding = Finding::new(&RULE, message).with_severity(severity);
        out.findings
            .push(evidence.into_iter().fold(finding, Finding::with_evidence));
    }
    if !certificates.is_empty() {
        let finding = Finding::new(
            &RULE,
            format!(
                "{} certificate(s) in the package (public, not secret, but check what they are trusted for)",
                certificates.len()
            ),
        )
        .with_severity(Severity::Info);
        out.findings.push(
            cap_evidence(certificates)
                .into_iter()
                .fold(finding, Finding::with_evidence),
        );
    }
}

struct PemBlock {
    label: String,
    /// 1-based line of the BEGIN marker.
    line: u32,
}

/// PEM blocks with a real base64 body. Bodies written inside JS strings (`\n` escapes,
/// quotes and `+` between lines) are accepted; `...` placeholders are not.
fn pem_blocks(data: &[u8]) -> Vec<PemBlock> {
    let mut blocks = Vec::new();
    let mut from = 0;
    while let Some(offset) = find(&data[from..], PEM_BEGIN) {
        let begin = from + offset;
        let label_start = begin + PEM_BEGIN.len();
        from = label_start;
        let Some(label_len) = find(&data[label_start..], b"-----").filter(|&n| n <= 40) else {
            continue;
        };
        let Ok(label) = std::str::from_utf8(&data[label_start..label_start + label_len]) else {
            continue;
        };
        let body_start = label_start + label_len + 5;
        let body_end = find(&data[body_start..], b"-----END")
            .map_or(data.len().min(body_start + 8192), |n| body_start + n);
        if has_key_body(&data[body_start..body_end]) {
            let line = data[..begin].iter().filter(|&&b| b == b'\n').count() + 1;
            blocks.push(PemBlock {
                label: label.to_string(),
                line: u32::try_from(line).unwrap_or(u32::MAX),
            });
        }
        from = body_end.max(from);
    }
    blocks
}

fn has_key_body(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body)
        .replace("\\n", "\n")
        .replace("\\r", "\n");
    let mut base64 = 0usize;
    let mut other = 0usize;
    for line in text.lines() {
        // Encrypted PEM headers (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: ...`).
        if line.contains(':') {
            continue;
        }
        for c in line
            .trim()
            .trim_matches(|c| matches!(c, '"' | '\'' | '+' | ',' | '`'))
            .chars()
        {
            if c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=') {
                base64 += 1;
            } else if !c.is_whitespace() {
                other += 1;
            }
        }
    }
    base64 >= MIN_KEY_BODY && other * 20 <= base64
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
