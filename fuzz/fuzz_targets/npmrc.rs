//! `.npmrc` text with environment substitution: never a panic, and substitution cannot
//! blow up the output beyond what the input and the environment hold.

#![no_main]

use dsca_registry::ConfigEnv;
use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;

fuzz_target!(|text: &str| {
    let env = ConfigEnv {
        home: None,
        vars: HashMap::from([("TOKEN".to_string(), "abc".to_string())]),
    };
    let pairs = dsca_registry::config::parse_npmrc(text, &env);
    let produced: usize = pairs.iter().map(|(k, v)| k.len() + v.len()).sum();
    assert!(produced <= text.len() * 4 + 16);
});
