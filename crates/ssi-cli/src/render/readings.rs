//! Official readings as a text table, with a line for each reading calibration leaves out and why.

use super::{pad_left, points};
use crate::output::{ReadingFlagJson, ReadingJson};
use crate::term::{DIM, Painter, STRONG};
use std::fmt::Write;

const HEADERS: [&str; 9] =
    ["date", "total", "brand", "people", "insights", "relationships", "industry", "network", "source"];

/// Renders a member's readings, oldest first, then the flagged ones.
pub(crate) fn table(
    member: &str,
    readings: &[ReadingJson],
    flags: &[ReadingFlagJson],
    painter: &Painter,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", painter.paint(STRONG, format!("Official SSI readings of {member}")));
    if readings.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            painter.paint(
                DIM,
                "None yet: add one with `ssi reading add --total N` or `ssi reading import FILE`."
            )
        );
        return out;
    }
    let rows: Vec<[String; 9]> = readings.iter().map(row).collect();
    let mut widths = HEADERS.map(str::len);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 9]| -> String {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            // Date and source are words, left-aligned; the rest are numbers.
            if i == 0 || i == 8 {
                text.push_str(&format!("{cell:<w$}"))
            } else {
                text.push_str(&pad_left(cell, w))
            }
        }
        text.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", painter.paint(DIM, line(HEADERS)));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r.each_ref().map(String::as_str)));
    }
    for flag in flags {
        let reason = flag.reason.as_deref().unwrap_or_default();
        let text = format!("{} ({}) {}: {reason}", flag.date, flag.source, flag.status);
        out.push_str(&super::wrap(&text, "", "    "));
    }
    out
}

fn row(r: &ReadingJson) -> [String; 9] {
    let opt = |v: Option<f64>| v.map_or_else(|| "-".to_string(), points);
    let rank = |v: Option<u8>| v.map_or_else(|| "-".to_string(), |n| format!("top {n}%"));
    [
        r.date.to_string(),
        points(r.total),
        opt(r.pillars.brand),
        opt(r.pillars.people),
        opt(r.pillars.insights),
        opt(r.pillars.relationships),
        rank(r.industry.rank),
        rank(r.network.rank),
        r.source.to_string(),
    ]
}
