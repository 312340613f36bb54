//! String intelligence: URLs, hosts, IPv4 addresses and emails in string literals (also
//! inside base64 and hex constants, to a bounded depth), classified with
//! [`tables`](super::tables).

use super::tables::{
    DISCORD_STORES, DestinationClass, HOSTS, PERSISTENCE_PATHS, SENSITIVE_PATHS, SecretWeight,
    URL_PATHS,
};
use aho_corasick::AhoCorasick;
use base64::Engine as _;
use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::OnceLock;

/// Strings longer than this are only searched in their first part.
const MAX_SCANNED_CHARS: usize = 64 * 1024;
/// How many layers of base64/hex are peeled off.
const MAX_DECODE_DEPTH: usize = 2;

/// One indicator found in a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Indicator {
    pub kind: IndicatorKind,
    pub value: String,
    pub class: Option<DestinationClass>,
    /// Found only after decoding base64 or hex.
    pub decoded: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IndicatorKind {
    Url,
    Ipv4,
    Email,
}

/// Every indicator in `text`, decoding base64/hex constants on the way.
pub(crate) fn indicators(text: &str) -> Vec<Indicator> {
    let mut out = Vec::new();
    collect(text, false, 0, &mut out);
    out
}

fn collect(text: &str, decoded: bool, depth: usize, out: &mut Vec<Indicator>) {
    let text = prefix_chars(text, MAX_SCANNED_CHARS);
    // The schemes are compared without regard to case, on the text itself: a lowercased
    // copy of every string would cost more than the search.
    for (start, _) in text.match_indices("://") {
        let scheme_start = after_last(&text[..start], |c| !c.is_ascii_alphanumeric());
        let scheme = &text[scheme_start..start];
        if !["http", "https", "ws", "wss", "ftp"]
            .iter()
            .any(|known| scheme.eq_ignore_ascii_case(known))
        {
            continue;
        }
        let rest = &text[start + 3..];
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>' | ')'))
            .unwrap_or(rest.len());
        let url = &text[scheme_start..start + 3 + end];
        let host = host_of(&rest[..end]);
        if host.is_empty() {
            continue;
        }
        out.push(Indicator {
            kind: IndicatorKind::Url,
            value: url.to_string(),
            class: classify_url(&host, &rest[..end]),
            decoded,
        });
    }
    for ip in ipv4_literals(text) {
        // Version numbers look like addresses: only take ones that could be routed.
        if out
            .iter()
            .any(|i| i.kind == IndicatorKind::Url && i.value.contains(&ip))
        {
            continue;
        }
        if let Ok(addr) = ip.parse::<Ipv4Addr>() {
            out.push(Indicator {
                kind: IndicatorKind::Ipv4,
                value: ip.clone(),
                class: Some(ip_class(addr)),
                decoded,
            });
        }
    }
    // `hostname: 'x7kq.oast.fun'`: a bare host name of a known class (request options
    // name the host alone, without a URL).
    if out.is_empty()
        && let Some(class) = bare_host_class(text)
    {
        out.push(Indicator {
            kind: IndicatorKind::Url,
            value: text.to_string(),
            class: Some(class),
            decoded,
        });
    }
    if let Some(email) = email_in(text) {
        out.push(Indicator {
            kind: IndicatorKind::Email,
            value: email,
            class: None,
            decoded,
        });
    }
    if depth < MAX_DECODE_DEPTH
        && let Some(inner) = decode_constant(text)
    {
        collect(&inner, true, depth + 1, out);
    }
}

