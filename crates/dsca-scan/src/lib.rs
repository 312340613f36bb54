//! The dsca pipeline, one way through:
//! spec -> resolve -> fetch (verified) -> unpack (in memory) -> analyse -> verdict -> Report.
//!
//! Every front end (the `scan` command, batch runs, lockfile audits) calls [`Scanner`];
//! none of them repeats a step of it.

mod advisories;
mod indicators;

use base64::Engine as _;
use dsca_archive::{Limits, PackageContents};
use dsca_model::advisory::{AdvisoryHit, KnownIndicators};
use dsca_model::npm::{Manifest, Packument, SignatureCheck};
use dsca_model::{Finding, PackageInfo, Report, ReportError, Source, npm_purl};
use dsca_registry::{Client, RegistryError, Spec, Verification};
use dsca_rules::{Analysis, Origin, ScanContext, YaraRules};
use serde_json::Value;
use sha2::Digest as _;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use time::OffsetDateTime;

/// Largest local tarball dsca reads (registry downloads have their own cap in the client).
const MAX_LOCAL_TARBALL_BYTES: u64 = 512 * 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    pub limits: Limits,
    /// The clock the age rules read; `None` is the real time. Tests pin it.
    pub now: Option<OffsetDateTime>,
    /// Also install and import the package in the sandbox (`--dynamic`).
    pub dynamic: Option<dsca_sandbox::SandboxOptions>,
    /// Which packages go to the sandbox when `dynamic` is set.
    pub dynamic_scope: DynamicScope,
    /// The YARA rules every file is scanned with; `None` is dsca's built-in rules.
    /// Compiled once and shared by every scan (`YaraRules::with_user_rules` adds the
    /// user's own).
    pub yara: Option<std::sync::Arc<YaraRules>>,
    /// Threads that analyse the files of one package; `None` is one per CPU. Commands
    /// that scan many packages side by side set 1 (see [`Scanner::analyse_files_serially`]).
    pub code_threads: Option<usize>,
    /// The known-malware advisories (`dsca db update`); `None` when there is no copy.
    pub advisories: Option<std::sync::Arc<dsca_advisory::Database>>,
    /// Look up the whole resolved dependency tree (`--deps`), not only the direct
    /// dependencies.
    pub dependency_tree: bool,
}

/// Which packages a dynamic scan runs in the sandbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DynamicScope {
    /// Every package (`dsca scan --dynamic`): importing code runs it too.
    #[default]
    All,
    /// Only packages that run code when installed (`dsca audit --dynamic`): lifecycle
    /// scripts or an implicit `node-gyp rebuild`.
    InstallScripts,
}

/// Runs the pipeline. Shareable across threads: one scanner serves a whole batch.
pub struct Scanner {
    /// Shared with the sandbox's registry proxy during dynamic runs.
    client: std::sync::Arc<Client>,
    options: ScanOptions,
    meter: StageMeter,
    /// The advisories' network indicators, read from the database on first use.
    indicators: std::sync::OnceLock<Option<indicators::IndicatorMatcher>>,
}

/// What the code-analysis stage (unpack, parse, code rules, YARA over every file) has
/// cost so far: the benchmarks' "MB of JavaScript per CPU-second".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodeStage {
    /// CPU time of the stage, summed over every thread that worked on it.
    pub cpu: std::time::Duration,
    /// Bytes of the files the stage read as JavaScript.
    pub javascript_bytes: u64,
    /// Packages whose tarball was unpacked and analysed.
    pub packages: u64,
}

/// Running totals behind [`Scanner::code_stage`], added to by every scan thread.
struct StageMeter {
    /// CPU nanoseconds of the scan threads inside the stage.
    nanos: AtomicU64,
    javascript_bytes: AtomicU64,
    packages: AtomicU64,
    /// The code analysis' helper threads' CPU time when this scanner was made.
    helpers_at_start: std::time::Duration,
}

