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
fn stale_data_is_its_own_reason_and_never_a_drop() {
    let env = TestEnv::new().imported();
    // Seven weeks after the export, with no newer one: the days since are
    // unknown, not idle. Version 1 scored them as decay and fired here.
    let today = Some("2027-01-10");
    let calm = run(&env, today, &["--drop", "3", "--days", "30", "--json"]);
    assert_eq!(calm.status.code(), Some(0), "{}", text(&calm.stdout));
    let json: Value = serde_json::from_slice(&calm.stdout).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["date"], "2026-11-20", "judged at the horizon, the export's date");
    assert_eq!(json["as_of"], "2026-11-20");
    assert_eq!(json["data_age_days"], 51);
    assert_eq!(json["stale"], true);
    assert_eq!(json["horizon_source"], "file_name");

    // --max-age reports the staleness on its own: one line, exit 1.
    let stale = run(&env, today, &["--max-age", "14"]);
    assert_eq!(stale.status.code(), Some(1));
    assert_eq!(
        text(&stale.stdout),
        "Ada Lovelace: data is 51 days old (last day 2026-11-20), more than --max-age 14: import a newer export \
         (Settings → Data privacy → Get a copy of your data)\n"
    );
    assert_eq!(text(&stale.stderr), "");
    // Within the age allowed it is quiet.
    assert_eq!(run(&env, today, &["--max-age", "60"]).status.code(), Some(0));

    // Staleness and a floor at once: one line, staleness first.
    let both = run(&env, today, &["--below", "50", "--max-age", "14", "--json"]);
    assert_eq!(both.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&both.stdout).unwrap();
    let line = json["reason"].as_str().unwrap();
    assert!(line.starts_with("Ada Lovelace: data is 51 days old"), "{line}");
    assert!(line.ends_with("; SSI 23.5 on 2026-11-20 is below 50"), "{line}");
    assert_eq!(json["rule"]["max_age_days"], 14);
    assert_eq!(json["reasons"][0]["type"], "below", "the rule's own reasons stay typed");

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
        "error: give a rule to check: --below N, --drop N --days D, or --max-age DAYS (or several); see `ssi check --help`\n"
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
