//! `ssi dashboard` and the bare `ssi`: text, JSON, dates, readings beside the estimate, and the empty database.

use crate::support::{MEMBER, TestEnv};

#[test]
fn the_dashboard_shows_total_pillars_changes_trend_and_freshness() {
    let env = TestEnv::new().imported();
    insta::assert_snapshot!("dashboard", env.stdout(&["dashboard"]));
}

#[test]
fn the_bare_command_is_the_dashboard_once_data_exists() {
    let env = TestEnv::new().imported();
    assert_eq!(env.stdout(&[]), env.stdout(&["dashboard"]));
}

#[test]
fn the_bare_command_without_data_says_how_to_start_and_creates_nothing() {
    let env = TestEnv::new();
    let text = env.stdout(&[]);
    assert!(
        text.contains("No data yet: import your LinkedIn data export first with `ssi import PATH`"),
        "{text}"
    );
    assert!(!env.default_db().exists());
    // JSON readers get an error, not prose.
    let stderr = env.fails(&["--json"], 1);
    assert!(stderr.contains("`ssi import PATH`"), "{stderr}");
}

#[test]
fn dashboard_json_has_the_documented_shape() {
    let env = TestEnv::new().imported();
    let json = env.json(&["dashboard"]);
    assert_eq!(json["member"], MEMBER);
    assert_eq!(json["date"], "2026-11-20");
    let estimate = &json["estimate"];
    assert_eq!(estimate["date"], "2026-11-20");
    assert_eq!(estimate["model_version"], "ssi-default-2");
    let pillars = &estimate["pillars"];
    let sum: f64 = ["brand", "people", "insights", "relationships"]
        .iter()
        .map(|p| {
            let v = pillars[p].as_f64().unwrap();
            assert!((0.0..=25.0).contains(&v), "{p} = {v}");
            v
        })
        .sum();
    let total = estimate["total"].as_f64().unwrap();
    assert!((sum - total).abs() < 1e-9, "the total is the sum of the pillars");
    assert_eq!(estimate["shown"].as_u64().unwrap(), total.round() as u64);
    assert_eq!(estimate["band"], "beginner");
    for key in ["since_yesterday", "since_7_days", "since_30_days"] {
        assert!(json["change"][key].is_f64(), "{key}");
    }
    // A week ago the estimate was lower: the fixture's activity is recent.
    assert!(json["change"]["since_7_days"].as_f64().unwrap() > 0.0);
    assert_eq!(
        json["baseline"]["estimate"]["date"], "2025-03-11",
        "the first connection is the first day scored"
    );
    assert!(json["baseline"]["official"].is_null());
    assert_eq!(json["trend"]["from"], "2026-08-23");
    assert_eq!(json["trend"]["to"], "2026-11-20");
    let totals = json["trend"]["totals"].as_array().unwrap();
    assert_eq!(totals.len(), 90);
    // The trend comes from the stored daily rows, the estimate from its rebuilt explanation:
    // the same day, equal up to the store's rounding.
    assert!((totals[89].as_f64().unwrap() - total).abs() < 1e-4);
    assert!(json["official"].is_null());
    assert_eq!(json["freshness"]["activity_known_to"], "2026-11-20");
    assert_eq!(json["freshness"]["known_from"], "export_date");
    assert_eq!(json["freshness"]["days_behind"], 0);
}

