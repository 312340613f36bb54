//! HTTP/1.x over a sink connection (plain, or decrypted TLS): reads each request
//! (headers bounded, body bounded, Content-Length or chunked), answers the registry's
//! hosts through the upstream and everything else with the simulated response, records
//! the request, and keeps the connection alive while the client wants it.

use super::conn::{ConnectionContext, Metered};
use super::{Payload, SimulatedResponse, UpstreamResponse, escape_bytes};
use dsca_model::dynamic::HttpRequest;
use std::io::{self, Read, Write};

/// Headers parsed per request; more is answered 431.
const MAX_HEADERS: usize = 128;
/// Characters kept of one header value.
const MAX_HEADER_VALUE: usize = 1024;
/// Bytes of the body shown (escaped) in the request record; the payload keeps more.
const BODY_SHOWN: usize = 4096;
/// Longest chunk-size or trailer line.
const MAX_CHUNK_LINE: usize = 1024;
const MAX_TRAILERS: usize = 64;
const READ_CHUNK: usize = 8192;

/// A connection an HTTP request can come over.
pub(crate) trait HttpConnection: Read + Write {
    /// Starts the time allowed for the next request.
    fn begin_request(&mut self);
}

impl HttpConnection for Metered {
    fn begin_request(&mut self) {
        Metered::begin_request(self);
    }
}

impl HttpConnection for rustls::StreamOwned<rustls::ServerConnection, &mut Metered> {
    fn begin_request(&mut self) {
        self.sock.begin_request();
    }
}

/// Why a request could not be read whole.
enum ReadFailure {
    /// The client went away or was too slow: nothing more to say to it.
    Closed,
    /// The request is not HTTP we can parse: answer 400.
    Malformed,
    /// Headers over the limit: answer 431.
    HeadersTooLarge,
    /// Body over the limit: answer 413.
    BodyTooLarge,
}

fn io_failure(error: io::Error) -> ReadFailure {
    match error.kind() {
        io::ErrorKind::InvalidData => ReadFailure::Malformed,
        io::ErrorKind::FileTooLarge => ReadFailure::BodyTooLarge,
        _ => ReadFailure::Closed,
    }
}

/// Bytes read from the connection but not yet consumed.
struct Input<'a, C: HttpConnection> {
    connection: &'a mut C,
    buf: Vec<u8>,
}

