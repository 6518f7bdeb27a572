//! `ssi plan`: a weekly plan projected forward, as a chart and threshold dates, and as JSON series; bigger plans never project lower.

use crate::support::{MEMBER, TODAY, TestEnv};
use serde_json::Value;
use std::path::PathBuf;

/// The plan the snapshot and most checks use.
const PLAN: [&str; 12] = [
    "plan",
    "--posts",
    "1",
    "--comments",
    "3",
    "--requests",
    "2",
    "--active-days",
    "3",
    "--reply-all",
    "--days",
    "120",
];

fn totals(json: &Value) -> Vec<f64> {
    json["series"].as_array().unwrap().iter().map(|d| d["total"].as_f64().unwrap()).collect()
}

#[test]
fn a_plan_reads_as_a_chart_and_threshold_dates() {
    let env = TestEnv::new().imported();
    insta::assert_snapshot!("plan", env.stdout(&PLAN));
}

#[test]
fn plan_json_gives_the_daily_series_and_when_each_threshold_is_reached() {
    let env = TestEnv::new().imported();
    let json = env.json(&PLAN);
    assert_eq!(json["member"], MEMBER);
    assert_eq!(json["today"], TODAY);
    assert_eq!(json["days"], 120);
    assert_eq!(json["model_version"], "ssi-default-2");
    let plan = &json["plan"];
    assert_eq!(plan["posts"], 1);
    assert_eq!(plan["comments"], 3);
    assert_eq!(plan["connection_requests"], 2, "--requests is the plan's connection requests");
    assert_eq!(plan["active_days"], 3);
    assert_eq!(plan["reply_to_all"], true);
    assert_eq!(plan["reactions"], 0);
    assert!(json["minutes_per_week"].as_f64().unwrap() > 0.0);
    assert!(json["incoming_messages_per_week"].as_f64().unwrap() > 0.0, "the fixture has recent messages");

    let series = json["series"].as_array().unwrap();
    assert_eq!(series.len(), 121, "today and 120 days");
    assert_eq!(series[0]["date"], TODAY);
    assert_eq!(series[120]["date"], "2027-03-20");
    let dashboard = env.json(&["dashboard"]);
    let today_total = dashboard["estimate"]["total"].as_f64().unwrap();
    assert!((series[0]["total"].as_f64().unwrap() - today_total).abs() < 1e-3, "day 0 is today's estimate");
    for day in series {
        let pillars: f64 = ["brand", "people", "insights", "relationships"]
            .iter()
            .map(|p| day["pillars"][p].as_f64().unwrap())
            .sum();
        let total = day["total"].as_f64().unwrap();
        assert!((pillars - total).abs() < 1e-9, "{day}");
        assert_eq!(day["shown"], total.round() as u64, "{day}");
        assert!(day["band"].is_string());
    }
    let totals = totals(&json);
    assert!(totals[120] > totals[0] + 10.0, "the plan raises the estimate: {} → {}", totals[0], totals[120]);

    let thresholds = json["thresholds"].as_array().unwrap();
    let values: Vec<f64> = thresholds.iter().map(|t| t["threshold"].as_f64().unwrap()).collect();
    assert_eq!(values, [45.0, 70.0, 75.0, 80.0]);
    for t in thresholds {
        let threshold = t["threshold"].as_f64().unwrap();
        let first = totals.iter().position(|total| *total >= threshold);
        match first {
            Some(day) => {
                assert_eq!(t["first_date"], series[day]["date"], "{t}");
                assert_eq!(t["days_from_today"], day, "{t}");
            }
            None => {
                assert!(t["first_date"].is_null(), "{t}");
                assert!(t["days_from_today"].is_null(), "{t}");
            }
        }
    }
}

#[test]
fn a_bigger_plan_never_projects_lower() {
    let env = TestEnv::new().imported();
    let small = env.json(&["plan", "--posts", "1", "--comments", "2", "--active-days", "2", "--days", "60"]);
    let bigger = env.json(&[
        "plan",
        "--posts",
        "2",
        "--comments",
        "4",
        "--active-days",
        "5",
        "--requests",
        "1",
        "--reply-all",
        "--days",
        "60",
    ]);
    let (small, bigger) = (totals(&small), totals(&bigger));
    assert_eq!(small.len(), bigger.len());
    for (day, (s, b)) in small.iter().zip(&bigger).enumerate() {
        assert!(b + 1e-9 >= *s, "day {day}: the bigger plan projects {b}, the smaller {s}");
    }
    assert!(bigger[60] > small[60] + 1.0, "and is clearly higher by the end");
    assert_eq!(small[0], bigger[0], "both start from today's state");
}

