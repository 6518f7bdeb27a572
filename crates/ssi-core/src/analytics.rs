//! Creator analytics: what LinkedIn's analytics workbook says per day and per post, and the events it scores as.
//!
//! The data export holds no engagement that others gave to the member's
//! posts and no follower counts; the creator analytics workbook does. Its
//! daily figures enter the sweep as events, one per engagement received and
//! one per follower gained, plus one marker per day the workbook reports
//! (zero included), so that the components reading them can tell "no data"
//! from "nothing happened" (see [`crate::Metric::Count`]'s `reported_by`).
//! Events keyed by day and ordinal make merging overlapping workbooks exact:
//! a day reported twice keeps the larger figure, and the same workbook
//! imported again adds nothing.

use crate::event::{ActivityEvent, ActivityKind};
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// One day of the workbook: `None` where the workbook does not report the figure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayFigures {
    /// The UTC day.
    pub date: NaiveDate,
    /// Times the member's posts were shown (ENGAGEMENT sheet).
    pub impressions: Option<u64>,
    /// Reactions, comments and reposts the member's posts received (ENGAGEMENT sheet).
    pub engagements: Option<u64>,
    /// Followers gained (FOLLOWERS sheet).
    pub new_followers: Option<u64>,
}

/// The follower total on a day (the FOLLOWERS sheet's first row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowerTotal {
    /// The day the total was counted.
    pub date: NaiveDate,
    /// Followers on that day.
    pub followers: u64,
}

/// One of the member's posts in the workbook's TOP POSTS tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostFigures {
    /// The post's activity id (the digits of `urn:li:activity:<id>`,
    /// `urn:li:share:<id>` or `urn:li:ugcPost:<id>`): what joins it to the
    /// data export's `Shares.csv` row of the same post.
    pub activity_id: String,
    /// The day it was published, where the workbook says.
    pub published: Option<NaiveDate>,
    /// Engagements it received (top 50 by engagements), if listed there.
    pub engagements: Option<u64>,
    /// Impressions it earned (top 50 by impressions), if listed there.
    pub impressions: Option<u64>,
}

/// The instant a day's analytics events are stamped with: noon UTC, the
/// middle of the day the workbook reports.
fn noon(date: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    date.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN)).and_utc()
}

/// The events a workbook's days score as: per reported figure one marker
/// event ([`ActivityKind::EngagementReported`], [`ActivityKind::FollowersReported`])
/// and one event per engagement received or follower gained, in time order.
///
/// Natural keys are `<kind>:<day>:<ordinal>`, so a day's second report with
/// a larger figure adds exactly the difference, and a smaller or equal one adds nothing.
pub fn day_events(days: &[DayFigures]) -> impl Iterator<Item = ActivityEvent> + '_ {
    days.iter().flat_map(|day| {
        let at = noon(day.date);
        let figures = [
            (day.engagements, ActivityKind::EngagementReported, ActivityKind::EngagementReceived),
            (day.new_followers, ActivityKind::FollowersReported, ActivityKind::FollowerGained),
        ];
        figures.into_iter().flat_map(move |(figure, marker, unit)| {
            let marker_event = figure.map(|_| keyed(marker, at, day.date, 0));
            let units = (0..figure.unwrap_or(0)).map(move |ordinal| keyed(unit, at, day.date, ordinal));
            marker_event.into_iter().chain(units)
        })
    })
}

fn keyed(
    kind: ActivityKind,
    at: chrono::DateTime<chrono::Utc>,
    date: NaiveDate,
    ordinal: u64,
) -> ActivityEvent {
    let mut event = ActivityEvent::new(kind, at);
    event.natural_key = format!("{}:{date}:{ordinal}", kind.as_str());
    event
}

/// The follower count on every day whose new followers are known, from the
/// latest follower total and the days' new followers: on a day before the
/// total's date, the total less the followers gained after that day; after
/// it, the total plus those gained since. Empty without a total.
pub fn follower_counts(days: &[DayFigures], totals: &[FollowerTotal]) -> Vec<(NaiveDate, u64)> {
    let Some(anchor) = totals.iter().max_by_key(|t| t.date) else { return Vec::new() };
    let mut known: Vec<(NaiveDate, u64)> =
        days.iter().filter_map(|d| d.new_followers.map(|n| (d.date, n))).collect();
    known.sort_by_key(|(date, _)| *date);
    let gained_after = |date: NaiveDate| -> u64 {
        known.iter().filter(|(d, _)| *d > date && *d <= anchor.date).map(|(_, n)| n).sum()
    };
    let gained_since = |date: NaiveDate| -> u64 {
        known.iter().filter(|(d, _)| *d > anchor.date && *d <= date).map(|(_, n)| n).sum()
    };
    known
        .iter()
        .map(|(date, _)| {
            let count = if *date <= anchor.date {
                anchor.followers.saturating_sub(gained_after(*date))
            } else {
                anchor.followers + gained_since(*date)
            };
            (*date, count)
        })
        .collect()
}

