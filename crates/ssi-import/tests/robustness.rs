//! Arbitrary input never panics: date parsers, the CSV table reader, JSON and CSV readings.

mod common;

use chrono::NaiveDate;
use common::*;
use proptest::prelude::*;
use ssi_import::{dates, open_export, parse_readings_csv, parse_sales_api_json};

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn date_parsers_never_panic(text in ".{0,60}") {
        let _ = dates::parse_timestamp(&text);
        let _ = dates::parse_calendar_date(&text);
        let _ = dates::parse_month_day(&text);
        let _ = dates::parse_profile_date(&text);
        let _ = dates::parse_rich_media_datetime(&text);
        let _ = dates::parse_unix_datetime(&text);
        let _ = dates::parse_us_datetime(&text);
        let _ = dates::parse_ymd_datetime(&text);
        let _ = dates::parse_day_month_year(&text);
    }

    #[test]
    fn date_like_strings_never_panic(text in "[0-9/:, .A-Za-z()\u{202f}-]{0,40}") {
        let _ = dates::parse_timestamp(&text);
        let _ = dates::parse_calendar_date(&text);
    }

    #[test]
    fn readings_never_panic(text in ".{0,200}") {
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let _ = parse_sales_api_json(&text, day);
        let _ = parse_readings_csv(text.as_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_csv_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let dir = tempfile::tempdir().unwrap();
        let mut content = b"Date,Link,Message\n".to_vec();
        content.extend_from_slice(&body);
        let files = ExportFiles::new().with("Comments.csv", &content).with("messages.csv", {
            let mut m = b"CONVERSATION ID,FROM,DATE\n".to_vec();
            m.extend_from_slice(&body);
            m
        });
        let path = files.write_zip(dir.path(), "x.zip", None);
        if let Ok(mut export) = open_export(&path, options()) {
            let _ = export.profile();
            let (events, _) = drain(&mut export);
            let report = export.report();
            prop_assert!(report.total_events() as usize == events.len());
            prop_assert!(report.total_rows() >= report.total_events() + report.total_skipped());
        }
    }
}
