//! Import jobs: an uploaded export waits in the database (`upload_jobs`, with its archive)
//! until a worker of any replica claims it, imports it and finishes the row; its progress
//! and result are readable from `GET /api/v1/jobs/{job}` on every replica.
//!
//! Each replica runs `max_concurrent_imports` workers. A worker claims the oldest waiting
//! job ([`Backend::claim_upload_job`]: PostgreSQL's `FOR UPDATE SKIP LOCKED`, SQLite's write
//! lock), woken at once by an upload to its own replica and polling every
//! [`POLL_INTERVAL`] for jobs enqueued on other replicas or left by a dead one. While it
//! imports it renews its claim every third of `import_lease`; a job whose claim is older
//! than the lease is claimed again by another worker. The import is one store transaction
//! and idempotent (the export's fingerprint), so a replica killed mid-import leaves
//! nothing, and one killed after the import's commit but before the job's finish leaves a
//! job whose second attempt stores nothing and reports the export as already imported.
//!
//! Shutdown: workers claim no more jobs, except that a replica first imports as many
//! queued jobs as it accepted and its own workers have not claimed as many since (so a
//! single server imports every upload it acknowledged before it exits; with replicas,
//! the rest stay queued for the others). A job claimed is imported, shutdown waits for
//! it. A job this replica cannot write to its temporary folder is given back (`queued`
//! for another worker, never `failed` for that reason).

use crate::handlers::exports::import;
use crate::metrics::Outcome;
use crate::state::AppState;
use crate::wire::{ImportResult, JobState, JobView};
use serde::{Deserialize, Serialize};
use ssi_store::{Backend, ClaimedUploadJob, UploadJob, UploadJobClaim, UploadJobEnd, UploadJobState};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio_util::task::TaskTracker;
use tokio_util::task::task_tracker::TaskTrackerToken;

/// How often an idle worker looks for jobs it was not woken for: enqueued on another
/// replica, or left by a replica that died. Short, because a member waits on it; one
/// indexed read per worker per interval on a partial index of unfinished jobs is cheap.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// The member-facing message of an import that failed for a reason of the server's own.
const INTERNAL_FAILURE: &str = "the import failed on the server; it has been logged";

/// This replica's import workers and what they share.
#[derive(Debug)]
pub struct Jobs {
    /// This process's name among the replicas: worker names are `{replica}/{n}`.
    replica: String,
    workers: usize,
    started: AtomicBool,
    /// Wakes one idle worker when this replica enqueues a job.
    wake: Notify,
    /// Imports running on this replica now.
    running: Arc<AtomicUsize>,
    /// Uploads held in memory on their way into the database at once.
    enqueue_slots: Arc<Semaphore>,
    /// One token of the state's task tracker per job this replica accepted and its
    /// workers have not claimed as many since: shutdown waits for them, so a replica
    /// imports what it acknowledged before it exits (module documentation).
    owed: Mutex<Vec<TaskTrackerToken>>,
    /// Workers started for uploads accepted during shutdown (numbers their names).
    drains: AtomicUsize,
    /// The worker loops: the server waits for them before it exits, so no store call of
    /// theirs is left on a runtime that is going away.
    loops: TaskTracker,
}

/// What a succeeded job records as its result (the job view's `result` and `skipped_rows`).
#[derive(Debug, Serialize, Deserialize)]
struct JobResult {
    result: ImportResult,
    skipped_rows: u64,
}

/// A name no other replica (nor an earlier run of this one) has: the process id, the
/// start time and a counter for several states in one process.
fn replica_name() -> String {
    static STATES: AtomicUsize = AtomicUsize::new(0);
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    format!("pid{}-{started:x}-{}", std::process::id(), STATES.fetch_add(1, Ordering::Relaxed))
}

impl Jobs {
    /// The workers of a replica running `concurrency` imports at once (not started yet).
    pub fn new(concurrency: usize) -> Jobs {
        let workers = concurrency.max(1);
        Jobs {
            replica: replica_name(),
            workers,
            started: AtomicBool::new(false),
            wake: Notify::new(),
            running: Arc::new(AtomicUsize::new(0)),
            enqueue_slots: Arc::new(Semaphore::new(workers)),
            owed: Mutex::new(Vec::new()),
            drains: AtomicUsize::new(0),
            loops: TaskTracker::new(),
        }
    }

    fn owed(&self) -> MutexGuard<'_, Vec<TaskTrackerToken>> {
        // Tokens are only pushed and popped whole, so a poisoned list is still consistent.
        self.owed.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a job this replica accepted (its workers owe one import) and starts the
    /// workers if they are not running yet.
    pub(crate) fn accepted(&self, state: &AppState) {
        self.owed().push(state.tasks.token());
        self.start_workers(state);
        // Workers that found nothing owed as shutdown began have ended; an upload
        // accepted meanwhile (its request was in flight) gets a worker of its own. One
        // accepted before the shutdown is seen by the workers still running.
        if state.shutdown.is_cancelled() {
            let worker = format!("{}/drain-{}", self.replica, self.drains.fetch_add(1, Ordering::Relaxed));
            self.loops.spawn(work(state.clone(), worker));
        }
    }

