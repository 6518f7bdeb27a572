//! LinkedIn's creator analytics workbook (`Content_*.xlsx`, `AggregateAnalytics_*.xlsx`): checked, then read with calamine.
//!
//! The workbook is a ZIP of XML parts, so it gets the export's treatment
//! first: a pass over the archive counts its entries and decompresses each
//! one to nowhere, refusing too many entries, too many bytes (as declared
//! and as actually produced) and zip-bomb compression ratios, before
//! calamine opens it. calamine reads a formula cell's cached value only; no
//! formula is ever evaluated. Sheets are streamed cell by cell and a sheet
//! longer than [`WorkbookLimits::max_rows`] is refused at the first row past
//! the cap, without reading further.
//!
//! The workbook is recognised by its sheets (`ENGAGEMENT`, `FOLLOWERS`,
//! `TOP POSTS`, `DISCOVERY`, `DEMOGRAPHICS`), never by its name. Both
//! layouts are read: the 2025 `Content_*` one with numbers as numbers, and
//! the 2026 `AggregateAnalytics_*` one with numbers and percentages as text
//! (`"1,234"`, `"< 1%"`); dates are `M/D/YYYY` text or Excel date serials.
//! Any cell that does not read as what its column holds refuses the whole
//! workbook with the sheet, row and column named: nothing is stored.
//!
//! Privacy: post URLs are reduced to their activity ids; demographics
//! (job titles, industries, locations, companies of the audience, never
//! people) are returned for display and are not part of the stored report.

use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ssi_core::ActivityEvent;
use ssi_core::analytics::{DayFigures, FollowerTotal, PostFigures, activity_id, day_events};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

/// Resource limits for one workbook. LinkedIn's workbooks are a few
/// hundred KB: 13 months of days, 50 top posts, a dozen XML parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbookLimits {
    /// Most entries in the archive (default 64; LinkedIn's have about 15).
    pub max_entries: usize,
    /// Most bytes all entries together may unpack to (default 64 MiB).
    pub max_total_uncompressed: u64,
    /// Highest compression ratio accepted for an entry that unpacks to more
    /// than [`WorkbookLimits::ratio_check_min_bytes`] (default 250).
    pub max_ratio: u64,
    /// Entries up to this size are exempt from the ratio check (default 1 MiB).
    pub ratio_check_min_bytes: u64,
    /// Most rows in one sheet (default 5,000; a year of days is 366).
    pub max_rows: u32,
    /// Most engagements or new followers on one day (default 50,000): each
    /// one is stored as an event, so an absurd figure is refused, not stored.
    pub max_daily_count: u64,
}

impl Default for WorkbookLimits {
    fn default() -> Self {
        WorkbookLimits {
            max_entries: 64,
            max_total_uncompressed: 64 << 20,
            max_ratio: 250,
            ratio_check_min_bytes: 1 << 20,
            max_rows: 5_000,
            max_daily_count: 50_000,
        }
    }
}

