//! Hostile creator analytics workbooks (`tests/fixtures/hostile/xlsx_*.xlsx`): how they are made, and the exact outcome of each.
//!
//! They are part of the hostile corpus (`super::corpus` adds them, so the
//! regenerate command of `hostile.rs` rewrites them too). Each is refused
//! with a one-line [`WorkbookError`] before anything could be stored, except
//! the formula workbook, whose formula is never evaluated: its cached value
//! is what is read.

use super::{deflated_zip, fixture, patch_declared_size};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Formula, Workbook};
use ssi_import::{WorkbookError, WorkbookLimits, read_workbook};

/// One cell of a sheet: row, column and what it holds.
type Placed = (u32, u16, Cell);

/// A workbook with the given sheets, each a list of cells.
fn xlsx(sheets: &[(&str, Vec<Placed>)]) -> Vec<u8> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 11, 20).unwrap();
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    for (name, cells) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (row, column, cell) in cells {
            match cell {
                Cell::Text(text) => sheet.write_string(*row, *column, *text).unwrap(),
                Cell::Number(n) => sheet.write_number(*row, *column, *n).unwrap(),
                Cell::Formula(formula, cached) => {
                    sheet.write_formula(*row, *column, Formula::new(*formula).set_result(*cached)).unwrap()
                }
            };
        }
    }
    book.save_to_buffer().unwrap()
}

