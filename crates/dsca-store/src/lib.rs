//! The results store of `dsca batch` and `dsca worker`: a job queue with leases and the
//! reports the jobs produced, in a SQLite file (one process) or PostgreSQL (a fleet).
//!
//! The store is async (sqlx) inside; [`Store`] is a synchronous facade that owns a
//! current-thread tokio runtime, as the rest of dsca is synchronous. Every call takes a
//! short lock, so a `Store` is shared by reference across scan threads.
//!
//! Guarantees: a job's result is written in the same transaction that marks the job
//! finished, and only by the holder of the job's lease, so a package never has two
//! results; a job whose lease ran out is claimed again.

/// Binds a result's columns, from `spec` to `report`, in the order of the `results` table.
macro_rules! bind_result_columns {
    ($query:expr, $record:expr, $scanned_at:expr) => {
        $query
            .bind(&$record.spec)
            .bind(&$record.name)
            .bind(&$record.version)
            .bind(&$record.verdict)
            .bind($record.score)
            .bind($record.popularity_rank)
            .bind(i64::from($record.has_dynamic))
            .bind(i64::from(!$record.dns_names.is_empty()))
            .bind(&$record.error_code)
            .bind($scanned_at)
            .bind(&$record.report_json)
    };
}

/// Runs `$body` with `$pool` bound to the concrete pool of either engine. The queries are
/// written once: both engines take `$N` parameters and the schema uses common types.
macro_rules! with_pool {
    ($self:expr, $pool:ident => $body:expr) => {
        match &$self.pool {
            Pool::Sqlite($pool) => $body,
            Pool::Postgres($pool) => $body,
        }
    };
}

mod journal;
mod record;
mod schema;
mod stats;

pub use dsca_model::study::{RulePrevalence, StudyStats, TierSize};
pub use journal::{Journal, Replayed, replay};
pub use record::{ResultRecord, non_registry_dns_names};
pub use schema::SCHEMA_VERSION;

use sqlx::Row as _;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Most rows written by one multi-row INSERT (well under both engines' parameter limits).
const INSERT_CHUNK: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the store {location} was written by a newer dsca (schema version {found}; this dsca reads up to {supported}): upgrade dsca or use another --db"
    )]
    TooNew {
        location: String,
        found: i64,
        supported: i64,
    },
    #[error("the store {location} has an unreadable schema version `{value}`")]
    BadVersion { location: String, value: String },
    #[error("cannot open the store {location}: {source}")]
    Open {
        location: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("store: {0}")]
    Database(#[from] sqlx::Error),
    #[error("store: cannot encode a report: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("store: cannot start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which engine a store location names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// `postgres://...` or `postgresql://...` is PostgreSQL; anything else is a SQLite file
    /// path (an optional `sqlite://` prefix is dropped).
    pub fn parse(text: &str) -> Location {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Location::Postgres(text.to_string());
        }
        let path = text.strip_prefix("sqlite://").unwrap_or(text);
        Location::Sqlite(PathBuf::from(path))
    }

    /// For messages: the path, or the URL without its password.
    pub fn display(&self) -> String {
        match self {
            Location::Sqlite(path) => path.display().to_string(),
            Location::Postgres(url) => redact_password(url),
        }
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_string(),
    }
}

enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A job to record: queued, or skipped (with why) by the popularity filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewJob<'a> {
    pub spec: &'a str,
    /// Downloads over the filter's period, when looked up and known.
    pub downloads: Option<i64>,
    /// `Some` records the job as `skipped` for this reason.
    pub skip_reason: Option<&'a str>,
}

impl<'a> NewJob<'a> {
    pub fn queued(spec: &'a str) -> Self {
        NewJob {
            spec,
            downloads: None,
            skip_reason: None,
        }
    }
}

/// A claimed job: scan `spec`, then [`Store::complete`] it before the lease runs out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Job {
    pub id: i64,
    pub spec: String,
    /// How many times the job was claimed, this claim included.
    pub attempts: i64,
}

/// How many jobs are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobCounts {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
    /// Not to be scanned: left out by the popularity filter.
    pub skipped: i64,
}

