//! Handler tests through `app(state).oneshot(…)` on a temporary store.

use crate::support::{Fixture, json_request, small_export_zip, today, wait_for_job};
use axum::body::Body;
use axum::http::{Request, header};
use serde_json::{Value, json};
use ssi_server::ROUTES;

fn path_of(template: &str, fixture: &Fixture) -> String {
    template
        .replace("{team}", &fixture.team_a.0.to_string())
        .replace("{member}", &fixture.alice.0.to_string())
}

/// Everything a failed request must leave alone, as one comparable value.
fn snapshot(fixture: &Fixture) -> Value {
    fixture.with_store(|store| {
    let members: Vec<Value> = store
        .list_members()
        .unwrap()
        .into_iter()
        .map(|m| {
            json!({
                "member": m,
                "history": store.history(m.id, None, None).unwrap(),
                "imports": store.imports(m.id).unwrap().len(),
            })
        })
        .collect();
    json!({"teams": store.list_teams().unwrap(), "members": members, "tokens": store.list_tokens().unwrap().len()})
    })
}

#[tokio::test]
async fn teams_are_created_listed_renamed_and_deleted() {
    let f = Fixture::new();
    let admin = Some(f.admin.secret.as_str());
    let created =
        f.json("POST", "/api/v1/teams", admin, Some(json!({"name": "Gamma"}))).await.expect(201).json();
    let id = created["id"].as_i64().unwrap();
    let message = f
        .json("POST", "/api/v1/teams", admin, Some(json!({"name": "gamma"})))
        .await
        .expect_error(409, "conflict");
    assert!(message.contains("gamma"), "{message}");
    let renamed = f
        .json("PATCH", &format!("/api/v1/teams/{id}"), admin, Some(json!({"name": "Gamma Two"})))
        .await
        .expect(200)
        .json();
    assert_eq!(renamed["name"], "Gamma Two");
    let all = f.json("GET", "/api/v1/teams", admin, None).await.expect(200).json();
    assert_eq!(all.as_array().unwrap().len(), 3);
    // A member sees only their own team.
    let carol = f.json("GET", "/api/v1/teams", Some(&f.carol_token.secret), None).await.expect(200).json();
    let names: Vec<&str> = carol.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Beta Sales"]);
    f.json("DELETE", &format!("/api/v1/teams/{id}"), admin, None).await.expect(204);
    f.json("GET", &format!("/api/v1/teams/{id}"), admin, None).await.expect_error(404, "not_found");
}

#[tokio::test]
async fn a_missing_team_and_a_hidden_one_answer_the_same() {
    let f = Fixture::new();
    let carol = Some(f.carol_token.secret.as_str());
    let hidden = f.json("GET", &format!("/api/v1/teams/{}", f.team_a.0), carol, None).await;
    let missing = f.json("GET", "/api/v1/teams/999999", carol, None).await;
    assert_eq!(hidden.status, missing.status);
    assert_eq!(hidden.body, missing.body);
    let hidden = f.json("GET", &format!("/api/v1/members/{}/score", f.alice.0), carol, None).await;
    let missing = f.json("GET", "/api/v1/members/999999/score", carol, None).await;
    assert_eq!((hidden.status, hidden.body), (missing.status, missing.body));
}

