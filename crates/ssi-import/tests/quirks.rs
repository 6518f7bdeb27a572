//! Every quirk of real exports that the reference names: file names, older layouts, encodings, escapes, preambles.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use ssi_core::ActivityKind as K;
use ssi_import::{FileKind, Pseudonymizer, SkipReason, open_export};

#[test]
fn member_id_suffixes_and_case_insensitive_names() {
    let dir = tempfile::tempdir().unwrap();
    let files = ExportFiles::new()
        .with("SHARES_987654321.CSV", SHARES)
        .with("instantreposts_42.csv", INSTANT_REPOSTS)
        .with("Messages.csv", MESSAGES_2026)
        .with("PROFILE.csv", PROFILE)
        .with("company_follows.csv", COMPANY_FOLLOWS)
        .with("member follows.csv", MEMBER_FOLLOWS);
    let (export, events) = import(&files.write_zip(dir.path(), "x.zip", None));
    assert_eq!(count(&events, K::Post) + count(&events, K::Repost), 4);
    assert_eq!(count(&events, K::MessageSent), 2);
    assert_eq!(count(&events, K::CompanyFollow), 1);
    assert_eq!(count(&events, K::MemberFollow), 1);
    assert!(export.report().not_recognised.is_empty());
}

#[test]
fn archive_of_2021_with_older_names_and_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let zip = export_2021().write_zip(dir.path(), "Basic_LinkedInDataExport_11-30-2021.zip", None);
    let mut export = open_export(&zip, options()).unwrap();
    let profile = export.profile().unwrap();
    assert!(profile.has_photo, "old Rich Media.csv layout with a Type column");
    assert!(!profile.has_banner);
    let (events, error) = drain(&mut export);
    assert!(error.is_none());
    // Without URLs, the member is told apart by the name in Profile.csv.
    assert_eq!(count(&events, K::MessageReceived), 1);
    assert_eq!(count(&events, K::MessageSent), 1);
    assert_eq!(count(&events, K::ConnectionMade), 1);
    assert_eq!(count(&events, K::InvitationSent), 1);
    assert_eq!(count(&events, K::EndorsementReceived), 1);
    assert_eq!(count(&events, K::RecommendationReceived), 1);
    let report = export.report();
    assert!(report.member.name_known);
    assert!(!report.member.profile_url_known);
    assert_eq!(report.file(FileKind::EndorsementsReceived).unwrap().name, "Endorsement Received Info.csv");
    assert_eq!(report.file(FileKind::RichMedia).unwrap().name, "Rich Media.csv");
}

#[test]
fn the_same_rows_get_the_same_keys_in_2021_and_2026_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let (_, old) = import(&export_2021().write_zip(dir.path(), "old.zip", None));
    let (_, new) = import(&full_export().write_zip(dir.path(), "new.zip", None));
    let key_of = |events: &[ssi_core::ActivityEvent], kind: K, at: chrono::DateTime<Utc>| {
        events.iter().find(|e| e.kind == kind && e.at == at).map(|e| e.natural_key.clone()).unwrap()
    };
    let connected = Utc.with_ymd_and_hms(2021, 11, 17, 0, 0, 0).unwrap();
    assert_eq!(key_of(&old, K::ConnectionMade, connected), key_of(&new, K::ConnectionMade, connected));
    let received = Utc.with_ymd_and_hms(2021, 11, 17, 18, 14, 58).unwrap();
    assert_eq!(key_of(&old, K::MessageReceived, received), key_of(&new, K::MessageReceived, received));
    let reply = Utc.with_ymd_and_hms(2021, 11, 17, 19, 0, 0).unwrap();
    assert_eq!(key_of(&old, K::MessageSent, reply), key_of(&new, K::MessageSent, reply));
}

