//! messages.csv and the two assistant-chat files that share its layout.
//!
//! Conversations are planned first (who, when, how many messages: a few bytes per message), then
//! written newest first with their text made up on the fly, so even the heavy archive never holds
//! message bodies in memory.

use super::Ctx;
use super::archive::{Archive, CsvSink, Encoding, Quoting};
use super::calendar::{self, Pace};
use super::people::{ANCHOR_NAMES, Contact, Lang, Person, PersonFactory, is_decision_maker_title};
use super::rng::Rng;
use super::text::{self, MessageContext, MessageRole};
use anyhow::Result;
use chrono::{NaiveDateTime, NaiveTime, TimeDelta, Timelike};
use std::cmp::Reverse;
use std::io::{Seek, Write};

/// What kind of thread a conversation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// One-to-one with a connection.
    Direct,
    /// A stranger's message request or sales pitch.
    Pitch,
    /// A recruiter's InMail.
    InMail,
    /// A group thread with several connections.
    Group,
}

/// Who sends a message: the member, or the participant with that index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Speaker {
    Member,
    Other(usize),
}

/// Someone the member talks to, as messages.csv shows them.
#[derive(Debug, Clone)]
struct Participant {
    display_name: String,
    first: String,
    url: String,
    company: String,
    lang: Lang,
}

impl Participant {
    fn from_person(person: &Person) -> Participant {
        Participant {
            display_name: person.full_name(),
            first: person.first.clone(),
            url: person.url.clone(),
            company: person.company.clone(),
            lang: person.lang,
        }
    }
}

#[derive(Debug, Clone)]
struct PlannedMessage {
    at: NaiveDateTime,
    speaker: Speaker,
    draft: bool,
    attachment: bool,
}

#[derive(Debug, Clone)]
struct Conversation {
    id: String,
    kind: Kind,
    participants: Vec<Participant>,
    title: String,
    subject: String,
    folder: &'static str,
    messages: Vec<PlannedMessage>,
    conversation_draft: bool,
    text_seed: u64,
}

impl Conversation {
    fn last_at(&self) -> NaiveDateTime {
        self.messages.iter().map(|m| m.at).max().unwrap_or_default()
    }
}

/// Writes messages.csv and, in the current style, the assistant files.
pub(crate) fn write<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut conversations = plan(ctx);
    conversations.sort_by_key(|c| (Reverse(c.last_at()), c.id.clone()));
    let name = if ctx.complete_2018() { "Messages.csv" } else { "messages.csv" };
    let mut file = archive.csv(name, Encoding::Utf8, Quoting::Rfc4180)?;
    write_header(ctx, &mut file)?;
    let member = &ctx.network.member;
    let member_party = Participant::from_person(&member.person);
    for conversation in &conversations {
        write_conversation(ctx, &mut file, conversation, &member_party)?;
    }
    file.finish()?;
    if ctx.current() {
        write_assistant(ctx, archive, "guide_messages.csv", "Career Guide", GUIDE_LINES)?;
        write_assistant(ctx, archive, "learning_coach_messages.csv", "Learning Coach", COACH_LINES)?;
    }
    Ok(())
}

fn write_header<W: Write + Seek>(ctx: &Ctx<'_>, file: &mut CsvSink<'_, W>) -> Result<()> {
    if ctx.complete_2018() {
        return file.header(&["From", "To", "Date", "Subject", "Content", "Direction", "Folder"], false);
    }
    if ctx.current() {
        file.header(
            &[
                "CONVERSATION ID",
                "CONVERSATION TITLE",
                "FROM",
                "SENDER PROFILE URL",
                "TO",
                "RECIPIENT PROFILE URLS",
                "DATE",
                "SUBJECT",
                "CONTENT",
                "FOLDER",
                "ATTACHMENTS",
                "IS MESSAGE DRAFT",
                "IS CONVERSATION DRAFT",
            ],
            true,
        )
    } else {
        file.header(
            &[
                "CONVERSATION ID",
                "CONVERSATION TITLE",
                "FROM",
                "SENDER PROFILE URL",
                "TO",
                "DATE",
                "SUBJECT",
                "CONTENT",
                "FOLDER",
            ],
            false,
        )
    }
}

