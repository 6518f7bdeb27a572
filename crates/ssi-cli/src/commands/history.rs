//! `ssi history`: the daily estimate (calibrated, when the member has a calibration) beside the official readings, as a table, CSV or JSON.

use crate::context::{Context, UsageError};
use crate::output::{
    AsOfJson, EstimateJson, HistoryCalibrationJson, HistoryDayJson, HistoryJson, ReadingJson, print_json,
    print_text,
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

/// Which estimate to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Series {
    /// The member's calibrated estimate when there is a calibration, else the model's.
    Calibrated,
    /// The model's estimate, as if there were no calibration.
    Default,
}

/// Arguments of `ssi history`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  ssi history --from 2026-09-01 --format csv > ssi.csv
  ssi history --model default     # what the model says, without this member's calibration")]
pub(crate) struct Args {
    /// First day, YYYY-MM-DD [default: 29 days before --to]
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    from: Option<NaiveDate>,
    /// Last day, YYYY-MM-DD [default: today, or the last day your data covers when earlier]
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    to: Option<NaiveDate>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Which estimate: calibrated (when `ssi calibrate` was run) or the model's default
    #[arg(long, value_enum, default_value_t = Series::Calibrated)]
    model: Series,
}

/// Prints the member's history.
pub(crate) fn run(ctx: &Context, args: &Args) -> Result<()> {
    if let (Some(from), Some(to)) = (args.from, args.to)
        && from > to
    {
        return Err(UsageError(format!("--from {from} is after --to {to}; swap them")).into());
    }
    let store = ctx.open_existing_store()?;
    super::catch_up(&store, ctx.today);
    let member = ctx.member(&store)?;
    // Without --to, the period ends at the last day the member's data covers.
    let to = args.to.unwrap_or_else(|| ctx.as_of(&member, ctx.today));
    let from = args.from.unwrap_or_else(|| to.checked_sub_days(Days::new(DEFAULT_DAYS - 1)).unwrap_or(to));
    if from > to {
        return Err(UsageError(format!("--from {from} is after --to {to}; swap them")).into());
    }
    let history =
        store.calibrated_history(member.id, Some(from), Some(to), args.model == Series::Calibrated)?;
    let (calibrated, applicable) = (history.calibrated, history.applicable);
    let followers = crate::creator::followers_by_day(&store, member.id)?;
    let days = history
        .rows
        .into_iter()
        .zip(history.intervals)
        .map(|(row, interval)| HistoryDayJson {
            date: row.date,
            estimate: row.estimate.map(|e| {
                let mut json = EstimateJson::from_parts(e.date, &e.model_version, e.pillars, e.total);
                json.low = interval.map(|(low, _)| low);
                json.high = interval.map(|(_, high)| high);
                json
            }),
            official: row.official.as_ref().map(ReadingJson::from),
            followers: followers.get(&row.date).copied(),
        })
        .collect();
    let calibration = history.calibration.map(|c| HistoryCalibrationJson {
        method: c.method.as_str(),
        error: c.walk_forward.total,
        predictions: c.walk_forward.predictions,
        readings: c.readings_used,
        last_date: c.last_date,
        applies: applicable,
    });
    let as_of = AsOfJson::of(ctx.freshness(&member, to));
    let history = HistoryJson {
        member: member.name,
        from,
        to,
        days,
        model: if calibrated { "calibrated" } else { "default" },
        calibration,
        as_of,
    };
    match (ctx.json, args.format) {
        (true, _) | (false, Format::Json) => print_json(&history),
        (false, Format::Csv) => render::history::write_csv(&history, std::io::stdout().lock()),
        (false, Format::Table) => print_text(&render::history::table(&history, &ctx.painter)),
    }
}
