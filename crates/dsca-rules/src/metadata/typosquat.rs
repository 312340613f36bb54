//! DSCA301: the name imitates one of the 10,000 most-downloaded npm packages.
//!
//! Names that are themselves in that list are never flagged: a popular package is not a
//! squat of another, and this keeps the false positives away.

use super::install_time_scripts;
use crate::popular::{POPULAR, Popular, is_separator, skeleton};
use crate::{Analysis, ScanContext};
use dsca_model::{Category, Evidence, Finding, Location, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA301",
    name: "typosquat",
    category: Category::Naming,
    signal: Signal::Identity,
    severity: Severity::Medium,
    title: "Name imitates a popular package",
    problem: "The name is one typo, one swapped letter, a lookalike character, a missing or \
        extra separator or a tacked-on word like `-js` or `-npm` away from a widely used \
        package. Typosquats are published to catch mistyped installs and copy-pasted \
        commands, and usually carry an install-time payload.",
    next_steps: "Check that you meant this package and not the popular one it resembles. If \
        the name was a mistake, uninstall it, install the intended package, and if its \
        install scripts ran, rotate the credentials the machine held.",
    severities: &[Severity::Medium, Severity::High],
    catches: "edit distance, swapped letters, separators, scope, homoglyphs, filler affixes \
        against the top 10,000 packages; a popular name plus a word when the package \
        runs install scripts",
};

/// How a name differs from the popular one it imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SquatKind {
    /// One character replaced (`lodahs` is a transposition, `lodasb` a substitution).
    Substitution,
    /// One extra character.
    Insertion,
    /// One character left out.
    Deletion,
    /// Two adjacent characters swapped.
    Transposition,
    /// Two edits on a long name.
    TwoEdits,
    /// Only separators differ (`crossenv`, `react_dom`).
    Separator,
    /// The scope was dropped or merged into the name (`types-node` for `@types/node`).
    Scope,
    /// Lookalike characters (`0` for `o`, `rn` for `m`, Cyrillic letters).
    Homoglyph,
    /// A filler word added (`-js`, `node-`, `-npm`, ...).
    Affix(&'static str),
    /// Another word joined to a top-1,000 name (`express-exp`). Honest add-ons are named
    /// this way too, so it only counts for packages that run code on install.
    Combo,
}

impl SquatKind {
    pub fn describe(self) -> String {
        match self {
            SquatKind::Substitution => "one character replaced".into(),
            SquatKind::Insertion => "one character added".into(),
            SquatKind::Deletion => "one character left out".into(),
            SquatKind::Transposition => "two adjacent letters swapped".into(),
            SquatKind::TwoEdits => "two characters changed".into(),
            SquatKind::Separator => "separators changed".into(),
            SquatKind::Scope => "the scope dropped or merged into the name".into(),
            SquatKind::Homoglyph => "lookalike characters".into(),
            SquatKind::Affix(affix) => format!("`{affix}` added"),
            SquatKind::Combo => "another word joined to the name".into(),
        }
    }

    /// A classic typo: the kind of slip a person makes when typing the real name.
    fn is_classic_typo(self) -> bool {
        matches!(
            self,
            SquatKind::Substitution
                | SquatKind::Insertion
                | SquatKind::Deletion
                | SquatKind::Transposition
                | SquatKind::Separator
                | SquatKind::Homoglyph
        )
    }
}

/// A popular package a name imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Squat {
    pub target: &'static str,
    pub rank: u32,
    pub downloads_a_month: u64,
    pub kind: SquatKind,
}

