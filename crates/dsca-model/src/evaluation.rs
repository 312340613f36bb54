//! What `dsca eval` measured: the verdicts on real malware, on the development corpus
//! and on benign sets, what the run cost, and the gates, as the session computes them
//! and the report prints them (a table, or JSON).

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// What was scanned, set by set (`85 malicious`, `1000 npm-top-10000`).
    pub scanned: Vec<String>,
    /// The real malware (`--malicious`), against the benign lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub real_malware: Option<RealMalware>,
    /// The benign lists together (`--benign-list`); `None` without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub benign_lists: Option<BenignLists>,
    /// Suspicious benign packages count as false positives too (`--strict`).
    pub strict: bool,
    pub cost: Cost,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corpus: Option<Corpus>,
    /// Each benign list and the risky installers, in the order given.
    pub sets: Vec<SetCounts>,
    /// The malware missed and every benign package not judged clean.
    pub notable: Vec<Notable>,
    pub gates: Vec<Gate>,
}

/// `a / b`; NaN when `b` is 0 (no bar is met by it, and JSON writes it as null).
pub fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        a as f64 / b as f64
    }
}

impl Evaluation {
    /// Whether every gate passed (none set passes).
    pub fn passed(&self) -> bool {
        self.gates.iter().all(|gate| gate.passed)
    }
}

/// The real malware's figures. Ratios are `null` in JSON (NaN) when undefined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RealMalware {
    pub packages: usize,
    /// Judged suspicious or malicious: the true positives.
    pub flagged: usize,
    /// Judged clean or not scanned: the false negatives.
    pub missed: usize,
    pub judged_malicious: usize,
    pub recall: f64,
    /// Against the benign lists; `None` without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub f1: Option<f64>,
}

/// The benign lists together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenignLists {
    pub packages: usize,
    pub scanned: usize,
    /// Judged malicious (or, with `strict`, suspicious).
    pub false_positives: usize,
    pub true_negatives: usize,
    pub false_positive_rate: f64,
}

/// What the run cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cost {
    pub packages: usize,
    pub elapsed_ms: f64,
    /// JavaScript the code analysis read, and in how many packages.
    pub javascript_bytes: u64,
    pub packages_analysed: u64,
    /// CPU of the whole process (user + system, start-up included) and of the code
    /// analysis (unpack, parse, code rules, YARA).
    pub process_cpu_ms: f64,
    pub code_analysis_cpu_ms: f64,
}

/// The development corpus: the malicious fixtures by technique, then the near misses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Corpus {
    pub techniques: Vec<Technique>,
    /// Malicious fixtures scanned with errors; their verdict stands on what was read.
    pub scanned_with_errors: Vec<FixtureNote>,
    pub near_misses: usize,
    pub near_misses_flagged: usize,
    pub near_misses_unscanned: usize,
    /// The near misses flagged or not scanned.
    pub near_miss_notes: Vec<FixtureNote>,
}

impl Corpus {
    /// Malicious fixtures, those flagged and those judged malicious.
    pub fn totals(&self) -> (usize, usize, usize) {
        self.techniques
            .iter()
            .fold((0, 0, 0), |(all, flagged, judged), t| {
                (
                    all + t.fixtures,
                    flagged + t.flagged,
                    judged + t.judged_malicious,
                )
            })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Technique {
    pub technique: String,
    pub fixtures: usize,
    pub flagged: usize,
    pub judged_malicious: usize,
    /// The fixtures not flagged (with the scan's error when there is one).
    pub missed: Vec<String>,
}

/// One corpus fixture worth a line: its verdict (`error` without one), where it is and
/// why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixtureNote {
    pub verdict: String,
    /// `technique/fixture`.
    pub fixture: String,
    pub detail: String,
}

/// How one benign set came out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetCounts {
    pub label: String,
    pub packages: usize,
    pub scanned: usize,
    pub malicious: usize,
    pub suspicious: usize,
}

/// A package the evaluation names: malware missed, or a benign package not judged
/// clean.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notable {
    /// `missed`, or the benign package's verdict (`error` without one).
    pub verdict: String,
    /// The benign set it belongs to; `None` for missed malware.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set: Option<String>,
    pub spec: String,
    pub reason: String,
}

/// One bar of the run and whether it was met.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gate {
    pub passed: bool,
    /// The flag that set it, with its value (`--min-recall 0.5`).
    pub bar: String,
    /// What was measured against it.
    pub figure: String,
}