#[test]
fn byte_order_mark_is_stripped() {
    let dir = tempfile::tempdir().unwrap();
    let files = ExportFiles::new()
        .with("Profile.csv", format!("\u{feff}{PROFILE}"))
        .with("Connections.csv", format!("\u{feff}{CONNECTIONS}"));
    let mut export = open_export(&files.write_zip(dir.path(), "x.zip", None), options()).unwrap();
    assert_eq!(export.profile().unwrap().first_name, "Ada");
    let (events, _) = drain(&mut export);
    assert_eq!(count(&events, K::ConnectionMade), 2);
    assert_eq!(export.report().file(FileKind::Connections).unwrap().encoding, "utf-8 with BOM");
}

#[test]
fn windows_1252_files_fall_back_and_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut connections =
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\nJos\xe9,D\xedaz,,,Caf\xe9 S.A.,Director,17 Nov 2021\n"
            .to_vec();
    connections.extend_from_slice(b"Ren\xe9e,Dupont,,,Acme,CTO,18 Nov 2021\n");
    let files = ExportFiles::new().with("Connections.csv", &connections);
    let (export, events) = import(&files.write_zip(dir.path(), "x.zip", None));
    assert_eq!(events.len(), 2);
    let pseudo = Pseudonymizer::new(&KEY);
    assert_eq!(events[0].counterpart, pseudo.person("", "José Díaz"));
    assert_eq!(events[0].counterpart_company.as_deref(), Some("Café S.A."));
    let fallbacks = &export.report().encoding_fallbacks;
    assert_eq!(fallbacks.len(), 1);
    assert_eq!((fallbacks[0].file.as_str(), fallbacks[0].from_line), ("Connections.csv", 2));
    assert_eq!(fallbacks[0].encoding, "windows-1252");
    assert!(export.report().file(FileKind::Connections).unwrap().encoding.starts_with("windows-1252"));
}

#[test]
fn mojibake_names_still_identify_the_member() {
    let dir = tempfile::tempdir().unwrap();
    let profile = "First Name,Last Name\nJosé,Díaz\n";
    let messages = "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER\n\
c1,,JosÃ© DÃ\u{ad}az,,Bob,2021-11-17 18:14:58 UTC,,hi,INBOX\n\
c1,,Bob,,JosÃ© DÃ\u{ad}az,2021-11-17 18:20:00 UTC,,hello,INBOX\n";
    let files = ExportFiles::new().with("Profile.csv", profile).with("messages.csv", messages);
    let (_, events) = import(&files.write_zip(dir.path(), "x.zip", None));
    assert_eq!(count(&events, K::MessageSent), 1);
    assert_eq!(count(&events, K::MessageReceived), 1);
}

#[test]
fn backslash_escaped_quotes_in_comments_keep_rows_whole() {
    let dir = tempfile::tempdir().unwrap();
    let comments = "Date,Link,Message\n\
2021-11-02 10:00:00,https://x/1,\"She wrote \\\"A, B and C\\\" and\nmore \\\"quotes\\\"\"\n\
2021-11-03 10:00:00,https://x/2,plain\n\
not a date,https://x/3,bad\n";
    let files = ExportFiles::new().with("Comments.csv", comments);
    let (export, events) = import(&files.write_zip(dir.path(), "x.zip", None));
    assert_eq!(count(&events, K::Comment), 2);
    let report = export.report().file(FileKind::Comments).unwrap();
    assert_eq!(report.rows_read, 3);
    assert_eq!(report.skipped[0].line, Some(5), "the multi-line row counts its lines");
    assert_eq!(report.skipped[0].reason, SkipReason::UnparseableDate);
}

#[test]
fn wrapped_share_commentary_decides_post_or_repost() {
    let dir = tempfile::tempdir().unwrap();
    let shares = "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n\
2021-10-27 19:36:45,https://x/1,\"\"\"Line one\"\"\n\"\"Line two\"\"\",,,MEMBER_NETWORK\n\
2021-10-28 19:36:45,https://x/2,\"\"\"\"\"\n\"\"\"\"\",,,MEMBER_NETWORK\n\
2021-10-29 19:36:45,https://x/3,,https://news.example,,MEMBER_NETWORK\n\
2021-10-30 19:36:45,https://x/4,Plain words,,,CONNECTIONS\n";
    let files = ExportFiles::new().with("Shares.csv", shares);
    let (_, events) = import(&files.write_zip(dir.path(), "x.zip", None));
    let kinds: Vec<K> = events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, vec![K::Post, K::Repost, K::Repost, K::Post]);
    assert!(events[0].personalised && !events[1].personalised);
}

