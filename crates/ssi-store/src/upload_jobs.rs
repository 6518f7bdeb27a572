//! Upload import jobs in the database (migration 0007, PostgreSQL's 0002 `upload_jobs`):
//! an uploaded export waits as a row with its ZIP until a worker of any replica claims it,
//! imports it and finishes the row. The rules both backends share live here; the SQL of
//! SQLite is below, PostgreSQL's in `pg/upload_jobs.rs`.
//!
//! A claim is a lease: the claimer renews `claimed_at` while it works, and a `running` job
//! whose claim is older than the lease the caller gives is claimed again (its claimer is
//! taken for dead). Every change to a running job names its claim (job, worker, attempt),
//! so a claimer that lost its job to another can no longer change it.

use crate::Store;
use crate::db::{cached_row, instant, now_seconds, optional_instant, row_text};
use crate::error::StoreError;
use crate::imports::{parse_report, report_text};
use crate::types::MemberId;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, ToSql, Transaction, params};
use std::time::Duration;

/// Claims a job may have had before it is failed instead of claimed again: a job whose
/// import kills its replica every time must not take the replicas down one after another.
pub const MAX_UPLOAD_JOB_ATTEMPTS: u32 = 5;

/// The stage of a job waiting for a worker.
pub const QUEUED_STAGE: &str = "waiting for an import slot";
/// The stage of a job just claimed.
pub const CLAIMED_STAGE: &str = "reading the export";
/// The stage of a job that succeeded.
pub const DONE_STAGE: &str = "done";
/// The stage of a job that failed.
pub const FAILED_STAGE: &str = "failed";

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UploadJobState {
    /// Waiting for a worker.
    Queued,
    /// Claimed by a worker.
    Running,
    /// Imported; the result is recorded.
    Succeeded,
    /// Not imported; the reason is recorded.
    Failed,
}

impl UploadJobState {
    /// The state as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            UploadJobState::Queued => "queued",
            UploadJobState::Running => "running",
            UploadJobState::Succeeded => "succeeded",
            UploadJobState::Failed => "failed",
        }
    }

    pub(crate) fn parse(stored: &str) -> Result<UploadJobState, StoreError> {
        match stored {
            "queued" => Ok(UploadJobState::Queued),
            "running" => Ok(UploadJobState::Running),
            "succeeded" => Ok(UploadJobState::Succeeded),
            "failed" => Ok(UploadJobState::Failed),
            other => Err(StoreError::invalid(format!("stored upload job state {other:?} is unknown"))),
        }
    }
}

/// An upload job as a reader sees it (without its payload).
#[derive(Debug, Clone, PartialEq)]
pub struct UploadJob {
    /// Its id: never handed out twice.
    pub id: i64,
    /// The member the export belongs to.
    pub member: MemberId,
    /// The uploaded file's (cleaned) name.
    pub source_name: String,
    /// Size of the uploaded archive.
    pub bytes: u64,
    /// Where it is.
    pub state: UploadJobState,
    /// What it is doing, in words.
    pub stage: String,
    /// How many times it was claimed.
    pub attempts: u32,
    /// When it was enqueued.
    pub created: DateTime<Utc>,
    /// When it finished.
    pub finished: Option<DateTime<Utc>>,
    /// What the import stored, once succeeded (the server's JSON).
    pub result: Option<serde_json::Value>,
    /// Why it failed, once failed (a message for the member).
    pub error: Option<String>,
}

/// A worker's hold on a running job: every change to the job names it, and is refused once
/// another worker has claimed the job since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadJobClaim {
    /// The job.
    pub id: i64,
    /// The worker that claimed it.
    pub worker: String,
    /// The job's attempt count after this claim (1 for the first claim).
    pub attempt: u32,
}

/// A job just claimed, with the uploaded archive to import.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedUploadJob {
    /// The job, as it is now (running).
    pub job: UploadJob,
    /// The claim to change it with.
    pub claim: UploadJobClaim,
    /// The uploaded archive.
    pub payload: Vec<u8>,
}

