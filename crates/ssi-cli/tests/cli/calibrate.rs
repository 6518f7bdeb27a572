//! `ssi calibrate`: refusals below 10 readings or 14 days, dry runs that change nothing, and a fit that improves becoming the active model.

use crate::support::{MEMBER, TestEnv};
use serde_json::Value;

/// Every other day from 2026-10-13 to 2026-11-20: 20 readings over 39 days.
fn reading_days() -> Vec<String> {
    let last = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let mut days: Vec<String> =
        (0..20).map(|k| (last - chrono::Days::new(2 * k)).format("%Y-%m-%d").to_string()).collect();
    days.reverse();
    days
}

/// Brand weights of the "hidden" model the shifted readings come from:
/// `brand.profile` 4 and `brand.publishing` 13 instead of the default 9 and 8.
const HIDDEN_PROFILE_WEIGHT: f64 = 4.0;
const HIDDEN_PUBLISHING_WEIGHT: f64 = 13.0;

/// One CSV row of readings for `date`: the estimate itself, or (`shifted`) what
/// the default model would give with the hidden brand weights, which the
/// calibration can recover exactly.
fn reading_row(env: &TestEnv, date: &str, shifted: bool) -> String {
    let explain = env.json(&["explain", "--date", date]);
    let estimate = &explain["estimate"];
    assert_eq!(estimate["date"], date, "the fixture is scored on {date}");
    let share = |id: &str| {
        let c = explain["components"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap();
        c["points"].as_f64().unwrap() / c["possible"].as_f64().unwrap()
    };
    let pillar = |name: &str| estimate["pillars"][name].as_f64().unwrap();
    let mut brand = pillar("brand");
    if shifted {
        brand += (HIDDEN_PROFILE_WEIGHT - 9.0) * share("brand.profile")
            + (HIDDEN_PUBLISHING_WEIGHT - 8.0) * share("brand.publishing");
    }
    let (people, insights, relationships) = (pillar("people"), pillar("insights"), pillar("relationships"));
    let total = brand + people + insights + relationships;
    format!("{date},{total:.6},{brand:.6},{people:.6},{insights:.6},{relationships:.6}\n")
}

/// Imports readings of `days`, shifted (see [`reading_row`]) where `shifted(index)` says so.
fn import_readings(env: &TestEnv, days: &[String], shifted: impl Fn(usize) -> bool) {
    let mut csv = String::from("date,total,brand,people,insights,relationships\n");
    for (i, day) in days.iter().enumerate() {
        csv.push_str(&reading_row(env, day, shifted(i)));
    }
    let file = env.write("readings.csv", &csv);
    env.stdout(&["reading", "import", file.to_str().unwrap()]);
}

fn weight(model: &Value, id: &str) -> f64 {
    model["components"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()["weight"]
        .as_f64()
        .unwrap()
}

#[test]
fn calibration_refuses_too_few_readings_or_too_short_a_span() {
    let env = TestEnv::new().imported();
    let stderr = env.fails(&["calibrate"], 1);
    assert!(
        stderr.starts_with("error: cannot calibrate for Ada Lovelace: calibration needs at least 10 official readings on different days, but there are 0"),
        "{stderr}"
    );
    let days = reading_days();
    // Nine readings over 17 days: too few.
    import_readings(&env, &days[11..], |_| false);
    let stderr = env.fails(&["calibrate", "--dry-run"], 1);
    assert!(stderr.contains("at least 10 official readings on different days, but there are 9"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1);

    // Ten readings on consecutive days: enough readings, too short a span.
    let env = TestEnv::new().imported();
    let consecutive: Vec<String> = (11..=20).map(|d| format!("2026-11-{d}")).collect();
    import_readings(&env, &consecutive, |_| false);
    let stderr = env.fails(&["calibrate"], 1);
    assert!(
        stderr.contains(
            "readings spread over at least 14 days, but they cover only 10 (from 2026-11-11 to 2026-11-20)"
        ),
        "{stderr}"
    );
    assert_eq!(env.json(&["model", "show"])["models"].as_array().unwrap().len(), 1, "nothing saved");
}

#[test]
fn a_dry_run_reports_the_fit_and_leaves_the_model_alone() {
    let env = TestEnv::new().imported();
    import_readings(&env, &reading_days(), |_| true);
    let before = env.json(&["model", "show"]);
    let dashboard_before = env.json(&["dashboard"]);

    let json = env.json(&["calibrate", "--dry-run"]);
    assert_eq!(json["member"], MEMBER);
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["outcome"], "dry_run");
    assert_eq!(json["saved"], false);
    assert!(json["rows_rescored"].is_null());
    assert_eq!(json["improves"], true, "the hidden weights fit better: {json}");
    assert_eq!(json["previous_version"], "ssi-default-1");
    assert_eq!(json["active_version"], "ssi-default-1");
    assert_eq!(json["calibrated_version"], "ssi-default-1-cal-2026-11-20");
    assert_eq!(json["readings"], 20);
    assert_eq!(json["first_date"], "2026-10-13");
    assert_eq!(json["last_date"], "2026-11-20");
    assert_eq!(json["holdout_from"], "2026-11-10", "the latest 6 of 20 are held out");
    let total = &json["total"];
    assert_eq!(total["train_readings"], 14);
    assert_eq!(total["holdout_readings"], 6);
    let holdout_before = total["holdout_before"].as_f64().unwrap();
    let holdout_after = total["holdout_after"].as_f64().unwrap();
    assert!(holdout_before > 0.5, "the default model misses the shifted brand: {total}");
    assert!(holdout_after < holdout_before / 5.0, "the calibrated one comes close: {total}");
    let pillars: Vec<&str> =
        json["pillars"].as_array().unwrap().iter().map(|p| p["pillar"].as_str().unwrap()).collect();
    assert_eq!(pillars, ["brand", "people", "insights", "relationships"]);
    let brand = &json["pillars"][0];
    assert_eq!(brand["fitted"], true);
    assert!(
        brand["error"]["train_before"].as_f64().unwrap() > brand["error"]["train_after"].as_f64().unwrap()
    );
    let profile =
        brand["weights"].as_array().unwrap().iter().find(|w| w["component"] == "brand.profile").unwrap();
    assert_eq!(profile["before"], 9.0);
    assert!((profile["after"].as_f64().unwrap() - HIDDEN_PROFILE_WEIGHT).abs() < 0.2, "{profile}");
    assert!(json["summary"].as_str().unwrap().len() > 20);

    assert_eq!(env.json(&["model", "show"]), before, "a dry run saves nothing");
    assert_eq!(env.json(&["dashboard"]), dashboard_before, "and re-scores nothing");

    let text = env.stdout(&["calibrate", "--dry-run"]);
    assert!(text.starts_with("Calibration of model ssi-default-1 for Ada Lovelace: 20 readings"), "{text}");
    let profile_line = text.lines().find(|l| l.starts_with("    brand.profile ")).unwrap();
    assert!(profile_line.contains(" 9.00 →  4."), "{text}");
    assert!(
        text.contains(
            "Dry run: nothing saved. Without --dry-run, ssi-default-1-cal-2026-11-20 would be saved"
        ),
        "{text}"
    );
}

#[test]
fn a_fit_that_improves_becomes_the_active_model_and_rescores_history() {
    let env = TestEnv::new().imported();
    import_readings(&env, &reading_days(), |_| true);
    let dashboard_before = env.json(&["dashboard"]);

    let json = env.json(&["calibrate"]);
    assert_eq!(json["dry_run"], false);
    assert_eq!(json["outcome"], "saved");
    assert_eq!(json["saved"], true);
    assert_eq!(json["active_version"], "ssi-default-1-cal-2026-11-20");
    assert_eq!(json["calibrated_version"], "ssi-default-1-cal-2026-11-20");
    assert!(json["rows_rescored"].as_u64().unwrap() > 600, "{json}");

    let models = env.json(&["model", "show"]);
    assert_eq!(models["active"]["version"], "ssi-default-1-cal-2026-11-20");
    assert_eq!(models["models"].as_array().unwrap().len(), 2);
    let active = &models["active"];
    // The fit moves the weights most of the way to the hidden ones: publishing
    // posts is rare, so a small pull toward the old weights stays on that one.
    assert!((weight(active, "brand.profile") - HIDDEN_PROFILE_WEIGHT).abs() < 0.2, "{active}");
    assert!(weight(active, "brand.publishing") > 10.0, "{active}");
    assert!(
        (weight(active, "people.searches") - 6.0).abs() < 1e-4,
        "pillars that already fit keep their weights"
    );

    let dashboard = env.json(&["dashboard"]);
    assert_eq!(dashboard["estimate"]["model_version"], "ssi-default-1-cal-2026-11-20");
    assert_ne!(dashboard["estimate"]["pillars"]["brand"], dashboard_before["estimate"]["pillars"]["brand"]);
    // The estimate now comes close to the latest reading's brand, which the hidden weights produced.
    let official = dashboard["official"]["pillars"]["brand"].as_f64().unwrap();
    let brand = dashboard["estimate"]["pillars"]["brand"].as_f64().unwrap();
    let brand_before = dashboard_before["estimate"]["pillars"]["brand"].as_f64().unwrap();
    assert!((brand - official).abs() < (brand_before - official).abs() / 5.0, "{brand} vs {official}");

    // Calibrating again on the same readings starts from the calibrated model.
    let text = env.stdout(&["calibrate", "--dry-run"]);
    assert!(text.starts_with("Calibration of model ssi-default-1-cal-2026-11-20 for Ada Lovelace"), "{text}");
}

#[test]
fn a_fit_that_does_not_improve_the_holdout_is_not_saved() {
    let env = TestEnv::new().imported();
    // Training readings follow the hidden weights, the held-out ones the default
    // model: the fit moves away from what the holdout rewards.
    import_readings(&env, &reading_days(), |i| i < 14);
    let json = env.json(&["calibrate"]);
    assert_eq!(json["improves"], false, "{json}");
    assert_eq!(json["outcome"], "no_improvement");
    assert_eq!(json["saved"], false);
    assert_eq!(json["active_version"], "ssi-default-1");
    assert!(json["rows_rescored"].is_null());
    let total = &json["total"];
    assert!(total["holdout_after"].as_f64().unwrap() > total["holdout_before"].as_f64().unwrap() + 0.5);
    assert_eq!(env.json(&["model", "show"])["active"]["version"], "ssi-default-1");
    let text = env.stdout(&["calibrate"]);
    assert!(text.contains("Not saved: the calibrated model does not lower the holdout error"), "{text}");
}

#[test]
fn calibrating_again_after_switching_back_gets_a_version_of_its_own() {
    let env = TestEnv::new().imported();
    let default_file = env.path("default.toml");
    env.stdout(&["model", "export", default_file.to_str().unwrap()]);
    import_readings(&env, &reading_days(), |_| true);
    assert_eq!(env.json(&["calibrate"])["active_version"], "ssi-default-1-cal-2026-11-20");

    // Back to the default model, one more reading, and the same last day: the
    // new fit differs from the one stored under that version.
    env.stdout(&["model", "use", default_file.to_str().unwrap()]);
    let row = reading_row(&env, "2026-11-13", true);
    let fields: Vec<f64> = row.trim().split(',').skip(1).map(|f| f.parse().unwrap()).collect();
    env.stdout(&[
        "reading",
        "add",
        "--date",
        "2026-11-13",
        "--total",
        &format!("{:.4}", fields[0] + 1.0),
        "--brand",
        &format!("{:.4}", fields[1] + 1.0),
        "--people",
        &format!("{:.4}", fields[2]),
        "--insights",
        &format!("{:.4}", fields[3]),
        "--relationships",
        &format!("{:.4}", fields[4]),
    ]);
    let json = env.json(&["calibrate"]);
    assert_eq!(json["previous_version"], "ssi-default-1");
    assert_eq!(json["outcome"], "saved", "{json}");
    assert_eq!(json["active_version"], "ssi-default-1-cal-2026-11-20.2");
    let models = env.json(&["model", "show"]);
    assert_eq!(models["active"]["version"], "ssi-default-1-cal-2026-11-20.2");
    let versions: Vec<&str> =
        models["models"].as_array().unwrap().iter().map(|m| m["version"].as_str().unwrap()).collect();
    assert_eq!(versions.len(), 3, "{versions:?}");
}
