//! The bodies of ssi's fuzz targets, as plain functions: the libFuzzer binaries in `fuzz_targets/` call them, and `crates/ssi-import/tests/hostile.rs` replays every committed corpus file through them.
//!
//! Each function takes the fuzzer's raw bytes, drives one public parser of
//! `ssi_import` with them and panics only when an invariant of that parser is
//! broken (a panic inside the parser is a finding too). None of them keeps
//! state between calls.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use ssi_core::ActivityEvent;
use ssi_import::{Export, ImportError, ImportOptions, dates, open_export};
use std::path::Path;

/// The pseudonym key every target uses.
const KEY: [u8; 32] = [42; 32];

/// File names the CSV-layer target writes its bytes to; the first input byte
/// picks one. Comments.csv is the one read with backslash escapes.
pub const CSV_LAYER_FILES: [&str; 16] = [
    "Comments.csv",
    "messages.csv",
    "Connections.csv",
    "Invitations.csv",
    "Shares.csv",
    "Reactions.csv",
    "Logins.csv",
    "Company Follows.csv",
    "Member_Follows.csv",
    "Events.csv",
    "Endorsement_Received_Info.csv",
    "Recommendations_Given.csv",
    "Profile.csv",
    "Positions.csv",
    "Rich_Media.csv",
    "Articles/Articles/post.html",
];

/// A member profile written next to the fuzzed file, so that sent and
/// received can be told apart in messages and invitations.
const PROFILE: &str = "First Name,Last Name,Headline\nAda,Lovelace,Engines\n";

/// The CSV layer: byte 0 picks a file name from [`CSV_LAYER_FILES`], the
/// rest is that file's content, written into an unpacked export folder and
/// imported (open, profile, every event, report).
pub fn csv_layer(data: &[u8]) {
    let Some((&selector, content)) = data.split_first() else { return };
    let name = CSV_LAYER_FILES[usize::from(selector) % CSV_LAYER_FILES.len()];
    let Ok(dir) = tempfile::tempdir() else { return };
    let root = dir.path().join("export");
    let file = root.join(name);
    let written = file
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&file, content))
        .and_then(|()| {
            if name == "Profile.csv" { Ok(()) } else { std::fs::write(root.join("Profile.csv"), PROFILE) }
        });
    if written.is_err() {
        return;
    }
    import_and_check(&root);
}

/// The archive walker: the bytes as an export `.zip`, imported like
/// [`csv_layer`] does.
pub fn archive_walker(data: &[u8]) {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("export.zip");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    import_and_check(&path);
}

/// The creator analytics workbook reader: the bytes as an `.xlsx`, read
/// under the default limits. A workbook that reads must be consistent:
/// days in strictly increasing order, every daily figure within the daily
/// limit, posts with non-empty numeric ids, and exactly one event per
/// engagement and follower plus one marker per reported figure.
pub fn workbook(data: &[u8]) {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("analytics.xlsx");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let limits = ssi_import::WorkbookLimits::default();
    let Ok(workbook) = ssi_import::read_workbook(&path, &limits) else { return };
    assert!(workbook.days.windows(2).all(|w| w[0].date < w[1].date), "days out of order");
    let mut expected = 0u64;
    for day in &workbook.days {
        for figure in [day.engagements, day.new_followers].into_iter().flatten() {
            assert!(figure <= limits.max_daily_count, "a daily figure past the limit");
            expected += 1 + figure;
        }
    }
    assert_eq!(workbook.events().count() as u64, expected, "events do not match the days");
    for post in &workbook.posts {
        assert!(!post.activity_id.is_empty() && post.activity_id.bytes().all(|b| b.is_ascii_digit()));
    }
}

