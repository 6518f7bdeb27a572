//! History as a text table and as CSV rows: the daily estimate beside the official reading.

use super::{pad_left, points};
use crate::output::{HistoryDayJson, HistoryJson};
use crate::term::{ACCENT, DIM, Painter, STRONG};
use anyhow::Result;
use std::fmt::Write;

/// Column headers of the text table and of the CSV.
const TABLE_HEADERS: [&str; 8] =
    ["date", "estimate", "shown", "brand", "people", "insights", "relationships", "official"];

/// The extra column of the text table when the estimate is calibrated.
const RANGE_HEADER: &str = "80% range";

/// The extra column of the text table when a creator analytics workbook tells the follower count.
const FOLLOWERS_HEADER: &str = "followers";

/// The smallest range of followers the sparkline spreads over its height.
const FOLLOWERS_MIN_SPAN: f64 = 10.0;

/// The CSV columns, in order.
pub(crate) const CSV_HEADERS: [&str; 19] = [
    "date",
    "estimate",
    "shown",
    "band",
    "brand",
    "people",
    "insights",
    "relationships",
    "model_version",
    "official",
    "official_brand",
    "official_people",
    "official_insights",
    "official_relationships",
    "industry_rank",
    "network_rank",
    "low",
    "high",
    "model",
];

