//! npm tarballs built in memory.

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Map, Value};
use std::io::Write;

/// npm normalises every tarball entry's mtime to this instant (1985-10-26T08:15:00Z),
/// so tarballs built here are reproducible byte for byte.
const NPM_MTIME: u64 = 499_162_500;

/// Builds a gzip-compressed npm tarball (`package/...`) with a generated package.json.
#[derive(Debug, Clone)]
pub struct PackageBuilder {
    manifest: Map<String, Value>,
    raw_manifest: Option<Vec<u8>>,
    /// Leave package.json out (a tarball npm would refuse).
    no_manifest: bool,
    files: Vec<(String, Vec<u8>)>,
    prefix: String,
}

impl PackageBuilder {
    pub fn new(name: &str, version: &str) -> Self {
        let mut manifest = Map::new();
        manifest.insert("name".into(), Value::String(name.into()));
        manifest.insert("version".into(), Value::String(version.into()));
        PackageBuilder {
            manifest,
            raw_manifest: None,
            no_manifest: false,
            files: Vec::new(),
            prefix: "package".into(),
        }
    }

    /// Sets a top-level package.json field, replacing any earlier value.
    pub fn manifest_field(mut self, key: &str, value: Value) -> Self {
        self.manifest.insert(key.into(), value);
        self
    }

    pub fn script(self, name: &str, command: &str) -> Self {
        self.nested("scripts", name, command)
    }

    pub fn dependency(self, name: &str, spec: &str) -> Self {
        self.nested("dependencies", name, spec)
    }

    fn nested(mut self, field: &str, key: &str, value: &str) -> Self {
        let entry = self
            .manifest
            .entry(field.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        if let Value::Object(map) = entry {
            map.insert(key.into(), Value::String(value.into()));
        }
        self
    }

    /// Adds a file under the package directory (`path` is relative to it).
    /// A file named `package.json` replaces the generated one.
    pub fn file(mut self, path: &str, contents: impl Into<Vec<u8>>) -> Self {
        self.files.push((path.to_string(), contents.into()));
        self
    }

    /// Uses these bytes verbatim as package.json (for malformed-manifest tests).
    pub fn raw_package_json(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.raw_manifest = Some(bytes.into());
        self
    }

    /// Builds the tarball without any package.json (unless one is added with `file`).
    pub fn without_package_json(mut self) -> Self {
        self.no_manifest = true;
        self
    }

    /// The top-level directory inside the tarball (npm uses `package`; some tarballs do not).
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.prefix = prefix.to_string();
        self
    }

    /// The package.json this builder generates.
    pub fn manifest(&self) -> Value {
        Value::Object(self.manifest.clone())
    }

    pub fn build(&self) -> Vec<u8> {
        let mut tar = tar::Builder::new(Vec::new());
        let explicit_manifest = self.files.iter().any(|(p, _)| p == "package.json");
        if !explicit_manifest && !self.no_manifest {
            let json = match &self.raw_manifest {
                Some(raw) => raw.clone(),
                None => {
                    serde_json::to_vec_pretty(&self.manifest()).expect("serialise package.json")
                }
            };
            append(&mut tar, &format!("{}/package.json", self.prefix), &json);
        }
        for (path, contents) in &self.files {
            append(&mut tar, &format!("{}/{path}", self.prefix), contents);
        }
        let tar_bytes = tar.into_inner().expect("finish tar");
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(&tar_bytes).expect("gzip in memory");
        gz.finish().expect("finish gzip")
    }
}

fn append(tar: &mut tar::Builder<Vec<u8>>, path: &str, contents: &[u8]) {
    let mut header = tar::Header::new_gnu();
    header.set_size(contents.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(NPM_MTIME);
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, path, contents)
        .unwrap_or_else(|e| panic!("add {path} to the test tarball: {e}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;
    use std::io::Read;

    #[test]
    fn builds_package_dir_with_manifest() {
        let tgz = PackageBuilder::new("demo", "1.0.0")
            .script("postinstall", "node x.js")
            .dependency("left-pad", "^1.0.0")
            .file("index.js", "module.exports = 1;")
            .build();
        let mut archive = tar::Archive::new(GzDecoder::new(&tgz[..]));
        let mut seen = Vec::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            let mut body = String::new();
            entry.read_to_string(&mut body).unwrap();
            if path == "package/package.json" {
                let v: Value = serde_json::from_str(&body).unwrap();
                assert_eq!(v["scripts"]["postinstall"], "node x.js");
                assert_eq!(v["dependencies"]["left-pad"], "^1.0.0");
            }
            seen.push(path);
        }
        assert_eq!(seen, ["package/package.json", "package/index.js"]);
        // Reproducible: same input, same bytes.
        assert_eq!(
            tgz,
            PackageBuilder::new("demo", "1.0.0")
                .script("postinstall", "node x.js")
                .dependency("left-pad", "^1.0.0")
                .file("index.js", "module.exports = 1;")
                .build()
        );
    }
}
