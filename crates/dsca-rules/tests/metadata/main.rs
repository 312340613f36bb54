//! One fixture that triggers each rule and one that must not, with a snapshot of what
//! the rule reports.

#[path = "../common/mod.rs"]
mod common;

use common::{Fixture, LONG_AGO, packument};
use dsca_archive::AnomalyKind;
use dsca_model::Severity;
use dsca_model::npm::SignatureCheck;
use dsca_rules::Origin;
use insta::assert_yaml_snapshot;
use serde_json::json;

fn tarball_with_scripts(scripts: serde_json::Value) -> Fixture {
    Fixture::tarball(
        json!({"name": "demo-pkg", "version": "1.0.0", "scripts": scripts,
        "repository": "github:demo/demo"}),
    )
}

fn two_versions(old: serde_json::Value, new: serde_json::Value) -> Fixture {
    let p = packument(
        "demo-pkg",
        &[
            ("1.0.0", old, LONG_AGO),
            ("1.0.1", new, "2021-01-01T00:00:00.000Z"),
        ],
    );
    Fixture::registry(p, "1.0.1")
}

mod archive;
mod bin_shadows_command;
mod dependency_confusion;
mod deprecated;
mod install_script;
mod install_script_added;
mod invalid_signature;
mod known_malicious;
mod manifest_confusion;
mod native_executable;
mod new_package;
mod no_repository;
mod non_registry_dependency;
mod npm_security_placeholder;
mod private_key;
mod provenance_dropped;
mod publisher_changed;
mod risky_install_command;
mod typosquat;
