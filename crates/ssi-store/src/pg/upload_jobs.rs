//! Upload import jobs on PostgreSQL: [`crate::Store`]'s methods of `upload_jobs.rs`, with
//! the same rules (which live there), on migration 0002's `upload_jobs` table.
//!
//! Two things differ from SQLite, both for replicas. A worker claims with
//! `SELECT … FOR UPDATE SKIP LOCKED`: claimers on several replicas never wait for one
//! another and never take the same job. And a job's writes do not move the data version
//! (the transaction marks it already moved, which the version trigger honours): no
//! cached answer shows a job, and a job's writes must not queue on the version row,
//! which an import holds from its first write to its commit: the heartbeat that keeps
//! that very import's claim alive would otherwise wait for the import to end.

use super::PgStore;
use super::rows::{ensure_member, now, whole_seconds};
use super::transactions::{Params, execute, one_row, optional_row};
use crate::db::now_seconds;
use crate::error::StoreError;
use crate::imports::parse_report;
use crate::types::MemberId;
use crate::upload_jobs::{
    CLAIMED_STAGE, ClaimedUploadJob, EndColumns, FAILED_STAGE, MAX_UPLOAD_JOB_ATTEMPTS, QUEUED_STAGE,
    UploadJob, UploadJobClaim, UploadJobEnd, UploadJobState, check_upload, check_worker, claimable, claimed,
    end_columns, exhausted_message, lease_cutoff, stored_count,
};
use chrono::{DateTime, Utc};
use std::time::Duration;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Transaction};

/// Whether the claim (`$1` job, `$2` worker, `$3` attempt) still holds the job.
macro_rules! claim_holds {
    () => {
        "id = $1 AND state = 'running' AND claimed_by = $2 AND attempts = $3"
    };
}

fn job_from_row(row: &Row) -> Result<UploadJob, StoreError> {
    let result: Option<serde_json::Value> =
        row.try_get::<_, Option<String>>(9)?.as_deref().map(parse_report).transpose()?;
    Ok(UploadJob {
        id: row.try_get(0)?,
        member: MemberId(row.try_get(1)?),
        source_name: row.try_get(2)?,
        bytes: stored_count(row.try_get(3)?, "upload size")?,
        state: UploadJobState::parse(row.try_get(4)?)?,
        stage: row.try_get(5)?,
        attempts: stored_count(i64::from(row.try_get::<_, i32>(6)?), "attempt count")?,
        created: row.try_get(7)?,
        finished: row.try_get(8)?,
        result,
        error: row.try_get(10)?,
    })
}

/// The job's columns with `result` as text (parsed by the shared rule).
macro_rules! job_select {
    () => {
        "SELECT id, member_id, source_name, bytes, state, stage, attempts, created, finished, result::text, error
         FROM upload_jobs"
    };
}

async fn job_by_id(tx: &impl super::transactions::Db, id: i64) -> Result<UploadJob, StoreError> {
    let row = optional_row(tx, concat!(job_select!(), " WHERE id = $1"), &[&id])
        .await?
        .ok_or_else(|| StoreError::not_found(format!("upload job {id}")))?;
    job_from_row(&row)
}

/// Marks the transaction as having moved the data version, so the version trigger
/// leaves it (module documentation).
async fn without_version_bump(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute("SELECT set_config('ssi.data_version_bumped', 'on', true)", &[]).await?;
    Ok(())
}

/// The cutoff of [`lease_cutoff`] as an instant.
fn cutoff_instant(now: i64, lease: Duration) -> Result<DateTime<Utc>, StoreError> {
    crate::db::instant(lease_cutoff(now, lease))
}

impl PgStore {
    /// Runs `work` in a transaction of job writes: bookkeeping that does not take the
    /// writers' turn, and does not move the data version (module documentation).
    fn job_write<T>(
        &self,
        work: impl AsyncFnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.bookkeeping(async |tx| {
            without_version_bump(tx).await?;
            work(tx).await
        })
    }

    /// As [`crate::Store::enqueue_upload_job`].
    pub fn enqueue_upload_job(
        &self,
        member: MemberId,
        source_name: &str,
        payload: &[u8],
    ) -> Result<UploadJob, StoreError> {
        let bytes = check_upload(source_name, payload)?;
        self.job_write(async |tx| {
            ensure_member(tx, member).await?;
            let row = one_row(
                tx,
                "INSERT INTO upload_jobs (member_id, source_name, bytes, payload, state, stage, created)
                 VALUES ($1, $2, $3, $4, 'queued', $5, $6) RETURNING id",
                &[&member.0, &source_name.trim(), &bytes, &payload, &QUEUED_STAGE, &now()?],
            )
            .await?;
            job_by_id(tx, row.try_get(0)?).await
        })
    }