#[test]
fn a_date_shows_that_day_and_later_days_say_the_data_is_behind() {
    let env = TestEnv::new().imported();
    let earlier = env.json(&["dashboard", "--date", "2026-11-01"]);
    assert_eq!(earlier["date"], "2026-11-01");
    let history = env.json(&["history", "--from", "2026-11-01", "--to", "2026-11-01"]);
    let (shown, stored) = (&earlier["estimate"], &history["days"][0]["estimate"]);
    assert_eq!(shown["shown"], stored["shown"]);
    assert!((shown["total"].as_f64().unwrap() - stored["total"].as_f64().unwrap()).abs() < 1e-4);
    assert!(
        (earlier["change"]["since_30_days"].as_f64().unwrap()).abs() > 0.1,
        "a month of activity moves the estimate"
    );

    // Five days after the export: the dashboard answers for the export's day,
    // with the same figures, and says how old the data is.
    let on_the_day = env.json(&["dashboard"]);
    let later = env.ssi().args(["dashboard", "--json"]).env("SSI_TODAY", "2026-11-25").output().unwrap();
    let later: serde_json::Value = serde_json::from_slice(&later.stdout).unwrap();
    assert_eq!(later["estimate"], on_the_day["estimate"]);
    assert_eq!(later["change"], on_the_day["change"], "changes end at the horizon");
    assert_eq!(
        (&later["as_of"], &later["data_age_days"]),
        (&serde_json::json!("2026-11-20"), &serde_json::json!(5))
    );
    assert_eq!(later["stale"], false);
    let later = env.ssi().args(["dashboard"]).env("SSI_TODAY", "2026-11-25").output().unwrap();
    let text = String::from_utf8(later.stdout).unwrap();
    assert!(text.contains("beginner · as of 2026-11-20 (your export, 5 days old)"), "{text}");
    assert!(
        text.contains(
            "Activity known up to 2026-11-20, the export's date (5 days old); import a newer export to update."
        ),
        "{text}"
    );
    assert!(!text.contains("Stale"), "{text}");
    // Forty days on, the data is stale: the dashboard says what to do.
    let stale = env.ssi().args(["dashboard"]).env("SSI_TODAY", "2026-12-30").output().unwrap();
    let text = String::from_utf8(stale.stdout).unwrap();
    assert!(
        text.contains(
            "Stale: no data for 40 days: import a newer export (Settings → Data privacy → Get a copy of your data)."
        ),
        "{text}"
    );
    // The threshold is a setting.
    let relaxed = env
        .ssi()
        .args(["dashboard"])
        .env("SSI_TODAY", "2026-12-30")
        .env("SSI_STALE_AFTER_DAYS", "60")
        .output();
    assert!(!String::from_utf8(relaxed.unwrap().stdout).unwrap().contains("Stale"));
}

#[test]
fn the_latest_official_reading_stands_beside_the_estimate() {
    let env = TestEnv::new().imported();
    env.stdout(&["reading", "add", "--date", "2026-11-10", "--total", "18"]);
    env.stdout(&[
        "reading",
        "add",
        "--date",
        "2026-11-18",
        "--brand",
        "13.12",
        "--people",
        "3.68",
        "--insights",
        "0.30",
        "--relationships",
        "2.61",
        "--industry-rank",
        "75",
        "--network-rank",
        "81",
        "--industry-avg",
        "30.99",
        "--network-avg",
        "32.72",
    ]);
    let text = env.stdout(&["dashboard"]);
    assert!(text.contains("LinkedIn's own SSI on 2026-11-18: 20 / 100  beginner"), "{text}");
    assert!(text.contains("brand 13.12 · people 3.68 · insights 0.30 · relationships 2.61"), "{text}");
    assert!(
        text.contains("industry rank top 75% (average 31.0) · network rank top 81% (average 32.7)"),
        "{text}"
    );
    assert!(text.contains("official +1.7 since 2026-11-10, the first reading (18)"), "{text}");

    let json = env.json(&["dashboard"]);
    let official = &json["official"];
    assert_eq!(official["date"], "2026-11-18");
    assert!((official["total"].as_f64().unwrap() - 19.71).abs() < 1e-9);
    assert_eq!(official["shown"], 20);
    assert_eq!(official["pillars"]["people"], 3.68);
    assert_eq!(official["industry"]["rank"], 75);
    assert_eq!(official["industry"]["average"], 30.99);
    assert_eq!(official["network"]["rank"], 81);
    assert_eq!(official["network"]["average"], 32.72);
    assert!(official["team"]["rank"].is_null());
    assert_eq!(official["source"], "manual");
    assert_eq!(json["baseline"]["official"]["date"], "2026-11-10");

    // Before the second reading, the dashboard shows the first.
    let before = env.json(&["dashboard", "--date", "2026-11-12"]);
    assert_eq!(before["official"]["date"], "2026-11-10");
}

#[test]
fn read_commands_on_an_empty_database_say_how_to_import() {
    let env = TestEnv::new();
    for args in
        [vec!["dashboard"], vec!["explain"], vec!["history"], vec!["reading", "list"], vec!["member", "list"]]
    {
        let stderr = env.fails(&args, 1);
        assert!(stderr.starts_with("error: no ssi database at "), "{args:?}: {stderr}");
        assert!(stderr.contains("`ssi import PATH`"), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1);
    }
    assert!(!env.default_db().exists(), "reading does not create a database");
}