enum Cell {
    Text(&'static str),
    Number(f64),
    /// A formula and the value Excel cached for it.
    Formula(&'static str, &'static str),
}

/// The header of the ENGAGEMENT sheet.
fn engagement_header() -> Vec<Placed> {
    vec![(0, 0, Cell::Text("Date")), (0, 1, Cell::Text("Impressions")), (0, 2, Cell::Text("Engagements"))]
}

/// The smallest parts an Excel reader needs, for hand-made archives.
const WORKBOOK_XML: &[u8] = b"<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheets/></workbook>";

/// The hostile workbooks, by file name.
pub(super) fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let mut files: Vec<(&'static str, Vec<u8>)> = Vec::new();

    // 4 MiB of one repeated byte behind the workbook's own part: deflates ~1000 times.
    let zeros = vec![b' '; 4 << 20];
    files.push((
        "xlsx_zip_bomb_ratio.xlsx",
        deflated_zip(&[("xl/workbook.xml", WORKBOOK_XML), ("xl/worksheets/sheet1.xml", &zeros)]),
    ));

    // 65 entries, one more than a workbook may hold.
    let names: Vec<String> = (0..64).map(|i| format!("xl/media/image{i}.png")).collect();
    let mut entries: Vec<(&str, &[u8])> = vec![("xl/workbook.xml", WORKBOOK_XML)];
    entries.extend(names.iter().map(|n| (n.as_str(), b"x".as_slice())));
    files.push(("xlsx_too_many_entries.xlsx", deflated_zip(&entries)));

    // An entry that declares it unpacks to 100 MiB: refused on the declaration.
    let mut lie = deflated_zip(&[("xl/workbook.xml", WORKBOOK_XML)]);
    patch_declared_size(&mut lie, 100 << 20);
    files.push(("xlsx_declared_too_large.xlsx", lie));

    // A ZIP, but no Excel workbook in it.
    files.push(("xlsx_not_a_workbook.xlsx", deflated_zip(&[("word/document.xml", b"<document/>")])));

    // A real workbook, but someone's budget.
    files.push((
        "xlsx_not_analytics.xlsx",
        xlsx(&[("Budget", vec![(0, 0, Cell::Text("Rent")), (0, 1, Cell::Number(900.0))])]),
    ));

    // Creator analytics with only the audience: nothing ssi keeps.
    files.push((
        "xlsx_only_demographics.xlsx",
        xlsx(&[(
            "DEMOGRAPHICS",
            vec![
                (0, 0, Cell::Text("Top Demographics")),
                (0, 1, Cell::Text("Value")),
                (0, 2, Cell::Text("Percentage")),
                (1, 0, Cell::Text("Job title")),
                (1, 1, Cell::Text("Founder")),
                (1, 2, Cell::Text("8%")),
            ],
        )]),
    ));

    // An ENGAGEMENT sheet whose rows run to row 1,000,000 (two cells, a tiny file).
    let mut million = engagement_header();
    million.push((1, 0, Cell::Text("11/1/2026")));
    million.push((1, 2, Cell::Number(3.0)));
    million.push((999_999, 0, Cell::Text("11/2/2026")));
    million.push((999_999, 2, Cell::Number(4.0)));
    files.push(("xlsx_million_rows.xlsx", xlsx(&[("ENGAGEMENT", million)])));

    // An ENGAGEMENT sheet without its header row.
    files.push((
        "xlsx_missing_header.xlsx",
        xlsx(&[("ENGAGEMENT", vec![(0, 0, Cell::Text("11/1/2026")), (0, 1, Cell::Number(5.0))])]),
    ));

    // Ten million engagements in one day: each would become an event.
    let mut absurd = engagement_header();
    absurd.push((1, 0, Cell::Text("11/1/2026")));
    absurd.push((1, 1, Cell::Number(1.0)));
    absurd.push((1, 2, Cell::Number(10_000_000.0)));
    files.push(("xlsx_absurd_daily_count.xlsx", xlsx(&[("ENGAGEMENT", absurd)])));

    // A formula in a figure: its cached value (7) is read; the formula, which
    // would make a trillion, is never evaluated.
    let mut formula = engagement_header();
    formula.push((1, 0, Cell::Text("11/1/2026")));
    formula.push((1, 1, Cell::Number(100.0)));
    formula.push((1, 2, Cell::Formula("=1000000*1000000", "7")));
    files.push(("xlsx_formula.xlsx", xlsx(&[("ENGAGEMENT", formula)])));

    files
}

fn refused(name: &str) -> String {
    let path = fixture(name);
    let error = read_workbook(&path, &WorkbookLimits::default()).expect_err("the workbook must be refused");
    let text = error.to_string();
    assert!(!text.contains('\n'), "one line: {text}");
    assert!(text.starts_with(&path.display().to_string()), "names the file: {text}");
    text.replacen(&path.display().to_string(), "FILE", 1)
}

#[test]
fn xlsx_zip_bomb_ratio() {
    let path = fixture("xlsx_zip_bomb_ratio.xlsx");
    let error = read_workbook(&path, &WorkbookLimits::default()).unwrap_err();
    assert!(
        matches!(&error, WorkbookError::CompressionRatio { entry, limit: 250, ratio, .. }
            if entry == "xl/worksheets/sheet1.xml" && *ratio > 250),
        "{error:?}"
    );
    assert!(refused("xlsx_zip_bomb_ratio.xlsx").starts_with("FILE: xl/worksheets/sheet1.xml is compressed "));
}

#[test]
fn xlsx_too_many_entries() {
    assert_eq!(
        refused("xlsx_too_many_entries.xlsx"),
        "FILE holds 65 entries, more than the limit of 64 for a workbook"
    );
}

#[test]
fn xlsx_declared_too_large() {
    assert_eq!(
        refused("xlsx_declared_too_large.xlsx"),
        "FILE unpacks to more than 67108864 bytes (at xl/workbook.xml), more than a workbook ever holds"
    );
}

#[test]
fn xlsx_not_a_workbook() {
    assert!(!ssi_import::is_workbook(&fixture("xlsx_not_a_workbook.xlsx")), "not taken for a workbook");
    assert_eq!(
        refused("xlsx_not_a_workbook.xlsx"),
        "FILE is not a readable .xlsx workbook: it has no xl/workbook.xml"
    );
}

#[test]
fn xlsx_not_analytics() {
    assert!(ssi_import::is_workbook(&fixture("xlsx_not_analytics.xlsx")));
    assert_eq!(
        refused("xlsx_not_analytics.xlsx"),
        "FILE is a workbook but not LinkedIn's creator analytics: its sheets are Budget; expected ENGAGEMENT, FOLLOWERS, TOP POSTS, DISCOVERY or DEMOGRAPHICS"
    );
}

#[test]
fn xlsx_only_demographics() {
    assert_eq!(
        refused("xlsx_only_demographics.xlsx"),
        "FILE holds no ENGAGEMENT, FOLLOWERS or TOP POSTS sheet: nothing to import"
    );
}

#[test]
fn xlsx_million_rows() {
    assert_eq!(
        refused("xlsx_million_rows.xlsx"),
        "FILE, sheet ENGAGEMENT: more than 5000 rows (row 1000000 found); not a LinkedIn analytics sheet"
    );
}

#[test]
fn xlsx_missing_header() {
    assert_eq!(
        refused("xlsx_missing_header.xlsx"),
        "FILE, sheet ENGAGEMENT: no header row \"Date, Impressions, Engagements\" in its first 10 rows"
    );
}

#[test]
fn xlsx_absurd_daily_count() {
    assert_eq!(
        refused("xlsx_absurd_daily_count.xlsx"),
        "FILE, sheet ENGAGEMENT row 2, column Engagements: 10000000 in one day is more than the limit of 50000"
    );
}

#[test]
fn xlsx_formula() {
    let workbook = read_workbook(&fixture("xlsx_formula.xlsx"), &WorkbookLimits::default()).unwrap();
    assert_eq!(workbook.days.len(), 1);
    assert_eq!(workbook.days[0].engagements, Some(7), "the cached value, never the formula's result");
    assert_eq!(workbook.events().count(), 1 + 7, "a marker and seven engagements");
}

#[test]
fn every_hostile_workbook_passes_the_fuzz_targets_checks() {
    // The committed seeds of fuzz/corpus/workbook replay with the other corpora
    // (`fuzz_corpora_replay_without_a_finding`); the hostile workbooks run here.
    for (name, bytes) in corpus() {
        assert!(name.starts_with("xlsx_") && name.ends_with(".xlsx"), "{name}");
        super::fuzz_targets::workbook(&bytes);
    }
}
