//! DSCA602: the package ships private keys (or certificates).

use super::{cap_evidence, is_test_path};
use crate::{Analysis, ScanContext};
use dsca_model::{Category, Evidence, Finding, Location, Rule, Severity, Signal};
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    id: "DSCA602",
    name: "private-key",
    category: Category::Content,
    signal: Signal::Content,
    severity: Severity::High,
    title: "Ships a private key",
    problem: "The package contains private key material. Either a maintainer leaked a \
        secret with the release (anyone can now impersonate the server or sign as them), or \
        the package carries keys for something it should not, such as a backdoor's \
        credentials. Keys under test or fixture folders, and keys that sit next to their \
        certificate in a certs/ or ssl/ folder, are usually throwaway development or test \
        TLS identities.",
    next_steps: "Find out what the key belongs to. If it is real, tell the maintainers so \
        they revoke and replace it; never reuse it. Throwaway test keys are harmless to \
        you but should not be trusted for anything.",
    severities: &[Severity::Info, Severity::Medium, Severity::High],
    catches: "private keys shipped in the package (medium for a development identity: a key \
        beside its certificate in a certs/ssl/tls folder, or under test fixtures); \
        certificates separately at info",
};

const PEM_BEGIN: &[u8] = b"-----BEGIN ";
/// Fewer base64 characters than this is a placeholder or a snippet, not a key.
const MIN_KEY_BODY: usize = 64;
/// Files larger than this are not scanned for PEM blocks (bundles, binaries).
const MAX_SCANNED_BYTES: usize = 16 * 1024 * 1024;
/// A PEM body ends within this many bytes of its BEGIN line (a 16384-bit RSA key is
/// about 12 KiB of base64).
const MAX_BODY_BYTES: usize = 16 * 1024;
/// A PEM label (`RSA PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`) is at most this long.
const MAX_LABEL_BYTES: usize = 40;
/// PEM blocks examined per file; the rest are only counted.
const MAX_BLOCKS_PER_FILE: usize = 100;

/// Why a key is less alarming than a leaked secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyPlace {
    /// Under a test, fixture or example folder.
    Test,
    /// In a certificate folder next to its certificate: a bundled development identity.
    Identity,
    Elsewhere,
}

struct Key<'a> {
    path: &'a str,
    /// The PEM label, `None` for a PKCS#12 store.
    label: Option<String>,
    evidence: Evidence,
}

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let mut keys: Vec<Key> = Vec::new();
    let mut certificates = Vec::new();
    // Folders that hold a certificate (a PEM block or a `.crt`/`.cer`/`.der` file).
    let mut certificate_dirs: HashSet<&str> = HashSet::new();
    // PEM blocks past the per-file limit: (count, first such file).
    let mut unexamined: (usize, Option<&str>) = (0, None);
    for file in ctx.files() {
        let lower_path = file.path.to_ascii_lowercase();
        if [".crt", ".cer", ".der"]
            .iter()
            .any(|e| lower_path.ends_with(e))
        {
            certificate_dirs.insert(parent(&file.path));
        }
        if lower_path.ends_with(".p12") || lower_path.ends_with(".pfx") {
            keys.push(Key {
                path: file.path.as_str(),
                label: None,
                evidence: Evidence::new(format!("`{}` is a PKCS#12 key store", file.path))
                    .at(Location::file(file.path.as_str())),
            });
            continue;
        }
        if file.data.len() > MAX_SCANNED_BYTES {
            continue;
        }
        let scan = pem_blocks(&file.data);
        if scan.unexamined > 0 {
            unexamined.0 += scan.unexamined;
            unexamined.1.get_or_insert(file.path.as_str());
        }
        for block in scan.blocks {
            let location = Location::line(file.path.as_str(), block.line);
            if block.label == "CERTIFICATE" || block.label == "X509 CERTIFICATE" {
                certificate_dirs.insert(parent(&file.path));
                certificates
                    .push(Evidence::new(format!("certificate in `{}`", file.path)).at(location));
            } else if block.label.ends_with("PRIVATE KEY") || block.label == "PGP PRIVATE KEY BLOCK"
            {
                keys.push(Key {
                    path: file.path.as_str(),
                    evidence: Evidence::new(format!("{} in `{}`", block.label, file.path))
                        .at(location)
                        .with_snippet(format!("-----BEGIN {}-----", block.label)),
                    label: Some(block.label),
                });
            }
        }
    }
    let unexamined_note = unexamined.1.map(|first| {
        Evidence::new(format!(
            "and {} more PEM block(s) not examined (more than {MAX_BLOCKS_PER_FILE} in one file), first in `{first}`",
            unexamined.0
        ))
        .at(Location::file(first))
    });

    let has_keys = !keys.is_empty();
    if has_keys {
        let places: Vec<KeyPlace> = keys
            .iter()
            .map(|key| place(key, &certificate_dirs))
            .collect();
        let severity = if places.contains(&KeyPlace::Elsewhere) {
            RULE.severity
        } else {
            Severity::Medium
        };
        let count = keys.len();
        let mut message = match (
            places.contains(&KeyPlace::Test),
            places.contains(&KeyPlace::Identity),
            places.contains(&KeyPlace::Elsewhere),
        ) {
            (_, _, true) => format!("{count} private key(s) in the package"),
            (true, false, false) => format!("{count} private key(s) under test or example folders"),
            (false, true, false) => format!(
                "{count} private key(s) next to their certificate in a certificate folder (a bundled development or test identity)"
            ),
            (_, _, false) => format!(
                "{count} private key(s) under test folders or next to their certificate (bundled development or test identities)"
            ),
        };
        let mut evidence = cap_evidence(
            keys.into_iter()
                .zip(&places)
                .map(|(key, place)| match place {
                    KeyPlace::Identity => Evidence {
                        detail: format!("{} (next to a certificate)", key.evidence.detail),
                        ..key.evidence
                    },
                    _ => key.evidence,
                })
                .collect(),
        );
        evidence.extend(unexamined_note.clone());
        if unexamined.0 > 0 {
            message.push_str(&format!(
                ", and {} more PEM block(s) not examined",
                unexamined.0
            ));
        }
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
        let mut evidence = cap_evidence(certificates);
        if !has_keys {
            evidence.extend(unexamined_note);
        }
        out.findings
            .push(evidence.into_iter().fold(finding, Finding::with_evidence));
    }
}

