//! A pcapng writer: one section, one interface, Enhanced Packet Blocks. Enough for
//! Wireshark, tshark and [`crate::CaptureReader`] to read what dsca's sandbox saw.

use std::io::{self, Write};

/// LINKTYPE_ETHERNET: also what Linux's loopback device hands packet sockets (a
/// 14-byte Ethernet header of zero addresses).
pub const LINKTYPE_ETHERNET: u16 = 1;

const SECTION_HEADER: u32 = 0x0A0D_0D0A;
const INTERFACE_DESCRIPTION: u32 = 0x0000_0001;
const ENHANCED_PACKET: u32 = 0x0000_0006;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
const OPT_END: u16 = 0;
const OPT_COMMENT: u16 = 1;
const IF_NAME: u16 = 2;
const IF_TSRESOL: u16 = 9;
const SHB_USERAPPL: u16 = 4;

pub struct PcapngWriter<W: Write> {
    out: W,
    snap_len: u32,
}

fn pad4(len: usize) -> usize {
    (4 - len % 4) % 4
}

fn option(buffer: &mut Vec<u8>, code: u16, value: &[u8]) {
    let value = &value[..value.len().min(u16::MAX as usize)];
    buffer.extend_from_slice(&code.to_le_bytes());
    buffer.extend_from_slice(&(value.len() as u16).to_le_bytes());
    buffer.extend_from_slice(value);
    buffer.extend(std::iter::repeat_n(0u8, pad4(value.len())));
}

impl<W: Write> PcapngWriter<W> {
    /// Write the section header and one interface (`name`, `link_type`); timestamps are
    /// in microseconds.
    pub fn new(
        mut out: W,
        link_type: u16,
        snap_len: u32,
        interface_name: &str,
        comment: &str,
    ) -> io::Result<Self> {
        let mut options = Vec::new();
        option(
            &mut options,
            SHB_USERAPPL,
            concat!("dsca ", env!("CARGO_PKG_VERSION")).as_bytes(),
        );
        if !comment.is_empty() {
            option(&mut options, OPT_COMMENT, comment.as_bytes());
        }
        option(&mut options, OPT_END, &[]);
        let mut body = Vec::new();
        body.extend_from_slice(&BYTE_ORDER_MAGIC.to_le_bytes());
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        // Section length unknown: -1.
        body.extend_from_slice(&u64::MAX.to_le_bytes());
        body.extend_from_slice(&options);
        write_block(&mut out, SECTION_HEADER, &body)?;

        let mut options = Vec::new();
        option(&mut options, IF_NAME, interface_name.as_bytes());
        // 10^-6 seconds.
        option(&mut options, IF_TSRESOL, &[6]);
        option(&mut options, OPT_END, &[]);
        let mut body = Vec::new();
        body.extend_from_slice(&link_type.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&snap_len.to_le_bytes());
        body.extend_from_slice(&options);
        write_block(&mut out, INTERFACE_DESCRIPTION, &body)?;
        Ok(PcapngWriter { out, snap_len })
    }

    /// One packet captured at `timestamp_micros` (UNIX time); cut to the snap length.
    pub fn write_packet(&mut self, timestamp_micros: u64, data: &[u8]) -> io::Result<()> {
        let captured = &data[..data.len().min(self.snap_len as usize)];
        let mut body = Vec::with_capacity(captured.len() + 24);
        body.extend_from_slice(&0u32.to_le_bytes());
        body.extend_from_slice(&((timestamp_micros >> 32) as u32).to_le_bytes());
        body.extend_from_slice(&(timestamp_micros as u32).to_le_bytes());
        body.extend_from_slice(&(captured.len() as u32).to_le_bytes());
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(captured);
        body.extend(std::iter::repeat_n(0u8, pad4(captured.len())));
        write_block(&mut self.out, ENHANCED_PACKET, &body)
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

fn write_block(out: &mut impl Write, block_type: u32, body: &[u8]) -> io::Result<()> {
    let total = (12 + body.len()) as u32;
    out.write_all(&block_type.to_le_bytes())?;
    out.write_all(&total.to_le_bytes())?;
    out.write_all(body)?;
    out.write_all(&total.to_le_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CaptureReader, Record};

    #[test]
    fn packets_read_back_with_their_times_and_bytes() {
        let mut writer =
            PcapngWriter::new(Vec::new(), LINKTYPE_ETHERNET, 65535, "lo", "test").expect("header");
        writer
            .write_packet(1_700_000_000_123_456, b"abc")
            .expect("packet");
        writer
            .write_packet(1_700_000_001_000_000, &[7u8; 70_000])
            .expect("packet");
        let bytes = writer.finish().expect("finish");
        let mut reader = CaptureReader::new(bytes.as_slice()).expect("readable");
        let mut seen = Vec::new();
        while let Some(record) = reader.next_record().expect("record") {
            match record {
                Record::Packet(packet) => {
                    seen.push((packet.timestamp_ns, packet.link_type, packet.data.len()))
                }
                Record::Skipped(reason) => panic!("skipped: {}", reason.describe()),
            }
        }
        assert_eq!(
            seen,
            vec![
                (1_700_000_000_123_456_000, 1, 3),
                (1_700_000_001_000_000_000, 1, 65535)
            ]
        );
    }
}
