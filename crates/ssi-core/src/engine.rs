//! The scoring sweep: one pass over time-ordered events computes a whole daily series.
//!
//! The sweep runs in O(events + days × components). Events are first binned
//! into per-day inputs for each component (a weighted count entering on a day,
//! or a span of days during which something counts, such as a message awaiting
//! a reply); then one walk over the days keeps running, decayed window sums.
//! No day rescans history, so a single day costs the same as a series of one.
//!
//! The metric values per component and day are the breakdown that is stored;
//! points, pillars, totals and explanations derive from them through the model
//! ([`score_day`], [`pillar_points`]).

use crate::event::{ActivityEvent, ActivityKind, digest_from_hex};
use crate::model::{ChecklistItem, Component, Metric, NO_DATA, ProfileSection, ScoringModel, is_no_data};
use crate::pillar::{Pillar, PillarScores};
use crate::profile::ProfileSnapshot;
use crate::score::{ComponentScore, DailyScore};
use chrono::{DateTime, Days, NaiveDate, Utc};
use std::borrow::Borrow;
use std::collections::HashMap;

/// The metric value of every component of a model on one day, in model order.
#[derive(Debug, Clone, PartialEq)]
pub struct DayValues {
    /// The day.
    pub date: NaiveDate,
    /// One value per component of the model, in model order.
    pub values: Vec<f64>,
}

/// Computes the daily score of every day from `from` to `to` (inclusive), with explanations.
///
/// `profiles` are the member's profile snapshots in any order: each day uses
/// the latest snapshot taken on or before it, or the earliest one for days
/// before any snapshot (an export describes the profile as it is now, the best
/// knowledge there is of earlier days). `events` must come in time order; an
/// event out of order is still counted, but rate metrics may then misjudge
/// which message answered which.
///
/// Returns an empty series when `from > to`.
pub fn score_series<E>(
    model: &ScoringModel,
    profiles: &[ProfileSnapshot],
    events: impl IntoIterator<Item = E>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<DailyScore>
where
    E: Borrow<ActivityEvent>,
{
    let days = metric_series(model, profiles, events, from, to);
    let profiles = sorted_profiles(profiles);
    days.iter().map(|d| score_day(model, profile_on(&profiles, d.date), d)).collect()
}

/// Computes the metric values of every component for every day from `from` to
/// `to`, without building explanations: the cheap path for materialising history.
pub fn metric_series<E>(
    model: &ScoringModel,
    profiles: &[ProfileSnapshot],
    events: impl IntoIterator<Item = E>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<DayValues>
where
    E: Borrow<ActivityEvent>,
{
    if from > to {
        return Vec::new();
    }
    let mut sweep = MetricSweep::new(model, from, to);
    for event in events {
        sweep.add(event.borrow());
    }
    sweep.finish(profiles)
}

/// What the sweep reads of an event, borrowed: lets a caller that holds
/// events in another form (rows of a database) feed them without building
/// an [`ActivityEvent`] each.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventView<'a> {
    /// When it happened (UTC).
    pub at: DateTime<Utc>,
    /// What happened.
    pub kind: ActivityKind,
    /// The other person's pseudonym key, where there is one.
    pub counterpart: Option<&'a str>,
    /// The conversation's pseudonym key, for messages.
    pub conversation: Option<&'a str>,
    /// The counterpart's job title.
    pub counterpart_title: Option<&'a str>,
    /// The counterpart's company.
    pub counterpart_company: Option<&'a str>,
}

impl<'a> From<&'a ActivityEvent> for EventView<'a> {
    fn from(e: &'a ActivityEvent) -> Self {
        EventView {
            at: e.at,
            kind: e.kind,
            counterpart: e.counterpart.as_ref().map(|k| k.as_str()),
            conversation: e.conversation.as_ref().map(|k| k.as_str()),
            counterpart_title: e.counterpart_title.as_deref(),
            counterpart_company: e.counterpart_company.as_deref(),
        }
    }
}

