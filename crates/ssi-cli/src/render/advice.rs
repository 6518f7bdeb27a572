//! The advice as text: today and the baseline, the summary, the ranked actions with their gains and effort, and the warnings with their evidence.

use super::{pad_right, points, wrap};
use crate::output::AdviseJson;
use crate::term::{DIM, GAIN, LOSS, Painter, STRONG};
use ssi_core::advice::{ActionGain, EvidenceValue, Severity, Warning};
use ssi_core::{PILLAR_MAX, Pillar, TOTAL_MAX};
use std::fmt::Write;

/// Gains below this many points read as "no visible gain" (two decimals would show 0.00).
const VISIBLE_GAIN: f64 = 0.005;

/// Renders `ssi advise`.
pub(crate) fn render(a: &AdviseJson, painter: &Painter) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        painter.paint(STRONG, format!("Next best actions for {} on {}", a.member, a.date))
    );
    if let Some(note) = super::as_of_note(&a.as_of) {
        let _ = writeln!(out, "{}", painter.paint(DIM, note));
    }
    let _ = writeln!(out);
    let weakest = Pillar::ALL.into_iter().find(|p| p.short_name() == a.weakest_pillar);
    let weakest_text = weakest.map_or_else(String::new, |p| {
        format!("; weakest pillar: {} ({} / {PILLAR_MAX})", p.label(), points(a.current.pillars.get(p)))
    });
    let _ = writeln!(
        out,
        "  Today        {} / {TOTAL_MAX}  {}{weakest_text}",
        painter.paint(STRONG, a.current.shown),
        painter.paint(DIM, format!("({:.2}, model {})", a.current.total, a.model_version)),
    );
    let _ = writeln!(
        out,
        "  In {} days   {} / {TOTAL_MAX}  {} if your rhythm of the last 4 weeks continues",
        a.horizon_days,
        a.baseline.shown,
        painter.paint(DIM, format!("({:.2})", a.baseline.total)),
    );
    let _ = writeln!(out);
    out.push_str(&wrap(&a.summary, "  ", "  "));
    let _ = writeln!(out);

    let _ = writeln!(
        out,
        "{}",
        painter.paint(
            STRONG,
            format!(
                "One more a week, best return on your time first (gain on {}, against that rhythm)",
                a.baseline.date
            )
        )
    );
    let rank_width = a.actions.len().to_string().len();
    for action in &a.actions {
        let _ = writeln!(out, "  {:>rank_width$}. {}", action.rank, action.gain.description);
        let _ = writeln!(
            out,
            "  {:rank_width$}  {} · {} · {}",
            "",
            gain_text(&action.gain, painter),
            effort_text(&action.gain),
            painter.paint(DIM, format!("{:.3} points a minute", action.gain.points_per_minute)),
        );
    }
    if a.actions.is_empty() {
        let _ = writeln!(out, "  {}", painter.paint(DIM, "No step would add a tenth of a point in 30 days."));
    }
    let mut notes = Vec::new();
    if a.shared_active_day_gain >= VISIBLE_GAIN {
        notes.push(format!(
            "Being active on a day is worth +{:.2} points here; it is counted once, as its own step, not in each of the others.",
            a.shared_active_day_gain
        ));
    }
    match a.actions_not_shown {
        0 => {}
        1 => notes.push("1 more step would add less than 0.1 point and is left out.".to_string()),
        n => notes.push(format!("{n} more steps would add less than 0.1 point each and are left out.")),
    }
    if !notes.is_empty() {
        out.push_str(&painter.paint(DIM, wrap(&notes.join(" "), "  ", "  ")));
    }
    let _ = writeln!(out);

    if a.warnings.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            painter.paint(DIM, "No warnings: none of the habits ssi looks for shows up.")
        );
    } else {
        let _ = writeln!(out, "{}", painter.paint(STRONG, format!("Warnings ({})", a.warnings.len())));
        for warning in &a.warnings {
            render_warning(&mut out, warning, painter);
        }
    }
    out
}