/// Every public parser of `ssi_import::dates` on the bytes as text (lossy
/// UTF-8), with the relations between them checked.
pub fn dates(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let _ = dates::month_from_name(text);
    let month_year = dates::parse_month_year(text);
    let year = dates::parse_year(text);
    assert_eq!(dates::parse_profile_date(text), month_year.or(year), "parse_profile_date({text:?})");
    if let Some(day) = dates::parse_month_day(text) {
        assert!((1..=12).contains(&day.month) && (1..=31).contains(&day.day), "{day:?} from {text:?}");
    }
    let _ = dates::parse_day_month_year(text);
    let _ = dates::parse_us_datetime(text);
    let _ = dates::parse_ymd_datetime(text);
    let _ = dates::parse_unix_datetime(text);
    let _ = dates::parse_rich_media_datetime(text);
    if let Some(at) = dates::parse_timestamp(text) {
        // The families parse_timestamp tries: it must agree with one of them.
        let candidates = [
            dates::parse_ymd_datetime(text.trim()),
            dates::parse_us_datetime(text.trim()),
            dates::parse_unix_datetime(text.trim()),
            dates::parse_day_month_year(text.trim())
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc()),
            dates::parse_rich_media_datetime(text.trim()),
        ];
        assert!(candidates.contains(&Some(at)), "parse_timestamp({text:?}) = {at} matches no family");
    }
    let _ = dates::parse_calendar_date(text);
}

/// `parse_sales_api_json` on the bytes as text (lossy UTF-8); a reading it
/// accepts must pass `OfficialReading::validate`.
pub fn readings_json(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let date = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    if let Ok(reading) = ssi_import::parse_sales_api_json(&text, date) {
        assert_eq!(reading.date, date);
        assert!(reading.validate().is_ok(), "accepted an invalid reading: {reading:?}");
    }
}

/// `parse_readings_csv` on the bytes; every reading it accepts must pass
/// `OfficialReading::validate` and carry a plausible date.
pub fn readings_csv(data: &[u8]) {
    if let Ok(readings) = ssi_import::parse_readings_csv(data) {
        for reading in readings {
            assert!(reading.validate().is_ok(), "accepted an invalid reading: {reading:?}");
            assert!((2003..=2100).contains(&reading.date.year()), "implausible date {}", reading.date);
        }
    }
}

/// Opens `path` as an export, builds the profile, drains the events and
/// checks that the report agrees with what came out.
fn import_and_check(path: &Path) {
    let Ok(mut export) = open_export(path, ImportOptions::new(KEY)) else { return };
    // The profile pass reads the profile files, the event pass the others:
    // each may fail on its own file, neither may panic.
    let _ = export.profile();
    let (events, error) = drain(&mut export);
    let report = export.report();
    assert_eq!(report.events_complete, error.is_none(), "events_complete disagrees with {error:?}");
    assert_eq!(report.total_events(), events.len() as u64, "report counts other events than produced");
    for file in &report.files {
        assert!(
            file.rows_read >= file.events + file.rows_skipped,
            "{}: {} rows read, {} events, {} skipped",
            file.name,
            file.rows_read,
            file.events,
            file.rows_skipped
        );
        assert!(file.skipped.len() as u64 <= file.rows_skipped, "{}: more details than skips", file.name);
    }
    let earliest = DateTime::<Utc>::from_timestamp(1_041_379_200, 0); // 2003-01-01
    let latest = DateTime::<Utc>::from_timestamp(4_133_980_800, 0); // 2101-01-01
    for event in &events {
        assert_eq!(event.natural_key.len(), 32, "natural key {:?}", event.natural_key);
        assert!(Some(event.at) >= earliest && Some(event.at) < latest, "implausible event date {}", event.at);
    }
}

/// Every event of one pass, and the error that ended it if any.
fn drain(export: &mut Export) -> (Vec<ActivityEvent>, Option<ImportError>) {
    let mut events = Vec::new();
    for item in export.events() {
        match item {
            Ok(event) => events.push(event),
            Err(err) => return (events, Some(err)),
        }
    }
    (events, None)
}
