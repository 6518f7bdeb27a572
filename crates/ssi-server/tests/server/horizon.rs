//! The data horizon on the team server: stale members listed apart, never movers, and every score saying how old it is.

use crate::support::{Fixture, today};
use chrono::Days;
use ssi_core::PillarScores;
use ssi_store::PushedScore;

/// The standard fixture seen 40 days after its data (pushed up to `today()`),
/// with Bob's pushes carried on to that day: Alice's data is 40 days old.
fn forty_days_on() -> Fixture {
    let mut f = Fixture::new();
    let later = today() + Days::new(40);
    // Bob keeps pushing, and his last week falls by a point a day.
    let scores: Vec<PushedScore> = (1..=40u64)
        .map(|i| {
            let fall = if i > 33 { (i - 33) as f64 } else { 0.0 };
            let pillars = PillarScores::from_array([9.0, 8.0, 7.0 - fall * 0.5, 6.0 - fall * 0.5]);
            PushedScore {
                date: today() + Days::new(i),
                model_version: "test-1".into(),
                pillars,
                total: pillars.total(),
                components: Vec::new(),
            }
        })
        .collect();
    f.with_store(|s| s.push_scores_and_readings(f.bob, &scores, &[])).unwrap();
    f.state = f.state.clone().with_today(later);
    f
}

#[tokio::test]
async fn a_member_forty_days_behind_is_stale_on_the_leaderboard_and_in_the_summary_never_a_mover() {
    let f = forty_days_on();
    let board = f
        .json("GET", &format!("/api/v1/teams/{}/leaderboard", f.team_a.0), Some(&f.alice_token.secret), None)
        .await
        .expect(200)
        .json();
    let row =
        |name: &str| board["rows"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap().clone();
    let (alice, bob) = (row("Alice Archer"), row("Bob Baker"));
    assert_eq!(alice["date"], today().to_string(), "the score of her last day of data");
    assert_eq!(alice["as_of"], today().to_string());
    assert_eq!(alice["data_age_days"], 40);
    assert_eq!(alice["stale"], true);
    assert_eq!(alice["horizon_source"], "pushed_scores");
    // Her changes end at her horizon: the rise of her own last week, not a cliff.
    assert!(alice["change_7d"].as_f64().unwrap() > 0.0, "{alice}");
    assert_eq!((&bob["data_age_days"], &bob["stale"]), (&serde_json::json!(0), &serde_json::json!(false)));

    let summary = f
        .json("GET", &format!("/api/v1/teams/{}/summary", f.team_a.0), Some(&f.manager_a.secret), None)
        .await
        .expect(200)
        .json();
    let stale = summary["stale"].as_array().unwrap();
    assert_eq!(stale.len(), 1, "{summary}");
    assert_eq!(stale[0]["name"], "Alice Archer");
    assert_eq!(stale[0]["data_age_days"], 40);
    assert_eq!(stale[0]["last_day"], today().to_string());
    assert_eq!(stale[0]["message"], "no data for 40 days");
    let movers: Vec<&str> =
        summary["movers_7d"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(movers, ["Bob Baker"], "stale members are never movers: {summary}");
    assert!(summary["movers_7d"][0]["change"].as_f64().unwrap() < 0.0, "Bob's real fall is listed");

    // The team page says it too.
    let html = f.page(&f.manager_a, &format!("/teams/{}", f.team_a.0)).await;
    assert!(html.contains("<h2>Stale data</h2>"), "{html}");
    assert!(html.contains("no data for 40 days"), "{html}");
    // A stale member's page says how old the score is and what to do.
    let html = f.page(&f.alice_token, &format!("/members/{}", f.alice.0)).await;
    assert!(html.contains("<span id=\"as-of\">as of 2026-11-20 (last push, 40 days old)</span>"), "{html}");
    assert!(html.contains("No data for 40 days: upload a newer LinkedIn export"), "{html}");
}

#[tokio::test]
async fn scores_histories_and_benchmarks_carry_as_of_and_the_data_age() {
    let f = forty_days_on();
    let token = Some(f.alice_token.secret.as_str());
    let score =
        f.json("GET", &format!("/api/v1/members/{}/score", f.alice.0), token, None).await.expect(200).json();
    assert_eq!((&score["as_of"], &score["data_age_days"]), (&today().to_string().into(), &40.into()));
    let history = f
        .json("GET", &format!("/api/v1/members/{}/history", f.alice.0), token, None)
        .await
        .expect(200)
        .json();
    assert_eq!(history["as_of"], today().to_string());
    assert_eq!(history["data_age_days"], 40);
    assert_eq!(history["stale"], true);
    assert_eq!(history["days"].as_array().unwrap().last().unwrap()["date"], today().to_string());
    let benchmark = f
        .json("GET", &format!("/api/v1/members/{}/benchmark", f.alice.0), token, None)
        .await
        .expect(200)
        .json();
    assert_eq!(benchmark["data_age_days"], 40);
    assert_eq!(benchmark["score"]["as_of"], today().to_string());
    let member =
        f.json("GET", &format!("/api/v1/members/{}", f.alice.0), token, None).await.expect(200).json();
    assert_eq!(
        (&member["horizon"], &member["horizon_source"]),
        (&today().to_string().into(), &"pushed_scores".into())
    );

    // The threshold is the server's setting: 40 days is not stale under 60.
    let mut g = Fixture::with_config(|c| c.stale_after_days = 60);
    g.state = g.state.clone().with_today(today() + Days::new(40));
    let score = g
        .json("GET", &format!("/api/v1/members/{}/score", g.alice.0), Some(&g.alice_token.secret), None)
        .await
        .expect(200)
        .json();
    assert_eq!((&score["data_age_days"], &score["stale"]), (&40.into(), &false.into()));
}
