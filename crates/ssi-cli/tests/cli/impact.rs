//! `ssi impact`: associations of weekly activity with later pillar changes, on the estimate or on official readings, and the refusal below 30 daily changes.

use crate::support::{TestEnv, write_export};
use serde_json::Value;

const PILLARS: [&str; 4] = ["brand", "people", "insights", "relationships"];

/// Checks every field of one association test.
fn assert_test_is_sound(t: &Value, fdr: f64) {
    let r = t["r"].as_f64().unwrap();
    let (low, high) = (t["ci_low"].as_f64().unwrap(), t["ci_high"].as_f64().unwrap());
    let (p, adjusted) = (t["p_value"].as_f64().unwrap(), t["p_adjusted"].as_f64().unwrap());
    assert!((-1.0..=1.0).contains(&r), "{t}");
    assert!(low <= r && r <= high, "the interval holds r: {t}");
    assert!((0.0..=1.0).contains(&p) && adjusted >= p - 1e-12 && adjusted <= 1.0, "{t}");
    assert_eq!(t["significant"], adjusted <= fdr, "{t}");
    assert!(t["n"].as_u64().unwrap() >= 4, "{t}");
    assert!(t["lag_days"].as_u64().unwrap() <= 14, "{t}");
    assert!(PILLARS.contains(&t["pillar"].as_str().unwrap()), "{t}");
    assert!(t["kind"].is_string(), "{t}");
}

