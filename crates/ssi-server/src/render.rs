//! Hand-written JSON of the member history: byte for byte what `serde_json` writes for a
//! [`HistoryView`](crate::wire::HistoryView), written straight from the store's rows.
//!
//! A year of history is ~365 days × 9 values; through serde each day is a map of maps,
//! each date goes through `Debug` formatting one character at a time, and the model
//! version is escaped again on every row. Profiled under load, that serialisation was a
//! third of an uncached history request. Here dates are written as fixed digits, the
//! model version is escaped once per run of equal versions, and numbers go through
//! `serde_json`'s own formatter, so the output cannot drift from the documented wire
//! format (a property test compares the two on random data).

use crate::wire::FreshnessView;
use chrono::{Datelike, NaiveDate};
use serde_json::ser::{CompactFormatter, Formatter};
use ssi_core::PillarScores;
use ssi_store::HistoryRow;
use std::io;

/// About how many bytes one day of history takes, to size the buffer once.
const BYTES_PER_DAY: usize = 200;

/// The JSON of `GET /api/v1/members/{member}/history` for these rows: the bytes
/// `serde_json::to_vec(&HistoryView { member, from, to, days, model, freshness })` gives.
///
/// `intervals` (one per row), when given, are the calibrated estimates' 80%
/// intervals, and the view says `"model":"calibrated"`.
pub(crate) fn history_json(
    member: i64,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    rows: &[HistoryRow],
    intervals: Option<&[Option<(f64, f64)>]>,
    freshness: &FreshnessView,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::with_capacity(160 + rows.len() * BYTES_PER_DAY);
    write_history(&mut out, member, from, to, rows, intervals)?;
    // The flattened freshness fields follow, as serde writes them; once per answer.
    let fields = serde_json::to_vec(freshness)?;
    if fields.len() > 2 {
        out.push(b',');
        out.extend_from_slice(&fields[1..fields.len() - 1]);
    }
    out.push(b'}');
    Ok(out)
}

fn write_history(
    out: &mut Vec<u8>,
    member: i64,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    rows: &[HistoryRow],
    intervals: Option<&[Option<(f64, f64)>]>,
) -> Result<(), serde_json::Error> {
    out.extend_from_slice(b"{\"member\":");
    CompactFormatter.write_i64(out, member).map_err(serde_json::Error::io)?;
    out.extend_from_slice(b",\"from\":");
    optional_date(out, from)?;
    out.extend_from_slice(b",\"to\":");
    optional_date(out, to)?;
    out.extend_from_slice(b",\"days\":[");
    // The escaped model version of the previous row (nearly always the same string).
    let mut version: Option<(&str, Vec<u8>)> = None;
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"date\":");
        date(out, row.date)?;
        out.extend_from_slice(b",\"estimate\":");
        match &row.estimate {
            None => out.extend_from_slice(b"null"),
            Some(point) => {
                out.extend_from_slice(b"{\"date\":");
                date(out, point.date)?;
                out.extend_from_slice(b",\"model_version\":");
                match &version {
                    Some((text, escaped)) if *text == point.model_version => out.extend_from_slice(escaped),
                    _ => {
                        let escaped = serde_json::to_vec(&point.model_version)?;
                        out.extend_from_slice(&escaped);
                        version = Some((&point.model_version, escaped));
                    }
                }
                out.extend_from_slice(b",\"total\":");
                number(out, point.total)?;
                out.extend_from_slice(b",\"band\":");
                serde_json::to_writer(&mut *out, &point.band)?;
                out.extend_from_slice(b",\"pillars\":");
                pillars(out, &point.pillars)?;
                if let Some((low, high)) = intervals.and_then(|all| all.get(i).copied().flatten()) {
                    out.extend_from_slice(b",\"low\":");
                    number(out, low)?;
                    out.extend_from_slice(b",\"high\":");
                    number(out, high)?;
                }
                out.push(b'}');
            }
        }
        out.extend_from_slice(b",\"official\":");
        match &row.official {
            None => out.extend_from_slice(b"null"),
            // Rare (a reading every few weeks at most) and of a richer shape: serde.
            Some(reading) => serde_json::to_writer(&mut *out, reading)?,
        }
        out.push(b'}');
    }
    out.push(b']');
    if intervals.is_some() {
        out.extend_from_slice(b",\"model\":\"calibrated\"");
    }
    Ok(())
}

