//! Typed activity events: everything the member did (or had done to them) that can move the score.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What kind of activity an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// A post published (a share with commentary).
    Post,
    /// A long-form article published.
    Article,
    /// A repost of someone else's post, without commentary of one's own.
    Repost,
    /// A comment on a post.
    Comment,
    /// A reaction (like, celebrate, …) to a post or comment.
    Reaction,
    /// A vote in a poll.
    PollVote,
    /// A first-degree connection made; carries the counterpart's title and company.
    ConnectionMade,
    /// A connection request sent (still pending in the export).
    InvitationSent,
    /// A connection request received (still pending in the export).
    InvitationReceived,
    /// A message sent by the member.
    MessageSent,
    /// A message received by the member.
    MessageReceived,
    /// A search for people (or anything) on LinkedIn.
    PeopleSearch,
    /// A day on which the member signed in.
    DayActive,
    /// An endorsement given to a connection.
    EndorsementGiven,
    /// An endorsement received from a connection.
    EndorsementReceived,
    /// A recommendation written for someone.
    RecommendationGiven,
    /// A recommendation received.
    RecommendationReceived,
    /// A company followed.
    CompanyFollow,
    /// A member followed.
    MemberFollow,
    /// An event attended (or registered for).
    EventAttended,
    /// One engagement (reaction, comment, repost) that someone gave to one of
    /// the member's posts, from the creator analytics workbook.
    EngagementReceived,
    /// One new follower, from the creator analytics workbook.
    FollowerGained,
    /// A day for which the creator analytics workbook reports engagement
    /// (zero included): the engagement components have data in a window
    /// that holds one.
    EngagementReported,
    /// A day for which the creator analytics workbook reports new followers
    /// (zero included).
    FollowersReported,
}

impl ActivityKind {
    /// Every kind, in a stable order.
    pub const ALL: [ActivityKind; 24] = [
        ActivityKind::Post,
        ActivityKind::Article,
        ActivityKind::Repost,
        ActivityKind::Comment,
        ActivityKind::Reaction,
        ActivityKind::PollVote,
        ActivityKind::ConnectionMade,
        ActivityKind::InvitationSent,
        ActivityKind::InvitationReceived,
        ActivityKind::MessageSent,
        ActivityKind::MessageReceived,
        ActivityKind::PeopleSearch,
        ActivityKind::DayActive,
        ActivityKind::EndorsementGiven,
        ActivityKind::EndorsementReceived,
        ActivityKind::RecommendationGiven,
        ActivityKind::RecommendationReceived,
        ActivityKind::CompanyFollow,
        ActivityKind::MemberFollow,
        ActivityKind::EventAttended,
        ActivityKind::EngagementReceived,
        ActivityKind::FollowerGained,
        ActivityKind::EngagementReported,
        ActivityKind::FollowersReported,
    ];

    /// The stable snake_case name used in storage and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Post => "post",
            ActivityKind::Article => "article",
            ActivityKind::Repost => "repost",
            ActivityKind::Comment => "comment",
            ActivityKind::Reaction => "reaction",
            ActivityKind::PollVote => "poll_vote",
            ActivityKind::ConnectionMade => "connection_made",
            ActivityKind::InvitationSent => "invitation_sent",
            ActivityKind::InvitationReceived => "invitation_received",
            ActivityKind::MessageSent => "message_sent",
            ActivityKind::MessageReceived => "message_received",
            ActivityKind::PeopleSearch => "people_search",
            ActivityKind::DayActive => "day_active",
            ActivityKind::EndorsementGiven => "endorsement_given",
            ActivityKind::EndorsementReceived => "endorsement_received",
            ActivityKind::RecommendationGiven => "recommendation_given",
            ActivityKind::RecommendationReceived => "recommendation_received",
            ActivityKind::CompanyFollow => "company_follow",
            ActivityKind::MemberFollow => "member_follow",
            ActivityKind::EventAttended => "event_attended",
            ActivityKind::EngagementReceived => "engagement_received",
            ActivityKind::FollowerGained => "follower_gained",
            ActivityKind::EngagementReported => "engagement_reported",
            ActivityKind::FollowersReported => "followers_reported",
        }
    }

    /// Whether this kind only ever enters a rate metric as its denominator
    /// (a message awaiting a reply, a request awaiting acceptance).
    ///
    /// Such events can lower a rate, so they are not "positive activity": every
    /// other kind can only raise the score.
    pub fn is_rate_denominator(self) -> bool {
        matches!(self, ActivityKind::MessageReceived | ActivityKind::InvitationSent)
    }

    /// Whether this kind only says that data exists for its day (a day the
    /// creator analytics workbook covers). Such an event can turn a component
    /// from "no data" into a measured zero, which takes back the points the
    /// pillar's other components were lent, so it is not positive activity either.
    pub fn is_data_coverage(self) -> bool {
        matches!(self, ActivityKind::EngagementReported | ActivityKind::FollowersReported)
    }

    /// Whether an event of this kind can lower a pillar: a rate denominator
    /// or a data-coverage marker. Every other kind can only raise the score.
    pub fn can_lower_a_pillar(self) -> bool {
        self.is_rate_denominator() || self.is_data_coverage()
    }

    /// Whether the member did something (as opposed to having something
    /// done to them, or a day a source covers): what makes an active day.
    pub fn is_by_member(self) -> bool {
        !(self.is_creator_analytics()
            || matches!(
                self,
                ActivityKind::MessageReceived
                    | ActivityKind::InvitationReceived
                    | ActivityKind::EndorsementReceived
                    | ActivityKind::RecommendationReceived
            ))
    }

    /// Whether the kind comes from the creator analytics workbook rather
    /// than the data export. These say nothing of the member's own activity,
    /// so they never move the member's data horizon.
    pub fn is_creator_analytics(self) -> bool {
        matches!(
            self,
            ActivityKind::EngagementReceived
                | ActivityKind::FollowerGained
                | ActivityKind::EngagementReported
                | ActivityKind::FollowersReported
        )
    }
}