    /// Counts a claim of this replica's workers against what it owes; whether it owed one.
    fn settle_one(&self) -> bool {
        self.owed().pop().is_some()
    }

    /// Starts this replica's workers, once (later calls do nothing): at serve time, and
    /// at the first upload of a state served otherwise. An idle worker is no background
    /// work the state's task tracker waits for; a busy one is.
    pub fn start_workers(&self, state: &AppState) {
        if self.started.swap(true, Ordering::SeqCst) {
            return;
        }
        for n in 0..self.workers {
            self.loops.spawn(work(state.clone(), format!("{}/{n}", self.replica)));
        }
        tracing::info!(workers = self.workers, replica = %self.replica, "import workers started");
    }

    /// Waits until every worker loop has ended (they end once the server shuts down and
    /// nothing more is owed).
    pub(crate) async fn workers_ended(&self) {
        self.loops.close();
        self.loops.wait().await;
    }

    /// Wakes an idle worker of this replica for a job just enqueued.
    pub(crate) fn wake_one(&self) {
        self.wake.notify_one();
    }

    /// A turn to hold an upload in memory on its way into the database (bounds memory).
    pub(crate) async fn enqueue_slot(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.enqueue_slots).acquire_owned().await.ok()
    }

    /// Imports running on this replica now.
    pub fn running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
    }
}

/// Counts an import running on this replica while it lives.
struct Running(Arc<AtomicUsize>);

