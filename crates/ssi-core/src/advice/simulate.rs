//! The simulation behind advice and plans: synthetic future events with deterministic spacing, scored by the engine.

use super::rhythm::WeeklyRhythm;
use crate::engine::{metric_series, pillar_points};
use crate::event::{ActivityEvent, ActivityKind, PseudonymKey};
use crate::model::ScoringModel;
use crate::pillar::PillarScores;
use crate::profile::ProfileSnapshot;
use crate::seniority::Seniority;
use chrono::{Days, NaiveDate};
use std::collections::BTreeSet;

/// The order in which the days of a simulated week fill up: unit `j` of a week
/// lands on day `WEEK_SLOT_ORDER[j % 7]` (0 = the first day after today). Each
/// prefix is spread over the week, and a plan with one more unit a week keeps
/// every unit of the smaller plan where it was, so more never moves anything.
pub(crate) const WEEK_SLOT_ORDER: [u64; 7] = [2, 5, 0, 3, 6, 1, 4];

/// Hour (UTC) at which synthetic incoming messages arrive.
const INCOMING_HOUR: u32 = 8;
/// Hour (UTC) of every other synthetic event.
const ACTIVITY_HOUR: u32 = 12;
/// Hour (UTC) at which synthetic replies are sent: the same day as the message.
const REPLY_HOUR: u32 = 20;

/// Whether the member did something (as opposed to having something done to
/// them): the engine's definition of an active day.
pub(crate) fn is_by_member(kind: ActivityKind) -> bool {
    kind.is_by_member()
}

/// The events on or before `today`, in time order (stable for equal instants).
pub(crate) fn history_until(events: &[ActivityEvent], today: NaiveDate) -> Vec<&ActivityEvent> {
    let mut history: Vec<&ActivityEvent> = events.iter().filter(|e| e.day() <= today).collect();
    history.sort_by_key(|e| e.at);
    history
}

/// `date` plus `days`, saturating at the last representable day.
pub(crate) fn add_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX)
}

/// Dates for a fractional weekly rate, evenly spaced over days 1..=horizon after
/// `today`: unit `m` falls on day `⌊(m + ½) · 7 / rate⌋ + 1`.
pub(crate) fn even_schedule(today: NaiveDate, per_week: f64, horizon: u32) -> Vec<NaiveDate> {
    let mut dates = Vec::new();
    if !(per_week.is_finite() && per_week > 0.0) {
        return dates;
    }
    let spacing = 7.0 / per_week;
    for m in 0u64.. {
        let offset = ((m as f64 + 0.5) * spacing).floor() as u64 + 1;
        if offset > u64::from(horizon) {
            break;
        }
        dates.push(add_days(today, offset));
    }
    dates
}

/// Dates (with the unit's place in its week) for a whole weekly count, placed
/// in the nested [`WEEK_SLOT_ORDER`] over days 1..=horizon after `today`.
pub(crate) fn weekly_slots(today: NaiveDate, per_week: u32, horizon: u32) -> Vec<(NaiveDate, u64, u32)> {
    let mut slots = Vec::new();
    let weeks = u64::from(horizon).div_ceil(7);
    for week in 0..weeks {
        for unit in 0..per_week {
            let offset = 1 + 7 * week + WEEK_SLOT_ORDER[unit as usize % 7];
            if offset <= u64::from(horizon) {
                slots.push((add_days(today, offset), week, unit));
            }
        }
    }
    slots
}

/// The days the member is active in a set of synthetic events.
pub(crate) fn active_days_of(events: &[ActivityEvent]) -> BTreeSet<NaiveDate> {
    events.iter().filter(|e| is_by_member(e.kind)).map(ActivityEvent::day).collect()
}

/// Up to `per_week` days of each week after `today` (days 1..=horizon) that are
/// not in `busy`, taken in the nested [`WEEK_SLOT_ORDER`]: more a week keeps
/// every day of fewer.
pub(crate) fn free_days(
    today: NaiveDate,
    per_week: u32,
    horizon: u32,
    busy: &BTreeSet<NaiveDate>,
) -> Vec<(NaiveDate, u64)> {
    let mut days = Vec::new();
    for week in 0..u64::from(horizon).div_ceil(7) {
        let free = WEEK_SLOT_ORDER
            .iter()
            .map(|d| 1 + 7 * week + d)
            .filter(|offset| *offset <= u64::from(horizon))
            .map(|offset| add_days(today, offset))
            .filter(|date| !busy.contains(date))
            .take(per_week as usize);
        days.extend(free.map(|date| (date, week)));
    }
    days
}

