//! The store on SQLite files in temp dirs (always) and on PostgreSQL
//! (DSCA_PG_TESTS=1 with DSCA_TEST_PG_URL, as `.ci/postgres.sh` prints).

use dsca_model::{Evidence, Finding, PackageInfo, Report, ReportError, Source};
use dsca_store::{Job, NewJob, ResultRecord, Store, StoreError};
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

const LEASE: Duration = Duration::from_secs(60);
const AT: &str = "2026-01-15T12:00:00Z";

fn sqlite_store(dir: &tempfile::TempDir) -> Store {
    Store::open(dir.path().join("results.db").to_str().expect("UTF-8 path")).expect("open")
}

fn report_for(spec: &str) -> Report {
    let mut report = Report::new(
        spec,
        PackageInfo {
            name: spec.to_string(),
            version: Some("1.0.0".to_string()),
            ..PackageInfo::default()
        },
        Source::None,
    );
    report.finalize();
    report
}

fn malicious_report(spec: &str) -> Report {
    let mut report = report_for(spec);
    let rule = dsca_rules::INTEGRITY_MISMATCH;
    report.findings.push(
        Finding::new(&rule, "the tarball is not the one published")
            .with_evidence(Evidence::new("fetched http://203.0.113.9/x.sh")),
    );
    report.finalize();
    report
}

fn complete(store: &Store, job: &Job, owner: &str, report: &Report) -> bool {
    let rank = dsca_rules::popularity_rank(&report.package.name);
    let record = ResultRecord::from_report(report, rank).expect("record");
    store.complete(job, owner, &record, AT).expect("complete")
}

fn specs(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| name.to_string()).collect()
}

#[test]
fn a_queue_is_drained_once_with_every_result_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = sqlite_store(&dir);
    let run = store.start_run("test", AT).expect("run");
    assert_eq!(
        store
            .enqueue(run, &specs(&["a", "b", "c"]))
            .expect("enqueue"),
        3
    );
    // A spec is queued once per store, however often it is enqueued.
    assert_eq!(
        store
            .enqueue(run, &specs(&["b", "c", "d"]))
            .expect("enqueue"),
        1
    );
    let mut seen = HashSet::new();
    while let Some(job) = store.claim("owner-1", LEASE).expect("claim") {
        assert_eq!(job.attempts, 1);
        assert!(seen.insert(job.spec.clone()), "{} claimed twice", job.spec);
        let report = if job.spec == "d" {
            Report::failed("d", "d", ReportError::new("not-found", "no such package"))
        } else {
            report_for(&job.spec)
        };
        assert!(complete(&store, &job, "owner-1", &report));
    }
    assert_eq!(seen.len(), 4);
    let counts = store.job_counts().expect("counts");
    assert_eq!(
        (counts.done, counts.failed, counts.queued, counts.running),
        (3, 1, 0, 0)
    );
    let results = store.results_after(0, 100).expect("results");
    assert_eq!(results.len(), 4);
    let failed: Vec<_> = results.iter().filter(|r| r.error_code.is_some()).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].error_code.as_deref(), Some("not-found"));
    // Paging continues after the last id.
    let first_two = store.results_after(0, 2).expect("page");
    let rest = store.results_after(first_two[1].job_id, 100).expect("page");
    assert_eq!(first_two.len() + rest.len(), 4);
}

#[test]
fn skipped_jobs_are_recorded_with_their_downloads_and_never_claimed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = sqlite_store(&dir);
    let run = store.start_run("test", AT).expect("run");
    let jobs = [
        NewJob {
            spec: "popular",
            downloads: Some(5_000),
            skip_reason: None,
        },
        NewJob {
            spec: "quiet",
            downloads: Some(3),
            skip_reason: Some("below-min-downloads"),
        },
        NewJob {
            spec: "ghost",
            downloads: None,
            skip_reason: Some("unknown-downloads"),
        },
    ];
    let added = store
        .enqueue_jobs(run, Some("last-month"), &jobs)
        .expect("enqueue");
    assert_eq!(added, 3);
    let known = store
        .known_specs(&specs(&["quiet", "new", "popular"]))
        .expect("known");
    assert_eq!(
        known,
        HashSet::from(["quiet".to_string(), "popular".to_string()])
    );
    let counts = store.job_counts().expect("counts");
    assert_eq!((counts.queued, counts.skipped, counts.total()), (1, 2, 1));
    let job = store.claim("owner", LEASE).expect("claim").expect("a job");
    assert_eq!(job.spec, "popular");
    assert_eq!(store.claim("owner", LEASE).expect("claim"), None);
    let stats = store.stats(10).expect("stats");
    assert_eq!(
        stats.skipped,
        [
            ("below-min-downloads".to_string(), 1),
            ("unknown-downloads".to_string(), 1)
        ]
    );
}