/// [`metric_series`] fed one event at a time: create it, [`add`](MetricSweep::add)
/// (or [`add_view`](MetricSweep::add_view)) the events in time order, then
/// [`finish`](MetricSweep::finish). Gives exactly what [`metric_series`] gives
/// for the same events.
pub struct MetricSweep<'m> {
    /// `None` when `from > to`: the series is empty.
    sweep: Option<Sweep<'m>>,
}

impl<'m> MetricSweep<'m> {
    /// A sweep scoring the days from `from` to `to` (inclusive) under `model`.
    pub fn new(model: &'m ScoringModel, from: NaiveDate, to: NaiveDate) -> Self {
        MetricSweep { sweep: (from <= to).then(|| Sweep::new(model, from, to)) }
    }

    /// Feeds one event.
    pub fn add(&mut self, event: &ActivityEvent) {
        self.add_view(EventView::from(event));
    }

    /// Feeds one event, borrowed.
    pub fn add_view(&mut self, event: EventView<'_>) {
        if let Some(sweep) = &mut self.sweep {
            sweep.add(event);
        }
    }

    /// The metric values of every day, `from` first.
    pub fn finish(self, profiles: &[ProfileSnapshot]) -> Vec<DayValues> {
        self.sweep.map_or_else(Vec::new, |sweep| sweep.finish(profiles))
    }
}

/// Points per pillar and the total for one day's metric values.
///
/// A component with no data ([`NO_DATA`]) earns nothing, and its weight is
/// shared out over the pillar's components with data in proportion to
/// theirs ([`pillar_scales`]): a member who never imported a source is
/// neither penalised nor rewarded for it.
pub fn pillar_points(model: &ScoringModel, values: &[f64]) -> (PillarScores, f64) {
    let scales = pillar_scales(model, values);
    let mut pillars = PillarScores::default();
    for (component, value) in model.components.iter().zip(values) {
        if !is_no_data(*value) {
            pillars[component.pillar] += component.weight * component.curve.share(*value);
        }
    }
    for pillar in Pillar::ALL {
        pillars[pillar] = (pillars[pillar] * scales[pillar.index()]).clamp(0.0, crate::pillar::PILLAR_MAX);
    }
    (pillars, pillars.total())
}

/// Per pillar (in [`Pillar::ALL`] order), the factor every component's
/// weight is multiplied by on a day: the pillar's weight over the weight of
/// its components with data (1 when every component has data, 0 when none has).
pub fn pillar_scales(model: &ScoringModel, values: &[f64]) -> [f64; 4] {
    let mut all = [0.0; 4];
    let mut with_data = [0.0; 4];
    for (component, value) in model.components.iter().zip(values) {
        let index = component.pillar.index();
        all[index] += component.weight;
        if !is_no_data(*value) {
            with_data[index] += component.weight;
        }
    }
    std::array::from_fn(|i| {
        if with_data[i] <= 0.0 {
            0.0
        } else if with_data[i] == all[i] {
            1.0
        } else {
            all[i] / with_data[i]
        }
    })
}

/// Each component's share (0–1) of its weight on a day, a component with no
/// data given its pillar's mean share over the components with data
/// (weighted by `weights`, one per component in model order). Summing
/// `weight × share` then gives exactly the renormalised points of
/// [`pillar_points`], which is what lets calibration fit weights over days
/// with and without data alike.
pub fn component_shares(model: &ScoringModel, weights: &[f64], values: &[f64]) -> Vec<f64> {
    let mut earned = [0.0; 4];
    let mut with_data = [0.0; 4];
    for ((c, w), v) in model.components.iter().zip(weights).zip(values) {
        if !is_no_data(*v) {
            earned[c.pillar.index()] += w * c.curve.share(*v);
            with_data[c.pillar.index()] += w;
        }
    }
    model
        .components
        .iter()
        .zip(values)
        .map(|(c, v)| {
            let pillar = c.pillar.index();
            match (is_no_data(*v), with_data[pillar] > 0.0) {
                (false, _) => c.curve.share(*v),
                (true, true) => earned[pillar] / with_data[pillar],
                (true, false) => 0.0,
            }
        })
        .collect()
}

