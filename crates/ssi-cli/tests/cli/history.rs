//! `ssi history`: table, CSV and JSON, with the period chosen by --from and --to.

use crate::support::TestEnv;

#[test]
fn the_table_shows_the_last_30_days_by_default() {
    let env = TestEnv::new().imported();
    env.stdout(&["reading", "add", "--date", "2026-11-18", "--total", "19.71"]);
    insta::assert_snapshot!("history_table", env.stdout(&["history"]));
}

#[test]
fn csv_has_a_header_and_one_row_per_day() {
    let env = TestEnv::new().imported();
    env.stdout(&["reading", "add", "--date", "2026-11-18", "--total", "19.71", "--industry-rank", "75"]);
    let text = env.stdout(&["history", "--from", "2026-11-15", "--to", "2026-11-20", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        headers,
        [
            "date",
            "estimate",
            "shown",
            "band",
            "brand",
            "people",
            "insights",
            "relationships",
            "model_version",
            "official",
            "official_brand",
            "official_people",
            "official_insights",
            "official_relationships",
            "industry_rank",
            "network_rank",
            "low",
            "high",
            "model"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let dates: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(dates, ["2026-11-15", "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]);
    let json = env.json(&["history", "--from", "2026-11-15", "--to", "2026-11-20"]);
    for (row, day) in rows.iter().zip(json["days"].as_array().unwrap()) {
        let estimate: f64 = row[1].parse().unwrap();
        assert!((estimate - day["estimate"]["total"].as_f64().unwrap()).abs() <= 0.005, "{row:?}");
        let pillars: f64 = (4..8).map(|i| row[i].parse::<f64>().unwrap()).sum();
        assert!((pillars - estimate).abs() <= 0.03, "pillars add up to the total: {row:?}");
        assert_eq!(&row[8], "ssi-default-2");
    }
    let reading_day = &rows[3];
    assert_eq!((&reading_day[9], &reading_day[14], &reading_day[15]), ("19.71", "75", ""));
    assert_eq!(&rows[2][9], "", "no reading that day");
}

#[test]
fn json_lists_each_day_with_its_estimate_and_reading() {
    let env = TestEnv::new().imported();
    env.stdout(&["reading", "add", "--date", "2026-11-18", "--total", "19.71"]);
    let json = env.json(&["history", "--from", "2026-11-17", "--to", "2026-11-19"]);
    assert_eq!(json["member"], "Ada Lovelace");
    assert_eq!((json["from"].as_str(), json["to"].as_str()), (Some("2026-11-17"), Some("2026-11-19")));
    let days = json["days"].as_array().unwrap();
    assert_eq!(days.len(), 3);
    assert_eq!(days[1]["date"], "2026-11-18");
    assert_eq!(days[1]["estimate"]["date"], "2026-11-18");
    assert_eq!(days[1]["official"]["total"], 19.71);
    assert!(days[0]["official"].is_null());
    // --format json is the same as --json.
    let formatted =
        env.stdout(&["history", "--from", "2026-11-17", "--to", "2026-11-19", "--format", "json"]);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&formatted).unwrap(), json);
}

#[test]
fn a_period_before_any_data_is_empty_not_an_error() {
    let env = TestEnv::new().imported();
    let text = env.stdout(&["history", "--from", "2020-01-01", "--to", "2020-01-31"]);
    assert!(text.contains("No day in this period is scored or has a reading."), "{text}");
    let json = env.json(&["history", "--from", "2020-01-01", "--to", "2020-01-31"]);
    assert_eq!(json["days"].as_array().unwrap().len(), 0);
}

#[test]
fn bad_periods_are_usage_errors() {
    let env = TestEnv::new().imported();
    let swapped = env.fails(&["history", "--from", "2026-11-20", "--to", "2026-11-01"], 2);
    assert_eq!(swapped, "error: --from 2026-11-20 is after --to 2026-11-01; swap them\n");
    let bad_date = env.fails(&["history", "--from", "11/01/2026"], 2);
    assert!(bad_date.contains("write it as YYYY-MM-DD"), "{bad_date}");
    let bad_format = env.fails(&["history", "--format", "xml"], 2);
    assert!(bad_format.contains("table, csv, json"), "{bad_format}");
}