/// Why a workbook is refused. Every message is one line naming the file
/// (and the sheet, row and column where one is at fault).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkbookError {
    /// The file cannot be read from disk.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Not a ZIP archive, or not an Excel workbook inside.
    #[error("{path} is not a readable .xlsx workbook: {reason}")]
    NotAWorkbook {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// More entries than [`WorkbookLimits::max_entries`].
    #[error("{path} holds {count} entries, more than the limit of {limit} for a workbook")]
    TooManyEntries {
        /// The file.
        path: String,
        /// Entries found.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The entries unpack to more than [`WorkbookLimits::max_total_uncompressed`].
    #[error("{path} unpacks to more than {limit} bytes (at {entry}), more than a workbook ever holds")]
    TooLarge {
        /// The file.
        path: String,
        /// The entry at which the limit was crossed.
        entry: String,
        /// The limit.
        limit: u64,
    },
    /// An entry compressed far more than real XML does: a zip bomb.
    #[error("{path}: {entry} is compressed {ratio} times, more than the limit of {limit} (a zip bomb?)")]
    CompressionRatio {
        /// The file.
        path: String,
        /// The entry.
        entry: String,
        /// Its ratio.
        ratio: u64,
        /// The limit.
        limit: u64,
    },
    /// A workbook without any sheet of the creator analytics.
    #[error(
        "{path} is a workbook but not LinkedIn's creator analytics: its sheets are {sheets}; expected ENGAGEMENT, FOLLOWERS, TOP POSTS, DISCOVERY or DEMOGRAPHICS"
    )]
    NotAnalytics {
        /// The file.
        path: String,
        /// Its sheets, comma-separated.
        sheets: String,
    },
    /// A creator analytics workbook with none of the sheets ssi keeps.
    #[error("{path} holds no ENGAGEMENT, FOLLOWERS or TOP POSTS sheet: nothing to import")]
    NothingToImport {
        /// The file.
        path: String,
    },
    /// A sheet longer than [`WorkbookLimits::max_rows`].
    #[error(
        "{path}, sheet {sheet}: more than {limit} rows (row {row} found); not a LinkedIn analytics sheet"
    )]
    TooManyRows {
        /// The file.
        path: String,
        /// The sheet.
        sheet: String,
        /// The first row past the cap (1-based).
        row: u64,
        /// The limit.
        limit: u32,
    },
    /// A sheet without the header row its layout has.
    #[error("{path}, sheet {sheet}: {problem}")]
    Layout {
        /// The file.
        path: String,
        /// The sheet.
        sheet: String,
        /// What is missing.
        problem: String,
    },
    /// A cell that does not read as what its column holds.
    #[error("{path}, sheet {sheet} row {row}, column {column}: {problem}")]
    Cell {
        /// The file.
        path: String,
        /// The sheet.
        sheet: String,
        /// The row (1-based, as Excel numbers it).
        row: u64,
        /// The column's header.
        column: String,
        /// What is wrong.
        problem: String,
    },
    /// calamine could not read a part of the workbook.
    #[error("{path}, sheet {sheet}: cannot be read: {reason}")]
    Sheet {
        /// The file.
        path: String,
        /// The sheet (or `workbook` for the workbook's own parts).
        sheet: String,
        /// calamine's reason.
        reason: String,
    },
}

/// Which of LinkedIn's two layouts a workbook has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkbookLayout {
    /// Up to 2025 (`Content_*.xlsx`): numbers are number cells.
    Content,
    /// From 2026 (`AggregateAnalytics_*.xlsx`): numbers and percentages are text.
    Aggregate,
}

impl WorkbookLayout {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkbookLayout::Content => "content",
            WorkbookLayout::Aggregate => "aggregate",
        }
    }
}

/// What was read from one sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetReport {
    /// The sheet's name as the workbook spells it.
    pub name: String,
    /// Data rows read (headings and blank rows not counted).
    pub rows_read: u64,
    /// What ssi does with them, in words.
    pub used_for: String,
}

/// What the workbook held, for the import report (stored with the import).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkbookReport {
    /// The layout recognised.
    pub layout: WorkbookLayout,
    /// The first and last day of the ENGAGEMENT or FOLLOWERS days.
    pub first_day: Option<NaiveDate>,
    /// See `first_day`.
    pub last_day: Option<NaiveDate>,
    /// The DISCOVERY sheet's totals for the period, where present.
    pub period_impressions: Option<u64>,
    /// See `period_impressions`.
    pub members_reached: Option<u64>,
    /// Every sheet read, in workbook order.
    pub sheets: Vec<SheetReport>,
    /// Sheets ssi does not know, left alone.
    pub ignored_sheets: Vec<String>,
}

/// One line of the DEMOGRAPHICS sheet: the audience by category. Shown, never scored or stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demographic {
    /// `Job title`, `Location`, `Industry`, `Seniority`, `Company size`, …
    pub category: String,
    /// The category's value (a title, a place, an industry; never a person).
    pub value: String,
    /// The share as LinkedIn wrote it (`"12%"`, `"< 1%"`).
    pub percentage: String,
}

