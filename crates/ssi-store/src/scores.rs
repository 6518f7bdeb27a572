//! Daily scores: materialising them from events, and reading them back as history and explanations.
//!
//! Only the metric values of each component are stored (with the pillars and
//! total derived from them, for SQL); explanations are rebuilt on read by
//! [`ssi_core::engine::score_day`], so they always match the model's text.

use crate::Store;
use crate::db::{LAST_DAY, check_day, range_end, range_start};
use crate::error::StoreError;
use crate::imports::{event_from_row, load_snapshots, scoring_event_columns};
use crate::members::ensure_member;
use crate::models::{active_model_in, active_version, stored_model};
use crate::readings::readings_in;
use crate::types::{HistoryRow, MemberId, PushedScore, ScorePoint};
use chrono::{Days, NaiveDate};
use rusqlite::{Connection, OptionalExtension, Row, params};
use ssi_core::engine::{DayValues, metric_series, pillar_points, score_day};
use ssi_core::{Band, DailyScore, PILLAR_MAX, PillarScores, ProfileSnapshot, ScoringModel, TOTAL_MAX};
use std::collections::BTreeMap;

/// Model versions of pushed scores start with this.
pub const PUSH_PREFIX: &str = "push:";

/// How far a pushed total may stray from the sum of its pillars.
const PUSH_SUM_TOLERANCE: f64 = 0.01;

macro_rules! point_columns {
    () => {
        "date, model_version, brand, people, insights, relationships, total"
    };
}

