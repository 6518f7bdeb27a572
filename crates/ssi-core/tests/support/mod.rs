//! Builders shared by ssi-core's integration tests: days, events and profiles.

#![allow(dead_code, unreachable_pub)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use ssi_core::{ActivityEvent, ActivityKind, Position, ProfileSnapshot, PseudonymKey};

/// A calendar day.
pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Noon UTC on `date` plus `minutes`.
pub fn at(date: NaiveDate, minutes: i64) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(12, 0, 0).unwrap()) + chrono::Duration::minutes(minutes)
}

/// An event with a unique natural key.
pub fn ev(kind: ActivityKind, date: NaiveDate, seq: usize) -> ActivityEvent {
    let mut e = ActivityEvent::new(kind, at(date, seq as i64 % 600));
    e.natural_key = format!("{}-{date}-{seq}", kind.as_str());
    e
}

/// A message in a conversation.
pub fn msg(sent: bool, conversation: &str, date: NaiveDate, seq: usize) -> ActivityEvent {
    let kind = if sent { ActivityKind::MessageSent } else { ActivityKind::MessageReceived };
    let mut e = ev(kind, date, seq);
    e.conversation = Some(PseudonymKey(conversation.to_string()));
    e.counterpart = Some(PseudonymKey(format!("p-{conversation}")));
    e
}

/// A connection made with someone holding `title`.
pub fn connection(title: &str, date: NaiveDate, seq: usize) -> ActivityEvent {
    let mut e = ev(ActivityKind::ConnectionMade, date, seq);
    e.counterpart_title = Some(title.to_string());
    e.counterpart_company = Some("Acme".to_string());
    e.counterpart = Some(PseudonymKey(format!("c-{seq}")));
    e
}

/// A complete profile, taken on `taken_on`.
pub fn complete_profile(taken_on: NaiveDate) -> ProfileSnapshot {
    ProfileSnapshot {
        taken_on,
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        headline: Some("I help CFOs close the books faster".into()),
        summary_chars: 640,
        industry: Some("Software Development".into()),
        location: Some("London".into()),
        profile_url: Some("https://www.linkedin.com/in/ada".into()),
        positions: vec![
            Position {
                title: "Account Executive".into(),
                company: "Ledgerly".into(),
                has_description: true,
                started_on: Some(day(2023, 1, 1)),
                finished_on: None,
            },
            Position {
                title: "SDR".into(),
                company: "Bookwise".into(),
                has_description: true,
                started_on: Some(day(2020, 1, 1)),
                finished_on: Some(day(2022, 12, 1)),
            },
            Position {
                title: "Analyst".into(),
                company: "Numbers Ltd".into(),
                has_description: true,
                started_on: Some(day(2018, 1, 1)),
                finished_on: Some(day(2019, 12, 1)),
            },
        ],
        education: 2,
        skills: ["Negotiation", "SaaS", "Finance", "Discovery", "CRM", "Forecasting"]
            .map(String::from)
            .to_vec(),
        certifications: 1,
        languages: 2,
        projects: 1,
        publications: 1,
        honors: 1,
        websites: 1,
        has_photo: true,
        has_banner: true,
        messages_unknown: false,
    }
}

/// Steady, varied, reciprocal activity every week from `start` to `end`.
pub fn steady_activity(start: NaiveDate, end: NaiveDate) -> Vec<ActivityEvent> {
    let titles = [
        "VP Sales",
        "CFO",
        "Head of Finance",
        "Account Manager",
        "Founder",
        "Analyst",
        "Director of Operations",
    ];
    let mut events = Vec::new();
    let mut seq = 0usize;
    let push = |e: ActivityEvent, events: &mut Vec<ActivityEvent>| events.push(e);
    let mut date = start;
    let mut week = 0usize;
    while date <= end {
        let weekday = (date - start).num_days() % 7;
        seq += 1;
        if weekday < 5 {
            push(ev(ActivityKind::DayActive, date, seq), &mut events);
            seq += 1;
            push(ev(ActivityKind::Reaction, date, seq), &mut events);
            if weekday % 2 == 0 {
                seq += 1;
                push(ev(ActivityKind::Comment, date, seq), &mut events);
                seq += 1;
                push(connection(titles[seq % titles.len()], date, seq), &mut events);
            } else {
                seq += 1;
                push(ev(ActivityKind::PeopleSearch, date, seq), &mut events);
            }
            // One conversation a day, answered the same day.
            let conversation = format!("conv-{week}-{weekday}");
            seq += 1;
            push(msg(false, &conversation, date, seq), &mut events);
            seq += 1;
            push(msg(true, &conversation, date, seq + 30), &mut events);
        }
        if weekday == 1 {
            seq += 1;
            push(ev(ActivityKind::Post, date, seq), &mut events);
            seq += 1;
            push(ev(ActivityKind::Repost, date, seq), &mut events);
            seq += 1;
            push(ev(ActivityKind::EndorsementReceived, date, seq), &mut events);
            seq += 1;
            push(ev(ActivityKind::EndorsementGiven, date, seq), &mut events);
            seq += 1;
            push(ev(ActivityKind::InvitationSent, date, seq), &mut events);
        }
        if weekday == 3 && week.is_multiple_of(8) {
            seq += 1;
            push(ev(ActivityKind::Article, date, seq), &mut events);
            seq += 1;
            push(ev(ActivityKind::RecommendationReceived, date, seq), &mut events);
        }
        if weekday == 6 {
            week += 1;
        }
        date = date.succ_opt().unwrap();
    }
    events.sort_by_key(|e| e.at);
    events
}
