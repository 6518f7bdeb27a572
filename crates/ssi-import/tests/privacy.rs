//! No e-mail address, phone number, IP address, message body, subject or counterpart name reaches an event.

mod common;

use common::*;

/// Everything in the fixtures that must never leave the importer.
const SECRETS: &[&str] = &[
    // e-mail addresses and phone numbers
    "charles@babbage.example",
    "ada@lovelace.example",
    "@",
    "+44",
    "7946",
    // IP addresses and user agents
    "203.0.113.7",
    "198.51.100.2",
    "mozilla",
    "ios",
    // message subjects and bodies, invitation notes, comment, share and article texts
    "subjectline42",
    "secret",
    "body",
    "loved your lecture",
    "brilliant",
    "explains everything",
    "he said",
    "excited to share",
    "analytical poets",
    "option a",
    // counterpart names
    "charles",
    "babbage",
    "mary",
    "somerville",
    "faraday",
    "herschel",
    "byron",
    "michael",
    "john",
    // the member's own address
    "secret street",
    "sw1a",
];

#[test]
fn events_carry_no_private_values() {
    let dir = tempfile::tempdir().unwrap();
    for (name, files) in [("full", full_export()), ("old", export_2021())] {
        let (_, events) = import(&files.write_zip(dir.path(), &format!("{name}.zip"), None));
        assert!(!events.is_empty());
        let json = serde_json::to_string(&events).unwrap().to_lowercase();
        for secret in SECRETS {
            assert!(!json.contains(secret), "{name}: {secret:?} leaked into events");
        }
    }
}

#[test]
fn the_report_names_files_and_lines_but_no_values() {
    let dir = tempfile::tempdir().unwrap();
    let mut export =
        ssi_import::open_export(&full_export().write_zip(dir.path(), "x.zip", None), options()).unwrap();
    export.profile().unwrap();
    let _ = drain(&mut export);
    let json = serde_json::to_string(export.report()).unwrap().to_lowercase();
    // "@" and "body" are fine in prose, and "mary" is in "Profile Summary.csv".
    for secret in SECRETS.iter().filter(|s| !["@", "body", "mary"].contains(*s)) {
        assert!(!json.contains(secret), "{secret:?} leaked into the report");
    }
}

#[test]
fn debug_output_of_options_hides_the_key() {
    let shown = format!("{:?}", options());
    assert!(shown.contains("redacted"));
    assert!(!shown.contains("7, 7"));
}
