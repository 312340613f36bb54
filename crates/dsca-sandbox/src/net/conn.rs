//! What the sink's protocol layers (DNS over TCP, TLS, HTTP, WebSocket, raw) share
//! about a connection: its socket with deadlines, its record, and reading a client out.

use super::{Payload, Shared};
use dsca_model::dynamic::Connection;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// Bytes of the start of a connection shown in `first_bytes`.
pub(crate) const FIRST_BYTES_SHOWN: usize = 256;

/// A connection's socket with its deadlines: every read and write gives up at the I/O
/// timeout, at the end of the current request's time and at the end of the
/// connection's lifetime. Counts the bytes received.
pub(crate) struct Metered {
    stream: TcpStream,
    io_timeout: Duration,
    request_timeout: Duration,
    connection_deadline: Instant,
    request_deadline: Instant,
    pub(crate) received: u64,
}

impl Metered {
    pub(crate) fn new(stream: TcpStream, shared: &Shared) -> Metered {
        let limits = &shared.config.limits;
        let now = Instant::now();
        Metered {
            stream,
            io_timeout: limits.io_timeout,
            request_timeout: limits.request_timeout,
            connection_deadline: now + limits.connection_timeout,
            request_deadline: now + limits.request_timeout,
            received: 0,
        }
    }

    /// Starts the clock for the next request (or DNS message, or TLS handshake).
    pub(crate) fn begin_request(&mut self) {
        self.request_deadline = Instant::now() + self.request_timeout;
    }

    /// Time left for the next read.
    fn remaining(&self) -> io::Result<Duration> {
        let deadline = self.connection_deadline.min(self.request_deadline);
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "deadline passed"));
        }
        Ok(left.min(self.io_timeout))
    }
}

impl Metered {
    /// A read that waits at most `wait` (and never past the deadlines).
    pub(crate) fn read_within(&mut self, buf: &mut [u8], wait: Duration) -> io::Result<usize> {
        let timeout = self.remaining()?.min(wait);
        self.stream.set_read_timeout(Some(timeout))?;
        let n = self.stream.read(buf)?;
        self.received += n as u64;
        Ok(n)
    }
}

impl Read for Metered {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let timeout = self.remaining()?;
        self.read_within(buf, timeout)
    }
}

impl Write for Metered {
    /// Writing the answer is not the client's time: only the I/O timeout and the
    /// connection's lifetime apply.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let left = self
            .connection_deadline
            .saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "deadline passed"));
        }
        self.stream
            .set_write_timeout(Some(left.min(self.io_timeout)))?;
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// What a connection is, as far as the sink knows, passed down to the protocol layers.
pub(crate) struct ConnectionContext<'a> {
    pub(crate) shared: &'a Shared,
    /// Index of its `Connection` record, when one was kept.
    pub(crate) record: Option<usize>,
    pub(crate) destination: SocketAddr,
    pub(crate) time_ms: u64,
}

impl ConnectionContext<'_> {
    pub(crate) fn update(&self, f: impl FnOnce(&mut Connection)) {
        self.shared.record(|r| r.update_connection(self.record, f));
    }

    /// `address:port` as the client meant it.
    pub(crate) fn destination_text(&self) -> String {
        self.destination.to_string()
    }
}

/// Records what a client that speaks neither TLS nor HTTP sends, until it stops.
pub(crate) fn serve_raw(context: &ConnectionContext<'_>, stream: &mut impl Read, start: Vec<u8>) {
    let captured = read_until_gone(
        stream,
        start,
        context.shared.config.limits.max_capture_bytes,
    );
    let first = super::shown_with_mark(
        &captured,
        &context.shared.config.probe_mark,
        FIRST_BYTES_SHOWN,
    );
    context.update(|c| c.first_bytes = first);
    let payload = Payload {
        channel: "tcp".to_string(),
        destination: context.destination_text(),
        bytes: captured,
        time_ms: context.time_ms,
    };
    context.shared.record(|r| r.payload(payload));
}

/// `start` and what the client sends after it until it goes away (or the connection's
/// time limits end it), keeping the first `max` bytes and reading the rest away.
pub(crate) fn read_until_gone(stream: &mut impl Read, start: Vec<u8>, max: usize) -> Vec<u8> {
    let mut kept = start;
    kept.truncate(max);
    let mut chunk = [0u8; 8192];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = max.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..n.min(room)]);
            }
        }
    }
    kept
}
