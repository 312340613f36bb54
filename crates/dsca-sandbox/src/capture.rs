//! `--pcap`: every packet on the sandbox's loopback (where all of its traffic flows),
//! read from a packet socket the init opened inside the sandbox's network namespace,
//! written as pcapng.
//!
//! The redirect rule that brings every port to the sink rewrites destinations to
//! 127.0.0.1:<sink port> before packets reach the device; the writer puts each
//! connection's original address back (from the sink's accept records), so the file
//! shows the addresses the package really aimed at.

use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{SystemTime, UNIX_EPOCH};

/// Largest loopback frame (64 KiB MTU plus the Ethernet header).
const SNAP_LEN: usize = 65_535 + 14;

#[derive(Debug, Clone)]
pub struct CaptureLimits {
    /// Bytes of packets kept in memory; later packets are counted, not kept.
    pub max_bytes: usize,
}

impl Default for CaptureLimits {
    fn default() -> Self {
        CaptureLimits {
            max_bytes: 256 * 1024 * 1024,
        }
    }
}

pub struct CapturedPackets {
    pub packets: Vec<(u64, Vec<u8>)>,
    pub dropped: u64,
}

pub struct Capture {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<CapturedPackets>,
}

fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

impl Capture {
    pub fn start(socket: OwnedFd, limits: CaptureLimits) -> Capture {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || read_packets(socket, &flag, &limits));
        Capture { stop, thread }
    }

    /// Stop reading (after draining what is queued) and hand over the packets.
    pub fn finish(self) -> CapturedPackets {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or(CapturedPackets {
            packets: Vec::new(),
            dropped: 0,
        })
    }
}

fn read_packets(socket: OwnedFd, stop: &AtomicBool, limits: &CaptureLimits) -> CapturedPackets {
    let fd = socket.as_raw_fd();
    let mut captured = CapturedPackets {
        packets: Vec::new(),
        dropped: 0,
    };
    let mut kept_bytes = 0usize;
    let mut buffer = vec![0u8; SNAP_LEN];
    loop {
        let mut poll = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one live pollfd.
        let ready = unsafe { libc::poll(&mut poll, 1, 50) };
        if ready <= 0 {
            if stop.load(Ordering::Relaxed) {
                return captured;
            }
            continue;
        }
        // SAFETY: reading into a live buffer of its own length.
        let got = unsafe {
            libc::recv(
                fd,
                buffer.as_mut_ptr().cast(),
                buffer.len(),
                libc::MSG_DONTWAIT,
            )
        };
        if got <= 0 {
            continue;
        }
        let got = got as usize;
        if kept_bytes + got > limits.max_bytes {
            captured.dropped += 1;
            continue;
        }
        kept_bytes += got;
        captured
            .packets
            .push((now_micros(), buffer[..got].to_vec()));
    }
}

/// Write the packets as pcapng, with redirected connections shown at their original
/// destinations. `redirects` maps a client's address (as the sink's accept saw it) to
/// the address it connected to; `sink` is the redirect target.
pub fn write_pcapng(
    path: &Path,
    captured: &CapturedPackets,
    redirects: &HashMap<SocketAddr, SocketAddr>,
    sink: SocketAddr,
) -> io::Result<()> {
    let file = std::fs::File::create(path)
        .map_err(|err| io::Error::new(err.kind(), format!("{}: {err}", path.display())))?;
    let comment = if captured.dropped > 0 {
        format!(
            "dsca sandbox loopback; {} packets over the memory limit were not kept",
            captured.dropped
        )
    } else {
        "dsca sandbox loopback".to_string()
    };
    let mut writer = dsca_pcap::writer::PcapngWriter::new(
        io::BufWriter::new(file),
        dsca_pcap::writer::LINKTYPE_ETHERNET,
        SNAP_LEN as u32,
        "lo",
        &comment,
    )?;
    for (time, packet) in &captured.packets {
        let mut packet = packet.clone();
        undo_redirect(&mut packet, redirects, sink);
        writer.write_packet(*time, &packet)?;
    }
    writer.finish().map(drop)
}

fn checksum_fold(mut sum: u32) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn sum_words(bytes: &[u8]) -> u32 {
    let mut sum = 0u32;
    let mut chunks = bytes.chunks_exact(2);
    for pair in &mut chunks {
        sum = sum.wrapping_add(u32::from(u16::from_be_bytes([pair[0], pair[1]])));
    }
    if let [last] = chunks.remainder() {
        sum = sum.wrapping_add(u32::from(*last) << 8);
    }
    sum
}

