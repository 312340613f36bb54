//! `dsca batch` and `dsca worker`: registry-scale runs as a loop around a [`Session`].
//! Jobs live in the store ([`dsca_store::Store`]); each is claimed with a lease, scanned
//! by [`Session::scan_one`], and its report written in the same transaction that marks
//! it finished. Finished reports wait a moment in a journal on disk to be written
//! several to a transaction; the next run on the store writes what a killed one held. So
//! a run killed at any moment resumes with nothing lost or doubled.

use crate::Session;
use crate::notices::Notices;
use anyhow::Context as _;
use dsca_model::{Report, ReportError};
use dsca_registry::downloads::read_downloads_tsv;
use dsca_registry::{
    Downloads, DownloadsClient, DownloadsOptions, NamesFileReader, NamesJsonReader, Period, Spec,
    parse_spec,
};
use dsca_store::{Job, JobCounts, Journal, NewJob, ResultRecord, Store};
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Names are queued in chunks of this many: memory stays flat however long the list.
const ENQUEUE_CHUNK: usize = 5_000;
/// Jobs the claimer of a static batch claims in one round trip.
const CLAIM_BATCH: usize = 8;
/// A job claimed this many times without a result (its scans kept killing the process)
/// is recorded as failed instead of scanned again.
const MAX_ATTEMPTS: i64 = 3;

/// A results store opened for a batch or a worker: a SQLite store locked to this
/// process, and what the writers of dead processes held already written.
pub struct BatchStore {
    store: Store,
    /// Where this process's writer journals the results it holds.
    journal_dir: PathBuf,
    notices: Notices,
    _lock: Option<File>,
}

/// The popularity filter's settings (`--min-downloads` and its source of counts).
#[derive(Debug, Clone)]
pub struct Popularity {
    pub min_downloads: u64,
    /// `last-month` and the like (see [`Period::parse`]), for the downloads API.
    pub period: String,
    pub downloads_api: String,
    /// Counts from this file (`name<TAB>downloads`) instead of the API.
    pub downloads_file: Option<PathBuf>,
}

/// How a drain waits and holds its jobs.
#[derive(Debug, Clone, Copy)]
pub struct Drain {
    /// How long a claimed job stays reserved without a renewal.
    pub lease: Duration,
    /// Keep polling an empty queue at this interval instead of exiting (`worker --wait`).
    pub wait: Option<Duration>,
}

impl BatchStore {
    /// Open the store `db` names (journals kept under `cache_dir` for PostgreSQL), take a
    /// SQLite store's lock, and write what dead writers held: before anything is claimed
    /// or requeued, so those packages are not scanned again.
    pub fn open(
        db: &str,
        cache_dir: Option<&Path>,
        notices: &Notices,
    ) -> anyhow::Result<BatchStore> {
        let store = Store::open(db)?;
        let lock = lock_sqlite_store(&store)?;
        let journal_dir = replay_journals(&store, cache_dir, notices)?;
        Ok(BatchStore {
            store,
            journal_dir,
            notices: notices.clone(),
            _lock: lock,
        })
    }

    /// A SQLite store is this process's alone: whatever is `running` was left by a
    /// process that died, and goes back in the queue.
    pub fn requeue_left_running(&self) -> anyhow::Result<()> {
        if self.store.is_sqlite() {
            let requeued = self.store.requeue_running()?;
            if requeued > 0 {
                self.notices.progress(&format!(
                    "batch: {requeued} job(s) left running by an earlier run put back in the queue"
                ));
            }
        }
        Ok(())
    }

