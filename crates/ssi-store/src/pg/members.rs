//! Teams and members on PostgreSQL: [`crate::Store`]'s methods of `members.rs`, with the
//! same names, errors and ordering (names compared and sorted ignoring ASCII case, as
//! SQLite's `NOCASE`, through the schema's `ssi_nocase`).

use super::PgStore;
use super::rows::{
    all_members, by_name, ensure_member, member_by_id, member_columns, member_from_row, now, team_by_id,
    team_members,
};
use super::transactions::{Db, execute, one_row, optional_row, rows, unique_conflict};
use crate::error::StoreError;
use crate::members::{clean_name, clean_optional};
use crate::types::{Member, MemberId, Team, TeamId};
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

macro_rules! team_columns {
    () => {
        "id, name, created"
    };
}
impl PgStore {
    /// Creates a team (as [`crate::Store::create_team`]).
    pub fn create_team(&self, name: &str) -> Result<Team, StoreError> {
        let name = clean_name(name, "team")?;
        self.write(async |tx| {
            let row = one_row(
                tx,
                concat!("INSERT INTO teams (name, created) VALUES ($1, $2) RETURNING ", team_columns!()),
                &[&name, &now()?],
            )
            .await
            .map_err(|e| unique_conflict(e, || format!("a team named {name:?} already exists")))?;
            team_from_row(&row)
        })
    }

    /// Every team, by name (as [`crate::Store::list_teams`]).
    pub fn list_teams(&self) -> Result<Vec<Team>, StoreError> {
        self.statement(async |tx| {
            rows(tx, concat!("SELECT ", team_columns!(), " FROM teams", by_name!()), &[])
                .await?
                .iter()
                .map(team_from_row)
                .collect()
        })
    }

    /// The team with this id (as [`crate::Store::get_team`]).
    pub fn get_team(&self, id: TeamId) -> Result<Team, StoreError> {
        self.statement(async |tx| team_by_id(tx, id).await)
    }

    /// The team with this name, ignoring ASCII case (as [`crate::Store::team_by_name`]).
    pub fn team_by_name(&self, name: &str) -> Result<Team, StoreError> {
        self.statement(async |tx| {
            optional_row(
                tx,
                concat!("SELECT ", team_columns!(), " FROM teams WHERE ssi_nocase(name) = ssi_nocase($1)"),
                &[&name.trim()],
            )
            .await?
            .map(|row| team_from_row(&row))
            .ok_or_else(|| StoreError::not_found(format!("team {name:?}")))?
        })
    }

    /// Renames a team (as [`crate::Store::rename_team`]).
    pub fn rename_team(&self, id: TeamId, name: &str) -> Result<Team, StoreError> {
        let name = clean_name(name, "team")?;
        self.write(async |tx| {
            optional_row(
                tx,
                concat!("UPDATE teams SET name = $1 WHERE id = $2 RETURNING ", team_columns!()),
                &[&name, &id.0],
            )
            .await
            .map_err(|e| unique_conflict(e, || format!("a team named {name:?} already exists")))?
            .map(|row| team_from_row(&row))
            .ok_or_else(|| StoreError::not_found(format!("team {id}")))?
        })
    }

    /// Deletes a team; its members stay, without a team, and tokens scoped to it are
    /// deleted (as [`crate::Store::delete_team`]).
    pub fn delete_team(&self, id: TeamId) -> Result<(), StoreError> {
        self.write(async |tx| {
            if execute(tx, "DELETE FROM teams WHERE id = $1", &[&id.0]).await? == 0 {
                return Err(StoreError::not_found(format!("team {id}")));
            }
            Ok(())
        })
    }

    /// Creates a member (as [`crate::Store::create_member`]).
    pub fn create_member(
        &self,
        name: &str,
        industry: Option<&str>,
        team: Option<TeamId>,
    ) -> Result<Member, StoreError> {
        let name = clean_name(name, "member")?;
        let industry = clean_optional(industry);
        self.write(async |tx| {
            if let Some(team) = team {
                lock_team(tx, team).await?;
            }
            let row = one_row(
                tx,
                concat!(
                    "INSERT INTO members (name, industry, team_id, created) VALUES ($1, $2, $3, $4) RETURNING ",
                    member_columns!()
                ),
                &[&name, &industry, &team.map(|t| t.0), &now()?],
            )
            .await
            .map_err(|e| unique_conflict(e, || format!("a member named {name:?} already exists")))?;
            member_from_row(&row)
        })
    }

    /// The member with this name, ignoring ASCII case (as [`crate::Store::member_by_name`]).
    pub fn member_by_name(&self, name: &str) -> Result<Member, StoreError> {
        self.statement(async |tx| {
            optional_row(
                tx,
                concat!(
                    "SELECT ",
                    member_columns!(),
                    " FROM members WHERE ssi_nocase(name) = ssi_nocase($1)"
                ),
                &[&name.trim()],
            )
            .await?
            .map(|row| member_from_row(&row))
            .ok_or_else(|| StoreError::not_found(format!("member {name:?}")))?
        })
    }

    /// The member with this id (as [`crate::Store::get_member`]).
    pub fn get_member(&self, id: MemberId) -> Result<Member, StoreError> {
        self.statement(async |tx| member_by_id(tx, id).await)
    }

    /// Every member, by name (as [`crate::Store::list_members`]).
    pub fn list_members(&self) -> Result<Vec<Member>, StoreError> {
        self.statement(async |tx| all_members(tx).await)
    }