/// The byte offset just after the last character of `text` that matches, or 0.
fn after_last(text: &str, matches: impl Fn(char) -> bool) -> usize {
    text.char_indices()
        .rev()
        .find(|&(_, c)| matches(c))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

fn prefix_chars(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The host of the part of a URL after `scheme://`, lowercased, without port or userinfo.
pub(crate) fn host_of(after_scheme: &str) -> String {
    let authority = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let host = if authority.starts_with('[') {
        authority
    } else {
        authority.split(':').next().unwrap_or(authority)
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '[' | ']' | ':'))
    {
        host
    } else {
        String::new()
    }
}

/// The class of a URL from its host and path.
pub(crate) fn classify_url(host: &str, after_scheme: &str) -> Option<DestinationClass> {
    let lower = after_scheme.to_ascii_lowercase();
    for (path_host, fragment, class) in URL_PATHS {
        if host_matches(host, path_host) && lower.contains(fragment) {
            return Some(*class);
        }
    }
    if let Ok(addr) = host.parse::<Ipv4Addr>() {
        return Some(ip_class(addr));
    }
    classify_host(host)
}

/// The class of `text` when the whole of it is a host name the tables know.
fn bare_host_class(text: &str) -> Option<DestinationClass> {
    let host = text.trim_end_matches('.');
    let shaped = (4..=253).contains(&host.len())
        && host.contains('.')
        && !host.starts_with(['.', '-'])
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'));
    if !shaped || host.parse::<Ipv4Addr>().is_ok() {
        return None;
    }
    classify_host(&host.to_ascii_lowercase())
}

/// The host table by name, and its `label.` entries by second-level label: a host is
/// looked up once per label instead of against every entry (every string constant
/// shaped like a host name asks).
struct HostIndex {
    exact: HashMap<&'static str, DestinationClass>,
    second_level: HashMap<&'static str, DestinationClass>,
}

fn host_index() -> &'static HostIndex {
    static INDEX: OnceLock<HostIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = HostIndex {
            exact: HashMap::new(),
            second_level: HashMap::new(),
        };
        // The first entry of a name wins, as in a search of the table in order.
        for (entry, class) in HOSTS {
            match entry.strip_suffix('.') {
                Some(label) => index.second_level.entry(label).or_insert(*class),
                None => index.exact.entry(entry).or_insert(*class),
            };
        }
        index
    })
}

/// The class of a (lowercase) host: the entry for the longest suffix of it that ends at
/// a label boundary, else the entry for its second-level label (`oast.` for `x.oast.pro`).
pub(crate) fn classify_host(host: &str) -> Option<DestinationClass> {
    let index = host_index();
    let mut rest = host;
    loop {
        if let Some(class) = index.exact.get(rest) {
            return Some(*class);
        }
        match rest.find('.') {
            Some(dot) => rest = &rest[dot + 1..],
            None => break,
        }
    }
    host.split('.')
        .rev()
        .nth(1)
        .and_then(|label| index.second_level.get(label).copied())
}

fn host_matches(host: &str, entry: &str) -> bool {
    if let Some(label) = entry.strip_suffix('.') {
        // `oast.` matches `oast.fun` and `x.oast.pro`.
        return host
            .split('.')
            .rev()
            .nth(1)
            .is_some_and(|second_level| second_level == label);
    }
    host == entry
        || host
            .strip_suffix(entry)
            .is_some_and(|head| head.ends_with('.'))
}

/// The documentation ranges (TEST-NET-1 to 3) count as public addresses: no real
/// traffic goes to them, so in code they only stand in for a public host (examples,
/// reconstructions of attacks), and what code does with one it would do with the real.
pub(crate) fn ip_class(addr: Ipv4Addr) -> DestinationClass {
    let [a, b, _, _] = addr.octets();
    if addr.is_private()
        || addr.is_loopback()
        || addr.is_link_local()
        || addr.is_unspecified()
        || addr.is_broadcast()
        || a >= 224
        || (a == 100 && (64..128).contains(&b))
    {
        DestinationClass::PrivateIp
    } else {
        DestinationClass::PublicIp
    }
}