    /// As [`crate::Store::claim_upload_job`]: the job row is locked with `FOR UPDATE SKIP
    /// LOCKED`, so a job another claimer holds is passed over, never waited for.
    pub fn claim_upload_job(
        &self,
        worker: &str,
        lease: Duration,
    ) -> Result<Option<ClaimedUploadJob>, StoreError> {
        check_worker(worker)?;
        self.block_on(async {
            let mut pooled = self.client().await?;
            let client: &mut tokio_postgres::Client = &mut pooled;
            let tx = client.transaction().await?;
            let mut marked = false;
            loop {
                let now_at = now_seconds();
                let found = optional_row(
                    &tx,
                    concat!(claimable!("$1"), " FOR UPDATE SKIP LOCKED"),
                    &[&cutoff_instant(now_at, lease)?],
                )
                .await?;
                let Some(found) = found else {
                    // Nothing was written: ending the transaction either way is the same.
                    tx.commit().await?;
                    return Ok(None);
                };
                if !marked {
                    without_version_bump(&tx).await?;
                    marked = true;
                }
                let id: i64 = found.try_get(0)?;
                let attempts: u32 = stored_count(i64::from(found.try_get::<_, i32>(1)?), "attempt count")?;
                let at = crate::db::instant(now_at)?;
                if attempts >= MAX_UPLOAD_JOB_ATTEMPTS {
                    execute(
                        &tx,
                        "UPDATE upload_jobs SET state = 'failed', stage = $2, finished = $3, error = $4, payload = NULL
                         WHERE id = $1",
                        &[&id, &FAILED_STAGE, &at, &exhausted_message(attempts)],
                    )
                    .await?;
                    continue;
                }
                let row = one_row(
                    &tx,
                    "UPDATE upload_jobs SET state = 'running', stage = $2, claimed_by = $3, claimed_at = $4,
                     attempts = attempts + 1 WHERE id = $1 RETURNING payload",
                    &[&id, &CLAIMED_STAGE, &worker, &at],
                )
                .await?;
                let claimed = claimed(job_by_id(&tx, id).await?, worker, row.try_get(0)?)?;
                tx.commit().await?;
                return Ok(Some(claimed));
            }
        })
    }

    /// Runs `sql`, an update of the job conditional on [`claim_holds!`] (`$1`–`$3`), with
    /// `values` as `$4`…; whether the claim still held.
    fn change_claimed(
        &self,
        claim: &UploadJobClaim,
        sql: &str,
        values: &Params<'_>,
    ) -> Result<bool, StoreError> {
        let attempt = claim_attempt(claim)?;
        self.job_write(async |tx| {
            let mut params: Vec<&(dyn ToSql + Sync)> = vec![&claim.id, &claim.worker, &attempt];
            params.extend_from_slice(values);
            Ok(execute(tx, sql, &params).await? == 1)
        })
    }

    /// As [`crate::Store::set_upload_job_stage`].
    pub fn set_upload_job_stage(&self, claim: &UploadJobClaim, stage: &str) -> Result<bool, StoreError> {
        let sql = concat!("UPDATE upload_jobs SET stage = $4, claimed_at = $5 WHERE ", claim_holds!());
        self.change_claimed(claim, sql, &[&stage, &now()?])
    }

    /// As [`crate::Store::renew_upload_job`].
    pub fn renew_upload_job(&self, claim: &UploadJobClaim) -> Result<bool, StoreError> {
        self.change_claimed(
            claim,
            concat!("UPDATE upload_jobs SET claimed_at = $4 WHERE ", claim_holds!()),
            &[&now()?],
        )
    }

    /// As [`crate::Store::finish_upload_job`].
    pub fn finish_upload_job(
        &self,
        claim: &UploadJobClaim,
        end: UploadJobEnd<'_>,
    ) -> Result<bool, StoreError> {
        let EndColumns { state, stage, result, error } = end_columns(end)?;
        let sql = concat!(
            "UPDATE upload_jobs SET state = $4, stage = $5, finished = $6, result = $7::text::jsonb, error = $8,
             payload = NULL WHERE ",
            claim_holds!()
        );
        self.change_claimed(claim, sql, &[&state, &stage, &whole_seconds(Utc::now())?, &result, &error])
    }

    /// As [`crate::Store::release_upload_job`].
    pub fn release_upload_job(&self, claim: &UploadJobClaim) -> Result<bool, StoreError> {
        let sql = concat!(
            "UPDATE upload_jobs SET state = 'queued', stage = $4, claimed_by = NULL, claimed_at = NULL WHERE ",
            claim_holds!()
        );
        self.change_claimed(claim, sql, &[&QUEUED_STAGE])
    }

    /// As [`crate::Store::upload_job`].
    pub fn upload_job(&self, id: i64) -> Result<UploadJob, StoreError> {
        self.statement(async |client| job_by_id(client, id).await)
    }

    /// As [`crate::Store::unfinished_upload_jobs`].
    pub fn unfinished_upload_jobs(&self) -> Result<u64, StoreError> {
        self.statement(async |client| {
            let row =
                one_row(client, "SELECT count(*) FROM upload_jobs WHERE state IN ('queued', 'running')", &[])
                    .await?;
            stored_count(row.try_get(0)?, "job count")
        })
    }
}

/// A claim's attempt as the `integer` column holds it.
fn claim_attempt(claim: &UploadJobClaim) -> Result<i32, StoreError> {
    i32::try_from(claim.attempt)
        .map_err(|_| StoreError::invalid(format!("attempt {} is out of range", claim.attempt)))
}
