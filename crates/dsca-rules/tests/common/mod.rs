//! Builders for scan contexts: small, readable fixtures for the rule tests.
#![allow(dead_code)]

use dsca_archive::{Anomaly, AnomalyKind, PackageContents, PackageFile};
use dsca_model::Finding;
use dsca_model::npm::{Packument, SignatureCheck};
use dsca_rules::{Analysis, Origin, ScanContext, analyse_metadata};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

/// The fixed "now" of every test.
pub const NOW: OffsetDateTime = datetime!(2025-06-01 00:00 UTC);

pub struct Fixture {
    pub name: String,
    pub version: String,
    pub origin: Origin,
    pub manifest: Option<Value>,
    pub packument: Option<Packument>,
    pub contents: Option<PackageContents>,
    pub signature: SignatureCheck,
    pub advisories: Vec<dsca_model::advisory::AdvisoryHit>,
    pub known_indicators: Option<std::sync::Arc<dyn dsca_model::advisory::KnownIndicators>>,
}

impl Fixture {
    /// `demo-pkg` whose `postinstall` is `hook`, holding `index.js` (its `main`) and
    /// `files`.
    pub fn with_postinstall(hook: &str, files: &[(&str, &str)]) -> Self {
        let mut fixture = Fixture::tarball(json!({"name": "demo-pkg", "version": "1.0.0",
            "main": "index.js", "scripts": {"postinstall": hook}}))
        .file("index.js", b"module.exports = 1;\n");
        for (path, text) in files {
            fixture = fixture.file(path, text.as_bytes());
        }
        fixture
    }

    /// A local tarball with this package.json (name and version taken from it).
    pub fn tarball(manifest: Value) -> Self {
        let text = |key: &str| {
            manifest
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        Fixture {
            name: text("name"),
            version: text("version"),
            origin: Origin::Tarball,
            manifest: Some(manifest),
            packument: None,
            contents: Some(PackageContents::default()),
            signature: SignatureCheck::NotApplicable,
            advisories: Vec::new(),
            known_indicators: None,
        }
    }

    /// A registry package: `version` of `packument`, whose tarball holds that version's
    /// manifest as package.json (tweak `manifest` to make them differ).
    pub fn registry(packument: Packument, version: &str) -> Self {
        let manifest = packument.versions.get(version).cloned();
        Fixture {
            name: packument.name.clone(),
            version: version.to_string(),
            origin: Origin::Registry,
            manifest,
            packument: Some(packument),
            contents: Some(PackageContents::default()),
            signature: SignatureCheck::Unsigned,
            advisories: Vec::new(),
            known_indicators: None,
        }
    }

    pub fn known_indicators(
        mut self,
        known: std::sync::Arc<dyn dsca_model::advisory::KnownIndicators>,
    ) -> Self {
        self.known_indicators = Some(known);
        self
    }

    pub fn advisory(mut self, hit: dsca_model::advisory::AdvisoryHit) -> Self {
        self.advisories.push(hit);
        self
    }

    pub fn origin(mut self, origin: Origin) -> Self {
        self.origin = origin;
        self
    }

    pub fn signature(mut self, signature: SignatureCheck) -> Self {
        self.signature = signature;
        self
    }

    pub fn file(mut self, path: &str, data: &[u8]) -> Self {
        let contents = self.contents.get_or_insert_with(Default::default);
        contents.total_bytes += data.len() as u64;
        contents.files.push(PackageFile {
            path: path.to_string(),
            data: data.to_vec(),
            mode: 0o644,
        });
        self
    }

    pub fn anomaly(mut self, path: &str, kind: AnomalyKind) -> Self {
        let contents = self.contents.get_or_insert_with(Default::default);
        contents.anomalies.push(Anomaly {
            kind,
            path: path.to_string(),
        });
        self
    }

    pub fn context(&self) -> ScanContext<'_> {
        ScanContext {
            name: &self.name,
            version: &self.version,
            origin: self.origin,
            manifest: self.manifest.as_ref(),
            packument: self.packument.as_ref(),
            contents: self.contents.as_ref(),
            signature: &self.signature,
            now: NOW,
            advisories: &self.advisories,
            known_indicators: self.known_indicators.as_deref(),
        }
    }

    pub fn analyse(&self) -> Analysis {
        documented(analyse_metadata(&self.context()))
    }

    /// What the code analysis reports.
    pub fn analyse_code(&self) -> Analysis {
        documented(dsca_rules::analyse_code(&self.context()))
    }

    /// The findings of one code rule.
    pub fn code_findings(&self, rule: &str) -> Vec<Finding> {
        self.analyse_code()
            .findings
            .into_iter()
            .filter(|f| f.rule == rule)
            .collect()
    }

    /// The findings of one rule.
    pub fn findings(&self, rule: &str) -> Vec<Finding> {
        self.analyse()
            .findings
            .into_iter()
            .filter(|f| f.rule == rule)
            .collect()
    }
}

/// A packument from (version, manifest, publish time) triples, in publish order. Each
/// manifest gets `name` and `version` filled in; `latest` is the last one.
pub fn packument(name: &str, versions: &[(&str, Value, &str)]) -> Packument {
    let mut value = json!({"name": name, "versions": {}, "time": {}, "dist-tags": {}});
    for (version, manifest, published) in versions {
        let mut manifest = manifest.clone();
        if let Some(object) = manifest.as_object_mut() {
            object.insert("name".into(), json!(name));
            object.insert("version".into(), json!(version));
        }
        value["versions"][*version] = manifest;
        value["time"][*version] = json!(published);
    }
    if let Some((_, _, first)) = versions.first() {
        value["time"]["created"] = json!(first);
    }
    if let Some((last, _, _)) = versions.last() {
        value["dist-tags"]["latest"] = json!(last);
    }
    serde_json::from_value(value).expect("valid packument")
}

/// An old, established timestamp (well outside every "new" window).
pub const LONG_AGO: &str = "2020-01-01T00:00:00.000Z";

/// `analysis`, once every finding is checked against its rule's documented severities
/// (the README's tables show them): a finding outside them fails the test.
pub fn documented(analysis: Analysis) -> Analysis {
    for finding in &analysis.findings {
        let rule = dsca_rules::rule_by_id(&finding.rule).expect("a catalogued rule");
        assert!(
            rule.severities.contains(&finding.severity),
            "{} raised at {}, which its `severities` do not list: {}",
            rule.id,
            finding.severity,
            finding.message
        );
    }
    analysis
}