impl Store {
    /// Materialises the member's daily scores under the active model from
    /// `from` (or the member's first event or snapshot day; never earlier) up
    /// to `today`, replacing stored rows of those days, in one transaction.
    /// Returns the number of rows written (0 for a member with no data).
    pub fn rescore_member(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<usize, StoreError> {
        self.pool.write(|tx| {
            ensure_member(tx, member)?;
            let model = active_model_in(tx)?;
            rescore_in(tx, &model, member, from, today)
        })
    }

    /// Recomputes every member's whole history under the active model, one
    /// transaction per member. Returns the rows written.
    pub fn rescore_all(&self, today: NaiveDate) -> Result<usize, StoreError> {
        self.for_each_member(|tx, model, member| rescore_in(tx, model, member, None, today))
    }

    /// Brings every member's scores under the active model up to `today`,
    /// computing only the days after each member's last stored day (the
    /// server's daily job). Idempotent: a second run writes nothing. One
    /// transaction per member, so other writers get their turn in between.
    pub fn materialise_all(&self, today: NaiveDate) -> Result<usize, StoreError> {
        self.for_each_member(|tx, model, member| match next_unscored_day(tx, member, &model.version)? {
            Some(from) if from > today => Ok(0),
            from => rescore_in(tx, model, member, from, today),
        })
    }

    fn for_each_member(
        &self,
        mut work: impl FnMut(&Connection, &ScoringModel, MemberId) -> Result<usize, StoreError>,
    ) -> Result<usize, StoreError> {
        let members = self.pool.read(|tx| crate::members::all_member_ids(tx))?;
        let mut model: Option<ScoringModel> = None;
        let mut written = 0;
        for member in members {
            written += self.pool.write(|tx| {
                // The member may be gone, or the model switched, since the list was read.
                if ensure_member(tx, member).is_err() {
                    return Ok(0);
                }
                let version = active_version(tx)?;
                let current = match model.take() {
                    Some(m) if m.version == version => m,
                    _ => active_model_in(tx)?,
                };
                let rows = work(tx, &current, member);
                model = Some(current);
                rows
            })?;
        }
        Ok(written)
    }

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
            let Some(version) = chosen_version(tx, member)? else { return Ok(None) };
            let Some((point, components)) = score_as_of(tx, member, &version, on)? else { return Ok(None) };
            let values = parse_components(member, point.date, &components)?;
            let base = version.strip_prefix(PUSH_PREFIX).unwrap_or(&version);
            let model = stored_model(tx, base)?;
            match model {
                Some(model) if values.len() == model.components.len() => {
                    let profiles = load_snapshots(tx, member)?;
                    let day = DayValues { date: point.date, values };
                    let mut score = score_day(&model, profile_on(&profiles, point.date), &day);
                    // The stored figures are the ones every other query shows;
                    // the explanation's points come from the rounded values.
                    score.model_version = version;
                    score.pillars = point.pillars;
                    score.total = point.total;
                    Ok(Some(score))
                }
                _ => Ok(Some(DailyScore {
                    date: point.date,
                    model_version: version,
                    pillars: point.pillars,
                    total: point.total,
                    components: Vec::new(),
                })),
            }
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
            let mut days: BTreeMap<NaiveDate, HistoryRow> = BTreeMap::new();
            if let Some(version) = chosen_version(tx, member)? {
                for point in points_in(tx, member, &version, from, to)? {
                    days.insert(
                        point.date,
                        HistoryRow { date: point.date, estimate: Some(point), official: None },
                    );
                }
            }
            // Several sources on one day: the one first stored last wins.
            for reading in readings_in(tx, member, from, to)? {
                let date = reading.date;
                days.entry(date).or_insert(HistoryRow { date, estimate: None, official: None }).official =
                    Some(reading);
            }
            Ok(days.into_values().collect())
        })
    }

    /// How much the total changed over the `days` days up to `on`: the score
    /// as of `on` minus the score as of `on - days` ("as of": the latest stored
    /// day on or before). `None` when either is missing.
    pub fn change_over(&self, member: MemberId, days: u32, on: NaiveDate) -> Result<Option<f64>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            let Some(version) = chosen_version(tx, member)? else { return Ok(None) };
            change_in(tx, member, &version, days, on)
        })
    }

    /// Stores scores pushed from a member's CLI, under the model version
    /// `push:<model_version>` (so they never mix with scores the server
    /// computes), replacing earlier pushes of the same days. All or nothing.
    /// Returns the number of rows stored.
    pub fn push_scores(&self, member: MemberId, scores: &[PushedScore]) -> Result<usize, StoreError> {
        for score in scores {
            validate_pushed(score)?;
        }
        self.pool.write(|tx| {
            ensure_member(tx, member)?;
            let mut insert = tx.prepare_cached(INSERT_SCORE)?;
            for score in scores {
                let mut components = String::new();
                encode_components(&score.components, &mut components)?;
                let p = score.pillars;
                insert.execute(params![
                    member.0,
                    format!("{PUSH_PREFIX}{}", score.model_version),
                    score.date,
                    p.brand,
                    p.people,
                    p.insights,
                    p.relationships,
                    score.total,
                    components
                ])?;
            }
            Ok(scores.len())
        })
    }
}

const INSERT_SCORE: &str = "INSERT OR REPLACE INTO daily_scores
    (member_id, model_version, date, brand, people, insights, relationships, total, components)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// Rows per multi-row INSERT when materialising (9 parameters each).
const INSERT_BATCH: usize = 64;

/// A multi-row INSERT of [`INSERT_BATCH`] rows.
static INSERT_SCORES_BATCH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    // Only placeholders are repeated here: values are always bound.
    let mut sql = String::from(
        "INSERT INTO daily_scores
         (member_id, model_version, date, brand, people, insights, relationships, total, components)
         VALUES ",
    );
    sql.push_str(&vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?)"; INSERT_BATCH].join(", "));
    sql
});

/// One daily score row to write.
struct ScoreRow {
    date: NaiveDate,
    pillars: PillarScores,
    total: f64,
    components: String,
}

