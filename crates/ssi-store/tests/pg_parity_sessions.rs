//! Parity of the PostgreSQL store with SQLite for dashboard sessions and the daily job's
//! runs (`tests/parity/mod.rs`): a session is live until it expires or its token is
//! revoked or deleted, kept as its id's hash only; a day's run is claimed once, taken
//! over only when unfinished and stale, finished and given back only by its claimer;
//! on PostgreSQL, claims made at the same moment by several replicas give the day to
//! exactly one, and neither sessions nor claims move the data version.

mod parity;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use parity::{Both, Comparable, pg_rows};
use sha2::{Digest, Sha256};
use ssi_store::{DailyRun, MemberId, Role, SessionRecord, StoreError, TokenId};
use std::process::ExitCode;

fn main() -> ExitCode {
    parity::run(scenarios![
        a_session_is_live_until_it_expires_or_its_token_is_revoked,
        sessions_are_swept_ended_and_go_with_their_token,
        a_day_is_claimed_once_and_taken_over_only_when_stale,
        replicas_claiming_at_once_get_the_day_exactly_once,
        bookkeeping_leaves_the_data_version_alone,
    ])
}

impl Comparable for SessionRecord {}
impl Comparable for DailyRun {}

/// A fixed instant (whole seconds), so both stores are given the same times.
fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 5, hour, 0, 0).unwrap()
}

fn hash(session_id: &str) -> [u8; 32] {
    Sha256::digest(session_id.as_bytes()).into()
}

/// Member "Ann" with a member token, on both stores.
fn ann_with_token(both: &Both) -> (MemberId, TokenId) {
    let ann = same!(both, "ann", create_member("Ann", None, None)).unwrap().id;
    let token = same!(
        both,
        "token",
        install_token("ssi_ann_token_for_sessions_00", Role::Member, Some(ann), None, "ann")
    );
    (ann, token.unwrap().id)
}

fn a_session_is_live_until_it_expires_or_its_token_is_revoked(both: &Both) {
    let (_, token) = ann_with_token(both);
    let id = hash("session one");
    same!(both, "create", create_session(&id, token, at(8), at(20))).unwrap();
    let live = same!(both, "live", session_token(&id, at(9))).unwrap();
    assert_eq!(live.map(|t| t.id), Some(token));
    let unknown = same!(both, "unknown", session_token(&hash("no such session"), at(9))).unwrap();
    assert_eq!(unknown, None);
    let at_expiry = same!(both, "at expiry", session_token(&id, at(20))).unwrap();
    assert_eq!(at_expiry, None, "live strictly before it expires");

    let stored = same!(both, "stored", sessions()).unwrap();
    assert_eq!(stored, [SessionRecord { id_hash: id, token, created: at(8), expires: at(20) }]);
    let err = same!(both, "the same id again", create_session(&id, token, at(9), at(21))).unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    let err = same!(both, "backwards", create_session(&hash("two"), token, at(9), at(9))).unwrap_err();
    assert!(matches!(err, StoreError::InvalidData { .. }), "{err}");
    let err =
        same!(both, "unknown token", create_session(&hash("two"), TokenId(99), at(9), at(10))).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");

    same!(both, "revoke", revoke_token(token)).unwrap();
    let revoked = same!(both, "revoked", session_token(&id, at(9))).unwrap();
    assert_eq!(revoked, None, "a revoked token's session is never live");
    let err = same!(both, "a revoked token signs in", create_session(&hash("three"), token, at(9), at(10)));
    assert!(matches!(err.unwrap_err(), StoreError::NotFound { .. }));
}

