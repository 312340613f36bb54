//! A WebSocket upgrade answered like a controller: the sink accepts the handshake
//! (RFC 6455), sends one text message with a harmless command carrying the run's mark
//! (`echo dsca-probe-…`), and records every message the client sends back, unmasked.
//! An agent that runs what it is sent shows the mark in a command it starts or in the
//! output it returns: remote command execution caught working (DSCA1012), the same
//! proof as a raw socket's. What it sends on its own (a host name, a token) is searched
//! for bait like any payload.

use super::conn::ConnectionContext;
use super::{Payload, shown_with_mark};
use base64::Engine as _;
use std::io::{Read, Write};

/// The GUID every server appends to the client's key (RFC 6455, 1.3).
const HANDSHAKE_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/// Characters of the client's messages shown in the connection record.
const SHOWN: usize = 512;

/// The `Sec-WebSocket-Accept` value for a client's `Sec-WebSocket-Key`.
pub(crate) fn accept_key(client_key: &str) -> String {
    let mut input = client_key.trim().as_bytes().to_vec();
    input.extend_from_slice(HANDSHAKE_GUID.as_bytes());
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &input);
    base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
}

/// One unmasked, final text frame (a server's frames are never masked).
pub(crate) fn text_frame(text: &str) -> Vec<u8> {
    let payload = text.as_bytes();
    let mut frame = vec![0x81];
    match payload.len() {
        len @ 0..=125 => frame.push(len as u8),
        len @ 126..=0xffff => {
            frame.push(126);
            frame.extend_from_slice(&(len as u16).to_be_bytes());
        }
        len => {
            frame.push(127);
            frame.extend_from_slice(&(len as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(payload);
    frame
}

/// The payloads of the text and binary frames (continuations included) in `bytes`, as
/// the client meant them (unmasked), one message per line, up to `max` bytes. Stops at a
/// close frame, at a frame cut short, or at bytes that are no frame; never panics.
pub fn client_messages(bytes: &[u8], max: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = 0usize;
    // Each frame takes at least its two header bytes, or the reading ends.
    while let Some(&[first, second]) = bytes.get(at..at + 2) {
        at += 2;
        let opcode = first & 0x0f;
        let masked = second & 0x80 != 0;
        let len = match second & 0x7f {
            126 => {
                let Some(ext) = bytes.get(at..at + 2) else {
                    break;
                };
                at += 2;
                u64::from(u16::from_be_bytes([ext[0], ext[1]]))
            }
            127 => {
                let Some(ext) = bytes.get(at..at + 8) else {
                    break;
                };
                at += 8;
                let mut raw = [0u8; 8];
                raw.copy_from_slice(ext);
                u64::from_be_bytes(raw)
            }
            len => u64::from(len),
        };
        let mask = if masked {
            let Some(key) = bytes.get(at..at + 4) else {
                break;
            };
            at += 4;
            [key[0], key[1], key[2], key[3]]
        } else {
            [0; 4]
        };
        // A frame longer than what arrived is read as far as it goes.
        let available = bytes.len().saturating_sub(at);
        let take = usize::try_from(len).map_or(available, |len| len.min(available));
        let payload = &bytes[at..at + take];
        at += take;
        match opcode {
            // Continuation, text, binary.
            0x0..=0x2 => {
                for (index, byte) in payload.iter().enumerate() {
                    if out.len() >= max {
                        return out;
                    }
                    out.push(byte ^ mask[index % 4]);
                }
                let whole = take as u64 == len;
                if whole && first & 0x80 != 0 && out.len() < max {
                    out.push(b'\n');
                }
            }
            // Close.
            0x8 => break,
            // Ping, pong.
            0x9 | 0xA => {}
            _ => break,
        }
        if take as u64 != len {
            break;
        }
    }
    out
}

/// Finishes an upgrade the client asked for: the handshake's answer, the probe command,
/// then everything the client sends until it goes away (or the connection's limits end
/// it), recorded as the connection's first bytes and as a payload for the bait search.
pub(crate) fn serve<C: Read + Write>(
    context: &ConnectionContext<'_>,
    connection: &mut C,
    client_key: &str,
    leftover: Vec<u8>,
    url: String,
    time_ms: u64,
) {
    let shared = context.shared;
    let mut answer = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
        accept_key(client_key)
    )
    .into_bytes();
    answer.extend_from_slice(&text_frame(&format!("echo {}", shared.config.probe_mark)));
    if connection.write_all(&answer).is_err() || connection.flush().is_err() {
        return;
    }
    context.update(|c| c.kind = dsca_model::dynamic::PROBED_CONNECTION.to_string());
    let max = shared.config.limits.max_capture_bytes;
    let received = super::conn::read_until_gone(connection, leftover, max);
    let messages = client_messages(&received, max);
    let shown = shown_with_mark(&messages, &shared.config.probe_mark, SHOWN);
    context.update(|c| c.first_bytes = shown);
    let payload = Payload {
        channel: "websocket".to_string(),
        destination: url,
        bytes: messages,
        time_ms,
    };
    shared.record(|r| r.payload(payload));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accept_key_is_the_rfcs() {
        // RFC 6455, 1.3.
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    fn masked(opcode: u8, fin: bool, payload: &[u8], mask: [u8; 4]) -> Vec<u8> {
        let mut frame = vec![opcode | if fin { 0x80 } else { 0 }];
        if payload.len() < 126 {
            frame.push(0x80 | payload.len() as u8);
        } else {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        }
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        frame
    }

    #[test]
    fn client_frames_are_unmasked_one_message_a_line() {
        let mut bytes = masked(0x1, true, b"{\"id\":\"alex-thinkpad\"}", [1, 2, 3, 4]);
        bytes.extend(masked(0x9, true, b"ping", [9, 9, 9, 9]));
        bytes.extend(masked(0x1, false, b"dsca-probe-", [5, 6, 7, 8]));
        bytes.extend(masked(0x0, true, b"0011", [0, 1, 0, 1]));
        let long = vec![b'x'; 300];
        bytes.extend(masked(0x2, true, &long, [7, 7, 7, 7]));
        bytes.extend(masked(0x8, true, b"", [0, 0, 0, 0]));
        bytes.extend(masked(0x1, true, b"after close", [1, 1, 1, 1]));
        let text = client_messages(&bytes, 4096);
        let expected = format!(
            "{{\"id\":\"alex-thinkpad\"}}\ndsca-probe-0011\n{}\n",
            "x".repeat(300)
        );
        assert_eq!(String::from_utf8(text).unwrap(), expected);
        assert_eq!(client_messages(&bytes, 10), b"{\"id\":\"ale");
    }

    #[test]
    fn frames_cut_short_or_garbage_end_the_reading_without_panic() {
        let frame = masked(0x1, true, b"hello there", [3, 1, 4, 1]);
        for cut in 0..frame.len() {
            let _ = client_messages(&frame[..cut], 4096);
        }
        assert_eq!(
            client_messages(&frame[..frame.len() - 3], 4096),
            b"hello th"
        );
        let mut huge = vec![0x81, 0xff];
        huge.extend_from_slice(&u64::MAX.to_be_bytes());
        huge.extend_from_slice(&[0, 0, 0, 0, b'a', b'b']);
        assert_eq!(client_messages(&huge, 4096), b"ab");
        assert!(client_messages(b"\x83\x00", 4096).is_empty());
    }

    #[test]
    fn server_frames_carry_their_length() {
        assert_eq!(text_frame("hi"), b"\x81\x02hi");
        let long = "y".repeat(200);
        let frame = text_frame(&long);
        assert_eq!(&frame[..4], &[0x81, 126, 0, 200]);
        assert_eq!(frame.len(), 204);
    }
}