/// Inserts rows (whose days must be free) with one prepared multi-row
/// statement per batch, and the single-row statement for the remainder.
fn insert_scores(
    conn: &Connection,
    member: MemberId,
    version: &str,
    rows: &[ScoreRow],
) -> Result<(), StoreError> {
    fn bind(
        stmt: &mut rusqlite::Statement<'_>,
        first: usize,
        member: MemberId,
        version: &str,
        row: &ScoreRow,
    ) -> rusqlite::Result<()> {
        let p = row.pillars;
        stmt.raw_bind_parameter(first, member.0)?;
        stmt.raw_bind_parameter(first + 1, version)?;
        stmt.raw_bind_parameter(first + 2, row.date)?;
        stmt.raw_bind_parameter(first + 3, p.brand)?;
        stmt.raw_bind_parameter(first + 4, p.people)?;
        stmt.raw_bind_parameter(first + 5, p.insights)?;
        stmt.raw_bind_parameter(first + 6, p.relationships)?;
        stmt.raw_bind_parameter(first + 7, row.total)?;
        stmt.raw_bind_parameter(first + 8, row.components.as_str())
    }
    let mut batches = rows.chunks_exact(INSERT_BATCH);
    if rows.len() >= INSERT_BATCH {
        let mut stmt = conn.prepare_cached(&INSERT_SCORES_BATCH)?;
        for batch in &mut batches {
            for (i, row) in batch.iter().enumerate() {
                bind(&mut stmt, i * 9 + 1, member, version, row)?;
            }
            stmt.raw_execute()?;
        }
    }
    let mut single = conn.prepare_cached(INSERT_SCORE)?;
    for row in batches.remainder() {
        bind(&mut single, 1, member, version, row)?;
        single.raw_execute()?;
    }
    Ok(())
}

/// Scores the member under `model` from `from` (clamped to the member's
/// first day) to `today` and writes the rows. Reads the events in one ordered
/// query, streamed into the sweep without collecting them.
pub(crate) fn rescore_in(
    conn: &Connection,
    model: &ScoringModel,
    member: MemberId,
    from: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<usize, StoreError> {
    let profiles = load_snapshots(conn, member)?;
    let Some(start) = history_start(conn, member, &profiles)? else { return Ok(0) };
    let from = from.map_or(start, |from| from.max(start));
    let today = today.min(LAST_DAY);
    if from > today {
        return Ok(0);
    }
    let mut select = conn.prepare_cached(concat!(
        "SELECT ",
        scoring_event_columns!(),
        " FROM events WHERE member_id = ?1 ORDER BY at, id"
    ))?;
    let mut rows = select.query([member.0])?;
    let mut failure: Option<StoreError> = None;
    let events = std::iter::from_fn(|| {
        let next = rows
            .next()
            .map_err(StoreError::from)
            .and_then(|row| row.map(|r| event_from_row(r, false)).transpose());
        match next {
            Ok(event) => event,
            Err(e) => {
                failure = Some(e);
                None
            }
        }
    });
    let days = metric_series(model, &profiles, events, from, today);
    if let Some(e) = failure {
        return Err(e);
    }
    // The range is cleared and written afresh: one range delete and batched
    // appends are cheaper than a REPLACE (a delete and an insert) per row.
    conn.prepare_cached(
        "DELETE FROM daily_scores WHERE member_id = ?1 AND model_version = ?2 AND date >= ?3 AND date <= ?4",
    )?
    .execute(params![member.0, model.version, from, today])?;
    let mut encoded = String::new();
    let rows: Vec<ScoreRow> = days
        .iter()
        .map(|day| {
            let (pillars, total) = pillar_points(model, &day.values);
            encode_components(&day.values, &mut encoded)?;
            Ok(ScoreRow { date: day.date, pillars, total, components: std::mem::take(&mut encoded) })
        })
        .collect::<Result<_, StoreError>>()?;
    insert_scores(conn, member, &model.version, &rows)?;
    tracing::debug!(member = member.0, %from, %today, rows = days.len(), "rescored");
    Ok(days.len())
}

/// The member's first day: the earlier of the first event's day and the first snapshot's day.
pub(crate) fn history_start(
    conn: &Connection,
    member: MemberId,
    profiles: &[ProfileSnapshot],
) -> Result<Option<NaiveDate>, StoreError> {
    let first_at: Option<i64> = conn
        .prepare_cached("SELECT min(at) FROM events WHERE member_id = ?1")?
        .query_row([member.0], |r| r.get(0))?;
    let first_event = first_at.map(crate::db::instant).transpose()?.map(|t| t.date_naive());
    let first_snapshot = profiles.iter().map(|p| p.taken_on).min();
    Ok(match (first_event, first_snapshot) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    })
}

