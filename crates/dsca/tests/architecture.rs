//! The shape the code keeps (issue 19): the CLI crate holds argument parsing, the
//! commands' loops and exit codes only; the libraries print nothing themselves; no two
//! modules of a crate import each other, directly or around a loop.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A file's code without its test module (`#[cfg(test)] mod`, last by convention) and
/// its comment lines.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let end = text
        .match_indices("#[cfg(test)]")
        .find(|(at, marker)| text[at + marker.len()..].trim_start().starts_with("mod "))
        .map_or(text.len(), |(at, _)| at);
    text[..end]
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_cli_stays_small() {
    let lines: usize = rust_files(&crates_dir().join("dsca/src"))
        .iter()
        .map(|path| std::fs::read_to_string(path).unwrap().lines().count())
        .sum();
    assert!(
        lines < 1_500,
        "crates/dsca/src has {lines} lines: library logic belongs in dsca-session, printers in dsca-report"
    );
}

#[test]
fn libraries_print_nothing_themselves() {
    // The CLI prints; the test harness and the session's standard-error reporter are
    // the only other places that may.
    let allowed = ["dsca/src/", "dsca-test/src/", "dsca-session/src/notices.rs"];
    let mut printing = Vec::new();
    for path in rust_files(&crates_dir()) {
        let shown = path
            .strip_prefix(crates_dir())
            .unwrap()
            .display()
            .to_string();
        if !shown.contains("/src/") || allowed.iter().any(|a| shown.starts_with(a)) {
            continue;
        }
        let code = code_of(&path);
        if ["println!", "eprintln!", "print!(", "eprint!("]
            .iter()
            .any(|call| code.contains(call))
        {
            printing.push(shown);
        }
    }
    assert!(
        printing.is_empty(),
        "print through dsca-report or the session's notices instead: {printing:?}"
    );
}

/// The module path at the start of `text`: `a::b::Item` gives `[a, b]` (the item
/// goes too; callers look for the longest known module).
fn path_at(text: &str) -> Vec<String> {
    text.split("::")
        .map(|part| {
            part.trim_start()
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect::<String>()
        })
        .take_while(|part| !part.is_empty())
        .collect()
}

/// The paths a `{a, b::c}` group at the start of `text` names (nested groups by their
/// prefix).
fn group_at(text: &str) -> Vec<Vec<String>> {
    let mut depth = 0;
    let mut items = Vec::new();
    let mut start = 1;
    for (at, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' | ',' if depth == 1 => {
                items.push(path_at(&text[start..at]));
                start = at + 1;
                if c == '}' {
                    break;
                }
            }
            '}' => depth -= 1,
            _ => {}
        }
    }
    items
}

/// `crate::a::b`, `crate::{a, b}` and `super::c` paths in `code`, as module paths of the
/// crate seen from `module`.
fn references(code: &str, module: &[String]) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    for (prefix, base) in [
        ("crate::", Vec::new()),
        ("super::", module[..module.len().saturating_sub(1)].to_vec()),
    ] {
        for (at, _) in code.match_indices(prefix) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &code[at + prefix.len()..];
            let paths = if rest.starts_with('{') {
                group_at(rest)
            } else {
                vec![path_at(rest)]
            };
            for path in paths {
                let mut full = base.clone();
                full.extend(path);
                found.insert(full);
            }
        }
    }
    found
}

/// The module a file of `src` is (`code/js.rs` is `code::js`, `lib.rs` the root).
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts
        .last()
        .is_some_and(|last| matches!(last.as_str(), "mod" | "lib" | "main"))
    {
        parts.pop();
    }
    parts
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let mut cycles = Vec::new();
    for entry in std::fs::read_dir(crates_dir()).unwrap() {
        let src = entry.unwrap().path().join("src");
        if !src.is_dir() {
            continue;
        }
        let files = rust_files(&src);
        let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&src, f)).collect();
        // Edges between modules, neither inside the other (a child using its parent's
        // items is how Rust modules share).
        let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
        for file in &files {
            let from = module_of(&src, file);
            for path in references(&code_of(file), &from) {
                let Some(to) = (1..=path.len())
                    .rev()
                    .map(|n| path[..n].to_vec())
                    .find(|prefix| modules.contains(prefix))
                else {
                    continue;
                };
                if !to.starts_with(&from) && !from.starts_with(&to) {
                    edges.entry(from.clone()).or_default().insert(to);
                }
            }
        }
        // A module that reaches itself through the edges is on a cycle.
        for start in edges.keys() {
            let mut seen = BTreeSet::new();
            let mut pending: Vec<&Vec<String>> = edges[start].iter().collect();
            while let Some(next) = pending.pop() {
                if next == start {
                    cycles.push(format!("{}: {}", src.display(), start.join("::")));
                    break;
                }
                if seen.insert(next.clone()) {
                    pending.extend(edges.get(next).into_iter().flatten());
                }
            }
        }
    }
    assert!(cycles.is_empty(), "modules on an import cycle: {cycles:?}");
}
