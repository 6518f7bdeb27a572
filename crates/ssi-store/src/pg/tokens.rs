//! API tokens on PostgreSQL: [`crate::Store`]'s methods of `tokens.rs`, with the same
//! rules (minted once, only the SHA-256 kept, compared in constant time, revocable),
//! which live in `tokens.rs` and serve both backends.

use super::PgStore;
use super::members::{lock_member, lock_team};
use super::rows::now;
use super::settings::STORE_NAME;
use super::transactions::{Db, execute, one_row, optional_row, rows};
use crate::db::{instant, now_seconds};
use crate::error::StoreError;
use crate::tokens::{
    ALREADY_INSTALLED, LAST_USED_RESOLUTION_SECONDS, check_installed_plaintext, check_scope, hashes_match,
    mint_plaintext, presented_hash, record_use_if_stale, stored_role, token_hash,
};
use crate::types::{MemberId, Role, TeamId, TokenId, TokenInfo};
use std::path::Path;
use tokio_postgres::Row;
use tokio_postgres::error::SqlState;

macro_rules! token_columns {
    () => {
        "id, role, member_id, team_id, label, created, last_used, revoked"
    };
}

/// Whether the use of token `$1` is to be recorded: it is not revoked and its last use
/// is at `$2` (a minute ago) or earlier, or unknown.
macro_rules! use_due {
    () => {
        "id = $1 AND revoked IS NULL AND (last_used IS NULL OR last_used <= $2)"
    };
}

impl PgStore {
    /// Mints a token; returns its plaintext, shown once and never stored, and its
    /// record (as [`crate::Store::create_token`]).
    pub fn create_token(
        &self,
        role: Role,
        member: Option<MemberId>,
        team: Option<TeamId>,
        label: &str,
    ) -> Result<(String, TokenInfo), StoreError> {
        check_scope(role, member, team)?;
        let plaintext = mint_plaintext(Path::new(STORE_NAME))?;
        let info = self.insert_token(&plaintext, role, member, team, label)?;
        Ok((plaintext, info))
    }

