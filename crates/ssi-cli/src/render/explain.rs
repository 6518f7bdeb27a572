//! The explanation as text: each component's metric, value, points and the action that earns the rest.

use super::points;
use crate::output::{ComponentJson, ExplainJson};
use crate::term::{DIM, Painter, STRONG};
use ssi_core::Pillar;
use std::fmt::Write;

/// Metrics whose value is a rate in 0–1, shown as a percentage.
const RATE_METRICS: [&str; 3] = ["profile_completeness", "response_rate", "acceptance_rate"];

/// Renders the explanation.
pub(crate) fn render(x: &ExplainJson, painter: &Painter) -> String {
    let mut out = String::new();
    let e = &x.estimate;
    let scope = match x.pillar.and_then(|p| p.parse::<Pillar>().ok()) {
        Some(p) => format!("{}: {} of 25", p.label(), points(e.pillars.get(p))),
        None => format!("{} of 100 ({}, unrounded {:.2})", e.shown, e.band.label(), e.total),
    };
    let _ = writeln!(out, "{}", painter.paint(STRONG, format!("Why {} on {}? {scope}", x.member, e.date)));
    let _ = writeln!(out, "{}", painter.paint(DIM, format!("Biggest gap first; model {}.", e.model_version)));
    if let Some(note) = super::as_of_note(&x.as_of) {
        let _ = writeln!(out, "{}", painter.paint(DIM, note));
    }
    let no_data: Vec<&str> = x.components.iter().filter(|c| c.no_data).map(|c| c.id.as_str()).collect();
    if !no_data.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            painter.paint(
                DIM,
                format!(
                    "No data for {}: no creator analytics workbook covers them, so they count neither for nor against you; \
                     each pillar is scored from its components with data, their points scaled up to fill it.",
                    no_data.join(", ")
                )
            )
        );
    }
    for (n, c) in x.components.iter().enumerate() {
        let _ = writeln!(out);
        let pillar_label = c.pillar.parse::<Pillar>().map(Pillar::label).unwrap_or(c.pillar);
        let _ = writeln!(
            out,
            "{:>2}. {}  {}",
            n + 1,
            painter.paint(STRONG, &c.label),
            painter.paint(DIM, format!("({} · {pillar_label})", c.id))
        );
        let _ = writeln!(out, "    metric  {} = {}", c.metric, value_text(c));
        let _ = writeln!(
            out,
            "    points  {} of {} ({} missing)",
            points(c.points),
            points(c.possible),
            points(c.gap)
        );
        if let Some(days) = &c.workbook_days {
            let _ = writeln!(
                out,
                "    from    the creator analytics workbook: {} days reported from {} to {}, {} {} before decay",
                days.days_reported, days.first_day, days.last_day, days.total, c.unit
            );
        }
        let _ = writeln!(out, "    action  {}", c.action);
    }
    out
}

/// The value with its unit: a percentage for rates, a count otherwise (one
/// decimal when decay made it fractional).
pub(crate) fn value_text(c: &ComponentJson) -> String {
    if c.no_data {
        "no data".to_string()
    } else if !c.known {
        format!("unknown {}", c.unit)
    } else if RATE_METRICS.contains(&c.metric.as_str()) {
        format!("{:.0}% {}", c.value * 100.0, c.unit)
    } else if (c.value - c.value.round()).abs() < 1e-9 {
        format!("{:.0} {}", c.value, c.unit)
    } else {
        format!("{:.1} {}", c.value, c.unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component(metric: &str, value: f64, unit: &str) -> ComponentJson {
        ComponentJson {
            id: "x".into(),
            pillar: "brand",
            label: "X".into(),
            metric: metric.into(),
            value,
            unit: unit.into(),
            points: 1.0,
            possible: 2.0,
            gap: 1.0,
            action: "Do it".into(),
            known: true,
            no_data: false,
            workbook_days: None,
        }
    }

    #[test]
    fn values_read_as_percentages_counts_or_decayed_counts() {
        assert_eq!(value_text(&component("response_rate", 0.456, "replied")), "46% replied");
        assert_eq!(value_text(&component("network_size", 312.0, "connections")), "312 connections");
        assert_eq!(value_text(&component("count", 2.64, "posts")), "2.6 posts");
    }
}
