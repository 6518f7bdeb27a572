//! Official SSI readings: validated, upserted per member, day and source.

use crate::Store;
use crate::db::{check_day, range_end, range_start};
use crate::error::StoreError;
use crate::members::ensure_member;
use crate::types::MemberId;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ssi_core::{GroupStats, OfficialReading, ReadingSource};

/// The columns of a reading, in [`stored_reading`]'s order.
macro_rules! reading_columns {
    () => {
        "date, source, total, brand, people, insights, relationships, groups"
    };
}

/// The three comparison groups, stored together as JSON.
#[derive(Serialize, Deserialize)]
struct Groups {
    industry: GroupStats,
    network: GroupStats,
    team: GroupStats,
}

impl Store {
    /// Stores one reading (validated first), replacing any earlier reading of
    /// the same member, day and source.
    pub fn add_reading(&self, member: MemberId, reading: &OfficialReading) -> Result<(), StoreError> {
        self.add_readings(member, std::slice::from_ref(reading)).map(|_| ())
    }

    /// Stores readings, all or nothing: one invalid reading stores none.
    /// Returns how many were stored.
    pub fn add_readings(&self, member: MemberId, readings: &[OfficialReading]) -> Result<usize, StoreError> {
        validate_readings(readings)?;
        self.pool.write(|tx| add_readings_in(tx, member, readings))
    }

    /// The member's readings between `from` and `to` inclusive, by day (and
    /// for one day, in the order they were first stored).
    pub fn readings(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<OfficialReading>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            readings_in(tx, member, from, to)
        })
    }

    /// The member's most recent reading (the latest day; of several sources
    /// that day, the one stored last).
    pub fn latest_reading(&self, member: MemberId) -> Result<Option<OfficialReading>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            let mut stmt = tx.prepare_cached(concat!(
                "SELECT ",
                reading_columns!(),
                " FROM official_readings WHERE member_id = ?1 ORDER BY date DESC, id DESC LIMIT 1"
            ))?;
            stmt.query_row([member.0], reading_from_row).optional()?.transpose()
        })
    }
}

/// How many readings the member has (every day and source).
pub(crate) fn reading_count_in(conn: &Connection, member: MemberId) -> Result<usize, StoreError> {
    let count: i64 = conn
        .prepare_cached("SELECT count(*) FROM official_readings WHERE member_id = ?1")?
        .query_row([member.0], |r| r.get(0))?;
    Ok(usize::try_from(count).unwrap_or_default())
}

pub(crate) fn readings_in(
    conn: &Connection,
    member: MemberId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<OfficialReading>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        reading_columns!(),
        " FROM official_readings
         WHERE member_id = ?1 AND date >= ?2 AND date <= ?3 ORDER BY date, id"
    ))?;
    let rows = stmt.query_map(params![member.0, range_start(from), range_end(to)], reading_from_row)?;
    rows.map(|r| r?).collect()
}

pub(crate) fn reading_from_row(row: &Row<'_>) -> rusqlite::Result<Result<OfficialReading, StoreError>> {
    let pillars = [row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?];
    Ok(reading_from_parts(
        row.get(0)?,
        row.get_ref(1)?.as_str()?,
        row.get(2)?,
        pillars,
        row.get_ref(7)?.as_str()?,
    ))
}

/// A stored reading from its columns (`reading_columns!()`), whatever the backend
/// that read them: the source named, the groups' JSON loaded.
pub(crate) fn reading_from_parts(
    date: NaiveDate,
    source: &str,
    total: f64,
    pillars: [Option<f64>; 4],
    groups: &str,
) -> Result<OfficialReading, StoreError> {
    let source = [ReadingSource::Json, ReadingSource::Csv, ReadingSource::Manual, ReadingSource::Push]
        .into_iter()
        .find(|s| s.as_str() == source)
        .ok_or_else(|| {
            StoreError::invalid(format!("stored reading of {date} has unknown source {source:?}"))
        })?;
    let groups: Groups = serde_json::from_str(groups)
        .map_err(|e| StoreError::invalid(format!("stored reading of {date}: groups do not load: {e}")))?;
    Ok(OfficialReading {
        date,
        total,
        pillars,
        industry: groups.industry,
        network: groups.network,
        team: groups.team,
        source,
    })
}

/// The reading's three comparison groups as the JSON text they are stored as.
pub(crate) fn groups_json(reading: &OfficialReading) -> Result<String, StoreError> {
    let groups = Groups {
        industry: reading.industry.clone(),
        network: reading.network.clone(),
        team: reading.team.clone(),
    };
    serde_json::to_string(&groups)
        .map_err(|e| StoreError::invalid(format!("reading of {}: {e}", reading.date)))
}

/// Checks every reading, before anything is written.
pub(crate) fn validate_readings(readings: &[OfficialReading]) -> Result<(), StoreError> {
    for reading in readings {
        check_day(reading.date, "reading")?;
        reading.validate().map_err(|e| {
            StoreError::invalid(format!("reading of {} ({}): {e}", reading.date, reading.source.as_str()))
        })?;
    }
    Ok(())
}

/// Upserts readings (already validated) in the caller's transaction.
pub(crate) fn add_readings_in(
    tx: &Connection,
    member: MemberId,
    readings: &[OfficialReading],
) -> Result<usize, StoreError> {
    ensure_member(tx, member)?;
    let mut upsert = tx.prepare_cached(
        "INSERT INTO official_readings (member_id, date, source, total, brand, people, insights,
             relationships, industry_rank, industry_average, network_rank, network_average,
             team_rank, team_average, groups)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT (member_id, date, source) DO UPDATE SET
             total = excluded.total, brand = excluded.brand, people = excluded.people,
             insights = excluded.insights, relationships = excluded.relationships,
             industry_rank = excluded.industry_rank, industry_average = excluded.industry_average,
             network_rank = excluded.network_rank, network_average = excluded.network_average,
             team_rank = excluded.team_rank, team_average = excluded.team_average,
             groups = excluded.groups,
             -- A confirmation holds for the figures confirmed, not for new ones.
             confirmed = CASE WHEN total IS excluded.total AND brand IS excluded.brand
                 AND people IS excluded.people AND insights IS excluded.insights
                 AND relationships IS excluded.relationships THEN confirmed ELSE 0 END",
    )?;
    for r in readings {
        let groups = groups_json(r)?;
        let [brand, people, insights, relationships] = r.pillars;
        upsert.execute(params![
            member.0,
            r.date,
            r.source.as_str(),
            r.total,
            brand,
            people,
            insights,
            relationships,
            r.industry.rank,
            r.industry.average,
            r.network.rank,
            r.network.average,
            r.team.rank,
            r.team.average,
            groups
        ])?;
    }
    Ok(readings.len())
}
