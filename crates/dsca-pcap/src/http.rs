//! The request line and `Host` of an HTTP/1.x request at the start of a TCP stream.

/// Request heads larger than this are not waited for.
pub const MAX_REQUEST_HEAD: usize = 16 * 1024;
const MAX_HEADERS: usize = 64;

const METHODS: [&[u8]; 9] = [
    b"GET ",
    b"POST ",
    b"PUT ",
    b"HEAD ",
    b"DELETE ",
    b"OPTIONS ",
    b"PATCH ",
    b"CONNECT ",
    b"TRACE ",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestStatus {
    NotHttp,
    NeedMore,
    Request {
        /// `Host` header, else the authority of an absolute or CONNECT target.
        host: Option<String>,
        /// `METHOD target`, the target cut to 200 characters.
        line: String,
    },
}

/// Could `stream` be the start of an HTTP request?
pub fn looks_like_http(stream: &[u8]) -> bool {
    METHODS.iter().any(|method| {
        let n = method.len().min(stream.len());
        stream[..n] == method[..n]
    })
}

pub fn request(stream: &[u8]) -> RequestStatus {
    if !looks_like_http(stream) {
        return RequestStatus::NotHttp;
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(stream) {
        Ok(httparse::Status::Partial) => RequestStatus::NeedMore,
        Err(_) => RequestStatus::NotHttp,
        Ok(httparse::Status::Complete(_)) => {
            let method = parsed.method.unwrap_or_default();
            let target = parsed.path.unwrap_or_default();
            let host = parsed
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("host"))
                .map(|h| crate::tls::display_host(strip_port(h.value)))
                .or_else(|| authority(method, target));
            let target: String = target.chars().take(200).collect();
            RequestStatus::Request {
                host,
                line: format!("{method} {target}"),
            }
        }
    }
}

/// `host:port` -> `host`, `[v6]:port` -> `v6`.
fn strip_port(value: &[u8]) -> &[u8] {
    let value = value.trim_ascii();
    if let Some(rest) = value.strip_prefix(b"[") {
        return rest.split(|&b| b == b']').next().unwrap_or(rest);
    }
    match value.iter().rposition(|&b| b == b':') {
        Some(colon) if value[colon + 1..].iter().all(u8::is_ascii_digit) => &value[..colon],
        _ => value,
    }
}

fn authority(method: &str, target: &str) -> Option<String> {
    let authority = if method == "CONNECT" {
        target
    } else {
        let rest = target
            .strip_prefix("http://")
            .or_else(|| target.strip_prefix("https://"))?;
        rest.split('/').next()?
    };
    Some(crate::tls::display_host(strip_port(authority.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_host_and_request_line() {
        let status = request(b"GET /pkg HTTP/1.1\r\nHost: Evil.Example:8080\r\n\r\n");
        assert_eq!(
            status,
            RequestStatus::Request {
                host: Some("evil.example".into()),
                line: "GET /pkg".into()
            }
        );
        assert_eq!(request(b"GET /pkg HTTP/1.1\r\nHo"), RequestStatus::NeedMore);
        assert_eq!(request(b"GE"), RequestStatus::NeedMore);
        assert_eq!(request(b"\x16\x03\x01"), RequestStatus::NotHttp);
        let connect = request(b"CONNECT tunnel.example:443 HTTP/1.1\r\n\r\n");
        assert!(
            matches!(connect, RequestStatus::Request { host: Some(h), .. } if h == "tunnel.example")
        );
    }
}
