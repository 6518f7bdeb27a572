//! A calibration as text: the readings used, the errors before and after on training and holdout readings, the weights that moved, and what was done.

use super::{pad_left, pad_right, wrap};
use crate::output::CalibrateJson;
use crate::term::{DIM, GAIN, LOSS, Painter, STRONG};
use ssi_core::Pillar;
use ssi_core::advice::ErrorSummary;
use std::fmt::Write;

/// Weights that moved less than this are not listed (they show as equal with two decimals).
const VISIBLE_WEIGHT_CHANGE: f64 = 0.005;
/// Characters one before → after column takes, spacing included.
const CHANGE_WIDTH: usize = 16;

/// Renders `ssi calibrate`.
pub(crate) fn render(c: &CalibrateJson, painter: &Painter) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        painter.paint(
            STRONG,
            format!(
                "Calibration of model {} for {}: {} readings from {} to {}",
                c.previous_version, c.member, c.readings, c.first_date, c.last_date
            )
        )
    );
    let _ = writeln!(
        out,
        "Fitted on {} readings; the {} from {} on are held out to test the fit.",
        c.total.train_readings, c.total.holdout_readings, c.holdout_from
    );
    let _ = writeln!(out);

    let labels: Vec<(String, &ErrorSummary)> = std::iter::once(("Total".to_string(), &c.total))
        .chain(c.pillars.iter().map(|p| (pillar_label(p.pillar), &p.error)))
        .collect();
    let width = labels.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0);
    let width = width.max("Mean absolute error (points)".len());
    let _ = writeln!(
        out,
        "  {}  {}",
        pad_right("Mean absolute error (points)", width),
        painter.paint(DIM, format!("{}holdout", pad_right("training", CHANGE_WIDTH)))
    );
    let _ = writeln!(
        out,
        "  {}  {}",
        " ".repeat(width),
        painter.paint(DIM, format!("{}before → after", pad_right("before → after", CHANGE_WIDTH)))
    );
    for (label, error) in &labels {
        let line = format!(
            "  {}  {}{}",
            pad_right(label, width),
            change(error.train_before, error.train_after, painter),
            change(error.holdout_before, error.holdout_after, painter),
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(out);

    let moved: Vec<_> = c
        .pillars
        .iter()
        .flat_map(|p| &p.weights)
        .filter(|w| (w.after - w.before).abs() >= VISIBLE_WEIGHT_CHANGE)
        .collect();
    if moved.is_empty() {
        let _ = writeln!(out, "  No weight moved.");
    } else {
        let _ = writeln!(out, "  Weights that moved");
        let id_width = moved.iter().map(|w| w.component.len()).max().unwrap_or(0);
        for w in moved {
            let _ = writeln!(
                out,
                "    {}  {} → {}",
                pad_right(&w.component, id_width),
                pad_left(&format!("{:.2}", w.before), 5),
                pad_left(&format!("{:.2}", w.after), 5)
            );
        }
    }
    let _ = writeln!(out);
    for p in &c.pillars {
        out.push_str(&painter.paint(DIM, wrap(&format!("{}: {}", p.pillar, p.note), "  ", "    ")));
    }
    let _ = writeln!(out);
    out.push_str(&wrap(&c.summary, "", ""));
    let _ = writeln!(out);
    let outcome = match c.outcome {
        "saved" => painter.paint(
            GAIN,
            format!(
                "Saved the calibrated model as {} and made it active; re-scored {} days of history.",
                c.active_version,
                c.rows_rescored.unwrap_or(0)
            ),
        ),
        "dry_run" if c.improves => format!(
            "Dry run: nothing saved. Without --dry-run, {} would be saved and made active, since it lowers the holdout error.",
            c.calibrated_version
        ),
        "dry_run" => format!(
            "Dry run: nothing saved. Without --dry-run nothing would be saved either: the fit does not lower the holdout error; {} stays active.",
            c.active_version
        ),
        _ => format!(
            "Not saved: the calibrated model does not lower the holdout error of the total; {} stays active.",
            c.active_version
        ),
    };
    out.push_str(&wrap(&outcome, "", ""));
    out
}

fn pillar_label(short_name: &str) -> String {
    Pillar::ALL
        .into_iter()
        .find(|p| p.short_name() == short_name)
        .map_or_else(|| short_name.to_string(), |p| p.label().to_string())
}

/// ` 1.23 →  0.02` and spacing ([`CHANGE_WIDTH`] characters), green when lower and red
/// when higher; `n/a` without readings.
fn change(before: Option<f64>, after: Option<f64>, painter: &Painter) -> String {
    match (before, after) {
        (Some(b), Some(a)) => {
            let after = format!("{a:>5.2}");
            let after = if a < b - 0.005 {
                painter.paint(GAIN, after)
            } else if a > b + 0.005 {
                painter.paint(LOSS, after)
            } else {
                after
            };
            format!("{b:>5.2} → {after}   ")
        }
        _ => format!("{}{}", painter.paint(DIM, "  n/a"), " ".repeat(CHANGE_WIDTH - 5)),
    }
}
