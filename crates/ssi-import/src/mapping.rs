//! How each row of each event file becomes an [`ActivityEvent`] (or is skipped), without keeping any private value.

use crate::catalog::FileKind;
use crate::dates::parse_timestamp;
use crate::error::SkipReason;
use crate::pseudonym::{Pseudonymizer, RowDigest, normalise_name, normalise_profile_url};
use crate::table::Row;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use ssi_core::{ActivityEvent, ActivityKind, PseudonymKey};
use std::collections::HashSet;

/// What is known of the member, to tell their own messages and invitations
/// from other people's. Held in memory only, never reported.
#[derive(Debug, Clone, Default)]
pub(crate) struct MemberIdentity {
    /// Normalised full name (see [`normalise_name`]).
    pub(crate) name: Option<String>,
    /// Other normalised names the member goes by in this export (the name
    /// given with `--member`, a shorter form in messages' FROM, the sender
    /// of outgoing invitations).
    pub(crate) other_names: Vec<String>,
    /// Normalised own profile URL (see [`normalise_profile_url`]).
    pub(crate) url: Option<String>,
    /// The profile URL as the export writes it.
    pub(crate) raw_url: Option<String>,
    /// Whether nothing tells which messages are the member's (no URL, and
    /// no known name taking part in the conversations): messages whose
    /// direction is not written out are then skipped, not guessed.
    pub(crate) undecided: bool,
}

impl MemberIdentity {
    /// Whether the person named `name` with profile `url` is the member.
    /// `None` when nothing is known to compare with.
    fn is_member(&self, url: &str, name: &str) -> Option<bool> {
        let url = normalise_profile_url(url);
        let name = normalise_name(name);
        let url_match = match (&self.url, url.is_empty()) {
            (Some(own), false) => Some(*own == url),
            _ => None,
        };
        let name_match = match (&self.name, name.is_empty()) {
            (_, true) => None,
            (Some(own), false) => Some(*own == name || self.other_names.contains(&name)),
            (None, false) if !self.other_names.is_empty() => Some(self.other_names.contains(&name)),
            (None, false) => None,
        };
        match (url_match, name_match) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), _) | (_, Some(false)) => Some(false),
            (None, None) => None,
        }
    }

    /// Whether the member is among the recipients of a message row (its
    /// `RECIPIENT PROFILE URLS` or `TO` names); `None` when nothing is known
    /// to compare with or the row names no recipient.
    fn is_recipient(&self, row: &Row<'_>) -> Option<bool> {
        let urls = row.get("RECIPIENT PROFILE URLS");
        let to = row.get("TO");
        let by_url = urls.split([';', ',']).map(|url| self.is_member(url, "")).fold(None, any_true);
        // A name may itself hold a comma ("Femi O SPHRi, CPHR"): the whole cell first.
        let by_name = std::iter::once(to)
            .chain(to.split([',', ';']))
            .map(|name| self.is_member("", name))
            .fold(None, any_true);
        any_true(by_url, by_name)
    }
}

/// `Some(true)` if either is, else `Some(false)` if either is known, else `None`.
fn any_true(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), _) | (_, Some(false)) => Some(false),
        (None, None) => None,
    }
}

/// Why a row is skipped: the column at fault (LinkedIn's name) and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Skip {
    pub(crate) field: Option<&'static str>,
    pub(crate) reason: SkipReason,
}

impl Skip {
    fn new(field: &'static str, reason: SkipReason) -> Self {
        Skip { field: Some(field), reason }
    }
}

/// A mapped row: an event (natural key still to be set from the digest and
/// its occurrence) or nothing (a second login on the same day).
pub(crate) type Mapped = Result<Option<(ActivityEvent, RowDigest)>, Skip>;

/// Events before this are impossible: LinkedIn opened in May 2003.
fn earliest() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2003, 1, 1, 0, 0, 0).single().unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn latest() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2101, 1, 1, 0, 0, 0).single().unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Checks that a parsed instant is plausible.
pub(crate) fn plausible(at: DateTime<Utc>) -> bool {
    at >= earliest() && at < latest()
}