#[tokio::test]
async fn managers_manage_their_members_but_only_admins_move_them() {
    let f = Fixture::new();
    let manager = Some(f.manager_a.secret.as_str());
    let created = f
        .json(
            "POST",
            &format!("/api/v1/teams/{}/members", f.team_a.0),
            manager,
            Some(json!({"name": "Dana Dale", "industry": "Retail"})),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(created["team"], f.team_a.0);
    let dana = created["id"].as_i64().unwrap();
    let updated = f
        .json("PATCH", &format!("/api/v1/members/{dana}"), manager, Some(json!({"industry": null})))
        .await
        .expect(200)
        .json();
    assert_eq!(updated["industry"], Value::Null);
    f.json("PATCH", &format!("/api/v1/members/{dana}"), manager, Some(json!({"team": f.team_b.0})))
        .await
        .expect_error(403, "forbidden");
    let moved = f
        .json(
            "PATCH",
            &format!("/api/v1/members/{dana}"),
            Some(&f.admin.secret),
            Some(json!({"team": f.team_b.0})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(moved["team"], f.team_b.0);
    // Dana left team A: its manager no longer sees her.
    f.json("GET", &format!("/api/v1/members/{dana}"), manager, None).await.expect_error(404, "not_found");
    let list =
        f.json("GET", &format!("/api/v1/teams/{}/members", f.team_a.0), manager, None).await.expect(200);
    assert_eq!(list.json().as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_leaderboard_ranks_the_team_with_changes() {
    let f = Fixture::new();
    let board = f
        .json("GET", &format!("/api/v1/teams/{}/leaderboard", f.team_a.0), Some(&f.bob_token.secret), None)
        .await
        .expect(200)
        .json();
    let rows = board["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["name"], "Alice Archer");
    assert_eq!(rows[0]["rank"], 1);
    assert_eq!(rows[1]["name"], "Bob Baker");
    // Alice rises 0.1 a day on each of four pillars: +2.8 over 7 days, +12 over 30.
    assert!((rows[0]["change_7d"].as_f64().unwrap() - 2.8).abs() < 1e-6, "{}", rows[0]);
    assert!((rows[0]["change_30d"].as_f64().unwrap() - 12.0).abs() < 1e-6, "{}", rows[0]);
    let total = rows[0]["total"].as_f64().unwrap();
    assert!((total - (33.0 + 4.0 * 0.1 * 39.0)).abs() < 1e-6, "{total}");
    assert_eq!(rows[0]["date"], today().to_string());
    // As of an earlier day.
    let earlier = f
        .json(
            "GET",
            &format!("/api/v1/teams/{}/leaderboard?date=2026-11-10", f.team_a.0),
            Some(&f.bob_token.secret),
            None,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(earlier["rows"][0]["date"], "2026-11-10");
    f.json(
        "GET",
        &format!("/api/v1/teams/{}/leaderboard?date=yesterday", f.team_a.0),
        Some(&f.admin.secret),
        None,
    )
    .await
    .expect_error(400, "bad_request");
}

#[tokio::test]
async fn the_summary_gives_averages_bands_movers_and_the_industry() {
    let f = Fixture::new();
    let summary = f
        .json(
            "GET",
            &format!("/api/v1/teams/{}/summary?below=40", f.team_a.0),
            Some(&f.manager_a.secret),
            None,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(summary["scored_members"], 2);
    let bands = summary["bands"].as_array().unwrap();
    assert_eq!(bands.len(), 6);
    assert_eq!(bands.iter().map(|b| b["members"].as_u64().unwrap()).sum::<u64>(), 2);
    // Bob (14 + 0.2 × 39 = 21.8) is below 40, Alice (48.6) is not.
    let below: Vec<&str> =
        summary["below"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(below, ["Bob Baker"]);
    assert_eq!(summary["threshold"], 40.0);
    // Software on this server: Alice, Bob and Carol (80).
    let industry = &summary["industry"];
    assert_eq!(industry["name"], "Software");
    assert_eq!(industry["members"], 3);
    let expected = (48.6 + 21.8 + 80.0) / 3.0;
    assert!((industry["average_total"].as_f64().unwrap() - expected).abs() < 1e-6, "{industry}");
    f.json("GET", &format!("/api/v1/teams/{}/summary?below=140", f.team_a.0), Some(&f.admin.secret), None)
        .await
        .expect_error(400, "bad_request");
}

#[tokio::test]
async fn a_member_reads_score_history_explanation_and_benchmark() {
    let f = Fixture::new();
    let alice = Some(f.alice_token.secret.as_str());
    let base = format!("/api/v1/members/{}", f.alice.0);
    let score = f.json("GET", &format!("{base}/score"), alice, None).await.expect(200).json();
    assert_eq!(score["date"], today().to_string());
    assert_eq!(score["model_version"], "push:test-1");
    assert_eq!(score["shown_total"], 49);
    assert_eq!(score["band"], "average");
    let history = f
        .json("GET", &format!("{base}/history?from=2026-11-01&to=2026-11-10"), alice, None)
        .await
        .expect(200)
        .json();
    assert_eq!(history["days"].as_array().unwrap().len(), 10);
    f.json("GET", &format!("{base}/history?from=2026-11-10&to=2026-11-01"), alice, None)
        .await
        .expect_error(400, "bad_request");
    let explanation =
        f.json("GET", &format!("{base}/explanation?pillar=brand"), alice, None).await.expect(200).json();
    assert_eq!(explanation["pillar"], "PROFESSIONAL_BRAND");
    assert!(explanation["components"].is_array());
    f.json("GET", &format!("{base}/explanation?pillar=growth"), alice, None)
        .await
        .expect_error(400, "bad_request");
    let benchmark = f.json("GET", &format!("{base}/benchmark"), alice, None).await.expect(200).json();
    assert_eq!(benchmark["industry_name"], "Software");
    // Carol (80) beats Alice (48.6) beats Bob (21.8): rank 2 of 3 in the industry, 1 of 2 in the team.
    assert_eq!(benchmark["industry"]["rank"], 2);
    assert_eq!(benchmark["industry"]["group_size"], 3);
    assert_eq!(benchmark["team"]["rank"], 1);
    assert_eq!(benchmark["team"]["group_size"], 2);
    let top = benchmark["industry"]["top_percent"].as_u64().unwrap();
    assert!((1..=100).contains(&top));
    // No score before the first pushed day.
    f.json("GET", &format!("{base}/score?date=2020-01-01"), alice, None).await.expect_error(404, "not_found");
}

#[tokio::test]
async fn readings_are_added_in_ssi_shape_and_as_raw_linkedin_json() {
    let f = Fixture::new();
    let alice = Some(f.alice_token.secret.as_str());
    let base = format!("/api/v1/members/{}/readings", f.alice.0);
    f.json(
        "POST",
        &base,
        alice,
        Some(json!({"date": "2026-11-18", "total": 40.0, "pillars": [10.0, 10.0, 10.0, 10.0], "source": "manual"})),
    )
    .await
    .expect(201);
    let raw = json!({
        "activeSeat": false,
        "memberScore": {"overall": 19.705751, "subScores": [
            {"score": 13.118002, "pillar": "PROFESSIONAL_BRAND"},
            {"score": 3.68, "pillar": "FIND_RIGHT_PEOPLE"},
            {"score": 0.29999998, "pillar": "INSIGHT_ENGAGEMENT"},
            {"score": 2.6077502, "pillar": "STRONG_RELATIONSHIP"}]},
        "groupScore": [
            {"groupType": "INDUSTRY", "rank": 75, "score": {"overall": 30.99, "subScores": []}},
            {"groupType": "NETWORK", "rank": 81, "score": {"overall": 32.72, "subScores": []}}]
    });
    let stored =
        f.json("POST", &format!("{base}?date=2026-11-19"), alice, Some(raw)).await.expect(201).json();
    assert_eq!(stored["readings"][0]["date"], "2026-11-19");
    assert_eq!(stored["readings"][0]["industry"]["rank"], 75);
    let list = f.json("GET", &base, alice, None).await.expect(200).json();
    assert_eq!(list["readings"].as_array().unwrap().len(), 2);
    let benchmark = f
        .json("GET", &format!("/api/v1/members/{}/benchmark", f.alice.0), alice, None)
        .await
        .expect(200)
        .json();
    assert_eq!(benchmark["official"]["network"]["rank"], 81);
    // The history shows the reading beside the estimate of the day.
    let history = f
        .json(
            "GET",
            &format!("/api/v1/members/{}/history?from=2026-11-19&to=2026-11-19", f.alice.0),
            alice,
            None,
        )
        .await
        .expect(200)
        .json();
    assert!(history["days"][0]["estimate"].is_object() && history["days"][0]["official"].is_object());
}

#[tokio::test]
async fn a_reading_with_a_byte_order_mark_is_read_as_the_cli_reads_it_and_a_wrong_shape_is_named_plainly() {
    let f = Fixture::new();
    let base = format!("/api/v1/members/{}/readings?date=2026-11-19", f.alice.0);
    let request = |body: String| {
        axum::http::Request::builder()
            .method("POST")
            .uri(&base)
            .header(axum::http::header::AUTHORIZATION, format!("Bearer {}", f.alice_token.secret))
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    let bom = "\u{feff}{\"memberScore\": {\"overall\": 19.7, \"subScores\": []}}".to_string();
    let stored = f.send(request(bom)).await.expect(201).json();
    assert_eq!(stored["readings"][0]["total"], 19.7);
    let wrong = r#"{"memberScore": {"overall": 20, "subScores": [3]}}"#.to_string();
    let message = f.send(request(wrong)).await.expect_error(422, "unprocessable");
    assert!(!message.contains("SubScoreJson") && message.contains("pillar"), "{message}");
}

#[tokio::test]
async fn a_calibrated_members_history_carries_the_interval_and_new_readings_update_it() {
    let f = Fixture::new();
    f.import_small_export(f.alice);
    let today = crate::support::today();
    let day = |back: u64| (today - chrono::Days::new(back)).to_string();
    let alice = Some(f.alice_token.secret.as_str());
    let readings = format!("/api/v1/members/{}/readings", f.alice.0);
    let reading =
        json!({"date": day(10), "total": 40.0, "pillars": [10.0, 10.0, 10.0, 10.0], "source": "manual"});
    f.json("POST", &readings, alice, Some(reading)).await.expect(201);
    f.with_store(|store| {
        let calibration = store.fit_calibration(f.alice).unwrap().unwrap();
        store.save_calibration(f.alice, &calibration).unwrap();
    });

    let history = format!("/api/v1/members/{}/history?from={}&to={}", f.alice.0, day(5), day(1));
    let answer = f.json("GET", &history, alice, None).await.expect(200).json();
    assert_eq!(answer["model"], "calibrated", "{answer}");
    let shown = answer["days"].as_array().unwrap().iter().find(|d| d["estimate"].is_object()).unwrap();
    let estimate = &shown["estimate"];
    let (low, total, high) = (
        estimate["low"].as_f64().unwrap(),
        estimate["total"].as_f64().unwrap(),
        estimate["high"].as_f64().unwrap(),
    );
    assert!(low < total && total < high, "{shown}");

    // A new reading through the API updates the calibration by itself.
    let later =
        json!({"date": day(6), "total": 44.0, "pillars": [11.0, 11.0, 11.0, 11.0], "source": "manual"});
    f.json("POST", &readings, alice, Some(later)).await.expect(201);
    let updated = f.with_store(|s| s.calibration(f.alice)).unwrap().unwrap();
    assert_eq!((updated.readings_used, updated.last_date.to_string()), (2, day(6)));
    // Bob, without a calibration, keeps the plain series.
    let bob = format!("/api/v1/members/{}/history?from={}&to={}", f.bob.0, day(5), day(1));
    let plain = f.json("GET", &bob, Some(f.admin.secret.as_str()), None).await.expect(200).json();
    assert!(plain.get("model").is_none(), "{plain}");
}

#[tokio::test]
async fn bad_readings_store_nothing() {
    let f = Fixture::new();
    let before = snapshot(&f);
    let alice = Some(f.alice_token.secret.as_str());
    let base = format!("/api/v1/members/{}/readings", f.alice.0);
    let message = f
        .json(
            "POST",
            &base,
            alice,
            Some(json!([
                {"date": "2026-11-18", "total": 40.0, "pillars": [10.0, 10.0, 10.0, 10.0], "source": "manual"},
                {"date": "2026-11-19", "total": 140.0, "pillars": [null, null, null, null], "source": "manual"}
            ])),
        )
        .await
        .expect_error(422, "unprocessable");
    assert!(message.contains("reading 2") && message.contains("140"), "{message}");
    let message = f
        .json("POST", &base, alice, Some(json!({"memberScore": {"overall": "high"}})))
        .await
        .expect_error(422, "unprocessable");
    assert!(message.contains("salesApiSsi"), "{message}");
    assert_eq!(snapshot(&f), before);
}

#[tokio::test]
async fn a_push_stores_scores_and_readings_and_a_bad_push_stores_nothing() {
    let f = Fixture::new();
    let alice = Some(f.alice_token.secret.as_str());
    let good = json!({
        "model_version": "cli-2",
        "scores": [{"date": "2026-11-21", "pillars": {"brand": 20.0, "people": 20.0, "insights": 20.0, "relationships": 20.0}, "total": 80.0}],
        "readings": [{"date": "2026-11-21", "total": 50.0, "pillars": [null, null, null, null], "source": "manual"}]
    });
    let answer = f.json("POST", ssi_api::PUSH_PATH, alice, Some(good)).await.expect(200).json();
    assert_eq!(answer, json!({"scores_stored": 1, "readings_stored": 1}));
    let readings = f.with_store(|s| s.readings(f.alice, None, None)).unwrap();
    assert_eq!(readings.last().unwrap().source, ssi_core::ReadingSource::Push);

    let before = snapshot(&f);
    let cases = [
        // Total that is not the sum of the pillars.
        (
            json!({"model_version": "v", "scores": [{"date": "2026-11-22", "pillars": {"brand": 1.0, "people": 1.0, "insights": 1.0, "relationships": 1.0}, "total": 9.0}]}),
            422,
        ),
        // Total out of range.
        (
            json!({"model_version": "v", "scores": [{"date": "2026-11-22", "pillars": {"brand": 1.0, "people": 1.0, "insights": 1.0, "relationships": 1.0}, "total": 400.0}]}),
            422,
        ),
        // A good score with a bad reading: neither is stored.
        (
            json!({"model_version": "v",
                "scores": [{"date": "2026-11-22", "pillars": {"brand": 1.0, "people": 1.0, "insights": 1.0, "relationships": 1.0}, "total": 4.0}],
                "readings": [{"date": "2026-11-22", "total": -3.0, "pillars": [null, null, null, null], "source": "manual"}]}),
            422,
        ),
        // Raw activity must not slip in.
        (json!({"model_version": "v", "events": [{"kind": "message_sent"}]}), 422),
        // Wrong type.
        (json!({"model_version": 7}), 422),
        (json!({"model_version": " "}), 422),
    ];
    for (body, status) in cases {
        let reply = f.json("POST", ssi_api::PUSH_PATH, alice, Some(body.clone())).await;
        assert_eq!(reply.status.as_u16(), status, "{body} → {}", reply.text());
        assert!(reply.json()["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(snapshot(&f), before);
}

#[tokio::test]
async fn malformed_wrong_typed_oversize_and_unknown_requests_get_their_status() {
    let f = Fixture::with_config(|c| c.max_body_bytes = 2048);
    let before = snapshot(&f);
    let admin = f.admin.secret.clone();
    let raw = |body: &str, content_type: Option<&str>| {
        let mut builder =
            Request::post("/api/v1/teams").header(header::AUTHORIZATION, format!("Bearer {admin}"));
        if let Some(ct) = content_type {
            builder = builder.header(header::CONTENT_TYPE, ct);
        }
        builder.body(Body::from(body.to_string())).unwrap()
    };
    let message = f.send(raw("{\"name\": ", Some("application/json"))).await.expect_error(400, "bad_request");
    assert!(message.to_lowercase().contains("json"), "{message}");
    let message =
        f.send(raw("{\"name\": 42}", Some("application/json"))).await.expect_error(422, "unprocessable");
    assert!(message.contains("name"), "{message}");
    let message = f
        .send(raw("{\"name\": \"x\", \"colour\": 1}", Some("application/json")))
        .await
        .expect_error(422, "unprocessable");
    assert!(message.contains("colour"), "{message}");
    f.send(raw("{\"name\": \"x\"}", None)).await.expect_error(415, "unsupported_media_type");
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(4096));
    f.send(raw(&big, Some("application/json"))).await.expect_error(413, "payload_too_large");
    f.json("GET", "/api/v1/members/999999", Some(&f.admin.secret), None).await.expect_error(404, "not_found");
    f.json("GET", "/api/v1/members/not-a-number", Some(&f.admin.secret), None)
        .await
        .expect_error(404, "not_found");
    f.json("POST", "/api/v1/teams/999999/members", Some(&f.admin.secret), Some(json!({"name": "Nobody"})))
        .await
        .expect_error(404, "not_found");
    f.json("GET", "/api/v1/nothing-here", Some(&f.admin.secret), None).await.expect_error(404, "not_found");
    f.json("GET", "/api/v1/teams", Some("Basic abc"), None).await.expect_error(401, "unauthorized");
    f.json("PUT", "/api/v1/teams", Some(&f.admin.secret), None).await.expect_error(405, "method_not_allowed");
    assert_eq!(snapshot(&f), before);
}

fn upload(fixture: &Fixture, token: &str, body: Vec<u8>, content_type: &str) -> Request<Body> {
    Request::post(format!(
        "/api/v1/members/{}/exports?name=Basic_LinkedInDataExport_11-20-2026.zip",
        fixture.alice.0
    ))
    .header(header::AUTHORIZATION, format!("Bearer {token}"))
    .header(header::CONTENT_TYPE, content_type)
    .body(Body::from(body))
    .unwrap()
}

#[tokio::test]
async fn a_corrupt_an_oversize_or_a_mistyped_upload_is_refused_and_stores_nothing() {
    let f = Fixture::with_config(|c| c.max_upload_bytes = 4096);
    let before = snapshot(&f);
    let token = f.alice_token.secret.clone();
    let message = f
        .send(upload(&f, &token, b"PK\x03\x04 this is not really a zip".to_vec(), "application/zip"))
        .await
        .expect_error(422, "unprocessable");
    assert!(message.contains("ZIP"), "{message}");
    let mut truncated = small_export_zip();
    truncated.truncate(truncated.len() / 2);
    f.send(upload(&f, &token, truncated, "application/zip")).await.expect_error(422, "unprocessable");
    f.send(upload(&f, &token, vec![b'x'; 5000], "application/zip"))
        .await
        .expect_error(413, "payload_too_large");
    f.send(upload(&f, &token, small_export_zip(), "text/plain"))
        .await
        .expect_error(415, "unsupported_media_type");
    f.send(upload(&f, &token, Vec::new(), "application/zip")).await.expect_error(400, "bad_request");
    assert_eq!(snapshot(&f), before);
    assert_eq!(f.with_store(|store| store.unfinished_upload_jobs()).unwrap(), 0, "no job was started");
    let leftovers: Vec<_> = std::fs::read_dir(f.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("ssi-upload-"))
        .collect();
    assert!(leftovers.is_empty(), "spooled uploads are removed: {leftovers:?}");
}

/// [`small_export_zip`] with an `Email Addresses.csv` holding `email`.
fn small_export_of_account(email: &str) -> Vec<u8> {
    use std::io::Write;
    let original = small_export_zip();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(original)).unwrap();
    let mut bytes = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut bytes);
        for index in 0..archive.len() {
            zip.raw_copy_file(archive.by_index(index).unwrap()).unwrap();
        }
        zip.start_file("Email Addresses.csv", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(
            format!("Email Address,Confirmed,Primary,Updated On\n{email},Yes,Yes,Not Available\n").as_bytes(),
        )
        .unwrap();
        zip.finish().unwrap();
    }
    bytes.into_inner()
}

#[tokio::test]
async fn another_persons_export_is_refused_for_a_member_and_stores_nothing() {
    let f = Fixture::new();
    let token = f.alice_token.secret.clone();
    let first =
        f.send(upload(&f, &token, small_export_of_account("alice@one.example"), "application/zip")).await;
    let done = wait_for_job(&f, first.expect(202).json()["id"].as_u64().unwrap(), &token).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let before = snapshot(&f);
    // The same profile (same name, same activity) from another account.
    let other =
        f.send(upload(&f, &token, small_export_of_account("alice@two.example"), "application/zip")).await;
    let done = wait_for_job(&f, other.expect(202).json()["id"].as_u64().unwrap(), &token).await;
    assert_eq!(done["state"], "failed", "{done}");
    let message = done["error"].as_str().unwrap_or_else(|| panic!("a message: {done}"));
    assert!(message.contains("another person's") && message.contains("e-mail addresses"), "{message}");
    assert!(!message.contains("@"), "{message}");
    assert_eq!(snapshot(&f), before, "nothing was stored");
}

#[tokio::test]
async fn an_upload_is_imported_in_the_background_and_readable_as_a_job() {
    let f = Fixture::new();
    let token = f.alice_token.secret.clone();
    let reply = f.send(upload(&f, &token, small_export_zip(), "application/zip")).await.expect(202);
    let job = reply.json();
    let location = reply.headers[header::LOCATION].to_str().unwrap().to_string();
    assert_eq!(location, format!("/api/v1/jobs/{}", job["id"]));
    let done = wait_for_job(&f, job["id"].as_u64().unwrap(), &token).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["result"]["outcome"], "imported", "{done}");
    assert!(done["result"]["events_added"].as_u64().unwrap() >= 4, "{done}");
    let imports = f.with_store(|s| s.imports(f.alice)).unwrap();
    assert_eq!(imports.len(), 1);
    assert_eq!(imports[0].export_date, Some(today()));
    // The same export again changes nothing.
    let again = f.send(upload(&f, &token, small_export_zip(), "application/zip")).await.expect(202).json();
    let done = wait_for_job(&f, again["id"].as_u64().unwrap(), &token).await;
    assert_eq!(done["result"]["outcome"], "already_imported", "{done}");
    // A teammate cannot read the job; the manager can.
    f.json("GET", &location, Some(&f.bob_token.secret), None).await.expect_error(404, "not_found");
    f.json("GET", &location, Some(&f.manager_a.secret), None).await.expect(200);
    let metrics = f.json("GET", "/metrics", None, None).await.expect(200).text();
    assert!(metrics.contains(r#"ssi_imports_total{outcome="succeeded"} 2"#), "{metrics}");
}

#[tokio::test]
async fn the_daily_job_materialises_new_days_once_up_to_each_horizon() {
    let f = Fixture::new();
    // An export dated today, imported by a server whose clock said three days earlier.
    let path = f.dir.path().join("export.zip");
    std::fs::write(&path, small_export_zip()).unwrap();
    let three_days_ago = today() - chrono::Days::new(3);
    f.with_store(|store| {
        let name = "Basic_LinkedInDataExport_11-20-2026.zip";
        ssi_server::import_export(store, &|_| {}, f.alice, &path, name, three_days_ago)
    })
    .unwrap();
    let now = f.state.clone().with_today(today());
    let written = ssi_server::run_daily_job(&now).await.unwrap();
    assert_eq!(written, 3, "three new days for the one member with data");
    assert_eq!(ssi_server::run_daily_job(&now).await.unwrap(), 0, "idempotent");
    // Days past the member's horizon (the export's date) are never scored.
    let later = f.state.clone().with_today(today() + chrono::Days::new(30));
    assert_eq!(ssi_server::run_daily_job(&later).await.unwrap(), 0);
    let history = f.with_store(|s| s.history(f.alice, Some(today()), None)).unwrap();
    let scored: Vec<_> = history.iter().filter(|d| d.estimate.is_some()).map(|d| d.date).collect();
    assert_eq!(scored, [today()], "{history:?}");
}

#[tokio::test]
async fn health_readiness_metrics_and_openapi() {
    let f = Fixture::new();
    f.json("GET", "/healthz", None, None).await.expect(200);
    f.json("GET", "/readyz", None, None).await.expect(200);
    f.json("GET", "/api/v1/teams", Some(&f.admin.secret), None).await.expect(200);
    f.json("GET", "/api/v1/teams/424242", Some(&f.admin.secret), None).await.expect(404);
    let metrics = f.json("GET", "/metrics", None, None).await.expect(200);
    let text = metrics.text();
    assert!(
        text.contains(r#"ssi_http_requests_total{method="GET",route="/api/v1/teams",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"route="/api/v1/teams/{team}",status="404""#), "{text}");
    assert!(text.contains("ssi_http_request_duration_seconds_bucket"), "{text}");
    let doc = f.json("GET", "/api/v1/openapi.json", None, None).await.expect(200).json();
    for route in ROUTES {
        assert!(
            doc["paths"][route.path][route.method.as_lower()].is_object(),
            "{} {}",
            route.method.as_str(),
            route.path
        );
    }
    f.state.shutdown.cancel();
    f.json("GET", "/readyz", None, None).await.expect_error(503, "unavailable");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let f = Fixture::new();
    let cookie = f.session_cookie(&f.admin);
    let requests = [
        json_request("GET", "/api/v1/teams", Some(&f.admin.secret), None),
        json_request("GET", "/api/v1/teams", None, None),
        json_request("GET", "/login", None, None),
        Request::get(path_of("/teams/{team}", &f))
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    ];
    for request in requests {
        let uri = request.uri().to_string();
        let reply = f.send(request).await;
        let csp = reply.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{uri}: {csp}");
        assert_eq!(reply.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
        assert_eq!(reply.headers[header::X_FRAME_OPTIONS], "DENY", "{uri}");
        assert_eq!(reply.headers[header::REFERRER_POLICY], "no-referrer", "{uri}");
    }
}

#[tokio::test]
async fn signing_in_sets_a_session_cookie_that_is_not_the_token() {
    let f = Fixture::new();
    let login = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={}", f.manager_a.secret)))
        .unwrap();
    let reply = f.send(login).await.expect(303);
    assert_eq!(reply.headers[header::LOCATION], "/");
    let set_cookie = reply.headers[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert!(!set_cookie.contains(&f.manager_a.secret), "the token never goes into the cookie");
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    let page = |path: String, cookie: String| {
        Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap()
    };
    let team = f.send(page(path_of("/teams/{team}", &f), cookie.clone())).await.expect(200).text();
    assert!(team.contains("Alice Archer") && team.contains("Bob Baker"), "{team}");
    assert!(team.contains("id=\"band-chart\"") && team.contains("id=\"team-pillars\""), "{team}");
    assert!(team.contains("Below 50.0"), "the manager sees who is below the threshold");
    let member = f.send(page(path_of("/members/{member}", &f), cookie.clone())).await.expect(200).text();
    assert!(member.contains("id=\"history-chart\"") && member.contains("<polyline"), "{member}");
    // Revoking the token ends the session.
    f.json("DELETE", &format!("/api/v1/tokens/{}", f.manager_a.id.0), Some(&f.admin.secret), None)
        .await
        .expect(200);
    f.send(page(path_of("/teams/{team}", &f), cookie)).await.expect(401);
    // A bad token gets the form again with a message.
    let bad = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("token=ssi_nope"))
        .unwrap();
    let reply = f.send(bad).await.expect(401);
    assert!(reply.text().contains("not valid"));
    assert!(reply.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn a_member_sees_the_leaderboard_but_not_the_managers_lists() {
    let f = Fixture::new();
    let cookie = f.session_cookie(&f.bob_token);
    let team = f
        .send(
            Request::get(path_of("/teams/{team}", &f))
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .expect(200)
        .text();
    assert!(team.contains("Alice Archer"), "teammates are on the leaderboard");
    assert!(!team.contains(&format!("href=\"/members/{}\"", f.alice.0)), "but not linked for a teammate");
    assert!(team.contains(&format!("href=\"/members/{}\"", f.bob.0)), "Bob's own row links to his page");
    assert!(!team.contains("Below 50.0"), "the below-threshold list is for managers");
}

#[tokio::test]
async fn tokens_are_created_listed_and_revoked_within_scope() {
    let f = Fixture::new();
    let manager = Some(f.manager_a.secret.as_str());
    let created = f
        .json(
            "POST",
            "/api/v1/tokens",
            manager,
            Some(json!({"role": "member", "member": f.alice.0, "label": "phone"})),
        )
        .await
        .expect(201)
        .json();
    let secret = created["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("ssi_"));
    let me = f.json("GET", "/api/v1/me", Some(&secret), None).await.expect(200).json();
    assert_eq!(me["member"]["name"], "Alice Archer");
    assert_eq!(me["team"]["name"], "Alpha Sales");
    // A manager cannot mint tokens beyond members of their team.
    f.json("POST", "/api/v1/tokens", manager, Some(json!({"role": "admin"})))
        .await
        .expect_error(403, "forbidden");
    f.json("POST", "/api/v1/tokens", manager, Some(json!({"role": "member", "member": f.carol.0})))
        .await
        .expect_error(404, "not_found");
    let listed = f.json("GET", "/api/v1/tokens", manager, None).await.expect(200).json();
    let listed = listed.as_array().unwrap();
    assert!(listed.iter().all(|t| t["role"] == "member"), "{listed:?}");
    assert!(listed.iter().all(|t| t.get("token").is_none() && t.get("hash").is_none()), "no secrets listed");
    assert_eq!(listed.len(), 3, "alice, bob and the new one");
    f.json("DELETE", &format!("/api/v1/tokens/{}", f.carol_token.id.0), manager, None)
        .await
        .expect_error(404, "not_found");
    f.json("DELETE", &format!("/api/v1/tokens/{}", created["info"]["id"]), manager, None).await.expect(200);
    f.json("GET", "/api/v1/me", Some(&secret), None).await.expect_error(401, "unauthorized");
}
