//! `package-lock.json` and `npm-shrinkwrap.json`.
//!
//! v2 and v3 list every installed folder under `packages` (`node_modules/a/node_modules/b`)
//! and resolve a dependency the way node does, from the nearest `node_modules` upwards.
//! v1 nests `dependencies` trees and names what each package `requires`.

use crate::graph::{Builder, EdgeKind, Node, source_of};
use crate::text::{ParseError, json_error};
use crate::{Limits, RootManifest};
use serde_json::{Map, Value};
use std::collections::HashMap;

pub(crate) fn parse(
    text: &str,
    manifest: Option<&RootManifest>,
    limits: &Limits,
) -> Result<Builder, ParseError> {
    let value: Value = serde_json::from_str(text).map_err(|err| json_error(&err))?;
    let Value::Object(doc) = value else {
        return Err(ParseError::at(1, 1, "a package-lock.json is a JSON object"));
    };
    let version = doc.get("lockfileVersion").and_then(Value::as_u64);
    let mut builder = Builder::default();
    builder.root_name = doc.get("name").and_then(Value::as_str).map(str::to_string);
    match (version, doc.get("packages")) {
        (Some(2 | 3), Some(Value::Object(packages))) => {
            parse_packages(text, packages, &mut builder, limits)?;
        }
        (Some(2 | 3), _) => {
            return Err(
                ParseError::new("lockfileVersion 2 or 3 without a `packages` object")
                    .near(text, "\"lockfileVersion\""),
            );
        }
        (Some(1) | None, _) => {
            let Some(Value::Object(deps)) = doc.get("dependencies") else {
                // A project without dependencies writes none.
                return Ok(builder);
            };
            parse_v1(text, deps, &mut builder, manifest, limits)?;
        }
        (Some(other), _) => {
            return Err(ParseError::new(format!(
                "lockfileVersion {other} is not supported (1, 2 and 3 are)"
            ))
            .near(text, "\"lockfileVersion\""));
        }
    }
    Ok(builder)
}

/// The package name a `node_modules/...` folder holds.
fn name_from_path(path: &str) -> &str {
    path.rfind("node_modules/")
        .and_then(|i| path.get(i + "node_modules/".len()..))
        .unwrap_or(path)
}

/// The folder node would search after `path` (its enclosing package), or `None` at the root.
fn parent_folder(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    Some(path.rfind("/node_modules/").map_or("", |i| &path[..i]))
}

fn str_field<'a>(entry: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    entry.get(key).and_then(Value::as_str)
}