    /// The members of one team, by name (as [`crate::Store::list_team_members`]).
    pub fn list_team_members(&self, team: TeamId) -> Result<Vec<Member>, StoreError> {
        self.read(async |tx| {
            team_by_id(tx, team).await?;
            team_members(tx, team).await
        })
    }

    /// The account keys recorded in the member's import reports, sorted, without
    /// repeats (as [`crate::Store::member_account_keys`]).
    pub fn member_account_keys(&self, id: MemberId) -> Result<Vec<String>, StoreError> {
        self.read(async |tx| {
            ensure_member(tx, id).await?;
            let keys = rows(
                tx,
                "SELECT account_key FROM (
                     SELECT DISTINCT element #>> '{}' AS account_key
                     FROM imports CROSS JOIN LATERAL jsonb_array_elements(
                         -- What SQLite's json_each walks: an array's elements, an object's
                         -- values, a scalar itself.
                         CASE jsonb_typeof(report #> '{member,account_keys}')
                             WHEN 'array' THEN report #> '{member,account_keys}'
                             WHEN 'object' THEN jsonb_path_query_array(report #> '{member,account_keys}', '$.*')
                             ELSE jsonb_build_array(report #> '{member,account_keys}')
                         END) AS elements (element)
                     WHERE member_id = $1 AND jsonb_typeof(element) = 'string'
                 ) AS account_keys ORDER BY account_key COLLATE \"C\"",
                &[&id.0],
            )
            .await?;
            keys.iter().map(|row| Ok(row.try_get(0)?)).collect()
        })
    }

    /// Renames a member (as [`crate::Store::rename_member`]).
    pub fn rename_member(&self, id: MemberId, name: &str) -> Result<Member, StoreError> {
        let name = clean_name(name, "member")?;
        self.update_member_field(id, MemberField::Name, &name)
            .map_err(|e| unique_conflict(e, || format!("a member named {name:?} already exists")))
    }

    /// Sets (or clears, with `None`) a member's industry (as [`crate::Store::set_member_industry`]).
    pub fn set_member_industry(&self, id: MemberId, industry: Option<&str>) -> Result<Member, StoreError> {
        self.update_member_field(id, MemberField::Industry, &clean_optional(industry))
    }

    /// Moves a member to a team, or out of any (as [`crate::Store::set_member_team`]).
    pub fn set_member_team(&self, id: MemberId, team: Option<TeamId>) -> Result<Member, StoreError> {
        self.write(async |tx| {
            if let Some(team) = team {
                lock_team(tx, team).await?;
            }
            update_member(tx, id, MemberField::Team, &team.map(|t| t.0)).await
        })
    }

    /// Deletes a member and everything of theirs (as [`crate::Store::delete_member`]).
    pub fn delete_member(&self, id: MemberId) -> Result<(), StoreError> {
        self.write(async |tx| {
            if execute(tx, "DELETE FROM members WHERE id = $1", &[&id.0]).await? == 0 {
                return Err(StoreError::not_found(format!("member {id}")));
            }
            Ok(())
        })
    }

    fn update_member_field(
        &self,
        id: MemberId,
        field: MemberField,
        value: &(dyn ToSql + Sync),
    ) -> Result<Member, StoreError> {
        self.write(async |tx| update_member(tx, id, field, value).await)
    }
}

/// A column of a member's row that a method sets.
#[derive(Clone, Copy)]
enum MemberField {
    Name,
    Industry,
    Team,
}

impl MemberField {
    /// The statement setting the column to `$1` for member `$2`, returning the member.
    fn update(self) -> &'static str {
        macro_rules! update {
            ($column:literal) => {
                concat!("UPDATE members SET ", $column, " = $1 WHERE id = $2 RETURNING ", member_columns!())
            };
        }
        match self {
            MemberField::Name => update!("name"),
            MemberField::Industry => update!("industry"),
            MemberField::Team => update!("team_id"),
        }
    }
}

/// Sets one field of the member's row and returns the member; [`StoreError::NotFound`]
/// when there is none.
async fn update_member(
    tx: &impl Db,
    id: MemberId,
    field: MemberField,
    value: &(dyn ToSql + Sync),
) -> Result<Member, StoreError> {
    optional_row(tx, field.update(), &[value, &id.0])
        .await?
        .map(|row| member_from_row(&row))
        .ok_or_else(|| StoreError::not_found(format!("member {id}")))?
}

/// Fails with [`StoreError::NotFound`] unless the member exists, and keeps it from being
/// deleted until the caller's transaction ends (`FOR KEY SHARE`): for writes that add
/// rows referring to the member, which would otherwise fail on the foreign key when
/// another replica deletes the member meanwhile (SQLite's one writer rules that out).
pub(super) async fn lock_member(tx: &impl Db, id: MemberId) -> Result<(), StoreError> {
    let found = optional_row(tx, "SELECT FROM members WHERE id = $1 FOR KEY SHARE", &[&id.0]).await?;
    found.map(drop).ok_or_else(|| StoreError::not_found(format!("member {id}")))
}

/// [`lock_member`] for a team.
pub(super) async fn lock_team(tx: &impl Db, id: TeamId) -> Result<(), StoreError> {
    let found = optional_row(tx, "SELECT FROM teams WHERE id = $1 FOR KEY SHARE", &[&id.0]).await?;
    found.map(drop).ok_or_else(|| StoreError::not_found(format!("team {id}")))
}

fn team_from_row(row: &Row) -> Result<Team, StoreError> {
    Ok(Team { id: TeamId(row.try_get(0)?), name: row.try_get(1)?, created: row.try_get(2)? })
}