/// The folder of a package path (`""` at the root).
fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn place(key: &Key, certificate_dirs: &HashSet<&str>) -> KeyPlace {
    if is_test_path(key.path) {
        return KeyPlace::Test;
    }
    let dir = parent(key.path);
    let folder = dir.rsplit('/').next().unwrap_or(dir).to_ascii_lowercase();
    let certificate_folder = folder.contains("cert") || matches!(folder.as_str(), "ssl" | "tls");
    let name = key.path.rsplit('/').next().unwrap_or(key.path);
    // SSH and PGP keys are never a TLS identity, wherever they sit.
    let ssh_or_pgp = name.starts_with("id_")
        || key.path.split('/').any(|part| part == ".ssh")
        || key
            .label
            .as_deref()
            .is_some_and(|label| label.contains("OPENSSH") || label.contains("PGP"));
    if certificate_folder && !ssh_or_pgp && certificate_dirs.contains(dir) {
        KeyPlace::Identity
    } else {
        KeyPlace::Elsewhere
    }
}

struct PemBlock {
    label: String,
    /// 1-based line of the BEGIN marker.
    line: u32,
}

struct PemScan {
    blocks: Vec<PemBlock>,
    /// `-----BEGIN ` markers after the first [`MAX_BLOCKS_PER_FILE`] blocks.
    unexamined: usize,
}

/// PEM blocks with a real base64 body. Bodies written inside JS strings (`\n` escapes,
/// quotes and `+` between lines) are accepted; `...` placeholders are not.
///
/// Linear in the file: lines are counted as the scan moves forward, a body ends at the
/// next `-----` (its END line, or the next BEGIN) within [`MAX_BODY_BYTES`], and the
/// scan resumes after that body; past [`MAX_BLOCKS_PER_FILE`] blocks, the remaining
/// markers are only counted.
fn pem_blocks(data: &[u8]) -> PemScan {
    let mut blocks = Vec::new();
    let mut from = 0;
    let mut line = 1usize;
    let mut counted_to = 0;
    while let Some(offset) = find(&data[from..], PEM_BEGIN) {
        let begin = from + offset;
        if blocks.len() == MAX_BLOCKS_PER_FILE {
            let unexamined = count(&data[begin..], PEM_BEGIN);
            return PemScan { blocks, unexamined };
        }
        let label_start = begin + PEM_BEGIN.len();
        from = label_start;
        let label_window = &data[label_start..data.len().min(label_start + MAX_LABEL_BYTES + 5)];
        let Some(label_len) = find(label_window, b"-----").filter(|&n| n <= MAX_LABEL_BYTES) else {
            continue;
        };
        let Ok(label) = std::str::from_utf8(&data[label_start..label_start + label_len]) else {
            continue;
        };
        let body_start = label_start + label_len + 5;
        let window = &data[body_start..data.len().min(body_start + MAX_BODY_BYTES)];
        let body_end = body_start + find(window, b"-----").unwrap_or(window.len());
        if has_key_body(&data[body_start..body_end]) {
            line += data[counted_to..begin]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted_to = begin;
            blocks.push(PemBlock {
                label: label.to_string(),
                line: u32::try_from(line).unwrap_or(u32::MAX),
            });
        }
        from = body_end.max(from);
    }
    PemScan {
        blocks,
        unexamined: 0,
    }
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
    // Every file of every package is searched: a vectorised search, not a window walk.
    memchr::memmem::find(haystack, needle)
}

/// Non-overlapping occurrences of `needle`.
fn count(haystack: &[u8], needle: &[u8]) -> usize {
    let mut total = 0;
    let mut from = 0;
    while let Some(offset) = find(&haystack[from..], needle) {
        total += 1;
        from += offset + needle.len();
    }
    total
}