impl JobCounts {
    /// The jobs to scan (skipped ones are not).
    pub fn total(&self) -> i64 {
        self.queued + self.running + self.done + self.failed
    }
    pub fn finished(&self) -> i64 {
        self.done + self.failed
    }
}

/// One stored result, as export reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResult {
    pub job_id: i64,
    pub spec: String,
    pub name: String,
    pub version: Option<String>,
    pub verdict: Option<String>,
    pub score: Option<i64>,
    pub popularity_rank: Option<i64>,
    pub non_registry_dns: bool,
    pub error_code: Option<String>,
    pub scanned_at: String,
    pub report_json: String,
}

pub struct Store {
    location: Location,
    runtime: tokio::runtime::Runtime,
    pool: Pool,
    /// One call at a time through the runtime: calls are short, and SQLite has one writer.
    gate: Mutex<()>,
}

impl Drop for Store {
    /// Closing the pool closes SQLite's last connection, which folds the write-ahead log
    /// into the database file: a store copied or moved once dsca has exited is whole.
    fn drop(&mut self) {
        let pool = &self.pool;
        self.runtime.block_on(async {
            match pool {
                Pool::Sqlite(pool) => pool.close().await,
                Pool::Postgres(pool) => pool.close().await,
            }
        });
    }
}

impl Store {
    /// Open (creating a SQLite file if needed) and migrate the schema forward.
    pub fn open(location: &str) -> Result<Store> {
        let location = Location::parse(location);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let opened = runtime.block_on(async {
            match &location {
                Location::Sqlite(path) => {
                    let options = SqliteConnectOptions::new()
                        .filename(path)
                        .create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .foreign_keys(true)
                        .busy_timeout(Duration::from_secs(30));
                    // One connection: SQLite has one writer, and the gate serialises calls.
                    SqlitePoolOptions::new()
                        .max_connections(1)
                        .connect_with(options)
                        .await
                        .map(Pool::Sqlite)
                }
                // No test query before each use: it doubled the round trips of every call.
                // Idle connections are closed after a minute instead, before a firewall
                // between the fleet and the server forgets them.
                Location::Postgres(url) => PgPoolOptions::new()
                    .max_connections(2)
                    .test_before_acquire(false)
                    .idle_timeout(Duration::from_secs(60))
                    .acquire_timeout(Duration::from_secs(30))
                    .connect(url)
                    .await
                    .map(Pool::Postgres),
            }
        });
        let pool = opened.map_err(|source| StoreError::Open {
            location: location.display(),
            source,
        })?;
        let store = Store {
            location,
            runtime,
            pool,
            gate: Mutex::new(()),
        };
        store.migrate()?;
        Ok(store)
    }

    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Where writers of this store keep their [`Journal`]s: beside a SQLite file
    /// (`<file>.pending/`), under `cache_root` for PostgreSQL (one directory per database,
    /// so the workers of one machine find each other's journals).
    pub fn journal_dir(&self, cache_root: &Path) -> PathBuf {
        match &self.location {
            Location::Sqlite(path) => {
                let mut dir = path.clone().into_os_string();
                dir.push(".pending");
                PathBuf::from(dir)
            }
            // Keyed without the password, which may change between runs.
            Location::Postgres(_) => {
                use sha2::Digest as _;
                let digest = sha2::Sha256::digest(self.location.display().as_bytes());
                let key: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
                cache_root.join("pending-results").join(key)
            }
        }
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self.pool, Pool::Sqlite(_))
    }

    fn block_on<T>(&self, future: impl std::future::Future<Output = T>) -> T {
        // A poisoned gate only means another thread panicked mid-call; the pool is intact.
        let _guard = self
            .gate
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.runtime.block_on(future)
    }

    /// The schema version recorded in the store (0 for a new store).
    pub fn schema_version(&self) -> Result<i64> {
        let value: Option<String> = self.block_on(async {
            with_pool!(self, pool => {
                sqlx::query_scalar("SELECT value FROM meta WHERE key = 'schema_version'")
                    .fetch_optional(pool)
                    .await
            })
        })?;
        match value {
            None => Ok(0),
            Some(value) => value.parse().map_err(|_| StoreError::BadVersion {
                location: self.location.display(),
                value,
            }),
        }
    }

    fn migrate(&self) -> Result<()> {
        let location = self.location.display();
        self.block_on(async {
            with_pool!(self, pool => {
                let mut tx = pool.begin().await?;
                if matches!(self.pool, Pool::Postgres(_)) {
                    // Workers starting together must not migrate twice.
                    sqlx::query("SELECT pg_advisory_xact_lock(4242001)").execute(&mut *tx).await?;
                }
                sqlx::query("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                    .execute(&mut *tx)
                    .await?;
                let value: Option<String> =
                    sqlx::query_scalar("SELECT value FROM meta WHERE key = 'schema_version'")
                        .fetch_optional(&mut *tx)
                        .await?;
                let found: i64 = match value {
                    None => 0,
                    Some(value) => value.parse().map_err(|_| StoreError::BadVersion {
                        location: location.clone(),
                        value,
                    })?,
                };
                if found > SCHEMA_VERSION {
                    return Err(StoreError::TooNew { location, found, supported: SCHEMA_VERSION });
                }
                for migration in schema::MIGRATIONS.iter().filter(|m| m.version > found) {
                    let statements = match self.pool {
                        Pool::Sqlite(_) => migration.sqlite,
                        Pool::Postgres(_) => migration.postgres,
                    };
                    for statement in statements {
                        sqlx::query(statement).execute(&mut *tx).await?;
                    }
                }
                if found < SCHEMA_VERSION {
                    sqlx::query(
                        "INSERT INTO meta (key, value) VALUES ('schema_version', $1)
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    )
                    .bind(SCHEMA_VERSION.to_string())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            })
        })
    }

    /// Record the start of a batch run; jobs enqueued by it point at the returned id.
    pub fn start_run(&self, source: &str, started_at: &str) -> Result<i64> {
        Ok(self.block_on(async {
            with_pool!(self, pool => {
                sqlx::query_scalar(
                    "INSERT INTO runs (started_at, source, dsca_version) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(started_at)
                .bind(source)
                .bind(env!("CARGO_PKG_VERSION"))
                .fetch_one(pool)
                .await
            })
        })?)
    }

    /// Queue specs not already in the store (a spec is analysed once per store).
    /// Returns how many were new.
    pub fn enqueue(&self, run_id: i64, specs: &[String]) -> Result<u64> {
        let jobs: Vec<NewJob<'_>> = specs.iter().map(|spec| NewJob::queued(spec)).collect();
        self.enqueue_jobs(run_id, None, &jobs)
    }

    /// Record jobs not already in the store: queued, or `skipped` with their reason,
    /// with their downloads over `downloads_period` when known. Returns how many were new.
    pub fn enqueue_jobs(
        &self,
        run_id: i64,
        downloads_period: Option<&str>,
        jobs: &[NewJob<'_>],
    ) -> Result<u64> {
        let mut added = 0;
        for chunk in jobs.chunks(INSERT_CHUNK) {
            let sql = values_sql(
                "INSERT INTO jobs (run_id, downloads_period, spec, state, downloads, skip_reason) VALUES ",
                chunk.len(),
                2,
                4,
            ) + " ON CONFLICT (spec) DO NOTHING";
            added += self.block_on(async {
                with_pool!(self, pool => {
                    let mut query = sqlx::query(&sql).bind(run_id).bind(downloads_period);
                    for job in chunk {
                        let state = if job.skip_reason.is_some() { "skipped" } else { "queued" };
                        query = query.bind(job.spec).bind(state).bind(job.downloads).bind(job.skip_reason);
                    }
                    query.execute(pool).await.map(|done| done.rows_affected())
                })
            })?;
        }
        Ok(added)
    }

    /// Queue again the jobs skipped for `reason` whose downloads over `downloads_period`
    /// reach `min_downloads`: a batch run again with a lower threshold scans them.
    /// Returns how many went back to the queue.
    pub fn requeue_skipped(
        &self,
        reason: &str,
        downloads_period: &str,
        min_downloads: i64,
    ) -> Result<u64> {
        Ok(self.block_on(async {
            with_pool!(self, pool => {
                sqlx::query(
                    "UPDATE jobs SET state = 'queued', skip_reason = NULL
                     WHERE state = 'skipped' AND skip_reason = $1 AND downloads_period = $2
                       AND downloads >= $3",
                )
                .bind(reason)
                .bind(downloads_period)
                .bind(min_downloads)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
            })
        })?)
    }

    /// Which of `specs` the store already holds, in any state: a resumed batch does not
    /// look their downloads up again.
    pub fn known_specs(&self, specs: &[String]) -> Result<HashSet<String>> {
        let mut known = HashSet::new();
        for chunk in specs.chunks(INSERT_CHUNK) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let sql = format!(
                "SELECT spec FROM jobs WHERE spec IN ({})",
                placeholders.join(", ")
            );
            let found: Vec<String> = self.block_on(async {
                with_pool!(self, pool => {
                    let mut query = sqlx::query_scalar(&sql);
                    for spec in chunk {
                        query = query.bind(spec);
                    }
                    query.fetch_all(pool).await
                })
            })?;
            known.extend(found);
        }
        Ok(known)
    }

    /// Put every `running` job back in the queue. Only for a SQLite store that this process
    /// holds alone: their owner is known to be dead.
    pub fn requeue_running(&self) -> Result<u64> {
        Ok(self.block_on(async {
            with_pool!(self, pool => {
                sqlx::query(
                    "UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_expires = NULL
                     WHERE state = 'running'",
                )
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
            })
        })?)
    }

    /// Claim the next job: one whose lease ran out first, else the oldest queued one.
    /// PostgreSQL skips rows other workers are claiming (`FOR UPDATE SKIP LOCKED`).
    pub fn claim(&self, owner: &str, lease: Duration) -> Result<Option<Job>> {
        Ok(self.claim_many(owner, lease, 1)?.into_iter().next())
    }

    /// Claim up to `max` jobs in one round trip: those whose lease ran out first, then the
    /// oldest queued ones. Each gets this owner's lease.
    pub fn claim_many(&self, owner: &str, lease: Duration, max: usize) -> Result<Vec<Job>> {
        let now = unix_millis();
        let expires = now.saturating_add(duration_millis(lease));
        let lock = match self.pool {
            Pool::Sqlite(_) => "",
            Pool::Postgres(_) => " FOR UPDATE SKIP LOCKED",
        };
        // Leases that ran out first, so a dead worker's jobs are not left to the end.
        let sql = format!(
            "WITH expired AS (SELECT id FROM jobs WHERE state = 'running' AND lease_expires < $3
                              ORDER BY lease_expires LIMIT $4{lock}),
                  queued AS (SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT $4{lock})
             UPDATE jobs SET state = 'running', lease_owner = $1, lease_expires = $2, attempts = attempts + 1
             WHERE id IN (SELECT id FROM (SELECT id, 0 AS rank FROM expired UNION ALL
                                          SELECT id, 1 AS rank FROM queued) AS candidates
                          ORDER BY rank, id LIMIT $4)
             RETURNING id, spec, attempts"
        );
        let max = i64::try_from(max.max(1)).unwrap_or(i64::MAX);
        let mut jobs = self.block_on(async {
            with_pool!(self, pool => {
                sqlx::query(&sql)
                    .bind(owner)
                    .bind(expires)
                    .bind(now)
                    .bind(max)
                    .fetch_all(pool)
                    .await
                    .and_then(|rows| rows.iter().map(|row| Ok(Job {
                        id: row.try_get("id")?,
                        spec: row.try_get("spec")?,
                        attempts: row.try_get("attempts")?,
                    })).collect::<Result<Vec<_>, sqlx::Error>>())
            })
        })?;
        jobs.sort_by_key(|job| job.id);
        Ok(jobs)
    }

    /// Put jobs this owner claimed but will not scan back in the queue.
    pub fn release(&self, job_ids: &[i64], owner: &str) -> Result<u64> {
        let mut released = 0;
        for &job_id in job_ids {
            released += self.block_on(async {
                with_pool!(self, pool => {
                    sqlx::query(
                        "UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_expires = NULL,
                            attempts = attempts - 1
                         WHERE id = $1 AND lease_owner = $2 AND state = 'running'",
                    )
                    .bind(job_id)
                    .bind(owner)
                    .execute(pool)
                    .await
                    .map(|done| done.rows_affected())
                })
            })?;
        }
        Ok(released)
    }

    /// Extend the lease of a job this owner holds. False when the lease was lost (it ran
    /// out and another worker claimed the job).
    pub fn renew(&self, job_id: i64, owner: &str, lease: Duration) -> Result<bool> {
        let expires = unix_millis().saturating_add(duration_millis(lease));
        Ok(self.block_on(async {
            with_pool!(self, pool => {
                sqlx::query(
                    "UPDATE jobs SET lease_expires = $1
                     WHERE id = $2 AND lease_owner = $3 AND state = 'running'",
                )
                .bind(expires)
                .bind(job_id)
                .bind(owner)
                .execute(pool)
                .await
                .map(|done| done.rows_affected() == 1)
            })
        })?)
    }

    /// Write a job's result and mark it `done` (or `failed` when the report has errors), in
    /// one transaction. False, with nothing written, when `owner` no longer holds the lease.
    pub fn complete(
        &self,
        job: &Job,
        owner: &str,
        record: &ResultRecord,
        scanned_at: &str,
    ) -> Result<bool> {
        let written = self.complete_many(owner, &[(job, record, scanned_at)])?;
        Ok(written.first().copied().unwrap_or(false))
    }

    /// [`Store::complete`] for several jobs in one transaction (on PostgreSQL one statement,
    /// so one round trip for all): each item is a job, its result and when its scan
    /// finished. One flag per item: false, with nothing written for it, when `owner` no
    /// longer holds that job's lease.
    pub fn complete_many(
        &self,
        owner: &str,
        items: &[(&Job, &ResultRecord, &str)],
    ) -> Result<Vec<bool>> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        if let Pool::Postgres(pool) = &self.pool {
            // A job twice in one call (a process that took back its own job when the lease
            // ran out, both scans done within one hold) is written once, from its first
            // result, as SQLite's statement per job does: one statement cannot update a
            // row twice, and the second insert would break the results' primary key.
            let mut seen = HashSet::new();
            let first: Vec<bool> = items
                .iter()
                .map(|(job, _, _)| seen.insert(job.id))
                .collect();
            let unique: Vec<(&Job, &ResultRecord, &str)> = items
                .iter()
                .zip(&first)
                .filter(|(_, first)| **first)
                .map(|(item, _)| *item)
                .collect();
            let written = self.block_on(complete_postgres(pool, owner, &unique))?;
            return Ok(items
                .iter()
                .zip(first)
                .map(|((job, _, _), first)| first && written.contains(&job.id))
                .collect());
        }
        self.block_on(async {
            with_pool!(self, pool => {
                let mut tx = pool.begin().await?;
                let mut written = Vec::with_capacity(items.len());
                for (job, record, scanned_at) in items {
                    let claimed = sqlx::query(
                        "UPDATE jobs SET state = $1, lease_owner = NULL, lease_expires = NULL
                         WHERE id = $2 AND lease_owner = $3 AND state = 'running'",
                    )
                    .bind(final_state(record))
                    .bind(job.id)
                    .bind(owner)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    written.push(claimed == 1);
                    if claimed != 1 {
                        continue;
                    }
                    let insert = sqlx::query(
                        "INSERT INTO results (job_id, spec, name, version, verdict, score, popularity_rank,
                            has_dynamic, non_registry_dns, error_code, scanned_at, report)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    )
                    .bind(job.id);
                    bind_result_columns!(insert, record, scanned_at)
                        .execute(&mut *tx)
                        .await?;
                    for chunk in record.findings.chunks(INSERT_CHUNK) {
                        let sql = values_sql("INSERT INTO findings (job_id, rule, severity) VALUES ", chunk.len(), 1, 2);
                        let mut query = sqlx::query(&sql).bind(job.id);
                        for (rule, severity) in chunk {
                            query = query.bind(rule).bind(severity);
                        }
                        query.execute(&mut *tx).await?;
                    }
                    for (table, values) in [("behaviours (job_id, behaviour)", &record.behaviours), ("dns_names (job_id, name)", &record.dns_names)] {
                        for chunk in values.chunks(INSERT_CHUNK) {
                            let sql = values_sql(&format!("INSERT INTO {table} VALUES "), chunk.len(), 1, 1);
                            let mut query = sqlx::query(&sql).bind(job.id);
                            for value in chunk {
                                query = query.bind(value);
                            }
                            query.execute(&mut *tx).await?;
                        }
                    }
                }
                tx.commit().await?;
                Ok(written)
            })
        })
    }

    pub fn job_counts(&self) -> Result<JobCounts> {
        let rows: Vec<(String, i64)> = self.block_on(async {
            with_pool!(self, pool => {
                sqlx::query_as("SELECT state, COUNT(*) FROM jobs GROUP BY state")
                    .fetch_all(pool)
                    .await
            })
        })?;
        let mut counts = JobCounts::default();
        for (state, count) in rows {
            match state.as_str() {
                "queued" => counts.queued = count,
                "running" => counts.running = count,
                "done" => counts.done = count,
                "failed" => counts.failed = count,
                "skipped" => counts.skipped = count,
                _ => {}
            }
        }
        Ok(counts)
    }

    /// Results with `job_id` above `after`, in job order, at most `limit` of them: page
    /// through a large store without holding it in memory.
    pub fn results_after(&self, after: i64, limit: i64) -> Result<Vec<StoredResult>> {
        let rows = self.block_on(async {
            with_pool!(self, pool => {
                sqlx::query(
                    "SELECT job_id, spec, name, version, verdict, score, popularity_rank,
                        non_registry_dns, error_code, scanned_at, report
                     FROM results WHERE job_id > $1 ORDER BY job_id LIMIT $2",
                )
                .bind(after)
                .bind(limit)
                .fetch_all(pool)
                .await
                .and_then(|rows| rows.iter().map(|row| Ok(StoredResult {
                    job_id: row.try_get("job_id")?,
                    spec: row.try_get("spec")?,
                    name: row.try_get("name")?,
                    version: row.try_get("version")?,
                    verdict: row.try_get("verdict")?,
                    score: row.try_get("score")?,
                    popularity_rank: row.try_get("popularity_rank")?,
                    non_registry_dns: row.try_get::<i64, _>("non_registry_dns")? != 0,
                    error_code: row.try_get("error_code")?,
                    scanned_at: row.try_get("scanned_at")?,
                    report_json: row.try_get("report")?,
                })).collect::<Result<Vec<_>, sqlx::Error>>())
            })
        })?;
        Ok(rows)
    }

    /// Empty every table but `meta` (tests sharing one PostgreSQL database use it).
    #[doc(hidden)]
    pub fn reset_for_tests(&self) -> Result<()> {
        self.block_on(async {
            with_pool!(self, pool => {
                for table in ["dns_names", "behaviours", "findings", "results", "jobs", "runs"] {
                    sqlx::query(&format!("DELETE FROM {table}")).execute(pool).await?;
                }
                Ok::<(), sqlx::Error>(())
            })
        })?;
        Ok(())
    }

    /// Set the recorded schema version (tests of the newer-store refusal use it).
    #[doc(hidden)]
    pub fn force_schema_version(&self, version: i64) -> Result<()> {
        self.block_on(async {
            with_pool!(self, pool => {
                sqlx::query("UPDATE meta SET value = $1 WHERE key = 'schema_version'")
                    .bind(version.to_string())
                    .execute(pool)
                    .await
                    .map(|_| ())
            })
        })?;
        Ok(())
    }
}