/// A creator analytics workbook, read.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyticsWorkbook {
    /// SHA-256 of the file's bytes: the same file imported again is recognised.
    pub fingerprint: String,
    /// One entry per day either daily sheet reports, in date order.
    pub days: Vec<DayFigures>,
    /// The follower total on its date (FOLLOWERS row 1).
    pub follower_total: Option<FollowerTotal>,
    /// The TOP POSTS tables joined on the post's activity id.
    pub posts: Vec<PostFigures>,
    /// The DEMOGRAPHICS sheet.
    pub demographics: Vec<Demographic>,
    /// What was read.
    pub report: WorkbookReport,
}

impl AnalyticsWorkbook {
    /// The events the workbook's days score as (see [`day_events`]), in time order.
    pub fn events(&self) -> impl Iterator<Item = ActivityEvent> + '_ {
        day_events(&self.days)
    }
}

/// The sheets of the creator analytics, by their upper-case names.
const ENGAGEMENT: &str = "ENGAGEMENT";
const FOLLOWERS: &str = "FOLLOWERS";
const TOP_POSTS: &str = "TOP POSTS";
const DISCOVERY: &str = "DISCOVERY";
const DEMOGRAPHICS: &str = "DEMOGRAPHICS";
const KNOWN_SHEETS: [&str; 5] = [DISCOVERY, ENGAGEMENT, TOP_POSTS, FOLLOWERS, DEMOGRAPHICS];

/// The columns read from a sheet: LinkedIn's use A–G.
const MAX_COLUMNS: u32 = 8;
/// The longest text kept from a cell; LinkedIn's longest are post URLs.
const MAX_CELL_CHARS: usize = 2_048;

/// Whether `path` is an Excel workbook (a ZIP with `xl/workbook.xml`),
/// whatever its name. Says nothing of whether it is LinkedIn's analytics:
/// [`read_workbook`] tells that from its sheets.
pub fn is_workbook(path: &Path) -> bool {
    let Ok(file) = File::open(path) else { return false };
    if !path.is_file() {
        return false;
    }
    match zip::ZipArchive::new(BufReader::new(file)) {
        Ok(archive) => archive.index_for_name("xl/workbook.xml").is_some(),
        Err(_) => false,
    }
}

