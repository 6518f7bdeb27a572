//! Scenario, component and property tests of the scoring sweep.

mod support;

use proptest::prelude::*;
use ssi_core::engine::{metric_series, pillar_points, profile_completeness};
use ssi_core::{
    ActivityEvent, ActivityKind, Band, DailyScore, Pillar, ProfileSnapshot, ScoringModel, score_series,
};
use support::*;

fn model() -> ScoringModel {
    ScoringModel::default_model()
}

fn score_on(profile: &[ProfileSnapshot], events: &[ActivityEvent], date: chrono::NaiveDate) -> DailyScore {
    score_series(&model(), profile, events, date, date).pop().unwrap()
}

/// The value of one component on one day.
fn value(score: &DailyScore, id: &str) -> f64 {
    score.components.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no component {id}")).value
}

// ---------------------------------------------------------------- scenarios

#[test]
fn empty_profile_without_activity_scores_near_zero() {
    let today = day(2026, 11, 20);
    let s = score_on(&[ProfileSnapshot::empty(today)], &[], today);
    assert!(s.total < 1.0, "total {}", s.total);
    assert_eq!(s.band(), Band::Beginner);
}

#[test]
fn profile_only_member_is_a_beginner_or_average() {
    let today = day(2026, 11, 20);
    let s = score_on(&[complete_profile(today)], &[], today);
    assert!((value(&s, "brand.profile") - 1.0).abs() < 1e-9, "complete profile is 100%");
    assert!(matches!(s.band(), Band::Beginner | Band::Average), "band {:?} total {}", s.band(), s.total);
    assert!(s.total >= 8.0, "a complete profile earns its points: {}", s.total);
}

#[test]
fn steady_varied_reciprocal_activity_scores_strong() {
    let today = day(2026, 11, 20);
    let events = steady_activity(day(2025, 5, 1), today);
    let s = score_on(&[complete_profile(today)], &events, today);
    assert_eq!(s.band(), Band::Strong, "total {} pillars {:?}", s.total, s.pillars);
    for (pillar, points) in s.pillars.iter() {
        assert!(points > 12.0, "{pillar} only {points}");
    }
}

#[test]
fn a_single_day_is_a_series_of_one() {
    let today = day(2026, 11, 20);
    let events = steady_activity(day(2026, 1, 1), today);
    let profile = [complete_profile(today)];
    let series = score_series(&model(), &profile, &events, day(2026, 11, 1), today);
    assert_eq!(series.len(), 20);
    let single = score_on(&profile, &events, day(2026, 11, 10));
    assert_eq!(series[9], single);
    assert!(score_series(&model(), &profile, &events, today, day(2026, 11, 19)).is_empty());
}

#[test]
fn explanation_covers_every_point_and_names_an_action() {
    let today = day(2026, 11, 20);
    let events = steady_activity(day(2026, 6, 1), day(2026, 9, 30));
    let s = score_on(&[complete_profile(today)], &events, today);
    let points: f64 = s.components.iter().map(|c| c.points).sum();
    assert!((points - s.total).abs() < 1e-9);
    for pillar in Pillar::ALL {
        let from_parts: f64 = s.components.iter().filter(|c| c.pillar == pillar).map(|c| c.points).sum();
        assert!((from_parts - s.pillars[pillar]).abs() < 1e-9);
        let possible: f64 = s.components.iter().filter(|c| c.pillar == pillar).map(|c| c.possible).sum();
        assert!((possible - 25.0).abs() < 1e-9);
    }
    let parts = s.explain(None);
    assert!(parts.windows(2).all(|w| w[0].gap() >= w[1].gap()), "biggest gap first");
    let biggest = parts[0];
    assert!(biggest.gap() > 1.0);
    assert!(biggest.action.contains("points"), "action says what it earns: {}", biggest.action);
}

#[test]
fn missing_profile_sections_are_named_in_the_action() {
    let today = day(2026, 11, 20);
    let mut profile = complete_profile(today);
    profile.has_photo = false;
    profile.skills.clear();
    let s = score_on(&[profile], &[], today);
    let brand = s.components.iter().find(|c| c.id == "brand.profile").unwrap();
    assert!(brand.action.contains("profile photo"), "{}", brand.action);
    assert!(brand.action.contains("five skills"), "{}", brand.action);
    assert!(brand.points < brand.possible);
}