    /// Queue every name of `source`, through the popularity filter when there is one.
    pub fn enqueue(
        &self,
        source: NamesSource,
        popularity: Option<&Popularity>,
    ) -> anyhow::Result<()> {
        let store = &self.store;
        let mut filter = match popularity {
            Some(popularity) => Some(PopularityFilter::new(popularity, &self.notices)?),
            None => None,
        };
        let run_id = store.start_run(&source.describe(), &now_rfc3339())?;
        let (read, added) = enqueue_names(store, run_id, source, filter.as_mut())?;
        self.notices.progress(&format!(
            "batch: {read} name(s) read, {added} new in the store, {} already there",
            read - added
        ));
        if let Some(filter) = &filter {
            self.notices
                .progress(&format!("batch: {}", filter.describe()));
            let min = i64::try_from(filter.min).unwrap_or(i64::MAX);
            let requeued = store.requeue_skipped(SKIP_BELOW, &filter.label, min)?;
            if requeued > 0 {
                self.notices.progress(&format!(
                    "batch: {requeued} job(s) skipped by an earlier, higher --min-downloads queued again"
                ));
            }
        }
        Ok(())
    }

    /// Say how many jobs the store holds in each state.
    pub fn print_counts(&self) -> anyhow::Result<()> {
        self.notices.progress(&format!(
            "batch: {}",
            describe_counts(&self.store.job_counts()?)
        ));
        Ok(())
    }

    /// Scan queued jobs with `session` on its jobs until the queue is empty (or, with
    /// `wait`, for ever).
    pub fn drain(&self, session: &Session, drain: Drain) -> anyhow::Result<()> {
        let options = DrainOptions {
            jobs: session.jobs(),
            claim_batch: if session.is_dynamic() { 1 } else { CLAIM_BATCH },
            lease: drain.lease.max(Duration::from_secs(1)),
            wait: drain.wait,
            journal_dir: self.journal_dir.clone(),
        };
        let drained = drain_queue(&self.store, session, &options);
        tidy_journal_dir(&self.journal_dir);
        drained
    }
}

/// Where this store's writers keep the results they hold (see [`dsca_store::Journal`]).
fn journal_dir(store: &Store, cache_dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    let cache_root = match cache_dir {
        Some(dir) => dir.to_path_buf(),
        // Beside the file, whatever the cache.
        None if store.is_sqlite() => PathBuf::new(),
        None => dsca_registry::Cache::from_env()?.root().to_path_buf(),
    };
    Ok(store.journal_dir(&cache_root))
}

/// Write what the writers of dead processes held. Returns where this process's writer
/// keeps its own journal.
fn replay_journals(
    store: &Store,
    cache_dir: Option<&Path>,
    notices: &Notices,
) -> anyhow::Result<PathBuf> {
    let dir = journal_dir(store, cache_dir)?;
    let replayed = dsca_store::replay(store, &dir)
        .with_context(|| format!("cannot write the held results in {}", dir.display()))?;
    if replayed.journals > 0 {
        notices.progress(&format!(
            "batch: {} result(s) an earlier process held written from its journal ({} already written or taken by another worker)",
            replayed.written, replayed.stale
        ));
    }
    for (path, err) in &replayed.unreadable {
        notices.warning(&format!(
            "batch: cannot read the journal {} ({err}): left as it is; its packages are scanned again",
            path.display()
        ));
    }
    tidy_journal_dir(&dir);
    Ok(dir)
}

/// A journal directory, once empty, is not left behind (beside a SQLite file, or in the
/// cache for each PostgreSQL database). Another worker's journal keeps it.
fn tidy_journal_dir(dir: &Path) {
    let _ = std::fs::remove_dir(dir);
}

/// A SQLite store serves one batch or worker process at a time: an exclusive lock on
/// `DB.lock` makes a second one stop with a clear message instead of stealing its jobs.
fn lock_sqlite_store(store: &Store) -> anyhow::Result<Option<File>> {
    let dsca_store::Location::Sqlite(path) = store.location() else {
        return Ok(None);
    };
    let mut lock_path = path.clone().into_os_string();
    lock_path.push(".lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("cannot open {}", Path::new(&lock_path).display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another dsca batch or worker is using {}: a SQLite store serves one process (use PostgreSQL for several)",
            path.display()
        ),
        Err(std::fs::TryLockError::Error(err)) => {
            Err(err).with_context(|| format!("cannot lock {}", Path::new(&lock_path).display()))
        }
    }
}