/// Reads a creator analytics workbook, refusing a hostile or malformed one
/// with a one-line [`WorkbookError`].
pub fn read_workbook(path: &Path, limits: &WorkbookLimits) -> Result<AnalyticsWorkbook, WorkbookError> {
    let shown = path.display().to_string();
    let io = |source| WorkbookError::Io { path: shown.clone(), source };
    let fingerprint = {
        let mut file = File::open(path).map_err(io)?;
        let mut hasher = Sha256::new();
        std::io::copy(&mut file, &mut hasher).map_err(io)?;
        hasher.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    check_container(path, &shown, limits)?;
    let file = File::open(path).map_err(io)?;
    let mut workbook: Xlsx<_> = Xlsx::new(BufReader::new(file))
        .map_err(|e| WorkbookError::NotAWorkbook { path: shown.clone(), reason: e.to_string() })?;
    let names = workbook.sheet_names();
    let known = |name: &str| KNOWN_SHEETS.iter().find(|k| k.eq_ignore_ascii_case(name.trim())).copied();
    if !names.iter().any(|n| known(n).is_some()) {
        return Err(WorkbookError::NotAnalytics { path: shown, sheets: names.join(", ") });
    }
    if !names.iter().any(|n| matches!(known(n), Some(ENGAGEMENT | FOLLOWERS | TOP_POSTS))) {
        return Err(WorkbookError::NothingToImport { path: shown });
    }
    let mut reader = SheetReader { path: shown, limits, numbers_as_text: false };
    let mut days: BTreeMap<NaiveDate, DayFigures> = BTreeMap::new();
    let mut follower_total = None;
    let mut posts = Vec::new();
    let mut demographics = Vec::new();
    let mut report = WorkbookReport {
        layout: WorkbookLayout::Content,
        first_day: None,
        last_day: None,
        period_impressions: None,
        members_reached: None,
        sheets: Vec::new(),
        ignored_sheets: Vec::new(),
    };
    let mut singular_labels = false;
    for name in &names {
        let Some(kind) = known(name) else {
            report.ignored_sheets.push(name.clone());
            continue;
        };
        let rows = reader.rows(&mut workbook, name)?;
        let sheet = Sheet { name, rows: &rows };
        let (rows_read, used_for) = match kind {
            ENGAGEMENT => reader.engagement(&sheet, &mut days)?,
            FOLLOWERS => reader.followers(&sheet, &mut days, &mut follower_total)?,
            TOP_POSTS => reader.top_posts(&sheet, &mut posts)?,
            DISCOVERY => reader.discovery(&sheet, &mut report)?,
            _ => {
                let read = reader.demographics(&sheet, &mut demographics);
                singular_labels |= demographics
                    .iter()
                    .any(|d| ["Job title", "Industry", "Location", "Company"].contains(&d.category.as_str()));
                read
            }
        };
        report.sheets.push(SheetReport { name: name.clone(), rows_read, used_for });
    }
    if reader.numbers_as_text || singular_labels {
        report.layout = WorkbookLayout::Aggregate;
    }
    report.first_day = days.keys().next().copied();
    report.last_day = days.keys().next_back().copied();
    Ok(AnalyticsWorkbook {
        fingerprint,
        days: days.into_values().collect(),
        follower_total,
        posts,
        demographics,
        report,
    })
}

/// The archive pass: entry count, declared and produced sizes, ratios.
fn check_container(path: &Path, shown: &str, limits: &WorkbookLimits) -> Result<(), WorkbookError> {
    let not_a_workbook = |reason: String| WorkbookError::NotAWorkbook { path: shown.to_string(), reason };
    let file = File::open(path).map_err(|source| WorkbookError::Io { path: shown.to_string(), source })?;
    let mut archive =
        zip::ZipArchive::new(BufReader::new(file)).map_err(|e| not_a_workbook(e.to_string()))?;
    if archive.len() > limits.max_entries {
        return Err(WorkbookError::TooManyEntries {
            path: shown.to_string(),
            count: archive.len(),
            limit: limits.max_entries,
        });
    }
    if archive.index_for_name("xl/workbook.xml").is_none() {
        return Err(not_a_workbook("it has no xl/workbook.xml".into()));
    }
    let mut total = 0u64;
    let mut sink = vec![0u8; 64 << 10];
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| not_a_workbook(e.to_string()))?;
        let name = entry.name().map_or_else(|_| format!("entry {index}"), |n| n.to_string());
        let compressed = entry.compressed_size().max(1);
        let too_large = || WorkbookError::TooLarge {
            path: shown.to_string(),
            entry: name.clone(),
            limit: limits.max_total_uncompressed,
        };
        if total.saturating_add(entry.size()) > limits.max_total_uncompressed {
            return Err(too_large());
        }
        // Decompress to nowhere, counting what comes out: a declared size can lie.
        let mut produced = 0u64;
        loop {
            let read = entry.read(&mut sink).map_err(|e| not_a_workbook(format!("{name}: {e}")))?;
            if read == 0 {
                break;
            }
            produced += read as u64;
            if total + produced > limits.max_total_uncompressed {
                return Err(too_large());
            }
            if produced > limits.ratio_check_min_bytes && produced / compressed > limits.max_ratio {
                return Err(WorkbookError::CompressionRatio {
                    path: shown.to_string(),
                    entry: name,
                    ratio: produced / compressed,
                    limit: limits.max_ratio,
                });
            }
        }
        total += produced;
    }
    Ok(())
}

