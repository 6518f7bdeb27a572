//! Next best actions: the expected gain, per pillar and in total, of one more unit a week of each activity, each counted for its own value, ranked by gain per minute.

use super::rhythm::{WeeklyRhythm, rhythm_of};
use super::simulate::{
    Synthetic, WEEK_SLOT_ORDER, add_days, baseline_events, history_until, is_by_member, score_on,
    target_counterpart, weekly_slots,
};
use crate::engine::profile_completeness;
use crate::event::{ActivityEvent, ActivityKind};
use crate::model::{ChecklistItem, ProfileSection, ScoringModel};
use crate::pillar::{PILLAR_MAX, Pillar, PillarScores};
use crate::profile::{Position, ProfileSnapshot};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Days ahead the gains are measured at.
pub const ADVICE_HORIZON_DAYS: u32 = 30;

/// Minutes one profile section takes to complete, once: a convention, since the
/// model's effort table lists activities, not sections.
pub const PROFILE_SECTION_EFFORT_MINUTES: f64 = 15.0;

/// Minutes per unit assumed for an activity the model's effort table does not list.
pub const FALLBACK_EFFORT_MINUTES: f64 = 10.0;

/// Gains below this many points are shown as "no visible gain".
const VISIBLE_GAIN: f64 = 0.05;

/// Actions whose total gain is below this many points are left out of the
/// advice: a tenth of a point is the least a person can see move (LinkedIn
/// shows whole points; ssi one decimal).
pub const SHOWN_GAIN: f64 = 0.1;

/// One candidate step the member could take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AdviceAction {
    /// One more post a week.
    Post,
    /// One more long-form article a week.
    Article,
    /// One more comment a week.
    Comment,
    /// One more reaction a week.
    Reaction,
    /// One more repost a week.
    Repost,
    /// One more personalised connection request to a decision maker a week
    /// (simulated as an accepted request: a connection made with an on-target counterpart).
    ConnectionRequest,
    /// One more incoming message answered the same day, a week (simulated as a
    /// new conversation whose first message is answered that day).
    ReplyToMessage,
    /// One more people search a week.
    PeopleSearch,
    /// One more day a week with some activity (on a day otherwise inactive).
    DayActive,
    /// One more endorsement given a week.
    EndorsementGiven,
    /// Complete the missing profile section that is worth the most, once.
    CompleteProfileSection {
        /// The section.
        section: ProfileSection,
    },
}

impl AdviceAction {
    /// The weekly actions, in the order they are tried.
    pub const WEEKLY: [AdviceAction; 10] = [
        AdviceAction::Post,
        AdviceAction::Article,
        AdviceAction::Comment,
        AdviceAction::Reaction,
        AdviceAction::Repost,
        AdviceAction::ConnectionRequest,
        AdviceAction::ReplyToMessage,
        AdviceAction::PeopleSearch,
        AdviceAction::DayActive,
        AdviceAction::EndorsementGiven,
    ];

    /// The activity kind one unit is simulated as, and whose effort it costs.
    pub fn kind(self) -> Option<ActivityKind> {
        Some(match self {
            AdviceAction::Post => ActivityKind::Post,
            AdviceAction::Article => ActivityKind::Article,
            AdviceAction::Comment => ActivityKind::Comment,
            AdviceAction::Reaction => ActivityKind::Reaction,
            AdviceAction::Repost => ActivityKind::Repost,
            AdviceAction::ConnectionRequest => ActivityKind::ConnectionMade,
            AdviceAction::ReplyToMessage => ActivityKind::MessageSent,
            AdviceAction::PeopleSearch => ActivityKind::PeopleSearch,
            AdviceAction::DayActive => ActivityKind::DayActive,
            AdviceAction::EndorsementGiven => ActivityKind::EndorsementGiven,
            AdviceAction::CompleteProfileSection { .. } => return None,
        })
    }

