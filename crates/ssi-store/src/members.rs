//! Teams and members: creating, finding, renaming, moving and deleting them.

use crate::Store;
use crate::db::{cached_row, instant, now_seconds};
use crate::error::{StoreError, unique_conflict};
use crate::types::{Member, MemberId, Team, TeamId};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};
use ssi_core::{Horizon, HorizonSource};

macro_rules! team_columns {
    () => {
        "id, name, created"
    };
}
macro_rules! member_columns {
    () => {
        "id, name, industry, team_id, created, horizon, horizon_source"
    };
}

impl Store {
    /// Creates a team. The name is trimmed and must be unique (ignoring ASCII case).
    pub fn create_team(&self, name: &str) -> Result<Team, StoreError> {
        let name = clean_name(name, "team")?;
        self.pool.write(|tx| {
            tx.execute("INSERT INTO teams (name, created) VALUES (?1, ?2)", params![name, now_seconds()])
                .map_err(|e| unique_conflict(e, || format!("a team named {name:?} already exists")))?;
            team_by_id(tx, TeamId(tx.last_insert_rowid()))
        })
    }

    /// Every team, by name.
    pub fn list_teams(&self) -> Result<Vec<Team>, StoreError> {
        self.pool.read(|tx| {
            let mut stmt =
                tx.prepare_cached(concat!("SELECT ", team_columns!(), " FROM teams ORDER BY name, id"))?;
            let rows = stmt.query_map([], team_from_row)?;
            rows.map(|r| r?).collect()
        })
    }

    /// The team with this id.
    pub fn get_team(&self, id: TeamId) -> Result<Team, StoreError> {
        self.pool.read(|tx| team_by_id(tx, id))
    }

    /// The team with this name (ignoring ASCII case).
    pub fn team_by_name(&self, name: &str) -> Result<Team, StoreError> {
        self.pool.read(|tx| {
            cached_row(
                tx,
                concat!("SELECT ", team_columns!(), " FROM teams WHERE name = ?1"),
                [name.trim()],
                team_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found(format!("team {name:?}")))?
        })
    }

    /// Renames a team.
    pub fn rename_team(&self, id: TeamId, name: &str) -> Result<Team, StoreError> {
        let name = clean_name(name, "team")?;
        self.pool.write(|tx| {
            let changed = tx
                .execute("UPDATE teams SET name = ?1 WHERE id = ?2", params![name, id.0])
                .map_err(|e| unique_conflict(e, || format!("a team named {name:?} already exists")))?;
            if changed == 0 {
                return Err(StoreError::not_found(format!("team {id}")));
            }
            team_by_id(tx, id)
        })
    }

    /// Deletes a team. Its members stay, without a team; tokens scoped to it are deleted.
    pub fn delete_team(&self, id: TeamId) -> Result<(), StoreError> {
        self.pool.write(|tx| {
            if tx.execute("DELETE FROM teams WHERE id = ?1", [id.0])? == 0 {
                return Err(StoreError::not_found(format!("team {id}")));
            }
            Ok(())
        })
    }

    /// Creates a member. The name is trimmed and must be unique (ignoring ASCII case).
    pub fn create_member(
        &self,
        name: &str,
        industry: Option<&str>,
        team: Option<TeamId>,
    ) -> Result<Member, StoreError> {
        let name = clean_name(name, "member")?;
        let industry = clean_optional(industry);
        self.pool.write(|tx| {
            if let Some(team) = team {
                team_by_id(tx, team)?;
            }
            tx.execute(
                "INSERT INTO members (name, industry, team_id, created) VALUES (?1, ?2, ?3, ?4)",
                params![name, industry, team.map(|t| t.0), now_seconds()],
            )
            .map_err(|e| unique_conflict(e, || format!("a member named {name:?} already exists")))?;
            member_by_id(tx, MemberId(tx.last_insert_rowid()))
        })
    }

    /// The member with this name (ignoring ASCII case).
    pub fn member_by_name(&self, name: &str) -> Result<Member, StoreError> {
        self.pool.read(|tx| {
            cached_row(
                tx,
                concat!("SELECT ", member_columns!(), " FROM members WHERE name = ?1"),
                [name.trim()],
                member_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found(format!("member {name:?}")))?
        })
    }

    /// The member with this id.
    pub fn get_member(&self, id: MemberId) -> Result<Member, StoreError> {
        self.pool.read(|tx| member_by_id(tx, id))
    }

    /// Every member, by name.
    pub fn list_members(&self) -> Result<Vec<Member>, StoreError> {
        self.pool.read(|tx| all_members(tx))
    }

    /// The members of one team, by name.
    pub fn list_team_members(&self, team: TeamId) -> Result<Vec<Member>, StoreError> {
        self.pool.read(|tx| {
            team_by_id(tx, team)?;
            team_members(tx, team)
        })
    }

