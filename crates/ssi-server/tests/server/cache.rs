//! The token and answer caches: a cached leaderboard or history changes after any write
//! (through the API, or by another store on the same database, as the CLI or a second
//! replica would write), a revoked
//! token stops at once, cached bytes equal fresh ones, and every request is still checked
//! for access before a cached answer is served.

use crate::support::{Fixture, json_request, off_runtime, push_series, send, test_config, today};
use serde_json::{Value, json};
use ssi_server::AppState;
use ssi_store::Backend;
use ssi_store::{MemberId, TeamId};
use std::sync::Arc;

fn leaderboard_uri(team: TeamId) -> String {
    format!("/api/v1/teams/{}/leaderboard", team.0)
}

fn history_uri(member: MemberId) -> String {
    format!("/api/v1/members/{}/history", member.0)
}

/// The names on a leaderboard answer, best first.
fn names(leaderboard: &Value) -> Vec<String> {
    leaderboard["rows"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect()
}

/// Uses each token once, so that recording its first use (a write, which starts the
/// caches over) is done before a test fills the cache.
async fn use_tokens(fixture: &Fixture, secrets: &[&str]) {
    for secret in secrets {
        fixture.json("GET", "/api/v1/me", Some(secret), None).await.expect(200);
    }
}

/// Opens the fixture's database a second time, as another process (the CLI, or a second
/// server replica on PostgreSQL) would.
fn other_process(fixture: &Fixture) -> Arc<dyn Backend> {
    off_runtime(|| fixture.database.open(2)).unwrap()
}

#[tokio::test]
async fn a_cached_leaderboard_changes_after_a_write_through_the_api() {
    let fixture = Fixture::new();
    let admin = fixture.admin.secret.as_str();
    use_tokens(&fixture, &[admin]).await;
    let uri = leaderboard_uri(fixture.team_a);
    let first = fixture.json("GET", &uri, Some(admin), None).await.expect(200);
    assert_eq!(fixture.state.caches.answer_count(), 1, "the answer is cached");
    let again = fixture.json("GET", &uri, Some(admin), None).await.expect(200);
    assert_eq!(first.body, again.body, "a hit serves the same bytes");
    assert!(names(&first.json()).contains(&"Bob Baker".to_string()));

    let patch = format!("/api/v1/members/{}", fixture.bob.0);
    fixture.json("PATCH", &patch, Some(admin), Some(json!({"name": "Robert Baker"}))).await.expect(200);
    let after = fixture.json("GET", &uri, Some(admin), None).await.expect(200).json();
    assert!(names(&after).contains(&"Robert Baker".to_string()), "{after}");
    assert!(!names(&after).contains(&"Bob Baker".to_string()), "{after}");
}

#[tokio::test]
async fn a_cached_leaderboard_changes_after_a_write_by_another_process() {
    let fixture = Fixture::new();
    let admin = fixture.admin.secret.as_str();
    use_tokens(&fixture, &[admin]).await;
    let uri = leaderboard_uri(fixture.team_a);
    let before = fixture.json("GET", &uri, Some(admin), None).await.expect(200).json();
    assert_eq!(names(&before), ["Alice Archer", "Bob Baker"]);
    assert_eq!(fixture.state.caches.answer_count(), 1);

    // Another process pushes Bob far ahead of Alice.
    let cli = other_process(&fixture);
    off_runtime(|| push_series(cli.as_ref(), fixture.bob, [25.0, 25.0, 25.0, 25.0], 0.0, 40));
    let after = fixture.json("GET", &uri, Some(admin), None).await.expect(200).json();
    assert_eq!(names(&after), ["Bob Baker", "Alice Archer"], "{after}");

    // And a new member of the team, scored, appears.
    off_runtime(|| {
        let dana = cli.create_member("Dana Drake", None, Some(fixture.team_a)).unwrap().id;
        push_series(cli.as_ref(), dana, [1.0, 1.0, 1.0, 1.0], 0.0, 3);
    });
    let later = fixture.json("GET", &uri, Some(admin), None).await.expect(200).json();
    assert_eq!(names(&later), ["Bob Baker", "Alice Archer", "Dana Drake"], "{later}");
}

#[tokio::test]
async fn a_cached_history_changes_after_a_write_by_another_process() {
    let fixture = Fixture::new();
    let admin = fixture.admin.secret.as_str();
    use_tokens(&fixture, &[admin]).await;
    let uri = history_uri(fixture.carol);
    let before = fixture.json("GET", &uri, Some(admin), None).await.expect(200).json();
    assert_eq!(before["days"].as_array().unwrap().len(), 10);
    fixture.json("GET", &uri, Some(admin), None).await.expect(200);
    assert_eq!(fixture.state.caches.answer_count(), 1);

    let cli = other_process(&fixture);
    off_runtime(|| push_series(cli.as_ref(), fixture.carol, [20.0, 20.0, 20.0, 20.0], 0.0, 25));
    let after = fixture.json("GET", &uri, Some(admin), None).await.expect(200).json();
    assert_eq!(after["days"].as_array().unwrap().len(), 25, "the pushed days show at once");
}

#[tokio::test]
async fn cached_answers_are_the_bytes_an_uncached_server_sends() {
    let cached = Fixture::new();
    // The uncached server runs on the same database (a second replica with no answer
    // cache), so both answer from the same rows, creation instants included.
    let store = off_runtime(|| cached.database.open(2)).unwrap();
    let mut config = test_config(cached.database.clone());
    config.answer_cache_bytes = 0;
    let uncached = AppState::new(store, config).with_today(today());
    let admin = cached.admin.secret.as_str();
    use_tokens(&cached, &[admin]).await;
    for uri in [leaderboard_uri(cached.team_a), history_uri(cached.alice)] {
        cached.json("GET", &uri, Some(admin), None).await.expect(200);
        send(ssi_server::app(uncached.clone()), json_request("GET", &uri, Some(admin), None))
            .await
            .expect(200);
    }
    assert_eq!(cached.state.caches.answer_count(), 2);
    assert_eq!(uncached.caches.answer_count(), 0, "a budget of 0 caches nothing");
    let version = cached.state.data_version().await.unwrap();
    for uri in [
        leaderboard_uri(cached.team_a),
        history_uri(cached.alice),
        format!("{}?from=2026-11-01&to=2026-11-10", history_uri(cached.alice)),
        format!("{}?date=2026-11-01", leaderboard_uri(cached.team_a)),
    ] {
        let hit = cached.json("GET", &uri, Some(admin), None).await.expect(200);
        let fresh = send(ssi_server::app(uncached.clone()), json_request("GET", &uri, Some(admin), None))
            .await
            .expect(200);
        assert_eq!(hit.body, fresh.body, "{uri}");
        assert_eq!(hit.headers["content-type"], "application/json");
    }
    // Nothing was written meanwhile, so the first two answers came from the cache.
    assert_eq!(cached.state.data_version().await.unwrap(), version);
    assert_eq!(cached.state.caches.answer_count(), 4);
    let range = cached
        .json("GET", &format!("{}?from=2026-11-01&to=2026-11-10", history_uri(cached.alice)), None, None)
        .await;
    range.expect(401);
    let days = cached
        .json(
            "GET",
            &format!("{}?from=2026-11-01&to=2026-11-10", history_uri(cached.alice)),
            Some(&cached.admin.secret),
            None,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(days["days"].as_array().unwrap().len(), 10, "the query is part of the key");
}

#[tokio::test]
async fn a_cached_answer_is_served_only_to_callers_with_access() {
    let fixture = Fixture::new();
    let admin = fixture.admin.secret.as_str();
    let alice = fixture.alice_token.secret.as_str();
    let bob = fixture.bob_token.secret.as_str();
    let carol = fixture.carol_token.secret.as_str();
    let manager = fixture.manager_a.secret.as_str();
    use_tokens(&fixture, &[admin, alice, bob, carol, manager]).await;
    // The admin fills the cache with team B's leaderboard and Alice's history.
    fixture.json("GET", &leaderboard_uri(fixture.team_b), Some(admin), None).await.expect(200);
    fixture.json("GET", &history_uri(fixture.alice), Some(admin), None).await.expect(200);
    assert_eq!(fixture.state.caches.answer_count(), 2);
    fixture
        .json("GET", &leaderboard_uri(fixture.team_b), Some(alice), None)
        .await
        .expect_error(404, "not_found");
    fixture
        .json("GET", &leaderboard_uri(fixture.team_b), Some(manager), None)
        .await
        .expect_error(404, "not_found");
    fixture.json("GET", &leaderboard_uri(fixture.team_b), Some(carol), None).await.expect(200);
    fixture.json("GET", &leaderboard_uri(fixture.team_b), None, None).await.expect(401);
    fixture
        .json("GET", &leaderboard_uri(fixture.team_b), Some("ssi_not_a_token_at_all"), None)
        .await
        .expect(401);

    let history = history_uri(fixture.alice);
    fixture.json("GET", &history, Some(bob), None).await.expect_error(403, "forbidden");
    fixture.json("GET", &history, Some(carol), None).await.expect_error(404, "not_found");
    let own = fixture.json("GET", &history, Some(alice), None).await.expect(200);
    let managed = fixture.json("GET", &history, Some(manager), None).await.expect(200);
    assert_eq!(own.body, managed.body);
    // Nothing was written in between, so every answer above met the cached entries.
    assert_eq!(fixture.state.caches.answer_count(), 2);
}

#[tokio::test]
async fn a_revoked_token_or_a_moved_member_takes_effect_at_once() {
    let fixture = Fixture::new();
    let alice = fixture.alice_token.secret.as_str();
    let uri = leaderboard_uri(fixture.team_a);
    fixture.json("GET", &uri, Some(alice), None).await.expect(200);
    fixture.json("GET", &uri, Some(alice), None).await.expect(200);

    // Another process moves Alice to team B: her token's team scope follows.
    let cli = other_process(&fixture);
    off_runtime(|| cli.set_member_team(fixture.alice, Some(fixture.team_b))).unwrap();
    fixture.json("GET", &uri, Some(alice), None).await.expect_error(404, "not_found");
    fixture.json("GET", &leaderboard_uri(fixture.team_b), Some(alice), None).await.expect(200);

    // Another process revokes the admin token after it was used (and remembered).
    let admin = fixture.admin.secret.as_str();
    fixture.json("GET", &uri, Some(admin), None).await.expect(200);
    off_runtime(|| cli.revoke_token(fixture.admin.id)).unwrap();
    fixture.json("GET", &uri, Some(admin), None).await.expect(401);

    // Revoking through the API works the same for a token remembered a moment ago.
    let manager = fixture.manager_a.secret.as_str();
    fixture.json("GET", &uri, Some(manager), None).await.expect(200);
    let bob = fixture.bob_token.id.0;
    let bob_secret = fixture.bob_token.secret.clone();
    fixture.json("GET", &uri, Some(&bob_secret), None).await.expect(200);
    fixture.json("DELETE", &format!("/api/v1/tokens/{bob}"), Some(manager), None).await.expect(200);
    fixture.json("GET", &uri, Some(&bob_secret), None).await.expect(401);
}

#[tokio::test]
async fn token_uses_are_still_recorded() {
    let fixture = Fixture::new();
    let last_used =
        |fixture: &Fixture| fixture.with_store(|s| s.get_token(fixture.carol_token.id)).unwrap().last_used;
    assert!(last_used(&fixture).is_none());
    let uri = leaderboard_uri(fixture.team_b);
    for _ in 0..3 {
        fixture.json("GET", &uri, Some(&fixture.carol_token.secret), None).await.expect(200);
    }
    assert!(last_used(&fixture).is_some(), "the first use is written");
    assert!(
        !fixture.with_store(|s| s.record_token_use(fixture.carol_token.id)).unwrap(),
        "not again within the minute"
    );
    let never_used = fixture.alice_token.id;
    assert!(fixture.with_store(|s| s.record_token_use(never_used)).unwrap());
    assert!(fixture.with_store(|s| s.get_token(never_used)).unwrap().last_used.is_some());
    let revoked = fixture.bob_token.id;
    fixture.with_store(|s| s.revoke_token(revoked)).unwrap();
    assert!(!fixture.with_store(|s| s.record_token_use(revoked)).unwrap(), "a revoked token is not touched");
}

/// `ssi_advice_computations_total` from the metrics text.
async fn advice_computations(fixture: &Fixture) -> u64 {
    let metrics = fixture.metrics().await;
    metrics
        .lines()
        .find_map(|line| line.strip_prefix("ssi_advice_computations_total "))
        .unwrap_or_else(|| panic!("no advice counter in:\n{metrics}"))
        .trim()
        .parse()
        .unwrap()
}

/// The member page as the holder of `cookie` sees it.
async fn page(fixture: &Fixture, cookie: &str, member: MemberId) -> String {
    use axum::body::Body;
    use axum::http::{Request, header};
    fixture
        .send(
            Request::get(format!("/members/{}", member.0))
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .expect(200)
        .text()
}

#[tokio::test]
async fn the_advice_is_computed_once_per_change_of_the_data_and_never_served_stale() {
    let fixture = Fixture::new();
    fixture.import_small_export(fixture.alice);
    let (admin, alice, manager) = (
        fixture.admin.secret.as_str(),
        fixture.alice_token.secret.as_str(),
        fixture.manager_a.secret.as_str(),
    );
    use_tokens(&fixture, &[admin, alice, manager, fixture.bob_token.secret.as_str()]).await;
    let alice_cookie = fixture.session_cookie(&fixture.alice_token);
    let manager_cookie = fixture.session_cookie(&fixture.manager_a);
    let uri = format!("/api/v1/members/{}/advice", fixture.alice.0);
    assert_eq!(advice_computations(&fixture).await, 0);

    // Three readers of the API and two of the page: one simulation.
    let first = fixture.json("GET", &uri, Some(admin), None).await.expect(200);
    for token in [admin, alice, manager] {
        let again = fixture.json("GET", &uri, Some(token), None).await.expect(200);
        assert_eq!(again.body, first.body, "a hit serves the same bytes");
    }
    let own = page(&fixture, &alice_cookie, fixture.alice).await;
    let managers = page(&fixture, &manager_cookie, fixture.alice).await;
    assert_eq!(page(&fixture, &alice_cookie, fixture.alice).await, own, "the page is served as rendered");
    assert!(own.contains("My page") && !managers.contains("My page"), "each viewer keeps their own header");
    let best = first.json()["advice"]["actions"][0]["description"].as_str().unwrap().to_string();
    assert!(own.contains(&best.replace('\'', "&#x27;")), "the page shows the cached advice: {best}");
    assert_eq!(advice_computations(&fixture).await, 1, "computed once for every reader");

    // The access rule still runs before a cached answer is served.
    fixture.json("GET", &uri, Some(&fixture.bob_token.secret), None).await.expect_error(403, "forbidden");
    let bob_cookie = fixture.session_cookie(&fixture.bob_token);
    let denied = fixture
        .send(
            axum::http::Request::get(format!("/members/{}", fixture.alice.0))
                .header(axum::http::header::COOKIE, bob_cookie)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(denied.status.as_u16(), 403, "a teammate does not get the cached page");

    // Another process (the CLI) changes the model: the very next answer is the new one.
    let cli = other_process(&fixture);
    let mut model = ssi_core::ScoringModel::default_model();
    model.version = "ssi-cache-test-2".into();
    off_runtime(|| cli.use_model(&model, crate::support::today())).unwrap();
    let after = fixture.json("GET", &uri, Some(admin), None).await.expect(200).json();
    assert_eq!(after["advice"]["model_version"], "ssi-cache-test-2", "never staler than the data");
    assert!(page(&fixture, &alice_cookie, fixture.alice).await.contains("ssi-cache-test-2"));
    assert_eq!(advice_computations(&fixture).await, 2, "once more after the change, shared by the page");
}
