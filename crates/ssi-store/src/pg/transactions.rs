//! How `PgStore`'s methods reach the database: each call is one transaction, as with
//! SQLite's `Pool::read` and `Pool::write`, its statements prepared once per connection;
//! and PostgreSQL's unique violations mapped to [`StoreError::Conflict`] as SQLite's are.

use super::PgStore;
use crate::db::{instant, now_seconds};
use crate::error::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{IsolationLevel, Row};

/// A transaction of the store's pool (its statement cache is the connection's).
pub(super) type Tx<'a> = deadpool_postgres::Transaction<'a>;

/// What statements run on: a transaction, or a pooled connection for one statement.
pub(super) use deadpool_postgres::GenericClient as Db;

/// What a transaction may do.
#[derive(Clone, Copy)]
enum Access {
    Read,
    Write,
}

/// Query parameters.
pub(super) type Params<'a> = [&'a (dyn ToSql + Sync)];

impl PgStore {
    /// Runs `work` in one read-only transaction that sees one snapshot of the database
    /// (`REPEATABLE READ`), as a SQLite read transaction does.
    pub(super) fn read<T>(
        &self,
        work: impl AsyncFnOnce(&Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.transaction(Access::Read, work)
    }

    /// Runs `work`, which runs ONE statement that only reads, on a pooled connection:
    /// a statement is a transaction and a snapshot of its own, so the answer is the
    /// same as [`PgStore::read`]'s, without the round trips of `BEGIN` and `COMMIT`.
    pub(super) fn statement<T>(
        &self,
        work: impl AsyncFnOnce(&deadpool_postgres::Client) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.block_on(async {
            let client = self.client().await?;
            work(&client).await
        })
    }

    /// Runs `work` in one read-write transaction, committed when it returns `Ok` and
    /// rolled back otherwise (a dropped transaction rolls back).
    pub(super) fn write<T>(
        &self,
        work: impl AsyncFnOnce(&Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.transaction(Access::Write, work)
    }

    fn transaction<T>(
        &self,
        access: Access,
        work: impl AsyncFnOnce(&Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.block_on(async {
            let mut client = self.client().await?;
            let begin = client.build_transaction();
            let begin = match access {
                Access::Read => begin.isolation_level(IsolationLevel::RepeatableRead).read_only(true),
                Access::Write => begin,
            };
            let tx = begin.start().await?;
            let value = work(&tx).await?;
            tx.commit().await?;
            Ok(value)
        })
    }

    /// Like [`PgStore::write`], but returns `None` at once when another transaction is
    /// writing (for best-effort bookkeeping, as SQLite's `Pool::try_write`): every
    /// writing transaction holds the `data_version` row from its first write to its
    /// commit (migration 0002), so taking that row without waiting is taking the
    /// writer's turn without queueing.
    pub(super) fn try_write<T>(
        &self,
        work: impl AsyncFnOnce(&Tx<'_>) -> Result<T, StoreError>,
    ) -> Option<Result<T, StoreError>> {
        self.block_on(async {
            let mut client = match self.client().await {
                Ok(client) => client,
                Err(e) => return Some(Err(e)),
            };
            let attempt = async {
                let tx = client.transaction().await?;
                match tx.execute("SELECT FROM data_version FOR UPDATE NOWAIT", &[]).await {
                    Err(e) if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) => return Ok(None),
                    other => other?,
                };
                let value = work(&tx).await?;
                tx.commit().await?;
                Ok(Some(value))
            };
            attempt.await.transpose()
        })
    }
}

/// Every row `sql` gives.
pub(super) async fn rows(tx: &impl Db, sql: &str, params: &Params<'_>) -> Result<Vec<Row>, StoreError> {
    let statement = tx.prepare_cached(sql).await?;
    Ok(tx.query(&statement, params).await?)
}

/// The row `sql` gives, if any.
pub(super) async fn optional_row(
    tx: &impl Db,
    sql: &str,
    params: &Params<'_>,
) -> Result<Option<Row>, StoreError> {
    let statement = tx.prepare_cached(sql).await?;
    Ok(tx.query_opt(&statement, params).await?)
}

/// The one row `sql` gives.
pub(super) async fn one_row(tx: &impl Db, sql: &str, params: &Params<'_>) -> Result<Row, StoreError> {
    let statement = tx.prepare_cached(sql).await?;
    Ok(tx.query_one(&statement, params).await?)
}

/// Runs `sql`; returns how many rows it changed.
pub(super) async fn execute(tx: &impl Db, sql: &str, params: &Params<'_>) -> Result<u64, StoreError> {
    let statement = tx.prepare_cached(sql).await?;
    Ok(tx.execute(&statement, params).await?)
}

/// The current time as the store keeps it: whole seconds, as SQLite's Unix seconds.
pub(super) fn now() -> Result<DateTime<Utc>, StoreError> {
    instant(now_seconds())
}

/// Maps a unique violation to [`StoreError::Conflict`] with `what`.
pub(super) fn unique_conflict(error: StoreError, what: impl FnOnce() -> String) -> StoreError {
    match &error {
        StoreError::Postgres(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
            StoreError::conflict(what())
        }
        _ => error,
    }
}