#[test]
fn several_jobs_are_claimed_in_one_call_and_released_ones_go_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = sqlite_store(&dir);
    let run = store.start_run("test", AT).expect("run");
    store
        .enqueue(run, &specs(&["a", "b", "c", "d", "e"]))
        .expect("enqueue");
    let first = store.claim_many("o", LEASE, 3).expect("claim");
    let specs_of = |jobs: &[Job]| jobs.iter().map(|j| j.spec.clone()).collect::<Vec<_>>();
    assert_eq!(specs_of(&first), ["a", "b", "c"]);
    assert_eq!(store.release(&[first[2].id], "other").expect("release"), 0);
    assert_eq!(store.release(&[first[2].id], "o").expect("release"), 1);
    let rest = store.claim_many("o", LEASE, 10).expect("claim");
    assert_eq!(specs_of(&rest), ["c", "d", "e"]);
    assert_eq!(rest[0].attempts, 1, "a released claim is not an attempt");
    assert!(store.claim_many("o", LEASE, 10).expect("claim").is_empty());
}

/// A lease that ran out is claimed again; its old owner can neither renew nor complete it.
fn check_lease_reclaim(store: &Store) {
    let run = store.start_run("test", AT).expect("run");
    store.enqueue(run, &specs(&["only"])).expect("enqueue");
    let first = store
        .claim("dead", Duration::from_millis(1))
        .expect("claim")
        .expect("a job");
    std::thread::sleep(Duration::from_millis(20));
    let second = store
        .claim("alive", LEASE)
        .expect("claim")
        .expect("reclaimed");
    assert_eq!(second.id, first.id);
    assert_eq!(second.attempts, 2);
    assert!(!store.renew(first.id, "dead", LEASE).expect("renew"));
    assert!(!complete(store, &first, "dead", &report_for("only")));
    assert!(store.renew(second.id, "alive", LEASE).expect("renew"));
    assert!(complete(store, &second, "alive", &report_for("only")));
    assert_eq!(store.results_after(0, 10).expect("results").len(), 1);
    assert!(store.claim("alive", LEASE).expect("claim").is_none());
}

#[test]
fn an_expired_lease_is_reclaimed_and_the_old_owner_cannot_write() {
    let dir = tempfile::tempdir().expect("temp dir");
    check_lease_reclaim(&sqlite_store(&dir));
}

#[test]
fn a_live_lease_is_not_taken_and_requeue_frees_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = sqlite_store(&dir);
    let run = store.start_run("test", AT).expect("run");
    store.enqueue(run, &specs(&["x"])).expect("enqueue");
    let job = store.claim("one", LEASE).expect("claim").expect("a job");
    assert!(store.claim("two", LEASE).expect("claim").is_none());
    assert_eq!(store.requeue_running().expect("requeue"), 1);
    let again = store.claim("two", LEASE).expect("claim").expect("requeued");
    assert_eq!(again.id, job.id);
}

#[test]
fn a_store_from_a_newer_dsca_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("results.db");
    let store = Store::open(path.to_str().expect("UTF-8")).expect("open");
    assert_eq!(
        store.schema_version().expect("version"),
        dsca_store::SCHEMA_VERSION
    );
    store
        .force_schema_version(dsca_store::SCHEMA_VERSION + 1)
        .expect("set version");
    drop(store);
    let err = match Store::open(path.to_str().expect("UTF-8")) {
        Ok(_) => panic!("a newer store was opened"),
        Err(err) => err,
    };
    assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("newer dsca"), "{message}");
    assert!(!message.contains('\n'));
}

#[test]
fn reopening_a_current_store_keeps_its_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = sqlite_store(&dir);
    let run = store.start_run("test", AT).expect("run");
    store.enqueue(run, &specs(&["kept"])).expect("enqueue");
    drop(store);
    let store = sqlite_store(&dir);
    assert_eq!(store.job_counts().expect("counts").queued, 1);
}

#[test]
fn stats_count_rules_by_popularity_tier_and_non_registry_dns() {
    let dir = tempfile::tempdir().expect("temp dir");
    check_stats(&sqlite_store(&dir));
}

