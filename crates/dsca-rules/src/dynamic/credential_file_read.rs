//! DSCA1008: the run opened bait credentials or other credential files.
//!
//! npm itself reads `~/.npmrc` when it starts: a read by the npm CLI process, before it
//! started any lifecycle script, does not count. A read by anything a script started
//! does, including an `npm` a script ran (`npm config get …//:_authToken` is how a
//! stealer asks npm for the token), though that alone weighs medium.

use super::{RunContext, count, short};
use crate::Analysis;
use crate::code::strings::sensitive_place;
use crate::code::tables::SecretWeight;
use crate::metadata::finding_with_evidence;
use dsca_model::dynamic::FileOp;
use dsca_model::{Category, Evidence, Rule, Severity, Signal};
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    id: "DSCA1008",
    name: "credential-file-read",
    category: Category::Recon,
    signal: Signal::Behaviour,
    severity: Severity::High,
    title: "Read credential files while installed",
    problem: "In the sandbox, the install or import opened credential files: the bait \
        tokens dsca planted (npm, cloud, SSH, GitHub) or other stores of secrets (browser \
        profiles, wallets, docker and kubernetes configs). A package's build has no reason \
        to read them; a stealer reads them first and sends them next.",
    next_steps: "Do not install this version. If it was installed anywhere, rotate every \
        credential the files held on that machine (npm tokens first, then cloud keys, SSH \
        keys and GitHub tokens) and look for their use.",
    severities: &[Severity::Medium, Severity::High],
    catches: "bait files and credential stores read by anything but npm's own start-up; \
        looking for one that is not there is medium",
};

/// Credential stores under the home directory, as (path below home, what it is).
const HOME_CREDENTIALS: &[(&str, &str)] = &[
    (".npmrc", "npm credentials"),
    (".ssh", "SSH keys"),
    (".aws", "AWS credentials"),
    (".config/gh", "GitHub CLI tokens"),
    (".docker/config.json", "Docker registry credentials"),
    (".git-credentials", "git credentials"),
    (".kube", "Kubernetes credentials"),
    (".netrc", "netrc passwords"),
    (".pypirc", "PyPI credentials"),
    (".gnupg", "GnuPG keys"),
    (".config/gcloud", "Google Cloud credentials"),
    (".azure", "Azure credentials"),
    (".config/google-chrome", "a Chrome profile"),
    (".config/chromium", "a Chromium profile"),
    (".config/BraveSoftware", "a Brave profile"),
    (".mozilla", "a Firefox profile"),
    (".config/discord", "Discord's storage"),
    (".config/Exodus", "the Exodus wallet"),
    (".electrum", "Electrum wallets"),
    (".bitcoin", "a Bitcoin wallet"),
    (".ethereum", "an Ethereum keystore"),
    (".config/solana", "a Solana keypair"),
];

/// One credential read, judged.
struct Read {
    path: String,
    pid: u32,
    what: String,
    bait: bool,
    weight: Severity,
    /// The open failed (the file was not there, or not readable): an attempt.
    refused: Option<String>,
}

pub(crate) fn check(run: &RunContext, out: &mut Analysis) {
    let reads = credential_reads(run);
    let Some(first) = reads.first() else {
        return;
    };
    let severity = reads
        .iter()
        .map(|r| r.weight)
        .max()
        .unwrap_or(Severity::High);
    let baits = reads.iter().filter(|r| r.bait).count();
    let message = if reads.len() == 1 {
        format!(
            "{} {} `{}`{}",
            if first.refused.is_some() {
                "looked for"
            } else {
                "read"
            },
            first.what,
            short(&run.display_path(&first.path), 120),
            if first.bait {
                " (bait planted by dsca)"
            } else {
                ""
            }
        )
    } else if baits > 0 {
        format!(
            "read {} ({} of them bait planted by dsca)",
            count(reads.len(), "credential file", "credential files"),
            baits
        )
    } else {
        format!(
            "read {}",
            count(reads.len(), "credential file", "credential files")
        )
    };
    let evidence = reads
        .iter()
        .map(|read| {
            let mut detail = format!(
                "{} `{}`{}",
                read.what,
                short(&run.display_path(&read.path), 160),
                if read.bait { " (bait)" } else { "" }
            );
            if let Some(errno) = &read.refused {
                detail.push_str(&format!(" (not read: {errno})"));
            }
            detail.push_str(&run.by_process(Some(read.pid)));
            if read.weight < Severity::High && read.refused.is_none() {
                detail.push_str(" (an npm command a script ran)");
            }
            Evidence::new(detail)
        })
        .collect();
    out.findings
        .push(finding_with_evidence(&RULE, severity, message, evidence));
}

/// Bait reads and credential-file reads that count, once per path and process.
fn credential_reads(run: &RunContext) -> Vec<Read> {
    let mut seen = HashSet::new();
    let mut reads = Vec::new();
    let baits = run
        .run
        .honeytokens
        .reads
        .iter()
        .map(|r| (r.path.as_str(), r.pid, r.time_ms, true, None));
    let files = run
        .run
        .files
        .iter()
        .filter(|e| e.op == FileOp::Read)
        .map(|e| (e.path.as_str(), e.pid, e.time_ms, false, e.error.clone()));
    for (path, pid, time_ms, is_bait, refused) in baits.chain(files) {
        let resolved = run.resolve(path, pid);
        let what = if is_bait {
            credential_kind(run, &resolved).unwrap_or_else(|| "bait credentials".into())
        } else {
            match credential_kind(run, &resolved) {
                Some(what) => what,
                None => continue,
            }
        };
        let Some(mut weight) = weigh(run, pid, time_ms) else {
            continue;
        };
        // Looking for a credential file that is not there is hunting, but got nothing.
        if refused.is_some() {
            weight = weight.min(Severity::Medium);
        }
        // The tracer also sees a bait read as a file read: bait records come first and
        // the file read of the same path by the same process is dropped.
        if !seen.insert((resolved.clone(), pid)) {
            continue;
        }
        reads.push(Read {
            path: resolved,
            pid,
            what,
            bait: is_bait,
            weight,
            refused,
        });
    }
    reads
}

/// What the file at `path` holds, if it is a credential store.
fn credential_kind(run: &RunContext, path: &str) -> Option<String> {
    if !run.home.is_empty() {
        for (place, what) in HOME_CREDENTIALS {
            if RunContext::is_within(path, &format!("{}/{place}", run.home)) {
                return Some((*what).to_string());
            }
        }
    }
    match sensitive_place(path) {
        Some((what, SecretWeight::Credential | SecretWeight::StealerOnly)) => {
            Some(what.to_string())
        }
        // A project's or another folder's .npmrc can hold a token too.
        Some((what, SecretWeight::Plausible)) if path.ends_with("/.npmrc") => {
            Some(what.to_string())
        }
        _ => None,
    }
}

/// How much a read by `pid` at `time_ms` weighs; `None` when it is npm's own.
fn weigh(run: &RunContext, pid: u32, time_ms: u64) -> Option<Severity> {
    if run.is_npm_cli(pid) {
        // An npm a lifecycle script started (`npm run build`, `npm config get …`).
        if run.under_shell_command(pid) {
            return Some(Severity::Medium);
        }
        let before_scripts = run
            .first_child_time(pid)
            .is_none_or(|first| time_ms < first);
        if before_scripts {
            return None;
        }
    }
    Some(Severity::High)
}
