//! Tests of the whole generator: determinism, the file set and headers, the documented quirks,
//! row counts at scale, and that the committed sample archives match the generator.

use super::*;
use chrono::{Datelike, NaiveDateTime, Weekday};
use clap::error::ErrorKind;
use std::collections::{BTreeMap, HashSet};
use std::io::{Cursor, Read};

fn options(volume: Volume, seed: u64, style: Style) -> GenOptions {
    GenOptions { volume, seed, style, export_date: style.default_export_date() }
}

fn generate(opts: &GenOptions) -> Vec<u8> {
    let (cursor, _) = write_archive(opts, Cursor::new(Vec::new())).expect("archive is written");
    cursor.into_inner()
}

/// Every entry of a zip, by name.
fn entries(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a valid zip");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("readable entry");
        out.insert(entry.name().expect("entry name").to_string(), data);
    }
    out
}

fn utf8(data: &[u8]) -> &str {
    std::str::from_utf8(data).expect("UTF-8 file")
}

fn first_line(data: &[u8]) -> &str {
    utf8(data).lines().next().unwrap_or_default()
}

/// Parses an RFC 4180 CSV body (header first) into records.
fn records(body: &str) -> Vec<csv::StringRecord> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(body.as_bytes());
    reader.records().map(|r| r.expect("well-formed CSV")).collect()
}

/// The part of a file after its `Notes:` preamble (everything after the first blank line).
fn after_preamble(text: &str) -> &str {
    text.split_once("\n\n").map(|(_, rest)| rest).expect("a preamble ending in a blank line")
}

fn small_current() -> BTreeMap<String, Vec<u8>> {
    entries(&generate(&options(Size::Small.volume(), 11, Style::Current)))
}

#[test]
fn same_options_give_identical_bytes_and_seeds_differ() {
    let opts = options(Size::Small.volume(), 3, Style::Current);
    let first = generate(&opts);
    let second = generate(&opts);
    assert!(first == second, "two runs with the same seed differ");
    let other = generate(&options(Size::Small.volume(), 4, Style::Current));
    assert!(first != other, "a different seed gave the same archive");
}

