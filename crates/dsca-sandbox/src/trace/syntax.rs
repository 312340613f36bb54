//! The lexical layer of strace's output: splitting a call into its arguments, C string
//! literals with their escapes, `-y`/`-yy` fd annotations (`3</path>`,
//! `5<UDP:[a:1->b:2]>`, `3</dev/null<char 1:3>>`), return values and socket addresses.
//! Everything here works on bytes and gives up (returns `None`) on anything unexpected.

/// What a call returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Returned<'a> {
    /// A value, with the `-y` annotation of the fd it names (`3</etc/hosts>`).
    Value(i64, Option<&'a [u8]>),
    /// `-1 ENOENT (No such file or directory)`: the errno name.
    Error(&'a str),
    /// `?`: the call never returned (exit, execve in another thread, ...).
    Unknown,
}

/// A complete call: `name(args) = returned`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Call<'a> {
    pub name: &'a str,
    pub args: Vec<&'a [u8]>,
    pub returned: Returned<'a>,
}

/// Parses `name(arg, arg, ...) = value`.
pub(crate) fn parse_call(text: &[u8]) -> Option<Call<'_>> {
    let open = text.iter().position(|&b| b == b'(')?;
    let name = std::str::from_utf8(text.get(..open)?).ok()?;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let inner_start = open + 1;
    let close = matching_close(text, open)?;
    let args = split_top_level(text.get(inner_start..close)?, b',');
    let rest = text.get(close + 1..)?;
    let rest = trim(rest);
    let rest = rest.strip_prefix(b"=")?;
    let returned = parse_returned(trim(rest))?;
    Some(Call {
        name,
        args,
        returned,
    })
}

fn parse_returned(text: &[u8]) -> Option<Returned<'_>> {
    if text.first() == Some(&b'?') {
        return Some(Returned::Unknown);
    }
    if let Some(after) = text.strip_prefix(b"-1 ") {
        let end = after.iter().position(|&b| b == b' ').unwrap_or(after.len());
        let errno = std::str::from_utf8(after.get(..end)?).ok()?;
        if errno.starts_with('E')
            && errno
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Some(Returned::Error(errno));
        }
        return None;
    }
    let end = text
        .iter()
        .position(|&b| !(b.is_ascii_hexdigit() || b == b'x' || b == b'-'))
        .unwrap_or(text.len());
    let number = parse_integer(text.get(..end)?)?;
    let annotation = text.get(end..).and_then(|rest| {
        if rest.first() == Some(&b'<') {
            let close = annotation_end(rest, 0)?;
            rest.get(1..close)
        } else {
            None
        }
    });
    Some(Returned::Value(number, annotation))
}

pub(crate) fn parse_integer(text: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(text).ok()?;
    if let Some(hex) = text.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok();
    }
    if text.len() > 1 && text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit()) {
        return i64::from_str_radix(text, 8).ok();
    }
    text.parse().ok()
}

