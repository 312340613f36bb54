//! `yarn.lock`: classic (yarn 1, its own indented format) and berry (yarn 2+, YAML).
//!
//! Both key each entry by the descriptors (`name@range`) that resolved to it, and list a
//! package's dependencies as `name range`, so an edge is a descriptor lookup.

use crate::graph::{Builder, EdgeKind, Index, Node, PackageSource, source_of};
use crate::npm::too_many;
use crate::text::{
    ParseError, at_end, is_project_range, missing_entry, split_name_version, yaml_error,
};
use crate::{Limits, RootManifest};

/// A dependency: name, requested range, kind.
type DepRange = (String, String, EdgeKind);

/// One classic entry while it is being read.
#[derive(Default)]
struct ClassicEntry {
    descriptors: Vec<String>,
    line: usize,
    version: Option<String>,
    resolved: Option<String>,
    integrity: Option<String>,
    deps: Vec<(String, String, EdgeKind)>,
}

pub(crate) fn parse_classic(
    text: &str,
    manifest: Option<&RootManifest>,
    limits: &Limits,
) -> Result<Builder, ParseError> {
    let entries = classic_entries(text, limits)?;
    classic_graph(text, &entries, manifest)
}

/// The entries of a yarn 1 lockfile, line by line: a header (its descriptors) at
/// indent 0, fields at 2, dependencies at 4 under `dependencies:` or
/// `optionalDependencies:`.
fn classic_entries(text: &str, limits: &Limits) -> Result<Vec<ClassicEntry>, ParseError> {
    // yarn always ends the file with a newline; without one it was cut short, and a
    // cut inside an unquoted value (an integrity hash) would otherwise go unnoticed.
    if !text.is_empty() && !text.ends_with('\n') {
        let (line, column) = crate::text::position(text, text.len());
        return Err(ParseError::at(
            line,
            column,
            "the file ends mid-line (truncated?)",
        ));
    }
    let mut entries: Vec<ClassicEntry> = Vec::new();
    // The block a 4-space line belongs to (`dependencies:`, `optionalDependencies:`).
    let mut block: Option<EdgeKind> = None;
    let mut ignored_block = false;
    for (number, raw) in text.lines().enumerate() {
        let line_no = number + 1;
        let line = raw.trim_end_matches('\r');
        let trimmed = line.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let column = indent + 1;
        if trimmed.starts_with('\t') {
            return Err(ParseError::at(
                line_no,
                column,
                "tabs are not allowed for indentation",
            ));
        }
        let tokens = tokenize(trimmed)
            .map_err(|(offset, message)| ParseError::at(line_no, column + offset, message))?;
        match indent {
            0 => {
                let Some(Token::Colon) = tokens.last() else {
                    return Err(ParseError::at(
                        line_no,
                        1,
                        "expected an entry header ending in `:`",
                    ));
                };
                let descriptors: Vec<String> = tokens
                    .iter()
                    .filter_map(|t| match t {
                        Token::Word(w) => Some(w.clone()),
                        _ => None,
                    })
                    .collect();
                if descriptors.is_empty() {
                    return Err(ParseError::at(
                        line_no,
                        1,
                        "an entry header names no package",
                    ));
                }
                if entries.len() >= limits.max_entries {
                    return Err(too_many(limits));
                }
                entries.push(ClassicEntry {
                    descriptors,
                    line: line_no,
                    ..ClassicEntry::default()
                });
                block = None;
            }
            2 => {
                let Some(entry) = entries.last_mut() else {
                    return Err(ParseError::at(line_no, column, "a field outside any entry"));
                };
                match tokens.as_slice() {
                    [Token::Word(key), Token::Colon] => {
                        block = match key.as_str() {
                            "dependencies" => Some(EdgeKind::Prod),
                            "optionalDependencies" => Some(EdgeKind::Optional),
                            _ => None,
                        };
                        ignored_block = block.is_none();
                    }
                    [Token::Word(key), Token::Word(value)] => {
                        block = None;
                        ignored_block = false;
                        match key.as_str() {
                            "version" => entry.version = Some(value.clone()),
                            "resolved" => entry.resolved = Some(value.clone()),
                            "integrity" => entry.integrity = Some(value.clone()),
                            _ => {}
                        }
                    }
                    _ => {
                        return Err(ParseError::at(
                            line_no,
                            column,
                            "expected `key value` or `key:`",
                        ));
                    }
                }
            }
            4 => {
                let (Some(entry), Some(kind)) = (entries.last_mut(), block) else {
                    if ignored_block {
                        continue;
                    }
                    return Err(ParseError::at(line_no, column, "unexpected indentation"));
                };
                match tokens.as_slice() {
                    [Token::Word(name), Token::Word(range)] => {
                        entry.deps.push((name.clone(), range.clone(), kind));
                    }
                    _ => return Err(ParseError::at(line_no, column, "expected `name range`")),
                }
            }
            _ if ignored_block => {}
            _ => return Err(ParseError::at(line_no, column, "unexpected indentation")),
        }
    }
    Ok(entries)
}

