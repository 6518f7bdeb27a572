//! `ssi impact`: how weekly activity counts go together with later pillar changes (association, not cause), on official readings when there are enough, else on the estimate.

use crate::context::Context;
use crate::output::{AssociationJson, ImpactJson, SkippedJson, print_json, print_text};
use crate::render;
use anyhow::{Result, anyhow};
use ssi_core::advice::activity_impact;

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
    let inputs = store.impact_inputs(member.id, None, Some(ctx.today))?;
    let series = inputs.series;
    let report = activity_impact(&series.series, &inputs.counts, series.source).map_err(|e| {
        anyhow!(
            "cannot measure the impact of activities for {} on the {}: {e}",
            member.name,
            series.source.label()
        )
    })?;

    let mut strongest: Vec<AssociationJson> = report.strongest.iter().map(AssociationJson::from).collect();
    strongest.sort_by(|a, b| b.significant.cmp(&a.significant).then(b.r.abs().total_cmp(&a.r.abs())));
    let json = ImpactJson {
        member: member.name,
        source: report.source,
        source_reason: series.reason,
        official_transitions: series.official_transitions,
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