/// Builds the full score, with explanation, of one day from its metric values.
///
/// `profile` is the snapshot in force on the day; it names the missing profile
/// sections in the completeness component's action.
pub fn score_day(model: &ScoringModel, profile: Option<&ProfileSnapshot>, day: &DayValues) -> DailyScore {
    let (pillars, total) = pillar_points(model, &day.values);
    let scales = pillar_scales(model, &day.values);
    let components = model
        .components
        .iter()
        .zip(&day.values)
        .map(|(c, &value)| explain_component(model, c, value, scales[c.pillar.index()], profile))
        .collect();
    DailyScore { date: day.date, model_version: model.version.clone(), pillars, total, components }
}

/// Share (0–1) of the profile checklist that `profile` completes.
pub fn profile_completeness(checklist: &[ChecklistItem], profile: &ProfileSnapshot) -> f64 {
    let total: f64 = checklist.iter().map(|i| i.weight).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let earned: f64 = checklist.iter().map(|i| i.weight * section_fill(i, profile)).sum();
    (earned / total).clamp(0.0, 1.0)
}

/// How complete one checklist section is, 0–1.
fn section_fill(item: &ChecklistItem, p: &ProfileSnapshot) -> f64 {
    let present = |s: &Option<String>| s.as_deref().is_some_and(|t| !t.trim().is_empty());
    let amount = match item.section {
        ProfileSection::Photo => f64::from(u8::from(p.has_photo)),
        ProfileSection::Banner => f64::from(u8::from(p.has_banner)),
        ProfileSection::Headline => f64::from(u8::from(present(&p.headline))),
        ProfileSection::Summary => f64::from(p.summary_chars),
        ProfileSection::Industry => f64::from(u8::from(present(&p.industry))),
        ProfileSection::Location => f64::from(u8::from(present(&p.location))),
        ProfileSection::CurrentPosition => f64::from(u8::from(p.current_positions().next().is_some())),
        ProfileSection::PositionDescriptions => {
            if p.positions.is_empty() {
                0.0
            } else {
                let described = p.positions.iter().filter(|x| x.has_description).count();
                described as f64 / p.positions.len() as f64
            }
        }
        ProfileSection::PastPositions => p.positions.iter().filter(|x| !x.is_current()).count() as f64,
        ProfileSection::Education => f64::from(p.education),
        ProfileSection::Skills => p.skills.len() as f64,
        ProfileSection::Certifications => f64::from(p.certifications),
        ProfileSection::Languages => f64::from(p.languages),
        ProfileSection::Websites => f64::from(p.websites),
        ProfileSection::Accomplishments => f64::from(p.projects + p.publications + p.honors),
    };
    (amount / item.complete_at).clamp(0.0, 1.0)
}

fn sorted_profiles(profiles: &[ProfileSnapshot]) -> Vec<&ProfileSnapshot> {
    let mut sorted: Vec<&ProfileSnapshot> = profiles.iter().collect();
    sorted.sort_by_key(|p| p.taken_on);
    sorted
}

/// The snapshot in force on `date`: the latest taken on or before it, else the earliest.
fn profile_on<'a>(sorted: &[&'a ProfileSnapshot], date: NaiveDate) -> Option<&'a ProfileSnapshot> {
    let after = sorted.partition_point(|p| p.taken_on <= date);
    if after == 0 { sorted.first().copied() } else { Some(sorted[after - 1]) }
}

