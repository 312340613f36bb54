//! The server name (SNI) of a TLS ClientHello, from the first bytes a client sent on a
//! TCP stream. The ClientHello may span several TLS records and several TCP segments:
//! [`client_hello`] says when it needs more bytes. Hand-written: only the record layer
//! and the ClientHello's extension list are walked, every length is checked.

/// TLS records carry at most 2^14 bytes of plaintext (a little more is tolerated).
const MAX_RECORD_LEN: usize = 16_384 + 2048;
/// ClientHellos larger than this are not reassembled.
pub const MAX_CLIENT_HELLO: usize = 32 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelloStatus {
    /// The stream does not start with a TLS handshake record.
    NotTls,
    /// A TLS handshake that is not a ClientHello (a server's side).
    OtherHandshake,
    NeedMore,
    Hello {
        server_name: Option<String>,
    },
    Malformed(TlsError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TlsError {
    #[error("TLS record longer than allowed")]
    LongRecord,
    #[error("ClientHello longer than 32 KiB")]
    LongHello,
    #[error("ClientHello interrupted by another record type")]
    Interleaved,
    #[error("ClientHello field runs past its end")]
    Truncated,
    #[error("malformed server_name extension")]
    BadServerName,
}

/// Does `stream` (the first bytes of one direction) look like a TLS handshake?
pub fn looks_like_tls(stream: &[u8]) -> bool {
    matches!(stream, [0x16, 0x03, ..] | [0x16])
}

/// Parse the ClientHello at the start of `stream`.
pub fn client_hello(stream: &[u8]) -> HelloStatus {
    if !looks_like_tls(stream) {
        return HelloStatus::NotTls;
    }
    // Collect the handshake bytes of consecutive handshake records.
    let mut handshake = Vec::new();
    let mut at = 0;
    loop {
        let Some(header) = stream.get(at..at + 5) else {
            return HelloStatus::NeedMore;
        };
        if header[0] != 0x16 || header[1] != 0x03 {
            return HelloStatus::Malformed(TlsError::Interleaved);
        }
        let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
        if len > MAX_RECORD_LEN {
            return HelloStatus::Malformed(TlsError::LongRecord);
        }
        let Some(fragment) = stream.get(at + 5..at + 5 + len) else {
            // Use what has arrived: the handshake header may already tell enough.
            handshake.extend_from_slice(&stream[at + 5..]);
            return match hello_len(&handshake) {
                Some(Err(status)) => status,
                _ => HelloStatus::NeedMore,
            };
        };
        handshake.extend_from_slice(fragment);
        at += 5 + len;
        match hello_len(&handshake) {
            None => continue,
            Some(Err(status)) => return status,
            Some(Ok(body_len)) if handshake.len() >= 4 + body_len => {
                return parse_hello(&handshake[4..4 + body_len]);
            }
            Some(Ok(_)) => continue,
        }
    }
}

/// The ClientHello body length, once the handshake header is there.
fn hello_len(handshake: &[u8]) -> Option<Result<usize, HelloStatus>> {
    let header = handshake.get(..4)?;
    if header[0] != 1 {
        return Some(Err(HelloStatus::OtherHandshake));
    }
    let len = usize::from(header[1]) << 16 | usize::from(header[2]) << 8 | usize::from(header[3]);
    if len > MAX_CLIENT_HELLO {
        return Some(Err(HelloStatus::Malformed(TlsError::LongHello)));
    }
    Some(Ok(len))
}

/// A cursor that fails instead of reading past the end.
struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], TlsError> {
        if self.bytes.len() < len {
            return Err(TlsError::Truncated);
        }
        let (head, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<usize, TlsError> {
        Ok(usize::from(self.take(1)?[0]))
    }

    fn u16(&mut self) -> Result<usize, TlsError> {
        let bytes = self.take(2)?;
        Ok(usize::from(u16::from_be_bytes([bytes[0], bytes[1]])))
    }

    /// A field with a one- or two-byte length prefix.
    fn vector(&mut self, prefix: usize) -> Result<&'a [u8], TlsError> {
        let len = if prefix == 1 { self.u8()? } else { self.u16()? };
        self.take(len)
    }
}

fn parse_hello(body: &[u8]) -> HelloStatus {
    match server_name(body) {
        Ok(server_name) => HelloStatus::Hello { server_name },
        Err(err) => HelloStatus::Malformed(err),
    }
}

fn server_name(body: &[u8]) -> Result<Option<String>, TlsError> {
    let mut hello = Cursor { bytes: body };
    hello.take(2 + 32)?; // version, random
    hello.vector(1)?; // session id
    hello.vector(2)?; // cipher suites
    hello.vector(1)?; // compression methods
    if hello.bytes.is_empty() {
        return Ok(None); // no extensions at all
    }
    let mut extensions = Cursor {
        bytes: hello.vector(2)?,
    };
    while !extensions.bytes.is_empty() {
        let kind = extensions.u16()?;
        let data = extensions.vector(2)?;
        if kind != 0 {
            continue;
        }
        let mut list = Cursor { bytes: data };
        let mut names = Cursor {
            bytes: list.vector(2).map_err(|_| TlsError::BadServerName)?,
        };
        while !names.bytes.is_empty() {
            let name_type = names.u8().map_err(|_| TlsError::BadServerName)?;
            let name = names.vector(2).map_err(|_| TlsError::BadServerName)?;
            if name_type == 0 {
                return Ok(Some(display_host(name)));
            }
        }
        return Ok(None);
    }
    Ok(None)
}

/// Host names are ASCII; anything else is shown as `\DDD` and letters are lower-cased.
pub fn display_host(name: &[u8]) -> String {
    let mut out = String::with_capacity(name.len());
    for &byte in name.iter().take(255) {
        match byte {
            0x21..=0x7e if byte != b'\\' => out.push(byte.to_ascii_lowercase() as char),
            _ => out.push_str(&format!("\\{byte:03}")),
        }
    }
    out.trim_end_matches('.').to_string()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A ClientHello record with `server_name` and `padding` bytes of a padding extension.
    pub fn client_hello_record(server_name: &str, padding: usize) -> Vec<u8> {
        let mut sni = Vec::new();
        let name = server_name.as_bytes();
        sni.extend_from_slice(&((name.len() + 3) as u16).to_be_bytes());
        sni.push(0);
        sni.extend_from_slice(&(name.len() as u16).to_be_bytes());
        sni.extend_from_slice(name);
        let mut extensions = Vec::new();
        extensions.extend_from_slice(&[0, 0]);
        extensions.extend_from_slice(&(sni.len() as u16).to_be_bytes());
        extensions.extend_from_slice(&sni);
        extensions.extend_from_slice(&[0, 21]);
        extensions.extend_from_slice(&(padding as u16).to_be_bytes());
        extensions.extend(std::iter::repeat_n(0, padding));
        let mut body = vec![3, 3];
        body.extend_from_slice(&[7; 32]);
        body.push(0);
        body.extend_from_slice(&[0, 2, 0x13, 0x01, 1, 0]);
        body.extend_from_slice(&(extensions.len() as u16).to_be_bytes());
        body.extend_from_slice(&extensions);
        let mut handshake = vec![1];
        handshake.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        handshake.extend_from_slice(&body);
        let mut record = vec![0x16, 3, 1];
        record.extend_from_slice(&(handshake.len() as u16).to_be_bytes());
        record.extend_from_slice(&handshake);
        record
    }

    #[test]
    fn finds_the_server_name() {
        let record = client_hello_record("Api.Example", 10);
        assert_eq!(
            client_hello(&record),
            HelloStatus::Hello {
                server_name: Some("api.example".into())
            }
        );
    }

    #[test]
    fn needs_more_until_complete() {
        let record = client_hello_record("api.example", 3000);
        for cut in [1, 5, 9, 100, record.len() - 1] {
            assert_eq!(client_hello(&record[..cut]), HelloStatus::NeedMore, "{cut}");
        }
    }

    #[test]
    fn reassembles_a_hello_split_over_records() {
        let record = client_hello_record("split.example", 200);
        let handshake = &record[5..];
        let mut stream = Vec::new();
        for part in handshake.chunks(50) {
            stream.extend_from_slice(&[0x16, 3, 3]);
            stream.extend_from_slice(&(part.len() as u16).to_be_bytes());
            stream.extend_from_slice(part);
        }
        assert_eq!(
            client_hello(&stream),
            HelloStatus::Hello {
                server_name: Some("split.example".into())
            }
        );
    }

    #[test]
    fn malformed_hellos_are_reported() {
        let mut record = client_hello_record("x.example", 0);
        let len = record.len();
        record[len - 15] = 0xff; // SNI name length past its end
        assert!(matches!(client_hello(&record), HelloStatus::Malformed(_)));
        assert_eq!(client_hello(b"GET / HTTP/1.1"), HelloStatus::NotTls);
        assert_eq!(
            client_hello(&[0x16, 3, 3, 0xff, 0xff]),
            HelloStatus::Malformed(TlsError::LongRecord)
        );
        assert_eq!(
            client_hello(&[0x16, 3, 3, 0, 4, 2, 0, 0, 0]),
            HelloStatus::OtherHandshake
        );
    }
}
