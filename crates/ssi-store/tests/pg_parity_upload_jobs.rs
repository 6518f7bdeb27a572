//! Parity of the PostgreSQL store with SQLite for upload import jobs: enqueueing,
//! claiming (oldest first, once, leases that lapse, claims that run out), stages, renewal,
//! finishing and giving back under a claim that must still hold, ids never reused; and on
//! both, claimers racing for many jobs each take a job exactly once; on PostgreSQL, a
//! claimer passes over a job another transaction holds instead of waiting for it
//! (`tests/parity/mod.rs`).

mod parity;

use parity::{Both, Comparable, HeldTransaction, pg_rows, within};
use ssi_store::pg::PgStore;
use ssi_store::{
    Backend, CLAIMED_STAGE, ClaimedUploadJob, MAX_UPLOAD_JOB_ATTEMPTS, MemberId, QUEUED_STAGE, Store,
    StoreError, UploadJob, UploadJobClaim, UploadJobEnd, UploadJobState,
};
use std::collections::BTreeSet;
use std::process::ExitCode;
use std::sync::{Arc, Barrier};
use std::time::Duration;

fn main() -> ExitCode {
    parity::run(scenarios![
        jobs_are_enqueued_and_read_alike,
        a_claimed_job_is_staged_finished_and_its_upload_cleared_alike,
        a_lapsed_claim_is_claimed_again_and_the_old_claim_changes_nothing,
        a_released_job_is_queued_again_and_claims_run_out,
        job_ids_are_never_reused_after_deletion,
        racing_claimers_take_each_job_exactly_once,
        a_claimer_passes_over_a_job_another_transaction_holds,
    ])
}

const LEASE: Duration = Duration::from_secs(300);

impl Comparable for UploadJob {
    fn without_clock(self) -> Self {
        UploadJob {
            created: chrono::DateTime::UNIX_EPOCH,
            finished: self.finished.map(|_| chrono::DateTime::UNIX_EPOCH),
            ..self
        }
    }
}

impl Comparable for UploadJobClaim {}

impl Comparable for ClaimedUploadJob {
    fn without_clock(self) -> Self {
        ClaimedUploadJob { job: self.job.without_clock(), ..self }
    }
}

/// Members "Ann" and "Ben" on both stores.
fn ann_and_ben(both: &Both) -> (MemberId, MemberId) {
    let ann = same!(both, "ann", create_member("Ann", None, None)).unwrap().id;
    let ben = same!(both, "ben", create_member("Ben", None, None)).unwrap().id;
    (ann, ben)
}

/// How many jobs still hold their upload, on each backend.
fn payloads_kept(both: &Both) -> (i64, i64) {
    let sql = "SELECT count(*) FROM upload_jobs WHERE payload IS NOT NULL";
    let conn = rusqlite::Connection::open(both.sqlite.path()).unwrap();
    let sqlite: i64 = conn.query_row(sql, [], |row| row.get(0)).unwrap();
    (sqlite, pg_rows(&both.url, sql)[0].get(0))
}

fn jobs_are_enqueued_and_read_alike(both: &Both) {
    let (ann, _) = ann_and_ben(both);
    let unknown = same!(both, "unknown member", enqueue_upload_job(MemberId(99), "export.zip", b"PK"));
    assert!(matches!(unknown, Err(StoreError::NotFound { .. })), "{unknown:?}");
    let empty = same!(both, "empty upload", enqueue_upload_job(ann, "export.zip", b""));
    assert!(matches!(empty, Err(StoreError::InvalidData { .. })), "{empty:?}");
    let nameless = same!(both, "no name", enqueue_upload_job(ann, "  ", b"PK"));
    assert!(matches!(nameless, Err(StoreError::InvalidData { .. })), "{nameless:?}");

    let job = same!(both, "enqueue", enqueue_upload_job(ann, " export.zip ", b"PK\x03\x04zip")).unwrap();
    assert_eq!(
        (job.member, job.source_name.as_str(), job.bytes, job.state, job.stage.as_str(), job.attempts),
        (ann, "export.zip", 7, UploadJobState::Queued, QUEUED_STAGE, 0)
    );
    assert_eq!((job.finished, job.result.clone(), job.error.clone()), (None, None, None));
    let read = same!(both, "read", upload_job(job.id)).unwrap();
    assert_eq!(read.without_clock(), job.clone().without_clock());
    let second = same!(both, "second", enqueue_upload_job(ann, "export.zip", b"PK")).unwrap();
    assert!(second.id > job.id);
    assert_eq!(same!(both, "unfinished", unfinished_upload_jobs().map(|n| n as usize)).unwrap(), 2);
    let missing = same!(both, "missing", upload_job(second.id + 1));
    assert!(matches!(missing, Err(StoreError::NotFound { .. })), "{missing:?}");
}

