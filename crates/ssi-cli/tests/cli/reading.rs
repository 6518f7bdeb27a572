//! `ssi reading add | import | list`: validation, LinkedIn's JSON, CSV files, and listing.

use crate::support::TestEnv;
use std::time::{Duration, SystemTime};

/// LinkedIn's salesApiSsi answer for a real member, as captured.
const SALES_API_JSON: &str = r#"{
  "activeSeat": false,
  "memberScore": {
    "overall": 19.705751,
    "subScores": [
      {"score": 13.118002, "pillar": "PROFESSIONAL_BRAND"},
      {"score": 3.68, "pillar": "FIND_RIGHT_PEOPLE"},
      {"score": 0.29999998, "pillar": "INSIGHT_ENGAGEMENT"},
      {"score": 2.6077502, "pillar": "STRONG_RELATIONSHIP"}
    ]
  },
  "groupScore": [
    {"groupType": "INDUSTRY", "rank": 75, "score": {"overall": 30.99, "subScores": []}},
    {"groupType": "NETWORK", "rank": 81, "score": {"overall": 32.72, "subScores": []}}
  ]
}"#;

#[test]
fn add_records_a_reading_from_flags() {
    let env = TestEnv::new().imported();
    let text = env.stdout(&["reading", "add", "--total", "19.71", "--network-rank", "81"]);
    assert_eq!(
        text,
        "Recorded LinkedIn's SSI of 2026-11-20 for Ada Lovelace: 20 / 100 (19.71, beginner); network top 81%\n"
    );
    let json = env.json(&["reading", "add", "--date", "2026-11-19", "--total", "19", "--brand", "12"]);
    assert_eq!(json["member"], "Ada Lovelace");
    assert_eq!(json["date_source"], "flag");
    assert_eq!(json["readings"][0]["date"], "2026-11-19");
    assert_eq!(json["readings"][0]["pillars"]["brand"], 12.0);
    assert!(json["readings"][0]["pillars"]["people"].is_null());
    let list = env.json(&["reading", "list"]);
    let dates: Vec<&str> =
        list["readings"].as_array().unwrap().iter().map(|r| r["date"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2026-11-19", "2026-11-20"]);
}

#[test]
fn add_rejects_values_linkedin_never_shows_with_exit_code_2() {
    let env = TestEnv::new().imported();
    for (args, needle) in [
        (vec!["--total", "120"], "total 120 is outside 0–100"),
        (vec!["--total", "20", "--people", "30"], "pillar people score 30 is outside 0–25"),
        (vec!["--total", "20", "--insights", "-1"], "pillar insights score -1 is outside 0–25"),
        (vec!["--total", "20", "--industry-rank", "0"], "industry rank 0 is outside 1–100"),
        (vec!["--total", "20", "--network-rank", "101"], "network rank 101 is outside 1–100"),
        (vec!["--total", "20", "--network-avg", "101"], "network average 101 is outside 0–100"),
        (
            vec!["--total", "50", "--brand", "1", "--people", "1", "--insights", "1", "--relationships", "1"],
            "pillars add up to 4.00 but the total is 50.00",
        ),
        (vec!["--brand", "10"], "give the total with --total N"),
    ] {
        let mut all = vec!["reading", "add"];
        all.extend(&args);
        let stderr = env.fails(&all, 2);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1);
    }
    let not_a_number = env.fails(&["reading", "add", "--total", "twenty"], 2);
    assert!(not_a_number.contains("--total"), "{not_a_number}");
    assert_eq!(env.json(&["reading", "list"])["readings"].as_array().unwrap().len(), 0, "nothing stored");
}

#[test]
fn a_json_reading_is_dated_by_the_flag_or_else_by_the_file() {
    let env = TestEnv::new().imported();
    let file = env.write("salesApiSsi.json", SALES_API_JSON);
    let text = env.stdout(&["reading", "import", file.to_str().unwrap(), "--date", "2026-11-17"]);
    assert_eq!(
        text,
        "Recorded LinkedIn's SSI of 2026-11-17 (the --date given) for Ada Lovelace: 20 / 100 (19.71, beginner); \
         brand 13.12, people 3.68, insights 0.30, relationships 2.61; industry top 75%; network top 81%\n"
    );

    // 2026-11-18 12:00 UTC.
    let saved = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_003_200);
    std::fs::File::options().write(true).open(&file).unwrap().set_modified(saved).unwrap();
    let text = env.stdout(&["reading", "import", file.to_str().unwrap()]);
    assert!(
        text.starts_with(
            "Recorded LinkedIn's SSI of 2026-11-18 (the file's modification day; pass --date to set another) for Ada Lovelace"
        ),
        "{text}"
    );
    let json = env.json(&["reading", "import", file.to_str().unwrap()]);
    assert_eq!(json["date_source"], "file_modified");
    let reading = &json["readings"][0];
    assert_eq!(reading["date"], "2026-11-18");
    assert_eq!(reading["source"], "json");
    assert_eq!(reading["industry"]["rank"], 75);
    assert_eq!(reading["industry"]["average"], 30.99);
    assert_eq!(reading["network"]["average"], 32.72);
    assert!((reading["pillars"]["brand"].as_f64().unwrap() - 13.118002).abs() < 1e-6);
}

