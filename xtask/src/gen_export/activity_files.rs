//! What the member did on the platform: shares, instant reposts, comments, reactions, poll votes,
//! articles, searches, logins and events.

use super::Ctx;
use super::archive::{Archive, Encoding, Quoting};
use super::calendar::{self, Pace, is_weekend, time_of_day};
use super::people::slug;
use super::rng::Rng;
use super::text;
use anyhow::Result;
use chrono::{NaiveDateTime, TimeDelta, Timelike};
use std::io::{Seek, Write};

/// Writes every activity file.
pub(crate) fn write<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    write_shares(ctx, archive)?;
    if ctx.current() {
        write_instant_reposts(ctx, archive)?;
    }
    write_comments(ctx, archive)?;
    write_reactions(ctx, archive)?;
    write_votes(ctx, archive)?;
    write_articles(ctx, archive)?;
    write_searches(ctx, archive)?;
    write_logins(ctx, archive)?;
    write_events(ctx, archive)
}

/// A LinkedIn activity id: milliseconds since 1970 in the high bits, random low bits.
fn activity_id(rng: &mut Rng, at: NaiveDateTime) -> u64 {
    (calendar::unix_millis(at) << 22) | rng.below(1 << 22)
}

/// Someone else's post the member reacted to, shortly before `at`.
fn feed_link(rng: &mut Rng, at: NaiveDateTime) -> String {
    let posted = at - TimeDelta::minutes(rng.between(5, 3 * 24 * 60));
    format!("https://www.linkedin.com/feed/update/urn:li:activity:{}", activity_id(rng, posted))
}

/// `count` moments following `pace`, newest first.
fn newest_first(ctx: &Ctx<'_>, rng: &mut Rng, pace: Pace, count: usize) -> Vec<NaiveDateTime> {
    let mut moments = ctx.timeline.sampler(pace).moments(rng, count);
    moments.reverse();
    moments
}

fn write_shares<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut rng = ctx.rng("shares");
    let moments =
        newest_first(ctx, &mut rng, Pace { before: 0.25, after: 1.8, bursty: true }, ctx.opts.volume.shares);
    let name = if ctx.current() {
        format!("Shares_{}.csv", ctx.network.member.member_id)
    } else {
        "Shares.csv".to_string()
    };
    let encoding = if ctx.complete_2018() { Encoding::Utf16TabQuoted } else { Encoding::Utf8 };
    // Every archive shows both quirks at least once, whatever the seed.
    let count = moments.len();
    let forced_repost = rng.index(count);
    let forced_wrapped = if count > 1 { (forced_repost + 1) % count } else { usize::MAX };
    let mut file = archive.csv(&name, encoding, Quoting::Rfc4180)?;
    file.header(&["Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl", "Visibility"], false)?;
    for (k, at) in moments.into_iter().enumerate() {
        let link =
            format!("https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A{}", activity_id(&mut rng, at));
        let visibility = if rng.chance(0.85) { "MEMBER_NETWORK" } else { "CONNECTIONS" };
        if rng.chance(0.15) || k == forced_repost {
            // A plain repost: no commentary of the member's own.
            file.row(&[&calendar::iso_plain(at), &link, "", "", "", visibility])?;
            continue;
        }
        let paragraphs = text::post_paragraphs(&mut rng, ctx.network.member.city);
        let commentary = if rng.chance(0.4) || k == forced_wrapped {
            // As in real archives: each line wrapped in quotes, joined by a literal backslash-n.
            format!("\"{}\"", paragraphs.join("\"\\n\""))
        } else {
            paragraphs.join("\n\n")
        };
        let shared = if rng.chance(0.3) {
            format!("https://blog.example.com/posts/{}", rng.hex(10))
        } else {
            String::new()
        };
        let media = if rng.chance(0.25) {
            format!(
                "https://media.licdn.com/dms/image/v2/D4E22AQ{}/feedshare-shrink_2048_1536/0/{}",
                rng.hex(16).to_uppercase(),
                calendar::unix_millis(at)
            )
        } else {
            String::new()
        };
        file.row(&[&calendar::iso_plain(at), &link, &commentary, &shared, &media, visibility])?;
    }
    file.finish()
}

fn write_instant_reposts<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut rng = ctx.rng("instant-reposts");
    let moments = newest_first(
        ctx,
        &mut rng,
        Pace { before: 0.3, after: 1.5, bursty: true },
        ctx.opts.volume.instant_reposts,
    );
    let name = format!("InstantReposts_{}.csv", ctx.network.member.member_id);
    let mut file = archive.csv(&name, Encoding::Utf8, Quoting::Rfc4180)?;
    file.header(&["Date", "Link"], false)?;
    for at in moments {
        let link = feed_link(&mut rng, at);
        file.row(&[&calendar::iso_plain(at), &link])?;
    }
    file.finish()
}