/// The timestamp in `column`, or why there is none.
fn when(row: &Row<'_>, column: &'static str) -> Result<DateTime<Utc>, Skip> {
    let text = row.get(column);
    if text.is_empty() {
        return Err(Skip::new(column, SkipReason::BlankField));
    }
    let at = parse_timestamp(text).ok_or(Skip::new(column, SkipReason::UnparseableDate))?;
    if !plausible(at) {
        return Err(Skip::new(column, SkipReason::DateOutOfRange));
    }
    Ok(at)
}

fn bare(kind: ActivityKind, at: DateTime<Utc>) -> ActivityEvent {
    ActivityEvent {
        at,
        kind,
        counterpart: None,
        conversation: None,
        counterpart_title: None,
        counterpart_company: None,
        personalised: false,
        natural_key: String::new(),
    }
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// `true`, `yes`, `1` in a boolean column.
fn is_true(text: &str) -> bool {
    matches!(text.trim().to_ascii_lowercase().as_str(), "true" | "yes" | "1" | "y")
}

/// The commentary of a share as the member wrote it. LinkedIn sometimes
/// leaves it wrapped in quotes, with each line break written as `"\n"`
/// (quote, newline, quote) and quotes doubled; a commentary of nothing but
/// quotes and blanks is empty (a plain repost).
pub(crate) fn clean_commentary(raw: &str) -> String {
    let mut text = raw.trim();
    if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
        text = &text[1..text.len() - 1];
    }
    let cleaned = text.replace("\"\n\"", "\n").replace("\"\\n\"", "\n").replace("\"\"", "\"");
    if cleaned.chars().all(|c| c.is_whitespace() || c == '"') {
        return String::new();
    }
    cleaned.trim().to_string()
}

/// Turns rows of one file into events.
pub(crate) struct Mapper<'c> {
    kind: FileKind,
    pseudo: &'c Pseudonymizer,
    identity: &'c MemberIdentity,
    /// Days already given a `DayActive` event (Logins has one row per sign-in).
    active_days: HashSet<NaiveDate>,
    /// The previous message row's keys: messages.csv runs conversation by
    /// conversation, so consecutive rows mostly share them, and each costs
    /// an HMAC and a normalisation.
    last_conversation: LastOf<PseudonymKey>,
    last_counterpart: LastOf<Option<PseudonymKey>>,
    last_sender: LastOf<String>,
}

/// The value computed from the previous call's inputs, reused while the
/// inputs stay the same.
struct LastOf<V> {
    inputs: String,
    scratch: String,
    value: Option<V>,
}

impl<V> Default for LastOf<V> {
    fn default() -> Self {
        LastOf { inputs: String::new(), scratch: String::new(), value: None }
    }
}

impl<V: Clone> LastOf<V> {
    /// `compute()`, or its previous value when `parts` are the previous call's.
    fn get(&mut self, parts: &[&str], compute: impl FnOnce() -> V) -> V {
        self.scratch.clear();
        for part in parts {
            // Length-prefixed, so that different splits never read the same.
            self.scratch.push_str(&part.len().to_string());
            self.scratch.push(':');
            self.scratch.push_str(part);
        }
        if let Some(value) = &self.value
            && self.scratch == self.inputs
        {
            return value.clone();
        }
        let value = compute();
        std::mem::swap(&mut self.inputs, &mut self.scratch);
        self.value = Some(value.clone());
        value
    }
}

impl<'c> Mapper<'c> {
    pub(crate) fn new(kind: FileKind, pseudo: &'c Pseudonymizer, identity: &'c MemberIdentity) -> Self {
        Mapper {
            kind,
            pseudo,
            identity,
            active_days: HashSet::new(),
            last_conversation: LastOf::default(),
            last_counterpart: LastOf::default(),
            last_sender: LastOf::default(),
        }
    }

