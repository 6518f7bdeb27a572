//! Runs `cargo xtask bench --quick` end to end so the harness cannot rot: every row and a well-formed results.json.
//!
//! Timings are never asserted, nor whether targets are met: only that the
//! harness ran, measured every row and wrote what it promises. It builds the
//! release binaries and needs `sqlite3` and `wrk` (CI installs both).

use std::process::Command;

const ROWS: [&str; 8] = [
    "import_vs_raw_load",
    "import_memory_flat",
    "history_recompute_vs_scan",
    "dashboard_vs_process_start",
    "server_leaderboard_vs_hello",
    "server_history_vs_hello",
    "server_member_page_vs_leaderboard",
    "server_advice_vs_leaderboard",
];

#[test]
fn quick_bench_measures_every_row_and_writes_results_json() {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["bench", "--quick", "--out"])
        .arg(out.path())
        .output()
        .expect("xtask runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "bench --quick failed\nstdout:\n{stdout}\nstderr:\n{stderr}");

    let text = std::fs::read_to_string(out.path().join("results.json")).expect("results.json is written");
    let results: serde_json::Value = serde_json::from_str(&text).expect("results.json is JSON");
    assert_eq!(results["quick"], true);
    assert!(results["machine"]["cores"].as_u64().is_some_and(|n| n >= 1), "{}", results["machine"]);
    let rows = results["rows"].as_array().expect("rows is a list");
    let ids: Vec<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ROWS);
    for row in rows {
        let id = &row["id"];
        for side in ["ssi", "reference"] {
            let value = row[side]["value"].as_f64().unwrap_or(f64::NAN);
            assert!(value.is_finite() && value > 0.0, "{id}: {side} value {value}");
            assert!(row[side]["label"].as_str().is_some_and(|l| !l.is_empty()), "{id}: {side} label");
        }
        let ratio = row["ratio"].as_f64().expect("a ratio");
        let expected = row["ssi"]["value"].as_f64().unwrap() / row["reference"]["value"].as_f64().unwrap();
        assert!(
            (ratio - expected).abs() <= 1e-9 * expected.abs().max(1.0),
            "{id}: ratio {ratio} ≠ {expected}"
        );
        assert!(row["holds"].is_boolean(), "{id}: holds");
        assert!(row["target"].as_str().is_some_and(|t| t.starts_with("<=") || t.starts_with(">=")), "{id}");
        // The table printed the row too.
        let title = row["title"].as_str().expect("a title");
        assert!(stdout.contains(&format!("| {title} |")), "{id} missing from the table:\n{stdout}");
    }
    for server_row in &rows[4..] {
        let details = &server_row["details"];
        assert!(details["p50_ms"].as_f64().is_some_and(|v| v > 0.0), "{details}");
        assert!(details["p99_ms"].as_f64() >= details["p50_ms"].as_f64(), "{details}");
    }
    let growth = &results["growth"];
    for (key, sizes) in [("archive_size", 3), ("team_size_recompute", 3), ("team_size_leaderboard", 3)] {
        let points = growth[key].as_array().unwrap_or_else(|| panic!("growth.{key} is a list"));
        assert_eq!(points.len(), sizes, "growth.{key}: {points:?}");
    }
    let events: Vec<f64> =
        growth["archive_size"].as_array().unwrap().iter().map(|p| p["events"].as_f64().unwrap()).collect();
    assert!(events.windows(2).all(|w| w[0] < w[1]), "archive sizes grow: {events:?}");
    // The scratch folder is removed unless --keep.
    assert!(!out.path().join("work").exists());
}
