//! `ssi plan`: a weekly change to your habits simulated forward from today's state, beside the habits alone, with the day each band threshold is reached.

use crate::context::{Context, UsageError};
use crate::output::{AsOfJson, PlanJson, print_json, print_text};
use crate::render;
use anyhow::Result;
use ssi_core::advice::plan::{MAX_PROJECTION_DAYS, MAX_UNITS_PER_WEEK};
use ssi_core::advice::{PlanError, WeeklyPlan, project_plan};

/// Days projected when `--days` is not given.
const DEFAULT_DAYS: u32 = 90;

/// A count a week: 0 to [`MAX_UNITS_PER_WEEK`].
fn per_week(text: &str) -> Result<u32, String> {
    let n: u32 =
        text.trim().parse().map_err(|_| format!("{text:?} is not a whole number of times a week"))?;
    if n > MAX_UNITS_PER_WEEK {
        return Err(format!("{n} a week is more than the {MAX_UNITS_PER_WEEK} a week a plan can project"));
    }
    Ok(n)
}

/// Days to project: 1 to [`MAX_PROJECTION_DAYS`].
fn projection_days(text: &str) -> Result<u32, String> {
    let n: u32 = text.trim().parse().map_err(|_| format!("{text:?} is not a whole number of days"))?;
    if n == 0 || n > MAX_PROJECTION_DAYS {
        return Err(format!("{n} days is outside 1–{MAX_PROJECTION_DAYS}"));
    }
    Ok(n)
}

/// Arguments of `ssi plan`: what you would add each week from tomorrow on.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The counts come on top of your habits: everything you did in the last four weeks continues at
its weekly rate, and the plan adds to it, so a plan never projects below the baseline (your
habits alone, shown beside it). With --only the plan is all you do: every habit it does not
name stops. Connection requests are simulated as accepted, messages as openers nobody answers.
Method and limits: docs/advice.md.

Example: ssi plan --posts 2 --comments 5 --requests 3 --active-days 2 --reply-all --days 180")]
pub(crate) struct Args {
    /// Posts a week
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = per_week)]
    posts: u32,
    /// Comments on others' posts a week
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = per_week)]
    comments: u32,
    /// Reactions a week
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = per_week)]
    reactions: u32,
    /// Reposts a week
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = per_week)]
    reposts: u32,
    /// Long-form articles a week
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = per_week)]
    articles: u32,
    /// Personalised connection requests to decision makers a week (simulated as accepted)
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = per_week)]
    requests: u32,
    /// Messages a week that start a conversation
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = per_week)]
    messages: u32,
    /// People searches a week
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = per_week)]
    searches: u32,
    /// More days a week with a sign-in (days your habits leave inactive), 0–7
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=7))]
    active_days: u32,
    /// Endorsements given a week
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = per_week)]
    endorsements: u32,
    /// Answer every incoming message the day it arrives
    #[arg(long)]
    reply_all: bool,
    /// Days to project after today
    #[arg(long, value_name = "N", default_value_t = DEFAULT_DAYS, value_parser = projection_days)]
    days: u32,
    /// The plan alone: the habits it does not name stop (default: they continue)
    #[arg(long)]
    only: bool,
}

impl Args {
    /// The plan the flags describe.
    fn weekly_plan(&self) -> WeeklyPlan {
        WeeklyPlan {
            posts: self.posts,
            articles: self.articles,
            comments: self.comments,
            reactions: self.reactions,
            reposts: self.reposts,
            connection_requests: self.requests,
            messages: self.messages,
            searches: self.searches,
            active_days: self.active_days,
            reply_to_all: self.reply_all,
            endorsements: self.endorsements,
            only: self.only,
        }
    }
}

/// Projects the plan for the member in force and prints the series and threshold dates.
pub(crate) fn run(ctx: &Context, args: &Args) -> Result<()> {
    let store = ctx.open_existing_store()?;
    super::catch_up(&store, ctx.today);
    let member = ctx.member(&store)?;
    let inputs = store.scoring_inputs(member.id)?;
    // The plan starts from the last day the member's data covers.
    let start = ctx.as_of(&member, ctx.today);
    let projection =
        project_plan(&inputs.model, &inputs.profiles, &inputs.events, start, &args.weekly_plan(), args.days)
            .map_err(|e| plan_usage_error(&e))?;
    let json = PlanJson::of(&member.name, &projection, AsOfJson::of(ctx.freshness(&member, ctx.today)));
    if ctx.json { print_json(&json) } else { print_text(&render::plan::render(&json, &ctx.painter)) }
}

/// A plan the library refuses is a mistake in the flags (the parsers catch these first).
fn plan_usage_error(e: &PlanError) -> anyhow::Error {
    UsageError(format!("{e}; see `ssi plan --help`")).into()
}