// ---------------------------------------------------------------- components

#[test]
fn publishing_counts_articles_double_and_decays_with_its_half_life() {
    let today = day(2026, 11, 20);
    let events = vec![ev(ActivityKind::Post, today, 1), ev(ActivityKind::Article, today, 2)];
    assert!((value(&score_on(&[], &events, today), "brand.publishing") - 3.0).abs() < 1e-9);
    // 45 days later the weight has halved; 90 days later it has left the window.
    let later = today + chrono::Days::new(45);
    assert!((value(&score_on(&[], &events, later), "brand.publishing") - 1.5).abs() < 1e-9);
    let gone = today + chrono::Days::new(90);
    assert_eq!(value(&score_on(&[], &events, gone), "brand.publishing"), 0.0);
}

#[test]
fn active_days_count_distinct_days_of_the_member_only() {
    let today = day(2026, 11, 20);
    let events = vec![
        ev(ActivityKind::DayActive, day(2026, 11, 18), 1),
        ev(ActivityKind::Comment, day(2026, 11, 18), 2),
        ev(ActivityKind::Reaction, day(2026, 11, 19), 3),
        // Being endorsed or messaged is not the member being active.
        ev(ActivityKind::EndorsementReceived, day(2026, 11, 20), 4),
        msg(false, "c1", day(2026, 11, 20), 5),
        // Outside the 30-day window.
        ev(ActivityKind::DayActive, day(2026, 10, 1), 6),
    ];
    let mut sorted = events;
    sorted.sort_by_key(|e| e.at);
    assert_eq!(value(&score_on(&[], &sorted, today), "people.active_days"), 2.0);
}

#[test]
fn response_rate_counts_messages_answered_by_a_later_reply() {
    let today = day(2026, 11, 20);
    let d = day(2026, 11, 1);
    let mut events = vec![
        // Conversation a: two incoming messages, both answered by one reply.
        msg(false, "a", d, 1),
        msg(false, "a", d, 2),
        msg(true, "a", day(2026, 11, 2), 3),
        // Conversation b: unanswered.
        msg(false, "b", d, 4),
        // Conversation c: the member wrote first; no incoming turn.
        msg(true, "c", d, 5),
    ];
    events.sort_by_key(|e| e.at);
    let smoothing = 2.0;
    let expected = 2.0 / (3.0 + smoothing);
    assert!((value(&score_on(&[], &events, today), "insights.response_rate") - expected).abs() < 1e-9);
    // Before the reply, nothing is answered yet.
    assert_eq!(value(&score_on(&[], &events, d), "insights.response_rate"), 0.0);
}

#[test]
fn answering_earlier_never_lowers_the_response_rate() {
    // Found by the monotonicity property: when replies closed whole "turns", a
    // reply could make a later message open a fresh unanswered turn and lower
    // the rate. Each message received now counts once, whoever answers it.
    let events = vec![
        msg(false, "a", day(2026, 4, 7), 1),
        msg(false, "b", day(2026, 6, 12), 2),
        msg(false, "a", day(2026, 6, 29), 3),
        msg(true, "b", day(2026, 9, 9), 4),
    ];
    let mut more = events.clone();
    more.push(msg(true, "a", day(2026, 6, 10), 5));
    more.sort_by_key(|e| e.at);
    let on = day(2026, 9, 9);
    let before = value(&score_on(&[], &events, on), "insights.response_rate");
    let after = value(&score_on(&[], &more, on), "insights.response_rate");
    assert!(after >= before, "{after} < {before}");
    assert!((before - 1.0 / (2.0 + 2.0)).abs() < 1e-9, "b's message answered, a's June one not: {before}");
}

#[test]
fn acceptance_rate_is_connections_over_connections_and_pending_requests() {
    let today = day(2026, 11, 20);
    let d = day(2026, 11, 10);
    let mut events: Vec<ActivityEvent> = (0..6).map(|i| connection("Analyst", d, i)).collect();
    events.extend((10..12).map(|i| ev(ActivityKind::InvitationSent, d, i)));
    events.sort_by_key(|e| e.at);
    let expected = 6.0 / (8.0 + 3.0);
    assert!((value(&score_on(&[], &events, today), "people.acceptance") - expected).abs() < 1e-9);
}

