//! The sandbox's DNS server: answers every A question (the registry's hosts with the
//! registry proxy, every other name with a sinkhole address of its own from
//! 198.18.0.0/15, so a later connection maps back to the name), every other type with
//! an empty NOERROR (clients then fall back to IPv4), and records every question.
//!
//! Queries are parsed by `dsca_pcap::dns::parse` (bounded: backward-only compression
//! pointers, 255-byte names, capped record counts); answers are built by hand and echo
//! the client's question.

use super::Shared;
use super::conn::Metered;
use super::socket;
use dsca_model::dynamic::DnsQuery;
use dsca_pcap::dns::{parse, type_name};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;

const TYPE_A: u16 = 1;
const RCODE_FORMERR: u8 = 1;
const RCODE_NOTIMP: u8 = 4;
/// Sinkhole answers live this long in client caches.
const ANSWER_TTL: u32 = 60;
/// Largest UDP query read (EDNS clients announce at most 4096 mostly).
const MAX_UDP_MESSAGE: usize = 4096;
/// Messages answered on one DNS-over-TCP connection.
const MAX_TCP_MESSAGES: usize = 1000;

/// 198.18.0.0/15 (RFC 2544 benchmarking space): routed nowhere, so a sinkhole address
/// means only "the name dsca answered for".
const SINKHOLE_BASE: u32 = u32::from_be_bytes([198, 18, 0, 0]);
const SINKHOLE_SIZE: u32 = 1 << 17;
/// Shared by every name past the table's limit (they are then not told apart).
const SINKHOLE_OVERFLOW: u32 = SINKHOLE_BASE + SINKHOLE_SIZE - 2;

/// A standard query (RD set) for `name` (dot-separated labels of at most 63 bytes),
/// as a stub resolver sends it: for tests and probes of the server.
pub fn build_query(id: u16, name: &str, qtype: u16) -> Vec<u8> {
    let mut message = id.to_be_bytes().to_vec();
    message.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    for label in name.split('.').filter(|l| !l.is_empty()) {
        let label = &label.as_bytes()[..label.len().min(63)];
        message.push(label.len() as u8);
        message.extend_from_slice(label);
    }
    message.push(0);
    message.extend_from_slice(&qtype.to_be_bytes());
    message.extend_from_slice(&1u16.to_be_bytes());
    message
}

/// One sinkhole address per distinct name, stable for the run.
#[derive(Debug)]
pub struct NameTable {
    max_names: usize,
    by_name: HashMap<String, Ipv4Addr>,
    by_address: HashMap<Ipv4Addr, String>,
}

impl NameTable {
    pub fn new(max_names: usize) -> NameTable {
        // Addresses .0 and the overflow one are never given to a single name.
        let room = (SINKHOLE_SIZE - 3) as usize;
        NameTable {
            max_names: max_names.min(room),
            by_name: HashMap::new(),
            by_address: HashMap::new(),
        }
    }

    /// The name's address, allocated on first use.
    pub fn address_for(&mut self, name: &str) -> Ipv4Addr {
        if let Some(address) = self.by_name.get(name) {
            return *address;
        }
        if self.by_name.len() >= self.max_names {
            return Ipv4Addr::from(SINKHOLE_OVERFLOW);
        }
        let offset = u32::try_from(self.by_name.len()).unwrap_or(u32::MAX) + 1;
        let address = Ipv4Addr::from(SINKHOLE_BASE + offset);
        self.by_name.insert(name.to_string(), address);
        self.by_address.insert(address, name.to_string());
        address
    }

    /// The name a sinkhole address was given for.
    pub fn name_of(&self, address: Ipv4Addr) -> Option<&str> {
        self.by_address.get(&address).map(String::as_str)
    }
}

/// One question as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskedQuestion {
    pub name: String,
    pub qtype: u16,
    /// An address, `empty`, or the error code answered.
    pub answer: String,
}

/// What one DNS message asked and what to send back.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Exchange {
    pub questions: Vec<AskedQuestion>,
    /// None when the message deserves no answer (too short, or itself a response).
    pub response: Option<Vec<u8>>,
    /// The message was not a well-formed standard query.
    pub malformed: bool,
}

