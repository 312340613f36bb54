//! Turns packets into the capture's story: names looked up and answered, connections,
//! TLS server names and HTTP hosts. Every table has a cap, so memory stays bounded
//! however long the capture is; what a cap drops is counted.

use crate::decode::{Decoder, Segment, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, Transport};
use crate::streams::{FlowKey, HalfStream, StreamGiveUp, StreamState, StreamTable};
use crate::{dns, http, tls};
use dsca_model::network::NameKind;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::net::IpAddr;

/// Distinct names, connections and hosts kept; later new ones are only counted.
const MAX_TABLE_ENTRIES: usize = 100_000;
/// Values kept per set (answers, clients, servers, ...).
const MAX_SET_VALUES: usize = 32;
const MAX_TCP_STREAMS: usize = 65_536;
const MAX_UDP_FLOWS: usize = 65_536;
const MAX_ADDRESS_NAMES: usize = 65_536;
/// Bytes held across all TCP streams.
const MAX_BUFFERED_BYTES: usize = 64 * 1024 * 1024;
/// Buffer per stream: a DNS message (64 KiB plus its length) or a ClientHello.
const DNS_STREAM_CAP: usize = 65_537 + 2048;
const SNIFF_STREAM_CAP: usize = tls::MAX_CLIENT_HELLO + 2048;

const DNS_PORT: u16 = 53;
const MDNS_PORT: u16 = 5353;
const LLMNR_PORT: u16 = 5355;

/// A set that stops growing at [`MAX_SET_VALUES`].
#[derive(Debug, Default, Clone)]
pub struct CappedSet(pub BTreeSet<String>);

