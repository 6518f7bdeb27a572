//! Inline SVG charts rendered on the server from ssi-core types: a member's history (the
//! daily estimate as a line, official readings as dots), pillar bars against a comparison,
//! and a team's band distribution.
//!
//! The SVG uses presentation attributes and classes only (no `style` attributes, no
//! scripts, no external references), so it passes the dashboard's strict CSP. Every text
//! drawn is XML-escaped here, because templates insert the SVG unescaped.

use chrono::NaiveDate;
use ssi_core::{Band, PILLAR_MAX, Pillar, PillarScores, TOTAL_MAX};
use std::fmt::Write;

/// Escapes text for XML content and attribute values.
pub(crate) fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One point of the history chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    /// The day.
    pub date: NaiveDate,
    /// The total, 0–100.
    pub total: f64,
}

/// Width of every chart's viewBox. Charts are drawn between [`MIN_DRAWN_WIDTH`] and
/// `MAX_DRAWN_WIDTH` CSS pixels wide (the stylesheet bounds them), so one unit of the
/// viewBox is drawn between 0.8 and 1.3 pixels: every label below is at least 11 px on
/// screen, on a phone as on a desktop.
pub(crate) const WIDTH: f64 = 400.0;
/// The narrowest a chart is drawn, in CSS pixels (`min-width` in the stylesheet).
pub(crate) const MIN_DRAWN_WIDTH: f64 = 320.0;
/// The widest a chart is drawn, in CSS pixels (`max-width` in the stylesheet). No drawing
/// depends on it; a test holds the stylesheet to it.
#[cfg(test)]
const MAX_DRAWN_WIDTH: f64 = 520.0;
/// Font size of every chart label, in viewBox units: 11 px at the narrowest drawing.
pub(crate) const FONT_SIZE: f64 = 11.0 * WIDTH / MIN_DRAWN_WIDTH;
const HEIGHT: f64 = 230.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 30.0;
/// Date labels under the history chart (first day, last day and evenly between).
const DATE_LABELS: usize = 4;

fn plot_width() -> f64 {
    WIDTH - LEFT - RIGHT
}

fn plot_height() -> f64 {
    HEIGHT - TOP - BOTTOM
}

