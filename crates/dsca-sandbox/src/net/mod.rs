//! The network side of the sandbox: a DNS server that answers every name, and a TCP
//! sink that accepts every connection, decrypts TLS with certificates minted by a
//! per-run CA, answers HTTP(S) with a simulated response (or, for the registry's hosts,
//! with what the registry upstream serves), and records everything, bounded.
//!
//! Everything runs on std threads in the supervisor; the sockets were made inside the
//! sandbox's network namespace and handed over. Nothing here connects anywhere except
//! the [`RegistryUpstream`].

mod conn;
pub mod dns;
mod http;
mod socket;
mod tcp;
mod tls;
mod upstream;
pub mod websocket;

pub use tls::CertificateAuthority;
pub use upstream::{ClientUpstream, Dependency, outside_dependencies, registry_dependency_names};

use dsca_model::dynamic::{Connection, DnsQuery, DroppedEvents, HttpRequest};
use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How the sinks answer and what they record.
#[derive(Debug, Clone)]
pub struct NetConfig {
    /// Host names answered with `registry_address` and served by the upstream.
    pub registry_hosts: Vec<String>,
    pub registry_address: Ipv4Addr,
    /// What the sink answers to HTTP(S) requests for any other host.
    pub response: SimulatedResponse,
    pub limits: NetLimits,
    /// The harmless word the sink's probes carry (see
    /// [`dsca_model::dynamic::PROBE_MARK_PREFIX`]): `echo <mark>` to a silent raw TCP
    /// client, a script running `/bin/echo <mark>` for a script download. Unique per run.
    pub probe_mark: String,
}

/// The sink's answer to non-registry HTTP(S) requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatedResponse {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Default for SimulatedResponse {
    fn default() -> Self {
        SimulatedResponse {
            status: 404,
            content_type: "text/plain".to_string(),
            body: Vec::new(),
        }
    }
}

/// Bounds on what clients can make the sinks do and record.
#[derive(Debug, Clone)]
pub struct NetLimits {
    /// Connections served at once (TCP sink and DNS over TCP); more are closed at once.
    pub max_connections: usize,
    /// Events kept per table (DNS, connections, HTTP, payloads); the rest are counted.
    pub max_events: usize,
    /// Bytes of what a client sent kept per connection (payloads, bodies).
    pub max_capture_bytes: usize,
    /// The request line and headers of one HTTP request.
    pub max_header_bytes: usize,
    /// Bytes of one request body read (and mostly discarded); a larger one ends the connection.
    pub max_body_bytes: u64,
    /// Requests served on one connection.
    pub max_requests_per_connection: usize,
    /// Distinct names given their own sinkhole address; later names share one.
    pub max_dns_names: usize,
    /// Leaf certificates kept (one per server name).
    pub max_certificates: usize,
    /// A read or write that makes no progress this long ends the connection.
    pub io_timeout: Duration,
    /// Time for a client to send one whole request (or its TLS handshake).
    pub request_timeout: Duration,
    /// Lifetime of one connection.
    pub connection_timeout: Duration,
}

impl Default for NetLimits {
    fn default() -> Self {
        NetLimits {
            max_connections: 128,
            max_events: 10_000,
            max_capture_bytes: 64 * 1024,
            max_header_bytes: 64 * 1024,
            max_body_bytes: 16 * 1024 * 1024,
            max_requests_per_connection: 1000,
            max_dns_names: 65_536,
            max_certificates: 4096,
            io_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(20),
            connection_timeout: Duration::from_secs(300),
        }
    }
}

/// The sockets the sinks serve, made inside the sandbox's network namespace.
#[derive(Debug)]
pub struct Listeners {
    /// Receives datagrams to any address on port 53 (IP_PKTINFO is switched on here).
    pub dns_udp: UdpSocket,
    pub dns_tcp: TcpListener,
    /// The same on IPv6, when the sandbox has it (IPv6-only sockets on [::]:53).
    pub dns_udp6: Option<UdpSocket>,
    pub dns_tcp6: Option<TcpListener>,
    /// The redirect target port, plus any directly listened ports.
    pub tcp: Vec<TcpListener>,
}

