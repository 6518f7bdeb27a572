//! `ssi dashboard` (and the bare `ssi`): the estimate at a glance.

use crate::context::{Context, IMPORT_HINT};
use crate::output::{
    AsOfJson, BaselineJson, BaselinePointJson, ChangesJson, ComparisonJson, DashboardCalibrationJson,
    DashboardJson, EstimateJson, FreshnessJson, ReadingJson, TrendJson, print_text,
};
use crate::render;
use crate::today::parse_date_arg;
use anyhow::{Result, anyhow};
use chrono::{Days, NaiveDate};
use ssi_core::HorizonSource;
use ssi_core::freshness::EXPORT_MENU_PATH;
use ssi_store::{Member, Store};

/// Days shown by the sparkline.
const TREND_DAYS: u64 = 90;

/// Arguments of `ssi dashboard`.
#[derive(Debug, Default, clap::Args)]
#[command(after_help = "Example: ssi dashboard --date 2026-11-01")]
pub(crate) struct Args {
    /// The day to show, YYYY-MM-DD [default: today; a day past your data shows its last day]
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    date: Option<NaiveDate>,
}

/// Shows the dashboard of the member in force.
pub(crate) fn run(ctx: &Context, args: &Args) -> Result<()> {
    let store = ctx.open_existing_store()?;
    super::catch_up(&store, ctx.today);
    let member = ctx.member(&store)?;
    show(ctx, &store, &member, args.date.unwrap_or(ctx.today))
}

/// The bare `ssi`: the dashboard once data exists, else how to start.
pub(crate) fn run_bare(ctx: &Context) -> Result<()> {
    let path = ctx.db_path()?;
    let has_data = path.exists() && !ctx.open_existing_store()?.list_members()?.is_empty();
    // JSON readers get the dashboard's own error rather than prose.
    if has_data || ctx.json {
        return run(ctx, &Args::default());
    }
    print_text(&format!(
        "ssi estimates your LinkedIn Social Selling Index from your own data export.\n\n\
         No data yet: {IMPORT_HINT}.\n\
         Get the export from LinkedIn: Settings → Data privacy → Get a copy of your data.\n\n\
         Run `ssi --help` for every command.\n"
    ))
}

/// Prints the dashboard as text or JSON.
pub(crate) fn show(ctx: &Context, store: &Store, member: &Member, date: NaiveDate) -> Result<()> {
    let dashboard = build(ctx, store, member, date)?;
    if ctx.json {
        // One write, not one per line (stdout is line-buffered): the
        // dashboard is meant to open instantly, even piped into a script.
        let mut text = serde_json::to_string_pretty(&dashboard)?;
        text.push('\n');
        print_text(&text)
    } else {
        print_text(&render::dashboard::render(&dashboard, &ctx.painter))
    }
}