/// Days an [`AudienceSummary`] adds up.
pub const AUDIENCE_SUMMARY_DAYS: u64 = 90;

/// Engagement received and followers up to a day, for dashboards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AudienceSummary {
    /// The last day the workbooks report, up to the day asked for.
    pub last_reported_day: NaiveDate,
    /// The follower count on the last day it is known (see [`follower_counts`]).
    pub followers: Option<u64>,
    /// New followers over the [`AUDIENCE_SUMMARY_DAYS`] days up to the day.
    pub followers_gained_90_days: u64,
    /// Engagements received over those days.
    pub engagements_90_days: u64,
    /// Impressions over those days.
    pub impressions_90_days: u64,
}

/// The audience summary of `days` (in date order) and `totals` up to `day`; `None` without a day reported.
pub fn audience_summary(
    days: &[DayFigures],
    totals: &[FollowerTotal],
    day: NaiveDate,
) -> Option<AudienceSummary> {
    let upto: Vec<DayFigures> = days.iter().filter(|d| d.date <= day).copied().collect();
    let last = upto.last()?;
    let from = day.checked_sub_days(chrono::Days::new(AUDIENCE_SUMMARY_DAYS - 1)).unwrap_or(day);
    let sum =
        |pick: fn(&DayFigures) -> Option<u64>| upto.iter().filter(|d| d.date >= from).filter_map(pick).sum();
    let totals: Vec<FollowerTotal> = totals.iter().filter(|t| t.date <= day).copied().collect();
    Some(AudienceSummary {
        last_reported_day: last.date,
        followers: follower_counts(&upto, &totals).last().map(|(_, n)| *n),
        followers_gained_90_days: sum(|d| d.new_followers),
        engagements_90_days: sum(|d| d.engagements),
        impressions_90_days: sum(|d| d.impressions),
    })
}

/// The form a post took, as the data export tells it (`Shares.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostForm {
    /// Text of the member's own, nothing attached.
    Text,
    /// Shares a link to an article on LinkedIn (`/pulse/`).
    Article,
    /// Shares a link to another site.
    Link,
    /// Carries an image, video or document.
    Media,
}

impl PostForm {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            PostForm::Text => "text",
            PostForm::Article => "article",
            PostForm::Link => "link",
            PostForm::Media => "media",
        }
    }

    /// The form of a `Shares.csv` row from its `SharedUrl` and `MediaUrl`.
    pub fn of_share(shared_url: &str, media_url: &str) -> PostForm {
        let shared_url = shared_url.trim();
        if shared_url.contains("linkedin.com/pulse/") {
            PostForm::Article
        } else if !shared_url.is_empty() {
            PostForm::Link
        } else if !media_url.trim().is_empty() {
            PostForm::Media
        } else {
            PostForm::Text
        }
    }
}

/// One of the member's own posts as the data export lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportPost {
    /// The post's activity id (see [`activity_id`]).
    pub activity_id: String,
    /// The UTC day it was published.
    pub date: NaiveDate,
    /// What it carried.
    pub form: PostForm,
}

/// A post with its figures and, where the data export lists it, its form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostRow {
    /// The workbook's figures.
    #[serde(flatten)]
    pub figures: PostFigures,
    /// The form the data export tells, if the export lists the post.
    pub form: Option<PostForm>,
}

/// What posts of one form earned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormEarnings {
    /// The form.
    pub form: PostForm,
    /// Posts of that form with a known engagement figure.
    pub posts: usize,
    /// Their engagements, summed.
    pub engagements: u64,
    /// Engagements per post.
    pub mean_engagements: f64,
}

/// Joins the workbook's posts to the export's by activity id, keeping the workbook's order.
pub fn join_posts(figures: Vec<PostFigures>, export: &[ExportPost]) -> Vec<PostRow> {
    let forms: std::collections::HashMap<&str, PostForm> =
        export.iter().map(|p| (p.activity_id.as_str(), p.form)).collect();
    figures
        .into_iter()
        .map(|figures| {
            let form = forms.get(figures.activity_id.as_str()).copied();
            PostRow { figures, form }
        })
        .collect()
}

