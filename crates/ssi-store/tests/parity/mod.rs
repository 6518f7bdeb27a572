//! The harness of the PostgreSQL parity tests (`tests/pg_parity_*.rs`): one throwaway
//! cluster per test binary, a fresh database and a fresh SQLite store per test, and
//! assertions that both backends answer a call alike: the same value, or the same
//! error (kind and text).
#![allow(dead_code, unreachable_pub)]

use chrono::{DateTime, Utc};
use libtest_mimic::{Arguments, Trial};
use ssi_pg_harness::PgCluster;
use ssi_store::pg::PgStore;
use ssi_store::{Member, ModelInfo, Store, StoreError, Team, TokenInfo};
use std::fmt::Debug;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tempfile::TempDir;

/// `same!(both, "what", method(args…))`: calls the method with the same arguments on
/// both stores (and what follows the call, such as `.map(…)`, on both answers) and asserts that they answer alike ([`Both::same`]); gives SQLite's answer.
#[macro_export]
macro_rules! same {
    ($both:expr, $what:expr, $method:ident($($arg:expr),* $(,)?) $($then:tt)*) => {
        $both.same($what, |s| s.$method($($arg),*) $($then)*, |p| p.$method($($arg),*) $($then)*)
    };
}

/// `scenarios![a, b, …]`: the scenario functions, each under its own name, for [`run`].
#[macro_export]
macro_rules! scenarios {
    ($($scenario:ident),* $(,)?) => {
        &[$((stringify!($scenario), $scenario as parity::Scenario)),*]
    };
}

/// A parity test: a scenario run against both backends.
pub type Scenario = fn(&Both);

/// Runs the scenarios as the binary's tests (libtest's command line: filters,
/// `--list`, `--test-threads`), on one cluster started by the first test that runs
/// and stopped and deleted once all have finished.
pub fn run(scenarios: &[(&'static str, Scenario)]) -> ExitCode {
    let args = Arguments::from_args();
    let cluster: Arc<OnceLock<PgCluster>> = Arc::default();
    let databases = Arc::new(AtomicUsize::new(0));
    let trials = scenarios
        .iter()
        .map(|&(name, scenario)| {
            let (cluster, databases) = (Arc::clone(&cluster), Arc::clone(&databases));
            Trial::test(name, move || {
                let cluster = cluster.get_or_init(PgCluster::for_test);
                let database = format!("parity_{}", databases.fetch_add(1, Ordering::SeqCst));
                let both = Both::new(cluster.create_database(&database).unwrap());
                scenario(&both);
                Ok(())
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    // The trials (and their clones of the cluster) are gone: this stops the cluster.
    drop(cluster);
    conclusion.exit_code()
}

/// The same empty store on both backends.
pub struct Both {
    pub sqlite: Store,
    pub pg: PgStore,
    /// The PostgreSQL database's URL.
    pub url: String,
    dir: TempDir,
}

impl Both {
    fn new(url: String) -> Both {
        let dir = tempfile::tempdir().unwrap();
        let sqlite = Store::open(&dir.path().join("ssi.db")).unwrap();
        let pg = PgStore::open(&url, 4).unwrap();
        Both { sqlite, pg, url, dir }
    }

    /// Runs test-only SQL on each database directly, beside the stores: rows a
    /// scenario needs that no method of this area writes.
    pub fn execute_sql(&self, sqlite: &str, pg: &str) {
        let conn = rusqlite::Connection::open(self.dir.path().join("ssi.db")).unwrap();
        conn.execute_batch(sqlite).unwrap_or_else(|e| panic!("{sqlite}: {e}"));
        pg_batch(&self.url, pg);
    }
}

/// Runs statements on the database at `url`, on a connection of their own.
pub fn pg_batch(url: &str, sql: &str) {
    pg_client(url, async |client| client.batch_execute(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}")));
}

/// The rows one query gives on the database at `url`, on a connection of its own.
pub fn pg_rows(url: &str, sql: &str) -> Vec<tokio_postgres::Row> {
    pg_client(url, async |client| client.query(sql, &[]).await.unwrap_or_else(|e| panic!("{sql}: {e}")))
}

fn pg_client<T>(url: &str, work: impl AsyncFnOnce(&tokio_postgres::Client) -> T) -> T {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        work(&client).await
    })
}

/// A transaction held open on a connection of its own (another replica's, say) until it
/// is committed; dropped, it is rolled back.
pub struct HeldTransaction {
    client: tokio_postgres::Client,
    runtime: tokio::runtime::Runtime,
}

impl HeldTransaction {
    /// Begins a transaction on the database at `url` and runs `sql` in it.
    pub fn begin(url: &str, sql: &str) -> HeldTransaction {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let client = runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(connection);
            client.batch_execute(&format!("BEGIN; {sql}")).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
            client
        });
        HeldTransaction { client, runtime }
    }

    /// Commits the transaction.
    pub fn commit(self) {
        self.runtime.block_on(self.client.batch_execute("COMMIT")).unwrap();
    }
}

/// Runs `call` on a thread of its own and waits for its answer at most `seconds`:
/// a call that waits too long fails the test instead of hanging it.
#[track_caller]
pub fn within<T: Send + 'static>(seconds: u64, call: impl FnOnce() -> T + Send + 'static) -> T {
    let (answered, answer) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = answered.send(call());
    });
    answer.recv_timeout(std::time::Duration::from_secs(seconds)).expect("the call waited too long")
}

