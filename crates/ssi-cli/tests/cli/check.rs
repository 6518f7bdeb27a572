//! `ssi check`: silent exit 0 when fine, the reason on stdout and exit 1 when the rule fires, JSON either way, and exit 2 without a rule.

use crate::support::{MEMBER, TestEnv};
use serde_json::Value;
use std::process::Output;

fn run(env: &TestEnv, today: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = env.ssi();
    if let Some(today) = today {
        cmd.env("SSI_TODAY", today);
    }
    cmd.arg("check").args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn a_rule_that_does_not_fire_is_silent_unless_verbose() {
    let env = TestEnv::new().imported();
    // Ada's estimate today is 23.54, up 3.1 points in 7 days.
    let quiet = run(&env, None, &["--below", "20", "--drop", "5", "--days", "7"]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(text(&quiet.stdout), "");
    assert_eq!(text(&quiet.stderr), "");
    let verbose = run(&env, None, &["--below", "20", "-v"]);
    assert_eq!(verbose.status.code(), Some(0));
    assert_eq!(text(&verbose.stdout), "ok: Ada Lovelace's SSI is 23.5 on 2026-11-20; not below 20\n");

    let json = run(&env, None, &["--below", "20", "--json"]);
    assert_eq!(json.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["ok"], true);
    assert!(json["reason"].is_null());
    assert_eq!(json["member"], MEMBER);
    assert_eq!(json["date"], "2026-11-20");
    assert!((json["value"].as_f64().unwrap() - 23.54).abs() < 0.01);
    assert_eq!(json["rule"]["below"], 20.0);
    assert!(json["rule"]["drop"].is_null());
    assert_eq!(json["reasons"], serde_json::json!([]));
}

#[test]
fn a_floor_that_fires_prints_one_line_on_stdout_and_exits_1() {
    let env = TestEnv::new().imported();
    let fired = run(&env, None, &["--below", "30"]);
    assert_eq!(fired.status.code(), Some(1));
    assert_eq!(text(&fired.stdout), "Ada Lovelace: SSI 23.5 on 2026-11-20 is below 30\n");
    assert_eq!(text(&fired.stderr), "", "no error line: the rule firing is not a failure");

    let json = run(&env, None, &["--below", "30", "--json"]);
    assert_eq!(json.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["reason"], "Ada Lovelace: SSI 23.5 on 2026-11-20 is below 30");
    assert_eq!(json["reasons"][0]["type"], "below");
    assert_eq!(json["reasons"][0]["threshold"], 30.0);
}

#[test]
fn a_drop_fires_once_the_estimate_has_decayed() {
    let env = TestEnv::new().imported();
    // Seven weeks without new activity: the estimate has fallen from its high.
    let today = Some("2027-01-10");
    let fired = run(&env, today, &["--drop", "3", "--days", "30", "--json"]);
    assert_eq!(fired.status.code(), Some(1), "{}", text(&fired.stderr));
    let json: Value = serde_json::from_slice(&fired.stdout).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["date"], "2027-01-10", "the days up to today are scored first");
    assert_eq!(json["rule"]["drop"], serde_json::json!({ "points": 3.0, "days": 30 }));
    let reason = &json["reasons"][0];
    assert_eq!(reason["type"], "drop");
    assert_eq!(reason["days"], 30);
    let from_date = reason["from_date"].as_str().unwrap();
    assert!(("2026-12-11".."2027-01-10").contains(&from_date), "{reason}");
    let lost = reason["points"].as_f64().unwrap();
    assert!(lost >= 3.0, "{reason}");
    let value = json["value"].as_f64().unwrap();
    assert!((reason["from_value"].as_f64().unwrap() - value - lost).abs() < 1e-9, "{reason}");
    assert!(json["reason"].as_str().unwrap().starts_with("Ada Lovelace: SSI fell "), "{json}");

    // Both conditions at once join in one line.
    let both = run(&env, today, &["--below", "50", "--drop", "3", "--days", "30"]);
    assert_eq!(both.status.code(), Some(1));
    let line = text(&both.stdout);
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.contains(" is below 50; SSI fell "), "{line}");

    // A drop looked for over a window with no higher day does not fire.
    let calm = run(&env, None, &["--drop", "3", "--days", "1"]);
    assert_eq!(calm.status.code(), Some(0), "{}", text(&calm.stdout));
}

#[test]
fn a_rule_is_required_and_checked() {
    let env = TestEnv::new().imported();
    let stderr = env.fails(&["check"], 2);
    assert_eq!(
        stderr,
        "error: give a rule to check: --below N, or --drop N --days D (or both); see `ssi check --help`\n"
    );
    let stderr = env.fails(&["check", "--drop", "5"], 2);
    assert!(stderr.contains("--days"), "{stderr}");
    let stderr = env.fails(&["check", "--days", "7"], 2);
    assert!(stderr.contains("--drop"), "{stderr}");
    let stderr = env.fails(&["check", "--below", "120"], 2);
    assert!(stderr.contains("outside 0–100"), "{stderr}");
    env.fails(&["check", "--drop", "5", "--days", "0"], 2);
}

#[test]
fn a_check_that_cannot_run_is_an_error_not_an_alert() {
    let env = TestEnv::new();
    let output = run(&env, None, &["--below", "30"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stdout), "", "nothing on stdout, so scripts can tell it from an alert");
    assert!(text(&output.stderr).starts_with("error: no ssi database at "), "{}", text(&output.stderr));
}