/// A job's state once its result is written: `failed` when the report has errors.
fn final_state(record: &ResultRecord) -> &'static str {
    if record.error_code.is_some() {
        "failed"
    } else {
        "done"
    }
}

/// [`Store::complete_many`] on PostgreSQL in one statement (one round trip, atomic like
/// any statement): the rows arrive as parallel arrays, the jobs' update and every insert
/// are data-modifying CTEs, and a row is inserted only for a job the update found held by
/// `owner`. Returns the ids of the jobs written.
///
/// The jobs are found by primary key (`id = ANY($2)`) and checked by owner alone: a job
/// has a lease owner only while it runs (every way out of `running` clears it), and a
/// `state = 'running'` test let the planner scan `jobs_by_state` instead, through every
/// entry a finished job left there until the next vacuum.
async fn complete_postgres(
    pool: &PgPool,
    owner: &str,
    items: &[(&Job, &ResultRecord, &str)],
) -> Result<Vec<i64>> {
    let records = || items.iter().map(|(_, record, _)| *record);
    let ids: Vec<i64> = items.iter().map(|(job, _, _)| job.id).collect();
    let scanned_at: Vec<&str> = items.iter().map(|(_, _, at)| *at).collect();
    let states: Vec<&str> = records().map(final_state).collect();
    let specs: Vec<&str> = records().map(|r| r.spec.as_str()).collect();
    let names: Vec<&str> = records().map(|r| r.name.as_str()).collect();
    let versions: Vec<Option<&str>> = records().map(|r| r.version.as_deref()).collect();
    let verdicts: Vec<Option<&str>> = records().map(|r| r.verdict.as_deref()).collect();
    let scores: Vec<Option<i64>> = records().map(|r| r.score).collect();
    let ranks: Vec<Option<i64>> = records().map(|r| r.popularity_rank).collect();
    let dynamic: Vec<i64> = records().map(|r| i64::from(r.has_dynamic)).collect();
    let outside: Vec<i64> = records()
        .map(|r| i64::from(!r.dns_names.is_empty()))
        .collect();
    let errors: Vec<Option<&str>> = records().map(|r| r.error_code.as_deref()).collect();
    let reports: Vec<&str> = records().map(|r| r.report_json.as_str()).collect();
    // One row per finding, behaviour and name, each with its job's id.
    let mut finding_jobs = Vec::new();
    let mut rules = Vec::new();
    let mut severities = Vec::new();
    let mut behaviour_jobs = Vec::new();
    let mut behaviours = Vec::new();
    let mut dns_jobs = Vec::new();
    let mut dns_names = Vec::new();
    for (job, record, _) in items {
        for (rule, severity) in &record.findings {
            finding_jobs.push(job.id);
            rules.push(rule.as_str());
            severities.push(severity.as_str());
        }
        for behaviour in &record.behaviours {
            behaviour_jobs.push(job.id);
            behaviours.push(behaviour.as_str());
        }
        for name in &record.dns_names {
            dns_jobs.push(job.id);
            dns_names.push(name.as_str());
        }
    }
    let mut sql = String::from(
        "WITH input AS (
            SELECT * FROM UNNEST($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
                $7::text[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::text[],
                $13::text[], $14::text[])
            AS i(job_id, state, spec, name, version, verdict, score, popularity_rank, has_dynamic,
                non_registry_dns, error_code, report, scanned_at)),
         done AS (
            UPDATE jobs SET state = input.state, lease_owner = NULL, lease_expires = NULL
            FROM input
            WHERE jobs.id = ANY($2) AND jobs.id = input.job_id AND jobs.lease_owner = $1
            RETURNING jobs.id),
         result AS (
            INSERT INTO results (job_id, spec, name, version, verdict, score, popularity_rank,
                has_dynamic, non_registry_dns, error_code, scanned_at, report)
            SELECT i.job_id, i.spec, i.name, i.version, i.verdict, i.score, i.popularity_rank,
                i.has_dynamic, i.non_registry_dns, i.error_code, i.scanned_at, i.report
            FROM input AS i JOIN done ON done.id = i.job_id)",
    );
    // The child tables' inserts only when there are rows for them: most packages have no
    // finding and no DNS name, and each insert costs the server as much as a row does.
    struct ChildRows<'v> {
        cte: &'static str,
        table: &'static str,
        /// Its text columns after `job_id`, each with its array of values.
        columns: &'static [&'static str],
        jobs: &'v [i64],
        values: Vec<&'v [&'v str]>,
    }
    let children = [
        ChildRows {
            cte: "finding",
            table: "findings",
            columns: &["rule", "severity"],
            jobs: &finding_jobs,
            values: vec![&rules, &severities],
        },
        ChildRows {
            cte: "behaviour",
            table: "behaviours",
            columns: &["behaviour"],
            jobs: &behaviour_jobs,
            values: vec![&behaviours],
        },
        ChildRows {
            cte: "dns",
            table: "dns_names",
            columns: &["name"],
            jobs: &dns_jobs,
            values: vec![&dns_names],
        },
    ];
    let present = || children.iter().filter(|child| !child.jobs.is_empty());
    let mut next = 15;
    for child in present() {
        let names: Vec<&str> = std::iter::once("job_id")
            .chain(child.columns.iter().copied())
            .collect();
        let arrays: Vec<String> = (0..names.len())
            .map(|k| {
                let kind = if k == 0 { "bigint" } else { "text" };
                format!("${}::{kind}[]", next + k)
            })
            .collect();
        next += names.len();
        sql.push_str(&format!(
            ", {cte} AS (INSERT INTO {table} ({names})
                SELECT {selected} FROM UNNEST({arrays}) AS c({names})
                JOIN done ON done.id = c.job_id)",
            cte = child.cte,
            table = child.table,
            names = names.join(", "),
            selected = names
                .iter()
                .map(|n| format!("c.{n}"))
                .collect::<Vec<_>>()
                .join(", "),
            arrays = arrays.join(", "),
        ));
    }
    sql.push_str(" SELECT id FROM done");
    let mut query = sqlx::query_scalar(&sql)
        .bind(owner)
        .bind(&ids)
        .bind(&states)
        .bind(&specs)
        .bind(&names)
        .bind(&versions)
        .bind(&verdicts)
        .bind(&scores)
        .bind(&ranks)
        .bind(&dynamic)
        .bind(&outside)
        .bind(&errors)
        .bind(&reports)
        .bind(&scanned_at);
    // Bound in the order their placeholders were numbered above.
    for child in present() {
        query = query.bind(child.jobs);
        for values in &child.values {
            query = query.bind(*values);
        }
    }
    let written = query.fetch_all(pool).await?;
    Ok(written)
}