#[test]
fn without_enough_readings_the_estimate_is_analysed_and_says_so() {
    let env = TestEnv::new().imported();
    let json = env.json(&["impact"]);
    assert_eq!(json["member"], "Ada Lovelace");
    assert_eq!(json["source"], "estimate");
    assert_eq!(json["official_transitions"], 0);
    assert!(json["source_reason"].as_str().unwrap().starts_with("ssi's estimate: "), "{json}");
    assert!(json["note"].as_str().unwrap().contains("not cause"), "{}", json["note"]);
    assert_eq!(json["first_date"], "2025-03-11", "the first day scored");
    assert_eq!(json["last_date"], "2026-11-20");
    assert_eq!(json["transitions"], 619);
    assert_eq!(json["correction"], "benjamini_hochberg");
    let fdr = json["false_discovery_rate"].as_f64().unwrap();
    assert_eq!(fdr, 0.05);

    let tests = json["tests"].as_array().unwrap();
    let skipped = json["skipped"].as_array().unwrap();
    assert!(!tests.is_empty());
    for t in tests {
        assert_test_is_sound(t, fdr);
    }
    let significant = tests.iter().filter(|t| t["significant"] == true).count();
    assert_eq!(json["significant_tests"], significant);
    // Every kind seen is tested against every pillar at every lag 0–14, or skipped by name.
    assert_eq!((tests.len() + skipped.len()) % (4 * 15), 0);
    for s in skipped {
        let reason = s["reason"].as_str().unwrap();
        assert!(["constant_count", "constant_pillar", "too_few_pairs"].contains(&reason), "{s}");
    }

    // The strongest findings: one per activity and pillar, significant first, then by |r|.
    let strongest = json["strongest"].as_array().unwrap();
    assert!(!strongest.is_empty());
    let keys: std::collections::BTreeSet<(String, String)> = strongest
        .iter()
        .map(|t| (t["kind"].as_str().unwrap().to_string(), t["pillar"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(keys.len(), strongest.len(), "one per activity and pillar");
    let order: Vec<(bool, f64)> =
        strongest.iter().map(|t| (t["significant"] == true, t["r"].as_f64().unwrap().abs())).collect();
    for pair in order.windows(2) {
        assert!(pair[0].0 >= pair[1].0, "significant first: {order:?}");
        if pair[0].0 == pair[1].0 {
            assert!(pair[0].1 >= pair[1].1, "then by |r|: {order:?}");
        }
    }
    for t in strongest {
        assert_test_is_sound(t, fdr);
        // It is the lag with the largest |r| among that pair's tests.
        let best = tests
            .iter()
            .filter(|x| x["kind"] == t["kind"] && x["pillar"] == t["pillar"])
            .map(|x| x["r"].as_f64().unwrap().abs())
            .fold(0.0, f64::max);
        assert_eq!(t["r"].as_f64().unwrap().abs(), best, "{t}");
    }

    let text = env.stdout(&["impact", "--top", "3"]);
    assert!(text.starts_with("Activity impact for Ada Lovelace: association, not cause\n"), "{text}");
    assert!(text.contains("  Series  ssi's estimate: "), "{text}");
    assert!(text.contains("activity") && text.contains("95% interval"), "{text}");
    let rows = text.lines().filter(|l| l.ends_with("significant")).count();
    assert_eq!(rows, 3, "three findings: {text}");
    assert!(text.contains(&format!("Listed 3 of {} findings", strongest.len())), "{text}");
}

#[test]
fn enough_official_readings_are_analysed_instead_of_the_estimate() {
    let env = TestEnv::new().imported();
    // 40 consecutive daily readings with all four pillars: the estimate's, as LinkedIn might show them.
    let history = env.json(&["history", "--from", "2026-10-12", "--to", "2026-11-20"]);
    let mut csv = String::from("date,total,brand,people,insights,relationships\n");
    for day in history["days"].as_array().unwrap() {
        let e = &day["estimate"];
        let p: Vec<f64> = PILLARS.iter().map(|name| e["pillars"][name].as_f64().unwrap()).collect();
        let total: f64 = p.iter().sum();
        csv.push_str(&format!(
            "{},{total:.4},{:.4},{:.4},{:.4},{:.4}\n",
            day["date"].as_str().unwrap(),
            p[0],
            p[1],
            p[2],
            p[3]
        ));
    }
    // One reading with only the total does not count.
    csv.push_str("2026-10-01,12.0,,,,\n");
    let file = env.write("readings.csv", &csv);
    env.stdout(&["reading", "import", file.to_str().unwrap()]);

    let json = env.json(&["impact"]);
    assert_eq!(json["source"], "official");
    assert_eq!(json["official_transitions"], 39);
    assert_eq!(json["transitions"], 39);
    assert_eq!(json["first_date"], "2026-10-12");
    assert_eq!(json["last_date"], "2026-11-20");
    assert!(json["source_reason"].as_str().unwrap().starts_with("official readings: 39 day-to-day changes"));
    let fdr = json["false_discovery_rate"].as_f64().unwrap();
    for t in json["tests"].as_array().unwrap() {
        assert_test_is_sound(t, fdr);
        assert!(t["n"].as_u64().unwrap() <= 39, "pairs come from the readings' changes: {t}");
    }
}

#[test]
fn a_short_history_is_refused() {
    let env = TestEnv::new();
    let folder = env.path("Basic_LinkedInDataExport_11-20-2026");
    write_export(
        &folder,
        &[
            (
                "Profile.csv",
                "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\n\
                 Bob,Short,,,,Analyst,,Computer Software,,London,,,\n",
            ),
            (
                "Shares.csv",
                "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n\
                 2026-11-10 08:30:00,https://www.linkedin.com/feed/update/1,Hello,,,MEMBER_NETWORK\n",
            ),
        ],
    );
    env.stdout(&["import", folder.to_str().unwrap()]);
    let stderr = env.fails(&["impact"], 1);
    assert_eq!(
        stderr,
        "error: cannot measure the impact of activities for Bob Short on the estimate: the analysis needs at \
         least 30 day-to-day pillar changes (pairs of consecutive days), but there are 10\n"
    );
    env.fails(&["impact", "--json"], 1);
}

#[test]
fn the_cli_reports_the_series_and_findings_of_the_one_impact_rule() {
    // The server's impact endpoint runs `Store::impact_inputs` and `activity_impact` too
    // (its test checks the same): for the same data both front ends give the same answer.
    let env = TestEnv::new().imported();
    let json = env.json(&["impact"]);
    let store = ssi_store::Store::open(&env.default_db()).unwrap();
    let member = store.member_by_name(crate::support::MEMBER).unwrap();
    let today = chrono::NaiveDate::parse_from_str(crate::support::TODAY, "%Y-%m-%d").unwrap();
    let inputs = store.impact_inputs(member.id, None, Some(today)).unwrap();
    let series = &inputs.series;
    let report = ssi_core::advice::activity_impact(&series.series, &inputs.counts, series.source).unwrap();
    assert_eq!(json["source"], serde_json::to_value(series.source).unwrap());
    assert_eq!(json["source_reason"], series.reason.as_str());
    assert_eq!(json["official_transitions"], series.official_transitions);
    assert_eq!(json["transitions"], report.transitions);
    assert_eq!(json["first_date"], report.first_date.to_string());
    let tests = json["tests"].as_array().unwrap();
    assert_eq!(tests.len(), report.tests.len());
    for (shown, test) in tests.iter().zip(&report.tests) {
        assert_eq!(shown["kind"], test.kind.as_str());
        assert_eq!(shown["lag_days"].as_u64(), Some(u64::from(test.lag_days)));
        // serde_json's parser is not correctly rounded in the last bit.
        assert!((shown["r"].as_f64().unwrap() - test.r).abs() < 1e-12, "{shown} vs {test:?}");
    }
    assert_eq!(json["skipped"].as_array().unwrap().len(), report.skipped.len());
}
