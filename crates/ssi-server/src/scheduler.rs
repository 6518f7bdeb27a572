//! The daily job: at a configured UTC time, materialise every member's score for the new
//! day, so history stays daily even when nobody uploads; then judge every team member's
//! total against the alert rule ([`crate::alerts`]).
//!
//! The store's `materialise_all` computes only the days after each member's last stored
//! day, so a run is idempotent and a run after downtime catches up on every missed day:
//! the job runs once at start-up, then daily. Sleeping happens in short steps against the
//! wall clock, so a clock change or a suspended machine delays a run by minutes at most.

use crate::metrics::Outcome;
use crate::state::AppState;
use chrono::{DateTime, Days, NaiveTime, Utc};
use std::time::Duration;

/// Longest single sleep between wall-clock checks.
const STEP: Duration = Duration::from_secs(300);

/// The first moment strictly after `now` whose UTC time of day is `at`.
pub(crate) fn next_run(now: DateTime<Utc>, at: NaiveTime) -> DateTime<Utc> {
    let today = now.date_naive().and_time(at).and_utc();
    if today > now {
        today
    } else {
        let tomorrow = now.date_naive().checked_add_days(Days::new(1)).unwrap_or(now.date_naive());
        tomorrow.and_time(at).and_utc()
    }
}

/// Runs the materialisation once for the state's "today", then the alert check of every
/// team member (whose deliveries run in the background); returns the rows written.
pub async fn run_once(state: &AppState) -> Result<usize, crate::error::ApiError> {
    let today = state.today();
    match state.db(move |store| store.materialise_all(today)).await {
        Ok(rows) => {
            tracing::info!(%today, rows, "daily scores materialised");
            state.metrics.daily_run(Outcome::Succeeded);
            match crate::alerts::check_members(state, None).await {
                Ok(0) => {}
                Ok(raised) => tracing::info!(%today, raised, "score alerts raised"),
                Err(error) => tracing::error!(%today, %error, "alert check failed"),
            }
            Ok(rows)
        }
        Err(error) => {
            tracing::error!(%today, %error, "daily materialisation failed");
            state.metrics.daily_run(Outcome::Failed);
            Err(error)
        }
    }
}

/// Runs the daily job until shutdown: once now (catching up), then at every `daily_job_at`.
pub(crate) async fn run(state: AppState) {
    let at = state.config.daily_job_at;
    loop {
        // A failure is logged and counted; the next run retries (the job is idempotent).
        let _ = run_once(&state).await;
        let due = next_run(Utc::now(), at);
        tracing::debug!(%due, "next daily run");
        loop {
            let remaining = (due - Utc::now()).to_std().unwrap_or(Duration::ZERO);
            if remaining.is_zero() {
                break;
            }
            tokio::select! {
                () = tokio::time::sleep(remaining.min(STEP)) => {}
                () = state.shutdown.cancelled() => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_next_run_is_today_if_still_ahead_else_tomorrow() {
        let at = NaiveTime::from_hms_opt(0, 15, 0).unwrap();
        let before = Utc.with_ymd_and_hms(2026, 11, 20, 0, 10, 0).unwrap();
        assert_eq!(next_run(before, at), Utc.with_ymd_and_hms(2026, 11, 20, 0, 15, 0).unwrap());
        let exactly = Utc.with_ymd_and_hms(2026, 11, 20, 0, 15, 0).unwrap();
        assert_eq!(next_run(exactly, at), Utc.with_ymd_and_hms(2026, 11, 21, 0, 15, 0).unwrap());
        let late = Utc.with_ymd_and_hms(2026, 12, 31, 23, 0, 0).unwrap();
        assert_eq!(next_run(late, at), Utc.with_ymd_and_hms(2027, 1, 1, 0, 15, 0).unwrap());
    }
}