/// Serves the registry's own paths to clients inside the sandbox.
pub trait RegistryUpstream: Send + Sync {
    /// `path` as the client sent it ("/lodash", "/@scope%2fname",
    /// "/lodash/-/lodash-4.17.21.tgz"); `origin` = scheme://host the client used inside
    /// the sandbox, for rewriting tarball URLs.
    fn fetch(&self, path: &str, origin: &str) -> UpstreamResponse;

    /// A request outside the registry that installs a dependency a served manifest
    /// names (a tarball's URL; a hosted git repository's refs, pack or commit tarball),
    /// fetched on the host; `None` when it is not one (it gets the sink's answer).
    fn url_dependency(&self, _request: &OutsideRequest<'_>) -> Option<FetchedDependency> {
        None
    }
}

/// A request outside the registry, as the sink read it.
#[derive(Debug, Clone, Copy)]
pub struct OutsideRequest<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    /// The body as kept (bounded), and whether that is all of it.
    pub body: &'a [u8],
    pub body_complete: bool,
}

/// What the upstream answered a URL dependency's request with, and how it got it
/// (`fetched 5 KiB from https://…`, or why it could not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedDependency {
    /// What npm gets; `None`: the host's answer was not what the request asks for (a
    /// tarball, git's refs or pack), and the sink answers as for any other request.
    pub response: Option<UpstreamResponse>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamResponse {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

/// What a client sent (bounded), for the honeytoken search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    /// `tcp`, `http`, `https` or `udp`.
    pub channel: String,
    /// `address:port` for raw TCP, the URL for HTTP(S).
    pub destination: String,
    /// For HTTP(S): request line, headers and the start of the body.
    pub bytes: Vec<u8>,
    pub time_ms: u64,
}

/// Everything the sinks recorded during a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetRecord {
    pub dns: Vec<DnsQuery>,
    pub connections: Vec<Connection>,
    pub http: Vec<HttpRequest>,
    pub payloads: Vec<Payload>,
    /// Where each redirected client (by its address) meant to connect.
    pub redirects: HashMap<SocketAddr, SocketAddr>,
    /// Events beyond a table's limit, plus `dns-malformed` (queries that could not be
    /// parsed) and `connections-refused` (over the concurrency limit).
    pub dropped: Vec<DroppedEvents>,
}

#[derive(Debug, thiserror::Error)]
pub enum NetError {
    #[error("cannot make the sandbox's certificate: {0}")]
    Certificate(String),
    #[error("cannot set up the sandbox's sockets: {0}")]
    Socket(String),
    #[error("cannot start the sandbox's network threads: {0}")]
    Thread(String),
}

/// The running DNS server and TCP sink.
pub struct Sinks {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

/// How long `finish` waits for connection threads to record what they saw.
const FINISH_GRACE: Duration = Duration::from_millis(800);
/// How often blocking loops look at the stop flag.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

impl Sinks {
    pub fn start(
        listeners: Listeners,
        config: NetConfig,
        ca: Arc<CertificateAuthority>,
        upstream: Arc<dyn RegistryUpstream>,
        epoch: Instant,
    ) -> Result<Sinks, NetError> {
        let shared = Arc::new(Shared::new(config, ca, upstream, epoch));
        let socket_error = |e: std::io::Error| NetError::Socket(e.to_string());
        listeners
            .dns_udp
            .set_nonblocking(true)
            .map_err(socket_error)?;
        let pktinfo = socket::enable_pktinfo(&listeners.dns_udp);
        listeners
            .dns_tcp
            .set_nonblocking(true)
            .map_err(socket_error)?;
        let mut dns_udp = vec![(listeners.dns_udp, pktinfo)];
        if let Some(udp6) = listeners.dns_udp6 {
            udp6.set_nonblocking(true).map_err(socket_error)?;
            let pktinfo = socket::enable_pktinfo(&udp6);
            dns_udp.push((udp6, pktinfo));
        }
        let mut dns_tcp = vec![listeners.dns_tcp];
        if let Some(tcp6) = listeners.dns_tcp6 {
            tcp6.set_nonblocking(true).map_err(socket_error)?;
            dns_tcp.push(tcp6);
        }
        for listener in &listeners.tcp {
            listener.set_nonblocking(true).map_err(socket_error)?;
        }

        let mut sinks = Sinks {
            shared: shared.clone(),
            threads: Vec::new(),
        };
        for (socket, pktinfo) in dns_udp {
            let udp_shared = shared.clone();
            sinks.spawn("dsca-dns-udp", move || {
                dns::serve_udp(&udp_shared, &socket, pktinfo)
            })?;
        }
        for listener in dns_tcp {
            let tcp_shared = shared.clone();
            sinks.spawn("dsca-dns-tcp", move || {
                tcp::accept_loop(&tcp_shared, &listener, tcp::Service::Dns)
            })?;
        }
        for listener in listeners.tcp {
            let tcp_shared = shared.clone();
            sinks.spawn("dsca-tcp-sink", move || {
                tcp::accept_loop(&tcp_shared, &listener, tcp::Service::Sink)
            })?;
        }
        Ok(sinks)
    }

