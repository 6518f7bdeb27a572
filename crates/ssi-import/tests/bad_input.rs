//! Bad input: every problem either aborts with the exact `ImportError` (no events) or skips a row with a reason.

mod common;

use common::*;
use ssi_core::ActivityKind as K;
use ssi_import::{FileKind, ImportError, Limits, SkipReason, open_export};
use std::io::Write;
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Writes a ZIP with the given entries and compression, returning its bytes.
fn zip_bytes(entries: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut writer = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        SimpleFileOptions::default().compression_method(method).last_modified_time(zip::DateTime::default());
    for (name, content) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// Replaces every occurrence of `from` by `to` (same length) in `bytes`.
fn patch(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut found = 0;
    let mut at = 0;
    while let Some(pos) = bytes[at..].windows(from.len()).position(|w| w == from) {
        bytes[at + pos..at + pos + from.len()].copy_from_slice(to);
        at += pos + from.len();
        found += 1;
    }
    assert!(found > 0, "nothing to patch");
}

/// Offsets of the local and central headers of a single-entry ZIP.
fn header_offsets(bytes: &[u8]) -> (usize, usize) {
    let local = bytes.windows(4).position(|w| w == b"PK\x03\x04").unwrap();
    let central = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    (local, central)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn open_err(path: &Path) -> ImportError {
    open_export(path, options()).expect_err("the import must be refused")
}

fn open_err_with(path: &Path, limits: Limits) -> ImportError {
    open_export(path, options_with(limits)).expect_err("the import must be refused")
}

fn shares(rows: usize) -> String {
    let mut text = String::from("Date,ShareLink,ShareCommentary\n");
    for i in 0..rows {
        text.push_str(&format!("2021-10-27 19:36:45,https://x/{i},Post number {i} about engines\n"));
    }
    text
}

#[test]
fn not_a_zip() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "export.zip", b"this is plain text, not an archive");
    assert!(matches!(open_err(&path), ImportError::InvalidZip { .. }));
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "export.zip", b"");
    assert!(matches!(open_err(&path), ImportError::InvalidZip { .. }));
}

#[test]
fn truncated_zip() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = zip_bytes(&[("Shares.csv", shares(10).as_bytes())], CompressionMethod::Deflated);
    let path = write(dir.path(), "export.zip", &bytes[..bytes.len() - 30]);
    assert!(matches!(open_err(&path), ImportError::InvalidZip { .. }));
}

#[test]
fn zip_without_entries() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "export.zip", &zip_bytes(&[], CompressionMethod::Deflated));
    assert!(matches!(open_err(&path), ImportError::EmptyExport { .. }));
}

#[test]
fn empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("export");
    std::fs::create_dir(&folder).unwrap();
    assert!(matches!(open_err(&folder), ImportError::EmptyExport { .. }));
}

#[test]
fn archive_without_linkedin_files() {
    let dir = tempfile::tempdir().unwrap();
    let bytes =
        zip_bytes(&[("holiday.jpg", b"\xff\xd8\xff"), ("notes.txt", b"hello")], CompressionMethod::Deflated);
    let path = write(dir.path(), "export.zip", &bytes);
    assert!(matches!(open_err(&path), ImportError::NotAnExport { .. }));
}

#[test]
fn missing_path() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(open_err(&dir.path().join("nope.zip")), ImportError::Io { .. }));
}

#[test]
fn entry_climbing_out_with_dot_dot() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = zip_bytes(&[("zz/Shares.csv", shares(1).as_bytes())], CompressionMethod::Deflated);
    patch(&mut bytes, b"zz/Shares.csv", b"../Shares.csv");
    let path = write(dir.path(), "export.zip", &bytes);
    assert!(matches!(open_err(&path), ImportError::UnsafePath { entry } if entry == "../Shares.csv"));
}

#[test]
fn entry_with_absolute_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = zip_bytes(&[("zShares.csv", shares(1).as_bytes())], CompressionMethod::Deflated);
    patch(&mut bytes, b"zShares.csv", b"/Shares.csv");
    let path = write(dir.path(), "export.zip", &bytes);
    assert!(matches!(open_err(&path), ImportError::UnsafePath { entry } if entry == "/Shares.csv"));
}