/// Decides every conversation: kind, people, message count, and when each message was sent.
fn plan(ctx: &Ctx<'_>) -> Vec<Conversation> {
    let mut rng = ctx.rng("messages");
    let volume = &ctx.opts.volume;
    let timeline = ctx.timeline;
    let contacts = &ctx.network.contacts;
    let count = volume.conversations.max(1);
    let target = volume.messages.max(count);
    let draft_only = if ctx.current() { volume.conversation_drafts.min(count.saturating_sub(1)) } else { 0 };

    let kinds: Vec<Kind> = (0..count)
        .map(|i| {
            if i < draft_only {
                Kind::Direct
            } else {
                *rng.pick_weighted(&[
                    (Kind::Direct, 74),
                    (Kind::Pitch, 10),
                    (Kind::InMail, 10),
                    (Kind::Group, 6),
                ])
            }
        })
        .collect();
    let average = target as f64 / count as f64;
    let mut lengths: Vec<usize> = kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            if i < draft_only {
                return 1;
            }
            match kind {
                Kind::Direct => 1 + rng.geometric(average * 1.08 - 1.0),
                Kind::Pitch => 1 + rng.geometric(0.5),
                Kind::InMail => 1 + rng.geometric(0.8),
                Kind::Group => 2 + rng.geometric(average * 1.6),
            }
        })
        .collect();
    // Make the total exact: grow or shrink random conversations (never below one message).
    let mut total: usize = lengths.iter().sum();
    let adjustable = count - draft_only;
    while total < target && adjustable > 0 {
        let i = draft_only + rng.index(adjustable);
        lengths[i] += 1;
        total += 1;
    }
    while total > target && adjustable > 0 {
        let i = draft_only + rng.index(adjustable);
        if lengths[i] > 1 {
            lengths[i] -= 1;
            total -= 1;
        }
    }

    let member_starts = timeline.sampler(Pace { before: 0.35, after: 1.7, bursty: true });
    let others_start = timeline.sampler(Pace { before: 1.0, after: 1.3, bursty: true });
    let mut used = vec![false; contacts.len()];
    let mut strangers = PersonFactory::strangers();
    let mojibake_index = ctx.network.find(ANCHOR_NAMES[0].0, ANCHOR_NAMES[0].1);
    let mut mojibake_contact = mojibake_index.filter(|_| draft_only < count);
    if let Some(index) = mojibake_contact {
        // Reserved for the first real one-to-one conversation.
        used[index] = true;
    }
    let mut conversations = Vec::with_capacity(count);

    for (i, (kind, length)) in kinds.into_iter().zip(lengths).enumerate() {
        let is_draft = i < draft_only;
        let member_first = match kind {
            _ if is_draft => true,
            Kind::Direct => rng.chance(0.5),
            Kind::Group => rng.chance(0.3),
            Kind::Pitch | Kind::InMail => false,
        };
        let mut start = if is_draft {
            calendar::moment_between(&mut rng, timeline.end() - TimeDelta::days(30), timeline.end())
        } else if member_first {
            member_starts.moment(&mut rng)
        } else {
            others_start.moment(&mut rng)
        };
        let mut participants = Vec::new();
        match kind {
            Kind::Direct => {
                let prefer_decision_maker =
                    member_first && rng.chance(0.3 + 0.5 * timeline.progress_at(start));
                let chosen = match mojibake_contact.take() {
                    Some(index) if !is_draft => Some(index),
                    other => {
                        mojibake_contact = other;
                        pick_contact(&mut rng, contacts, &used, start, prefer_decision_maker)
                    }
                };
                let index = chosen.unwrap_or_else(|| rng.index(contacts.len()));
                used[index] = true;
                let contact = &contacts[index];
                if contact.connected_at >= start {
                    // A chat that starts right after connecting.
                    start = contact.connected_at + TimeDelta::minutes(rng.between(20, 4 * 24 * 60));
                }
                let mut participant = Participant::from_person(&contact.person);
                if Some(index) == mojibake_index {
                    // Real archives sometimes show UTF-8 names decoded as Windows-1252.
                    participant.display_name = mojibake(&participant.display_name);
                }
                participants.push(participant);
            }
            Kind::Group => {
                let size = rng.between(2, 4) as usize;
                for _ in 0..size {
                    let contact = &contacts[rng.index(contacts.len())];
                    participants.push(Participant::from_person(&contact.person));
                }
            }
            Kind::Pitch => {
                let title = *rng.pick(&[
                    "Account Executive",
                    "Sales Development Representative",
                    "Founder",
                    "Partner Manager",
                ]);
                participants.push(Participant::from_person(&strangers.with_title(&mut rng, title)));
            }
            Kind::InMail => {
                let title = *rng.pick(&[
                    "Senior Technical Recruiter",
                    "Executive Search Consultant",
                    "Talent Acquisition Partner",
                ]);
                participants.push(Participant::from_person(&strangers.with_title(&mut rng, title)));
            }
        }

        let first_speaker = if member_first { Speaker::Member } else { Speaker::Other(0) };
        let messages = message_times(&mut rng, ctx, kind, participants.len(), start, first_speaker, length);
        let text_seed = rng.next_u64();
        let subject_ctx = MessageContext {
            role: MessageRole::Opener,
            lang: Lang::En,
            to_first: &ctx.network.member.person.first,
            from_first: &participants[0].first,
            company: &participants[0].company,
            city: ctx.network.member.city,
        };
        let subject = match kind {
            Kind::InMail | Kind::Pitch => text::subject(&mut rng, &subject_ctx),
            Kind::Direct if rng.chance(0.03) => text::subject(&mut rng, &subject_ctx),
            _ => String::new(),
        };
        let title =
            if kind == Kind::Group { text::group_title(&mut rng, &subject_ctx) } else { String::new() };
        let folder = match kind {
            Kind::InMail if rng.chance(0.25) => "ARCHIVE",
            Kind::Pitch if rng.chance(0.4) => "ARCHIVE",
            _ => "INBOX",
        };
        let mut messages = messages;
        if is_draft {
            messages[0].draft = true;
        }
        for message in &mut messages {
            message.attachment = !message.draft && rng.chance(0.015);
        }
        conversations.push(Conversation {
            id: conversation_id(&mut rng),
            kind,
            participants,
            title,
            subject,
            folder,
            messages,
            conversation_draft: is_draft,
            text_seed,
        });
    }

    // A few unsent replies at the end of otherwise normal conversations.
    if ctx.current() {
        let mut candidates: Vec<usize> = (0..conversations.len())
            .filter(|&i| {
                let c = &conversations[i];
                !c.conversation_draft
                    && c.messages.len() >= 2
                    && c.messages.last().is_some_and(|m| m.speaker == Speaker::Member)
            })
            .collect();
        rng.shuffle(&mut candidates);
        for &i in candidates.iter().take(volume.message_drafts) {
            if let Some(last) = conversations[i].messages.last_mut() {
                last.draft = true;
                last.attachment = false;
            }
        }
    }
    conversations
}

