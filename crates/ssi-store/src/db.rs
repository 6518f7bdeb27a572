//! Connections: opening with the right pragmas, the writer lock and the pool of readers.
//!
//! SQLite in WAL mode allows one writer and any number of readers that never
//! wait for it. The store mirrors that: one writer connection behind a mutex
//! (so writers of this process queue in memory instead of spinning on
//! SQLITE_BUSY) and a small pool of read-only connections handed out on
//! demand. Writers of other processes (the CLI next to the server) are waited
//! for by SQLite's busy timeout; write transactions start with
//! `BEGIN IMMEDIATE` so that a reader never has to upgrade to a writer, which
//! is where SQLITE_BUSY deadlocks come from.

use crate::error::StoreError;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError, TryLockError};
use std::time::Duration;

/// How long a connection waits for another connection's lock before giving up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Idle reader connections kept open for reuse; more are opened on demand
/// and closed when returned to a full pool.
const MAX_IDLE_READERS: usize = 8;

/// Prepared statements each connection keeps compiled.
const STATEMENT_CACHE: usize = 64;

/// The connections of one store.
pub(crate) struct Pool {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// A read connection kept only to ask `PRAGMA data_version`, opened on
    /// first use (the CLI never asks).
    watcher: OnceLock<Mutex<Connection>>,
    /// SQL statements run on the read connections (tests count them: an
    /// answer must take a fixed number of queries, whatever the data).
    #[cfg(test)]
    statements_read: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Pool {
    /// Wraps an opened, migrated writer connection.
    pub(crate) fn new(path: PathBuf, writer: Connection) -> Self {
        Pool {
            path,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            watcher: OnceLock::new(),
            #[cfg(test)]
            statements_read: Default::default(),
        }
    }

    /// SQL statements run on read connections so far (BEGIN and COMMIT included).
    #[cfg(test)]
    pub(crate) fn statements_read(&self) -> u64 {
        self.statements_read.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// SQLite's `PRAGMA data_version` on a connection that never writes: it
    /// changes whenever any other connection, of this process (the writer)
    /// or of another (a CLI beside the server), commits a change.
    pub(crate) fn data_version(&self) -> Result<i64, StoreError> {
        let watcher = match self.watcher.get() {
            Some(watcher) => watcher,
            None => {
                let conn = open_reader(&self.path)?;
                self.watcher.get_or_init(|| Mutex::new(conn))
            }
        };
        let conn = watcher.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(cached_row(&conn, "PRAGMA data_version", [], |row| row.get(0))?)
    }

    /// The database file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` in one `BEGIN IMMEDIATE` transaction on the writer
    /// connection; commits when it returns `Ok`, rolls back otherwise
    /// (including on panic).
    pub(crate) fn write<T, E>(&self, work: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut conn = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        run_write(&mut conn, work)
    }

    /// Hands the writer connection itself to `work`, locked for its whole
    /// duration: for work that runs its transaction ([`run_write`]) on a
    /// helper thread while this one prepares the data.
    pub(crate) fn with_writer<T>(&self, work: impl FnOnce(&mut Connection) -> T) -> T {
        let mut conn = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        work(&mut conn)
    }

    /// Like [`Pool::write`], but returns `None` at once when another thread of
    /// this process holds the writer (for best-effort bookkeeping).
    pub(crate) fn try_write<T>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Option<Result<T, StoreError>> {
        let mut conn = match self.writer.try_lock() {
            Ok(conn) => conn,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return None,
        };
        Some(run_write(&mut conn, work))
    }

    /// Runs `work` in one read transaction (a consistent snapshot) on a
    /// pooled read-only connection. Never waits for writers.
    pub(crate) fn read<T>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.reader()?;
        #[cfg(test)]
        {
            let counter = std::sync::Arc::clone(&self.statements_read);
            conn.trace_v2(
                rusqlite::trace::TraceEventCodes::SQLITE_TRACE_STMT,
                Some(move |_: rusqlite::trace::TraceEvent<'_>| {
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }),
            )?;
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let value = work(&tx)?;
        // Ending a read-only transaction writes nothing.
        tx.finish()?;
        Ok(value)
    }

    fn reader(&self) -> Result<Reader<'_>, StoreError> {
        let idle = self.readers.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => open_reader(&self.path)?,
        };
        Ok(Reader { conn: Some(conn), pool: self })
    }
}

/// Runs `work` in one `BEGIN IMMEDIATE` transaction on `conn` (the writer);
/// commits when it returns `Ok`, rolls back otherwise.
pub(crate) fn run_write<T, E>(
    conn: &mut Connection,
    work: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    if !conn.is_autocommit() {
        // A transaction left open by a panic on another thread: undo it.
        conn.execute_batch("ROLLBACK").map_err(StoreError::from)?;
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
    let value = work(&tx)?;
    tx.commit().map_err(StoreError::from)?;
    Ok(value)
}

/// A read connection borrowed from the pool; returned on drop.
struct Reader<'p> {
    conn: Option<Connection>,
    pool: &'p Pool,
}

