//! From link-layer frames to transport segments: Ethernet (with VLAN tags), Linux
//! cooked captures v1 and v2, raw IP, BSD loopback; IPv4 (with fragment reassembly),
//! IPv6 (with extension headers), UDP and TCP. Every read is bounds-checked: a short or
//! inconsistent header is a [`DecodeSkip`], never a panic.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub const LINKTYPE_NULL: u32 = 0;
pub const LINKTYPE_ETHERNET: u32 = 1;
pub const LINKTYPE_RAW: u32 = 101;
pub const LINKTYPE_LOOP: u32 = 108;
pub const LINKTYPE_LINUX_SLL: u32 = 113;
pub const LINKTYPE_IPV4: u32 = 228;
pub const LINKTYPE_IPV6: u32 = 229;
pub const LINKTYPE_LINUX_SLL2: u32 = 276;

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const ETHERTYPE_VLAN: [u16; 3] = [0x8100, 0x88a8, 0x9100];
const MAX_VLAN_TAGS: usize = 4;
const MAX_IPV6_EXTENSIONS: usize = 8;

const PROTO_TCP: u8 = 6;
const PROTO_UDP: u8 = 17;

/// Why a frame produced nothing. `NotIp` and `OtherProtocol` are ordinary traffic
/// (ARP, ICMP, ...) and are not counted as skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DecodeSkip {
    NotIp,
    OtherProtocol,
    /// A fragment waiting for the rest of its datagram.
    FragmentHeld,
    UnsupportedLinkType(u32),
    TruncatedLink,
    BadIpv4,
    BadIpv6,
    Ipv6Fragment,
    BadUdp,
    BadTcp,
    FragmentDropped,
}