#[test]
fn current_style_has_every_file_with_its_header() {
    let files = small_current();
    let member_id_file = files
        .keys()
        .find(|k| k.starts_with("Shares_") && k.ends_with(".csv"))
        .expect("Shares_<member id>.csv")
        .clone();
    let id = member_id_file.trim_start_matches("Shares_").trim_end_matches(".csv");
    assert!(id.len() == 9 && id.chars().all(|c| c.is_ascii_digit()), "{member_id_file}");
    let expected: &[(&str, &str)] = &[
        (
            "Profile.csv",
            "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers",
        ),
        ("Profile Summary.csv", "Profile Summary"),
        ("Positions.csv", "Company Name,Title,Description,Location,Started On,Finished On"),
        ("Education.csv", "School Name,Start Date,End Date,Notes,Degree Name,Activities"),
        ("Skills.csv", "Name"),
        ("Certifications.csv", "Name,Url,Authority,Started On,Finished On,License Number"),
        ("Languages.csv", "Name,Proficiency"),
        ("Projects.csv", "Title,Description,Url,Started On,Finished On"),
        ("Honors.csv", "Title,Description,Issued On"),
        ("Rich_Media.csv", "Date/Time,Media Description,Media Link"),
        ("Invitations.csv", "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl"),
        (
            "messages.csv",
            "\"CONVERSATION ID\",\"CONVERSATION TITLE\",\"FROM\",\"SENDER PROFILE URL\",\"TO\",\"RECIPIENT PROFILE URLS\",\"DATE\",\"SUBJECT\",\"CONTENT\",\"FOLDER\",\"ATTACHMENTS\",\"IS MESSAGE DRAFT\",\"IS CONVERSATION DRAFT\"",
        ),
        ("Comments.csv", "Date,Link,Message"),
        ("Reactions.csv", "Date,Type,Link"),
        ("Votes.csv", "Date,Link,OptionText"),
        ("Recommendations_Received.csv", "First Name,Last Name,Company,Job Title,Text,Creation Date,Status"),
        ("Recommendations_Given.csv", "First Name,Last Name,Company,Job Title,Text,Creation Date,Status"),
        (
            "Endorsement_Given_Info.csv",
            "Endorsement Date,Skill Name,Endorsee First Name,Endorsee Last Name,Endorsee Public Url,Endorsement Status",
        ),
        ("SearchQueries.csv", "Time,Search Query"),
        ("Logins.csv", "Login Date,IP Address,User Agent,Login Type"),
        ("Company Follows.csv", "Organization,Followed On"),
        ("Events.csv", "Event Name,Event Time,Status,External Url"),
        (
            "Ad_Targeting.csv",
            "Member Age,Company Names,Company Industries,Degrees,Fields of Study,Job Functions,Job Seniorities,Job Titles,Member Skills,Locations,Interface Locales",
        ),
        ("Email Addresses.csv", "Email Address,Confirmed,Primary,Updated On"),
        ("PhoneNumbers.csv", "Extension,Number,Type"),
        ("Registration.csv", "Registered At,Registration Ip,Subscription Types"),
        ("Jobs/Saved Jobs.csv", "Saved Date,Job Url,Job Title,Company Name"),
    ];
    for (name, header) in expected {
        let data = files.get(*name).unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(first_line(data), *header, "{name}");
    }
    assert_eq!(
        first_line(&files[&member_id_file]),
        "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility"
    );
    assert_eq!(first_line(&files[&format!("InstantReposts_{id}.csv")]), "Date,Link");
    assert_eq!(first_line(&files["guide_messages.csv"]), first_line(&files["messages.csv"]));
    assert_eq!(first_line(&files["learning_coach_messages.csv"]), first_line(&files["messages.csv"]));
    assert!(utf8(&files["Member_Follows.csv"]).starts_with("Notes:\n\""));
    assert!(after_preamble(utf8(&files["Member_Follows.csv"])).starts_with("Date,Status,FullName\n"));
    let articles: Vec<&String> = files.keys().filter(|k| k.starts_with("Articles/Articles/")).collect();
    assert_eq!(articles.len(), Size::Small.volume().articles);
    for article in &articles {
        let stem = article.trim_start_matches("Articles/Articles/").trim_end_matches(".html");
        assert!(stem.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{article}");
    }
    let html = utf8(&files[articles[0]]);
    assert!(
        html.contains("<title>") && html.contains("<h1><a href=\"https://www.linkedin.com/pulse/"),
        "{html}"
    );
    // Entries sit at the root in the current style.
    assert!(files.keys().all(|k| !k.starts_with("Complete_")));
}

#[test]
fn profile_has_one_row_with_websites_and_one_current_position() {
    let files = small_current();
    let profile = records(utf8(&files["Profile.csv"]));
    assert_eq!(profile.len(), 1);
    let websites = &profile[0][11];
    assert!(websites.starts_with("[PORTFOLIO:https://") && websites.ends_with(']'), "{websites}");
    let positions = records(utf8(&files["Positions.csv"]));
    assert!(positions.len() >= 3);
    assert_eq!(positions.iter().filter(|p| p[5].is_empty()).count(), 1, "exactly one current job");
    assert!(positions.iter().filter(|p| !p[2].is_empty()).count() >= 2, "some positions have descriptions");
    let rich = records(utf8(&files["Rich_Media.csv"]));
    assert!(
        rich.iter().any(|r| r[0].starts_with("You uploaded a profile photo on ") && r[0].ends_with("(GMT)"))
    );
}

#[test]
fn connections_start_with_a_bom_and_the_notes_preamble() {
    let files = small_current();
    let data = &files["Connections.csv"];
    assert!(data.starts_with(b"\xEF\xBB\xBFNotes:\n\""), "BOM then Notes:");
    let text = utf8(&data[3..]);
    let lines: Vec<&str> = text.lines().take(4).collect();
    assert!(lines[1].starts_with('"') && lines[1].ends_with('"'), "one quoted paragraph");
    assert_eq!(lines[2], "");
    assert_eq!(lines[3], "First Name,Last Name,URL,Email Address,Company,Position,Connected On");
    let rows = records(after_preamble(text));
    assert_eq!(rows.len(), Size::Small.volume().connections);
    let with_email = rows.iter().filter(|r| !r[3].is_empty()).count();
    assert!(with_email * 10 < rows.len(), "e-mail addresses are mostly blank");
    assert!(rows.iter().filter(|r| !r[3].is_empty()).all(|r| r[3].ends_with("@example.com")));
    let mut hidden = 0;
    for row in &rows {
        NaiveDate::parse_from_str(&row[6], "%d %b %Y").unwrap_or_else(|_| panic!("date {:?}", &row[6]));
        if (0..6).all(|i| row[i].is_empty()) {
            // A connection who hides their details: nothing but the date.
            hidden += 1;
            continue;
        }
        assert!(row[2].starts_with("https://www.linkedin.com/in/"));
    }
    assert_eq!(hidden, 2, "about 1 % of the network is hidden (every 97th row)");
    let positions: Vec<&str> = rows.iter().map(|r| r.get(5).unwrap_or_default()).collect();
    let decision_makers =
        ["CEO", "VP Sales", "Head of Marketing", "Managing Director", "Geschäftsführer", "Founder"];
    let seen = decision_makers.iter().filter(|t| positions.contains(t)).count();
    assert!(seen >= 3, "decision-maker titles are common: {seen}");
    assert!(rows.iter().any(|r| r[4].contains(',')), "a company name with a comma is quoted");
}

#[test]
fn endorsements_received_are_windows_1252_with_accented_names() {
    let files = small_current();
    let data = &files["Endorsement_Received_Info.csv"];
    assert!(std::str::from_utf8(data).is_err(), "the file must not be valid UTF-8");
    let (text, _, had_errors) = encoding_rs::WINDOWS_1252.decode(data);
    assert!(!had_errors);
    assert!(text.starts_with(
        "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorser Public Url,Endorsement Status\n"
    ));
    assert!(text.contains("José,Martínez"), "José is encoded in Windows-1252");
    assert!(data.windows(5).any(|w| w == b"Jos\xE9,"), "é is the single byte 0xE9");
    let rows = records(&text);
    assert_eq!(rows.len(), Size::Small.volume().endorsements_received);
    for row in &rows {
        NaiveDateTime::parse_from_str(&row[0], "%Y/%m/%d %H:%M:%S UTC").expect("endorsement date");
    }
}

#[test]
fn messages_cover_directions_drafts_groups_and_multiline_content() {
    let files = small_current();
    let volume = Size::Small.volume();
    let rows = records(utf8(&files["messages.csv"]));
    assert_eq!(rows.len(), volume.messages);
    let ids: HashSet<&str> = rows.iter().map(|r| r.get(0).unwrap_or_default()).collect();
    assert_eq!(ids.len(), volume.conversations);
    let profile = records(utf8(&files["Profile.csv"]));
    let member_name = format!("{} {}", &profile[0][0], &profile[0][1]);
    let sent: Vec<_> = rows.iter().filter(|r| r[2] == *member_name).collect();
    let received = rows.len() - sent.len();
    assert!(sent.len() > 100 && received > 100, "both directions: {} sent, {received} received", sent.len());
    let member_url = &sent[0][3];
    assert!(sent.iter().all(|r| &r[3] == member_url), "the member always sends from one URL");
    assert!(rows.iter().filter(|r| r[2] != *member_name).all(|r| r[5].contains(member_url)));
    assert!(rows.iter().any(|r| r[5].contains(';')), "group messages list several recipient URLs");
    assert!(rows.iter().any(|r| r[8].contains('\n')), "multi-line CONTENT");
    assert!(rows.iter().any(|r| !r[10].is_empty()), "some attachments");
    assert_eq!(rows.iter().filter(|r| &r[12] == "Yes").count(), volume.conversation_drafts);
    assert!(rows.iter().any(|r| &r[11] == "Yes" && &r[12] == "No"), "a draft reply");
    assert!(rows.iter().any(|r| r[2].contains("JosÃ©") || r[4].contains("JosÃ©")), "mojibake seen");
    let export = Style::Current.default_export_date();
    for row in &rows {
        let at = NaiveDateTime::parse_from_str(&row[6], "%Y-%m-%d %H:%M:%S UTC").expect("message date");
        assert!(at.date() < export, "{at} is after the export date");
    }
    let assistant = records(utf8(&files["guide_messages.csv"]));
    assert_eq!(assistant.len(), volume.assistant_messages);
    assert!(assistant.iter().any(|r| &r[2] == "Career Guide"));
}

#[test]
fn shares_comments_and_reactions_keep_their_quirks() {
    let files = small_current();
    let volume = Size::Small.volume();
    let shares_name = files.keys().find(|k| k.starts_with("Shares_")).expect("shares").clone();
    let shares = records(utf8(&files[&shares_name]));
    assert_eq!(shares.len(), volume.shares);
    assert!(shares.iter().any(|r| r[2].is_empty()), "a plain repost");
    assert!(
        shares.iter().any(|r| r[2].starts_with('"') && r[2].contains("\"\\n\"")),
        "quoted with literal \\n"
    );
    assert!(utf8(&files[&shares_name]).contains("\"\""), "doubled quotes in the raw file");

    let comments = utf8(&files["Comments.csv"]);
    assert!(comments.contains("\\\""), "quotes escaped with a backslash");
    let lines: Vec<&str> = comments.lines().skip(1).collect();
    assert_eq!(lines.len(), volume.comments);
    assert_eq!(lines.iter().filter(|l| l.starts_with(",https://")).count(), 1, "exactly one blank Date");

    let reactions = records(utf8(&files["Reactions.csv"]));
    assert_eq!(reactions.len(), volume.reactions);
    let types: HashSet<&str> = reactions.iter().map(|r| r.get(1).unwrap_or_default()).collect();
    for kind in ["LIKE", "EMPATHY", "PRAISE", "APPRECIATION", "INTEREST"] {
        assert!(types.contains(kind), "{kind} missing");
    }
    let logins = records(utf8(&files["Logins.csv"]));
    assert!(logins.iter().all(|r| r[1].starts_with("192.0.2.")));
    NaiveDateTime::parse_from_str(&logins[0][0], "%a %b %d %H:%M:%S UTC %Y").expect("java-style date");
    let invitations = records(utf8(&files["Invitations.csv"]));
    assert!(
        invitations.iter().any(|r| &r[4] == "INCOMING") && invitations.iter().any(|r| &r[4] == "OUTGOING")
    );
    NaiveDateTime::parse_from_str(&invitations[0][2], "%m/%d/%y, %I:%M %p").expect("US short date");
    let phones = utf8(&files["PhoneNumbers.csv"]);
    assert!(phones.contains("555-01"), "fictional phone numbers only");
}

#[test]
fn complete_2018_style_has_seven_column_messages_and_utf16_tab_files() {
    let opts = options(Size::Small.volume(), 18, Style::Complete2018);
    let files = entries(&generate(&opts));
    let prefix = "Complete_LinkedInDataExport_06-01-2018/";
    assert!(files.keys().all(|k| k.starts_with(prefix)), "everything under one folder");
    let get = |name: &str| files.get(&format!("{prefix}{name}")).unwrap_or_else(|| panic!("{name} missing"));
    assert_eq!(first_line(get("Messages.csv")), "From,To,Date,Subject,Content,Direction,Folder");
    assert!(!files.contains_key(&format!("{prefix}messages.csv")));
    for (name, header) in [
        ("Shares.csv", "\"Date\"\t\"ShareLink\"\t"),
        ("Search Queries.csv", "\"Time\"\t\"Search Query\""),
        ("Logins.csv", "\"Login Date\"\t"),
    ] {
        let bytes = get(name);
        assert_eq!(&bytes[..2], &[0xFF, 0xFE], "{name} starts with a UTF-16LE BOM");
        let units: Vec<u16> = bytes[2..].chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
        let text = String::from_utf16(&units).expect("UTF-16");
        assert!(text.starts_with(header), "{name}: {}", first_line(text.as_bytes()));
        assert!(text.contains("\"\r\n\""), "{name}: CRLF line ends, every field quoted");
    }
}

#[test]
fn legacy_2021_style_uses_the_older_layouts_under_one_folder() {
    let opts = options(Size::Small.volume(), 7, Style::Legacy2021);
    let files = entries(&generate(&opts));
    let prefix = "Complete_LinkedInDataExport_11-20-2021/";
    assert!(files.keys().all(|k| k.starts_with(prefix)), "everything under one folder");
    let get = |name: &str| files.get(&format!("{prefix}{name}")).unwrap_or_else(|| panic!("{name} missing"));
    assert_eq!(
        first_line(get("messages.csv")),
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER"
    );
    let connections = utf8(&get("Connections.csv")[3..]);
    assert!(
        after_preamble(connections)
            .starts_with("First Name,Last Name,Email Address,Company,Position,Connected On\n")
    );
    assert_eq!(first_line(get("Invitations.csv")), "From,To,Sent At,Message,Direction");
    assert_eq!(first_line(get("Rich Media.csv")), "Date/Time,Type,Link");
    assert_eq!(
        first_line(get("Recommendations Received.csv")),
        "First Name,Last Name,Company,Job Title,Text,Creation Date,Status"
    );
    let endorsements = encoding_rs::WINDOWS_1252.decode(get("Endorsement Received Info.csv")).0;
    assert!(endorsements.starts_with(
        "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorsement Status\n"
    ));
    assert!(files.contains_key(&format!("{prefix}Shares.csv")));
    for absent in
        ["guide_messages.csv", "learning_coach_messages.csv", "Profile Summary.csv", "Rich_Media.csv"]
    {
        assert!(!files.contains_key(&format!("{prefix}{absent}")), "{absent} is newer than 2021");
    }
    let rows = records(utf8(get("messages.csv")));
    assert_eq!(rows.len(), opts.volume.messages);
    assert!(
        rows.iter().all(|r| r[5].starts_with("2021-") || r[5].starts_with("2020-")),
        "dates fit the layout"
    );
}

#[test]
fn heavy_proportions_hold_when_scaled_down() {
    let volume = Size::Heavy.volume().scaled_down(50);
    let opts = options(volume.clone(), 5, Style::Current);
    let files = entries(&generate(&opts));
    let connections = records(after_preamble(utf8(&files["Connections.csv"][3..])));
    assert_eq!(connections.len(), 600);
    let messages = records(utf8(&files["messages.csv"]));
    assert_eq!(messages.len(), 3_000);
    let ids: HashSet<&str> = messages.iter().map(|r| r.get(0).unwrap_or_default()).collect();
    assert_eq!(ids.len(), 400);
    assert_eq!(records(utf8(&files["Reactions.csv"])).len(), 400);
    assert_eq!(utf8(&files["Comments.csv"]).lines().count() - 1, 100);
    let shares = files.keys().find(|k| k.starts_with("Shares_")).expect("shares");
    assert_eq!(records(utf8(&files[shares])).len(), 40);

    // Three years of activity, ending just before the export date.
    let export = opts.export_date;
    let dates: Vec<NaiveDateTime> = messages
        .iter()
        .map(|r| NaiveDateTime::parse_from_str(&r[6], "%Y-%m-%d %H:%M:%S UTC").expect("date"))
        .collect();
    let earliest = dates.iter().min().expect("messages").date();
    let latest = dates.iter().max().expect("messages").date();
    assert!((export - earliest).num_days() > 1_000, "activity spans about three years: {earliest}");
    assert!((export - latest).num_days() < 10, "activity runs up to the export: {latest}");
    // Weekdays are busier than weekends.
    let weekend = dates.iter().filter(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun)).count();
    assert!(weekend * 5 < dates.len(), "{weekend} of {} on weekends", dates.len());

    // The member changes: far more of their own messages in the last year than in the first.
    let profile = records(utf8(&files["Profile.csv"]));
    let member_name = format!("{} {}", &profile[0][0], &profile[0][1]);
    let first_year_end = export - chrono::TimeDelta::days(730);
    let last_year_start = export - chrono::TimeDelta::days(365);
    let sent_dates: Vec<NaiveDate> =
        messages.iter().zip(&dates).filter(|(r, _)| r[2] == *member_name).map(|(_, d)| d.date()).collect();
    let early = sent_dates.iter().filter(|d| **d < first_year_end).count();
    let late = sent_dates.iter().filter(|d| **d >= last_year_start).count();
    assert!(late > early * 2, "sent messages: {early} in the first year, {late} in the last");
}