#[test]
fn network_counts_every_connection_ever_and_decision_makers_separately() {
    let today = day(2026, 11, 20);
    let mut events = vec![
        connection("Chief Executive Officer", day(2015, 3, 1), 1),
        connection("VP Sales", day(2020, 1, 1), 2),
        connection("Director's Assistant", day(2021, 1, 1), 3),
        connection("Software Engineer", day(2026, 11, 19), 4),
    ];
    events.sort_by_key(|e| e.at);
    let s = score_on(&[], &events, today);
    assert_eq!(value(&s, "relationships.network"), 4.0);
    assert_eq!(value(&s, "relationships.decision_makers"), 2.0);
    // Only the recent decision-maker connection is inside the 90-day window: none here.
    assert_eq!(value(&s, "people.target_connections"), 0.0);
}

#[test]
fn two_way_conversations_need_messages_both_ways_within_the_window() {
    let today = day(2026, 11, 20);
    let mut events = vec![
        msg(false, "a", day(2026, 11, 1), 1),
        msg(true, "a", day(2026, 11, 3), 2),
        msg(true, "b", day(2026, 11, 3), 3),
        msg(false, "c", day(2026, 3, 1), 4),
        msg(true, "c", day(2026, 11, 3), 5),
    ];
    events.sort_by_key(|e| e.at);
    let s = score_on(&[], &events, today);
    assert_eq!(value(&s, "relationships.conversations"), 1.0, "only a is two-way inside 90 days");
    // Once c's incoming message is answered with a new exchange it counts again.
    events.push(msg(false, "c", day(2026, 11, 15), 6));
    assert_eq!(value(&score_on(&[], &events, today), "relationships.conversations"), 2.0);
    // 90 days after a's last incoming message, a no longer counts.
    let later = day(2026, 11, 1) + chrono::Days::new(90);
    assert_eq!(value(&score_on(&[], &events, later), "relationships.conversations"), 1.0);
}

#[test]
fn profile_completeness_weighs_the_checklist() {
    let m = model();
    let today = day(2026, 11, 20);
    assert_eq!(profile_completeness(&m.profile_checklist, &ProfileSnapshot::empty(today)), 0.0);
    assert_eq!(profile_completeness(&m.profile_checklist, &complete_profile(today)), 1.0);
    let mut half_skills = complete_profile(today);
    half_skills.skills.truncate(2);
    let total: f64 = m.profile_checklist.iter().map(|i| i.weight).sum();
    let skills = m.profile_checklist.iter().find(|i| i.complete_at == 5.0).unwrap().weight;
    let expected = 1.0 - skills * (1.0 - 2.0 / 5.0) / total;
    assert!((profile_completeness(&m.profile_checklist, &half_skills) - expected).abs() < 1e-9);
}

#[test]
fn components_that_read_messages_are_unknown_when_the_export_cannot_tell_whose_they_are() {
    let today = day(2026, 11, 20);
    let mut profile = complete_profile(today);
    let known = score_on(std::slice::from_ref(&profile), &[], today);
    assert!(
        known.components.iter().all(|c| c.known || c.no_data),
        "every component with data is known by default"
    );
    profile.messages_unknown = true;
    let unknown = score_on(&[profile], &[], today);
    let mut ids: Vec<&str> =
        unknown.components.iter().filter(|c| !c.known && !c.no_data).map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["insights.messaging", "insights.response_rate", "relationships.conversations"]);
    let response = unknown.components.iter().find(|c| c.id == "insights.response_rate").unwrap();
    assert!(response.action.starts_with("Unknown:"), "{}", response.action);
    assert!(!response.action.contains('%'), "no rate to raise: {}", response.action);
    // The points are what the messages the export proves earn (none), as before.
    assert_eq!(unknown.total, known.total);
}

#[test]
fn each_day_uses_the_profile_snapshot_in_force() {
    let old = ProfileSnapshot::empty(day(2026, 1, 1));
    let new = complete_profile(day(2026, 6, 1));
    let profiles = [new, old];
    let before =
        score_series(&model(), &profiles, Vec::<ActivityEvent>::new(), day(2025, 12, 1), day(2025, 12, 1));
    let between =
        score_series(&model(), &profiles, Vec::<ActivityEvent>::new(), day(2026, 3, 1), day(2026, 3, 1));
    let after =
        score_series(&model(), &profiles, Vec::<ActivityEvent>::new(), day(2026, 7, 1), day(2026, 7, 1));
    assert_eq!(value(&before[0], "brand.profile"), 0.0, "before any snapshot: the earliest one");
    assert_eq!(value(&between[0], "brand.profile"), 0.0);
    assert_eq!(value(&after[0], "brand.profile"), 1.0);
}