impl StageMeter {
    fn new() -> Self {
        StageMeter {
            nanos: AtomicU64::new(0),
            javascript_bytes: AtomicU64::new(0),
            packages: AtomicU64::new(0),
            helpers_at_start: dsca_rules::cpu::analysis_helper_cpu_time(),
        }
    }

    /// Run `work` on this thread and count its CPU time to the stage.
    fn time<T>(&self, work: impl FnOnce() -> T) -> T {
        let before = dsca_rules::cpu::thread_cpu_time();
        let result = work();
        let spent = dsca_rules::cpu::thread_cpu_time().saturating_sub(before);
        self.nanos.fetch_add(
            u64::try_from(spent.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        result
    }
}

/// Why a report is a failed one when its scan panicked.
const SCAN_PANICKED: &str = "dsca failed while analysing this package (a bug: please report it)";
/// Why a report is a failed one when its scan thread ended without one.
const SCAN_THREAD_STOPPED: &str = "the scan thread stopped unexpectedly";

/// The report `make` makes, with `finish` run on it, then finalised. A panic in either
/// is a failed report saying `why` (with `finish` run on it too, when that does not panic
/// as well): one package that trips a bug must not take a batch down.
fn finished(
    make: impl FnOnce() -> Report,
    spec: &str,
    why: &str,
    finish: &(dyn Fn(&mut Report) + Sync),
) -> Report {
    let failed = || Report::failed(spec, spec, ReportError::new("internal", why));
    let finish_guarded = |mut report: Report| {
        std::panic::catch_unwind(AssertUnwindSafe(move || {
            finish(&mut report);
            report
        }))
    };
    let made = std::panic::catch_unwind(AssertUnwindSafe(make)).unwrap_or_else(|_| failed());
    let mut report = finish_guarded(made)
        .or_else(|_| finish_guarded(failed()))
        .unwrap_or_else(|_| failed());
    report.finalize();
    report
}

/// Start a thread that runs scans in `scope`. With the parser's stack, a scan thread
/// analyses a package's files itself when they are to be analysed on one thread (and
/// keeps its YARA scanner from package to package) instead of starting a thread for
/// each; without one (the system refused the stack), it still scans.
pub fn spawn_scan_thread<'scope, F>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    work: F,
) -> std::thread::ScopedJoinHandle<'scope, ()>
where
    F: FnOnce() + Send + Clone + 'scope,
{
    let roomy = work.clone();
    std::thread::Builder::new()
        .stack_size(dsca_rules::code::ANALYSIS_STACK_BYTES)
        .spawn_scoped(scope, move || {
            dsca_rules::code::thread_has_analysis_stack();
            roomy();
        })
        .unwrap_or_else(|_| scope.spawn(work))
}

/// What was read for one package before the rules run.
struct Fetched {
    package: PackageInfo,
    source: Source,
    origin: Origin,
    packument: Option<Packument>,
    contents: Option<PackageContents>,
    /// The verified tarball, kept only when the package also runs in the sandbox.
    tarball: Option<Vec<u8>>,
    signature: SignatureCheck,
    findings: Vec<Finding>,
    errors: Vec<ReportError>,
}

impl Scanner {
    pub fn new(client: Client, options: ScanOptions) -> Self {
        Scanner {
            client: std::sync::Arc::new(client),
            options,
            meter: StageMeter::new(),
            indicators: std::sync::OnceLock::new(),
        }
    }

    /// CPU time and JavaScript of the code-analysis stage over every scan so far. The
    /// analysis' helper threads are counted process-wide: with two scanners working at
    /// once, each includes the other's helpers.
    pub fn code_stage(&self) -> CodeStage {
        let helpers =
            dsca_rules::cpu::analysis_helper_cpu_time().saturating_sub(self.meter.helpers_at_start);
        CodeStage {
            cpu: std::time::Duration::from_nanos(self.meter.nanos.load(Ordering::Relaxed))
                + helpers,
            javascript_bytes: self.meter.javascript_bytes.load(Ordering::Relaxed),
            packages: self.meter.packages.load(Ordering::Relaxed),
        }
    }

