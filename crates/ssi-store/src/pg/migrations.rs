//! PostgreSQL's numbered migrations (`crates/ssi-store/migrations-pg/`), applied one
//! transaction each under an advisory lock and recorded with their SHA-256.
//!
//! Policy, as for SQLite's: a shipped migration is never edited (the tests pin each
//! file's hash, and a database whose recorded checksum differs from this build's file is
//! refused); a change is a new file with the next number.

use crate::error::{StoreError, describe_postgres};
use crate::migrations::{Migration, newer_database};
use sha2::{Digest, Sha256};
use tokio_postgres::{Client, GenericClient};

/// Every PostgreSQL migration, in order; entry `i` has version `i + 1`.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_initial.sql",
        sql: include_str!("../../migrations-pg/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "0002_replicas.sql",
        sql: include_str!("../../migrations-pg/0002_replicas.sql"),
    },
    Migration {
        version: 3,
        name: "0003_creator_analytics.sql",
        sql: include_str!("../../migrations-pg/0003_creator_analytics.sql"),
    },
    Migration {
        version: 4,
        name: "0004_quiet_sessions_and_daily_runs.sql",
        sql: include_str!("../../migrations-pg/0004_quiet_sessions_and_daily_runs.sql"),
    },
];

/// The PostgreSQL schema version this build writes.
pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;

/// The SQLite schema version ([`crate::migrations::LATEST_VERSION`] when both are in
/// step) whose tables the PostgreSQL migrations reach: 0001 reaches SQLite's 0001–0004,
/// 0003 SQLite's 0005; SQLite's 0006 (sessions, daily runs) and 0007 (upload jobs) have
/// their tables in 0002.
/// A new SQLite migration needs its PostgreSQL counterpart, which raises this.
pub const SQLITE_SCHEMA_MIRRORED: u32 = 7;

/// The key of the advisory lock every migration transaction takes first, so that
/// migrators started together (replicas, `ssi-server migrate`) run one at a time.
pub const MIGRATION_LOCK: i64 = 0x7373_692d_6d69_6772; // "ssi-migr"

/// Creates the ledger of applied migrations (under the lock, so two migrators never
/// create it at once).
const CREATE_LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    sha256     text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)";

/// Whether migration transactions take the advisory lock. Only the tests turn it off,
/// to show what it prevents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Locking {
    /// `pg_advisory_xact_lock(MIGRATION_LOCK)` first in every transaction.
    Advisory,
    /// No lock (tests only).
    #[cfg(test)]
    Unlocked,
}

/// The lower-case hex SHA-256 of a migration's SQL, as the ledger records it.
pub(crate) fn checksum(sql: &str) -> String {
    format!("{:x}", Sha256::digest(sql.as_bytes()))
}

/// Applies the pending `migrations`, one transaction each: take the lock, read the
/// ledger (again, under the lock: another migrator may have applied some meanwhile),
/// check it against `migrations`, apply the next one and record it. Returns the
/// version reached.
pub(crate) async fn apply(
    client: &mut Client,
    migrations: &[Migration],
    locking: Locking,
) -> Result<u32, StoreError> {
    loop {
        let tx = client.transaction().await?;
        if locking == Locking::Advisory {
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
        }
        tx.batch_execute(CREATE_LEDGER).await?;
        let current = check_ledger(&tx, migrations).await?;
        let Some(next) = migrations.iter().find(|m| m.version == current + 1) else {
            tx.commit().await?;
            return Ok(current);
        };
        tx.batch_execute(next.sql).await.map_err(|e| StoreError::Migration {
            version: next.version,
            message: format!("{}: {}", next.name, describe_postgres(&e)),
        })?;
        let version = i32::try_from(next.version).map_err(|_| newer_database(next.version, current))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, sha256) VALUES ($1, $2, $3)",
            &[&version, &next.name, &checksum(next.sql)],
        )
        .await?;
        tx.commit().await?;
        tracing::info!(version = next.version, name = next.name, "applied PostgreSQL schema migration");
    }
}

