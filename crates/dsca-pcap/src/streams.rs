//! TCP stream reassembly with bounded memory: one entry per direction of a connection
//! ("half stream"), in-order bytes appended to a capped buffer, a few out-of-order
//! segments held, the oldest entries evicted when the table is full, and a budget on
//! the bytes held across all streams.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FlowKey {
    pub source: IpAddr,
    pub destination: IpAddr,
    pub source_port: u16,
    pub destination_port: u16,
}

impl FlowKey {
    pub fn reversed(self) -> FlowKey {
        FlowKey {
            source: self.destination,
            destination: self.source,
            source_port: self.destination_port,
            destination_port: self.source_port,
        }
    }
}

/// What a half stream is being read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamState {
    /// Waiting for enough bytes to tell TLS or HTTP, or for the whole ClientHello or
    /// request head.
    Sniffing,
    /// Length-prefixed DNS messages (port 53).
    Dns,
    /// Nothing more to learn: later bytes are ignored.
    Done,
}

const MAX_PENDING_SEGMENTS: usize = 8;
const MAX_PENDING_BYTES: usize = 16 * 1024;

pub struct HalfStream {
    pub state: StreamState,
    generation: u64,
    next_seq: u32,
    pub buffer: Vec<u8>,
    /// Segments that arrived ahead of a gap: (sequence number, bytes).
    pending: Vec<(u32, Vec<u8>)>,
}

/// Why a stream stopped being read before it said anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamGiveUp {
    Gap,
    Budget,
}

impl HalfStream {
    fn footprint(&self) -> usize {
        self.buffer.len()
            + self
                .pending
                .iter()
                .map(|(_, bytes)| bytes.len())
                .sum::<usize>()
    }

    pub fn finish(&mut self) {
        self.state = StreamState::Done;
        self.buffer = Vec::new();
        self.pending = Vec::new();
    }

    /// Add a segment's bytes in sequence order; `cap` bounds the buffer.
    fn accept(&mut self, seq: u32, payload: &[u8], cap: usize) -> Result<(), StreamGiveUp> {
        let ahead = seq.wrapping_sub(self.next_seq) as i32;
        if ahead > 0 {
            let held: usize = self.pending.iter().map(|(_, b)| b.len()).sum();
            if self.pending.len() >= MAX_PENDING_SEGMENTS
                || held + payload.len() > MAX_PENDING_BYTES
            {
                return Err(StreamGiveUp::Gap);
            }
            self.pending.push((seq, payload.to_vec()));
            return Ok(());
        }
        self.append(seq, payload, cap)?;
        // Segments that the new bytes made contiguous.
        while let Some(index) = self
            .pending
            .iter()
            .position(|(seq, _)| seq.wrapping_sub(self.next_seq) as i32 <= 0)
        {
            let (seq, bytes) = self.pending.swap_remove(index);
            self.append(seq, &bytes, cap)?;
        }
        Ok(())
    }

    fn append(&mut self, seq: u32, payload: &[u8], cap: usize) -> Result<(), StreamGiveUp> {
        // Bytes before `next_seq` were seen already (retransmission or overlap).
        let behind = self.next_seq.wrapping_sub(seq) as usize;
        let Some(new) = payload.get(behind..) else {
            return Ok(());
        };
        let room = cap.saturating_sub(self.buffer.len());
        self.buffer.extend_from_slice(&new[..new.len().min(room)]);
        self.next_seq = self.next_seq.wrapping_add(new.len() as u32);
        Ok(())
    }
}

pub struct StreamTable {
    streams: HashMap<FlowKey, HalfStream>,
    /// Creation order with the generation of the entry, for evicting the oldest.
    order: VecDeque<(FlowKey, u64)>,
    next_generation: u64,
    max_streams: usize,
    max_buffered: usize,
    buffered: usize,
    pub evicted: u64,
}

impl StreamTable {
    pub fn new(max_streams: usize, max_buffered: usize) -> Self {
        StreamTable {
            streams: HashMap::new(),
            order: VecDeque::new(),
            next_generation: 0,
            max_streams,
            max_buffered,
            buffered: 0,
            evicted: 0,
        }
    }