impl Both {
    /// Calls `call` on both stores and asserts that they answer alike (see [`same`]);
    /// returns SQLite's answer.
    #[track_caller]
    pub fn same<T: Comparable>(
        &self,
        what: &str,
        sqlite: impl FnOnce(&Store) -> Result<T, StoreError>,
        pg: impl FnOnce(&PgStore) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        same(what, sqlite(&self.sqlite), pg(&self.pg))
    }
}

/// Asserts that two answers are alike: equal values once their clock readings are
/// set aside (both stores read the clock, a moment apart), or errors of the same kind
/// with the same text. A backend error (SQLite's or PostgreSQL's own) is never alike.
#[track_caller]
pub fn same<T: Comparable>(
    what: &str,
    sqlite: Result<T, StoreError>,
    pg: Result<T, StoreError>,
) -> Result<T, StoreError> {
    match (&sqlite, &pg) {
        (Ok(s), Ok(p)) => {
            let (s, p) = (s.clone().without_clock(), p.clone().without_clock());
            assert_eq!(s, p, "{what}: the backends' answers differ");
        }
        (Err(s), Err(p)) => {
            assert!(is_domain_error(s), "{what}: SQLite failed: {s}");
            assert!(is_domain_error(p), "{what}: PostgreSQL failed: {p}");
            assert_eq!(std::mem::discriminant(s), std::mem::discriminant(p), "{what}: {s} / {p}");
            assert_eq!(s.to_string(), p.to_string(), "{what}: the backends' errors differ");
        }
        _ => panic!("{what}: SQLite answered {:?}, PostgreSQL {:?}", sqlite, pg),
    }
    sqlite
}

/// The errors the store's own rules raise, as opposed to its database's.
fn is_domain_error(error: &StoreError) -> bool {
    matches!(
        error,
        StoreError::NotFound { .. } | StoreError::Conflict { .. } | StoreError::InvalidData { .. }
    )
}

/// The time a clock reading is replaced with before comparing.
fn set_aside(_: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::UNIX_EPOCH
}

/// An answer that can be compared across the backends once the clock readings in it
/// are set aside.
pub trait Comparable: Clone + PartialEq + Debug {
    /// The value with every clock reading (a creation or use time) set to the epoch.
    fn without_clock(self) -> Self {
        self
    }
}

macro_rules! comparable_as_is {
    ($($t:ty),* $(,)?) => { $(impl Comparable for $t {})* };
}
comparable_as_is!(
    (),
    bool,
    usize,
    u32,
    i64,
    String,
    [u8; 32],
    ssi_core::ScoringModel,
    ssi_core::OfficialReading,
    ssi_core::advice::StoredReading,
    ssi_core::advice::MemberCalibration,
    ssi_store::CalibrationRefit,
    ssi_store::CalibratedHistory,
);

impl<T: Comparable> Comparable for Result<T, String> {
    fn without_clock(self) -> Self {
        self.map(Comparable::without_clock)
    }
}

impl<T: Comparable> Comparable for Vec<T> {
    fn without_clock(self) -> Self {
        self.into_iter().map(Comparable::without_clock).collect()
    }
}

impl<T: Comparable> Comparable for Option<T> {
    fn without_clock(self) -> Self {
        self.map(Comparable::without_clock)
    }
}

impl<A: Comparable, B: Comparable> Comparable for (A, B) {
    fn without_clock(self) -> Self {
        (self.0.without_clock(), self.1.without_clock())
    }
}

impl Comparable for Team {
    fn without_clock(self) -> Self {
        Team { created: set_aside(self.created), ..self }
    }
}

impl Comparable for Member {
    fn without_clock(self) -> Self {
        Member { created: set_aside(self.created), ..self }
    }
}

impl Comparable for ModelInfo {
    fn without_clock(self) -> Self {
        ModelInfo { created: set_aside(self.created), ..self }
    }
}

impl Comparable for TokenInfo {
    fn without_clock(self) -> Self {
        TokenInfo {
            created: set_aside(self.created),
            last_used: self.last_used.map(set_aside),
            revoked: self.revoked.map(set_aside),
            ..self
        }
    }
}