/// Checks the ledger against `migrations` (every one applied is this build's, unedited,
/// and they run 1, 2, … without a gap) and returns the version applied.
async fn check_ledger(client: &impl GenericClient, migrations: &[Migration]) -> Result<u32, StoreError> {
    let known = migrations.len() as u32;
    let rows =
        client.query("SELECT version, name, sha256 FROM schema_migrations ORDER BY version", &[]).await?;
    let mut current = 0;
    for row in rows {
        let version = u32::try_from(row.try_get::<_, i32>(0)?).unwrap_or(u32::MAX);
        let name: String = row.try_get(1)?;
        let sha256: String = row.try_get(2)?;
        if version > known {
            return Err(newer_database(version, known));
        }
        if version != current + 1 {
            return Err(StoreError::Migration {
                version: current + 1,
                message: format!("the database records migration {version} but not {}", current + 1),
            });
        }
        let ours = &migrations[(version - 1) as usize];
        if name != ours.name || sha256 != checksum(ours.sql) {
            return Err(StoreError::Migration {
                version,
                message: format!(
                    "the database applied {name} (sha256 {sha256}), which differs from this build's {} \
                     (sha256 {}): a shipped migration was edited",
                    ours.name,
                    checksum(ours.sql)
                ),
            });
        }
        current = version;
    }
    Ok(current)
}

