//! Score alerts delivered to a webhook: a tiny axum receiver on 127.0.0.1:0 records what the
//! server POSTs. Retries until a failing receiver accepts, bounded attempts, one alert per
//! member, kind and day, and requests answered while the receiver hangs.

use crate::support::{Fixture, Receiver, small_export_zip, today, wait_for_job};
use axum::body::Body;
use axum::http::{Request, header};
use serde_json::{Value, json};
use ssi_core::advice::AlertRule;
use ssi_server::check_members;
use ssi_server::{AlertSettings, WebhookUrl};
use std::time::Duration;

/// The standard fixture alerting below 50 to the receiver, retrying quickly.
fn fixture(receiver: &Receiver, max_attempts: u32) -> Fixture {
    let url = WebhookUrl::parse(&receiver.url).unwrap();
    Fixture::with_config(|config| {
        config.alerts = AlertSettings {
            webhook_url: Some(url),
            rule: AlertRule { below: Some(50.0), drop: Some((5.0, 7)) },
            max_attempts,
            retry_base: Duration::from_millis(10),
            timeout: Duration::from_secs(60),
        };
    })
}

fn of_member(bodies: &[Value], member: ssi_store::MemberId) -> Vec<Value> {
    bodies.iter().filter(|b| b["member"]["id"] == member.0).cloned().collect()
}