/// Renders the history as an aligned table.
pub(crate) fn table(h: &HistoryJson, painter: &Painter) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        painter.paint(STRONG, format!("SSI history of {} from {} to {}", h.member, h.from, h.to))
    );
    if let Some(note) = super::as_of_note(&h.as_of).filter(|_| h.as_of.as_of.is_some_and(|d| d < h.to)) {
        let _ = writeln!(out, "{}", painter.paint(DIM, note));
    }
    if h.days.is_empty() {
        let _ = writeln!(out, "{}", painter.paint(DIM, "No day in this period is scored or has a reading."));
        return out;
    }
    let calibrated = h.model == "calibrated";
    let followers = h.days.iter().any(|d| d.followers.is_some());
    let mut headers: Vec<&str> = TABLE_HEADERS.to_vec();
    if calibrated {
        headers.push(RANGE_HEADER);
    }
    if followers {
        headers.push(FOLLOWERS_HEADER);
    }
    let rows: Vec<Vec<String>> = h
        .days
        .iter()
        .map(|d| {
            let mut row = table_row(d).to_vec();
            if calibrated {
                row.push(match d.estimate.as_ref().and_then(|e| e.low.zip(e.high)) {
                    Some((low, high)) => format!("{}–{}", points(low), points(high)),
                    None => "-".into(),
                });
            }
            if followers {
                row.push(d.followers.map_or_else(|| "-".into(), |n| n.to_string()));
            }
            row
        })
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str]| -> String {
        let mut text = String::new();
        for (i, (cell, &w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            // The date reads best left-aligned, numbers right-aligned.
            if i == 0 { text.push_str(&format!("{cell:<w$}")) } else { text.push_str(&pad_left(cell, w)) }
        }
        text.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", painter.paint(DIM, line(&headers)));
    for row in &rows {
        let _ = writeln!(out, "{}", line(&row.iter().map(String::as_str).collect::<Vec<_>>()));
    }
    if followers {
        let counts: Vec<Option<f64>> = h.days.iter().map(|d| d.followers.map(|n| n as f64)).collect();
        let known: Vec<f64> = counts.iter().flatten().copied().collect();
        if let (Some(first), Some(last)) = (known.first(), known.last()) {
            let _ = writeln!(
                out,
                "Followers  {}  {first:.0} → {last:.0} ({:+.0}, creator analytics)",
                painter.paint(ACCENT, super::sparkline(&counts, FOLLOWERS_MIN_SPAN)),
                last - first
            );
        }
    }
    if let Some(c) = h.calibration.as_ref().filter(|c| calibrated && c.applies) {
        let error = c.error.map_or_else(
            || "not measurable yet".to_string(),
            |e| format!("{e:.2} points on average over {} walk-forward predictions", c.predictions),
        );
        let _ = writeln!(
            out,
            "{}",
            painter.paint(
                DIM,
                format!(
                    "Calibrated on {} readings (last {}); error of the total {error}. `--model default` shows the model's estimate.",
                    c.readings, c.last_date
                )
            )
        );
    } else if h.calibration.as_ref().is_some_and(|c| !c.applies) {
        let _ = writeln!(
            out,
            "{}",
            painter.paint(DIM, "The calibration was made under another model: run `ssi calibrate` again.")
        );
    }
    out
}

fn table_row(d: &HistoryDayJson) -> [String; 8] {
    let (estimate, shown, pillars) = match &d.estimate {
        Some(e) => (
            points(e.total),
            e.shown.to_string(),
            [e.pillars.brand, e.pillars.people, e.pillars.insights, e.pillars.relationships].map(points),
        ),
        None => ("-".into(), "-".into(), std::array::from_fn(|_| "-".to_string())),
    };
    let official = d.official.as_ref().map_or_else(|| "-".to_string(), |r| points(r.total));
    let [brand, people, insights, relationships] = pillars;
    [d.date.to_string(), estimate, shown, brand, people, insights, relationships, official]
}

/// Writes the history as CSV with [`CSV_HEADERS`]; numbers have two decimals, unknowns are empty.
pub(crate) fn write_csv(h: &HistoryJson, out: impl std::io::Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(CSV_HEADERS)?;
    let opt = |v: Option<f64>| v.map(points).unwrap_or_default();
    for d in &h.days {
        let e = d.estimate.as_ref();
        let r = d.official.as_ref();
        writer.write_record([
            d.date.to_string(),
            opt(e.map(|e| e.total)),
            e.map(|e| e.shown.to_string()).unwrap_or_default(),
            e.map(|e| e.band.label().to_string()).unwrap_or_default(),
            opt(e.map(|e| e.pillars.brand)),
            opt(e.map(|e| e.pillars.people)),
            opt(e.map(|e| e.pillars.insights)),
            opt(e.map(|e| e.pillars.relationships)),
            e.map(|e| e.model_version.clone()).unwrap_or_default(),
            opt(r.map(|r| r.total)),
            opt(r.and_then(|r| r.pillars.brand)),
            opt(r.and_then(|r| r.pillars.people)),
            opt(r.and_then(|r| r.pillars.insights)),
            opt(r.and_then(|r| r.pillars.relationships)),
            r.and_then(|r| r.industry.rank).map(|n| n.to_string()).unwrap_or_default(),
            r.and_then(|r| r.network.rank).map(|n| n.to_string()).unwrap_or_default(),
            opt(e.and_then(|e| e.low)),
            opt(e.and_then(|e| e.high)),
            e.map(|_| h.model.to_string()).unwrap_or_default(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::EstimateJson;
    use chrono::NaiveDate;
    use ssi_core::{OfficialReading, PillarScores, ReadingSource};

    fn sample() -> HistoryJson {
        let d1 = NaiveDate::from_ymd_opt(2026, 11, 19).unwrap();
        let d2 = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let pillars = PillarScores::from_array([10.0, 5.5, 2.25, 3.0]);
        let mut reading = OfficialReading::new(d2, 19.705751, ReadingSource::Manual);
        reading.industry.rank = Some(75);
        HistoryJson {
            member: "Ada".into(),
            from: d1,
            to: d2,
            days: vec![
                HistoryDayJson {
                    date: d1,
                    estimate: Some(EstimateJson::from_parts(d1, "m1", pillars, pillars.total())),
                    official: None,
                    followers: None,
                },
                HistoryDayJson {
                    date: d2,
                    estimate: None,
                    official: Some((&reading).into()),
                    followers: None,
                },
            ],
            model: "default",
            calibration: None,
            as_of: crate::output::AsOfJson {
                as_of: Some(d2),
                data_age_days: Some(0),
                stale: false,
                horizon: Some(d2),
                horizon_source: Some(ssi_core::HorizonSource::FileName),
            },
        }
    }

    #[test]
    fn the_table_aligns_numbers_and_marks_unknowns() {
        let text = table(&sample(), &Painter::plain());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "date        estimate  shown  brand  people  insights  relationships  official");
        assert_eq!(lines[2], "2026-11-19     20.75     21  10.00    5.50      2.25           3.00         -");
        assert_eq!(lines[3], "2026-11-20         -      -      -       -         -              -     19.71");
    }

    #[test]
    fn csv_has_one_row_per_day_with_empty_unknowns() {
        let mut buffer = Vec::new();
        write_csv(&sample(), &mut buffer).unwrap();
        let text = String::from_utf8(buffer).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), CSV_HEADERS);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][1], "20.75");
        assert_eq!(&rows[0][3], "beginner");
        assert_eq!(&rows[0][9], "");
        assert_eq!(&rows[1][1], "");
        assert_eq!(&rows[1][9], "19.71");
        assert_eq!(&rows[1][14], "75");
    }
}
