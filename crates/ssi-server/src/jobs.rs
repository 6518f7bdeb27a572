//! Import jobs: an uploaded export is imported in the background, and its progress and
//! result are readable from `GET /api/v1/jobs/{job}`.
//!
//! Jobs live in memory (the import itself is recorded in the store, with its report); the
//! registry keeps the most recent [`KEPT_JOBS`] jobs. A semaphore bounds how many imports
//! run at once; the others wait as `queued`.

use crate::wire::{ImportResult, JobState, JobView};
use chrono::Utc;
use ssi_store::MemberId;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::Semaphore;

/// How many jobs the registry remembers; older finished jobs are forgotten first.
pub(crate) const KEPT_JOBS: usize = 1000;

/// The registry of import jobs.
#[derive(Debug)]
pub struct Jobs {
    next: AtomicU64,
    jobs: Mutex<BTreeMap<u64, JobView>>,
    slots: Arc<Semaphore>,
}

/// The first job id of this run: the Unix time in milliseconds (at least 1).
fn first_job_id() -> u64 {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX / 2));
    millis.max(1)
}

impl Jobs {
    /// An empty registry allowing `concurrency` imports at once.
    pub fn new(concurrency: usize) -> Jobs {
        Jobs {
            // Ids go on from the clock's milliseconds, so a restart never hands out an id
            // that an earlier run gave (an old `Location` never names a new job).
            next: AtomicU64::new(first_job_id()),
            jobs: Mutex::new(BTreeMap::new()),
            slots: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<u64, JobView>> {
        // Every update replaces whole fields, so a poisoned map is still consistent.
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a queued job for an upload of `bytes` bytes.
    pub fn create(&self, member: MemberId, bytes: u64) -> JobView {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let job = JobView {
            id,
            member: member.0,
            state: JobState::Queued,
            stage: "waiting for an import slot".into(),
            bytes,
            created: Utc::now(),
            finished: None,
            result: None,
            skipped_rows: None,
            error: None,
        };
        let mut jobs = self.lock();
        jobs.insert(id, job.clone());
        if jobs.len() > KEPT_JOBS {
            let forgettable: Vec<u64> = jobs
                .values()
                .filter(|j| matches!(j.state, JobState::Succeeded | JobState::Failed))
                .map(|j| j.id)
                .take(jobs.len() - KEPT_JOBS)
                .collect();
            for id in forgettable {
                jobs.remove(&id);
            }
        }
        job
    }

    /// The job with this id.
    pub fn get(&self, id: u64) -> Option<JobView> {
        self.lock().get(&id).cloned()
    }

    /// Moves a job to running, with a stage description.
    pub fn stage(&self, id: u64, stage: &str) {
        if let Some(job) = self.lock().get_mut(&id) {
            job.state = JobState::Running;
            job.stage = stage.to_string();
        }
    }

    /// Marks a job succeeded with its result.
    pub fn succeed(&self, id: u64, result: ImportResult, skipped_rows: u64) {
        if let Some(job) = self.lock().get_mut(&id) {
            job.state = JobState::Succeeded;
            job.stage = "done".into();
            job.finished = Some(Utc::now());
            job.result = Some(result);
            job.skipped_rows = Some(skipped_rows);
        }
    }

    /// Marks a job failed with a message for the member (never internals).
    pub fn fail(&self, id: u64, message: String) {
        if let Some(job) = self.lock().get_mut(&id) {
            job.state = JobState::Failed;
            job.stage = "failed".into();
            job.finished = Some(Utc::now());
            job.error = Some(message);
        }
    }

    /// The semaphore bounding concurrent imports.
    pub fn slots(&self) -> Arc<Semaphore> {
        Arc::clone(&self.slots)
    }

    /// Jobs not yet finished.
    pub fn unfinished(&self) -> usize {
        self.lock().values().filter(|j| matches!(j.state, JobState::Queued | JobState::Running)).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_moves_from_queued_to_a_result() {
        let jobs = Jobs::new(1);
        let job = jobs.create(MemberId(3), 1234);
        assert_eq!(job.state, JobState::Queued);
        assert_eq!(jobs.unfinished(), 1);
        jobs.stage(job.id, "reading the export");
        assert_eq!(jobs.get(job.id).unwrap().state, JobState::Running);
        jobs.fail(job.id, "not a zip".into());
        let failed = jobs.get(job.id).unwrap();
        assert_eq!((failed.state, failed.error.as_deref()), (JobState::Failed, Some("not a zip")));
        assert!(failed.finished.is_some());
        assert_eq!(jobs.unfinished(), 0);
        assert_ne!(jobs.create(MemberId(3), 1).id, job.id);
    }

    #[test]
    fn old_finished_jobs_are_forgotten_first() {
        let jobs = Jobs::new(1);
        let running = jobs.create(MemberId(1), 1);
        for _ in 0..KEPT_JOBS + 5 {
            let job = jobs.create(MemberId(1), 1);
            jobs.fail(job.id, "x".into());
        }
        assert!(jobs.get(running.id).is_some(), "an unfinished job is kept");
        assert!(jobs.lock().len() <= KEPT_JOBS + 1);
    }
}