/// Waits until no background task (alert check or delivery) is left (at most about 60 s).
async fn wait_until_idle(f: &Fixture) {
    for _ in 0..1200 {
        if f.state.tasks.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("background tasks never finished");
}

/// Awaits a request issued while the receiver hangs. The bound only turns a request that
/// waits for the webhook (which never answers until released) into a failure instead of a
/// hung test; it measures nothing.
async fn answers<T>(request: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(120), request)
        .await
        .expect("the request waited for the held webhook instead of answering")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_receiver_is_retried_until_it_accepts_and_each_alert_is_sent_once() {
    // Every member's first two deliveries get 503.
    let receiver = Receiver::start(2, false).await;
    let f = fixture(&receiver, 5);
    ssi_server::run_daily_job(&f.state).await.unwrap();
    // Alice (48.6) and Bob (21.8) are below 50; Carol (80) is not. Three attempts each.
    let bodies = receiver.wait_for_requests(6).await;
    f.wait_for_metric(r#"ssi_alert_deliveries_total{outcome="succeeded"} 2"#).await;
    assert_eq!(bodies.len(), 6, "{bodies:?}");
    assert!(of_member(&bodies, f.carol).is_empty(), "Carol is above the floor");
    let alice = of_member(&bodies, f.alice);
    assert_eq!(alice.len(), 3, "two 503s, then accepted: {alice:?}");
    assert!(alice.iter().all(|b| *b == alice[0]), "every attempt sends the same alert");
    let alert = &alice[0];
    assert_eq!(alert["member"], json!({"id": f.alice.0, "name": "Alice Archer"}));
    assert_eq!(alert["team"], json!({"id": f.team_a.0, "name": "Alpha Sales"}));
    assert_eq!(alert["kind"], "below");
    assert_eq!(alert["date"], today().to_string());
    assert_eq!(alert["threshold"], 50.0);
    assert!((alert["total"].as_f64().unwrap() - 48.6).abs() < 1e-6, "{alert}");
    assert!(alert["reason"].as_str().unwrap().contains("below 50"), "{alert}");
    assert!(alert["text"].as_str().unwrap().starts_with("Alice Archer (Alpha Sales): "), "{alert}");
    assert!(alert.get("drop").is_none(), "a below alert carries no drop: {alert}");
    let metrics = f.metrics().await;
    assert!(metrics.contains(r#"ssi_alerts_total{kind="below"} 2"#), "{metrics}");

    // Judged again (the next daily run, a push): the same alerts are not sent again.
    assert_eq!(check_members(&f.state, None).await.unwrap(), 0);
    ssi_server::run_daily_job(&f.state).await.unwrap();
    wait_until_idle(&f).await;
    assert_eq!(receiver.requests().len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attempts_are_bounded_and_an_undelivered_alert_is_tried_again_at_the_next_check() {
    let receiver = Receiver::start(usize::MAX, false).await;
    let f = fixture(&receiver, 3);
    assert_eq!(check_members(&f.state, Some(f.alice)).await.unwrap(), 1);
    f.wait_for_metric(r#"ssi_alert_deliveries_total{outcome="failed"} 1"#).await;
    assert_eq!(receiver.requests().len(), 3, "alerts.max_attempts attempts, then it gives up");
    assert_eq!(
        check_members(&f.state, Some(f.alice)).await.unwrap(),
        1,
        "the failed alert is not remembered as sent"
    );
    f.wait_for_metric(r#"ssi_alert_deliveries_total{outcome="failed"} 2"#).await;
    assert_eq!(receiver.requests().len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_answered_while_the_webhook_hangs() {
    let receiver = Receiver::start(0, true).await;
    let f = fixture(&receiver, 5);
    let alice = Some(f.alice_token.secret.as_str());
    let push = json!({
        "model_version": "test-1",
        "scores": [{"date": today(), "pillars": {"brand": 10.0, "people": 10.0, "insights": 10.0, "relationships": 10.0}, "total": 40.0}]
    });
    f.json("POST", "/api/v1/push", alice, Some(push.clone())).await.expect(200);
    // 40 is below 50, and 8.2 below yesterday's 48.2: two alerts, both now held by the receiver.
    let mut bodies = receiver.wait_for_requests(2).await;
    bodies.sort_by_key(|b| b["kind"].as_str().unwrap().to_string());
    assert_eq!((bodies[0]["kind"].as_str(), bodies[1]["kind"].as_str()), (Some("below"), Some("drop")));
    assert!(bodies.iter().all(|b| b["member"]["id"] == f.alice.0 && b["total"] == 40.0), "{bodies:?}");
    let drop = &bodies[1]["drop"];
    assert_eq!(drop["days"], 7);
    assert_eq!(drop["from_date"], (today() - chrono::Days::new(1)).to_string());
    assert!((drop["points"].as_f64().unwrap() - 8.2).abs() < 1e-6, "{drop}");
    assert!(bodies[1].get("threshold").is_none(), "{}", bodies[1]);
    assert_eq!(receiver.answered(), 0);
    // Meanwhile the server answers: a read, another push, a page.
    let score = answers(f.json("GET", &format!("/api/v1/members/{}/score", f.alice.0), alice, None))
        .await
        .expect(200)
        .json();
    assert_eq!(score["total"], 40.0);
    answers(f.json("POST", "/api/v1/push", alice, Some(push))).await.expect(200);
    let cookie = f.session_cookie(&f.alice_token);
    let page = Request::get(format!("/members/{}", f.alice.0))
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    answers(f.send(page)).await.expect(200);
    assert_eq!(receiver.answered(), 0, "the webhook still hangs: none of those requests waited for it");
    receiver.release();
    f.wait_for_metric(r#"ssi_alert_deliveries_total{outcome="succeeded"} 2"#).await;
    wait_until_idle(&f).await;
    assert_eq!(receiver.requests().len(), 2, "the second push's check found both alerts already sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_is_judged_in_the_background_after_it_is_stored() {
    let receiver = Receiver::start(0, false).await;
    let f = fixture(&receiver, 5);
    let token = f.alice_token.secret.clone();
    let upload = Request::post(format!(
        "/api/v1/members/{}/exports?name=Basic_LinkedInDataExport_11-20-2026.zip",
        f.alice.0
    ))
    .header(header::AUTHORIZATION, format!("Bearer {token}"))
    .header(header::CONTENT_TYPE, "application/zip")
    .body(Body::from(small_export_zip()))
    .unwrap();
    let job = f.send(upload).await.expect(202).json();
    let done = wait_for_job(&f, job["id"].as_u64().unwrap(), &token).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    receiver.wait_for_requests(1).await;
    wait_until_idle(&f).await;
    let bodies = receiver.requests();
    let alert = bodies.iter().find(|b| b["kind"] == "below").expect("a below alert");
    assert_eq!(alert["member"]["id"], f.alice.0);
    assert_eq!(alert["date"], today().to_string());
    // The total is the imported estimate's, not the pushed series'.
    let score = f
        .json("GET", &format!("/api/v1/members/{}/score", f.alice.0), Some(&token), None)
        .await
        .expect(200)
        .json();
    assert_eq!(alert["total"], score["total"]);
}