impl DecodeSkip {
    /// `None` for traffic that is simply not of interest.
    pub fn describe(self) -> Option<String> {
        Some(match self {
            DecodeSkip::NotIp | DecodeSkip::OtherProtocol | DecodeSkip::FragmentHeld => {
                return None;
            }
            DecodeSkip::UnsupportedLinkType(link) => format!("unsupported link type {link}"),
            DecodeSkip::TruncatedLink => "truncated link-layer header".into(),
            DecodeSkip::BadIpv4 => "malformed IPv4 header".into(),
            DecodeSkip::BadIpv6 => "malformed IPv6 header".into(),
            DecodeSkip::Ipv6Fragment => "IPv6 fragment (not reassembled)".into(),
            DecodeSkip::BadUdp => "malformed UDP header".into(),
            DecodeSkip::BadTcp => "malformed TCP header".into(),
            DecodeSkip::FragmentDropped => {
                "IPv4 fragment dropped (reassembly limits or overlap)".into()
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Udp,
    Tcp { seq: u32, flags: u8 },
}

pub const TCP_FIN: u8 = 0x01;
pub const TCP_SYN: u8 = 0x02;
pub const TCP_RST: u8 = 0x04;
pub const TCP_ACK: u8 = 0x10;

/// One UDP datagram or TCP segment.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    pub source: IpAddr,
    pub destination: IpAddr,
    pub source_port: u16,
    pub destination_port: u16,
    pub transport: Transport,
    pub payload: &'a [u8],
}

/// The link layer's payload: an IP packet.
fn ip_packet(link_type: u32, frame: &[u8]) -> Result<&[u8], DecodeSkip> {
    match link_type {
        LINKTYPE_ETHERNET => {
            let mut ethertype = be16(frame, 12).ok_or(DecodeSkip::TruncatedLink)?;
            let mut at = 14;
            for _ in 0..MAX_VLAN_TAGS {
                if !ETHERTYPE_VLAN.contains(&ethertype) {
                    break;
                }
                ethertype = be16(frame, at + 2).ok_or(DecodeSkip::TruncatedLink)?;
                at += 4;
            }
            ip_by_ethertype(ethertype, frame.get(at..))
        }
        LINKTYPE_LINUX_SLL => {
            let protocol = be16(frame, 14).ok_or(DecodeSkip::TruncatedLink)?;
            ip_by_ethertype(protocol, frame.get(16..))
        }
        LINKTYPE_LINUX_SLL2 => {
            let protocol = be16(frame, 0).ok_or(DecodeSkip::TruncatedLink)?;
            ip_by_ethertype(protocol, frame.get(20..))
        }
        LINKTYPE_NULL | LINKTYPE_LOOP => {
            // The address family in the capturing host's byte order (LOOP: always big).
            let raw: [u8; 4] = frame
                .get(..4)
                .and_then(|b| b.try_into().ok())
                .ok_or(DecodeSkip::TruncatedLink)?;
            let family = if link_type == LINKTYPE_LOOP || raw[0] == 0 && raw[1] == 0 {
                u32::from_be_bytes(raw)
            } else {
                u32::from_le_bytes(raw)
            };
            match family {
                // AF_INET; AF_INET6 as BSDs, macOS and Windows number it.
                2 | 24 | 28 | 30 | 23 => Ok(&frame[4..]),
                _ => Err(DecodeSkip::NotIp),
            }
        }
        // Raw IP: DLT_RAW as some systems number it, LINKTYPE_RAW, and the explicit ones.
        LINKTYPE_RAW | 12 | 14 | LINKTYPE_IPV4 | LINKTYPE_IPV6 => Ok(frame),
        other => Err(DecodeSkip::UnsupportedLinkType(other)),
    }
}

fn ip_by_ethertype(ethertype: u16, rest: Option<&[u8]>) -> Result<&[u8], DecodeSkip> {
    match ethertype {
        ETHERTYPE_IPV4 | ETHERTYPE_IPV6 => rest.ok_or(DecodeSkip::TruncatedLink),
        _ => Err(DecodeSkip::NotIp),
    }
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// Decodes frames into segments, holding IPv4 fragments until their datagram is whole.
pub struct Decoder {
    fragments: Reassembler,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl Decoder {
    pub fn new() -> Self {
        Decoder {
            fragments: Reassembler::default(),
        }
    }

    /// Decode one frame and hand its segment (if any) to `sink`. The segment borrows
    /// either the frame or a reassembled datagram, hence the callback.
    pub fn decode<T>(
        &mut self,
        link_type: u32,
        frame: &[u8],
        sink: impl FnOnce(&Segment<'_>) -> T,
    ) -> Result<T, DecodeSkip> {
        let packet = ip_packet(link_type, frame)?;
        match packet.first().map(|b| b >> 4) {
            Some(4) => self.ipv4(packet, sink),
            Some(6) => {
                let (source, destination, protocol, payload) = ipv6(packet)?;
                let segment = transport(source, destination, protocol, payload)?;
                Ok(sink(&segment))
            }
            _ => Err(DecodeSkip::NotIp),
        }
    }

    fn ipv4<T>(
        &mut self,
        packet: &[u8],
        sink: impl FnOnce(&Segment<'_>) -> T,
    ) -> Result<T, DecodeSkip> {
        let header_len = usize::from(packet.first().ok_or(DecodeSkip::BadIpv4)? & 0x0f) * 4;
        let total_len = usize::from(be16(packet, 2).ok_or(DecodeSkip::BadIpv4)?);
        if header_len < 20 || total_len < header_len || packet.len() < header_len {
            return Err(DecodeSkip::BadIpv4);
        }
        // A capture may cut the packet short (snap length) or pad it (Ethernet minimum).
        let packet = &packet[..total_len.min(packet.len())];
        let protocol = packet[9];
        let source = IpAddr::V4(Ipv4Addr::new(
            packet[12], packet[13], packet[14], packet[15],
        ));
        let destination = IpAddr::V4(Ipv4Addr::new(
            packet[16], packet[17], packet[18], packet[19],
        ));
        let flags_offset = be16(packet, 6).ok_or(DecodeSkip::BadIpv4)?;
        let more_fragments = flags_offset & 0x2000 != 0;
        let offset = usize::from(flags_offset & 0x1fff) * 8;
        let payload = &packet[header_len..];
        if !more_fragments && offset == 0 {
            let segment = transport(source, destination, protocol, payload)?;
            return Ok(sink(&segment));
        }
        if protocol != PROTO_TCP && protocol != PROTO_UDP {
            return Err(DecodeSkip::OtherProtocol);
        }
        let key = FragmentKey {
            source,
            destination,
            id: be16(packet, 4).ok_or(DecodeSkip::BadIpv4)?,
            protocol,
        };
        match self.fragments.add(key, offset, more_fragments, payload)? {
            Some(datagram) => {
                let segment = transport(source, destination, protocol, &datagram)?;
                Ok(sink(&segment))
            }
            None => Err(DecodeSkip::FragmentHeld),
        }
    }
}

fn ipv6(packet: &[u8]) -> Result<(IpAddr, IpAddr, u8, &[u8]), DecodeSkip> {
    if packet.len() < 40 {
        return Err(DecodeSkip::BadIpv6);
    }
    let payload_len = usize::from(be16(packet, 4).ok_or(DecodeSkip::BadIpv6)?);
    let address = |at: usize| -> IpAddr {
        let mut octets = [0u8; 16];
        octets.copy_from_slice(&packet[at..at + 16]);
        IpAddr::V6(Ipv6Addr::from(octets))
    };
    let (source, destination) = (address(8), address(24));
    let end = (40 + payload_len).min(packet.len());
    let mut next = packet[6];
    let mut at = 40;
    for _ in 0..MAX_IPV6_EXTENSIONS {
        let header_len = match next {
            // Hop-by-hop, routing, destination options: length in 8-octet units.
            0 | 43 | 60 => (usize::from(*packet.get(at + 1).ok_or(DecodeSkip::BadIpv6)?) + 1) * 8,
            44 => {
                let fragment = be16(packet, at + 2).ok_or(DecodeSkip::BadIpv6)?;
                if fragment & 0xfff9 != 0 {
                    return Err(DecodeSkip::Ipv6Fragment);
                }
                8
            }
            // Authentication header: length in 4-octet units, minus 2.
            51 => (usize::from(*packet.get(at + 1).ok_or(DecodeSkip::BadIpv6)?) + 2) * 4,
            _ => break,
        };
        next = *packet.get(at).ok_or(DecodeSkip::BadIpv6)?;
        at += header_len;
        if at > end {
            return Err(DecodeSkip::BadIpv6);
        }
    }
    Ok((source, destination, next, &packet[at.min(end)..end]))
}

fn transport(
    source: IpAddr,
    destination: IpAddr,
    protocol: u8,
    data: &[u8],
) -> Result<Segment<'_>, DecodeSkip> {
    match protocol {
        PROTO_UDP => {
            let length = usize::from(be16(data, 4).ok_or(DecodeSkip::BadUdp)?);
            if length != 0 && length < 8 {
                return Err(DecodeSkip::BadUdp);
            }
            // Length 0 is legal for IPv6 jumbograms; otherwise trust the shorter one.
            let end = if length == 0 {
                data.len()
            } else {
                length.min(data.len())
            };
            Ok(Segment {
                source,
                destination,
                source_port: be16(data, 0).ok_or(DecodeSkip::BadUdp)?,
                destination_port: be16(data, 2).ok_or(DecodeSkip::BadUdp)?,
                transport: Transport::Udp,
                payload: &data[8..end],
            })
        }
        PROTO_TCP => {
            let header_len = usize::from(data.get(12).ok_or(DecodeSkip::BadTcp)? >> 4) * 4;
            if header_len < 20 || data.len() < header_len {
                return Err(DecodeSkip::BadTcp);
            }
            Ok(Segment {
                source,
                destination,
                source_port: be16(data, 0).ok_or(DecodeSkip::BadTcp)?,
                destination_port: be16(data, 2).ok_or(DecodeSkip::BadTcp)?,
                transport: Transport::Tcp {
                    seq: be32(data, 4).ok_or(DecodeSkip::BadTcp)?,
                    flags: data[13],
                },
                payload: &data[header_len..],
            })
        }
        _ => Err(DecodeSkip::OtherProtocol),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct FragmentKey {
    source: IpAddr,
    destination: IpAddr,
    id: u16,
    protocol: u8,
}

/// Datagrams being reassembled at once; the oldest is dropped for a new one. With
/// 64 KiB per datagram this bounds reassembly memory to 4 MiB.
const MAX_PENDING_DATAGRAMS: usize = 64;
const MAX_FRAGMENTS_PER_DATAGRAM: usize = 64;
const MAX_DATAGRAM: usize = 65_535;

#[derive(Default)]
struct Reassembler {
    pending: HashMap<FragmentKey, PendingDatagram>,
    /// Arrival order, for evicting the oldest.
    order: VecDeque<FragmentKey>,
}

#[derive(Default)]
struct PendingDatagram {
    data: Vec<u8>,
    /// Byte ranges received so far.
    ranges: Vec<(usize, usize)>,
    total_len: Option<usize>,
}

impl Reassembler {
    fn add(
        &mut self,
        key: FragmentKey,
        offset: usize,
        more_fragments: bool,
        payload: &[u8],
    ) -> Result<Option<Vec<u8>>, DecodeSkip> {
        let end = offset + payload.len();
        if end > MAX_DATAGRAM || (more_fragments && !payload.len().is_multiple_of(8)) {
            return Err(DecodeSkip::FragmentDropped);
        }
        if !self.pending.contains_key(&key) {
            while self.pending.len() >= MAX_PENDING_DATAGRAMS {
                match self.order.pop_front() {
                    Some(oldest) => {
                        self.pending.remove(&oldest);
                    }
                    None => break,
                }
            }
            self.order.push_back(key);
        }
        let datagram = self.pending.entry(key).or_default();
        if datagram.ranges.len() >= MAX_FRAGMENTS_PER_DATAGRAM {
            self.forget(&key);
            return Err(DecodeSkip::FragmentDropped);
        }
        if datagram.data.len() < end {
            datagram.data.resize(end, 0);
        }
        datagram.data[offset..end].copy_from_slice(payload);
        datagram.ranges.push((offset, end));
        if !more_fragments {
            datagram.total_len = Some(end);
        }
        let Some(total) = datagram.total_len else {
            return Ok(None);
        };
        datagram.ranges.sort_unstable();
        let mut covered = 0;
        for &(start, stop) in &datagram.ranges {
            if start > covered {
                return Ok(None);
            }
            covered = covered.max(stop);
        }
        if covered < total {
            return Ok(None);
        }
        let mut whole = self.forget(&key).map(|d| d.data).unwrap_or_default();
        whole.truncate(total);
        Ok(Some(whole))
    }

    fn forget(&mut self, key: &FragmentKey) -> Option<PendingDatagram> {
        self.order.retain(|k| k != key);
        self.pending.remove(key)
    }
}
