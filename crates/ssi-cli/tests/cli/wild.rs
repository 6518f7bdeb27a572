//! `ssi import` of exports as people publish them: older layouts, files a spreadsheet or a hand edited, and who "me" is.
//!
//! Each export is a small fixture written here (no real person's data), in
//! the layout or with the quirk of a real export; each test runs the real
//! binary and checks the exact per-file counts of `ssi import --json`.

use crate::support::TestEnv;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Writes `files` (relative path, bytes) into a folder named `name` and returns it.
fn export(env: &TestEnv, name: &str, files: &[(&str, Vec<u8>)]) -> PathBuf {
    let folder = env.path(name);
    for (file, bytes) in files {
        let path = folder.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    folder
}

fn text(content: &str) -> Vec<u8> {
    content.as_bytes().to_vec()
}

/// UTF-16LE with a byte-order mark, as the 2018 "Complete" export wrote some files.
fn utf16le(content: &str) -> Vec<u8> {
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(content.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// `(rows_read, events, rows_skipped)` of one file of `ssi import --json`.
fn counts(import: &Value, name: &str) -> (u64, u64, u64) {
    let file = file(import, name);
    let n = |key: &str| file[key].as_u64().unwrap();
    (n("rows_read"), n("events"), n("rows_skipped"))
}

fn file<'a>(import: &'a Value, name: &str) -> &'a Value {
    import["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not reported: {import:#}"))
}

/// Events of `kind` produced from the file `name`.
fn by_kind(import: &Value, name: &str, kind: &str) -> u64 {
    file(import, name)["events_by_kind"][kind].as_u64().unwrap_or(0)
}

