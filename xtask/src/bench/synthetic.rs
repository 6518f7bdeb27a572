//! Synthetic members for the history and server benchmarks: seeded activity events and daily score series.
//!
//! The events mimic a moderately active social seller over the window (about
//! five a day on weekdays, fewer at weekends): conversations with replies,
//! new connections (a third of them decision makers), reactions, comments,
//! posts, searches and sign-in days. Everything is drawn from a small seeded
//! generator, so the same seed always gives the same members.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use rand_xoshiro::SplitMix64;
use rand_xoshiro::rand_core::{Rng as _, SeedableRng as _};
use ssi_core::{ActivityEvent, ActivityKind, PillarScores, ProfileSnapshot, PseudonymKey};
use ssi_store::{ImportMeta, MemberId, PushedScore, Store};

/// `rand_xoshiro`'s SplitMix64: tiny, fast and good enough to shape benchmark data.
pub(crate) struct Rng(SplitMix64);

impl Rng {
    /// A generator for one stream (`seed`, `stream`).
    pub(crate) fn new(seed: u64, stream: u64) -> Rng {
        let mut rng = Rng(SplitMix64::seed_from_u64(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F)));
        rng.next_u64();
        rng
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, bound).
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 { 0 } else { self.next_u64() % bound }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A Poisson-distributed count with mean `mean` (Knuth; means here are small).
    fn poisson(&mut self, mean: f64) -> u32 {
        let limit = (-mean).exp();
        let mut product = self.unit();
        let mut count = 0;
        while product > limit && count < 1000 {
            product *= self.unit();
            count += 1;
        }
        count
    }

    fn key(&mut self) -> PseudonymKey {
        PseudonymKey(format!("{:016x}{:016x}", self.next_u64(), self.next_u64()))
    }
}

/// Mean events per weekday of an average member, by kind.
const WEEKDAY_RATES: [(ActivityKind, f64); 10] = [
    (ActivityKind::MessageReceived, 1.6),
    (ActivityKind::MessageSent, 1.3),
    (ActivityKind::Reaction, 0.7),
    (ActivityKind::PeopleSearch, 0.4),
    (ActivityKind::ConnectionMade, 0.35),
    (ActivityKind::Comment, 0.2),
    (ActivityKind::Post, 0.06),
    (ActivityKind::Repost, 0.03),
    (ActivityKind::InvitationSent, 0.04),
    (ActivityKind::EndorsementReceived, 0.03),
];

const TITLES: [(&str, bool); 8] = [
    ("Chief Executive Officer", true),
    ("VP Sales", true),
    ("Head of Marketing", true),
    ("Account Executive", false),
    ("Software Engineer", false),
    ("Marketing Manager", false),
    ("Sales Development Representative", false),
    ("Operations Analyst", false),
];

const COMPANIES: [&str; 6] = [
    "Northwind Analytics GmbH",
    "Quillon Media, Inc.",
    "Larkspur Foods GmbH",
    "Pinecrest Learning Inc.",
    "Bluefjord Systems AS",
    "Ardent Freight Ltd",
];

/// The activity of synthetic member `member` from `first` to `last`
/// inclusive, in time order, with unique natural keys.
pub(crate) fn member_events(seed: u64, member: u64, first: NaiveDate, last: NaiveDate) -> Vec<ActivityEvent> {
    let mut rng = Rng::new(seed, member);
    // Members differ: from a quiet 0.4× to a busy 1.6× the average.
    let activity = 0.4 + 1.2 * rng.unit();
    let mut conversations: Vec<(PseudonymKey, PseudonymKey)> = Vec::new();
    let mut events = Vec::new();
    let mut counter = 0u64;
    let mut next_key = || {
        counter += 1;
        format!("{member:016x}{counter:016x}")
    };
    for day in first.iter_days().take_while(|d| *d <= last) {
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        let factor = activity * if weekend { 0.2 } else { 1.0 };
        let midnight = day.and_hms_opt(0, 0, 0).map(|t| t.and_utc()).unwrap_or(DateTime::<Utc>::MIN_UTC);
        let mut today: Vec<ActivityEvent> = Vec::new();
        if rng.chance(if weekend { 0.25 } else { 0.8 }) {
            today.push(event(midnight, ActivityKind::DayActive, next_key()));
        }
        for (kind, rate) in WEEKDAY_RATES {
            for _ in 0..rng.poisson(rate * factor) {
                let at = midnight + chrono::Duration::seconds(6 * 3600 + rng.below(14 * 3600) as i64);
                let mut e = event(at, kind, next_key());
                match kind {
                    ActivityKind::MessageReceived | ActivityKind::MessageSent => {
                        if conversations.is_empty() || rng.chance(0.25) {
                            conversations.push((rng.key(), rng.key()));
                            if conversations.len() > 60 {
                                conversations.remove(0);
                            }
                        }
                        let (conversation, counterpart) =
                            &conversations[rng.below(conversations.len() as u64) as usize];
                        e.conversation = Some(conversation.clone());
                        e.counterpart = Some(counterpart.clone());
                    }
                    ActivityKind::ConnectionMade => {
                        let (title, _) = TITLES[rng.below(TITLES.len() as u64) as usize];
                        e.counterpart = Some(rng.key());
                        e.counterpart_title = Some(title.to_string());
                        e.counterpart_company =
                            Some(COMPANIES[rng.below(COMPANIES.len() as u64) as usize].to_string());
                    }
                    ActivityKind::InvitationSent | ActivityKind::EndorsementReceived => {
                        e.counterpart = Some(rng.key());
                        e.personalised = rng.chance(0.3);
                    }
                    ActivityKind::Post => e.personalised = true,
                    _ => {}
                }
                today.push(e);
            }
        }
        today.sort_by_key(|e| e.at);
        events.extend(today);
    }
    events
}