    fn digest(&self, parts: &[&str]) -> RowDigest {
        self.pseudo.row_digest(self.kind.as_str(), parts)
    }

    fn done(&self, event: ActivityEvent, parts: &[&str]) -> Mapped {
        let digest = self.digest(parts);
        Ok(Some((event, digest)))
    }

    /// Maps one row of this mapper's file.
    pub(crate) fn map(&mut self, row: &Row<'_>) -> Mapped {
        match self.kind {
            FileKind::Shares => self.share(row),
            FileKind::InstantReposts => self.simple(row, ActivityKind::Repost, "Date", &["Link"]),
            FileKind::Comments => self.comment(row),
            FileKind::Reactions => self.simple(row, ActivityKind::Reaction, "Date", &["Type", "Link"]),
            FileKind::Votes => self.simple(row, ActivityKind::PollVote, "Date", &["Link", "OptionText"]),
            FileKind::SearchQueries => {
                self.simple(row, ActivityKind::PeopleSearch, "Time", &["Search Query"])
            }
            FileKind::Connections => self.connection(row),
            FileKind::Invitations => self.invitation(row),
            FileKind::Messages => self.message(row),
            FileKind::Logins => self.login(row),
            FileKind::EndorsementsReceived => self.endorsement(row, true),
            FileKind::EndorsementsGiven => self.endorsement(row, false),
            FileKind::RecommendationsReceived => {
                self.recommendation(row, ActivityKind::RecommendationReceived)
            }
            FileKind::RecommendationsGiven => self.recommendation(row, ActivityKind::RecommendationGiven),
            FileKind::CompanyFollows => self.company_follow(row),
            FileKind::MemberFollows => self.member_follow(row),
            FileKind::Events => self.event_attended(row),
            // Profile files and articles are not read through a mapper.
            _ => Ok(None),
        }
    }

    /// A file whose rows are a timestamp and a few identifying columns.
    fn simple(&self, row: &Row<'_>, kind: ActivityKind, date: &'static str, identifying: &[&str]) -> Mapped {
        let at = when(row, date)?;
        let stamp = at.timestamp().to_string();
        let mut parts = vec![stamp.as_str()];
        parts.extend(identifying.iter().map(|column| row.get(column)));
        self.done(bare(kind, at), &parts)
    }

    /// A comment; a record with neither a date nor a link is the next line of
    /// the comment before it (a multi-line comment written without quotes):
    /// not a row of its own, and not an error.
    fn comment(&self, row: &Row<'_>) -> Mapped {
        let date = row.get("Date");
        let link = row.get("Link");
        if !date.is_empty() && parse_timestamp(date).is_none() && !link.contains("://") {
            return Err(Skip::new("Date", SkipReason::ContinuationLine));
        }
        self.simple(row, ActivityKind::Comment, "Date", &["Link", "Message"])
    }

    fn share(&self, row: &Row<'_>) -> Mapped {
        let at = when(row, "Date")?;
        let commentary = clean_commentary(row.get("ShareCommentary"));
        let kind = if commentary.is_empty() { ActivityKind::Repost } else { ActivityKind::Post };
        let mut event = bare(kind, at);
        event.personalised = kind == ActivityKind::Post;
        let stamp = at.timestamp().to_string();
        let link = row.get("ShareLink");
        if link.is_empty() {
            self.done(event, &[&stamp, "", &commentary, row.get("SharedUrl"), row.get("MediaUrl")])
        } else {
            self.done(event, &[&stamp, link])
        }
    }

