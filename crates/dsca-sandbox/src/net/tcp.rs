//! The TCP sink: accepts every connection, learns where the client meant to go, looks
//! at the first bytes and hands the connection to TLS, HTTP or the raw recorder.

use super::socket;
use super::{Payload, Shared, dns, escape_bytes, http, tls};
use dsca_model::dynamic::Connection;
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Bytes of the start of a connection shown in `first_bytes`.
const FIRST_BYTES_SHOWN: usize = 256;
/// Bytes looked at to tell TLS and HTTP from the rest.
const CLASSIFY_BYTES: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    /// DNS over TCP (port 53).
    Dns,
    /// Everything else: TLS, HTTP or raw bytes.
    Sink,
}

/// Accepts connections until the stop flag is set, each on its own thread, at most
/// `max_connections` at once (the rest are closed straight away and counted).
pub(crate) fn accept_loop(shared: &Arc<Shared>, listener: &TcpListener, service: Service) {
    while !shared.stopping() {
        if !shared.wait_readable(listener.as_raw_fd()) {
            continue;
        }
        let Ok((stream, _)) = listener.accept() else {
            continue;
        };
        if shared.active.load(Ordering::SeqCst) >= shared.config.limits.max_connections {
            shared.count_dropped("connections-refused");
            continue;
        }
        shared.active.fetch_add(1, Ordering::SeqCst);
        let thread_shared = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("dsca-connection".to_string())
            .spawn(move || {
                let _active = ActiveGuard(&thread_shared);
                serve_connection(&thread_shared, stream, service);
            });
        if spawned.is_err() {
            shared.active.fetch_sub(1, Ordering::SeqCst);
            shared.count_dropped("connections-refused");
        }
    }
}

/// Counts a connection thread as active until it ends (even by a panic).
struct ActiveGuard<'a>(&'a Shared);

impl Drop for ActiveGuard<'_> {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

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
    fn new(stream: TcpStream, shared: &Shared) -> Metered {
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
    fn read_within(&mut self, buf: &mut [u8], wait: Duration) -> io::Result<usize> {
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

fn serve_connection(shared: &Shared, stream: TcpStream, service: Service) {
    let _ = stream.set_nodelay(true);
    let destination = socket::original_destination(&stream)
        .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
    // A redirect rule brought it here: remember where the client meant to go, so a
    // capture of the sandbox's loopback can show the original address.
    if let (Ok(peer), Ok(local)) = (stream.peer_addr(), stream.local_addr())
        && local != destination
    {
        shared.record(|r| r.redirect(peer, destination));
    }
    let live = shared.track(&stream);
    let mut metered = Metered::new(stream, shared);
    match service {
        Service::Dns => {
            let resolver = destination.to_string();
            dns::serve_tcp(shared, &mut metered, &resolver);
        }
        Service::Sink => serve_sink(shared, &mut metered, destination),
    }
    shared.untrack(live);
}

fn serve_sink(shared: &Shared, metered: &mut Metered, destination: SocketAddr) {
    let time_ms = shared.now_ms();
    let name = match destination.ip() {
        IpAddr::V4(address) => super::lock(&shared.names)
            .name_of(address)
            .map(str::to_string),
        IpAddr::V6(_) => None,
    };
    let record = shared.record(|r| {
        r.connection(Connection {
            phase: String::new(),
            protocol: "tcp".to_string(),
            destination: destination.ip().to_string(),
            port: destination.port(),
            name,
            time_ms,
            pid: None,
            kind: "raw".to_string(),
            sni: None,
            first_bytes: String::new(),
            bytes_received: 0,
        })
    });
    let context = ConnectionContext {
        shared,
        record,
        destination,
        time_ms,
    };
    let mut start = Vec::with_capacity(CLASSIFY_BYTES);
    let kind = classify_start(metered, &mut start);
    context.update(|c| c.first_bytes = escape_bytes(&start, FIRST_BYTES_SHOWN));
    match kind {
        Start::Tls => tls::serve(&context, metered, start),
        Start::Http => http::serve(&context, metered, start, None),
        Start::Other => serve_raw(&context, metered, start),
        Start::Silent => {
            // A client that connects and waits is waiting for orders: answer like its
            // controller, with a harmless command carrying this run's mark. If the
            // package runs what it receives, the trace shows the command (or its output
            // comes back): proof of remote command execution, not a suspicion.
            let probe = format!("echo {}\n", shared.config.probe_mark);
            if metered.write_all(probe.as_bytes()).is_ok() {
                context.update(|c| c.kind = dsca_model::dynamic::PROBED_CONNECTION.to_string());
            }
            serve_raw(&context, metered, start);
        }
    }
    let received = metered.received;
    context.update(|c| c.bytes_received = received);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    Tls,
    Http,
    Other,
    /// Nothing arrived within [`SILENCE`]: the client waits for the server to speak.
    Silent,
}

/// How long a client may stay silent before the sink speaks first.
const SILENCE: Duration = Duration::from_millis(1500);

/// Reads until the first bytes tell TLS (a handshake record), HTTP (a method token and
/// a space) or anything else apart; what was read is left in `start`.
fn classify_start(stream: &mut Metered, start: &mut Vec<u8>) -> Start {
    let mut chunk = [0u8; CLASSIFY_BYTES];
    loop {
        match classify(start) {
            Some(kind) => return kind,
            None if start.len() >= CLASSIFY_BYTES => return Start::Other,
            None => {}
        }
        let want = CLASSIFY_BYTES - start.len();
        let read = if start.is_empty() {
            stream.read_within(&mut chunk[..want], SILENCE)
        } else {
            stream.read(&mut chunk[..want])
        };
        match read {
            Ok(0) => return Start::Other,
            Err(err)
                if start.is_empty()
                    && matches!(
                        err.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
            {
                return Start::Silent;
            }
            Err(_) => return Start::Other,
            Ok(n) => start.extend_from_slice(&chunk[..n]),
        }
    }
}

/// None while the bytes so far could still be either.
fn classify(start: &[u8]) -> Option<Start> {
    match start {
        [] => None,
        [0x16] => None,
        [0x16, 0x03, ..] => Some(Start::Tls),
        _ => {
            let token = start.iter().take_while(|b| b.is_ascii_uppercase()).count();
            match start.get(token) {
                Some(b' ') if token > 0 => Some(Start::Http),
                Some(_) => Some(Start::Other),
                None => None,
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_bytes_tell_tls_http_and_the_rest_apart() {
        assert_eq!(classify(b"\x16\x03\x01"), Some(Start::Tls));
        assert_eq!(classify(b"\x16"), None);
        assert_eq!(classify(b"GET / HTTP/1.1"), Some(Start::Http));
        assert_eq!(classify(b"POS"), None);
        assert_eq!(classify(b"SSH-2.0"), Some(Start::Other));
        assert_eq!(classify(b" GET"), Some(Start::Other));
        assert_eq!(classify(b"\x00\x01"), Some(Start::Other));
    }
}