    fn spawn(&mut self, name: &str, body: impl FnOnce() + Send + 'static) -> Result<(), NetError> {
        match std::thread::Builder::new()
            .name(name.to_string())
            .spawn(body)
        {
            Ok(handle) => {
                self.threads.push(handle);
                Ok(())
            }
            Err(e) => {
                // Stop what already started before reporting.
                self.stop_threads();
                Err(NetError::Thread(e.to_string()))
            }
        }
    }

    fn stop_threads(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(wake) = &self.shared.wake {
            socket::wake_all(std::os::fd::AsRawFd::as_raw_fd(wake));
        }
        for handle in self.threads.drain(..) {
            let _ = handle.join();
        }
    }

    /// Stops every thread (within about a second) and returns all that was recorded.
    /// Connections still open are shut down; a thread still waiting on the upstream
    /// after the grace period is left to end by itself and records nothing more.
    pub fn finish(mut self) -> NetRecord {
        self.stop_threads();
        self.shared.shut_down_connections();
        let waited = Instant::now();
        while self.shared.active.load(Ordering::SeqCst) > 0 && waited.elapsed() < FINISH_GRACE {
            std::thread::sleep(Duration::from_millis(10));
        }
        self.shared.take_record()
    }
}

impl Drop for Sinks {
    fn drop(&mut self) {
        self.stop_threads();
        self.shared.shut_down_connections();
    }
}

/// State shared by every sink thread.
pub(crate) struct Shared {
    pub(crate) config: NetConfig,
    pub(crate) ca: Arc<CertificateAuthority>,
    pub(crate) upstream: Arc<dyn RegistryUpstream>,
    pub(crate) epoch: Instant,
    pub(crate) stop: AtomicBool,
    /// Written when `stop` is set, so the loops waiting on their sockets end at once.
    wake: Option<std::os::fd::OwnedFd>,
    /// Connection threads running now.
    pub(crate) active: AtomicUsize,
    pub(crate) names: Mutex<dns::NameTable>,
    pub(crate) certificates: Mutex<HashMap<String, Arc<rustls::ServerConfig>>>,
    recorder: Mutex<Recorder>,
    /// Clones of the open connections' sockets, to shut them down on finish.
    live: Mutex<HashMap<u64, TcpStream>>,
    next_live: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn new(
        config: NetConfig,
        ca: Arc<CertificateAuthority>,
        upstream: Arc<dyn RegistryUpstream>,
        epoch: Instant,
    ) -> Shared {
        let names = dns::NameTable::new(config.limits.max_dns_names);
        let recorder = Recorder::new(config.limits.max_events);
        Shared {
            config,
            ca,
            upstream,
            epoch,
            stop: AtomicBool::new(false),
            wake: socket::wake_fd(),
            active: AtomicUsize::new(0),
            names: Mutex::new(names),
            certificates: Mutex::new(HashMap::new()),
            recorder: Mutex::new(recorder),
            live: Mutex::new(HashMap::new()),
            next_live: AtomicU64::new(0),
        }
    }

