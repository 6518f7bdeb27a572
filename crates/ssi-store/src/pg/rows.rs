//! What the ported PostgreSQL queries share: their transactions (a consistent read, a
//! write queued like SQLite's one writer) and the member and model rows they look up.
//!
//! The rules (a clean name, a horizon read back, a model parsed) are the SQLite
//! modules' own functions; only the SQL is PostgreSQL's.

use super::PgStore;
use crate::db::{instant, now_seconds};
use crate::error::StoreError;
use crate::members::{clean_name, clean_optional, horizon_from, workbook_kinds};
use crate::models::{model_definition, no_active_model, no_model, parse_model};
use crate::types::{Member, MemberId, Team, TeamId};
use chrono::{DateTime, Utc};
use deadpool_postgres::Client;
use ssi_core::{Horizon, ScoringModel};
use tokio_postgres::{GenericClient, IsolationLevel, Row, Transaction};

impl PgStore {
    /// Runs `work` in one read-only REPEATABLE READ transaction: every statement of it
    /// sees the same snapshot, as a SQLite read transaction does.
    pub(crate) fn read<T>(
        &self,
        work: impl AsyncFnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.block_on(async {
            let mut client = self.client().await?;
            let tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await?;
            let value = work(&tx).await?;
            tx.commit().await?;
            Ok(value)
        })
    }

    /// [`PgStore::read`] of a question about one member: fails with
    /// [`StoreError::NotFound`] unless the member exists, as SQLite's reads do.
    pub(crate) fn read_member<T>(
        &self,
        member: MemberId,
        work: impl AsyncFnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.read(async |tx| {
            ensure_member(tx, member).await?;
            work(tx).await
        })
    }

    /// Runs `work` in one write transaction ([`begin_write`]), committed when it returns
    /// `Ok` and rolled back otherwise.
    pub(crate) fn write<T>(
        &self,
        work: impl AsyncFnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.block_on(async {
            let mut client = self.client().await?;
            let tx = begin_write(&mut client).await?;
            let value = work(&tx).await?;
            tx.commit().await?;
            Ok(value)
        })
    }
}

/// Starts a write transaction that first locks the data version's row, which every
/// writing transaction updates anyway (migration 0002): writers queue from their first
/// statement, as SQLite's `BEGIN IMMEDIATE` makes them, so what one of them reads
/// before writing (the stored scores a re-score compares with, a fingerprint) cannot
/// be changed by another until it commits.
pub(crate) async fn begin_write(
    client: &mut Client,
) -> Result<deadpool_postgres::Transaction<'_>, StoreError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT version FROM data_version FOR UPDATE", &[]).await?;
    Ok(tx)
}

/// A stored instant as SQLite keeps it: whole seconds.
pub(crate) fn whole_seconds(at: DateTime<Utc>) -> Result<DateTime<Utc>, StoreError> {
    instant(at.timestamp())
}

/// Now, in whole seconds.
pub(crate) fn now() -> Result<DateTime<Utc>, StoreError> {
    instant(now_seconds())
}

/// The columns of a [`Member`], in [`member_from_row`] order.
macro_rules! member_columns {
    () => {
        "id, name, industry, team_id, created, horizon, horizon_source"
    };
}

pub(super) fn member_from_row(row: &Row) -> Result<Member, StoreError> {
    Ok(Member {
        id: MemberId(row.try_get(0)?),
        name: row.try_get(1)?,
        industry: row.try_get(2)?,
        team: row.try_get::<_, Option<i64>>(3)?.map(TeamId),
        created: row.try_get(4)?,
        horizon: horizon_from(row.try_get(5)?, row.try_get(6)?),
    })
}

/// Fails with [`StoreError::NotFound`] unless the member exists.
pub(crate) async fn ensure_member(tx: &impl GenericClient, id: MemberId) -> Result<(), StoreError> {
    let row = tx.query_one("SELECT EXISTS (SELECT 1 FROM members WHERE id = $1)", &[&id.0]).await?;
    if row.try_get(0)? { Ok(()) } else { Err(StoreError::not_found(format!("member {id}"))) }
}