fn write_comments<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut rng = ctx.rng("comments");
    let count = ctx.opts.volume.comments;
    let moments = newest_first(ctx, &mut rng, Pace { before: 0.4, after: 1.5, bursty: true }, count);
    let blank_date_row = rng.index(count);
    let contacts = &ctx.network.contacts;
    // Quotes inside comments are escaped as \" here, not doubled.
    let mut file = archive.csv("Comments.csv", Encoding::Utf8, Quoting::Backslash)?;
    file.header(&["Date", "Link", "Message"], false)?;
    for (k, at) in moments.into_iter().enumerate() {
        let link = feed_link(&mut rng, at);
        let author = &contacts[rng.index(contacts.len())].person.first;
        let message = text::comment(&mut rng, author);
        let date = if k == blank_date_row { String::new() } else { calendar::iso_plain(at) };
        file.row(&[&date, &link, &message])?;
    }
    file.finish()
}

fn write_reactions<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    const TYPES: &[(&str, u32)] = &[
        ("LIKE", 60),
        ("PRAISE", 12),
        ("EMPATHY", 10),
        ("INTEREST", 10),
        ("APPRECIATION", 5),
        ("ENTERTAINMENT", 3),
    ];
    let mut rng = ctx.rng("reactions");
    let moments = newest_first(
        ctx,
        &mut rng,
        Pace { before: 0.8, after: 1.3, bursty: true },
        ctx.opts.volume.reactions,
    );
    let mut file = archive.csv("Reactions.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    file.header(&["Date", "Type", "Link"], false)?;
    for at in moments {
        let kind = *rng.pick_weighted(TYPES);
        let link = feed_link(&mut rng, at);
        file.row(&[&calendar::iso_plain(at), kind, &link])?;
    }
    file.finish()
}

fn write_votes<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut rng = ctx.rng("votes");
    let moments =
        newest_first(ctx, &mut rng, Pace { before: 0.6, after: 1.2, bursty: false }, ctx.opts.volume.votes);
    let mut file = archive.csv("Votes.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    file.header(&["Date", "Link", "OptionText"], false)?;
    for at in moments {
        let link = feed_link(&mut rng, at);
        file.row(&[&calendar::iso_plain(at), &link, text::poll_option(&mut rng)])?;
    }
    file.finish()
}

fn write_articles<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut rng = ctx.rng("articles");
    // A stream of its own, so the titles and texts stay as they were.
    let mut dates_rng = ctx.rng("article-dates");
    let published_at = newest_first(
        ctx,
        &mut dates_rng,
        Pace { before: 0.25, after: 1.8, bursty: false },
        ctx.opts.volume.articles,
    );
    let member_slug = slug(&ctx.network.member.person.full_name());
    let mut used = std::collections::HashSet::new();
    for published in published_at {
        let created = published - TimeDelta::minutes(dates_rng.between(30, 6 * 24 * 60));
        let mut title = text::article_title(&mut rng);
        while !used.insert(title.clone()) {
            title = format!("{title} (part {})", used.len() + 1);
        }
        // File names and URLs keep letters, digits and dashes only.
        let plain: String = title.chars().filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-').collect();
        let title_slug = slug(&plain);
        let url = format!("https://www.linkedin.com/pulse/{title_slug}-{member_slug}-{}", rng.hex(5));
        let paragraphs: Vec<String> = (0..rng.between(3, 6))
            .map(|_| format!("<p>{}</p>", escape_html(&text::article_paragraph(&mut rng))))
            .collect();
        // As LinkedIn writes it: the dates sit in two paragraphs under the title.
        let html = format!(
            "<html><head><meta charset=\"UTF-8\"><title>{title}</title></head><body>\
             <h1><a href=\"{url}\">{title}</a></h1>\
             <p class=\"created\">Created on {created}</p><p class=\"published\">Published on {published}</p>\
             {body}</body></html>",
            title = escape_html(&title),
            created = calendar::article_stamp(created),
            published = calendar::article_stamp(published),
            body = paragraphs.join("")
        );
        archive.text(&format!("Articles/Articles/{title_slug}.html"), &html)?;
    }
    Ok(())
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn write_searches<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut rng = ctx.rng("searches");
    let contacts = &ctx.network.contacts;
    let moments =
        newest_first(ctx, &mut rng, Pace { before: 0.4, after: 1.6, bursty: true }, ctx.opts.volume.searches);
    let mut file = if ctx.complete_2018() {
        archive.csv("Search Queries.csv", Encoding::Utf16TabQuoted, Quoting::Rfc4180)?
    } else {
        archive.csv("SearchQueries.csv", Encoding::Utf8, Quoting::Rfc4180)?
    };
    file.header(&["Time", "Search Query"], false)?;
    for at in moments {
        let person = &contacts[rng.index(contacts.len())].person;
        let company = if person.company.is_empty() { "Northwind Labs" } else { person.company.as_str() };
        let query = text::search_query(&mut rng, &person.full_name(), company, ctx.network.member.city);
        file.row(&[&calendar::slashed_utc(at), &query])?;
    }
    file.finish()
}

