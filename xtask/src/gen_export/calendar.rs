//! The member's activity rhythm over the window that ends at the export date, and the many date
//! formats the real archive uses.
//!
//! Activity is busier on weekdays and in office hours (the member lives in central Europe), quiet
//! over Christmas and in an August holiday, comes in bursts (a conference, a campaign), and changes
//! once: about 45% into the window the member takes a new, customer-facing job and goes from a
//! passive user to an active social seller. Each stream of activity says how strongly it follows
//! that change with a [`Pace`].

use super::rng::Rng;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Weekday};

/// How one stream of activity follows the rhythm.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pace {
    /// Relative daily rate before the behaviour change.
    pub(crate) before: f64,
    /// Relative daily rate after it.
    pub(crate) after: f64,
    /// Whether the stream surges during bursts.
    pub(crate) bursty: bool,
}

/// A few days of unusually high activity.
#[derive(Debug, Clone)]
struct Burst {
    first_day: usize,
    days: usize,
    factor: f64,
}

/// The activity window: its days, the behaviour change and the bursts.
#[derive(Debug, Clone)]
pub(crate) struct Timeline {
    first_day: NaiveDate,
    days: usize,
    export_date: NaiveDate,
    shift_center: f64,
    shift_ramp_days: f64,
    bursts: Vec<Burst>,
    /// A late change of habits (`cargo xtask fidelity`): from this day of the
    /// window on, every stream's rate is multiplied by `late_factor`.
    late_from_day: usize,
    late_factor: f64,
}

impl Timeline {
    /// The `span_days` days before `export_date` (the export date itself is not part of it).
    pub(crate) fn new(rng: &mut Rng, export_date: NaiveDate, span_days: u32) -> Timeline {
        let days = span_days.max(1) as usize;
        let first_day = export_date - TimeDelta::days(days as i64);
        let burst_count = (days / 40).max(1);
        let bursts = (0..burst_count)
            .map(|_| Burst {
                first_day: rng.index(days),
                days: rng.between(2, 6) as usize,
                factor: rng.uniform(2.0, 3.5),
            })
            .collect();
        Timeline {
            first_day,
            days,
            export_date,
            shift_center: days as f64 * 0.45,
            shift_ramp_days: (days as f64 * 0.08).clamp(10.0, 60.0),
            bursts,
            late_from_day: usize::MAX,
            late_factor: 1.0,
        }
    }

    /// The same timeline with every stream's rate multiplied by `factor` from `from` on.
    pub(crate) fn with_habit_change(mut self, from: NaiveDate, factor: f64) -> Timeline {
        self.late_from_day = (from - self.first_day).num_days().max(0) as usize;
        self.late_factor = factor;
        self
    }

    /// The first day of the window.
    pub(crate) fn first_day(&self) -> NaiveDate {
        self.first_day
    }

    /// The number of days in the window.
    pub(crate) fn days(&self) -> usize {
        self.days
    }

    /// The last second that may carry activity: just before midnight at the start of the export date.
    pub(crate) fn end(&self) -> NaiveDateTime {
        self.export_date.and_time(NaiveTime::MIN) - TimeDelta::seconds(1)
    }

    /// The start of the window.
    pub(crate) fn start(&self) -> NaiveDateTime {
        self.first_day.and_time(NaiveTime::MIN)
    }

    /// The middle of the behaviour change.
    pub(crate) fn shift_date(&self) -> NaiveDate {
        self.first_day + TimeDelta::days(self.shift_center as i64)
    }

    /// How far the behaviour change has gone at `moment`: 0 before, 1 after, smooth in between.
    pub(crate) fn progress_at(&self, moment: NaiveDateTime) -> f64 {
        let day = (moment - self.start()).num_seconds() as f64 / 86_400.0;
        self.progress(day)
    }

    fn progress(&self, day: f64) -> f64 {
        let x =
            ((day - (self.shift_center - self.shift_ramp_days / 2.0)) / self.shift_ramp_days).clamp(0.0, 1.0);
        x * x * (3.0 - 2.0 * x)
    }

    /// The relative amount of activity of one stream on day `day` of the window.
    pub(crate) fn day_weight(&self, day: usize, pace: &Pace) -> f64 {
        let date = self.first_day + TimeDelta::days(day as i64);
        let weekday = match date.weekday() {
            Weekday::Mon => 1.0,
            Weekday::Tue => 1.15,
            Weekday::Wed => 1.1,
            Weekday::Thu => 1.05,
            Weekday::Fri => 0.8,
            Weekday::Sat => 0.22,
            Weekday::Sun => 0.18,
        };
        let holiday = match (date.month(), date.day()) {
            (12, 23..=31) | (1, 1) => 0.15,
            (8, 5..=18) => 0.3,
            _ => 1.0,
        };
        let progress = self.progress(day as f64 + 0.5);
        let behaviour = pace.before + (pace.after - pace.before) * progress;
        let burst = if pace.bursty {
            self.bursts
                .iter()
                .filter(|b| day >= b.first_day && day < b.first_day + b.days)
                .map(|b| b.factor)
                .fold(1.0, f64::max)
        } else {
            1.0
        };
        let late = if day >= self.late_from_day { self.late_factor } else { 1.0 };
        weekday * holiday * behaviour * burst * late
    }

