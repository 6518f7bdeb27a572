//! The benchmark's output: rows of ratios with their targets, printed as a table and written as results.json.

use serde_json::{Value, json};

/// How a ratio is judged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Target {
    /// The ratio must be at most this.
    AtMost(f64),
    /// The ratio must be at least this.
    AtLeast(f64),
    /// No target: the ratio is recorded (it always "holds").
    Recorded,
}

impl Target {
    fn holds(self, ratio: f64) -> bool {
        match self {
            Target::AtMost(limit) => ratio <= limit,
            Target::AtLeast(limit) => ratio >= limit,
            Target::Recorded => true,
        }
    }

    fn text(self) -> String {
        match self {
            Target::AtMost(limit) => format!("<= {limit}"),
            Target::AtLeast(limit) => format!(">= {limit}"),
            Target::Recorded => "recorded".into(),
        }
    }
}

/// One measured side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Side {
    /// What ran.
    pub(crate) label: String,
    /// The figure.
    pub(crate) value: f64,
    /// Its unit (`s`, `MiB`, `req/s`).
    pub(crate) unit: &'static str,
}

/// An extra condition of a row (the server rows' p99 latency).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    /// What is checked, e.g. `p99 < 25 ms`.
    pub(crate) text: String,
    /// The measured figure, e.g. `3.1 ms`.
    pub(crate) measured: String,
    /// Whether it holds.
    pub(crate) holds: bool,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    /// Stable identifier in results.json.
    pub(crate) id: &'static str,
    /// Row number and title, e.g. `1 import vs raw load`.
    pub(crate) title: &'static str,
    /// ssi's side.
    pub(crate) ssi: Side,
    /// The reference measured in the same run.
    pub(crate) reference: Side,
    /// The ratio's target.
    pub(crate) target: Target,
    /// Another condition, when the row has one.
    pub(crate) condition: Option<Condition>,
    /// Row-specific details for results.json.
    pub(crate) details: Value,
}

impl Row {
    /// ssi over the reference.
    pub(crate) fn ratio(&self) -> f64 {
        if self.reference.value == 0.0 { f64::INFINITY } else { self.ssi.value / self.reference.value }
    }

    /// Whether the target (and the extra condition) holds.
    pub(crate) fn holds(&self) -> bool {
        self.target.holds(self.ratio()) && self.condition.as_ref().is_none_or(|c| c.holds)
    }

    /// The row in results.json.
    pub(crate) fn json(&self) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "ssi": { "label": self.ssi.label, "value": self.ssi.value, "unit": self.ssi.unit },
            "reference": { "label": self.reference.label, "value": self.reference.value, "unit": self.reference.unit },
            "ratio": self.ratio(),
            "target": self.target.text(),
            "condition": self.condition.as_ref().map(|c| json!({ "text": c.text, "measured": c.measured, "holds": c.holds })),
            "holds": self.holds(),
            "details": self.details,
        })
    }
}

/// A figure with a sensible number of digits.
pub(crate) fn figure(value: f64, unit: &str) -> String {
    let digits = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else if value >= 1.0 {
        2
    } else {
        3
    };
    format!("{value:.digits$} {unit}")
}

/// The table, as Markdown (it reads well in a terminal too).
pub(crate) fn table(rows: &[Row]) -> String {
    let mut lines = vec![
        "| row | ssi | reference | ratio | target | holds |".to_string(),
        "|---|---|---|---:|---|---|".to_string(),
    ];
    for row in rows {
        let mut target = row.target.text();
        let mut holds = match row.target {
            Target::Recorded => "–",
            _ if row.target.holds(row.ratio()) => "yes",
            _ => "no",
        }
        .to_string();
        if let Some(c) = &row.condition {
            target.push_str(&format!("; {}", c.text));
            holds.push_str(&format!("; {} ({})", if c.holds { "yes" } else { "no" }, c.measured));
        }
        lines.push(format!(
            "| {} | {}: {} | {}: {} | {:.2} | {} | {} |",
            row.title,
            row.ssi.label,
            figure(row.ssi.value, row.ssi.unit),
            row.reference.label,
            figure(row.reference.value, row.reference.unit),
            row.ratio(),
            target,
            holds
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ssi: f64, reference: f64, target: Target) -> Row {
        Row {
            id: "x",
            title: "1 x",
            ssi: Side { label: "a".into(), value: ssi, unit: "s" },
            reference: Side { label: "b".into(), value: reference, unit: "s" },
            target,
            condition: None,
            details: Value::Null,
        }
    }

    #[test]
    fn targets_judge_the_ratio_in_their_direction() {
        assert!(row(1.0, 2.0, Target::AtMost(1.0)).holds());
        assert!(!row(3.0, 2.0, Target::AtMost(1.0)).holds());
        assert!(row(3.0, 2.0, Target::AtLeast(0.5)).holds());
        assert!(!row(0.5, 2.0, Target::AtLeast(0.5)).holds());
        let mut slow = row(3.0, 2.0, Target::AtLeast(0.5));
        slow.condition =
            Some(Condition { text: "p99 < 25 ms".into(), measured: "30 ms".into(), holds: false });
        assert!(!slow.holds());
        assert_eq!(row(1.0, 0.0, Target::AtMost(1.0)).ratio(), f64::INFINITY);
        let recorded = row(0.01, 2.0, Target::Recorded);
        assert!(recorded.holds());
        assert_eq!(recorded.json()["target"], "recorded");
    }

    #[test]
    fn the_table_has_a_line_per_row() {
        let text = table(&[row(1.0, 2.0, Target::AtMost(1.0))]);
        assert_eq!(text.lines().count(), 3);
        assert!(text.contains("| 1 x | a: 1.00 s | b: 2.00 s | 0.50 | <= 1 | yes |"), "{text}");
    }
}
