//! Text renderers: turn the data of `crate::output` into what a person reads on a terminal.
//!
//! Renderers return strings (no I/O), so they are tested directly and the
//! commands only decide where the text goes.

pub(crate) mod advice;
pub(crate) mod calibration;
pub(crate) mod chart;
pub(crate) mod dashboard;
pub(crate) mod explain;
pub(crate) mod history;
pub(crate) mod impact;
pub(crate) mod plan;
pub(crate) mod readings;

use crate::term::{DIM, GAIN, LOSS, Painter};

/// Eighths of a block, for bars finer than one cell.
const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
/// Sparkline levels, lowest first.
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// "From 2026-11-20, the last day your data covers (15 days old); later days are
/// unknown." for a command that answers for the horizon instead of today;
/// `None` when the data is today's.
pub(crate) fn as_of_note(as_of: &crate::output::AsOfJson) -> Option<String> {
    let (day, age) = (as_of.as_of?, as_of.data_age_days?);
    (age > 0).then(|| {
        let stale = if as_of.stale { " Import a newer export to update it." } else { "" };
        format!(
            "From {day}, the last day your data covers ({}); later days are unknown.{stale}",
            ssi_core::freshness::age_phrase(age)
        )
    })
}

/// A horizontal bar of `width` cells showing `value` out of `max`, with eighth-cell precision.
pub(crate) fn bar(value: f64, max: f64, width: usize) -> String {
    let share = if max > 0.0 && value.is_finite() { (value / max).clamp(0.0, 1.0) } else { 0.0 };
    let eighths = (share * width as f64 * 8.0).round() as usize;
    let (full, part) = (eighths / 8, eighths % 8);
    let mut out = "█".repeat(full);
    if part > 0 {
        out.push(EIGHTHS[part]);
    }
    let used = full + usize::from(part > 0);
    out.push_str(&"·".repeat(width.saturating_sub(used)));
    out
}

/// A sparkline of the values, scaled between their minimum and maximum (at least
/// `min_span` apart, so that noise does not look like a trend); a missing day is a space.
pub(crate) fn sparkline(values: &[Option<f64>], min_span: f64) -> String {
    let known: Vec<f64> = values.iter().flatten().copied().filter(|v| v.is_finite()).collect();
    let Some(low) = known.iter().copied().reduce(f64::min) else {
        return " ".repeat(values.len());
    };
    let high = known.iter().copied().fold(low, f64::max).max(low + min_span);
    values
        .iter()
        .map(|v| match v {
            Some(v) if v.is_finite() => {
                let level = ((v - low) / (high - low) * (LEVELS.len() - 1) as f64).round() as usize;
                LEVELS[level.min(LEVELS.len() - 1)]
            }
            _ => ' ',
        })
        .collect()
}

/// A change in points with its sign and one decimal: `+1.2`, `-3.0`, `0.0`.
pub(crate) fn signed(change: f64) -> String {
    let rounded = (change * 10.0).round() / 10.0;
    if rounded == 0.0 { "0.0".to_string() } else { format!("{rounded:+.1}") }
}

/// A change, coloured green when up and red when down.
pub(crate) fn signed_painted(change: f64, painter: &Painter) -> String {
    let text = signed(change);
    match text.chars().next() {
        Some('+') => painter.paint(GAIN, text),
        Some('-') => painter.paint(LOSS, text),
        _ => text,
    }
}

/// A change that may be unknown: `n/a` (dimmed) when it is.
pub(crate) fn maybe_signed(change: Option<f64>, painter: &Painter) -> String {
    match change {
        Some(c) => signed_painted(c, painter),
        None => painter.paint(DIM, "n/a"),
    }
}

/// Points with two decimals, as LinkedIn shows pillars.
pub(crate) fn points(value: f64) -> String {
    format!("{value:.2}")
}

/// Pads `text` on the right to `width` characters (counting chars, not bytes).
pub(crate) fn pad_right(text: &str, width: usize) -> String {
    let len = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(len)))
}

/// Pads `text` on the left to `width` characters.
pub(crate) fn pad_left(text: &str, width: usize) -> String {
    let len = text.chars().count();
    format!("{}{text}", " ".repeat(width.saturating_sub(len)))
}

/// Width prose is wrapped to.
pub(crate) const TEXT_WIDTH: usize = 92;

/// Wraps prose to [`TEXT_WIDTH`]: the first line starts with `first`, the
/// others with `indent`; every line ends with a newline.
pub(crate) fn wrap(text: &str, first: &str, indent: &str) -> String {
    // Never break inside "day-to-day" or "2026-11-20".
    let options = textwrap::Options::new(TEXT_WIDTH)
        .initial_indent(first)
        .subsequent_indent(indent)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut out = textwrap::fill(text, options);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_in_eighths_and_keep_their_width() {
        assert_eq!(bar(0.0, 25.0, 5), "·····");
        assert_eq!(bar(25.0, 25.0, 5), "█████");
        assert_eq!(bar(12.5, 25.0, 5), "██▌··");
        assert_eq!(bar(40.0, 25.0, 4), "████");
        assert_eq!(bar(f64::NAN, 25.0, 3), "···");
        for value in [0.1, 3.68, 13.118, 24.9] {
            assert_eq!(bar(value, 25.0, 25).chars().count(), 25, "{value}");
        }
    }

    #[test]
    fn sparklines_scale_between_min_and_max_and_leave_gaps() {
        assert_eq!(sparkline(&[Some(10.0), Some(20.0), None, Some(15.0)], 1.0), "▁█ ▅");
        // A flat series under the minimum span stays at the bottom instead of looking like a climb.
        assert_eq!(sparkline(&[Some(30.0), Some(30.2)], 5.0), "▁▁");
        assert_eq!(sparkline(&[None, None], 5.0), "  ");
    }

    #[test]
    fn changes_carry_a_sign_and_never_show_minus_zero() {
        assert_eq!(signed(1.24), "+1.2");
        assert_eq!(signed(-3.0), "-3.0");
        assert_eq!(signed(-0.04), "0.0");
        assert_eq!(signed(0.0), "0.0");
    }

    #[test]
    fn prose_wraps_with_its_indents() {
        let text = "word ".repeat(37) + "day-to-day 2026-11-20";
        let wrapped = wrap(text.trim(), "  - ", "    ");
        assert!(wrapped.starts_with("  - word"), "{wrapped}");
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("    word")), "{wrapped}");
        assert!(wrapped.lines().all(|l| l.chars().count() <= TEXT_WIDTH), "{wrapped}");
        assert_eq!(wrapped.lines().count(), 3);
        assert!(wrapped.lines().last().unwrap().ends_with(" day-to-day 2026-11-20"), "{wrapped}");
    }

    #[test]
    fn padding_counts_characters_not_bytes() {
        assert_eq!(pad_right("█▌", 4), "█▌  ");
        assert_eq!(pad_left("7", 3), "  7");
        assert_eq!(pad_left("1234", 3), "1234");
    }
}
