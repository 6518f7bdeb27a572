//! Two servers on one database: a second `AppState` over a store of its own on the
//! fixture's database (another process on SQLite's file; another replica on PostgreSQL)
//! sees every write of the first on its very next request, a revoked token included,
//! although both cache tokens and answers. On PostgreSQL, a lost database is answered 503
//! (and `/readyz` 503) and the server recovers by itself when it returns.

use crate::support::{Fixture, json_request, off_runtime, send, test_config, today};
use axum::http::StatusCode;
use serde_json::{Value, json};
use ssi_pg_harness::PgCluster;
use ssi_server::{AppState, DatabaseUrl};
use ssi_store::{Backend, Role};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A second server on the fixture's database, with its own store, caches and sessions.
pub(crate) fn second_replica(first: &Fixture) -> AppState {
    let store = off_runtime(|| first.database.open(4)).unwrap();
    AppState::new(store, test_config(first.database.clone())).with_today(today())
}

async fn get(state: &AppState, uri: &str, token: &str) -> (StatusCode, Value) {
    let reply = send(ssi_server::app(state.clone()), json_request("GET", uri, Some(token), None)).await;
    let body = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
    (reply.status, body)
}

fn names(leaderboard: &Value) -> Vec<String> {
    leaderboard["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_write_through_one_replica_is_visible_through_the_other_at_once() {
    let a = Fixture::new();
    let b = second_replica(&a);
    let admin = a.admin.secret.as_str();
    let bob = a.bob_token.secret.clone();
    let leaderboard = format!("/api/v1/teams/{}/leaderboard", a.team_a.0);
    // B answers, twice: its token and answer caches now hold both tokens and the board.
    for _ in 0..2 {
        let (status, board) = get(&b, &leaderboard, admin).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(names(&board), ["Alice Archer", "Bob Baker"]);
        assert_eq!(get(&b, &leaderboard, &bob).await.0, StatusCode::OK);
    }
    assert_eq!(b.caches.answer_count(), 1, "B serves the leaderboard from memory");

    // A renames Alice: B's very next answer has the new name.
    let rename = json!({"name": "Alice Renamed"});
    a.json("PATCH", &format!("/api/v1/members/{}", a.alice.0), Some(admin), Some(rename)).await.expect(200);
    let (status, board) = get(&b, &leaderboard, admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        names(&board),
        ["Alice Renamed", "Bob Baker"],
        "B never serves an answer older than the database"
    );

    // A revokes Bob's token: B refuses it on the next request, though it remembered it.
    a.json("DELETE", &format!("/api/v1/tokens/{}", a.bob_token.id.0), Some(admin), None).await.expect(200);
    assert_eq!(get(&b, &leaderboard, &bob).await.0, StatusCode::UNAUTHORIZED, "revoked on A, refused on B");
    assert_eq!(get(&a.state, &leaderboard, &bob).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_lost_database_is_503_and_the_server_recovers_by_itself() {
    if !crate::support::on_postgres() {
        eprintln!("skipped on SQLite: pauses a PostgreSQL cluster");
        return;
    }
    // A cluster of its own: pausing the shared one would fail the other tests.
    let mut cluster = PgCluster::for_test();
    let url = cluster.create_database("lost").unwrap();
    let database: DatabaseUrl = url.parse().unwrap();
    let store: Arc<dyn Backend> = off_runtime(|| database.open(4)).unwrap();
    let (admin, _) = off_runtime(|| store.create_token(Role::Admin, None, None, "admin")).unwrap();
    let state = AppState::new(store, test_config(database)).with_today(today());
    let teams = "/api/v1/teams";
    assert_eq!(get(&state, teams, &admin).await.0, StatusCode::OK);
    assert_eq!(get(&state, "/readyz", &admin).await.0, StatusCode::OK);

    cluster.pause();
    assert_eq!(get(&state, teams, &admin).await.0, StatusCode::SERVICE_UNAVAILABLE, "a store call is 503");
    assert_eq!(get(&state, "/readyz", &admin).await.0, StatusCode::SERVICE_UNAVAILABLE);

    cluster.resume().unwrap();
    // The pool reconnects by itself; until it has, nothing but 503 is answered.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, _) = get(&state, teams, &admin).await;
        if status == StatusCode::OK {
            break;
        }
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "no 5xx but 503 while reconnecting");
        assert!(Instant::now() < deadline, "the server did not recover within 30 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(get(&state, "/readyz", &admin).await.0, StatusCode::OK);
}