impl<C: HttpConnection> Input<'_, C> {
    /// Reads more; false at the end of the stream.
    fn fill(&mut self) -> io::Result<bool> {
        let mut chunk = [0u8; READ_CHUNK];
        let n = self.connection.read(&mut chunk)?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    /// The request head (through the blank line), removed from the buffer.
    fn head(&mut self, max: usize) -> Result<Option<Vec<u8>>, ReadFailure> {
        let mut searched = 0;
        loop {
            let unsearched = self.buf.get(searched..).unwrap_or_default();
            if let Some(at) = find(unsearched, b"\r\n\r\n") {
                let end = searched + at + 4;
                if end > max {
                    return Err(ReadFailure::HeadersTooLarge);
                }
                return Ok(Some(self.buf.drain(..end).collect()));
            }
            if self.buf.len() > max {
                return Err(ReadFailure::HeadersTooLarge);
            }
            searched = self.buf.len().saturating_sub(3);
            match self.fill() {
                Ok(true) => {}
                Ok(false) if self.buf.is_empty() => return Ok(None),
                Ok(false) => return Err(ReadFailure::Malformed),
                Err(_) => return Err(ReadFailure::Closed),
            }
        }
    }

    /// Consumes `len` body bytes, keeping what fits in `body`.
    fn body_bytes(&mut self, mut len: u64, body: &mut Body) -> io::Result<()> {
        while len > 0 {
            if self.buf.is_empty() && !self.fill()? {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let take = self
                .buf
                .len()
                .min(usize::try_from(len).unwrap_or(usize::MAX));
            body.keep(&self.buf[..take]);
            self.buf.drain(..take);
            len -= take as u64;
        }
        Ok(())
    }

    /// One CRLF-terminated line without its end.
    fn line(&mut self) -> io::Result<Vec<u8>> {
        loop {
            if let Some(at) = find(&self.buf, b"\n") {
                let mut line: Vec<u8> = self.buf.drain(..=at).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
            if self.buf.len() > MAX_CHUNK_LINE {
                return Err(io::ErrorKind::InvalidData.into());
            }
            if !self.fill()? {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
    }

    fn chunked_body(&mut self, body: &mut Body, max: u64) -> io::Result<()> {
        loop {
            let line = self.line()?;
            let size_text = line.split(|&b| b == b';').next().unwrap_or_default();
            let size_text = std::str::from_utf8(size_text)
                .map_err(|_| io::Error::from(io::ErrorKind::InvalidData))?;
            let size = u64::from_str_radix(size_text.trim(), 16)
                .map_err(|_| io::Error::from(io::ErrorKind::InvalidData))?;
            if size == 0 {
                for _ in 0..MAX_TRAILERS {
                    if self.line()?.is_empty() {
                        return Ok(());
                    }
                }
                return Err(io::ErrorKind::InvalidData.into());
            }
            if body.total.saturating_add(size) > max {
                return Err(io::ErrorKind::FileTooLarge.into());
            }
            self.body_bytes(size, body)?;
            if !self.line()?.is_empty() {
                return Err(io::ErrorKind::InvalidData.into());
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The start of a request body and its full length.
struct Body {
    kept: Vec<u8>,
    max_kept: usize,
    total: u64,
}

impl Body {
    fn keep(&mut self, bytes: &[u8]) {
        let room = self.max_kept.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
        self.total += bytes.len() as u64;
    }
}

/// A parsed request head.
struct Head {
    method: String,
    target: String,
    /// HTTP/1.0 (0) or 1.1 (1).
    minor_version: u8,
    headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn has_token(&self, name: &str, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    fn keep_alive(&self) -> bool {
        if self.has_token("connection", "close") {
            return false;
        }
        self.minor_version >= 1 || self.has_token("connection", "keep-alive")
    }
}

fn parse_head(bytes: &[u8]) -> Option<Head> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(bytes) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return None,
    }
    Some(Head {
        method: request.method?.to_string(),
        target: request.path?.to_string(),
        minor_version: request.version?,
        headers: request
            .headers
            .iter()
            .map(|h| (h.name.to_string(), escape_bytes(h.value, MAX_HEADER_VALUE)))
            .collect(),
    })
}

/// Serves HTTP requests on one connection. `sni` is set for decrypted TLS.
pub(crate) fn serve<C: HttpConnection>(
    context: &ConnectionContext<'_>,
    connection: &mut C,
    start: Vec<u8>,
    sni: Option<&str>,
) {
    let shared = context.shared;
    let limits = &shared.config.limits;
    let scheme = if sni.is_some() { "https" } else { "http" };
    let mut input = Input {
        connection,
        buf: start,
    };
    for _ in 0..limits.max_requests_per_connection {
        input.connection.begin_request();
        let time_ms = shared.now_ms();
        let head_bytes = match input.head(limits.max_header_bytes) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return,
            Err(failure) => {
                let mut unread = std::mem::take(&mut input.buf);
                unread.truncate(limits.max_capture_bytes);
                record_payload(context, scheme, context.destination_text(), unread, time_ms);
                answer_failure(input.connection, &failure);
                return;
            }
        };
        let Some(head) = parse_head(&head_bytes) else {
            record_payload(
                context,
                scheme,
                context.destination_text(),
                head_bytes,
                time_ms,
            );
            answer_failure(input.connection, &ReadFailure::Malformed);
            return;
        };
        let host_header = head.header("host").map(|h| h.trim().to_ascii_lowercase());
        let host = host_header
            .clone()
            .filter(|h| !h.is_empty())
            .or_else(|| sni.map(str::to_string))
            .unwrap_or_else(|| context.destination_text());
        let url = full_url(scheme, &host, &head);
        let registry = shared.is_registry_host(host_name(&host));

        if head.has_token("expect", "100-continue") {
            let _ = input.connection.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
        let mut body = Body {
            kept: Vec::new(),
            max_kept: limits
                .max_capture_bytes
                .saturating_sub(head_bytes.len().min(limits.max_capture_bytes)),
            total: 0,
        };
        let read_body = if head.has_token("transfer-encoding", "chunked") {
            input.chunked_body(&mut body, limits.max_body_bytes)
        } else {
            match head
                .header("content-length")
                .map(|v| v.trim().parse::<u64>())
            {
                None => Ok(()),
                Some(Ok(len)) if len > limits.max_body_bytes => {
                    Err(io::ErrorKind::FileTooLarge.into())
                }
                Some(Ok(len)) => input.body_bytes(len, &mut body),
                Some(Err(_)) => Err(io::ErrorKind::InvalidData.into()),
            }
        };
        let failure = read_body.err().map(io_failure);

        let upgrade = match &failure {
            None if !registry => websocket_key(&head),
            _ => None,
        };
        // A URL dependency a served manifest names gets what its host has (fetched on
        // the host); anything else outside the registry gets a probe or the sink's answer.
        let dependency = match (&failure, &upgrade) {
            (None, None) if !registry => shared.upstream.url_dependency(&super::OutsideRequest {
                method: &head.method,
                url: &url,
                headers: &head.headers,
                body: &body.kept,
                body_complete: body.kept.len() as u64 == body.total,
            }),
            _ => None,
        };
        let fetched = dependency.as_ref().map(|d| d.note.clone());
        let passed = dependency.and_then(|d| d.response);
        let probe = match (&failure, &upgrade, &passed) {
            (None, None, None) if !registry => {
                probe_script(&head.method, &url, &shared.config.probe_mark)
            }
            _ => None,
        };
        let probed = probe.is_some();
        let answer = match (&failure, passed, probe) {
            (Some(failure), _, _) => failure_response(failure),
            (None, _, _) if registry => registry_response(shared, &head, scheme, &host),
            (None, Some(passed), _) => passed,
            (None, None, Some(probe)) => probe,
            (None, None, None) => simulated(&shared.config.response),
        };
        context.update(|c| {
            if registry {
                c.kind = "registry".to_string();
            } else if c.kind == "raw" {
                c.kind = "http".to_string();
            }
        });
        let mut sent = head_bytes;
        sent.truncate(limits.max_capture_bytes);
        sent.extend_from_slice(&body.kept);
        let request = HttpRequest {
            phase: String::new(),
            url: url.clone(),
            method: head.method.clone(),
            host: host.clone(),
            headers: head.headers.clone(),
            body: escape_bytes(&body.kept, BODY_SHOWN),
            body_bytes: body.total,
            time_ms,
            destination: context.destination_text(),
            pid: None,
            registry,
            status: if upgrade.is_some() {
                101
            } else {
                answer.status
            },
            probe: probed,
            fetched,
        };
        shared.record(|r| r.http(request));
        record_payload(context, scheme, url.clone(), sent, time_ms);
        if let Some(key) = upgrade {
            let leftover = std::mem::take(&mut input.buf);
            super::websocket::serve(context, input.connection, &key, leftover, url, time_ms);
            return;
        }

        let keep_alive = failure.is_none() && head.keep_alive();
        let head_only = head.method.eq_ignore_ascii_case("HEAD");
        if write_response(input.connection, &answer, head_only, keep_alive).is_err()
            || !keep_alive
            || matches!(failure, Some(ReadFailure::Closed))
        {
            return;
        }
    }
}

fn record_payload(
    context: &ConnectionContext<'_>,
    channel: &str,
    destination: String,
    bytes: Vec<u8>,
    time_ms: u64,
) {
    let payload = Payload {
        channel: channel.to_string(),
        destination,
        bytes,
        time_ms,
    };
    context.shared.record(|r| r.payload(payload));
}

/// The client's `Sec-WebSocket-Key` when the request asks to become a WebSocket.
fn websocket_key(head: &Head) -> Option<String> {
    if !head.method.eq_ignore_ascii_case("GET") || !head.has_token("upgrade", "websocket") {
        return None;
    }
    head.header("sec-websocket-key")
        .map(|key| key.trim().to_string())
        .filter(|key| !key.is_empty())
}

/// The host without its port (`[::1]:80` -> `[::1]`).
fn host_name(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !name.ends_with(':') => {
            name
        }
        _ => host,
    }
}

fn full_url(scheme: &str, host: &str, head: &Head) -> String {
    let target = head.target.as_str();
    if target.starts_with('/') {
        format!("{scheme}://{host}{target}")
    } else if target.contains("://") {
        target.to_string()
    } else if head.method.eq_ignore_ascii_case("CONNECT") {
        format!("{scheme}://{target}")
    } else {
        format!("{scheme}://{host}/{target}")
    }
}

/// A download of a script (`.sh`, `.py`, `.js`) is answered with a harmless one of the
/// same language that runs `/bin/echo <mark>`: if the package runs what it downloaded
/// (`curl … | sh`, write and run, `eval`), the trace shows the mark, proof of download
/// and execute (DSCA1012). Everything else gets the configured answer.
fn probe_script(method: &str, url: &str, mark: &str) -> Option<UpstreamResponse> {
    if !method.eq_ignore_ascii_case("GET") {
        return None;
    }
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let file = path.rsplit('/').next().unwrap_or_default();
    let extension = file.rsplit_once('.')?.1.to_ascii_lowercase();
    let (content_type, body) = match extension.as_str() {
        "sh" | "bash" => (
            "text/x-shellscript",
            format!("#!/bin/sh\n/bin/echo {mark}\n"),
        ),
        "py" => (
            "text/x-python",
            format!("import subprocess\nsubprocess.run(['/bin/echo', '{mark}'])\n"),
        ),
        "js" | "cjs" => (
            "application/javascript",
            format!(
                "require('child_process').execFileSync('/bin/echo', ['{mark}'], {{ stdio: 'inherit' }});\n"
            ),
        ),
        "mjs" => (
            "application/javascript",
            format!(
                "import {{ execFileSync }} from 'node:child_process';\nexecFileSync('/bin/echo', ['{mark}'], {{ stdio: 'inherit' }});\n"
            ),
        ),
        _ => return None,
    };
    Some(UpstreamResponse {
        status: 200,
        content_type: content_type.to_string(),
        body: body.into_bytes(),
    })
}

fn simulated(response: &SimulatedResponse) -> UpstreamResponse {
    UpstreamResponse {
        status: response.status,
        content_type: response.content_type.clone(),
        body: response.body.clone(),
    }
}

fn registry_response(
    shared: &super::Shared,
    head: &Head,
    scheme: &str,
    host: &str,
) -> UpstreamResponse {
    if !(head.method.eq_ignore_ascii_case("GET") || head.method.eq_ignore_ascii_case("HEAD")) {
        return text_response(405, "dsca's registry proxy serves only GET and HEAD\n");
    }
    let path = if head.target.starts_with('/') {
        head.target.clone()
    } else {
        // Absolute form: keep the path (and query) only.
        let after_scheme = head.target.split_once("://").map_or("", |(_, r)| r);
        match after_scheme.find('/') {
            Some(at) => after_scheme[at..].to_string(),
            None => "/".to_string(),
        }
    };
    shared.upstream.fetch(&path, &format!("{scheme}://{host}"))
}

fn text_response(status: u16, text: &str) -> UpstreamResponse {
    UpstreamResponse {
        status,
        content_type: "text/plain".to_string(),
        body: text.as_bytes().to_vec(),
    }
}

fn failure_response(failure: &ReadFailure) -> UpstreamResponse {
    match failure {
        ReadFailure::Closed | ReadFailure::Malformed => text_response(400, "bad request\n"),
        ReadFailure::HeadersTooLarge => text_response(431, "request headers too large\n"),
        ReadFailure::BodyTooLarge => text_response(413, "request body too large\n"),
    }
}

fn answer_failure(connection: &mut impl Write, failure: &ReadFailure) {
    if !matches!(failure, ReadFailure::Closed) {
        let _ = write_response(connection, &failure_response(failure), false, false);
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn write_response(
    connection: &mut impl Write,
    response: &UpstreamResponse,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    // Header values come from configuration or the upstream: no line breaks allowed.
    let content_type: String = response
        .content_type
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: {}\r\n\r\n",
        response.status,
        reason(response.status),
        content_type,
        response.body.len(),
        if keep_alive { "keep-alive" } else { "close" },
    );
    let mut message = head.into_bytes();
    if !head_only {
        message.extend_from_slice(&response.body);
    }
    connection.write_all(&message)?;
    connection.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_downloads_get_a_probe_of_their_language() {
        let mark = "dsca-probe-0011223344556677";
        let sh = probe_script("GET", "http://stage.example/run.sh?x=1", mark).unwrap();
        assert_eq!(sh.status, 200);
        assert!(
            String::from_utf8(sh.body)
                .unwrap()
                .contains("/bin/echo dsca-probe-0011223344556677")
        );
        let py = probe_script("GET", "https://x.example/a/b.PY", mark).unwrap();
        assert!(String::from_utf8(py.body).unwrap().contains("subprocess"));
        assert!(probe_script("GET", "https://x.example/m.mjs", mark).is_some());
        // Binaries, archives, pages and uploads get the configured answer.
        for url in [
            "https://x.example/tool.tgz",
            "https://x.example/bin/app",
            "https://x.example/",
        ] {
            assert!(probe_script("GET", url, mark).is_none(), "{url}");
        }
        assert!(probe_script("POST", "https://x.example/run.sh", mark).is_none());
    }

    #[test]
    fn host_names_lose_their_port() {
        assert_eq!(host_name("registry.npmjs.org:443"), "registry.npmjs.org");
        assert_eq!(host_name("a.example"), "a.example");
        assert_eq!(host_name("[::1]:80"), "[::1]");
        assert_eq!(host_name("[::1]"), "[::1]");
    }

    #[test]
    fn heads_parse_and_decide_keep_alive() {
        let head =
            parse_head(b"GET /x?y=1 HTTP/1.0\r\nHost: A.example\r\nConnection: Keep-Alive\r\n\r\n")
                .unwrap();
        assert_eq!(head.target, "/x?y=1");
        assert!(head.keep_alive());
        assert_eq!(
            full_url("http", "a.example", &head),
            "http://a.example/x?y=1"
        );
        let head = parse_head(b"POST / HTTP/1.1\r\nConnection: close\r\n\r\n").unwrap();
        assert!(!head.keep_alive());
        assert!(parse_head(b"\x00\x01 nonsense\r\n\r\n").is_none());
    }
}
