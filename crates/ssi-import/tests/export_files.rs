//! Every file of a full export maps to the right events, profile fields and report lines.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::*;
use ssi_core::ActivityKind as K;
use ssi_core::{Horizon, HorizonSource};
use ssi_import::{FileKind, SkipReason, open_export};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn every_event_file_maps_to_its_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let zip = full_export().write_zip(dir.path(), "Complete_LinkedInDataExport_11-20-2026.zip", None);
    let (export, events) = import(&zip);

    let expected = [
        (K::ConnectionMade, 2),
        (K::InvitationSent, 1),
        (K::InvitationReceived, 1),
        (K::MessageReceived, 1),
        (K::MessageSent, 2),
        (K::Post, 1),
        (K::Repost, 3),
        (K::Comment, 2),
        (K::Reaction, 2),
        (K::PollVote, 1),
        (K::EndorsementReceived, 1),
        (K::EndorsementGiven, 1),
        (K::RecommendationReceived, 1),
        (K::RecommendationGiven, 1),
        (K::PeopleSearch, 1),
        (K::DayActive, 2),
        (K::CompanyFollow, 1),
        (K::MemberFollow, 1),
        (K::EventAttended, 1),
        (K::Article, 1),
    ];
    for (kind, n) in expected {
        assert_eq!(count(&events, kind), n, "{kind}");
    }
    assert_eq!(events.len(), expected.iter().map(|(_, n)| n).sum::<usize>());
    let report = export.report();
    assert!(report.events_complete);
    assert_eq!(report.total_events(), events.len() as u64);
}