#[test]
fn zip_bomb_by_compression_ratio() {
    let dir = tempfile::tempdir().unwrap();
    let zeros = vec![0u8; 8 << 20];
    let bytes = zip_bytes(&[("Shares.csv", &zeros)], CompressionMethod::Deflated);
    let path = write(dir.path(), "export.zip", &bytes);
    match open_err(&path) {
        ImportError::CompressionRatio { entry, ratio, limit } => {
            assert_eq!(entry, "Shares.csv");
            assert!(ratio > limit && limit == 250);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn declared_total_above_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = full_export().write_zip(dir.path(), "export.zip", None);
    let limits = Limits { max_total_uncompressed: 1000, ..Limits::default() };
    assert!(matches!(open_err_with(&path, limits), ImportError::TooLarge { limit: 1000, .. }));
}

#[test]
fn too_many_entries_in_a_zip() {
    let dir = tempfile::tempdir().unwrap();
    let path = full_export().write_zip(dir.path(), "export.zip", None);
    let limits = Limits { max_entries: 5, ..Limits::default() };
    assert!(matches!(open_err_with(&path, limits), ImportError::TooManyEntries { limit: 5, .. }));
}

#[test]
fn too_many_entries_in_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = full_export().write_folder(dir.path(), "export");
    let limits = Limits { max_entries: 5, ..Limits::default() };
    assert!(matches!(open_err_with(&folder, limits), ImportError::TooManyEntries { limit: 5, .. }));
}

#[test]
fn folder_total_above_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let folder = full_export().write_folder(dir.path(), "export");
    let limits = Limits { max_total_uncompressed: 2000, ..Limits::default() };
    assert!(matches!(open_err_with(&folder, limits), ImportError::TooLarge { limit: 2000, .. }));
}

#[test]
fn entry_larger_than_it_declares() {
    let dir = tempfile::tempdir().unwrap();
    let content = shares(50);
    let mut bytes = zip_bytes(&[("Shares.csv", content.as_bytes())], CompressionMethod::Stored);
    let (local, central) = header_offsets(&bytes);
    // Declare 40 bytes where there are thousands, in both headers.
    bytes[local + 22..local + 26].copy_from_slice(&40u32.to_le_bytes());
    bytes[central + 24..central + 28].copy_from_slice(&40u32.to_le_bytes());
    let path = write(dir.path(), "export.zip", &bytes);
    assert!(
        matches!(open_err(&path), ImportError::SizeMismatch { declared: 40, entry } if entry == "Shares.csv")
    );
}

#[test]
fn corrupt_compressed_data() {
    let dir = tempfile::tempdir().unwrap();
    let content = shares(200);
    let mut bytes = zip_bytes(&[("Shares.csv", content.as_bytes())], CompressionMethod::Deflated);
    let (local, _) = header_offsets(&bytes);
    let data = local + 30 + "Shares.csv".len();
    for byte in &mut bytes[data + 20..data + 60] {
        *byte ^= 0x5a;
    }
    let path = write(dir.path(), "export.zip", &bytes);
    assert!(matches!(open_err(&path), ImportError::Entry { file, .. } if file == "Shares.csv"));
}

#[test]
fn duplicate_entry_names() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = zip_bytes(
        &[("Shares.csv", shares(1).as_bytes()), ("Sharez.csv", shares(2).as_bytes())],
        CompressionMethod::Deflated,
    );
    patch(&mut bytes, b"Sharez.csv", b"Shares.csv");
    let path = write(dir.path(), "export.zip", &bytes);
    assert!(matches!(open_err(&path), ImportError::InvalidZip { .. }));
}

#[test]
fn unsupported_compression_method() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = zip_bytes(&[("Shares.csv", shares(3).as_bytes())], CompressionMethod::Deflated);
    let (local, central) = header_offsets(&bytes);
    bytes[local + 8..local + 10].copy_from_slice(&12u16.to_le_bytes());
    bytes[central + 10..central + 12].copy_from_slice(&12u16.to_le_bytes());
    let path = write(dir.path(), "export.zip", &bytes);
    assert!(matches!(open_err(&path), ImportError::Entry { file, .. } if file == "Shares.csv"));
}