#[test]
fn the_default_model_round_trips_through_toml_and_json() {
    let m = model();
    assert_eq!(ScoringModel::from_toml(&m.to_toml()).unwrap(), m);
    let json = serde_json::to_string(&m).unwrap();
    assert_eq!(ScoringModel::parse(&json).unwrap(), m);
}

#[test]
fn invalid_models_are_refused_with_the_reason() {
    let mut m = model();
    m.components[0].weight += 1.0;
    let err = m.validate().unwrap_err().to_string();
    assert!(err.contains("PROFESSIONAL_BRAND") && err.contains("not 25"), "{err}");

    let mut m = model();
    let dup = m.components[1].clone();
    m.components.push(dup);
    assert!(m.validate().unwrap_err().to_string().contains("appears twice"));

    let mut m = model();
    let windowed = m.components.iter_mut().find(|c| c.metric.is_windowed()).unwrap();
    windowed.window_days = 0;
    assert!(m.validate().unwrap_err().to_string().contains("window_days"));

    assert!(ScoringModel::parse("version = 3").is_err());
    assert!(ScoringModel::parse("{\"version\": \"x\"}").is_err());
}

// ---------------------------------------------------------------- properties

fn kind_strategy() -> impl Strategy<Value = ActivityKind> {
    prop::sample::select(ActivityKind::ALL.to_vec())
}

fn event_strategy() -> impl Strategy<Value = ActivityEvent> {
    event_strategy_over(400)
}

/// Events spread over `days` days from 2025-10-01.
fn event_strategy_over(days: i64) -> impl Strategy<Value = ActivityEvent> {
    let titles = prop::sample::select(vec!["CEO", "Analyst", "VP Marketing", "Partner Manager", "Founder"]);
    (kind_strategy(), 0i64..days, 0i64..1440, 0usize..6, titles, any::<bool>(), any::<u32>()).prop_map(
        |(kind, offset, minutes, conv, title, personalised, id)| {
            let date = day(2025, 10, 1) + chrono::Days::new(offset as u64);
            let mut e = ActivityEvent::new(kind, at(date, minutes - 720));
            e.natural_key = format!("k{id}");
            e.personalised = personalised;
            if matches!(kind, ActivityKind::MessageSent | ActivityKind::MessageReceived) {
                e.conversation = Some(ssi_core::PseudonymKey(format!("conv{conv}")));
            }
            if kind == ActivityKind::ConnectionMade {
                e.counterpart_title = Some(title.to_string());
            }
            e
        },
    )
}

fn events_strategy(max: usize) -> impl Strategy<Value = Vec<ActivityEvent>> {
    events_strategy_over(max, 400)
}

fn events_strategy_over(max: usize, days: i64) -> impl Strategy<Value = Vec<ActivityEvent>> {
    prop::collection::vec(event_strategy_over(days), 0..max).prop_map(|mut v| {
        v.sort_by_key(|e| e.at);
        v
    })
}

fn profile_strategy() -> impl Strategy<Value = ProfileSnapshot> {
    (any::<bool>(), any::<bool>(), 0u32..400, 0usize..8, 0u32..3).prop_map(
        |(photo, headline, summary, skills, edu)| {
            let mut p = complete_profile(day(2026, 1, 1));
            p.has_photo = photo;
            if !headline {
                p.headline = None;
            }
            p.summary_chars = summary;
            p.skills.truncate(skills);
            p.education = edu;
            p
        },
    )
}