/// A connection to talk to, made before `before`, not talked to yet; decision makers first when asked.
fn pick_contact(
    rng: &mut Rng,
    contacts: &[Contact],
    used: &[bool],
    before: NaiveDateTime,
    prefer_decision_maker: bool,
) -> Option<usize> {
    let limit = contacts.partition_point(|c| c.connected_at < before);
    let mut fallback = None;
    for attempt in 0..32 {
        // Early attempts look among connections made before the conversation; later ones anywhere.
        let pool = if attempt < 24 && limit > 0 { limit } else { contacts.len() };
        let i = rng.index(pool);
        if used[i] {
            continue;
        }
        if !prefer_decision_maker || is_decision_maker_title(&contacts[i].person.position) {
            return Some(i);
        }
        fallback.get_or_insert(i);
    }
    fallback
}

/// When each message of a conversation is sent, and by whom.
fn message_times(
    rng: &mut Rng,
    ctx: &Ctx<'_>,
    kind: Kind,
    others: usize,
    start: NaiveDateTime,
    first: Speaker,
    length: usize,
) -> Vec<PlannedMessage> {
    let timeline = ctx.timeline;
    let mut at = if first == Speaker::Member { office_hours(rng, start) } else { start };
    let mut speaker = first;
    let mut messages = Vec::with_capacity(length);
    messages.push(PlannedMessage { at, speaker, draft: false, attachment: false });
    for _ in 1..length {
        let next = match kind {
            Kind::Group => {
                if rng.chance(0.3) {
                    Speaker::Member
                } else {
                    Speaker::Other(rng.index(others))
                }
            }
            _ if rng.chance(0.78) => match speaker {
                Speaker::Member => Speaker::Other(0),
                Speaker::Other(_) => Speaker::Member,
            },
            _ => speaker,
        };
        let delay = reply_delay(rng, next == speaker, next == Speaker::Member, timeline.progress_at(at));
        // Most replies wait for the working week; the member's almost always do.
        at = advance_working_time(rng, at, delay, if next == Speaker::Member { 0.85 } else { 0.7 });
        if next == Speaker::Member {
            at = office_hours(rng, at);
        }
        speaker = next;
        messages.push(PlannedMessage { at, speaker, draft: false, attachment: false });
    }
    // Conversations that would run past the export date happened a little earlier.
    let last = messages.last().map(|m| m.at).unwrap_or(start);
    if last > timeline.end() {
        let shift = (last - timeline.end()) + TimeDelta::minutes(rng.between(10, 2 * 24 * 60));
        for message in &mut messages {
            message.at -= shift;
        }
    }
    messages
}