    /// A sampler of moments that follows `pace`.
    pub(crate) fn sampler(&self, pace: Pace) -> MomentSampler<'_> {
        let mut cumulative = Vec::with_capacity(self.days);
        let mut total = 0.0;
        for day in 0..self.days {
            total += self.day_weight(day, &pace);
            cumulative.push(total);
        }
        MomentSampler { timeline: self, cumulative }
    }
}

/// Draws moments from the window, in proportion to one stream's daily weights.
#[derive(Debug)]
pub(crate) struct MomentSampler<'a> {
    timeline: &'a Timeline,
    cumulative: Vec<f64>,
}

impl MomentSampler<'_> {
    /// One moment.
    pub(crate) fn moment(&self, rng: &mut Rng) -> NaiveDateTime {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let target = rng.unit() * total;
        let day = self.cumulative.partition_point(|&c| c <= target).min(self.timeline.days - 1);
        let date = self.timeline.first_day + TimeDelta::days(day as i64);
        date.and_time(time_of_day(rng, is_weekend(date)))
    }

    /// `count` moments, oldest first.
    pub(crate) fn moments(&self, rng: &mut Rng, count: usize) -> Vec<NaiveDateTime> {
        let mut moments: Vec<NaiveDateTime> = (0..count).map(|_| self.moment(rng)).collect();
        moments.sort();
        moments
    }
}

/// Whether `date` falls on a Saturday or Sunday.
pub(crate) fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// A time of day in UTC for a member in central Europe: office hours on weekdays, a lunch dip,
/// an evening tail; flatter and later at weekends.
pub(crate) fn time_of_day(rng: &mut Rng, weekend: bool) -> NaiveTime {
    const WEEKDAY: [(u32, u32); 24] = [
        (0, 2),
        (1, 1),
        (2, 1),
        (3, 1),
        (4, 2),
        (5, 8),
        (6, 30),
        (7, 70),
        (8, 95),
        (9, 100),
        (10, 92),
        (11, 60),
        (12, 80),
        (13, 90),
        (14, 85),
        (15, 70),
        (16, 50),
        (17, 38),
        (18, 34),
        (19, 36),
        (20, 28),
        (21, 16),
        (22, 8),
        (23, 4),
    ];
    const WEEKEND: [(u32, u32); 24] = [
        (0, 3),
        (1, 1),
        (2, 1),
        (3, 1),
        (4, 1),
        (5, 2),
        (6, 6),
        (7, 14),
        (8, 24),
        (9, 30),
        (10, 32),
        (11, 30),
        (12, 26),
        (13, 26),
        (14, 28),
        (15, 30),
        (16, 30),
        (17, 30),
        (18, 32),
        (19, 36),
        (20, 34),
        (21, 22),
        (22, 10),
        (23, 5),
    ];
    let hour = *rng.pick_weighted(if weekend { &WEEKEND } else { &WEEKDAY });
    NaiveTime::from_hms_opt(hour, rng.below(60) as u32, rng.below(60) as u32).unwrap_or(NaiveTime::MIN)
}

/// A uniformly random moment between `from` and `to` (inclusive); `from` when the span is empty.
pub(crate) fn moment_between(rng: &mut Rng, from: NaiveDateTime, to: NaiveDateTime) -> NaiveDateTime {
    let seconds = (to - from).num_seconds();
    if seconds <= 0 {
        return from;
    }
    from + TimeDelta::seconds(rng.between(0, seconds))
}

/// `17 Nov 2021` (Connections.csv).
pub(crate) fn day_month_year(date: NaiveDate) -> String {
    date.format("%d %b %Y").to_string()
}

/// `11/16/21, 9:40 AM` (Invitations.csv, Jobs, Registration; no zone).
pub(crate) fn us_short(moment: NaiveDateTime) -> String {
    moment.format("%-m/%-d/%y, %-I:%M %p").to_string()
}

/// `01/02/06, 3:04 PM` (recommendations; zero-padded month and day).
pub(crate) fn us_short_padded(moment: NaiveDateTime) -> String {
    moment.format("%m/%d/%y, %-I:%M %p").to_string()
}

