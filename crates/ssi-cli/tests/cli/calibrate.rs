//! `ssi calibrate`: per member, idempotent, visible in `ssi history`, robust to typos, and kept up to date by new readings.

use crate::support::{MEMBER, TestEnv};
use serde_json::Value;

const OTHER: &str = "Charles Babbage";

/// The member's model estimate of each day from 2026-10-13 to 2026-11-20, by day.
fn estimates(env: &TestEnv, member: &str) -> Vec<(String, [f64; 4])> {
    let history = env.json(&[
        "history",
        "--from",
        "2026-10-13",
        "--to",
        "2026-11-20",
        "--model",
        "default",
        "--member",
        member,
    ]);
    history["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| !d["estimate"].is_null())
        .map(|d| {
            let p = &d["estimate"]["pillars"];
            let pillars = ["brand", "people", "insights", "relationships"].map(|k| p[k].as_f64().unwrap());
            (d["date"].as_str().unwrap().to_string(), pillars)
        })
        .collect()
}

/// A CSV of readings every fourth day from the member's estimates plus `offset` per pillar,
/// with `edit` applied to each row's pillars (by row index).
fn readings_csv(
    env: &TestEnv,
    member: &str,
    offset: [f64; 4],
    edit: impl Fn(usize, &mut [f64; 4]),
) -> String {
    let mut csv = String::from("date,total,brand,people,insights,relationships\r\n");
    for (i, (date, pillars)) in estimates(env, member).iter().rev().step_by(4).rev().enumerate() {
        let mut p: [f64; 4] = std::array::from_fn(|k| (pillars[k] + offset[k]).clamp(0.0, 25.0));
        edit(i, &mut p);
        let total: f64 = p.iter().sum();
        csv.push_str(&format!("{date},{total:.2},{:.2},{:.2},{:.2},{:.2}\r\n", p[0], p[1], p[2], p[3]));
    }
    csv
}

fn two_members() -> TestEnv {
    let env = TestEnv::new().imported();
    let folder = env.export_folder();
    env.stdout(&["import", folder.to_str().unwrap(), "--member", OTHER]);
    env
}

fn history(env: &TestEnv, member: &str) -> Value {
    env.json(&["history", "--from", "2026-10-01", "--to", "2026-11-20", "--member", member])
}

#[test]
fn calibrating_one_member_changes_only_that_members_estimates_and_no_model() {
    let env = two_members();
    let models_before = env.json(&["model", "show"]);
    let other_before = history(&env, OTHER);
    let csv = readings_csv(&env, MEMBER, [3.0, -2.0, 1.5, 2.0], |_, _| {});
    let file = env.write("readings.csv", &csv);
    env.stdout(&["reading", "import", file.to_str().unwrap(), "--member", MEMBER]);
    let ada_before = history(&env, MEMBER);

    let calibration = env.json(&["calibrate", "--member", MEMBER]);
    assert_eq!(calibration["outcome"], "saved", "{calibration}");
    assert_eq!(calibration["member"], MEMBER);
    assert_ne!(calibration["method"], "default", "{calibration}");
    assert!(
        calibration["error"]["total"].as_f64().unwrap()
            < calibration["error"]["default_total"].as_f64().unwrap()
    );
    assert!(calibration["error"]["predictions"].as_u64().unwrap() > 0);
    for w in calibration["weights"].as_array().unwrap() {
        assert!(w["after"].as_f64().unwrap() > 0.0, "{w}");
    }

    // Ada's estimate moved toward her readings; Charles's and the models did not move at all.
    let ada_after = history(&env, MEMBER);
    assert_eq!(ada_after["model"], "calibrated");
    assert_ne!(ada_after["days"], ada_before["days"]);
    assert_eq!(history(&env, OTHER), other_before);
    assert_eq!(env.json(&["model", "show"]), models_before);
    let last = ada_after["days"].as_array().unwrap().last().unwrap();
    let official_brand = estimates(&env, MEMBER).last().unwrap().1[0] + 3.0;
    assert!((last["estimate"]["pillars"]["brand"].as_f64().unwrap() - official_brand).abs() < 0.5, "{last}");
}

#[test]
fn calibrating_twice_on_the_same_readings_gives_the_same_calibration() {
    let env = TestEnv::new().imported();
    let file = env.write("readings.csv", &readings_csv(&env, MEMBER, [2.0, 1.0, -1.0, 0.5], |_, _| {}));
    env.stdout(&["reading", "import", file.to_str().unwrap()]);
    let models = env.json(&["model", "show"]);
    let first = env.json(&["calibrate"]);
    let history_first = history(&env, MEMBER);
    let second = env.json(&["calibrate"]);
    assert_eq!(first["outcome"], "saved");
    assert_eq!(second["outcome"], "unchanged", "{second}");
    let strip = |mut v: Value| {
        v["outcome"] = Value::Null;
        v["saved"] = Value::Null;
        v
    };
    assert_eq!(strip(first), strip(second));
    assert_eq!(history(&env, MEMBER), history_first);
    assert_eq!(env.json(&["model", "show"]), models, "no stacked model versions");
}

#[test]
fn history_shows_either_series_with_the_interval_and_carries_the_level_forward() {
    let env = TestEnv::new().imported();
    // Readings up to 2026-11-04 only: the last sixteen days are after them.
    let csv = readings_csv(&env, MEMBER, [4.0, 0.0, 0.0, 0.0], |_, _| {});
    let early: String = csv
        .lines()
        .filter(|l| !l.starts_with("2026-11-0") || l < &"2026-11-05")
        .map(|l| format!("{l}\n"))
        .collect();
    let early: String = early
        .lines()
        .filter(|l| !l.starts_with("2026-11-1") && !l.starts_with("2026-11-2"))
        .map(|l| format!("{l}\n"))
        .collect();
    let file = env.write("readings.csv", &early);
    env.stdout(&["reading", "import", file.to_str().unwrap()]);
    let default_before = history(&env, MEMBER);
    assert_eq!(default_before["model"], "default");
    env.stdout(&["calibrate"]);

    let calibrated = history(&env, MEMBER);
    let default_after =
        env.json(&["history", "--from", "2026-10-01", "--to", "2026-11-20", "--model", "default"]);
    assert_eq!(default_after["days"], default_before["days"], "--model default is the model's estimate");
    assert_eq!(calibrated["calibration"]["applies"], true);
    for (c, d) in calibrated["days"].as_array().unwrap().iter().zip(default_after["days"].as_array().unwrap())
    {
        let (c, d) = (&c["estimate"], &d["estimate"]);
        if c.is_null() {
            continue;
        }
        let (low, high, total) =
            (c["low"].as_f64().unwrap(), c["high"].as_f64().unwrap(), c["total"].as_f64().unwrap());
        assert!(low <= total && total <= high, "{c}");
        assert!(d.get("low").is_none(), "the default series has no interval: {d}");
        if c["date"].as_str().unwrap() > "2026-11-04" {
            // After the last reading the brand level carries forward.
            let lift = c["pillars"]["brand"].as_f64().unwrap() - d["pillars"]["brand"].as_f64().unwrap();
            assert!((lift - 4.0).abs() < 0.6, "{} lifts brand by {lift}", c["date"]);
        }
    }
    let dashboard = env.json(&["dashboard"]);
    let calibrated_today = calibrated["days"].as_array().unwrap().last().unwrap();
    assert_eq!(
        dashboard["calibrated"]["estimate"]["total"], calibrated_today["estimate"]["total"],
        "{dashboard}"
    );
    assert_eq!(dashboard["calibrated"]["status"], "current");
    assert!(dashboard["calibrated"]["estimate"]["low"].is_number());
    assert!(env.stdout(&["dashboard"]).contains("Calibrated to your readings"));
    let csv = env.stdout(&["history", "--from", "2026-11-10", "--to", "2026-11-20", "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(",low,high,model"), "{header}");
    assert!(csv.lines().nth(1).unwrap().ends_with(",calibrated"), "{csv}");
    let table = env.stdout(&["history", "--from", "2026-11-10", "--to", "2026-11-20"]);
    assert!(table.contains("80% range") && table.contains("Calibrated on"), "{table}");
}

#[test]
fn a_typo_is_flagged_left_out_and_can_be_confirmed_or_deleted() {
    let env = TestEnv::new().imported();
    // The fifth reading's people typed 21.65 instead of 12.65: nine points too high.
    let csv = readings_csv(&env, MEMBER, [1.0, 1.0, 1.0, 1.0], |i, p| {
        if i == 4 {
            p[1] = (p[1] + 9.0).min(25.0);
        }
    });
    let typo_date = csv.lines().nth(5).unwrap().split(',').next().unwrap().to_string();
    let file = env.write("readings.csv", &csv);
    env.stdout(&["reading", "import", file.to_str().unwrap()]);

    let list = env.json(&["reading", "list"]);
    let flagged: Vec<&Value> =
        list["readings"].as_array().unwrap().iter().filter(|r| r["status"] != "used").collect();
    assert_eq!(flagged.len(), 1, "{list}");
    assert_eq!(flagged[0]["date"], typo_date.as_str());
    assert_eq!(flagged[0]["status"], "outlier");
    assert!(flagged[0]["reason"].as_str().unwrap().contains("people"), "{}", flagged[0]);
    let text = env.stdout(&["reading", "list"]);
    assert!(text.contains(&format!("{typo_date} (csv) outlier: people")), "{text}");

    let calibration = env.json(&["calibrate"]);
    let stored = calibration["readings_stored"].as_u64().unwrap();
    assert_eq!(calibration["readings"].as_u64().unwrap(), stored - 1);
    assert_eq!(calibration["flagged"][0]["date"], typo_date.as_str());

    env.stdout(&["reading", "confirm", "--date", &typo_date]);
    let list = env.json(&["reading", "list"]);
    let confirmed =
        list["readings"].as_array().unwrap().iter().find(|r| r["date"] == typo_date.as_str()).unwrap();
    assert_eq!(confirmed["status"], "confirmed");
    // Confirming updated the calibration by itself: the reading is used now.
    assert_eq!(history(&env, MEMBER)["calibration"]["readings"].as_u64().unwrap(), stored);

    env.stdout(&["reading", "delete", "--date", &typo_date]);
    let list = env.json(&["reading", "list"]);
    assert_eq!(list["readings"].as_array().unwrap().len() as u64, stored - 1);
    assert!(list["readings"].as_array().unwrap().iter().all(|r| r["status"] == "used"), "{list}");
    let missing = env.fails(&["reading", "delete", "--date", &typo_date], 1);
    assert!(missing.contains("no reading of"), "{missing}");
}

#[test]
fn of_two_readings_on_one_day_the_later_counts_and_the_list_says_so() {
    let env = TestEnv::new().imported();
    let file = env.write("readings.csv", &readings_csv(&env, MEMBER, [0.0; 4], |_, _| {}));
    env.stdout(&["reading", "import", file.to_str().unwrap()]);
    env.stdout(&["reading", "add", "--date", "2026-11-20", "--total", "30"]);
    let list = env.json(&["reading", "list"]);
    let day: Vec<&Value> =
        list["readings"].as_array().unwrap().iter().filter(|r| r["date"] == "2026-11-20").collect();
    assert_eq!(day.len(), 2, "{list}");
    assert_eq!((day[0]["source"].as_str(), day[0]["status"].as_str()), (Some("csv"), Some("superseded")));
    assert!(day[0]["reason"].as_str().unwrap().contains("manual"), "{}", day[0]);
    assert_eq!(day[1]["source"], "manual");
    assert_ne!(day[1]["status"], "superseded");
}

#[test]
fn new_readings_update_a_calibration_without_a_manual_step_and_the_first_reading_counts() {
    let env = TestEnv::new().imported();
    env.stdout(&[
        "reading",
        "add",
        "--date",
        "2026-11-01",
        "--brand",
        "20",
        "--people",
        "10",
        "--insights",
        "8",
        "--relationships",
        "12",
    ]);
    let first = env.json(&["calibrate"]);
    assert_eq!(first["readings"], 1);
    assert_eq!(first["method"], "level");
    assert!(first["error"]["total"].is_null());
    let out = env.json(&[
        "reading",
        "add",
        "--date",
        "2026-11-10",
        "--brand",
        "20",
        "--people",
        "10",
        "--insights",
        "8",
        "--relationships",
        "12",
    ]);
    assert!(out["calibration"].as_str().unwrap().starts_with("Calibration updated"), "{out}");
    let h = history(&env, MEMBER);
    assert_eq!(h["calibration"]["readings"], 2);
    assert_eq!(h["calibration"]["last_date"], "2026-11-10");

    env.stdout(&["calibrate", "--reset"]);
    assert_eq!(history(&env, MEMBER)["model"], "default");
    assert!(env.json(&["calibrate", "--dry-run"])["saved"] == false);
    assert_eq!(history(&env, MEMBER)["model"], "default");
}

#[test]
fn calibration_without_readings_says_how_to_record_them() {
    let env = TestEnv::new().imported();
    let stderr = env.fails(&["calibrate"], 1);
    assert!(stderr.contains("no official readings") && stderr.contains("ssi reading add"), "{stderr}");
}