/// Where the names of a batch come from.
#[derive(Debug, Clone)]
pub enum NamesSource {
    /// A JSON array of names (the all-the-package-names format).
    Json(PathBuf),
    /// One spec per line, `#` comments.
    Lines(PathBuf),
    /// The N most-downloaded packages of the bundled popularity list.
    Top(usize),
}

impl NamesSource {
    fn describe(&self) -> String {
        match self {
            NamesSource::Json(path) => format!("names {}", path.display()),
            NamesSource::Lines(path) => format!("names-file {}", path.display()),
            NamesSource::Top(count) => format!("top {count}"),
        }
    }
}

/// Queue every name of `source`, streaming, through the popularity filter if there is
/// one. Returns (names read, names new to the store).
fn enqueue_names(
    store: &Store,
    run_id: i64,
    source: NamesSource,
    mut filter: Option<&mut PopularityFilter>,
) -> anyhow::Result<(u64, u64)> {
    let open = |path: &Path| {
        File::open(path)
            .map(|file| BufReader::with_capacity(1 << 16, file))
            .with_context(|| format!("cannot open {}", path.display()))
    };
    let names: Box<dyn Iterator<Item = anyhow::Result<String>>> = match &source {
        NamesSource::Json(path) => {
            let display = path.display().to_string();
            Box::new(
                NamesJsonReader::new(open(path)?)
                    .map(move |name| name.map_err(|err| anyhow::anyhow!("{display}: {err}"))),
            )
        }
        NamesSource::Lines(path) => {
            let display = path.display().to_string();
            Box::new(
                NamesFileReader::new(open(path)?)
                    .map(move |name| name.map_err(|err| anyhow::anyhow!("{display}: {err}"))),
            )
        }
        NamesSource::Top(count) => Box::new(
            dsca_rules::popular_packages()
                .iter()
                .take(*count)
                .map(|entry| Ok(entry.name.to_string())),
        ),
    };
    let (mut read, mut added) = (0u64, 0u64);
    let mut chunk = Vec::with_capacity(ENQUEUE_CHUNK);
    let mut names = names.peekable();
    while let Some(name) = names.next() {
        chunk.push(name?);
        read += 1;
        if chunk.len() == ENQUEUE_CHUNK || names.peek().is_none() {
            added += match filter.as_deref_mut() {
                Some(filter) => filter.enqueue(store, run_id, &chunk)?,
                None => store.enqueue(run_id, &chunk)?,
            };
            chunk.clear();
        }
    }
    Ok((read, added))
}

/// Where download counts come from.
enum CountsSource {
    Api(DownloadsClient, Period),
    /// `--downloads-file`: name to count.
    File(HashMap<String, u64>),
}

/// `--min-downloads`: keeps the packages downloaded at least `min` times; the others are
/// recorded as skipped with their count (or as unknown to the counts' source).
struct PopularityFilter {
    min: u64,
    source: CountsSource,
    /// The period, or the file, the counts cover (stored with each job).
    label: String,
    kept: u64,
    below: u64,
    unknown: u64,
    /// Names looked up so far, and when progress was last shown.
    looked_up: u64,
    shown: Instant,
    notices: Notices,
}

impl PopularityFilter {
    fn new(args: &Popularity, notices: &Notices) -> anyhow::Result<PopularityFilter> {
        let min = args.min_downloads;
        let (source, label) = match &args.downloads_file {
            Some(path) => {
                let file =
                    File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
                let counts = read_downloads_tsv(BufReader::with_capacity(1 << 16, file))
                    .with_context(|| path.display().to_string())?;
                (
                    CountsSource::File(counts),
                    format!("file {}", path.display()),
                )
            }
            None => {
                let today = crate::clock::now()?.date();
                let period = Period::parse(&args.period, today)?;
                let client =
                    DownloadsClient::new(&args.downloads_api, &DownloadsOptions::default())?;
                let label = period.as_path();
                (CountsSource::Api(client, period), label)
            }
        };
        Ok(PopularityFilter {
            min,
            source,
            label,
            kept: 0,
            below: 0,
            unknown: 0,
            looked_up: 0,
            notices: notices.clone(),
            shown: Instant::now(),
        })
    }

