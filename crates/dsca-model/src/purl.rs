//! Package URLs (purl) for npm: `pkg:npm/%40scope/name@1.2.3`.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurlError(pub String);

impl fmt::Display for PurlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PurlError {}

/// The purl of an npm package version. The scope's `@` is percent-encoded as the purl
/// specification requires.
pub fn npm_purl(name: &str, version: &str) -> String {
    let mut out = String::from("pkg:npm/");
    for (i, part) in name.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&encode(part));
    }
    if !version.is_empty() {
        out.push('@');
        out.push_str(&encode(version));
    }
    out
}

fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(segment: &str) -> Result<String, PurlError> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| {
                    PurlError(format!("bad percent-encoding in purl segment `{segment}`"))
                })?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| PurlError(format!("purl segment `{segment}` is not UTF-8")))
}

/// Parse `pkg:npm/[namespace/]name[@version][?qualifiers][#subpath]` into the npm package
/// name (with its scope) and the version, if any. Qualifiers and subpath are ignored.
pub fn parse_npm_purl(purl: &str) -> Result<(String, Option<String>), PurlError> {
    let rest = purl
        .strip_prefix("pkg:")
        .ok_or_else(|| PurlError(format!("`{purl}` is not a purl (it must start with pkg:)")))?;
    let rest = rest.trim_start_matches('/');
    let (ptype, rest) = rest
        .split_once('/')
        .ok_or_else(|| PurlError(format!("purl `{purl}` has no package name")))?;
    if !ptype.eq_ignore_ascii_case("npm") {
        return Err(PurlError(format!(
            "purl type `{ptype}` is not supported (only pkg:npm/...)"
        )));
    }
    let rest = rest.split('#').next().unwrap_or_default();
    let rest = rest.split('?').next().unwrap_or_default();
    let (path, version) = match rest.rfind('@') {
        // An `@` at the start is a raw scope, not a version separator.
        Some(at) if at > 0 => (&rest[..at], Some(decode(&rest[at + 1..])?)),
        _ => (rest, None),
    };
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode)
        .collect::<Result<_, _>>()?;
    let name = match segments.as_slice() {
        [name] => name.clone(),
        [scope, name] => {
            let scope = scope.trim_start_matches('@');
            format!("@{scope}/{name}")
        }
        _ => {
            return Err(PurlError(format!(
                "purl `{purl}` must name one npm package (pkg:npm/name or pkg:npm/%40scope/name)"
            )));
        }
    };
    if name.is_empty() || name.ends_with('/') {
        return Err(PurlError(format!(
            "purl `{purl}` has an empty package name"
        )));
    }
    let version = version.filter(|v| !v.is_empty());
    Ok((name, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_scoped_names() {
        let purl = npm_purl("@babel/core", "7.24.0");
        assert_eq!(purl, "pkg:npm/%40babel/core@7.24.0");
        assert_eq!(
            parse_npm_purl(&purl).unwrap(),
            ("@babel/core".to_string(), Some("7.24.0".to_string()))
        );
    }

    #[test]
    fn parses_unscoped_and_versionless() {
        assert_eq!(
            parse_npm_purl("pkg:npm/lodash").unwrap(),
            ("lodash".to_string(), None)
        );
        assert_eq!(
            parse_npm_purl("pkg:npm/@types/node@20.1.0?x=y#sub").unwrap(),
            ("@types/node".to_string(), Some("20.1.0".to_string()))
        );
    }

    #[test]
    fn rejects_other_types_and_garbage() {
        assert!(parse_npm_purl("pkg:pypi/requests").is_err());
        assert!(parse_npm_purl("npm/lodash").is_err());
        assert!(parse_npm_purl("pkg:npm/a/b/c").is_err());
        assert!(parse_npm_purl("pkg:npm/%zz").is_err());
    }
}
