//! The code analysis of one file: the oxc parse and walk (constant folding, decoding,
//! name resolution), the byte-level pass and the string decoders, over arbitrary bytes
//! read as JavaScript, TypeScript and a shell script. Never a panic.

#![no_main]

use dsca_rules::analyse_single_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for path in ["index.js", "types.ts", "install.sh"] {
        let analysis = analyse_single_file(path, data);
        for finding in &analysis.findings {
            assert!(finding.rule.starts_with("DSCA8"), "{}", finding.rule);
        }
    }
});