#[test]
fn event_fields_carry_what_the_score_needs() {
    let dir = tempfile::tempdir().unwrap();
    let zip = full_export().write_zip(dir.path(), "export.zip", None);
    let (_, events) = import(&zip);

    let connection = events.iter().find(|e| e.kind == K::ConnectionMade).unwrap();
    assert_eq!(connection.at, Utc.with_ymd_and_hms(2021, 11, 17, 0, 0, 0).unwrap());
    assert_eq!(connection.counterpart_title.as_deref(), Some("Chief Executive Officer"));
    assert_eq!(connection.counterpart_company.as_deref(), Some("Difference Engines"));
    assert!(connection.counterpart.is_some());

    let invitation = events.iter().find(|e| e.kind == K::InvitationSent).unwrap();
    assert!(invitation.personalised);
    assert_eq!(invitation.at, Utc.with_ymd_and_hms(2021, 11, 16, 9, 40, 0).unwrap());
    let incoming = events.iter().find(|e| e.kind == K::InvitationReceived).unwrap();
    assert!(!incoming.personalised);

    // The received message and the reply share conversation and counterpart.
    let received = events.iter().find(|e| e.kind == K::MessageReceived).unwrap();
    let reply = events
        .iter()
        .find(|e| e.kind == K::MessageSent && e.at == Utc.with_ymd_and_hms(2021, 11, 17, 19, 0, 0).unwrap())
        .unwrap();
    assert_eq!(received.conversation, reply.conversation);
    assert_eq!(received.counterpart, reply.counterpart);
    assert_eq!(received.counterpart, connection.counterpart, "the same person is the same key across files");
    let group =
        events.iter().find(|e| e.kind == K::MessageSent && e.conversation != reply.conversation).unwrap();
    assert!(group.counterpart.is_some());
    assert_ne!(group.counterpart, reply.counterpart);

    let post = events.iter().find(|e| e.kind == K::Post).unwrap();
    assert!(post.personalised);
    assert_eq!(post.at, Utc.with_ymd_and_hms(2021, 10, 27, 19, 36, 45).unwrap());

    let logins: Vec<_> = events.iter().filter(|e| e.kind == K::DayActive).map(|e| e.at).collect();
    assert_eq!(
        logins,
        vec![
            Utc.with_ymd_and_hms(2021, 9, 24, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2021, 9, 25, 0, 0, 0).unwrap()
        ]
    );

    let recommendation = events.iter().find(|e| e.kind == K::RecommendationReceived).unwrap();
    assert_eq!(recommendation.at, Utc.with_ymd_and_hms(2006, 1, 2, 15, 4, 0).unwrap());
    assert_eq!(recommendation.counterpart_title.as_deref(), Some("Chief Executive Officer"));

    let follow = events.iter().find(|e| e.kind == K::CompanyFollow).unwrap();
    assert_eq!(follow.at, Utc.with_ymd_and_hms(2021, 9, 28, 9, 8, 27).unwrap());
    assert!(follow.counterpart.is_some());

    let article = events.iter().find(|e| e.kind == K::Article).unwrap();
    assert_eq!(article.at, Utc.with_ymd_and_hms(2021, 12, 5, 10, 25, 0).unwrap());

    for event in &events {
        assert_eq!(event.natural_key.len(), 32, "{event:?}");
        assert!(event.natural_key.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    let mut keys: Vec<_> = events.iter().map(|e| e.natural_key.clone()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), events.len(), "natural keys are unique");
}

#[test]
fn profile_reads_every_profile_file() {
    let dir = tempfile::tempdir().unwrap();
    let zip = full_export().write_zip(dir.path(), "Basic_LinkedInDataExport_11-20-2026.zip", None);
    let mut export = open_export(&zip, options()).unwrap();
    let profile = export.profile().unwrap();
    assert_eq!(profile.taken_on, day(2026, 11, 20));
    assert_eq!(profile.full_name(), "Ada Lovelace");
    assert_eq!(profile.headline.as_deref(), Some("Head of Analytical Engines"));
    assert_eq!(profile.summary_chars as usize, PROFILE_SUMMARY.lines().nth(1).unwrap().len() - 2);
    assert_eq!(profile.industry.as_deref(), Some("Computer Software"));
    assert_eq!(profile.location.as_deref(), Some("London, England, United Kingdom"));
    assert_eq!(profile.websites, 2);
    assert_eq!(profile.profile_url.as_deref(), Some("https://www.linkedin.com/in/ada-lovelace"));
    assert_eq!(profile.positions.len(), 2);
    let current: Vec<_> = profile.current_positions().collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].title, "Head of Engines");
    assert_eq!(current[0].started_on, Some(day(2021, 11, 1)));
    assert!(current[0].has_description);
    assert_eq!(profile.positions[1].started_on, Some(day(2015, 1, 1)));
    assert_eq!(profile.positions[1].finished_on, Some(day(2021, 10, 1)));
    assert_eq!(profile.education, 1);
    assert_eq!(profile.skills, vec!["Mathematics".to_string(), "Poetry".to_string()]);
    assert_eq!(profile.certifications, 1);
    assert_eq!(profile.languages, 2);
    assert_eq!(profile.projects, 1);
    assert_eq!(profile.publications, 1);
    assert_eq!(profile.honors, 1);
    assert!(profile.has_photo);
    assert!(profile.has_banner);

    let skills = export.report().file(FileKind::Skills).unwrap();
    assert_eq!((skills.rows_read, skills.rows_skipped), (3, 1));
    assert_eq!(skills.skipped[0].reason, SkipReason::BlankField);
    assert_eq!(skills.skipped[0].line, Some(4));
}

#[test]
fn report_lists_files_skips_and_unused_files() {
    let dir = tempfile::tempdir().unwrap();
    let zip = full_export().write_zip(dir.path(), "export.zip", None);
    let (export, _) = import(&zip);
    let report = export.report();

    let comments = report.file(FileKind::Comments).unwrap();
    assert_eq!(comments.name, "Comments_123456789.csv");
    assert_eq!((comments.rows_read, comments.events, comments.rows_skipped), (3, 2, 1));
    assert_eq!(comments.skipped[0].line, Some(3));
    assert_eq!(comments.skipped[0].field.as_deref(), Some("Date"));
    assert_eq!(comments.skipped[0].reason, SkipReason::BlankField);

    let messages = report.file(FileKind::Messages).unwrap();
    assert_eq!((messages.rows_read, messages.events, messages.rows_skipped), (4, 3, 1));
    assert_eq!(messages.skipped[0].reason, SkipReason::DraftMessage);

    let logins = report.file(FileKind::Logins).unwrap();
    assert_eq!((logins.rows_read, logins.events, logins.rows_skipped), (3, 2, 0));

    let endorsements = report.file(FileKind::EndorsementsReceived).unwrap();
    assert_eq!(endorsements.skipped[0].reason, SkipReason::RejectedEndorsement);
    let events = report.file(FileKind::Events).unwrap();
    assert_eq!(events.skipped[0].reason, SkipReason::DeclinedEvent);

    let articles = report.file(FileKind::Articles).unwrap();
    assert_eq!(articles.name, "Articles/Articles/");
    assert_eq!((articles.rows_read, articles.events, articles.rows_skipped), (2, 1, 1));
    assert_eq!(articles.skipped[0].reason, SkipReason::NoArticleDate);
    assert_eq!(articles.skipped[0].line, None);

    let unused: Vec<&str> = report.not_used.iter().map(|f| f.name.as_str()).collect();
    for name in ["Jobs/Saved Jobs.csv", "Ad_Targeting.csv", "guide_messages.csv", "PhoneNumbers.csv"] {
        assert!(unused.contains(&name), "{name} should be listed as not used: {unused:?}");
    }
    let guide = report.not_used.iter().find(|f| f.name == "guide_messages.csv").unwrap();
    assert!(guide.reason.contains("assistant"));
    assert_eq!(report.not_recognised, vec!["Mystery.csv".to_string()]);
    assert!(report.member.name_known && report.member.profile_url_known);
    // Email Addresses.csv is read only to be hashed into an account key.
    assert!(!unused.contains(&"Email Addresses.csv"));
    assert!(report.member.account_keys.iter().any(|k| k.starts_with("email:") && !k.contains('@')));
    assert!(report.encoding_fallbacks.is_empty());

    // The report round-trips through JSON.
    let json = serde_json::to_string(report).unwrap();
    let back: ssi_import::ImportReport = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, report);
}

