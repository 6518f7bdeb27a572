//! The activity impact as text: which series, the association-not-cause note, the strongest findings in a table, and how many tests were significant or skipped.

use super::{pad_left, pad_right, wrap};
use crate::output::{AssociationJson, ImpactJson};
use crate::term::{DIM, GAIN, Painter, STRONG};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Renders `ssi impact`, listing the `top` strongest findings (all when 0).
pub(crate) fn render(i: &ImpactJson, top: usize, painter: &Painter) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        painter.paint(STRONG, format!("Activity impact for {}: association, not cause", i.member))
    );
    let _ = writeln!(out);
    out.push_str(&wrap(&format!("Series  {}.", i.source_reason), "  ", "          "));
    let _ =
        writeln!(out, "  Period  {} to {}, {} day-to-day changes", i.first_date, i.last_date, i.transitions);
    let _ = writeln!(out);
    out.push_str(&wrap(&i.note, "  ", "  "));
    let _ = writeln!(out);

    let shown: Vec<&AssociationJson> =
        if top == 0 { i.strongest.iter().collect() } else { i.strongest.iter().take(top).collect() };
    let _ = writeln!(
        out,
        "{}",
        painter.paint(
            STRONG,
            "Strongest findings: the lag with the largest |r| for each activity and pillar, significant first"
        )
    );
    if shown.is_empty() {
        let _ = writeln!(out, "  {}", painter.paint(DIM, "none: no activity varied enough to be tested"));
    } else {
        let kind_width = shown.iter().map(|t| t.kind.as_str().len()).max().unwrap_or(0).max("activity".len());
        let pillar_width = "relationships".len();
        let _ = writeln!(
            out,
            "  {}  {}  {}  {}  {}  {}  p adjusted",
            pad_right("activity", kind_width),
            pad_right("pillar", pillar_width),
            pad_left("lag", 3),
            pad_left("n", 5),
            pad_left("r", 6),
            pad_right("95% interval", 16),
        );
        for t in shown {
            let verdict = if t.significant {
                painter.paint(GAIN, "significant")
            } else {
                painter.paint(DIM, "not significant")
            };
            let _ = writeln!(
                out,
                "  {}  {}  {}  {}  {}  {}  {}  {verdict}",
                pad_right(t.kind.as_str(), kind_width),
                pad_right(t.pillar, pillar_width),
                pad_left(&t.lag_days.to_string(), 3),
                pad_left(&t.n.to_string(), 5),
                pad_left(&format!("{:+.2}", t.r), 6),
                pad_right(&format!("[{:+.2}, {:+.2}]", t.ci_low, t.ci_high), 16),
                pad_left(&p_value(t.p_adjusted), 10),
            );
        }
    }
    let _ = writeln!(out);

    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &i.skipped {
        *skipped.entry(s.reason.as_str()).or_default() += 1;
    }
    let skipped_text = if skipped.is_empty() {
        String::new()
    } else {
        let reasons: Vec<String> = skipped.iter().map(|(reason, n)| format!("{reason} {n}")).collect();
        format!("; {} could not be computed ({})", i.skipped.len(), reasons.join(", "))
    };
    let listed = if top == 0 { i.strongest.len() } else { top.min(i.strongest.len()) };
    let footer = format!(
        "{} of {} tests significant after Benjamini–Hochberg at a {:.0}% false discovery rate{skipped_text}. \
         Listed {listed} of {} findings; `--top 0` lists them all and `--json` gives every test.",
        i.significant_tests,
        i.tests.len(),
        i.false_discovery_rate * 100.0,
        i.strongest.len(),
    );
    out.push_str(&painter.paint(DIM, wrap(&footer, "", "")));
    out
}

/// A p-value with four decimals, or `<0.0001`.
fn p_value(p: f64) -> String {
    if p < 0.0001 { "<0.0001".to_string() } else { format!("{p:.4}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_p_values_are_bounded() {
        assert_eq!(p_value(0.5), "0.5000");
        assert_eq!(p_value(1e-9), "<0.0001");
    }
}
