//! Reading daily scores back: the latest score with its explanation, history, points and changes.
//!
//! Explanations are rebuilt on read by [`ssi_core::engine::score_day`] from
//! the stored metric values, so they always match the model's text.

use crate::Store;
use crate::db::{range_end, range_start};
use crate::error::StoreError;
use crate::events::{daily_counts_in, load_snapshots};
use crate::members::ensure_member;
use crate::models::stored_model;
use crate::readings::readings_in;
use crate::series::{PUSH_PREFIX, chosen_version, parse_components, point_columns, point_from_row};
use crate::types::{HistoryRow, ImpactInputs, MemberId, ScorePoint};
use chrono::{Days, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};
use ssi_core::advice::choose_impact_series;
use ssi_core::advice::impact::counts_window;
use ssi_core::engine::{DayValues, score_day};
use ssi_core::{DailyScore, OfficialReading, ProfileSnapshot, ScoringModel};

impl Store {
    /// The member's score on `on` (or the latest day scored), from the latest
    /// stored day on or before it, with the full explanation rebuilt under the
    /// model that scored it and the profile snapshot in force that day.
    ///
    /// The pillars and total are the stored ones; each component's points are
    /// recomputed from its stored value (kept to six decimals), so they add up
    /// to the total within a hair.
    ///
    /// Uses the active model's rows; a member without any (scores pushed from
    /// a CLI) gets their latest pushed series, explained when the server knows
    /// that model version and has the component values, else without components.
    pub fn latest_score(
        &self,
        member: MemberId,
        on: Option<NaiveDate>,
    ) -> Result<Option<DailyScore>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            latest_score_in(tx, member, on)
        })
    }

    /// The stored scores of one model version (e.g. an older model, or
    /// `push:<version>`) between `from` and `to` inclusive, by day.
    pub fn score_points(
        &self,
        member: MemberId,
        version: &str,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<ScorePoint>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            points_in(tx, member, version, from, to)
        })
    }

    /// The member's history between `from` and `to` inclusive: every day with
    /// an estimate (active model, or the pushed series as in
    /// [`Store::latest_score`]) or an official reading, both side by side.
    pub fn history(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<HistoryRow>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            history_in(tx, member, from, to)
        })
    }

    /// The member's earliest estimate on or before `to` (or at all), from
    /// the series [`Store::latest_score`] reads; one index seek, where
    /// [`Store::history`] would read every day.
    pub fn first_score(
        &self,
        member: MemberId,
        to: Option<NaiveDate>,
    ) -> Result<Option<ScorePoint>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            let Some(version) = chosen_version(tx, member)? else { return Ok(None) };
            let mut stmt = tx.prepare_cached(concat!(
                "SELECT ",
                point_columns!(),
                " FROM daily_scores
                 WHERE member_id = ?1 AND model_version = ?2 AND date <= ?3
                 ORDER BY date LIMIT 1"
            ))?;
            Ok(stmt.query_row(params![member.0, version, range_end(to)], point_from_row).optional()?)
        })
    }

    /// What the activity impact analysis of the member between `from` and `to`
    /// reads, from one consistent read: the pillar series
    /// [`ssi_core::advice::choose_impact_series`] picks (the official readings
    /// when they give enough day-to-day changes, else the estimates of the
    /// series [`Store::latest_score`] reads) and the member's daily activity
    /// counts over the days the analysis of that series needs
    /// ([`ssi_core::advice::impact::counts_window`]).
    pub fn impact_inputs(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<ImpactInputs, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            let series = choose_impact_series(&readings_in(tx, member, from, to)?, || {
                let Some(version) = chosen_version(tx, member)? else { return Ok(Vec::new()) };
                let points = points_in(tx, member, &version, from, to)?;
                Ok::<_, StoreError>(points.into_iter().map(|p| (p.date, p.pillars)).collect())
            })?;
            let (counts_from, counts_to) = counts_window(&series.series);
            let counts = daily_counts_in(tx, member, counts_from, counts_to)?;
            Ok(ImpactInputs { series, counts })
        })
    }

    /// How much the total changed over the `days` days up to `on`: the score
    /// as of `on` minus the score `days` before *that score's* day ("as of":
    /// the latest stored day on or before), so that a change asked for after
    /// the member's horizon ends at the horizon. `None` when either is missing.
    pub fn change_over(&self, member: MemberId, days: u32, on: NaiveDate) -> Result<Option<f64>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            let Some(version) = chosen_version(tx, member)? else { return Ok(None) };
            change_in(tx, member, &version, days, on)
        })
    }
}