/// `+1.24 points: people +1.10, relationships +0.14`, or that there is no visible gain.
fn gain_text(action: &ActionGain, painter: &Painter) -> String {
    if action.total_gain < VISIBLE_GAIN {
        return painter.paint(DIM, "no visible gain");
    }
    let pillars: Vec<String> = Pillar::ALL
        .into_iter()
        .filter(|p| action.gain[*p] >= VISIBLE_GAIN)
        .map(|p| format!("{} +{:.2}", p.short_name(), action.gain[p]))
        .collect();
    format!("{}: {}", painter.paint(GAIN, format!("+{:.2} points", action.total_gain)), pillars.join(", "))
}

/// `5 minutes a week`, or `about 15 minutes, once`; `(assumed)` when the minutes are a convention.
fn effort_text(action: &ActionGain) -> String {
    let assumed = if action.effort_is_convention { " (assumed)" } else { "" };
    match action.minutes_per_week {
        Some(minutes) => format!("{} a week{assumed}", minutes_text(minutes)),
        None => format!("about {}, once{assumed}", minutes_text(action.minutes_per_unit)),
    }
}

fn minutes_text(minutes: f64) -> String {
    let rounded = (minutes * 10.0).round() / 10.0;
    let unit = if rounded == 1.0 { "minute" } else { "minutes" };
    if rounded.fract() == 0.0 { format!("{rounded:.0} {unit}") } else { format!("{rounded:.1} {unit}") }
}

fn render_warning(out: &mut String, warning: &Warning, painter: &Painter) {
    let (label, style) = match warning.severity {
        Severity::Critical => ("critical", LOSS),
        Severity::Warning => ("warning", LOSS),
        Severity::Info => ("info", DIM),
    };
    let indent = "            ";
    let first = format!("  {}", pad_right(label, indent.len() - 2));
    let text = wrap(&warning.message, &first, indent);
    // Colour only the label, after wrapping, so escape codes never count as width.
    out.push_str(&text.replacen(label, &painter.paint(style, label), 1));
    let evidence: Vec<String> = warning
        .evidence
        .iter()
        .map(|(name, value)| format!("{} {}", name.replace('_', " "), evidence_text(name, value)))
        .collect();
    if !evidence.is_empty() {
        out.push_str(&painter.paint(DIM, wrap(&evidence.join(" · "), indent, indent)));
    }
}

/// A piece of evidence as a person reads it: counts whole, shares and rates (0–1) as
/// percentages, other measures with up to two decimals.
fn evidence_text(name: &str, value: &EvidenceValue) -> String {
    let is_share = ["completeness", "share", "rate"].iter().any(|part| name.split('_').any(|w| w == *part));
    match value {
        EvidenceValue::Number(x) if is_share => format!("{:.0}%", x * 100.0),
        EvidenceValue::Count(n) => n.to_string(),
        EvidenceValue::Number(x) => {
            let text = format!("{x:.2}");
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        EvidenceValue::Date(d) => d.to_string(),
        EvidenceValue::Text(t) => t.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_reads_naturally() {
        assert_eq!(evidence_text("burst_days", &EvidenceValue::Count(6)), "6");
        assert_eq!(evidence_text("points_available", &EvidenceValue::Number(0.8333)), "0.83");
        assert_eq!(evidence_text("points_available", &EvidenceValue::Number(0.5)), "0.5");
        assert_eq!(evidence_text("points_available", &EvidenceValue::Number(2.0)), "2");
        assert_eq!(evidence_text("completeness", &EvidenceValue::Number(0.98)), "98%");
        assert_eq!(evidence_text("acceptance_rate", &EvidenceValue::Number(0.25)), "25%");
        assert_eq!(evidence_text("share_without_note", &EvidenceValue::Number(0.5)), "50%");
    }

    #[test]
    fn minutes_drop_needless_decimals() {
        assert_eq!(minutes_text(5.0), "5 minutes");
        assert_eq!(minutes_text(1.0), "1 minute");
        assert_eq!(minutes_text(2.5), "2.5 minutes");
    }
}