/// Writes the explanation of one component's value; `scale` is the
/// pillar's factor of the day ([`pillar_scales`]).
fn explain_component(
    model: &ScoringModel,
    c: &Component,
    value: f64,
    scale: f64,
    profile: Option<&ProfileSnapshot>,
) -> ComponentScore {
    if is_no_data(value) {
        return ComponentScore {
            id: c.id.clone(),
            pillar: c.pillar,
            label: c.label.clone(),
            metric: c.metric.name().to_string(),
            value: NO_DATA,
            unit: c.unit.clone(),
            points: 0.0,
            possible: 0.0,
            action: format!(
                "No data: import your LinkedIn creator analytics workbook (.xlsx) to measure this; \
                 until then its {:.1} points are shared out over the other {} components, \
                 so you are neither penalised nor rewarded",
                c.weight,
                c.pillar.short_name()
            ),
            known: false,
            no_data: true,
        };
    }
    let weight = c.weight * scale;
    let share = c.curve.share(value);
    let points = weight * share;
    let gap = weight - points;
    let known = !(c.metric.reads_messages() && profile.is_some_and(|p| p.messages_unknown));
    let action = if !known {
        "Unknown: the export does not tell which messages are yours, so messages count for nothing here; \
         import it again with --member and your name as your messages sign it"
            .to_string()
    } else if gap < 0.05 {
        format!("Full marks: keep it up ({})", lowercase_first(&c.action))
    } else if let Metric::ProfileCompleteness = c.metric {
        let mut missing: Vec<(&ChecklistItem, f64)> = match profile {
            Some(p) => model
                .profile_checklist
                .iter()
                .map(|i| (i, i.weight * (1.0 - section_fill(i, p))))
                .filter(|(_, lost)| *lost > 1e-9)
                .collect(),
            None => model.profile_checklist.iter().map(|i| (i, i.weight)).collect(),
        };
        missing.sort_by(|a, b| b.1.total_cmp(&a.1));
        let steps: Vec<&str> = missing.iter().take(3).map(|(i, _)| i.action.as_str()).collect();
        format!("{}: {} (+{:.1} points)", c.action, steps.join("; "), gap)
    } else {
        // Aim for full marks on a linear curve, and for the better of 90% or
        // half the remaining distance on a saturating one.
        let target = match c.curve {
            crate::model::Curve::Linear { .. } => 1.0,
            crate::model::Curve::Saturating { .. } => (share + (1.0 - share) / 2.0).max(0.9),
        };
        let gain = weight * (target - share);
        match c.curve.value_for_share(target) {
            // A step worth less than a tenth of a point is not worth a person's time.
            _ if gain < 0.1 => format!("Nearly full marks: keep it up ({})", lowercase_first(&c.action)),
            Some(needed) if c.metric.is_rate() => format!(
                "{}: raise it from {:.0}% to {:.0}% (+{gain:.1} points)",
                c.action,
                value * 100.0,
                needed * 100.0
            ),
            Some(needed) => {
                let more = (needed - value).max(0.0).ceil();
                let within = if c.metric.is_windowed() {
                    format!(" within {} days", c.window_days)
                } else {
                    String::new()
                };
                format!("{}: about {more:.0} more {}{within} (+{gain:.1} points)", c.action, c.unit)
            }
            None => format!("{} (+{gap:.1} points)", c.action),
        }
    };
    ComponentScore {
        id: c.id.clone(),
        pillar: c.pillar,
        label: c.label.clone(),
        metric: c.metric.name().to_string(),
        value,
        unit: c.unit.clone(),
        points,
        possible: weight,
        action,
        known,
        no_data: false,
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Per-day inputs of one component, gathered before the walk over the days.
enum Input {
    /// Nothing to gather: the value comes from the profile.
    Profile,
    /// Weighted amounts entering the window on a day (decayed counts), and
    /// for a count that can lack data, the days its source covers.
    Decayed { add: Vec<f64>, reported: Option<Vec<bool>> },
    /// Days with activity.
    ActiveDays { active: Vec<bool> },
    /// Two spans (numerator and denominator) of days during which something counts.
    Rate { num: Spans, den: Spans },
    /// A cumulative count: a base from before the first day, plus per-day additions.
    Cumulative { base: f64, add: Vec<f64> },
    /// Spans of days during which a conversation counts as two-way.
    Conversations { spans: Spans },
}

/// Counts of open spans per day, kept as entry/exit deltas over day indices.
struct Spans {
    /// Spans already open at index 0.
    open_at_start: f64,
    /// Change in the open count at each index.
    delta: Vec<f64>,
}

impl Spans {
    fn new(days: usize) -> Self {
        Spans { open_at_start: 0.0, delta: vec![0.0; days + 1] }
    }

    /// Adds `amount` to the count over the half-open day range `[enter, exit)`.
    fn add(&mut self, enter: i64, exit: i64, amount: f64) {
        let days = self.delta.len() as i64 - 1;
        if exit <= 0 || enter >= exit || enter >= days {
            return;
        }
        if enter <= 0 {
            self.open_at_start += amount;
        } else {
            self.delta[enter as usize] += amount;
        }
        if exit < days {
            self.delta[exit as usize] -= amount;
        }
    }

    /// The count open on each day.
    fn running(&self, days: usize) -> Vec<f64> {
        let mut open = self.open_at_start;
        (0..days)
            .map(|i| {
                if i > 0 {
                    open += self.delta[i];
                }
                open.max(0.0)
            })
            .collect()
    }
}

/// State of one conversation for the two-way metric.
#[derive(Default, Clone, Copy)]
struct TwoWay {
    // Day indices as i32 (every representable date fits): this state is kept
    // for every conversation of the member, so its size is the sweep's memory.
    last_sent: Option<i32>,
    last_received: Option<i32>,
    /// End (exclusive) of the span currently recorded, if any.
    recorded_exit: Option<i32>,
}

/// The sweep's working state.
struct Sweep<'m> {
    model: &'m ScoringModel,
    /// Day index 0: far enough before `from` that every window is warm by `from`.
    origin: NaiveDate,
    from: NaiveDate,
    days: usize,
    inputs: Vec<Input>,
    /// Per conversation (or counterpart, for messages without one): what the
    /// reply and two-way metrics track. Keys that are 32 lowercase hex digits
    /// (every pseudonym key) are held as a 128-bit number, with no allocation
    /// of their own; any other key as text.
    hex_threads: HashMap<u128, Thread>,
    text_threads: HashMap<Box<str>, Thread>,
    /// The longest window of the components that read conversation state
    /// (response rate, two-way conversations), at least 1.
    thread_window: i64,
    /// The day index at which conversations gone quiet are next forgotten
    /// (see [`Sweep::forget_quiet_threads`]).
    next_forget: i64,
}

/// The state of the conversation `key`, created empty on first sight.
fn thread_mut<'t>(
    hex_threads: &'t mut HashMap<u128, Thread>,
    text_threads: &'t mut HashMap<Box<str>, Thread>,
    key: &str,
) -> &'t mut Thread {
    match digest_from_hex(key) {
        Some(number) => hex_threads.entry(number).or_default(),
        None => text_threads.entry(key.into()).or_default(),
    }
}