impl Deref for Reader<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn.as_ref().expect("a reader holds its connection until dropped")
    }
}

impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn.as_mut().expect("a reader holds its connection until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take()
            && conn.is_autocommit()
        {
            let mut idle = self.pool.readers.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < MAX_IDLE_READERS {
                idle.push(conn);
            }
        }
    }
}

/// Opens the writer connection: busy timeout, WAL, synchronous=NORMAL, foreign keys.
pub(crate) fn open_writer(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    stable_plans(&conn)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::invalid(format!(
            "{}: the database could not be switched to WAL mode (it is in {mode} mode)",
            path.display()
        )));
    }
    // In WAL mode NORMAL syncs at checkpoints only: a committed transaction
    // survives a crash of the process, and the file is never corrupted, but
    // the last transactions before a power loss may be rolled back.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // 2 MiB of page cache, 256 KiB for the temporary tables. Imports and
    // re-scores write in key order, so a page is finished once it leaves the
    // cache; more cache made nothing measurably faster (cargo xtask bench)
    // but made memory grow with the size of the database, as the cache fills
    // (32 MiB took the heavy import from 27 to 59 MB peak). SQLite's sorter
    // spills to temporary files beyond the main cache's size.
    conn.pragma_update(None, "cache_size", -2048)?;
    conn.pragma_update(Some("temp"), "cache_size", -256)?;
    Ok(conn)
}

/// Turns on SQLite's query planner stability guarantee. Without it SQLite
/// marks statements whose plan might depend on a bound value (a text
/// parameter compared with a text column, as every `date <= ?` here is) to
/// be compiled again whenever that parameter is rebound, so a cached
/// statement was re-parsed on every use. Every query of the store is an
/// index lookup whose plan does not depend on the values.
fn stable_plans(conn: &Connection) -> Result<(), StoreError> {
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

/// Opens a read-only connection (`query_only`, so a stray write fails loudly).
fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let flags =
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    stable_plans(&conn)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "query_only", true)?;
    Ok(conn)
}

/// `Connection::query_row` through the connection's statement cache: hot
/// lookups (members, teams, tokens) are compiled once per connection instead
/// of on every call.
pub(crate) fn cached_row<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    map: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, map)
}

/// The current time as stored: UTC Unix seconds.
pub(crate) fn now_seconds() -> i64 {
    Utc::now().timestamp()
}

/// A stored instant back as a UTC time.
pub(crate) fn instant(seconds: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| StoreError::invalid(format!("stored time {seconds} is out of range")))
}

/// A stored optional instant back as a UTC time.
pub(crate) fn optional_instant(seconds: Option<i64>) -> Result<Option<DateTime<Utc>>, StoreError> {
    seconds.map(instant).transpose()
}

/// Column `index` of `row` as text, borrowed (no copy).
pub(crate) fn row_text<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> Result<&'r str, StoreError> {
    row.get_ref(index)?.as_str().map_err(|e| {
        StoreError::Sqlite(rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            Box::new(e),
        ))
    })
}

/// The earliest day the store keeps. Days are stored as `YYYY-MM-DD` text,
/// which sorts in date order only for four-digit years, so every stored day
/// lies in years 1–9999 and open ranges are bounded by these two.
pub(crate) const FIRST_DAY: chrono::NaiveDate =
    chrono::NaiveDate::from_ymd_opt(1, 1, 1).expect("a valid day");
/// The latest day the store keeps (see [`FIRST_DAY`]).
pub(crate) const LAST_DAY: chrono::NaiveDate =
    chrono::NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid day");

/// The lower bound of an open range of days.
pub(crate) fn range_start(from: Option<chrono::NaiveDate>) -> chrono::NaiveDate {
    from.map_or(FIRST_DAY, |d| d.clamp(FIRST_DAY, LAST_DAY))
}

/// The upper bound of an open range of days.
pub(crate) fn range_end(to: Option<chrono::NaiveDate>) -> chrono::NaiveDate {
    to.map_or(LAST_DAY, |d| d.clamp(FIRST_DAY, LAST_DAY))
}

/// Whether `date` lies between [`FIRST_DAY`] and [`LAST_DAY`].
pub(crate) fn day_in_range(date: chrono::NaiveDate) -> bool {
    (FIRST_DAY..=LAST_DAY).contains(&date)
}

/// Fails unless `date` lies between [`FIRST_DAY`] and [`LAST_DAY`].
pub(crate) fn check_day(date: chrono::NaiveDate, what: &str) -> Result<(), StoreError> {
    if day_in_range(date) {
        Ok(())
    } else {
        Err(StoreError::invalid(format!("{what}: day {date} is outside years 1–9999")))
    }
}
