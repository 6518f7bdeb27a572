//! The daily job: at a configured UTC time, materialise every member's score for the new
//! day, so history stays daily even when nobody uploads; then judge every team member's
//! total against the alert rule ([`crate::alerts`]).
//!
//! The store's `materialise_all` computes only the days after each member's last stored
//! day, so a run is idempotent and a run after downtime catches up on every missed day:
//! the job runs once at start-up, then daily. Sleeping happens in short steps against the
//! wall clock, so a clock change or a suspended machine delays a run by minutes at most.
//!
//! Once per day across replicas: before it runs, a run claims its day in the store's
//! `daily_runs` (one row per day, `INSERT … ON CONFLICT`: the database picks one
//! claimer); a replica whose claim loses logs it, counts it as `skipped` and returns.
//! The same holds for one process: a restart later the same day skips the start-up run
//! (the day's scores are there; imports and pushes score their own days as they land).
//! A claim whose run fails is given back at once, so the next run (a restart, another
//! replica) retries the day; a claimer that died mid-run leaves an unfinished claim,
//! which a run [`CLAIM_STALE_AFTER`] later takes over (materialising again is safe: it is
//! idempotent). The run is recorded finished before the alert check starts, so a
//! takeover happens only to a run that sent no alert, and the day's alert check runs on
//! one replica at most.

use crate::error::ApiError;
use crate::metrics::Outcome;
use crate::session::{hex, random_bytes};
use crate::state::AppState;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, Utc};
use std::time::Duration;

/// Longest single sleep between wall-clock checks.
const STEP: Duration = Duration::from_secs(300);

/// How long an unfinished claim on a day holds it before another run may take the day
/// over (its claimer presumed dead). Far longer than a run takes (materialising every
/// member of the 10,000-member benchmark takes seconds, docs/performance.md), so a slow
/// run is never run twice at once; short enough that a replica killed mid-run delays its
/// day by an hour, not a day.
pub const CLAIM_STALE_AFTER: TimeDelta = TimeDelta::hours(1);

/// This run's name in `daily_runs.claimed_by`: the process and a random part, so that
/// two runs never share a claim (two replicas in one process, as the tests run them).
fn claimant() -> Result<String, ApiError> {
    let mut raw = [0u8; 6];
    random_bytes(&mut raw).map_err(ApiError::internal)?;
    Ok(format!("pid {} run {}", std::process::id(), hex(&raw)))
}

/// Claims `today`'s run for `claimant`; false when another claim holds the day (logged
/// with its holder).
async fn claim(state: &AppState, today: NaiveDate, claimant: &str) -> Result<bool, ApiError> {
    let now = Utc::now();
    let stale_before = now - CLAIM_STALE_AFTER;
    let name = claimant.to_string();
    if state.db(move |store| store.claim_daily_run(today, &name, now, stale_before)).await? {
        return Ok(true);
    }
    let holder = state.db(move |store| store.daily_run(today)).await?;
    match holder {
        Some(run) if run.finished.is_some() => {
            tracing::info!(%today, by = %run.claimed_by, rows = ?run.rows, "daily run already done; skipped");
        }
        Some(run) => tracing::info!(
            %today, by = %run.claimed_by, since = %run.claimed_at, "daily run in progress elsewhere; skipped"
        ),
        None => tracing::info!(%today, "daily run claimed elsewhere; skipped"),
    }
    Ok(false)
}

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

/// Runs the day's job for the state's "today" unless another run holds the day: claims
/// it, materialises, records the run finished, then starts the alert check of every
/// team member (whose deliveries run in the background). Returns the rows written: 0
/// when the day was skipped (counted in `ssi_daily_job_runs_total{outcome="skipped"}`).
pub async fn run_once(state: &AppState) -> Result<usize, ApiError> {
    let today = state.today();
    let claimant = claimant()?;
    match claim(state, today, &claimant).await {
        Ok(true) => {}
        Ok(false) => {
            state.metrics.daily_run_skipped();
            return Ok(0);
        }
        Err(error) => {
            tracing::error!(%today, %error, "could not claim the daily run");
            state.metrics.daily_run(Outcome::Failed);
            return Err(error);
        }
    }
    tracing::debug!(%today, %claimant, "daily run claimed");
    match state.db(move |store| store.materialise_all(today)).await {
        Ok(rows) => {
            let name = claimant.clone();
            match state.db(move |store| store.finish_daily_run(today, &name, Utc::now(), rows)).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(%today, %claimant, "the daily run was taken over before it finished")
                }
                Err(error) => tracing::error!(%today, %error, "could not record the daily run finished"),
            }
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
            // Given back, so that the next run (a restart, another replica) retries the day.
            let name = claimant.clone();
            if let Err(release) = state.db(move |store| store.release_daily_run(today, &name)).await {
                tracing::error!(%today, error = %release, "could not give the daily run's claim back");
            }
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
