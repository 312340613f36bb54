//! npm registry signatures: ECDSA P-256 over `name@version:integrity`, checked against
//! the keys the registry publishes at `/-/npm/v1/keys`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use dsca_model::npm::{Dist, SignatureCheck};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Debug, Clone)]
pub(crate) struct RegistryKey {
    keyid: String,
    expires: Option<OffsetDateTime>,
    key: VerifyingKey,
}

#[derive(Deserialize)]
struct KeysDocument {
    keys: Vec<serde_json::Value>,
}

/// Parses the keys document. Keys of other types or that do not decode are skipped:
/// a signature by one of them then reads as an unknown key.
pub(crate) fn parse_keys(bytes: &[u8]) -> Result<Vec<RegistryKey>, String> {
    let doc: KeysDocument = serde_json::from_slice(bytes)
        .map_err(|e| format!("the keys document is not valid: {e}"))?;
    Ok(doc
        .keys
        .iter()
        .filter_map(|k| {
            let text = |field: &str| k.get(field).and_then(serde_json::Value::as_str);
            let keyid = text("keyid")?.to_string();
            if text("keytype").is_some_and(|t| t != "ecdsa-sha2-nistp256")
                || text("scheme").is_some_and(|s| s != "ecdsa-sha2-nistp256")
            {
                return None;
            }
            let der = B64.decode(text("key")?.trim()).ok()?;
            let key = VerifyingKey::from_public_key_der(&der).ok()?;
            // An expiry we cannot read must not make a key valid forever.
            let expires = match k.get("expires") {
                None | Some(serde_json::Value::Null) => None,
                Some(value) => Some(OffsetDateTime::parse(value.as_str()?, &Rfc3339).ok()?),
            };
            Some(RegistryKey {
                keyid,
                expires,
                key,
            })
        })
        .collect())
}

/// Checks every signature of a version. One that fails under a listed key makes the
/// result `Invalid` (something was altered), else one that verifies makes it `Verified`,
/// else the signatures are by keys the registry does not list (or had expired).
pub(crate) fn check(
    keys: &[RegistryKey],
    name: &str,
    version: &str,
    dist: &Dist,
    published: Option<&str>,
) -> SignatureCheck {
    let Some(first) = dist.signatures.first() else {
        return SignatureCheck::Unsigned;
    };
    let Some(integrity) = dist.integrity.as_deref() else {
        return SignatureCheck::Invalid {
            keyid: first.keyid.clone(),
            reason: "the version is signed but has no integrity to check the signature against"
                .into(),
        };
    };
    let message = format!("{name}@{version}:{integrity}");
    let published = published.and_then(|p| OffsetDateTime::parse(p, &Rfc3339).ok());

    let mut verified = None;
    let mut unknown = None;
    for signature in &dist.signatures {
        // Like npm: a key with an expiry only counts for versions published before it.
        let key = keys.iter().find(|k| {
            k.keyid == signature.keyid
                && k.expires
                    .is_none_or(|exp| published.is_some_and(|p| p < exp))
        });
        let Some(key) = key else {
            unknown.get_or_insert_with(|| signature.keyid.clone());
            continue;
        };
        let invalid = |reason: String| SignatureCheck::Invalid {
            keyid: signature.keyid.clone(),
            reason,
        };
        let Ok(der) = B64.decode(signature.sig.trim()) else {
            return invalid("the signature is not base64".into());
        };
        let Ok(sig) = Signature::from_der(&der) else {
            return invalid("the signature is not a DER ECDSA signature".into());
        };
        if key.key.verify(message.as_bytes(), &sig).is_err() {
            return invalid(format!("the signature does not match `{message}`"));
        }
        verified.get_or_insert_with(|| signature.keyid.clone());
    }
    match (verified, unknown) {
        (Some(keyid), _) => SignatureCheck::Verified { keyid },
        (None, Some(keyid)) => SignatureCheck::UnknownKey { keyid },
        (None, None) => SignatureCheck::Unsigned,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_keys_are_skipped_not_fatal() {
        let doc =
            br#"{"keys":[{"keyid":"a","key":"!!"},{"keyid":"b","keytype":"rsa","key":""},7]}"#;
        assert!(parse_keys(doc).unwrap().is_empty());
        assert!(parse_keys(b"[]").is_err());
        assert!(parse_keys(b"{").is_err());
    }

    #[test]
    fn unsigned_and_missing_integrity() {
        let dist = Dist::default();
        assert_eq!(
            check(&[], "a", "1.0.0", &dist, None),
            SignatureCheck::Unsigned
        );
        let dist = Dist {
            signatures: vec![dsca_model::npm::DistSignature {
                keyid: "k".into(),
                sig: "x".into(),
            }],
            ..Dist::default()
        };
        assert!(matches!(
            check(&[], "a", "1.0.0", &dist, None),
            SignatureCheck::Invalid { .. }
        ));
    }
}