/// Parses one DNS message and builds the answer; `resolve` gives the address for an
/// A question (the name is lower-cased and escaped as `dsca_pcap` prints it).
pub fn exchange(message: &[u8], mut resolve: impl FnMut(&str) -> Ipv4Addr) -> Exchange {
    let Some(header) = message.get(..12) else {
        return Exchange {
            malformed: true,
            ..Exchange::default()
        };
    };
    let flags = header[2];
    if flags & 0x80 != 0 {
        // A response sent to the server: never answer it (no reflection loops).
        return Exchange {
            malformed: true,
            ..Exchange::default()
        };
    }
    let opcode = (flags >> 3) & 0x0f;
    if opcode != 0 {
        return Exchange {
            questions: Vec::new(),
            response: Some(error_response(header, RCODE_NOTIMP)),
            malformed: true,
        };
    }
    let formerr = |questions| Exchange {
        questions,
        response: Some(error_response(header, RCODE_FORMERR)),
        malformed: true,
    };
    let Ok(parsed) = parse(message) else {
        return formerr(Vec::new());
    };
    let question_end = skip_name(message, 12).map(|end| end + 4);
    let (Some(question_end), [question]) = (question_end, parsed.questions.as_slice()) else {
        let asked = parsed
            .questions
            .iter()
            .map(|q| AskedQuestion {
                name: q.name.clone(),
                qtype: q.qtype,
                answer: "FORMERR".to_string(),
            })
            .collect();
        return formerr(asked);
    };
    let Some(question_bytes) = message.get(12..question_end) else {
        return formerr(Vec::new());
    };
    let address = (question.qtype == TYPE_A).then(|| resolve(&question.name));
    let mut response = Vec::with_capacity(question_bytes.len() + 28);
    response.extend_from_slice(&header[..2]);
    // QR, the query's opcode (0) and RD, AA; RA, NOERROR.
    response.push(0x80 | 0x04 | (flags & 0x01));
    response.push(0x80);
    response.extend_from_slice(&1u16.to_be_bytes());
    response.extend_from_slice(&u16::from(address.is_some()).to_be_bytes());
    response.extend_from_slice(&[0, 0, 0, 0]);
    response.extend_from_slice(question_bytes);
    if let Some(address) = address {
        // The name as a pointer to the question's (offset 12), type A, class IN.
        response.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
        response.extend_from_slice(&ANSWER_TTL.to_be_bytes());
        response.extend_from_slice(&4u16.to_be_bytes());
        response.extend_from_slice(&address.octets());
    }
    Exchange {
        questions: vec![AskedQuestion {
            name: question.name.clone(),
            qtype: question.qtype,
            answer: address.map_or_else(|| "empty".to_string(), |a| a.to_string()),
        }],
        response: Some(response),
        malformed: false,
    }
}

/// A header-only answer with `rcode` for a message that could not be served.
fn error_response(header: &[u8], rcode: u8) -> Vec<u8> {
    let mut response = vec![0u8; 12];
    response[..2].copy_from_slice(&header[..2]);
    response[2] = 0x80 | (header[2] & 0x79);
    response[3] = 0x80 | rcode;
    response
}

/// The offset just after the (already validated) name at `at`.
fn skip_name(message: &[u8], mut at: usize) -> Option<usize> {
    // 128 labels cover any 255-byte name.
    for _ in 0..128 {
        let len = *message.get(at)?;
        match len & 0xc0 {
            0x00 if len == 0 => return Some(at + 1),
            0x00 => at += 1 + usize::from(len),
            0xc0 => return message.get(at + 1).map(|_| at + 2),
            _ => return None,
        }
    }
    None
}

impl Shared {
    /// Answers one message and records its questions.
    fn answer_dns(&self, message: &[u8], transport: &str, resolver: &str) -> Option<Vec<u8>> {
        let time_ms = self.now_ms();
        let registry_address = self.config.registry_address;
        let exchange = exchange(message, |name| {
            if self.is_registry_host(name) {
                registry_address
            } else {
                super::lock(&self.names).address_for(name)
            }
        });
        if exchange.malformed {
            self.count_dropped("dns-malformed");
        }
        for question in exchange.questions {
            let registry = self.is_registry_host(&question.name);
            self.record(|r| {
                r.dns(DnsQuery {
                    phase: String::new(),
                    name: question.name,
                    qtype: type_name(question.qtype),
                    transport: transport.to_string(),
                    resolver: resolver.to_string(),
                    time_ms,
                    pid: None,
                    registry,
                    answer: question.answer,
                })
            });
        }
        exchange.response
    }
}

/// Serves DNS over UDP until the stop flag is set.
pub(crate) fn serve_udp(shared: &Shared, socket: &UdpSocket, pktinfo: bool) {
    let local = socket.local_addr().ok();
    let port = local.map_or(53, |a| a.port());
    let mut buf = vec![0u8; MAX_UDP_MESSAGE];
    while !shared.stopping() {
        if !shared.wait_readable(socket.as_raw_fd()) {
            continue;
        }
        if pktinfo {
            let Ok((len, sender, destination)) = socket::recv_with_destination(socket, &mut buf)
            else {
                continue;
            };
            let destination = destination.or_else(|| local.map(|a| a.ip()));
            let resolver =
                destination.map_or_else(String::new, |d| SocketAddr::new(d, port).to_string());
            let message = buf.get(..len).unwrap_or_default();
            if let Some(response) = shared.answer_dns(message, "udp", &resolver) {
                let _ = match destination {
                    Some(from) => socket::send_from(socket, &response, sender, from),
                    None => socket.send_to(&response, sender),
                };
            }
        } else {
            let Ok((len, sender)) = socket.recv_from(&mut buf) else {
                continue;
            };
            let resolver = local.map_or_else(String::new, |a| a.to_string());
            let message = buf.get(..len).unwrap_or_default();
            if let Some(response) = shared.answer_dns(message, "udp", &resolver) {
                let _ = socket.send_to(&response, sender);
            }
        }
    }
}

