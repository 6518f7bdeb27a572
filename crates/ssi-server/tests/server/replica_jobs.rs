//! Upload import jobs across replicas, on the suite's backend: a job accepted by one
//! replica is read and imported by another; replicas racing for many jobs import each
//! exactly once; ids are never reused after deletion and a restart; and, with real
//! `ssi-server` processes on one database, a replica killed with SIGKILL in the middle of
//! an import leaves nothing of it, and the other replica completes the same job once its
//! lease lapses, storing exactly what a clean import stores.

use crate::process::{ServerProcess, agent, call, member_with_token, sample_export_bytes, upload};
use crate::support::{
    Fixture, json_request, off_runtime, send, server_database, small_export_zip, test_config, today,
};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;
use ssi_server::{AppState, DatabaseUrl};
use ssi_store::MemberId;
use std::time::{Duration, Instant};

/// A second server on the fixture's database, with its own store and workers.
fn second_replica(first: &Fixture) -> AppState {
    let store = off_runtime(|| first.database.open(4)).unwrap();
    AppState::new(store, test_config(first.database.clone())).with_today(today())
}

/// A replica whose import workers have stopped (as after its shutdown began) while it
/// still accepts uploads: its workers are started on a copy of its state whose shutdown
/// is already cancelled, so they end at once and are never started again.
fn without_workers(state: &AppState) {
    let mut stopped = state.clone();
    stopped.shutdown = tokio_util::sync::CancellationToken::new();
    stopped.shutdown.cancel();
    state.jobs.start_workers(&stopped);
}

fn upload_request(member: MemberId, token: &str, bytes: Vec<u8>) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(format!("/api/v1/members/{}/exports?name=Basic_LinkedInDataExport_11-20-2026.zip", member.0))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/zip")
        .body(Body::from(bytes))
        .unwrap()
}

async fn get_job(state: &AppState, job: u64, token: &str) -> (StatusCode, Value) {
    let reply = send(
        ssi_server::app(state.clone()),
        json_request("GET", &format!("/api/v1/jobs/{job}"), Some(token), None),
    )
    .await;
    (reply.status, serde_json::from_slice(&reply.body).unwrap_or(Value::Null))
}

