//! The member's network: Connections.csv (with its Notes preamble and a BOM), pending
//! Invitations, endorsements (received ones in Windows-1252), recommendations and follows.

use super::Ctx;
use super::archive::{Archive, Encoding, Quoting};
use super::calendar::{self, Pace, moment_between};
use super::people::{ANCHOR_NAMES, Person, PersonFactory, company};
use super::profile_files::MEMBER_SKILLS;
use super::text;
use anyhow::Result;
use chrono::{NaiveDateTime, TimeDelta};
use std::cmp::Reverse;
use std::io::{Seek, Write};

/// Writes every network file.
pub(crate) fn write<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    write_connections(ctx, archive)?;
    write_invitations(ctx, archive)?;
    write_endorsements(ctx, archive)?;
    write_recommendations(ctx, archive)?;
    write_follows(ctx, archive)
}

fn write_connections<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut file = archive.csv("Connections.csv", Encoding::Utf8Bom, Quoting::Rfc4180)?;
    file.raw_line("Notes:")?;
    file.raw_line(
        "\"When exporting your connection data, you may notice that some e-mail addresses are missing. \
         You only see the e-mail addresses of connections who allow their connections to see or download \
         them (Settings > Visibility > Who can see or download your email address).\"",
    )?;
    file.raw_line("")?;
    let current = ctx.current();
    if current {
        file.header(
            &["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"],
            false,
        )?;
    } else {
        file.header(
            &["First Name", "Last Name", "Email Address", "Company", "Position", "Connected On"],
            false,
        )?;
    }
    for (index, contact) in ctx.network.contacts.iter().rev().enumerate() {
        let p = &contact.person;
        let date = calendar::day_month_year(contact.connected_at.date());
        // About 1 % of a real network hides their details: the row keeps only
        // the date. Chosen by position, not drawn, so nothing else shifts.
        if index % HIDDEN_EVERY == HIDDEN_EVERY / 2 {
            let blanks = if current { 6 } else { 5 };
            let mut fields = vec![""; blanks];
            fields.push(&date);
            file.row(&fields)?;
            continue;
        }
        if current {
            file.row(&[&p.first, &p.last, &p.url, &p.email, &p.company, &p.position, &date])?;
        } else {
            file.row(&[&p.first, &p.last, &p.email, &p.company, &p.position, &date])?;
        }
    }
    file.finish()
}

/// One connection in this many hides their details (`,,,,,,14 Sep 2024`).
const HIDDEN_EVERY: usize = 97;

const INVITATION_NOTES: &[&str] = &[
    "Hi {first}, I enjoyed your post on partner ecosystems - would love to connect.",
    "Hello {first}, we met at the Berlin Sales Summit. Let's stay in touch!",
    "Hi {first}, I'm building a network of sales leaders in the region. Happy to connect?",
    "{first}, saw we both work with resellers in DACH, would be great to swap notes.",
];

fn write_invitations<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut rng = ctx.rng("invitations");
    let mut factory = PersonFactory::strangers();
    let timeline = ctx.timeline;
    let member = &ctx.network.member.person;
    let member_name = member.full_name();
    // Requests stay pending for a few weeks, rarely longer.
    let recent = timeline.end() - TimeDelta::days(90);
    let sampler = timeline.sampler(Pace { before: 0.5, after: 1.5, bursty: true });
    let mut invitations: Vec<(NaiveDateTime, bool, Person, String)> = Vec::new();
    for _ in 0..ctx.opts.volume.invitations {
        let mut at = sampler.moment(&mut rng);
        for _ in 0..50 {
            if at >= recent {
                break;
            }
            at = sampler.moment(&mut rng);
        }
        let at = at.max(recent.max(timeline.start()));
        let outgoing = rng.chance(0.4 + 0.3 * timeline.progress_at(at));
        let other = factory.person(&mut rng, if outgoing { 0.6 } else { 0.0 });
        let note = if rng.chance(if outgoing { 0.35 } else { 0.25 }) {
            let first = if outgoing { &other.first } else { &member.first };
            rng.pick(INVITATION_NOTES).replace("{first}", first)
        } else {
            String::new()
        };
        invitations.push((at, outgoing, other, note));
    }
    invitations.sort_by_key(|(at, ..)| Reverse(*at));

    let mut file = archive.csv("Invitations.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    let current = ctx.current();
    if current {
        file.header(
            &["From", "To", "Sent At", "Message", "Direction", "inviterProfileUrl", "inviteeProfileUrl"],
            false,
        )?;
    } else {
        file.header(&["From", "To", "Sent At", "Message", "Direction"], false)?;
    }
    for (at, outgoing, other, note) in &invitations {
        let other_name = other.full_name();
        let (from, to, from_url, to_url) = if *outgoing {
            (&member_name, &other_name, &member.url, &other.url)
        } else {
            (&other_name, &member_name, &other.url, &member.url)
        };
        let sent = calendar::us_short(*at);
        let direction = if *outgoing { "OUTGOING" } else { "INCOMING" };
        if current {
            file.row(&[from, to, &sent, note, direction, from_url, to_url])?;
        } else {
            file.row(&[from, to, &sent, note, direction])?;
        }
    }
    file.finish()
}