/// A title and company that the model's target profile counts as on target:
/// a decision maker by default.
pub(crate) fn target_counterpart(model: &ScoringModel) -> (Option<String>, Option<String>) {
    let title_for = |s: Seniority| match s {
        Seniority::CLevel => Some("Chief Executive Officer"),
        Seniority::Founder => Some("Founder"),
        Seniority::Owner => Some("Owner"),
        Seniority::Partner => Some("Managing Partner"),
        Seniority::President => Some("President"),
        Seniority::VicePresident => Some("Vice President of Sales"),
        Seniority::Head => Some("Head of Sales"),
        Seniority::Director => Some("Director of Sales"),
        _ => None,
    };
    let target = &model.target;
    let mut candidates: Vec<(Option<String>, Option<String>)> = Vec::new();
    candidates
        .extend(target.seniorities.iter().filter_map(|s| title_for(*s)).map(|t| (Some(t.to_string()), None)));
    candidates.extend(target.titles.iter().map(|t| (Some(t.clone()), None)));
    candidates.extend(target.companies.iter().map(|c| (Some("Director".to_string()), Some(c.clone()))));
    candidates.extend(target.industries.iter().map(|i| (Some("Director".to_string()), Some(i.clone()))));
    candidates
        .into_iter()
        .find(|(t, c)| target.matches(t.as_deref(), c.as_deref()))
        .unwrap_or_else(|| (Some("Chief Executive Officer".to_string()), None))
}

/// Synthetic events of one scenario, each with a unique natural key.
pub(crate) struct Synthetic {
    scenario: String,
    events: Vec<ActivityEvent>,
}

impl Synthetic {
    /// An empty scenario; `scenario` goes into every natural key.
    pub(crate) fn new(scenario: impl Into<String>) -> Self {
        Synthetic { scenario: scenario.into(), events: Vec::new() }
    }

    /// Adds one event; `stream` and `unit` identify it within the scenario.
    fn push(
        &mut self,
        kind: ActivityKind,
        date: NaiveDate,
        hour: u32,
        stream: &str,
        unit: &str,
    ) -> &mut ActivityEvent {
        // Seconds past the hour keep a stream's units apart without leaving the hour.
        let second = unit.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 3600;
        let at = date
            .and_hms_opt(hour, second / 60, second % 60)
            .unwrap_or_else(|| date.and_hms_opt(hour, 0, 0).unwrap_or_default())
            .and_utc();
        let mut event = ActivityEvent::new(kind, at);
        event.natural_key = format!("ssi-advice:{}:{stream}:{date}:{unit}", self.scenario);
        self.events.push(event);
        self.events.last_mut().expect("just pushed")
    }

    /// A bare event of `kind`.
    pub(crate) fn plain(&mut self, kind: ActivityKind, date: NaiveDate, stream: &str, unit: &str) {
        self.push(kind, date, ACTIVITY_HOUR, stream, unit);
    }

    /// A personalised connection made with someone of `counterpart` (title, company).
    pub(crate) fn connection(
        &mut self,
        date: NaiveDate,
        counterpart: &(Option<String>, Option<String>),
        stream: &str,
        unit: &str,
    ) {
        let key = format!("{}:{stream}:{unit}", self.scenario);
        let event = self.push(ActivityKind::ConnectionMade, date, ACTIVITY_HOUR, stream, unit);
        event.counterpart = Some(PseudonymKey(format!("ssi-advice-person:{key}")));
        event.counterpart_title.clone_from(&counterpart.0);
        event.counterpart_company.clone_from(&counterpart.1);
        event.personalised = true;
    }

    /// An incoming message opening a new conversation, answered the same day
    /// when `answered`.
    pub(crate) fn incoming(&mut self, date: NaiveDate, answered: bool, stream: &str, unit: &str) {
        let conversation = PseudonymKey(format!("ssi-advice-conversation:{}:{stream}:{unit}", self.scenario));
        let event = self.push(ActivityKind::MessageReceived, date, INCOMING_HOUR, stream, unit);
        event.conversation = Some(conversation.clone());
        if answered {
            let reply_stream = format!("{stream}-reply");
            let reply = self.push(ActivityKind::MessageSent, date, REPLY_HOUR, &reply_stream, unit);
            reply.conversation = Some(conversation);
        }
    }