#[test]
fn zip_with_top_level_folder_and_unpacked_folder_give_the_same_events() {
    let dir = tempfile::tempdir().unwrap();
    let files = full_export();
    let flat = files.write_zip(dir.path(), "flat.zip", None);
    let nested = files.write_zip(dir.path(), "nested.zip", Some("Complete_LinkedInDataExport_11-20-2026"));
    let folder = files.write_folder(dir.path(), "Basic_LinkedInDataExport_11-21-2026");

    let (flat_export, flat_events) = import(&flat);
    let (nested_export, nested_events) = import(&nested);
    let (folder_export, folder_events) = import(&folder);
    assert_eq!(flat_events, nested_events);
    assert_eq!(flat_events, folder_events);

    assert_eq!(flat_export.export_date(), None);
    assert_eq!(nested_export.export_date(), Some(day(2026, 11, 20)));
    assert_eq!(folder_export.export_date(), Some(day(2026, 11, 21)));
    assert_eq!(nested_export.report().file(FileKind::Connections).unwrap().name, "Connections.csv");

    assert_eq!(flat_export.fingerprint().len(), 64);
    assert_ne!(flat_export.fingerprint(), nested_export.fingerprint());
    // A folder's fingerprint depends on its content only, not where it is.
    let copy = files.write_folder(dir.path(), "elsewhere");
    assert_eq!(open_export(&copy, options()).unwrap().fingerprint(), folder_export.fingerprint());
    let changed =
        files.clone().with("Votes.csv", "Date,Link,OptionText\n").write_folder(dir.path(), "changed");
    assert_ne!(open_export(&changed, options()).unwrap().fingerprint(), folder_export.fingerprint());
}

#[test]
fn zip_fingerprint_is_sha256_of_the_bytes() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    let zip = full_export().write_zip(dir.path(), "export.zip", None);
    let expected: String =
        Sha256::digest(std::fs::read(&zip).unwrap()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(open_export(&zip, options()).unwrap().fingerprint(), expected);
}