#[test]
fn committed_samples_match_the_generator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let cases = [
        ("examples/sample-export.zip", options(Size::Typical.volume(), 42, Style::Current)),
        ("tests/fixtures/export-2021.zip", options(Size::Small.volume(), 7, Style::Legacy2021)),
        ("tests/fixtures/export-2018.zip", options(Size::Small.volume(), 18, Style::Complete2018)),
    ];
    for (path, opts) in cases {
        let committed = std::fs::read(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(committed == generate(&opts), "{path} is stale: regenerate it as docs/sample-data.md says");
    }
    let quirky = quirks::Quirks::parse("no-profile,spreadsheet,edited-skills").expect("quirks");
    let plain = generate(&options(Size::Small.volume(), 24, Style::Current));
    let committed = std::fs::read(root.join("tests/fixtures/export-quirks.zip")).expect("export-quirks.zip");
    assert!(
        committed == quirks::apply(&plain, &quirky).expect("quirks apply"),
        "tests/fixtures/export-quirks.zip is stale: regenerate it as docs/sample-data.md says"
    );
    let sample = std::fs::metadata(root.join("examples/sample-export.zip")).expect("sample").len();
    assert!(sample < 1_500_000, "the committed example grew to {sample} bytes");
}

#[test]
fn quirks_edit_only_the_files_they_name() {
    let plain = generate(&options(Size::Small.volume(), 5, Style::Current));
    let before = entries(&plain);
    let all = quirks::Quirks::parse("no-profile, spreadsheet,edited-skills").expect("quirks");
    let after = entries(&quirks::apply(&plain, &all).expect("quirks apply"));
    assert!(!after.contains_key("Profile.csv") && !after.contains_key("Profile Summary.csv"));
    let skills = utf8(&after["Skills.csv"]);
    assert!(!skills.starts_with("Name") && skills.lines().all(|l| l.ends_with(';')), "{skills}");
    assert_eq!(skills.lines().count() + 1, utf8(&before["Skills.csv"]).lines().count());
    let connections = utf8(&after["Connections.csv"]);
    assert!(connections.starts_with("First Name,Last Name,URL,"), "the preamble and BOM are gone");
    let rows = records(connections);
    assert_eq!(rows.len(), Size::Small.volume().connections);
    for row in &rows {
        NaiveDate::parse_from_str(&row[6], "%d-%b-%y").unwrap_or_else(|_| panic!("date {:?}", &row[6]));
        assert!(row.iter().all(|cell| !cell.is_empty()), "blanks are NA: {row:?}");
    }
    for (name, data) in &before {
        if !["Profile.csv", "Profile Summary.csv", "Skills.csv", "Connections.csv"].contains(&name.as_str()) {
            assert_eq!(after.get(name), Some(data), "{name} is untouched");
        }
    }
    assert!(quirks::Quirks::parse("tidy").is_err());
    assert!(!quirks::Quirks::parse("").expect("none").any());
}

