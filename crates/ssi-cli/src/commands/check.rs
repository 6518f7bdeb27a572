//! `ssi check`: for cron jobs, whether the estimate is below a floor or has dropped too far; silent and exit 0 when fine, one line on stdout and exit 1 when the rule fires.

use crate::context::{Context, IMPORT_HINT, UsageError};
use crate::output::{AsOfJson, CheckJson, DropRuleJson, RuleJson, print_json, print_text};
use anyhow::{Result, anyhow};
use chrono::Days;
use ssi_core::advice::{AlertRule, check};
use ssi_core::freshness::EXPORT_MENU_PATH;
use std::fmt;

/// The rule fired: its reason is already printed, and ssi exits with 1 without an `error:` line.
#[derive(Debug)]
pub(crate) struct AlertFired;

impl fmt::Display for AlertFired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the alert rule fired")
    }
}

impl std::error::Error for AlertFired {}

/// Arguments of `ssi check`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Judges the latest day scored: today, or the last day of your data (its horizon) when your
newest export is older. Days after it are unknown, so floors and drops are judged there and
never fire on stale data; --max-age reports stale data on its own. Exit status: 0 when the rule does not fire
(nothing printed; one line with -v), 1 when it fires (the reason, one line, on stdout), 1 with
`error: …` on stderr and nothing on stdout when the check cannot run, 2 for a wrong call.

Examples:
  ssi check --below 40
  reason=$(ssi check --drop 5 --days 7) || notify-send \"LinkedIn SSI\" \"$reason\"")]
pub(crate) struct Args {
    /// Fire when the latest total is below N (unrounded)
    #[arg(long, value_name = "N", value_parser = points_arg)]
    below: Option<f64>,
    /// Fire when the latest total is at least N points below the highest of the --days D days before it
    #[arg(long, value_name = "N", value_parser = points_arg, requires = "days")]
    drop: Option<f64>,
    /// The days --drop looks back
    #[arg(long, value_name = "D", requires = "drop", value_parser = clap::value_parser!(u32).range(1..=3660))]
    days: Option<u32>,
    /// Fire when the member's data (their newest export) is more than DAYS days old
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=3660))]
    max_age: Option<u32>,
}

/// Points on the SSI scale: a finite number from 0 to 100.
fn points_arg(text: &str) -> Result<f64, String> {
    let value: f64 = text.trim().parse().map_err(|_| format!("{text:?} is not a number of points"))?;
    if !(0.0..=100.0).contains(&value) {
        return Err(format!("{text} is outside 0–100, the range of the SSI"));
    }
    Ok(value)
}

/// Checks the rule against the member's estimate.
pub(crate) fn run(ctx: &Context, args: &Args, verbose: bool) -> Result<()> {
    let rule = AlertRule { below: args.below, drop: args.drop.zip(args.days) };
    if rule.below.is_none() && rule.drop.is_none() && args.max_age.is_none() {
        return Err(UsageError(
            "give a rule to check: --below N, --drop N --days D, or --max-age DAYS (or several); see `ssi check --help`"
                .into(),
        )
        .into());
    }
    let store = ctx.open_existing_store()?;
    super::catch_up(&store, ctx.today);
    let member = ctx.member(&store)?;
    let latest = store.latest_score(member.id, Some(ctx.today))?.ok_or_else(|| {
        anyhow!("{} has no estimate on or before {} yet: {IMPORT_HINT}", member.name, ctx.today)
    })?;
    let look_back = u64::from(rule.drop.map_or(0, |(_, days)| days));
    let from = latest.date.checked_sub_days(Days::new(look_back)).unwrap_or(latest.date);
    let series: Vec<_> = store
        .history(member.id, Some(from), Some(latest.date))?
        .into_iter()
        .filter_map(|row| row.estimate.map(|e| (row.date, e.total)))
        .collect();
    let alert = check(&series, &rule);
    let fresh = ctx.freshness(&member, ctx.today);
    let too_old = match (args.max_age, fresh) {
        (Some(max_age), Some(f)) if f.data_age_days > i64::from(max_age) => Some(format!(
            "data is {} days old (last day {}), more than --max-age {max_age}: import a newer export ({EXPORT_MENU_PATH})",
            f.data_age_days, f.horizon
        )),
        _ => None,
    };
    // Staleness is its own reason, never a drop: it comes first, on the same one line.
    let reasons: Vec<String> = too_old.into_iter().chain(alert.as_ref().map(|a| a.reason.clone())).collect();
    let reason = (!reasons.is_empty()).then(|| format!("{}: {}", member.name, reasons.join("; ")));
    if ctx.json {
        print_json(&CheckJson {
            ok: alert.is_none(),
            reason: reason.clone(),
            member: member.name.clone(),
            date: latest.date,
            value: latest.total,
            rule: RuleJson {
                below: rule.below,
                drop: rule.drop.map(|(points, days)| DropRuleJson { points, days }),
                max_age_days: args.max_age,
            },
            reasons: alert.map(|a| a.reasons).unwrap_or_default(),
            as_of: AsOfJson::of(fresh),
        })?;
    } else if let Some(reason) = &reason {
        print_text(&format!("{reason}\n"))?;
    } else if verbose {
        print_text(&format!(
            "ok: {}'s SSI is {:.1} on {}; {}\n",
            member.name,
            latest.total,
            latest.date,
            describe(&rule, args.max_age)
        ))?;
    }
    if reason.is_some() { Err(AlertFired.into()) } else { Ok(()) }
}

/// What did not happen, in words: `not below 40, and no drop of 5 points within 7 days`.
fn describe(rule: &AlertRule, max_age: Option<u32>) -> String {
    let mut parts = Vec::new();
    if let Some(below) = rule.below {
        parts.push(format!("not below {below}"));
    }
    if let Some((points, days)) = rule.drop {
        parts.push(format!("no drop of {points} points or more within {days} days"));
    }
    if let Some(days) = max_age {
        parts.push(format!("data at most {days} days old"));
    }
    parts.join(", and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_on_the_ssi_scale() {
        assert_eq!(points_arg(" 40 "), Ok(40.0));
        assert!(points_arg("101").unwrap_err().contains("outside 0–100"));
        assert!(points_arg("NaN").is_err());
        assert!(points_arg("forty").unwrap_err().contains("not a number"));
    }

    #[test]
    fn a_quiet_rule_reads_as_what_did_not_happen() {
        let rule = AlertRule { below: Some(40.0), drop: Some((5.0, 7)) };
        assert_eq!(describe(&rule, None), "not below 40, and no drop of 5 points or more within 7 days");
        assert_eq!(describe(&AlertRule { below: None, drop: None }, Some(14)), "data at most 14 days old");
    }
}