/// Gathers the dashboard of `member` as of `date` (the member's horizon
/// when `date` is past it: later days are unknown, not idle).
pub(crate) fn build(ctx: &Context, store: &Store, member: &Member, date: NaiveDate) -> Result<DashboardJson> {
    let fresh = ctx.freshness(member, date);
    let score = store
        .latest_score(member.id, Some(date))?
        .ok_or_else(|| anyhow!("{} has no estimate on or before {date} yet: {IMPORT_HINT}", member.name))?;
    let day = score.date;
    // Changes end at the day shown, which is never past the horizon.
    let change = ChangesJson {
        since_yesterday: store.change_over(member.id, 1, day)?,
        since_7_days: store.change_over(member.id, 7, day)?,
        since_30_days: store.change_over(member.id, 30, day)?,
    };
    let trend_from = day.checked_sub_days(Days::new(TREND_DAYS - 1)).unwrap_or(day);
    let recent = store.history(member.id, Some(trend_from), Some(day))?;
    let totals = trend_from
        .iter_days()
        .take_while(|d| *d <= day)
        .map(|d| recent.iter().find(|r| r.date == d).and_then(|r| r.estimate.as_ref()).map(|e| e.total))
        .collect();

    let readings = store.readings(member.id, None, Some(date))?;
    let official = readings.last();
    let first_score = store.first_score(member.id, Some(day))?.map(|e| (e.date, e.total));
    let baseline = BaselineJson {
        estimate: first_score.map(|(date, total)| BaselinePointJson {
            date,
            total,
            change: score.total - total,
        }),
        official: match (readings.first(), official) {
            (Some(first), Some(last)) => Some(BaselinePointJson {
                date: first.date,
                total: first.total,
                change: last.total - first.total,
            }),
            _ => None,
        },
    };
    let official_comparison = match official {
        Some(reading) => compare(ctx, store, member, reading.date, reading.total)?,
        None => None,
    };
    let freshness = FreshnessJson {
        activity_known_to: fresh.map(|f| f.horizon),
        known_from: fresh.map(|f| match f.source {
            HorizonSource::PushedScores => "pushed_scores",
            HorizonSource::StoredActivity => "last_event",
            HorizonSource::FileName | HorizonSource::NewestRow | HorizonSource::EntryTimes => "export_date",
        }),
        days_behind: fresh.map(|f| (date.min(ctx.today) - f.horizon).num_days().max(0)),
        data_age_days: fresh.map(|f| f.data_age_days),
        stale: fresh.is_some_and(|f| f.stale),
        advice: fresh.filter(|f| f.stale).map(|f| {
            format!("no data for {} days: import a newer export ({EXPORT_MENU_PATH})", f.data_age_days)
        }),
    };
    let calibrated = calibrated_estimate(store, member, day)?;
    Ok(DashboardJson {
        member: member.name.clone(),
        date: day,
        estimate: EstimateJson::of(&score),
        change,
        baseline,
        trend: TrendJson { from: trend_from, to: day, totals },
        official: official.map(ReadingJson::from),
        official_comparison,
        freshness,
        as_of: AsOfJson::of(fresh),
        calibrated,
        creator_analytics: crate::creator::creator_summary(store, member.id, day)?,
    })
}

/// The estimate of a reading's own day beside it: "estimate − official"
/// compares like with like. A reading newer than the member's data is
/// compared with the horizon's estimate, and says so.
fn compare(
    ctx: &Context,
    store: &Store,
    member: &Member,
    reading_date: NaiveDate,
    reading_total: f64,
) -> Result<Option<ComparisonJson>> {
    let Some(estimate) = store.latest_score(member.id, Some(reading_date))? else { return Ok(None) };
    let after_horizon = member.horizon.is_some_and(|h| reading_date > h.day);
    // A reading before the first scored day has no estimate of its own day.
    if estimate.date != reading_date && !after_horizon {
        return Ok(None);
    }
    Ok(Some(ComparisonJson {
        reading_date,
        estimate_date: estimate.date,
        estimate_total: estimate.total,
        difference: estimate.total - reading_total,
        reading_after_horizon: after_horizon,
        reading_age_days: (ctx.today - reading_date).num_days().max(0),
    }))
}

/// The member's calibrated estimate of `day`, and whether the calibration is
/// the one the current readings and model give.
fn calibrated_estimate(
    store: &Store,
    member: &Member,
    day: NaiveDate,
) -> Result<Option<DashboardCalibrationJson>> {
    let history = store.calibrated_history(member.id, Some(day), Some(day), true)?;
    let Some(calibration) = history.calibration else { return Ok(None) };
    let readings = store.stored_readings(member.id)?;
    let current = history.applicable
        && calibration.fingerprint
            == ssi_core::advice::calibrate::fingerprint(&calibration.model_version, &readings);
    let estimate = history.rows.into_iter().zip(history.intervals).find_map(|(row, interval)| {
        let e = row.estimate?;
        let mut json = EstimateJson::from_parts(e.date, &e.model_version, e.pillars, e.total);
        json.low = interval.map(|(low, _)| low);
        json.high = interval.map(|(_, high)| high);
        Some(json)
    });
    Ok(Some(DashboardCalibrationJson {
        estimate: if history.calibrated { estimate } else { None },
        method: calibration.method.as_str(),
        error: calibration.walk_forward.total,
        predictions: calibration.walk_forward.predictions,
        status: if current { "current" } else { "stale" },
    }))
}