    /// The account keys recorded for a member: the keyed hashes of stable
    /// account attributes (`email:…`, `registered:…`, `url:…`) that the
    /// importer put in the report of each of the member's imports
    /// (`member.account_keys`). Sorted, without repeats; empty for a member
    /// whose exports told none. They are keyed hashes, never the values.
    ///
    /// They live in the import reports rather than a column of their own, so
    /// that they are deleted with the member and need no schema change.
    pub fn member_account_keys(&self, id: MemberId) -> Result<Vec<String>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, id)?;
            let mut stmt = tx.prepare_cached(
                "SELECT DISTINCT key.value FROM imports, json_each(imports.report, '$.member.account_keys') AS key
                 WHERE imports.member_id = ?1 AND json_valid(imports.report) AND key.type = 'text'
                 ORDER BY key.value",
            )?;
            let rows = stmt.query_map([id.0], |row| row.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Renames a member.
    pub fn rename_member(&self, id: MemberId, name: &str) -> Result<Member, StoreError> {
        let name = clean_name(name, "member")?;
        self.update_member_field(id, "UPDATE members SET name = ?1 WHERE id = ?2", &name).map_err(|e| match e
        {
            StoreError::Sqlite(e) => unique_conflict(e, || format!("a member named {name:?} already exists")),
            other => other,
        })
    }

    /// Sets (or clears, with `None`) a member's industry.
    pub fn set_member_industry(&self, id: MemberId, industry: Option<&str>) -> Result<Member, StoreError> {
        let industry = clean_optional(industry);
        self.update_member_field(id, "UPDATE members SET industry = ?1 WHERE id = ?2", &industry)
    }

    /// Moves a member to a team (or out of any team, with `None`).
    pub fn set_member_team(&self, id: MemberId, team: Option<TeamId>) -> Result<Member, StoreError> {
        self.pool.write(|tx| {
            if let Some(team) = team {
                team_by_id(tx, team)?;
            }
            if tx
                .execute("UPDATE members SET team_id = ?1 WHERE id = ?2", params![team.map(|t| t.0), id.0])?
                == 0
            {
                return Err(StoreError::not_found(format!("member {id}")));
            }
            member_by_id(tx, id)
        })
    }

    /// Deletes a member and everything of theirs: events, snapshots, imports,
    /// readings, scores and tokens.
    pub fn delete_member(&self, id: MemberId) -> Result<(), StoreError> {
        self.pool.write(|tx| {
            if tx.execute("DELETE FROM members WHERE id = ?1", [id.0])? == 0 {
                return Err(StoreError::not_found(format!("member {id}")));
            }
            Ok(())
        })
    }

    fn update_member_field(
        &self,
        id: MemberId,
        sql: &str,
        value: &dyn rusqlite::ToSql,
    ) -> Result<Member, StoreError> {
        self.pool.write(|tx| {
            if tx.execute(sql, params![value, id.0])? == 0 {
                return Err(StoreError::not_found(format!("member {id}")));
            }
            member_by_id(tx, id)
        })
    }
}

/// A trimmed, non-empty name.
pub(crate) fn clean_name(name: &str, what: &str) -> Result<String, StoreError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::invalid(format!("a {what} name must not be empty")));
    }
    Ok(name.to_string())
}

/// A trimmed optional text; blank means none.
pub(crate) fn clean_optional(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

pub(crate) fn team_by_id(conn: &Connection, id: TeamId) -> Result<Team, StoreError> {
    cached_row(conn, concat!("SELECT ", team_columns!(), " FROM teams WHERE id = ?1"), [id.0], team_from_row)
        .optional()?
        .ok_or_else(|| StoreError::not_found(format!("team {id}")))?
}

pub(crate) fn member_by_id(conn: &Connection, id: MemberId) -> Result<Member, StoreError> {
    cached_row(
        conn,
        concat!("SELECT ", member_columns!(), " FROM members WHERE id = ?1"),
        [id.0],
        member_from_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found(format!("member {id}")))?
}

/// Fails with [`StoreError::NotFound`] unless the member exists.
pub(crate) fn ensure_member(conn: &Connection, id: MemberId) -> Result<(), StoreError> {
    let exists: bool =
        cached_row(conn, "SELECT EXISTS (SELECT 1 FROM members WHERE id = ?1)", [id.0], |row| row.get(0))?;
    if exists { Ok(()) } else { Err(StoreError::not_found(format!("member {id}"))) }
}

/// The member named `name` (ignoring ASCII case), created with `industry` (and no team)
/// when there is none. Returns it and whether it was created. Runs in the caller's
/// transaction, so the creation commits or rolls back with the caller's work.
pub(crate) fn find_or_create_member(
    conn: &Connection,
    name: &str,
    industry: Option<&str>,
) -> Result<(Member, bool), StoreError> {
    let name = clean_name(name, "member")?;
    let existing = cached_row(
        conn,
        concat!("SELECT ", member_columns!(), " FROM members WHERE name = ?1"),
        [&name],
        member_from_row,
    )
    .optional()?;
    if let Some(member) = existing {
        return Ok((member?, false));
    }
    conn.execute(
        "INSERT INTO members (name, industry, team_id, created) VALUES (?1, ?2, NULL, ?3)",
        params![name, clean_optional(industry), now_seconds()],
    )?;
    Ok((member_by_id(conn, MemberId(conn.last_insert_rowid()))?, true))
}

/// Every member, by name.
pub(crate) fn all_members(conn: &Connection) -> Result<Vec<Member>, StoreError> {
    let mut stmt =
        conn.prepare_cached(concat!("SELECT ", member_columns!(), " FROM members ORDER BY name, id"))?;
    let rows = stmt.query_map([], member_from_row)?;
    rows.map(|r| r?).collect()
}

pub(crate) fn team_members(conn: &Connection, team: TeamId) -> Result<Vec<Member>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        member_columns!(),
        " FROM members WHERE team_id = ?1 ORDER BY name, id"
    ))?;
    let rows = stmt.query_map([team.0], member_from_row)?;
    rows.map(|r| r?).collect()
}

