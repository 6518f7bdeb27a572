//! A projected plan as text: the habits it builds on, the plan and its effort, a chart of the total with the band thresholds, the first and last day beside the habits alone, and when each threshold is reached.

use super::chart::line_chart;
use super::{pad_right, points, wrap};
use crate::output::{PlanJson, ProjectedDayJson};
use crate::term::{DIM, GAIN, Painter, STRONG};
use ssi_core::advice::WeeklyPlan;
use ssi_core::{Pillar, TOTAL_MAX};
use std::fmt::Write;

/// What each threshold of the projection stands for.
pub(crate) fn threshold_label(threshold: f64) -> &'static str {
    match threshold {
        45.0 => "the average member",
        70.0 => "top of above average",
        75.0 => "sales teams' target",
        80.0 => "top of strong",
        _ => "",
    }
}

/// Renders `ssi plan`.
pub(crate) fn render(p: &PlanJson, painter: &Painter) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        painter.paint(
            STRONG,
            format!(
                "What-if plan for {}: {} days from {} (model {})",
                p.member, p.days, p.today, p.model_version
            )
        )
    );
    if let Some(note) = super::as_of_note(&p.as_of) {
        let _ = writeln!(out, "{}", painter.paint(DIM, note));
    }
    let _ = writeln!(out);
    let indent = " ".repeat(15);
    let habits = if p.habits_continue {
        format!(
            "continue at their weekly rate of the last 4 weeks (active {} a week)",
            days_text(p.rhythm.active_days_per_week)
        )
    } else {
        "stop (--only): the plan is all you do".to_string()
    };
    out.push_str(&wrap(&format!("Your habits  {habits}"), "  ", &indent));
    let added = if p.habits_continue { "Each week    on top: " } else { "Each week    " };
    out.push_str(&wrap(&format!("{added}{}", describe_plan(&p.plan)), "  ", &indent));
    let more = if p.habits_continue { " more" } else { "" };
    let effort = if p.minutes_per_week > 0.0 {
        format!("about {:.0}{more} minutes a week", p.minutes_per_week)
    } else {
        "none".to_string()
    };
    out.push_str(&wrap(
        &format!(
            "Effort       {effort}; incoming messages assumed at {:.1} a week (your rate of the last 4 weeks)",
            p.incoming_messages_per_week
        ),
        "  ",
        &indent,
    ));
    let _ = writeln!(out);

    let totals: Vec<f64> = p.series.iter().map(|d| d.total).collect();
    let thresholds: Vec<(f64, &str)> =
        p.thresholds.iter().map(|t| (t.threshold, threshold_label(t.threshold))).collect();
    if let (Some(first), Some(last)) = (p.series.first(), p.series.last()) {
        out.push_str(&line_chart(
            &totals,
            &thresholds,
            &first.date.to_string(),
            &last.date.to_string(),
            painter,
        ));
        let _ = writeln!(out);
        let first_label = format!("{} (today)", first.date);
        let last_label = format!("{} (day {}), with the plan", last.date, p.days);
        let baseline_label = format!("{} (day {}), habits alone", last.date, p.days);
        let width = first_label.len().max(last_label.len()).max(baseline_label.len());
        day_line(&mut out, &first_label, width, first, painter);
        day_line(&mut out, &last_label, width, last, painter);
        if let Some(baseline) = p.baseline.last() {
            day_line(&mut out, &baseline_label, width, baseline, painter);
            let effect = last.total - baseline.total;
            let _ = writeln!(
                out,
                "  {}",
                painter.paint(
                    if effect >= 0.0 { GAIN } else { DIM },
                    format!(
                        "The plan's own effect on day {}: {effect:+.1} points against your habits alone",
                        p.days
                    )
                )
            );
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "{}", painter.paint(STRONG, "Thresholds"));
    let label_width = p.thresholds.iter().map(|t| threshold_label(t.threshold).len()).max().unwrap_or(0);
    let end_total = p.series.last().map_or(0.0, |d| d.total);
    for t in &p.thresholds {
        let mut when = match (t.first_date, t.days_from_today) {
            (Some(_), Some(0)) => painter.paint(GAIN, "reached already"),
            (Some(date), Some(days)) => painter
                .paint(GAIN, format!("reached on {date}, in {days} day{}", if days == 1 { "" } else { "s" })),
            _ => painter.paint(DIM, format!("not reached within {} days", p.days)),
        };
        if t.first_date.is_some() && end_total < t.threshold {
            when.push_str(&painter.paint(DIM, format!(", but below it again by day {}", p.days)));
        }
        let _ = writeln!(
            out,
            "  {:>3.0}  {}  {when}",
            t.threshold,
            pad_right(threshold_label(t.threshold), label_width)
        );
    }
    out
}