    /// What to do, in plain words (weekly actions: "… 1 more … a week").
    fn describe(self, model: &ScoringModel) -> String {
        match self {
            AdviceAction::Post => "publish 1 more post a week".into(),
            AdviceAction::Article => "write 1 more long-form article a week".into(),
            AdviceAction::Comment => "write 1 more comment a week".into(),
            AdviceAction::Reaction => "react to 1 more post a week".into(),
            AdviceAction::Repost => "repost 1 more useful post a week".into(),
            AdviceAction::ConnectionRequest => {
                "send 1 more personalised connection request to a decision maker a week".into()
            }
            AdviceAction::ReplyToMessage => "answer 1 more message a week, the day it arrives".into(),
            AdviceAction::PeopleSearch => "run 1 more people search a week".into(),
            AdviceAction::DayActive => "spend a few minutes on LinkedIn on 1 more day a week".into(),
            AdviceAction::EndorsementGiven => "endorse 1 more person you have worked with a week".into(),
            AdviceAction::CompleteProfileSection { section } => {
                model.profile_checklist.iter().find(|i| i.section == section).map_or_else(
                    || format!("complete your profile's {section:?} section"),
                    |i| lowercase_first(&i.action),
                )
            }
        }
    }
}

/// The expected effect of one candidate action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ActionGain {
    /// The action.
    pub action: AdviceAction,
    /// What to do, in plain words.
    pub description: String,
    /// The activity kind each unit was simulated as (none for a profile section).
    pub simulated_as: Option<ActivityKind>,
    /// Units added within the horizon (4 for a weekly action over 30 days, 1 for a profile section).
    pub units: u32,
    /// Points gained on each pillar on the horizon's last day, against the baseline.
    pub gain: PillarScores,
    /// Points gained in total on the horizon's last day.
    pub total_gain: f64,
    /// Minutes one unit takes.
    pub minutes_per_unit: f64,
    /// Minutes a week, for weekly actions; `None` for a one-off.
    pub minutes_per_week: Option<f64>,
    /// Minutes spent over the whole horizon (`units × minutes_per_unit`).
    pub minutes_total: f64,
    /// Whether `minutes_per_unit` is a convention ([`PROFILE_SECTION_EFFORT_MINUTES`]
    /// or [`FALLBACK_EFFORT_MINUTES`]) rather than the model's effort table.
    pub effort_is_convention: bool,
    /// `total_gain / minutes_total`: the ranking key.
    pub points_per_minute: f64,
    /// One line of advice, e.g. "write 1 more comment a week: +1.8 points in 30 days for 5 minutes a week".
    pub message: String,
}

/// Next-best-action advice for one member on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Advice {
    /// The model version that scored the simulation.
    pub model_version: String,
    /// The day advised on.
    pub today: NaiveDate,
    /// Days ahead the gains are measured at ([`ADVICE_HORIZON_DAYS`]).
    pub horizon_days: u32,
    /// Today's pillars.
    pub current: PillarScores,
    /// Today's total.
    pub current_total: f64,
    /// The weakest pillar today.
    pub weakest_pillar: Pillar,
    /// The member's recent rhythm, which the baseline continues.
    pub rhythm: WeeklyRhythm,
    /// Pillars on the horizon's last day if the rhythm simply continues.
    pub baseline: PillarScores,
    /// Total on the horizon's last day if the rhythm simply continues.
    pub baseline_total: f64,
    /// Every candidate worth at least [`SHOWN_GAIN`] points, best points per minute first.
    pub actions: Vec<ActionGain>,
    /// Candidates left out because they would add less than [`SHOWN_GAIN`] points.
    pub actions_not_shown: u32,
    /// Points that merely being active on the days of the weekly actions would
    /// bring (the "days active" component): a side effect every weekly action
    /// shares, so it is counted once, in `day_active`, and left out of the
    /// gain of every other action.
    pub shared_active_day_gain: f64,
    /// Plain-language advice tied to the weakest pillar.
    pub summary: String,
}