/// How a job ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UploadJobEnd<'a> {
    /// Imported, with what the import stored.
    Succeeded(&'a serde_json::Value),
    /// Not imported, with a message for the member.
    Failed(&'a str),
}

/// What finishing a job writes.
pub(crate) struct EndColumns<'a> {
    pub(crate) state: &'static str,
    pub(crate) stage: &'static str,
    /// The result as JSON text.
    pub(crate) result: Option<String>,
    pub(crate) error: Option<&'a str>,
}

/// The columns a job that `end`ed gets.
pub(crate) fn end_columns(end: UploadJobEnd<'_>) -> Result<EndColumns<'_>, StoreError> {
    Ok(match end {
        UploadJobEnd::Succeeded(result) => EndColumns {
            state: UploadJobState::Succeeded.as_str(),
            stage: DONE_STAGE,
            result: Some(report_text(result)?),
            error: None,
        },
        UploadJobEnd::Failed(message) => EndColumns {
            state: UploadJobState::Failed.as_str(),
            stage: FAILED_STAGE,
            result: None,
            error: Some(message),
        },
    })
}

/// The message of a job failed because its claims ran out.
pub(crate) fn exhausted_message(attempts: u32) -> String {
    format!(
        "the import was interrupted {attempts} times (the server stopped while importing it); nothing was stored, upload again"
    )
}

/// Checks what is enqueued: a named, non-empty upload. Returns its size.
pub(crate) fn check_upload(source_name: &str, payload: &[u8]) -> Result<i64, StoreError> {
    if source_name.trim().is_empty() {
        return Err(StoreError::invalid("an upload job needs the uploaded file's name"));
    }
    if payload.is_empty() {
        return Err(StoreError::invalid("an upload job needs the uploaded bytes; the upload is empty"));
    }
    i64::try_from(payload.len()).map_err(|_| StoreError::invalid("the upload is too large to store"))
}

/// A job just claimed by `worker`, with its archive (a running job always has one).
pub(crate) fn claimed(
    job: UploadJob,
    worker: &str,
    payload: Option<Vec<u8>>,
) -> Result<ClaimedUploadJob, StoreError> {
    let id = job.id;
    let payload =
        payload.ok_or_else(|| StoreError::invalid(format!("upload job {id} has lost its upload")))?;
    let claim = UploadJobClaim { id, worker: worker.to_string(), attempt: job.attempts };
    Ok(ClaimedUploadJob { job, claim, payload })
}

/// Checks a worker's name.
pub(crate) fn check_worker(worker: &str) -> Result<(), StoreError> {
    if worker.trim().is_empty() {
        Err(StoreError::invalid("a worker claiming a job needs a name"))
    } else {
        Ok(())
    }
}

/// The time (Unix seconds) before which a running job's claim has lapsed.
pub(crate) fn lease_cutoff(now: i64, lease: Duration) -> i64 {
    now.saturating_sub(i64::try_from(lease.as_secs()).unwrap_or(i64::MAX))
}

/// A count as stored (SQLite and PostgreSQL integers) back as an unsigned number.
pub(crate) fn stored_count<T: TryFrom<i64>>(value: i64, what: &str) -> Result<T, StoreError> {
    T::try_from(value).map_err(|_| StoreError::invalid(format!("stored {what} {value} is out of range")))
}

/// The columns of an [`UploadJob`], in [`job_from_row`] order (the payload is never among them).
macro_rules! job_columns {
    () => {
        "id, member_id, source_name, bytes, state, stage, attempts, created, finished, result, error"
    };
}

/// What a claimable job's query selects: the oldest queued job, or a running one whose
/// claim lapsed before `cutoff` (parameter 1).
macro_rules! claimable {
    ($cutoff:literal) => {
        concat!(
            "SELECT id, attempts FROM upload_jobs
             WHERE state IN ('queued', 'running') AND (state = 'queued' OR claimed_at < ",
            $cutoff,
            ") ORDER BY id LIMIT 1"
        )
    };
}
#[cfg(feature = "postgres")]
pub(crate) use claimable;

fn job_from_row(row: &rusqlite::Row<'_>) -> Result<UploadJob, StoreError> {
    let result: Option<String> = row.get(9)?;
    Ok(UploadJob {
        id: row.get(0)?,
        member: MemberId(row.get(1)?),
        source_name: row.get(2)?,
        bytes: stored_count(row.get(3)?, "upload size")?,
        state: UploadJobState::parse(row_text(row, 4)?)?,
        stage: row.get(5)?,
        attempts: stored_count(row.get(6)?, "attempt count")?,
        created: instant(row.get(7)?)?,
        finished: optional_instant(row.get(8)?)?,
        result: result.as_deref().map(parse_report).transpose()?,
        error: row.get(10)?,
    })
}

fn job_by_id(tx: &Transaction<'_>, id: i64) -> Result<UploadJob, StoreError> {
    let found =
        cached_row(tx, concat!("SELECT ", job_columns!(), " FROM upload_jobs WHERE id = ?1"), [id], |row| {
            Ok(job_from_row(row))
        })
        .optional()?;
    found.ok_or_else(|| StoreError::not_found(format!("upload job {id}")))?
}

/// Whether the claim (`?1` job, `?2` worker, `?3` attempt) still holds the job: the
/// condition of every change to a running job.
macro_rules! claim_holds {
    () => {
        "id = ?1 AND state = 'running' AND claimed_by = ?2 AND attempts = ?3"
    };
}

impl Store {
    /// Enqueues an uploaded export of `member` for import: a `queued` job holding the
    /// archive. Fails with [`StoreError::NotFound`] for an unknown member and
    /// [`StoreError::InvalidData`] for an empty upload or name.
    pub fn enqueue_upload_job(
        &self,
        member: MemberId,
        source_name: &str,
        payload: &[u8],
    ) -> Result<UploadJob, StoreError> {
        let bytes = check_upload(source_name, payload)?;
        self.pool.write(|tx| {
            crate::members::ensure_member(tx, member)?;
            tx.execute(
                "INSERT INTO upload_jobs (member_id, source_name, bytes, payload, state, stage, created)
                 VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6)",
                params![member.0, source_name.trim(), bytes, payload, QUEUED_STAGE, now_seconds()],
            )?;
            job_by_id(tx, tx.last_insert_rowid())
        })
    }

    /// Claims the oldest job that is queued, or running under a claim older than `lease`
    /// (its worker is taken for dead), for `worker`: the job becomes `running` under a new
    /// claim (attempts + 1) and is returned with its archive. A job already claimed
    /// [`MAX_UPLOAD_JOB_ATTEMPTS`] times is failed instead. `None` when no job waits.
    pub fn claim_upload_job(
        &self,
        worker: &str,
        lease: Duration,
    ) -> Result<Option<ClaimedUploadJob>, StoreError> {
        check_worker(worker)?;
        // Most polls find nothing: asked on a reader first, so they never queue for the writer.
        let cutoff = lease_cutoff(now_seconds(), lease);
        let waiting =
            self.pool.read(|tx| Ok(cached_row(tx, claimable!("?1"), [cutoff], |_| Ok(())).optional()?))?;
        if waiting.is_none() {
            return Ok(None);
        }
        self.pool.write(|tx| {
            loop {
                let now = now_seconds();
                let found: Option<(i64, i64)> = cached_row(tx, claimable!("?1"), [lease_cutoff(now, lease)], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .optional()?;
                let Some((id, attempts)) = found else { return Ok(None) };
                let attempts: u32 = stored_count(attempts, "attempt count")?;
                if attempts >= MAX_UPLOAD_JOB_ATTEMPTS {
                    tx.execute(
                        "UPDATE upload_jobs SET state = 'failed', stage = ?2, finished = ?3, error = ?4, payload = NULL
                         WHERE id = ?1",
                        params![id, FAILED_STAGE, now, exhausted_message(attempts)],
                    )?;
                    continue;
                }
                tx.execute(
                    "UPDATE upload_jobs SET state = 'running', stage = ?2, claimed_by = ?3, claimed_at = ?4,
                     attempts = attempts + 1 WHERE id = ?1",
                    params![id, CLAIMED_STAGE, worker, now],
                )?;
                let payload: Option<Vec<u8>> =
                    tx.query_row("SELECT payload FROM upload_jobs WHERE id = ?1", [id], |row| row.get(0))?;
                return claimed(job_by_id(tx, id)?, worker, payload).map(Some);
            }
        })
    }

    /// Runs `sql`, an update of the job conditional on [`claim_holds!`] (`?1`–`?3`), with
    /// `values` as `?4`…; whether the claim still held.
    fn change_claimed(
        &self,
        claim: &UploadJobClaim,
        sql: &str,
        values: &[&dyn ToSql],
    ) -> Result<bool, StoreError> {
        let mut params: Vec<&dyn ToSql> = vec![&claim.id, &claim.worker, &claim.attempt];
        params.extend_from_slice(values);
        self.pool.write(|tx| Ok(tx.execute(sql, params.as_slice())? == 1))
    }

    /// Sets a claimed job's stage and renews its claim. `false` when the claim no longer
    /// holds (the job was claimed again, or finished).
    pub fn set_upload_job_stage(&self, claim: &UploadJobClaim, stage: &str) -> Result<bool, StoreError> {
        let sql = concat!("UPDATE upload_jobs SET stage = ?4, claimed_at = ?5 WHERE ", claim_holds!());
        self.change_claimed(claim, sql, &[&stage, &now_seconds()])
    }

    /// Renews a claimed job's claim (a heartbeat while it is imported). `false` when the
    /// claim no longer holds.
    pub fn renew_upload_job(&self, claim: &UploadJobClaim) -> Result<bool, StoreError> {
        self.change_claimed(
            claim,
            concat!("UPDATE upload_jobs SET claimed_at = ?4 WHERE ", claim_holds!()),
            &[&now_seconds()],
        )
    }

    /// Finishes a claimed job as it `end`ed and clears its archive. `false` (and nothing
    /// written) when the claim no longer holds.
    pub fn finish_upload_job(
        &self,
        claim: &UploadJobClaim,
        end: UploadJobEnd<'_>,
    ) -> Result<bool, StoreError> {
        let EndColumns { state, stage, result, error } = end_columns(end)?;
        let sql = concat!(
            "UPDATE upload_jobs SET state = ?4, stage = ?5, finished = ?6, result = ?7, error = ?8, payload = NULL
             WHERE ",
            claim_holds!()
        );
        self.change_claimed(claim, sql, &[&state, &stage, &now_seconds(), &result, &error])
    }

    /// Gives a claimed job back: `queued` again, for any worker to claim (a replica that
    /// stops before importing it). `false` when the claim no longer holds.
    pub fn release_upload_job(&self, claim: &UploadJobClaim) -> Result<bool, StoreError> {
        let sql = concat!(
            "UPDATE upload_jobs SET state = 'queued', stage = ?4, claimed_by = NULL, claimed_at = NULL WHERE ",
            claim_holds!()
        );
        self.change_claimed(claim, sql, &[&QUEUED_STAGE])
    }

    /// The job with this id (any member's: who may read it is the caller's question).
    pub fn upload_job(&self, id: i64) -> Result<UploadJob, StoreError> {
        self.pool.read(|tx| job_by_id(tx, id))
    }

    /// Jobs queued or running, on every replica.
    pub fn unfinished_upload_jobs(&self) -> Result<u64, StoreError> {
        self.pool.read(|tx| {
            let count: i64 = cached_row(
                tx,
                "SELECT count(*) FROM upload_jobs WHERE state IN ('queued', 'running')",
                [],
                |row| row.get(0),
            )?;
            stored_count(count, "job count")
        })
    }
}
