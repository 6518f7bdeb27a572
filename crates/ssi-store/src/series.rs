//! Which stored score series a member is read from, and the row format of `daily_scores`.
//!
//! A member's scores are read from one series: the active model's when the
//! member has rows under it, else their latest pushed series (`push:…`).
//! The row format is shared by re-scoring (which writes rows), the reads and
//! the pushed scores: the pillars and total as columns, each component's
//! metric value in a compact JSON array.

use crate::error::StoreError;
use crate::models::active_version;
use crate::types::{MemberId, ScorePoint};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};
use ssi_core::{Band, PillarScores};

/// Model versions of pushed scores start with this.
pub const PUSH_PREFIX: &str = "push:";

/// The columns of a [`ScorePoint`], in [`point_from_row`] order.
macro_rules! point_columns {
    () => {
        "date, model_version, brand, people, insights, relationships, total"
    };
}
pub(crate) use point_columns;

pub(crate) const INSERT_SCORE: &str = "INSERT OR REPLACE INTO daily_scores
    (member_id, model_version, date, brand, people, insights, relationships, total, components)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// The series a member's scores are read from: the active model's when the
/// member has rows under it, else the pushed series with the latest day
/// (ties: the row stored last).
pub(crate) fn chosen_version(conn: &Connection, member: MemberId) -> Result<Option<String>, StoreError> {
    chosen_version_given(conn, member, &active_version(conn)?)
}

/// [`chosen_version`] with the active model's version already read.
pub(crate) fn chosen_version_given(
    conn: &Connection,
    member: MemberId,
    active: &str,
) -> Result<Option<String>, StoreError> {
    // One statement: whether the active series exists, and the first and
    // last pushed versions (the same when there is one, as nearly always).
    let (has_active, first, last): (bool, Option<String>, Option<String>) = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM daily_scores WHERE member_id = ?1 AND model_version = ?2),
               (SELECT model_version FROM daily_scores
                WHERE member_id = ?1 AND model_version > 'push:' AND model_version < 'push;'
                ORDER BY model_version LIMIT 1),
               (SELECT model_version FROM daily_scores
                WHERE member_id = ?1 AND model_version > 'push:' AND model_version < 'push;'
                ORDER BY model_version DESC LIMIT 1)",
        )?
        .query_row(params![member.0, active], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    match choose_version(active, has_active, first, last) {
        Choice::Version(version) => Ok(version),
        Choice::LatestPushed => latest_pushed_version(conn, member),
    }
}

/// The pushed series (`push:…`) whose latest row is the latest, by day and
/// then by the order rows were stored.
///
/// Walks the member's pushed versions one index seek at a time (a member has
/// one or a few) and reads each version's latest row from the primary key,
/// instead of sorting every pushed row: `LIKE` cannot use the index.
fn latest_pushed_version(conn: &Connection, member: MemberId) -> Result<Option<String>, StoreError> {
    // Pushed versions sort between "push:" and "push;" (';' follows ':').
    let mut next_version = conn.prepare_cached(
        "SELECT model_version FROM daily_scores
         WHERE member_id = ?1 AND model_version > ?2 AND model_version < 'push;'
         ORDER BY model_version LIMIT 1",
    )?;
    let mut latest_row = conn.prepare_cached(
        "SELECT date, rowid FROM daily_scores WHERE member_id = ?1 AND model_version = ?2
         ORDER BY date DESC LIMIT 1",
    )?;
    let mut best: Option<((String, i64), String)> = None;
    let mut after = PUSH_PREFIX.to_string();
    while let Some(version) =
        next_version.query_row(params![member.0, after], |r| r.get::<_, String>(0)).optional()?
    {
        let row: (String, i64) =
            latest_row.query_row(params![member.0, version], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if best.as_ref().is_none_or(|(b, _)| row > *b) {
            best = Some((row, version.clone()));
        }
        after = version;
    }
    Ok(best.map(|(_, version)| version))
}

/// Column `index` of `row`, a stored `YYYY-MM-DD` day, read digit by digit
/// (chrono's general parser was a seventh of a history request); anything
/// else goes through rusqlite's own conversion, and its error.
pub(crate) fn stored_day(row: &Row<'_>, index: usize) -> rusqlite::Result<NaiveDate> {
    let b = match row.get_ref(index)? {
        rusqlite::types::ValueRef::Text(b) => b,
        _ => return row.get(index),
    };
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let fast = (b.len() == 10 && b[4] == b'-' && b[7] == b'-')
        .then(|| NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?))
        .flatten();
    match fast {
        Some(day) => Ok(day),
        None => row.get(index),
    }
}

