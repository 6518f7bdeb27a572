//! Alerts: whether the latest total is below a floor or has dropped too far, with a one-line reason for cron jobs and webhooks.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// When to raise an alert. Either condition, both or neither may be set.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertRule {
    /// Alert when the latest total is strictly below this.
    pub below: Option<f64>,
    /// Alert when the latest total is at least `.0` points below the highest
    /// total of the `.1` days before it.
    pub drop: Option<(f64, u32)>,
}

/// One condition that fired.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AlertReason {
    /// The latest total is below the floor.
    Below {
        /// The floor.
        threshold: f64,
    },
    /// The latest total fell from a recent high.
    Drop {
        /// The day of the recent high.
        from_date: NaiveDate,
        /// The recent high.
        from_value: f64,
        /// Points lost.
        points: f64,
        /// The rule's window in days.
        days: u32,
    },
}

/// An alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// The latest day of the series.
    pub date: NaiveDate,
    /// Its total.
    pub value: f64,
    /// The conditions that fired (below first).
    pub reasons: Vec<AlertReason>,
    /// One line for a log, a mail subject or a webhook.
    pub reason: String,
}

/// Checks a daily total series against a rule, judged on its latest day.
///
/// The series may come in any order; days with a non-finite value are ignored.
/// `drop` compares the latest total with the highest total on the `days` days
/// before it (days without a value are skipped); with no earlier value in that
/// window it cannot fire. Returns `None` when nothing fires or the series is empty.
pub fn check(series: &[(NaiveDate, f64)], rule: &AlertRule) -> Option<Alert> {
    let latest = series.iter().copied().filter(|(_, v)| v.is_finite()).max_by_key(|(d, _)| *d)?;
    let (date, value) = latest;
    let mut reasons = Vec::new();
    let mut lines = Vec::new();
    if let Some(threshold) = rule.below
        && value < threshold
    {
        reasons.push(AlertReason::Below { threshold });
        lines.push(format!("SSI {value:.1} on {date} is below {threshold}"));
    }
    if let Some((points, days)) = rule.drop {
        let from = date.checked_sub_days(Days::new(u64::from(days))).unwrap_or(NaiveDate::MIN);
        let high = series
            .iter()
            .copied()
            .filter(|(d, v)| v.is_finite() && *d >= from && *d < date)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some((from_date, from_value)) = high
            && from_value - value >= points
        {
            let lost = from_value - value;
            reasons.push(AlertReason::Drop { from_date, from_value, points: lost, days });
            lines.push(format!(
                "SSI fell {lost:.1} points within {days} days (from {from_value:.1} on {from_date} to {value:.1} on {date})"
            ));
        }
    }
    (!reasons.is_empty()).then(|| Alert { date, value, reasons, reason: lines.join("; ") })
}