/// Serves length-prefixed DNS messages on one TCP connection.
pub(crate) fn serve_tcp(shared: &Shared, stream: &mut Metered, resolver: &str) {
    let mut message = Vec::new();
    for _ in 0..MAX_TCP_MESSAGES {
        stream.begin_request();
        let mut length = [0u8; 2];
        if stream.read_exact(&mut length).is_err() {
            return;
        }
        message.resize(usize::from(u16::from_be_bytes(length)), 0);
        if stream.read_exact(&mut message).is_err() {
            shared.count_dropped("dns-malformed");
            return;
        }
        let Some(response) = shared.answer_dns(&message, "tcp", resolver) else {
            continue;
        };
        let Ok(len) = u16::try_from(response.len()) else {
            return;
        };
        let mut framed = len.to_be_bytes().to_vec();
        framed.extend_from_slice(&response);
        if stream.write_all(&framed).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_gets_the_resolved_address_and_echoes_the_question() {
        let message = build_query(0x1234, "Evil.EXAMPLE", 1);
        let exchange = exchange(&message, |name| {
            assert_eq!(name, "evil.example");
            Ipv4Addr::new(198, 18, 0, 7)
        });
        assert!(!exchange.malformed);
        assert_eq!(exchange.questions[0].answer, "198.18.0.7");
        let response = exchange.response.unwrap();
        let parsed = parse(&response).unwrap();
        assert_eq!(parsed.id, 0x1234);
        assert!(parsed.is_response);
        assert_eq!(parsed.rcode, 0);
        assert_eq!(parsed.questions[0].name, "evil.example");
        assert_eq!(
            parsed.answers[0].data,
            dsca_pcap::dns::AnswerData::Address(Ipv4Addr::new(198, 18, 0, 7).into())
        );
        // The question keeps the client's letter case (0x20 randomisation).
        assert_eq!(&response[12..message.len()], &message[12..]);
    }

    #[test]
    fn other_types_get_an_empty_answer_without_allocating() {
        let exchange = exchange(&build_query(1, "a.example", 28), |_| {
            panic!("no address for AAAA")
        });
        let parsed = parse(&exchange.response.unwrap()).unwrap();
        assert_eq!(parsed.rcode, 0);
        assert!(parsed.answers.is_empty());
        assert_eq!(exchange.questions[0].answer, "empty");
    }

    #[test]
    fn malformed_messages_get_formerr_or_nothing() {
        assert_eq!(exchange(b"short", |_| Ipv4Addr::LOCALHOST).response, None);
        let mut truncated = build_query(7, "a.example", 1);
        truncated.truncate(20);
        let exchange_ = exchange(&truncated, |_| Ipv4Addr::LOCALHOST);
        assert!(exchange_.malformed);
        let response = exchange_.response.unwrap();
        assert_eq!(response[3] & 0x0f, RCODE_FORMERR);
        assert_eq!(&response[..2], &[0, 7]);
        // A response is never answered.
        let mut response_message = build_query(8, "a.example", 1);
        response_message[2] |= 0x80;
        assert_eq!(
            exchange(&response_message, |_| Ipv4Addr::LOCALHOST).response,
            None
        );
        // A compression loop in the question is refused, not followed.
        let mut looping = build_query(9, "a", 1);
        looping.truncate(12);
        looping.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
        assert!(exchange(&looping, |_| Ipv4Addr::LOCALHOST).malformed);
    }

    #[test]
    fn each_name_gets_its_own_stable_address_until_the_limit() {
        let mut table = NameTable::new(2);
        let a = table.address_for("a.example");
        let b = table.address_for("b.example");
        assert_ne!(a, b);
        assert_eq!(table.address_for("a.example"), a);
        assert_eq!(a, Ipv4Addr::new(198, 18, 0, 1));
        assert_eq!(table.name_of(b), Some("b.example"));
        let overflow = table.address_for("c.example");
        assert_eq!(overflow, Ipv4Addr::new(198, 19, 255, 254));
        assert_eq!(table.name_of(overflow), None);
    }
}