/// A cell's value, as much as ssi reads of it.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Empty,
    Text(String),
    Number(f64),
    /// An Excel date cell: its serial number, already in the 1900 system.
    Date(NaiveDate),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(t) => t.trim().to_string(),
            Value::Number(n) => n.to_string(),
            Value::Date(d) => d.to_string(),
        }
    }
}

/// A sheet's rows, first row first (index 0 is Excel's row 1).
struct Sheet<'a> {
    name: &'a str,
    rows: &'a [Vec<Value>],
}

impl Sheet<'_> {
    fn cell(&self, row: usize, column: usize) -> &Value {
        self.rows.get(row).and_then(|r| r.get(column)).unwrap_or(&Value::Empty)
    }

    /// The first row (of the first ten) whose cells include every one of
    /// `headers`, with the column of each.
    fn header(&self, headers: &[&str]) -> Option<(usize, Vec<usize>)> {
        self.rows.iter().take(10).enumerate().find_map(|(index, row)| {
            let columns: Option<Vec<usize>> = headers
                .iter()
                .map(|h| row.iter().position(|cell| cell.text().eq_ignore_ascii_case(h)))
                .collect();
            columns.map(|c| (index, c))
        })
    }
}

struct SheetReader<'l> {
    path: String,
    limits: &'l WorkbookLimits,
    /// Whether a number came as text (the 2026 layout).
    numbers_as_text: bool,
}