    /// Also run every scanned package in the sandbox.
    pub fn set_dynamic(&mut self, options: dsca_sandbox::SandboxOptions, scope: DynamicScope) {
        self.options.dynamic = Some(options);
        self.options.dynamic_scope = scope;
    }

    /// Look up the whole resolved dependency tree in the advisories (`--deps`).
    pub fn set_dependency_tree(&mut self, on: bool) {
        self.options.dependency_tree = on;
    }

    /// Analyse each package's files on one thread. For commands that keep the CPUs busy
    /// with packages side by side (`--jobs` of them): more threads per package there only
    /// compete with the other packages, and `--jobs 1` should mean one core.
    pub fn analyse_files_serially(&mut self) {
        self.options.code_threads = Some(1);
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Scan one spec. Never fails: problems are recorded in the report's `errors`.
    pub fn scan(&self, spec: &str) -> Report {
        let mut report = self.scan_unfinished(spec);
        report.finalize();
        report
    }

    /// The report before [`Report::finalize`] orders it and derives its verdict.
    fn scan_unfinished(&self, spec: &str) -> Report {
        let parsed = match dsca_registry::parse_spec(spec) {
            Ok(parsed) => parsed,
            Err(err) => {
                return Report::failed(
                    spec,
                    spec,
                    ReportError::new("invalid-spec", err.to_string()),
                );
            }
        };
        let (name, requested) = match parsed {
            Spec::Registry { name, requested } => (name, requested),
            Spec::Tarball(path) => {
                return match self.read_local_tarball(&path) {
                    Ok(fetched) => self.analyse(spec, fetched, None),
                    Err(error) => Report::failed(spec, path.display().to_string(), error),
                };
            }
            Spec::Directory(path) => {
                return match self.read_local_directory(&path) {
                    Ok(fetched) => self.analyse(spec, fetched, None),
                    Err(error) => Report::failed(spec, path.display().to_string(), error),
                };
            }
        };
        std::thread::scope(|scope| {
            // The sandboxed install needs only the name and the version: it starts as soon
            // as they are known (at once for an exact version), while the registry is
            // asked for the rest and the static analysis runs. npm's own start-up in the
            // sandbox takes longer than all of that.
            // Exactly a version, as npm reads it: `1.2.3` (not a range that starts like one).
            let exact = requested.as_deref().filter(|v| {
                nodejs_semver::Version::parse(v).is_ok_and(|parsed| parsed.to_string() == *v)
            });
            let mut early = exact.and_then(|version| self.start_sandbox(scope, &name, version));
            let resolved = match self.resolve_version(&name, requested.as_deref()) {
                Ok(resolved) => resolved,
                Err(err) => {
                    // No package to judge: the early run's record is not wanted (and a
                    // panic in it must not take this report down).
                    if let Some(run) = early {
                        let _ = run.join();
                    }
                    return self
                        .removed_but_known(spec, &name, requested.as_deref(), &err)
                        .unwrap_or_else(|| {
                            Report::failed(
                                spec,
                                &name,
                                ReportError::new(err.code(), err.to_string()),
                            )
                        });
                }
            };
            if early.is_none() {
                early = self.start_sandbox(scope, &name, &resolved.version);
            }
            let fetched = self.fetch_version(&name, resolved);
            self.analyse(spec, fetched, early)
        })
    }

    /// The sandboxed run of a registry package, on a thread of `scope`, when this scan
    /// runs every package in the sandbox (an audit first asks whether it runs code).
    fn start_sandbox<'scope>(
        &'scope self,
        scope: &'scope std::thread::Scope<'scope, '_>,
        name: &str,
        version: &str,
    ) -> Option<SandboxRun<'scope>> {
        let options = self.options.dynamic.as_ref()?;
        if self.options.dynamic_scope != DynamicScope::All {
            return None;
        }
        let target = dsca_sandbox::Target::Registry {
            name: name.to_string(),
            version: version.to_string(),
        };
        let roots = vec![name.to_string()];
        Some(scope.spawn(move || self.run_sandbox(&target, options, roots, Vec::new())))
    }

