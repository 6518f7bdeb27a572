//! API tokens of the team server: minted once, stored only as SHA-256 hashes, revocable.

use crate::db::{cached_row, instant, now_seconds, optional_instant};
use crate::error::StoreError;
use crate::members::{ensure_member, team_by_id};
use crate::types::{MemberId, Role, TeamId, TokenId, TokenInfo};
use crate::{Store, random_secret};
use rusqlite::{Connection, OptionalExtension, Row, params};
use sha2::{Digest, Sha256};
use std::path::Path;
use subtle::ConstantTimeEq;

/// Every token's plaintext starts with this, so that it is recognisable in a
/// config file or a leaked log.
pub const TOKEN_PREFIX: &str = "ssi_";

/// `last_used` is written at most this often per token, so authenticating is
/// not a write on every request.
pub(crate) const LAST_USED_RESOLUTION_SECONDS: i64 = 60;

/// The shortest plaintext [`Store::install_token`] accepts.
pub const MIN_INSTALLED_TOKEN_LEN: usize = 24;

/// Scope rules: an admin token is scoped to nothing, a manager token to a
/// team, a member token to a member (and optionally that member's team).
pub(crate) fn check_scope(
    role: Role,
    member: Option<MemberId>,
    team: Option<TeamId>,
) -> Result<(), StoreError> {
    match (role, member, team) {
        (Role::Admin, None, None) | (Role::Manager, None, Some(_)) | (Role::Member, Some(_), _) => Ok(()),
        (Role::Admin, ..) => Err(StoreError::invalid("an admin token is scoped to no member or team")),
        (Role::Manager, ..) => Err(StoreError::invalid("a manager token needs a team and no member")),
        (Role::Member, None, _) => Err(StoreError::invalid("a member token needs a member")),
    }
}

macro_rules! token_columns {
    () => {
        "id, role, member_id, team_id, label, created, last_used, revoked"
    };
}
pub(crate) use token_columns;

impl Store {
    /// Mints a token: 32 random bytes as hex, prefixed `ssi_`. Returns the
    /// plaintext, which is shown once and never stored (only its SHA-256 is),
    /// and the token's record.
    ///
    /// Scope rules: an admin token is scoped to nothing, a manager token to a
    /// team, a member token to a member (and optionally that member's team).
    pub fn create_token(
        &self,
        role: Role,
        member: Option<MemberId>,
        team: Option<TeamId>,
        label: &str,
    ) -> Result<(String, TokenInfo), StoreError> {
        check_scope(role, member, team)?;
        let plaintext = mint_plaintext(self.path())?;
        let info = self.insert_token(&plaintext, role, member, team, label)?;
        Ok((plaintext, info))
    }

