//! The dashboard pages as a sales manager reads them, through the router: the start page's
//! managed teams (average, 7-day trend, who needs attention), the team page's weakest
//! pillars and coloured changes, and the member page's order (score, change, next actions
//! first; the explanation folded below).

use crate::support::{Fixture, push_series};

/// Team A with a third member whose score falls 0.4 a day.
fn fixture_with_a_faller() -> (Fixture, ssi_store::MemberId) {
    let f = Fixture::new();
    let dan = f.with_store(|s| s.create_member("Dan Down", Some("Software"), Some(f.team_a))).unwrap().id;
    f.with_store(|s| push_series(s, dan, [15.0, 15.0, 15.0, 15.0], -0.1, 40));
    (f, dan)
}

#[tokio::test]
async fn the_managers_start_page_shows_each_managed_team_with_its_trend_and_who_needs_attention() {
    let (f, dan) = fixture_with_a_faller();
    let html = f.page(&f.manager_a, "/").await;
    assert!(html.contains(&format!(r#"data-team="{}""#, f.team_a.0)), "{html}");
    assert!(!html.contains("Beta Sales"), "a manager sees only their team: {html}");
    // Totals today 48.6, 21.8 and 44.4; a week ago 45.8, 20.4 and 47.2.
    assert!(html.contains(r#"<span class="average">38.3</span>"#), "{html}");
    assert!(html.contains(r#"<span class="trend up">+0.5</span>"#), "{html}");
    // Falling first, then below the threshold (lowest first), each member once.
    let dan_line = format!(
        r#"<a href="/members/{}">Dan Down</a> <span class="meta">fell 2.8 in 7 days · below 50.0</span>"#,
        dan.0
    );
    assert!(html.contains(&dan_line), "{html}");
    assert_eq!(html.matches("Dan Down").count(), 1, "{html}");
    let order: Vec<usize> =
        ["Dan Down", "Bob Baker", "Alice Archer"].iter().map(|n| html.find(n).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{html}");

    // An admin manages every team; a member manages none and gets the plain list.
    let admin = f.page(&f.admin, "/").await;
    assert!(admin.contains(&format!(r#"data-team="{}""#, f.team_b.0)), "{admin}");
    let member = f.page(&f.alice_token, "/").await;
    assert!(!member.contains("Needs attention") && member.contains(r#"id="teams""#), "{member}");
}

#[tokio::test]
async fn the_team_page_colours_falls_and_names_each_members_weakest_pillar() {
    let (f, dan) = fixture_with_a_faller();
    let html = f.page(&f.manager_a, &format!("/teams/{}", f.team_a.0)).await;
    assert!(html.contains(r#"<td class="num change down">−2.8</td>"#), "{html}");
    assert!(html.contains(r#"<td class="num change up">+2.8</td>"#), "Alice rises: {html}");
    // Alice's weakest pillar is Engage with insights (6 + 3.9), linked to her next actions.
    assert!(
        html.contains(&format!(
            r##"<a href="/members/{}#next-actions">Engage with insights</a>"##,
            f.alice.0
        )),
        "{html}"
    );
    assert!(html.contains(&format!(r#"data-member="{}""#, dan.0)), "{html}");
    assert!(html.contains(r#"<div class="scroll-x">"#), "the leaderboard scrolls in its card");
    // Pushed scores carry no activity: no best step for them.
    assert!(html.contains("Focus") && !html.contains("best-step"), "{html}");
}

#[tokio::test]
async fn a_manager_sees_each_members_best_next_step_on_the_team_page() {
    let f = Fixture::new();
    let erin = f.with_store(|s| s.create_member("Erin Export", Some("Software"), Some(f.team_a))).unwrap().id;
    f.import_small_export(erin);
    let html = f.page(&f.manager_a, &format!("/teams/{}", f.team_a.0)).await;
    let uri = format!("/api/v1/members/{}/advice", erin.0);
    let advice = f.json("GET", &uri, Some(&f.admin.secret), None).await.expect(200).json();
    let best = advice["advice"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["total_gain"].as_f64().unwrap() >= 0.05)
        .expect("a step with a gain");
    let expected = format!(
        r#"<br><span class="best-step">{} (+{:.1})</span></td>"#,
        best["description"].as_str().unwrap().replace('\'', "&#x27;"),
        best["total_gain"].as_f64().unwrap()
    );
    assert!(html.contains(&expected), "{expected} in {html}");
    // A member of the team sees the leaderboard without anyone's advice.
    let teammate = f.page(&f.alice_token, &format!("/teams/{}", f.team_a.0)).await;
    assert!(!teammate.contains("best-step") && !teammate.contains("Focus"), "{teammate}");
}

#[tokio::test]
async fn the_member_page_leads_with_score_change_and_actions_and_folds_the_explanation() {
    let f = Fixture::new();
    let erin = f.with_store(|s| s.create_member("Erin Export", Some("Software"), Some(f.team_a))).unwrap().id;
    f.import_small_export(erin);
    let html = f.page(&f.manager_a, &format!("/members/{}", erin.0)).await;
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("{needle} missing: {html}"));
    assert!(at(r#"id="total""#) < at(r#"id="change-7d""#));
    assert!(at(r#"id="change-7d""#) < at(r#"id="next-actions""#));
    assert!(at(r#"id="next-actions""#) < at(r#"id="history-chart""#));
    assert!(at(r#"id="history-chart""#) < at(r#"<details class="card" id="why">"#));
    assert!(!html.contains("+0.0 points"), "{html}");
    // Points read "3.6 of 8", never "3.58 / 8.00".
    let cells = unwrapped_cells(&html);
    assert!(cells.iter().any(|c| c.contains(" of ")), "{cells:?}");
    assert!(cells.iter().all(|c| !c.contains(" / ")), "{cells:?}");
}

/// The texts of the explanation's unwrapped cells (values and points).
fn unwrapped_cells(html: &str) -> Vec<String> {
    html.split("<td class=\"num nowrap\">")
        .skip(1)
        .filter_map(|cell| cell.split("</td>").next())
        .map(str::to_string)
        .collect()
}
