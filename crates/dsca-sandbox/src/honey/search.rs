//! Finding bait values in what a package sent: the payload as it is, and every run of it
//! that decodes as percent-encoding, base64 (standard or URL-safe, padded or not, at any
//! alignment), hex, and for DNS names the labels joined or decoded one by one (hex,
//! base32, base64). Each candidate is decoded once per alignment and searched for all
//! secrets together; decoded text is decoded again, up to [`MAX_DEPTH`] layers.

/// Layers of encoding undone (e.g. URL, then base64, then base64 again).
const MAX_DEPTH: u8 = 3;
/// Secrets are at least this long, so shorter decoded pieces cannot hold one.
pub(crate) const MIN_SECRET: usize = 16;
/// Decoded bytes allowed per payload byte (plus a fixed allowance), bounding the work.
const WORK_PER_BYTE: usize = 32;
const WORK_ALLOWANCE: usize = 1 << 20;

pub(crate) struct Secret {
    pub label: String,
    pub value: Vec<u8>,
    lower: Vec<u8>,
}

impl Secret {
    pub(crate) fn new(label: impl Into<String>, value: impl Into<Vec<u8>>) -> Secret {
        let value = value.into();
        Secret {
            label: label.into(),
            lower: value.to_ascii_lowercase(),
            value,
        }
    }
}

/// All secrets, with a filter on their first two bytes so that most positions of a
/// payload cost one bit test.
pub(crate) struct Matcher {
    secrets: Vec<Secret>,
    exact_starts: Box<[u64; 1024]>,
    lower_starts: Box<[u64; 1024]>,
}

fn pair(a: u8, b: u8) -> usize {
    usize::from(a) << 8 | usize::from(b)
}

fn set_bit(bits: &mut [u64; 1024], index: usize) {
    if let Some(word) = bits.get_mut(index / 64) {
        *word |= 1 << (index % 64);
    }
}

fn bit(bits: &[u64; 1024], index: usize) -> bool {
    bits.get(index / 64)
        .is_some_and(|word| word & (1 << (index % 64)) != 0)
}

impl Matcher {
    pub(crate) fn new(secrets: Vec<Secret>) -> Matcher {
        let mut exact_starts = Box::new([0u64; 1024]);
        let mut lower_starts = Box::new([0u64; 1024]);
        for secret in &secrets {
            if let [a, b, ..] = secret.value[..] {
                set_bit(&mut exact_starts, pair(a, b));
            }
            if let [a, b, ..] = secret.lower[..] {
                set_bit(&mut lower_starts, pair(a, b));
            }
        }
        Matcher {
            secrets,
            exact_starts,
            lower_starts,
        }
    }

    pub(crate) fn secrets(&self) -> &[Secret] {
        &self.secrets
    }

    /// Marks in `found` every secret that occurs in `view` (compared in lower case when
    /// `ignore_case`, for DNS names that resolvers may have lower-cased).
    fn scan(&self, view: &[u8], ignore_case: bool, encoding: &str, found: &mut [Option<String>]) {
        let lowered;
        let (view, starts) = if ignore_case {
            lowered = view.to_ascii_lowercase();
            (&lowered[..], &self.lower_starts)
        } else {
            (view, &self.exact_starts)
        };
        for (i, window) in view.windows(2).enumerate() {
            let [a, b] = window else { continue };
            if !bit(starts, pair(*a, *b)) {
                continue;
            }
            let rest = view.get(i..).unwrap_or_default();
            for (secret, slot) in self.secrets.iter().zip(found.iter_mut()) {
                let wanted = if ignore_case {
                    &secret.lower
                } else {
                    &secret.value
                };
                if slot.is_none() && rest.starts_with(wanted) {
                    *slot = Some(if encoding.is_empty() {
                        "raw".to_string()
                    } else {
                        encoding.to_string()
                    });
                }
            }
        }
    }
}

/// The secrets found in `data`, each with the encoding it was found under.
pub(crate) fn search(matcher: &Matcher, dns: bool, data: &[u8]) -> Vec<(usize, String)> {
    let mut search = Search {
        matcher,
        found: vec![None; matcher.secrets().len()],
        work_left: data
            .len()
            .saturating_mul(WORK_PER_BYTE)
            .saturating_add(WORK_ALLOWANCE),
        base32: dns,
    };
    search.visit(data, "", 0, dns);
    if dns {
        let labels: Vec<&[u8]> = data
            .split(|&b| b == b'.')
            .filter(|l| !l.is_empty())
            .collect();
        if labels.len() > 1 {
            search.visit(&labels.concat(), "dns-labels", 0, true);
            for (name, decode) in [
                ("hex", hex_decode as Decoder),
                ("base32", base32_decode),
                ("base64", base64_decode),
            ] {
                let joined: Vec<u8> = labels.iter().flat_map(|label| decode(label)).collect();
                if search.charge(joined.len()) {
                    search.visit(&joined, &format!("dns-labels+{name}"), 1, false);
                }
            }
        }
    }
    search
        .found
        .into_iter()
        .enumerate()
        .filter_map(|(i, encoding)| Some((i, encoding?)))
        .collect()
}

type Decoder = fn(&[u8]) -> Vec<u8>;

