//! The TCP sink: accepts every connection, learns where the client meant to go, looks
//! at the first bytes and hands the connection to TLS, HTTP or the raw recorder (the
//! protocol layers share what a connection is through [`super::conn`]).

use super::conn::{ConnectionContext, FIRST_BYTES_SHOWN, Metered, serve_raw};
use super::socket;
use super::{Shared, dns, escape_bytes, http, tls};
use dsca_model::dynamic::Connection;
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

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