pub(crate) fn point_from_row(row: &Row<'_>) -> rusqlite::Result<ScorePoint> {
    let pillars = [row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?];
    Ok(score_point(stored_day(row, 0)?, row.get(1)?, pillars, row.get(6)?))
}

/// A [`ScorePoint`] from the columns of `point_columns!()`, whatever the backend.
pub(crate) fn score_point(
    date: NaiveDate,
    model_version: String,
    pillars: [f64; 4],
    total: f64,
) -> ScorePoint {
    ScorePoint {
        date,
        model_version,
        pillars: PillarScores::from_array(pillars),
        total,
        band: Band::of_total(total),
    }
}

/// The series [`chosen_version`] picks, from what it read: the active version when the
/// member has rows under it, else the one pushed version there is, else (several
/// pushed versions) the one `latest_pushed` finds.
pub(crate) fn choose_version(
    active: &str,
    has_active: bool,
    first_pushed: Option<String>,
    last_pushed: Option<String>,
) -> Choice {
    if has_active {
        return Choice::Version(Some(active.to_string()));
    }
    match (first_pushed, last_pushed) {
        (Some(first), Some(last)) if first == last => Choice::Version(Some(first)),
        (None, _) => Choice::Version(None),
        _ => Choice::LatestPushed,
    }
}

/// What [`choose_version`] decided.
pub(crate) enum Choice {
    /// This series (`None`: the member has no scores).
    Version(Option<String>),
    /// The pushed series whose latest row is the latest.
    LatestPushed,
}

/// Decimal places kept of a component value: far below anything the curves
/// can tell apart, and it halves the stored text.
const COMPONENT_DECIMALS: f64 = 1e6;

/// Writes component values as a compact JSON array (`[0,5.263257,29]`):
/// rounded to six decimals, whole numbers without a fraction.
pub(crate) fn encode_components(values: &[f64], out: &mut String) -> Result<(), StoreError> {
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
            push_millionths(out, millionths as i64);
        } else {
            // Display never uses exponents, so the text is a JSON number.
            let _ = write!(out, "{}", value.round());
        }
    }
    out.push(']');
    Ok(())
}

/// Appends `millionths / 1e6` as a decimal number with at most six
/// fraction digits and no trailing zeros, assembled in a small buffer and
/// appended at once.
fn push_millionths(out: &mut String, millionths: i64) {
    // Sign, up to 19 digits, the point: 32 bytes is plenty.
    let mut text = [0u8; 32];
    let mut end = text.len();
    let magnitude = millionths.unsigned_abs();
    let (mut whole, mut fraction) = (magnitude / 1_000_000, magnitude % 1_000_000);
    if fraction != 0 {
        let mut places = 6;
        while fraction % 10 == 0 {
            fraction /= 10;
            places -= 1;
        }
        for _ in 0..places {
            end -= 1;
            text[end] = b'0' + (fraction % 10) as u8;
            fraction /= 10;
        }
        end -= 1;
        text[end] = b'.';
    }
    loop {
        end -= 1;
        text[end] = b'0' + (whole % 10) as u8;
        whole /= 10;
        if whole == 0 {
            break;
        }
    }
    if millionths < 0 {
        end -= 1;
        text[end] = b'-';
    }
    out.push_str(std::str::from_utf8(&text[end..]).unwrap_or_default());
}

pub(crate) fn parse_components(
    member: MemberId,
    date: NaiveDate,
    text: &str,
) -> Result<Vec<f64>, StoreError> {
    serde_json::from_str(text).map_err(|e| {
        StoreError::invalid(format!("stored component values of member {member} on {date} do not load: {e}"))
    })
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
}