/// The highest migration applied; 0 when the ledger does not exist yet.
pub(crate) async fn schema_version(client: &impl GenericClient) -> Result<u32, StoreError> {
    let ledger: bool =
        client.query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[]).await?.try_get(0)?;
    if !ledger {
        return Ok(0);
    }
    let version: Option<i32> =
        client.query_one("SELECT max(version) FROM schema_migrations", &[]).await?.try_get(0)?;
    Ok(version.map_or(0, |v| u32::try_from(v).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ssi_pg_harness::PgCluster;
    use std::sync::{Arc, Barrier};

    /// Migrations whose first keeps its transaction open a while, so that migrators
    /// started together are sure to overlap.
    const SLOW: &[Migration] = &[
        Migration {
            version: 1,
            name: "0001_slow.sql",
            sql: "SELECT pg_sleep(0.3); CREATE TABLE a (x integer);",
        },
        Migration { version: 2, name: "0002_b.sql", sql: "INSERT INTO a VALUES (1);" },
    ];

    /// The same, checking that the first runs under the advisory lock.
    const SLOW_AND_CHECKED: &[Migration] = &[
        Migration {
            version: 1,
            name: "0001_slow.sql",
            sql: "SELECT pg_sleep(0.3);
                  DO $$ BEGIN
                      IF NOT EXISTS (SELECT 1 FROM pg_locks
                                     WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted) THEN
                          RAISE EXCEPTION 'migration runs without the advisory lock';
                      END IF;
                  END $$;
                  CREATE TABLE a (x integer);",
        },
        SLOW[1],
    ];

    /// A runtime and a connection to `url`, driven by that runtime.
    fn connect(url: &str) -> (tokio::runtime::Runtime, Client) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let client = runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(connection);
            client
        });
        (runtime, client)
    }

    /// Runs `apply` from `migrators` threads that start at the same moment.
    fn race(
        url: &str,
        migrators: usize,
        migrations: &'static [Migration],
        locking: Locking,
    ) -> Vec<Result<u32, StoreError>> {
        let barrier = Arc::new(Barrier::new(migrators));
        let threads: Vec<_> = (0..migrators)
            .map(|_| {
                let (barrier, url) = (Arc::clone(&barrier), url.to_string());
                std::thread::spawn(move || {
                    let (runtime, mut client) = connect(&url);
                    barrier.wait();
                    runtime.block_on(apply(&mut client, migrations, locking))
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    }

    #[test]
    fn the_advisory_lock_is_what_keeps_concurrent_migrators_apart() {
        let cluster = PgCluster::for_test();

        // With the lock: every migrator succeeds, and each migration ran once.
        let url = cluster.create_database("locked").unwrap();
        for result in race(&url, 3, SLOW_AND_CHECKED, Locking::Advisory) {
            assert_eq!(result.unwrap(), 2);
        }
        let (runtime, client) = connect(&url);
        let ledger: Vec<i32> = runtime
            .block_on(client.query("SELECT version FROM schema_migrations ORDER BY version", &[]))
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect();
        assert_eq!(ledger, [1, 2]);
        let rows: i64 = runtime.block_on(client.query_one("SELECT count(*) FROM a", &[])).unwrap().get(0);
        assert_eq!(rows, 1, "migration 2 ran once");

        // Without it, the same race fails: the migrators collide on the tables they
        // create at once (one of them waits for the other's commit, then finds the name taken).
        let url = cluster.create_database("unlocked").unwrap();
        let results = race(&url, 3, SLOW, Locking::Unlocked);
        let failures: Vec<String> =
            results.iter().filter_map(|r| r.as_ref().err()).map(|e| e.to_string()).collect();
        assert!(!failures.is_empty(), "{results:?}");
        assert!(
            failures.iter().all(|m| m.contains("already exists") || m.contains("duplicate key")),
            "{failures:?}"
        );
        // And the check in SLOW_AND_CHECKED does see a missing lock.
        let url = cluster.create_database("unchecked").unwrap();
        let results = race(&url, 1, SLOW_AND_CHECKED, Locking::Unlocked);
        assert!(results[0].as_ref().is_err_and(|e| e.to_string().contains("without the advisory lock")));
    }

    #[test]
    fn an_edited_or_unknown_migration_in_the_ledger_is_refused() {
        let cluster = PgCluster::for_test();
        let url = cluster.create_database("ledger").unwrap();
        let (runtime, mut client) = connect(&url);
        assert_eq!(runtime.block_on(apply(&mut client, SLOW_AND_CHECKED, Locking::Advisory)).unwrap(), 2);
        assert_eq!(runtime.block_on(schema_version(&client)).unwrap(), 2);

        let edited =
            [SLOW_AND_CHECKED[0], Migration { sql: "INSERT INTO a VALUES (2);", ..SLOW_AND_CHECKED[1] }];
        let err = runtime.block_on(apply(&mut client, &edited, Locking::Advisory)).unwrap_err();
        assert!(matches!(err, StoreError::Migration { version: 2, .. }), "{err}");
        assert!(err.to_string().contains("a shipped migration was edited"), "{err}");

        let older_build = &SLOW_AND_CHECKED[..1];
        let err = runtime.block_on(apply(&mut client, older_build, Locking::Advisory)).unwrap_err();
        assert!(err.to_string().contains("written by a newer ssi"), "{err}");

        // Refusing changed nothing.
        let rows: i64 = runtime.block_on(client.query_one("SELECT count(*) FROM a", &[])).unwrap().get(0);
        assert_eq!(rows, 1);
    }

    #[test]
    fn a_failing_migration_leaves_the_versions_before_it() {
        let cluster = PgCluster::for_test();
        let url = cluster.create_database("failing").unwrap();
        let (runtime, mut client) = connect(&url);
        let broken =
            [SLOW_AND_CHECKED[0], Migration { version: 2, name: "0002_bad.sql", sql: "CREATE TABLE b (;" }];
        let err = runtime.block_on(apply(&mut client, &broken, Locking::Advisory)).unwrap_err();
        assert!(matches!(err, StoreError::Migration { version: 2, .. }), "{err}");
        assert!(err.to_string().contains("0002_bad.sql: ERROR: syntax error"), "{err}");
        assert_eq!(runtime.block_on(schema_version(&client)).unwrap(), 1);
        let b: bool =
            runtime.block_on(client.query_one("SELECT to_regclass('b') IS NULL", &[])).unwrap().get(0);
        assert!(b, "the failed migration left nothing");
    }
}