    /// Installs a token whose plaintext the operator chose (the server's
    /// `SSI_ADMIN_TOKEN`), under the same scope rules and hashing as
    /// [`Store::create_token`].
    ///
    /// The plaintext must start with `ssi_` and be at least
    /// [`MIN_INSTALLED_TOKEN_LEN`] characters long; a token with the same
    /// plaintext already installed is a conflict.
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
        self.insert_token(plaintext, role, member, team, label).map_err(|e| match e {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::conflict(ALREADY_INSTALLED)
            }
            other => other,
        })
    }

    /// The token with this id, revoked or not.
    pub fn get_token(&self, id: TokenId) -> Result<TokenInfo, StoreError> {
        self.pool.read(|tx| token_by_id(tx, id))
    }

    /// Stores the hash of `plaintext` with its scope.
    fn insert_token(
        &self,
        plaintext: &str,
        role: Role,
        member: Option<MemberId>,
        team: Option<TeamId>,
        label: &str,
    ) -> Result<TokenInfo, StoreError> {
        let hash = token_hash(plaintext);
        self.pool.write(|tx| {
            if let Some(member) = member {
                ensure_member(tx, member)?;
            }
            if let Some(team) = team {
                team_by_id(tx, team)?;
            }
            tx.execute(
                "INSERT INTO api_tokens (hash, role, member_id, team_id, label, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    hash.as_slice(),
                    role.as_str(),
                    member.map(|m| m.0),
                    team.map(|t| t.0),
                    label.trim(),
                    now_seconds()
                ],
            )?;
            token_by_id(tx, TokenId(tx.last_insert_rowid()))
        })
    }

    /// The token whose plaintext this is, unless it is unknown or revoked.
    ///
    /// Looks the token up by its hash, then compares the hashes in constant
    /// time. Records `last_used` (to the minute, best effort: skipped when
    /// another thread of this process is writing, so that authenticating
    /// never queues behind a long write).
    pub fn authenticate(&self, plaintext: &str) -> Result<Option<TokenInfo>, StoreError> {
        let Some(hash) = presented_hash(plaintext) else { return Ok(None) };
        let found = self.pool.read(|tx| {
            let row: Option<(Vec<u8>, i64)> = cached_row(
                tx,
                "SELECT hash, id FROM api_tokens WHERE hash = ?1 AND revoked IS NULL",
                [hash.as_slice()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
            match row {
                Some((stored, id)) if hashes_match(&stored, &hash) => token_by_id(tx, TokenId(id)).map(Some),
                _ => Ok(None),
            }
        })?;
        let Some(info) = found else { return Ok(None) };
        record_use_if_stale(&info, |now| {
            self.pool.try_write(|tx| {
                tx.execute("UPDATE api_tokens SET last_used = ?1 WHERE id = ?2", params![now, info.id.0])?;
                Ok(())
            })
        });
        Ok(Some(info))
    }

    /// Records a use of the token now, as [`Store::authenticate`] does, for a caller that
    /// authenticated it from memory: written only when the stored `last_used` is a
    /// minute old or more (or unset), and only for a token not revoked; best effort
    /// (skipped when another thread of this process is writing). Returns whether a
    /// row was written.
    pub fn record_token_use(&self, id: TokenId) -> Result<bool, StoreError> {
        let now = now_seconds();
        let written = self.pool.try_write(|tx| {
            Ok(tx.execute(
                "UPDATE api_tokens SET last_used = ?1
                 WHERE id = ?2 AND revoked IS NULL AND (last_used IS NULL OR last_used <= ?1 - ?3)",
                params![now, id.0, LAST_USED_RESOLUTION_SECONDS],
            )? > 0)
        });
        written.unwrap_or(Ok(false))
    }

    /// Every token, revoked ones included, oldest first.
    pub fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        self.pool.read(|tx| {
            let mut stmt =
                tx.prepare_cached(concat!("SELECT ", token_columns!(), " FROM api_tokens ORDER BY id"))?;
            let rows = stmt.query_map([], token_from_row)?;
            rows.map(|r| r?).collect()
        })
    }

    /// The member tokens of the team's members (what its manager manages),
    /// revoked ones included, oldest first.
    pub fn team_member_tokens(&self, team: TeamId) -> Result<Vec<TokenInfo>, StoreError> {
        self.pool.read(|tx| {
            let mut stmt = tx.prepare_cached(concat!(
                "SELECT ",
                token_columns!(),
                " FROM api_tokens
                 WHERE role = ?1 AND member_id IN (SELECT id FROM members WHERE team_id = ?2)
                 ORDER BY id"
            ))?;
            let rows = stmt.query_map(params![Role::Member.as_str(), team.0], token_from_row)?;
            rows.map(|r| r?).collect()
        })
    }

    /// Revokes a token; it never authenticates again. Revoking twice keeps the first time.
    pub fn revoke_token(&self, id: TokenId) -> Result<TokenInfo, StoreError> {
        self.pool.write(|tx| {
            token_by_id(tx, id)?;
            tx.execute(
                "UPDATE api_tokens SET revoked = ?1 WHERE id = ?2 AND revoked IS NULL",
                params![now_seconds(), id.0],
            )?;
            token_by_id(tx, id)
        })
    }
}

/// The conflict [`Store::install_token`] reports for a plaintext already installed.
pub(crate) const ALREADY_INSTALLED: &str = "that token is already installed";

/// A new token's plaintext: 32 random bytes as hex, prefixed `ssi_`.
pub(crate) fn mint_plaintext(store: &Path) -> Result<String, StoreError> {
    Ok(format!("{TOKEN_PREFIX}{}", hex(&random_secret(store, "a token")?)))
}

/// The trimmed plaintext of a token the operator chose, if it may be installed.
pub(crate) fn check_installed_plaintext(plaintext: &str) -> Result<&str, StoreError> {
    let plaintext = plaintext.trim();
    if !plaintext.starts_with(TOKEN_PREFIX) || plaintext.chars().count() < MIN_INSTALLED_TOKEN_LEN {
        return Err(StoreError::invalid(format!(
            "a token must start with {TOKEN_PREFIX:?} and be at least {MIN_INSTALLED_TOKEN_LEN} characters long"
        )));
    }
    Ok(plaintext)
}

