//! A minimal HTTP/1.1 server for the test doubles of this crate (the npm registry, the
//! downloads API). One thread accepts; each connection gets its own thread, serves one
//! request and closes (`Connection: close`), which keeps the server small and the client
//! honest.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// A request head as the server read it.
pub(crate) struct Request {
    pub method: String,
    /// The raw request target, as sent (still percent-encoded).
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// The body, by its Content-Length (bounded).
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

pub(crate) struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub extra_headers: Vec<(&'static str, String)>,
}

impl Response {
    pub fn json(status: u16, value: &Value) -> Response {
        Response {
            status,
            content_type: "application/json",
            body: serde_json::to_vec(value).unwrap_or_default(),
            extra_headers: Vec::new(),
        }
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// Serves `handler` on `127.0.0.1:<random port>` until dropped (over TLS when started
/// with a configuration).
pub(crate) struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start(
        name: &str,
        handler: impl Fn(&Request) -> Response + Send + Sync + 'static,
    ) -> Server {
        Server::start_with(name, None, handler)
    }

    pub fn start_with(
        name: &str,
        tls: Option<Arc<rustls::ServerConfig>>,
        handler: impl Fn(&Request) -> Response + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a test server");
        let addr = listener.local_addr().expect("test server address");
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let accept_thread = {
            let stop = Arc::clone(&stop);
            let name = name.to_string();
            std::thread::Builder::new()
                .name(name.clone())
                .spawn(move || accept_loop(listener, &name, &stop, &handler, tls))
                .expect("spawn a test server")
        };
        Server {
            addr,
            stop,
            accept_thread: Some(accept_thread),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept() so the thread sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(handle) = self.accept_thread.take() {
            let _ = handle.join();
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    name: &str,
    stop: &AtomicBool,
    handler: &Arc<Handler>,
    tls: Option<Arc<rustls::ServerConfig>>,
) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let handler = Arc::clone(handler);
        let tls = tls.clone();
        let _ = std::thread::Builder::new()
            .name(format!("{name}-conn"))
            .spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                match tls.map(rustls::ServerConnection::new) {
                    None => {
                        let _ = handle_connection(stream, handler.as_ref());
                    }
                    Some(Ok(connection)) => {
                        let mut tls = rustls::StreamOwned::new(connection, stream);
                        let _ = handle_connection(&mut tls, handler.as_ref());
                        tls.conn.send_close_notify();
                        let _ = tls.flush();
                    }
                    Some(Err(_)) => {}
                }
            });
    }
}

/// Longest request body read.
const MAX_BODY: usize = 16 * 1024 * 1024;

fn handle_connection(mut stream: impl Read + Write, handler: &Handler) -> std::io::Result<()> {
    let Some((head, mut body)) = read_head(&mut stream)? else {
        return Ok(());
    };
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_string();
    let path = request_line.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(name, _): &&(String, String)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_BODY);
    let mut chunk = [0u8; 8192];
    while body.len() < length {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    let request = Request {
        method,
        path,
        headers,
        body,
    };
    let response = handler(&request);
    let reason = match response.status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut out = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        response.content_type,
        response.body.len()
    );
    for (name, value) in &response.extra_headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    stream.write_all(out.as_bytes())?;
    if request.method != "HEAD" {
        stream.write_all(&response.body)?;
    }
    stream.flush()
}

/// Reads the request head (up to the blank line), bounded at 64 KiB, and the bytes read
/// past it.
fn read_head(stream: &mut impl Read) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf[end + 4..].to_vec();
            return Ok(Some((
                String::from_utf8_lossy(&buf[..end]).into_owned(),
                rest,
            )));
        }
        if buf.len() > 64 * 1024 {
            return Ok(None);
        }
    }
}
