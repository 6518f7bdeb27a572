//! The daily job's runs on PostgreSQL: [`crate::Store`]'s methods of `daily_runs.rs`,
//! with the same claim statement and rules. Like sessions, they are bookkeeping
//! transactions of their own ([`PgStore::bookkeeping`]), which do not move the data
//! version (migration 0004).

use super::PgStore;
use super::rows::whole_seconds;
use super::transactions::{execute, optional_row, rows};
use crate::daily_runs::{
    DailyRun, check_claim_times, check_claimant, claim_statement, daily_run_columns, rows_read, stored_rows,
};
use crate::error::StoreError;
use chrono::{DateTime, NaiveDate, Utc};
use tokio_postgres::Row;

impl PgStore {
    /// Claims the daily run of `day` (as [`crate::Store::claim_daily_run`]).
    pub fn claim_daily_run(
        &self,
        day: NaiveDate,
        claimant: &str,
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        check_claimant(claimant)?;
        check_claim_times(now, stale_before)?;
        let (now, stale_before) = (whole_seconds(now)?, whole_seconds(stale_before)?);
        self.bookkeeping(async |tx| {
            let sql = claim_statement!("$1", "$2", "$3", "$4");
            Ok(execute(tx, sql, &[&day, &claimant, &now, &stale_before]).await? > 0)
        })
    }

    /// Records the run of `day` as finished, if `claimant` still holds it (as
    /// [`crate::Store::finish_daily_run`]).
    pub fn finish_daily_run(
        &self,
        day: NaiveDate,
        claimant: &str,
        finished: DateTime<Utc>,
        rows: usize,
    ) -> Result<bool, StoreError> {
        let rows = stored_rows(rows)?;
        let finished = whole_seconds(finished)?;
        self.bookkeeping(async |tx| {
            let sql = "UPDATE daily_runs SET finished = $1, rows = $2
                       WHERE day = $3 AND claimed_by = $4 AND finished IS NULL";
            Ok(execute(tx, sql, &[&finished, &rows, &day, &claimant]).await? > 0)
        })
    }

    /// Gives an unfinished claim back (as [`crate::Store::release_daily_run`]).
    pub fn release_daily_run(&self, day: NaiveDate, claimant: &str) -> Result<bool, StoreError> {
        self.bookkeeping(async |tx| {
            let sql = "DELETE FROM daily_runs WHERE day = $1 AND claimed_by = $2 AND finished IS NULL";
            Ok(execute(tx, sql, &[&day, &claimant]).await? > 0)
        })
    }

    /// The run of `day`, if it was claimed (as [`crate::Store::daily_run`]).
    pub fn daily_run(&self, day: NaiveDate) -> Result<Option<DailyRun>, StoreError> {
        self.statement(async |client| {
            let sql = concat!("SELECT ", daily_run_columns!(), " FROM daily_runs WHERE day = $1");
            optional_row(client, sql, &[&day]).await?.map(|row| daily_run_from_row(&row)).transpose()
        })
    }

    /// Every day's run, oldest day first (as [`crate::Store::daily_runs`]).
    pub fn daily_runs(&self) -> Result<Vec<DailyRun>, StoreError> {
        self.statement(async |client| {
            let sql = concat!("SELECT ", daily_run_columns!(), " FROM daily_runs ORDER BY day");
            rows(client, sql, &[]).await?.iter().map(daily_run_from_row).collect()
        })
    }
}

fn daily_run_from_row(row: &Row) -> Result<DailyRun, StoreError> {
    Ok(DailyRun {
        day: row.try_get(0)?,
        claimed_by: row.try_get(1)?,
        claimed_at: row.try_get(2)?,
        finished: row.try_get(3)?,
        rows: rows_read(row.try_get(4)?)?,
    })
}