    pub(crate) fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Waits until `fd` is readable, at most [`POLL_INTERVAL`]; false at once on a stop.
    pub(crate) fn wait_readable(&self, fd: std::os::fd::RawFd) -> bool {
        let wake = self.wake.as_ref().map(std::os::fd::AsRawFd::as_raw_fd);
        crate::sys::wait_readable(fd, wake, POLL_INTERVAL)
    }

    pub(crate) fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    pub(crate) fn is_registry_host(&self, host: &str) -> bool {
        self.config
            .registry_hosts
            .iter()
            .any(|h| h.trim_end_matches('.').eq_ignore_ascii_case(host))
    }

    pub(crate) fn record<R>(&self, f: impl FnOnce(&mut Recorder) -> R) -> R {
        f(&mut lock(&self.recorder))
    }

    pub(crate) fn count_dropped(&self, table: &'static str) {
        self.record(|r| r.drop_one(table));
    }

    /// Remembers a clone of `stream` so `finish` can shut it down; the key forgets it.
    pub(crate) fn track(&self, stream: &TcpStream) -> Option<u64> {
        let clone = stream.try_clone().ok()?;
        let key = self.next_live.fetch_add(1, Ordering::SeqCst);
        lock(&self.live).insert(key, clone);
        if self.stopping() {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
        Some(key)
    }

    pub(crate) fn untrack(&self, key: Option<u64>) {
        if let Some(key) = key {
            lock(&self.live).remove(&key);
        }
    }

    fn shut_down_connections(&self) {
        for stream in lock(&self.live).values() {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    }

    fn take_record(&self) -> NetRecord {
        let mut recorder = lock(&self.recorder);
        recorder.closed = true;
        let dropped = std::mem::take(&mut recorder.dropped)
            .into_iter()
            .map(|(table, count)| DroppedEvents {
                table: table.to_string(),
                count,
            })
            .collect();
        NetRecord {
            dns: std::mem::take(&mut recorder.dns),
            connections: std::mem::take(&mut recorder.connections),
            http: std::mem::take(&mut recorder.http),
            payloads: std::mem::take(&mut recorder.payloads),
            redirects: std::mem::take(&mut recorder.redirects),
            dropped,
        }
    }
}

/// The bounded tables. After `finish` took them (`closed`) nothing more is kept.
pub(crate) struct Recorder {
    max_events: usize,
    closed: bool,
    dns: Vec<DnsQuery>,
    connections: Vec<Connection>,
    http: Vec<HttpRequest>,
    payloads: Vec<Payload>,
    redirects: HashMap<SocketAddr, SocketAddr>,
    dropped: BTreeMap<&'static str, u64>,
}

/// Pushes onto a table unless it is full; the index of what was pushed.
fn push_bounded<T>(
    table: &mut Vec<T>,
    item: T,
    max: usize,
    closed: bool,
    dropped: &mut BTreeMap<&'static str, u64>,
    name: &'static str,
) -> Option<usize> {
    if closed {
        return None;
    }
    if table.len() >= max {
        *dropped.entry(name).or_default() += 1;
        return None;
    }
    table.push(item);
    Some(table.len() - 1)
}

impl Recorder {
    fn new(max_events: usize) -> Recorder {
        Recorder {
            max_events,
            closed: false,
            dns: Vec::new(),
            connections: Vec::new(),
            http: Vec::new(),
            payloads: Vec::new(),
            redirects: HashMap::new(),
            dropped: BTreeMap::new(),
        }
    }

    /// Bounded like the other tables: past the limit, captures show the sink's address.
    pub(crate) fn redirect(&mut self, client: SocketAddr, original: SocketAddr) {
        if self.closed {
            return;
        }
        if self.redirects.len() >= self.max_events {
            self.drop_one("redirects");
            return;
        }
        self.redirects.insert(client, original);
    }

    pub(crate) fn drop_one(&mut self, table: &'static str) {
        if !self.closed {
            *self.dropped.entry(table).or_default() += 1;
        }
    }

    pub(crate) fn dns(&mut self, query: DnsQuery) {
        let max = self.max_events;
        push_bounded(
            &mut self.dns,
            query,
            max,
            self.closed,
            &mut self.dropped,
            "dns",
        );
    }

    pub(crate) fn connection(&mut self, connection: Connection) -> Option<usize> {
        let max = self.max_events;
        push_bounded(
            &mut self.connections,
            connection,
            max,
            self.closed,
            &mut self.dropped,
            "connections",
        )
    }

    /// Changes a connection recorded earlier (when it was kept and not yet taken).
    pub(crate) fn update_connection(
        &mut self,
        index: Option<usize>,
        f: impl FnOnce(&mut Connection),
    ) {
        if self.closed {
            return;
        }
        if let Some(connection) = index.and_then(|i| self.connections.get_mut(i)) {
            f(connection);
        }
    }

    pub(crate) fn http(&mut self, request: HttpRequest) {
        let max = self.max_events;
        push_bounded(
            &mut self.http,
            request,
            max,
            self.closed,
            &mut self.dropped,
            "http",
        );
    }

    pub(crate) fn payload(&mut self, payload: Payload) {
        if payload.bytes.is_empty() {
            return;
        }
        let max = self.max_events;
        push_bounded(
            &mut self.payloads,
            payload,
            max,
            self.closed,
            &mut self.dropped,
            "payloads",
        );
    }
}

/// Printable ASCII kept, everything else (and backslashes) as `\xHH`, at most `max`
/// input bytes.
/// What a connection's record shows of the bytes a client sent: their start, or where
/// the run's probe mark came back when that is further on (the proof must not hide
/// behind a long first message).
pub(crate) fn shown_with_mark(bytes: &[u8], mark: &str, max: usize) -> String {
    let mark = mark.as_bytes();
    let found = (!mark.is_empty())
        .then(|| bytes.windows(mark.len()).position(|w| w == mark))
        .flatten();
    match found {
        Some(at) if at > max / 2 => {
            format!("… {}", escape_bytes(&bytes[at.saturating_sub(64)..], max))
        }
        _ => escape_bytes(bytes, max),
    }
}

pub(crate) fn escape_bytes(bytes: &[u8], max: usize) -> String {
    let mut out = String::with_capacity(bytes.len().min(max));
    for &byte in bytes.iter().take(max) {
        match byte {
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(byte as char),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => out.push_str(&format!("\\x{byte:02x}")),
        }
    }
    if bytes.len() > max {
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_unprintable_bytes_and_bounds_length() {
        assert_eq!(
            escape_bytes(b"GET /\r\n\x00\\", 100),
            "GET /\\r\\n\\x00\\\\"
        );
        assert_eq!(escape_bytes(b"abcdef", 3), "abc...");
    }

    #[test]
    fn the_probe_mark_is_shown_even_after_a_long_start() {
        let mark = "dsca-probe-0011223344556677";
        let early = format!("uid=1000 {mark}\n");
        assert_eq!(
            shown_with_mark(early.as_bytes(), mark, 256),
            escape_bytes(early.as_bytes(), 256)
        );
        let late = format!("{}\n{mark}\n", "x".repeat(1000));
        let shown = shown_with_mark(late.as_bytes(), mark, 256);
        assert!(shown.starts_with("… ") && shown.contains(mark), "{shown}");
        assert_eq!(shown_with_mark(b"no mark here", mark, 256), "no mark here");
        assert_eq!(shown_with_mark(b"", "", 8), "");
    }

    #[test]
    fn tables_stop_at_their_limit_and_count_the_rest() {
        let mut recorder = Recorder::new(1);
        let payload = |n: u8| Payload {
            channel: "tcp".into(),
            destination: "192.0.2.1:9".into(),
            bytes: vec![n],
            time_ms: 0,
        };
        recorder.payload(payload(1));
        recorder.payload(payload(2));
        recorder.payload(payload(3));
        assert_eq!(recorder.payloads.len(), 1);
        assert_eq!(recorder.dropped.get("payloads"), Some(&2));
        recorder.closed = true;
        recorder.drop_one("payloads");
        assert_eq!(recorder.dropped.get("payloads"), Some(&2));
    }
}