fn fits_windows_1252(person: &Person) -> bool {
    !encoding_rs::WINDOWS_1252.encode(&person.full_name()).2
}

fn write_endorsements<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut rng = ctx.rng("endorsements");
    let contacts = &ctx.network.contacts;
    let timeline = ctx.timeline;
    let sampler = timeline.sampler(Pace { before: 0.5, after: 1.6, bursty: false });
    let current = ctx.current();

    // Received: written in Windows-1252, so endorsers are people whose names fit it; the anchor
    // names (José, Zoë, …) always come first so the file is never plain ASCII.
    let mut endorsers: Vec<usize> =
        ANCHOR_NAMES.iter().filter_map(|(first, last, _)| ctx.network.find(first, last)).collect();
    let eligible: Vec<usize> =
        (0..contacts.len()).filter(|&i| fits_windows_1252(&contacts[i].person)).collect();
    while endorsers.len() < ctx.opts.volume.endorsements_received && !eligible.is_empty() {
        endorsers.push(*rng.pick(&eligible));
    }
    endorsers.truncate(ctx.opts.volume.endorsements_received);
    let mut received: Vec<(NaiveDateTime, usize, &str, &str)> = endorsers
        .into_iter()
        .map(|i| {
            let earliest = contacts[i].connected_at + TimeDelta::hours(2);
            let mut at = sampler.moment(&mut rng);
            if at < earliest {
                at = moment_between(&mut rng, earliest, (earliest + TimeDelta::days(30)).min(timeline.end()));
            }
            let status = if rng.chance(0.93) { "ACCEPTED" } else { "PENDING" };
            (at.min(timeline.end()), i, *rng.pick(&MEMBER_SKILLS[..20]), status)
        })
        .collect();
    received.sort_by_key(|(at, ..)| Reverse(*at));
    let name = if current { "Endorsement_Received_Info.csv" } else { "Endorsement Received Info.csv" };
    let mut file = archive.csv(name, Encoding::Windows1252, Quoting::Rfc4180)?;
    if current {
        file.header(
            &[
                "Endorsement Date",
                "Skill Name",
                "Endorser First Name",
                "Endorser Last Name",
                "Endorser Public Url",
                "Endorsement Status",
            ],
            false,
        )?;
    } else {
        file.header(
            &[
                "Endorsement Date",
                "Skill Name",
                "Endorser First Name",
                "Endorser Last Name",
                "Endorsement Status",
            ],
            false,
        )?;
    }
    for (at, i, skill, status) in &received {
        let p = &contacts[*i].person;
        let date = calendar::slashed_utc(*at);
        if current {
            file.row(&[&date, skill, &p.first, &p.last, &p.url, status])?;
        } else {
            file.row(&[&date, skill, &p.first, &p.last, status])?;
        }
    }
    file.finish()?;

    const GIVEN_SKILLS: &[&str] = &[
        "Python",
        "Product Management",
        "Leadership",
        "Recruiting",
        "Negotiation",
        "Public Speaking",
        "Marketing",
        "Data Analysis",
        "Customer Success",
        "Strategy",
    ];
    let mut given: Vec<(NaiveDateTime, usize, &str)> = (0..ctx.opts.volume.endorsements_given)
        .map(|_| {
            let i = rng.index(contacts.len());
            let at = sampler
                .moment(&mut rng)
                .max(contacts[i].connected_at + TimeDelta::hours(1))
                .min(timeline.end());
            (at, i, *rng.pick(GIVEN_SKILLS))
        })
        .collect();
    given.sort_by_key(|(at, ..)| Reverse(*at));
    let name = if current { "Endorsement_Given_Info.csv" } else { "Endorsement Given Info.csv" };
    let mut file = archive.csv(name, Encoding::Utf8, Quoting::Rfc4180)?;
    if current {
        file.header(
            &[
                "Endorsement Date",
                "Skill Name",
                "Endorsee First Name",
                "Endorsee Last Name",
                "Endorsee Public Url",
                "Endorsement Status",
            ],
            false,
        )?;
    } else {
        file.header(
            &[
                "Endorsement Date",
                "Skill Name",
                "Endorsee First Name",
                "Endorsee Last Name",
                "Endorsement Status",
            ],
            false,
        )?;
    }
    for (at, i, skill) in &given {
        let p = &contacts[*i].person;
        let date = calendar::slashed_utc(*at);
        if current {
            file.row(&[&date, skill, &p.first, &p.last, &p.url, "ACCEPTED"])?;
        } else {
            file.row(&[&date, skill, &p.first, &p.last, "ACCEPTED"])?;
        }
    }
    file.finish()
}

