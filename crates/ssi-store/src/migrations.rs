//! Numbered schema migrations, embedded in the binary and applied on open.
//!
//! Policy: a migration that has shipped is never edited (the tests pin each
//! file's SHA-256); a schema change is a new file with the next number. The
//! schema version is `PRAGMA user_version`, which lives in the database
//! header and so commits or rolls back with the migration's transaction.

use crate::db::BUSY_TIMEOUT;
use crate::error::StoreError;
use crate::events::{event_key, pseudonym_value};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

/// One schema migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// The schema version the database has once this migration is applied (1, 2, …).
    pub version: u32,
    /// The file name under `crates/ssi-store/migrations/`.
    pub name: &'static str,
    /// The SQL, applied as one batch.
    pub sql: &'static str,
}

/// Every migration, in order; entry `i` has version `i + 1`.
pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "0001_initial.sql", sql: include_str!("../migrations/0001_initial.sql") },
    Migration {
        version: 2,
        name: "0002_events_by_time.sql",
        sql: include_str!("../migrations/0002_events_by_time.sql"),
    },
    Migration {
        version: 3,
        name: "0003_data_horizon.sql",
        sql: include_str!("../migrations/0003_data_horizon.sql"),
    },
    Migration {
        version: 4,
        name: "0004_member_calibrations.sql",
        sql: include_str!("../migrations/0004_member_calibrations.sql"),
    },
    Migration {
        version: 5,
        name: "0005_creator_analytics.sql",
        sql: include_str!("../migrations/0005_creator_analytics.sql"),
    },
    Migration {
        version: 6,
        name: "0006_sessions_and_daily_runs.sql",
        sql: include_str!("../migrations/0006_sessions_and_daily_runs.sql"),
    },
    Migration {
        version: 7,
        name: "0007_upload_jobs.sql",
        sql: include_str!("../migrations/0007_upload_jobs.sql"),
    },
];

/// The schema version this build writes.
pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;

/// Brings the database file at `path` to schema `target` (at most
/// [`LATEST_VERSION`]), creating the file if needed. Migrations never run
/// backwards: a database already past `target` is left as it is.
///
/// [`Store::open`](crate::Store::open) migrates to the latest version by
/// itself; this is for tooling and for tests of the upgrade path.
pub fn migrate_file(path: &Path, target: u32) -> Result<u32, StoreError> {
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    apply(&mut conn, MIGRATIONS, target)
}

/// The schema version of a connection's database.
pub(crate) fn schema_version(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

/// Applies `migrations` up to `target` in one transaction, with foreign keys
/// off while tables may be rebuilt and a foreign key check before commit.
/// Returns the version reached.
pub(crate) fn apply(conn: &mut Connection, migrations: &[Migration], target: u32) -> Result<u32, StoreError> {
    let known = migrations.len() as u32;
    if target > known {
        return Err(StoreError::Migration {
            version: target,
            message: format!("this build knows schema versions up to {known}"),
        });
    }
    let current = schema_version(conn)?;
    if current > known {
        return Err(newer_database(current, known));
    }
    if current >= target {
        return Ok(current);
    }
    // PRAGMA foreign_keys is a no-op inside a transaction, so it is switched
    // around it; SQLite's table-rebuild recipe needs it off.
    let foreign_keys: bool = conn.query_row("PRAGMA foreign_keys", [], |row| row.get(0))?;
    register_functions(conn)?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = apply_in_transaction(conn, migrations, target);
    conn.pragma_update(None, "foreign_keys", foreign_keys)?;
    result
}

fn apply_in_transaction(
    conn: &mut Connection,
    migrations: &[Migration],
    target: u32,
) -> Result<u32, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Read again under the write lock: another process may have migrated meanwhile.
    let current = schema_version(&tx)?;
    if current > migrations.len() as u32 {
        return Err(newer_database(current, migrations.len() as u32));
    }
    for migration in migrations.iter().filter(|m| m.version > current && m.version <= target) {
        tx.execute_batch(migration.sql).map_err(|e| StoreError::Migration {
            version: migration.version,
            message: format!("{}: {e}", migration.name),
        })?;
        tx.pragma_update(None, "user_version", migration.version)?;
        tracing::info!(version = migration.version, name = migration.name, "applied schema migration");
    }
    let broken: Option<String> = tx
        .query_row("SELECT \"table\" FROM pragma_foreign_key_check LIMIT 1", [], |row| row.get(0))
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
    if let Some(table) = broken {
        return Err(StoreError::Migration {
            version: target,
            message: format!("rows of table {table} break a foreign key after migrating"),
        });
    }
    let reached = schema_version(&tx)?;
    tx.commit()?;
    Ok(reached)
}