    /// Record the specs of `chunk` new to the store: queued when popular enough, else
    /// skipped. Specs that are not registry names (paths) are queued unfiltered. Returns
    /// how many were new.
    fn enqueue(&mut self, store: &Store, run_id: i64, chunk: &[String]) -> anyhow::Result<u64> {
        let known = store.known_specs(chunk)?;
        let mut seen = HashSet::new();
        let fresh: Vec<&String> = chunk
            .iter()
            .filter(|spec| !known.contains(*spec) && seen.insert(spec.as_str()))
            .collect();
        let mut names = Vec::new();
        let mut name_of = Vec::with_capacity(fresh.len());
        for spec in &fresh {
            name_of.push(match parse_spec(spec) {
                Ok(Spec::Registry { name, .. }) => {
                    names.push(name);
                    Some(names.len() - 1)
                }
                _ => None,
            });
        }
        let counts = self.counts(&names)?;
        let jobs: Vec<NewJob<'_>> = fresh
            .iter()
            .zip(name_of)
            .map(|(spec, index)| {
                let count = index.map(|index| counts[index]);
                let (downloads, skip_reason) = match count {
                    None => (None, None),
                    Some(Downloads::Count(count)) => {
                        let downloads = i64::try_from(count).ok();
                        if count >= self.min {
                            self.kept += 1;
                            (downloads, None)
                        } else {
                            self.below += 1;
                            (downloads, Some(SKIP_BELOW))
                        }
                    }
                    Some(Downloads::Unknown) => {
                        self.unknown += 1;
                        (None, Some(SKIP_UNKNOWN))
                    }
                };
                NewJob {
                    spec,
                    downloads,
                    skip_reason,
                }
            })
            .collect();
        Ok(store.enqueue_jobs(run_id, Some(&self.label), &jobs)?)
    }

    fn counts(&mut self, names: &[String]) -> anyhow::Result<Vec<Downloads>> {
        let counts = match &self.source {
            CountsSource::File(counts) => names
                .iter()
                .map(|name| {
                    counts
                        .get(name)
                        .map_or(Downloads::Unknown, |&n| Downloads::Count(n))
                })
                .collect(),
            CountsSource::Api(client, period) => {
                let (before, shown, notices) = (self.looked_up, &mut self.shown, &self.notices);
                client.counts(period, names, |answered| {
                    if shown.elapsed() >= Duration::from_secs(10) {
                        *shown = Instant::now();
                        notices.progress(&format!(
                            "batch: downloads of {} name(s) looked up",
                            before + answered as u64
                        ));
                    }
                })?
            }
        };
        self.looked_up += names.len() as u64;
        Ok(counts)
    }

    fn describe(&self) -> String {
        let source = match self.source {
            CountsSource::Api(..) => "the downloads API",
            CountsSource::File(_) => "the downloads file",
        };
        format!(
            "popularity filter (at least {} downloads, {}): {} new name(s) kept, {} skipped below, {} unknown to {source} (skipped)",
            self.min, self.label, self.kept, self.below, self.unknown
        )
    }
}

/// Results the writer stores in one transaction at most.
const MAX_WRITE_BATCH: usize = 64;
/// How long the writer holds a finished result (in its journal) for others to join it in
/// one transaction: each transaction costs the store's server more than its rows.
const HOLD_RESULTS_FOR: Duration = Duration::from_millis(100);

/// Why the popularity filter skipped a job (the store's `skip_reason`).
const SKIP_BELOW: &str = "below-min-downloads";
const SKIP_UNKNOWN: &str = "unknown-downloads";