fn event(at: DateTime<Utc>, kind: ActivityKind, natural_key: String) -> ActivityEvent {
    ActivityEvent {
        at,
        kind,
        counterpart: None,
        conversation: None,
        counterpart_title: None,
        counterpart_company: None,
        personalised: false,
        natural_key,
    }
}

/// A plausible profile snapshot for a synthetic member, taken on `on`.
pub(crate) fn profile(member: u64, on: NaiveDate) -> ProfileSnapshot {
    let mut profile = ProfileSnapshot::empty(on);
    profile.first_name = "Member".into();
    profile.last_name = format!("{member}");
    profile.headline = Some("Helping operations teams ship on time".into());
    profile.summary_chars = 180 + (member % 200) as u32;
    profile.industry = Some("Software Development".into());
    profile.location = Some("Berlin".into());
    profile.education = 1;
    profile.skills = vec!["Sales".into(), "Negotiation".into(), "CRM".into()];
    profile.has_photo = true;
    profile.has_banner = !member.is_multiple_of(3);
    profile
}

/// `days` daily scores ending on `last`, as a member's CLI would push them:
/// a slow random walk of the pillars with `components` metric values a day.
pub(crate) fn pushed_series(
    seed: u64,
    member: u64,
    last: NaiveDate,
    days: u32,
    model_version: &str,
    components: usize,
) -> Vec<PushedScore> {
    let mut rng = Rng::new(seed ^ 0x5C0E, member);
    let mut pillars = [0.0f64; 4].map(|_| 5.0 + 15.0 * rng.unit());
    let first = last.checked_sub_days(Days::new(u64::from(days.saturating_sub(1)))).unwrap_or(last);
    first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|date| {
            for p in &mut pillars {
                *p = (*p + (rng.unit() - 0.5) * 0.8).clamp(0.0, 25.0);
                // Keep two decimals, as the CLI's figures are shown.
                *p = (*p * 100.0).round() / 100.0;
            }
            let scores = PillarScores::from_array(pillars);
            PushedScore {
                date,
                model_version: model_version.to_string(),
                pillars: scores,
                total: scores.total(),
                components: (0..components).map(|_| (rng.unit() * 40.0 * 1e3).round() / 1e3).collect(),
            }
        })
        .collect()
}

/// Imports `events` and the synthetic profile of member `index` for `member`, as an export
/// dated `horizon` (its name's date) imported on `today`: the one way the benchmarks fill
/// a store with activity.
pub(crate) fn import_synthetic(
    store: &Store,
    member: MemberId,
    fingerprint: String,
    index: u64,
    events: Vec<ActivityEvent>,
    horizon: NaiveDate,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let meta = ImportMeta {
        fingerprint,
        source_name: "synthetic".into(),
        export_date: Some(horizon),
        horizon_source: Some(ssi_core::HorizonSource::FileName),
        report: serde_json::Value::Null,
    };
    let snapshot = profile(index, horizon);
    store
        .import_export(
            member,
            &meta,
            Some(&snapshot),
            events.into_iter().map(Ok::<_, std::convert::Infallible>),
            today,
        )
        .map_err(|e| anyhow::anyhow!("filling synthetic member {index}: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first draws of the hand-written SplitMix64 this generator replaced, so the benchmark's
    /// synthetic members stay the ones its recorded figures were measured on.
    #[test]
    fn draws_match_the_hand_written_generator_it_replaced() {
        let mut rng = Rng::new(7, 3);
        let draws: [u64; 3] = std::array::from_fn(|_| rng.next_u64());
        assert_eq!(draws, [0xbfe4_16d7_9234_2e4f, 0xe5f6_4d5f_75ef_8886, 0xef22_5d90_f1ec_01a0]);
    }

    #[test]
    fn members_are_reproducible_ordered_and_keyed_uniquely() {
        let first = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        let a = member_events(7, 3, first, last);
        assert_eq!(a, member_events(7, 3, first, last));
        assert_ne!(a, member_events(7, 4, first, last));
        assert!(a.len() > 100, "{} events in a quarter", a.len());
        assert!(a.windows(2).all(|w| w[0].at <= w[1].at));
        let keys: std::collections::HashSet<&str> = a.iter().map(|e| e.natural_key.as_str()).collect();
        assert_eq!(keys.len(), a.len());
        assert!(a.iter().all(|e| e.day() >= first && e.day() <= last));
    }

    #[test]
    fn pushed_series_are_valid_scores() {
        let last = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let series = pushed_series(1, 2, last, 365, "ssi-default-2", 12);
        assert_eq!(series.len(), 365);
        assert_eq!(series.last().unwrap().date, last);
        for s in &series {
            assert!((s.total - s.pillars.total()).abs() < 1e-9);
            assert!(s.pillars.iter().all(|(_, v)| (0.0..=25.0).contains(&v)));
        }
    }
}
