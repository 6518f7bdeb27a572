//! Dashboard sessions on PostgreSQL: [`crate::Store`]'s methods of `sessions.rs`, by the
//! rules of that module. Sessions are written in transactions of their own that do not
//! queue behind the other writers (they touch no row another writer reads) and, since
//! migration 0004, do not move the data version: no cached answer is made from them.

use super::PgStore;
use super::rows::whole_seconds;
use super::tokens::token_from_row;
use super::transactions::{execute, optional_row, rows, unique_conflict};
use crate::error::StoreError;
use crate::sessions::{
    SessionRecord, check_session_times, id_hash_from, live_session_statement, no_live_token, session_columns,
    session_taken, start_session_statement,
};
use crate::types::{TokenId, TokenInfo};
use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;

impl PgStore {
    /// Runs `work` in one transaction that, unlike [`PgStore::write`], does not take the
    /// writers' turn on the data version's row: for the bookkeeping of sessions and
    /// daily runs, which no other writer reads and no cache depends on.
    pub(super) fn bookkeeping<T>(
        &self,
        work: impl AsyncFnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.block_on(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let value = work(&tx).await?;
            tx.commit().await?;
            Ok(value)
        })
    }

    /// Starts a session of a live token, sweeping the sessions expired at `created`
    /// (as [`crate::Store::create_session`]).
    pub fn create_session(
        &self,
        id_hash: &[u8; 32],
        token: TokenId,
        created: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        check_session_times(created, expires)?;
        let (created, expires) = (whole_seconds(created)?, whole_seconds(expires)?);
        self.bookkeeping(async |tx| {
            execute(tx, "DELETE FROM sessions WHERE expires <= $1", &[&created]).await?;
            let inserted = execute(
                tx,
                start_session_statement!("$1", "$2", "$3", "$4"),
                &[&id_hash.as_slice(), &created, &expires, &token.0],
            )
            .await
            .map_err(|e| unique_conflict(e, session_taken))?;
            if inserted == 0 { Err(no_live_token(token)) } else { Ok(()) }
        })
    }

    /// The token of the session stored under `id_hash`, if it is live at `now` (as
    /// [`crate::Store::session_token`]): one statement, which sees every revocation
    /// committed before it, by any replica.
    pub fn session_token(
        &self,
        id_hash: &[u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Option<TokenInfo>, StoreError> {
        let now = whole_seconds(now)?;
        self.statement(async |client| {
            optional_row(client, live_session_statement!("$1", "$2"), &[&id_hash.as_slice(), &now])
                .await?
                .map(|row| token_from_row(&row))
                .transpose()
        })
    }

    /// Ends the session stored under `id_hash` (as [`crate::Store::end_session`]).
    pub fn end_session(&self, id_hash: &[u8; 32]) -> Result<bool, StoreError> {
        self.bookkeeping(async |tx| {
            Ok(execute(tx, "DELETE FROM sessions WHERE id_hash = $1", &[&id_hash.as_slice()]).await? > 0)
        })
    }

    /// Ends every session of a token (as [`crate::Store::end_token_sessions`]).
    pub fn end_token_sessions(&self, token: TokenId) -> Result<usize, StoreError> {
        self.bookkeeping(async |tx| {
            let ended = execute(tx, "DELETE FROM sessions WHERE token_id = $1", &[&token.0]).await?;
            Ok(usize::try_from(ended).unwrap_or(usize::MAX))
        })
    }

    /// Every stored session, oldest first (as [`crate::Store::sessions`]).
    pub fn sessions(&self) -> Result<Vec<SessionRecord>, StoreError> {
        self.statement(async |client| {
            rows(
                client,
                concat!("SELECT ", session_columns!(), " FROM sessions ORDER BY created, id_hash"),
                &[],
            )
            .await?
            .iter()
            .map(|row| {
                Ok(SessionRecord {
                    id_hash: id_hash_from(row.try_get(0)?)?,
                    token: TokenId(row.try_get(1)?),
                    created: row.try_get(2)?,
                    expires: row.try_get(3)?,
                })
            })
            .collect()
        })
    }
}
