//! `bun.lock`: JSON with trailing commas. `workspaces` holds the project's own
//! dependencies; `packages` maps a placement key (`debug`, or `debug/ms` for a copy of
//! `ms` nested under `debug`) to `[ "name@version", registry, {dependencies}, integrity ]`.

use crate::Limits;
use crate::graph::{Builder, EdgeKind, Node, PackageSource, source_of};
use crate::npm::too_many;
use crate::text::{ParseError, json_error, split_name_version, strip_jsonc};
use serde_json::{Map, Value};
use std::collections::HashMap;

const DEP_FIELDS: [(&str, EdgeKind); 4] = [
    ("dependencies", EdgeKind::Prod),
    ("optionalDependencies", EdgeKind::Optional),
    ("devDependencies", EdgeKind::Dev),
    ("peerDependencies", EdgeKind::Peer),
];

pub(crate) fn parse(text: &str, limits: &Limits) -> Result<Builder, ParseError> {
    let plain = strip_jsonc(text);
    let value: Value = serde_json::from_str(&plain).map_err(|err| json_error(&err))?;
    let Value::Object(doc) = value else {
        return Err(ParseError::at(1, 1, "a bun.lock is a JSON object"));
    };
    match doc.get("lockfileVersion").and_then(Value::as_u64) {
        Some(0..=2) => {}
        Some(other) => {
            return Err(ParseError::new(format!(
                "bun lockfileVersion {other} is not supported (0 to 2 are)"
            ))
            .near(text, "\"lockfileVersion\""));
        }
        None => return Err(ParseError::at(1, 1, "no `lockfileVersion`")),
    }
    let empty = Map::new();
    let packages = doc
        .get("packages")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    if packages.len() > limits.max_entries {
        return Err(too_many(limits));
    }
    let mut builder = Builder::default();
    let mut index: Placements = HashMap::new();
    let mut pending: Vec<(&str, usize, &Map<String, Value>)> = Vec::new();
    for (key, entry) in packages {
        let bad = || {
            ParseError::new(format!(
                "packages.\"{key}\" is not `[\"name@version\", ...]`"
            ))
            .near(text, &format!("\"{key}\""))
        };
        let Some(items) = entry.as_array() else {
            return Err(bad());
        };
        let Some(spec) = items.first().and_then(Value::as_str) else {
            return Err(bad());
        };
        let Some((name, reference)) = split_name_version(spec) else {
            return Err(bad());
        };
        let (node, info) = package_node(name, reference, items);
        let node = builder.add(node);
        if reference.starts_with("workspace:") {
            builder.workspace(node);
        }
        index.insert(key.as_str(), node);
        pending.push((key.as_str(), node, info.unwrap_or(&empty)));
    }
    for (key, node, info) in pending {
        for (field, kind) in DEP_FIELDS {
            if let Some(Value::Object(deps)) = info.get(field) {
                for dep in deps.keys() {
                    if let Some(to) = lookup(&index, key, dep) {
                        builder.edge(node, to, kind);
                    }
                }
            }
        }
    }
    if let Some(Value::Object(workspaces)) = doc.get("workspaces") {
        link_workspaces(workspaces, packages, &index, &mut builder);
    }
    Ok(builder)
}

/// Where each placement key (`debug`, `debug/ms`) put its package.
type Placements<'a> = HashMap<&'a str, usize>;

/// One package entry: `[spec, registry, info, integrity]` for the registry's, `[spec,
/// info, ...]` for the others; the node and its dependency info.
fn package_node<'a>(
    name: &str,
    reference: &str,
    items: &'a [Value],
) -> (Node, Option<&'a Map<String, Value>>) {
    let registry_entry = !reference.contains(':');
    let (info, integrity, resolved) = if registry_entry {
        let registry = items
            .get(1)
            .and_then(Value::as_str)
            .filter(|r| !r.is_empty());
        (
            items.get(2).and_then(Value::as_object),
            items.get(3).and_then(Value::as_str),
            registry.map(str::to_string),
        )
    } else {
        (
            items.get(1).and_then(Value::as_object),
            None,
            Some(reference.to_string()),
        )
    };
    let source = if registry_entry {
        PackageSource::Registry
    } else {
        match source_of(Some(reference), reference) {
            // `name@https://host/x.tgz` and `github:` references are remote.
            PackageSource::Registry => PackageSource::Remote,
            other => other,
        }
    };
    let node = Node {
        name: name.to_string(),
        version: if registry_entry {
            reference.to_string()
        } else {
            String::new()
        },
        resolved,
        integrity: integrity.map(str::to_string),
        source: Some(source),
        ..Node::default()
    };
    (node, info)
}

/// The project's own dependencies, by workspace (`""` is the root).
fn link_workspaces(
    workspaces: &Map<String, Value>,
    packages: &Map<String, Value>,
    index: &Placements<'_>,
    builder: &mut Builder,
) {
    for (path, workspace) in workspaces {
        let Some(workspace) = workspace.as_object() else {
            continue;
        };
        if path.is_empty() {
            builder.root_name = workspace
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        // A workspace's nested copies sit under its package name.
        let ws_name = workspace
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let ws_node = packages
            .keys()
            .find(|k| k.as_str() == ws_name)
            .and_then(|k| index.get(k.as_str()).copied())
            .filter(|_| !path.is_empty());
        for (field, kind) in DEP_FIELDS {
            let Some(Value::Object(deps)) = workspace.get(field) else {
                continue;
            };
            for dep in deps.keys() {
                let from = if path.is_empty() { "" } else { ws_name };
                let Some(to) = lookup(index, from, dep) else {
                    continue;
                };
                match ws_node {
                    Some(ws) => builder.edge(ws, to, kind),
                    None => builder.root_edge(to, kind),
                }
            }
        }
    }
}

/// The node `dep` resolves to from the placement `from`: nested placements first
/// (`a/b` under `a`), then the top level, as node resolves.
fn lookup(index: &Placements<'_>, from: &str, dep: &str) -> Option<usize> {
    let mut base = from;
    loop {
        let key = if base.is_empty() {
            dep.to_string()
        } else {
            format!("{base}/{dep}")
        };
        if let Some(&node) = index.get(key.as_str()) {
            return Some(node);
        }
        if base.is_empty() {
            return None;
        }
        base = parent_key(base);
    }
}

/// `a/@s/b/c` -> `a/@s/b`; `a` -> ``.
fn parent_key(key: &str) -> &str {
    let Some(slash) = key.rfind('/') else {
        return "";
    };
    let head = &key[..slash];
    // A scoped name is two segments: drop the scope too.
    match head.rfind('/') {
        Some(i) if head[i + 1..].starts_with('@') => &head[..i],
        None if head.starts_with('@') => "",
        _ => head,
    }
}

#[cfg(test)]
mod tests {
    use super::parent_key;

    #[test]
    fn parents() {
        assert_eq!(parent_key("a"), "");
        assert_eq!(parent_key("a/b"), "a");
        assert_eq!(parent_key("a/@s/b"), "a");
        assert_eq!(parent_key("@s/b"), "");
        assert_eq!(parent_key("@s/b/c"), "@s/b");
    }
}
