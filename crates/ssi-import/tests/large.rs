//! A large generated export (200 000 message rows) is streamed: counts are exact and memory stays far below the file size.

mod common;

use common::*;
use ssi_core::ActivityKind as K;
use ssi_import::{FileKind, open_export};
use std::io::Write;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const ROWS: usize = 200_000;

/// A small deterministic generator, so the text compresses like real text
/// (about 3–5 times), not like a repeated line.
struct Words(u64);

impl Words {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn sentence(&mut self, words: usize) -> String {
        const SYLLABLES: [&str; 16] =
            ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "be", "do", "fa", "gu", "hi", "jo", "pe", "zu"];
        let mut out = String::new();
        for _ in 0..words {
            let n = self.next();
            for i in 0..(2 + n % 3) {
                out.push_str(SYLLABLES[((n >> (4 * i + 8)) & 15) as usize]);
            }
            out.push(' ');
        }
        out
    }
}

/// Peak resident memory of this process so far, in bytes (Linux only).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[test]
fn two_hundred_thousand_messages_stream_through() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Complete_LinkedInDataExport_11-20-2026.zip");
    let mut writer = ZipWriter::new(std::fs::File::create(&path).unwrap());
    let entry_options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    writer.start_file("Profile.csv", entry_options).unwrap();
    writer.write_all(PROFILE.as_bytes()).unwrap();
    writer.start_file("messages.csv", entry_options).unwrap();
    writer
        .write_all(b"CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER\n")
        .unwrap();
    let mut words = Words(0x9e37_79b9_7f4a_7c15);
    let mut uncompressed = 0usize;
    let (mut sent, mut drafts_or_bad) = (0usize, 0usize);
    for i in 0..ROWS {
        let conversation = i / 4;
        let other = format!("https://www.linkedin.com/in/person-{}", conversation % 5000);
        let (from, from_url, to, to_url) = if i % 3 == 0 {
            sent += 1;
            ("Ada Lovelace", "https://www.linkedin.com/in/ada-lovelace", "Someone Else", other.as_str())
        } else {
            ("Someone Else", other.as_str(), "Ada Lovelace", "https://www.linkedin.com/in/ada-lovelace")
        };
        let date = if i % 10_000 == 9_999 {
            drafts_or_bad += 1;
            "not a date".to_string()
        } else {
            format!(
                "2025-{:02}-{:02} {:02}:{:02}:{:02} UTC",
                1 + i % 12,
                1 + i % 28,
                i % 24,
                i % 60,
                (i / 60) % 60
            )
        };
        let body = words.sentence(20 + i % 40);
        let row = format!(
            "2-{conversation:08x},,{from},{from_url},{to},{to_url},{date},{},\"{body}\nsecond line {i}\",INBOX\n",
            words.sentence(3)
        );
        uncompressed += row.len();
        writer.write_all(row.as_bytes()).unwrap();
    }
    writer.finish().unwrap();
    assert!(uncompressed > 60 << 20, "the test file must be large: {uncompressed} bytes");
    let sent_bad = (0..ROWS).filter(|i| i % 10_000 == 9_999 && i % 3 == 0).count();

    let before = peak_rss();
    let mut export = open_export(&path, options()).unwrap();
    let mut events = 0usize;
    let mut sent_events = 0usize;
    for event in export.events() {
        let event = event.unwrap();
        events += 1;
        if event.kind == K::MessageSent {
            sent_events += 1;
        }
    }
    let after = peak_rss();

    let report = export.report().file(FileKind::Messages).unwrap().clone();
    assert_eq!(report.rows_read as usize, ROWS);
    assert_eq!(report.rows_skipped as usize, drafts_or_bad);
    assert_eq!(report.events as usize, ROWS - drafts_or_bad);
    assert_eq!(events, ROWS - drafts_or_bad);
    assert_eq!(sent_events, sent - sent_bad);
    assert!(export.report().events_complete);

    if let (Some(before), Some(after)) = (before, after) {
        let grown = after.saturating_sub(before);
        assert!(
            grown < (uncompressed as u64) / 2,
            "peak memory grew by {grown} bytes while streaming {uncompressed} bytes"
        );
    }
}