/// Members whose industry equals `industry`, ignoring ASCII case.
pub(crate) fn industry_members(conn: &Connection, industry: &str) -> Result<Vec<Member>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        member_columns!(),
        " FROM members WHERE industry = ?1 COLLATE NOCASE ORDER BY name, id"
    ))?;
    let rows = stmt.query_map([industry], member_from_row)?;
    rows.map(|r| r?).collect()
}

pub(crate) fn all_member_ids(conn: &Connection) -> Result<Vec<MemberId>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id FROM members ORDER BY id")?;
    let rows = stmt.query_map([], |row| row.get(0).map(MemberId))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn team_from_row(row: &Row<'_>) -> rusqlite::Result<Result<Team, StoreError>> {
    let created: i64 = row.get(2)?;
    let (id, name) = (TeamId(row.get(0)?), row.get(1)?);
    Ok(instant(created).map(|created| Team { id, name, created }))
}

fn member_from_row(row: &Row<'_>) -> rusqlite::Result<Result<Member, StoreError>> {
    let created: i64 = row.get(4)?;
    let (id, name, industry, team) =
        (MemberId(row.get(0)?), row.get(1)?, row.get(2)?, row.get::<_, Option<i64>>(3)?.map(TeamId));
    let horizon = horizon_from(row.get(5)?, row.get(6)?);
    Ok(instant(created).map(|created| Member { id, name, industry, team, created, horizon }))
}

/// A stored horizon day and source; a source this build does not know reads
/// as stored activity (the day is what counts).
pub(crate) fn horizon_from(day: Option<NaiveDate>, source: Option<String>) -> Option<Horizon> {
    let source = source.as_deref().and_then(HorizonSource::parse).unwrap_or(HorizonSource::StoredActivity);
    day.map(|day| Horizon { day, source })
}

/// The event kinds a creator analytics workbook stores, as an SQL list: they say
/// nothing of the member's own activity, so no horizon is drawn from them (both
/// backends' `refresh_horizon`).
macro_rules! workbook_kinds {
    () => {
        "'engagement_received', 'follower_gained', 'engagement_reported', 'followers_reported'"
    };
}
pub(crate) use workbook_kinds;

/// Recomputes the member's horizon after their data changed (an import, a
/// push), in the caller's transaction: the latest of their imports' dates,
/// their last pushed day and their newest stored event or profile day. On a
/// tie the import's own source is named first. Migration 0003 applies the
/// same rule to databases that had no horizon.
pub(crate) fn refresh_horizon(conn: &Connection, member: MemberId) -> Result<Option<Horizon>, StoreError> {
    conn.prepare_cached(concat!(
        "UPDATE members SET (horizon, horizon_source) = (
             SELECT day, source FROM (
                 SELECT i.export_date AS day, 0 AS rank, coalesce(i.horizon_source, 'file_name') AS source
                   FROM imports AS i WHERE i.member_id = ?1 AND i.export_date IS NOT NULL
                 UNION ALL
                 SELECT max(d.date), 1, 'pushed_scores' FROM daily_scores AS d
                  WHERE d.member_id = ?1 AND d.model_version > 'push:' AND d.model_version < 'push;'
                 UNION ALL
                 SELECT date(max(e.at), 'unixepoch'), 2, 'stored_activity' FROM events AS e
                  WHERE e.member_id = ?1 AND e.kind NOT IN (",
        self::workbook_kinds!(),
        ")
                 UNION ALL
                 SELECT max(p.taken_on), 2, 'stored_activity' FROM profile_snapshots AS p
                  WHERE p.member_id = ?1
             ) WHERE day IS NOT NULL ORDER BY day DESC, rank LIMIT 1)
         WHERE id = ?1"
    ))?
    .execute([member.0])?;
    member_horizon(conn, member)
}

/// The member's stored horizon (see [`Member::horizon`]).
pub(crate) fn member_horizon(conn: &Connection, member: MemberId) -> Result<Option<Horizon>, StoreError> {
    let (day, source): (Option<NaiveDate>, Option<String>) =
        cached_row(conn, "SELECT horizon, horizon_source FROM members WHERE id = ?1", [member.0], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?
        .unwrap_or_default();
    Ok(horizon_from(day, source))
}