/// The day after the member's last stored day under `version`, or `None`
/// when nothing is stored yet (score from the start).
pub(crate) fn next_unscored_day(
    conn: &Connection,
    member: MemberId,
    version: &str,
) -> Result<Option<NaiveDate>, StoreError> {
    let last: Option<NaiveDate> = conn
        .prepare_cached("SELECT max(date) FROM daily_scores WHERE member_id = ?1 AND model_version = ?2")?
        .query_row(params![member.0, version], |r| r.get(0))?;
    Ok(last.map(|d| d.checked_add_days(Days::new(1)).unwrap_or(d)))
}

/// The series a member's scores are read from: the active model's when the
/// member has rows under it, else the pushed series with the latest day.
pub(crate) fn chosen_version(conn: &Connection, member: MemberId) -> Result<Option<String>, StoreError> {
    let active = active_version(conn)?;
    let has_active: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM daily_scores WHERE member_id = ?1 AND model_version = ?2)",
        )?
        .query_row(params![member.0, active], |r| r.get(0))?;
    if has_active {
        return Ok(Some(active));
    }
    Ok(conn
        .prepare_cached(
            "SELECT model_version FROM daily_scores
             WHERE member_id = ?1 AND model_version LIKE 'push:%'
             ORDER BY date DESC, rowid DESC LIMIT 1",
        )?
        .query_row([member.0], |r| r.get(0))
        .optional()?)
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

/// Change of the total between the scores as of `on - days` and as of `on`.
pub(crate) fn change_in(
    conn: &Connection,
    member: MemberId,
    version: &str,
    days: u32,
    on: NaiveDate,
) -> Result<Option<f64>, StoreError> {
    let Some(before_day) = on.checked_sub_days(Days::new(u64::from(days))) else { return Ok(None) };
    let now = score_as_of(conn, member, version, Some(on))?;
    let before = score_as_of(conn, member, version, Some(before_day))?;
    Ok(match (now, before) {
        (Some((now, _)), Some((before, _))) => Some(now.total - before.total),
        _ => None,
    })
}

