//! Official readings from committed fixture files: LinkedIn's JSON (bare and wrapped) and a `;`-separated tracker CSV.

use chrono::NaiveDate;
use ssi_core::{Pillar, ReadingSource};
use ssi_import::{parse_readings_csv, parse_sales_api_json};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

#[test]
fn captured_reading_matches_the_page() {
    let reading = parse_sales_api_json(&fixture("sales_api_ssi.json"), day(20)).unwrap();
    // The page showed total 20, industry Top 75%, network Top 81%.
    assert_eq!(reading.total.round(), 20.0);
    assert_eq!(reading.industry.rank, Some(75));
    assert_eq!(reading.network.rank, Some(81));
    let sum: f64 = reading.pillars.iter().flatten().sum();
    assert!((sum - reading.total).abs() < 0.01);
}

#[test]
fn wrapped_reading_with_groups_sizes_and_averages() {
    let reading = parse_sales_api_json(&fixture("sales_api_ssi_wrapped.json"), day(20)).unwrap();
    assert_eq!(reading.total, 72.4);
    assert_eq!(reading.pillar(Pillar::ProfessionalBrand), Some(19.5));
    assert_eq!(reading.pillar(Pillar::StrongRelationship), Some(19.1));
    assert_eq!(reading.industry.name.as_deref(), Some("Software Development"));
    assert_eq!(reading.industry.size, Some(1_843_022));
    assert_eq!(reading.industry.pillar_averages, Some([Some(12.1), Some(9.4), Some(8.9), Some(10.8)]));
    assert_eq!(reading.network.size, Some(812));
    assert_eq!((reading.team.rank, reading.team.average), (Some(2), Some(66.6)));
    assert_eq!(reading.source, ReadingSource::Json);
}

#[test]
fn semicolon_csv_with_decimal_commas_and_top_percent_ranks() {
    let readings = parse_readings_csv(fixture("readings_semicolon.csv").as_bytes()).unwrap();
    assert_eq!(readings.len(), 2);
    assert_eq!(readings[0].date, day(19));
    assert_eq!(readings[0].total, 19.7);
    assert_eq!(readings[0].pillars, [Some(13.12), Some(3.68), Some(0.3), Some(2.61)]);
    assert_eq!((readings[0].industry.rank, readings[0].network.rank), (Some(75), Some(81)));
    assert_eq!(readings[0].industry.average, Some(30.99));
    assert_eq!(readings[1].date, day(20));
    assert_eq!(readings[1].network.rank, Some(80));
    assert!(readings.iter().all(|r| r.source == ReadingSource::Csv));
}