#[test]
fn reimport_and_overlapping_newer_archive_give_the_same_keys() {
    let dir = tempfile::tempdir().unwrap();
    let older = full_export();
    let newer = older.clone().with(
        "Reactions_123456789.csv",
        format!(
            "{REACTIONS}2021-12-24 10:00:00,LIKE,https://www.linkedin.com/feed/update/urn:li:activity:77\n"
        ),
    );
    let (_, first) = import(&older.write_zip(dir.path(), "a.zip", None));
    let (_, again) = import(&older.write_zip(dir.path(), "b.zip", None));
    let (_, later) = import(&newer.write_zip(dir.path(), "c.zip", None));
    let keys = |events: &[ssi_core::ActivityEvent]| {
        events.iter().map(|e| e.natural_key.clone()).collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(keys(&first), keys(&again));
    let (old_keys, new_keys) = (keys(&first), keys(&later));
    assert!(old_keys.is_subset(&new_keys));
    assert_eq!(new_keys.len(), old_keys.len() + 1);

    // Another pseudonym key gives other keys.
    let zip = older.write_zip(dir.path(), "d.zip", None);
    let mut other = open_export(&zip, options_with_key([9; 32])).unwrap();
    let (other_events, _) = drain(&mut other);
    assert!(keys(&other_events).is_disjoint(&old_keys));
}

fn options_with_key(key: [u8; 32]) -> ssi_import::ImportOptions {
    ssi_import::ImportOptions::new(key)
}

#[test]
fn identical_rows_in_one_file_get_distinct_stable_keys() {
    let dir = tempfile::tempdir().unwrap();
    let row = "2021-11-04 10:00:00,LIKE,https://www.linkedin.com/feed/update/urn:li:activity:4\n";
    let files = ExportFiles::new().with("Reactions.csv", format!("Date,Type,Link\n{row}{row}{row}"));
    let (_, first) = import(&files.write_zip(dir.path(), "a.zip", None));
    let (_, second) = import(&files.write_zip(dir.path(), "b.zip", None));
    assert_eq!(first.len(), 3);
    let keys: std::collections::BTreeSet<_> = first.iter().map(|e| &e.natural_key).collect();
    assert_eq!(keys.len(), 3);
    assert_eq!(
        first.iter().map(|e| &e.natural_key).collect::<Vec<_>>(),
        second.iter().map(|e| &e.natural_key).collect::<Vec<_>>()
    );
}

#[test]
fn events_can_be_read_again_and_report_is_not_double_counted() {
    let dir = tempfile::tempdir().unwrap();
    let zip = full_export().write_zip(dir.path(), "export.zip", None);
    let mut export = open_export(&zip, options()).unwrap();
    let (first, _) = drain(&mut export);
    let total = export.report().total_events();
    let (second, _) = drain(&mut export);
    assert_eq!(first, second);
    assert_eq!(export.report().total_events(), total);
}

#[test]
fn taken_on_falls_back_to_archive_dates_without_a_dated_name() {
    let dir = tempfile::tempdir().unwrap();
    // The zip writer stamps entries with a fixed default time (1980), which
    // is ignored; the latest event then dates the profile.
    let zip = full_export().write_zip(dir.path(), "export.zip", None);
    let mut export = open_export(&zip, options()).unwrap();
    let profile = export.profile().unwrap();
    assert_eq!(profile.taken_on, day(2022, 1, 2));
    assert!(export.report().notes.iter().any(|n| n.contains("newest row")));
    assert_eq!(
        export.report().horizon,
        Some(Horizon { day: day(2022, 1, 2), source: HorizonSource::NewestRow })
    );
    // The scan for the date leaves the report's counts to the real pass.
    assert_eq!(export.report().total_events(), 0);
}

#[test]
fn taken_on_uses_entry_dates_only_when_they_agree_with_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    // Built a few quiet days after the newest row (2 January 2022): the
    // entries' times are the export's date.
    let stamp = zip::DateTime::from_date_and_time(2022, 1, 9, 23, 10, 0).unwrap();
    let zip = full_export().write_zip_stamped(dir.path(), "export.zip", None, stamp);
    let mut export = open_export(&zip, options()).unwrap();
    assert_eq!(export.profile().unwrap().taken_on, day(2022, 1, 9));
    assert_eq!(export.report().horizon.unwrap().source, HorizonSource::EntryTimes);

    // The same export re-zipped years later: its newest row is its horizon.
    let stamp = zip::DateTime::from_date_and_time(2026, 11, 19, 23, 10, 0).unwrap();
    let zip = full_export().write_zip_stamped(dir.path(), "rezipped.zip", None, stamp);
    let mut export = open_export(&zip, options()).unwrap();
    assert_eq!(export.profile().unwrap().taken_on, day(2022, 1, 2));
    assert_eq!(export.report().horizon.unwrap().source, HorizonSource::NewestRow);
}

#[test]
fn an_open_export_can_move_to_another_thread() {
    fn assert_send<T: Send>(_: &T) {}
    let dir = tempfile::tempdir().unwrap();
    let zip = full_export().write_zip(dir.path(), "export.zip", None);
    let export = open_export(&zip, options()).unwrap();
    assert_send(&export);
    let events = std::thread::spawn(move || {
        let mut export = export;
        drain(&mut export).0.len()
    })
    .join()
    .unwrap();
    assert_eq!(events, 27);
}