#[test]
fn drafts_in_2026_messages_are_not_sent_messages() {
    let dir = tempfile::tempdir().unwrap();
    let messages = "\"CONVERSATION ID\",\"FROM\",\"SENDER PROFILE URL\",\"TO\",\"RECIPIENT PROFILE URLS\",\"DATE\",\"CONTENT\",\"IS MESSAGE DRAFT\",\"IS CONVERSATION DRAFT\",\"SOMETHING NEW\"\n\
c1,Ada Lovelace,https://www.linkedin.com/in/ada-lovelace,Bob,https://www.linkedin.com/in/bob,2026-01-02 10:00:00 UTC,hi,false,true,x\n\
c2,Ada Lovelace,https://www.linkedin.com/in/ada-lovelace,Bob,https://www.linkedin.com/in/bob,2026-01-02 11:00:00 UTC,hi,TRUE,false,x\n\
c3,Ada Lovelace,https://www.linkedin.com/in/ada-lovelace,Bob,\"https://www.linkedin.com/in/bob,https://www.linkedin.com/in/ada-lovelace\",2026-01-02 12:00:00 UTC,hi,false,false,x\n";
    let files = ExportFiles::new().with("Profile.csv", PROFILE).with("messages.csv", messages);
    let (export, events) = import(&files.write_zip(dir.path(), "x.zip", None));
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, K::MessageSent);
    // Comma-separated recipient URLs, the member's own left out: one person.
    let pseudo = Pseudonymizer::new(&KEY);
    assert_eq!(events[0].counterpart, pseudo.person("https://www.linkedin.com/in/bob", ""));
    let report = export.report().file(FileKind::Messages).unwrap();
    assert_eq!(report.skipped.iter().filter(|s| s.reason == SkipReason::DraftMessage).count(), 2);
}

#[test]
fn without_any_identity_only_sent_folder_messages_have_a_direction() {
    let dir = tempfile::tempdir().unwrap();
    let messages = "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER\n\
c1,,Someone,,Other,2021-11-17 18:14:58 UTC,,a,SENT\n\
c1,,Other,,Someone,2021-11-17 18:20:00 UTC,,b,INBOX\n";
    let files = ExportFiles::new().with("messages.csv", messages);
    let (export, events) = import(&files.write_zip(dir.path(), "x.zip", None));
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, K::MessageSent);
    let skipped = &export.report().file(FileKind::Messages).unwrap().skipped;
    assert_eq!(skipped[0].reason, SkipReason::UnknownDirection);
    assert_eq!(skipped[0].line, Some(3));
    assert!(!export.report().member.name_known);
}

#[test]
fn invitations_without_direction_use_the_member_name() {
    let dir = tempfile::tempdir().unwrap();
    let invitations = "From,To,Sent At,Message\n\
Ada Lovelace,Michael Faraday,\"11/16/21, 9:40 AM\",\n\
John Herschel,Ada Lovelace,\"11/17/21, 9:40 AM\",Hello\n\
John Herschel,Michael Faraday,\"11/18/21, 9:40 AM\",\n";
    let files = ExportFiles::new().with("Profile.csv", PROFILE).with("Invitations.csv", invitations);
    let (export, events) = import(&files.write_zip(dir.path(), "x.zip", None));
    assert_eq!(count(&events, K::InvitationSent), 1);
    assert_eq!(count(&events, K::InvitationReceived), 1);
    assert!(events.iter().find(|e| e.kind == K::InvitationReceived).unwrap().personalised);
    let skipped = &export.report().file(FileKind::Invitations).unwrap().skipped;
    assert_eq!(skipped[0].reason, SkipReason::UnknownDirection);
}