#[test]
fn a_csv_of_readings_records_every_row() {
    let env = TestEnv::new().imported();
    let file = env.write(
        "tracker.csv",
        "date,total,brand,people,insights,relationships,industry_rank,network_rank\n\
         2026-11-01,18.5,12.5,3.5,0.2,2.3,78,83\n\
         2026-11-08,19.1,12.9,3.6,0.3,2.3,77,82\n",
    );
    let text = env.stdout(&["reading", "import", file.to_str().unwrap()]);
    assert!(text.starts_with("Recorded 2 readings for Ada Lovelace from "), "{text}");
    assert!(text.ends_with("(2026-11-01 to 2026-11-08).\n"), "{text}");
    insta::assert_snapshot!("reading_list", env.stdout(&["reading", "list"]));
    let list = env.json(&["reading", "list"]);
    assert_eq!(list["readings"][1]["total"], 19.1);
    assert_eq!(list["readings"][1]["network"]["rank"], 82);
    assert_eq!(list["readings"][1]["source"], "csv");

    let dated = env.fails(&["reading", "import", file.to_str().unwrap(), "--date", "2026-11-01"], 2);
    assert!(dated.contains("--date applies to a JSON reading only"), "{dated}");
}

#[test]
fn a_bad_readings_file_stores_nothing_and_names_the_problem() {
    let env = TestEnv::new().imported();
    let csv = env.write("tracker.csv", "date,total,brand\n2026-11-01,18.5,12.5\n2026-11-08,190,12.9\n");
    let stderr = env.fails(&["reading", "import", csv.to_str().unwrap()], 1);
    assert!(stderr.contains("tracker.csv") && stderr.contains("line 3"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1);
    let json = env.write("broken.json", "{\"memberScore\": ");
    let stderr = env.fails(&["reading", "import", json.to_str().unwrap(), "--date", "2026-11-01"], 1);
    assert!(stderr.contains("broken.json") && stderr.contains("salesApiSsi"), "{stderr}");
    let missing = env.fails(&["reading", "import", "nowhere.json"], 1);
    assert!(missing.contains("nowhere.json"), "{missing}");
    assert_eq!(env.json(&["reading", "list"])["readings"].as_array().unwrap().len(), 0);
}

#[test]
fn the_format_is_sniffed_from_the_content_when_the_extension_says_nothing() {
    let env = TestEnv::new().imported();
    let file = env.write("reading.txt.saved", SALES_API_JSON);
    let json = env.json(&["reading", "import", file.to_str().unwrap(), "--date", "2026-11-18"]);
    assert_eq!(json["readings"][0]["source"], "json");
    let forced = env.fails(&["reading", "import", file.to_str().unwrap(), "--format", "csv"], 1);
    assert!(forced.contains("reading.txt.saved"), "{forced}");
}

#[test]
fn a_crlf_readings_file_names_the_same_line_as_an_lf_one() {
    let env = TestEnv::new().imported();
    for (name, ending) in [("lf.csv", "\n"), ("crlf.csv", "\r\n")] {
        let text = ["date,total", "2026-11-01,18.5", "2026-11-04,19.0", "2026-11-08,abc", ""].join(ending);
        let csv = env.write(name, &text);
        let stderr = env.fails(&["reading", "import", csv.to_str().unwrap()], 1);
        assert!(stderr.contains("line 4,") && stderr.contains("total"), "{name}: {stderr}");
    }
    assert_eq!(env.json(&["reading", "list"])["readings"].as_array().unwrap().len(), 0);
}

#[test]
fn a_salesapissi_json_with_a_byte_order_mark_is_read_and_a_wrong_shape_is_named_in_plain_words() {
    let env = TestEnv::new().imported();
    let json = env.write("bom.json", &format!("\u{feff}{SALES_API_JSON}"));
    let out = env.json(&["reading", "import", json.to_str().unwrap(), "--date", "2026-11-01"]);
    assert_eq!(out["readings"][0]["total"], 19.705751);
    let wrong = env.write("wrong.json", r#"{"memberScore": {"overall": 20, "subScores": [3]}}"#);
    let stderr = env.fails(&["reading", "import", wrong.to_str().unwrap(), "--date", "2026-11-02"], 1);
    assert!(!stderr.contains("SubScoreJson") && stderr.contains("pillar"), "{stderr}");
}