    /// A message sent by the member that opens a new conversation of its own.
    pub(crate) fn outbound(&mut self, date: NaiveDate, stream: &str, unit: &str) {
        let conversation = PseudonymKey(format!("ssi-advice-conversation:{}:{stream}:{unit}", self.scenario));
        let event = self.push(ActivityKind::MessageSent, date, ACTIVITY_HOUR, stream, unit);
        event.conversation = Some(conversation);
    }

    /// The events, in time order.
    pub(crate) fn into_sorted(mut self) -> Vec<ActivityEvent> {
        self.events.sort_by_key(|e| e.at);
        self.events
    }
}

/// `count` units spread evenly over `dates` (several to a date when there are
/// more units than dates).
fn spread(count: usize, dates: &[NaiveDate]) -> Vec<NaiveDate> {
    if dates.is_empty() {
        return Vec::new();
    }
    (0..count)
        .map(|m| {
            dates[(((m as f64 + 0.5) * dates.len() as f64 / count as f64) as usize).min(dates.len() - 1)]
        })
        .collect()
}

/// The member's recent rhythm continued for `horizon` days after `today`.
///
/// The member's active days per week are kept: the days active are evenly
/// spaced at the recent rate, and everything the member does falls on them
/// (each kind's units evenly spread over them); what others do (endorsements
/// and invitations received) is evenly spaced over all days. With
/// `answer_all`, every incoming message is answered the day it arrives; the
/// messages keep their days, so the result holds every event of the rhythm
/// without it, and more.
pub(crate) fn baseline_events(
    model: &ScoringModel,
    rhythm: &WeeklyRhythm,
    today: NaiveDate,
    horizon: u32,
    answer_all: bool,
) -> Vec<ActivityEvent> {
    let active_dates = even_schedule(today, rhythm.active_days_per_week.min(7.0), horizon);
    let dates_for = |per_week: f64, by_member: bool| -> Vec<NaiveDate> {
        let evenly = even_schedule(today, per_week, horizon);
        if by_member && !active_dates.is_empty() { spread(evenly.len(), &active_dates) } else { evenly }
    };
    let mut synthetic = Synthetic::new("baseline");
    for (kind, per_week) in &rhythm.per_week {
        if matches!(
            kind,
            ActivityKind::MessageSent | ActivityKind::MessageReceived | ActivityKind::ConnectionMade
        ) {
            continue; // simulated from their structured rates below
        }
        let stream = kind.as_str();
        for (m, date) in dates_for(*per_week, is_by_member(*kind)).into_iter().enumerate() {
            synthetic.plain(*kind, date, stream, &m.to_string());
        }
    }
    let on_target = target_counterpart(model);
    for (m, date) in dates_for(rhythm.target_connections_per_week, true).into_iter().enumerate() {
        synthetic.connection(date, &on_target, "target-connection", &m.to_string());
    }
    for (m, date) in dates_for(rhythm.other_connections_per_week, true).into_iter().enumerate() {
        synthetic.connection(date, &(None, None), "other-connection", &m.to_string());
    }
    // Unit m is answered when the running count of answered units steps up:
    // the share is kept exactly, spread evenly. Messages arrive on active days,
    // so that answering them does not add days the member was not active.
    let share = rhythm.replied_share.clamp(0.0, 1.0);
    for (m, date) in dates_for(rhythm.incoming_turns_per_week, share > 0.0).into_iter().enumerate() {
        let answered = answer_all || ((m + 1) as f64 * share).floor() > (m as f64 * share).floor();
        synthetic.incoming(date, answered, "incoming", &m.to_string());
    }
    for (m, date) in dates_for(rhythm.outbound_messages_per_week, true).into_iter().enumerate() {
        synthetic.outbound(date, "outbound", &m.to_string());
    }
    synthetic.into_sorted()
}

/// Pillars and total of every day from `from` to `to`, for the history
/// (cut at today, time-ordered) followed by the synthetic event sets.
pub(crate) fn score_days(
    model: &ScoringModel,
    profiles: &[ProfileSnapshot],
    history: &[&ActivityEvent],
    synthetic: &[&[ActivityEvent]],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, PillarScores, f64)> {
    let mut future: Vec<&ActivityEvent> = synthetic.iter().flat_map(|set| set.iter()).collect();
    future.sort_by_key(|e| e.at);
    metric_series(model, profiles, history.iter().copied().chain(future), from, to)
        .into_iter()
        .map(|day| {
            let (pillars, total) = pillar_points(model, &day.values);
            (day.date, pillars, total)
        })
        .collect()
}