#[test]
fn missing_optional_columns_are_fine_and_extra_ones_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let files = ExportFiles::new()
        .with(
            "Connections.csv",
            "Connected On,Last Name,First Name,Brand New Column\n17 Nov 2021,Babbage,Charles,x\n",
        )
        .with("Reactions.csv", "Link,Date\nhttps://x,2021-11-04 10:00:00\n");
    let (_, events) = import(&files.write_zip(dir.path(), "x.zip", None));
    assert_eq!(events.len(), 2);
    let connection = events.iter().find(|e| e.kind == K::ConnectionMade).unwrap();
    assert_eq!(connection.counterpart_title, None);
    assert_eq!(connection.counterpart, Pseudonymizer::new(&KEY).person("", "Charles Babbage"));
}

#[test]
fn every_timestamp_format_of_the_reference_reaches_an_event() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("Connections.csv", "First Name,Last Name,Connected On\nA,B,17 Nov 2021\n", (2021, 11, 17, 0, 0, 0)),
        (
            "Invitations.csv",
            "From,To,Sent At,Direction\nA,B,\"11/16/21, 9:40 AM\",OUTGOING\n",
            (2021, 11, 16, 9, 40, 0),
        ),
        (
            "messages.csv",
            "CONVERSATION ID,FROM,DATE,FOLDER\nc,A,2021-11-17 18:14:58 UTC,SENT\n",
            (2021, 11, 17, 18, 14, 58),
        ),
        ("Shares.csv", "Date,ShareLink\n2021-10-27 19:36:45,x\n", (2021, 10, 27, 19, 36, 45)),
        (
            "Endorsement_Given_Info.csv",
            "Endorsement Date,Skill Name\n2021/09/14 12:18:19 UTC,x\n",
            (2021, 9, 14, 12, 18, 19),
        ),
        (
            "Recommendations_Given.csv",
            "First Name,Creation Date\nA,\"01/02/06, 3:04 PM\"\n",
            (2006, 1, 2, 15, 4, 0),
        ),
        ("SearchQueries.csv", "Time,Search Query\n2021/10/14 19:15:57 UTC,x\n", (2021, 10, 14, 19, 15, 57)),
        (
            "Logins.csv",
            "Login Date,IP Address\nFri Sep 24 12:35:41 UTC 2021,192.0.2.1\n",
            (2021, 9, 24, 0, 0, 0),
        ),
        (
            "Company Follows.csv",
            "Organization,Followed On\nX,Tue Sep 28 09:08:27 UTC 2021\n",
            (2021, 9, 28, 9, 8, 27),
        ),
        (
            "Member_Follows.csv",
            "Date,Status,FullName\n2021-08-24 22:24:35,Active,X\n",
            (2021, 8, 24, 22, 24, 35),
        ),
        (
            "Events.csv",
            "Event Name,Event Time,Status\nMeetup,\"April 12, 2026 at 8:03 AM (GMT)\",Attended\n",
            (2026, 4, 12, 8, 3, 0),
        ),
    ];
    for (name, content, (y, mo, d, h, mi, s)) in cases {
        let files = ExportFiles::new().with(name, content);
        let (_, events) = import(&files.write_zip(dir.path(), &format!("{name}.zip"), None));
        assert_eq!(events.len(), 1, "{name}");
        assert_eq!(events[0].at, Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap(), "{name}");
    }
}

#[test]
fn utf16_files_with_a_bom_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xff, 0xfe];
    for unit in "Date,Link\n2021-11-01 10:00:00,https://x\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let files = ExportFiles::new().with("InstantReposts.csv", &bytes);
    let (_, events) = import(&files.write_zip(dir.path(), "x.zip", None));
    assert_eq!(count(&events, K::Repost), 1);
}