/// The member with this id.
pub(crate) async fn member_by_id(tx: &impl GenericClient, id: MemberId) -> Result<Member, StoreError> {
    let row = tx
        .query_opt(concat!("SELECT ", member_columns!(), " FROM members WHERE id = $1"), &[&id.0])
        .await?
        .ok_or_else(|| StoreError::not_found(format!("member {id}")))?;
    member_from_row(&row)
}

/// The member named `name` (ignoring ASCII case), created with `industry` when there is
/// none, in the caller's transaction; and whether it was created.
pub(crate) async fn find_or_create_member(
    tx: &Transaction<'_>,
    name: &str,
    industry: Option<&str>,
) -> Result<(Member, bool), StoreError> {
    let name = clean_name(name, "member")?;
    if let Some(row) = tx
        .query_opt(
            concat!("SELECT ", member_columns!(), " FROM members WHERE ssi_nocase(name) = ssi_nocase($1)"),
            &[&name],
        )
        .await?
    {
        return Ok((member_from_row(&row)?, false));
    }
    let row = tx
        .query_one(
            concat!(
                "INSERT INTO members (name, industry, team_id, created) VALUES ($1, $2, NULL, $3) RETURNING ",
                member_columns!()
            ),
            &[&name, &clean_optional(industry), &now()?],
        )
        .await?;
    Ok((member_from_row(&row)?, true))
}

/// Every member's id, in id order.
pub(crate) async fn all_member_ids(tx: &Transaction<'_>) -> Result<Vec<MemberId>, StoreError> {
    let rows = tx.query("SELECT id FROM members ORDER BY id", &[]).await?;
    rows.iter().map(|row| Ok(MemberId(row.try_get(0)?))).collect()
}

/// Recomputes the member's horizon after their data changed, by SQLite's rule
/// (`members::refresh_horizon`): the latest of their imports' dates, their last pushed
/// day and their newest event or profile day; on a tie the import's source first.
pub(crate) async fn refresh_horizon(tx: &impl GenericClient, member: MemberId) -> Result<(), StoreError> {
    tx.execute(
        concat!(
            "UPDATE members SET (horizon, horizon_source) = (
             SELECT day, source FROM (
                 SELECT i.export_date AS day, 0 AS rank, coalesce(i.horizon_source, 'file_name') AS source
                   FROM imports AS i WHERE i.member_id = $1 AND i.export_date IS NOT NULL
                 UNION ALL
                 SELECT max(d.date), 1, 'pushed_scores' FROM daily_scores AS d
                  WHERE d.member_id = $1
                    AND d.model_version COLLATE \"C\" > 'push:' AND d.model_version COLLATE \"C\" < 'push;'
                 UNION ALL
                 SELECT (max(e.at) AT TIME ZONE 'UTC')::date, 2, 'stored_activity' FROM events AS e
                  WHERE e.member_id = $1 AND e.kind NOT IN (",
            workbook_kinds!(),
            ")
                 UNION ALL
                 SELECT max(p.taken_on), 2, 'stored_activity' FROM profile_snapshots AS p
                  WHERE p.member_id = $1
             ) AS candidates WHERE day IS NOT NULL ORDER BY day DESC, rank LIMIT 1)
         WHERE id = $1"
        ),
        &[&member.0],
    )
    .await?;
    Ok(())
}

/// The member's stored horizon.
pub(crate) async fn member_horizon(
    tx: &Transaction<'_>,
    member: MemberId,
) -> Result<Option<Horizon>, StoreError> {
    let row = tx.query_opt("SELECT horizon, horizon_source FROM members WHERE id = $1", &[&member.0]).await?;
    Ok(match row {
        Some(row) => horizon_from(row.try_get(0)?, row.try_get(1)?),
        None => None,
    })
}