    fn connection(&self, row: &Row<'_>) -> Mapped {
        let at = when(row, "Connected On")?;
        let name = format!("{} {}", row.get("First Name"), row.get("Last Name"));
        let url = row.get("URL");
        // Members who hide their details appear with nothing but the date:
        // still a connection (network size, acceptance), without a counterpart or title.
        let counterpart = self.pseudo.person(url, &name);
        let mut event = bare(ActivityKind::ConnectionMade, at);
        if counterpart.is_some() {
            event.counterpart_title = non_empty(row.get("Position"));
            event.counterpart_company = non_empty(row.get("Company"));
        }
        event.counterpart = counterpart;
        // Keyed by name, not URL: older archives have no URL column, and the
        // same connection must get the same key from either layout.
        let who = normalise_name(&name);
        let who = if who.is_empty() { normalise_profile_url(url) } else { who };
        self.done(event, &[&at.timestamp().to_string(), &who])
    }

    fn invitation(&self, row: &Row<'_>) -> Mapped {
        let at = when(row, "Sent At")?;
        let (from, to) = (row.get("From"), row.get("To"));
        let (inviter_url, invitee_url) = (row.get("inviterProfileUrl"), row.get("inviteeProfileUrl"));
        let sent = match row.get("Direction").to_ascii_uppercase().as_str() {
            "OUTGOING" | "SENT" => true,
            "INCOMING" | "RECEIVED" => false,
            _ => match (self.identity.is_member(inviter_url, from), self.identity.is_member(invitee_url, to))
            {
                (Some(true), _) => true,
                (_, Some(true)) => false,
                _ => return Err(Skip::new("Direction", SkipReason::UnknownDirection)),
            },
        };
        let (kind, counterpart) = if sent {
            (ActivityKind::InvitationSent, self.pseudo.person(invitee_url, to))
        } else {
            (ActivityKind::InvitationReceived, self.pseudo.person(inviter_url, from))
        };
        let mut event = bare(kind, at);
        event.counterpart = counterpart;
        event.personalised = !row.get("Message").is_empty();
        self.done(
            event,
            &[&at.timestamp().to_string(), kind.as_str(), &normalise_name(from), &normalise_name(to)],
        )
    }

    fn message(&mut self, row: &Row<'_>) -> Mapped {
        if is_true(row.get("IS MESSAGE DRAFT")) {
            return Err(Skip::new("IS MESSAGE DRAFT", SkipReason::DraftMessage));
        }
        if is_true(row.get("IS CONVERSATION DRAFT")) {
            return Err(Skip::new("IS CONVERSATION DRAFT", SkipReason::DraftMessage));
        }
        let at = when(row, "DATE")?;
        // Blank in the 2018 layout, which has no such column: the counterpart
        // then stands for the conversation (as the sweep does for any message without one).
        let conversation_id = row.get("CONVERSATION ID");
        let (sender_url, from) = (row.get("SENDER PROFILE URL"), row.get("FROM"));
        let written = match row.get("DIRECTION").to_ascii_uppercase().as_str() {
            "OUTGOING" | "SENT" | "OUTBOUND" => Some(true),
            "INCOMING" | "RECEIVED" | "INBOUND" => Some(false),
            _ => None,
        };
        let sent = match written {
            Some(sent) => sent,
            // No sender at all: received if the member is a recipient.
            None if sender_url.is_empty() && from.is_empty() => match self.identity.is_recipient(row) {
                Some(true) if !self.identity.undecided => false,
                _ => return Err(Skip::new("FROM", SkipReason::UnknownDirection)),
            },
            None => match self.identity.is_member(sender_url, from).filter(|_| !self.identity.undecided) {
                Some(sent) => sent,
                // Older archives filed the member's own messages under SENT.
                None if row.get("FOLDER").eq_ignore_ascii_case("sent") => true,
                None => return Err(Skip::new("FROM", SkipReason::UnknownDirection)),
            },
        };
        let (pseudo, identity) = (self.pseudo, self.identity);
        let (kind, counterpart) = if sent {
            let (recipients, to) = (row.get("RECIPIENT PROFILE URLS"), row.get("TO"));
            let counterpart = self
                .last_counterpart
                .get(&["sent", sender_url, recipients, to], || recipients_of(pseudo, identity, row));
            (ActivityKind::MessageSent, counterpart)
        } else {
            let counterpart = self
                .last_counterpart
                .get(&["received", sender_url, from], || pseudo.person(sender_url, from));
            (ActivityKind::MessageReceived, counterpart)
        };
        let mut event = bare(kind, at);
        event.counterpart = counterpart;
        event.conversation = (!conversation_id.is_empty())
            .then(|| self.last_conversation.get(&[conversation_id], || pseudo.conversation(conversation_id)));
        let sender = self.last_sender.get(&[sender_url, from], || match normalise_profile_url(sender_url) {
            url if !url.is_empty() => url,
            _ => format!("name:{}", normalise_name(from)),
        });
        // The body is hashed (two messages of one second differ by it), never kept.
        self.done(event, &[conversation_id, &at.timestamp().to_string(), &sender, row.get("CONTENT")])
    }
}