/// The hash to look a presented token up by; `None` when it cannot be a token.
pub(crate) fn presented_hash(plaintext: &str) -> Option<[u8; 32]> {
    let plaintext = plaintext.trim();
    plaintext.starts_with(TOKEN_PREFIX).then(|| token_hash(plaintext))
}

/// Whether a stored hash is the presented one, compared in constant time.
pub(crate) fn hashes_match(stored: &[u8], presented: &[u8; 32]) -> bool {
    bool::from(stored.ct_eq(presented.as_slice()))
}

/// After a token authenticated: when its `last_used` is a minute old or more (or unset),
/// records the use at `now` (Unix seconds) with `record`, best effort: `record` returns
/// `None` when it skipped (another writer was busy), and a failure is logged, never
/// returned, so that authenticating does not fail on bookkeeping.
pub(crate) fn record_use_if_stale(
    info: &TokenInfo,
    record: impl FnOnce(i64) -> Option<Result<(), StoreError>>,
) {
    let now = now_seconds();
    let stale = info.last_used.is_none_or(|t| now - t.timestamp() >= LAST_USED_RESOLUTION_SECONDS);
    if stale && let Some(Err(e)) = record(now) {
        tracing::warn!(token = info.id.0, error = %e, "could not record a token's last use");
    }
}

/// A stored role.
pub(crate) fn stored_role(id: TokenId, role: &str) -> Result<Role, StoreError> {
    role.parse().map_err(|e| StoreError::invalid(format!("token {id}: {e}")))
}

/// SHA-256 of the token's full plaintext.
pub(crate) fn token_hash(plaintext: &str) -> [u8; 32] {
    Sha256::digest(plaintext.as_bytes()).into()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)] as char, DIGITS[usize::from(b & 0xf)] as char])
        .collect()
}

fn token_by_id(conn: &Connection, id: TokenId) -> Result<TokenInfo, StoreError> {
    cached_row(
        conn,
        concat!("SELECT ", token_columns!(), " FROM api_tokens WHERE id = ?1"),
        [id.0],
        token_from_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found(format!("token {id}")))?
}

pub(crate) fn token_from_row(row: &Row<'_>) -> rusqlite::Result<Result<TokenInfo, StoreError>> {
    let role: String = row.get(1)?;
    let created: i64 = row.get(5)?;
    let last_used: Option<i64> = row.get(6)?;
    let revoked: Option<i64> = row.get(7)?;
    let id = TokenId(row.get(0)?);
    let member = row.get::<_, Option<i64>>(2)?.map(MemberId);
    let team = row.get::<_, Option<i64>>(3)?.map(TeamId);
    let label: String = row.get(4)?;
    Ok((|| {
        Ok(TokenInfo {
            id,
            role: stored_role(id, &role)?,
            member,
            team,
            label,
            created: instant(created)?,
            last_used: optional_instant(last_used)?,
            revoked: optional_instant(revoked)?,
        })
    })())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lower_case_two_digits_per_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }

    #[test]
    fn a_team_s_member_tokens_are_those_of_its_members_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("ssi.db")).unwrap();
        let sales = store.create_team("Sales").unwrap().id;
        let other = store.create_team("Other").unwrap().id;
        let ann = store.create_member("Ann", None, Some(sales)).unwrap().id;
        let bob = store.create_member("Bob", None, Some(other)).unwrap().id;
        let cy = store.create_member("Cy", None, None).unwrap().id;
        let (_, first) = store.create_token(Role::Member, Some(ann), None, "ann 1").unwrap();
        store.create_token(Role::Manager, None, Some(sales), "manager").unwrap();
        store.create_token(Role::Admin, None, None, "admin").unwrap();
        store.create_token(Role::Member, Some(bob), None, "bob").unwrap();
        store.create_token(Role::Member, Some(cy), None, "cy").unwrap();
        let (_, second) = store.create_token(Role::Member, Some(ann), None, "ann 2").unwrap();
        store.revoke_token(second.id).unwrap();
        let labels = |team| -> Vec<String> {
            store.team_member_tokens(team).unwrap().into_iter().map(|t| t.label).collect()
        };
        assert_eq!(labels(sales), ["ann 1", "ann 2"], "revoked ones too, oldest first");
        assert_eq!(labels(other), ["bob"]);
        assert_eq!(store.team_member_tokens(sales).unwrap()[0], first);
        store.set_member_team(ann, Some(other)).unwrap();
        assert!(labels(sales).is_empty(), "they follow the member to the new team");
    }
}
