//! Official SSI readings on PostgreSQL: [`crate::Store`]'s methods of `readings.rs`,
//! validated by the same rules (`readings::validate_readings`), upserted per member,
//! day and source, read back by day and then in the order first stored.

use super::PgStore;
use super::members::lock_member;
use super::transactions::{Db, optional_row};
use crate::db::{range_end, range_start};
use crate::error::StoreError;
use crate::readings::{groups_json, reading_from_parts, validate_readings};
use crate::types::MemberId;
use chrono::NaiveDate;
use ssi_core::OfficialReading;
use tokio_postgres::{Row, Transaction};

/// A reading's columns, in [`reading_from_row`]'s order.
macro_rules! reading_columns {
    () => {
        "date, source, total, brand, people, insights, relationships, groups::text"
    };
}
pub(super) use reading_columns;

impl PgStore {
    /// Stores one reading, replacing the member's reading of the same day and source
    /// (as [`crate::Store::add_reading`]).
    pub fn add_reading(&self, member: MemberId, reading: &OfficialReading) -> Result<(), StoreError> {
        self.add_readings(member, std::slice::from_ref(reading)).map(|_| ())
    }

    /// Stores readings, all or nothing (as [`crate::Store::add_readings`]).
    pub fn add_readings(&self, member: MemberId, readings: &[OfficialReading]) -> Result<usize, StoreError> {
        validate_readings(readings)?;
        self.write(async |tx| add_readings_in(tx, member, readings).await)
    }

    /// The member's readings between `from` and `to` inclusive (as
    /// [`crate::Store::readings`]).
    pub fn readings(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<OfficialReading>, StoreError> {
        self.read_member(member, async |tx| readings_in(tx, member, from, to).await)
    }

    /// The member's most recent reading (as [`crate::Store::latest_reading`]).
    pub fn latest_reading(&self, member: MemberId) -> Result<Option<OfficialReading>, StoreError> {
        self.read_member(member, async |tx| {
            optional_row(
                tx,
                concat!(
                    "SELECT ",
                    reading_columns!(),
                    " FROM official_readings WHERE member_id = $1 ORDER BY date DESC, id DESC LIMIT 1"
                ),
                &[&member.0],
            )
            .await?
            .map(|row| reading_from_row(&row))
            .transpose()
        })
    }
}

/// Upserts readings (already validated) in the caller's transaction. A confirmation
/// holds for the figures confirmed, not for new ones (as SQLite's `add_readings_in`).
pub(super) async fn add_readings_in(
    tx: &impl Db,
    member: MemberId,
    readings: &[OfficialReading],
) -> Result<usize, StoreError> {
    lock_member(tx, member).await?;
    let upsert = tx
        .prepare(
            "INSERT INTO official_readings AS stored (member_id, date, source, total, brand, people, insights,
                 relationships, industry_rank, industry_average, network_rank, network_average,
                 team_rank, team_average, groups)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::text::jsonb)
             ON CONFLICT (member_id, date, source) DO UPDATE SET
                 total = excluded.total, brand = excluded.brand, people = excluded.people,
                 insights = excluded.insights, relationships = excluded.relationships,
                 industry_rank = excluded.industry_rank, industry_average = excluded.industry_average,
                 network_rank = excluded.network_rank, network_average = excluded.network_average,
                 team_rank = excluded.team_rank, team_average = excluded.team_average,
                 groups = excluded.groups,
                 confirmed = stored.confirmed
                     AND stored.total IS NOT DISTINCT FROM excluded.total
                     AND stored.brand IS NOT DISTINCT FROM excluded.brand
                     AND stored.people IS NOT DISTINCT FROM excluded.people
                     AND stored.insights IS NOT DISTINCT FROM excluded.insights
                     AND stored.relationships IS NOT DISTINCT FROM excluded.relationships",
        )
        .await?;
    for r in readings {
        let [brand, people, insights, relationships] = r.pillars;
        tx.execute(
            &upsert,
            &[
                &member.0,
                &r.date,
                &r.source.as_str(),
                &r.total,
                &brand,
                &people,
                &insights,
                &relationships,
                &r.industry.rank.map(i64::from),
                &r.industry.average,
                &r.network.rank.map(i64::from),
                &r.network.average,
                &r.team.rank.map(i64::from),
                &r.team.average,
                &groups_json(r)?,
            ],
        )
        .await?;
    }
    Ok(readings.len())
}

/// A reading from a row of [`reading_columns`].
pub(super) fn reading_from_row(row: &Row) -> Result<OfficialReading, StoreError> {
    let pillars = [row.try_get(3)?, row.try_get(4)?, row.try_get(5)?, row.try_get(6)?];
    reading_from_parts(row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, pillars, row.try_get(7)?)
}

/// The member's official readings between `from` and `to`, by day and then in the
/// order they were stored (SQLite's `readings_in`).
pub(crate) async fn readings_in(
    tx: &Transaction<'_>,
    member: MemberId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<OfficialReading>, StoreError> {
    let rows = tx
        .query(
            concat!(
                "SELECT ",
                reading_columns!(),
                " FROM official_readings WHERE member_id = $1 AND date >= $2 AND date <= $3 ORDER BY date, id"
            ),
            &[&member.0, &range_start(from), &range_end(to)],
        )
        .await?;
    rows.iter().map(reading_from_row).collect()
}