/// PostgreSQL writes a result in one statement: the findings, behaviours and names
/// must land as SQLite's transaction writes them.
#[test]
fn postgres_stats_count_rules_by_popularity_tier_and_non_registry_dns() {
    if let Some(PgStore { store, _serial, .. }) =
        pg_store("postgres_stats_count_rules_by_popularity_tier_and_non_registry_dns")
    {
        check_stats(&store);
    }
}

fn check_stats(store: &Store) {
    let run = store.start_run("test", AT).expect("run");
    // `semver` is rank 1 in the bundled list; the others are not listed.
    store
        .enqueue(run, &specs(&["semver", "evil-pkg", "quiet-pkg"]))
        .expect("enqueue");
    while let Some(job) = store.claim("o", LEASE).expect("claim") {
        let report = match job.spec.as_str() {
            "semver" | "evil-pkg" => malicious_report(&job.spec),
            _ => report_for(&job.spec),
        };
        let mut record =
            ResultRecord::from_report(&report, dsca_rules::popularity_rank(&report.package.name))
                .expect("record");
        if job.spec == "evil-pkg" {
            // As a sandboxed run records it (reports gain `dynamic` on another branch).
            let mut value: serde_json::Value =
                serde_json::from_str(&record.report_json).expect("json");
            value["dynamic"] = json!({"phases": [{"name": "install", "dns": [
                {"name": "registry.npmjs.org", "registry": true},
                {"name": "c2.example", "registry": false},
            ]}]});
            record.dns_names = dsca_store::non_registry_dns_names(&value);
            record.has_dynamic = true;
            record.report_json = value.to_string();
        }
        assert!(store.complete(&job, "o", &record, AT).expect("complete"));
    }
    let stats = store.stats(10).expect("stats");
    assert_eq!(stats.packages, 3);
    assert_eq!(stats.with_dynamic, 1);
    assert_eq!(stats.non_registry_dns, 1);
    assert_eq!(stats.non_registry_dns_percent(), Some(100.0));
    assert_eq!(stats.domains, vec![("c2.example".to_string(), 1)]);
    let scanned: Vec<i64> = stats.tiers.iter().map(|tier| tier.scanned).collect();
    assert_eq!(scanned, vec![1, 1, 1, 3]);
    let rule = stats
        .rules
        .iter()
        .find(|rule| rule.id == dsca_rules::INTEGRITY_MISMATCH.id)
        .expect("the rule is counted");
    assert_eq!(rule.packages, vec![1, 1, 1, 2]);
    // The same figures for the rules of one report, as `dsca scan --db` asks.
    let (tiers, rules) = store
        .rule_prevalence(&[rule.id.clone(), "DSCA000".to_string()])
        .expect("prevalence");
    assert_eq!(tiers, stats.tiers);
    assert_eq!(rules, vec![rule.clone()]);
    assert!(
        stats
            .verdicts
            .iter()
            .any(|(verdict, count)| verdict == "malicious" && *count == 2)
    );
}

#[test]
fn results_written_together_keep_to_their_own_jobs() {
    let dir = tempfile::tempdir().expect("temp dir");
    check_complete_many(&sqlite_store(&dir));
}

/// The same on PostgreSQL, where the whole batch is one statement over parallel arrays.
#[test]
fn postgres_results_written_together_keep_to_their_own_jobs() {
    if let Some(PgStore { store, _serial, .. }) =
        pg_store("postgres_results_written_together_keep_to_their_own_jobs")
    {
        check_complete_many(&store);
    }
}

fn check_complete_many(store: &Store) {
    let run = store.start_run("test", AT).expect("run");
    store
        .enqueue(run, &specs(&["evil-pkg", "quiet-pkg", "given-back"]))
        .expect("enqueue");
    let jobs = store.claim_many("o", LEASE, 3).expect("claim");
    assert_eq!(jobs.len(), 3);
    let by_spec = |spec: &str| {
        jobs.iter()
            .find(|job| job.spec == spec)
            .expect("claimed")
            .clone()
    };
    // The lease on this one is gone by the time the batch is written.
    let given_back = by_spec("given-back");
    store.release(&[given_back.id], "o").expect("release");
    let reports = [
        (by_spec("evil-pkg"), malicious_report("evil-pkg")),
        (by_spec("quiet-pkg"), report_for("quiet-pkg")),
        (given_back, malicious_report("given-back")),
    ];
    let records: Vec<(Job, ResultRecord)> = reports
        .into_iter()
        .map(|(job, report)| {
            (
                job,
                ResultRecord::from_report(&report, None).expect("record"),
            )
        })
        .collect();
    let mut items: Vec<(&Job, &ResultRecord, &str)> = records
        .iter()
        .map(|(job, record)| (job, record, AT))
        .collect();
    // The same job's result twice in one batch (its own job claimed back) is written once.
    items.push(items[0]);
    assert_eq!(
        store.complete_many("o", &items).expect("complete"),
        vec![true, true, false, false]
    );
    let counts = store.job_counts().expect("counts");
    assert_eq!((counts.done, counts.queued), (2, 1));
    let written: Vec<String> = store
        .results_after(0, 10)
        .expect("results")
        .into_iter()
        .map(|result| result.spec)
        .collect();
    assert_eq!(written, specs(&["evil-pkg", "quiet-pkg"]));
    // The finding of the malicious report is counted once, for its own package only.
    let stats = store.stats(10).expect("stats");
    let rule = stats
        .rules
        .iter()
        .find(|rule| rule.id == dsca_rules::INTEGRITY_MISMATCH.id)
        .expect("the rule is counted");
    assert_eq!(rule.packages.last(), Some(&1));
}

