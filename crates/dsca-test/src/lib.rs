//! dsca's shared test harness: npm tarballs built in memory, a local npm registry
//! served over real HTTP, temp dirs, and the switch for tests that need the network.
//!
//! Used only as a dev-dependency; panics here are test failures with a message.

mod downloads;
mod files;
mod home;
mod http;
mod package;
mod registry;
mod tls;

pub use downloads::TestDownloadsApi;
pub use files::TestFileHost;
pub use home::TempHome;

pub use package::PackageBuilder;
pub use registry::{PublishOptions, Published, RequestRecord, TestRegistry};
pub use tempfile::TempDir;

/// A fresh temporary directory, removed when dropped.
pub fn temp_dir() -> TempDir {
    tempfile::tempdir().expect("create a temporary directory")
}

/// The environment switch that enables tests against the real npm registry.
pub const NETWORK_TESTS_ENV: &str = "DSCA_NETWORK_TESTS";

/// Whether tests that reach the real network may run (`DSCA_NETWORK_TESTS=1`).
/// Prints a line naming the skipped test otherwise.
pub fn network_tests_enabled(test_name: &str) -> bool {
    let enabled = std::env::var(NETWORK_TESTS_ENV).is_ok_and(|v| v == "1");
    if !enabled {
        // Straight to stderr: the test harness swallows `println!` of passing tests.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipped {test_name}: network test (set {NETWORK_TESTS_ENV}=1 to run)"
        );
    }
    enabled
}

const SANDBOX_TESTS_ENV: &str = "DSCA_SANDBOX_TESTS";

/// Whether tests that run packages in dsca's sandbox are switched on: they need root
/// (user namespaces mapped to unused host ids), strace, iproute2 and nftables, so they
/// run only with `DSCA_SANDBOX_TESTS=1` (as `.ci/run` sets).
pub fn sandbox_tests_enabled(test_name: &str) -> bool {
    let enabled = std::env::var(SANDBOX_TESTS_ENV).is_ok_and(|v| v == "1");
    if !enabled {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipped {test_name}: sandbox test (set {SANDBOX_TESTS_ENV}=1 to run, as root)"
        );
    }
    enabled
}

/// One kind of record of every phase of a report's `dynamic` object, in phase order
/// (the JSON groups records by phase): `/dns`, `/commands`, `/honeytokens/reads`, ...
pub fn phase_records(run: &serde_json::Value, pointer: &str) -> Vec<serde_json::Value> {
    run["phases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|phase| phase.pointer(pointer).and_then(serde_json::Value::as_array))
        .flatten()
        .cloned()
        .collect()
}

/// The switch for the PostgreSQL fleet tests; the database's URL is in `DSCA_TEST_PG_URL`
/// (`.ci/postgres.sh start` prints both).
const PG_TESTS_ENV: &str = "DSCA_PG_TESTS";

/// The one PostgreSQL test database, held by one test at a time.
pub struct PgTestDatabase {
    pub url: String,
    /// An exclusive lock on a file beside the system's temp files: the PostgreSQL tests
    /// share the database and empty it first, and a test runner may run them in threads
    /// of one process (`cargo test`) or in processes of their own (`cargo nextest`).
    _lock: std::fs::File,
}

/// The PostgreSQL test database when `DSCA_PG_TESTS=1`, locked against every other
/// PostgreSQL test until the returned value is dropped. Prints a line naming the skipped
/// test otherwise.
pub fn pg_test_database(test_name: &str) -> Option<PgTestDatabase> {
    if !std::env::var(PG_TESTS_ENV).is_ok_and(|v| v == "1") {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipped {test_name}: PostgreSQL test (set {PG_TESTS_ENV}=1 and DSCA_TEST_PG_URL, see .ci/postgres.sh)"
        );
        return None;
    }
    let url = std::env::var("DSCA_TEST_PG_URL")
        .expect("DSCA_PG_TESTS=1 needs DSCA_TEST_PG_URL (see .ci/postgres.sh)");
    let path = std::env::temp_dir().join("dsca-pg-tests.lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .unwrap_or_else(|err| panic!("open {}: {err}", path.display()));
    lock.lock()
        .unwrap_or_else(|err| panic!("lock {}: {err}", path.display()));
    Some(PgTestDatabase { url, _lock: lock })
}
