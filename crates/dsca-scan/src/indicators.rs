//! The advisories' network indicators, searched for in a package's files (one
//! Aho-Corasick pass per file over every listed domain, IP and URL) and looked up for
//! what a sandboxed run contacted.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use dsca_advisory::{IocIndex, IocKind, IocSource};
use dsca_model::advisory::{KnownIndicator, KnownIndicators};

/// Files are searched up to this many bytes (the archive reader bounds them anyway).
const MAX_SEARCHED_BYTES: usize = 64 * 1024 * 1024;
/// Hits kept per text.
const MAX_HITS: usize = 50;

#[derive(Debug)]
pub(crate) struct IndicatorMatcher {
    index: IocIndex,
    finder: Option<AhoCorasick>,
    /// Pattern `i` of the finder: the indicator and its advisories.
    patterns: Vec<(String, Vec<IocSource>)>,
}

impl IndicatorMatcher {
    pub(crate) fn new(index: IocIndex) -> IndicatorMatcher {
        let patterns: Vec<(String, Vec<IocSource>)> = index
            .entries()
            // A domain or IP too short to be told from ordinary text is left to lookups.
            .filter(|(kind, value, _)| *kind == IocKind::Url || value.len() >= 7)
            .map(|(_, value, sources)| (value.to_string(), sources.to_vec()))
            .collect();
        let finder = (!patterns.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(patterns.iter().map(|(value, _)| value.as_bytes()))
                    .ok()
            })
            .flatten();
        IndicatorMatcher {
            index,
            finder,
            patterns,
        }
    }
}

fn known(indicator: &str, sources: &[IocSource]) -> Vec<KnownIndicator> {
    sources
        .iter()
        .map(|source| KnownIndicator {
            indicator: indicator.to_string(),
            advisory: source.advisory.clone(),
            packages: source.packages.clone(),
        })
        .collect()
}

/// A byte that continues a host name or an address: a match next to one is part of a
/// longer name (`notsfrclak.com`, `1.2.3.45`).
fn continues_name(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

impl KnownIndicators for IndicatorMatcher {
    fn find_in(&self, text: &[u8]) -> Vec<(usize, KnownIndicator)> {
        let Some(finder) = &self.finder else {
            return Vec::new();
        };
        let text = &text[..text.len().min(MAX_SEARCHED_BYTES)];
        let mut hits = Vec::new();
        for found in finder.find_iter(text) {
            let before = found.start().checked_sub(1).and_then(|i| text.get(i));
            let after = text.get(found.end());
            // A subdomain (`x.sfrclak.com`) is the same destination; a longer label or
            // a longer address is another one.
            let starts = before.is_none_or(|&b| !continues_name(b));
            let ends = match after {
                None => true,
                Some(&b) if continues_name(b) => false,
                // The end of a sentence, not a longer name (`sfrclak.com.evil`).
                Some(b'.') => text
                    .get(found.end() + 1)
                    .is_none_or(|&next| !continues_name(next)),
                Some(_) => true,
            };
            if !(starts && ends) {
                continue;
            }
            if let Some((value, sources)) = self.patterns.get(found.pattern().as_usize()) {
                for hit in known(value, sources) {
                    hits.push((found.start(), hit));
                }
            }
            if hits.len() >= MAX_HITS {
                break;
            }
        }
        hits
    }

    fn lookup(&self, value: &str) -> Vec<KnownIndicator> {
        let matches = if value.contains("://") {
            let mut all = self.index.match_url(value);
            if let Some(host) = url_host(value) {
                all.extend(self.index.match_host(host));
            }
            all
        } else {
            self.index.match_host(value)
        };
        let mut out: Vec<KnownIndicator> = matches
            .into_iter()
            // The host of a listed URL alone may be a shared host (github.com).
            .filter(|m| m.kind != IocKind::UrlHost)
            .flat_map(|m| known(m.indicator, std::slice::from_ref(m.source)))
            .collect();
        out.dedup();
        out
    }
}

fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = if host.starts_with('[') {
        host.split(']').next()?.trim_start_matches('[')
    } else {
        host.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The axios advisory's indicators (MAL-2026-2307), read from its real record.
    fn matcher() -> IndicatorMatcher {
        let dir = tempfile::tempdir().unwrap();
        let records = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../dsca-advisory/tests/data/osv/npm/axios");
        dsca_advisory::update(&dsca_advisory::Source::Dir(records), dir.path()).unwrap();
        let db = dsca_advisory::Database::open(dir.path()).unwrap();
        IndicatorMatcher::new(db.iocs().unwrap())
    }

    fn found(matcher: &IndicatorMatcher, text: &str) -> Vec<String> {
        matcher
            .find_in(text.as_bytes())
            .into_iter()
            .map(|(_, hit)| format!("{} {}", hit.indicator, hit.advisory))
            .collect()
    }

    #[test]
    fn finds_listed_domains_addresses_and_urls_as_whole_names() {
        let m = matcher();
        assert_eq!(
            found(&m, "const host = 'SFRCLAK.com';"),
            ["sfrclak.com MAL-2026-2307"]
        );
        assert_eq!(found(&m, "fetch('https://cdn.sfrclak.com/a')").len(), 1);
        assert_eq!(found(&m, "connect('142.11.206.73', 443)").len(), 1);
        assert_eq!(found(&m, "end of sentence: sfrclak.com.").len(), 1);
        // Longer names and addresses are other places.
        assert!(found(&m, "notsfrclak.com").is_empty());
        assert!(found(&m, "sfrclak.community").is_empty());
        assert!(found(&m, "sfrclak.com.evil.example").is_empty());
        assert!(found(&m, "142.11.206.731").is_empty());
    }

    #[test]
    fn looks_up_what_a_run_contacted() {
        let m = matcher();
        assert_eq!(m.lookup("sfrclak.com").len(), 1);
        assert_eq!(m.lookup("x.sfrclak.com").len(), 1);
        assert_eq!(m.lookup("142.11.206.73").len(), 1);
        assert!(!m.lookup("http://sfrclak.com:8000/6202033").is_empty());
        assert!(m.lookup("registry.npmjs.org").is_empty());
    }
}