/// Recomputes every metric of one day from scratch, straight from the
/// definitions in docs/SCORING.md: an independent, slow oracle for the sweep.
fn naive_day(
    model: &ScoringModel,
    profile: &ProfileSnapshot,
    events: &[ActivityEvent],
    date: chrono::NaiveDate,
) -> Vec<f64> {
    use ssi_core::Metric;
    use std::collections::{BTreeSet, HashMap};
    let upto: Vec<&ActivityEvent> = events.iter().filter(|e| e.day() <= date).collect();
    let age = |e: &ActivityEvent| (date - e.day()).num_days();
    let by_member = |k: ActivityKind| {
        !k.is_creator_analytics()
            && !matches!(
                k,
                ActivityKind::MessageReceived
                    | ActivityKind::InvitationReceived
                    | ActivityKind::EndorsementReceived
                    | ActivityKind::RecommendationReceived
            )
    };
    let on_target = |e: &ActivityEvent| {
        e.kind == ActivityKind::ConnectionMade
            && model.target.matches(e.counterpart_title.as_deref(), e.counterpart_company.as_deref())
    };
    let thread = |e: &ActivityEvent| e.conversation.clone().or_else(|| e.counterpart.clone());
    model
        .components
        .iter()
        .map(|c| {
            let window = i64::from(c.window_days);
            let in_window = |e: &&&ActivityEvent| age(e) < window;
            let decay = |e: &ActivityEvent| {
                if c.half_life_days > 0.0 { 0.5f64.powf(age(e) as f64 / c.half_life_days) } else { 1.0 }
            };
            match &c.metric {
                Metric::ProfileCompleteness => profile_completeness(&model.profile_checklist, profile),
                Metric::Count { kinds, reported_by } => {
                    let reported = reported_by
                        .is_none_or(|marker| upto.iter().filter(in_window).any(|e| e.kind == marker));
                    if reported {
                        upto.iter()
                            .filter(in_window)
                            .filter_map(|e| kinds.get(&e.kind).map(|w| w * decay(e)))
                            .sum()
                    } else {
                        ssi_core::NO_DATA
                    }
                }
                Metric::TargetConnections => {
                    upto.iter().filter(in_window).filter(|e| on_target(e)).map(|e| decay(e)).sum()
                }
                Metric::ActiveDays => upto
                    .iter()
                    .filter(in_window)
                    .filter(|e| by_member(e.kind))
                    .map(|e| e.day())
                    .collect::<BTreeSet<_>>()
                    .len() as f64,
                Metric::NetworkSize => {
                    upto.iter().filter(|e| e.kind == ActivityKind::ConnectionMade).count() as f64
                }
                Metric::TargetNetwork => upto.iter().filter(|e| on_target(e)).count() as f64,
                Metric::AcceptanceRate { smoothing } => {
                    let made = upto
                        .iter()
                        .filter(in_window)
                        .filter(|e| e.kind == ActivityKind::ConnectionMade)
                        .count() as f64;
                    let pending = upto
                        .iter()
                        .filter(in_window)
                        .filter(|e| e.kind == ActivityKind::InvitationSent)
                        .count() as f64;
                    if made + pending == 0.0 { 0.0 } else { made / (made + pending + smoothing) }
                }
                Metric::ResponseRate { smoothing } => {
                    // Each message received is answered by the member's next
                    // message in the same conversation, if any by day d.
                    let received: Vec<(usize, &&ActivityEvent)> = upto
                        .iter()
                        .enumerate()
                        .filter(|(_, e)| in_window(e))
                        .filter(|(_, e)| e.kind == ActivityKind::MessageReceived && thread(e).is_some())
                        .collect();
                    let answered = received
                        .iter()
                        .filter(|(i, r)| {
                            upto[i + 1..]
                                .iter()
                                .any(|s| s.kind == ActivityKind::MessageSent && thread(s) == thread(r))
                        })
                        .count() as f64;
                    if received.is_empty() { 0.0 } else { answered / (received.len() as f64 + smoothing) }
                }
                Metric::TwoWayConversations => {
                    let mut last: HashMap<_, (Option<i64>, Option<i64>)> = HashMap::new();
                    for e in &upto {
                        let Some(key) = thread(e) else { continue };
                        let entry = last.entry(key).or_default();
                        match e.kind {
                            ActivityKind::MessageSent => entry.0 = Some(age(e)),
                            ActivityKind::MessageReceived => entry.1 = Some(age(e)),
                            _ => {}
                        }
                    }
                    last.values()
                        .filter(|(s, r)| matches!((s, r), (Some(s), Some(r)) if *s.max(r) < window))
                        .count() as f64
                }
            }
        })
        .collect()
}