struct DrainOptions {
    jobs: usize,
    /// Jobs claimed at once (one database round trip for all).
    claim_batch: usize,
    lease: Duration,
    /// Keep polling an empty queue at this interval instead of exiting.
    wait: Option<Duration>,
    /// Where the writer journals the results it holds.
    journal_dir: PathBuf,
}

/// A scanned job's result on its way to the writer.
struct Finished {
    job: Job,
    record: ResultRecord,
    /// When its scan finished (the result's `scanned_at`).
    scanned_at: String,
}

/// What the threads of one drain share.
struct Shared<'a> {
    store: &'a Store,
    session: &'a Session,
    owner: String,
    lease: Duration,
    claim_batch: usize,
    wait: Option<Duration>,
    journal_dir: &'a Path,
    /// Jobs being scanned now: the renewer extends their leases.
    held: Mutex<HashSet<i64>>,
    finished: AtomicU64,
    failed: AtomicU64,
    /// Results not written because the lease was lost to another worker.
    lost: AtomicU64,
    stop: AtomicBool,
    error: Mutex<Option<anyhow::Error>>,
}

impl Shared<'_> {
    fn fail(&self, err: anyhow::Error) {
        self.stop.store(true, Ordering::SeqCst);
        if let Ok(mut slot) = self.error.lock() {
            slot.get_or_insert(err);
        }
    }

    fn hold(&self, job_id: i64, held: bool) {
        if let Ok(mut set) = self.held.lock() {
            if held {
                set.insert(job_id);
            } else {
                set.remove(&job_id);
            }
        }
    }

    /// Claim jobs ahead of the scan threads, so none of them waits on a round trip to the
    /// store for its next job: the channel holds one claimed job per scan thread at most
    /// (none for sandboxed scans), and a claim brings `claim_batch` jobs.
    fn claim_jobs(&self, to_scan: SyncSender<Job>) {
        let mut unsent = Vec::new();
        while !self.stop.load(Ordering::SeqCst) {
            match self
                .store
                .claim_many(&self.owner, self.lease, self.claim_batch)
            {
                Ok(jobs) if !jobs.is_empty() => {
                    // Held from the claim on: their leases are renewed while they wait.
                    for job in &jobs {
                        self.hold(job.id, true);
                    }
                    let mut jobs = jobs.into_iter();
                    for job in jobs.by_ref() {
                        if let Err(std::sync::mpsc::SendError(job)) = to_scan.send(job) {
                            unsent.push(job.id);
                            break;
                        }
                    }
                    unsent.extend(jobs.map(|job| job.id));
                }
                Ok(_) => match self.wait {
                    Some(interval) => std::thread::sleep(interval),
                    None => break,
                },
                Err(err) => self.fail(err.into()),
            }
        }
        self.release(&unsent);
    }

    /// Scan the jobs the claimer sends until it stops. After an error (`stop`) the jobs
    /// still coming are not scanned but given back to the queue.
    fn scan_jobs(&self, to_scan: &Mutex<Receiver<Job>>, results: SyncSender<Finished>) {
        let mut unscanned = Vec::new();
        loop {
            let next = match to_scan.lock() {
                Ok(receiver) => receiver.recv(),
                Err(_) => break,
            };
            let Ok(job) = next else { break };
            if self.stop.load(Ordering::SeqCst) {
                unscanned.push(job.id);
                continue;
            }
            let id = job.id;
            if let Err(err) = self.process(job, &results) {
                self.hold(id, false);
                self.fail(err);
            }
        }
        self.release(&unscanned);
    }

    /// Give claimed jobs back to the queue (after an error).
    fn release(&self, job_ids: &[i64]) {
        if job_ids.is_empty() {
            return;
        }
        for &id in job_ids {
            self.hold(id, false);
        }
        if let Err(err) = self.store.release(job_ids, &self.owner) {
            self.fail(err.into());
        }
    }

    /// Scan one job and hand its result to the writer; the job stays held (its lease
    /// renewed) until the writer has stored it.
    fn process(&self, job: Job, results: &SyncSender<Finished>) -> anyhow::Result<()> {
        let report = if job.attempts > MAX_ATTEMPTS {
            Report::failed(
                &job.spec,
                &job.spec,
                ReportError::new(
                    "abandoned",
                    format!(
                        "claimed {} times without a result (each scan stopped its worker)",
                        job.attempts - 1
                    ),
                ),
            )
        } else {
            self.session.scan_one(&job.spec)
        };
        let rank = dsca_rules::popularity_rank(&report.package.name);
        let record = ResultRecord::from_report(&report, rank)?;
        if let Err(std::sync::mpsc::SendError(finished)) = results.send(Finished {
            job,
            record,
            scanned_at: now_rfc3339(),
        }) {
            // The writer stopped (a store error, already recorded): the lease runs out and
            // another worker takes the job.
            self.hold(finished.job.id, false);
        }
        Ok(())
    }

    /// Store results as the scan threads finish them, several per transaction (one round
    /// trip on PostgreSQL): each is appended to this process's journal, then held up to
    /// [`HOLD_RESULTS_FOR`] for others to join it. A process killed meanwhile loses
    /// nothing: the next batch or worker on this store writes the journal's results.
    /// Without a journal (its directory cannot be written), only the results already
    /// waiting go together, so none is held.
    fn write_results(&self, results: Receiver<Finished>) {
        let mut journal = match Journal::create(self.journal_dir, &self.owner) {
            Ok(journal) => Some(journal),
            Err(err) => {
                self.without_journal("cannot create a journal", &err);
                None
            }
        };
        let mut held: Vec<Finished> = Vec::new();
        let mut held_since = Instant::now();
        loop {
            let next = match (held.is_empty(), &journal) {
                (true, _) => match results.recv() {
                    Ok(finished) => Some(finished),
                    Err(_) => break,
                },
                (false, Some(_)) => results
                    .recv_timeout(HOLD_RESULTS_FOR.saturating_sub(held_since.elapsed()))
                    .ok(),
                (false, None) => results.try_recv().ok(),
            };
            if let Some(finished) = next {
                if held.is_empty() {
                    held_since = Instant::now();
                }
                if let Some(open) = &mut journal
                    && let Err(err) =
                        open.append(&finished.job, &finished.record, &finished.scanned_at)
                {
                    self.without_journal("cannot append to the journal", &err);
                }
                held.push(finished);
                // Held only while journaled: after a failed append, written at once.
                let journaled = !journal.as_ref().is_some_and(Journal::failed);
                if journaled && held.len() < MAX_WRITE_BATCH {
                    continue;
                }
            }
            if let Err(err) = self.write_held(&mut held, &mut journal) {
                // The drain stops; what the journal holds is written by the next run.
                self.fail(err);
                break;
            }
            if journal.as_ref().is_some_and(Journal::failed) {
                // Emptied by the write: closing it removes its file.
                journal = None;
            }
        }
    }

    /// Write the held results in one transaction and empty the journal.
    fn write_held(
        &self,
        held: &mut Vec<Finished>,
        journal: &mut Option<Journal>,
    ) -> anyhow::Result<()> {
        let items: Vec<(&Job, &ResultRecord, &str)> = held
            .iter()
            .map(|finished| {
                (
                    &finished.job,
                    &finished.record,
                    finished.scanned_at.as_str(),
                )
            })
            .collect();
        let outcome = self.store.complete_many(&self.owner, &items);
        for finished in held.iter() {
            self.hold(finished.job.id, false);
        }
        let written = outcome?;
        for (finished, written) in held.iter().zip(written) {
            if written {
                self.finished.fetch_add(1, Ordering::Relaxed);
                if finished.record.error_code.is_some() {
                    self.failed.fetch_add(1, Ordering::Relaxed);
                }
            } else {
                self.lost.fetch_add(1, Ordering::Relaxed);
            }
        }
        held.clear();
        if let Some(open) = journal
            && let Err(err) = open.clear()
        {
            self.without_journal("cannot empty the journal", &err);
            *journal = None;
        }
        Ok(())
    }

    /// Say why the writer goes on without its journal (writing each result as it comes).
    fn without_journal(&self, what: &str, err: &std::io::Error) {
        self.session.notices().warning(&format!(
            "batch: {what} in {} ({err}): each result is written as it comes",
            self.journal_dir.display()
        ));
    }

    /// Extend every held lease a few times per lease period until `done`.
    fn renew_leases(&self, done: &AtomicBool) {
        let period = (self.lease / 3).max(Duration::from_millis(100));
        let mut last = Instant::now();
        while !done.load(Ordering::SeqCst) {
            // Unparked when the drain ends, so the process exits without waiting for it.
            std::thread::park_timeout(period.saturating_sub(last.elapsed()));
            if done.load(Ordering::SeqCst) || last.elapsed() < period {
                continue;
            }
            last = Instant::now();
            let held: Vec<i64> = match self.held.lock() {
                Ok(set) => set.iter().copied().collect(),
                Err(_) => continue,
            };
            for job_id in held {
                if let Err(err) = self.store.renew(job_id, &self.owner, self.lease) {
                    self.fail(err.into());
                }
            }
        }
    }
}

