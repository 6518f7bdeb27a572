//! Sessions and the daily job across replicas, on the suite's backend: two `AppState`s
//! on one database (two processes on SQLite's file, two replicas on PostgreSQL). A
//! session started through one is honoured by the other and by a restarted server,
//! ended everywhere by a sign-out or a revocation through either, refused once expired,
//! and stored only as the hash of its id. The daily job claims its day in the database:
//! of two replicas running it at once, one materialises and the other skips; the next day
//! runs again; a claim left unfinished by a dead replica is taken over once stale.

use crate::replicas::second_replica;
use crate::support::{Fixture, Token, json_request, on_postgres, send, small_export_zip, today};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{Days, TimeDelta, Utc};
use sha2::{Digest, Sha256};
use ssi_server::{AppState, COOKIE_NAME, DAILY_CLAIM_STALE_AFTER, DatabaseUrl, run_daily_job};

/// Signs in through `state`'s sign-in form; returns the `Cookie` header value to send.
async fn sign_in(state: &AppState, token: &Token) -> String {
    let form = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={}", token.secret)))
        .unwrap();
    let reply = send(ssi_server::app(state.clone()), form).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let set_cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
    set_cookie.split(';').next().unwrap().to_string()
}

/// The session id a `Cookie` header value carries.
fn session_id(cookie: &str) -> &str {
    cookie.strip_prefix(&format!("{COOKIE_NAME}=")).expect("a session cookie")
}

/// The status of the team page asked through `state` with the cookie.
async fn team_page(state: &AppState, fixture: &Fixture, cookie: &str) -> StatusCode {
    let request = Request::get(format!("/teams/{}", fixture.team_a.0))
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    send(ssi_server::app(state.clone()), request).await.status
}

async fn sign_out(state: &AppState, cookie: &str) -> StatusCode {
    let request = Request::post("/logout").header(header::COOKIE, cookie).body(Body::empty()).unwrap();
    send(ssi_server::app(state.clone()), request).await.status
}

