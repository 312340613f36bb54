//! npm's registry documents, read leniently.
//!
//! Packuments and package.json files are hostile input: any field may be missing or of
//! an unexpected type. They are kept as JSON values and read through accessors that
//! return nothing rather than fail when a field has the wrong shape.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// A full packument (`GET /<name>`), as the registry serves it.
///
/// Read leniently: a top-level field of the wrong shape is dropped rather than failing the
/// whole document (metadata rules judge what is left), and fields dsca never reads (the
/// readme, `users`, ...) are skipped without being built. Version manifests stay JSON text
/// until something asks for one ([`Versions`]): a popular package's packument holds
/// thousands of them and a scan reads two or three.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Packument {
    pub name: String,
    #[serde(rename = "dist-tags")]
    pub dist_tags: BTreeMap<String, Value>,
    pub versions: Versions,
    /// `created`, `modified` and one publish time per version (RFC 3339).
    pub time: BTreeMap<String, Value>,
    #[serde(skip_serializing_if = "Value::is_null")]
    pub maintainers: Value,
}

impl<'de> Deserialize<'de> for Packument {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PackumentVisitor)
    }
}

struct PackumentVisitor;

impl<'de> serde::de::Visitor<'de> for PackumentVisitor {
    type Value = Packument;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a packument (a JSON object)")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Packument, A::Error> {
        let mut packument = Packument::default();
        // As with a JSON object read into a map, a repeated key's last value wins.
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "name" => {
                    packument.name = match map.next_value::<Value>()? {
                        Value::String(name) => name,
                        _ => String::new(),
                    };
                }
                "dist-tags" => {
                    packument.dist_tags = map.next_value::<Lenient<_>>()?.0.unwrap_or_default();
                }
                "versions" => {
                    packument.versions = map.next_value::<Lenient<_>>()?.0.unwrap_or_default();
                }
                "time" => {
                    packument.time = map.next_value::<Lenient<_>>()?.0.unwrap_or_default();
                }
                "maintainers" => packument.maintainers = map.next_value()?,
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(packument)
    }
}

/// `Some` when the value is an object (read as `T`), `None` for anything else, which is
/// skipped.
struct Lenient<T>(Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor(std::marker::PhantomData))
    }
}

struct LenientVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for LenientVisitor<T> {
    type Value = Lenient<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(|t| Lenient(Some(t)))
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Lenient(None))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }
}

/// A packument's `versions`: version -> manifest, each manifest kept as the JSON text the
/// registry sent and parsed the first time it is read.
#[derive(Debug, Clone, Default)]
pub struct Versions(BTreeMap<String, LazyManifest>);

#[derive(Debug, Clone)]
struct LazyManifest {
    raw: Option<Box<serde_json::value::RawValue>>,
    parsed: std::sync::OnceLock<Value>,
}

impl LazyManifest {
    /// The manifest as a JSON value; one nested too deeply to parse reads as `null`
    /// (a manifest of no known shape, like any other malformed one).
    fn value(&self) -> &Value {
        self.parsed.get_or_init(|| {
            self.raw
                .as_ref()
                .and_then(|raw| serde_json::from_str(raw.get()).ok())
                .unwrap_or(Value::Null)
        })
    }
}

impl Versions {
    pub fn get(&self, version: &str) -> Option<&Value> {
        self.0.get(version).map(LazyManifest::value)
    }

    pub fn contains_key(&self, version: &str) -> bool {
        self.0.contains_key(version)
    }

    /// The versions, in string order.
    pub fn keys(&self) -> impl Iterator<Item = &String> + '_ {
        self.0.keys()
    }

    /// Every version with its manifest (which parses every manifest: prefer
    /// [`Versions::keys`] and [`Versions::get`] when a few will do).
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> + '_ {
        self.0.iter().map(|(k, v)| (k, v.value()))
    }

    /// Every manifest (parsing each: see [`Versions::iter`]).
    pub fn values(&self) -> impl Iterator<Item = &Value> + '_ {
        self.0.values().map(LazyManifest::value)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn insert(&mut self, version: String, manifest: Value) {
        self.0.insert(
            version,
            LazyManifest {
                raw: None,
                parsed: manifest.into(),
            },
        );
    }
}

impl Serialize for Versions {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Versions {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw: BTreeMap<String, Box<serde_json::value::RawValue>> =
            BTreeMap::deserialize(deserializer)?;
        Ok(Versions(
            raw.into_iter()
                .map(|(version, raw)| {
                    let manifest = LazyManifest {
                        raw: Some(raw),
                        parsed: std::sync::OnceLock::new(),
                    };
                    (version, manifest)
                })
                .collect(),
        ))
    }
}

