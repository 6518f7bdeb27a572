//! The daily job's runs: one row per UTC day, claimed by the process that runs the job
//! that day, so that the job runs once per day however many server processes (replicas)
//! share the database. The rules here serve both backends (`pg/daily_runs.rs` has the
//! PostgreSQL SQL).
//!
//! A claim is one statement, `INSERT … ON CONFLICT (day) DO UPDATE … WHERE` the stored
//! claim is unfinished and older than the caller's bound: the first claimer of a day
//! inserts; a later one gets the day only when the claimer before it died mid-run
//! (its claim never finished and is stale). The database decides: of two claims at the
//! same moment, exactly one changes a row.

use crate::Store;
use crate::db::{cached_row, instant, optional_instant};
use crate::error::StoreError;
use crate::series::stored_day;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row, params};

/// One day's run of the daily job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyRun {
    /// The UTC day the run is for.
    pub day: NaiveDate,
    /// Who claimed it (the server names each claim: process and a random part).
    pub claimed_by: String,
    /// When it was claimed, to the second.
    pub claimed_at: DateTime<Utc>,
    /// When it finished, if it did.
    pub finished: Option<DateTime<Utc>>,
    /// The score rows it wrote, once finished.
    pub rows: Option<u64>,
}

/// The longest claimant name stored.
pub(crate) const MAX_CLAIMANT_LEN: usize = 200;

/// A claimant names who claims: not empty, at most [`MAX_CLAIMANT_LEN`] characters.
pub(crate) fn check_claimant(claimant: &str) -> Result<(), StoreError> {
    if claimant.trim().is_empty() || claimant.chars().count() > MAX_CLAIMANT_LEN {
        return Err(StoreError::invalid(format!(
            "a daily run's claimant is 1 to {MAX_CLAIMANT_LEN} characters, not {claimant:?}"
        )));
    }
    Ok(())
}

/// A stale claim is one made at or before `stale_before`, which cannot be after `now`.
pub(crate) fn check_claim_times(now: DateTime<Utc>, stale_before: DateTime<Utc>) -> Result<(), StoreError> {
    if stale_before > now {
        return Err(StoreError::invalid(format!(
            "a claim cannot be stale from {stale_before}, after now ({now})"
        )));
    }
    Ok(())
}

/// The rows a finished run wrote, as stored.
pub(crate) fn stored_rows(rows: usize) -> Result<i64, StoreError> {
    i64::try_from(rows).map_err(|_| StoreError::invalid(format!("{rows} rows is too many to record")))
}

/// The rows count read back: never negative (the store writes it from a `usize`).
pub(crate) fn rows_read(rows: Option<i64>) -> Result<Option<u64>, StoreError> {
    rows.map(|n| u64::try_from(n).map_err(|_| StoreError::invalid(format!("a daily run of {n} rows"))))
        .transpose()
}

/// The columns of a [`DailyRun`], in its order.
macro_rules! daily_run_columns {
    () => {
        "day, claimed_by, claimed_at, finished, rows"
    };
}
#[cfg(feature = "postgres")]
pub(crate) use daily_run_columns;

/// The claim statement (see the module's documentation): `?1`/`$1` day, `?2`/`$2`
/// claimant, `?3`/`$3` now, `?4`/`$4` the stale bound. The same text on both backends
/// but for the placeholders.
macro_rules! claim_statement {
    ($day:literal, $claimant:literal, $now:literal, $stale:literal) => {
        concat!(
            "INSERT INTO daily_runs (day, claimed_by, claimed_at) VALUES (",
            $day,
            ", ",
            $claimant,
            ", ",
            $now,
            ") ON CONFLICT (day) DO UPDATE SET claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at
             WHERE daily_runs.finished IS NULL AND daily_runs.claimed_at <= ",
            $stale
        )
    };
}
#[cfg(feature = "postgres")]
pub(crate) use claim_statement;

impl Store {
    /// Claims the daily run of `day` for `claimant` at `now`: true when this claim won
    /// (the day was unclaimed, or its claim unfinished and made at or before
    /// `stale_before`, its claimer presumed dead); false when another claim holds the
    /// day (running, or finished).
    pub fn claim_daily_run(
        &self,
        day: NaiveDate,
        claimant: &str,
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        check_claimant(claimant)?;
        check_claim_times(now, stale_before)?;
        self.pool.write(|tx| {
            let changed = tx.execute(
                claim_statement!("?1", "?2", "?3", "?4"),
                params![day, claimant, now.timestamp(), stale_before.timestamp()],
            )?;
            Ok(changed > 0)
        })
    }

    /// Records the run of `day` as finished at `finished` with `rows` written, if
    /// `claimant` still holds its claim; returns whether it did (false: another claim
    /// took the day over meanwhile).
    pub fn finish_daily_run(
        &self,
        day: NaiveDate,
        claimant: &str,
        finished: DateTime<Utc>,
        rows: usize,
    ) -> Result<bool, StoreError> {
        let rows = stored_rows(rows)?;
        self.pool.write(|tx| {
            let changed = tx.execute(
                "UPDATE daily_runs SET finished = ?1, rows = ?2
                 WHERE day = ?3 AND claimed_by = ?4 AND finished IS NULL",
                params![finished.timestamp(), rows, day, claimant],
            )?;
            Ok(changed > 0)
        })
    }

    /// Gives the claim on `day` back (its run failed), if `claimant` still holds it
    /// unfinished, so that the next run (a restart, another replica) tries the day
    /// again at once; returns whether it did.
    pub fn release_daily_run(&self, day: NaiveDate, claimant: &str) -> Result<bool, StoreError> {
        self.pool.write(|tx| {
            let changed = tx.execute(
                "DELETE FROM daily_runs WHERE day = ?1 AND claimed_by = ?2 AND finished IS NULL",
                params![day, claimant],
            )?;
            Ok(changed > 0)
        })
    }

    /// The run of `day`, if it was claimed.
    pub fn daily_run(&self, day: NaiveDate) -> Result<Option<DailyRun>, StoreError> {
        self.pool.read(|tx| {
            cached_row(
                tx,
                concat!("SELECT ", daily_run_columns!(), " FROM daily_runs WHERE day = ?1"),
                [day],
                daily_run_from_row,
            )
            .optional()?
            .transpose()
        })
    }

    /// Every day's run, oldest day first.
    pub fn daily_runs(&self) -> Result<Vec<DailyRun>, StoreError> {
        self.pool.read(|tx| {
            let mut stmt =
                tx.prepare_cached(concat!("SELECT ", daily_run_columns!(), " FROM daily_runs ORDER BY day"))?;
            let rows = stmt.query_map([], daily_run_from_row)?;
            rows.map(|row| row?).collect()
        })
    }
}

fn daily_run_from_row(row: &Row<'_>) -> rusqlite::Result<Result<DailyRun, StoreError>> {
    let day = stored_day(row, 0)?;
    let claimed_by: String = row.get(1)?;
    let claimed_at: i64 = row.get(2)?;
    let finished: Option<i64> = row.get(3)?;
    let rows: Option<i64> = row.get(4)?;
    Ok((|| {
        Ok(DailyRun {
            day,
            claimed_by,
            claimed_at: instant(claimed_at)?,
            finished: optional_instant(finished)?,
            rows: rows_read(rows)?,
        })
    })())
}