/// The graph of the entries: one node per entry, found by every descriptor of its
/// header; each dependency must resolve to an entry, and so must each range of
/// package.json (`manifest`).
fn classic_graph(
    text: &str,
    entries: &[ClassicEntry],
    manifest: Option<&RootManifest>,
) -> Result<Builder, ParseError> {
    let mut builder = Builder::default();
    let mut index = Index::new();
    for entry in entries {
        let Some(version) = &entry.version else {
            return Err(ParseError::at(
                entry.line,
                1,
                format!(
                    "entry `{}` has no version (truncated?)",
                    entry.descriptors[0]
                ),
            ));
        };
        let first = &entry.descriptors[0];
        let Some((key_name, range)) = split_name_version(first) else {
            return Err(ParseError::at(
                entry.line,
                1,
                format!("`{first}` is not `name@range`"),
            ));
        };
        // An alias (`alias@npm:real@^1`) installs the real package.
        let name = range
            .strip_prefix("npm:")
            .and_then(|r| split_name_version(r).map(|(n, _)| n))
            .unwrap_or(key_name);
        // yarn writes `resolved` for registry and remote packages; a `file:` or `link:`
        // range has none and is part of the project.
        let source = if range.starts_with("file:") || range.starts_with("link:") {
            PackageSource::Local
        } else {
            source_of(entry.resolved.as_deref(), version)
        };
        let node = builder.add(Node {
            name: name.to_string(),
            version: version.clone(),
            resolved: entry.resolved.clone(),
            integrity: entry.integrity.clone(),
            source: Some(source),
            ..Node::default()
        });
        for descriptor in &entry.descriptors {
            index.insert(descriptor.clone(), node);
        }
    }
    for (node, entry) in entries.iter().enumerate() {
        for (name, range, kind) in &entry.deps {
            match index.get(&format!("{name}@{range}")) {
                Some(&to) => builder.edge(node, to, *kind),
                None if !is_project_range(range) => {
                    let err = missing_entry(&entry.descriptors[0], &format!("{name}@{range}"));
                    return Err(ParseError::at(entry.line, 1, err.message));
                }
                None => {}
            }
        }
    }
    // yarn writes an entry for every range of package.json: one missing was cut off, or
    // package.json changed after the lockfile was written; either way the audit would
    // miss it.
    if let Some(manifest) = manifest
        && let Some((name, range, _)) = manifest.dependencies.iter().find(|(name, range, kind)| {
            *kind != EdgeKind::Peer
                && !is_project_range(range)
                && !index.contains_key(&format!("{name}@{range}"))
        })
    {
        return Err(at_end(
            text,
            format!(
                "package.json depends on `{name}@{range}`, which has no entry (truncated, or not updated since package.json changed?)"
            ),
        ));
    }
    builder.infer_root_edges(manifest, |name, range| {
        index.get(&format!("{name}@{range}")).copied()
    });
    Ok(builder)
}

#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Colon,
}

/// Split a classic line into words (bare or JSON-quoted), separators dropped, and a
/// final `:`. Errors carry the byte offset in the line.
fn tokenize(line: &str) -> Result<Vec<Token>, (usize, String)> {
    let bytes = line.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b',' => i += 1,
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if i >= bytes.len() {
                    return Err((start, "unterminated string (truncated?)".to_string()));
                }
                let quoted = &line[start..=i];
                let word: String = serde_json::from_str(quoted)
                    .map_err(|_| (start, "invalid escape in a quoted string".to_string()))?;
                tokens.push(Token::Word(word));
                i += 1;
                if bytes.get(i) == Some(&b':') {
                    tokens.push(Token::Colon);
                    i += 1;
                }
            }
            _ => {
                let start = i;
                while i < bytes.len() && !matches!(bytes[i], b' ' | b',') {
                    i += 1;
                }
                let mut word = &line[start..i];
                // A trailing `:` ends a key; `git+https://x` keeps its inner colons.
                let colon = i == bytes.len() && word.ends_with(':');
                if colon {
                    word = &word[..word.len() - 1];
                }
                if !word.is_empty() {
                    tokens.push(Token::Word(word.to_string()));
                }
                if colon {
                    tokens.push(Token::Colon);
                }
            }
        }
    }
    Ok(tokens)
}

