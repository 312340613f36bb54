//! A streaming reader for pcap and pcapng files.
//!
//! One record is held in memory at a time (in a buffer that is reused), so memory does
//! not depend on the file's size. A broken file header is an error; a broken record
//! inside a readable file is reported as a [`Record::Skipped`] and, when the reader
//! cannot find the next record after it, ends the capture early.

use std::io::{self, Read};

/// Largest packet kept: tcpdump's maximum snapshot length. Larger records are skipped.
pub const MAX_PACKET_LEN: usize = 262_144;
/// Largest record the reader steps over; a length beyond this means the file is corrupt
/// at that point and nothing after it can be trusted.
const MAX_SKIPPABLE_LEN: u64 = 64 * 1024 * 1024;
/// pcapng interfaces kept per section; more are a sign of a corrupt or hostile file.
const MAX_INTERFACES: usize = 4096;

const PCAP_MICROS: u32 = 0xa1b2_c3d4;
const PCAP_NANOS: u32 = 0xa1b2_3c4d;
const PCAPNG_SECTION_HEADER: u32 = 0x0a0d_0d0a;
const PCAPNG_BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;
const PCAPNG_INTERFACE_DESCRIPTION: u32 = 1;
const PCAPNG_OBSOLETE_PACKET: u32 = 2;
const PCAPNG_SIMPLE_PACKET: u32 = 3;
const PCAPNG_ENHANCED_PACKET: u32 = 6;

/// Why a file cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("empty file: not a packet capture")]
    Empty,
    #[error("not a pcap or pcapng file (starts with {0})")]
    WrongMagic(String),
    #[error("truncated file header: not a complete pcap or pcapng file")]
    TruncatedHeader,
    #[error("corrupt pcapng section header: {0}")]
    BadSectionHeader(&'static str),
}

/// One packet as the capture holds it.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    /// Nanoseconds since the Unix epoch.
    pub timestamp_ns: i64,
    /// The LINKTYPE_ value of the interface the packet was captured on.
    pub link_type: u32,
    pub data: &'a [u8],
}

#[derive(Debug)]
pub enum Record<'a> {
    Packet(Packet<'a>),
    /// A record that could not be used; the reader continues after it unless it said
    /// the rest of the file was lost.
    Skipped(SkipReason),
}

/// Why a record was skipped. The reasons are counted in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    TruncatedAtEnd,
    Oversized,
    CorruptRecordHeader,
    UnknownInterface,
    TooManyInterfaces,
    CorruptBlock,
}

impl SkipReason {
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::TruncatedAtEnd => "record truncated at the end of the file",
            SkipReason::Oversized => "packet larger than 256 KiB",
            SkipReason::CorruptRecordHeader => {
                "corrupt record length (the rest of the file was not read)"
            }
            SkipReason::UnknownInterface => "packet for an undeclared pcapng interface",
            SkipReason::TooManyInterfaces => "more than 4096 pcapng interfaces in a section",
            SkipReason::CorruptBlock => "malformed pcapng block",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ByteOrder {
    Little,
    Big,
}

impl ByteOrder {
    fn u16(self, bytes: &[u8], at: usize) -> Option<u16> {
        let raw: [u8; 2] = bytes.get(at..at + 2)?.try_into().ok()?;
        Some(match self {
            ByteOrder::Little => u16::from_le_bytes(raw),
            ByteOrder::Big => u16::from_be_bytes(raw),
        })
    }

