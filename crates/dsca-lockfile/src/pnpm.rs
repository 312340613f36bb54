//! `pnpm-lock.yaml`, lockfileVersion 6.0 to 9.0.
//!
//! v6: `packages` keyed `/name@version(peers)`, each with its own `dependencies`.
//! v9: `packages` keyed `name@version` hold metadata (resolution), `snapshots` keyed
//! `name@version(peers)` hold the dependencies. Both list the project's own
//! dependencies under `importers` (v6 single projects: at the top level).

use crate::Limits;
use crate::graph::{Builder, EdgeKind, Index, Node, PackageSource, source_of};
use crate::npm::too_many;
use crate::text::{ParseError, missing_entry, split_name_version, yaml_error};
use serde_yaml_ng::{Mapping, Value};

const DEP_FIELDS: [(&str, EdgeKind); 3] = [
    ("dependencies", EdgeKind::Prod),
    ("optionalDependencies", EdgeKind::Optional),
    ("devDependencies", EdgeKind::Dev),
];

pub(crate) fn parse(text: &str, limits: &Limits) -> Result<Builder, ParseError> {
    let doc: Value = serde_yaml_ng::from_str(text).map_err(|err| yaml_error(&err))?;
    let Value::Mapping(doc) = doc else {
        return Err(ParseError::at(1, 1, "a pnpm-lock.yaml is a YAML map"));
    };
    let major = major_version(&doc, text)?;
    let empty = Mapping::new();
    let packages = mapping(&doc, "packages").unwrap_or(&empty);
    let snapshots = mapping(&doc, "snapshots");
    let v9 = snapshots.is_some();
    if major >= 9 && !v9 && !packages.is_empty() {
        return Err(crate::text::at_end(
            text,
            "a lockfileVersion 9 file with `packages` but no `snapshots` (truncated?)",
        ));
    }
    // In v9 the nodes are the snapshots; in v6 the packages themselves.
    let nodes_map = snapshots.unwrap_or(packages);
    if nodes_map.len() > limits.max_entries {
        return Err(too_many(limits));
    }

    let mut builder = Builder::default();
    let mut index = Index::new();
    let mut pending: Vec<(usize, &str, &Mapping)> = Vec::new();
    for (key, entry) in nodes_map {
        let Some(key) = key.as_str() else { continue };
        let entry = match entry {
            Value::Mapping(entry) => entry,
            Value::Null => &empty,
            _ => {
                return Err(
                    ParseError::new(format!("packages entry `{key}` is not a map")).near(text, key),
                );
            }
        };
        // `name@version(peer@1)(peer@2)`: the peers only tell copies apart.
        let base = key.split('(').next().unwrap_or(key);
        let meta = if v9 {
            packages
                .get(base)
                .and_then(Value::as_mapping)
                .unwrap_or(entry)
        } else {
            entry
        };
        let trimmed = base.strip_prefix('/').unwrap_or(base);
        let (key_name, key_version) = split_name_version(trimmed).ok_or_else(|| {
            ParseError::new(format!("packages entry `{key}` is not `name@version`")).near(text, key)
        })?;
        let node = builder.add(package_node(key_name, key_version, meta, entry));
        index.insert(trimmed.to_string(), node);
        pending.push((node, key, entry));
    }

    for (node, key, entry) in pending {
        for (field, kind) in DEP_FIELDS {
            for (dep, reference) in deps_of(entry, field) {
                match lookup(&index, dep, reference) {
                    Some(to) => builder.edge(node, to, kind),
                    None if must_exist(reference) => {
                        return Err(
                            missing_entry(key, &format!("{dep}@{reference}")).near(text, key)
                        );
                    }
                    None => {}
                }
            }
        }
    }
    // v9: every package has at least one snapshot.
    if v9 {
        for key in packages.keys().filter_map(Value::as_str) {
            if !index.contains_key(key) {
                return Err(ParseError::new(format!(
                    "package `{key}` has no entry under `snapshots` (truncated?)"
                ))
                .near(text, key));
            }
        }
    }
    link_project(&doc, text, &index, &mut builder)?;
    Ok(builder)
}

/// The lockfile's major version, 6 to 9; any other is refused.
fn major_version(doc: &Mapping, text: &str) -> Result<u32, ParseError> {
    let version = match doc.get("lockfileVersion") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(ParseError::at(1, 1, "no `lockfileVersion`")),
    };
    let major: u32 = version
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if !(6..=9).contains(&major) {
        return Err(ParseError::new(format!(
            "pnpm lockfileVersion {version} is not supported (6.0 to 9.0 are)"
        ))
        .near(text, "lockfileVersion"));
    }
    Ok(major)
}

