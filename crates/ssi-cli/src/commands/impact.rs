//! `ssi impact`: how weekly activity counts go together with later pillar changes (association, not cause), on official readings when there are enough, else on the estimate.

use crate::context::Context;
use crate::output::{AssociationJson, ImpactJson, SkippedJson, print_json, print_text};
use crate::render;
use anyhow::{Result, anyhow};
use chrono::{Days, NaiveDate};
use ssi_core::advice::impact::{COUNT_WINDOW_DAYS, MAX_LAG_DAYS, MIN_TRANSITIONS};
use ssi_core::advice::{SeriesSource, activity_impact};
use ssi_core::{OfficialReading, PillarScores};
use std::collections::BTreeMap;

/// Findings shown as text when `--top` is not given.
const DEFAULT_TOP: usize = 10;

/// Arguments of `ssi impact`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
For each activity, its count over 7 days is set against each pillar's change 0 to 14 days later
(Pearson's r with a 95% interval; Benjamini–Hochberg across all tests). Uses your official
readings when at least 30 day-to-day changes of all four pillars are recorded, else ssi's own
estimate, which is computed from these very activities. Association, not cause: see docs/advice.md.

Example: ssi impact --top 5; ssi impact --json | jq '.strongest[0]'")]
pub(crate) struct Args {
    /// Findings to list as text (the strongest first); 0 lists them all. --json always has everything.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_TOP)]
    top: usize,
}

/// Runs the analysis for the member in force.
pub(crate) fn run(ctx: &Context, args: &Args) -> Result<()> {
    let store = ctx.open_existing_store()?;
    super::catch_up(&store, ctx.today);
    let member = ctx.member(&store)?;
    let readings = store.readings(member.id, None, Some(ctx.today))?;
    let official = official_series(&readings);
    let official_transitions = transitions(&official);
    let (source, series, source_reason) = if official_transitions >= MIN_TRANSITIONS {
        let reason = format!(
            "your official readings: {official_transitions} day-to-day changes of all four pillars \
             (at least {MIN_TRANSITIONS} needed)"
        );
        (SeriesSource::Official, official, reason)
    } else {
        let estimate: Vec<(NaiveDate, PillarScores)> = store
            .history(member.id, None, Some(ctx.today))?
            .into_iter()
            .filter_map(|row| row.estimate.map(|e| (row.date, e.pillars)))
            .collect();
        let reason = format!(
            "ssi's estimate: your official readings with all four pillars give only {official_transitions} \
             day-to-day changes, and at least {MIN_TRANSITIONS} are needed to use them"
        );
        (SeriesSource::Estimate, estimate, reason)
    };
    // Weekly counts reach back a week before the first change, and lags look 14 days further back.
    let counts_from = series
        .first()
        .and_then(|(d, _)| d.checked_sub_days(Days::new(u64::from(COUNT_WINDOW_DAYS + MAX_LAG_DAYS))));
    let counts_to = series.last().map(|(d, _)| *d);
    let counts = store.daily_activity_counts(member.id, counts_from, counts_to)?;
    let report = activity_impact(&series, &counts, source).map_err(|e| {
        let which = match source {
            SeriesSource::Official => "official readings",
            SeriesSource::Estimate => "estimate",
        };
        anyhow!("cannot measure the impact of activities for {} on the {which}: {e}", member.name)
    })?;

    let mut strongest: Vec<AssociationJson> = report.strongest.iter().map(AssociationJson::from).collect();
    strongest.sort_by(|a, b| b.significant.cmp(&a.significant).then(b.r.abs().total_cmp(&a.r.abs())));
    let json = ImpactJson {
        member: member.name,
        source: report.source,
        source_reason,
        official_transitions,
        note: report.note,
        first_date: report.first_date,
        last_date: report.last_date,
        transitions: report.transitions,
        correction: report.correction,
        false_discovery_rate: report.false_discovery_rate,
        significant_tests: report.tests.iter().filter(|t| t.significant).count(),
        strongest,
        tests: report.tests.iter().map(AssociationJson::from).collect(),
        skipped: report.skipped.iter().map(SkippedJson::from).collect(),
    };
    if ctx.json {
        print_json(&json)
    } else {
        print_text(&render::impact::render(&json, args.top, &ctx.painter))
    }
}

/// The official readings that carry all four pillars, one per day (the later recorded wins).
fn official_series(readings: &[OfficialReading]) -> Vec<(NaiveDate, PillarScores)> {
    let mut by_day = BTreeMap::new();
    for reading in readings {
        if let [Some(brand), Some(people), Some(insights), Some(relationships)] = reading.pillars {
            by_day.insert(reading.date, PillarScores { brand, people, insights, relationships });
        }
    }
    by_day.into_iter().collect()
}

/// Pairs of consecutive days in a series sorted by day.
fn transitions(series: &[(NaiveDate, PillarScores)]) -> usize {
    series.windows(2).filter(|w| w[0].0.succ_opt() == Some(w[1].0)).count()
}