/// `prefix` followed by `rows` tuples of `($1, ..., $shared, $k, ...)`: the `shared`
/// parameters every row repeats (the job id, a run id), then `width` values of its own.
fn values_sql(prefix: &str, rows: usize, shared: usize, width: usize) -> String {
    let mut sql = String::from(prefix);
    let mut parameter = shared + 1;
    for row in 0..rows {
        if row > 0 {
            sql.push(',');
        }
        sql.push('(');
        let own = (parameter..parameter + width).map(|n| format!("${n}"));
        let columns: Vec<String> = (1..=shared).map(|n| format!("${n}")).chain(own).collect();
        sql.push_str(&columns.join(", "));
        sql.push(')');
        parameter += width;
    }
    sql
}

pub fn unix_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
        })
}

fn duration_millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(store: &Store) -> &sqlx::SqlitePool {
        match &store.pool {
            Pool::Sqlite(pool) => pool,
            Pool::Postgres(_) => panic!("a SQLite store"),
        }
    }

    fn has_lease_index(store: &Store) -> bool {
        let count: i64 = store
            .block_on(
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM sqlite_master
                     WHERE type = 'index' AND name = 'jobs_running_by_lease'",
                )
                .fetch_one(sqlite(store)),
            )
            .expect("query sqlite_master");
        count == 1
    }

    /// A store of schema 2 (before the lease index) keeps its queue through the migration.
    #[test]
    fn a_store_of_schema_2_is_migrated_forward_with_its_jobs() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("results.db");
        let location = path.to_str().expect("utf-8 path");
        {
            let store = Store::open(location).expect("open");
            let run = store
                .start_run("test", "2026-01-15T12:00:00Z")
                .expect("run");
            store.enqueue(run, &["a".to_string()]).expect("enqueue");
            // Back to schema 2 as an older dsca left it.
            store
                .block_on(sqlx::query("DROP INDEX jobs_running_by_lease").execute(sqlite(&store)))
                .expect("drop the index");
            store.force_schema_version(2).expect("set version 2");
            assert!(!has_lease_index(&store));
        }
        let store = Store::open(location).expect("reopen");
        assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
        assert!(has_lease_index(&store));
        let job = store
            .claim("o", Duration::from_secs(60))
            .expect("claim")
            .expect("the queued job survived");
        assert_eq!(job.spec, "a");
    }
}