/// PostgreSQL: two workers (threads with their own connections) drain one queue with no
/// job claimed twice.
#[test]
fn postgres_two_workers_drain_one_queue_without_duplicates() {
    let Some(PgStore {
        url,
        store,
        _serial,
    }) = pg_store("postgres_two_workers_drain_one_queue_without_duplicates")
    else {
        return;
    };
    let run = store.start_run("pg test", AT).expect("run");
    let names: Vec<String> = (0..200).map(|i| format!("pkg-{i}")).collect();
    assert_eq!(store.enqueue(run, &names).expect("enqueue"), 200);
    drop(store);
    let claimed: Vec<Vec<String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = ["w1", "w2"]
            .into_iter()
            .map(|owner| {
                let url = url.clone();
                scope.spawn(move || {
                    let store = Store::open(&url).expect("open");
                    let mut mine = Vec::new();
                    while let Some(job) = store.claim(owner, LEASE).expect("claim") {
                        assert!(complete(&store, &job, owner, &report_for(&job.spec)));
                        mine.push(job.spec);
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("worker"))
            .collect()
    });
    let all: Vec<&String> = claimed.iter().flatten().collect();
    let distinct: HashSet<&&String> = all.iter().collect();
    assert_eq!(all.len(), 200);
    assert_eq!(distinct.len(), 200);
    assert!(
        claimed.iter().all(|mine| !mine.is_empty()),
        "both workers took jobs"
    );
    let store = Store::open(&url).expect("open");
    assert_eq!(store.job_counts().expect("counts").done, 200);
}

#[test]
fn postgres_expired_lease_is_reclaimed() {
    let Some(PgStore { store, _serial, .. }) = pg_store("postgres_expired_lease_is_reclaimed")
    else {
        return;
    };
    check_lease_reclaim(&store);
}

/// An emptied store in the test database, held alone while `_serial` lives.
struct PgStore {
    url: String,
    store: Store,
    _serial: dsca_test::PgTestDatabase,
}

fn pg_store(test: &str) -> Option<PgStore> {
    let database = dsca_test::pg_test_database(test)?;
    let store = Store::open(&database.url).expect("open");
    store.reset_for_tests().expect("reset");
    Some(PgStore {
        url: database.url.clone(),
        store,
        _serial: database,
    })
}

#[test]
fn a_closed_store_is_whole_in_its_one_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let store = sqlite_store(&dir);
        let run = store.start_run("test", AT).expect("run");
        store.enqueue(run, &specs(&["a", "b"])).expect("enqueue");
    }
    // Moved without its write-ahead log, as a user moves a study's file.
    let moved = dir.path().join("moved.db");
    std::fs::copy(dir.path().join("results.db"), &moved).expect("copy");
    let store = Store::open(moved.to_str().expect("UTF-8")).expect("open");
    assert_eq!(store.job_counts().expect("counts").queued, 2);
}

/// Claims `names` for `owner` and journals a result for each in `journals`, as a writer
/// holding them does; the journal is returned still open (its process alive).
fn journal_results(
    store: &Store,
    journals: &std::path::Path,
    owner: &str,
    names: &[&str],
) -> dsca_store::Journal {
    let run = store.start_run("test", AT).expect("run");
    store.enqueue(run, &specs(names)).expect("enqueue");
    let mut journal = dsca_store::Journal::create(journals, owner).expect("journal");
    for job in store.claim_many(owner, LEASE, names.len()).expect("claim") {
        let record = ResultRecord::from_report(&report_for(&job.spec), None).expect("record");
        journal.append(&job, &record, AT).expect("append");
    }
    journal
}

