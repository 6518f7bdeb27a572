//! A calibration as text: the method chosen, its walk-forward error against the uncalibrated model's, the interval, the levels, the weights that moved, the readings left out, and what was saved.

use super::{pad_left, pad_right, wrap};
use crate::output::CalibrateJson;
use crate::term::{DIM, GAIN, LOSS, Painter, STRONG};
use ssi_core::Pillar;
use std::fmt::Write;

/// Weights that moved less than this are not listed (they show as equal with two decimals).
const VISIBLE_WEIGHT_CHANGE: f64 = 0.005;

/// Renders `ssi calibrate`.
pub(crate) fn render(c: &CalibrateJson, painter: &Painter) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        painter.paint(
            STRONG,
            format!(
                "Calibration of {} ({}): {} of {} readings used, {} to {}",
                c.member, c.previous_version, c.readings, c.readings_stored, c.first_date, c.last_date
            )
        )
    );
    let method = match c.method {
        "level" => "model + a level per pillar that follows the readings",
        "level_and_weights" => "refitted weights + a level per pillar",
        _ => "the model as it is",
    };
    let _ = writeln!(out, "  Method           {method}");
    match (c.error.total, c.error.default_total) {
        (Some(after), Some(before)) => {
            let paint = if after < before { GAIN } else { LOSS };
            let _ = writeln!(
                out,
                "  Error of total   {} points (uncalibrated {before:.2}), walk-forward over {} predictions of {} readings",
                painter.paint(paint, format!("{after:.2}")),
                c.error.predictions,
                c.error.readings_predicted
            );
        }
        _ => {
            let _ = writeln!(out, "  Error of total   not measurable yet: it needs a second reading");
        }
    }
    let _ = writeln!(
        out,
        "  80% interval     {:+.2} to {:+.2} points around the total",
        c.interval[0], c.interval[1]
    );
    let levels: Vec<String> =
        Pillar::ALL.iter().map(|p| format!("{} {:+.2}", p.short_name(), c.level.get(*p))).collect();
    let _ = writeln!(out, "  Level now        {}", levels.join(", "));
    let moved: Vec<_> =
        c.weights.iter().filter(|w| (w.after - w.before).abs() >= VISIBLE_WEIGHT_CHANGE).collect();
    if !moved.is_empty() {
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
    for flag in &c.flagged {
        let line = format!(
            "{} ({}) {}: {}",
            flag.date,
            flag.source,
            flag.status,
            flag.reason.as_deref().unwrap_or("")
        );
        out.push_str(&painter.paint(DIM, wrap(&line, "  ", "    ")));
    }
    let _ = writeln!(out);
    out.push_str(&wrap(&c.summary, "", ""));
    let outcome = match c.outcome {
        "saved" => painter.paint(
            GAIN,
            format!(
                "Saved for {} only: `ssi history` and `ssi dashboard` now show the calibrated estimate \
                 (`ssi history --model default` shows the model's).",
                c.member
            ),
        ),
        "unchanged" => "Unchanged: the same readings give the calibration already saved.".to_string(),
        _ => "Dry run: nothing saved.".to_string(),
    };
    out.push_str(&wrap(&outcome, "", ""));
    out
}