/// The SQL functions migrations may call, so that rows a migration rewrites
/// get exactly what the store writes for new ones: `ssi_event_key(natural_key)`,
/// the 64-bit event key ([`crate::events::event_key`]), and
/// `ssi_pseudonym(key)`, a pseudonym key as stored ([`crate::events::pseudonym_value`]).
fn register_functions(conn: &Connection) -> Result<(), StoreError> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("ssi_event_key", 1, flags, |ctx| {
        let natural_key =
            ctx.get_raw(0).as_str().map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?;
        Ok(event_key(natural_key))
    })?;
    conn.create_scalar_function("ssi_pseudonym", 1, flags, |ctx| {
        let key = match ctx.get_raw(0) {
            ValueRef::Null => None,
            other => Some(other.as_str().map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?),
        };
        let mut bytes = [0u8; 16];
        Ok(match pseudonym_value(key, &mut bytes) {
            ValueRef::Blob(stored) => Value::Blob(stored.to_vec()),
            ValueRef::Text(text) => Value::Text(String::from_utf8_lossy(text).into_owned()),
            _ => Value::Null,
        })
    })?;
    Ok(())
}

pub(crate) fn newer_database(version: u32, known: u32) -> StoreError {
    StoreError::Migration {
        version,
        message: format!(
            "the database has schema version {version}, written by a newer ssi; this build knows up to {known}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAKE: &[Migration] = &[
        Migration { version: 1, name: "0001_a.sql", sql: "CREATE TABLE a (x INTEGER);" },
        Migration {
            version: 2,
            name: "0002_b.sql",
            sql: "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);",
        },
        Migration { version: 3, name: "0003_c.sql", sql: "CREATE TABLE c (z INTEGER);" },
    ];

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt =
            conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").unwrap();
        stmt.query_map([], |row| row.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn applies_only_the_pending_migrations_in_order() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(apply(&mut conn, FAKE, 1).unwrap(), 1);
        assert_eq!(tables(&conn), ["a"]);
        assert_eq!(apply(&mut conn, FAKE, 3).unwrap(), 3);
        assert_eq!(tables(&conn), ["a", "b", "c"]);
        // Migration 2 ran exactly once.
        let rows: i64 = conn.query_row("SELECT count(*) FROM a", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 1);
        // Asking for an older version never goes backwards.
        assert_eq!(apply(&mut conn, FAKE, 1).unwrap(), 3);
    }

    #[test]
    fn a_failing_migration_rolls_back_every_step_of_the_run() {
        let broken = [FAKE[0], Migration { version: 2, name: "0002_bad.sql", sql: "CREATE TABLE b (; " }];
        let mut conn = Connection::open_in_memory().unwrap();
        let err = apply(&mut conn, &broken, 2).unwrap_err();
        assert!(matches!(err, StoreError::Migration { version: 2, .. }), "{err}");
        assert_eq!(schema_version(&conn).unwrap(), 0);
        assert!(tables(&conn).is_empty());
    }

    #[test]
    fn a_database_from_a_newer_build_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 7).unwrap();
        let err = apply(&mut conn, FAKE, 3).unwrap_err();
        assert!(matches!(err, StoreError::Migration { version: 7, .. }), "{err}");
    }

    #[test]
    fn shipped_migrations_are_numbered_one_by_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1);
            assert!(m.name.starts_with(&format!("{:04}_", m.version)), "{}", m.name);
        }
    }
}