/// Dotted quads standing alone (not part of a longer dotted run such as `1.2.3.4.5`).
fn ipv4_literals(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit()
            || (i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.'))
        {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b'.') {
            j += 1;
        }
        let candidate = &text[start..j];
        let followed_by_word =
            j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-');
        if !followed_by_word
            && candidate.split('.').count() == 4
            && candidate.parse::<Ipv4Addr>().is_ok()
        {
            out.push(candidate.to_string());
        }
        i = j.max(i + 1);
    }
    out
}

fn email_in(text: &str) -> Option<String> {
    let at = text.find('@')?;
    let is_local = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+');
    let local_start = after_last(&text[..at], |c| !is_local(c));
    let domain_end = text[at + 1..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-')))
        .map_or(text.len(), |i| at + 1 + i);
    let local = &text[local_start..at];
    let domain = &text[at + 1..domain_end];
    let tld = domain.rsplit('.').next().unwrap_or_default();
    (!local.is_empty()
        && domain.contains('.')
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic()))
    .then(|| format!("{local}@{domain}"))
}

/// `text` decoded from base64 or hex when it is entirely one of them and decodes to
/// mostly printable text.
pub(crate) fn decode_constant(text: &str) -> Option<String> {
    let trimmed = text.trim();
    if trimmed.len() < 16 {
        return None;
    }
    let bytes = if trimmed.len().is_multiple_of(2) && trimmed.bytes().all(|b| b.is_ascii_hexdigit())
    {
        decode_hex(trimmed)?
    } else if trimmed
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'))
    {
        base64_lenient(trimmed)?
    } else {
        return None;
    };
    printable(bytes)
}

pub(crate) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

pub(crate) fn base64_lenient(text: &str) -> Option<Vec<u8>> {
    // Most candidates are one unbroken run: those are decoded in place, not copied.
    let unbroken = text.is_ascii() && !text.bytes().any(|b| matches!(b, b'\t'..=b'\r' | b' '));
    let cleaned: std::borrow::Cow<str> = if unbroken {
        text.into()
    } else {
        text.chars().filter(|c| !c.is_whitespace()).collect()
    };
    let unpadded = cleaned.trim_end_matches('=');
    let engine = if unpadded.contains(['-', '_']) {
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
    } else {
        &base64::engine::general_purpose::STANDARD_NO_PAD
    };
    engine.decode(unpadded).ok()
}

/// The bytes as text when at least 90% of them are printable ASCII or whitespace.
pub(crate) fn printable(bytes: Vec<u8>) -> Option<String> {
    if bytes.is_empty() {
        return None;
    }
    let good = bytes
        .iter()
        .filter(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
        .count();
    (good * 10 >= bytes.len() * 9).then(|| String::from_utf8_lossy(&bytes).into_owned())
}

/// Shannon entropy in bits per character.
pub(crate) fn entropy(text: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut total = 0u32;
    for b in text.bytes() {
        counts[usize::from(b)] += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    let total = f64::from(total);
    counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = f64::from(n) / total;
            -p * p.log2()
        })
        .sum()
}

/// `text` in the form the place tables are written in: ASCII lowercase, backslashes as
/// slashes. One pass and one allocation, shared by the place checks of a string.
pub(crate) fn normalised_path(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalise_path_into(text, &mut out);
    out
}

/// [`normalised_path`] into a buffer the caller keeps from string to string.
pub(crate) fn normalise_path_into(text: &str, out: &mut String) {
    out.clear();
    out.push_str(text);
    // Only ASCII bytes change, into ASCII bytes: the text stays UTF-8.
    out.make_ascii_lowercase();
    if text.contains('\\') {
        *out = out.replace('\\', "/");
    }
}

/// The sensitive place `text` names, if any (see [`SENSITIVE_PATHS`]).
pub(crate) fn sensitive_place(text: &str) -> Option<(&'static str, SecretWeight)> {
    if text.len() > 4096 || text.len() < 5 {
        return None;
    }
    sensitive_place_normalised(&normalised_path(text))
}