/// Counts a drain thread out of `live` and wakes the progress loop when the thread ends,
/// by returning or by a panic. Counted before the wake-up: a thread is not `is_finished`
/// yet when it wakes the loop, which then slept a whole progress tick.
struct LiveThread<'a> {
    live: &'a AtomicUsize,
    waiting: std::thread::Thread,
}

impl Drop for LiveThread<'_> {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::SeqCst);
        self.waiting.unpark();
    }
}

/// `work` as a [`LiveThread`].
fn counted<'a>(
    live: &'a AtomicUsize,
    waiting: &std::thread::Thread,
    work: impl FnOnce() + Send + 'a,
) -> impl FnOnce() + Send + 'a {
    let waiting = waiting.clone();
    move || {
        let _live = LiveThread { live, waiting };
        work();
    }
}

fn drain_queue(store: &Store, session: &Session, options: &DrainOptions) -> anyhow::Result<()> {
    let before = store.job_counts()?;
    let shared = Shared {
        store,
        session,
        owner: lease_owner(),
        lease: options.lease,
        claim_batch: options.claim_batch,
        wait: options.wait,
        journal_dir: &options.journal_dir,
        held: Mutex::new(HashSet::new()),
        finished: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        lost: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        error: Mutex::new(None),
    };
    let workers_done = AtomicBool::new(false);
    let started = Instant::now();
    let mut progress = Progress::new(before, session.notices());
    let jobs = options.jobs.max(1);
    let shared = &shared;
    // A claimed job ready for each scan thread; a sandboxed scan takes seconds, so none
    // is claimed before a thread is free for it.
    let ready = if options.claim_batch > 1 { jobs } else { 0 };
    let (claimed, to_scan) = sync_channel(ready);
    let to_scan = &Mutex::new(to_scan);
    // Room for a claim's worth of results per scan thread before a scan waits on the writer.
    let (results, to_write) = sync_channel(jobs * options.claim_batch.max(1));
    // Each thread wakes the progress loop as it ends, so the drain ends with its last
    // thread, not at the next progress tick.
    let progress_thread = std::thread::current();
    // The claimer, the writer and the scan threads.
    let live = &AtomicUsize::new(jobs + 2);
    std::thread::scope(|scope| {
        scope.spawn(counted(live, &progress_thread, move || {
            shared.claim_jobs(claimed)
        }));
        scope.spawn(counted(live, &progress_thread, move || {
            shared.write_results(to_write)
        }));
        for _ in 0..jobs {
            let results = results.clone();
            // Like `counted`, written out: the scan thread's closure must stay Clone.
            let waiting = progress_thread.clone();
            dsca_scan::spawn_scan_thread(scope, move || {
                let _live = LiveThread { live, waiting };
                shared.scan_jobs(to_scan, results);
            });
        }
        drop(results);
        let workers_done = &workers_done;
        let renewer = scope.spawn(move || shared.renew_leases(workers_done));
        while live.load(Ordering::SeqCst) > 0 {
            progress.tick(shared, started, false);
            std::thread::park_timeout(Duration::from_millis(100));
        }
        workers_done.store(true, Ordering::SeqCst);
        renewer.thread().unpark();
    });
    progress.tick(shared, started, true);
    if let Ok(mut slot) = shared.error.lock()
        && let Some(err) = slot.take()
    {
        return Err(err);
    }
    let lost = shared.lost.load(Ordering::Relaxed);
    if lost > 0 {
        session.notices().progress(&format!(
            "batch: {lost} result(s) dropped: their lease ran out and another worker took the job"
        ));
    }
    session
        .notices()
        .progress(&format!("batch: {}", describe_counts(&store.job_counts()?)));
    Ok(())
}