/// Polls a job on `state` until it finishes (at most about 60 s).
async fn finished_on(state: &AppState, job: u64, token: &str) -> Value {
    for _ in 0..600 {
        let (status, body) = get_job(state, job, token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if body["state"] == "succeeded" || body["state"] == "failed" {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("job {job} did not finish");
}

#[tokio::test]
async fn a_job_uploaded_on_one_replica_is_read_and_imported_on_another() {
    let a = Fixture::new();
    let b = second_replica(&a);
    without_workers(&a.state);
    let token = a.alice_token.secret.clone();
    let reply = a.send(upload_request(a.alice, &token, small_export_zip())).await.expect(202);
    let job = reply.json();
    let id = job["id"].as_u64().unwrap();
    assert_eq!(job["state"], "queued", "{job}");

    // B answers for the job A accepted, as A does; nobody imports it yet.
    tokio::time::sleep(ssi_server_poll() * 2).await;
    let (status, on_b) = get_job(&b, id, &token).await;
    assert_eq!(status, StatusCode::OK, "{on_b}");
    assert_eq!(
        (on_b["state"].clone(), on_b["member"].clone()),
        (Value::from("queued"), Value::from(a.alice.0))
    );
    assert_eq!(on_b, get_job(&a.state, id, &token).await.1, "both replicas read the same row");
    // Authorisation is B's own, as on A: a teammate is told there is no such job.
    assert_eq!(get_job(&b, id, &a.bob_token.secret).await.0, StatusCode::NOT_FOUND);

    // B's workers find the job by polling (A has none to wake) and import it.
    b.jobs.start_workers(&b);
    let done = finished_on(&a.state, id, &token).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["result"]["outcome"], "imported", "{done}");
    assert_eq!(done, finished_on(&b, id, &token).await);
    let imports = a.with_store(|store| store.imports(a.alice)).unwrap();
    assert_eq!(imports.len(), 1);
    let row = a.with_store(|store| store.upload_job(id as i64)).unwrap();
    assert_eq!(row.attempts, 1, "claimed once");
    assert_eq!(a.state.jobs.running() + b.jobs.running(), 0);
}

/// The polling interval of idle workers (`jobs::POLL_INTERVAL`), as documented.
fn ssi_server_poll() -> Duration {
    Duration::from_secs(1)
}

#[tokio::test]
async fn replicas_racing_for_many_uploads_import_each_exactly_once() {
    const MEMBERS: usize = 8;
    let a = Fixture::new();
    let b = second_replica(&a);
    b.jobs.start_workers(&b);
    let admin = a.admin.secret.clone();
    let members: Vec<MemberId> = a.with_store(|store| {
        (0..MEMBERS)
            .map(|n| store.create_member(&format!("Racer {n}"), None, Some(a.team_a)).unwrap().id)
            .collect()
    });
    let mut jobs = Vec::new();
    for (n, member) in members.iter().enumerate() {
        // Uploads alternate between the replicas: each wakes its own workers, and the
        // other replica's idle workers poll for the same jobs.
        let app = if n % 2 == 0 { a.app() } else { ssi_server::app(b.clone()) };
        let reply = send(app, upload_request(*member, &admin, small_export_zip())).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED);
        let job: Value = serde_json::from_slice(&reply.body).unwrap();
        jobs.push(job["id"].as_u64().unwrap());
    }
    for (job, member) in jobs.iter().zip(&members) {
        let done = finished_on(&a.state, *job, &admin).await;
        assert_eq!(
            (done["state"].as_str(), done["result"]["outcome"].as_str()),
            (Some("succeeded"), Some("imported")),
            "{done}"
        );
        let row = a.with_store(|store| store.upload_job(*job as i64)).unwrap();
        assert_eq!(row.attempts, 1, "job {job} was claimed once");
        assert_eq!(a.with_store(|store| store.imports(*member)).unwrap().len(), 1, "imported once");
    }
    assert_eq!(a.with_store(|store| store.unfinished_upload_jobs()).unwrap(), 0);
}

#[tokio::test]
async fn job_ids_are_never_reused_after_deletion_and_a_restart() {
    let a = Fixture::new();
    without_workers(&a.state);
    let admin = a.admin.secret.clone();
    let leaving = a.with_store(|store| store.create_member("Leaving Lou", None, None)).unwrap().id;
    let mut earlier = Vec::new();
    for _ in 0..3 {
        let reply = a.send(upload_request(leaving, &admin, small_export_zip())).await.expect(202).json();
        earlier.push(reply["id"].as_u64().unwrap());
    }
    // The member goes, and the newest jobs with them.
    a.json("DELETE", &format!("/api/v1/members/{}", leaving.0), Some(&admin), None).await.expect(204);
    assert_eq!(get_job(&a.state, earlier[2], &admin).await.0, StatusCode::NOT_FOUND);
    // A restart: a new server over the same database.
    let restarted = second_replica(&a);
    without_workers(&restarted);
    let reply =
        send(ssi_server::app(restarted.clone()), upload_request(a.carol, &admin, small_export_zip())).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    let next = serde_json::from_slice::<Value>(&reply.body).unwrap()["id"].as_u64().unwrap();
    assert!(
        earlier.iter().all(|&id| next > id),
        "a new job's id {next} follows every earlier one {earlier:?}"
    );
}

/// The member's stored state a clean import determines: events, imports, and the score.
fn stored_state(
    agent: &ureq::Agent,
    base: &str,
    database: &DatabaseUrl,
    member: i64,
    token: &str,
) -> (usize, usize, Value) {
    let store = database.open(2).unwrap();
    let events = store.scoring_inputs(MemberId(member)).unwrap().events.len();
    let imports = store.imports(MemberId(member)).unwrap().len();
    let (status, score) =
        call(agent, "GET", &format!("{base}/api/v1/members/{member}/score"), Some(token), None).unwrap();
    assert_eq!(status, 200, "{score}");
    (events, imports, score)
}

/// A score without what names the member.
fn figures(mut score: Value) -> Value {
    if let Some(fields) = score.as_object_mut() {
        fields.remove("member");
        fields.remove("name");
    }
    score
}

/// Polls a job on a server until `done` says so (bounded by `within`).
fn poll_job(
    agent: &ureq::Agent,
    base: &str,
    job: i64,
    token: &str,
    within: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let (status, body) =
            call(agent, "GET", &format!("{base}/api/v1/jobs/{job}"), Some(token), None).unwrap();
        assert_eq!(status, 200, "{body}");
        if done(&body) {
            return body;
        }
        assert!(Instant::now() < deadline, "job {job} on {base}: {body}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn sigkill_of_a_replica_during_an_upload_import_leaves_nothing_and_another_completes_the_job() {
    const LEASE: &str = "3";
    let dir = tempfile::tempdir().unwrap();
    let database = server_database(dir.path());
    let url: DatabaseUrl = database.as_ref().to_str().unwrap().parse().unwrap();
    let vars = [("SSI_IMPORT_LEASE_SECS", LEASE), ("SSI_MAX_CONCURRENT_IMPORTS", "1")];
    let agent = agent();
    let bytes = sample_export_bytes();
    let mut a = ServerProcess::start(dir.path(), &database, &[], &vars);

    // A clean import of the export: the reference, and how long an import takes.
    let (_, reference, reference_token) = member_with_token(&agent, &a, "Reference Rita");
    let started = Instant::now();
    let (status, job) = upload(&agent, &a.base, reference, &reference_token, &bytes).unwrap();
    assert_eq!(status, 202, "{job}");
    let clean = poll_job(
        &agent,
        &a.base,
        job["id"].as_i64().unwrap(),
        &reference_token,
        Duration::from_secs(180),
        |j| j["state"] == "succeeded" || j["state"] == "failed",
    );
    let duration = started.elapsed();
    assert_eq!(clean["state"], "succeeded", "{clean}");
    let expected = stored_state(&agent, &a.base, &url, reference, &reference_token);
    assert!(expected.0 > 10_000 && expected.1 == 1, "{expected:?}");

    // The same export for another member, on A; killed while A stores its events.
    let (_, member, token) = member_with_token(&agent, &a, "Killed Kai");
    let (status, job) = upload(&agent, &a.base, member, &token, &bytes).unwrap();
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_i64().unwrap();
    let storing = poll_job(&agent, &a.base, id, &token, Duration::from_secs(120), |j| {
        j["state"] != "queued" && j["stage"] != "reading the export"
    });
    assert_eq!(storing["state"], "running", "{storing}");
    std::thread::sleep(duration / 5);
    a.kill();

    // Nothing of the interrupted import is stored; the job is still A's, running.
    let store = off_runtime(|| url.open(2)).unwrap();
    let left = store.upload_job(id).unwrap();
    assert_eq!(
        left.state,
        ssi_store::UploadJobState::Running,
        "killed mid-import ({duration:?} import): {left:?}"
    );
    assert_eq!(store.scoring_inputs(MemberId(member)).unwrap().events.len(), 0, "no partial import");
    assert!(store.imports(MemberId(member)).unwrap().is_empty(), "no partial import");
    drop(store);

    // B, on the same database, takes the job over once A's lease lapses, and completes it.
    let b = ServerProcess::start(dir.path(), &database, &[], &vars);
    let done = poll_job(&agent, &b.base, id, &token, Duration::from_secs(60), |j| {
        j["state"] == "succeeded" || j["state"] == "failed"
    });
    assert_eq!(done["id"], job["id"], "the same job");
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["result"], clean["result"], "the same result as a clean import");
    let after = off_runtime(|| url.open(2)).unwrap().upload_job(id).unwrap();
    assert_eq!(after.attempts, 2, "claimed by A, then once by B");
    let (events, imports, score) = stored_state(&agent, &b.base, &url, member, &token);
    assert_eq!((events, imports), (expected.0, expected.1), "exactly what a clean import stores");
    assert_eq!(figures(score), figures(expected.2), "the same scores as a clean import");
    eprintln!(
        "killed {:?} into a {duration:?} import; B completed job {id} after the {LEASE} s lease",
        duration / 5
    );
}