/// Renders the history chart: the estimate's daily total as a line, official readings as
/// dots, on a 0–100 scale with the band boundaries as grid lines and up to
/// four dates under it.
///
/// With no point at all it renders an empty frame saying so, so the page layout holds.
pub(crate) fn history_chart(estimates: &[Point], readings: &[Point]) -> String {
    let mut svg = String::new();
    let label =
        format!("SSI history: {} daily estimates and {} official readings", estimates.len(), readings.len());
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="history-chart" class="chart history" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}"><title>{}</title>"#,
        escape_xml(&label),
        escape_xml(&label)
    );
    for value in [0.0, 25.0, 50.0, 70.0, 90.0, 100.0] {
        let y = y_of(value);
        let _ = write!(
            svg,
            r##"<line class="grid" x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd" stroke-width="1"/><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end" font-size="{FONT_SIZE:.2}" fill="#555">{value}</text>"##,
            WIDTH - RIGHT,
            LEFT - 4.0,
            y + 4.0
        );
    }
    let dates = estimates.iter().chain(readings).map(|p| p.date);
    let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) else {
        let _ = write!(
            svg,
            r##"<text class="empty" x="{:.1}" y="{:.1}" text-anchor="middle" font-size="{FONT_SIZE:.2}" fill="#555">no scores yet</text></svg>"##,
            LEFT + plot_width() / 2.0,
            TOP + plot_height() / 2.0
        );
        return svg;
    };
    let span_days = (last - first).num_days().max(1) as f64;
    let x_of = |date: NaiveDate| LEFT + plot_width() * ((date - first).num_days() as f64 / span_days);
    if !estimates.is_empty() {
        let mut sorted = estimates.to_vec();
        sorted.sort_by_key(|p| p.date);
        let points: Vec<String> =
            sorted.iter().map(|p| format!("{:.1},{:.1}", x_of(p.date), y_of(p.total))).collect();
        let _ = write!(
            svg,
            r##"<polyline class="estimate" fill="none" stroke="#0a66c2" stroke-width="2" points="{}"><title>daily estimate</title></polyline>"##,
            points.join(" ")
        );
    }
    for reading in readings {
        let _ = write!(
            svg,
            r##"<circle class="reading" cx="{:.1}" cy="{:.1}" r="4" fill="#e16b16"><title>official {}: {:.1}</title></circle>"##,
            x_of(reading.date),
            y_of(reading.total),
            reading.date,
            reading.total
        );
    }
    for (index, date) in date_ticks(first, last).into_iter().enumerate() {
        let anchor = match index {
            0 => "start",
            _ if date == last => "end",
            _ => "middle",
        };
        // The last label carries the year (it is the widest, and anchored at the right
        // edge it cannot run into its neighbour); the others are read against it.
        let text = if date == last { date.format("%-d %b %Y") } else { date.format("%-d %b") };
        let _ = write!(
            svg,
            r##"<text class="axis date" x="{:.1}" y="{:.1}" text-anchor="{anchor}" font-size="{FONT_SIZE:.2}" fill="#555">{text}</text>"##,
            x_of(date),
            HEIGHT - 8.0
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The days labelled under the history chart: the first, the last and evenly between, each
/// day once (a short history has fewer labels).
fn date_ticks(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let span = (last - first).num_days();
    let mut ticks: Vec<NaiveDate> = (0..DATE_LABELS)
        .map(|i| first + chrono::Days::new((span * i as i64 / (DATE_LABELS as i64 - 1)) as u64))
        .collect();
    ticks.dedup();
    ticks
}

fn y_of(total: f64) -> f64 {
    let clamped = if total.is_finite() { total.clamp(0.0, TOTAL_MAX) } else { 0.0 };
    TOP + plot_height() * (1.0 - clamped / TOTAL_MAX)
}

/// Renders one horizontal bar per pillar on a 0–25 scale: the pillar's name above its bar,
/// the value "12.3 / 25" after it, an optional comparison marker per pillar (e.g. the
/// industry average) and a legend naming both series.
pub(crate) fn pillar_bars(
    id: &str,
    values: &PillarScores,
    values_label: &str,
    comparison: Option<&[Option<f64>; 4]>,
    comparison_label: &str,
) -> String {
    let row = 46.0;
    let value_width = 70.0;
    let bar_width = WIDTH - value_width;
    let legend_y = row * 4.0 + 18.0;
    let height = legend_y + 8.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="{}" class="chart pillars" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}"><title>{}</title>"#,
        escape_xml(id),
        escape_xml(values_label),
        escape_xml(values_label)
    );
    for (index, pillar) in Pillar::ALL.into_iter().enumerate() {
        let top = row * index as f64;
        let bar_y = top + 20.0;
        let value = values[pillar];
        let shown = if value.is_finite() { value.clamp(0.0, PILLAR_MAX) } else { 0.0 };
        let width = bar_width * shown / PILLAR_MAX;
        let _ = write!(
            svg,
            r##"<text class="label" x="0" y="{:.1}" font-size="{FONT_SIZE:.2}" fill="#333">{}</text><rect class="track" x="0" y="{bar_y:.1}" width="{bar_width:.1}" height="16" fill="#eee"/><rect class="bar {}" x="0" y="{bar_y:.1}" width="{width:.1}" height="16" fill="#0a66c2"><title>{}: {shown:.1} of {PILLAR_MAX}</title></rect><text class="value" x="{:.1}" y="{:.1}" font-size="{FONT_SIZE:.2}" fill="#333">{shown:.1} / {PILLAR_MAX}</text>"##,
            top + 15.0,
            escape_xml(pillar.label()),
            pillar.short_name(),
            escape_xml(pillar.label()),
            bar_width + 6.0,
            bar_y + 13.0
        );
        if let Some(Some(other)) = comparison.map(|c| c[pillar.index()]) {
            let x = bar_width * other.clamp(0.0, PILLAR_MAX) / PILLAR_MAX;
            let _ = write!(
                svg,
                r##"<line class="comparison" x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{:.1}" stroke="#e16b16" stroke-width="3"><title>{}: {other:.1}</title></line>"##,
                bar_y - 3.0,
                bar_y + 19.0,
                escape_xml(comparison_label)
            );
        }
    }
    let _ = write!(
        svg,
        r##"<rect x="0" y="{:.1}" width="12" height="10" fill="#0a66c2"/><text class="legend" x="16" y="{legend_y:.1}" font-size="{FONT_SIZE:.2}" fill="#333">{}</text>"##,
        legend_y - 9.0,
        escape_xml(values_label)
    );
    if comparison.is_some() {
        let _ = write!(
            svg,
            r##"<rect x="120" y="{:.1}" width="4" height="12" fill="#e16b16"/><text class="legend" x="130" y="{legend_y:.1}" font-size="{FONT_SIZE:.2}" fill="#333">{}</text>"##,
            legend_y - 10.0,
            escape_xml(comparison_label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Renders the number of members in each band as horizontal bars, one row per band.
pub(crate) fn band_distribution(counts: &[(Band, usize)]) -> String {
    let row = 26.0;
    let label_width = 110.0;
    let count_width = 34.0;
    let bar_width = WIDTH - label_width - count_width;
    let height = row * Band::ALL.len() as f64 + 4.0;
    let most = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="band-chart" class="chart bands" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="members per band"><title>members per band</title>"#
    );
    for (index, band) in Band::ALL.into_iter().enumerate() {
        let count = counts.iter().find(|(b, _)| *b == band).map_or(0, |(_, n)| *n);
        let width = bar_width * count as f64 / most;
        let y = 4.0 + row * index as f64;
        let _ = write!(
            svg,
            r##"<text class="label" x="0" y="{:.1}" font-size="{FONT_SIZE:.2}" fill="#333">{}</text><rect class="band" x="{label_width}" y="{y:.1}" width="{width:.1}" height="18" fill="#0a66c2"><title>{}: {count}</title></rect><text class="value" x="{:.1}" y="{:.1}" font-size="{FONT_SIZE:.2}" fill="#333">{count}</text>"##,
            y + 14.0,
            escape_xml(band.label()),
            escape_xml(band.label()),
            label_width + width + 6.0,
            y + 14.0
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn history_chart_draws_a_line_and_a_dot_per_reading() {
        let estimates = [Point { date: day(1), total: 40.0 }, Point { date: day(3), total: 50.0 }];
        let readings = [Point { date: day(2), total: 45.5 }];
        let svg = history_chart(&estimates, &readings);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 1);
        // Day 1 sits at the left edge, day 3 at the right edge; 50 is mid-height.
        let mid = TOP + plot_height() / 2.0;
        assert!(svg.contains(&format!("{LEFT:.1},{:.1}", y_of(40.0))), "{svg}");
        assert!(svg.contains(&format!("{:.1},{mid:.1}", WIDTH - RIGHT)), "{svg}");
        assert!(!svg.contains("style="), "no inline styles under the CSP");
    }

    #[test]
    fn a_long_history_has_more_than_two_date_labels_and_readable_text() {
        let estimates: Vec<Point> =
            (0..=180).map(|i| Point { date: day(1) + chrono::Days::new(i), total: 40.0 }).collect();
        let svg = history_chart(&estimates, &[]);
        assert_eq!(svg.matches(r#"class="axis date""#).count(), DATE_LABELS, "{svg}");
        assert!(svg.contains(">1 Nov<"), "the first day is labelled: {svg}");
        assert!(svg.contains(">30 Apr 2027<"), "the last day is labelled with its year: {svg}");
        // Drawn at its narrowest, every label of every chart is still 11 px.
        let pillars = pillar_bars("p", &PillarScores::from_array([1.0; 4]), "a", Some(&[Some(2.0); 4]), "b");
        let bands = band_distribution(&[(Band::Average, 1)]);
        for chart in [&svg, &pillars, &bands] {
            let sizes: Vec<f64> = chart
                .split(r#"font-size=""#)
                .skip(1)
                .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
                .collect();
            assert!(!sizes.is_empty());
            assert!(sizes.iter().all(|size| size * MIN_DRAWN_WIDTH / WIDTH >= 11.0), "{sizes:?}");
        }
        assert_eq!(date_ticks(day(1), day(1)), [day(1)], "one day, one label");
    }

    #[test]
    fn pillar_values_are_shown_on_a_scale_of_25() {
        let svg = pillar_bars("p", &PillarScores::from_array([10.0, 5.25, 2.0, 30.0]), "estimate", None, "");
        assert!(svg.contains(">10.0 / 25<"), "{svg}");
        assert!(svg.contains(">5.2 / 25<") || svg.contains(">5.3 / 25<"), "{svg}");
        assert!(svg.contains(">25.0 / 25<"), "values above the scale are clamped: {svg}");
    }

    #[test]
    fn empty_history_says_so() {
        let svg = history_chart(&[], &[]);
        assert!(svg.contains("no scores yet"));
        assert!(!svg.contains("<polyline"));
    }

    #[test]
    fn labels_are_escaped() {
        let svg = pillar_bars(
            "p",
            &PillarScores::from_array([10.0, 5.0, 2.0, 30.0]),
            "<script>alert(1)</script>",
            Some(&[Some(12.0), None, None, None]),
            "a & b",
        );
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("a &amp; b"));
        assert_eq!(svg.matches(r#"class="comparison""#).count(), 1);
    }

    #[test]
    fn band_bars_scale_to_the_largest_band() {
        let svg = band_distribution(&[(Band::Average, 4), (Band::Strong, 2)]);
        assert_eq!(svg.matches(r#"class="band""#).count(), Band::ALL.len());
        assert!(svg.contains("<title>average: 4</title>"));
        assert!(svg.contains("<title>strong: 2</title>"));
        assert!(svg.contains("<title>beginner: 0</title>"));
    }

    #[test]
    fn the_stylesheet_draws_charts_within_the_widths_their_labels_are_sized_for() {
        let css = include_str!("../assets/style.css");
        let rule = css.lines().find(|line| line.starts_with("svg.chart {")).expect("the chart rule");
        assert!(rule.contains(&format!("min-width: {MIN_DRAWN_WIDTH}px;")), "{rule}");
        assert!(rule.contains(&format!("max-width: {MAX_DRAWN_WIDTH}px;")), "{rule}");
    }
}
