//! `ssi advise`: ranked next best actions with their gains and effort, the summary and the mistake warnings, as text and JSON.

use crate::support::{MEMBER, TODAY, TestEnv};
use serde_json::{Value, json};

/// The weekly actions and the one-off profile section the library ranks.
const ACTIONS: [&str; 11] = [
    "post",
    "article",
    "comment",
    "reaction",
    "repost",
    "connection_request",
    "reply_to_message",
    "people_search",
    "day_active",
    "endorsement_given",
    "complete_profile_section",
];

fn number(value: &Value, key: &str) -> f64 {
    value[key].as_f64().unwrap_or_else(|| panic!("{key} is not a number in {value}"))
}

#[test]
fn the_advice_reads_as_ranked_actions_and_warnings() {
    let env = TestEnv::new().imported();
    insta::assert_snapshot!("advise", env.stdout(&["advise"]));
}

#[test]
fn advise_json_ranks_every_action_by_points_per_minute() {
    let env = TestEnv::new().imported();
    let json = env.json(&["advise"]);
    let dashboard = env.json(&["dashboard"]);
    assert_eq!(json["member"], MEMBER);
    assert_eq!(json["date"], TODAY);
    assert_eq!(json["model_version"], "ssi-default-2");
    assert_eq!(json["horizon_days"], 30);

    // Today's state is the dashboard's estimate, recomputed by the same engine.
    let current = &json["current"];
    assert_eq!(current["date"], TODAY);
    assert_eq!(current["shown"], dashboard["estimate"]["shown"]);
    assert!((number(current, "total") - number(&dashboard["estimate"], "total")).abs() < 1e-3, "{current}");
    let pillars = ["brand", "people", "insights", "relationships"];
    let weakest = pillars
        .iter()
        .min_by(|a, b| number(&current["pillars"], a).total_cmp(&number(&current["pillars"], b)))
        .unwrap();
    assert_eq!(json["weakest_pillar"], *weakest);
    assert_eq!(json["baseline"]["date"], "2026-12-20", "the baseline is measured 30 days ahead");
    assert!(json["rhythm"]["per_week"].is_object());
    assert_eq!(json["rhythm"]["to"], TODAY);

    let actions = json["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 11, "ten weekly actions and the missing profile section worth most");
    let names: Vec<&str> = actions.iter().map(|a| a["action"]["type"].as_str().unwrap()).collect();
    for name in ACTIONS {
        assert_eq!(names.iter().filter(|n| **n == name).count(), 1, "{name} in {names:?}");
    }
    let mut previous = f64::INFINITY;
    for (i, action) in actions.iter().enumerate() {
        assert_eq!(action["rank"], i + 1);
        // Beside its rank, an action is the library's ActionGain in its own serde shape: the
        // shape the team server's advice answer (and its OpenAPI document) gives it.
        let mut gain = action.clone();
        gain.as_object_mut().unwrap().remove("rank");
        let parsed: ssi_core::advice::ActionGain = serde_json::from_value(gain.clone()).unwrap();
        assert_eq!(serde_json::to_value(parsed).unwrap(), gain, "one shape for an action");
        let per_minute = number(action, "points_per_minute");
        assert!(per_minute <= previous + 1e-12, "ranked by points per minute: {action}");
        previous = per_minute;
        let total_gain = number(action, "total_gain");
        let pillar_gains: f64 = pillars.iter().map(|p| number(&action["gain"], p)).sum();
        assert!(pillars.iter().all(|p| number(&action["gain"], p) >= 0.0), "{action}");
        assert!((total_gain - pillar_gains).abs() < 1e-9, "the total gain is the pillars' gains: {action}");
        let minutes_total = number(action, "minutes_total");
        assert!((minutes_total - number(action, "minutes_per_unit") * number(action, "units")).abs() < 1e-9);
        assert!((per_minute - total_gain / minutes_total).abs() < 1e-12, "{action}");
        assert!(action["description"].as_str().unwrap().len() > 10);
        assert!(action["message"].as_str().unwrap().starts_with(action["description"].as_str().unwrap()));
        if action["action"]["type"] == "complete_profile_section" {
            assert_eq!(action["action"]["section"], "photo", "the fixture's missing section worth most");
            assert!(action["minutes_per_week"].is_null());
            assert!(action["simulated_as"].is_null());
            assert_eq!(action["units"], 1);
            assert_eq!(action["effort_is_convention"], true);
        } else {
            assert_eq!(
                action["action"].as_object().unwrap().len(),
                1,
                "only a section carries more: {action}"
            );
            assert_eq!(action["units"], 4, "one a week for 30 days");
            assert_eq!(number(action, "minutes_per_week"), number(action, "minutes_per_unit"));
            assert!(action["simulated_as"].is_string());
        }
    }
    let connection = actions.iter().find(|a| a["action"]["type"] == "connection_request").unwrap();
    assert_eq!(connection["simulated_as"], "connection_made");
    assert!(number(&connection["gain"], "people") > 0.5, "a decision maker raises Find the right people");

    let summary = json["summary"].as_str().unwrap();
    assert!(summary.starts_with("Your weakest pillar is Build relationships"), "{summary}");
}

#[test]
fn warnings_come_with_their_evidence() {
    let env = TestEnv::new().imported();
    let json = env.json(&["advise"]);
    let warnings = json["warnings"].as_array().unwrap();
    let kinds: Vec<&str> = warnings.iter().map(|w| w["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["incomplete_profile", "activity_gap"], "most severe first");
    let profile = &warnings[0];
    assert_eq!(profile["severity"], "warning");
    assert_eq!(profile["evidence"]["snapshot_taken_on"], TODAY);
    assert!(profile["evidence"]["missing_sections"].as_str().unwrap().starts_with("photo"));
    let gap = &warnings[1];
    assert_eq!(gap["severity"], "info");
    assert_eq!(gap["evidence"]["gap_from"], "2026-06-21");
    assert_eq!(gap["evidence"]["longest_gap_days"], 74);

    // Two months later without new data, the advice is the same: the days
    // since the export are unknown, not silent, so no "nothing from you"
    // warning, and the advice says which day it starts from.
    let output = env.ssi().env("SSI_TODAY", "2027-01-31").args(["advise", "--json"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let later: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(later["warnings"], json["warnings"]);
    assert_eq!(later["actions"], json["actions"]);
    assert_eq!(later["date"], TODAY);
    assert_eq!(
        (&later["as_of"], &later["data_age_days"], &later["stale"]),
        (&json!(TODAY), &json!(72), &json!(true))
    );
    let text = env.ssi().env("SSI_TODAY", "2027-01-31").arg("advise").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(!text.contains("Nothing from you since"), "{text}");
    assert!(
        text.contains(
            "From 2026-11-20, the last day your data covers (72 days old); later days are unknown."
        ),
        "{text}"
    );
}

#[test]
fn advice_needs_data() {
    let env = TestEnv::new();
    let stderr = env.fails(&["advise"], 1);
    assert!(stderr.starts_with("error: no ssi database at ") && stderr.contains("ssi import"), "{stderr}");
}

/// The fixture with a sign-in every day from `first` to today: active days saturated.
fn signing_in_every_day(env: &TestEnv, first: chrono::NaiveDate) -> std::path::PathBuf {
    let today: chrono::NaiveDate = TODAY.parse().unwrap();
    let mut logins = String::from("Login Date,IP Address,User Agent,Login Type\n");
    let mut day = today;
    while day >= first {
        logins.push_str(&format!("{},192.0.2.1,Mozilla/5.0,WEB\n", day.format("%a %b %d 08:00:00 UTC %Y")));
        day = day.pred_opt().unwrap();
    }
    let files: Vec<(&str, &str)> = crate::support::FIXTURE
        .iter()
        .map(
            |(name, content)| {
                if *name == "Logins.csv" { (*name, logins.as_str()) } else { (*name, *content) }
            },
        )
        .collect();
    let folder = env.path("Basic_LinkedInDataExport_11-20-2026-daily");
    crate::support::write_export(&folder, &files);
    folder
}

#[test]
fn being_active_is_counted_once_so_the_ranking_is_each_actions_own_value() {
    // The fixture member is active about three days a week; the same member signing in
    // every day has saturated active days. Every weekly action makes its days active,
    // which is worth points only to the first: counted in each action, that shared side
    // effect put "react to 1 more post" first. Counted once, the rankings agree.
    let sparse = TestEnv::new().imported();
    let daily = TestEnv::new();
    let folder = signing_in_every_day(&daily, "2026-08-01".parse().unwrap());
    daily.stdout(&["import", folder.to_str().unwrap()]);
    let (sparse, daily) = (sparse.json(&["advise"]), daily.json(&["advise"]));
    assert!(number(&sparse["rhythm"], "active_days_per_week") < 4.0, "{}", sparse["rhythm"]);
    assert_eq!(number(&daily["rhythm"], "active_days_per_week"), 7.0, "{}", daily["rhythm"]);
    assert!(number(&sparse, "shared_active_day_gain") > 0.5, "being active is worth points: {sparse}");
    assert_eq!(number(&daily, "shared_active_day_gain"), 0.0, "no more days to be active on");

    let order = |json: &Value| -> Vec<String> {
        json["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["action"]["type"].as_str().unwrap().to_string())
            .filter(|a| a != "day_active")
            .collect()
    };
    assert_eq!(order(&sparse), order(&daily), "the same member's own values rank the same");
    assert_ne!(
        sparse["actions"][0]["action"]["type"], "reaction",
        "a reaction is not first for a side effect"
    );
    for action in sparse["actions"].as_array().unwrap().iter().filter(|a| a["action"]["type"] != "day_active")
    {
        let people = number(&action["gain"], "people");
        if action["action"]["type"] != "connection_request" && action["action"]["type"] != "people_search" {
            assert_eq!(people, 0.0, "only its own value counts: {action}");
        }
    }
    let day_active =
        sparse["actions"].as_array().unwrap().iter().find(|a| a["action"]["type"] == "day_active");
    assert!(day_active.is_some(), "being active is its own step for the sparse member");
    let text = TestEnv::new().imported().stdout(&["advise"]);
    assert!(text.contains("counted once, as its own step"), "{text}");
}

#[test]
fn steps_worth_less_than_a_tenth_of_a_point_are_left_out() {
    let env = TestEnv::new();
    let folder = signing_in_every_day(&env, "2026-08-01".parse().unwrap());
    env.stdout(&["import", folder.to_str().unwrap()]);
    let json = env.json(&["advise"]);
    let actions = json["actions"].as_array().unwrap();
    assert!(actions.iter().all(|a| number(a, "total_gain") >= 0.1), "{json}");
    assert!(actions.iter().all(|a| a["action"]["type"] != "day_active"), "active every day: nothing to gain");
    let hidden = json["actions_not_shown"].as_u64().unwrap();
    assert!(hidden >= 1, "{json}");
    assert_eq!(actions.len() as u64 + hidden, 11, "every candidate is shown or counted");
    let text = env.stdout(&["advise"]);
    assert!(text.contains("would add less than 0.1 point"), "{text}");
    assert!(!text.contains("(+0.0 points)") && !text.contains("section(s)"), "{text}");
}

#[test]
fn explanations_and_warnings_on_the_sample_read_as_a_person_writes_them() {
    // The bundled sample is close to full marks on several components: a step worth less
    // than a tenth of a point is not offered ("about 61 more decision makers (+0.0
    // points)"), and counts and shares read naturally.
    let env = TestEnv::new();
    let sample =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/sample-export.zip");
    let import = env.ssi().args(["import", "-q"]).arg(&sample).output().unwrap();
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    let explain = env.stdout(&["explain"]);
    assert!(!explain.contains("(+0.0 points)"), "{explain}");
    assert!(explain.contains("Nearly full marks: keep it up"), "{explain}");
    assert!(explain.contains("% of the checklist"), "{explain}");
    let advise = env.stdout(&["advise"]);
    assert!(!advise.contains("section(s)") && !advise.contains("completeness 0."), "{advise}");
    assert!(advise.contains("1 section is missing or short"), "{advise}");
}