/// [`sensitive_place`] of a text already in [`normalised_path`] form.
pub(crate) fn sensitive_place_normalised(normalised: &str) -> Option<(&'static str, SecretWeight)> {
    if normalised.len() > 4096 || normalised.len() < 5 {
        return None;
    }
    static DISCORD: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let discord = DISCORD.get_or_init(|| AhoCorasick::new(DISCORD_STORES).ok());
    let names_discord = match discord {
        Some(discord) => discord.is_match(normalised),
        None => DISCORD_STORES.iter().any(|f| normalised.contains(f)),
    };
    if names_discord {
        return Some((
            "Discord's local storage (tokens)",
            SecretWeight::StealerOnly,
        ));
    }
    static FINDER: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let finder = FINDER.get_or_init(|| {
        AhoCorasick::new(SENSITIVE_PATHS.iter().map(|(fragment, _, _)| fragment)).ok()
    });
    first_fragment(finder.as_ref(), normalised, SENSITIVE_PATHS.len(), |i| {
        SENSITIVE_PATHS.get(i).map(|(fragment, _, _)| *fragment)
    })
    .and_then(|i| SENSITIVE_PATHS.get(i))
    .map(|(_, what, weight)| (*what, *weight))
    .or_else(|| credential_folder(normalised))
}

/// A folder that holds nothing but credentials, named as the folder itself (`~/.ssh`,
/// `path.join(home, '.aws')`): code that lists it reads every key in it without naming
/// one. A file in it is named by [`SENSITIVE_PATHS`] (`~/.ssh/config` is no secret).
fn credential_folder(normalised: &str) -> Option<(&'static str, SecretWeight)> {
    const FOLDERS: &[(&str, &str)] = &[
        (".ssh", "the SSH folder (~/.ssh: private keys)"),
        (".aws", "the AWS folder (~/.aws: access keys)"),
        (".gnupg", "the GnuPG folder (~/.gnupg: private keys)"),
        (
            ".kube",
            "the Kubernetes folder (~/.kube: cluster credentials)",
        ),
    ];
    let folder = normalised.trim_end_matches('/');
    FOLDERS.iter().find_map(|(name, what)| {
        let named = folder == *name
            || folder
                .strip_suffix(name)
                .is_some_and(|parent| parent.ends_with('/'));
        named.then_some((*what, SecretWeight::Credential))
    })
}

/// The persistence location `text` names, if any (see [`PERSISTENCE_PATHS`]).
pub(crate) fn persistence_place(text: &str) -> Option<&'static str> {
    if text.len() > 4096 || text.len() < 6 {
        return None;
    }
    persistence_place_normalised(&normalised_path(text))
}

/// [`persistence_place`] of a text already in [`normalised_path`] form.
pub(crate) fn persistence_place_normalised(normalised: &str) -> Option<&'static str> {
    if normalised.len() > 4096 || normalised.len() < 6 {
        return None;
    }
    static FINDER: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let finder = FINDER.get_or_init(|| {
        AhoCorasick::new(PERSISTENCE_PATHS.iter().map(|(fragment, _)| fragment)).ok()
    });
    first_fragment(finder.as_ref(), normalised, PERSISTENCE_PATHS.len(), |i| {
        PERSISTENCE_PATHS.get(i).map(|(fragment, _)| *fragment)
    })
    .and_then(|i| PERSISTENCE_PATHS.get(i))
    .map(|(_, what)| *what)
}