/// Engagements per post by form, the form that earns most first (ties: more
/// posts first, then form order). Posts without a form or an engagement
/// figure are left out.
pub fn earnings_by_form(rows: &[PostRow]) -> Vec<FormEarnings> {
    let mut by_form: std::collections::BTreeMap<PostForm, (usize, u64)> = std::collections::BTreeMap::new();
    for row in rows {
        if let (Some(form), Some(engagements)) = (row.form, row.figures.engagements) {
            let entry = by_form.entry(form).or_default();
            entry.0 += 1;
            entry.1 += engagements;
        }
    }
    let mut earnings: Vec<FormEarnings> = by_form
        .into_iter()
        .map(|(form, (posts, engagements))| FormEarnings {
            form,
            posts,
            engagements,
            mean_engagements: engagements as f64 / posts as f64,
        })
        .collect();
    earnings.sort_by(|a, b| {
        b.mean_engagements
            .total_cmp(&a.mean_engagements)
            .then(b.posts.cmp(&a.posts))
            .then(a.form.cmp(&b.form))
    });
    earnings
}

/// The activity id in a LinkedIn post URL or URN
/// (`…/feed/update/urn:li:activity:7012345678901234567/`, `urn%3Ali%3Ashare%3A…`,
/// `urn:li:ugcPost:…`): the digits after the URN type, or `None`.
pub fn activity_id(url: &str) -> Option<String> {
    let decoded = url.replace("%3A", ":").replace("%3a", ":");
    ["urn:li:activity:", "urn:li:share:", "urn:li:ugcPost:"].iter().find_map(|prefix| {
        let start = decoded.find(prefix)? + prefix.len();
        let digits: String = decoded[start..].chars().take_while(char::is_ascii_digit).collect();
        (!digits.is_empty()).then_some(digits)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_scores_as_a_marker_and_one_event_per_unit() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
        let days =
            [DayFigures { date, impressions: Some(900), engagements: Some(3), new_followers: Some(0) }];
        let events: Vec<ActivityEvent> = day_events(&days).collect();
        let kinds: Vec<ActivityKind> = events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                ActivityKind::EngagementReported,
                ActivityKind::EngagementReceived,
                ActivityKind::EngagementReceived,
                ActivityKind::EngagementReceived,
                ActivityKind::FollowersReported,
            ]
        );
        assert_eq!(events[3].natural_key, "engagement_received:2026-03-04:2");
        assert!(events.iter().all(|e| e.day() == date));
    }

    #[test]
    fn follower_counts_run_back_and_forth_from_the_latest_total() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let figures =
            |d, n| DayFigures { date: day(d), impressions: None, engagements: None, new_followers: Some(n) };
        let days = [figures(1, 2), figures(2, 3), figures(3, 0), figures(4, 5)];
        let totals =
            [FollowerTotal { date: day(1), followers: 40 }, FollowerTotal { date: day(3), followers: 100 }];
        assert_eq!(
            follower_counts(&days, &totals),
            [(day(1), 97), (day(2), 100), (day(3), 100), (day(4), 105)]
        );
        assert!(follower_counts(&days, &[]).is_empty());
    }

    #[test]
    fn activity_ids_come_from_every_urn_form() {
        let id = Some("7012345678901234567".to_string());
        assert_eq!(
            activity_id("https://www.linkedin.com/feed/update/urn:li:activity:7012345678901234567/"),
            id
        );
        assert_eq!(
            activity_id("https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7012345678901234567"),
            id
        );
        assert_eq!(activity_id("urn:li:ugcPost:7012345678901234567"), id);
        assert_eq!(activity_id("https://example.com/post/1"), None);
    }

    #[test]
    fn posts_join_the_export_and_the_form_that_earns_most_comes_first() {
        let post = |id: &str, engagements| PostFigures {
            activity_id: id.into(),
            published: None,
            engagements: Some(engagements),
            impressions: None,
        };
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let export = |id: &str, form| ExportPost { activity_id: id.into(), date, form };
        let rows = join_posts(
            vec![post("1", 40), post("2", 10), post("3", 20), post("4", 99)],
            &[export("1", PostForm::Link), export("2", PostForm::Text), export("3", PostForm::Text)],
        );
        assert_eq!(rows[3].form, None, "not in the export");
        let earnings = earnings_by_form(&rows);
        assert_eq!(earnings.iter().map(|e| e.form).collect::<Vec<_>>(), [PostForm::Link, PostForm::Text]);
        assert_eq!((earnings[1].posts, earnings[1].engagements, earnings[1].mean_engagements), (2, 30, 15.0));
    }

    #[test]
    fn a_share_tells_its_form() {
        assert_eq!(PostForm::of_share("", ""), PostForm::Text);
        assert_eq!(PostForm::of_share("https://www.linkedin.com/pulse/why-x-ada/", ""), PostForm::Article);
        assert_eq!(PostForm::of_share("https://example.com/a", ""), PostForm::Link);
        assert_eq!(PostForm::of_share("", "https://media.licdn.com/x.png"), PostForm::Media);
    }
}