/// Filler words squatters add to a popular name. The npm/js/node words carry no meaning of
/// their own, so they are checked against the whole list; `-cli`/`-lib` also name many
/// honest companion packages, so only the top 1,000 count for them.
const AFFIXES: &[(&str, AffixPlace, u32)] = &[
    ("-js", AffixPlace::Suffix, 10_000),
    (".js", AffixPlace::Suffix, 10_000),
    ("js", AffixPlace::Suffix, 10_000),
    ("-node", AffixPlace::Suffix, 10_000),
    ("-npm", AffixPlace::Suffix, 10_000),
    ("js-", AffixPlace::Prefix, 10_000),
    ("node-", AffixPlace::Prefix, 10_000),
    ("npm-", AffixPlace::Prefix, 10_000),
    ("-cli", AffixPlace::Suffix, 1_000),
    ("-lib", AffixPlace::Suffix, 1_000),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AffixPlace {
    Prefix,
    Suffix,
}

/// Shortest popular name that edit-distance, lookalike and affix checks compare against:
/// shorter names are one edit away from too many honest ones.
const MIN_TARGET_LEN: usize = 5;
const MIN_AFFIX_TARGET_LEN: usize = 4;
const MIN_TWO_EDIT_LEN: usize = 10;
const HIGH_RISK_RANK: u32 = 1_000;

/// The popular package `name` imitates, if any.
pub fn find_squat(name: &str) -> Option<Squat> {
    let lower = name.trim().to_lowercase();
    if lower.is_empty() || POPULAR.get(&lower).is_some() {
        return None;
    }
    lookalike(&lower)
        .or_else(|| affixed(&lower))
        .or_else(|| near_typo(&lower))
}

fn squat(popular: &Popular, kind: SquatKind) -> Squat {
    Squat {
        target: popular.name,
        rank: popular.rank,
        downloads_a_month: popular.downloads_a_month,
        kind,
    }
}

/// Same skeleton as a popular name: separators, scope or lookalike characters differ.
fn lookalike(lower: &str) -> Option<Squat> {
    let key = skeleton(lower);
    let &index = POPULAR.by_skeleton.get(&key)?;
    let target = &POPULAR.entries[index];
    let target_lower = target.name.to_lowercase();
    if target_lower.chars().count() < MIN_AFFIX_TARGET_LEN || target_lower == lower {
        return None;
    }
    let kind = if strip_separators(lower) == strip_separators(&target_lower) {
        if target_lower.starts_with('@') || lower.starts_with('@') {
            SquatKind::Scope
        } else {
            SquatKind::Separator
        }
    } else {
        SquatKind::Homoglyph
    };
    Some(squat(target, kind))
}

fn affixed(lower: &str) -> Option<Squat> {
    if lower.starts_with('@') {
        return None;
    }
    AFFIXES.iter().find_map(|&(affix, place, max_rank)| {
        let rest = match place {
            AffixPlace::Prefix => lower.strip_prefix(affix)?,
            AffixPlace::Suffix => lower.strip_suffix(affix)?,
        };
        if rest.chars().count() < MIN_AFFIX_TARGET_LEN {
            return None;
        }
        let target = POPULAR.get(rest).filter(|p| p.rank <= max_rank)?;
        Some(squat(target, SquatKind::Affix(affix)))
    })
}

/// A top-1,000 name with one more word joined by a separator (`express-exp`,
/// `exp-express`). Only meaningful together with an install script: see [`SquatKind::Combo`].
pub fn find_combosquat(name: &str) -> Option<Squat> {
    let lower = name.trim().to_lowercase();
    if lower.starts_with('@') || POPULAR.get(&lower).is_some() {
        return None;
    }
    let separators = |c: char| matches!(c, '-' | '_' | '.');
    let first = lower.find(separators)?;
    let last = lower.rfind(separators)?;
    [&lower[..last], &lower[first + 1..]]
        .into_iter()
        .filter(|part| part.chars().count() >= MIN_AFFIX_TARGET_LEN)
        .find_map(|part| POPULAR.get(part).filter(|p| p.rank <= HIGH_RISK_RANK))
        .map(|target| squat(target, SquatKind::Combo))
}

/// One edit away from a popular name (two for long names), preferring the most popular.
fn near_typo(lower: &str) -> Option<Squat> {
    let query: Vec<char> = lower.chars().collect();
    let len = query.len();
    if len < MIN_TARGET_LEN {
        return None;
    }
    let max_distance = if len >= MIN_TWO_EDIT_LEN { 2 } else { 1 };
    let mut best: Option<(usize, u32, &Popular)> = None;
    for target_len in len.saturating_sub(max_distance)..=len + max_distance {
        let Some(bucket) = POPULAR.by_length.get(&target_len) else {
            continue;
        };
        for &index in bucket {
            let popular = &POPULAR.entries[index];
            let allowed = if target_len >= MIN_TWO_EDIT_LEN {
                max_distance
            } else {
                1
            };
            if target_len < MIN_TARGET_LEN || target_len.abs_diff(len) > allowed {
                continue;
            }
            let target: Vec<char> = popular.name.to_lowercase().chars().collect();
            let Some(distance) = bounded_osa(&query, &target, allowed) else {
                continue;
            };
            let better = best.is_none_or(|(d, rank, _)| (distance, popular.rank) < (d, rank));
            if better {
                best = Some((distance, popular.rank, popular));
            }
        }
    }
    let (distance, _, popular) = best?;
    let target: Vec<char> = popular.name.to_lowercase().chars().collect();
    let kind = if distance == 2 {
        SquatKind::TwoEdits
    } else if query.len() > target.len() {
        SquatKind::Insertion
    } else if query.len() < target.len() {
        SquatKind::Deletion
    } else if query.iter().zip(&target).filter(|(a, b)| a != b).count() == 2 {
        SquatKind::Transposition
    } else {
        SquatKind::Substitution
    };
    Some(squat(popular, kind))
}

/// Optimal-string-alignment distance (Damerau-Levenshtein with adjacent swaps), or `None`
/// once it must exceed `limit`.
fn bounded_osa(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let width = b.len() + 1;
    let mut before_previous = vec![0usize; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current = vec![0usize; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(before_previous[j - 2] + 1);
            }
            current[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut before_previous, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= limit).then_some(distance)
}

fn strip_separators(name: &str) -> String {
    name.chars().filter(|c| !is_separator(*c)).collect()
}

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    // A lookalike name that also runs code at install time is the typosquat's usual
    // shape: the mistyped install alone executes the payload.
    let runs_on_install = ctx
        .manifest()
        .is_some_and(|manifest| !install_time_scripts(manifest, ctx).is_empty());
    let found = find_squat(ctx.name)
        .or_else(|| runs_on_install.then(|| find_combosquat(ctx.name)).flatten());
    let Some(found) = found else {
        return;
    };
    let severity = if (runs_on_install && found.kind != SquatKind::Combo)
        || (found.rank <= HIGH_RISK_RANK && found.kind.is_classic_typo())
    {
        Severity::High
    } else {
        RULE.severity
    };
    let finding = Finding::new(
        &RULE,
        format!(
            "`{}` imitates `{}` (#{} on npm by downloads): {}",
            ctx.name,
            found.target,
            found.rank,
            found.kind.describe()
        ),
    )
    .with_severity(severity)
    .with_evidence(
        Evidence::new(format!(
            "`{}` is ranked #{} with {} downloads a month",
            found.target,
            found.rank,
            group_thousands(found.downloads_a_month)
        ))
        .at(Location::file("package.json"))
        .with_snippet(format!("\"name\": \"{}\"", ctx.name)),
    );
    let finding = if runs_on_install {
        finding.with_evidence(
            Evidence::new("the package runs a script when it is installed")
                .at(Location::file("package.json")),
        )
    } else {
        finding
    };
    out.findings.push(finding);
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osa_counts_swaps_as_one() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(
            bounded_osa(&chars("electorn"), &chars("electron"), 1),
            Some(1)
        );
        assert_eq!(bounded_osa(&chars("lodash"), &chars("lodahs"), 2), Some(1));
        assert_eq!(bounded_osa(&chars("abc"), &chars("xyz"), 1), None);
        assert_eq!(bounded_osa(&chars(""), &chars("a"), 1), Some(1));
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(group_thousands(9_984_985), "9,984,985");
        assert_eq!(group_thousands(12), "12");
    }
}
