//! Tests of ssi's advice: next best actions, what-if plans, calibration, activity impact, mistake warnings and alerts.

mod support;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use ssi_core::advice::*;
use ssi_core::engine::profile_completeness;
use ssi_core::model::ProfileSection;
use ssi_core::{
    ActivityEvent, ActivityKind, Metric, OfficialReading, Pillar, PillarScores, ProfileSnapshot,
    ReadingSource, ScoringModel, score_series,
};
use support::*;

fn model() -> ScoringModel {
    ScoringModel::default_model()
}

fn plus(date: NaiveDate, days: u64) -> NaiveDate {
    date + Days::new(days)
}

fn minus(date: NaiveDate, days: u64) -> NaiveDate {
    date - Days::new(days)
}

/// A tiny deterministic PRNG (SplitMix64), so that noisy tests have a fixed seed.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [-half_width, half_width).
    fn noise(&mut self, half_width: f64) -> f64 {
        (self.unit() * 2.0 - 1.0) * half_width
    }
    /// Uniform integer in 0..=max.
    fn up_to(&mut self, max: u64) -> u64 {
        self.next_u64() % (max + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

fn sorted(mut events: Vec<ActivityEvent>) -> Vec<ActivityEvent> {
    events.sort_by_key(|e| e.at);
    events
}

fn total_on(profiles: &[ProfileSnapshot], events: &[ActivityEvent], date: NaiveDate) -> (PillarScores, f64) {
    let s = score_series(&model(), profiles, events, date, date).pop().unwrap();
    (s.pillars, s.total)
}

// ---------------------------------------------------------------- next best actions

#[test]
fn advice_ranks_actions_by_points_per_minute_and_ties_the_summary_to_the_weakest_pillar() {
    let today = day(2026, 6, 30);
    let events = steady_activity(day(2026, 1, 1), today);
    let profiles = [complete_profile(day(2026, 1, 1))];
    let advice = next_best_actions(&model(), &profiles, &events, today);

    assert_eq!(advice.horizon_days, ADVICE_HORIZON_DAYS);
    assert!(
        advice.actions.iter().all(|a| !matches!(a.action, AdviceAction::CompleteProfileSection { .. })),
        "a complete profile has no section to add"
    );
    assert_eq!(
        advice.actions.len() as u32 + advice.actions_not_shown,
        AdviceAction::WEEKLY.len() as u32,
        "every weekly action is a candidate; those worth less than a tenth of a point are not shown"
    );
    for pair in advice.actions.windows(2) {
        assert!(pair[0].points_per_minute >= pair[1].points_per_minute, "ranked by points per minute");
    }
    for a in &advice.actions {
        assert!(a.total_gain >= 0.0);
        assert!(
            (a.total_gain - a.gain.total()).abs() < 1e-9,
            "{:?}: total is the sum of the pillar gains",
            a.action
        );
        assert_eq!(a.units, 4, "one more a week is four more in 30 days");
        assert!((a.minutes_total - 4.0 * a.minutes_per_unit).abs() < 1e-12);
        assert!(!a.effort_is_convention, "the default model lists every weekly action's effort");
        assert!(a.message.starts_with(&a.description));
    }
    let (current, current_total) = total_on(&profiles, &events, today);
    assert_eq!(advice.current, current);
    assert!((advice.current_total - current_total).abs() < 1e-12);
    let weakest = current.weakest();
    assert_eq!(advice.weakest_pillar, weakest);
    let expected = format!("Your weakest pillar is {} ({:.1}/25).", weakest.label(), current[weakest]);
    assert!(advice.summary.starts_with(&expected), "{}", advice.summary);
    assert!(advice.summary.contains(&advice.actions[0].message), "{}", advice.summary);

    let json = serde_json::to_value(&advice).unwrap();
    for field in
        ["model_version", "today", "current", "weakest_pillar", "rhythm", "baseline", "actions", "summary"]
    {
        assert!(json.get(field).is_some(), "field {field}");
    }
    assert!(json["actions"][0]["action"]["type"].is_string());
    assert!(json["actions"][0]["points_per_minute"].is_number());
}

#[test]
fn an_action_gain_is_the_score_in_30_days_with_it_minus_without_it() {
    // No history: the baseline is empty, so the comment action is exactly four
    // comments, one a week on the third day after today. Being active on those
    // days is every weekly action's side effect, counted once (as day_active):
    // the comments are measured against those days already active.
    let today = day(2026, 3, 1);
    let profiles = [complete_profile(today)];
    let advice = next_best_actions(&model(), &profiles, &[], today);
    let comment = advice.actions.iter().find(|a| a.action == AdviceAction::Comment).unwrap();

    let comments: Vec<ActivityEvent> = [3, 10, 17, 24]
        .iter()
        .enumerate()
        .map(|(i, d)| ev(ActivityKind::Comment, plus(today, *d), i))
        .collect();
    let unit_days: Vec<ActivityEvent> = [3, 10, 17, 24]
        .iter()
        .enumerate()
        .map(|(i, d)| ev(ActivityKind::DayActive, plus(today, *d), 100 + i))
        .collect();
    let end = plus(today, 30);
    let (without, without_total) = total_on(&profiles, &sorted(unit_days.clone()), end);
    let (with, with_total) = total_on(&profiles, &sorted([unit_days, comments].concat()), end);
    for pillar in Pillar::ALL {
        assert!((comment.gain[pillar] - (with[pillar] - without[pillar])).abs() < 1e-9, "{pillar}");
    }
    assert!((comment.total_gain - (with_total - without_total)).abs() < 1e-9);
    assert!(comment.gain.insights > 0.5, "comments earn insight points: {:?}", comment.gain);
    assert_eq!(comment.gain.people, 0.0, "the active day is not the comment's own value");
    assert!(advice.shared_active_day_gain > 0.5, "but being active is worth points: {advice:?}");
    assert_eq!(comment.minutes_per_week, Some(5.0));
    assert!(comment.message.contains("5 minutes a week"), "{}", comment.message);
}

#[test]
fn the_missing_profile_section_worth_most_is_offered_with_its_exact_gain() {
    let today = day(2026, 3, 1);
    let mut profile = complete_profile(day(2026, 1, 1));
    profile.has_photo = false; // weight 2 of 18
    profile.languages = 0; // weight 0.5 of 18
    let advice = next_best_actions(&model(), &[profile], &[], today);
    let section = advice
        .actions
        .iter()
        .find(|a| matches!(a.action, AdviceAction::CompleteProfileSection { .. }))
        .expect("a profile action");
    assert_eq!(section.action, AdviceAction::CompleteProfileSection { section: ProfileSection::Photo });
    assert!((section.total_gain - 9.0 * 2.0 / 18.0).abs() < 1e-9, "gain {}", section.total_gain);
    assert!((section.gain.brand - section.total_gain).abs() < 1e-12);
    assert_eq!(section.minutes_per_week, None);
    assert_eq!(section.minutes_total, 15.0);
    assert!(section.effort_is_convention);
    assert!(section.message.contains("once"), "{}", section.message);
    assert!(
        section.description.starts_with("upload a professional profile photo"),
        "{}",
        section.description
    );
}

#[test]
fn a_missing_effort_falls_back_to_the_documented_convention() {
    let mut m = model();
    m.effort_minutes.remove(&ActivityKind::Comment);
    let today = day(2026, 3, 1);
    let advice = next_best_actions(&m, &[complete_profile(today)], &[], today);
    let comment = advice.actions.iter().find(|a| a.action == AdviceAction::Comment).unwrap();
    assert_eq!(comment.minutes_per_unit, ssi_core::advice::actions::FALLBACK_EFFORT_MINUTES);
    assert!(comment.effort_is_convention);
}

#[test]
fn one_more_active_day_is_worth_nothing_to_a_member_active_every_day() {
    let today = day(2026, 3, 1);
    let events: Vec<ActivityEvent> =
        (0..120).map(|i| ev(ActivityKind::DayActive, minus(today, i), i as usize)).collect();
    let advice = next_best_actions(&model(), &[complete_profile(today)], &sorted(events), today);
    assert!(
        advice.actions.iter().all(|a| a.action != AdviceAction::DayActive),
        "every day is already active: the action adds nothing and is not shown"
    );
    assert!(advice.actions_not_shown >= 1);
    assert!(advice.actions.iter().all(|a| a.total_gain >= SHOWN_GAIN));
    assert!((advice.rhythm.of(ActivityKind::DayActive) - 7.0).abs() < 1e-12);
    assert!((advice.rhythm.active_days_per_week - 7.0).abs() < 1e-12);
}

#[test]
fn the_rhythm_is_the_average_week_of_the_last_four_weeks() {
    let today = day(2026, 3, 28);
    let mut events = Vec::new();
    let mut seq = 0;
    let mut next = || {
        seq += 1;
        seq
    };
    for i in 0..8 {
        events.push(ev(ActivityKind::Comment, minus(today, i * 3), next()));
    }
    for i in 0..5 {
        events.push(ev(ActivityKind::Comment, minus(today, 30 + i), next())); // before the window
    }
    events.push(ev(ActivityKind::Comment, plus(today, 1), next())); // after today
    for i in 0..4 {
        let date = minus(today, i * 5);
        events.push(connection("CFO", date, next()));
        events.push(connection("Analyst", date, next()));
        let conversation = format!("conv-{i}");
        events.push(msg(false, &conversation, date, next()));
        events.push(msg(false, &conversation, date, next() + 1)); // same turn
        if i % 2 == 0 {
            events.push(msg(true, &conversation, date, next() + 100));
        }
    }
    events.push(msg(true, "outbound", today, next()));
    let rhythm = recent_rhythm(&model(), &events, today);
    assert_eq!(rhythm.from, minus(today, 27));
    assert!((rhythm.of(ActivityKind::Comment) - 2.0).abs() < 1e-12);
    assert!((rhythm.target_connections_per_week - 1.0).abs() < 1e-12);
    assert!((rhythm.other_connections_per_week - 1.0).abs() < 1e-12);
    assert!((rhythm.incoming_turns_per_week - 1.0).abs() < 1e-12, "two messages in one turn are one turn");
    assert!((rhythm.replied_share - 0.5).abs() < 1e-12);
    assert!((rhythm.outbound_messages_per_week - 0.25).abs() < 1e-12);
}

#[test]
fn advice_ignores_events_after_today_and_is_deterministic() {
    let today = day(2026, 5, 1);
    let events = steady_activity(day(2026, 1, 1), today);
    let mut with_future = events.clone();
    with_future.extend(steady_activity(plus(today, 1), plus(today, 60)).into_iter().map(|mut e| {
        e.natural_key.push_str("-future");
        e
    }));
    let profiles = [complete_profile(today)];
    let a = next_best_actions(&model(), &profiles, &events, today);
    let b = next_best_actions(&model(), &profiles, &with_future, today);
    assert_eq!(a, b);
}

#[test]
fn the_ranking_does_not_depend_on_days_the_member_already_is_or_is_not_active() {
    // Steady activity kept to two days a week (20 active days of 30 earn
    // full marks, so this leaves room); the same member also signing in on
    // every other day is active every day. Every weekly action makes its days
    // active, which is worth points only to the first member: counted in each
    // action, that shared side effect would reorder the ranking; counted once,
    // it leaves every other action's own value, and so the order, alone.
    let today = day(2026, 6, 30);
    let start = day(2026, 1, 1);
    let profiles = [complete_profile(start)];
    let five_days: Vec<ActivityEvent> = steady_activity(start, today)
        .into_iter()
        .filter(|e| matches!((e.day() - start).num_days() % 7, 0 | 2))
        .collect();
    let mut every_day = five_days.clone();
    let mut d = start;
    let mut seq = 1_000_000;
    while d <= today {
        seq += 1;
        every_day.push(ev(ActivityKind::DayActive, d, seq));
        d = plus(d, 1);
    }
    let five = next_best_actions(&model(), &profiles, &five_days, today);
    let seven = next_best_actions(&model(), &profiles, &sorted(every_day), today);
    assert!(five.rhythm.active_days_per_week < 3.0 && seven.rhythm.active_days_per_week == 7.0);
    assert!(
        five.shared_active_day_gain > 0.1,
        "active days are not saturated: {}",
        five.shared_active_day_gain
    );
    assert_eq!(seven.shared_active_day_gain, 0.0, "active days are saturated");
    let order = |a: &Advice| -> Vec<AdviceAction> {
        a.actions.iter().map(|g| g.action).filter(|x| *x != AdviceAction::DayActive).collect()
    };
    assert_eq!(order(&five), order(&seven));
    for g in five.actions.iter().filter(|g| g.action != AdviceAction::DayActive) {
        let same = seven.actions.iter().find(|h| h.action == g.action).unwrap();
        assert!(
            (g.gain.people - same.gain.people).abs() < 0.05,
            "{:?}: {} vs {}",
            g.action,
            g.gain.people,
            same.gain.people
        );
    }
    assert!(five.actions.iter().any(|g| g.action == AdviceAction::DayActive), "its own action for the first");
}

// ---------------------------------------------------------------- what-if plans

fn plan_history(today: NaiveDate) -> (Vec<ProfileSnapshot>, Vec<ActivityEvent>) {
    let mut profile = complete_profile(day(2026, 1, 1));
    profile.has_banner = false;
    (vec![profile], steady_activity(day(2026, 2, 1), today))
}

fn bump(plan: &WeeklyPlan, field: usize, by: u32) -> WeeklyPlan {
    let mut more = *plan;
    match field {
        0 => more.posts += by,
        1 => more.articles += by,
        2 => more.comments += by,
        3 => more.reactions += by,
        4 => more.reposts += by,
        5 => more.connection_requests += by,
        6 => more.messages += by,
        7 => more.searches += by,
        8 => more.active_days = (more.active_days + by).min(7),
        9 => more.endorsements += by,
        _ => more.reply_to_all = true,
    }
    more
}

fn plan_strategy() -> impl Strategy<Value = WeeklyPlan> {
    (prop::collection::vec(0u32..4, 9), 0u32..=7, any::<bool>(), any::<bool>()).prop_map(
        |(n, active_days, reply_to_all, only)| WeeklyPlan {
            posts: n[0],
            articles: n[1] / 2,
            comments: n[2],
            reactions: n[3] * 3,
            reposts: n[4],
            connection_requests: n[5],
            messages: n[6],
            searches: n[7],
            active_days,
            reply_to_all,
            endorsements: n[8],
            only,
        },
    )
}

/// The points a history keeps for ever: profile completeness and the
/// cumulative network, computed straight from the model's definitions.
fn profile_only_floor(m: &ScoringModel, profile: &ProfileSnapshot, events: &[ActivityEvent]) -> f64 {
    let connections = events.iter().filter(|e| e.kind == ActivityKind::ConnectionMade);
    let network = connections.clone().count() as f64;
    let on_target = connections
        .filter(|e| m.target.matches(e.counterpart_title.as_deref(), e.counterpart_company.as_deref()))
        .count() as f64;
    let values: Vec<f64> = m
        .components
        .iter()
        .map(|c| match c.metric {
            Metric::ProfileCompleteness => profile_completeness(&m.profile_checklist, profile),
            Metric::NetworkSize => network,
            Metric::TargetNetwork => on_target,
            // Once every window has passed, a source's days are out of reach too.
            _ if c.metric.reported_by().is_some() => ssi_core::NO_DATA,
            _ => 0.0,
        })
        .collect();
    ssi_core::engine::pillar_points(m, &values).1
}

#[test]
fn a_plan_projects_a_daily_series_and_the_first_day_of_each_threshold() {
    let today = day(2026, 4, 30);
    let (profiles, events) = plan_history(today);
    let plan = WeeklyPlan {
        posts: 2,
        articles: 1,
        comments: 10,
        reactions: 20,
        reposts: 2,
        connection_requests: 5,
        messages: 5,
        searches: 8,
        active_days: 7,
        reply_to_all: true,
        endorsements: 2,
        only: true,
    };
    let projection = project_plan(&model(), &profiles, &events, today, &plan, 120).unwrap();
    assert_eq!(projection.series.len(), 121);
    assert_eq!(projection.series[0].date, today);
    assert_eq!(projection.last().unwrap().date, plus(today, 120));
    let (now, now_total) = total_on(&profiles, &events, today);
    assert_eq!(projection.series[0].pillars, now);
    assert!((projection.series[0].total - now_total).abs() < 1e-12, "day 0 is today's score");
    assert!(projection.incoming_messages_per_week > 4.0, "steady activity answers five messages a week");
    assert_eq!(
        projection.thresholds.iter().map(|t| t.threshold).collect::<Vec<_>>(),
        vec![45.0, 70.0, 75.0, 80.0]
    );
    assert!(projection.thresholds[0].first_date.is_some(), "a heavy plan reaches 45");
    for t in &projection.thresholds {
        match t.first_date {
            Some(date) => {
                let i = projection.series.iter().position(|d| d.date == date).unwrap();
                assert!(projection.series[i].total >= t.threshold);
                assert!(projection.series[..i].iter().all(|d| d.total < t.threshold));
            }
            None => assert!(projection.series.iter().all(|d| d.total < t.threshold)),
        }
    }
    let minutes = 2.0 * 30.0
        + 120.0
        + 10.0 * 5.0
        + 20.0 * 0.5
        + 2.0 * 2.0
        + 5.0 * 3.0
        + 5.0 * 3.0
        + 8.0 * 2.0
        + 7.0 * 5.0
        + 2.0 * 1.0
        + projection.incoming_messages_per_week * 3.0;
    assert!((projection.minutes_per_week - minutes).abs() < 1e-9);
}

#[test]
fn replying_to_all_messages_lifts_the_response_rate_pillar() {
    let today = day(2026, 4, 30);
    let (profiles, events) = plan_history(today);
    let nothing = WeeklyPlan { only: true, ..WeeklyPlan::default() };
    let silent = project_plan(&model(), &profiles, &events, today, &nothing, 60).unwrap();
    let replying = WeeklyPlan { reply_to_all: true, ..nothing };
    let answered = project_plan(&model(), &profiles, &events, today, &replying, 60).unwrap();
    let last = |p: &Projection| p.last().unwrap().pillars;
    assert!(
        last(&answered).insights > last(&silent).insights + 1.0,
        "{:?} vs {:?}",
        last(&answered),
        last(&silent)
    );
    assert!(last(&answered).relationships > last(&silent).relationships, "answered messages are two-way");
}

#[test]
fn impossible_plans_are_refused_with_the_field() {
    let today = day(2026, 4, 30);
    let m = model();
    let too_many_days = WeeklyPlan { active_days: 8, ..WeeklyPlan::default() };
    let err = project_plan(&m, &[], &[], today, &too_many_days, 30).unwrap_err();
    assert_eq!(err, PlanError::TooManyActiveDays(8));
    assert!(err.to_string().contains("active_days"));
    let too_many = WeeklyPlan { reactions: 201, ..WeeklyPlan::default() };
    let err = project_plan(&m, &[], &[], today, &too_many, 30).unwrap_err();
    assert!(err.to_string().contains("reactions is 201"), "{err}");
    let err = project_plan(&m, &[], &[], today, &WeeklyPlan::default(), 4000).unwrap_err();
    assert!(matches!(err, PlanError::TooManyDays { days: 4000, .. }));
}

#[test]
fn a_plan_reads_from_partial_json() {
    let plan: WeeklyPlan = serde_json::from_str(r#"{"comments": 3, "reply_to_all": true}"#).unwrap();
    assert_eq!(plan, WeeklyPlan { comments: 3, reply_to_all: true, ..WeeklyPlan::default() });
    assert!(serde_json::from_str::<WeeklyPlan>(r#"{"comentz": 3}"#).is_err(), "unknown fields are refused");
}

/// Positive activity over the 120 days before `today`, plus conversations
/// answered the day they open.
fn positive_history(today: NaiveDate) -> impl Strategy<Value = Vec<ActivityEvent>> {
    let kinds: Vec<ActivityKind> =
        ActivityKind::ALL.into_iter().filter(|k| !k.can_lower_a_pillar()).collect();
    let event = (prop::sample::select(kinds), 0u64..120, 0usize..4, any::<bool>());
    prop::collection::vec(event, 0..120).prop_map(move |raw| {
        let titles = ["CEO", "Analyst", "VP Marketing", "Founder"];
        let mut events = Vec::new();
        for (i, (kind, back, title, answered_pair)) in raw.into_iter().enumerate() {
            let date = minus(today, back);
            if answered_pair && i % 3 == 0 {
                let conversation = format!("c{i}");
                events.push(msg(false, &conversation, date, i * 2));
                events.push(msg(true, &conversation, date, i * 2 + 1));
            } else if kind == ActivityKind::ConnectionMade {
                events.push(connection(titles[title], date, i * 2));
            } else {
                events.push(ev(kind, date, i * 2));
            }
        }
        sorted(events)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn a_plan_with_more_of_an_activity_never_projects_a_lower_score(
        plan in plan_strategy(), field in 0usize..11, by in 1u32..4,
    ) {
        let today = day(2026, 4, 30);
        let (profiles, events) = plan_history(today);
        let more = bump(&plan, field, by);
        let m = model();
        let base = project_plan(&m, &profiles, &events, today, &plan, 45).unwrap();
        let with = project_plan(&m, &profiles, &events, today, &more, 45).unwrap();
        for (b, w) in base.series.iter().zip(&with.series) {
            prop_assert!(w.total >= b.total - 1e-9, "total fell on {}: {} → {}", b.date, b.total, w.total);
            for pillar in Pillar::ALL {
                prop_assert!(w.pillars[pillar] >= b.pillars[pillar] - 1e-9, "{} fell on {}", pillar, b.date);
            }
        }
        for (b, w) in base.thresholds.iter().zip(&with.thresholds) {
            if let Some(date) = b.first_date {
                prop_assert!(w.first_date.is_some_and(|d| d <= date), "more never reaches a threshold later");
            }
        }
    }

    #[test]
    fn a_plan_on_top_of_the_habits_never_projects_below_them(
        plan in plan_strategy(), events in positive_history(day(2026, 4, 30)),
    ) {
        let today = day(2026, 4, 30);
        let m = model();
        let profiles = [complete_profile(day(2026, 1, 1))];
        let plan = WeeklyPlan { only: false, ..plan };
        let projection = project_plan(&m, &profiles, &events, today, &plan, 60).unwrap();
        prop_assert_eq!(projection.series.len(), projection.baseline.len());
        for (b, p) in projection.baseline.iter().zip(&projection.series) {
            prop_assert_eq!(b.date, p.date);
            prop_assert!(p.total >= b.total - 1e-9, "below the habits on {}: {} < {}", b.date, p.total, b.total);
            for pillar in Pillar::ALL {
                prop_assert!(p.pillars[pillar] >= b.pillars[pillar] - 1e-9, "{} below the habits on {}", pillar, b.date);
            }
        }
        let nothing = project_plan(&m, &profiles, &events, today, &WeeklyPlan::default(), 60).unwrap();
        prop_assert_eq!(&nothing.series, &nothing.baseline, "adding nothing is the habits alone");
    }

    #[test]
    fn a_plan_of_nothing_decays_to_the_profile_only_floor(events in positive_history(day(2026, 4, 30))) {
        let today = day(2026, 4, 30);
        let m = model();
        let mut profile = complete_profile(day(2026, 1, 1));
        profile.skills.truncate(2);
        let days = m.longest_window_days() + 5;
        let nothing = WeeklyPlan { only: true, ..WeeklyPlan::default() };
        let projection =
            project_plan(&m, std::slice::from_ref(&profile), &events, today, &nothing, days).unwrap();
        for pair in projection.series.windows(2) {
            prop_assert!(pair[1].total <= pair[0].total + 1e-9,
                "the total rose from {} to {} on {}", pair[0].total, pair[1].total, pair[1].date);
        }
        let floor = profile_only_floor(&m, &profile, &events);
        let last = projection.last().unwrap().total;
        prop_assert!((last - floor).abs() < 1e-9, "ends at {} not the floor {}", last, floor);
    }
}

// ---------------------------------------------------------------- calibration

/// Activity whose intensity changes every two weeks, so that every component's
/// share moves over time.
fn varied_history(rng: &mut Rng, start: NaiveDate, end: NaiveDate) -> Vec<ActivityEvent> {
    let mut events = Vec::new();
    let mut seq = 0usize;
    let mut next = || {
        seq += 1;
        seq
    };
    let mut date = start;
    let mut intensity = 0.5;
    while date <= end {
        if (date - start).num_days() % 14 == 0 {
            intensity = 0.05 + 0.95 * rng.unit();
        }
        let a: f64 = intensity;
        if rng.chance(0.2 + 0.7 * a) {
            events.push(ev(ActivityKind::DayActive, date, next()));
        }
        for _ in 0..rng.up_to((5.0 * a) as u64) {
            events.push(ev(ActivityKind::Comment, date, next()));
        }
        for _ in 0..rng.up_to((12.0 * a) as u64) {
            events.push(ev(ActivityKind::Reaction, date, next()));
        }
        for _ in 0..rng.up_to((4.0 * a) as u64) {
            events.push(ev(ActivityKind::PeopleSearch, date, next()));
        }
        if rng.chance(0.25 * a) {
            events.push(ev(ActivityKind::Post, date, next()));
        }
        if rng.chance(0.02) {
            events.push(ev(ActivityKind::Article, date, next()));
        }
        if rng.chance(0.2 * a) {
            events.push(ev(ActivityKind::Repost, date, next()));
        }
        if rng.chance(0.6 * a) {
            let title = if rng.chance(0.4) { "VP Sales" } else { "Account Manager" };
            events.push(connection(title, date, next()));
        }
        if rng.chance(0.3) {
            events.push(ev(ActivityKind::InvitationSent, date, next()));
        }
        if rng.chance(0.7 * a) {
            let conversation = format!("conv-{}", next());
            events.push(msg(false, &conversation, date, next()));
            if rng.chance(a) {
                events.push(msg(true, &conversation, date, next() + 200));
            }
        }
        if rng.chance(0.3 * a) {
            events.push(msg(true, &format!("out-{}", next()), date, next()));
        }
        if rng.chance(0.08) {
            events.push(ev(ActivityKind::EndorsementReceived, date, next()));
        }
        if rng.chance(0.15 * a) {
            events.push(ev(ActivityKind::EndorsementGiven, date, next()));
        }
        date = date.succ_opt().unwrap();
    }
    sorted(events)
}

/// The default model with different, hidden weights.
fn hidden_model() -> ScoringModel {
    let mut m = model();
    let weights = [
        ("brand.profile", 6.0),
        ("brand.publishing", 10.0),
        ("brand.articles", 4.0),
        ("brand.endorsements", 5.0),
        // The hidden formula knows nothing of creator analytics.
        ("brand.engagement_received", 0.0),
        ("brand.follower_growth", 0.0),
        ("people.searches", 9.0),
        ("people.active_days", 5.0),
        ("people.target_connections", 6.0),
        ("people.acceptance", 5.0),
        ("insights.comments", 5.0),
        ("insights.reactions", 8.0),
        ("insights.sharing", 3.0),
        ("insights.messaging", 5.0),
        ("insights.response_rate", 4.0),
        ("relationships.network", 5.0),
        ("relationships.decision_makers", 5.0),
        ("relationships.conversations", 9.0),
        ("relationships.new_connections", 4.0),
        ("relationships.reciprocity", 2.0),
    ];
    for (id, weight) in weights {
        m.components.iter_mut().find(|c| c.id == id).unwrap().weight = weight;
    }
    m.version = "hidden".into();
    m.validate().unwrap();
    m
}

/// Readings of the hidden model every other day, the last `count` readings
/// up to `end`, with uniform noise of ±`noise` points per pillar.
fn readings_from(
    hidden: &ScoringModel,
    profiles: &[ProfileSnapshot],
    events: &[ActivityEvent],
    end: NaiveDate,
    count: u64,
    noise: f64,
    rng: &mut Rng,
) -> Vec<OfficialReading> {
    (0..count)
        .rev()
        .map(|i| {
            let date = minus(end, i * 2);
            let s = score_series(hidden, profiles, events, date, date).pop().unwrap();
            let pillars = s.pillars.to_array().map(|p| (p + rng.noise(noise)).clamp(0.0, 25.0));
            let mut r = OfficialReading::new(date, pillars.iter().sum(), ReadingSource::Manual);
            r.pillars = pillars.map(Some);
            r
        })
        .collect()
}

fn calibration_fixture() -> (Vec<ProfileSnapshot>, Vec<ActivityEvent>, Vec<OfficialReading>) {
    let mut rng = Rng(0x5151_2026);
    let end = day(2026, 4, 30);
    let events = varied_history(&mut rng, day(2025, 9, 1), end);
    let mut profile = complete_profile(day(2025, 9, 1));
    profile.has_banner = false;
    profile.certifications = 0;
    let profiles = vec![profile];
    let readings = readings_from(&hidden_model(), &profiles, &events, end, 60, 0.3, &mut rng);
    (profiles, events, readings)
}

/// Readings of the hidden model plus a per-pillar offset, as the user would store them.
fn stored(readings: Vec<OfficialReading>, offsets: [f64; 4]) -> Vec<StoredReading> {
    readings
        .into_iter()
        .map(|mut r| {
            for (p, offset) in r.pillars.iter_mut().zip(offsets) {
                *p = p.map(|v| ((v + offset).clamp(0.0, 25.0) * 100.0).round() / 100.0);
            }
            r.total = r.pillars.iter().flatten().sum();
            StoredReading { reading: r, confirmed: false }
        })
        .collect()
}

const OFFSETS: [f64; 4] = [2.0, -1.0, 1.5, 1.0];

#[test]
fn calibration_follows_a_hidden_formula_on_days_it_has_not_seen() {
    let (profiles, events, readings) = calibration_fixture();
    // Twelve readings every four days; the 32 days after the last are held out.
    let end = readings.last().unwrap().date;
    let last = minus(end, 32);
    let every_fourth: Vec<OfficialReading> =
        readings.iter().filter(|r| r.date <= last && (last - r.date).num_days() % 4 == 0).cloned().collect();
    let twelve = stored(every_fourth[every_fourth.len() - 12..].to_vec(), OFFSETS);
    let calibration = calibrate(&model(), &profiles, &events, &twelve).unwrap();
    assert_eq!(calibration.readings_used, 12);
    assert_ne!(calibration.method, Method::Default);

    let truth = stored(readings.iter().filter(|r| r.date > last).cloned().collect(), OFFSETS);
    let days = score_series(&model(), &profiles, &events, plus(last, 1), end);
    let (mut before, mut after) = (0.0, 0.0);
    for official in &truth {
        let day = days.iter().find(|d| d.date == official.reading.date).unwrap();
        let calibrated = calibration.apply(&model(), day.date, day.pillars, None);
        before += (day.total - official.reading.total).abs();
        after += (calibrated.total - official.reading.total).abs();
        assert!(calibrated.low <= calibrated.total && calibrated.total <= calibrated.high);
    }
    let (before, after) = (before / truth.len() as f64, after / truth.len() as f64);
    println!("held-out total MAE: {before:.3} uncalibrated, {after:.3} calibrated; {}", calibration.summary);
    assert!(after < 1.0 && after < before / 3.0, "{after} vs {before}");
    let reported = calibration.walk_forward.total.unwrap();
    assert!(calibration.walk_forward.predictions >= 11, "{:?}", calibration.walk_forward);
    assert!(reported < calibration.walk_forward.default_total.unwrap());
    assert!(calibration.summary.contains("predictions"), "{}", calibration.summary);
}

#[test]
fn calibration_works_from_the_first_reading_with_a_wide_interval() {
    let (profiles, events, readings) = calibration_fixture();
    let one = stored(readings[30..31].to_vec(), OFFSETS);
    let calibration = calibrate(&model(), &profiles, &events, &one).unwrap();
    assert_eq!(calibration.method, Method::Level);
    assert_eq!(calibration.walk_forward.total, None);
    let level = calibration.levels[0].levels;
    let day =
        score_series(&model(), &profiles, &events, one[0].reading.date, one[0].reading.date).pop().unwrap();
    for pillar in Pillar::ALL {
        let residual = one[0].reading.pillar(pillar).unwrap() - day.pillars[pillar];
        assert!((level[pillar.index()] - residual).abs() < 0.05, "{pillar}: {level:?} vs {residual}");
    }
    assert!(calibration.interval[1] - calibration.interval[0] > 2.0, "{:?}", calibration.interval);
}

#[test]
fn the_same_readings_give_the_same_calibration_and_other_readings_another_fingerprint() {
    let (profiles, events, readings) = calibration_fixture();
    let some = stored(readings[20..40].to_vec(), OFFSETS);
    let first = calibrate(&model(), &profiles, &events, &some).unwrap();
    let again = calibrate(&model(), &profiles, &events, &some).unwrap();
    assert_eq!(first, again);
    let mut changed = some.clone();
    changed[5].confirmed = true;
    assert_ne!(calibrate(&model(), &profiles, &events, &changed).unwrap().fingerprint, first.fingerprint);
}

#[test]
fn a_refit_never_drops_a_component_advice_recommends_below_its_floor() {
    // Insights readings that fall whenever comments rise: an unconstrained
    // fit would give comments (and whatever moves with them) no weight.
    let (profiles, events, readings) = calibration_fixture();
    let m = model();
    let comments = m.components.iter().position(|c| c.id == "insights.comments").unwrap();
    let days = ssi_core::engine::metric_series(&m, &profiles, &events, readings[0].date, readings[59].date);
    let adverse: Vec<OfficialReading> = readings
        .iter()
        .map(|r| {
            let values = &days[(r.date - readings[0].date).num_days() as usize].values;
            let share = m.components[comments].curve.share(values[comments]);
            let mut r = r.clone();
            r.pillars[Pillar::InsightEngagement.index()] = Some((22.0 - 20.0 * share).clamp(0.0, 25.0));
            r.total = r.pillars.iter().flatten().sum();
            r
        })
        .collect();
    let calibration = calibrate(&m, &profiles, &events, &stored(adverse, [0.0; 4])).unwrap();
    let comment = calibration.refitted_weights.iter().find(|w| w.component == "insights.comments").unwrap();
    assert!(comment.after < comment.before, "the readings push comments down: {comment:?}");
    for w in calibration.refitted_weights.iter().chain(&calibration.weights) {
        let component = m.components.iter().find(|c| c.id == w.component).unwrap();
        assert!(w.after >= w.before * calibrate::WEIGHT_FLOOR_SHARE - 1e-9, "{w:?}");
        if component.lever.is_some() {
            assert!(w.after > 0.0, "advice recommends {} but its weight is {}", w.component, w.after);
        }
    }
    for pillar in Pillar::ALL {
        let sum: f64 = calibration
            .refitted_weights
            .iter()
            .filter(|w| m.components.iter().any(|c| c.id == w.component && c.pillar == pillar))
            .map(|w| w.after)
            .sum();
        assert!((sum - 25.0).abs() < 1e-9, "{pillar}: {sum}");
    }
}

#[test]
fn a_typo_is_left_out_and_the_level_is_what_it_would_be_without_it() {
    let (profiles, events, readings) = calibration_fixture();
    let clean = stored(readings[30..50].to_vec(), OFFSETS);
    let mut typo = clean.clone();
    let people = Pillar::FindRightPeople.index();
    typo[10].reading.pillars[people] = typo[10].reading.pillars[people].map(|v| (v + 9.0).min(25.0));
    typo[10].reading.total = typo[10].reading.pillars.iter().flatten().sum();
    let with_typo = calibrate(&model(), &profiles, &events, &typo).unwrap();
    let status = &with_typo.statuses[10].2;
    assert!(matches!(status, ReadingStatus::Outlier { reason } if reason.contains("people")), "{status:?}");
    assert_eq!(with_typo.readings_used, 19);
    let mut without = clean.clone();
    without.remove(10);
    let reference = calibrate(&model(), &profiles, &events, &without).unwrap();
    assert_eq!(with_typo.levels, reference.levels);
    // A total-only reading far from the others is caught too.
    let mut total_only = clean.clone();
    total_only[12].reading = OfficialReading::new(total_only[12].reading.date, 16.5, ReadingSource::Manual);
    let caught = calibrate(&model(), &profiles, &events, &total_only).unwrap();
    assert!(matches!(&caught.statuses[12].2, ReadingStatus::Outlier { reason } if reason.contains("total")));
    // Confirmed, it is used.
    typo[10].confirmed = true;
    let confirmed = calibrate(&model(), &profiles, &events, &typo).unwrap();
    assert_eq!(confirmed.statuses[10].2, ReadingStatus::Confirmed);
    assert_eq!(confirmed.readings_used, 20);
}

#[test]
fn calibration_refuses_no_readings_and_invalid_ones() {
    let (profiles, events, readings) = calibration_fixture();
    let err = calibrate(&model(), &profiles, &events, &[]).unwrap_err();
    assert!(matches!(err, CalibrationError::NoReadings), "{err}");
    let mut invalid = stored(readings[..5].to_vec(), [0.0; 4]);
    invalid[3].reading.total = 140.0;
    let err = calibrate(&model(), &profiles, &events, &invalid).unwrap_err();
    assert!(matches!(err, CalibrationError::InvalidReading { .. }), "{err}");
    assert!(err.to_string().contains(&readings[3].date.to_string()), "{err}");
}

// ---------------------------------------------------------------- activity impact

type DailyPillars = Vec<(NaiveDate, PillarScores)>;
type DailyCounts = Vec<(NaiveDate, ActivityKind, u32)>;

/// A daily series of `days` days from 2025-10-01: comments, reactions and
/// posts at random, and pillars that random-walk, except that insights also
/// rises `effect` points per comment of the week ending `lag` days earlier.
fn impact_fixture(seed: u64, days: usize, effect: f64, lag: usize) -> (DailyPillars, DailyCounts) {
    let mut rng = Rng(seed);
    let start = day(2025, 10, 1);
    let mut counts = Vec::new();
    let mut comments = Vec::new();
    for i in 0..days {
        let date = plus(start, i as u64);
        let c = rng.up_to(4) as u32;
        comments.push(c);
        counts.push((date, ActivityKind::Comment, c));
        counts.push((date, ActivityKind::Reaction, rng.up_to(10) as u32));
        if rng.chance(0.3) {
            counts.push((date, ActivityKind::Post, 1));
        }
    }
    let mut pillars = Vec::new();
    let mut level = [10.0, 8.0, 6.0, 12.0];
    for i in 0..days {
        if i > 0 {
            for (p, value) in level.iter_mut().enumerate() {
                *value += rng.noise(0.3);
                if p == Pillar::InsightEngagement.index() && i >= lag + 6 {
                    let week: u32 = comments[i - lag - 6..=i - lag].iter().sum();
                    *value += effect * f64::from(week);
                }
            }
        }
        pillars.push((plus(start, i as u64), PillarScores::from_array(level)));
    }
    (pillars, counts)
}

#[test]
fn a_planted_effect_is_found_with_its_sign_and_lag() {
    let (pillars, counts) = impact_fixture(42, 200, 0.05, 3);
    let report = activity_impact(&pillars, &counts, SeriesSource::Official).unwrap();
    assert_eq!(report.transitions, 199);
    let best = report
        .strongest
        .iter()
        .find(|t| t.kind == ActivityKind::Comment && t.pillar == Pillar::InsightEngagement)
        .unwrap();
    assert_eq!(best.lag_days, 3, "{best:?}");
    assert!(best.r > 0.5, "{best:?}");
    assert!(best.significant && best.p_adjusted <= 0.05);
    assert!(best.ci_low > 0.0 && best.ci_low < best.r && best.r < best.ci_high && best.ci_high <= 1.0);
    assert_eq!(best.n, 199 - 6 - 3 + 1, "pairs need a full week of counts before t");
    assert!(report.note.starts_with("Association, not cause"));
    assert_eq!(report.correction, "benjamini_hochberg");
    let kinds = [ActivityKind::Comment, ActivityKind::Post, ActivityKind::Reaction];
    assert_eq!(report.tests.len() + report.skipped.len(), kinds.len() * 4 * 15);
}

#[test]
fn pure_noise_shows_no_significant_association() {
    let (pillars, counts) = impact_fixture(2024, 200, 0.0, 3);
    let report = activity_impact(&pillars, &counts, SeriesSource::Estimate).unwrap();
    assert_eq!(report.tests.len(), 3 * 4 * 15);
    let significant: Vec<&AssociationTest> = report.tests.iter().filter(|t| t.significant).collect();
    assert!(significant.is_empty(), "{significant:?}");
    assert!(report.tests.iter().all(|t| t.p_adjusted >= t.p_value && (0.0..=1.0).contains(&t.p_adjusted)));
    assert!(report.note.contains("ssi's own estimate"), "{}", report.note);
}

#[test]
fn constant_series_are_skipped_by_name() {
    let (mut pillars, mut counts) = impact_fixture(5, 60, 0.0, 0);
    for (date, _) in &pillars {
        counts.push((*date, ActivityKind::PeopleSearch, 0));
    }
    for (_, p) in &mut pillars {
        p.brand = 9.0;
    }
    let report = activity_impact(&pillars, &counts, SeriesSource::Official).unwrap();
    let searches: Vec<&SkippedTest> =
        report.skipped.iter().filter(|s| s.kind == ActivityKind::PeopleSearch).collect();
    assert_eq!(searches.len(), 4 * 15);
    assert!(searches.iter().all(|s| s.reason == "constant_count"));
    let brand: Vec<&SkippedTest> = report
        .skipped
        .iter()
        .filter(|s| s.pillar == Pillar::ProfessionalBrand && s.kind != ActivityKind::PeopleSearch)
        .collect();
    assert_eq!(brand.len(), 3 * 15);
    assert!(brand.iter().all(|s| s.reason == "constant_pillar"));
    assert!(report.tests.iter().all(|t| t.pillar != Pillar::ProfessionalBrand));
}

#[test]
fn the_analysis_refuses_short_or_broken_series() {
    let (pillars, counts) = impact_fixture(9, 31, 0.0, 0);
    let err = activity_impact(&pillars[..30], &counts, SeriesSource::Official).unwrap_err();
    assert_eq!(err, ImpactError::TooFewTransitions { found: 29, needed: 30 });
    assert!(activity_impact(&pillars, &counts, SeriesSource::Official).is_ok(), "30 transitions suffice");
    // A gap breaks a transition: changes are only between consecutive days.
    let mut gapped = pillars.clone();
    gapped.remove(15);
    let err = activity_impact(&gapped, &counts, SeriesSource::Official).unwrap_err();
    assert_eq!(err, ImpactError::TooFewTransitions { found: 28, needed: 30 });
    let mut duplicated = pillars.clone();
    duplicated.push(pillars[3]);
    assert_eq!(
        activity_impact(&duplicated, &counts, SeriesSource::Official).unwrap_err(),
        ImpactError::DuplicateDate(pillars[3].0)
    );
    let mut broken = pillars;
    broken[4].1.people = f64::NAN;
    assert!(matches!(
        activity_impact(&broken, &counts, SeriesSource::Official).unwrap_err(),
        ImpactError::NotFinite(_)
    ));
}

// ---------------------------------------------------------------- mistake warnings

fn warning(warnings: &[Warning], kind: WarningKind) -> Option<&Warning> {
    warnings.iter().find(|w| w.kind == kind)
}

#[test]
fn a_steady_member_with_a_complete_profile_gets_no_warning() {
    let today = day(2026, 6, 30);
    let warnings =
        mistakes(&model(), &[complete_profile(today)], &steady_activity(day(2026, 1, 1), today), today);
    assert!(warnings.is_empty(), "{warnings:#?}");
}

#[test]
fn impersonal_requests_with_low_acceptance_are_flagged_with_numbers() {
    let today = day(2026, 6, 30);
    let mut events = Vec::new();
    for i in 0..60 {
        let mut e = ev(ActivityKind::InvitationSent, minus(today, i), 10_000 + i as usize);
        e.personalised = i % 10 == 0;
        events.push(e);
        if i % 6 == 0 {
            events.push(connection("Analyst", minus(today, i), i as usize));
        }
    }
    let events = sorted(events);
    let warnings = mistakes(&model(), &[complete_profile(today)], &events, today);
    let w = warning(&warnings, WarningKind::ImpersonalRequests).expect("flagged");
    assert_eq!(w.evidence["pending_requests"], EvidenceValue::Count(60));
    assert_eq!(w.evidence["requests_without_note"], EvidenceValue::Count(54));
    assert_eq!(w.evidence["connections_made"], EvidenceValue::Count(10));
    assert_eq!(w.evidence["acceptance_rate"], EvidenceValue::Number(10.0 / 70.0));
    assert_eq!(w.evidence["from"], EvidenceValue::Date(day(2026, 4, 2)));
    assert!(w.message.contains("54 of your 60"), "{}", w.message);
    // The same requests, each with a note, are not a mistake.
    let personal: Vec<ActivityEvent> = events
        .into_iter()
        .map(|mut e| {
            e.personalised = true;
            e
        })
        .collect();
    let warnings = mistakes(&model(), &[complete_profile(today)], &personal, today);
    assert!(warning(&warnings, WarningKind::ImpersonalRequests).is_none());
}

#[test]
fn reaction_bursts_posting_without_engaging_silences_and_gaps_are_flagged_with_dates() {
    let today = day(2026, 6, 30);
    let mut events = Vec::new();
    let mut seq = 0;
    let mut add = |kind: ActivityKind, date: NaiveDate| {
        seq += 1;
        events.push(ev(kind, date, seq));
    };
    // Early: a burst of 15 reactions with no comment, then 3 posts and 1 comment.
    let burst = day(2026, 4, 10);
    for _ in 0..15 {
        add(ActivityKind::Reaction, burst);
    }
    for d in [day(2026, 4, 11), day(2026, 4, 12), day(2026, 4, 13)] {
        add(ActivityKind::Post, d);
    }
    add(ActivityKind::Comment, day(2026, 4, 13));
    // A gap from 14 April to 19 May, then activity until 1 June, then silence.
    for d in 0..13 {
        add(ActivityKind::DayActive, plus(day(2026, 5, 20), d));
    }
    let events = sorted(events);
    let warnings = mistakes(&model(), &[complete_profile(today)], &events, today);

    let bursts = warning(&warnings, WarningKind::ReactionBursts).expect("burst");
    assert_eq!(bursts.evidence["largest_burst"], EvidenceValue::Count(15));
    assert_eq!(bursts.evidence["largest_burst_on"], EvidenceValue::Date(burst));

    let silence = warning(&warnings, WarningKind::LongSilence).expect("silence");
    assert_eq!(silence.severity, Severity::Critical);
    assert_eq!(silence.evidence["last_active_on"], EvidenceValue::Date(day(2026, 6, 1)));
    assert_eq!(silence.evidence["silent_days"], EvidenceValue::Count(29));
    assert_eq!(warnings[0].severity, Severity::Critical, "most severe first");

    let gap = warning(&warnings, WarningKind::ActivityGap).expect("gap");
    assert_eq!(gap.evidence["gap_from"], EvidenceValue::Date(day(2026, 4, 14)));
    assert_eq!(gap.evidence["gap_to"], EvidenceValue::Date(day(2026, 5, 19)));
    assert_eq!(gap.evidence["longest_gap_days"], EvidenceValue::Count(36));

    // Posting without engaging is judged over the last 30 days.
    let posting_day = day(2026, 4, 30);
    let posting = warning(
        &mistakes(&model(), &[complete_profile(today)], &events, posting_day),
        WarningKind::PostingWithoutEngaging,
    )
    .cloned()
    .expect("posting");
    assert_eq!(posting.evidence["posts"], EvidenceValue::Count(3));
    assert_eq!(posting.evidence["comments"], EvidenceValue::Count(1));
    assert!(
        warning(&warnings, WarningKind::PostingWithoutEngaging).is_none(),
        "the posts are older than 30 days"
    );
}

#[test]
fn an_incomplete_profile_names_the_missing_sections_and_their_points() {
    let today = day(2026, 6, 30);
    let mut profile = complete_profile(day(2026, 6, 1));
    profile.has_photo = false;
    profile.headline = None;
    profile.skills.truncate(1);
    let events = steady_activity(day(2026, 1, 1), today);
    let warnings = mistakes(&model(), &[profile], &events, today);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let w = &warnings[0];
    assert_eq!(w.kind, WarningKind::IncompleteProfile);
    // Lost: photo 2, headline 2, skills 2 × 4/5 = 1.6 of 18.
    let completeness = 1.0 - 5.6 / 18.0;
    let EvidenceValue::Number(c) = w.evidence["completeness"] else { panic!() };
    assert!((c - completeness).abs() < 1e-9);
    let EvidenceValue::Number(points) = w.evidence["points_available"] else { panic!() };
    assert!((points - 9.0 * 5.6 / 18.0).abs() < 1e-9);
    assert_eq!(w.evidence["missing_sections"], EvidenceValue::Text("photo, headline, skills".into()));
    assert_eq!(w.severity, Severity::Warning);
    let json = serde_json::to_value(w).unwrap();
    assert_eq!(json["evidence"]["snapshot_taken_on"], "2026-06-01");
    assert_eq!(json["kind"], "incomplete_profile");
}

// ---------------------------------------------------------------- alerts

#[test]
fn alerts_fire_below_a_floor_and_on_a_drop_with_a_one_line_reason() {
    let series: Vec<(NaiveDate, f64)> = vec![
        (day(2026, 6, 1), 50.0),
        (day(2026, 6, 3), 52.0),
        (day(2026, 6, 6), 49.0),
        (day(2026, 6, 8), 44.5),
    ];
    let below = AlertRule { below: Some(45.0), drop: None };
    let alert = check(&series, &below).unwrap();
    assert_eq!((alert.date, alert.value), (day(2026, 6, 8), 44.5));
    assert_eq!(alert.reasons, vec![AlertReason::Below { threshold: 45.0 }]);
    assert_eq!(alert.reason, "SSI 44.5 on 2026-06-08 is below 45");
    assert!(!alert.reason.contains('\n'));

    let drop = AlertRule { below: None, drop: Some((5.0, 7)) };
    let alert = check(&series, &drop).unwrap();
    assert_eq!(
        alert.reasons,
        vec![AlertReason::Drop { from_date: day(2026, 6, 3), from_value: 52.0, points: 7.5, days: 7 }]
    );
    assert!(alert.reason.contains("fell 7.5 points within 7 days"), "{}", alert.reason);
    // The high of 3 June is outside a 4-day window.
    assert!(check(&series, &AlertRule { below: None, drop: Some((5.0, 4)) }).is_none());
    // A drop smaller than asked for does not fire.
    assert!(check(&series, &AlertRule { below: None, drop: Some((8.0, 7)) }).is_none());

    let both = AlertRule { below: Some(45.0), drop: Some((5.0, 7)) };
    let alert = check(&series, &both).unwrap();
    assert_eq!(alert.reasons.len(), 2);
    assert!(alert.reason.contains("; "), "{}", alert.reason);

    assert!(check(&series, &AlertRule { below: Some(40.0), drop: None }).is_none());
    assert!(check(&[], &both).is_none());
    assert!(check(&series, &AlertRule::default()).is_none());
}

#[test]
fn alerts_judge_the_latest_day_whatever_the_order_and_skip_non_numbers() {
    let series = vec![(day(2026, 6, 8), 44.0), (day(2026, 6, 9), f64::NAN), (day(2026, 6, 1), 60.0)];
    let alert = check(&series, &AlertRule { below: Some(45.0), drop: Some((10.0, 14)) }).unwrap();
    assert_eq!(alert.date, day(2026, 6, 8));
    assert_eq!(alert.reasons.len(), 2);
    let rule: AlertRule = serde_json::from_str(r#"{"below": 45, "drop": [5, 7]}"#).unwrap();
    assert_eq!(rule, AlertRule { below: Some(45.0), drop: Some((5.0, 7)) });
}
