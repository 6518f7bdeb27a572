//! `ssi advise`: the next best actions for the member's current state, ranked by gain per minute, and the mistakes holding the score back.

use crate::context::Context;
use crate::output::{ActionJson, AdviseJson, AsOfJson, EstimateJson, print_json, print_text};
use crate::render;
use anyhow::Result;
use chrono::Days;
use ssi_core::advice::{mistakes, next_best_actions};

/// Arguments of `ssi advise`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Each candidate adds one more unit a week (or completes one profile section) on top of your
rhythm of the last four weeks; its gain is measured 30 days from today (or from the last day
your data covers, when your newest export is older) with the scoring model itself. Being
active on a day is counted once, as its own action, not in every other one. Actions worth
less than 0.1 point are left out. Method and limits: docs/advice.md.

Example: ssi advise --json | jq '.actions[0]'")]
pub(crate) struct Args {}

/// Prints the advice for the member in force.
pub(crate) fn run(ctx: &Context, _args: &Args) -> Result<()> {
    let store = ctx.open_existing_store()?;
    super::catch_up(&store, ctx.today);
    let member = ctx.member(&store)?;
    let inputs = store.scoring_inputs(member.id)?;
    // Advice starts at the last day the member's data covers: the days after
    // it are unknown, not idle, so "nothing from you since" speaks only of
    // gaps inside the data.
    let fresh = ctx.freshness(&member, ctx.today);
    let start = ctx.as_of(&member, ctx.today);
    let advice = next_best_actions(&inputs.model, &inputs.profiles, &inputs.events, start);
    let warnings = mistakes(&inputs.model, &inputs.profiles, &inputs.events, start);
    let horizon_end = start.checked_add_days(Days::new(u64::from(advice.horizon_days))).unwrap_or(start);
    let json = AdviseJson {
        member: member.name,
        date: advice.today,
        model_version: advice.model_version.clone(),
        horizon_days: advice.horizon_days,
        current: EstimateJson::from_parts(
            advice.today,
            &advice.model_version,
            advice.current,
            advice.current_total,
        ),
        weakest_pillar: advice.weakest_pillar.short_name(),
        rhythm: advice.rhythm,
        baseline: EstimateJson::from_parts(
            horizon_end,
            &advice.model_version,
            advice.baseline,
            advice.baseline_total,
        ),
        actions: advice.actions.iter().enumerate().map(|(i, a)| ActionJson::of(i + 1, a)).collect(),
        actions_not_shown: advice.actions_not_shown,
        shared_active_day_gain: advice.shared_active_day_gain,
        summary: advice.summary,
        warnings,
        as_of: AsOfJson::of(fresh),
    };
    if ctx.json { print_json(&json) } else { print_text(&render::advice::render(&json, &ctx.painter)) }
}