/// An encoding found as runs of its alphabet, decoded at each possible alignment.
struct RunEncoding {
    name: &'static str,
    member: fn(u8) -> bool,
    min_run: usize,
    alignments: usize,
    decode: Decoder,
}

const RUN_ENCODINGS: &[RunEncoding] = &[
    RunEncoding {
        name: "base64",
        member: is_base64_char,
        min_run: MIN_SECRET.div_ceil(3) * 4,
        alignments: 4,
        decode: base64_decode,
    },
    RunEncoding {
        name: "hex",
        member: is_hex_char,
        min_run: 2 * MIN_SECRET,
        alignments: 2,
        decode: hex_decode,
    },
    RunEncoding {
        name: "base32",
        member: is_base32_char,
        min_run: MIN_SECRET.div_ceil(5) * 8,
        alignments: 8,
        decode: base32_decode,
    },
];

struct Search<'a> {
    matcher: &'a Matcher,
    found: Vec<Option<String>>,
    work_left: usize,
    /// Also try base32 (DNS exfiltration uses it: names are case-insensitive).
    base32: bool,
}

impl Search<'_> {
    fn done(&self) -> bool {
        self.found.iter().all(Option::is_some)
    }

    fn charge(&mut self, bytes: usize) -> bool {
        match self.work_left.checked_sub(bytes) {
            Some(left) => {
                self.work_left = left;
                true
            }
            None => false,
        }
    }

    fn visit(&mut self, view: &[u8], encoding: &str, depth: u8, ignore_case: bool) {
        if view.len() < MIN_SECRET || self.done() {
            return;
        }
        self.matcher
            .scan(view, ignore_case, encoding, &mut self.found);
        // Decode further only what looks like text: binary does not hold encoded secrets.
        if depth >= MAX_DEPTH || (depth > 0 && !mostly_text(view)) {
            return;
        }
        let layer = |name: &str| {
            if encoding.is_empty() {
                name.to_string()
            } else {
                format!("{encoding}+{name}")
            }
        };
        if view
            .windows(3)
            .any(|w| matches!(w, [b'%', h, l] if h.is_ascii_hexdigit() && l.is_ascii_hexdigit()))
        {
            let decoded: Vec<u8> = percent_encoding::percent_decode(view).collect();
            if self.charge(decoded.len()) {
                self.visit(&decoded, &layer("url"), depth + 1, ignore_case);
            }
        }
        for &RunEncoding {
            name,
            member,
            min_run,
            alignments,
            decode,
        } in RUN_ENCODINGS
        {
            if name == "base32" && !self.base32 {
                continue;
            }
            let name = layer(name);
            for run in runs(view, member, min_run) {
                for offset in 0..alignments.min(run.len()) {
                    let decoded = decode(run.get(offset..).unwrap_or_default());
                    if !self.charge(decoded.len()) || self.done() {
                        return;
                    }
                    self.visit(&decoded, &name, depth + 1, false);
                }
            }
        }
    }
}

fn mostly_text(bytes: &[u8]) -> bool {
    let text = bytes
        .iter()
        .filter(|&&b| (0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'))
        .count();
    text * 10 >= bytes.len() * 9
}

/// Line breaks count as base64 so that wrapped output stays one run.
fn is_base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'\n' | b'\r')
}

fn is_hex_char(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

fn is_base32_char(b: u8) -> bool {
    b.is_ascii_alphabetic() || (b'2'..=b'7').contains(&b)
}

/// Maximal runs of `member` bytes at least `min` long. Base64 padding ends a run, so
/// that `key=VALUE` and concatenated padded strings split where their encodings start.
fn runs(view: &[u8], member: fn(u8) -> bool, min: usize) -> impl Iterator<Item = &[u8]> {
    view.split(move |&b| !member(b))
        .filter(move |run| run.len() >= min)
}

fn base64_value(b: u8) -> Option<u32> {
    Some(u32::from(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    }))
}

/// Lenient base64 (both alphabets): decodes up to the first byte outside them.
fn base64_decode(text: &[u8]) -> Vec<u8> {
    decode_bits(text, 6, base64_value)
}

fn base32_decode(text: &[u8]) -> Vec<u8> {
    decode_bits(text, 5, |b| match b.to_ascii_uppercase() {
        c @ b'A'..=b'Z' => Some(u32::from(c - b'A')),
        c @ b'2'..=b'7' => Some(u32::from(c - b'2') + 26),
        _ => None,
    })
}

fn decode_bits(text: &[u8], width: u32, value: impl Fn(u8) -> Option<u32>) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * width as usize / 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in text {
        if matches!(b, b'\n' | b'\r') {
            continue; // wrapped base64 (`base64`, MIME)
        }
        let Some(v) = value(b) else { break };
        buffer = (buffer << width | v) & 0xffff;
        bits += width;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    out
}

/// Lenient hex (either case): decodes pairs up to the first byte that is not hex.
fn hex_decode(text: &[u8]) -> Vec<u8> {
    text.chunks_exact(2)
        .map_while(|pair| {
            let high = char::from(*pair.first()?).to_digit(16)?;
            let low = char::from(*pair.get(1)?).to_digit(16)?;
            u8::try_from(high << 4 | low).ok()
        })
        .collect()
}
