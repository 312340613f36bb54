//! The most-downloaded npm packages, shipped with the crate (rank, name, monthly
//! downloads), indexed once on first use.

use std::collections::HashMap;
use std::sync::LazyLock;

const TOP_PACKAGES_TSV: &str = include_str!("../data/npm-top-10000.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Popular {
    pub rank: u32,
    pub name: &'static str,
    pub downloads_a_month: u64,
}

pub(crate) struct PopularIndex {
    pub entries: Vec<Popular>,
    /// Lowercased name -> entry.
    pub by_name: HashMap<String, usize>,
    /// Character count -> entries of that length, in rank order.
    pub by_length: HashMap<usize, Vec<usize>>,
    /// Lookalike skeleton (see [`skeleton`]) -> most popular entry with it.
    pub by_skeleton: HashMap<String, usize>,
}

impl PopularIndex {
    pub fn get(&self, lowercase_name: &str) -> Option<&Popular> {
        self.by_name.get(lowercase_name).map(|&i| &self.entries[i])
    }
}

pub(crate) static POPULAR: LazyLock<PopularIndex> = LazyLock::new(|| {
    let mut entries: Vec<Popular> = TOP_PACKAGES_TSV
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut columns = line.split('\t');
            Some(Popular {
                rank: columns.next()?.parse().ok()?,
                name: columns.next()?,
                downloads_a_month: columns.next()?.parse().ok()?,
            })
        })
        .collect();
    entries.sort_by_key(|p| p.rank);
    let mut by_name = HashMap::with_capacity(entries.len());
    let mut by_length: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut by_skeleton = HashMap::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let lower = entry.name.to_lowercase();
        by_length.entry(lower.chars().count()).or_default().push(i);
        // Entries are in rank order, so the first one seen is the most popular.
        by_skeleton.entry(skeleton(&lower)).or_insert(i);
        by_name.entry(lower).or_insert(i);
    }
    PopularIndex {
        entries,
        by_name,
        by_length,
        by_skeleton,
    }
});

pub(crate) fn is_separator(c: char) -> bool {
    matches!(c, '-' | '_' | '.' | '/' | '@')
}

/// A name reduced to how it looks: lowercase, no separators or scope marks, lookalike
/// characters folded together (`0`->`o`; `1`, `i`, `l`->`l`; `rn`->`m`; `vv`->`w`;
/// Cyrillic letters to their Latin twins).
pub(crate) fn skeleton(name: &str) -> String {
    let folded: String = name
        .chars()
        .filter(|c| !is_separator(*c))
        .map(|c| match c.to_lowercase().next().unwrap_or(c) {
            '0' | 'о' => 'o',
            '1' | 'i' | 'l' | '|' | 'і' | 'ӏ' => 'l',
            'а' => 'a',
            'е' => 'e',
            'р' => 'p',
            'с' => 'c',
            'у' => 'y',
            'х' => 'x',
            'ј' => 'j',
            'ѕ' => 's',
            'ԁ' => 'd',
            'к' => 'k',
            'м' => 'm',
            'т' => 't',
            'в' => 'b',
            'н' => 'h',
            other => other,
        })
        .collect();
    folded.replace("rn", "m").replace("vv", "w")
}
