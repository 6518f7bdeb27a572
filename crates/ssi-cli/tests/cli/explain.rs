//! `ssi explain`: every component, biggest gap first, by pillar, as text and JSON.

use crate::support::TestEnv;

#[test]
fn the_explanation_lists_every_component_biggest_gap_first() {
    let env = TestEnv::new().imported();
    insta::assert_snapshot!("explain", env.stdout(&["explain"]));
}

#[test]
fn explain_json_matches_the_estimate_and_is_ordered_by_gap() {
    let env = TestEnv::new().imported();
    let json = env.json(&["explain"]);
    let dashboard = env.json(&["dashboard"]);
    assert_eq!(json["estimate"], dashboard["estimate"]);
    assert!(json["pillar"].is_null());
    let components = json["components"].as_array().unwrap();
    assert_eq!(components.len(), 20, "the default model has 20 components");
    let gaps: Vec<f64> = components.iter().map(|c| c["gap"].as_f64().unwrap()).collect();
    assert!(gaps.windows(2).all(|w| w[0] >= w[1]), "biggest gap first: {gaps:?}");
    let points: f64 = components.iter().map(|c| c["points"].as_f64().unwrap()).sum();
    let total = json["estimate"]["total"].as_f64().unwrap();
    // Component values are stored to six decimals, so the points add up to the total within a hair.
    assert!((points - total).abs() < 1e-3, "points add up to the total: {points} vs {total}");
    for c in components {
        for key in ["id", "pillar", "label", "metric", "unit", "action"] {
            assert!(c[key].is_string(), "{key} in {c}");
        }
        let (points, possible, gap) =
            (c["points"].as_f64().unwrap(), c["possible"].as_f64().unwrap(), c["gap"].as_f64().unwrap());
        assert!((possible - points - gap).abs() < 1e-9, "{c}");
        assert!(c["value"].is_number());
    }
    let profile = components.iter().find(|c| c["id"] == "brand.profile").unwrap();
    assert_eq!(profile["pillar"], "brand");
    assert_eq!(profile["metric"], "profile_completeness");
    assert!(profile["action"].as_str().unwrap().contains("Upload a professional profile photo"));
}

#[test]
fn a_pillar_limits_the_explanation_to_its_components() {
    let env = TestEnv::new().imported();
    let json = env.json(&["explain", "--pillar", "people"]);
    assert_eq!(json["pillar"], "people");
    let ids: Vec<&str> =
        json["components"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 4);
    assert!(ids.iter().all(|id| id.starts_with("people.")), "{ids:?}");
    // LinkedIn's API name is accepted too.
    assert_eq!(env.json(&["explain", "--pillar", "FIND_RIGHT_PEOPLE"])["components"], json["components"]);
    let text = env.stdout(&["explain", "--pillar", "people"]);
    assert!(text.starts_with("Why Ada Lovelace on 2026-11-20? Find the right people: "), "{text}");
}

#[test]
fn an_unknown_pillar_is_a_usage_error() {
    let env = TestEnv::new().imported();
    let stderr = env.fails(&["explain", "--pillar", "growth"], 2);
    assert!(stderr.contains("unknown pillar \"growth\""), "{stderr}");
}

#[test]
fn a_date_explains_that_day() {
    let env = TestEnv::new().imported();
    let json = env.json(&["explain", "--date", "2026-10-01"]);
    assert_eq!(json["estimate"]["date"], "2026-10-01");
    // Nothing is scored before the first activity (2025-03-11).
    let stderr = env.fails(&["explain", "--date", "2020-01-01"], 1);
    assert_eq!(
        stderr,
        "error: Ada Lovelace has no estimate on or before 2020-01-01 yet: import your LinkedIn data export first with `ssi import PATH` (the .zip or its unpacked folder)\n"
    );
}
