//! A small multi-row line chart of a daily series, with dotted horizontal lines at labelled thresholds.
//!
//! Hand-written rather than borrowed from a plotting crate because it must
//! draw exact, labelled threshold rows and stay byte-for-byte stable for
//! snapshot tests; the box-drawing line follows asciichart's conventions.

use super::pad_left;
use crate::term::{ACCENT, DIM, Painter};

/// Most columns of data: one a day up to this, then sampled evenly.
pub(crate) const MAX_COLUMNS: usize = 60;
/// Most intervals between rows at the finer steps before a coarser step is used.
const MAX_FINE_INTERVALS: f64 = 14.0;
/// Width of the value labels on the left.
const LABEL_WIDTH: usize = 3;

/// What one cell holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell {
    Blank,
    Line(char),
    Threshold,
}

/// Draws `values` (one per day, in order) as a line chart with a horizontal
/// dotted line at each `(value, label)` threshold inside the chart's range,
/// and `first`/`last` under the ends of the axis. The range runs between
/// multiples of 5 around the values (at least 10 points, and up to the next
/// threshold when it is within 10 points of the highest value), in rows of 1,
/// 2.5 or 5 points, so thresholds at multiples of 5 fall exactly on a row.
pub(crate) fn line_chart(
    values: &[f64],
    thresholds: &[(f64, &str)],
    first: &str,
    last: &str,
    painter: &Painter,
) -> String {
    let sampled = sample(values, MAX_COLUMNS);
    let finite: Vec<f64> = sampled.iter().copied().filter(|v| v.is_finite()).collect();
    let (Some(min), Some(max)) =
        (finite.iter().copied().reduce(f64::min), finite.iter().copied().reduce(f64::max))
    else {
        return String::new();
    };
    let (lo, hi, step) = range(min, max, thresholds);
    let rows = ((hi - lo) / step).round() as usize + 1;
    let row_of = |v: f64| (((v - lo) / step).round().max(0.0) as usize).min(rows - 1);

    // grid[row][column], row 0 at the bottom.
    let mut grid = vec![vec![Cell::Blank; sampled.len()]; rows];
    for (x, v) in sampled.iter().enumerate() {
        let y1 = row_of(*v);
        let y0 = if x == 0 { y1 } else { row_of(sampled[x - 1]) };
        if y0 == y1 {
            grid[y1][x] = Cell::Line('─');
        } else {
            // asciichart's corners: the old level turns toward the new one.
            let rising = y1 > y0;
            grid[y1][x] = Cell::Line(if rising { '╭' } else { '╰' });
            grid[y0][x] = Cell::Line(if rising { '╯' } else { '╮' });
            for row in grid.iter_mut().take(y0.max(y1)).skip(y0.min(y1) + 1) {
                row[x] = Cell::Line('│');
            }
        }
    }
    let mut labels: Vec<Option<String>> = vec![None; rows];
    let mut notes: Vec<Option<&str>> = vec![None; rows];
    // The ends and every multiple of 10 carry their value.
    for (row, label) in labels.iter_mut().enumerate() {
        let value = lo + row as f64 * step;
        if row == 0 || row == rows - 1 || value % 10.0 == 0.0 {
            *label = Some(format!("{value:.0}"));
        }
    }
    for (threshold, note) in thresholds {
        if *threshold < lo || *threshold > hi {
            continue;
        }
        let row = row_of(*threshold);
        for cell in &mut grid[row] {
            if *cell == Cell::Blank {
                *cell = Cell::Threshold;
            }
        }
        labels[row] = Some(format!("{threshold:.0}"));
        notes[row] = Some(note);
    }

    let mut out = String::new();
    for row in (0..rows).rev() {
        let (label, axis) = match &labels[row] {
            Some(label) => (pad_left(label, LABEL_WIDTH), '┤'),
            None => (" ".repeat(LABEL_WIDTH), '│'),
        };
        let note = notes[row].map(|n| format!(" {}", painter.paint(DIM, n))).unwrap_or_default();
        let line = format!("  {label} {axis}{}{note}", paint_cells(&grid[row], painter));
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let indent = " ".repeat(LABEL_WIDTH + 3);
    out.push_str(&format!("{indent}└{}\n", "─".repeat(sampled.len())));
    let gap = (sampled.len() + 1).saturating_sub(first.chars().count() + last.chars().count());
    let dates =
        if gap >= 1 { format!("{first}{}{last}", " ".repeat(gap)) } else { format!("{first} … {last}") };
    out.push_str(&format!("{indent}{}\n", painter.paint(DIM, dates)));
    out
}

/// At most `columns` values, evenly spaced, always keeping the first and the last.
fn sample(values: &[f64], columns: usize) -> Vec<f64> {
    if values.len() <= columns || columns < 2 {
        return values.to_vec();
    }
    let last = values.len() - 1;
    (0..columns).map(|c| values[((c * last) as f64 / (columns - 1) as f64).round() as usize]).collect()
}

/// The chart's lowest and highest value and the points per row.
fn range(min: f64, max: f64, thresholds: &[(f64, &str)]) -> (f64, f64, f64) {
    let mut lo = ((min / 5.0).floor() * 5.0).max(0.0);
    let mut hi = ((max / 5.0).ceil() * 5.0).min(100.0);
    if let Some((next, _)) = thresholds.iter().filter(|(t, _)| *t > max).min_by(|a, b| a.0.total_cmp(&b.0))
        && next - max <= 10.0
    {
        hi = hi.max((next / 5.0).ceil() * 5.0).min(100.0);
    }
    if hi - lo < 10.0 {
        hi = (lo + 10.0).min(100.0);
        lo = hi - 10.0;
    }
    let step = [1.0, 2.5].into_iter().find(|s| (hi - lo) / s <= MAX_FINE_INTERVALS).unwrap_or(5.0);
    (lo, hi, step)
}

/// The cells of a row, coloured in runs (line in the accent colour, thresholds dimmed).
fn paint_cells(cells: &[Cell], painter: &Painter) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let mut run_kind: Option<Cell> = None;
    let flush = |out: &mut String, run: &mut String, kind: Option<Cell>| {
        match kind {
            Some(Cell::Line(_)) => out.push_str(&painter.paint(ACCENT, &*run)),
            Some(Cell::Threshold) => out.push_str(&painter.paint(DIM, &*run)),
            _ => out.push_str(run),
        }
        run.clear();
    };
    for cell in cells {
        let (kind, ch) = match cell {
            Cell::Blank => (Cell::Blank, ' '),
            Cell::Line(c) => (Cell::Line('─'), *c),
            Cell::Threshold => (Cell::Threshold, '┄'),
        };
        if run_kind != Some(kind) {
            flush(&mut out, &mut run, run_kind);
            run_kind = Some(kind);
        }
        run.push(ch);
    }
    flush(&mut out, &mut run, run_kind);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rising_series_climbs_through_a_threshold_line() {
        let values: Vec<f64> = (0..10).map(|i| 40.0 + f64::from(i)).collect();
        let chart = line_chart(&values, &[(45.0, "average member")], "start", "end", &Painter::plain());
        let lines: Vec<&str> = chart.lines().collect();
        // 40 to 50 in rows of 1 point: 11 rows, then the axis and the dates.
        assert_eq!(lines.len(), 13, "{chart}");
        assert!(lines[0].starts_with("   50 ┤"), "{chart}");
        assert!(lines[10].starts_with("   40 ┤─╯"), "{chart}");
        let threshold = lines[5];
        assert!(threshold.starts_with("   45 ┤┄┄┄┄┄"), "{chart}");
        assert!(threshold.ends_with("┄╭╯┄┄┄ average member"), "{chart}");
        assert!(lines[11].starts_with("      └──────────"), "{chart}");
        assert_eq!(lines[12], "      start   end", "{chart}");
    }

    #[test]
    fn labels_mark_the_ends_the_tens_and_the_thresholds() {
        let values = [23.0, 30.0, 38.0];
        let chart = line_chart(&values, &[(45.0, "average")], "a", "b", &Painter::plain());
        let labelled: Vec<&str> =
            chart.lines().filter(|l| l.contains('┤')).map(|l| l.split('┤').next().unwrap().trim()).collect();
        assert_eq!(labelled, ["45", "40", "30", "20"], "{chart}");
        assert_eq!(chart.lines().filter(|l| l.contains('┤') || l.contains('│')).count(), 11, "{chart}");
    }

    #[test]
    fn a_flat_series_is_one_straight_line() {
        let chart = line_chart(&[20.0; 5], &[], "a", "b", &Painter::plain());
        let line_rows: Vec<&str> = chart.lines().filter(|l| l.contains('─') && !l.contains('└')).collect();
        assert_eq!(line_rows.len(), 1, "{chart}");
        assert!(line_rows[0].ends_with("─────"), "{chart}");
    }

    #[test]
    fn long_series_are_sampled_keeping_both_ends() {
        let values: Vec<f64> = (0..=365).map(f64::from).collect();
        let sampled = sample(&values, MAX_COLUMNS);
        assert_eq!(sampled.len(), MAX_COLUMNS);
        assert_eq!(sampled[0], 0.0);
        assert_eq!(sampled[MAX_COLUMNS - 1], 365.0);
        assert!(sampled.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn the_range_reaches_a_near_threshold_and_keeps_rows_exact() {
        // 23–38: up to 40, the next threshold (45) is within 10 points of 38.
        let thresholds = [(45.0, ""), (70.0, "")];
        assert_eq!(range(23.0, 38.0, &thresholds), (20.0, 45.0, 2.5));
        assert_eq!(range(23.0, 30.0, &thresholds), (20.0, 30.0, 1.0));
        // A wide range uses rows of 5 points.
        assert_eq!(range(10.0, 90.0, &thresholds), (10.0, 90.0, 5.0));
        // Never above 100.
        assert_eq!(range(97.0, 99.5, &[]), (90.0, 100.0, 1.0));
    }
}