impl fmt::Display for ActivityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not an [`ActivityKind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown activity kind {0:?}")]
pub struct UnknownActivityKind(pub String);

impl FromStr for ActivityKind {
    type Err = UnknownActivityKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ActivityKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownActivityKind(s.to_string()))
    }
}

/// A key written as exactly 32 lowercase hex digits (the shape of every
/// pseudonym and natural key the importer makes) as the 128-bit number it
/// spells; `None` for any other text. Lowercase only, so that two different
/// texts never give the same number. The engine keys conversations by it and
/// the store keeps such keys as 16 bytes.
pub fn digest_from_hex(text: &str) -> Option<u128> {
    if text.len() != 32 {
        return None;
    }
    text.bytes().try_fold(0u128, |value, digit| {
        let nibble = match digit {
            b'0'..=b'9' => digit - b'0',
            b'a'..=b'f' => digit - b'a' + 10,
            _ => return None,
        };
        Some((value << 4) | u128::from(nibble))
    })
}

/// A pseudonymous key: a keyed hash (hex) that stands for a person or a
/// conversation without naming it. The key is per database, so keys from two
/// databases cannot be joined.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PseudonymKey(pub String);

impl PseudonymKey {
    /// The hex text of the key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PseudonymKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One thing that happened, at a UTC instant.
///
/// Events never carry message bodies, subjects, e-mail addresses, phone
/// numbers, IP addresses or counterpart names: counterparts and conversations
/// are [`PseudonymKey`]s. A connection's job title and company are kept because
/// the decision-maker and ideal-customer components need them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEvent {
    /// When it happened (UTC).
    pub at: DateTime<Utc>,
    /// What happened.
    pub kind: ActivityKind,
    /// The other person, pseudonymised, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterpart: Option<PseudonymKey>,
    /// The conversation, pseudonymised, for messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<PseudonymKey>,
    /// The counterpart's job title (connections, recommendations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterpart_title: Option<String>,
    /// The counterpart's company (connections, recommendations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterpart_company: Option<String>,
    /// Personal touch: an invitation with a note, a post with commentary of one's own.
    #[serde(default)]
    pub personalised: bool,
    /// A stable identity of the source row (a hash of what the row says), so
    /// that importing an overlapping export twice stores each event once.
    pub natural_key: String,
}

impl ActivityEvent {
    /// A bare event of `kind` at `at`; other fields empty and the natural key
    /// derived from kind and time (callers with richer sources set their own).
    pub fn new(kind: ActivityKind, at: DateTime<Utc>) -> Self {
        ActivityEvent {
            at,
            kind,
            counterpart: None,
            conversation: None,
            counterpart_title: None,
            counterpart_company: None,
            personalised: false,
            natural_key: format!("{}@{}", kind.as_str(), at.timestamp()),
        }
    }

    /// The UTC calendar day of the event, the unit the score moves in.
    pub fn day(&self) -> NaiveDate {
        self.at.date_naive()
    }
}