#[tokio::test]
async fn a_session_started_on_one_replica_is_honoured_and_ended_on_the_other() {
    let a = Fixture::new();
    let b = second_replica(&a);
    let cookie = sign_in(&a.state, &a.manager_a).await;
    for _ in 0..2 {
        assert_eq!(team_page(&b, &a, &cookie).await, StatusCode::OK, "signed in on A, known to B");
    }
    // Sign-out on A: B refuses the cookie on its next request.
    assert_eq!(sign_out(&a.state, &cookie).await, StatusCode::SEE_OTHER);
    assert_eq!(team_page(&b, &a, &cookie).await, StatusCode::UNAUTHORIZED, "signed out on A, refused on B");
    assert_eq!(team_page(&a.state, &a, &cookie).await, StatusCode::UNAUTHORIZED);

    // Revoked through A's API: B's next page request is refused, though B just served it.
    let cookie = sign_in(&a.state, &a.manager_a).await;
    assert_eq!(team_page(&b, &a, &cookie).await, StatusCode::OK);
    let revoke =
        json_request("DELETE", &format!("/api/v1/tokens/{}", a.manager_a.id.0), Some(&a.admin.secret), None);
    assert_eq!(send(ssi_server::app(a.state.clone()), revoke).await.status, StatusCode::OK);
    assert_eq!(team_page(&b, &a, &cookie).await, StatusCode::UNAUTHORIZED, "revoked on A, refused on B");
    let left = a.with_store(|store| store.sessions()).unwrap();
    assert!(
        left.iter().all(|s| s.token != a.manager_a.id),
        "the revoked token's sessions are removed: {left:?}"
    );

    // Revoked in the store alone (another process, a revocation whose tidying failed):
    // the session row is still there, and refused all the same, because the lookup
    // joins the token.
    let cookie = sign_in(&b, &a.alice_token).await;
    assert_eq!(team_page(&a.state, &a, &cookie).await, StatusCode::OK);
    a.with_store(|store| store.revoke_token(a.alice_token.id)).unwrap();
    let rows = a.with_store(|store| store.sessions()).unwrap();
    assert!(rows.iter().any(|s| s.token == a.alice_token.id), "the row stays: {rows:?}");
    assert_eq!(team_page(&a.state, &a, &cookie).await, StatusCode::UNAUTHORIZED);
    assert_eq!(team_page(&b, &a, &cookie).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sessions_survive_a_restart_expire_and_are_stored_as_hashes_only() {
    let a = Fixture::new();
    let cookie = sign_in(&a.state, &a.bob_token).await;
    let id = session_id(&cookie).to_string();

    // A new server on the same database (a restart): still signed in.
    let restarted = second_replica(&a);
    assert_eq!(team_page(&restarted, &a, &cookie).await, StatusCode::OK, "a restart signs no one out");

    // The store holds the id's SHA-256, lasting the configured TTL, and the id nowhere.
    let stored = a.with_store(|store| store.sessions()).unwrap();
    assert_eq!(stored.len(), 1, "{stored:?}");
    let expected: [u8; 32] = Sha256::digest(id.as_bytes()).into();
    assert_eq!(stored[0].id_hash, expected);
    assert_eq!(stored[0].token, a.bob_token.id);
    let ttl = TimeDelta::from_std(a.state.config.session_ttl).unwrap();
    assert_eq!(stored[0].expires - stored[0].created, ttl);
    let raw: Vec<u8> =
        (0..id.len()).step_by(2).map(|i| u8::from_str_radix(&id[i..i + 2], 16).unwrap()).collect();
    let contents = database_contents(&a);
    assert!(!contains(&contents, id.as_bytes()), "the database holds the session id as text");
    assert!(!contains(&contents, &raw), "the database holds the session id's bytes");
    assert!(
        on_postgres() || contains(&contents, &expected),
        "the scan reads the sessions (it finds the hash)"
    );

    // A session past its expiry is refused, its token being valid.
    let expired_id = "0".repeat(64);
    let now = Utc::now();
    let hash: [u8; 32] = Sha256::digest(expired_id.as_bytes()).into();
    let (started, ended) = (now - TimeDelta::hours(2), now - TimeDelta::seconds(1));
    a.with_store(|store| store.create_session(&hash, a.bob_token.id, started, ended)).unwrap();
    let expired = format!("{COOKIE_NAME}={expired_id}");
    assert_eq!(team_page(&a.state, &a, &expired).await, StatusCode::UNAUTHORIZED);
    assert_eq!(team_page(&restarted, &a, &expired).await, StatusCode::UNAUTHORIZED);
    assert_eq!(team_page(&a.state, &a, &cookie).await, StatusCode::OK, "the live one still is");
}

/// Everything the database holds: on SQLite the file and its write-ahead log, byte for
/// byte; on PostgreSQL a `pg_dump` of its data.
fn database_contents(fixture: &Fixture) -> Vec<u8> {
    match &fixture.database {
        DatabaseUrl::Sqlite(path) => {
            let mut bytes = std::fs::read(path).unwrap();
            let wal = path.with_extension("db-wal");
            if let Ok(log) = std::fs::read(wal) {
                bytes.extend(log);
            }
            bytes
        }
        DatabaseUrl::Postgres(url) => {
            let bindir = ssi_pg_harness::find_bindir().unwrap();
            let dump = std::process::Command::new(bindir.join("pg_dump"))
                .args(["--data-only", url])
                .output()
                .unwrap();
            assert!(dump.status.success(), "pg_dump: {}", String::from_utf8_lossy(&dump.stderr));
            let text = String::from_utf8(dump.stdout).unwrap();
            assert!(text.contains("COPY public.sessions"), "the dump has the sessions: {text}");
            text.into_bytes()
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// Alice's export imported by a server whose clock said three days before the fixture's
/// today: a run on today has three new days to write for her.
fn three_days_to_materialise(fixture: &Fixture) {
    let path = fixture.dir.path().join("export.zip");
    std::fs::write(&path, small_export_zip()).unwrap();
    let three_days_ago = today() - Days::new(3);
    fixture
        .with_store(|store| {
            let name = "Basic_LinkedInDataExport_11-20-2026.zip";
            ssi_server::import_export(store, &|_| {}, fixture.alice, &path, name, three_days_ago)
        })
        .unwrap();
}

/// The `ssi_daily_job_runs_total` counts of a state: (succeeded, skipped, failed).
async fn daily_counts(state: &AppState) -> (u64, u64, u64) {
    let reply = send(ssi_server::app(state.clone()), json_request("GET", "/metrics", None, None)).await;
    let text = reply.text();
    let count = |outcome: &str| {
        let prefix = format!("ssi_daily_job_runs_total{{outcome=\"{outcome}\"}} ");
        text.lines()
            .find_map(|line| line.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {prefix}in {text}"))
            .parse()
            .unwrap()
    };
    (count("succeeded"), count("skipped"), count("failed"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_job_runs_once_per_day_across_replicas() {
    let a = Fixture::new();
    three_days_to_materialise(&a);
    let b = second_replica(&a);
    let (on_a, on_b) = tokio::join!(run_daily_job(&a.state), run_daily_job(&b));
    let mut written = [on_a.unwrap(), on_b.unwrap()];
    written.sort_unstable();
    assert_eq!(written, [0, 3], "one replica wrote the three days, the other nothing");
    let (a_counts, b_counts) = (daily_counts(&a.state).await, daily_counts(&b).await);
    let mut outcomes = [a_counts, b_counts];
    outcomes.sort_unstable();
    assert_eq!(outcomes, [(0, 1, 0), (1, 0, 0)], "one ran, the other skipped");
    let runs = a.with_store(|store| store.daily_runs()).unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!((runs[0].day, runs[0].rows), (today(), Some(3)));
    assert!(runs[0].finished.is_some() && runs[0].claimed_by.starts_with("pid "), "{runs:?}");

    // A restart the same day skips: the day is done.
    let restarted = second_replica(&a);
    assert_eq!(run_daily_job(&restarted).await.unwrap(), 0);
    assert_eq!(daily_counts(&restarted).await, (0, 1, 0));

    // The next day runs again, on whichever replica comes first, and once.
    let tomorrow = today() + Days::new(1);
    let (next_a, next_b) = (a.state.clone().with_today(tomorrow), b.clone().with_today(tomorrow));
    let (x, y) = tokio::join!(run_daily_job(&next_a), run_daily_job(&next_b));
    x.unwrap();
    y.unwrap();
    let (after_a, after_b) = (daily_counts(&a.state).await, daily_counts(&b).await);
    assert_eq!(after_a.0 + after_b.0, 2, "two days, two runs: {after_a:?} {after_b:?}");
    assert_eq!(after_a.1 + after_b.1, 2, "and two skips: {after_a:?} {after_b:?}");
    let days: Vec<_> = a.with_store(|store| store.daily_runs()).unwrap().iter().map(|r| r.day).collect();
    assert_eq!(days, [today(), tomorrow]);
}

#[tokio::test]
async fn a_claim_left_unfinished_is_respected_while_fresh_and_taken_over_once_stale() {
    let a = Fixture::new();
    three_days_to_materialise(&a);
    let dead = "pid 1 run dead";
    let claim_at = |age: TimeDelta| {
        let claimed = Utc::now() - age;
        a.with_store(|store| {
            store.release_daily_run(today(), dead).unwrap();
            store.claim_daily_run(today(), dead, claimed, claimed - DAILY_CLAIM_STALE_AFTER)
        })
        .unwrap()
    };

    // Claimed a minute ago by a replica still running it: skipped.
    assert!(claim_at(TimeDelta::minutes(1)));
    assert_eq!(run_daily_job(&a.state).await.unwrap(), 0);
    assert_eq!(daily_counts(&a.state).await, (0, 1, 0));
    let run = a.with_store(|store| store.daily_run(today())).unwrap().unwrap();
    assert_eq!((run.claimed_by.as_str(), run.finished), (dead, None));

    // Claimed longer ago than the bound and never finished: its claimer died; taken over.
    assert!(claim_at(DAILY_CLAIM_STALE_AFTER + TimeDelta::minutes(1)));
    assert_eq!(run_daily_job(&a.state).await.unwrap(), 3);
    assert_eq!(daily_counts(&a.state).await, (1, 1, 0));
    let run = a.with_store(|store| store.daily_run(today())).unwrap().unwrap();
    assert_ne!(run.claimed_by, dead);
    assert_eq!(run.rows, Some(3));
    assert!(run.finished.is_some());
    // The dead replica's late finish changes nothing.
    assert!(!a.with_store(|store| store.finish_daily_run(today(), dead, Utc::now(), 99)).unwrap());
}
