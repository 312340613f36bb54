//! A DNS message parser for what a capture report needs: the questions and the
//! A, AAAA and CNAME answers. Hand-written rather than a full DNS library because only
//! this subset matters and every limit must hold on hostile input: compression
//! pointers may only point backwards (so they cannot loop), names stop at 255 bytes and
//! labels at 63, and record counts are capped.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const MAX_NAME_LEN: usize = 255;
/// Records read per section; the rest of a longer section is ignored.
const MAX_RECORDS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: u16,
    pub is_response: bool,
    pub rcode: u8,
    pub questions: Vec<Question>,
    pub answers: Vec<Answer>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub name: String,
    pub qtype: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub name: String,
    pub data: AnswerData,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerData {
    Address(IpAddr),
    Cname(String),
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DnsError {
    #[error("message shorter than its header")]
    ShortHeader,
    #[error("record runs past the end of the message")]
    Truncated,
    #[error("compression pointer does not point backwards")]
    BadPointer,
    #[error("label longer than 63 bytes")]
    LongLabel,
    #[error("name longer than 255 bytes")]
    LongName,
    #[error("address record of the wrong length")]
    BadAddress,
}

pub fn parse(message: &[u8]) -> Result<Message, DnsError> {
    if message.len() < 12 {
        return Err(DnsError::ShortHeader);
    }
    let count = |at: usize| usize::from(u16::from_be_bytes([message[at], message[at + 1]]));
    let (question_count, answer_count) = (count(4), count(6));
    let mut at = 12;
    let mut questions = Vec::new();
    for _ in 0..question_count.min(MAX_RECORDS) {
        let (name, next) = read_name(message, at)?;
        let qtype = read_u16(message, next)?;
        read_u16(message, next + 2)?;
        questions.push(Question { name, qtype });
        at = next + 4;
    }
    let mut answers = Vec::new();
    if question_count <= MAX_RECORDS {
        for _ in 0..answer_count.min(MAX_RECORDS) {
            let (name, next) = read_name(message, at)?;
            let rtype = read_u16(message, next)?;
            let data_len = usize::from(read_u16(message, next + 8)?);
            let data_start = next + 10;
            let data = message
                .get(data_start..data_start + data_len)
                .ok_or(DnsError::Truncated)?;
            let data = match rtype {
                1 => {
                    let octets: [u8; 4] = data.try_into().map_err(|_| DnsError::BadAddress)?;
                    AnswerData::Address(IpAddr::V4(Ipv4Addr::from(octets)))
                }
                28 => {
                    let octets: [u8; 16] = data.try_into().map_err(|_| DnsError::BadAddress)?;
                    AnswerData::Address(IpAddr::V6(Ipv6Addr::from(octets)))
                }
                5 => AnswerData::Cname(read_name(message, data_start)?.0),
                _ => AnswerData::Other,
            };
            answers.push(Answer { name, data });
            at = data_start + data_len;
        }
    }
    Ok(Message {
        id: u16::from_be_bytes([message[0], message[1]]),
        is_response: message[2] & 0x80 != 0,
        rcode: message[3] & 0x0f,
        questions,
        answers,
    })
}

fn read_u16(message: &[u8], at: usize) -> Result<u16, DnsError> {
    let bytes = message.get(at..at + 2).ok_or(DnsError::Truncated)?;
    Ok(u16::from_be_bytes([bytes[0], bytes[1]]))
}

/// The name at `at` (lower-cased, dot-separated, no trailing dot, `.` for the root) and
/// the offset just after it in the message.
fn read_name(message: &[u8], start: usize) -> Result<(String, usize), DnsError> {
    let mut name = String::new();
    let mut wire_len = 0;
    let mut at = start;
    let mut end_of_name = None;
    // Every pointer must go strictly before the previous position: no loops possible.
    let mut lowest_jump = start;
    loop {
        let len = *message.get(at).ok_or(DnsError::Truncated)?;
        match len & 0xc0 {
            0x00 if len == 0 => {
                let after = end_of_name.unwrap_or(at + 1);
                if name.is_empty() {
                    name.push('.');
                }
                return Ok((name, after));
            }
            0x00 => {
                let len = usize::from(len);
                wire_len += len + 1;
                if wire_len + 1 > MAX_NAME_LEN {
                    return Err(DnsError::LongName);
                }
                let label = message
                    .get(at + 1..at + 1 + len)
                    .ok_or(DnsError::Truncated)?;
                if !name.is_empty() {
                    name.push('.');
                }
                push_label(&mut name, label);
                at += 1 + len;
            }
            0xc0 => {
                let low = *message.get(at + 1).ok_or(DnsError::Truncated)?;
                let target = usize::from(u16::from_be_bytes([len & 0x3f, low]));
                if target >= lowest_jump {
                    return Err(DnsError::BadPointer);
                }
                end_of_name.get_or_insert(at + 2);
                lowest_jump = target;
                at = target;
            }
            // Length bytes of 64 and more are the reserved label types 01 and 10.
            _ => return Err(DnsError::LongLabel),
        }
    }
}

/// Lower-case letters; bytes outside printable ASCII, dots and backslashes inside a
/// label as `\DDD`, as dig shows them.
fn push_label(name: &mut String, label: &[u8]) {
    for &byte in label {
        match byte {
            b'.' | b'\\' => {
                name.push('\\');
                name.push(byte as char);
            }
            0x21..=0x7e => name.push(byte.to_ascii_lowercase() as char),
            _ => {
                name.push('\\');
                name.push_str(&format!("{byte:03}"));
            }
        }
    }
}

/// The mnemonic of a query type, `TYPEnnn` for the rest (RFC 3597).
pub fn type_name(qtype: u16) -> String {
    let known = match qtype {
        1 => "A",
        2 => "NS",
        5 => "CNAME",
        6 => "SOA",
        12 => "PTR",
        15 => "MX",
        16 => "TXT",
        28 => "AAAA",
        33 => "SRV",
        35 => "NAPTR",
        43 => "DS",
        48 => "DNSKEY",
        64 => "SVCB",
        65 => "HTTPS",
        255 => "ANY",
        _ => return format!("TYPE{qtype}"),
    };
    known.to_string()
}

pub fn rcode_name(rcode: u8) -> String {
    match rcode {
        0 => "NOERROR".into(),
        1 => "FORMERR".into(),
        2 => "SERVFAIL".into(),
        3 => "NXDOMAIN".into(),
        4 => "NOTIMP".into(),
        5 => "REFUSED".into(),
        other => format!("RCODE{other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A query for `name` with type `qtype`.
    pub fn query(name: &str, qtype: u16) -> Vec<u8> {
        let mut message = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        for label in name.split('.') {
            message.push(label.len() as u8);
            message.extend_from_slice(label.as_bytes());
        }
        message.push(0);
        message.extend_from_slice(&qtype.to_be_bytes());
        message.extend_from_slice(&[0, 1]);
        message
    }

    #[test]
    fn parses_a_query_and_lowercases() {
        let message = parse(&query("Registry.NPMJS.org", 1)).unwrap();
        assert!(!message.is_response);
        assert_eq!(message.questions[0].name, "registry.npmjs.org");
        assert_eq!(message.questions[0].qtype, 1);
    }

    #[test]
    fn parses_compressed_answers() {
        let mut message = query("a.example", 1);
        message[2] = 0x81;
        message[3] = 0x80;
        message[7] = 2;
        // CNAME a.example -> b.a.example (b + pointer to 12), then A for that.
        message.extend_from_slice(&[0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 4, 1, b'b', 0xc0, 12]);
        let cname_target = message.len() - 4;
        message.extend_from_slice(&[0xc0, cname_target as u8, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
        message.extend_from_slice(&[192, 0, 2, 7]);
        let parsed = parse(&message).unwrap();
        assert_eq!(
            parsed.answers,
            vec![
                Answer {
                    name: "a.example".into(),
                    data: AnswerData::Cname("b.a.example".into())
                },
                Answer {
                    name: "b.a.example".into(),
                    data: AnswerData::Address("192.0.2.7".parse().unwrap())
                }
            ]
        );
    }

    #[test]
    fn rejects_pointer_loops_and_forward_pointers() {
        let mut message = vec![0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        message.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
        assert_eq!(parse(&message), Err(DnsError::BadPointer));
        let mut forward = vec![0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        forward.extend_from_slice(&[0xc0, 14, 0, 0, 1, 0, 1]);
        assert_eq!(parse(&forward), Err(DnsError::BadPointer));
    }

    #[test]
    fn rejects_long_labels_and_names() {
        let mut message = vec![0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 64];
        message.extend_from_slice(&[b'a'; 64]);
        message.extend_from_slice(&[0, 0, 1, 0, 1]);
        assert_eq!(parse(&message), Err(DnsError::LongLabel));
        let long = ["abcdefghijklmnopqrstuvwxyz0123456789"; 8].join(".");
        assert_eq!(parse(&query(&long, 1)), Err(DnsError::LongName));
    }

    #[test]
    fn escapes_odd_bytes() {
        let mut message = vec![0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, b'a', 0x1b, b'.', 0];
        message.extend_from_slice(&[0, 1, 0, 1]);
        assert_eq!(parse(&message).unwrap().questions[0].name, "a\\027\\.");
    }

    #[test]
    fn truncated_messages_are_errors() {
        let full = query("a.example", 1);
        for cut in 0..full.len() - 1 {
            assert!(parse(&full[..cut]).is_err(), "cut at {cut}");
        }
    }
}