#[test]
fn encrypted_entry() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = zip_bytes(&[("Shares.csv", shares(3).as_bytes())], CompressionMethod::Stored);
    let (local, central) = header_offsets(&bytes);
    bytes[local + 6] |= 1;
    bytes[central + 8] |= 1;
    let path = write(dir.path(), "export.zip", &bytes);
    assert!(matches!(open_err(&path), ImportError::Entry { file, .. } if file == "Shares.csv"));
}

#[test]
fn required_column_missing() {
    let dir = tempfile::tempdir().unwrap();
    let files =
        full_export().with("Connections.csv", "First Name,Last Name,URL,Company,Position\nA,B,,C,D\n");
    let path = files.write_zip(dir.path(), "export.zip", None);
    match open_err(&path) {
        ImportError::MissingColumn { file, line, column } => {
            assert_eq!((file.as_str(), line, column), ("Connections.csv", 1, "Connected On"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn file_with_a_foreign_header() {
    let dir = tempfile::tempdir().unwrap();
    let files = full_export().with("messages.csv", SHARES);
    let path = files.write_zip(dir.path(), "export.zip", None);
    assert!(matches!(
        open_err(&path),
        ImportError::MissingColumn { file, column: "FROM", .. } if file == "messages.csv"
    ));
}

#[test]
fn binary_junk_instead_of_a_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut state: u32 = 12345;
    let junk: Vec<u8> = (0..20_000)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (state >> 16) as u8
        })
        .collect();
    let files = ExportFiles::new().with("Profile.csv", PROFILE).with("Reactions.csv", &junk);
    let path = files.write_zip(dir.path(), "export.zip", None);
    assert!(
        matches!(open_err(&path), ImportError::MissingColumn { file, column: "Date", .. } if file == "Reactions.csv")
    );
}

#[test]
fn folder_file_growing_after_open_aborts_the_stream() {
    let dir = tempfile::tempdir().unwrap();
    let folder = ExportFiles::new().with("Shares.csv", shares(5)).write_folder(dir.path(), "export");
    let mut export = open_export(&folder, options()).unwrap();
    let mut file = std::fs::OpenOptions::new().append(true).open(folder.join("Shares.csv")).unwrap();
    file.write_all(b"2021-10-27 19:36:45,https://x/late,late\n").unwrap();
    drop(file);
    let (events, error) = drain(&mut export);
    assert!(events.is_empty(), "the size is checked before the first row comes out");
    assert!(matches!(error, Some(ImportError::SizeMismatch { entry, .. }) if entry == "Shares.csv"));
    assert!(!export.report().events_complete);
}

#[test]
fn corruption_late_in_a_large_entry_aborts_the_stream_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let content = shares(5000);
    let mut bytes = zip_bytes(&[("Shares.csv", content.as_bytes())], CompressionMethod::Stored);
    let (local, _) = header_offsets(&bytes);
    let data = local + 30 + "Shares.csv".len();
    let late = data + content.len() - 100;
    bytes[late] = if bytes[late] == b'a' { b'b' } else { b'a' };
    let path = write(dir.path(), "export.zip", &bytes);
    let mut export = open_export(&path, options()).unwrap();
    let mut events = export.events();
    let mut produced = 0;
    let error = loop {
        match events.next() {
            Some(Ok(_)) => produced += 1,
            Some(Err(err)) => break err,
            None => panic!("the checksum error must surface"),
        }
    };
    assert!(
        matches!(&error, ImportError::Entry { file, reason } if file == "Shares.csv" && reason.contains("checksum"))
    );
    assert!(events.next().is_none(), "the iterator ends after an error");
    drop(events);
    assert!(produced > 0, "events before the error are the caller's to roll back");
    assert!(!export.report().events_complete);
}

#[test]
fn nested_archives_are_ignored_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let inner = zip_bytes(&[("Shares.csv", shares(2).as_bytes())], CompressionMethod::Deflated);
    let files = ExportFiles::new().with("Reactions.csv", REACTIONS).with("Old export.zip", &inner);
    let (export, events) = import(&files.write_zip(dir.path(), "export.zip", None));
    assert_eq!(events.len(), 2, "the nested archive's shares are not read");
    let nested = export.report().not_used.iter().find(|f| f.name == "Old export.zip").unwrap();
    assert!(nested.reason.contains("nested archive"));
}

