//! `ssi explain`: every component's metric, value and points, and what would earn the missing points.

use crate::context::{Context, IMPORT_HINT};
use crate::output::{AsOfJson, ExplainJson, print_json, print_text};
use crate::render;
use crate::today::parse_date_arg;
use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use ssi_core::Pillar;

/// Arguments of `ssi explain`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example: ssi explain --pillar people")]
pub(crate) struct Args {
    /// Only this pillar: brand, people, insights or relationships
    #[arg(long, value_name = "PILLAR", value_parser = parse_pillar)]
    pillar: Option<Pillar>,
    /// The day to explain, YYYY-MM-DD [default: today]
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    date: Option<NaiveDate>,
}

fn parse_pillar(text: &str) -> Result<Pillar, String> {
    text.parse::<Pillar>().map_err(|e| e.to_string())
}

/// Explains the member's score, biggest gap first.
pub(crate) fn run(ctx: &Context, args: &Args) -> Result<()> {
    let store = ctx.open_existing_store()?;
    super::catch_up(&store, ctx.today);
    let member = ctx.member(&store)?;
    let date = args.date.unwrap_or(ctx.today);
    let score = store
        .latest_score(member.id, Some(date))?
        .ok_or_else(|| anyhow!("{} has no estimate on or before {date} yet: {IMPORT_HINT}", member.name))?;
    if score.components.is_empty() {
        return Err(anyhow!(
            "the estimate of {} on {} has no component breakdown (it was pushed without one); import the export to explain it",
            member.name,
            score.date
        ));
    }
    let as_of = AsOfJson::of(ctx.freshness(&member, date));
    let mut explanation = ExplainJson::of(&member.name, &score, args.pillar, as_of);
    crate::creator::trace_workbook_days(
        &store,
        member.id,
        &score.model_version,
        score.date,
        &mut explanation.components,
    )?;
    if ctx.json {
        print_json(&explanation)
    } else {
        print_text(&render::explain::render(&explanation, &ctx.painter))
    }
}