fn pillars(out: &mut Vec<u8>, scores: &PillarScores) -> Result<(), serde_json::Error> {
    out.extend_from_slice(b"{\"brand\":");
    number(out, scores.brand)?;
    out.extend_from_slice(b",\"people\":");
    number(out, scores.people)?;
    out.extend_from_slice(b",\"insights\":");
    number(out, scores.insights)?;
    out.extend_from_slice(b",\"relationships\":");
    number(out, scores.relationships)?;
    out.push(b'}');
    Ok(())
}

/// A float as `serde_json` writes it: `null` when not finite.
fn number(out: &mut Vec<u8>, value: f64) -> Result<(), serde_json::Error> {
    let written: io::Result<()> = if value.is_finite() {
        CompactFormatter.write_f64(out, value)
    } else {
        CompactFormatter.write_null(out)
    };
    written.map_err(serde_json::Error::io)
}

fn optional_date(out: &mut Vec<u8>, day: Option<NaiveDate>) -> Result<(), serde_json::Error> {
    match day {
        Some(day) => date(out, day),
        None => {
            out.extend_from_slice(b"null");
            Ok(())
        }
    }
}

/// `"YYYY-MM-DD"`, as chrono writes a date of the years 0–9999; other years (which
/// chrono writes with a sign) go through chrono.
fn date(out: &mut Vec<u8>, day: NaiveDate) -> Result<(), serde_json::Error> {
    let year = day.year();
    if !(0..=9999).contains(&year) {
        return serde_json::to_writer(&mut *out, &day);
    }
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let (year, month, dom) = (year as u32, day.month(), day.day());
    out.extend_from_slice(&[
        b'"',
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(dom / 10),
        digit(dom),
        b'"',
    ]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{FreshnessView, HistoryDay, HistoryView};
    use proptest::prelude::*;
    use ssi_core::{Band, GroupStats, OfficialReading, ReadingSource};
    use ssi_store::ScorePoint;

    fn serde_bytes(
        member: i64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        rows: &[HistoryRow],
        freshness: &FreshnessView,
    ) -> Vec<u8> {
        let view = HistoryView {
            member,
            from,
            to,
            days: rows.iter().cloned().map(HistoryDay::from).collect(),
            model: None,
            freshness: freshness.clone(),
        };
        serde_json::to_vec(&view).unwrap()
    }

    fn any_freshness() -> impl Strategy<Value = FreshnessView> {
        prop_oneof![
            Just(FreshnessView::default()),
            (any_date(), 0i64..400, any::<bool>()).prop_map(|(as_of, age, stale)| FreshnessView {
                as_of: Some(as_of),
                data_age_days: Some(age),
                stale,
                horizon_source: Some("file_name".into()),
            }),
        ]
    }

    fn any_float() -> impl Strategy<Value = f64> {
        prop_oneof![
            4 => 0.0..25.0f64,
            1 => any::<f64>(),
            1 => Just(f64::NAN),
            1 => Just(f64::INFINITY),
            1 => Just(-0.0),
            1 => Just(1e-300),
            1 => Just(12.5),
        ]
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        prop_oneof![
            8 => (1990i32..2100, 1u32..=366).prop_map(|(y, d)| NaiveDate::from_yo_opt(y, d.min(365)).unwrap()),
            1 => (-3000i32..12000, 1u32..=365).prop_map(|(y, d)| NaiveDate::from_yo_opt(y, d).unwrap()),
        ]
    }

    fn any_version() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("push:ssi-2026.1".to_string()),
            Just("ssi-2026.1".to_string()),
            "\\PC{0,12}",
            Just("quote\" back\\slash \u{1} tab\t é 😀".to_string()),
        ]
    }

    fn any_band() -> impl Strategy<Value = Band> {
        prop_oneof![Just(Band::ALL[0]), Just(Band::ALL[1]), Just(Band::ALL[Band::ALL.len() - 1])]
    }

    fn any_point() -> impl Strategy<Value = ScorePoint> {
        (any_date(), any_version(), prop::array::uniform4(any_float()), any_float(), any_band()).prop_map(
            |(date, model_version, [brand, people, insights, relationships], total, band)| ScorePoint {
                date,
                model_version,
                pillars: PillarScores { brand, people, insights, relationships },
                total,
                band,
            },
        )
    }

    fn any_reading() -> impl Strategy<Value = OfficialReading> {
        (any_date(), any_float(), prop::array::uniform4(prop::option::of(any_float())), any::<bool>())
            .prop_map(|(date, total, pillars, grouped)| OfficialReading {
                date,
                total,
                pillars,
                industry: if grouped {
                    GroupStats { rank: Some(12), average: Some(41.5), ..GroupStats::default() }
                } else {
                    GroupStats::default()
                },
                network: GroupStats::default(),
                team: GroupStats::default(),
                source: ReadingSource::Manual,
            })
    }

    fn any_row() -> impl Strategy<Value = HistoryRow> {
        (any_date(), prop::option::of(any_point()), prop::option::weighted(0.2, any_reading()))
            .prop_map(|(date, estimate, official)| HistoryRow { date, estimate, official })
    }

    proptest! {
        #[test]
        fn the_bytes_are_serde_jsons(
            member in any::<i64>(),
            from in prop::option::of(any_date()),
            to in prop::option::of(any_date()),
            rows in prop::collection::vec(any_row(), 0..20),
            freshness in any_freshness(),
        ) {
            let ours = history_json(member, from, to, &rows, None, &freshness).unwrap();
            prop_assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(serde_bytes(member, from, to, &rows, &freshness)).unwrap()
            );
        }
    }

    #[test]
    fn a_run_of_one_version_is_escaped_once_and_a_change_is_seen() {
        let point = |version: &str| ScorePoint {
            date: NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
            model_version: version.into(),
            pillars: PillarScores { brand: 1.0, people: 2.0, insights: 3.0, relationships: 4.0 },
            total: 10.0,
            band: Band::ALL[0],
        };
        let rows: Vec<HistoryRow> = ["a", "a", "b\"", "a"]
            .iter()
            .map(|v| HistoryRow { date: point(v).date, estimate: Some(point(v)), official: None })
            .collect();
        let fresh = FreshnessView::default();
        let text = String::from_utf8(history_json(3, None, None, &rows, None, &fresh).unwrap()).unwrap();
        assert_eq!(text.matches("\"model_version\":\"a\"").count(), 3, "{text}");
        assert_eq!(text.matches("\"model_version\":\"b\\\"\"").count(), 1, "{text}");
        assert_eq!(text.as_bytes(), serde_bytes(3, None, None, &rows, &fresh).as_slice());
    }

    #[test]
    fn calibrated_rows_carry_their_interval_as_serde_writes_it() {
        let point = ScorePoint {
            date: NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
            model_version: "m".into(),
            pillars: PillarScores { brand: 1.0, people: 2.0, insights: 3.0, relationships: 4.5 },
            total: 10.5,
            band: Band::ALL[0],
        };
        let rows = vec![
            HistoryRow { date: point.date, estimate: Some(point.clone()), official: None },
            HistoryRow { date: point.date.succ_opt().unwrap(), estimate: None, official: None },
        ];
        let intervals = [Some((9.25, 11.75)), None];
        let ours = history_json(3, None, None, &rows, Some(&intervals), &FreshnessView::default()).unwrap();
        let mut days: Vec<HistoryDay> = rows.iter().cloned().map(HistoryDay::from).collect();
        if let Some(estimate) = days[0].estimate.as_mut() {
            estimate.low = Some(9.25);
            estimate.high = Some(11.75);
        }
        let view = HistoryView {
            member: 3,
            from: None,
            to: None,
            days,
            model: Some("calibrated".into()),
            freshness: FreshnessView::default(),
        };
        assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(&view).unwrap());
    }
}