/// The other party of a sent message: one recipient by URL, several as a
/// group key, else the `TO` names. The member (known URL, or the sender of
/// this very message) is never their own recipient.
fn recipients_of(pseudo: &Pseudonymizer, identity: &MemberIdentity, row: &Row<'_>) -> Option<PseudonymKey> {
    let own = identity.url.as_deref().unwrap_or("");
    let sender = normalise_profile_url(row.get("SENDER PROFILE URL"));
    let mut urls: Vec<String> = row
        .get("RECIPIENT PROFILE URLS")
        .split([';', ','])
        .map(normalise_profile_url)
        .filter(|url| !url.is_empty() && url != own && *url != sender)
        .collect();
    urls.sort_unstable();
    urls.dedup();
    match urls.len() {
        0 => pseudo.person("", row.get("TO")),
        1 => pseudo.person(&urls[0], ""),
        _ => Some(pseudo.group(&urls)),
    }
}

impl Mapper<'_> {
    fn login(&mut self, row: &Row<'_>) -> Mapped {
        let at = when(row, "Login Date")?;
        let day = at.date_naive();
        if !self.active_days.insert(day) {
            return Ok(None);
        }
        let midnight = day.and_time(NaiveTime::MIN).and_utc();
        self.done(bare(ActivityKind::DayActive, midnight), &[&day.to_string()])
    }

    fn endorsement(&self, row: &Row<'_>, received: bool) -> Mapped {
        let (first, last, url, kind) = if received {
            (
                "Endorser First Name",
                "Endorser Last Name",
                "Endorser Public Url",
                ActivityKind::EndorsementReceived,
            )
        } else {
            (
                "Endorsee First Name",
                "Endorsee Last Name",
                "Endorsee Public Url",
                ActivityKind::EndorsementGiven,
            )
        };
        if received && row.get("Endorsement Status").eq_ignore_ascii_case("rejected") {
            return Err(Skip::new("Endorsement Status", SkipReason::RejectedEndorsement));
        }
        let at = when(row, "Endorsement Date")?;
        let name = format!("{} {}", row.get(first), row.get(last));
        let mut event = bare(kind, at);
        event.counterpart = self.pseudo.person(row.get(url), &name);
        self.done(event, &[&at.timestamp().to_string(), row.get("Skill Name"), &normalise_name(&name)])
    }

    fn recommendation(&self, row: &Row<'_>, kind: ActivityKind) -> Mapped {
        let at = when(row, "Creation Date")?;
        let name = format!("{} {}", row.get("First Name"), row.get("Last Name"));
        let mut event = bare(kind, at);
        event.counterpart = self.pseudo.person("", &name);
        event.counterpart_title = non_empty(row.get("Job Title"));
        event.counterpart_company = non_empty(row.get("Company"));
        self.done(event, &[&at.timestamp().to_string(), &normalise_name(&name), row.get("Text")])
    }

    fn company_follow(&self, row: &Row<'_>) -> Mapped {
        let organisation = row.get("Organization");
        if organisation.is_empty() {
            return Err(Skip::new("Organization", SkipReason::BlankField));
        }
        let at = when(row, "Followed On")?;
        let mut event = bare(ActivityKind::CompanyFollow, at);
        event.counterpart = Some(self.pseudo.organisation(organisation));
        self.done(event, &[&at.timestamp().to_string(), &normalise_name(organisation)])
    }

    fn member_follow(&self, row: &Row<'_>) -> Mapped {
        let name = row.get("FullName");
        let at = when(row, "Date")?;
        let counterpart =
            self.pseudo.person("", name).ok_or(Skip::new("FullName", SkipReason::BlankField))?;
        let mut event = bare(ActivityKind::MemberFollow, at);
        event.counterpart = Some(counterpart);
        self.done(event, &[&at.timestamp().to_string(), &normalise_name(name)])
    }

    fn event_attended(&self, row: &Row<'_>) -> Mapped {
        let status = row.get("Status").to_ascii_lowercase();
        if ["declin", "not attending", "not going", "cancel", "withdr", "relinquish"]
            .iter()
            .any(|word| status.contains(word))
        {
            return Err(Skip::new("Status", SkipReason::DeclinedEvent));
        }
        let name = row.get("Event Name");
        if name.is_empty() {
            return Err(Skip::new("Event Name", SkipReason::BlankField));
        }
        // Real files hold a range ("Sep 23, 2022 12:00 PM - Sep 23, 2022 12:20 PM"): read by its start.
        let at = match when(row, "Event Time") {
            Ok(at) => at,
            Err(skip) => {
                let text = row.get("Event Time");
                let start = text.split(" - ").next().unwrap_or("");
                match parse_timestamp(start).filter(|at| plausible(*at)) {
                    Some(at) if start.len() < text.len() => at,
                    _ => return Err(skip),
                }
            }
        };
        self.done(bare(ActivityKind::EventAttended, at), &[&at.timestamp().to_string(), name])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn last_of_reuses_a_value_only_for_the_same_inputs() {
        let mut last = LastOf::default();
        let mut computed = 0;
        let mut get = |parts: &[&str]| {
            last.get(parts, || {
                computed += 1;
                parts.concat()
            })
        };
        assert_eq!(get(&["ab", "c"]), "abc");
        assert_eq!(get(&["ab", "c"]), "abc");
        // The same characters split differently are other inputs.
        assert_eq!(get(&["a", "bc"]), "abc");
        assert_eq!(get(&["ab", "c"]), "abc");
        assert_eq!(computed, 3);
    }

    use super::*;

    #[test]
    fn commentary_cleaning_matches_linkedin_quirks() {
        assert_eq!(clean_commentary(""), "");
        assert_eq!(clean_commentary("\"\""), "");
        assert_eq!(clean_commentary("\"\n\""), "");
        assert_eq!(clean_commentary("\"First line\"\n\"Second line\""), "First line\nSecond line");
        assert_eq!(clean_commentary("\"Say \"\"hi\"\"\""), "Say \"hi\"");
        assert_eq!(clean_commentary("Plain text"), "Plain text");
    }

    #[test]
    fn identity_matches_by_url_or_name() {
        let me = MemberIdentity {
            name: Some("ada lovelace".into()),
            other_names: vec!["ada".into()],
            url: Some("linkedin.com/in/ada".into()),
            raw_url: None,
            undecided: false,
        };
        assert_eq!(me.is_member("https://www.linkedin.com/in/ada/", "Someone"), Some(true));
        assert_eq!(me.is_member("", "Ada  Lovelace"), Some(true));
        assert_eq!(me.is_member("https://www.linkedin.com/in/bob", "Bob"), Some(false));
        assert_eq!(me.is_member("", "Ada"), Some(true));
        assert_eq!(MemberIdentity::default().is_member("x", "y"), None);
    }
}