/// Ranks the next best actions for the member's current state.
///
/// The baseline continues the member's rhythm of the last four weeks
/// ([`recent_rhythm`](super::recent_rhythm)) for [`ADVICE_HORIZON_DAYS`]
/// days with deterministic spacing. Each weekly action adds one unit a week on
/// top of the baseline (on the third day of each week after today; a day
/// active goes to a day of the week the baseline leaves inactive), and its gain
/// is the score on the horizon's last day with the action minus without it.
/// Being active on a day is a side effect every weekly action has; it is
/// counted once, as the `day_active` action, and not in the others: their gain
/// is measured against the baseline with those days already active.
/// Actions worth less than [`SHOWN_GAIN`] points are left out.
/// The missing profile checklist item worth the most is completed the day after
/// today. Actions are ranked by points per minute of effort over the horizon
/// (ties: bigger gain first). Events after `today` are ignored.
pub fn next_best_actions(
    model: &ScoringModel,
    profiles: &[ProfileSnapshot],
    events: &[ActivityEvent],
    today: NaiveDate,
) -> Advice {
    let horizon = ADVICE_HORIZON_DAYS;
    let end = add_days(today, u64::from(horizon));
    let history = history_until(events, today);
    let rhythm = rhythm_of(model, &history, today);
    let baseline_events = baseline_events(model, &rhythm, today, horizon, false);

    let (current, current_total) = score_on(model, profiles, &history, &[], today);
    let (baseline, baseline_total) = score_on(model, profiles, &history, &[&baseline_events], end);
    // Every weekly action lands on the same days; the baseline with those days
    // active is what each is measured against, so that none earns the
    // active-day points another would earn as well.
    let unit_days = active_unit_days(today, horizon);
    let (reference, reference_total) =
        score_on(model, profiles, &history, &[&baseline_events, &unit_days], end);

    let mut actions = Vec::new();
    for action in AdviceAction::WEEKLY {
        let (extra, units) = weekly_action_events(model, action, today, horizon, &baseline_events);
        let gain = if action == AdviceAction::DayActive {
            let (with, with_total) = score_on(model, profiles, &history, &[&baseline_events, &extra], end);
            gain_of(model, action, units, &baseline, baseline_total, &with, with_total)
        } else {
            let (with, with_total) =
                score_on(model, profiles, &history, &[&baseline_events, &unit_days, &extra], end);
            gain_of(model, action, units, &reference, reference_total, &with, with_total)
        };
        actions.push(gain);
    }
    if let Some((section, completed)) = best_missing_section(model, profiles, today) {
        let mut with_profile = profiles.to_vec();
        with_profile.push(completed);
        let (with, with_total) = score_on(model, &with_profile, &history, &[&baseline_events], end);
        let action = AdviceAction::CompleteProfileSection { section };
        actions.push(gain_of(model, action, 1, &baseline, baseline_total, &with, with_total));
    }
    actions.sort_by(|a, b| {
        b.points_per_minute
            .total_cmp(&a.points_per_minute)
            .then_with(|| b.total_gain.total_cmp(&a.total_gain))
    });
    let candidates = actions.len();
    actions.retain(|a| a.total_gain >= SHOWN_GAIN);
    let actions_not_shown = (candidates - actions.len()) as u32;

    let weakest_pillar = current.weakest();
    let summary = summarise(&actions, &current, weakest_pillar, horizon);
    Advice {
        model_version: model.version.clone(),
        today,
        horizon_days: horizon,
        current,
        current_total,
        weakest_pillar,
        rhythm,
        baseline,
        baseline_total,
        actions,
        actions_not_shown,
        shared_active_day_gain: (reference_total - baseline_total).max(0.0),
        summary,
    }
}

/// A bare `DayActive` on each day a weekly action's unit lands on.
fn active_unit_days(today: NaiveDate, horizon: u32) -> Vec<ActivityEvent> {
    let mut synthetic = Synthetic::new("unit-days");
    for (date, week, unit) in weekly_slots(today, 1, horizon) {
        synthetic.plain(ActivityKind::DayActive, date, "active", &format!("w{week}u{unit}"));
    }
    synthetic.into_sorted()
}

/// The synthetic events of one more unit a week of `action`, and the number of units.
fn weekly_action_events(
    model: &ScoringModel,
    action: AdviceAction,
    today: NaiveDate,
    horizon: u32,
    baseline: &[ActivityEvent],
) -> (Vec<ActivityEvent>, u32) {
    let mut synthetic =
        Synthetic::new(format!("action-{}", action.kind().map_or("profile", ActivityKind::as_str)));
    let stream = "extra";
    let mut units = 0u32;
    if action == AdviceAction::DayActive {
        // One more active day only counts on a day that is not active anyway.
        let busy: BTreeSet<NaiveDate> =
            baseline.iter().filter(|e| is_by_member(e.kind)).map(ActivityEvent::day).collect();
        // The same weeks as every other action: those whose first slot is in the horizon.
        let weeks = (0..u64::from(horizon).div_ceil(7))
            .filter(|w| 1 + 7 * w + WEEK_SLOT_ORDER[0] <= u64::from(horizon));
        for week in weeks {
            let free = WEEK_SLOT_ORDER
                .iter()
                .map(|d| 1 + 7 * week + d)
                .filter(|offset| *offset <= u64::from(horizon))
                .map(|offset| add_days(today, offset))
                .find(|date| !busy.contains(date));
            if let Some(date) = free {
                synthetic.plain(ActivityKind::DayActive, date, stream, &format!("w{week}"));
                units += 1;
            }
        }
        return (synthetic.into_sorted(), units);
    }
    let decision_maker = target_counterpart(model);
    let slots = weekly_slots(today, 1, horizon);
    units = slots.len() as u32;
    for (date, week, unit) in slots {
        let unit = format!("w{week}u{unit}");
        match action {
            AdviceAction::ConnectionRequest => synthetic.connection(date, &decision_maker, stream, &unit),
            AdviceAction::ReplyToMessage => synthetic.incoming(date, true, stream, &unit),
            other => {
                if let Some(kind) = other.kind() {
                    synthetic.plain(kind, date, stream, &unit);
                }
            }
        }
    }
    (synthetic.into_sorted(), units)
}

