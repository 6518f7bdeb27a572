//! The dashboard as text: total and band, pillar bars, changes, trend, official reading, freshness.

use super::{bar, maybe_signed, pad_right, points, signed_painted, sparkline};
use crate::output::{ComparisonJson, DashboardJson, GroupJson, ReadingJson};
use crate::term::{ACCENT, DIM, LOSS, Painter, STRONG};
use ssi_core::{HorizonSource, Pillar, TOTAL_MAX};
use std::fmt::Write;

/// Width of a pillar bar: one cell per point.
const BAR_WIDTH: usize = 25;
/// The smallest range the sparkline stretches to, in points.
const TREND_MIN_SPAN: f64 = 5.0;

/// Renders the dashboard.
pub(crate) fn render(d: &DashboardJson, painter: &Painter) -> String {
    let mut out = String::new();
    let e = &d.estimate;
    let _ =
        writeln!(out, "{}", painter.paint(STRONG, format!("SSI estimate for {} on {}", d.member, d.date)));
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  {} / {}  {}{}   {}",
        painter.paint(STRONG, e.shown),
        TOTAL_MAX,
        e.band.label(),
        as_of_text(d),
        painter.paint(DIM, format!("(unrounded {:.2}, model {})", e.total, e.model_version)),
    );
    if let Some(advice) = &d.freshness.advice {
        let _ = writeln!(out, "  {}", painter.paint(LOSS, format!("Stale: {advice}.")));
    }
    let _ = writeln!(out);
    let label_width = Pillar::ALL.iter().map(|p| p.label().chars().count()).max().unwrap_or(0);
    for pillar in Pillar::ALL {
        let value = e.pillars.get(pillar);
        let _ = writeln!(
            out,
            "  {}  {:>5} / 25  {}",
            pad_right(pillar.label(), label_width),
            points(value),
            painter.paint(ACCENT, bar(value, ssi_core::PILLAR_MAX, BAR_WIDTH)),
        );
    }
    let _ = writeln!(out);

    let _ = writeln!(
        out,
        "  Change          since yesterday {} · 7 days {} · 30 days {}",
        maybe_signed(d.change.since_yesterday, painter),
        maybe_signed(d.change.since_7_days, painter),
        maybe_signed(d.change.since_30_days, painter),
    );
    let mut baselines = Vec::new();
    if let Some(b) = &d.baseline.estimate {
        baselines.push(format!(
            "estimate {} since {}, the first day scored ({:.0})",
            signed_painted(b.change, painter),
            b.date,
            b.total
        ));
    }
    if let Some(b) = &d.baseline.official {
        baselines.push(format!(
            "official {} since {}, the first reading ({:.0})",
            signed_painted(b.change, painter),
            b.date,
            b.total
        ));
    }
    if !baselines.is_empty() {
        let _ = writeln!(out, "  Since baseline  {}", baselines.join(" · "));
    }
    let known: Vec<f64> = d.trend.totals.iter().flatten().copied().collect();
    if let (Some(low), Some(high)) =
        (known.iter().copied().reduce(f64::min), known.iter().copied().reduce(f64::max))
    {
        let _ = writeln!(
            out,
            "  Last {} days    {}  {}",
            d.trend.totals.len(),
            painter.paint(ACCENT, sparkline(&pairs(&d.trend.totals), TREND_MIN_SPAN)),
            painter.paint(DIM, format!("{low:.0}–{high:.0}")),
        );
    }
    if let Some(c) = &d.creator_analytics {
        let followers = c.followers.map_or_else(String::new, |n| format!("{n} followers, "));
        let _ = writeln!(
            out,
            "  Your audience   {followers}+{} in 90 days · {} engagements received · {} impressions  {}",
            c.followers_gained_90_days,
            c.engagements_90_days,
            c.impressions_90_days,
            painter.paint(DIM, format!("(creator analytics to {})", c.last_reported_day)),
        );
    }
    let _ = writeln!(out);

    match &d.official {
        Some(r) => render_official(&mut out, r, d.official_comparison.as_ref(), painter),
        None => {
            let _ = writeln!(
                out,
                "  {}",
                painter.paint(
                    DIM,
                    "No official reading yet: add what LinkedIn shows with `ssi reading add --total N`."
                )
            );
        }
    }
    if let Some(c) = &d.calibrated {
        let _ = writeln!(out, "  {}", calibration_line(c));
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "  {}", freshness_line(d));
    out
}

/// One line: the calibrated estimate with its interval, or that a newer calibration is available.
fn calibration_line(c: &crate::output::DashboardCalibrationJson) -> String {
    match (&c.estimate, c.status) {
        (Some(e), "current") => {
            let error = c.error.map_or_else(String::new, |err| {
                format!("; off by {err:.2} on average over {} walk-forward predictions", c.predictions)
            });
            format!(
                "Calibrated to your readings: {:.2} (80% range {:.2}–{:.2}){error}. `ssi history` shows it.",
                e.total,
                e.low.unwrap_or(e.total),
                e.high.unwrap_or(e.total)
            )
        }
        _ => "A newer calibration is available (readings or model changed): run `ssi calibrate`.".to_string(),
    }
}