fn bool_field(entry: &Map<String, Value>, key: &str) -> bool {
    entry.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn dep_fields(entry: &Map<String, Value>) -> Vec<(String, EdgeKind)> {
    let mut out = Vec::new();
    for (field, kind) in [
        ("dependencies", EdgeKind::Prod),
        ("optionalDependencies", EdgeKind::Optional),
        ("devDependencies", EdgeKind::Dev),
        ("peerDependencies", EdgeKind::Peer),
    ] {
        if let Some(Value::Object(deps)) = entry.get(field) {
            for name in deps.keys() {
                out.push((name.clone(), kind));
            }
        }
    }
    out
}

fn parse_packages(
    text: &str,
    packages: &Map<String, Value>,
    builder: &mut Builder,
    limits: &Limits,
) -> Result<(), ParseError> {
    if packages.len() > limits.max_entries {
        return Err(too_many(limits));
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut links: HashMap<&str, &str> = HashMap::new();
    let mut root: Option<&Map<String, Value>> = None;
    for (path, entry) in packages {
        let Value::Object(entry) = entry else {
            return Err(
                ParseError::new(format!("packages.\"{path}\" is not an object"))
                    .near(text, &format!("\"{path}\"")),
            );
        };
        if path.is_empty() {
            root = Some(entry);
            if builder.root_name.is_none() {
                builder.root_name = str_field(entry, "name").map(str::to_string);
            }
            continue;
        }
        if bool_field(entry, "link") {
            if let Some(target) = str_field(entry, "resolved") {
                links.insert(path.as_str(), target);
            }
            continue;
        }
        let in_node_modules = path.starts_with("node_modules/") || path.contains("/node_modules/");
        let name = str_field(entry, "name").unwrap_or_else(|| name_from_path(path));
        let version = str_field(entry, "version").unwrap_or_default();
        if in_node_modules && version.is_empty() {
            // npm leaves out the version only for extraneous or broken entries; a hostile
            // lockfile could use that to hide a package from the audit, so it is an error.
            return Err(
                ParseError::new(format!("packages.\"{path}\" has no `version`"))
                    .near(text, &format!("\"{path}\"")),
            );
        }
        let resolved = str_field(entry, "resolved").map(str::to_string);
        let source = if in_node_modules {
            source_of(resolved.as_deref(), version)
        } else {
            crate::PackageSource::Local // a workspace folder of the project
        };
        let node = builder.add(Node {
            name: name.to_string(),
            version: version.to_string(),
            resolved,
            integrity: str_field(entry, "integrity").map(str::to_string),
            source: Some(source),
            dev_hint: bool_field(entry, "dev") || bool_field(entry, "devOptional"),
            optional_hint: bool_field(entry, "optional") || bool_field(entry, "devOptional"),
            install_script: bool_field(entry, "hasInstallScript"),
        });
        if !in_node_modules {
            builder.workspace(node);
        }
        index.insert(path.as_str(), node);
    }

    let lookup = |from: &str, name: &str| -> Option<usize> {
        let mut folder = Some(from);
        while let Some(base) = folder {
            let key = if base.is_empty() {
                format!("node_modules/{name}")
            } else {
                format!("{base}/node_modules/{name}")
            };
            if let Some(&node) = index.get(key.as_str()) {
                return Some(node);
            }
            if let Some(target) = links.get(key.as_str()) {
                return index.get(target).copied();
            }
            folder = parent_folder(base);
        }
        None
    };

    if let Some(root) = root {
        for (name, kind) in dep_fields(root) {
            if let Some(to) = lookup("", &name) {
                builder.root_edge(to, kind);
            }
        }
    }
    for (path, entry) in packages {
        let (Some(&from), Value::Object(entry)) = (index.get(path.as_str()), entry) else {
            continue;
        };
        for (name, kind) in dep_fields(entry) {
            // Missing optional or peer dependencies are normal (other platforms).
            if let Some(to) = lookup(path, &name) {
                builder.edge(from, to, kind);
            }
        }
    }
    Ok(())
}

/// A dependency by name, and why it is there.
type DepName = (String, EdgeKind);

/// One v1 `dependencies` level: the nodes it holds, by name, and its parent level.
struct Scope {
    parent: Option<usize>,
    children: HashMap<String, usize>,
}

fn parse_v1(
    text: &str,
    deps: &Map<String, Value>,
    builder: &mut Builder,
    manifest: Option<&RootManifest>,
    limits: &Limits,
) -> Result<(), ParseError> {
    let mut scopes: Vec<Scope> = vec![Scope {
        parent: None,
        children: HashMap::new(),
    }];
    // (node, scope it lives in, its own scope, its `requires`)
    let mut placed: Vec<(usize, usize, Vec<DepName>)> = Vec::new();
    let mut stack: Vec<(&Map<String, Value>, usize, usize)> = vec![(deps, 0, 0)];
    while let Some((level, scope, depth)) = stack.pop() {
        if depth > limits.max_depth {
            return Err(ParseError::new(format!(
                "`dependencies` nested more than {} levels deep",
                limits.max_depth
            )));
        }
        for (name, entry) in level {
            let Value::Object(entry) = entry else {
                return Err(
                    ParseError::new(format!("dependencies.\"{name}\" is not an object"))
                        .near(text, &format!("\"{name}\"")),
                );
            };
            if builder.len() >= limits.max_entries {
                return Err(too_many(limits));
            }
            let Some(raw_version) = str_field(entry, "version") else {
                return Err(
                    ParseError::new(format!("dependencies.\"{name}\" has no `version`"))
                        .near(text, &format!("\"{name}\"")),
                );
            };
            // An alias records `npm:real-name@version`.
            let (real_name, version) = match raw_version
                .strip_prefix("npm:")
                .and_then(crate::text::split_name_version)
            {
                Some((real, version)) => (real, version),
                None => (name.as_str(), raw_version),
            };
            let resolved = str_field(entry, "resolved").map(str::to_string);
            let source = source_of(resolved.as_deref().or(Some(raw_version)), version);
            let node = builder.add(Node {
                name: real_name.to_string(),
                version: version.to_string(),
                resolved,
                integrity: str_field(entry, "integrity").map(str::to_string),
                source: Some(source),
                dev_hint: bool_field(entry, "dev"),
                optional_hint: bool_field(entry, "optional"),
                // lockfileVersion 1 does not record install scripts.
                install_script: false,
            });
            scopes[scope].children.insert(name.clone(), node);
            let mut requires: Vec<(String, EdgeKind)> = Vec::new();
            if let Some(Value::Object(map)) = entry.get("requires") {
                requires.extend(map.keys().map(|n| (n.clone(), EdgeKind::Prod)));
            }
            let own = scopes.len();
            scopes.push(Scope {
                parent: Some(scope),
                children: HashMap::new(),
            });
            placed.push((node, own, requires));
            if let Some(Value::Object(nested)) = entry.get("dependencies") {
                stack.push((nested, own, depth + 1));
            }
        }
    }
    let lookup = |scope: usize, name: &str| -> Option<usize> {
        let mut current = Some(scope);
        while let Some(s) = current {
            if let Some(&node) = scopes[s].children.get(name) {
                return Some(node);
            }
            current = scopes[s].parent;
        }
        None
    };
    for (node, own, requires) in &placed {
        for (name, kind) in requires {
            if let Some(to) = lookup(*own, name) {
                builder.edge(*node, to, *kind);
            }
        }
    }
    builder.infer_root_edges(manifest, |name, _| lookup(0, name));
    Ok(())
}

pub(crate) fn too_many(limits: &Limits) -> ParseError {
    ParseError::new(format!(
        "more than {} package entries; dsca stops there",
        limits.max_entries
    ))
}
