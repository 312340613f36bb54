//! The table of every rule dsca has: one line per rule, its definition and the check
//! that raises it, in id order. `dsca rules`, the SARIF rule list, the JSON Schema's
//! enum of rule ids and the README's rule tables are made from it (tests fail when the
//! schema or the README fall behind). Adding a rule is its file, its fixtures and one
//! line here.

use crate::{capture, code, dynamic, lockfile, metadata};
use dsca_model::Rule;
use std::fmt;

/// Which analysis a rule belongs to: what its findings are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Family {
    /// The manifest, the packument, the signature and the tarball's file list.
    #[default]
    Metadata,
    /// The package's JavaScript and scripts, and the YARA rules.
    Code,
    /// A packet capture of a build (`dsca pcap`).
    Capture,
    /// A lockfile entry against what the registry serves (`dsca audit`).
    Lockfile,
    /// What the package did inside the sandbox (`--dynamic`).
    Dynamic,
}

impl Family {
    pub const ALL: [Family; 5] = [
        Family::Metadata,
        Family::Code,
        Family::Capture,
        Family::Lockfile,
        Family::Dynamic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Metadata => "metadata",
            Family::Code => "code",
            Family::Capture => "capture",
            Family::Lockfile => "lockfile",
            Family::Dynamic => "dynamic",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What raises a rule's findings.
#[derive(Clone, Copy)]
pub(crate) enum Raised {
    Metadata(metadata::Check),
    Code(code::Check),
    Capture(capture::Check),
    Dynamic(dynamic::Check),
    /// A step of its own, which the rule's module names: the tarball's download (its
    /// `finding`), an audit's lockfile checks, another line's check that raises several
    /// rules, the advisories' indicators.
    Apart(Family),
}

/// One line of the table.
pub(crate) struct Code {
    pub rule: &'static Rule,
    pub raised: Raised,
}

impl Code {
    pub fn family(&self) -> Family {
        match self.raised {
            Raised::Metadata(_) => Family::Metadata,
            Raised::Code(_) => Family::Code,
            Raised::Capture(_) => Family::Capture,
            Raised::Dynamic(_) => Family::Dynamic,
            Raised::Apart(family) => family,
        }
    }
}

const fn metadata(rule: &'static Rule, check: metadata::Check) -> Code {
    Code {
        rule,
        raised: Raised::Metadata(check),
    }
}

const fn code(rule: &'static Rule, check: code::Check) -> Code {
    Code {
        rule,
        raised: Raised::Code(check),
    }
}

const fn capture(rule: &'static Rule, check: capture::Check) -> Code {
    Code {
        rule,
        raised: Raised::Capture(check),
    }
}

const fn dynamic(rule: &'static Rule, check: dynamic::Check) -> Code {
    Code {
        rule,
        raised: Raised::Dynamic(check),
    }
}

const fn apart(family: Family, rule: &'static Rule) -> Code {
    Code {
        rule,
        raised: Raised::Apart(family),
    }
}

use capture as net;
use code as js;
use dynamic as run;
use metadata as meta;

#[rustfmt::skip]
pub(crate) static CODES: &[Code] = &[
    metadata(&meta::install_script::RULE, meta::install_script::check),
    metadata(&meta::risky_install_command::RULE, meta::risky_install_command::check),
    metadata(&meta::install_script_added::RULE, meta::install_script_added::check),
    metadata(&meta::non_registry_dependency::RULE, meta::non_registry_dependency::check),
    // Raised by DSCA408's check, which reads the advisories once for both.
    apart(Family::Metadata, &meta::known_malicious::DEPENDENCY_RULE),
    metadata(&meta::typosquat::RULE, meta::typosquat::check),
    metadata(&meta::dependency_confusion::RULE, meta::dependency_confusion::check),
    metadata(&meta::new_package::RULE, meta::new_package::check),
    metadata(&meta::new_version::RULE, meta::new_version::check),
    metadata(&meta::publisher_changed::RULE, meta::publisher_changed::check),
    metadata(&meta::maintainers_changed::RULE, meta::maintainers_changed::check),
    metadata(&meta::deprecated::RULE, meta::deprecated::check),
    metadata(&meta::no_repository::RULE, meta::no_repository::check),
    metadata(&meta::npm_security_placeholder::RULE, meta::npm_security_placeholder::check),
    metadata(&meta::known_malicious::RULE, meta::known_malicious::check),
    metadata(&meta::known_malicious::INDICATOR_RULE, meta::known_malicious::check_indicators),
    // Raised while the tarball is downloaded.
    apart(Family::Metadata, &meta::integrity_mismatch::RULE),
    metadata(&meta::invalid_signature::RULE, meta::invalid_signature::check),
    metadata(&meta::provenance_dropped::RULE, meta::provenance_dropped::check),
    metadata(&meta::manifest_confusion::RULE, meta::manifest_confusion::check),
    apart(Family::Metadata, &meta::no_integrity::RULE),
    metadata(&meta::native_executable::RULE, meta::native_executable::check),
    metadata(&meta::private_key::RULE, meta::private_key::check),
    metadata(&meta::bin_shadows_command::RULE, meta::bin_shadows_command::check),
    metadata(&meta::archive_path_traversal::RULE, meta::archive_path_traversal::check),
    metadata(&meta::archive_absolute_path::RULE, meta::archive_absolute_path::check),
    metadata(&meta::archive_link::RULE, meta::archive_link::check),
    metadata(&meta::archive_duplicate_entry::RULE, meta::archive_duplicate_entry::check),
    metadata(&meta::archive_special_entry::RULE, meta::archive_special_entry::check),
    code(&js::exfiltration::RULE, js::exfiltration::check),
    code(&js::download_execute::RULE, js::download_execute::check),
    code(&js::decode_eval::RULE, js::decode_eval::check),
    code(&js::reverse_shell::RULE, js::reverse_shell::check),
    code(&js::obfuscated_code::RULE, js::obfuscated_code::check),
    code(&js::suspicious_destination::RULE, js::suspicious_destination::check),
    code(&js::sensitive_file_access::RULE, js::sensitive_file_access::check),
    code(&js::persistence::RULE, js::persistence::check),
    code(&js::risky_command_in_code::RULE, js::risky_command_in_code::check),
    code(&js::unanalysed_code::RULE, js::unanalysed_code::check),
    code(&js::yara::RULE, js::yara::check),
    code(&js::destructive::RULE, js::destructive::check),
    capture(&net::dns_lookup_outside_allowlist::RULE, net::dns_lookup_outside_allowlist::check),
    capture(&net::tls_sni_outside_allowlist::RULE, net::tls_sni_outside_allowlist::check),
    capture(&net::http_host_outside_allowlist::RULE, net::http_host_outside_allowlist::check),
    capture(&net::connection_to_unresolved_ip::RULE, net::connection_to_unresolved_ip::check),
    // Raised by `dsca audit` when it compares a lockfile entry with the registry.
    apart(Family::Lockfile, &lockfile::integrity_mismatch::RULE),
    apart(Family::Lockfile, &lockfile::untrusted_source::RULE),
    dynamic(&run::dns_lookup_outside_registry::RULE, run::dns_lookup_outside_registry::check),
    dynamic(&run::ip_literal_connection::RULE, run::ip_literal_connection::check),
    dynamic(&run::http_request_outside_registry::RULE, run::http_request_outside_registry::check),
    dynamic(&run::download_and_execute::RULE, run::download_and_execute::check),
    dynamic(&run::risky_command_executed::RULE, run::risky_command_executed::check),
    dynamic(&run::write_outside_project::RULE, run::write_outside_project::check),
    dynamic(&run::process_outlived_phase::RULE, run::process_outlived_phase::check),
    dynamic(&run::credential_file_read::RULE, run::credential_file_read::check),
    dynamic(&run::credential_exfiltration::RULE, run::credential_exfiltration::check),
    dynamic(&run::phase_incomplete::RULE, run::phase_incomplete::check),
    // Raised when the advisories' indicators are at hand (`analyse_dynamic_with`).
    apart(Family::Dynamic, &run::known_indicator::RULE),
    dynamic(&run::remote_command_executed::RULE, run::remote_command_executed::check),
    dynamic(&run::time_triggered::RULE, run::time_triggered::check),
    dynamic(&run::spins_when_loaded::RULE, run::spins_when_loaded::check),
];

/// The checks of one kind, in id order: `pick` takes a line's check when it is one.
/// The crate root hands them to the family's analysis, which never reads this table
/// itself (the table names the families' checks: the other way round would be a loop).
fn checks<T>(pick: fn(Raised) -> Option<T>) -> Vec<T> {
    CODES.iter().filter_map(|line| pick(line.raised)).collect()
}

pub(crate) fn metadata_checks() -> Vec<metadata::Check> {
    checks(|raised| match raised {
        Raised::Metadata(check) => Some(check),
        _ => None,
    })
}

pub(crate) fn code_checks() -> Vec<code::Check> {
    checks(|raised| match raised {
        Raised::Code(check) => Some(check),
        _ => None,
    })
}

pub(crate) fn capture_checks() -> Vec<capture::Check> {
    checks(|raised| match raised {
        Raised::Capture(check) => Some(check),
        _ => None,
    })
}

pub(crate) fn dynamic_checks() -> Vec<dynamic::Check> {
    checks(|raised| match raised {
        Raised::Dynamic(check) => Some(check),
        _ => None,
    })
}