fn journal_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|listing| listing.map(|entry| entry.expect("entry").path()).collect())
        .unwrap_or_default()
}

#[test]
fn a_dead_writers_journal_is_written_and_a_live_ones_is_left_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = sqlite_store(&dir);
    let journals = dir.path().join("pending");
    let live = journal_results(&store, &journals, "live:1", &["l1"]);
    let dead = journal_results(&store, &journals, "dead:2", &["d1", "d2"]);
    // Its process is gone: the file stays, unlocked.
    drop(dead);
    assert_eq!(journal_files(&journals).len(), 2);
    let replayed = dsca_store::replay(&store, &journals).expect("replay");
    let counts = (replayed.journals, replayed.written, replayed.stale);
    assert_eq!(counts, (1, 2, 0));
    assert!(replayed.unreadable.is_empty());
    let counts = store.job_counts().expect("counts");
    assert_eq!((counts.done, counts.running), (2, 1), "{counts:?}");
    assert_eq!(journal_files(&journals).len(), 1, "the live journal stays");
    drop(live);
    assert_eq!(
        dsca_store::replay(&store, &journals)
            .expect("replay")
            .written,
        1
    );
    assert_eq!(store.job_counts().expect("counts").done, 3);
    assert!(journal_files(&journals).is_empty());
}

/// A store whose jobs `names` are leased to a writer that died holding their results,
/// its journals' directory and the one journal in it.
fn dead_writers_journal(
    names: &[&str],
) -> (
    tempfile::TempDir,
    Store,
    std::path::PathBuf,
    std::path::PathBuf,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = sqlite_store(&dir);
    let journals = dir.path().join("pending");
    drop(journal_results(&store, &journals, "w:1", names));
    let [path] = journal_files(&journals).try_into().expect("one journal");
    (dir, store, journals, path)
}

#[test]
fn a_journal_replayed_again_writes_nothing_twice() {
    let (_dir, store, journals, path) = dead_writers_journal(&["a", "b"]);
    let bytes = std::fs::read(&path).expect("read the journal");
    assert_eq!(
        dsca_store::replay(&store, &journals)
            .expect("replay")
            .written,
        2
    );
    // As if the replaying process died after writing, before it removed the file.
    std::fs::write(&path, &bytes).expect("put the journal back");
    let replayed = dsca_store::replay(&store, &journals).expect("replay");
    assert_eq!((replayed.written, replayed.stale), (0, 2));
    assert_eq!(store.results_after(0, 10).expect("results").len(), 2);
}

#[test]
fn a_torn_last_line_of_a_journal_is_left_to_be_scanned_again() {
    let (_dir, store, journals, path) = dead_writers_journal(&["a", "b"]);
    let length = std::fs::metadata(&path).expect("journal").len();
    // Killed in the middle of appending `b`.
    std::fs::File::options()
        .write(true)
        .open(&path)
        .expect("open")
        .set_len(length - 20)
        .expect("truncate");
    assert_eq!(
        dsca_store::replay(&store, &journals)
            .expect("replay")
            .written,
        1
    );
    let counts = store.job_counts().expect("counts");
    assert_eq!((counts.done, counts.running), (1, 1), "{counts:?}");
    assert_eq!(store.requeue_running().expect("requeue"), 1);
}

#[test]
fn a_journal_its_process_never_finished_making_is_removed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = sqlite_store(&dir);
    let journals = dir.path().join("pending");
    std::fs::create_dir_all(&journals).expect("dir");
    // Killed between creating its journal and naming it.
    std::fs::write(journals.join("w_1.new"), b"{\"owner\":\"w:1\"}\n").expect("write");
    let replayed = dsca_store::replay(&store, &journals).expect("replay");
    assert_eq!((replayed.journals, replayed.written), (0, 0));
    assert!(journal_files(&journals).is_empty());
}

#[test]
fn an_unreadable_journal_is_reported_and_the_others_replayed() {
    let (_dir, store, journals, _path) = dead_writers_journal(&["a"]);
    // Not a file: it cannot be opened for writing.
    std::fs::create_dir(journals.join("odd.jsonl")).expect("dir");
    let replayed = dsca_store::replay(&store, &journals).expect("replay");
    assert_eq!((replayed.journals, replayed.written), (1, 1));
    assert_eq!(replayed.unreadable.len(), 1);
    assert!(replayed.unreadable[0].0.ends_with("odd.jsonl"));
}