    /// Start tracking `key` at sequence number `next_seq`, replacing any older entry.
    pub fn open(&mut self, key: FlowKey, next_seq: u32, state: StreamState) {
        self.remove(&key);
        while self.streams.len() >= self.max_streams {
            let Some((oldest, generation)) = self.order.pop_front() else {
                break;
            };
            if self
                .streams
                .get(&oldest)
                .is_some_and(|s| s.generation == generation)
            {
                self.remove(&oldest);
                self.evicted += 1;
            }
        }
        let generation = self.next_generation;
        self.next_generation += 1;
        self.order.push_back((key, generation));
        // Removed entries leave stale queue items behind: compact now and then.
        if self.order.len() > 2 * self.max_streams.max(16) {
            let streams = &self.streams;
            self.order.retain(|(key, generation)| {
                streams
                    .get(key)
                    .is_some_and(|s| s.generation == *generation)
            });
        }
        self.streams.insert(
            key,
            HalfStream {
                state,
                generation,
                next_seq,
                buffer: Vec::new(),
                pending: Vec::new(),
            },
        );
    }

    pub fn contains(&self, key: &FlowKey) -> bool {
        self.streams.contains_key(key)
    }

    pub fn state(&self, key: &FlowKey) -> Option<StreamState> {
        self.streams.get(key).map(|s| s.state)
    }

    /// Is `seq` the first byte of a stream that holds nothing yet?
    pub fn at_start(&self, key: &FlowKey, seq: u32) -> bool {
        self.streams
            .get(key)
            .is_some_and(|s| s.buffer.is_empty() && s.pending.is_empty() && s.next_seq == seq)
    }

    /// Stop reading `key`'s stream (its later bytes are ignored).
    pub fn finish(&mut self, key: &FlowKey) {
        if let Some(stream) = self.streams.get_mut(key) {
            self.buffered -= stream.footprint();
            stream.finish();
        }
    }

    pub fn remove(&mut self, key: &FlowKey) {
        if let Some(stream) = self.streams.remove(key) {
            self.buffered -= stream.footprint();
        }
    }

    /// Add a segment to `key`'s stream and let `read` look at the buffer. A stream that
    /// exceeds its limits is finished and the reason returned.
    pub fn feed(
        &mut self,
        key: &FlowKey,
        seq: u32,
        payload: &[u8],
        cap: usize,
        read: impl FnOnce(&mut HalfStream),
    ) -> Result<(), StreamGiveUp> {
        let Some(stream) = self.streams.get_mut(key) else {
            return Ok(());
        };
        if stream.state == StreamState::Done {
            return Ok(());
        }
        let before = stream.footprint();
        let mut result = stream.accept(seq, payload, cap);
        if result.is_ok() && self.buffered - before + stream.footprint() > self.max_buffered {
            result = Err(StreamGiveUp::Budget);
        }
        match result {
            Ok(()) => read(stream),
            Err(_) => stream.finish(),
        }
        self.buffered = self.buffered - before + stream.footprint();
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(port: u16) -> FlowKey {
        FlowKey {
            source: "192.0.2.1".parse().unwrap(),
            destination: "192.0.2.2".parse().unwrap(),
            source_port: port,
            destination_port: 443,
        }
    }

    fn collect(table: &mut StreamTable, k: FlowKey, seq: u32, data: &[u8]) -> Vec<u8> {
        let mut seen = Vec::new();
        table
            .feed(&k, seq, data, 1024, |s| seen = s.buffer.clone())
            .unwrap();
        seen
    }

    #[test]
    fn reorders_and_drops_retransmissions() {
        let mut table = StreamTable::new(4, 1 << 20);
        let k = key(1);
        table.open(k, u32::MAX - 1, StreamState::Sniffing);
        // Sequence numbers wrap around zero.
        assert_eq!(collect(&mut table, k, 1, b"cd"), b"");
        assert_eq!(collect(&mut table, k, u32::MAX - 1, b"ab"), b"ab");
        assert_eq!(collect(&mut table, k, 0, b"X"), b"abXcd".to_vec());
        assert_eq!(collect(&mut table, k, 2, b"de"), b"abXcde".to_vec());
    }

    #[test]
    fn evicts_the_oldest_and_respects_the_budget() {
        let mut table = StreamTable::new(2, 10);
        for port in 1..=3 {
            table.open(key(port), 0, StreamState::Sniffing);
        }
        assert!(!table.contains(&key(1)));
        assert!(table.contains(&key(3)));
        assert_eq!(table.evicted, 1);
        let result = table.feed(&key(3), 0, &[0; 11], 100, |_| {});
        assert_eq!(result, Err(StreamGiveUp::Budget));
        assert_eq!(table.state(&key(3)), Some(StreamState::Done));
        assert_eq!(table.buffered, 0);
    }
}