/// [`Store::history`] in the caller's transaction.
pub(crate) fn history_in(
    conn: &Connection,
    member: MemberId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<HistoryRow>, StoreError> {
    // Both series come in date order: the estimates are read straight into the
    // rows, and the (few) readings merged in. This is most of the server's
    // history route (cargo xtask bench, row 5b).
    let mut rows: Vec<HistoryRow> = Vec::new();
    if let Some(version) = chosen_version(conn, member)? {
        for_each_point(conn, member, &version, from, to, |point| rows.push(estimate_row(point)))?;
    }
    Ok(merge_history(rows, readings_in(conn, member, from, to)?))
}

/// [`Store::latest_score`] in the caller's transaction.
pub(crate) fn latest_score_in(
    conn: &Connection,
    member: MemberId,
    on: Option<NaiveDate>,
) -> Result<Option<DailyScore>, StoreError> {
    let Some(version) = chosen_version(conn, member)? else { return Ok(None) };
    let Some((point, components)) = score_as_of(conn, member, &version, on)? else { return Ok(None) };
    let values = parse_components(member, point.date, &components)?;
    let model = stored_model(conn, scored_by(&version))?;
    let profiles = match &model {
        Some(model) if explains(model, &values) => load_snapshots(conn, member)?,
        _ => Vec::new(),
    };
    Ok(Some(explained_score(version, point, values, model.as_ref(), &profiles)))
}

/// The model version that scored a series: a pushed series' own version without its prefix.
pub(crate) fn scored_by(version: &str) -> &str {
    version.strip_prefix(PUSH_PREFIX).unwrap_or(version)
}

/// Whether `model` can explain stored component `values`: one value per component.
pub(crate) fn explains(model: &ScoringModel, values: &[f64]) -> bool {
    values.len() == model.components.len()
}

/// A stored score explained: rebuilt under `model` (the one that scored it, when the
/// store knows it and [`explains`] the values) with the profile in force that day, but
/// with the stored pillars and total; else the stored figures without components.
pub(crate) fn explained_score(
    version: String,
    point: ScorePoint,
    values: Vec<f64>,
    model: Option<&ScoringModel>,
    profiles: &[ProfileSnapshot],
) -> DailyScore {
    match model {
        Some(model) if explains(model, &values) => {
            let day = DayValues { date: point.date, values };
            let mut score = score_day(model, profile_on(profiles, point.date), &day);
            // The stored figures are the ones every other query shows;
            // the explanation's points come from the rounded values.
            score.model_version = version;
            score.pillars = point.pillars;
            score.total = point.total;
            score
        }
        _ => DailyScore {
            date: point.date,
            model_version: version,
            pillars: point.pillars,
            total: point.total,
            components: Vec::new(),
        },
    }
}

/// A history row of an estimate alone.
pub(crate) fn estimate_row(point: ScorePoint) -> HistoryRow {
    HistoryRow { date: point.date, estimate: Some(point), official: None }
}

/// A history: the estimate rows (in date order) with the official readings (in date
/// order) merged in beside them; of several readings on one day, the one stored last.
pub(crate) fn merge_history(mut rows: Vec<HistoryRow>, readings: Vec<OfficialReading>) -> Vec<HistoryRow> {
    let mut only_official: Vec<HistoryRow> = Vec::new();
    for reading in readings {
        let date = reading.date;
        match rows.binary_search_by_key(&date, |r| r.date) {
            Ok(i) => rows[i].official = Some(reading),
            Err(_) => match only_official.last_mut() {
                Some(last) if last.date == date => last.official = Some(reading),
                _ => only_official.push(HistoryRow { date, estimate: None, official: Some(reading) }),
            },
        }
    }
    if only_official.is_empty() {
        return rows;
    }
    let mut merged = Vec::with_capacity(rows.len() + only_official.len());
    let (mut estimates, mut officials) = (rows.into_iter().peekable(), only_official.into_iter().peekable());
    loop {
        let take_estimate = match (estimates.peek(), officials.peek()) {
            (Some(e), Some(o)) => e.date < o.date,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        merged.extend(if take_estimate { estimates.next() } else { officials.next() });
    }
    merged
}

/// A score with the changes of its total over 7 and over 30 days.
pub(crate) type PointWithChanges = (ScorePoint, Option<f64>, Option<f64>);

/// The score as of `on` (the latest stored day on or before it) with the
/// changes of its total over 7 and 30 days before that day, in one
/// statement: what a leaderboard row needs of a member.
pub(crate) fn point_with_changes(
    conn: &Connection,
    member: MemberId,
    version: &str,
    on: NaiveDate,
) -> Result<Option<PointWithChanges>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        point_columns!(),
        ",
           (SELECT b.total FROM daily_scores AS b
            WHERE b.member_id = d.member_id AND b.model_version = d.model_version
              AND b.date <= date(d.date, '-7 days')
            ORDER BY b.date DESC LIMIT 1),
           (SELECT b.total FROM daily_scores AS b
            WHERE b.member_id = d.member_id AND b.model_version = d.model_version
              AND b.date <= date(d.date, '-30 days')
            ORDER BY b.date DESC LIMIT 1)
         FROM daily_scores AS d
         WHERE d.member_id = ?1 AND d.model_version = ?2 AND d.date <= ?3
         ORDER BY d.date DESC LIMIT 1"
    ))?;
    Ok(stmt
        .query_row(params![member.0, version, range_end(Some(on))], |row| {
            Ok(changes_of(point_from_row(row)?, row.get(7)?, row.get(8)?))
        })
        .optional()?)
}

