//! DSCA502: the registry signature over this version does not verify.

use crate::{Analysis, ScanContext};
use dsca_model::npm::SignatureCheck;
use dsca_model::{Category, Evidence, Finding, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA502",
    name: "invalid-signature",
    category: Category::Integrity,
    signal: Signal::Integrity,
    severity: Severity::Critical,
    title: "Registry signature does not verify",
    problem: "The registry signs `name@version:integrity` for every version it serves. The \
        signature on this version does not verify against the registry's public key, so \
        the metadata (and possibly the tarball it points to) was altered after publication, \
        typically by a compromised mirror or proxy.",
    next_steps: "Do not install this version from this source. Compare the metadata with \
        the public registry, check the mirror or proxy in between, and report it to the \
        registry operator.",
    severities: &[Severity::Medium, Severity::Critical],
    catches: "the registry signature does not verify (medium when it is signed only by a key \
        the registry does not list)",
};

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    match ctx.signature {
        SignatureCheck::Invalid { keyid, reason } => out.findings.push(
            Finding::new(
                &RULE,
                format!(
                    "the registry signature on {}@{} does not verify",
                    ctx.name, ctx.version
                ),
            )
            .with_evidence(Evidence::new(format!("key `{keyid}`: {reason}"))),
        ),
        SignatureCheck::UnknownKey { keyid } => out.findings.push(
            Finding::new(
                &RULE,
                format!(
                    "{}@{} is signed only by key `{keyid}`, which the registry does not list",
                    ctx.name, ctx.version
                ),
            )
            .with_severity(Severity::Medium)
            .with_evidence(Evidence::new(format!("unknown or expired key `{keyid}`"))),
        ),
        // Many registries and mirrors do not sign at all: absence is not evidence.
        SignatureCheck::Verified { .. }
        | SignatureCheck::Unsigned
        | SignatureCheck::KeysUnavailable { .. }
        | SignatureCheck::NotApplicable => {}
    }
}