/// Minutes per unit of an activity, and whether that is the fallback convention.
pub(crate) fn effort_of(model: &ScoringModel, kind: ActivityKind) -> (f64, bool) {
    match model.effort_minutes.get(&kind) {
        Some(minutes) => (*minutes, false),
        None => (FALLBACK_EFFORT_MINUTES, true),
    }
}

fn gain_of(
    model: &ScoringModel,
    action: AdviceAction,
    units: u32,
    baseline: &PillarScores,
    baseline_total: f64,
    with: &PillarScores,
    with_total: f64,
) -> ActionGain {
    let mut gain = PillarScores::default();
    for pillar in Pillar::ALL {
        // The engine never lowers a pillar for added positive activity; clamp
        // rounding dust so that a gain is never shown as -0.0.
        gain[pillar] = (with[pillar] - baseline[pillar]).max(0.0);
    }
    let total_gain = (with_total - baseline_total).max(0.0);
    let (minutes_per_unit, convention, minutes_per_week) = match action.kind() {
        Some(kind) => {
            let (minutes, fallback) = effort_of(model, kind);
            (minutes, fallback, Some(minutes))
        }
        None => (PROFILE_SECTION_EFFORT_MINUTES, true, None),
    };
    let minutes_total = minutes_per_unit * f64::from(units);
    let points_per_minute = if minutes_total > 0.0 { total_gain / minutes_total } else { 0.0 };
    let description = action.describe(model);
    let effort = match minutes_per_week {
        Some(m) => format!("{} a week", format_minutes(m)),
        None => format!("about {}, once", format_minutes(minutes_per_unit)),
    };
    let message =
        format!("{description}: {} in {} days for {effort}", format_gain(total_gain), ADVICE_HORIZON_DAYS);
    ActionGain {
        action,
        description,
        simulated_as: action.kind(),
        units,
        gain,
        total_gain,
        minutes_per_unit,
        minutes_per_week,
        minutes_total,
        effort_is_convention: convention,
        points_per_minute,
        message,
    }
}

/// The missing checklist item worth the most points, and the snapshot in force
/// today with that item completed, taken the day after today.
fn best_missing_section(
    model: &ScoringModel,
    profiles: &[ProfileSnapshot],
    today: NaiveDate,
) -> Option<(ProfileSection, ProfileSnapshot)> {
    let current = snapshot_on(profiles, today).cloned().unwrap_or_else(|| ProfileSnapshot::empty(today));
    let item = model
        .profile_checklist
        .iter()
        .map(|item| (item, item.weight * (1.0 - section_fill(item, &current))))
        .filter(|(_, lost)| *lost > 1e-9)
        .fold(None::<(&ChecklistItem, f64)>, |best, (item, lost)| match best {
            Some((_, best_lost)) if best_lost >= lost => best,
            _ => Some((item, lost)),
        })?
        .0;
    let mut completed = complete_section(&current, item);
    completed.taken_on = add_days(today, 1);
    Some((item.section, completed))
}

/// The snapshot in force on `date`: the latest taken on or before it, else the earliest.
pub(crate) fn snapshot_on(profiles: &[ProfileSnapshot], date: NaiveDate) -> Option<&ProfileSnapshot> {
    profiles
        .iter()
        .filter(|p| p.taken_on <= date)
        .max_by_key(|p| p.taken_on)
        .or_else(|| profiles.iter().min_by_key(|p| p.taken_on))
}