fn day_line(out: &mut String, label: &str, width: usize, day: &ProjectedDayJson, painter: &Painter) {
    let pillars: Vec<String> =
        Pillar::ALL.iter().map(|p| format!("{} {}", p.short_name(), points(day.pillars.get(*p)))).collect();
    let _ = writeln!(
        out,
        "  {}  {:>3} / {TOTAL_MAX}  {}  {}",
        pad_right(label, width),
        painter.paint(STRONG, day.shown),
        painter.paint(DIM, format!("({:.2})", day.total)),
        pillars.join(" · "),
    );
}

/// `5 days`, `1 day`, `2.5 days`.
fn days_text(days: f64) -> String {
    let rounded = (days * 10.0).round() / 10.0;
    let unit = if rounded == 1.0 { "day" } else { "days" };
    if rounded.fract() == 0.0 { format!("{rounded:.0} {unit}") } else { format!("{rounded:.1} {unit}") }
}

/// The plan in words: `2 posts, 5 comments, 5 active days; every incoming message answered the day it arrives`.
pub(crate) fn describe_plan(plan: &WeeklyPlan) -> String {
    let counted = [
        (plan.posts, "post", "posts"),
        (plan.articles, "article", "articles"),
        (plan.comments, "comment", "comments"),
        (plan.reactions, "reaction", "reactions"),
        (plan.reposts, "repost", "reposts"),
        (
            plan.connection_requests,
            "connection request to a decision maker",
            "connection requests to decision makers",
        ),
        (plan.messages, "message starting a conversation", "messages starting a conversation"),
        (plan.searches, "people search", "people searches"),
        (plan.active_days, "active day", "active days"),
        (plan.endorsements, "endorsement given", "endorsements given"),
    ];
    let parts: Vec<String> = counted
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
        .collect();
    let replies = "every incoming message answered the day it arrives";
    match (parts.is_empty(), plan.reply_to_all) {
        (true, false) if plan.only => {
            "nothing (the projection shows how the score decays without activity)".to_string()
        }
        (true, false) => "nothing (the projection is your habits alone)".to_string(),
        (true, true) => replies.to_string(),
        (false, false) => parts.join(", "),
        (false, true) => format!("{}; {replies}", parts.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_read_as_words() {
        assert_eq!(
            describe_plan(&WeeklyPlan { only: true, ..WeeklyPlan::default() }),
            "nothing (the projection shows how the score decays without activity)"
        );
        assert_eq!(describe_plan(&WeeklyPlan::default()), "nothing (the projection is your habits alone)");
        let plan = WeeklyPlan {
            posts: 1,
            comments: 5,
            connection_requests: 2,
            reply_to_all: true,
            ..WeeklyPlan::default()
        };
        assert_eq!(
            describe_plan(&plan),
            "1 post, 5 comments, 2 connection requests to decision makers; every incoming message answered the day it arrives"
        );
    }

    #[test]
    fn every_plan_threshold_has_a_label() {
        for threshold in ssi_core::advice::plan::PLAN_THRESHOLDS {
            assert!(!threshold_label(threshold).is_empty(), "{threshold}");
        }
    }
}