/// Berry: a YAML map of `"descriptor, descriptor":` to entries, plus `__metadata`.
pub(crate) fn parse_berry(
    text: &str,
    manifest: Option<&RootManifest>,
    limits: &Limits,
) -> Result<Builder, ParseError> {
    use serde_yaml_ng::Value;
    let doc: Value = serde_yaml_ng::from_str(text).map_err(|err| yaml_error(&err))?;
    let Value::Mapping(map) = doc else {
        return Err(ParseError::at(1, 1, "a berry yarn.lock is a YAML map"));
    };
    if map.len() > limits.max_entries {
        return Err(too_many(limits));
    }
    let dev_in_manifest = |name: &str| {
        manifest.is_some_and(|m| {
            m.dependencies
                .iter()
                .any(|(n, _, kind)| n == name && *kind == EdgeKind::Dev)
        })
    };
    let mut builder = Builder::default();
    let mut index = Index::new();
    // (node or None for the root workspace, its key, dependencies)
    let mut pending: Vec<(Option<usize>, &str, Vec<DepRange>)> = Vec::new();
    for (key, entry) in &map {
        let Some(key) = key.as_str() else { continue };
        if key == "__metadata" {
            continue;
        }
        let near = |err: ParseError| err.near(text, key);
        let Value::Mapping(entry) = entry else {
            return Err(near(ParseError::new(format!("entry `{key}` is not a map"))));
        };
        let field = |name: &str| -> Option<String> {
            match entry.get(name)? {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        let Some(resolution) = field("resolution") else {
            return Err(near(ParseError::new(format!(
                "entry `{key}` has no `resolution`"
            ))));
        };
        let Some((name, reference)) = split_name_version(&resolution) else {
            return Err(near(ParseError::new(format!(
                "`{resolution}` is not `name@reference`"
            ))));
        };
        let version = field("version").unwrap_or_default();
        let mut deps: Vec<(String, String, EdgeKind)> = Vec::new();
        let optional_meta = |dep: &str| {
            entry
                .get("dependenciesMeta")
                .and_then(|m| m.get(dep))
                .and_then(|m| m.get("optional"))
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        if let Some(Value::Mapping(map)) = entry.get("dependencies") {
            for (dep, range) in map {
                let (Some(dep), Some(range)) = (dep.as_str(), range.as_str()) else {
                    continue;
                };
                let kind = if optional_meta(dep) {
                    EdgeKind::Optional
                } else {
                    EdgeKind::Prod
                };
                deps.push((dep.to_string(), range.to_string(), kind));
            }
        }
        if reference == "workspace:." {
            builder.root_name = Some(name.to_string());
            for dep in &mut deps {
                // Berry merges devDependencies into the workspace's dependencies.
                if dev_in_manifest(&dep.0) {
                    dep.2 = EdgeKind::Dev;
                }
            }
            pending.push((None, key, deps));
            continue;
        }
        let source = if reference.starts_with("npm:")
            || reference.starts_with("patch:") && reference.contains("npm%3A")
        {
            PackageSource::Registry
        } else if ["workspace:", "link:", "portal:", "file:", "patch:"]
            .iter()
            .any(|p| reference.starts_with(p))
        {
            PackageSource::Local
        } else {
            PackageSource::Remote
        };
        let node = builder.add(Node {
            name: name.to_string(),
            version,
            resolved: (source == PackageSource::Remote).then(|| reference.to_string()),
            // Berry's `checksum` hashes yarn's own zip of the package, not the npm
            // tarball: it cannot be compared with the registry's integrity.
            integrity: None,
            source: Some(source),
            ..Node::default()
        });
        if reference.starts_with("workspace:") {
            builder.workspace(node);
        }
        for descriptor in key.split(',') {
            index.insert(descriptor.trim().to_string(), node);
        }
        pending.push((Some(node), key, deps));
    }
    // Berry always writes the project's own entry (`name@workspace:.`).
    if builder.root_name.is_none() && !pending.is_empty() {
        return Err(at_end(
            text,
            "no entry for the project itself (`...@workspace:.`) (truncated?)",
        ));
    }
    let lookup = |name: &str, range: &str| {
        index
            .get(&format!("{name}@{range}"))
            .or_else(|| index.get(&format!("{name}@npm:{range}")))
            .copied()
    };
    for (from, key, deps) in pending {
        for (name, range, kind) in deps {
            let Some(to) = lookup(&name, &range) else {
                if is_project_range(&range) || range.starts_with("patch:") {
                    continue;
                }
                return Err(missing_entry(key, &format!("{name}@{range}")).near(text, key));
            };
            match from {
                Some(from) => builder.edge(from, to, kind),
                None => builder.root_edge(to, kind),
            }
        }
    }
    if !builder.has_root_edges() {
        builder.infer_root_edges(manifest, lookup);
    }
    Ok(builder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert_eq!(
            tokenize(r#""@a/b@^1", c@2:"#).unwrap(),
            vec![
                Token::Word("@a/b@^1".into()),
                Token::Word("c@2".into()),
                Token::Colon
            ]
        );
        assert_eq!(
            tokenize("resolved https://x/y.tgz#abc").unwrap(),
            vec![
                Token::Word("resolved".into()),
                Token::Word("https://x/y.tgz#abc".into())
            ]
        );
        assert!(tokenize(r#"version "1.0"#).is_err());
    }
}