/// The default model as it was before the creator analytics components
/// (`ssi-default-1`): brand weights 9, 8, 3 and 5.
fn model_without_creator_analytics() -> ScoringModel {
    let mut m = model();
    m.components.retain(|c| c.metric.reported_by().is_none());
    for (id, weight) in [
        ("brand.profile", 9.0),
        ("brand.publishing", 8.0),
        ("brand.articles", 3.0),
        ("brand.endorsements", 5.0),
    ] {
        m.components.iter_mut().find(|c| c.id == id).unwrap().weight = weight;
    }
    m.version = "ssi-default-1".into();
    m.validate().unwrap();
    m
}

#[test]
fn a_workbook_day_turns_no_data_into_a_measured_value_for_the_window() {
    let m = model();
    let today = day(2026, 11, 20);
    let index = |id: &str| m.components.iter().position(|c| c.id == id).unwrap();
    let (engagement, followers) = (index("brand.engagement_received"), index("brand.follower_growth"));
    let none = metric_series(&m, &[], Vec::<ActivityEvent>::new(), today, today);
    assert_eq!(
        (none[0].values[engagement], none[0].values[followers]),
        (ssi_core::NO_DATA, ssi_core::NO_DATA)
    );
    // A day reporting no engagement at all: a measured zero, and the brand pillar's
    // other components lose the points they were lent.
    let reported = ssi_core::analytics::DayFigures {
        date: day(2026, 9, 1),
        impressions: Some(0),
        engagements: Some(0),
        new_followers: None,
    };
    let events: Vec<ActivityEvent> = ssi_core::analytics::day_events(&[reported]).collect();
    let series = metric_series(&m, &[], &events, day(2026, 9, 1), day(2026, 11, 29));
    let on = |date| &series.iter().find(|d| d.date == date).unwrap().values;
    assert_eq!(on(day(2026, 9, 1))[engagement], 0.0);
    assert_eq!(on(day(2026, 9, 1))[followers], ssi_core::NO_DATA, "the followers were not reported");
    assert_eq!(on(today)[engagement], 0.0, "day 81 of the window");
    assert_eq!(on(day(2026, 11, 29))[engagement], 0.0, "day 90, the window's last");
    let later = metric_series(&m, &[], &events, day(2026, 11, 30), day(2026, 11, 30));
    assert_eq!(later[0].values[engagement], ssi_core::NO_DATA, "the day has left the 90-day window");
    let scales = ssi_core::engine::pillar_scales(&m, &on(day(2026, 9, 1))[..]);
    assert!((scales[0] - 25.0 / 23.0).abs() < 1e-12, "2 of 25 brand points without data: {scales:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn pillars_stay_in_range_and_sum_to_the_total(profile in profile_strategy(), events in events_strategy(300)) {
        let series = score_series(&model(), &[profile], &events, day(2025, 10, 1), day(2026, 12, 31));
        for s in &series {
            for (_, p) in s.pillars.iter() {
                prop_assert!((0.0..=25.0).contains(&p));
            }
            prop_assert!((0.0..=100.0).contains(&s.total));
            prop_assert_eq!(s.total, s.pillars.total());
        }
    }

    #[test]
    fn without_a_workbook_every_pillar_is_what_the_model_without_creator_analytics_gives(
        profile in profile_strategy(),
        events in events_strategy(300),
    ) {
        let events: Vec<ActivityEvent> = events.into_iter().filter(|e| !e.kind.is_creator_analytics()).collect();
        let (new, old) = (model(), model_without_creator_analytics());
        let with = metric_series(&new, std::slice::from_ref(&profile), &events, day(2025, 10, 1), day(2026, 12, 31));
        let without = metric_series(&old, std::slice::from_ref(&profile), &events, day(2025, 10, 1), day(2026, 12, 31));
        for (a, b) in with.iter().zip(&without) {
            let (pa, ta) = pillar_points(&new, &a.values);
            let (pb, tb) = pillar_points(&old, &b.values);
            for pillar in Pillar::ALL {
                prop_assert!((pa[pillar] - pb[pillar]).abs() < 1e-9, "{} on {}: {} vs {}", pillar, a.date, pa[pillar], pb[pillar]);
            }
            prop_assert!((ta - tb).abs() < 1e-9);
        }
    }

    #[test]
    fn positive_activity_never_lowers_a_pillar(
        profile in profile_strategy(),
        events in events_strategy(200),
        extra in event_strategy().prop_filter("positive activity", |e| !e.kind.can_lower_a_pillar()),
    ) {
        let m = model();
        let mut more = events.clone();
        more.push(extra.clone());
        more.sort_by_key(|e| e.at);
        let from = extra.day();
        let to = from + chrono::Days::new(400);
        let base = metric_series(&m, std::slice::from_ref(&profile), &events, from, to);
        let with = metric_series(&m, std::slice::from_ref(&profile), &more, from, to);
        for (b, w) in base.iter().zip(&with) {
            let (bp, _) = pillar_points(&m, &b.values);
            let (wp, _) = pillar_points(&m, &w.values);
            for pillar in Pillar::ALL {
                prop_assert!(wp[pillar] >= bp[pillar] - 1e-9,
                    "{} fell from {} to {} on {} after adding {:?}", pillar, bp[pillar], wp[pillar], b.date, extra.kind);
            }
        }
    }

    #[test]
    fn without_new_activity_the_score_decays_to_the_profile_only_floor(
        profile in profile_strategy(), events in events_strategy(200),
    ) {
        let m = model();
        let last = events.last().map_or(day(2025, 10, 1), |e| e.day());
        let settled = last + chrono::Days::new(u64::from(m.longest_window_days()));
        let series = metric_series(&m, std::slice::from_ref(&profile), &events, last, settled + chrono::Days::new(30));
        let floor: Vec<f64> = m.components.iter().zip(&series.last().unwrap().values)
            .map(|(c, v)| match (c.metric.is_windowed(), c.metric.reported_by()) {
                // A source's days leave the window too: no data again.
                (true, Some(_)) => ssi_core::NO_DATA,
                (true, None) => 0.0,
                (false, _) => *v,
            })
            .collect();
        for d in series.iter().filter(|d| d.date >= settled) {
            prop_assert_eq!(&d.values, &floor, "windowed components have decayed to zero by {}", d.date);
        }
        // Decayed counts never grow once activity stops.
        for pair in series.windows(2).filter(|w| w[0].date > last) {
            for (c, (a, b)) in m.components.iter().zip(pair[0].values.iter().zip(&pair[1].values)) {
                if matches!(c.metric, ssi_core::Metric::Count { .. } | ssi_core::Metric::TargetConnections | ssi_core::Metric::ActiveDays) {
                    prop_assert!(b <= a, "{} grew from {} to {} without activity", c.id, a, b);
                }
            }
        }
    }

    #[test]
    fn same_input_gives_the_same_output(profile in profile_strategy(), events in events_strategy(200)) {
        let a = score_series(&model(), std::slice::from_ref(&profile), &events, day(2026, 1, 1), day(2026, 3, 1));
        let b = score_series(&model(), std::slice::from_ref(&profile), &events, day(2026, 1, 1), day(2026, 3, 1));
        prop_assert_eq!(a, b);
    }

    #[test]
    fn the_sweep_equals_a_naive_day_by_day_recomputation(profile in profile_strategy(), events in events_strategy(150)) {
        let m = model();
        let from = day(2025, 12, 1);
        let to = day(2026, 3, 1);
        let series = metric_series(&m, std::slice::from_ref(&profile), &events, from, to);
        for d in series.iter().step_by(3) {
            let naive = naive_day(&m, &profile, &events, d.date);
            for (c, (a, b)) in m.components.iter().zip(d.values.iter().zip(&naive)) {
                prop_assert!((a - b).abs() < 1e-6, "{} on {}: sweep {} naive {}", c.id, d.date, a, b);
            }
        }
    }

    #[test]
    fn history_older_than_the_warm_up_still_counts(profile in profile_strategy(), events in events_strategy_over(150, 1500)) {
        // Scoring days late in a long history makes most events fall before the
        // sweep's warm-up origin: cumulative and conversation state must survive.
        let m = model();
        let from = day(2029, 6, 1);
        let series = metric_series(&m, std::slice::from_ref(&profile), &events, from, day(2029, 9, 1));
        for d in series.iter().step_by(5) {
            let naive = naive_day(&m, &profile, &events, d.date);
            for (c, (a, b)) in m.components.iter().zip(d.values.iter().zip(&naive)) {
                prop_assert!((a - b).abs() < 1e-6, "{} on {}: sweep {} naive {}", c.id, d.date, a, b);
            }
        }
    }
}