impl CappedSet {
    fn insert(&mut self, value: impl ToString) {
        if self.0.len() < MAX_SET_VALUES {
            self.0.insert(value.to_string());
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Seen {
    pub first: i64,
    pub last: i64,
    pub count: u64,
}

impl Seen {
    /// Count one sighting at `time`.
    fn at(&mut self, time: i64) {
        if self.count == 0 {
            (self.first, self.last) = (time, time);
        }
        self.first = self.first.min(time);
        self.last = self.last.max(time);
        self.count += 1;
    }
}

#[derive(Debug, Default, Clone)]
pub struct NameEntry {
    pub seen: Seen,
    pub queries: u64,
    pub responses: u64,
    pub query_types: CappedSet,
    pub response_codes: CappedSet,
    pub servers: CappedSet,
    pub answers: CappedSet,
    pub clients: CappedSet,
}

#[derive(Debug, Default, Clone)]
pub struct ConnectionEntry {
    pub seen: Seen,
    pub names: CappedSet,
    pub clients: CappedSet,
}

#[derive(Debug, Default, Clone)]
pub struct HostEntry {
    pub seen: Seen,
    pub destinations: CappedSet,
    pub requests: CappedSet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
}

/// What the analysis found; turned into the report by `crate::report`.
#[derive(Debug, Default)]
pub struct Observations {
    pub packets: u64,
    pub bytes: u64,
    pub first_packet: Option<i64>,
    pub last_packet: Option<i64>,
    pub names: HashMap<(String, NameKind), NameEntry>,
    pub connections: HashMap<(Protocol, IpAddr, u16), ConnectionEntry>,
    pub tls_server_names: HashMap<String, HostEntry>,
    pub http_hosts: HashMap<String, HostEntry>,
    pub skipped: BTreeMap<String, u64>,
}

impl Observations {
    pub fn skip(&mut self, reason: impl Into<String>) {
        *self.skipped.entry(reason.into()).or_default() += 1;
    }
}

/// Feed it packets in capture order, then take its [`Observations`].
pub struct Analyzer {
    decoder: Decoder,
    streams: StreamTable,
    udp_flows: BoundedSet<FlowKey>,
    /// Address -> names whose answers gave it, for naming later connections.
    address_names: BoundedMap<IpAddr, CappedSet>,
    pub observations: Observations,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl Analyzer {
    pub fn new() -> Self {
        Analyzer {
            decoder: Decoder::new(),
            streams: StreamTable::new(MAX_TCP_STREAMS, MAX_BUFFERED_BYTES),
            udp_flows: BoundedSet::new(MAX_UDP_FLOWS),
            address_names: BoundedMap::new(MAX_ADDRESS_NAMES),
            observations: Observations::default(),
        }
    }

    pub fn packet(&mut self, time: i64, link_type: u32, frame: &[u8]) {
        let observations = &mut self.observations;
        observations.packets += 1;
        observations.bytes += frame.len() as u64;
        if observations.first_packet.is_none_or(|first| time < first) {
            observations.first_packet = Some(time);
        }
        if observations.last_packet.is_none_or(|last| time > last) {
            observations.last_packet = Some(time);
        }
        let mut decoder = std::mem::take(&mut self.decoder);
        let decoded = decoder.decode(link_type, frame, |segment| self.segment(time, segment));
        self.decoder = decoder;
        if let Err(skip) = decoded
            && let Some(reason) = skip.describe()
        {
            self.observations.skip(reason);
        }
    }

    pub fn finish(mut self) -> Observations {
        if self.streams.evicted > 0 {
            let evicted = self.streams.evicted;
            *self
                .observations
                .skipped
                .entry("TCP streams evicted from a full stream table".into())
                .or_default() += evicted;
        }
        self.observations
    }

    fn segment(&mut self, time: i64, segment: &Segment<'_>) {
        let key = FlowKey {
            source: segment.source,
            destination: segment.destination,
            source_port: segment.source_port,
            destination_port: segment.destination_port,
        };
        match segment.transport {
            Transport::Udp => self.udp(time, key, segment.payload),
            Transport::Tcp { seq, flags } => self.tcp(time, key, seq, flags, segment.payload),
        }
    }

    fn udp(&mut self, time: i64, key: FlowKey, payload: &[u8]) {
        if !self.udp_flows.contains(&key) && !self.udp_flows.contains(&key.reversed()) {
            self.udp_flows.insert(key);
            self.connection(time, Protocol::Udp, &key);
        }
        let ports = [key.source_port, key.destination_port];
        let kind = if ports.contains(&MDNS_PORT) {
            NameKind::Mdns
        } else if ports.contains(&LLMNR_PORT) {
            NameKind::Llmnr
        } else if ports.contains(&DNS_PORT) {
            NameKind::Dns
        } else {
            return;
        };
        self.dns_message(time, &key, kind, payload);
    }

    fn tcp(&mut self, time: i64, key: FlowKey, seq: u32, flags: u8, payload: &[u8]) {
        let is_dns = key.source_port == DNS_PORT || key.destination_port == DNS_PORT;
        let initial = if is_dns {
            StreamState::Dns
        } else {
            StreamState::Sniffing
        };
        if flags & TCP_SYN != 0 {
            if flags & TCP_ACK == 0 {
                self.connection(time, Protocol::Tcp, &key);
            }
            self.streams.open(key, seq.wrapping_add(1), initial);
            return;
        }
        if flags & TCP_RST != 0 {
            self.streams.remove(&key);
            return;
        }
        if !payload.is_empty() {
            if !self.streams.contains(&key) {
                // The capture began mid-connection: read from here.
                self.streams.open(key, seq, initial);
            }
            self.stream_bytes(time, key, seq, payload);
        }
        if flags & TCP_FIN != 0 {
            self.streams.remove(&key);
        }
    }

    fn stream_bytes(&mut self, time: i64, key: FlowKey, seq: u32, payload: &[u8]) {
        let Some(state) = self.streams.state(&key) else {
            return;
        };
        // Bulk data of a stream that is neither TLS nor HTTP is never copied.
        if state == StreamState::Sniffing
            && self.streams.at_start(&key, seq)
            && !tls::looks_like_tls(payload)
            && !http::looks_like_http(payload)
        {
            self.streams.finish(&key);
            return;
        }
        let cap = if state == StreamState::Dns {
            DNS_STREAM_CAP
        } else {
            SNIFF_STREAM_CAP
        };
        let mut messages = Vec::new();
        let mut found = None;
        let result = self
            .streams
            .feed(&key, seq, payload, cap, |stream| match stream.state {
                StreamState::Dns => {
                    take_dns_messages(stream, &mut messages);
                    if stream.buffer.len() >= DNS_STREAM_CAP {
                        stream.finish();
                    }
                }
                StreamState::Sniffing => {
                    found = Some(sniff(stream));
                }
                StreamState::Done => {}
            });
        match result {
            Err(StreamGiveUp::Gap) => self
                .observations
                .skip("TCP stream with a gap too large to reassemble"),
            Err(StreamGiveUp::Budget) => self
                .observations
                .skip("TCP stream over the reassembly memory budget"),
            Ok(()) => {}
        }
        for message in messages {
            self.dns_message(time, &key, NameKind::Dns, &message);
        }
        match found {
            Some(Sniffed::ServerName(host)) => {
                let destination = endpoint(key.destination, key.destination_port);
                let entry = self.observations.tls_server_names.entry(host).or_default();
                entry.seen.at(time);
                entry.destinations.insert(destination);
            }
            Some(Sniffed::Request { host, line }) => {
                let host = host.unwrap_or_else(|| key.destination.to_string());
                let destination = endpoint(key.destination, key.destination_port);
                if let Some(entry) = capped_entry(&mut self.observations.http_hosts, host) {
                    entry.seen.at(time);
                    entry.destinations.insert(destination);
                    entry.requests.insert(line);
                }
            }
            Some(Sniffed::Malformed(reason)) => self.observations.skip(reason),
            Some(Sniffed::Nothing) | None => {}
        }
    }

    fn connection(&mut self, time: i64, protocol: Protocol, key: &FlowKey) {
        let names = self.address_names.get(&key.destination).cloned();
        let Some(entry) = capped_entry(
            &mut self.observations.connections,
            (protocol, key.destination, key.destination_port),
        ) else {
            return;
        };
        entry.seen.at(time);
        entry.clients.insert(key.source);
        for name in names.iter().flat_map(|set| set.0.iter()) {
            entry.names.insert(name);
        }
    }

    fn dns_message(&mut self, time: i64, key: &FlowKey, kind: NameKind, bytes: &[u8]) {
        let message = match dns::parse(bytes) {
            Ok(message) => message,
            Err(err) => {
                self.observations
                    .skip(format!("malformed DNS message: {err}"));
                return;
            }
        };
        let source = key.source.to_string();
        for question in &message.questions {
            let Some(entry) =
                capped_entry(&mut self.observations.names, (question.name.clone(), kind))
            else {
                continue;
            };
            entry.seen.at(time);
            if message.is_response {
                entry.responses += 1;
                entry.servers.insert(&source);
                if message.rcode != 0 {
                    entry.response_codes.insert(dns::rcode_name(message.rcode));
                }
            } else {
                entry.queries += 1;
                entry.clients.insert(&source);
                entry.query_types.insert(dns::type_name(question.qtype));
            }
        }
        if !message.is_response {
            return;
        }
        // Answers are listed under the name that was asked (a CNAME chain included), and
        // every address is remembered under both the asked and the answering name.
        let asked = message.questions.first().map(|q| (q.name.clone(), kind));
        for answer in &message.answers {
            let (value, address) = match &answer.data {
                dns::AnswerData::Address(address) => (address.to_string(), Some(*address)),
                dns::AnswerData::Cname(target) => (format!("CNAME {target}"), None),
                dns::AnswerData::Other => continue,
            };
            let owner = asked.clone().unwrap_or_else(|| (answer.name.clone(), kind));
            if let Some(entry) = capped_entry(&mut self.observations.names, owner.clone()) {
                if asked.is_none() {
                    // mDNS announcements answer without a question.
                    entry.seen.at(time);
                    entry.responses += 1;
                    entry.servers.insert(&source);
                }
                entry.answers.insert(value);
            }
            if let Some(address) = address {
                let names = self.address_names.get_or_insert(address);
                names.insert(&owner.0);
                names.insert(&answer.name);
            }
        }
    }
}

fn endpoint(address: IpAddr, port: u16) -> String {
    match address {
        IpAddr::V4(v4) => format!("{v4}:{port}"),
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
    }
}

/// The entry for `key`, created unless the table is full.
fn capped_entry<K: std::hash::Hash + Eq, V: Default>(
    table: &mut HashMap<K, V>,
    key: K,
) -> Option<&mut V> {
    if table.len() >= MAX_TABLE_ENTRIES && !table.contains_key(&key) {
        return None;
    }
    Some(table.entry(key).or_default())
}

/// Complete length-prefixed DNS messages at the front of the buffer.
fn take_dns_messages(stream: &mut HalfStream, messages: &mut Vec<Vec<u8>>) {
    let mut at = 0;
    while let Some(len_bytes) = stream.buffer.get(at..at + 2) {
        let len = usize::from(u16::from_be_bytes([len_bytes[0], len_bytes[1]]));
        let Some(message) = stream.buffer.get(at + 2..at + 2 + len) else {
            break;
        };
        messages.push(message.to_vec());
        at += 2 + len;
    }
    stream.buffer.drain(..at);
}

enum Sniffed {
    ServerName(String),
    Request { host: Option<String>, line: String },
    Malformed(String),
    Nothing,
}

/// Look at the start of a stream for a ClientHello or an HTTP request head; finish the
/// stream once either is decided.
fn sniff(stream: &mut HalfStream) -> Sniffed {
    let outcome = match tls::client_hello(&stream.buffer) {
        tls::HelloStatus::NeedMore => return Sniffed::Nothing,
        tls::HelloStatus::Hello {
            server_name: Some(name),
        } => Sniffed::ServerName(name),
        tls::HelloStatus::Malformed(err) => {
            Sniffed::Malformed(format!("malformed TLS ClientHello: {err}"))
        }
        tls::HelloStatus::Hello { server_name: None } | tls::HelloStatus::OtherHandshake => {
            Sniffed::Nothing
        }
        tls::HelloStatus::NotTls => match http::request(&stream.buffer) {
            http::RequestStatus::NeedMore if stream.buffer.len() < http::MAX_REQUEST_HEAD => {
                return Sniffed::Nothing;
            }
            http::RequestStatus::Request { host, line } => Sniffed::Request { host, line },
            _ => Sniffed::Nothing,
        },
    };
    stream.finish();
    outcome
}

/// A set that forgets its oldest members beyond `capacity`.
struct BoundedSet<T> {
    members: HashSet<T>,
    order: VecDeque<T>,
    capacity: usize,
}

impl<T: std::hash::Hash + Eq + Copy> BoundedSet<T> {
    fn new(capacity: usize) -> Self {
        BoundedSet {
            members: HashSet::new(),
            order: VecDeque::new(),
            capacity,
        }
    }

    fn contains(&self, value: &T) -> bool {
        self.members.contains(value)
    }

    fn insert(&mut self, value: T) {
        if self.members.len() >= self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.members.remove(&oldest);
        }
        if self.members.insert(value) {
            self.order.push_back(value);
        }
    }
}

/// A map that forgets its oldest keys beyond `capacity`.
struct BoundedMap<K, V> {
    entries: HashMap<K, V>,
    order: VecDeque<K>,
    capacity: usize,
}

impl<K: std::hash::Hash + Eq + Copy, V: Default> BoundedMap<K, V> {
    fn new(capacity: usize) -> Self {
        BoundedMap {
            entries: HashMap::new(),
            order: VecDeque::new(),
            capacity,
        }
    }

    fn get(&self, key: &K) -> Option<&V> {
        self.entries.get(key)
    }

    fn get_or_insert(&mut self, key: K) -> &mut V {
        if !self.entries.contains_key(&key) {
            if self.entries.len() >= self.capacity
                && let Some(oldest) = self.order.pop_front()
            {
                self.entries.remove(&oldest);
            }
            self.order.push_back(key);
        }
        self.entries.entry(key).or_default()
    }
}