/// What the sweep tracks of one conversation.
#[derive(Default)]
struct Thread {
    /// The day indices of incoming messages not yet answered.
    awaiting: Vec<i64>,
    two_way: TwoWay,
}

impl Thread {
    /// The day of the conversation's latest message (every day it records is at or before it).
    fn last_day(&self) -> i64 {
        let last = self.two_way.last_sent.max(self.two_way.last_received);
        last.map_or(i64::MIN, i64::from)
    }
}

impl<'m> Sweep<'m> {
    fn new(model: &'m ScoringModel, from: NaiveDate, to: NaiveDate) -> Self {
        let warmup = u64::from(model.longest_window_days()) + 1;
        let origin = from.checked_sub_days(Days::new(warmup)).unwrap_or(NaiveDate::MIN);
        let days = (to - origin).num_days() as usize + 1;
        let inputs = model
            .components
            .iter()
            .map(|c| match &c.metric {
                Metric::ProfileCompleteness => Input::Profile,
                Metric::Count { reported_by, .. } => {
                    Input::Decayed { add: vec![0.0; days], reported: reported_by.map(|_| vec![false; days]) }
                }
                Metric::TargetConnections => Input::Decayed { add: vec![0.0; days], reported: None },
                Metric::ActiveDays => Input::ActiveDays { active: vec![false; days] },
                Metric::ResponseRate { .. } | Metric::AcceptanceRate { .. } => {
                    Input::Rate { num: Spans::new(days), den: Spans::new(days) }
                }
                Metric::NetworkSize | Metric::TargetNetwork => {
                    Input::Cumulative { base: 0.0, add: vec![0.0; days] }
                }
                Metric::TwoWayConversations => Input::Conversations { spans: Spans::new(days) },
            })
            .collect();
        Sweep {
            model,
            origin,
            from,
            days,
            inputs,
            hex_threads: HashMap::new(),
            text_threads: HashMap::new(),
            thread_window: model
                .components
                .iter()
                .filter(|c| matches!(c.metric, Metric::ResponseRate { .. } | Metric::TwoWayConversations))
                .map(|c| i64::from(c.window_days))
                .max()
                .unwrap_or(0)
                .max(1),
            next_forget: 0,
        }
    }