#[test]
fn an_empty_plan_shows_the_decay() {
    let env = TestEnv::new().imported();
    let json = env.json(&["plan", "--only", "--days", "30"]);
    let totals = totals(&json);
    assert_eq!(totals.len(), 31, "--days sets the horizon");
    assert!(totals[30] < totals[0], "without activity the estimate decays");
    let text = env.stdout(&["plan", "--only", "--days", "30"]);
    assert!(text.contains("Each week    nothing (the projection shows how the score decays"), "{text}");
    assert!(text.contains("  45  the average member    not reached within 30 days"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colours when stdout is not a terminal");
}

#[test]
fn plans_beyond_what_can_be_projected_are_usage_errors() {
    let env = TestEnv::new().imported();
    for (args, needle) in [
        (vec!["--active-days", "8"], "--active-days"),
        (vec!["--posts", "201"], "more than the 200 a week"),
        (vec!["--comments", "-1"], "'-1'"),
        (vec!["--days", "0"], "outside 1–3660"),
        (vec!["--days", "4000"], "outside 1–3660"),
    ] {
        let mut all = vec!["plan"];
        all.extend(&args);
        let stderr = env.fails(&all, 2);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

#[test]
fn the_chart_is_coloured_only_on_a_terminal() {
    let env = TestEnv::new().imported();
    let (code, coloured) = env.in_terminal(&PLAN, "", false);
    assert_eq!(code, Some(0));
    // The line in the accent colour, the threshold dotted and dimmed.
    assert!(coloured.contains("\u{1b}[36m─╯"), "{coloured}");
    assert!(coloured.contains("\u{1b}[2m┄┄┄"), "{coloured}");
    let (_, plain) = env.in_terminal(&PLAN, "", true);
    assert!(plain.contains("┄┄┄ the average member") && !plain.contains('\u{1b}'), "{plain}");
}

fn baseline_totals(json: &Value) -> Vec<f64> {
    json["baseline"].as_array().unwrap().iter().map(|d| d["total"].as_f64().unwrap()).collect()
}

/// A file under the workspace root.
fn workspace_file(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative)
}

/// `ssi plan ARGS --json` for a database, with today pinned to `today`.
fn plan_json(env: &TestEnv, db: &str, today: &str, args: &[&str]) -> Value {
    let output =
        env.ssi().env("SSI_TODAY", today).args(["--db", db, "plan", "--json"]).args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_plan_that_only_adds_activity_never_projects_below_the_habits_alone() {
    // The bundled sample (a busy member, generated), the 2021-style fixture (a
    // smaller generated member), the 2018 Complete export (another generated member,
    // messaging-heavy with few posts) and the hand-written fixture (a sparse one).
    // Each plan starts at the member's horizon, whatever the day it is run.
    let env = TestEnv::new();
    let fixture = env.export_folder();
    let members = [
        ("sample.db", workspace_file("examples/sample-export.zip"), "2026-11-20"),
        ("export-2021.db", workspace_file("tests/fixtures/export-2021.zip"), "2021-11-20"),
        ("export-2018.db", workspace_file("tests/fixtures/export-2018.zip"), "2026-12-05"),
        ("fixture.db", fixture, TODAY),
    ];
    let plans: [&[&str]; 4] = [
        &["--posts", "2", "--comments", "10", "--days", "90"],
        &["--posts", "3", "--days", "90"],
        &["--requests", "2", "--active-days", "2", "--reply-all", "--reactions", "5", "--days", "120"],
        &["--days", "60"],
    ];
    for (db, export, today) in &members {
        let import =
            env.ssi().env("SSI_TODAY", today).args(["--db", db, "import"]).arg(export).output().unwrap();
        assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
        for plan in plans {
            let json = plan_json(&env, db, today, plan);
            assert_eq!(json["habits_continue"], true, "habits continue by default");
            let (with, habits) = (totals(&json), baseline_totals(&json));
            assert_eq!(with.len(), habits.len());
            assert_eq!(with[0], habits[0], "both start from today's estimate");
            for (day, (w, h)) in with.iter().zip(&habits).enumerate() {
                assert!(
                    w + 1e-9 >= *h,
                    "{db} {plan:?} day {day}: the plan projects {w}, the habits alone {h}"
                );
            }
            let last = with.len() - 1;
            if plan.len() > 2 {
                assert!(with[last] > habits[last] + 0.5, "{db} {plan:?}: the plan adds points by the end");
            } else {
                assert_eq!(with, habits, "{db}: a plan of nothing added is the habits alone");
            }
        }
    }
    // The plan alone (--only) is the old projection: on the busy sample, posting twice
    // and commenting ten times a week while everything else stops ends far lower.
    let only = plan_json(
        &env,
        "sample.db",
        "2026-11-20",
        &["--posts", "2", "--comments", "10", "--days", "90", "--only"],
    );
    assert_eq!(only["habits_continue"], false);
    let (alone, habits) = (totals(&only), baseline_totals(&only));
    assert!(
        alone[90] < habits[90] - 10.0,
        "every habit the plan does not name stops: {} vs {}",
        alone[90],
        habits[90]
    );
}

#[test]
fn the_plan_text_says_the_habits_continue_and_shows_them_beside_the_plan() {
    let env = TestEnv::new().imported();
    let text = env.stdout(&["plan", "--posts", "2", "--days", "60"]);
    assert!(text.contains("Your habits  continue at their weekly rate of the last 4 weeks"), "{text}");
    assert!(text.contains("Each week    on top: 2 posts"), "{text}");
    assert!(text.contains("(day 60), with the plan"), "{text}");
    assert!(text.contains("(day 60), habits alone"), "{text}");
    assert!(text.contains("The plan's own effect on day 60: +"), "{text}");
    let only = env.stdout(&["plan", "--posts", "2", "--days", "60", "--only"]);
    assert!(only.contains("Your habits  stop (--only): the plan is all you do"), "{only}");
}