    /// Installs a token whose plaintext the operator chose (as
    /// [`crate::Store::install_token`]).
    pub fn install_token(
        &self,
        plaintext: &str,
        role: Role,
        member: Option<MemberId>,
        team: Option<TeamId>,
        label: &str,
    ) -> Result<TokenInfo, StoreError> {
        check_scope(role, member, team)?;
        let plaintext = check_installed_plaintext(plaintext)?;
        self.insert_token(plaintext, role, member, team, label).map_err(|e| match &e {
            StoreError::Postgres(pg) if pg.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                StoreError::conflict(ALREADY_INSTALLED)
            }
            _ => e,
        })
    }

    /// The token with this id, revoked or not (as [`crate::Store::get_token`]).
    pub fn get_token(&self, id: TokenId) -> Result<TokenInfo, StoreError> {
        self.statement(async |tx| token_by_id(tx, id).await)
    }

    fn insert_token(
        &self,
        plaintext: &str,
        role: Role,
        member: Option<MemberId>,
        team: Option<TeamId>,
        label: &str,
    ) -> Result<TokenInfo, StoreError> {
        let hash = token_hash(plaintext);
        self.write(async |tx| {
            if let Some(member) = member {
                lock_member(tx, member).await?;
            }
            if let Some(team) = team {
                lock_team(tx, team).await?;
            }
            let row = one_row(
                tx,
                concat!(
                    "INSERT INTO api_tokens (hash, role, member_id, team_id, label, created)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ",
                    token_columns!()
                ),
                &[
                    &hash.as_slice(),
                    &role.as_str(),
                    &member.map(|m| m.0),
                    &team.map(|t| t.0),
                    &label.trim(),
                    &now()?,
                ],
            )
            .await?;
            token_from_row(&row)
        })
    }

    /// The token whose plaintext this is, unless it is unknown or revoked (as
    /// [`crate::Store::authenticate`]): looked up by its hash, the hashes then compared
    /// in constant time; `last_used` recorded to the minute, skipped when another
    /// transaction is writing.
    pub fn authenticate(&self, plaintext: &str) -> Result<Option<TokenInfo>, StoreError> {
        let Some(hash) = presented_hash(plaintext) else { return Ok(None) };
        let found = self.statement(async |tx| {
            let row = optional_row(
                tx,
                concat!(
                    "SELECT hash, ",
                    token_columns!(),
                    " FROM api_tokens WHERE hash = $1 AND revoked IS NULL"
                ),
                &[&hash.as_slice()],
            )
            .await?;
            match row {
                Some(row) if hashes_match(row.try_get(0)?, &hash) => token_from_row_at(&row, 1).map(Some),
                _ => Ok(None),
            }
        })?;
        let Some(info) = found else { return Ok(None) };
        record_use_if_stale(&info, |now| {
            self.try_write(async |tx| {
                let sql = "UPDATE api_tokens SET last_used = $1 WHERE id = $2";
                execute(tx, sql, &[&instant(now)?, &info.id.0]).await.map(drop)
            })
        });
        Ok(Some(info))
    }

    /// Records a use of the token for a caller that authenticated it from memory
    /// (as [`crate::Store::record_token_use`]); returns whether a row was written.
    pub fn record_token_use(&self, id: TokenId) -> Result<bool, StoreError> {
        let now = now_seconds();
        let (now, cutoff) = (instant(now)?, instant(now - LAST_USED_RESOLUTION_SECONDS)?);
        // Asked first, without a write: a statement that writes moves the data version
        // even when it changes no row (migration 0002's statement triggers), and this
        // is asked on every request authenticated from memory.
        let due = self.statement(async |tx| {
            let row = one_row(
                tx,
                concat!("SELECT EXISTS (SELECT 1 FROM api_tokens WHERE ", use_due!(), ")"),
                &[&id.0, &cutoff],
            )
            .await?;
            Ok(row.try_get::<_, bool>(0)?)
        })?;
        if !due {
            return Ok(false);
        }
        let written = self.try_write(async |tx| {
            let sql = concat!("UPDATE api_tokens SET last_used = $3 WHERE ", use_due!());
            Ok(execute(tx, sql, &[&id.0, &cutoff, &now]).await? > 0)
        });
        written.unwrap_or(Ok(false))
    }

    /// Every token, revoked ones included, oldest first (as [`crate::Store::list_tokens`]).
    pub fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        self.statement(async |tx| {
            rows(tx, concat!("SELECT ", token_columns!(), " FROM api_tokens ORDER BY id"), &[])
                .await?
                .iter()
                .map(token_from_row)
                .collect()
        })
    }

    /// The member tokens of the team's members, revoked ones included, oldest first (as
    /// [`crate::Store::team_member_tokens`]).
    pub fn team_member_tokens(&self, team: TeamId) -> Result<Vec<TokenInfo>, StoreError> {
        self.statement(async |tx| {
            rows(
                tx,
                concat!(
                    "SELECT ",
                    token_columns!(),
                    " FROM api_tokens
                     WHERE role = $1 AND member_id IN (SELECT id FROM members WHERE team_id = $2)
                     ORDER BY id"
                ),
                &[&Role::Member.as_str(), &team.0],
            )
            .await?
            .iter()
            .map(token_from_row)
            .collect()
        })
    }

    /// Revokes a token; revoking twice keeps the first time (as
    /// [`crate::Store::revoke_token`]).
    pub fn revoke_token(&self, id: TokenId) -> Result<TokenInfo, StoreError> {
        self.write(async |tx| {
            token_by_id(tx, id).await?;
            execute(
                tx,
                "UPDATE api_tokens SET revoked = $1 WHERE id = $2 AND revoked IS NULL",
                &[&now()?, &id.0],
            )
            .await?;
            token_by_id(tx, id).await
        })
    }
}

async fn token_by_id(tx: &impl Db, id: TokenId) -> Result<TokenInfo, StoreError> {
    optional_row(tx, concat!("SELECT ", token_columns!(), " FROM api_tokens WHERE id = $1"), &[&id.0])
        .await?
        .map(|row| token_from_row(&row))
        .ok_or_else(|| StoreError::not_found(format!("token {id}")))?
}

pub(super) fn token_from_row(row: &Row) -> Result<TokenInfo, StoreError> {
    token_from_row_at(row, 0)
}

/// A token from the row's [`token_columns`] starting at column `first`.
fn token_from_row_at(row: &Row, first: usize) -> Result<TokenInfo, StoreError> {
    let id = TokenId(row.try_get(first)?);
    Ok(TokenInfo {
        id,
        role: stored_role(id, row.try_get(first + 1)?)?,
        member: row.try_get::<_, Option<i64>>(first + 2)?.map(MemberId),
        team: row.try_get::<_, Option<i64>>(first + 3)?.map(TeamId),
        label: row.try_get(first + 4)?,
        created: row.try_get(first + 5)?,
        last_used: row.try_get(first + 6)?,
        revoked: row.try_get(first + 7)?,
    })
}