fn points_in(
    conn: &Connection,
    member: MemberId,
    version: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<ScorePoint>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        point_columns!(),
        " FROM daily_scores
         WHERE member_id = ?1 AND model_version = ?2 AND date >= ?3 AND date <= ?4
         ORDER BY date"
    ))?;
    let rows =
        stmt.query_map(params![member.0, version, range_start(from), range_end(to)], point_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn point_from_row(row: &Row<'_>) -> rusqlite::Result<ScorePoint> {
    let pillars = PillarScores::from_array([row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?]);
    let total: f64 = row.get(6)?;
    Ok(ScorePoint {
        date: row.get(0)?,
        model_version: row.get(1)?,
        pillars,
        total,
        band: Band::of_total(total),
    })
}

/// The snapshot in force on `date`: the latest taken on or before it, else the
/// earliest (the rule of [`ssi_core::engine::score_series`]). `profiles` are sorted by day.
fn profile_on(profiles: &[ProfileSnapshot], date: NaiveDate) -> Option<&ProfileSnapshot> {
    let after = profiles.partition_point(|p| p.taken_on <= date);
    if after == 0 { profiles.first() } else { profiles.get(after - 1) }
}

/// Decimal places kept of a component value: far below anything the curves
/// can tell apart, and it halves the stored text.
const COMPONENT_DECIMALS: f64 = 1e6;

/// Writes component values as a compact JSON array (`[0,5.263257,29]`):
/// rounded to six decimals, whole numbers without a fraction.
fn encode_components(values: &[f64], out: &mut String) -> Result<(), StoreError> {
    use std::fmt::Write;
    out.clear();
    out.push('[');
    for (i, value) in values.iter().enumerate() {
        if !value.is_finite() {
            return Err(StoreError::invalid(format!("component value {value} is not a finite number")));
        }
        if i > 0 {
            out.push(',');
        }
        let millionths = (value * COMPONENT_DECIMALS).round();
        if millionths.abs() < 1e15 {
            // Fixed-point text from integers: exact, and much cheaper than
            // float formatting. It reads back as round(value * 1e6) / 1e6.
            let millionths = millionths as i64;
            if millionths < 0 {
                out.push('-');
            }
            let (whole, fraction) =
                (millionths.unsigned_abs() / 1_000_000, millionths.unsigned_abs() % 1_000_000);
            let _ = write!(out, "{whole}");
            if fraction != 0 {
                let mut digits = [b'0'; 6];
                let mut rest = fraction;
                for digit in digits.iter_mut().rev() {
                    *digit = b'0' + (rest % 10) as u8;
                    rest /= 10;
                }
                let significant = 6 - digits.iter().rev().take_while(|&&d| d == b'0').count();
                out.push('.');
                out.extend(digits[..significant].iter().map(|&d| char::from(d)));
            }
        } else {
            // Display never uses exponents, so the text is a JSON number.
            let _ = write!(out, "{}", value.round());
        }
    }
    out.push(']');
    Ok(())
}

fn parse_components(member: MemberId, date: NaiveDate, text: &str) -> Result<Vec<f64>, StoreError> {
    serde_json::from_str(text).map_err(|e| {
        StoreError::invalid(format!("stored component values of member {member} on {date} do not load: {e}"))
    })
}

fn validate_pushed(score: &PushedScore) -> Result<(), StoreError> {
    let what = |problem: String| StoreError::invalid(format!("pushed score of {}: {problem}", score.date));
    check_day(score.date, "pushed score")?;
    let version = score.model_version.trim();
    if version.is_empty() || version.starts_with(PUSH_PREFIX) {
        return Err(what(format!("model_version {:?} must be a model's own version", score.model_version)));
    }
    for (pillar, value) in score.pillars.iter() {
        if !(0.0..=PILLAR_MAX).contains(&value) {
            return Err(what(format!("pillar {pillar} score {value} is outside 0–25")));
        }
    }
    if !(0.0..=TOTAL_MAX).contains(&score.total) {
        return Err(what(format!("total {} is outside 0–100", score.total)));
    }
    let sum = score.pillars.total();
    if (sum - score.total).abs() > PUSH_SUM_TOLERANCE {
        return Err(what(format!("pillars add up to {sum} but the total is {}", score.total)));
    }
    if score.components.iter().any(|v| !v.is_finite()) {
        return Err(what("a component value is not a finite number".to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_encoded_compactly_and_read_back_rounded() {
        let values = [0.0, -0.0, 29.0, 5.263256894485079, 1e-7, 0.5, -1.25, 0.000001, 1e20, 162.0000004];
        let mut text = String::new();
        encode_components(&values, &mut text).unwrap();
        assert_eq!(text, "[0,0,29,5.263257,0,0.5,-1.25,0.000001,100000000000000000000,162]");
        let back = parse_components(MemberId(1), NaiveDate::MIN, &text).unwrap();
        for (value, read) in values.iter().zip(&back) {
            assert!((value - read).abs() <= 5e-7, "{value} came back as {read}");
        }
        assert_eq!(back[3], 5.263257);
        assert!(encode_components(&[f64::NAN], &mut text).is_err());
        assert!(encode_components(&[f64::INFINITY], &mut text).is_err());
    }

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
