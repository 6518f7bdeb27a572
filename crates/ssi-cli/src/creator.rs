//! Creator analytics in the CLI's views: the workbook days behind a component's points, followers and engagement on the dashboard and in history.

use crate::output::{ComponentJson, WorkbookDaysJson};
use anyhow::Result;
use chrono::{Days, NaiveDate};
use ssi_core::ActivityKind;
use ssi_core::analytics::{AudienceSummary, DayFigures, audience_summary, follower_counts};
use ssi_store::{MemberId, Store};
use std::collections::BTreeMap;

/// Fills in, for each component that reads the creator analytics workbook,
/// the workbook days inside its window on `date` (the days its points come from).
pub(crate) fn trace_workbook_days(
    store: &Store,
    member: MemberId,
    model_version: &str,
    date: NaiveDate,
    components: &mut [ComponentJson],
) -> Result<()> {
    let Ok(model) = store.model(model_version) else { return Ok(()) };
    for component in components.iter_mut().filter(|c| !c.no_data) {
        let Some(model_component) = model.components.iter().find(|m| m.id == component.id) else { continue };
        let Some(marker) = model_component.metric.reported_by() else { continue };
        let window = u64::from(model_component.window_days.max(1));
        let from = date.checked_sub_days(Days::new(window - 1)).unwrap_or(date);
        let figure = |day: &DayFigures| match marker {
            ActivityKind::FollowersReported => day.new_followers,
            _ => day.engagements,
        };
        let reported: Vec<(NaiveDate, u64)> = store
            .analytics_days(member, Some(from), Some(date))?
            .iter()
            .filter_map(|d| figure(d).map(|n| (d.date, n)))
            .collect();
        if let (Some(first), Some(last)) = (reported.first(), reported.last()) {
            component.workbook_days = Some(WorkbookDaysJson {
                first_day: first.0,
                last_day: last.0,
                days_reported: reported.len(),
                total: reported.iter().map(|(_, n)| n).sum(),
            });
        }
    }
    Ok(())
}

/// The member's creator analytics up to `day` (the dashboard's `creator_analytics`); `None` without a workbook.
pub(crate) fn creator_summary(
    store: &Store,
    member: MemberId,
    day: NaiveDate,
) -> Result<Option<AudienceSummary>> {
    let days = store.analytics_days(member, None, Some(day))?;
    Ok(audience_summary(&days, &store.follower_totals(member)?, day))
}

/// The member's follower count per day, where the workbooks tell it.
pub(crate) fn followers_by_day(store: &Store, member: MemberId) -> Result<BTreeMap<NaiveDate, u64>> {
    let days = store.analytics_days(member, None, None)?;
    let totals = store.follower_totals(member)?;
    Ok(follower_counts(&days, &totals).into_iter().collect())
}