fn write_recommendations<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut rng = ctx.rng("recommendations");
    let contacts = &ctx.network.contacts;
    let timeline = ctx.timeline;
    let member_first = &ctx.network.member.person.first;
    let current = ctx.current();
    let header = ["First Name", "Last Name", "Company", "Job Title", "Text", "Creation Date", "Status"];
    for (received, count) in
        [(true, ctx.opts.volume.recommendations_received), (false, ctx.opts.volume.recommendations_given)]
    {
        let mut rows: Vec<(NaiveDateTime, usize, String)> = (0..count)
            .map(|_| {
                let i = rng.index(contacts.len());
                // Recommendations pile up over the years, a few inside the window.
                let earliest = contacts[i].connected_at.max(timeline.start() - TimeDelta::days(900));
                let at = moment_between(&mut rng, earliest, timeline.end());
                let about = if received { member_first.clone() } else { contacts[i].person.first.clone() };
                (at, i, text::recommendation(&mut rng, &about))
            })
            .collect();
        rows.sort_by_key(|(at, ..)| Reverse(*at));
        let name = match (received, current) {
            (true, true) => "Recommendations_Received.csv",
            (true, false) => "Recommendations Received.csv",
            (false, true) => "Recommendations_Given.csv",
            (false, false) => "Recommendations Given.csv",
        };
        let mut file = archive.csv(name, Encoding::Utf8, Quoting::Rfc4180)?;
        file.header(&header, false)?;
        for (at, i, body) in &rows {
            let p = &contacts[*i].person;
            let title = if p.position.is_empty() { "Account Executive" } else { p.position.as_str() };
            let company_name = if p.company.is_empty() { "Northwind Labs" } else { p.company.as_str() };
            file.row(&[
                &p.first,
                &p.last,
                company_name,
                title,
                body,
                &calendar::us_short_padded(*at),
                "VISIBLE",
            ])?;
        }
        file.finish()?;
    }
    Ok(())
}

fn write_follows<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut rng = ctx.rng("follows");
    let timeline = ctx.timeline;
    let sampler = timeline.sampler(Pace { before: 0.7, after: 1.3, bursty: true });
    let older_start = timeline.start() - TimeDelta::days(720);

    let mut companies: Vec<(NaiveDateTime, String)> = (0..ctx.opts.volume.company_follows)
        .map(|k| {
            // About a third of follows predate the window.
            let at = if k % 3 == 0 {
                moment_between(&mut rng, older_start, timeline.start())
            } else {
                sampler.moment(&mut rng)
            };
            (at, company(&mut rng))
        })
        .collect();
    companies.sort_by_key(|(at, _)| Reverse(*at));
    let mut file = archive.csv("Company Follows.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    file.header(&["Organization", "Followed On"], false)?;
    for (at, name) in &companies {
        file.row(&[name, &calendar::java_date(*at)])?;
    }
    file.finish()?;

    let mut factory = PersonFactory::strangers();
    let mut members: Vec<(NaiveDateTime, String, &str)> = (0..ctx.opts.volume.member_follows)
        .map(|_| {
            let at = sampler.moment(&mut rng);
            let status = if rng.chance(0.9) { "Active" } else { "Inactive" };
            (at, factory.person(&mut rng, 0.5).full_name(), status)
        })
        .collect();
    members.sort_by_key(|(at, ..)| Reverse(*at));
    let mut file = archive.csv("Member_Follows.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    file.raw_line("Notes:")?;
    file.raw_line(
        "\"This file lists the members you follow without being connected to them, and whether you still follow them.\"",
    )?;
    file.raw_line("")?;
    file.header(&["Date", "Status", "FullName"], false)?;
    for (at, name, status) in &members {
        file.row(&[&calendar::iso_plain(*at), status, name])?;
    }
    file.finish()
}