fn a_claimed_job_is_staged_finished_and_its_upload_cleared_alike(both: &Both) {
    let (ann, ben) = ann_and_ben(both);
    let first = same!(both, "first", enqueue_upload_job(ann, "a.zip", b"first")).unwrap();
    let second = same!(both, "second", enqueue_upload_job(ben, "b.zip", b"second")).unwrap();
    let nameless = same!(both, "nameless worker", claim_upload_job(" ", LEASE));
    assert!(matches!(nameless, Err(StoreError::InvalidData { .. })), "{nameless:?}");

    // Oldest first, with its upload, under a claim of attempt 1.
    let claimed = same!(both, "claim", claim_upload_job("w1", LEASE)).unwrap().unwrap();
    assert_eq!((claimed.job.id, claimed.payload.as_slice()), (first.id, b"first".as_slice()));
    assert_eq!(
        (claimed.job.state, claimed.job.stage.as_str(), claimed.job.attempts),
        (UploadJobState::Running, CLAIMED_STAGE, 1)
    );
    assert_eq!(claimed.claim, UploadJobClaim { id: first.id, worker: "w1".into(), attempt: 1 });
    let next = same!(both, "next claim", claim_upload_job("w2", LEASE)).unwrap().unwrap();
    assert_eq!(next.job.id, second.id, "a running job under a live claim is not claimed again");
    assert_eq!(same!(both, "none left", claim_upload_job("w3", LEASE)).unwrap(), None);

    assert!(same!(both, "stage", set_upload_job_stage(&claimed.claim, "storing events")).unwrap());
    assert_eq!(same!(both, "staged", upload_job(first.id)).unwrap().stage, "storing events");
    assert!(same!(both, "renew", renew_upload_job(&claimed.claim)).unwrap());

    let result = serde_json::json!({"result": {"outcome": "imported", "events_added": 3}, "skipped_rows": 0});
    assert!(
        same!(both, "finish", finish_upload_job(&claimed.claim, UploadJobEnd::Succeeded(&result))).unwrap()
    );
    let done = same!(both, "done", upload_job(first.id)).unwrap();
    assert_eq!(
        (done.state, done.stage.as_str(), done.result, done.error),
        (UploadJobState::Succeeded, "done", Some(result.clone()), None)
    );
    assert!(done.finished.is_some());
    // A finished job's claim changes nothing more.
    assert!(
        !same!(both, "finish twice", finish_upload_job(&claimed.claim, UploadJobEnd::Failed("late")))
            .unwrap()
    );
    assert!(!same!(both, "stage after", set_upload_job_stage(&claimed.claim, "late")).unwrap());
    assert!(!same!(both, "release after", release_upload_job(&claimed.claim)).unwrap());

    assert!(same!(both, "fail", finish_upload_job(&next.claim, UploadJobEnd::Failed("not a zip"))).unwrap());
    let failed = same!(both, "failed", upload_job(second.id)).unwrap();
    assert_eq!(
        (failed.state, failed.error.as_deref(), failed.result),
        (UploadJobState::Failed, Some("not a zip"), None)
    );
    assert_eq!(same!(both, "unfinished", unfinished_upload_jobs().map(|n| n as usize)).unwrap(), 0);
    assert_eq!(payloads_kept(both), (0, 0), "a finished job keeps no upload");
}

fn a_lapsed_claim_is_claimed_again_and_the_old_claim_changes_nothing(both: &Both) {
    let (ann, _) = ann_and_ben(both);
    let job = same!(both, "enqueue", enqueue_upload_job(ann, "a.zip", b"upload")).unwrap();
    let dead = same!(both, "claim", claim_upload_job("dead", LEASE)).unwrap().unwrap();
    // Under a lease of a second, the claim lapses once a second has passed without renewal.
    let short = Duration::from_secs(1);
    assert_eq!(same!(both, "still held", claim_upload_job("alive", Duration::from_secs(60))).unwrap(), None);
    std::thread::sleep(Duration::from_millis(2100));
    let taken = same!(both, "taken over", claim_upload_job("alive", short)).unwrap().unwrap();
    assert_eq!(
        (taken.job.id, taken.claim.attempt, taken.payload.as_slice()),
        (job.id, 2, b"upload".as_slice())
    );
    // The dead claimer, come back, can no longer change the job.
    assert!(!same!(both, "old renew", renew_upload_job(&dead.claim)).unwrap());
    assert!(!same!(both, "old stage", set_upload_job_stage(&dead.claim, "x")).unwrap());
    assert!(!same!(both, "old finish", finish_upload_job(&dead.claim, UploadJobEnd::Failed("x"))).unwrap());
    assert!(same!(both, "new finish", finish_upload_job(&taken.claim, UploadJobEnd::Failed("y"))).unwrap());
    assert_eq!(same!(both, "end", upload_job(job.id)).unwrap().error.as_deref(), Some("y"));
}

