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
pub fn escape_xml(text: &str) -> String {
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
pub struct Point {
    /// The day.
    pub date: NaiveDate,
    /// The total, 0–100.
    pub total: f64,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

fn plot_width() -> f64 {
    WIDTH - LEFT - RIGHT
}

fn plot_height() -> f64 {
    HEIGHT - TOP - BOTTOM
}

/// Renders the history chart: the estimate's daily total as a line, official readings as
/// dots, on a 0–100 scale with the band boundaries as grid lines.
///
/// With no point at all it renders an empty frame saying so, so the page layout holds.
pub fn history_chart(estimates: &[Point], readings: &[Point]) -> String {
    let mut svg = String::new();
    let label =
        format!("SSI history: {} daily estimates and {} official readings", estimates.len(), readings.len());
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="history-chart" class="chart history" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}"><title>{}</title>"#,
        escape_xml(&label),
        escape_xml(&label)
    );
    for value in [0.0, 25.0, 50.0, 70.0, 80.0, 90.0, 100.0] {
        let y = y_of(value);
        let _ = write!(
            svg,
            r##"<line class="grid" x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd" stroke-width="1"/><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end" font-size="10" fill="#666">{value}</text>"##,
            WIDTH - RIGHT,
            LEFT - 4.0,
            y + 3.0
        );
    }
    let dates = estimates.iter().chain(readings).map(|p| p.date);
    let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) else {
        let _ = write!(
            svg,
            r##"<text class="empty" x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="#666">no scores yet</text></svg>"##,
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
    let _ = write!(
        svg,
        r##"<text class="axis" x="{LEFT}" y="{:.1}" font-size="10" fill="#666">{first}</text><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end" font-size="10" fill="#666">{last}</text></svg>"##,
        HEIGHT - 8.0,
        WIDTH - RIGHT,
        HEIGHT - 8.0
    );
    svg
}

fn y_of(total: f64) -> f64 {
    let clamped = if total.is_finite() { total.clamp(0.0, TOTAL_MAX) } else { 0.0 };
    TOP + plot_height() * (1.0 - clamped / TOTAL_MAX)
}

/// Renders one horizontal bar per pillar (0–25), with an optional comparison marker per
/// pillar (e.g. the industry average) and a legend naming both series.
pub fn pillar_bars(
    id: &str,
    values: &PillarScores,
    values_label: &str,
    comparison: Option<&[Option<f64>; 4]>,
    comparison_label: &str,
) -> String {
    let row = 34.0;
    let label_width = 230.0;
    let bar_width = WIDTH - label_width - 60.0;
    let height = row * 4.0 + 28.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="{}" class="chart pillars" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}"><title>{}</title>"#,
        escape_xml(id),
        escape_xml(values_label),
        escape_xml(values_label)
    );
    for (index, pillar) in Pillar::ALL.into_iter().enumerate() {
        let y = 4.0 + row * index as f64;
        let value = values[pillar];
        let shown = if value.is_finite() { value.clamp(0.0, PILLAR_MAX) } else { 0.0 };
        let width = bar_width * shown / PILLAR_MAX;
        let _ = write!(
            svg,
            r##"<text class="label" x="0" y="{:.1}" font-size="12" fill="#333">{}</text><rect class="track" x="{label_width}" y="{y:.1}" width="{bar_width:.1}" height="20" fill="#eee"/><rect class="bar {}" x="{label_width}" y="{y:.1}" width="{width:.1}" height="20" fill="#0a66c2"><title>{}: {value:.2}</title></rect><text class="value" x="{:.1}" y="{:.1}" font-size="12" fill="#333">{value:.1}</text>"##,
            y + 14.0,
            escape_xml(pillar.label()),
            pillar.short_name(),
            escape_xml(pillar.label()),
            label_width + bar_width + 6.0,
            y + 14.0
        );
        if let Some(Some(other)) = comparison.map(|c| c[pillar.index()]) {
            let x = label_width + bar_width * other.clamp(0.0, PILLAR_MAX) / PILLAR_MAX;
            let _ = write!(
                svg,
                r##"<line class="comparison" x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{:.1}" stroke="#e16b16" stroke-width="3"><title>{}: {other:.2}</title></line>"##,
                y - 3.0,
                y + 23.0,
                escape_xml(comparison_label)
            );
        }
    }
    let legend_y = row * 4.0 + 18.0;
    let _ = write!(
        svg,
        r##"<rect x="{label_width}" y="{:.1}" width="12" height="10" fill="#0a66c2"/><text x="{:.1}" y="{legend_y:.1}" font-size="11" fill="#333">{}</text>"##,
        legend_y - 9.0,
        label_width + 16.0,
        escape_xml(values_label)
    );
    if comparison.is_some() {
        let _ = write!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="4" height="12" fill="#e16b16"/><text x="{:.1}" y="{legend_y:.1}" font-size="11" fill="#333">{}</text>"##,
            label_width + 180.0,
            legend_y - 10.0,
            label_width + 190.0,
            escape_xml(comparison_label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Renders the number of members in each band as vertical bars.
pub fn band_distribution(counts: &[(Band, usize)]) -> String {
    let height = 180.0;
    let base = height - 30.0;
    let slot = (WIDTH - 20.0) / Band::ALL.len() as f64;
    let most = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="band-chart" class="chart bands" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="members per band"><title>members per band</title>"#
    );
    for (index, band) in Band::ALL.into_iter().enumerate() {
        let count = counts.iter().find(|(b, _)| *b == band).map_or(0, |(_, n)| *n);
        let bar_height = (base - 16.0) * count as f64 / most;
        let x = 10.0 + slot * index as f64;
        let _ = write!(
            svg,
            r##"<rect class="band" x="{:.1}" y="{:.1}" width="{:.1}" height="{bar_height:.1}" fill="#0a66c2"><title>{}: {count}</title></rect><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11" fill="#333">{count}</text><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11" fill="#333">{}</text>"##,
            x + 8.0,
            base - bar_height,
            slot - 16.0,
            escape_xml(band.label()),
            x + slot / 2.0,
            base - bar_height - 4.0,
            x + slot / 2.0,
            base + 16.0,
            escape_xml(band.label())
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
}