fn import_json(env: &TestEnv, path: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["import", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    env.json(&args)["import"].clone()
}

const PROFILE_2021: &str = "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\n";

fn profile(first: &str, last: &str) -> Vec<u8> {
    text(&format!("{PROFILE_2021}{first},{last},,,,Engineer,,Software Development,,Stockholm,,,\n"))
}

#[test]
fn a_2018_complete_export_with_seven_column_messages_and_utf16_tab_files_imports() {
    let env = TestEnv::new();
    let messages = "From,To,Date,Subject,Content,Direction,Folder\n\
        Grace Hopper,Alan Turing,\"5/30/18, 10:00 AM\",Hello,\"Shall we talk, Alan?\",OUTGOING,SENT\n\
        Alan Turing,Grace Hopper,\"5/30/18, 11:00 AM\",Re: Hello,Yes,INCOMING,INBOX\n\
        Grace Hopper,Alan Turing,\"5/31/18, 9:00 AM\",Re: Hello,Great,OUTGOING,SENT\n\
        Joan Clarke,Grace Hopper,\"5/29/18, 8:00 AM\",Hi,Hi Grace,INCOMING,INBOX\n\
        Grace Hopper,Joan Clarke,\"5/29/18, 8:30 AM\",Re: Hi,Hi Joan,OUTGOING,SENT\n";
    let shares = "\"Date\"\t\"ShareLink\"\t\"ShareCommentary\"\t\"SharedUrl\"\t\"MediaUrl\"\r\n\
        \"2018-05-20 10:00:00\"\t\"https://www.linkedin.com/feed/update/urn:li:activity:1\"\t\"Compilers, at last\"\t\"\"\t\"\"\r\n\
        \"2018-05-21 10:00:00\"\t\"https://www.linkedin.com/feed/update/urn:li:activity:2\"\t\"\"\t\"https://news.example/x\"\t\"\"\r\n";
    let searches = "\"Time\"\t\"Search Query\"\r\n\
        \"2018-05-22 10:00:00 UTC\"\t\"cobol, people\"\r\n\
        \"2018-05-23 10:00:00 UTC\"\t\"navy\"\r\n\
        \"2018-05-24 10:00:00 UTC\"\t\"compilers\"\r\n";
    let logins = "\"Login Date\"\t\"IP Address\"\t\"User Agent\"\t\"Login Type\"\r\n\
        \"Fri May 25 12:35:41 UTC 2018\"\t\"192.0.2.1\"\t\"Mozilla/5.0 (X11, Linux)\"\t\"WEB\"\r\n\
        \"Fri May 25 18:35:41 UTC 2018\"\t\"192.0.2.1\"\t\"Mozilla/5.0 (X11, Linux)\"\t\"WEB\"\r\n\
        \"Sat May 26 08:00:00 UTC 2018\"\t\"192.0.2.1\"\t\"Mozilla/5.0 (X11, Linux)\"\t\"WEB\"\r\n";
    let folder = export(
        &env,
        "Complete_LinkedInDataExport_06-01-2018",
        &[
            ("Profile.csv", profile("Grace", "Hopper")),
            ("Messages.csv", text(messages)),
            ("Shares.csv", utf16le(shares)),
            ("Search Queries.csv", utf16le(searches)),
            ("Logins.csv", utf16le(logins)),
        ],
    );
    let import = import_json(&env, &folder, &[]);
    assert_eq!(counts(&import, "Messages.csv"), (5, 5, 0));
    assert_eq!(by_kind(&import, "Messages.csv", "message_sent"), 3);
    assert_eq!(by_kind(&import, "Messages.csv", "message_received"), 2);
    assert_eq!(counts(&import, "Shares.csv"), (2, 2, 0));
    assert_eq!(by_kind(&import, "Shares.csv", "post"), 1);
    assert_eq!(counts(&import, "Search Queries.csv"), (3, 3, 0));
    assert_eq!(counts(&import, "Logins.csv"), (3, 2, 0));
    assert_eq!(file(&import, "Shares.csv")["encoding"], "UTF-16LE with BOM");
    assert_eq!(import["events_read"], 12);
}

/// A 2021-layout messages.csv: three conversations of the member with others.
fn messages_2021(me: &str) -> String {
    let mut rows = String::from(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER\n",
    );
    for (id, other, url) in [
        ("c1", "Ann Lee", "https://www.linkedin.com/in/ann"),
        ("c2", "Bo Ek", "https://www.linkedin.com/in/bo"),
        ("c3", "Cy Dahl", "https://www.linkedin.com/in/cy"),
    ] {
        let me_quoted = format!("\"{me}\"");
        rows.push_str(&format!(
            "{id},,{other},{url},{me_quoted},2021-11-0{} 10:00:00 UTC,,Hello,INBOX\n",
            &id[1..]
        ));
        rows.push_str(&format!(
            "{id},,{me_quoted},https://www.linkedin.com/in/me-123,{other},2021-11-0{} 12:00:00 UTC,,Hi back,INBOX\n",
            &id[1..]
        ));
    }
    rows
}

/// The member's three replies of [`messages_2021`] are sent, the three openers received.
fn assert_sent_and_received(import: &Value) {
    assert_eq!(counts(import, "messages.csv"), (6, 6, 0));
    assert_eq!(by_kind(import, "messages.csv", "message_sent"), 3);
    assert_eq!(by_kind(import, "messages.csv", "message_received"), 3);
}

#[test]
fn messages_signed_with_a_shorter_form_of_the_profile_name_are_still_the_members() {
    let env = TestEnv::new();
    let folder = export(
        &env,
        "Basic_LinkedInDataExport_11-20-2021",
        &[("Profile.csv", profile("Davide", "Mock")), ("messages.csv", text(&messages_2021("Davide")))],
    );
    let import = import_json(&env, &folder, &[]);
    assert_eq!(counts(&import, "messages.csv"), (6, 6, 0));
    assert_eq!(by_kind(&import, "messages.csv", "message_sent"), 3);
    assert_eq!(by_kind(&import, "messages.csv", "message_received"), 3);
    let evidence: Vec<&str> =
        import["identity"]["evidence"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    assert_eq!(
        evidence,
        [
            "the name in Profile.csv",
            "a shorter or longer form of that name, a participant in 3 of 3 conversations"
        ]
    );
    assert_eq!(import["identity"]["direction_known"], true);
}

#[test]
fn without_profile_the_name_given_with_member_tells_sent_from_received() {
    let env = TestEnv::new();
    let me = "Femi O SPHRi, CPHR";
    let mut messages = messages_2021(me);
    // No sender at all, and the member among the recipients: received.
    messages.push_str(&format!("c4,,,,\"{me}\",2021-11-05 10:00:00 UTC,,Automated note,INBOX\n"));
    let folder = export(&env, "Basic_LinkedInDataExport_11-20-2021", &[("messages.csv", text(&messages))]);
    let import = import_json(&env, &folder, &["--member", me]);
    assert_eq!(import["member"], me);
    assert_eq!(counts(&import, "messages.csv"), (7, 7, 0));
    assert_eq!(by_kind(&import, "messages.csv", "message_sent"), 3);
    assert_eq!(by_kind(&import, "messages.csv", "message_received"), 4);
    assert_eq!(import["identity"]["evidence"][0], "the name given with --member");
}

#[test]
fn when_no_one_can_be_told_apart_messaging_is_unknown_in_the_report_and_in_explain() {
    let env = TestEnv::new();
    // Two conversations, no Profile.csv, and a label that signs no message:
    // either participant could be the member.
    let messages = "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER\n\
        c1,,Ann Lee,,Kim Berg,2026-11-01 10:00:00 UTC,,Hello,INBOX\n\
        c1,,Kim Berg,,Ann Lee,2026-11-01 11:00:00 UTC,,Hi,INBOX\n\
        c2,,Ann Lee,,Kim Berg,2026-11-02 10:00:00 UTC,,Again,INBOX\n";
    let shares = "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n\
        2026-11-03 10:00:00,https://www.linkedin.com/feed/update/urn:li:activity:9,Hello world,,,MEMBER_NETWORK\n";
    let folder = export(
        &env,
        "Basic_LinkedInDataExport_11-20-2026",
        &[("messages.csv", text(messages)), ("Shares.csv", text(shares))],
    );
    let output = env.stdout(&["import", folder.to_str().unwrap(), "--member", "K"]);
    assert!(output.contains("messages: cannot tell sent from received"), "{output}");
    let import = import_json(&env, &folder, &["--member", "K"]);
    assert_eq!(import["outcome"], "already_imported");
    let explain = env.json(&["explain", "--member", "K"]);
    let components = explain["components"].as_array().unwrap();
    let response = components.iter().find(|c| c["metric"] == "response_rate").unwrap();
    assert_eq!(response["known"], false);
    assert!(response["action"].as_str().unwrap().starts_with("Unknown:"), "{response}");
    let unknown: Vec<&str> = components
        .iter()
        .filter(|c| c["known"] == false && c["no_data"] == false)
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let mut sorted = unknown.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["insights.messaging", "insights.response_rate", "relationships.conversations"]);
    let publishing = components.iter().find(|c| c["id"] == "brand.publishing").unwrap();
    assert_eq!(publishing["known"], true);
    let text = env.stdout(&["explain", "--member", "K", "--pillar", "insights"]);
    assert!(text.contains("= unknown"), "{text}");
    assert!(!text.contains("raise it from 0%"), "{text}");
}

/// An export of `first last` with one e-mail address, dated `date` (MM-DD-YYYY).
fn person(env: &TestEnv, first: &str, last: &str, email: &str, date: &str, shares: &str) -> PathBuf {
    export(
        env,
        &format!("{}_Basic_LinkedInDataExport_{date}", email.split('@').nth(1).unwrap_or("x")),
        &[
            ("Profile.csv", profile(first, last)),
            (
                "Email Addresses.csv",
                text(&format!("Email Address,Confirmed,Primary,Updated On\n{email},Yes,Yes,Not Available\n")),
            ),
            (
                "Shares.csv",
                text(&format!("Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n{shares}")),
            ),
        ],
    )
}

#[test]
fn two_people_with_one_name_never_merge_and_one_person_months_apart_always_does() {
    let env = TestEnv::new();
    let first = person(
        &env,
        "John",
        "Smith",
        "john@one.example",
        "03-01-2026",
        "2026-02-01 10:00:00,https://www.linkedin.com/feed/update/urn:li:activity:1,Post one,,,PUBLIC\n",
    );
    let import = import_json(&env, &first, &[]);
    assert_eq!(
        (import["member"].as_str(), import["member_created"].as_bool()),
        (Some("John Smith"), Some(true))
    );
    let db_before = std::fs::read(env.default_db()).unwrap();

    let other = person(
        &env,
        "John",
        "Smith",
        "jsmith@two.example",
        "04-01-2026",
        "2026-03-01 10:00:00,https://www.linkedin.com/feed/update/urn:li:activity:2,Another man's post,,,PUBLIC\n",
    );
    let stderr = env.fails(&["import", other.to_str().unwrap()], 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("another person's export than member \"John Smith\""), "{stderr}");
    assert!(stderr.contains("--member \"John Smith (2)\""), "{stderr}");
    assert!(!stderr.contains("jsmith@"), "the address is never shown: {stderr}");
    assert_eq!(std::fs::read(env.default_db()).unwrap(), db_before, "the database is left exactly as it was");
    // Named as the same member, it is refused too.
    env.fails(&["import", other.to_str().unwrap(), "--member", "John Smith"], 1);

    let as_new = import_json(&env, &other, &["--member", "John Smith (2)"]);
    assert_eq!(as_new["member_created"], true);
    assert_eq!(as_new["events_added"], 1);

    let later = person(
        &env,
        "John",
        "Smith",
        "john@one.example",
        "09-01-2026",
        "2026-02-01 10:00:00,https://www.linkedin.com/feed/update/urn:li:activity:1,Post one,,,PUBLIC\n\
         2026-08-01 10:00:00,https://www.linkedin.com/feed/update/urn:li:activity:3,Post three,,,PUBLIC\n",
    );
    let merged = import_json(&env, &later, &[]);
    assert_eq!(
        (merged["member"].as_str(), merged["member_created"].as_bool()),
        (Some("John Smith"), Some(false))
    );
    assert_eq!((merged["events_read"].as_u64(), merged["events_added"].as_u64()), (Some(2), Some(1)));
    let members = env.json(&["member", "list"])["members"].as_array().unwrap().len();
    assert_eq!(members, 2);
}

#[test]
fn events_with_real_time_ranges_and_statuses_are_read() {
    let env = TestEnv::new();
    let events = "Event Name,Event Time,Status,External Url\n\
        \"Sales Summit\",\"Jun 5, 2023 9:00 AM - Jun 5, 2023 11:00 AM\",APPROVED,\n\
        \"Data Day\",\"Sep 23, 2022 12:00 PM - Sep 23, 2022 12:20 PM\",APPROVED,https://example.com/e\n\
        \"Growth Live\",\"Oct 4, 2023 5:30 PM - Oct 4, 2023 6:30 PM\",APPROVED,\n\
        \"Old Webinar\",\"Jan 12, 2024 9:00 AM - Jan 12, 2024 10:00 AM\",RELINQUISHED,\n";
    let folder = export(
        &env,
        "Basic_LinkedInDataExport_11-20-2026",
        &[
            ("Profile.csv", profile("Ana", "Souza")),
            ("Events.csv", text(events)),
            ("messages.csv", text(&messages_2021("Ana Souza"))),
        ],
    );
    let import = import_json(&env, &folder, &[]);
    assert_sent_and_received(&import);
    assert_eq!(counts(&import, "Events.csv"), (4, 3, 1));
    let reasons: Vec<&str> =
        import["skipped"].as_array().unwrap().iter().map(|s| s["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["event declined"]);
}

#[test]
fn hidden_connections_count_and_a_spreadsheet_resave_still_reads() {
    let env = TestEnv::new();
    let connections = "Notes:\n\"When exporting your connection data, you may notice that some of the email addresses are missing.\"\n\n\
        First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
        Ada,Lovelace,https://www.linkedin.com/in/ada,,Engines,CTO,18-Jun-24\n\
        ,,,,,,14 Sep 2024\n\
        Bo,Ek,NA,NA,NA,NA,02-Jan-25\n\
        ,,,,,,15 Sep 2024\n";
    let folder = export(
        &env,
        "Basic_LinkedInDataExport_11-20-2026",
        &[
            ("Profile.csv", profile("Ana", "Souza")),
            ("Connections.csv", text(connections)),
            ("messages.csv", text(&messages_2021("Ana Souza"))),
        ],
    );
    let import = import_json(&env, &folder, &[]);
    assert_sent_and_received(&import);
    assert_eq!(counts(&import, "Connections.csv"), (4, 4, 0));
    assert_eq!(import["rows_skipped"], 0);
}

#[test]
fn a_file_whose_every_date_is_lost_is_named_in_one_line_and_nothing_is_stored() {
    let env = TestEnv::new();
    let mut connections =
        String::from("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n");
    for n in 0..300 {
        connections.push_str(&format!("P{n},Q,NA,NA,NA,NA,{}\n", 45_000 + n));
    }
    let folder = export(
        &env,
        "Basic_LinkedInDataExport_11-20-2026",
        &[("Profile.csv", profile("Ana", "Souza")), ("Connections.csv", text(&connections))],
    );
    let stderr = env.fails(&["import", folder.to_str().unwrap()], 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(
            "Connections.csv: 300 of 300 rows skipped: date in no known format in Connected On (values like 45000); nothing usable remains"
        ),
        "{stderr}"
    );
    assert!(env.json(&["member", "list"])["members"].as_array().unwrap().is_empty());
}

#[test]
fn an_edited_profile_file_is_left_out_and_the_activity_still_imported() {
    let env = TestEnv::new();
    let comments = "Date,Link,Message\n\
        2026-10-01 10:00:00,https://www.linkedin.com/feed/update/urn:li:activity:7,First line of a long comment\n\
        and its second line, which a spreadsheet left unquoted\n\
        2026-10-02 10:00:00,https://www.linkedin.com/feed/update/urn:li:activity:8,Short one\n";
    let folder = export(
        &env,
        "Basic_LinkedInDataExport_11-20-2026",
        &[
            ("Profile.csv", profile("Ana", "Souza")),
            ("Skills.csv", text("Leadership;\nSales;\nNegotiation;\n")),
            ("messages.csv", text(&messages_2021("Ana Souza"))),
            ("Comments.csv", text(comments)),
            ("SavedJobAlerts.csv", text("Alert,Created\nRust jobs,2026-01-01\n")),
            ("Invitations.csv", b"From,To,Sent At,Message,Direction\nJos\xe9 Ruiz,Ana Souza,\"11/16/26, 9:40 AM\",,INCOMING\n".to_vec()),
        ],
    );
    let import = import_json(&env, &folder, &[]);
    assert_sent_and_received(&import);
    let skills = import["not_used"].as_array().unwrap().iter().find(|u| u["name"] == "Skills.csv").unwrap();
    assert!(skills["reason"].as_str().unwrap().starts_with("cannot be read"), "{skills}");
    let alerts =
        import["not_used"].as_array().unwrap().iter().find(|u| u["name"] == "SavedJobAlerts.csv").unwrap();
    assert_eq!(alerts["reason"], "job search data: not an SSI input");
    assert!(import["not_recognised"].as_array().unwrap().is_empty());
    assert_eq!(counts(&import, "Comments.csv"), (2, 2, 0));
    assert_eq!(file(&import, "Comments.csv")["continuation_lines"], 1);
    assert_eq!(import["rows_skipped"], 0);
    assert_eq!(counts(&import, "Invitations.csv"), (1, 1, 0));
    let fallback = &import["encoding_fallbacks"][0];
    assert_eq!(
        (fallback["file"].as_str(), fallback["from_line"].as_u64()),
        (Some("Invitations.csv"), Some(2))
    );
    let env2 = TestEnv::new();
    let copy = export(
        &env2,
        "Basic_LinkedInDataExport_11-20-2026",
        &[
            ("Profile.csv", profile("Ana", "Souza")),
            ("Invitations.csv", b"From,To,Sent At,Message,Direction\nJos\xe9 Ruiz,Ana Souza,\"11/16/26, 9:40 AM\",,INCOMING\n".to_vec()),
        ],
    );
    let text = env2.stdout(&["import", copy.to_str().unwrap()]);
    assert!(text.contains("Invitations.csv: not UTF-8, read as windows-1252 from line 2"), "{text}");
}

#[test]
fn articles_are_dated_by_their_published_on_line() {
    let env = TestEnv::new();
    let article = |title: &str, published: &str| {
        text(&format!(
            "<html><head><title>{title}</title></head><body><h1><a href=\"https://www.linkedin.com/pulse/{title}-ana-souza\">{title}</a></h1>\
             <p class=\"created\">Created on 2024-03-01 09:00</p><p class=\"published\">Published on {published}</p><div>Body</div></body></html>"
        ))
    };
    let folder = export(
        &env,
        "Basic_LinkedInDataExport_11-20-2026",
        &[
            ("Profile.csv", profile("Ana", "Souza")),
            ("Articles/Articles/one.html", article("one", "2024-03-04 10:25")),
            ("Articles/Articles/two.html", article("two", "2025-01-02 08:00")),
            ("Articles/Articles/draft.html", article("draft", "---")),
            ("messages.csv", text(&messages_2021("Ana Souza"))),
        ],
    );
    let import = import_json(&env, &folder, &[]);
    assert_sent_and_received(&import);
    assert_eq!(counts(&import, "Articles/Articles/"), (3, 2, 1));
    assert_eq!(import["skipped"][0]["reason"], "article without a publication date");
}

#[test]
fn the_bundled_samples_articles_events_and_hidden_connections_are_counted() {
    let env = TestEnv::new();
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/sample-export.zip");
    let import = import_json(&env, &sample, &[]);
    assert_eq!(counts(&import, "Articles/Articles/"), (3, 3, 0));
    assert_eq!(counts(&import, "Events.csv"), (12, 10, 2));
    // Every 97th connection hides their details (10 of 1000): still connections.
    assert_eq!(counts(&import, "Connections.csv"), (1000, 1000, 0));
    assert_eq!(import["identity"]["direction_known"], true);
}

#[test]
fn the_generators_2018_complete_export_imports_with_exact_counts() {
    // `cargo xtask gen-export --size small --seed 18 --style 2018` (docs/sample-data.md).
    let env = TestEnv::new();
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/export-2018.zip");
    let import = import_json(&env, &fixture, &[]);
    assert_eq!(counts(&import, "Messages.csv"), (1000, 1000, 0));
    assert_eq!(by_kind(&import, "Messages.csv", "message_sent"), 477);
    assert_eq!(by_kind(&import, "Messages.csv", "message_received"), 523);
    assert_eq!(counts(&import, "Shares.csv"), (15, 15, 0));
    assert_eq!(counts(&import, "Search Queries.csv"), (150, 150, 0));
    assert_eq!(counts(&import, "Logins.csv"), (99, 75, 0));
    for name in ["Shares.csv", "Search Queries.csv", "Logins.csv"] {
        assert_eq!(file(&import, name)["encoding"], "UTF-16LE with BOM", "{name}");
    }
    assert_eq!(import["events_read"], 1716);
}

#[test]
fn the_generators_edited_export_imports_with_the_name_given() {
    // `cargo xtask gen-export --size small --seed 24 --quirks no-profile,spreadsheet,edited-skills`:
    // no Profile.csv, Connections.csv re-saved by a spreadsheet, Skills.csv edited by hand.
    let env = TestEnv::new();
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/export-quirks.zip");
    let import = import_json(&env, &fixture, &["--member", "Julien Marchand"]);
    assert_eq!(import["member"], "Julien Marchand");
    assert_eq!(counts(&import, "Connections.csv"), (200, 200, 0));
    assert_eq!(counts(&import, "messages.csv"), (1000, 997, 3));
    assert_eq!(by_kind(&import, "messages.csv", "message_sent"), 459);
    assert_eq!(by_kind(&import, "messages.csv", "message_received"), 538);
    let skills = import["not_used"].as_array().unwrap().iter().find(|u| u["name"] == "Skills.csv").unwrap();
    assert!(skills["reason"].as_str().unwrap().starts_with("cannot be read"), "{skills}");
    assert_eq!(import["events_read"], 1720);
}
