//! What the ported queries of members, tokens, models, readings, pushes and
//! calibrations add to `rows.rs`'s transactions: a read of one statement without a
//! transaction around it, a best-effort write that never waits for another writer,
//! statement helpers that map the driver's errors, and PostgreSQL's unique violations
//! mapped to [`StoreError::Conflict`] as SQLite's are.

use super::PgStore;
use crate::error::StoreError;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Transaction};

/// What statements run on: a transaction, or a pooled connection for one statement.
pub(super) use tokio_postgres::GenericClient as Db;

/// Query parameters.
pub(super) type Params<'a> = [&'a (dyn ToSql + Sync)];

impl PgStore {
    /// Runs `work`, which runs ONE statement that only reads, on a pooled connection:
    /// a statement is a transaction and a snapshot of its own, so the answer is the
    /// same as [`PgStore::read`]'s, without the round trips of `BEGIN` and `COMMIT`.
    pub(super) fn statement<T>(
        &self,
        work: impl AsyncFnOnce(&tokio_postgres::Client) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.block_on(async {
            let client = self.client().await?;
            work(&client).await
        })
    }

    /// Like [`PgStore::write`], but returns `None` at once when another transaction is
    /// writing (for best-effort bookkeeping, as SQLite's `Pool::try_write`): every
    /// writing transaction holds the `data_version` row from its first statement to its
    /// commit (`rows::begin_write`), so taking that row without waiting is taking the
    /// writer's turn without queueing.
    pub(super) fn try_write<T>(
        &self,
        work: impl AsyncFnOnce(&Transaction<'_>) -> Result<T, StoreError>,
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
    Ok(tx.query(sql, params).await?)
}

/// The row `sql` gives, if any.
pub(super) async fn optional_row(
    tx: &impl Db,
    sql: &str,
    params: &Params<'_>,
) -> Result<Option<Row>, StoreError> {
    Ok(tx.query_opt(sql, params).await?)
}

/// The one row `sql` gives.
pub(super) async fn one_row(tx: &impl Db, sql: &str, params: &Params<'_>) -> Result<Row, StoreError> {
    Ok(tx.query_one(sql, params).await?)
}

/// Runs `sql`; returns how many rows it changed.
pub(super) async fn execute(tx: &impl Db, sql: &str, params: &Params<'_>) -> Result<u64, StoreError> {
    Ok(tx.execute(sql, params).await?)
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