/// The index of the first fragment of a table (in table order) that `path` contains on
/// its boundaries. Every string literal of a package goes through here: one pass of an
/// automaton over the string finds the candidates instead of one search per fragment.
fn first_fragment<'t>(
    finder: Option<&AhoCorasick>,
    path: &str,
    count: usize,
    fragment: impl Fn(usize) -> Option<&'t str>,
) -> Option<usize> {
    let Some(finder) = finder else {
        return (0..count).find(|&i| fragment(i).is_some_and(|f| contains_path_fragment(path, f)));
    };
    // Most strings name no place: a search that can use the automaton's prefilter says
    // so faster than the overlapping one, which looks at every byte.
    if !finder.is_match(path) {
        return None;
    }
    finder
        .find_overlapping_iter(path)
        .map(|found| found.pattern().as_usize())
        .filter(|&i| fragment(i).is_some_and(|f| contains_path_fragment(path, f)))
        .min()
}

/// `fragment` occurs in `path`; a fragment starting with `.` must start a path
/// component (`~/.npmrc`, not `foo.npmrc`), and a word fragment must not be part of a
/// longer word.
fn contains_path_fragment(path: &str, fragment: &str) -> bool {
    path.match_indices(fragment).any(|(at, _)| {
        let before = path[..at].chars().next_back();
        let after = path[at + fragment.len()..].chars().next();
        let starts_component = matches!(
            before,
            None | Some('/' | '~' | '"' | '\'' | ' ' | '$' | '%')
        );
        let starts_ok = if fragment.starts_with(['.', '/']) {
            starts_component
        } else {
            !before.is_some_and(|c| c.is_ascii_alphanumeric())
        };
        let ends_ok =
            fragment.ends_with(['/', '_']) || !after.is_some_and(|c| c.is_ascii_alphanumeric());
        starts_ok && ends_ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_urls() {
        let found =
            indicators("send to https://discord.com/api/webhooks/1/abc and http://x.oast.fun/a");
        let classes: Vec<_> = found.iter().map(|i| i.class).collect();
        assert_eq!(
            classes,
            vec![
                Some(DestinationClass::Webhook),
                Some(DestinationClass::Oast)
            ]
        );
    }

    #[test]
    fn schemes_are_read_in_any_case_and_others_ignored() {
        let found = indicators("HTTPS://Evil.example/a Ws://b.example/ git://c.example/");
        let urls: Vec<&str> = found.iter().map(|i| i.value.as_str()).collect();
        assert_eq!(urls, vec!["HTTPS://Evil.example/a", "Ws://b.example/"]);
    }

    #[test]
    fn base64_is_read_across_any_whitespace() {
        let hello = Some(b"hello world".to_vec());
        assert_eq!(base64_lenient("aGVsbG8gd29ybGQ="), hello);
        assert_eq!(base64_lenient("aGVs bG8g\nd29y\x0bbGQ="), hello);
        // Unicode whitespace too, as before the in-place path.
        assert_eq!(base64_lenient("aGVs\u{2003}bG8gd29ybGQ="), hello);
        assert_eq!(base64_lenient("not base64!"), None);
    }

    #[test]
    fn finds_ips_in_decoded_base64() {
        // "http://198.51.100.7/x" in base64.
        let found = indicators("aHR0cDovLzE5OC41MS4xMDAuNy94");
        assert_eq!(found.len(), 1);
        assert!(found[0].decoded);
        // A documentation address stands in for a public one.
        assert_eq!(found[0].class, Some(DestinationClass::PublicIp));
        assert_eq!(
            ip_class("23.1.2.3".parse().unwrap()),
            DestinationClass::PublicIp
        );
        assert_eq!(
            ip_class("10.1.2.3".parse().unwrap()),
            DestinationClass::PrivateIp
        );
    }

    #[test]
    fn bare_host_names_of_known_classes_are_indicators() {
        let found = indicators("x7kq2m9d.oast.fun");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].class, Some(DestinationClass::Oast));
        // An ordinary host name, a file name and a version say nothing.
        assert!(indicators("registry.npmjs.org").is_empty());
        assert!(indicators("index.js").is_empty());
        assert!(indicators("1.2.3").is_empty());
    }

    #[test]
    fn version_numbers_are_not_ips() {
        assert!(ipv4_literals("v1.2.3.4.5 and 1.2.3-beta").is_empty());
        assert_eq!(ipv4_literals("host 8.8.8.8:53"), vec!["8.8.8.8"]);
    }

    #[test]
    fn host_matching_respects_labels() {
        assert_eq!(classify_host("a.ngrok.io"), Some(DestinationClass::Tunnel));
        assert_eq!(classify_host("notngrok.io"), None);
        assert_eq!(classify_host("abc.oast.pro"), Some(DestinationClass::Oast));
        assert_eq!(
            classify_host("x1.localto.net"),
            Some(DestinationClass::Tunnel)
        );
        assert_eq!(
            classify_host("cdn.discordapp.com"),
            Some(DestinationClass::FileHost)
        );
        assert!(!DestinationClass::FileHost.is_drop_box());
    }

    #[test]
    fn the_host_index_agrees_with_a_search_of_the_table() {
        let search = |host: &str| {
            HOSTS
                .iter()
                .filter(|(entry, _)| host_matches(host, entry))
                .map(|(_, class)| *class)
                .collect::<Vec<_>>()
        };
        let mut hosts: Vec<String> = Vec::new();
        for (entry, _) in HOSTS {
            let entry = entry.trim_end_matches('.');
            hosts.extend([
                entry.to_string(),
                format!("a.{entry}"),
                format!("a.b.{entry}"),
                format!("{entry}.fun"),
                format!("x{entry}"),
            ]);
        }
        hosts.extend(["", ".", "a", "io", "a..b"].map(String::from));
        for host in &hosts {
            let found = search(host);
            match classify_host(host) {
                // Any entry that matches may answer; overlapping entries share a class.
                Some(class) => assert!(found.contains(&class), "{host}: {found:?}"),
                None => assert!(found.is_empty(), "{host}: {found:?}"),
            }
        }
    }

    #[test]
    fn normalised_paths_are_lowercase_with_forward_slashes() {
        for text in [
            "",
            "C:\\Users\\X\\AppData",
            "~/.SSH/id_RSA",
            "Ünïcödé\\ÄB/c",
            "\\\\server\\Share",
            "mixed/\\Path\\To/€",
        ] {
            assert_eq!(
                normalised_path(text),
                text.to_ascii_lowercase().replace('\\', "/"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn sensitive_places() {
        assert!(sensitive_place("~/.npmrc").is_some());
        assert!(sensitive_place("foo.npmrc").is_none());
        assert!(
            sensitive_place("C:\\Users\\x\\AppData\\Roaming\\discord\\Local Storage\\leveldb")
                .is_some()
        );
        assert!(sensitive_place("/home/u/.ssh/id_rsa").is_some());
        // The folder itself, not a file in it that holds no secret, nor a look-alike.
        assert!(sensitive_place("~/.ssh/").is_some());
        assert!(sensitive_place("/root/.aws").is_some());
        assert!(sensitive_place("~/.ssh/config").is_none());
        assert!(sensitive_place("/srv/app.ssh").is_none());
        assert!(sensitive_place("deploy/.kube-lint").is_none());
        assert_eq!(
            persistence_place("/home/u/.bashrc"),
            Some("a shell start-up file (.bashrc)")
        );
        assert_eq!(persistence_place("user.profile"), None);
    }

    #[test]
    fn emails() {
        assert_eq!(
            email_in("mail me: a.b@mail.example now"),
            Some("a.b@mail.example".into())
        );
        assert_eq!(email_in("@scope/name"), None);
        assert_eq!(email_in("caf\u{e9}@b.cc"), None);
        // Multi-byte characters next to the markers never split a character.
        for text in [
            "\u{e9}://x",
            "\u{e9}http://a.example",
            "\u{fc}@\u{f6}.de",
            "\u{65e5}@",
            "\u{20ac}.1.2.3.4",
        ] {
            let _ = indicators(text);
        }
    }
}