fn a_released_job_is_queued_again_and_claims_run_out(both: &Both) {
    let (ann, _) = ann_and_ben(both);
    let job = same!(both, "enqueue", enqueue_upload_job(ann, "a.zip", b"upload")).unwrap();
    for attempt in 1..=MAX_UPLOAD_JOB_ATTEMPTS {
        let claimed = same!(both, "claim", claim_upload_job("w", LEASE)).unwrap().unwrap();
        assert_eq!(claimed.claim.attempt, attempt);
        assert!(same!(both, "release", release_upload_job(&claimed.claim)).unwrap());
        let queued = same!(both, "queued", upload_job(job.id)).unwrap();
        assert_eq!(
            (queued.state, queued.stage.as_str(), queued.attempts),
            (UploadJobState::Queued, QUEUED_STAGE, attempt)
        );
    }
    // Claimed as often as a job may be: failed, never handed out again.
    assert_eq!(same!(both, "exhausted", claim_upload_job("w", LEASE)).unwrap(), None);
    let failed = same!(both, "failed", upload_job(job.id)).unwrap();
    assert_eq!(failed.state, UploadJobState::Failed);
    assert!(failed.error.as_deref().is_some_and(|e| e.contains("upload again")), "{failed:?}");
    assert_eq!(payloads_kept(both), (0, 0));
}

fn job_ids_are_never_reused_after_deletion(both: &Both) {
    let (ann, ben) = ann_and_ben(both);
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(same!(both, "ann's", enqueue_upload_job(ann, "a.zip", b"x")).unwrap().id);
    }
    // Deleting the member deletes the newest jobs too: their ids are not handed out again.
    same!(both, "delete", delete_member(ann)).unwrap();
    let gone = same!(both, "gone", upload_job(seen[2]));
    assert!(matches!(gone, Err(StoreError::NotFound { .. })), "{gone:?}");
    let next = same!(both, "ben's", enqueue_upload_job(ben, "b.zip", b"x")).unwrap().id;
    assert!(seen.iter().all(|&earlier| next > earlier), "{next} after {seen:?}");
    // Nor after reopening the store (a restart).
    let sqlite = Store::open(both.sqlite.path()).unwrap();
    let pg = PgStore::open(&both.url, 2).unwrap();
    let (a, b) = (
        sqlite.enqueue_upload_job(ben, "b.zip", b"x").unwrap().id,
        pg.enqueue_upload_job(ben, "b.zip", b"x").unwrap().id,
    );
    assert_eq!(a, b);
    assert!(a > next);
}

/// Claimers on their own threads (replicas) take jobs until none is left; returns the ids each took.
fn race(store: Arc<dyn Backend>, claimers: usize) -> Vec<Vec<i64>> {
    let start = Arc::new(Barrier::new(claimers));
    let threads: Vec<_> = (0..claimers)
        .map(|n| {
            let (store, start) = (Arc::clone(&store), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                let mut taken = Vec::new();
                while let Some(job) = store.claim_upload_job(&format!("replica-{n}"), LEASE).unwrap() {
                    assert!(store.finish_upload_job(&job.claim, UploadJobEnd::Failed("raced")).unwrap());
                    taken.push(job.job.id);
                }
                taken
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn racing_claimers_take_each_job_exactly_once(both: &Both) {
    const JOBS: usize = 60;
    let (ann, _) = ann_and_ben(both);
    let stores: [(&str, Arc<dyn Backend>); 2] = [
        ("SQLite", Arc::new(Store::open(both.sqlite.path()).unwrap())),
        ("PostgreSQL", Arc::new(PgStore::open(&both.url, 8).unwrap())),
    ];
    for (name, store) in stores {
        let enqueued: BTreeSet<i64> =
            (0..JOBS).map(|_| store.enqueue_upload_job(ann, "a.zip", b"x").unwrap().id).collect();
        // Two stores on one database (two replicas), two claimers each.
        let other: Arc<dyn Backend> = if name == "SQLite" {
            Arc::new(Store::open(both.sqlite.path()).unwrap())
        } else {
            Arc::new(PgStore::open(&both.url, 8).unwrap())
        };
        let (a, b) = (
            std::thread::spawn({
                let store = Arc::clone(&store);
                move || race(store, 2)
            }),
            std::thread::spawn(move || race(other, 2)),
        );
        let taken: Vec<i64> = a.join().unwrap().into_iter().chain(b.join().unwrap()).flatten().collect();
        let distinct: BTreeSet<i64> = taken.iter().copied().collect();
        assert_eq!(taken.len(), distinct.len(), "{name}: a job was claimed twice: {taken:?}");
        assert_eq!(distinct, enqueued, "{name}: every job is claimed");
        assert_eq!(store.unfinished_upload_jobs().unwrap(), 0, "{name}");
    }
}

fn a_claimer_passes_over_a_job_another_transaction_holds(both: &Both) {
    let (ann, _) = ann_and_ben(both);
    let held = both.pg.enqueue_upload_job(ann, "a.zip", b"held").unwrap();
    let free = both.pg.enqueue_upload_job(ann, "b.zip", b"free").unwrap();
    // Another replica's claiming transaction holds the oldest job's row.
    let other = HeldTransaction::begin(
        &both.url,
        &format!("SELECT id FROM upload_jobs WHERE id = {} FOR UPDATE", held.id),
    );
    let pg = both.pg.clone();
    let claimed = within(5, move || pg.claim_upload_job("w", LEASE).unwrap()).expect("the free job");
    assert_eq!(claimed.job.id, free.id, "the held job is passed over, not waited for");
    other.commit();
    let next = both.pg.claim_upload_job("w", LEASE).unwrap().expect("the job no longer held");
    assert_eq!(next.job.id, held.id);
}
