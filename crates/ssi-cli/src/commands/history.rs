//! `ssi history`: the daily estimate beside the official readings, as a table, CSV or JSON.

use crate::context::{Context, UsageError};
use crate::output::{
    AsOfJson, EstimateJson, HistoryDayJson, HistoryJson, ReadingJson, print_json, print_text,
};
use crate::render;
use crate::today::parse_date_arg;
use anyhow::Result;
use chrono::{Days, NaiveDate};

/// Days shown when `--from` is not given.
const DEFAULT_DAYS: u64 = 30;

/// How to print the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// An aligned table.
    Table,
    /// CSV with a header row.
    Csv,
    /// JSON (the same as --json).
    Json,
}

/// Arguments of `ssi history`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example: ssi history --from 2026-09-01 --format csv > ssi.csv")]
pub(crate) struct Args {
    /// First day, YYYY-MM-DD [default: 29 days before --to]
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    from: Option<NaiveDate>,
    /// Last day, YYYY-MM-DD [default: today]
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    to: Option<NaiveDate>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Prints the member's history.
pub(crate) fn run(ctx: &Context, args: &Args) -> Result<()> {
    let to = args.to.unwrap_or(ctx.today);
    let from = args.from.unwrap_or_else(|| to.checked_sub_days(Days::new(DEFAULT_DAYS - 1)).unwrap_or(to));
    if from > to {
        return Err(UsageError(format!("--from {from} is after --to {to}; swap them")).into());
    }
    let store = ctx.open_existing_store()?;
    super::catch_up(&store, ctx.today);
    let member = ctx.member(&store)?;
    let days = store
        .history(member.id, Some(from), Some(to))?
        .into_iter()
        .map(|row| HistoryDayJson {
            date: row.date,
            estimate: row
                .estimate
                .map(|e| EstimateJson::from_parts(e.date, &e.model_version, e.pillars, e.total)),
            official: row.official.as_ref().map(ReadingJson::from),
        })
        .collect();
    let as_of = AsOfJson::of(ctx.freshness(&member, to));
    let history = HistoryJson { member: member.name, from, to, days, as_of };
    match (ctx.json, args.format) {
        (true, _) | (false, Format::Json) => print_json(&history),
        (false, Format::Csv) => render::history::write_csv(&history, std::io::stdout().lock()),
        (false, Format::Table) => print_text(&render::history::table(&history, &ctx.painter)),
    }
}