impl SheetReader<'_> {
    /// Streams a sheet's cells into rows, refusing it at the first row past the cap.
    fn rows<RS: Read + Seek>(
        &self,
        workbook: &mut Xlsx<RS>,
        name: &str,
    ) -> Result<Vec<Vec<Value>>, WorkbookError> {
        let sheet_error = |e: calamine::XlsxError| WorkbookError::Sheet {
            path: self.path.clone(),
            sheet: name.to_string(),
            reason: e.to_string(),
        };
        let mut cells = workbook.worksheet_cells_reader(name).map_err(sheet_error)?;
        let mut rows: Vec<Vec<Value>> = Vec::new();
        while let Some(cell) = cells.next_cell().map_err(sheet_error)? {
            let (row, column) = cell.get_position();
            if row >= self.limits.max_rows {
                return Err(WorkbookError::TooManyRows {
                    path: self.path.clone(),
                    sheet: name.to_string(),
                    row: u64::from(row) + 1,
                    limit: self.limits.max_rows,
                });
            }
            if column >= MAX_COLUMNS {
                continue;
            }
            let value = match cell.get_value() {
                DataRef::Empty => continue,
                DataRef::Int(i) => Value::Number(*i as f64),
                DataRef::Float(f) => Value::Number(*f),
                DataRef::Bool(b) => Value::Text(b.to_string()),
                DataRef::String(s) => Value::Text(s.chars().take(MAX_CELL_CHARS).collect()),
                DataRef::SharedString(s) => Value::Text(s.chars().take(MAX_CELL_CHARS).collect()),
                DataRef::DateTime(d) => {
                    let (y, m, day, ..) = d.to_ymd_hms_milli();
                    NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(day))
                        .map_or(Value::Number(d.as_f64()), Value::Date)
                }
                DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                    Value::Text(s.chars().take(MAX_CELL_CHARS).collect())
                }
                DataRef::Error(e) => Value::Text(format!("#{e:?}")),
            };
            let (row, column) = (row as usize, column as usize);
            if rows.len() <= row {
                rows.resize(row + 1, Vec::new());
            }
            if rows[row].len() <= column {
                rows[row].resize(column + 1, Value::Empty);
            }
            rows[row][column] = value;
        }
        Ok(rows)
    }

    fn cell_error(&self, sheet: &Sheet<'_>, row: usize, column: &str, problem: String) -> WorkbookError {
        WorkbookError::Cell {
            path: self.path.clone(),
            sheet: sheet.name.to_string(),
            row: row as u64 + 1,
            column: column.to_string(),
            problem,
        }
    }

    fn layout_error(&self, sheet: &Sheet<'_>, problem: String) -> WorkbookError {
        WorkbookError::Layout { path: self.path.clone(), sheet: sheet.name.to_string(), problem }
    }

    /// A whole, non-negative number: a number cell, or text such as `"1,234"`.
    /// An empty cell is `None`.
    fn count(
        &mut self,
        sheet: &Sheet<'_>,
        row: usize,
        column: usize,
        header: &str,
    ) -> Result<Option<u64>, WorkbookError> {
        let bad = |this: &Self, shown: String| {
            this.cell_error(sheet, row, header, format!("{shown} is not a whole number of at least 0"))
        };
        match sheet.cell(row, column) {
            Value::Empty => Ok(None),
            Value::Number(n) if n.is_finite() && *n >= 0.0 && n.fract() == 0.0 && *n < 1e15 => {
                Ok(Some(*n as u64))
            }
            Value::Number(n) => Err(bad(self, n.to_string())),
            Value::Date(d) => Err(bad(self, format!("the date {d}"))),
            Value::Text(text) => {
                let digits: String = text.chars().filter(|c| !matches!(c, ',' | ' ' | '\u{a0}')).collect();
                if digits.is_empty() {
                    return Ok(None);
                }
                match digits.parse::<u64>() {
                    Ok(n) if n < 1_000_000_000_000_000 => {
                        self.numbers_as_text = true;
                        Ok(Some(n))
                    }
                    _ => Err(bad(self, format!("{text:?}"))),
                }
            }
        }
    }

    /// A day: an Excel date cell, a serial number, or `M/D/YYYY` (or ISO) text.
    fn date(
        &self,
        sheet: &Sheet<'_>,
        row: usize,
        column: usize,
        header: &str,
    ) -> Result<NaiveDate, WorkbookError> {
        let value = sheet.cell(row, column);
        let parsed = match value {
            Value::Date(d) => Some(*d),
            Value::Number(serial) => excel_serial_date(*serial),
            Value::Text(text) => parse_day(text),
            Value::Empty => None,
        };
        parsed.ok_or_else(|| {
            self.cell_error(sheet, row, header, format!("{:?} is not a date (M/D/YYYY)", value.text()))
        })
    }

    fn check_daily(
        &self,
        sheet: &Sheet<'_>,
        row: usize,
        header: &str,
        count: Option<u64>,
    ) -> Result<(), WorkbookError> {
        match count {
            Some(n) if n > self.limits.max_daily_count => Err(self.cell_error(
                sheet,
                row,
                header,
                format!("{n} in one day is more than the limit of {}", self.limits.max_daily_count),
            )),
            _ => Ok(()),
        }
    }

    /// `Date, Impressions, Engagements`, one row per day.
    fn engagement(
        &mut self,
        sheet: &Sheet<'_>,
        days: &mut BTreeMap<NaiveDate, DayFigures>,
    ) -> Result<(u64, String), WorkbookError> {
        let Some((header, columns)) = sheet.header(&["Date", "Impressions", "Engagements"]) else {
            if sheet.rows.iter().all(|r| r.iter().all(|c| *c == Value::Empty)) {
                return Ok((0, "empty".into()));
            }
            return Err(self.layout_error(
                sheet,
                "no header row \"Date, Impressions, Engagements\" in its first 10 rows".into(),
            ));
        };
        let mut read = 0;
        for row in header + 1..sheet.rows.len() {
            if sheet.rows[row].iter().all(|c| *c == Value::Empty) {
                continue;
            }
            let date = self.date(sheet, row, columns[0], "Date")?;
            let impressions = self.count(sheet, row, columns[1], "Impressions")?;
            let engagements = self.count(sheet, row, columns[2], "Engagements")?;
            self.check_daily(sheet, row, "Engagements", engagements)?;
            let day = days.entry(date).or_insert(DayFigures { date, ..DayFigures::default() });
            day.impressions = max_of(day.impressions, impressions);
            day.engagements = max_of(day.engagements, engagements.or(Some(0)));
            read += 1;
        }
        Ok((read, "impressions and engagements per day".into()))
    }

    /// `Total followers on M/D/YYYY:` with the total in B1, then `Date, New followers`.
    fn followers(
        &mut self,
        sheet: &Sheet<'_>,
        days: &mut BTreeMap<NaiveDate, DayFigures>,
        total: &mut Option<FollowerTotal>,
    ) -> Result<(u64, String), WorkbookError> {
        let label = sheet.cell(0, 0).text();
        let prefix = "total followers on";
        if label.to_ascii_lowercase().starts_with(prefix) {
            let day_text = label[prefix.len()..].trim().trim_end_matches(':').trim();
            let date = parse_day(day_text).ok_or_else(|| {
                self.cell_error(sheet, 0, "A", format!("{label:?} does not end with a date (M/D/YYYY)"))
            })?;
            if let Some(followers) = self.count(sheet, 0, 1, "B")? {
                *total = Some(FollowerTotal { date, followers });
            }
        }
        let Some((header, columns)) = sheet.header(&["Date", "New followers"]) else {
            return Err(
                self.layout_error(sheet, "no header row \"Date, New followers\" in its first 10 rows".into())
            );
        };
        let mut read = 0;
        for row in header + 1..sheet.rows.len() {
            if sheet.rows[row].iter().all(|c| *c == Value::Empty) {
                continue;
            }
            let date = self.date(sheet, row, columns[0], "Date")?;
            let new_followers = self.count(sheet, row, columns[1], "New followers")?.or(Some(0));
            self.check_daily(sheet, row, "New followers", new_followers)?;
            let day = days.entry(date).or_insert(DayFigures { date, ..DayFigures::default() });
            day.new_followers = max_of(day.new_followers, new_followers);
            read += 1;
        }
        let used = match total {
            Some(t) => format!("new followers per day; {} followers on {}", t.followers, t.date),
            None => "new followers per day".to_string(),
        };
        Ok((read, used))
    }

    /// Two tables side by side: `Post URL, Post publish date, Engagements`
    /// and `Post URL, Post publish date, Impressions`, joined on the activity id.
    fn top_posts(
        &mut self,
        sheet: &Sheet<'_>,
        posts: &mut Vec<PostFigures>,
    ) -> Result<(u64, String), WorkbookError> {
        let header =
            sheet.rows.iter().take(10).position(|row| {
                row.iter().filter(|c| c.text().eq_ignore_ascii_case("Post URL")).count() >= 1
            });
        let Some(header) = header else {
            if sheet.rows.iter().all(|r| r.iter().all(|c| *c == Value::Empty)) {
                return Ok((0, "no posts in the period".into()));
            }
            return Err(
                self.layout_error(sheet, "no header row with \"Post URL\" in its first 10 rows".into())
            );
        };
        let heads: Vec<String> = sheet.rows[header].iter().map(Value::text).collect();
        // Each table: its URL column, then the date and the figure after it.
        let tables: Vec<(usize, &str)> = heads
            .iter()
            .enumerate()
            .filter(|(_, h)| h.eq_ignore_ascii_case("Post URL"))
            .filter_map(|(column, _)| {
                let figure = heads.get(column + 2)?;
                let which = if figure.eq_ignore_ascii_case("Engagements") {
                    "Engagements"
                } else if figure.eq_ignore_ascii_case("Impressions") {
                    "Impressions"
                } else {
                    return None;
                };
                Some((column, which))
            })
            .collect();
        if tables.is_empty() {
            return Err(self.layout_error(
                sheet,
                "no \"Post URL, Post publish date, Engagements|Impressions\" table in its header row".into(),
            ));
        }
        let mut by_id: BTreeMap<String, PostFigures> = BTreeMap::new();
        let mut read = 0;
        for row in header + 1..sheet.rows.len() {
            let mut any = false;
            for &(column, which) in &tables {
                let url = sheet.cell(row, column).text();
                if url.is_empty() {
                    continue;
                }
                any = true;
                let id = activity_id(&url).ok_or_else(|| {
                    self.cell_error(
                        sheet,
                        row,
                        "Post URL",
                        "is not a LinkedIn post URL (urn:li:activity:…)".into(),
                    )
                })?;
                let published = match sheet.cell(row, column + 1) {
                    Value::Empty => None,
                    _ => Some(self.date(sheet, row, column + 1, "Post publish date")?),
                };
                let figure = self.count(sheet, row, column + 2, which)?;
                let post = by_id.entry(id.clone()).or_insert(PostFigures {
                    activity_id: id,
                    published: None,
                    engagements: None,
                    impressions: None,
                });
                post.published = post.published.or(published);
                if which == "Engagements" {
                    post.engagements = max_of(post.engagements, figure);
                } else {
                    post.impressions = max_of(post.impressions, figure);
                }
            }
            read += u64::from(any);
        }
        let used = format!("{} posts with engagements or impressions", by_id.len());
        posts.extend(by_id.into_values());
        Ok((read, used))
    }

    /// Label/value rows: `Impressions`, `Members reached`.
    fn discovery(
        &mut self,
        sheet: &Sheet<'_>,
        report: &mut WorkbookReport,
    ) -> Result<(u64, String), WorkbookError> {
        let mut read = 0;
        for row in 0..sheet.rows.len() {
            let label = sheet.cell(row, 0).text();
            let target = if label.eq_ignore_ascii_case("Impressions") {
                &mut report.period_impressions
            } else if label.eq_ignore_ascii_case("Members reached") {
                &mut report.members_reached
            } else {
                continue;
            };
            *target = self.count(sheet, row, 1, &label)?;
            read += 1;
        }
        Ok((read, "the period's impressions and members reached (shown, not scored)".into()))
    }

    /// `Top Demographics, Value, Percentage`.
    fn demographics(&mut self, sheet: &Sheet<'_>, out: &mut Vec<Demographic>) -> (u64, String) {
        let start = sheet.header(&["Top Demographics"]).map_or(0, |(row, _)| row + 1);
        let mut read = 0;
        for row in start..sheet.rows.len() {
            let category = sheet.cell(row, 0).text();
            if category.is_empty() {
                continue;
            }
            let percentage = match sheet.cell(row, 2) {
                // A share as a fraction (0.12) in the older layout.
                Value::Number(n) if *n <= 1.0 => format!("{:.0}%", n * 100.0),
                other => other.text(),
            };
            out.push(Demographic { category, value: sheet.cell(row, 1).text(), percentage });
            read += 1;
        }
        (read, "your audience by category (shown, not scored or stored)".into())
    }
}

fn max_of(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// `M/D/YYYY` (LinkedIn's) or `YYYY-MM-DD`.
fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%m/%d/%Y")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
}

/// An Excel serial day number (1900 system) as a date: day 1 is 1900-01-01,
/// and Excel counts a 29 February 1900 that never was, so from day 61 on the
/// epoch is 1899-12-30. Fractions (times of day) are dropped.
fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) || serial.trunc() == 60.0 {
        return None;
    }
    let days = serial.trunc() as u64;
    let epoch = if days < 60 {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    epoch.checked_add_days(chrono::Days::new(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_and_linkedin_dates_read_as_days() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(excel_serial_date(45943.5), day(2025, 10, 13));
        assert_eq!(excel_serial_date(1.0), day(1900, 1, 1));
        assert_eq!(excel_serial_date(61.0), day(1900, 3, 1));
        assert_eq!(excel_serial_date(60.0), None, "Excel's 29 February 1900 never was");
        assert_eq!(excel_serial_date(-3.0), None);
        assert_eq!(parse_day("1/7/2026"), day(2026, 1, 7));
        assert_eq!(parse_day("2026-01-07"), day(2026, 1, 7));
        assert_eq!(parse_day("13/1/2026"), None);
    }
}
