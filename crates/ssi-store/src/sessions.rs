//! Dashboard sessions of the team server, kept in the database so that every replica
//! (and a restarted server) knows them: stored under the SHA-256 of the cookie's
//! session id, never the id itself, and live only while unexpired and while their token
//! is not revoked. The rules here serve both backends (`pg/sessions.rs` has the
//! PostgreSQL SQL).

use crate::Store;
use crate::db::{cached_row, instant};
use crate::error::{StoreError, unique_conflict};
use crate::tokens::token_from_row;
use crate::types::{TokenId, TokenInfo};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

/// One stored session, as the database holds it (for inspection: the server asks
/// [`Store::session_token`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The SHA-256 of the session id the cookie holds.
    pub id_hash: [u8; 32],
    /// The token signed in with.
    pub token: TokenId,
    /// When the session started, to the second.
    pub created: DateTime<Utc>,
    /// When it stops being live, to the second.
    pub expires: DateTime<Utc>,
}

/// A new session must end after it starts.
pub(crate) fn check_session_times(created: DateTime<Utc>, expires: DateTime<Utc>) -> Result<(), StoreError> {
    if expires.timestamp() <= created.timestamp() {
        return Err(StoreError::invalid(format!(
            "a session must expire after it starts ({expires} is not after {created})"
        )));
    }
    Ok(())
}

/// The error for a session whose token is unknown or revoked.
pub(crate) fn no_live_token(token: TokenId) -> StoreError {
    StoreError::not_found(format!("token {token} (unknown or revoked)"))
}

/// The conflict of a session id hash already stored (two random 256-bit ids never
/// collide; a caller that reuses an id gets this).
pub(crate) fn session_taken() -> String {
    "a session with this id already exists".to_string()
}

/// Whose rows the session listing reads, in [`SessionRecord`] order.
macro_rules! session_columns {
    () => {
        "id_hash, token_id, created, expires"
    };
}
#[cfg(feature = "postgres")]
pub(crate) use session_columns;

/// The insert of a session for a token that is not revoked (nothing inserted otherwise):
/// placeholders id hash, created, expires, token. The same text on both backends but for
/// the placeholders.
macro_rules! start_session_statement {
    ($hash:literal, $created:literal, $expires:literal, $token:literal) => {
        concat!(
            "INSERT INTO sessions (id_hash, token_id, created, expires) SELECT ",
            $hash,
            ", id, ",
            $created,
            ", ",
            $expires,
            " FROM api_tokens WHERE id = ",
            $token,
            " AND revoked IS NULL"
        )
    };
}
#[cfg(feature = "postgres")]
pub(crate) use start_session_statement;

/// The token of a live session: placeholders id hash, now. One statement, joined with the
/// token so that a revoked token's session is never live.
macro_rules! live_session_statement {
    ($hash:literal, $now:literal) => {
        concat!(
            "SELECT ",
            crate::tokens::token_columns!(),
            " FROM api_tokens WHERE revoked IS NULL AND id = (SELECT token_id FROM sessions WHERE id_hash = ",
            $hash,
            " AND expires > ",
            $now,
            ")"
        )
    };
}
#[cfg(feature = "postgres")]
pub(crate) use live_session_statement;

/// A stored id hash, which the table's CHECK keeps at 32 bytes.
pub(crate) fn id_hash_from(bytes: &[u8]) -> Result<[u8; 32], StoreError> {
    bytes.try_into().map_err(|_| StoreError::invalid(format!("a session id hash of {} bytes", bytes.len())))
}

impl Store {
    /// Starts a session of a live token, stored under `id_hash` (the SHA-256 of the
    /// session id; the id itself is never stored), lasting from `created` to `expires`;
    /// in the same transaction, removes every session already expired at `created`
    /// (so that the table holds no more than the sessions of the last TTL).
    ///
    /// Fails with [`StoreError::NotFound`] when the token is unknown or revoked, and
    /// [`StoreError::Conflict`] when the hash is already stored.
    pub fn create_session(
        &self,
        id_hash: &[u8; 32],
        token: TokenId,
        created: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        check_session_times(created, expires)?;
        self.pool.write(|tx| {
            tx.execute("DELETE FROM sessions WHERE expires <= ?1", [created.timestamp()])?;
            let inserted = tx
                .execute(
                    start_session_statement!("?1", "?2", "?3", "?4"),
                    params![id_hash.as_slice(), created.timestamp(), expires.timestamp(), token.0],
                )
                .map_err(|e| unique_conflict(e, session_taken))?;
            if inserted == 0 { Err(no_live_token(token)) } else { Ok(()) }
        })
    }

    /// The token of the session stored under `id_hash`, if the session is live at `now`:
    /// not expired, and its token not revoked (a revoked or deleted token's sessions are
    /// never live, whichever process revoked it). Reads only.
    pub fn session_token(
        &self,
        id_hash: &[u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Option<TokenInfo>, StoreError> {
        self.pool.read(|tx| {
            cached_row(
                tx,
                live_session_statement!("?1", "?2"),
                params![id_hash.as_slice(), now.timestamp()],
                token_from_row,
            )
            .optional()?
            .transpose()
        })
    }

    /// Ends the session stored under `id_hash` (sign-out); returns whether there was one.
    pub fn end_session(&self, id_hash: &[u8; 32]) -> Result<bool, StoreError> {
        self.pool
            .write(|tx| Ok(tx.execute("DELETE FROM sessions WHERE id_hash = ?1", [id_hash.as_slice()])? > 0))
    }

    /// Ends every session of a token (after its revocation: its sessions are refused
    /// anyway, this removes them); returns how many there were.
    pub fn end_token_sessions(&self, token: TokenId) -> Result<usize, StoreError> {
        self.pool.write(|tx| Ok(tx.execute("DELETE FROM sessions WHERE token_id = ?1", [token.0])?))
    }

    /// Every stored session, expired ones included, oldest first (for inspection).
    pub fn sessions(&self) -> Result<Vec<SessionRecord>, StoreError> {
        self.pool.read(|tx| {
            let mut stmt = tx.prepare_cached(concat!(
                "SELECT ",
                session_columns!(),
                " FROM sessions ORDER BY created, id_hash"
            ))?;
            let rows = stmt.query_map([], |row| {
                Ok((
                    row.get::<_, Vec<u8>>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, i64>(3)?,
                ))
            })?;
            rows.map(|row| {
                let (hash, token, created, expires) = row?;
                Ok(SessionRecord {
                    id_hash: id_hash_from(&hash)?,
                    token: TokenId(token),
                    created: instant(created)?,
                    expires: instant(expires)?,
                })
            })
            .collect()
        })
    }
}