/// How long until the next message. The member answers slowly before the behaviour change and
/// quickly after it; contacts answer at their own mixed pace.
fn reply_delay(rng: &mut Rng, same_speaker: bool, member_next: bool, progress: f64) -> TimeDelta {
    let minutes = |rng: &mut Rng, low: i64, high: i64| TimeDelta::seconds(rng.between(low * 60, high * 60));
    if same_speaker {
        // A second message straight away, or a nudge days later.
        return if rng.chance(0.6) { minutes(rng, 0, 4) } else { minutes(rng, 2 * 1440, 7 * 1440) };
    }
    let roll = rng.unit();
    if member_next {
        let engaged = rng.chance(progress);
        let buckets: [(f64, i64, i64); 4] = if engaged {
            [(0.40, 1, 20), (0.75, 20, 240), (0.95, 240, 1440), (1.0, 1440, 4 * 1440)]
        } else {
            [(0.10, 2, 30), (0.30, 30, 300), (0.70, 300, 2 * 1440), (1.0, 2 * 1440, 10 * 1440)]
        };
        let (_, low, high) = buckets.iter().copied().find(|(p, ..)| roll < *p).unwrap_or(buckets[3]);
        minutes(rng, low, high)
    } else {
        let buckets: [(f64, i64, i64); 4] =
            [(0.30, 2, 30), (0.60, 30, 300), (0.85, 300, 2 * 1440), (1.0, 2 * 1440, 14 * 1440)];
        let (_, low, high) = buckets.iter().copied().find(|(p, ..)| roll < *p).unwrap_or(buckets[3]);
        minutes(rng, low, high)
    }
}

/// Moves a moment the member would not be at a keyboard (late night, central European time) to
/// the next morning.
fn office_hours(rng: &mut Rng, at: NaiveDateTime) -> NaiveDateTime {
    let hour = at.hour();
    if (6..21).contains(&hour) {
        return at;
    }
    let day = if hour >= 21 { at.date() + TimeDelta::days(1) } else { at.date() };
    let morning = NaiveTime::from_hms_opt(6, 30, 0).unwrap_or(NaiveTime::MIN);
    day.and_time(morning) + TimeDelta::seconds(rng.between(0, 3 * 3600))
}