#[cfg(unix)]
#[test]
fn symbolic_links_in_a_folder_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.csv");
    std::fs::write(&secret, shares(3)).unwrap();
    let folder = ExportFiles::new().with("Reactions.csv", REACTIONS).write_folder(dir.path(), "export");
    std::os::unix::fs::symlink(&secret, folder.join("Shares.csv")).unwrap();
    let (export, events) = import(&folder);
    assert_eq!(events.len(), 2);
    let link = export.report().not_used.iter().find(|f| f.name == "Shares.csv").unwrap();
    assert!(link.reason.contains("symbolic link"));
}

#[test]
fn empty_recognised_file_is_a_note_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let files = ExportFiles::new().with("Reactions.csv", REACTIONS).with("Votes.csv", "");
    let (export, events) = import(&files.write_zip(dir.path(), "export.zip", None));
    assert_eq!(events.len(), 2);
    assert!(export.report().notes.iter().any(|n| n == "Votes.csv is empty"));
}

/// Runs an export of one file and returns its file report.
fn rows_of(
    name: &str,
    content: &[u8],
    limits: Limits,
) -> (Vec<ssi_core::ActivityEvent>, ssi_import::FileReport) {
    let dir = tempfile::tempdir().unwrap();
    let path = ExportFiles::new().with(name, content).write_zip(dir.path(), "export.zip", None);
    let mut export = open_export(&path, options_with(limits)).unwrap();
    let (events, error) = drain(&mut export);
    assert!(error.is_none(), "{error:?}");
    let report = export.report().files.iter().find(|f| f.name == name).unwrap().clone();
    (events, report)
}

#[test]
fn overlong_field_skips_the_row() {
    let long = "x".repeat(500);
    let content = format!(
        "Date,Link,Message\n2021-11-02 10:00:00,https://x/1,{long}\n2021-11-03 10:00:00,https://x/2,ok\n"
    );
    let limits = Limits { max_field_bytes: 100, ..Limits::default() };
    let (events, report) = rows_of("Comments.csv", content.as_bytes(), limits);
    assert_eq!(events.len(), 1);
    assert_eq!(report.skipped[0].line, Some(2));
    assert_eq!(report.skipped[0].field.as_deref(), Some("Message"));
    assert_eq!(report.skipped[0].reason, SkipReason::FieldTooLong { limit: 100 });
}

#[test]
fn overlong_record_skips_the_row_without_holding_it() {
    let long = "y".repeat(5000);
    let content = format!(
        "Date,Link,Message\n2021-11-02 10:00:00,https://x/1,\"{long}\n{long}\"\n2021-11-03 10:00:00,https://x/2,ok\n"
    );
    let limits = Limits { max_record_bytes: 1024, ..Limits::default() };
    let (events, report) = rows_of("Comments.csv", content.as_bytes(), limits);
    assert_eq!(events.len(), 1);
    assert_eq!(report.skipped[0].reason, SkipReason::RecordTooLong { limit: 1024 });
    assert_eq!(report.skipped[0].line, Some(2));
}

#[test]
fn record_with_too_many_fields_skips_the_row() {
    let content = format!(
        "Date,Link\n2021-11-02 10:00:00,{}\n2021-11-03 10:00:00,https://x/2\n",
        vec!["z"; 50].join(",")
    );
    let limits = Limits { max_fields: 8, ..Limits::default() };
    let (events, report) = rows_of("InstantReposts.csv", content.as_bytes(), limits);
    assert_eq!(events.len(), 1);
    assert_eq!(report.skipped[0].reason, SkipReason::TooManyFields { limit: 8 });
}