/// The version of the active model.
pub(crate) async fn active_version(tx: &Transaction<'_>) -> Result<String, StoreError> {
    let row = tx.query_opt("SELECT version FROM scoring_models WHERE active", &[]).await?;
    match row {
        Some(row) => Ok(row.try_get(0)?),
        None => Err(no_active_model()),
    }
}

/// The active model.
pub(crate) async fn active_model(tx: &Transaction<'_>) -> Result<ScoringModel, StoreError> {
    let version = active_version(tx).await?;
    stored_model(tx, &version).await?.ok_or_else(|| no_model(&version))
}

/// The stored model with this version, if any.
pub(crate) async fn stored_model(
    tx: &impl GenericClient,
    version: &str,
) -> Result<Option<ScoringModel>, StoreError> {
    let row =
        tx.query_opt("SELECT definition::text FROM scoring_models WHERE version = $1", &[&version]).await?;
    row.map(|row| parse_model(version, row.try_get(0)?)).transpose()
}

/// Stores a model (inactive) under its version.
pub(crate) async fn insert_model(tx: &Transaction<'_>, model: &ScoringModel) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO scoring_models (version, definition, created, active) VALUES ($1, $2::text::jsonb, $3, false)",
        &[&model.version, &model_definition(model)?, &now()?],
    )
    .await?;
    Ok(())
}

/// Makes the stored model `version` the only active one.
pub(crate) async fn activate(tx: &Transaction<'_>, version: &str) -> Result<(), StoreError> {
    tx.execute("UPDATE scoring_models SET active = false WHERE active AND version <> $1", &[&version])
        .await?;
    if tx.execute("UPDATE scoring_models SET active = true WHERE version = $1", &[&version]).await? == 0 {
        return Err(no_model(version));
    }
    Ok(())
}

/// The team with this id.
pub(crate) async fn team_by_id(tx: &impl GenericClient, id: TeamId) -> Result<Team, StoreError> {
    let row = tx
        .query_opt("SELECT id, name, created FROM teams WHERE id = $1", &[&id.0])
        .await?
        .ok_or_else(|| StoreError::not_found(format!("team {id}")))?;
    Ok(Team { id: TeamId(row.try_get(0)?), name: row.try_get(1)?, created: row.try_get(2)? })
}

pub(super) use member_columns;

/// Members in SQLite's order for them: by name ignoring ASCII case (its NOCASE
/// column), then id.
macro_rules! by_name {
    () => {
        r#" ORDER BY ssi_nocase(name) COLLATE "C", id"#
    };
}
pub(super) use by_name;

/// Every member, by name.
pub(crate) async fn all_members(tx: &impl GenericClient) -> Result<Vec<Member>, StoreError> {
    let rows = tx.query(concat!("SELECT ", member_columns!(), " FROM members", by_name!()), &[]).await?;
    rows.iter().map(member_from_row).collect()
}

/// The team's members, by name.
pub(crate) async fn team_members(tx: &impl GenericClient, team: TeamId) -> Result<Vec<Member>, StoreError> {
    let rows = tx
        .query(
            concat!("SELECT ", member_columns!(), " FROM members WHERE team_id = $1", by_name!()),
            &[&team.0],
        )
        .await?;
    rows.iter().map(member_from_row).collect()
}

/// Members whose industry equals `industry`, ignoring ASCII case, by name.
pub(crate) async fn industry_members(
    tx: &Transaction<'_>,
    industry: &str,
) -> Result<Vec<Member>, StoreError> {
    let rows = tx
        .query(
            concat!(
                "SELECT ",
                member_columns!(),
                " FROM members WHERE ssi_nocase(industry) = ssi_nocase($1)",
                by_name!()
            ),
            &[&industry],
        )
        .await?;
    rows.iter().map(member_from_row).collect()
}
