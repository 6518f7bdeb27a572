//! The data horizon through the real binary: the bundled sample read on later days, stale data, and undated archives.

use crate::support::TestEnv;
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// `examples/sample-export.zip` at the workspace root.
fn sample_export() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/sample-export.zip")
}

/// The sample's export date: its entries' times, which agree with its newest row.
const SAMPLE_DATE: &str = "2026-11-20";

/// Runs `ssi ARGS --json` on `today` and parses what it prints.
fn json_on(env: &TestEnv, today: &str, args: &[&str]) -> Value {
    let output = env.ssi().env("SSI_TODAY", today).args(args).arg("--json").output().unwrap();
    assert!(output.status.success(), "ssi {args:?} on {today}: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The sample imported into a fresh home on `today`.
fn sample_imported_on(today: &str) -> TestEnv {
    let env = TestEnv::new();
    let sample = sample_export();
    json_on(&env, today, &["import", sample.to_str().unwrap()]);
    env
}

#[test]
fn the_sample_read_on_any_later_day_shows_the_export_days_score_and_its_age() {
    let on_the_day = sample_imported_on(SAMPLE_DATE);
    let reference = json_on(&on_the_day, SAMPLE_DATE, &["dashboard", "--date", SAMPLE_DATE]);
    for (today, age) in [("2026-11-21", 1), ("2026-12-05", 15), ("2027-03-01", 101)] {
        // Imported that later day, and read that day.
        let env = sample_imported_on(today);
        let dashboard = json_on(&env, today, &["dashboard"]);
        assert_eq!(
            dashboard["estimate"], reference["estimate"],
            "{today}: no pillar decays after the horizon"
        );
        assert_eq!(dashboard["change"], reference["change"], "{today}: changes end at the horizon");
        assert_eq!(dashboard["as_of"], SAMPLE_DATE);
        assert_eq!(dashboard["data_age_days"], age);
        assert_eq!(dashboard["stale"], age > 14);
        assert_eq!(dashboard["horizon_source"], "entry_times");
        // No day past the horizon is scored, whatever the range asked.
        let history = json_on(&env, today, &["history", "--from", "2026-11-15", "--to", today]);
        let last = history["days"].as_array().unwrap().last().unwrap();
        assert_eq!(last["date"], SAMPLE_DATE, "{today}");
        assert_eq!(
            (&history["as_of"], &history["data_age_days"]),
            (&Value::from(SAMPLE_DATE), &Value::from(age))
        );
        let explain = json_on(&env, today, &["explain"]);
        assert_eq!(explain["estimate"], reference["estimate"]);
        assert_eq!(explain["as_of"], SAMPLE_DATE);
        let plan = json_on(&env, today, &["plan", "--posts", "1"]);
        assert_eq!(plan["today"], SAMPLE_DATE, "a plan starts at the horizon");
        assert_eq!(plan["data_age_days"], age);
    }
    // The headline says it in words.
    let env = sample_imported_on("2026-12-05");
    let text = env.ssi().env("SSI_TODAY", "2026-12-05").arg("dashboard").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    let shown = reference["estimate"]["shown"].as_u64().unwrap();
    let band = reference["estimate"]["band"].as_str().unwrap();
    assert!(
        text.contains(&format!("  {shown} / 100  {band} · as of {SAMPLE_DATE} (your export, 15 days old)")),
        "{text}"
    );
    assert!(
        text.contains("Stale: no data for 15 days: import a newer export (Settings → Data privacy"),
        "{text}"
    );
}

#[test]
fn a_month_after_the_sample_a_drop_check_does_not_fire_but_an_age_check_does() {
    let env = sample_imported_on(SAMPLE_DATE);
    let check =
        |args: &[&str]| env.ssi().env("SSI_TODAY", "2026-12-20").arg("check").args(args).output().unwrap();
    let drop = check(&["--drop", "5", "--days", "30"]);
    assert_eq!(drop.status.code(), Some(0), "{}", String::from_utf8_lossy(&drop.stdout));
    let age = check(&["--max-age", "14"]);
    assert_eq!(age.status.code(), Some(1));
    let line = String::from_utf8(age.stdout).unwrap();
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.contains(": data is 30 days old (last day 2026-11-20), more than --max-age 14"), "{line}");
}

/// Copies the sample's entries into `to` with every entry stamped `stamp`, as
/// someone re-zipping the unpacked export would.
fn rezip(to: &Path, stamp: zip::DateTime) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(sample_export()).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(stamp);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.start_file(name, options).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
}

#[test]
fn an_undated_rezipped_export_takes_its_horizon_from_its_newest_row() {
    let env = TestEnv::new();
    let named = env.path("Basic_LinkedInDataExport_11-20-2026.zip");
    std::fs::copy(sample_export(), &named).unwrap();
    let dated = json_on(&env, SAMPLE_DATE, &["import", named.to_str().unwrap(), "--member", "Dated"]);
    // The newest row of the sample: the last day with an event.
    let history = json_on(&env, SAMPLE_DATE, &["history", "--member", "Dated", "--from", "2026-10-01"]);
    assert_eq!(dated["import"]["horizon"], serde_json::json!({ "day": SAMPLE_DATE, "source": "file_name" }));

    // Re-zipped today, years after: the entries' times disagree with the rows.
    let late = env.path("my-linkedin-data.zip");
    rezip(&late, zip::DateTime::from_date_and_time(2029, 6, 1, 12, 0, 0).unwrap());
    let import = json_on(&env, "2029-06-01", &["import", late.to_str().unwrap(), "--member", "Rezipped"]);
    let horizon = &import["import"]["horizon"];
    assert_eq!(horizon["source"], "newest_row", "{horizon}");
    let newest_row = horizon["day"].as_str().unwrap().to_string();
    assert!(newest_row.as_str() <= SAMPLE_DATE && newest_row.as_str() >= "2026-11-01", "{newest_row}");
    assert!(history["days"].as_array().unwrap().iter().any(|d| d["date"] == newest_row.as_str()));
    let output = env
        .ssi()
        .env("SSI_TODAY", "2029-06-01")
        .args(["import", late.to_str().unwrap(), "--member", "Again"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains(&format!("data up to {newest_row} (from the newest row in the export)")), "{text}");
    let dashboard = json_on(&env, "2029-06-01", &["dashboard", "--member", "Rezipped"]);
    assert_eq!(dashboard["as_of"], newest_row.as_str());
    assert_eq!(dashboard["horizon_source"], "newest_row");

    // Zipped a few days after the newest row: the entries' times are the export's date.
    let prompt = env.path("export-copy.zip");
    rezip(&prompt, zip::DateTime::from_date_and_time(2026, 11, 22, 9, 0, 0).unwrap());
    let import = json_on(&env, "2026-11-22", &["import", prompt.to_str().unwrap(), "--member", "Prompt"]);
    assert_eq!(
        import["import"]["horizon"],
        serde_json::json!({ "day": "2026-11-22", "source": "entry_times" })
    );
}
