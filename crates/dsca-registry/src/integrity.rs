//! Subresource Integrity strings, legacy `shasum`s and a streaming hasher.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use dsca_model::npm::Dist;
use sha2::Digest;
use std::fmt;

/// Hash algorithms npm integrity uses, weakest first (so `Ord` picks the strongest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HashAlgorithm {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlgorithm {
    pub fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha1 => "sha1",
            HashAlgorithm::Sha256 => "sha256",
            HashAlgorithm::Sha384 => "sha384",
            HashAlgorithm::Sha512 => "sha512",
        }
    }

    fn from_name(name: &str) -> Option<HashAlgorithm> {
        match name.to_ascii_lowercase().as_str() {
            "sha1" => Some(HashAlgorithm::Sha1),
            "sha256" => Some(HashAlgorithm::Sha256),
            "sha384" => Some(HashAlgorithm::Sha384),
            "sha512" => Some(HashAlgorithm::Sha512),
            _ => None,
        }
    }

    fn digest_len(self) -> usize {
        match self {
            HashAlgorithm::Sha1 => 20,
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha384 => 48,
            HashAlgorithm::Sha512 => 64,
        }
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a tarball's bytes were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Matched `dist.integrity`; `digest` is the base64 digest of the strongest hash.
    Sri {
        algorithm: HashAlgorithm,
        digest: String,
    },
    /// Matched the legacy hex SHA-1 `dist.shasum` (no usable `integrity`).
    Sha1Shasum,
    /// The registry gave nothing to check against.
    Unverifiable,
}

impl Verification {
    /// The SRI form (`sha512-...`) of an SRI verification.
    pub fn sri(&self) -> Option<String> {
        match self {
            Verification::Sri { algorithm, digest } => Some(format!("{algorithm}-{digest}")),
            _ => None,
        }
    }
}

/// One expected digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub algorithm: HashAlgorithm,
    pub digest: Vec<u8>,
    /// Whether this came from the legacy `shasum` rather than `integrity`.
    pub from_shasum: bool,
}

impl Expected {
    /// What a matching download is reported as.
    pub fn verification(&self) -> Verification {
        if self.from_shasum {
            Verification::Sha1Shasum
        } else {
            Verification::Sri {
                algorithm: self.algorithm,
                digest: B64.encode(&self.digest),
            }
        }
    }

    /// Human form: SRI for integrity, hex for shasum.
    pub fn display(&self) -> String {
        display_digest(self.algorithm, &self.digest, self.from_shasum)
    }

    /// The cache key: algorithm and hex digest.
    pub fn hex(&self) -> String {
        hex::encode(&self.digest)
    }
}

pub(crate) fn display_digest(algorithm: HashAlgorithm, digest: &[u8], hex_form: bool) -> String {
    if hex_form {
        format!("shasum {}", hex::encode(digest))
    } else {
        format!("{algorithm}-{}", B64.encode(digest))
    }
}

/// The strongest well-formed hash of an SRI string (space-separated `algo-base64[?opts]`);
/// unknown algorithms and malformed entries are ignored.
pub fn parse_sri(sri: &str) -> Option<Expected> {
    sri.split_whitespace()
        .filter_map(|entry| {
            let (algo, rest) = entry.split_once('-')?;
            let algorithm = HashAlgorithm::from_name(algo)?;
            let b64 = rest.split('?').next().unwrap_or(rest);
            let digest = B64.decode(b64).ok()?;
            (digest.len() == algorithm.digest_len()).then_some(Expected {
                algorithm,
                digest,
                from_shasum: false,
            })
        })
        .max_by_key(|e| e.algorithm)
}

/// A legacy hex SHA-1 `shasum`.
pub fn parse_shasum(shasum: &str) -> Option<Expected> {
    let digest = hex::decode(shasum.trim()).ok()?;
    (digest.len() == 20).then_some(Expected {
        algorithm: HashAlgorithm::Sha1,
        digest,
        from_shasum: true,
    })
}

/// What a `dist` lets us check: its integrity, else its shasum, else nothing.
pub fn expected_for(dist: &Dist) -> Option<Expected> {
    dist.integrity
        .as_deref()
        .and_then(parse_sri)
        .or_else(|| dist.shasum.as_deref().and_then(parse_shasum))
}

/// Hashes a stream chunk by chunk.
pub enum Hasher {
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    pub fn new(algorithm: HashAlgorithm) -> Hasher {
        match algorithm {
            HashAlgorithm::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            HashAlgorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            HashAlgorithm::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            HashAlgorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha1(h) => h.update(bytes),
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha384(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    pub fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// Hashes a whole buffer.
pub fn digest(algorithm: HashAlgorithm, bytes: &[u8]) -> Vec<u8> {
    let mut hasher = Hasher::new(algorithm);
    hasher.update(bytes);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_strongest_known_hash() {
        let data = b"hello";
        let s1 = format!("sha1-{}", B64.encode(digest(HashAlgorithm::Sha1, data)));
        let s512 = format!(
            "sha512-{}?opt",
            B64.encode(digest(HashAlgorithm::Sha512, data))
        );
        let e = parse_sri(&format!("md5-AAAA {s512}  {s1} sha256-bad!")).unwrap();
        assert_eq!(e.algorithm, HashAlgorithm::Sha512);
        assert_eq!(e.digest, digest(HashAlgorithm::Sha512, data));
        assert!(parse_sri("md5-AAAA").is_none());
        assert!(
            parse_sri("sha512-AAAA").is_none(),
            "wrong length is not a digest"
        );
        assert!(parse_sri("").is_none());
    }

    #[test]
    fn falls_back_to_shasum() {
        let dist = Dist {
            integrity: Some("nonsense".into()),
            shasum: Some(hex::encode(digest(HashAlgorithm::Sha1, b"x"))),
            ..Dist::default()
        };
        let e = expected_for(&dist).unwrap();
        assert!(e.from_shasum);
        assert_eq!(e.verification(), Verification::Sha1Shasum);
        assert!(expected_for(&Dist::default()).is_none());
        assert!(parse_shasum("zz").is_none());
    }
}