fn sessions_are_swept_ended_and_go_with_their_token(both: &Both) {
    let (ann, token) = ann_with_token(both);
    let (old, mid, new) = (hash("old"), hash("mid"), hash("new"));
    same!(both, "old", create_session(&old, token, at(1), at(3))).unwrap();
    same!(both, "mid", create_session(&mid, token, at(2), at(6))).unwrap();
    // Starting a session at 4 sweeps those expired by then.
    same!(both, "new", create_session(&new, token, at(4), at(9))).unwrap();
    let left: Vec<[u8; 32]> =
        same!(both, "after the sweep", sessions()).unwrap().iter().map(|s| s.id_hash).collect();
    assert_eq!(left, [mid, new]);

    assert!(same!(both, "sign out", end_session(&mid)).unwrap());
    assert!(!same!(both, "twice", end_session(&mid)).unwrap());
    assert_eq!(same!(both, "token's", end_token_sessions(token)).unwrap(), 1);
    assert_eq!(same!(both, "none left", end_token_sessions(token)).unwrap(), 0);

    same!(both, "again", create_session(&old, token, at(5), at(9))).unwrap();
    same!(both, "delete ann", delete_member(ann)).unwrap();
    assert!(same!(both, "gone with the token", sessions()).unwrap().is_empty());
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

fn a_day_is_claimed_once_and_taken_over_only_when_stale(both: &Both) {
    let hour = TimeDelta::hours(1);
    let claim = |what: &str, claimant: &str, now: DateTime<Utc>| {
        same!(both, what, claim_daily_run(day(5), claimant, now, now - hour)).unwrap()
    };
    assert!(claim("first", "replica a", at(1)));
    assert!(!claim("second, fresh", "replica b", at(1) + TimeDelta::minutes(59)));
    assert!(!same!(both, "not b's to finish", finish_daily_run(day(5), "replica b", at(2), 5)).unwrap());
    assert!(!same!(both, "not b's to give back", release_daily_run(day(5), "replica b")).unwrap());
    // An hour on, a's claim is unfinished: b takes the day over; a can no longer finish.
    assert!(claim("stale", "replica b", at(2)));
    assert!(!same!(both, "a too late", finish_daily_run(day(5), "replica a", at(2), 5)).unwrap());
    assert!(same!(both, "b finishes", finish_daily_run(day(5), "replica b", at(3), 7)).unwrap());
    // A finished day is never taken over, however old.
    assert!(!claim("finished", "replica c", at(23)));
    let run = same!(both, "the run", daily_run(day(5))).unwrap();
    let expected = DailyRun {
        day: day(5),
        claimed_by: "replica b".into(),
        claimed_at: at(2),
        finished: Some(at(3)),
        rows: Some(7),
    };
    assert_eq!(run, Some(expected));
    assert!(!same!(both, "finished is kept", release_daily_run(day(5), "replica b")).unwrap());

    // Another day is its own; a claim given back frees the day at once.
    assert!(same!(both, "next day", claim_daily_run(day(6), "replica a", at(1), at(0))).unwrap());
    assert!(same!(both, "give back", release_daily_run(day(6), "replica a")).unwrap());
    assert_eq!(same!(both, "freed", daily_run(day(6))).unwrap(), None);
    assert!(same!(both, "claimed again", claim_daily_run(day(6), "replica c", at(1), at(0))).unwrap());
    let days: Vec<NaiveDate> = same!(both, "all", daily_runs()).unwrap().iter().map(|r| r.day).collect();
    assert_eq!(days, [day(5), day(6)]);

    for bad in ["", "   ", &"x".repeat(201)] {
        let err = same!(both, "claimant", claim_daily_run(day(7), bad, at(1), at(0))).unwrap_err();
        assert!(matches!(err, StoreError::InvalidData { .. }), "{err}");
    }
    let err = same!(both, "bound after now", claim_daily_run(day(7), "a", at(1), at(2))).unwrap_err();
    assert!(matches!(err, StoreError::InvalidData { .. }), "{err}");
}

fn replicas_claiming_at_once_get_the_day_exactly_once(both: &Both) {
    const REPLICAS: usize = 8;
    // Each replica its own store (its own pool) on the one database, all released at once.
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(REPLICAS));
    let claims: Vec<_> = (0..REPLICAS)
        .map(|n| {
            let store = ssi_store::pg::PgStore::open(&both.url, 1).unwrap();
            let barrier = std::sync::Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                let now = Utc::now();
                store
                    .claim_daily_run(day(5), &format!("replica {n}"), now, now - TimeDelta::hours(1))
                    .unwrap()
            })
        })
        .collect();
    let won = claims.into_iter().map(|c| c.join().unwrap()).filter(|&won| won).count();
    assert_eq!(won, 1, "exactly one replica gets the day");
    let rows = pg_rows(&both.url, "SELECT count(*) FROM daily_runs");
    assert_eq!(rows[0].get::<_, i64>(0), 1);
}

fn bookkeeping_leaves_the_data_version_alone(both: &Both) {
    let (_, token) = ann_with_token(both);
    let version = both.pg.data_version().unwrap();
    both.pg.create_session(&hash("s"), token, Utc::now(), Utc::now() + TimeDelta::hours(1)).unwrap();
    both.pg.session_token(&hash("s"), Utc::now()).unwrap().unwrap();
    both.pg.end_session(&hash("s")).unwrap();
    let now = Utc::now();
    both.pg.claim_daily_run(day(5), "replica a", now, now - TimeDelta::hours(1)).unwrap();
    both.pg.finish_daily_run(day(5), "replica a", now, 3).unwrap();
    assert_eq!(both.pg.data_version().unwrap(), version, "no cached answer is made from sessions or runs");
    // A revocation does move it: every replica's cached tokens start over.
    both.pg.revoke_token(token).unwrap();
    assert!(both.pg.data_version().unwrap() > version);
}