#[test]
fn cli_writes_the_requested_file_and_names_folders_like_linkedin() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("nested/out.zip");
    run(crate::parse_args::<Args>(&format!("--size small --seed 9 --out {}", out.display())).expect("parses"))
        .expect("gen-export runs");
    let written = std::fs::read(&out).expect("written");
    assert!(written == generate(&options(Size::Small.volume(), 9, Style::Current)));

    let line = format!("--size=small --export-date=2025-03-01 --out {}", dir.path().display());
    run(crate::parse_args::<Args>(&line).expect("parses")).expect("gen-export runs into a folder");
    assert!(dir.path().join("Complete_LinkedInDataExport_03-01-2025.zip").is_file());

    let defaults = crate::parse_args::<Args>("").expect("no option is required").options();
    assert_eq!(defaults, options(Size::Typical.volume(), 42, Style::Current));
    let legacy = crate::parse_args::<Args>("--style 2021 --seed 7").expect("parses").options();
    assert_eq!(legacy.export_date, NaiveDate::from_ymd_opt(2021, 11, 20).expect("a date"));
    assert_eq!(crate::parse_args::<Args>("--style 2026").expect("an alias").options().style, Style::Current);

    for (line, expected) in [
        ("--size huge", "typical"),
        ("--style 2019", "2021"),
        ("--export-date 20-11-2026", "YYYY-MM-DD"),
        ("--export-date 1979-05-01", "1980 to 2107"),
        ("--quirks tidy", "edited-skills"),
        ("--seed many", "--seed"),
    ] {
        let bad = crate::parse_args::<Args>(line).expect_err(line);
        let kind = bad.kind();
        assert!(matches!(kind, ErrorKind::InvalidValue | ErrorKind::ValueValidation), "{line}: {kind:?}");
        assert!(bad.to_string().contains(expected), "{line}: {bad}");
    }
    let unknown = crate::parse_args::<Args>("--colour blue").expect_err("unknown option");
    assert_eq!(unknown.kind(), ErrorKind::UnknownArgument);
}