/// Pillars and total of one day (see [`score_days`]).
pub(crate) fn score_on(
    model: &ScoringModel,
    profiles: &[ProfileSnapshot],
    history: &[&ActivityEvent],
    synthetic: &[&[ActivityEvent]],
    date: NaiveDate,
) -> (PillarScores, f64) {
    score_days(model, profiles, history, synthetic, date, date)
        .pop()
        .map_or((PillarScores::default(), 0.0), |(_, pillars, total)| (pillars, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn even_schedule_keeps_the_rate() {
        let today = day(2026, 1, 1);
        assert_eq!(even_schedule(today, 0.0, 30).len(), 0);
        assert_eq!(even_schedule(today, 7.0, 28).len(), 28);
        assert_eq!(even_schedule(today, 2.0, 28).len(), 8);
        let half = even_schedule(today, 0.5, 28);
        assert_eq!(half, vec![day(2026, 1, 9), day(2026, 1, 23)]);
        assert!(even_schedule(today, 3.5, 30).iter().all(|d| *d > today && *d <= day(2026, 1, 31)));
    }

    #[test]
    fn weekly_slots_are_nested_and_stay_in_the_horizon() {
        let today = day(2026, 1, 1);
        for n in 0..20u32 {
            let small: HashSet<(NaiveDate, u64, u32)> = weekly_slots(today, n, 45).into_iter().collect();
            let large: HashSet<(NaiveDate, u64, u32)> = weekly_slots(today, n + 1, 45).into_iter().collect();
            assert!(small.is_subset(&large));
            assert!(large.iter().all(|(d, _, _)| *d > today && *d <= day(2026, 2, 15)));
        }
        let week: HashSet<NaiveDate> = weekly_slots(today, 7, 7).into_iter().map(|s| s.0).collect();
        assert_eq!(week.len(), 7, "seven a week fills every day once");
    }

    #[test]
    fn the_target_counterpart_is_on_target_for_the_default_and_for_keyword_targets() {
        let mut model = ScoringModel::default_model();
        let (title, company) = target_counterpart(&model);
        assert!(model.target.matches(title.as_deref(), company.as_deref()));
        for seniority in Seniority::DECISION_MAKERS {
            model.target.seniorities = vec![seniority];
            let (title, company) = target_counterpart(&model);
            assert!(model.target.matches(title.as_deref(), company.as_deref()), "{seniority:?}: {title:?}");
        }
        model.target.seniorities.clear();
        model.target.companies = vec!["Globex".into()];
        let (title, company) = target_counterpart(&model);
        assert!(model.target.matches(title.as_deref(), company.as_deref()));
    }

    #[test]
    fn synthetic_events_have_unique_natural_keys_and_come_in_time_order() {
        let today = day(2026, 1, 1);
        let mut rhythm = super::super::rhythm::rhythm_of(&ScoringModel::default_model(), &[], today);
        rhythm.per_week.insert(ActivityKind::Comment, 30.0);
        rhythm.per_week.insert(ActivityKind::Reaction, 100.0);
        rhythm.target_connections_per_week = 3.0;
        rhythm.other_connections_per_week = 3.0;
        rhythm.incoming_turns_per_week = 10.0;
        rhythm.replied_share = 0.5;
        rhythm.outbound_messages_per_week = 5.0;
        rhythm.active_days_per_week = 3.0;
        let events = baseline_events(&ScoringModel::default_model(), &rhythm, today, 60, false);
        let keys: HashSet<&str> = events.iter().map(|e| e.natural_key.as_str()).collect();
        assert_eq!(keys.len(), events.len());
        assert!(events.windows(2).all(|w| w[0].at <= w[1].at));
        let received = events.iter().filter(|e| e.kind == ActivityKind::MessageReceived).count();
        let replies = events
            .iter()
            .filter(|e| e.kind == ActivityKind::MessageSent && e.natural_key.contains("reply"))
            .count();
        assert_eq!(replies * 2, received, "half of the incoming messages are answered");
        let active: HashSet<NaiveDate> =
            events.iter().filter(|e| is_by_member(e.kind)).map(ActivityEvent::day).collect();
        let expected: HashSet<NaiveDate> = even_schedule(today, 3.0, 60).into_iter().collect();
        assert_eq!(active, expected, "the member stays active three days a week");
    }
}