/// Halves a daily series for the sparkline (two days per cell, the mean of
/// those known), so that 90 days fit an 80-column terminal.
fn pairs(days: &[Option<f64>]) -> Vec<Option<f64>> {
    days.chunks(2)
        .map(|pair| {
            let known: Vec<f64> = pair.iter().flatten().copied().collect();
            (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64)
        })
        .collect()
}

/// " · as of 2026-11-20 (your export, 15 days old)".
fn as_of_text(d: &DashboardJson) -> String {
    let (Some(as_of), Some(age)) = (d.as_of.as_of, d.as_of.data_age_days) else { return String::new() };
    let whose = match d.freshness.known_from {
        Some("pushed_scores") => "your last push",
        Some("last_event") => "your last activity",
        _ => "your export",
    };
    let age = if age == 0 { "up to date".to_string() } else { ssi_core::freshness::age_phrase(age) };
    format!(" · as of {as_of} ({whose}, {age})")
}

fn render_official(
    out: &mut String,
    r: &ReadingJson,
    comparison: Option<&ComparisonJson>,
    painter: &Painter,
) {
    let compared = match comparison {
        Some(c) if c.reading_after_horizon => format!(
            "estimate of {}, your data's last day, - official: {}; reading {}",
            c.estimate_date,
            super::signed(c.difference),
            ssi_core::freshness::age_phrase(c.reading_age_days)
        ),
        Some(c) => format!(
            "estimate that day - official: {}; reading {}",
            super::signed(c.difference),
            ssi_core::freshness::age_phrase(c.reading_age_days)
        ),
        None => "no estimate of that day to compare".to_string(),
    };
    let _ = writeln!(
        out,
        "  LinkedIn's own SSI on {}: {} / {}  {}   {}",
        r.date,
        painter.paint(STRONG, r.shown),
        TOTAL_MAX,
        r.band.label(),
        painter.paint(DIM, format!("({compared})")),
    );
    let pillars: Vec<String> = [
        ("brand", r.pillars.brand),
        ("people", r.pillars.people),
        ("insights", r.pillars.insights),
        ("relationships", r.pillars.relationships),
    ]
    .into_iter()
    .filter_map(|(name, v)| v.map(|v| format!("{name} {}", points(v))))
    .collect();
    if !pillars.is_empty() {
        let _ = writeln!(out, "    {}", pillars.join(" · "));
    }
    let groups: Vec<String> = [("industry", &r.industry), ("network", &r.network), ("team", &r.team)]
        .into_iter()
        .filter_map(|(name, g)| group_text(name, g))
        .collect();
    if !groups.is_empty() {
        let _ = writeln!(out, "    {}", groups.join(" · "));
    }
}

fn group_text(name: &str, g: &GroupJson) -> Option<String> {
    let rank = g.rank.map(|r| format!("top {r}%"));
    let average = g.average.map(|a| format!("average {a:.1}"));
    match (rank, average) {
        (Some(rank), Some(average)) => Some(format!("{name} rank {rank} ({average})")),
        (Some(rank), None) => Some(format!("{name} rank {rank}")),
        (None, Some(average)) => Some(format!("{name} {average}")),
        (None, None) => None,
    }
}

