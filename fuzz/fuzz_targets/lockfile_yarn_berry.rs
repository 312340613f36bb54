//! yarn.lock (berry) parser: never a panic, errors on one line, and every package it returns
//! has a name and a path from the project when it has any.

#![no_main]

use dsca_lockfile::{Limits, LockfileKind, RootManifest, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let limits = Limits {
        max_entries: 2_000,
        ..Limits::default()
    };
    let manifest = RootManifest::parse(
        r#"{"name":"app","dependencies":{"a":"^1"},"devDependencies":{"b":"*"}}"#,
    );
    match parse(LockfileKind::YarnBerry, input, Some(&manifest), &limits) {
        Ok(lock) => {
            for package in &lock.packages {
                assert!(package.paths.iter().all(|path| path.len() >= 2));
            }
        }
        Err(err) => assert!(!err.to_string().contains('\n'), "{err}"),
    }
});