    fn u32(self, bytes: &[u8], at: usize) -> Option<u32> {
        let raw: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        Some(match self {
            ByteOrder::Little => u32::from_le_bytes(raw),
            ByteOrder::Big => u32::from_be_bytes(raw),
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Interface {
    link_type: u32,
    /// Timestamp units per second.
    units_per_second: u64,
    offset_seconds: i64,
}

enum Format {
    Pcap {
        order: ByteOrder,
        nanos: bool,
        link_type: u32,
    },
    Pcapng {
        order: ByteOrder,
        interfaces: Vec<Interface>,
    },
}

/// Reads records one after the other from any `Read` (wrap files in a `BufReader`).
pub struct CaptureReader<R> {
    input: R,
    format: Format,
    /// The current record's bytes; reused so reading allocates once.
    buffer: Vec<u8>,
    finished: bool,
}

impl<R: Read> CaptureReader<R> {
    /// Read and check the file header.
    pub fn new(mut input: R) -> Result<Self, CaptureError> {
        let mut magic = [0u8; 4];
        let got = read_up_to(&mut input, &mut magic)?;
        if got == 0 {
            return Err(CaptureError::Empty);
        }
        if got < 4 {
            return Err(CaptureError::TruncatedHeader);
        }
        let format = match (u32::from_le_bytes(magic), u32::from_be_bytes(magic)) {
            (PCAP_MICROS, _) | (_, PCAP_MICROS) | (PCAP_NANOS, _) | (_, PCAP_NANOS) => {
                read_pcap_header(&mut input, magic)?
            }
            (PCAPNG_SECTION_HEADER, _) => {
                let order = read_section_header(&mut input, &mut Vec::new())?;
                Format::Pcapng {
                    order,
                    interfaces: Vec::new(),
                }
            }
            _ => return Err(CaptureError::WrongMagic(describe_magic(&magic))),
        };
        Ok(CaptureReader {
            input,
            format,
            buffer: Vec::with_capacity(64 * 1024),
            finished: false,
        })
    }

    /// The next record, or `None` at the end of the capture. I/O errors other than an
    /// early end of file are returned as errors.
    pub fn next_record(&mut self) -> Result<Option<Record<'_>>, CaptureError> {
        if self.finished {
            return Ok(None);
        }
        let outcome = loop {
            let step = match self.format {
                Format::Pcap { .. } => self.next_pcap()?,
                Format::Pcapng { .. } => self.next_pcapng()?,
            };
            if !matches!(step, Step::Nothing) {
                break step;
            }
        };
        match outcome {
            Step::Nothing => unreachable!("looped over above"),
            Step::End => {
                self.finished = true;
                Ok(None)
            }
            Step::Fatal(reason) => {
                self.finished = true;
                Ok(Some(Record::Skipped(reason)))
            }
            Step::Skip(reason) => Ok(Some(Record::Skipped(reason))),
            Step::Packet {
                timestamp_ns,
                link_type,
                start,
                len,
            } => Ok(Some(Record::Packet(Packet {
                timestamp_ns,
                link_type,
                data: &self.buffer[start..start + len],
            }))),
        }
    }

    fn next_pcap(&mut self) -> Result<Step, CaptureError> {
        let Format::Pcap {
            order,
            nanos,
            link_type,
        } = self.format
        else {
            unreachable!("called for pcap files only")
        };
        let mut header = [0u8; 16];
        match read_up_to(&mut self.input, &mut header)? {
            0 => return Ok(Step::End),
            16 => {}
            _ => return Ok(Step::Fatal(SkipReason::TruncatedAtEnd)),
        }
        let field = |at| order.u32(&header, at).unwrap_or(0);
        let (seconds, fraction, captured) = (field(0), field(4), field(8) as usize);
        let timestamp_ns = i64::from(seconds) * 1_000_000_000
            + i64::from(fraction) * if nanos { 1 } else { 1_000 };
        if captured > MAX_PACKET_LEN {
            return self.skip_bytes(captured as u64, SkipReason::Oversized);
        }
        self.buffer.resize(captured, 0);
        if read_up_to(&mut self.input, &mut self.buffer)? < captured {
            return Ok(Step::Fatal(SkipReason::TruncatedAtEnd));
        }
        Ok(Step::Packet {
            timestamp_ns,
            link_type,
            start: 0,
            len: captured,
        })
    }

    fn next_pcapng(&mut self) -> Result<Step, CaptureError> {
        let Format::Pcapng { order, .. } = self.format else {
            unreachable!("called for pcapng files only")
        };
        let mut head = [0u8; 8];
        match read_up_to(&mut self.input, &mut head)? {
            0 => return Ok(Step::End),
            8 => {}
            _ => return Ok(Step::Fatal(SkipReason::TruncatedAtEnd)),
        }
        let block_type = order.u32(&head, 0).unwrap_or(0);
        if block_type == PCAPNG_SECTION_HEADER {
            // A new section may switch byte order; its length is read in that order.
            self.buffer.clear();
            self.buffer.extend_from_slice(&head);
            return match read_section_body(&mut self.input, &self.buffer) {
                Ok(order) => {
                    // Interface ids restart at zero in every section.
                    self.format = Format::Pcapng {
                        order,
                        interfaces: Vec::new(),
                    };
                    Ok(Step::Nothing)
                }
                Err(CaptureError::Io(err)) => Err(CaptureError::Io(err)),
                Err(CaptureError::TruncatedHeader) => Ok(Step::Fatal(SkipReason::TruncatedAtEnd)),
                Err(_) => Ok(Step::Fatal(SkipReason::CorruptRecordHeader)),
            };
        }
        let total = u64::from(order.u32(&head, 4).unwrap_or(0));
        if total < 12 || total % 4 != 0 || total > MAX_SKIPPABLE_LEN {
            return Ok(Step::Fatal(SkipReason::CorruptRecordHeader));
        }
        let body_len = (total - 8) as usize;
        let wanted = matches!(
            block_type,
            PCAPNG_INTERFACE_DESCRIPTION
                | PCAPNG_ENHANCED_PACKET
                | PCAPNG_SIMPLE_PACKET
                | PCAPNG_OBSOLETE_PACKET
        );
        if !wanted {
            // Name resolution, statistics, custom blocks: nothing to report.
            return self
                .skip_bytes(body_len as u64, SkipReason::CorruptBlock)
                .map(|step| match step {
                    Step::Skip(_) => Step::Nothing,
                    other => other,
                });
        }
        if body_len > MAX_PACKET_LEN + 4096 {
            return self.skip_bytes(body_len as u64, SkipReason::Oversized);
        }
        self.buffer.resize(body_len, 0);
        if read_up_to(&mut self.input, &mut self.buffer)? < body_len {
            return Ok(Step::Fatal(SkipReason::TruncatedAtEnd));
        }
        // The body ends with the block's length repeated.
        let body = &self.buffer[..body_len - 4];
        let Format::Pcapng { interfaces, .. } = &mut self.format else {
            unreachable!("checked above")
        };
        match block_type {
            PCAPNG_INTERFACE_DESCRIPTION => {
                if interfaces.len() >= MAX_INTERFACES {
                    return Ok(Step::Skip(SkipReason::TooManyInterfaces));
                }
                match parse_interface(order, body) {
                    Some(interface) => {
                        interfaces.push(interface);
                        Ok(Step::Nothing)
                    }
                    None => Ok(Step::Skip(SkipReason::CorruptBlock)),
                }
            }
            PCAPNG_ENHANCED_PACKET | PCAPNG_OBSOLETE_PACKET => {
                let (id, high, low, captured) = if block_type == PCAPNG_ENHANCED_PACKET {
                    (
                        order.u32(body, 0).map(|id| id as usize),
                        order.u32(body, 4),
                        order.u32(body, 8),
                        order.u32(body, 12),
                    )
                } else {
                    (
                        order.u16(body, 0).map(usize::from),
                        order.u32(body, 4),
                        order.u32(body, 8),
                        order.u32(body, 12),
                    )
                };
                let (Some(id), Some(high), Some(low), Some(captured)) = (id, high, low, captured)
                else {
                    return Ok(Step::Skip(SkipReason::CorruptBlock));
                };
                let captured = captured as usize;
                if 20 + captured > body.len() {
                    return Ok(Step::Skip(SkipReason::CorruptBlock));
                }
                let Some(interface) = interfaces.get(id) else {
                    return Ok(Step::Skip(SkipReason::UnknownInterface));
                };
                let ticks = (u64::from(high) << 32) | u64::from(low);
                Ok(Step::Packet {
                    timestamp_ns: interface.to_nanos(ticks),
                    link_type: interface.link_type,
                    start: 20,
                    len: captured,
                })
            }
            _ => {
                // Simple packet block: original length, then the data up to the snap length.
                let Some(interface) = interfaces.first() else {
                    return Ok(Step::Skip(SkipReason::UnknownInterface));
                };
                let Some(original) = order.u32(body, 0) else {
                    return Ok(Step::Skip(SkipReason::CorruptBlock));
                };
                let len = (original as usize).min(body.len() - 4);
                Ok(Step::Packet {
                    timestamp_ns: 0,
                    link_type: interface.link_type,
                    start: 4,
                    len,
                })
            }
        }
    }

    /// Step over `len` bytes without keeping them.
    fn skip_bytes(&mut self, len: u64, reason: SkipReason) -> Result<Step, CaptureError> {
        if len > MAX_SKIPPABLE_LEN {
            return Ok(Step::Fatal(SkipReason::CorruptRecordHeader));
        }
        let skipped = io::copy(&mut (&mut self.input).take(len), &mut io::sink())?;
        if skipped < len {
            return Ok(Step::Fatal(SkipReason::TruncatedAtEnd));
        }
        Ok(Step::Skip(reason))
    }
}

/// What one read produced; `Nothing` is a block without a packet (an interface
/// description, statistics), after which the caller reads on.
enum Step {
    End,
    Nothing,
    Skip(SkipReason),
    Fatal(SkipReason),
    Packet {
        timestamp_ns: i64,
        link_type: u32,
        start: usize,
        len: usize,
    },
}

impl Interface {
    fn to_nanos(self, ticks: u64) -> i64 {
        let nanos = u128::from(ticks) * 1_000_000_000 / u128::from(self.units_per_second.max(1));
        i64::try_from(nanos)
            .unwrap_or(i64::MAX)
            .saturating_add(self.offset_seconds.saturating_mul(1_000_000_000))
    }
}

/// Fill as much of `buf` as the input has; fewer bytes than asked means end of file.
fn read_up_to(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
}

fn read_pcap_header(input: &mut impl Read, magic: [u8; 4]) -> Result<Format, CaptureError> {
    let mut rest = [0u8; 20];
    if read_up_to(input, &mut rest)? < rest.len() {
        return Err(CaptureError::TruncatedHeader);
    }
    let little = u32::from_le_bytes(magic);
    let order = if little == PCAP_MICROS || little == PCAP_NANOS {
        ByteOrder::Little
    } else {
        ByteOrder::Big
    };
    let nanos = order.u32(&magic, 0) == Some(PCAP_NANOS);
    // The link type's upper bits carry FCS information; the type is the low 16 bits.
    let link_type = order.u32(&rest, 16).unwrap_or(0) & 0xffff;
    Ok(Format::Pcap {
        order,
        nanos,
        link_type,
    })
}

/// Read the rest of a section header block whose type was already read.
fn read_section_header(
    input: &mut impl Read,
    scratch: &mut Vec<u8>,
) -> Result<ByteOrder, CaptureError> {
    let mut length = [0u8; 4];
    if read_up_to(input, &mut length)? < 4 {
        return Err(CaptureError::TruncatedHeader);
    }
    scratch.clear();
    scratch.extend_from_slice(&PCAPNG_SECTION_HEADER.to_le_bytes());
    scratch.extend_from_slice(&length);
    read_section_body(input, scratch)
}

/// `block` holds the section header's first 8 bytes; the byte-order magic that
/// follows says how to read its length.
fn read_section_body(input: &mut impl Read, block: &[u8]) -> Result<ByteOrder, CaptureError> {
    let mut magic = [0u8; 4];
    if read_up_to(input, &mut magic)? < 4 {
        return Err(CaptureError::TruncatedHeader);
    }
    let order = match (u32::from_le_bytes(magic), u32::from_be_bytes(magic)) {
        (PCAPNG_BYTE_ORDER_MAGIC, _) => ByteOrder::Little,
        (_, PCAPNG_BYTE_ORDER_MAGIC) => ByteOrder::Big,
        _ => return Err(CaptureError::BadSectionHeader("unknown byte-order magic")),
    };
    let total = u64::from(order.u32(block, 4).unwrap_or(0));
    if total < 28 || total % 4 != 0 || total > MAX_SKIPPABLE_LEN {
        return Err(CaptureError::BadSectionHeader("impossible block length"));
    }
    let rest = total - 12;
    let skipped = io::copy(&mut input.take(rest), &mut io::sink())?;
    if skipped < rest {
        return Err(CaptureError::TruncatedHeader);
    }
    Ok(order)
}

/// An interface description block's body (without the trailing length).
fn parse_interface(order: ByteOrder, body: &[u8]) -> Option<Interface> {
    let link_type = u32::from(order.u16(body, 0)?);
    let mut interface = Interface {
        link_type,
        units_per_second: 1_000_000,
        offset_seconds: 0,
    };
    let mut at = 8;
    while let (Some(code), Some(len)) = (order.u16(body, at), order.u16(body, at + 2)) {
        let len = usize::from(len);
        let value = body.get(at + 4..at + 4 + len)?;
        match (code, value) {
            (0, _) => break,
            (9, [resolution]) => {
                let exponent = u32::from(resolution & 0x7f);
                interface.units_per_second = if resolution & 0x80 != 0 {
                    1u64.checked_shl(exponent)?
                } else {
                    10u64.checked_pow(exponent)?
                };
            }
            (14, _) if len == 8 => {
                let raw: [u8; 8] = value.try_into().ok()?;
                interface.offset_seconds = match order {
                    ByteOrder::Little => i64::from_le_bytes(raw),
                    ByteOrder::Big => i64::from_be_bytes(raw),
                };
            }
            _ => {}
        }
        at += 4 + len.div_ceil(4) * 4;
    }
    Some(interface)
}

fn describe_magic(magic: &[u8; 4]) -> String {
    let hex: Vec<String> = magic.iter().map(|b| format!("{b:02x}")).collect();
    format!("bytes {}", hex.join(" "))
}
