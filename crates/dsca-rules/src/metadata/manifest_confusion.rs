//! DSCA504: the registry's manifest and the tarball's package.json disagree.

use crate::{Analysis, ScanContext};
use dsca_model::npm::{DEPENDENCY_FIELDS, Manifest};
use dsca_model::{Category, Evidence, Finding, Location, Rule, Severity, Signal};
use std::collections::BTreeMap;

pub const RULE: Rule = Rule {
    id: "DSCA504",
    name: "manifest-confusion",
    category: Category::Integrity,
    signal: Signal::Integrity,
    severity: Severity::High,
    title: "Registry metadata and package.json disagree",
    problem: "The registry lets a publisher upload metadata that differs from the \
        package.json inside the tarball. Tools and people reading the registry see one set \
        of scripts, dependencies or commands while npm installs and runs another, which can \
        hide an install script or a dependency from review.",
    next_steps: "Trust the tarball's package.json: it is what npm acts on. Review the \
        scripts, dependencies and bin entries listed here as if they were undisclosed, and \
        report the package if the difference hides behaviour.",
    severities: &[Severity::High],
    catches: "registry metadata and package.json disagree on scripts, dependencies or bin",
};

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let (Some(registry), Some(tarball)) = (ctx.registry_manifest(), ctx.manifest.map(Manifest))
    else {
        return;
    };
    let mut differences = Vec::new();

    let mut registry_scripts = to_map(registry.scripts());
    let tarball_scripts = to_map(tarball.scripts());
    // npm adds `install: node-gyp rebuild` to the registry copy of packages with a
    // binding.gyp and no install script of their own; that is not a discrepancy.
    if registry_scripts.get("install").map(String::as_str) == Some("node-gyp rebuild")
        && !tarball_scripts.contains_key("install")
        && !tarball_scripts.contains_key("preinstall")
    {
        registry_scripts.remove("install");
    }
    compare(
        "scripts",
        &registry_scripts,
        &tarball_scripts,
        &mut differences,
    );
    for field in DEPENDENCY_FIELDS {
        compare(
            field,
            &to_map(registry.dependencies(field)),
            &to_map(tarball.dependencies(field)),
            &mut differences,
        );
    }
    compare("bin", &bins(registry), &bins(tarball), &mut differences);

    if differences.is_empty() {
        return;
    }
    let count = differences.len();
    let finding = Finding::new(
        &RULE,
        format!(
            "the registry's metadata for {} differs from the tarball's package.json in {count} {}",
            ctx.version,
            if count == 1 { "entry" } else { "entries" }
        ),
    );
    out.findings.push(
        super::cap_evidence(differences)
            .into_iter()
            .fold(finding, Finding::with_evidence),
    );
}

fn to_map(pairs: Vec<(&str, &str)>) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `bin` with paths normalised (`./cli.js` and `cli.js` are the same file).
fn bins(manifest: Manifest) -> BTreeMap<String, String> {
    manifest
        .bins()
        .into_iter()
        .map(|(name, path)| (name, path.trim_start_matches("./").to_string()))
        .collect()
}

fn compare(
    field: &str,
    registry: &BTreeMap<String, String>,
    tarball: &BTreeMap<String, String>,
    differences: &mut Vec<Evidence>,
) {
    let keys: std::collections::BTreeSet<&String> = registry.keys().chain(tarball.keys()).collect();
    for key in keys {
        let (in_registry, in_tarball) = (registry.get(key), tarball.get(key));
        if in_registry == in_tarball {
            continue;
        }
        let show =
            |value: Option<&String>| value.map_or("(absent)".to_string(), |v| format!("`{v}`"));
        differences.push(
            Evidence::new(format!(
                "{field}.{key}: registry {}, tarball {}",
                show(in_registry),
                show(in_tarball)
            ))
            .at(Location::file("package.json")),
        );
    }
}