impl Packument {
    pub fn dist_tag(&self, tag: &str) -> Option<&str> {
        self.dist_tags.get(tag).and_then(Value::as_str)
    }

    pub fn manifest(&self, version: &str) -> Option<Manifest<'_>> {
        self.versions.get(version).map(Manifest)
    }

    pub fn publish_time(&self, version: &str) -> Option<&str> {
        self.time.get(version).and_then(Value::as_str)
    }

    pub fn created_time(&self) -> Option<&str> {
        self.time.get("created").and_then(Value::as_str)
    }
}

/// One signature from `dist.signatures`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistSignature {
    pub keyid: String,
    pub sig: String,
}

/// The `dist` object of a version manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dist {
    pub tarball: Option<String>,
    pub integrity: Option<String>,
    pub shasum: Option<String>,
    pub signatures: Vec<DistSignature>,
    pub has_attestations: bool,
}

/// A read-only view of a package.json or a packument's version manifest.
#[derive(Debug, Clone, Copy)]
pub struct Manifest<'a>(pub &'a Value);

/// The dependency fields npm reads, in the order npm documents them.
pub const DEPENDENCY_FIELDS: [&str; 4] = [
    "dependencies",
    "optionalDependencies",
    "peerDependencies",
    "devDependencies",
];

/// The dependency fields npm installs for a package that is itself a dependency (its
/// devDependencies only in its own directory).
pub const INSTALLED_DEPENDENCY_FIELDS: [&str; 3] =
    ["dependencies", "optionalDependencies", "peerDependencies"];

