//! An RSA key pair in OpenSSH's format (`openssh-key-v1`, unencrypted), shaped like one
//! `ssh-keygen -t rsa -b 3072` writes: tools that parse the container see the right
//! fields and lengths. The numbers are random, not a usable key: bait only has to look
//! real to a package that reads it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{random_bytes, retry_until_inconspicuous};

pub(crate) struct KeyPair {
    /// `-----BEGIN OPENSSH PRIVATE KEY-----` ... with 70-character lines.
    pub private_pem: String,
    /// `ssh-rsa AAAA... user@host`.
    pub public_line: String,
    /// One whole line of the PEM from inside the private exponent: what detection looks for.
    pub private_marker: String,
}

const MODULUS_BYTES: usize = 384; // 3072 bits
const LINE: usize = 70;

fn put_u32(out: &mut Vec<u8>, value: usize) {
    out.extend_from_slice(&u32::try_from(value).unwrap_or(u32::MAX).to_be_bytes());
}

fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    put_u32(out, bytes.len());
    out.extend_from_slice(bytes);
}

/// A positive multi-precision integer of `bytes` random bytes with the top bit set (and
/// so a leading zero byte, as SSH's mpint encoding requires).
fn random_mpint(bytes: usize, odd: bool) -> Vec<u8> {
    let mut number = random_bytes(bytes);
    if let Some(first) = number.first_mut() {
        *first |= 0x80;
    }
    if odd && let Some(last) = number.last_mut() {
        *last |= 1;
    }
    let mut out = Vec::with_capacity(bytes + 1);
    out.push(0);
    out.extend_from_slice(&number);
    out
}

pub(crate) fn rsa_key_pair(user: &str) -> KeyPair {
    retry_until_inconspicuous(|| {
        let pair = draw(user);
        let clean = super::is_inconspicuous(pair.private_pem.as_bytes())
            && super::is_inconspicuous(pair.public_line.as_bytes());
        (pair, clean)
    })
}

fn draw(user: &str) -> KeyPair {
    let exponent = [0x01, 0x00, 0x01];
    let modulus = random_mpint(MODULUS_BYTES, true);

    let mut public = Vec::new();
    put_string(&mut public, b"ssh-rsa");
    put_string(&mut public, &exponent);
    put_string(&mut public, &modulus);

    let host = random_bytes(3);
    let comment = format!(
        "{user}@ip-10-{}-{}-{}",
        host.first().copied().unwrap_or(0),
        host.get(1).copied().unwrap_or(0),
        host.get(2).copied().unwrap_or(0)
    );

    let check = random_bytes(4);
    let mut private = Vec::new();
    private.extend_from_slice(&check);
    private.extend_from_slice(&check);
    put_string(&mut private, b"ssh-rsa");
    put_string(&mut private, &modulus);
    put_string(&mut private, &exponent);
    let private_exponent_at = private.len() + 4;
    put_string(&mut private, &random_mpint(MODULUS_BYTES, false)); // d
    put_string(&mut private, &random_mpint(MODULUS_BYTES / 2, false)); // iqmp
    put_string(&mut private, &random_mpint(MODULUS_BYTES / 2, true)); // p
    put_string(&mut private, &random_mpint(MODULUS_BYTES / 2, true)); // q
    put_string(&mut private, comment.as_bytes());
    let mut pad = 1u8;
    while private.len() % 8 != 0 {
        private.push(pad);
        pad += 1;
    }

    let mut container = b"openssh-key-v1\0".to_vec();
    put_string(&mut container, b"none"); // cipher
    put_string(&mut container, b"none"); // kdf
    put_string(&mut container, b""); // kdf options
    put_u32(&mut container, 1); // keys
    put_string(&mut container, &public);
    let private_at = container.len() + 4;
    put_string(&mut container, &private);

    let encoded = STANDARD.encode(&container);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(LINE)
        .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
        .collect();
    // The line holding the middle of d: entirely random characters.
    let middle = private_at + private_exponent_at + MODULUS_BYTES / 2;
    let marker_line = (middle * 4 / 3) / LINE;
    let private_marker = lines
        .get(marker_line)
        .copied()
        .unwrap_or_default()
        .to_string();

    let mut private_pem = String::from("-----BEGIN OPENSSH PRIVATE KEY-----\n");
    for line in &lines {
        private_pem.push_str(line);
        private_pem.push('\n');
    }
    private_pem.push_str("-----END OPENSSH PRIVATE KEY-----\n");
    KeyPair {
        private_pem,
        public_line: format!("ssh-rsa {} {comment}\n", STANDARD.encode(&public)),
        private_marker,
    }
}