/// Strips ASCII spaces from both ends.
pub(crate) fn trim(mut text: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = text {
        text = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = text {
        text = rest;
    }
    text
}

/// Whether `<` at `at` opens an fd annotation: after an fd number or `AT_FDCWD`.
fn opens_annotation(text: &[u8], at: usize) -> bool {
    at > 0
        && text.get(..at).is_some_and(|before| {
            before.last().is_some_and(u8::is_ascii_digit) || before.ends_with(b"AT_FDCWD")
        })
}

/// Index of the `>` closing the annotation whose `<` is at `start`. Paths escape `<` and
/// `>`, so raw ones nest (`</dev/null<char 1:3>>`); socket annotations hold `->`.
fn annotation_end(text: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while let Some(&b) = text.get(i) {
        match b {
            b'\\' => i += 1,
            b'<' => depth += 1,
            b'>' if i > 0 && text.get(i - 1) == Some(&b'-') => {}
            b'>' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Index just past the string literal whose `"` is at `start`.
fn string_end(text: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while let Some(&b) = text.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Index of the bracket closing the one at `open`, skipping strings and annotations.
pub(crate) fn matching_close(text: &[u8], open: usize) -> Option<usize> {
    let mut stack: Vec<u8> = Vec::new();
    let mut i = open;
    while let Some(&b) = text.get(i) {
        match b {
            b'"' => {
                i = string_end(text, i)?;
                continue;
            }
            b'\\' => i += 1,
            b'<' if opens_annotation(text, i) => i = annotation_end(text, i)?,
            b'(' => stack.push(b')'),
            b'[' => stack.push(b']'),
            b'{' => stack.push(b'}'),
            b')' | b']' | b'}' => {
                if stack.pop()? != b {
                    return None;
                }
                if stack.is_empty() {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Splits at `separator` outside strings, brackets and annotations; parts are trimmed.
pub(crate) fn split_top_level(text: &[u8], separator: u8) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        match b {
            b'"' => match string_end(text, i) {
                Some(end) => {
                    i = end;
                    continue;
                }
                None => break,
            },
            b'\\' => i += 1,
            b'<' if opens_annotation(text, i) => match annotation_end(text, i) {
                Some(end) => i = end,
                None => break,
            },
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ if b == separator && depth == 0 => {
                parts.push(trim(text.get(start..i).unwrap_or_default()));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let last = trim(text.get(start..).unwrap_or_default());
    if !last.is_empty() || !parts.is_empty() {
        parts.push(last);
    }
    parts
}

/// Decodes a C string literal (`"a\n\303\251"` or `"abc"...` when strace truncated it),
/// returning the bytes and whether it was truncated.
pub(crate) fn c_string(text: &[u8]) -> Option<(Vec<u8>, bool)> {
    let text = trim(text);
    let body = text.strip_prefix(b"\"")?;
    let (body, truncated) = match body.strip_suffix(b"\"...") {
        Some(body) => (body, true),
        None => (body.strip_suffix(b"\"")?, false),
    };
    Some((unescape(body), truncated))
}

/// Undoes strace's escaping: `\n \t \r \v \f \" \\`, octal `\NNN` and hex `\xHH`.
pub(crate) fn unescape(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        i += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let Some(&e) = body.get(i) else {
            out.push(b'\\');
            break;
        };
        i += 1;
        match e {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'v' => out.push(0x0b),
            b'f' => out.push(0x0c),
            b'0'..=b'7' => {
                let mut value = u32::from(e - b'0');
                for _ in 0..2 {
                    match body.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push(u8::try_from(value & 0xff).unwrap_or(0));
            }
            b'x' => {
                let hex = body.get(i..i + 2).and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(value) => {
                        out.push(value);
                        i += 2;
                    }
                    None => out.push(b'x'),
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// An fd argument: `3</tmp/x>`, `AT_FDCWD</home>`, `AT_FDCWD` or `3`.
pub(crate) struct FdArg<'a> {
    pub at_fdcwd: bool,
    /// The annotation's text, without the brackets and still escaped.
    pub annotation: Option<&'a [u8]>,
}

pub(crate) fn fd_arg(text: &[u8]) -> Option<FdArg<'_>> {
    let text = trim(text);
    let (head, annotation) = match text.iter().position(|&b| b == b'<') {
        Some(open) => {
            let close = annotation_end(text, open)?;
            (text.get(..open)?, text.get(open + 1..close))
        }
        None => (text, None),
    };
    let at_fdcwd = head == b"AT_FDCWD";
    if !at_fdcwd && parse_integer(head).is_none() {
        return None;
    }
    Some(FdArg {
        at_fdcwd,
        annotation,
    })
}

/// The path of a `-y` file annotation: `/dev/null<char 1:3>` gives `/dev/null`. Socket,
/// pipe and other non-path annotations give `None`.
pub(crate) fn annotation_path(annotation: &[u8]) -> Option<Vec<u8>> {
    if annotation.first() != Some(&b'/') {
        return None;
    }
    let end = annotation
        .iter()
        .position(|&b| b == b'<')
        .unwrap_or(annotation.len());
    Some(unescape(annotation.get(..end)?))
}

/// A socket address as strace prints `struct sockaddr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SocketAddress {
    /// `inet`, `inet6` or `unix`.
    pub family: &'static str,
    pub address: String,
    pub port: Option<u16>,
}

/// Parses `{sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}`, the
/// AF_INET6 form with `inet_pton(AF_INET6, "::1", &sin6_addr)` and `{sa_family=AF_UNIX,
/// sun_path="/x"}` (abstract: `sun_path=@"x"`). Other families give `None`.
pub(crate) fn socket_address(text: &[u8]) -> Option<SocketAddress> {
    let inner = trim(text).strip_prefix(b"{")?.strip_suffix(b"}")?;
    let fields = split_top_level(inner, b',');
    let family = fields.iter().find_map(|f| f.strip_prefix(b"sa_family="))?;
    match family {
        b"AF_INET" | b"AF_INET6" => {
            let port = fields.iter().find_map(|f| {
                let value = f
                    .strip_prefix(b"sin_port=")
                    .or_else(|| f.strip_prefix(b"sin6_port="))?;
                let number = value.strip_prefix(b"htons(")?.strip_suffix(b")")?;
                u16::try_from(parse_integer(number)?).ok()
            });
            let address = fields.iter().find_map(|f| {
                if let Some(call) = f.strip_prefix(b"sin_addr=inet_addr(") {
                    return c_string(call.strip_suffix(b")")?).map(|(s, _)| s);
                }
                let args = f.strip_prefix(b"inet_pton(")?.strip_suffix(b")")?;
                let args = split_top_level(args, b',');
                c_string(args.get(1)?).map(|(s, _)| s)
            })?;
            Some(SocketAddress {
                family: if family == b"AF_INET" {
                    "inet"
                } else {
                    "inet6"
                },
                address: String::from_utf8_lossy(&address).into_owned(),
                port,
            })
        }
        b"AF_UNIX" => {
            let path = fields.iter().find_map(|f| f.strip_prefix(b"sun_path="))?;
            let (abstract_prefix, path) = match path.strip_prefix(b"@") {
                Some(rest) => ("@", rest),
                None => ("", path),
            };
            let (bytes, _) = c_string(path)?;
            Some(SocketAddress {
                family: "unix",
                address: format!("{abstract_prefix}{}", String::from_utf8_lossy(&bytes)),
                port: None,
            })
        }
        _ => None,
    }
}

/// The peer of a connected socket from its `-yy` annotation: `UDP:[10.0.0.2:4->10.0.0.1:53]`,
/// `TCPv6:[[::1]:5->[::1]:80]`. `None` for unconnected or non-IP sockets.
pub(crate) fn annotation_peer(annotation: &[u8]) -> Option<SocketAddress> {
    let text = std::str::from_utf8(annotation).ok()?;
    let (protocol, rest) = text.split_once(":[")?;
    let family = match protocol {
        "TCP" | "UDP" | "UDPLITE" | "SCTP" => "inet",
        "TCPv6" | "UDPv6" | "UDPLITEv6" | "SCTPv6" => "inet6",
        _ => return None,
    };
    let (_, peer) = rest.strip_suffix(']')?.split_once("->")?;
    let (host, port) = peer.rsplit_once(':')?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    Some(SocketAddress {
        family,
        address: host.to_string(),
        port: port.parse().ok(),
    })
}

/// The fields of a struct (`{a=1, b={...}}`) as `(name, value)`; bare items get an empty name.
pub(crate) fn struct_fields(text: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    let inner = trim(text).strip_prefix(b"{")?.strip_suffix(b"}")?;
    Some(
        split_top_level(inner, b',')
            .into_iter()
            .map(|field| match field.iter().position(|&b| b == b'=') {
                Some(eq)
                    if field.get(..eq).is_some_and(|n| {
                        n.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    }) =>
                {
                    (
                        field.get(..eq).unwrap_or_default(),
                        field.get(eq + 1..).unwrap_or_default(),
                    )
                }
                _ => (&b""[..], field),
            })
            .collect(),
    )
}

/// The items of an array (`[a, b, ...]`), without a final `...` that marks truncation.
pub(crate) fn array_items(text: &[u8]) -> Option<Vec<&[u8]>> {
    let inner = trim(text).strip_prefix(b"[")?.strip_suffix(b"]")?;
    let mut items = split_top_level(inner, b',');
    if items.last() == Some(&&b"..."[..]) {
        items.pop();
    }
    Some(items)
}