const USER_AGENTS: &[(&str, &str, u32)] = &[
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36",
        "WEB",
        45,
    ),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0", "WEB", 15),
    ("LinkedIn/9.30.1450 (iPhone; iOS 18.1; Scale/3.00)", "MOBILE", 30),
    ("com.linkedin.android/4.1.1005 (Linux; U; Android 14; de_DE; Pixel 8)", "MOBILE", 10),
];

fn write_logins<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut rng = ctx.rng("logins");
    let timeline = ctx.timeline;
    // Home and office addresses come back; mobile ones vary. All in 192.0.2.0/24 (documentation).
    let home = rng.between(2, 99);
    let office = rng.between(100, 180);
    let agents: Vec<(usize, u32)> = USER_AGENTS.iter().enumerate().map(|(i, (_, _, w))| (i, *w)).collect();
    let mut logins = Vec::new();
    for day in 0..timeline.days() {
        let date = timeline.first_day() + TimeDelta::days(day as i64);
        let progress = timeline.progress_at(date.and_hms_opt(12, 0, 0).unwrap_or_default());
        let weekend = is_weekend(date);
        let active = if weekend { 0.2 + 0.25 * progress } else { 0.55 + 0.37 * progress };
        if !rng.chance(active) {
            continue;
        }
        for _ in 0..1 + rng.geometric(0.4) {
            let at = date.and_time(time_of_day(&mut rng, weekend));
            let (agent, kind, _) = USER_AGENTS[*rng.pick_weighted(&agents)];
            let host = match (kind, rng.chance(0.6)) {
                ("WEB", true) => office,
                ("WEB", false) => home,
                _ => rng.between(181, 254),
            };
            logins.push((at, format!("192.0.2.{host}"), agent, kind));
        }
    }
    logins.sort_by_key(|(at, ..)| std::cmp::Reverse(*at));
    let encoding = if ctx.complete_2018() { Encoding::Utf16TabQuoted } else { Encoding::Utf8 };
    let mut file = archive.csv("Logins.csv", encoding, Quoting::Rfc4180)?;
    file.header(&["Login Date", "IP Address", "User Agent", "Login Type"], false)?;
    for (at, ip, agent, kind) in &logins {
        file.row(&[&calendar::java_date(*at), ip, agent, kind])?;
    }
    file.finish()
}

fn write_events<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    const NAMES: &[&str] = &[
        "Sales Leaders Breakfast",
        "Partner Ecosystems Summit",
        "Social Selling Masterclass",
        "B2B Growth Meetup",
        "Revenue Operations Roundtable",
        "Founders & Sellers Night",
    ];
    let mut rng = ctx.rng("events");
    let moments =
        newest_first(ctx, &mut rng, Pace { before: 0.3, after: 1.4, bursty: true }, ctx.opts.volume.events);
    let mut file = archive.csv("Events.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    file.header(&["Event Name", "Event Time", "Status", "External Url"], false)?;
    for at in moments {
        let name = format!("{} {}", rng.pick(NAMES), ctx.network.member.city);
        let starts = at.date().and_hms_opt(rng.between(8, 17) as u32, 0, 0).unwrap_or(at);
        // Real files hold a range and LinkedIn's statuses: APPROVED (going),
        // RELINQUISHED (the member gave up their place: not attended).
        let status = if rng.chance(0.8) { "APPROVED" } else { "RELINQUISHED" };
        let url = if rng.chance(0.5) {
            format!("https://events.example.com/{}", rng.hex(8))
        } else {
            String::new()
        };
        let ends = starts + TimeDelta::minutes(if starts.hour() < 12 { 20 } else { 90 });
        file.row(&[&name, &calendar::event_range(starts, ends), status, &url])?;
    }
    file.finish()
}