/// One package: its name and version (the metadata's, else the key's), where it comes
/// from, and the hints of its snapshot or entry (`entry`).
fn package_node(key_name: &str, key_version: &str, meta: &Mapping, entry: &Mapping) -> Node {
    let name = str_of(meta, "name").unwrap_or(key_name);
    let version = str_of(meta, "version").unwrap_or(key_version);
    let resolution = meta.get("resolution").and_then(Value::as_mapping);
    let integrity = resolution.and_then(|r| str_of(r, "integrity"));
    let tarball = resolution.and_then(|r| str_of(r, "tarball"));
    let source = if resolution.is_some_and(|r| r.contains_key("directory")) {
        PackageSource::Local
    } else if resolution.is_some_and(|r| r.contains_key("repo") || str_of(r, "type") == Some("git"))
    {
        PackageSource::Remote
    } else if let Some(tarball) = tarball {
        source_of(Some(tarball), version)
    } else {
        source_of(None, key_version)
    };
    let flag = |key: &str| entry.get(key).and_then(Value::as_bool).unwrap_or(false);
    Node {
        name: name.to_string(),
        version: version.to_string(),
        resolved: tarball.map(str::to_string).or_else(|| {
            resolution
                .and_then(|r| str_of(r, "repo"))
                .map(str::to_string)
        }),
        integrity: integrity.map(str::to_string),
        source: Some(source),
        dev_hint: flag("dev"),
        optional_hint: flag("optional"),
        // pnpm 6 to 8 write `requiresBuild: true`; pnpm 9 no longer records it.
        install_script: flag("requiresBuild"),
    }
}

/// The node a dependency `name: reference` points at.
fn lookup(index: &Index, name: &str, reference: &str) -> Option<usize> {
    let reference = reference.strip_prefix('/').unwrap_or(reference);
    let reference = reference.split('(').next().unwrap_or(reference);
    // A plain version means `name@version`; anything else (an alias `real@1.0.0`, a
    // `file:` or URL key) is already a key.
    let key = if reference.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{name}@{reference}")
    } else {
        reference.to_string()
    };
    index.get(&key).copied()
}

/// A registry version (`1.2.3`, `1.2.3(peer@1)`) must have an entry; links, files and
/// aliases are looked up when they can be and skipped otherwise.
fn must_exist(reference: &str) -> bool {
    reference.starts_with(|c: char| c.is_ascii_digit())
}

/// The project's own dependencies: `importers` (workspaces), or the top level in a v6
/// single project.
fn link_project(
    doc: &Mapping,
    text: &str,
    index: &Index,
    builder: &mut Builder,
) -> Result<(), ParseError> {
    let Some(importers) = mapping(doc, "importers") else {
        for (field, kind) in DEP_FIELDS {
            for (dep, reference) in deps_of(doc, field) {
                match lookup(index, dep, reference) {
                    Some(to) => builder.root_edge(to, kind),
                    None if must_exist(reference) => {
                        return Err(missing_entry("the project", &format!("{dep}@{reference}"))
                            .near(text, &format!("{field}:")));
                    }
                    None => {}
                }
            }
        }
        return Ok(());
    };
    for (path, importer) in importers {
        let (Some(path), Some(importer)) = (path.as_str(), importer.as_mapping()) else {
            continue;
        };
        let workspace = (path != ".").then(|| {
            let node = builder.add(Node {
                name: path.to_string(),
                source: Some(PackageSource::Local),
                ..Node::default()
            });
            builder.workspace(node);
            node
        });
        for (field, kind) in DEP_FIELDS {
            for (dep, reference) in deps_of(importer, field) {
                let Some(to) = lookup(index, dep, reference) else {
                    if must_exist(reference) {
                        return Err(missing_entry(
                            &format!("importers.\"{path}\""),
                            &format!("{dep}@{reference}"),
                        )
                        .near(text, "importers:"));
                    }
                    continue;
                };
                match workspace {
                    Some(node) => builder.edge(node, to, kind),
                    None => builder.root_edge(to, kind),
                }
            }
        }
    }
    Ok(())
}

fn mapping<'a>(map: &'a Mapping, key: &str) -> Option<&'a Mapping> {
    map.get(key).and_then(Value::as_mapping)
}

fn str_of<'a>(map: &'a Mapping, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

/// `name: version` or `name: {specifier, version}` pairs of one dependency field.
fn deps_of<'a>(map: &'a Mapping, field: &str) -> Vec<(&'a str, &'a str)> {
    let Some(deps) = mapping(map, field) else {
        return Vec::new();
    };
    deps.iter()
        .filter_map(|(name, value)| {
            let version = match value {
                Value::String(v) => v.as_str(),
                Value::Mapping(m) => str_of(m, "version")?,
                _ => return None,
            };
            Some((name.as_str()?, version))
        })
        .collect()
}