/// How complete one checklist item is, 0–1 (the engine's own measure, through
/// a checklist of that item alone).
pub(crate) fn section_fill(item: &ChecklistItem, profile: &ProfileSnapshot) -> f64 {
    let alone = ChecklistItem { weight: 1.0, ..item.clone() };
    profile_completeness(std::slice::from_ref(&alone), profile)
}

/// `profile` with `item`'s section filled up to `complete_at`.
fn complete_section(profile: &ProfileSnapshot, item: &ChecklistItem) -> ProfileSnapshot {
    let mut p = profile.clone();
    let needed = item.complete_at.max(1.0).ceil() as u32;
    let placeholder = |what: &str| Some(format!("(planned {what})"));
    match item.section {
        ProfileSection::Photo => p.has_photo = true,
        ProfileSection::Banner => p.has_banner = true,
        ProfileSection::Headline => p.headline = placeholder("headline"),
        ProfileSection::Summary => p.summary_chars = p.summary_chars.max(needed),
        ProfileSection::Industry => p.industry = placeholder("industry"),
        ProfileSection::Location => p.location = placeholder("location"),
        ProfileSection::CurrentPosition => p.positions.push(Position {
            title: "(planned position)".into(),
            company: String::new(),
            has_description: true,
            started_on: None,
            finished_on: None,
        }),
        ProfileSection::PositionDescriptions => {
            if p.positions.is_empty() {
                p.positions.push(Position { title: "(planned position)".into(), ..Position::default() });
            }
            for position in &mut p.positions {
                position.has_description = true;
            }
        }
        ProfileSection::PastPositions => {
            let past = p.positions.iter().filter(|x| !x.is_current()).count() as u32;
            for _ in past..needed {
                p.positions.push(Position {
                    title: "(planned past position)".into(),
                    company: String::new(),
                    has_description: false,
                    started_on: None,
                    finished_on: Some(p.taken_on),
                });
            }
        }
        ProfileSection::Education => p.education = p.education.max(needed),
        ProfileSection::Skills => {
            let have = p.skills.len() as u32;
            p.skills.extend((have..needed).map(|i| format!("(planned skill {})", i + 1)));
        }
        ProfileSection::Certifications => p.certifications = p.certifications.max(needed),
        ProfileSection::Languages => p.languages = p.languages.max(needed),
        ProfileSection::Websites => p.websites = p.websites.max(needed),
        ProfileSection::Accomplishments => {
            let have = p.projects + p.publications + p.honors;
            p.projects += needed.saturating_sub(have);
        }
    }
    p
}

/// The plain-language summary tied to the weakest pillar.
fn summarise(actions: &[ActionGain], current: &PillarScores, weakest: Pillar, horizon: u32) -> String {
    let mut summary =
        format!("Your weakest pillar is {} ({:.1}/{PILLAR_MAX:.0}).", weakest.label(), current[weakest]);
    let Some(best) = actions.first().filter(|a| a.total_gain >= SHOWN_GAIN) else {
        summary.push_str(&format!(
            " None of the single steps below would add a visible point in {horizon} days: \
             your score is close to what this rhythm can earn."
        ));
        return summary;
    };
    summary.push_str(&format!(" The best return on your time: {}.", best.message));
    let for_weakest = actions
        .iter()
        .filter(|a| a.gain[weakest] >= SHOWN_GAIN && a.minutes_total > 0.0)
        .max_by(|a, b| (a.gain[weakest] / a.minutes_total).total_cmp(&(b.gain[weakest] / b.minutes_total)));
    match for_weakest {
        Some(a) if a.action != best.action => summary.push_str(&format!(
            " For {} itself: {} ({} on that pillar in {horizon} days).",
            weakest.label(),
            a.description,
            format_gain(a.gain[weakest])
        )),
        Some(_) => {}
        None => summary.push_str(&format!(
            " No single step below lifts {} visibly within {horizon} days.",
            weakest.label()
        )),
    }
    summary
}

fn format_gain(points: f64) -> String {
    if points < VISIBLE_GAIN { "no visible gain".into() } else { format!("+{points:.1} points") }
}

fn format_minutes(minutes: f64) -> String {
    if minutes < 1.0 {
        format!("{:.0} seconds", minutes * 60.0)
    } else if (minutes - minutes.round()).abs() < 1e-9 {
        let m = minutes.round();
        if m == 1.0 { "1 minute".into() } else { format!("{m:.0} minutes") }
    } else {
        format!("{minutes:.1} minutes")
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