/// Rewrite an Ethernet/IPv4/TCP frame of a redirected connection back to its original
/// address, with fresh IPv4 and TCP checksums. Anything else is left as it is.
pub fn undo_redirect(
    frame: &mut [u8],
    redirects: &HashMap<SocketAddr, SocketAddr>,
    sink: SocketAddr,
) {
    const ETH: usize = 14;
    if frame.len() < ETH + 20 || frame[12..14] != [0x08, 0x00] {
        return;
    }
    let ip = &frame[ETH..];
    let header_len = usize::from(ip[0] & 0x0f) * 4;
    let total_len = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
    if ip[0] >> 4 != 4 || ip[9] != 6 || header_len < 20 || total_len < header_len + 20 {
        return;
    }
    if ETH + total_len > frame.len() || u16::from_be_bytes([ip[6], ip[7]]) & 0x3fff != 0 {
        // Truncated or fragmented: leave it.
        return;
    }
    let SocketAddr::V4(sink) = sink else { return };
    let address = |at: usize| Ipv4Addr::new(ip[at], ip[at + 1], ip[at + 2], ip[at + 3]);
    let tcp_at = ETH + header_len;
    let port = |at: usize| u16::from_be_bytes([frame[at], frame[at + 1]]);
    let source = SocketAddr::from((address(12), port(tcp_at)));
    let destination = SocketAddr::from((address(16), port(tcp_at + 2)));
    let to_sink = destination == SocketAddr::V4(sink);
    let from_sink = source == SocketAddr::V4(sink);
    let (original, address_at, port_at) = if to_sink {
        match redirects.get(&source) {
            Some(original) => (original, ETH + 16, tcp_at + 2),
            None => return,
        }
    } else if from_sink {
        match redirects.get(&destination) {
            Some(original) => (original, ETH + 12, tcp_at),
            None => return,
        }
    } else {
        return;
    };
    let SocketAddr::V4(original) = original else {
        return;
    };
    frame[address_at..address_at + 4].copy_from_slice(&original.ip().octets());
    frame[port_at..port_at + 2].copy_from_slice(&original.port().to_be_bytes());

    // IPv4 header checksum.
    frame[ETH + 10] = 0;
    frame[ETH + 11] = 0;
    let ip_sum = checksum_fold(sum_words(&frame[ETH..ETH + header_len]));
    frame[ETH + 10..ETH + 12].copy_from_slice(&ip_sum.to_be_bytes());
    // TCP checksum over the pseudo-header and the segment.
    let segment_len = total_len - header_len;
    frame[tcp_at + 16] = 0;
    frame[tcp_at + 17] = 0;
    let mut sum = sum_words(&frame[ETH + 12..ETH + 20]);
    sum = sum.wrapping_add(6).wrapping_add(segment_len as u32);
    sum = sum.wrapping_add(sum_words(&frame[tcp_at..tcp_at + segment_len]));
    let tcp_sum = checksum_fold(sum);
    frame[tcp_at + 16..tcp_at + 18].copy_from_slice(&tcp_sum.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(source: SocketAddr, destination: SocketAddr, payload: &[u8]) -> Vec<u8> {
        let (SocketAddr::V4(s), SocketAddr::V4(d)) = (source, destination) else {
            panic!("v4 only")
        };
        let mut frame = vec![0u8; 12];
        frame.extend_from_slice(&[0x08, 0x00]);
        let total = 20 + 20 + payload.len();
        frame.extend_from_slice(&[
            0x45,
            0,
            (total >> 8) as u8,
            total as u8,
            0,
            1,
            0x40,
            0,
            64,
            6,
            0,
            0,
        ]);
        frame.extend_from_slice(&s.ip().octets());
        frame.extend_from_slice(&d.ip().octets());
        frame.extend_from_slice(&s.port().to_be_bytes());
        frame.extend_from_slice(&d.port().to_be_bytes());
        frame.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
        frame.extend_from_slice(payload);
        frame
    }

    fn verify(frame: &[u8]) {
        let header = &frame[14..34];
        assert_eq!(checksum_fold(sum_words(header)), 0, "IPv4 checksum");
        let segment = &frame[34..];
        let mut sum = sum_words(&frame[26..34]);
        sum = sum.wrapping_add(6).wrapping_add(segment.len() as u32);
        sum = sum.wrapping_add(sum_words(segment));
        assert_eq!(checksum_fold(sum), 0, "TCP checksum");
    }

    #[test]
    fn redirected_segments_get_their_original_address_back() {
        let client: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let sink: SocketAddr = "127.0.0.1:15001".parse().unwrap();
        let original: SocketAddr = "198.51.100.23:4444".parse().unwrap();
        let redirects = HashMap::from([(client, original)]);

        let mut outbound = frame(client, sink, b"hello");
        undo_redirect(&mut outbound, &redirects, sink);
        assert_eq!(&outbound[30..34], &[198, 51, 100, 23]);
        assert_eq!(&outbound[36..38], &4444u16.to_be_bytes());
        verify(&outbound);

        let mut reply = frame(sink, client, b"odd");
        undo_redirect(&mut reply, &redirects, sink);
        assert_eq!(&reply[26..30], &[198, 51, 100, 23]);
        assert_eq!(&reply[34..36], &4444u16.to_be_bytes());
        verify(&reply);

        // Traffic of other connections is left alone.
        let other: SocketAddr = "127.0.0.1:40001".parse().unwrap();
        let untouched = frame(other, sink, b"x");
        let mut copy = untouched.clone();
        undo_redirect(&mut copy, &redirects, sink);
        assert_eq!(copy, untouched);
        // And garbage never panics.
        for len in 0..60 {
            let mut short = outbound[..len.min(outbound.len())].to_vec();
            undo_redirect(&mut short, &redirects, sink);
        }
    }
}