    /// [`Scanner::scan`], with a panic turned into a failed report (one package that
    /// trips a bug must not take a batch down), and `finish` run on the report before it
    /// is finalised: what a caller adds (a lockfile's findings, a policy) is judged with
    /// the rest, and each report is finalised exactly once.
    pub fn scan_guarded(&self, spec: &str, finish: &(dyn Fn(&mut Report) + Sync)) -> Report {
        finished(|| self.scan_unfinished(spec), spec, SCAN_PANICKED, finish)
    }

    /// Scan several specs on `jobs` threads, each as [`Scanner::scan_guarded`] with
    /// `finish` (given the spec's index). Reports come back in the order of `specs`.
    pub fn scan_many(
        &self,
        specs: &[String],
        jobs: usize,
        finish: &(dyn Fn(usize, &mut Report) + Sync),
    ) -> Vec<Report> {
        let jobs = jobs.clamp(1, specs.len().max(1));
        let next = AtomicUsize::new(0);
        let mut slots: Vec<Option<Report>> = vec![None; specs.len()];
        let results = std::sync::Mutex::new(&mut slots);
        std::thread::scope(|scope| {
            for _ in 0..jobs {
                let work = || {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(spec) = specs.get(index) else { break };
                        let report = self.scan_guarded(spec, &|report| finish(index, report));
                        if let Ok(mut slots) = results.lock() {
                            slots[index] = Some(report);
                        }
                    }
                };
                spawn_scan_thread(scope, work);
            }
        });
        slots
            .into_iter()
            .zip(specs)
            .enumerate()
            .map(|(index, (report, spec))| {
                report.unwrap_or_else(|| {
                    // A thread that died: the report it never made is a failed one.
                    let stopped = || {
                        Report::failed(
                            spec,
                            spec,
                            ReportError::new("internal", SCAN_THREAD_STOPPED),
                        )
                    };
                    finished(stopped, spec, SCAN_THREAD_STOPPED, &|report| {
                        finish(index, report)
                    })
                })
            })
            .collect()
    }

    /// A version that could not be fetched (npm removes malware; offline runs may lack
    /// it) and that an advisory names: reported as known malicious, not as an error.
    fn removed_but_known(
        &self,
        spec: &str,
        name: &str,
        requested: Option<&str>,
        err: &RegistryError,
    ) -> Option<Report> {
        let db = self.options.advisories.as_deref()?;
        // Removed by npm, or not fetched at all (offline, no network): either way the
        // advisory settles what this exact version is.
        let removed = matches!(
            err,
            RegistryError::NotFound { .. } | RegistryError::NoMatchingVersion { .. }
        );
        let version = requested.filter(|v| nodejs_semver::Version::parse(v).is_ok())?;
        let mut hits = advisories::version_hits(db, name, version, None, &[]);
        if hits.is_empty() {
            return None;
        }
        for hit in &mut hits {
            hit.removed_from_registry = removed;
        }
        let package = PackageInfo {
            name: name.to_string(),
            version: Some(version.to_string()),
            purl: Some(npm_purl(name, version)),
            ..PackageInfo::default()
        };
        let source = Source::Registry {
            registry: self.client.config().registry_for(name).to_string(),
            tarball: String::new(),
        };
        let ctx = ScanContext {
            name,
            version,
            origin: Origin::Registry,
            manifest: None,
            packument: None,
            contents: None,
            signature: &SignatureCheck::NotApplicable,
            now: self.options.now.unwrap_or_else(OffsetDateTime::now_utc),
            advisories: &hits,
            known_indicators: None,
        };
        let analysis = dsca_rules::analyse_metadata(&ctx);
        let mut report = Report::new(spec, package, source);
        report.findings = analysis.findings;
        report.behaviours = analysis.behaviours;
        Some(report)
    }

    /// The advisories' indicators, when there is a database and it lists any.
    fn known_indicators(&self) -> Option<&dyn KnownIndicators> {
        self.indicators
            .get_or_init(|| {
                let db = self.options.advisories.as_deref()?;
                let index = db.iocs().ok()?;
                (!index.is_empty()).then(|| indicators::IndicatorMatcher::new(index))
            })
            .as_ref()
            .map(|matcher| matcher as &dyn KnownIndicators)
    }

    /// What the advisories say of this package and its dependencies.
    fn advisory_hits(&self, fetched: &Fetched, manifest: Option<Manifest>) -> Vec<AdvisoryHit> {
        let Some(db) = self.options.advisories.as_deref() else {
            return Vec::new();
        };
        let lookup = advisories::Lookup {
            db,
            client: &self.client,
            tree: self.options.dependency_tree,
        };
        let name = &fetched.package.name;
        let version = fetched.package.version.as_deref().unwrap_or_default();
        let mut hits = Vec::new();
        if !version.is_empty() {
            let releases = fetched.packument.as_ref().map(|p| p.versions.len());
            hits.extend(advisories::version_hits(db, name, version, releases, &[]));
        }
        if let Some(manifest) = manifest {
            let root = if version.is_empty() {
                name.clone()
            } else {
                format!("{name}@{version}")
            };
            hits.extend(lookup.dependencies(&root, manifest));
        }
        hits
    }

    fn resolve_version(
        &self,
        name: &str,
        requested: Option<&str>,
    ) -> Result<Resolved, RegistryError> {
        let packument = self.client.packument(name)?;
        let version = self.client.resolve(&packument, requested)?;
        Ok(Resolved { packument, version })
    }

    fn fetch_version(&self, name: &str, resolved: Resolved) -> Fetched {
        let Resolved { packument, version } = resolved;
        let manifest_value = packument
            .versions
            .get(&version)
            .cloned()
            .unwrap_or(Value::Null);
        let manifest = Manifest(&manifest_value);
        let dist = manifest.dist();
        let published = packument.publish_time(&version).map(str::to_string);
        let mut package = PackageInfo {
            name: name.to_string(),
            version: Some(version.clone()),
            purl: Some(npm_purl(name, &version)),
            integrity: dist.integrity.clone(),
            published: published.clone(),
            description: manifest.description().map(str::to_string),
        };
        let registry = self.client.config().registry_for(name).to_string();
        let tarball_url = dist.tarball.clone().unwrap_or_default();
        let source = Source::Registry {
            registry,
            tarball: tarball_url.clone(),
        };
        let mut fetched = Fetched {
            package: package.clone(),
            source,
            origin: Origin::Registry,
            packument: None,
            contents: None,
            tarball: None,
            signature: SignatureCheck::NotApplicable,
            findings: Vec::new(),
            errors: Vec::new(),
        };

        match self.client.tarball(name, &version, &dist) {
            Ok(tarball) => {
                if matches!(tarball.verification, Verification::Unverifiable) {
                    fetched
                        .findings
                        .push(dsca_rules::metadata::no_integrity::finding(
                            name,
                            &version,
                            &tarball_url,
                        ));
                }
                if package.integrity.is_none() {
                    package.integrity = Some(sri_sha512(&tarball.bytes));
                    fetched.package = package;
                }
                fetched.signature =
                    self.client
                        .verify_signatures(name, &version, &dist, published.as_deref());
                self.unpack(&tarball.bytes, &mut fetched);
            }
            Err(RegistryError::IntegrityMismatch {
                expected,
                actual,
                url,
                ..
            }) => {
                let finding = dsca_rules::metadata::integrity_mismatch::finding(
                    name, &version, &expected, &actual, &url,
                );
                fetched.errors.push(ReportError::new(
                    "integrity-mismatch",
                    finding.message.clone(),
                ));
                fetched.findings.push(finding);
            }
            Err(err) => fetched
                .errors
                .push(ReportError::new(err.code(), err.to_string())),
        }
        fetched.packument = Some(packument);
        fetched
    }

    fn read_local_tarball(&self, path: &Path) -> Result<Fetched, ReportError> {
        let bytes = read_bounded(path, MAX_LOCAL_TARBALL_BYTES)?;
        let mut fetched = Fetched {
            package: PackageInfo {
                name: path.display().to_string(),
                integrity: Some(sri_sha512(&bytes)),
                ..PackageInfo::default()
            },
            source: Source::Tarball {
                path: path.display().to_string(),
            },
            origin: Origin::Tarball,
            packument: None,
            contents: None,
            tarball: None,
            signature: SignatureCheck::NotApplicable,
            findings: Vec::new(),
            errors: Vec::new(),
        };
        self.unpack(&bytes, &mut fetched);
        if self.options.dynamic.is_some() {
            fetched.tarball = Some(bytes);
        }
        if fetched.contents.is_none() {
            // Nothing else to learn from an unreadable local tarball.
            if let Some(error) = fetched.errors.pop() {
                return Err(error);
            }
        }
        Ok(fetched)
    }

    fn read_local_directory(&self, path: &Path) -> Result<Fetched, ReportError> {
        let contents = dsca_archive::read_dir(path, &self.options.limits)
            .map_err(|err| ReportError::new("archive", format!("{}: {err}", path.display())))?;
        Ok(Fetched {
            package: PackageInfo {
                name: path.display().to_string(),
                ..PackageInfo::default()
            },
            source: Source::Directory {
                path: path.display().to_string(),
            },
            origin: Origin::Directory,
            packument: None,
            contents: Some(contents),
            tarball: None,
            signature: SignatureCheck::NotApplicable,
            findings: Vec::new(),
            errors: Vec::new(),
        })
    }

    fn unpack(&self, bytes: &[u8], fetched: &mut Fetched) {
        match self
            .meter
            .time(|| dsca_archive::read_tgz(bytes, &self.options.limits))
        {
            Ok(contents) => fetched.contents = Some(contents),
            Err(err) => fetched.errors.push(ReportError::new(
                "archive",
                format!("cannot read the package tarball: {err}"),
            )),
        }
    }

    /// `started`: the sandboxed run, when it began before the package was fetched.
    fn analyse(&self, spec: &str, mut fetched: Fetched, started: Option<SandboxRun<'_>>) -> Report {
        // The tarball's package.json is what npm installs; the packument's copy is the
        // fallback when the tarball could not be read.
        let tarball_manifest = match fetched.contents.as_ref().map(PackageContents::manifest) {
            Some(Some(Ok(manifest))) => Some(manifest),
            Some(Some(Err(err))) => {
                fetched.errors.push(ReportError::new(
                    "manifest",
                    format!("package.json cannot be read: {err}"),
                ));
                None
            }
            Some(None) => {
                fetched.errors.push(ReportError::new(
                    "manifest",
                    "the package has no package.json at its root",
                ));
                None
            }
            None => None,
        };
        if fetched.packument.is_none() {
            // Local packages name themselves.
            if let Some(m) = tarball_manifest.as_ref().map(Manifest) {
                if let Some(name) = m.name() {
                    fetched.package.name = name.to_string();
                }
                fetched.package.version = m.version().map(str::to_string);
                fetched.package.description = m.description().map(str::to_string);
                if let Some(version) = m.version() {
                    fetched.package.purl = Some(npm_purl(&fetched.package.name, version));
                }
            }
        }

        let now = self.options.now.unwrap_or_else(OffsetDateTime::now_utc);
        let version = fetched.package.version.clone().unwrap_or_default();
        let mut ctx = ScanContext {
            name: &fetched.package.name,
            version: &version,
            origin: fetched.origin,
            // Only the tarball's own package.json: the rules fall back to the registry's
            // copy themselves, and compare the two for manifest confusion.
            manifest: tarball_manifest.as_ref(),
            packument: fetched.packument.as_ref(),
            contents: fetched.contents.as_ref(),
            signature: &fetched.signature,
            now,
            advisories: &[],
            known_indicators: self.known_indicators(),
        };
        // The dependencies npm will install are those of the manifest the rules read.
        let advisory_hits = self.advisory_hits(&fetched, ctx.manifest());
        ctx.advisories = &advisory_hits;
        let Analysis {
            mut findings,
            mut behaviours,
        } = dsca_rules::analyse_metadata(&ctx);
        let yara = self
            .options
            .yara
            .as_deref()
            .unwrap_or_else(|| YaraRules::builtin());

        // The install-script rule is how the metadata rules say npm runs code at install.
        let install_script = dsca_rules::metadata::install_script::RULE.id;
        let runs_at_install = findings.iter().any(|f| f.rule == install_script);
        let in_scope = match self.options.dynamic_scope {
            DynamicScope::All => true,
            DynamicScope::InstallScripts => runs_at_install,
        };
        let sandbox = self
            .options
            .dynamic
            .as_ref()
            .filter(|_| in_scope && started.is_none());
        let import_name = tarball_manifest
            .as_ref()
            .map(Manifest)
            .and_then(|m| m.name().map(str::to_string));
        // The sandboxed run (mostly npm waiting on itself) and the code analysis (CPU)
        // need nothing of each other: they run side by side.
        let (code, dynamic) = std::thread::scope(|scope| {
            let run = sandbox.map(|options| {
                let fetched = &fetched;
                scope.spawn(move || self.run_dynamic(fetched, import_name, options))
            });
            let code = self.meter.time(|| {
                dsca_rules::analyse_code_with_rules(&ctx, yara, self.options.code_threads)
            });
            if let Some(contents) = &fetched.contents {
                self.meter.javascript_bytes.fetch_add(
                    dsca_rules::code::javascript_bytes(&contents.files),
                    Ordering::Relaxed,
                );
                self.meter.packages.fetch_add(1, Ordering::Relaxed);
            }
            let dynamic =
                run.and_then(|handle| handle.join().unwrap_or_else(|_| Some(Err(stopped()))));
            (code, dynamic)
        });
        // A run started early is kept only where a late one would have run: the
        // package could be read.
        let dynamic = match started {
            Some(handle) => {
                let run = handle.join().unwrap_or_else(|_| Err(stopped()));
                fetched.contents.is_some().then_some(run)
            }
            None => dynamic,
        };
        findings.extend(code.findings);
        behaviours.extend(code.behaviours);

        let mut report = Report::new(spec, fetched.package, fetched.source);
        report.findings = fetched.findings;
        report.findings.extend(findings);
        report.behaviours = behaviours;
        report.errors = fetched.errors;
        match dynamic {
            Some(Ok(run)) => {
                let observed = dsca_rules::analyse_dynamic_with(&run, self.known_indicators());
                report.findings.extend(observed.findings);
                report.behaviours.extend(observed.behaviours);
                report.dynamic = Some(run);
            }
            Some(Err(error)) => report.errors.push(error),
            None => {}
        }
        report
    }

    /// Install and import the package in the sandbox. `None` when there is nothing to
    /// run (the static analysis already failed to read the package).
    fn run_dynamic(
        &self,
        fetched: &Fetched,
        import_name: Option<String>,
        options: &dsca_sandbox::SandboxOptions,
    ) -> Option<Result<dsca_model::dynamic::DynamicAnalysis, ReportError>> {
        fetched.contents.as_ref()?;
        let target = match fetched.origin {
            Origin::Registry => dsca_sandbox::Target::Registry {
                name: fetched.package.name.clone(),
                version: fetched.package.version.clone()?,
            },
            Origin::Tarball => dsca_sandbox::Target::Tarball {
                name: import_name,
                bytes: fetched.tarball.clone()?,
            },
            Origin::Directory => {
                return Some(Err(ReportError::new(
                    "dynamic-unsupported",
                    "dynamic analysis installs a package tarball: run `npm pack` in the directory and scan the .tgz",
                )));
            }
        };
        // The install starts from the package itself: a registry package's manifests
        // reach the proxy in its packument; a tarball's dependencies are read here.
        let mut roots = Vec::new();
        if let dsca_sandbox::Target::Registry { name, .. } = &target {
            roots.push(name.clone());
        }
        let mut declared = Vec::new();
        if let Some(Ok(manifest)) = fetched
            .contents
            .as_ref()
            .and_then(PackageContents::manifest)
        {
            roots.extend(dsca_sandbox::net::registry_dependency_names(&manifest));
            declared = dsca_sandbox::net::outside_dependencies(&manifest);
        }
        Some(self.run_sandbox(&target, options, roots, declared))
    }

    /// `roots`: the packages the install starts from; `declared`: the scanned package's
    /// own dependencies from outside the registry (a local tarball's reach the proxy in
    /// no packument).
    fn run_sandbox(
        &self,
        target: &dsca_sandbox::Target,
        options: &dsca_sandbox::SandboxOptions,
        roots: Vec<String>,
        declared: Vec<dsca_sandbox::net::Dependency>,
    ) -> Result<dsca_model::dynamic::DynamicAnalysis, ReportError> {
        let mut upstream = dsca_sandbox::net::ClientUpstream::new(self.client.clone());
        // Offline means no network at all, the dependencies' hosts included.
        if options.fetch_url_dependencies && !self.client.options().offline {
            let fetcher = dsca_registry::RemoteFetcher::new(dsca_registry::RemoteOptions {
                connect_to: options.connect_to.clone(),
                ..dsca_registry::RemoteOptions::default()
            });
            upstream = upstream.with_url_dependencies(fetcher, roots, declared);
        }
        dsca_sandbox::run(target, options, std::sync::Arc::new(upstream))
            .map_err(|err| ReportError::new(err.code(), err.to_string()))
    }
}