/// `at + delay`, except that with probability `p` weekend days do not count: the delay is
/// stretched by every weekend day it crosses, and a reply never lands on a Saturday or Sunday.
fn advance_working_time(rng: &mut Rng, at: NaiveDateTime, delay: TimeDelta, p: f64) -> NaiveDateTime {
    let mut end = at + delay;
    if !rng.chance(p) {
        return end;
    }
    let mut day = at.date();
    while day < end.date() {
        day += TimeDelta::days(1);
        if calendar::is_weekend(day) {
            end += TimeDelta::days(1);
        }
    }
    while calendar::is_weekend(end.date()) {
        end += TimeDelta::days(1);
    }
    end
}

/// A LinkedIn-style conversation id: `2-` and the base64 of a UUID-like string.
fn conversation_id(rng: &mut Rng) -> String {
    let raw = format!("{}-{}-4{}-a{}-{}_010", rng.hex(8), rng.hex(4), rng.hex(3), rng.hex(3), rng.hex(12));
    format!("2-{}", base64(raw.as_bytes()))
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The text as it looks when its UTF-8 bytes are read as Windows-1252 (`José` → `JosÃ©`).
pub(crate) fn mojibake(text: &str) -> String {
    encoding_rs::WINDOWS_1252.decode_without_bom_handling(text.as_bytes()).0.into_owned()
}

fn write_conversation<W: Write + Seek>(
    ctx: &Ctx<'_>,
    file: &mut CsvSink<'_, W>,
    conversation: &Conversation,
    member: &Participant,
) -> Result<()> {
    let mut rng = Rng::new(conversation.text_seed);
    let current = ctx.current();
    let lang = match conversation.kind {
        Kind::Direct => conversation.participants[0].lang,
        _ => Lang::En,
    };
    let first_at = conversation.messages.first().map(|m| m.at);
    for message in conversation.messages.iter().rev() {
        let (sender, recipients): (&Participant, Vec<&Participant>) = match message.speaker {
            Speaker::Member => (member, conversation.participants.iter().collect()),
            Speaker::Other(k) => {
                let mut others = vec![member];
                others.extend(
                    conversation.participants.iter().enumerate().filter(|(j, _)| *j != k).map(|(_, p)| p),
                );
                (&conversation.participants[k], others)
            }
        };
        let role = if Some(message.at) == first_at {
            match conversation.kind {
                Kind::Direct => MessageRole::Opener,
                Kind::Pitch => MessageRole::SalesPitch,
                Kind::InMail => MessageRole::RecruiterPitch,
                Kind::Group => MessageRole::Group,
            }
        } else if conversation.kind == Kind::Group {
            MessageRole::Group
        } else {
            MessageRole::Reply
        };
        let text_ctx = MessageContext {
            role,
            lang,
            to_first: &recipients[0].first,
            from_first: &sender.first,
            company: if recipients[0].company.is_empty() { "your team" } else { &recipients[0].company },
            city: ctx.network.member.city,
        };
        let mut content = text::message(&mut rng, &text_ctx);
        let attachment = if message.attachment {
            if rng.chance(0.5) {
                content.clear();
            }
            format!(
                "https://www.linkedin.com/dms/prv/document/D4E{}/messaging-attachmentFile/0?m=AQ{}",
                rng.hex(16).to_uppercase(),
                rng.hex(10)
            )
        } else {
            String::new()
        };
        let to_names: Vec<&str> = recipients.iter().map(|p| p.display_name.as_str()).collect();
        let to = to_names.join(", ");
        let date = calendar::iso_utc(message.at);
        if ctx.complete_2018() {
            // No conversation id and no URLs; the direction is written out.
            let direction = if message.speaker == Speaker::Member { "OUTGOING" } else { "INCOMING" };
            file.row(&[
                &sender.display_name,
                &to,
                &date,
                &conversation.subject,
                &content,
                direction,
                conversation.folder,
            ])?;
        } else if current {
            let urls: Vec<&str> = recipients.iter().map(|p| p.url.as_str()).collect();
            file.row(&[
                &conversation.id,
                &conversation.title,
                &sender.display_name,
                &sender.url,
                &to,
                &urls.join(";"),
                &date,
                &conversation.subject,
                &content,
                conversation.folder,
                &attachment,
                if message.draft { "Yes" } else { "No" },
                if conversation.conversation_draft { "Yes" } else { "No" },
            ])?;
        } else {
            file.row(&[
                &conversation.id,
                &conversation.title,
                &sender.display_name,
                &sender.url,
                &to,
                &date,
                &conversation.subject,
                &content,
                conversation.folder,
            ])?;
        }
    }
    Ok(())
}

const GUIDE_LINES: &[(&str, &str)] = &[
    (
        "How can I make my headline stronger?",
        "Here are three ideas for your headline:\n1. Lead with the outcome you deliver.\n2. Name the customers you serve.\n3. Keep it under 120 characters.",
    ),
    (
        "Which skills should I add for a partnerships role?",
        "People in similar roles often list Channel Sales, Partner Relationship Management and Negotiation.",
    ),
    (
        "Can you help me write an About section?",
        "Sure. Start with who you help and how, then add one proof point and a call to action.",
    ),
];

const COACH_LINES: &[(&str, &str)] = &[
    (
        "What should I learn next to grow as a sales leader?",
        "You might like a course on coaching sales teams and one on forecasting.",
    ),
    (
        "Summarise the negotiation course in 3 bullet points",
        "- Prepare your walk-away point\n- Trade, don't concede\n- Summarise agreements in writing",
    ),
];

/// An assistant chat file: conversations between the member and a bot. Importers must ignore it.
fn write_assistant<W: Write + Seek>(
    ctx: &Ctx<'_>,
    archive: &mut Archive<W>,
    name: &str,
    bot: &str,
    lines: &[(&str, &str)],
) -> Result<()> {
    let mut rng = ctx.rng(name);
    let member = &ctx.network.member.person;
    let member_name = member.full_name();
    let sampler = ctx.timeline.sampler(Pace { before: 0.2, after: 1.0, bursty: false });
    let mut rows: Vec<(String, NaiveDateTime, bool, &str)> = Vec::new();
    let mut remaining = ctx.opts.volume.assistant_messages;
    while remaining > 0 {
        let id = conversation_id(&mut rng);
        let mut at = sampler.moment(&mut rng);
        let exchanges = rng.between(1, 3) as usize;
        for _ in 0..exchanges {
            let (question, answer) = *rng.pick(lines);
            for (from_member, body) in [(true, question), (false, answer)] {
                if remaining == 0 {
                    break;
                }
                rows.push((id.clone(), at.min(ctx.timeline.end()), from_member, body));
                remaining -= 1;
                at += TimeDelta::seconds(rng.between(3, 240));
            }
        }
    }
    rows.sort_by_key(|(id, at, ..)| (Reverse(*at), id.clone()));
    let mut file = archive.csv(name, Encoding::Utf8, Quoting::Rfc4180)?;
    write_header(ctx, &mut file)?;
    for (id, at, from_member, body) in &rows {
        let (from, from_url, to, to_url) = if *from_member {
            (member_name.as_str(), member.url.as_str(), bot, "")
        } else {
            (bot, "", member_name.as_str(), member.url.as_str())
        };
        file.row(&[
            id,
            "",
            from,
            from_url,
            to,
            to_url,
            &calendar::iso_utc(*at),
            "",
            body,
            "INBOX",
            "",
            "No",
            "No",
        ])?;
    }
    file.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
        assert_eq!(base64(b"hello world"), "aGVsbG8gd29ybGQ=");
    }

    #[test]
    fn mojibake_looks_like_the_real_thing() {
        assert_eq!(mojibake("José"), "JosÃ©");
    }

    #[test]
    fn night_messages_move_to_the_morning() {
        let mut rng = Rng::new(1);
        let late = chrono::NaiveDate::from_ymd_opt(2026, 3, 3).unwrap().and_hms_opt(23, 10, 0).unwrap();
        let moved = office_hours(&mut rng, late);
        assert_eq!(moved.date(), late.date() + TimeDelta::days(1));
        assert!((6..9).contains(&moved.hour()));
        let noon = late.date().and_hms_opt(12, 0, 0).unwrap();
        assert_eq!(office_hours(&mut rng, noon), noon);
    }
}