impl Running {
    fn new(count: &Arc<AtomicUsize>) -> Running {
        count.fetch_add(1, Ordering::SeqCst);
        Running(Arc::clone(count))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The API's view of a stored job.
pub(crate) fn view(job: UploadJob) -> JobView {
    let (result, skipped_rows) = match job.result.map(serde_json::from_value::<JobResult>) {
        Some(Ok(recorded)) => (Some(recorded.result), Some(recorded.skipped_rows)),
        Some(Err(error)) => {
            tracing::error!(job = job.id, %error, "a job's recorded result does not load");
            (None, None)
        }
        None => (None, None),
    };
    JobView {
        id: job.id.unsigned_abs(),
        member: job.member.0,
        state: match job.state {
            UploadJobState::Queued => JobState::Queued,
            UploadJobState::Running => JobState::Running,
            UploadJobState::Succeeded => JobState::Succeeded,
            UploadJobState::Failed => JobState::Failed,
        },
        stage: job.stage,
        bytes: job.bytes,
        created: job.created,
        finished: job.finished,
        result,
        skipped_rows,
        error: job.error,
    }
}

/// One worker: claims, imports, finishes, until the server shuts down; then, while its
/// replica still owes imports of jobs it accepted, it claims and imports those many more.
async fn work(state: AppState, worker: String) {
    let lease = state.config.import_lease;
    loop {
        // Shutting down, a worker takes one owed import before it claims (so owed imports
        // and claims pair one to one among the workers), and ends when none is owed.
        let stopping = state.shutdown.is_cancelled();
        let owed = if stopping {
            match state.jobs.owed().pop() {
                Some(owed) => Some(owed),
                None => return,
            }
        } else {
            None
        };
        let busy = state.tasks.token();
        let name = worker.clone();
        match state.db(move |store| store.claim_upload_job(&name, lease)).await {
            Ok(Some(job)) => {
                // A job claimed is imported, even one claimed as shutdown began: shutdown
                // waits for it, as for any running import.
                if owed.is_none() {
                    state.jobs.settle_one();
                }
                run(&state, job).await;
                continue;
            }
            // The job it owed was claimed elsewhere: the next owed one, if any.
            Ok(None) if stopping => continue,
            Ok(None) => {}
            Err(error) if stopping => {
                tracing::warn!(%error, worker, "cannot look for upload jobs while shutting down; they stay queued");
                continue;
            }
            Err(error) => tracing::warn!(%error, worker, "cannot look for upload jobs; trying again"),
        }
        drop(busy);
        tokio::select! {
            () = state.jobs.wake.notified() => {}
            () = tokio::time::sleep(POLL_INTERVAL) => {}
            // Back to the top, which settles what this replica still owes.
            () = state.shutdown.cancelled() => {}
        }
    }
}

/// Writes the claimed archive to a private temporary folder (the importer reads a file,
/// and the archive's memory is freed before the import); returns the folder and the file.
fn spool_payload(
    folder: Option<PathBuf>,
    name: &str,
    payload: Vec<u8>,
) -> std::io::Result<(tempfile::TempDir, PathBuf)> {
    let parent = folder.unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::Builder::new().prefix("ssi-upload-").tempdir_in(parent)?;
    let path = dir.path().join(crate::handlers::exports::spool_name(Some(name)));
    std::fs::write(&path, payload)?;
    Ok((dir, path))
}

/// Gives back a job this replica cannot import for a reason of its own (its disk): queued
/// again, for another worker (each claim counts towards the attempt limit).
async fn release(state: &AppState, claim: &UploadJobClaim) {
    let (given_back, id) = (claim.clone(), claim.id);
    match state.db(move |store| store.release_upload_job(&given_back)).await {
        Ok(_) => tracing::info!(job = id, "the job goes back to the queue"),
        Err(error) => {
            tracing::warn!(job = id, %error, "cannot give the job back; another replica takes it after the lease")
        }
    }
}

/// Imports a claimed job, renewing its claim meanwhile, then finishes it and judges the
/// member's new scores against the alert rule.
async fn run(state: &AppState, claimed: ClaimedUploadJob) {
    let ClaimedUploadJob { job, claim, payload } = claimed;
    let (member, id) = (job.member, job.id);
    let (folder, name) = (state.config.upload_dir.clone(), job.source_name.clone());
    let spooled = match tokio::task::spawn_blocking(move || spool_payload(folder, &name, payload)).await {
        Ok(Ok(spooled)) => spooled,
        Ok(Err(error)) => {
            tracing::error!(job = id, %error, "cannot write the upload to a temporary file");
            return release(state, &claim).await;
        }
        Err(error) => {
            tracing::error!(job = id, %error, "writing the upload to a temporary file failed");
            return release(state, &claim).await;
        }
    };
    let guard = state.metrics.import_started();
    let _running = Running::new(&state.jobs.running);
    tracing::info!(member = member.0, job = id, attempt = claim.attempt, "import claimed");
    let heartbeat =
        tokio::spawn(renew_while_running(state.store.clone(), claim.clone(), state.config.import_lease));
    let (store, today, renewer) = (state.store.clone(), state.today(), claim.clone());
    let outcome = tokio::task::spawn_blocking(move || {
        let (_dir, path) = spooled;
        let stage = |stage: &str| {
            if let Err(error) = store.set_upload_job_stage(&renewer, stage) {
                tracing::warn!(job = id, %error, "cannot record the job's stage");
            }
        };
        import(store.as_ref(), &stage, member, &path, &job.source_name, today)
    })
    .await;
    heartbeat.abort();
    let (end, outcome) = match outcome {
        Ok(Ok((result, skipped_rows))) => {
            tracing::info!(member = member.0, job = id, ?result, skipped_rows, "export imported");
            match serde_json::to_value(JobResult { result, skipped_rows }) {
                Ok(recorded) => (Ok(recorded), Outcome::Succeeded),
                Err(error) => {
                    tracing::error!(job = id, %error, "cannot record the job's result");
                    (Err(INTERNAL_FAILURE.to_string()), Outcome::Failed)
                }
            }
        }
        Ok(Err(message)) => {
            tracing::warn!(member = member.0, job = id, %message, "export import failed");
            (Err(message), Outcome::Failed)
        }
        Err(error) => {
            tracing::error!(member = member.0, job = id, %error, "export import task failed");
            (Err(INTERNAL_FAILURE.to_string()), Outcome::Failed)
        }
    };
    let finished = state
        .db(move |store| match &end {
            Ok(recorded) => store.finish_upload_job(&claim, UploadJobEnd::Succeeded(recorded)),
            Err(message) => store.finish_upload_job(&claim, UploadJobEnd::Failed(message)),
        })
        .await;
    match finished {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(job = id, "the job was claimed again meanwhile; the other claim finishes it")
        }
        // Its claim lapses: another worker imports it again, which stores nothing twice.
        Err(error) => tracing::error!(job = id, %error, "cannot record how the job ended"),
    }
    guard.finish(outcome);
    if outcome == Outcome::Succeeded
        && let Err(error) = crate::alerts::check_members(state, Some(member)).await
    {
        tracing::error!(member = member.0, job = id, %error, "alert check after the import failed");
    }
}

/// Renews a claim every third of the lease until aborted (the import's end).
async fn renew_while_running(store: Arc<dyn Backend>, claim: UploadJobClaim, lease: Duration) {
    let mut every = tokio::time::interval(lease / 3);
    every.tick().await;
    loop {
        every.tick().await;
        let renewing = claim.clone();
        let store = Arc::clone(&store);
        match tokio::task::spawn_blocking(move || store.renew_upload_job(&renewing)).await {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => {
                tracing::warn!(job = claim.id, "the job's claim lapsed and another worker took it");
                return;
            }
            Ok(Err(error)) => tracing::warn!(job = claim.id, %error, "cannot renew the job's claim"),
            Err(error) => tracing::warn!(job = claim.id, %error, "the claim renewal failed"),
        }
    }
}