/// A sandboxed run going on beside the static analysis.
type SandboxRun<'scope> = std::thread::ScopedJoinHandle<
    'scope,
    Result<dsca_model::dynamic::DynamicAnalysis, ReportError>,
>;

/// What the registry says a spec resolves to.
struct Resolved {
    packument: Packument,
    version: String,
}

fn stopped() -> ReportError {
    ReportError::new("sandbox-setup", "the sandboxed run stopped unexpectedly")
}

/// The SRI string npm would record for these bytes.
pub fn sri_sha512(bytes: &[u8]) -> String {
    let digest = sha2::Sha512::digest(bytes);
    format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>, ReportError> {
    use std::io::Read as _;
    let file = std::fs::File::open(path)
        .map_err(|err| ReportError::new("io", format!("cannot open {}: {err}", path.display())))?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| ReportError::new("io", format!("cannot read {}: {err}", path.display())))?;
    if bytes.len() as u64 > max {
        return Err(ReportError::new(
            "too-large",
            format!(
                "{} is larger than {} MiB",
                path.display(),
                max / (1024 * 1024)
            ),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note_the_finish(report: &mut Report) {
        report
            .errors
            .push(ReportError::new("finished", "by the caller"));
    }

    #[test]
    fn a_scan_that_panics_is_a_failed_report_that_is_still_finished() {
        let report = finished(|| panic!("a bug"), "x@1.0.0", "a bug", &note_the_finish);
        let codes: Vec<&str> = report.errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["internal", "finished"]);
        assert!(report.verdict.is_none());
    }

    #[test]
    fn a_finish_that_panics_is_a_failed_report() {
        let made = || Report::failed("x", "x", ReportError::new("made", "fine"));
        let report = finished(made, "x", "a bug", &|_| panic!("a bug in the caller"));
        let codes: Vec<&str> = report.errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["internal"]);
    }
}