fn describe_counts(counts: &JobCounts) -> String {
    let mut text = format!(
        "{} job(s): {} done, {} failed, {} queued, {} running",
        counts.total(),
        counts.done,
        counts.failed,
        counts.queued,
        counts.running
    );
    if counts.skipped > 0 {
        text.push_str(&format!(
            "; {} skipped by the popularity filter",
            counts.skipped
        ));
    }
    text
}

/// Names this process in leases: host, process id and start time.
fn lease_owner() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_string())
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "host".to_string());
    format!(
        "{host}:{}:{}",
        std::process::id(),
        dsca_store::unix_millis()
    )
}

fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// Done/total, rate and ETA: one redrawn line on a terminal, a plain line every ten
/// seconds otherwise (logs, CI).
struct Progress<'n> {
    before: JobCounts,
    notices: &'n Notices,
    last: Option<Instant>,
}

impl<'n> Progress<'n> {
    fn new(before: JobCounts, notices: &'n Notices) -> Self {
        Progress {
            before,
            notices,
            last: None,
        }
    }

    fn tick(&mut self, shared: &Shared<'_>, started: Instant, last_tick: bool) {
        let interval = if self.notices.live() {
            Duration::from_millis(500)
        } else {
            Duration::from_secs(10)
        };
        let due = self.last.is_none_or(|last| last.elapsed() >= interval);
        if !due && !last_tick {
            return;
        }
        if !self.notices.live() && self.last.is_none() && !last_tick {
            // Plain output starts after the first interval: short runs print one line.
            self.last = Some(Instant::now());
            return;
        }
        self.last = Some(Instant::now());
        let finished = shared.finished.load(Ordering::Relaxed);
        let failed = shared.failed.load(Ordering::Relaxed);
        let total = u64::try_from(self.before.total()).unwrap_or(0);
        let done = u64::try_from(self.before.finished())
            .unwrap_or(0)
            .saturating_add(finished)
            .min(total);
        let seconds = started.elapsed().as_secs_f64();
        let rate = if seconds > 0.0 {
            finished as f64 / seconds
        } else {
            0.0
        };
        let remaining = total.saturating_sub(done);
        let eta = if rate > 0.0 {
            format_duration(remaining as f64 / rate)
        } else {
            "-".to_string()
        };
        let line =
            format!("{done}/{total} packages ({failed} failed this run), {rate:.1}/s, ETA {eta}");
        self.notices.status(&format!("batch: {line}"), last_tick);
    }
}

fn format_duration(seconds: f64) -> String {
    let seconds = seconds.max(0.0).round() as u64;
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}h{minutes:02}m")
    } else if minutes > 0 {
        format!("{minutes}m{seconds:02}s")
    } else {
        format!("{seconds}s")
    }
}