fn freshness_line(d: &DashboardJson) -> String {
    let Some(known) = d.freshness.activity_known_to else {
        return "No export imported yet: run `ssi import PATH` to score your activity.".to_string();
    };
    let what = match (d.freshness.known_from, d.as_of.horizon_source) {
        (Some("last_event"), _) => "the last activity imported",
        (Some("pushed_scores"), _) => "the last score pushed",
        (_, Some(HorizonSource::NewestRow)) => "the export's newest row",
        (_, Some(HorizonSource::EntryTimes)) => "the export's entry times",
        _ => "the export's date",
    };
    match d.freshness.data_age_days {
        Some(age) if age > 0 => format!(
            "Activity known up to {known}, {what} ({}); import a newer export to update.",
            ssi_core::freshness::age_phrase(age)
        ),
        _ => format!("Activity known up to {known}, {what}; import a newer export to update."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{
        AsOfJson, BaselineJson, BaselinePointJson, ChangesJson, ComparisonJson, EstimateJson, FreshnessJson,
        TrendJson,
    };
    use chrono::NaiveDate;
    use ssi_core::{OfficialReading, PillarScores, ReadingSource};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn sample() -> DashboardJson {
        let pillars = PillarScores::from_array([13.118002, 3.68, 0.29999998, 2.6077502]);
        let mut reading = OfficialReading::new(day(18), 19.705751, ReadingSource::Json);
        reading.pillars = [Some(13.118002), Some(3.68), Some(0.29999998), Some(2.6077502)];
        reading.industry.rank = Some(75);
        reading.industry.average = Some(30.99);
        reading.network.rank = Some(81);
        DashboardJson {
            member: "Ada Lovelace".into(),
            date: day(20),
            estimate: EstimateJson::from_parts(day(20), "ssi-default-1", pillars, pillars.total()),
            change: ChangesJson {
                since_yesterday: Some(0.42),
                since_7_days: Some(-1.0),
                since_30_days: None,
            },
            baseline: BaselineJson {
                estimate: Some(BaselinePointJson { date: day(1), total: 15.0, change: 4.7 }),
                official: None,
            },
            trend: TrendJson {
                from: day(17),
                to: day(20),
                totals: vec![Some(18.0), None, Some(19.0), Some(19.7)],
            },
            official: Some((&reading).into()),
            official_comparison: Some(ComparisonJson {
                reading_date: day(18),
                estimate_date: day(18),
                estimate_total: 21.0,
                difference: 1.3,
                reading_after_horizon: false,
                reading_age_days: 5,
            }),
            freshness: FreshnessJson {
                activity_known_to: Some(day(18)),
                known_from: Some("export_date"),
                days_behind: Some(2),
                data_age_days: Some(5),
                stale: false,
                advice: None,
            },
            as_of: AsOfJson {
                as_of: Some(day(18)),
                data_age_days: Some(5),
                stale: false,
                horizon: Some(day(18)),
                horizon_source: Some(HorizonSource::FileName),
            },
            calibrated: None,
            creator_analytics: None,
        }
    }

    #[test]
    fn the_dashboard_shows_every_part_in_plain_text() {
        let text = render(&sample(), &Painter::plain());
        assert!(text.contains("SSI estimate for Ada Lovelace on 2026-11-20"), "{text}");
        assert!(text.contains("  20 / 100  beginner · as of 2026-11-18 (your export, 5 days old)"), "{text}");
        assert!(text.contains("(estimate that day - official: +1.3; reading 5 days old)"), "{text}");
        assert!(!text.contains("Stale"), "{text}");
        assert!(text.contains("Establish your professional brand  13.12 / 25  █████████████▏"), "{text}");
        assert!(text.contains("since yesterday +0.4 · 7 days -1.0 · 30 days n/a"), "{text}");
        assert!(text.contains("estimate +4.7 since 2026-11-01, the first day scored (15)"), "{text}");
        assert!(text.contains("Last 4 days    ▁▃  18–20"), "{text}");
        assert!(text.contains("LinkedIn's own SSI on 2026-11-18: 20 / 100"), "{text}");
        assert!(text.contains("industry rank top 75% (average 31.0) · network rank top 81%"), "{text}");
        assert!(text.contains("Activity known up to 2026-11-18, the export's date (5 days old)"));
        assert!(!text.contains('\u{1b}'), "no escape codes without colours");
    }

    #[test]
    fn freshness_names_where_the_last_known_day_comes_from() {
        let mut d = sample();
        d.freshness = FreshnessJson {
            activity_known_to: Some(day(19)),
            known_from: Some("last_event"),
            days_behind: Some(1),
            data_age_days: Some(1),
            stale: false,
            advice: None,
        };
        let text = render(&d, &Painter::plain());
        assert!(
            text.contains("Activity known up to 2026-11-19, the last activity imported (1 day old)"),
            "{text}"
        );
        d.freshness = FreshnessJson {
            activity_known_to: None,
            known_from: None,
            days_behind: None,
            data_age_days: None,
            stale: false,
            advice: None,
        };
        assert!(render(&d, &Painter::plain()).contains("No export imported yet"));
    }

    #[test]
    fn stale_data_and_a_reading_past_the_horizon_say_so() {
        let mut d = sample();
        d.freshness.advice = Some("no data for 40 days: import a newer export (Settings → …)".into());
        d.official_comparison = Some(ComparisonJson {
            reading_date: day(25),
            estimate_date: day(18),
            estimate_total: 21.0,
            difference: -2.5,
            reading_after_horizon: true,
            reading_age_days: 0,
        });
        let text = render(&d, &Painter::plain());
        assert!(text.contains("Stale: no data for 40 days: import a newer export"), "{text}");
        assert!(
            text.contains(
                "estimate of 2026-11-18, your data's last day, - official: -2.5; reading from today"
            )
        );
    }

    #[test]
    fn without_a_reading_the_dashboard_says_how_to_add_one() {
        let mut d = sample();
        d.official = None;
        let text = render(&d, &Painter::plain());
        assert!(text.contains("ssi reading add --total N"), "{text}");
    }
}