impl<'a> Manifest<'a> {
    pub fn str_field(&self, key: &str) -> Option<&'a str> {
        self.0.get(key).and_then(Value::as_str)
    }

    pub fn name(&self) -> Option<&'a str> {
        self.str_field("name")
    }

    pub fn version(&self) -> Option<&'a str> {
        self.str_field("version")
    }

    pub fn description(&self) -> Option<&'a str> {
        self.str_field("description")
    }

    /// `scripts` as (name, command) pairs; entries whose command is not a string are skipped.
    pub fn scripts(&self) -> Vec<(&'a str, &'a str)> {
        string_map(self.0.get("scripts"))
    }

    pub fn script(&self, name: &str) -> Option<&'a str> {
        self.0
            .get("scripts")
            .and_then(|s| s.get(name))
            .and_then(Value::as_str)
    }

    /// Dependencies of one field (`dependencies`, `devDependencies`, ...) as (name, spec).
    pub fn dependencies(&self, field: &str) -> Vec<(&'a str, &'a str)> {
        string_map(self.0.get(field))
    }

    /// What npm installs with this package as a dependency, as (name, spec): the
    /// fields of [`INSTALLED_DEPENDENCY_FIELDS`], in order.
    pub fn installed_dependencies(&self) -> Vec<(&'a str, &'a str)> {
        INSTALLED_DEPENDENCY_FIELDS
            .iter()
            .flat_map(|field| self.dependencies(field))
            .collect()
    }

    /// `bin` as (command, path). A string `bin` is named after the package (without scope).
    pub fn bins(&self) -> Vec<(String, &'a str)> {
        match self.0.get("bin") {
            Some(Value::String(path)) => {
                let name = self.name().unwrap_or_default();
                let command = name.rsplit('/').next().unwrap_or(name);
                vec![(command.to_string(), path.as_str())]
            }
            Some(Value::Object(map)) => map
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|p| (k.clone(), p)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The repository URL, whether given as a string or as `{ "url": ... }`.
    pub fn repository(&self) -> Option<&'a str> {
        match self.0.get("repository") {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.as_str()),
            Some(Value::Object(o)) => o
                .get("url")
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty()),
            _ => None,
        }
    }

    /// `deprecated`, when it is a non-empty message.
    pub fn deprecated(&self) -> Option<&'a str> {
        self.str_field("deprecated").filter(|s| !s.is_empty())
    }

    /// `_npmUser.name`: the account that published this version.
    pub fn publisher(&self) -> Option<&'a str> {
        self.0
            .get("_npmUser")
            .and_then(|u| u.get("name"))
            .and_then(Value::as_str)
    }

    /// Maintainer names, sorted and deduplicated.
    pub fn maintainers(&self) -> Vec<&'a str> {
        let mut names: Vec<&str> = match self.0.get("maintainers") {
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(|m| match m {
                    Value::String(s) => Some(s.split(" <").next().unwrap_or(s).trim()),
                    Value::Object(o) => o.get("name").and_then(Value::as_str),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        names.sort_unstable();
        names.dedup();
        names
    }

    pub fn dist(&self) -> Dist {
        let Some(dist) = self.0.get("dist") else {
            return Dist::default();
        };
        let text = |key: &str| dist.get(key).and_then(Value::as_str).map(str::to_string);
        let signatures = dist
            .get("signatures")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|s| {
                        Some(DistSignature {
                            keyid: s.get("keyid")?.as_str()?.to_string(),
                            sig: s.get("sig")?.as_str()?.to_string(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Dist {
            tarball: text("tarball"),
            integrity: text("integrity"),
            shasum: text("shasum"),
            signatures,
            has_attestations: dist.get("attestations").is_some_and(|a| !a.is_null()),
        }
    }
}

fn string_map(value: Option<&Value>) -> Vec<(&str, &str)> {
    match value {
        Some(Value::Object(map)) => map
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v)))
            .collect(),
        _ => Vec::new(),
    }
}

/// npm replaces packages it removed for security reasons with a placeholder version
/// such as `0.0.1-security`.
pub fn is_security_placeholder(version: &str) -> bool {
    version.starts_with("0.0.") && version.ends_with("-security")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn packument_reads_lazily_and_leniently() {
        let text = r#"{"name": "x", "readme": "skipped", "versions": {
            "1.0.0": {"version": "1.0.0", "scripts": {"install": "a"}},
            "2.0.0": {"version": "2.0.0"}, "2.0.0": {"version": "2.0.0-last"}},
            "time": [1, {"a": 2}], "dist-tags": {"latest": "2.0.0"}, "maintainers": [{"name": "m"}]}"#;
        let p: Packument = serde_json::from_str(text).unwrap();
        assert_eq!(p.name, "x");
        assert_eq!(p.versions.len(), 2);
        assert!(p.time.is_empty());
        assert_eq!(p.dist_tag("latest"), Some("2.0.0"));
        assert_eq!(p.manifest("2.0.0").unwrap().version(), Some("2.0.0-last"));
        assert_eq!(p.manifest("1.0.0").unwrap().script("install"), Some("a"));
        // Serialised and read back (also from a JSON value), it is the same document.
        let value = serde_json::to_value(&p).unwrap();
        assert_eq!(value["versions"]["1.0.0"]["scripts"]["install"], "a");
        let again: Packument = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(serde_json::to_value(&again).unwrap(), value);
        // A wrong-shaped name is dropped; a document that is not an object fails.
        let p: Packument = serde_json::from_str(r#"{"name": {"a": 1}, "versions": "x"}"#).unwrap();
        assert_eq!(p.name, "");
        assert!(p.versions.is_empty());
        assert!(serde_json::from_str::<Packument>("[1]").is_err());
    }

    #[test]
    fn odd_shapes_read_as_nothing() {
        let v = json!({"scripts": [1, 2], "bin": 3, "repository": {"url": 5}, "maintainers": "x"});
        let m = Manifest(&v);
        assert!(m.scripts().is_empty());
        assert!(m.bins().is_empty());
        assert!(m.repository().is_none());
        assert!(m.maintainers().is_empty());
        assert_eq!(m.dist(), Dist::default());
    }

    #[test]
    fn string_bin_is_named_after_unscoped_package() {
        let v = json!({"name": "@scope/tool", "bin": "cli.js"});
        assert_eq!(Manifest(&v).bins(), vec![("tool".to_string(), "cli.js")]);
    }

    #[test]
    fn dist_reads_signatures_and_attestations() {
        let v = json!({"dist": {"integrity": "sha512-x", "tarball": "https://r/t.tgz",
            "signatures": [{"keyid": "k", "sig": "s"}, {"bad": 1}],
            "attestations": {"url": "u"}}});
        let d = Manifest(&v).dist();
        assert_eq!(d.signatures.len(), 1);
        assert!(d.has_attestations);
        assert_eq!(d.integrity.as_deref(), Some("sha512-x"));
    }

    #[test]
    fn placeholder_versions() {
        assert!(is_security_placeholder("0.0.1-security"));
        assert!(is_security_placeholder("0.0.2-security"));
        assert!(!is_security_placeholder("1.0.0"));
    }
}

/// The outcome of checking `dist.signatures` against the registry's public keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum SignatureCheck {
    /// A signature by a known registry key verified over `name@version:integrity`.
    Verified { keyid: String },
    /// A signature by a known key did not verify: the metadata or tarball was altered.
    Invalid { keyid: String, reason: String },
    /// Signed only by keys the registry does not list (or lists as expired).
    UnknownKey { keyid: String },
    /// The version carries no signatures.
    Unsigned,
    /// The registry's keys could not be had (no keys endpoint, offline, error).
    KeysUnavailable { reason: String },
    /// Not from a registry (local tarball or directory).
    NotApplicable,
}