#[test]
fn binary_junk_rows_are_skipped_and_the_rest_imported() {
    let mut content = b"Date,Type,Link\n2021-11-04 10:00:00,LIKE,https://x/1\n".to_vec();
    content.extend_from_slice(b"\x00\x01\x02garbage\xff\xfe,\x00,\x00\n");
    content.extend_from_slice(b"2021-11-05 10:00:00,LIKE,https://x/2\n");
    let (events, report) = rows_of("Reactions.csv", &content, Limits::default());
    assert_eq!(events.len(), 2);
    assert_eq!(report.rows_skipped, 1);
    assert_eq!(report.skipped[0].reason, SkipReason::BinaryData);
    assert_eq!(report.skipped[0].line, Some(3));
}

#[test]
fn dates_that_parse_to_nothing_or_out_of_range_skip_the_row() {
    let content = "Date,Type,Link\n\
yesterday,LIKE,https://x/1\n\
1999-01-01 10:00:00,LIKE,https://x/2\n\
2021-13-45 10:00:00,LIKE,https://x/3\n\
2021-11-05 10:00:00,LIKE,https://x/4\n";
    let (events, report) = rows_of("Reactions.csv", content.as_bytes(), Limits::default());
    assert_eq!(events.len(), 1);
    let reasons: Vec<_> = report.skipped.iter().map(|s| (s.line, s.reason.clone())).collect();
    assert_eq!(
        reasons,
        vec![
            (Some(2), SkipReason::UnparseableDate),
            (Some(3), SkipReason::DateOutOfRange),
            (Some(4), SkipReason::UnparseableDate)
        ]
    );
    assert!(report.skipped.iter().all(|s| s.field.as_deref() == Some("Date")));
}

#[test]
fn skip_details_are_capped_but_all_counted() {
    let mut content = String::from("Date,Link\n2021-11-02 10:00:00,https://x/ok\n");
    for _ in 0..50 {
        content.push_str("never,https://x\n");
    }
    let limits = Limits { max_skip_details: 10, ..Limits::default() };
    let (_, report) = rows_of("InstantReposts.csv", content.as_bytes(), limits);
    assert_eq!(report.rows_skipped, 50);
    assert_eq!(report.skipped.len(), 10);
    assert_eq!(
        report.summary().as_deref(),
        Some("InstantReposts.csv: 50 of 51 rows skipped: date in no known format in Date (values like …)")
    );
}

#[test]
fn an_export_whose_every_row_is_skipped_is_an_error_naming_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let content = "Date,Link\n31.13.2021,https://x/1\n32.13.2021,https://x/2\n";
    let path =
        ExportFiles::new().with("InstantReposts.csv", content).write_zip(dir.path(), "export.zip", None);
    let mut export = open_export(&path, options()).unwrap();
    let (events, error) = drain(&mut export);
    assert!(events.is_empty());
    let message = error.expect("nothing usable is an error").to_string();
    assert_eq!(
        message,
        "InstantReposts.csv: 2 of 2 rows skipped: date in no known format in Date (values like 31.13.2021); nothing usable remains"
    );
}

#[test]
fn profile_with_a_bad_date_keeps_the_position_and_notes_it() {
    let dir = tempfile::tempdir().unwrap();
    let positions = "Company Name,Title,Description,Location,Started On,Finished On\nAcme,CEO,,,sometime,\n";
    let files = ExportFiles::new().with("Profile.csv", PROFILE).with("Positions.csv", positions);
    let mut export =
        open_export(&files.write_zip(dir.path(), "Basic_LinkedInDataExport_01-02-2026.zip", None), options())
            .unwrap();
    let profile = export.profile().unwrap();
    assert_eq!(profile.positions.len(), 1);
    assert_eq!(profile.positions[0].started_on, None);
    assert!(export.report().notes.iter().any(|n| n.contains("Positions.csv line 2: Started On")));
    assert_eq!(count(&drain(&mut export).0, K::Post), 0);
    assert_eq!(export.report().file(FileKind::Positions).unwrap().rows_read, 1);
}