/// `2021-11-17 18:14:58 UTC` (messages.csv).
pub(crate) fn iso_utc(moment: NaiveDateTime) -> String {
    moment.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// `2021-10-27 19:36:45` (shares, comments, reactions, votes, reposts, member follows).
pub(crate) fn iso_plain(moment: NaiveDateTime) -> String {
    moment.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `2021/09/14 12:18:19 UTC` (endorsements, search queries).
pub(crate) fn slashed_utc(moment: NaiveDateTime) -> String {
    moment.format("%Y/%m/%d %H:%M:%S UTC").to_string()
}

/// `Fri Sep 24 12:35:41 UTC 2021` (Logins.csv, Company Follows.csv).
pub(crate) fn java_date(moment: NaiveDateTime) -> String {
    moment.format("%a %b %d %H:%M:%S UTC %Y").to_string()
}

/// `Nov 2021` (positions, certifications, projects, education).
pub(crate) fn month_year(date: NaiveDate) -> String {
    date.format("%b %Y").to_string()
}

/// `April 12, 2026 at 8:03 AM (GMT)` (the prose of Rich_Media.csv).
pub(crate) fn prose(moment: NaiveDateTime) -> String {
    moment.format("%B %-d, %Y at %-I:%M %p (GMT)").to_string()
}

/// `Sep 23, 2022 12:00 PM - Sep 23, 2022 12:20 PM` (Events.csv: start and end).
pub(crate) fn event_range(starts: NaiveDateTime, ends: NaiveDateTime) -> String {
    let one = |moment: NaiveDateTime| moment.format("%b %-d, %Y %-I:%M %p").to_string();
    format!("{} - {}", one(starts), one(ends))
}

/// `2024-03-04 10:25` (the Created on / Published on lines of an article's HTML).
pub(crate) fn article_stamp(moment: NaiveDateTime) -> String {
    moment.format("%Y-%m-%d %H:%M").to_string()
}

/// `Oct 18` (Profile.csv birth date).
pub(crate) fn month_day(date: NaiveDate) -> String {
    date.format("%b %d").to_string()
}

/// Milliseconds since the Unix epoch, for LinkedIn-style activity ids.
pub(crate) fn unix_millis(moment: NaiveDateTime) -> u64 {
    moment.and_utc().timestamp_millis().max(0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, s).unwrap()
    }

    #[test]
    fn formats_match_the_reference_examples() {
        assert_eq!(day_month_year(NaiveDate::from_ymd_opt(2021, 11, 17).unwrap()), "17 Nov 2021");
        assert_eq!(us_short(at(2021, 11, 16, 9, 40, 0)), "11/16/21, 9:40 AM");
        assert_eq!(us_short_padded(at(2006, 1, 2, 15, 4, 0)), "01/02/06, 3:04 PM");
        assert_eq!(iso_utc(at(2021, 11, 17, 18, 14, 58)), "2021-11-17 18:14:58 UTC");
        assert_eq!(iso_plain(at(2021, 10, 27, 19, 36, 45)), "2021-10-27 19:36:45");
        assert_eq!(slashed_utc(at(2021, 9, 14, 12, 18, 19)), "2021/09/14 12:18:19 UTC");
        assert_eq!(java_date(at(2021, 9, 24, 12, 35, 41)), "Fri Sep 24 12:35:41 UTC 2021");
        assert_eq!(month_year(NaiveDate::from_ymd_opt(2021, 11, 1).unwrap()), "Nov 2021");
        assert_eq!(prose(at(2026, 4, 12, 8, 3, 0)), "April 12, 2026 at 8:03 AM (GMT)");
        assert_eq!(month_day(NaiveDate::from_ymd_opt(1990, 10, 18).unwrap()), "Oct 18");
    }

    #[test]
    fn samples_favour_weekdays_and_follow_the_behaviour_change() {
        let mut rng = Rng::new(1);
        let export = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let timeline = Timeline::new(&mut rng, export, 365);
        let sampler = timeline.sampler(Pace { before: 0.3, after: 1.5, bursty: true });
        let moments = sampler.moments(&mut rng, 20_000);
        assert!(moments.iter().all(|m| *m >= timeline.start() && *m <= timeline.end()));
        let weekend = moments.iter().filter(|m| is_weekend(m.date())).count();
        // Two days in seven would be 28%; the rhythm makes weekends much quieter.
        assert!(weekend * 100 / moments.len() < 12, "weekend share {weekend}");
        let third = TimeDelta::days(365 / 3);
        let early = moments.iter().filter(|m| **m < timeline.start() + third).count();
        let late = moments.iter().filter(|m| **m > timeline.end() - third).count();
        assert!(late > early * 3, "early {early}, late {late}");
        assert!(timeline.progress_at(timeline.start()) < 0.01);
        assert!(timeline.progress_at(timeline.end()) > 0.99);
    }
}