    /// Drops the state of every conversation quiet for longer than the
    /// window of every component that reads it before day `index`, once per
    /// such period of days.
    ///
    /// Exact for events in time order: every day such a state records lies
    /// more than every window before any later message, so none of its
    /// effects reaches a day still ahead. A message still awaiting an answer
    /// would only be answered after its window, which adds nothing; a
    /// two-way span it could extend has ended. A new message there starts
    /// from an empty state with the same result. The sweep's memory is then
    /// the conversations of the last two windows, not of the whole history
    /// (20,000 conversations in a heavy export).
    fn forget_quiet_threads(&mut self, index: i64) {
        if index < self.next_forget {
            return;
        }
        let horizon = index - self.thread_window;
        self.hex_threads.retain(|_, thread| thread.last_day() >= horizon);
        self.text_threads.retain(|_, thread| thread.last_day() >= horizon);
        self.next_forget = index + self.thread_window;
    }

    /// Feeds one event into every component's inputs.
    fn add(&mut self, e: EventView<'_>) {
        let index = (e.at.date_naive() - self.origin).num_days();
        if index >= self.days as i64 {
            return; // after the last day scored
        }
        let in_range = index >= 0;
        let slot = index.max(0) as usize;
        let target = || self.model.target.matches(e.counterpart_title, e.counterpart_company);
        let is_target_connection = e.kind == ActivityKind::ConnectionMade && target();
        let thread = e.conversation.or(e.counterpart);

        // Conversation state machines run once per event, shared by components.
        // A message sent answers every message received in its conversation
        // since the member last wrote there.
        let mut answered: Vec<i64> = Vec::new();
        let mut incoming = false;
        let mut two_way_change = None;
        if let Some(key) = thread
            && matches!(e.kind, ActivityKind::MessageReceived | ActivityKind::MessageSent)
        {
            self.forget_quiet_threads(index);
            let state = thread_mut(&mut self.hex_threads, &mut self.text_threads, key);
            if e.kind == ActivityKind::MessageReceived {
                // Messages older than every window can no longer count.
                let horizon = index - i64::from(self.model.longest_window_days());
                state.awaiting.retain(|&day| day >= horizon);
                state.awaiting.push(index);
                incoming = true;
            } else {
                answered = std::mem::take(&mut state.awaiting);
            }
            let day = i32::try_from(index).unwrap_or(if index < 0 { i32::MIN } else { i32::MAX });
            let two_way = &mut state.two_way;
            let last = if e.kind == ActivityKind::MessageSent {
                &mut two_way.last_sent
            } else {
                &mut two_way.last_received
            };
            *last = Some(last.map_or(day, |l| l.max(day)));
            if let (Some(s), Some(r)) = (two_way.last_sent, two_way.last_received) {
                let old_exit = two_way.recorded_exit;
                let new_exit = s.min(r);
                two_way.recorded_exit = Some(new_exit);
                two_way_change = Some((old_exit.map(i64::from), i64::from(new_exit)));
            }
        }

        for (c, input) in self.model.components.iter().zip(self.inputs.iter_mut()) {
            let window = i64::from(c.window_days);
            match (input, &c.metric) {
                (Input::Decayed { add, reported }, Metric::Count { kinds, reported_by }) => {
                    if in_range && let Some(w) = kinds.get(&e.kind) {
                        add[slot] += w;
                    }
                    if in_range
                        && *reported_by == Some(e.kind)
                        && let Some(days) = reported
                    {
                        days[slot] = true;
                    }
                }
                (Input::Decayed { add, .. }, Metric::TargetConnections)
                    if in_range && is_target_connection =>
                {
                    add[slot] += 1.0;
                }
                (Input::ActiveDays { active }, _) if in_range && e.kind.is_by_member() => {
                    active[slot] = true;
                }
                (Input::Rate { num, den }, Metric::ResponseRate { .. }) => {
                    if incoming {
                        den.add(index, index + window, 1.0);
                    }
                    for &received in &answered {
                        // An answered message counts as answered from the day
                        // of the reply until it leaves the window itself.
                        num.add(index, received + window, 1.0);
                    }
                }
                (Input::Rate { num, den }, Metric::AcceptanceRate { .. }) => match e.kind {
                    ActivityKind::ConnectionMade => {
                        num.add(index, index + window, 1.0);
                        den.add(index, index + window, 1.0);
                    }
                    ActivityKind::InvitationSent => den.add(index, index + window, 1.0),
                    _ => {}
                },
                (Input::Cumulative { base, add }, metric) => {
                    let counts = e.kind == ActivityKind::ConnectionMade
                        && (matches!(metric, Metric::NetworkSize) || is_target_connection);
                    if counts {
                        if in_range {
                            add[slot] += 1.0;
                        } else {
                            *base += 1.0;
                        }
                    }
                }
                (Input::Conversations { spans }, _) => {
                    if let Some((old_exit, new_exit)) = two_way_change {
                        let new_exit = new_exit + window;
                        match old_exit.map(|x| x + window) {
                            // Still open: move its end.
                            Some(old) if old > index => {
                                spans.add(index, old, -1.0);
                                spans.add(index, new_exit, 1.0);
                            }
                            _ => spans.add(index, new_exit, 1.0),
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Walks the days and returns the values from `from` on.
    fn finish(self, profiles: &[ProfileSnapshot]) -> Vec<DayValues> {
        let first_output = (self.from - self.origin).num_days() as usize;
        let n = self.days;
        let mut columns: Vec<Vec<f64>> = Vec::with_capacity(self.inputs.len());
        for (c, input) in self.model.components.iter().zip(&self.inputs) {
            let window = c.window_days as usize;
            let column = match input {
                Input::Profile => {
                    let sorted = sorted_profiles(profiles);
                    let mut cache: Option<(NaiveDate, f64)> = None;
                    (0..n)
                        .map(|i| {
                            let date = self.origin + Days::new(i as u64);
                            let Some(p) = profile_on(&sorted, date) else { return 0.0 };
                            match cache {
                                Some((taken, v)) if taken == p.taken_on => v,
                                _ => {
                                    let v = profile_completeness(&self.model.profile_checklist, p);
                                    cache = Some((p.taken_on, v));
                                    v
                                }
                            }
                        })
                        .collect()
                }
                Input::Decayed { add, reported } => {
                    let mut values = decayed_window(add, window, c.half_life_days);
                    if let Some(reported) = reported {
                        for (value, days) in values.iter_mut().zip(days_in_window(reported, window)) {
                            if days == 0 {
                                *value = NO_DATA;
                            }
                        }
                    }
                    values
                }
                Input::ActiveDays { active } => {
                    days_in_window(active, window).into_iter().map(|count| count as f64).collect()
                }
                Input::Rate { num, den } => {
                    let smoothing = match c.metric {
                        Metric::ResponseRate { smoothing } | Metric::AcceptanceRate { smoothing } => {
                            smoothing
                        }
                        _ => 0.0,
                    };
                    let num = num.running(n);
                    let den = den.running(n);
                    num.iter()
                        .zip(&den)
                        .map(|(a, b)| if *b <= 0.0 { 0.0 } else { (a / (b + smoothing)).clamp(0.0, 1.0) })
                        .collect()
                }
                Input::Cumulative { base, add } => {
                    let mut total = *base;
                    add.iter()
                        .map(|x| {
                            total += x;
                            total
                        })
                        .collect()
                }
                Input::Conversations { spans } => spans.running(n),
            };
            columns.push(column);
        }
        (first_output..n)
            .map(|i| DayValues {
                date: self.origin + Days::new(i as u64),
                values: columns.iter().map(|col| col[i]).collect(),
            })
            .collect()
    }
}

/// For each day, how many of the `window` days ending on it are marked.
fn days_in_window(marked: &[bool], window: usize) -> Vec<usize> {
    let mut count = 0usize;
    (0..marked.len())
        .map(|i| {
            count += usize::from(marked[i]);
            if i >= window {
                count -= usize::from(marked[i - window]);
            }
            count
        })
        .collect()
}

/// Sums `add` over a trailing window of `window` days, each day's amount
/// weighted by `0.5^(age / half_life)`; `half_life` 0 means no decay.
fn decayed_window(add: &[f64], window: usize, half_life: f64) -> Vec<f64> {
    let ratio = if half_life > 0.0 { 0.5f64.powf(1.0 / half_life) } else { 1.0 };
    let leaving = ratio.powi(window as i32);
    let mut sum = 0.0;
    // The undecayed amount in the window: when it is zero the window is empty,
    // and the decayed sum is reset to exactly zero rather than to rounding dust.
    let mut amount = 0.0;
    add.iter()
        .enumerate()
        .map(|(i, x)| {
            sum = sum * ratio + x;
            amount += x;
            if i >= window {
                sum -= add[i - window] * leaving;
                amount -= add[i - window];
            }
            if amount <= 1e-9 {
                sum = 0.0;
                amount = 0.0;
            }
            sum.max(0.0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_32_lowercase_hex_digits_are_held_as_numbers() {
        assert_eq!(digest_from_hex("0000000000000000000000000000002a"), Some(42));
        assert_eq!(digest_from_hex("ffffffffffffffffffffffffffffffff"), Some(u128::MAX));
        assert_eq!(digest_from_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"), None);
        assert_eq!(digest_from_hex("2a"), None);
        assert_eq!(digest_from_hex("000000000000000000000000000000g0"), None);
    }

    #[test]
    fn a_key_and_its_uppercase_twin_are_two_conversations() {
        let (mut hex, mut text) = (HashMap::new(), HashMap::new());
        let lower = "abcdefabcdefabcdefabcdefabcdefab";
        let upper = lower.to_ascii_uppercase();
        thread_mut(&mut hex, &mut text, lower).awaiting.push(1);
        thread_mut(&mut hex, &mut text, &upper).awaiting.push(2);
        assert_eq!(thread_mut(&mut hex, &mut text, lower).awaiting, vec![1]);
        assert_eq!(thread_mut(&mut hex, &mut text, &upper).awaiting, vec![2]);
        assert_eq!((hex.len(), text.len()), (1, 1));
    }
}