/// A score with the changes of its total since the totals `week` and `month` before it.
pub(crate) fn changes_of(point: ScorePoint, week: Option<f64>, month: Option<f64>) -> PointWithChanges {
    let total = point.total;
    (point, week.map(|w| total - w), month.map(|m| total - m))
}

/// The stored score on the latest day on or before `on` (or the latest day),
/// with its component values as stored JSON.
pub(crate) fn score_as_of(
    conn: &Connection,
    member: MemberId,
    version: &str,
    on: Option<NaiveDate>,
) -> Result<Option<(ScorePoint, String)>, StoreError> {
    let on = range_end(on);
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        point_columns!(),
        ", components FROM daily_scores
         WHERE member_id = ?1 AND model_version = ?2 AND date <= ?3
         ORDER BY date DESC LIMIT 1"
    ))?;
    Ok(stmt
        .query_row(params![member.0, version, on], |row| Ok((point_from_row(row)?, row.get(7)?)))
        .optional()?)
}

/// Change of the total from `days` before the score as of `on` to that score (see [`change_since`]).
pub(crate) fn change_in(
    conn: &Connection,
    member: MemberId,
    version: &str,
    days: u32,
    on: NaiveDate,
) -> Result<Option<f64>, StoreError> {
    let Some((now, _)) = score_as_of(conn, member, version, Some(on))? else { return Ok(None) };
    change_since(conn, member, version, &now, days)
}

/// Change of the total from the score as of `now.date - days` to `now`. The
/// change ends at the day of `now`, not at the day asked for: after the
/// member's horizon nothing is known, so a change "over the last 7 days" is
/// the one over the last 7 days of their data.
pub(crate) fn change_since(
    conn: &Connection,
    member: MemberId,
    version: &str,
    now: &ScorePoint,
    days: u32,
) -> Result<Option<f64>, StoreError> {
    let Some(before_day) = days_before(now, days) else { return Ok(None) };
    let mut stmt = conn.prepare_cached(
        "SELECT total FROM daily_scores
         WHERE member_id = ?1 AND model_version = ?2 AND date <= ?3
         ORDER BY date DESC LIMIT 1",
    )?;
    let before: Option<f64> =
        stmt.query_row(params![member.0, version, before_day], |r| r.get(0)).optional()?;
    Ok(before.map(|before| now.total - before))
}

/// The day a change over `days` days up to `now` starts from, if the calendar has it.
pub(crate) fn days_before(now: &ScorePoint, days: u32) -> Option<NaiveDate> {
    now.date.checked_sub_days(Days::new(u64::from(days)))
}

fn points_in(
    conn: &Connection,
    member: MemberId,
    version: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<ScorePoint>, StoreError> {
    let mut points = Vec::new();
    for_each_point(conn, member, version, from, to, |point| points.push(point))?;
    Ok(points)
}

/// Hands the points of the series between `from` and `to` to `each`, in date order.
fn for_each_point(
    conn: &Connection,
    member: MemberId,
    version: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    mut each: impl FnMut(ScorePoint),
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        point_columns!(),
        " FROM daily_scores
         WHERE member_id = ?1 AND model_version = ?2 AND date >= ?3 AND date <= ?4
         ORDER BY date"
    ))?;
    let mut rows = stmt.query(params![member.0, version, range_start(from), range_end(to)])?;
    while let Some(row) = rows.next()? {
        each(point_from_row(row)?);
    }
    Ok(())
}

/// The snapshot in force on `date`: the latest taken on or before it, else the
/// earliest (the rule of [`ssi_core::engine::score_series`]). `profiles` are sorted by day.
pub(crate) fn profile_on(profiles: &[ProfileSnapshot], date: NaiveDate) -> Option<&ProfileSnapshot> {
    let after = profiles.partition_point(|p| p.taken_on <= date);
    if after == 0 { profiles.first() } else { profiles.get(after - 1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_in_force_is_the_latest_before_else_the_earliest() {
        let march = ProfileSnapshot::empty(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        let june = ProfileSnapshot::empty(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap());
        let profiles = [march.clone(), june.clone()];
        let on = |m, d| profile_on(&profiles, NaiveDate::from_ymd_opt(2026, m, d).unwrap()).unwrap().taken_on;
        assert_eq!(on(1, 1), march.taken_on);
        assert_eq!(on(3, 1), march.taken_on);
        assert_eq!(on(5, 31), march.taken_on);
        assert_eq!(on(6, 1), june.taken_on);
        assert_eq!(profile_on(&[], march.taken_on), None);
    }
}
