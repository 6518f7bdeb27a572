//! The creator analytics workbook matching a generated export (`Content_*.xlsx` or 2026 `AggregateAnalytics_*.xlsx`), written with rust_xlsxwriter.
//!
//! Its TOP POSTS are the export's own posts (read back from the archive's
//! `Shares` file, so the activity ids join), its daily engagements and
//! impressions follow those posts (each post earns most on its first days),
//! and its new followers grow with them. The two layouts differ as
//! LinkedIn's do: `content` writes numbers as numbers and dates as Excel date
//! cells; `aggregate` writes numbers and percentages as text (`"1,234"`,
//! `"< 1%"`), dates as `M/D/YYYY` text and singular demographic labels.
//! The same archive and seed give the same bytes.

use super::GenOptions;
use super::rng::Rng;
use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// Which of LinkedIn's layouts to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WorkbookLayout {
    /// Up to 2025: `Content_<from>_<to>_<Name>.xlsx`, numbers as numbers.
    Content,
    /// From 2026: `AggregateAnalytics_<Name>_<from>_<to>.xlsx`, numbers as text.
    Aggregate,
}

/// `--workbook`: which layout to write, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum WorkbookChoice {
    /// No workbook (the default).
    None,
    /// `Content_*.xlsx`, LinkedIn's layout up to 2025.
    Content,
    /// `AggregateAnalytics_*.xlsx`, LinkedIn's layout from 2026.
    Aggregate,
}

impl WorkbookChoice {
    /// The layout to write, or `None` for no workbook.
    pub(crate) fn layout(self) -> Option<WorkbookLayout> {
        match self {
            WorkbookChoice::None => None,
            WorkbookChoice::Content => Some(WorkbookLayout::Content),
            WorkbookChoice::Aggregate => Some(WorkbookLayout::Aggregate),
        }
    }
}

/// Days of analytics a workbook covers, ending the day before the export date.
pub(crate) const WORKBOOK_DAYS: u64 = 365;

/// What the workbook holds, for tests to check an import against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WorkbookFacts {
    /// Its first and last day.
    pub(crate) first_day: NaiveDate,
    /// See `first_day`.
    pub(crate) last_day: NaiveDate,
    /// Day rows in ENGAGEMENT (and in FOLLOWERS: the same days).
    pub(crate) days: usize,
    /// Σ of the daily engagements.
    pub(crate) engagements: u64,
    /// Σ of the daily impressions.
    pub(crate) impressions: u64,
    /// Σ of the daily new followers.
    pub(crate) new_followers: u64,
    /// The follower total on the last day.
    pub(crate) follower_total: u64,
    /// Distinct posts in TOP POSTS.
    pub(crate) posts: usize,
    /// Engagements per day, first day first.
    pub(crate) daily_engagements: Vec<u64>,
}

/// The workbook's usual file name for the member's `name` (no spaces).
pub(crate) fn workbook_name(layout: WorkbookLayout, export_date: NaiveDate, name: &str) -> String {
    let last = export_date.pred_opt().unwrap_or(export_date);
    let first = last - chrono::Days::new(WORKBOOK_DAYS - 1);
    match layout {
        WorkbookLayout::Content => format!("Content_{first}_{last}_{name}.xlsx"),
        WorkbookLayout::Aggregate => format!("AggregateAnalytics_{name}_{first}_{last}.xlsx"),
    }
}

/// One of the member's own posts in the period.
struct Post {
    id: String,
    published: NaiveDate,
    impressions: u64,
    engagements: u64,
}

/// How a post's figures spread over its first days (per mille): most on day one.
const SPREAD: [u64; 5] = [500, 250, 125, 75, 50];

/// Writes the workbook matching the export `archive` (the bytes gen-export wrote).
pub(crate) fn write_workbook(
    archive: &[u8],
    opts: &GenOptions,
    layout: WorkbookLayout,
) -> Result<(Vec<u8>, WorkbookFacts)> {
    let last_day = opts.export_date.pred_opt().context("the export date has no day before it")?;
    let first_day = last_day - chrono::Days::new(WORKBOOK_DAYS - 1);
    let mut rng = Rng::stream(opts.seed, "creator-analytics");
    let mut posts: Vec<Post> = own_posts(archive)?
        .into_iter()
        .filter(|(_, at)| (first_day..=last_day).contains(&at.date()))
        .map(|(id, at)| {
            let impressions = rng.between(150, 4_000) as u64;
            // 1–6% of impressions become reactions, comments or reposts.
            let engagements = impressions * rng.between(10, 60) as u64 / 1_000;
            Post { id, published: at.date(), impressions, engagements }
        })
        .collect();
    posts.sort_by(|a, b| a.published.cmp(&b.published).then_with(|| a.id.cmp(&b.id)));

    let day_count = WORKBOOK_DAYS as usize;
    let mut impressions = vec![0u64; day_count];
    let mut engagements = vec![0u64; day_count];
    let mut new_followers = vec![0u64; day_count];
    for post in &mut posts {
        let start = (post.published - first_day).num_days() as usize;
        let (mut shown, mut engaged) = (0, 0);
        for (offset, per_mille) in SPREAD.iter().enumerate() {
            let Some(day) = start.checked_add(offset).filter(|d| *d < day_count) else { break };
            let i = post.impressions * per_mille / 1_000;
            let e = post.engagements * per_mille / 1_000;
            impressions[day] += i;
            engagements[day] += e;
            (shown, engaged) = (shown + i, engaged + e);
        }
        // The post's figures are what its days earned inside the period.
        (post.impressions, post.engagements) = (shown, engaged);
    }
    for day in 0..day_count {
        // Older posts and profile visits keep a trickle going.
        impressions[day] += rng.between(5, 60) as u64;
        engagements[day] += u64::from(rng.chance(0.3));
        new_followers[day] = rng.below(3) + engagements[day] / 25;
    }
    let base_followers = rng.between(120, 900) as u64;
    let follower_total = base_followers + new_followers.iter().sum::<u64>();

    let mut workbook = Workbook::new();
    // A fixed creation time: the same inputs give the same bytes.
    let created = ExcelDateTime::from_ymd(
        opts.export_date.year() as u16,
        opts.export_date.month() as u8,
        opts.export_date.day() as u8,
    )?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let text = layout == WorkbookLayout::Aggregate;
    let cells = Cells { text, date_format: Format::new().set_num_format("m/d/yyyy") };

    let sheet = workbook.add_worksheet();
    sheet.set_name("DISCOVERY")?;
    sheet.write_string(0, 0, "Overall Performance")?;
    sheet.write_string(0, 1, format!("{} - {}", us_date(first_day), us_date(last_day)))?;
    sheet.write_string(1, 0, "Impressions")?;
    cells.number(sheet, 1, 1, impressions.iter().sum())?;
    sheet.write_string(2, 0, "Members reached")?;
    cells.number(sheet, 2, 1, impressions.iter().sum::<u64>() * 3 / 5)?;

    let sheet = workbook.add_worksheet();
    sheet.set_name("ENGAGEMENT")?;
    for (column, header) in ["Date", "Impressions", "Engagements"].into_iter().enumerate() {
        sheet.write_string(0, column as u16, header)?;
    }
    for day in 0..day_count {
        let row = day as u32 + 1;
        cells.date(sheet, row, 0, first_day + chrono::Days::new(day as u64))?;
        cells.number(sheet, row, 1, impressions[day])?;
        cells.number(sheet, row, 2, engagements[day])?;
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name("TOP POSTS")?;
    sheet.write_string(0, 0, "Maximum of 50 posts available to include in this list")?;
    let headers =
        ["Post URL", "Post publish date", "Engagements", "", "Post URL", "Post publish date", "Impressions"];
    for (column, header) in headers.into_iter().enumerate().filter(|(_, h)| !h.is_empty()) {
        sheet.write_string(2, column as u16, header)?;
    }
    let mut by_engagements: Vec<&Post> = posts.iter().collect();
    by_engagements.sort_by(|a, b| b.engagements.cmp(&a.engagements).then_with(|| a.id.cmp(&b.id)));
    let mut by_impressions: Vec<&Post> = posts.iter().collect();
    by_impressions.sort_by(|a, b| b.impressions.cmp(&a.impressions).then_with(|| a.id.cmp(&b.id)));
    let mut listed = std::collections::BTreeSet::new();
    for (table, ranked) in [(0u16, &by_engagements), (4u16, &by_impressions)] {
        for (rank, post) in ranked.iter().take(50).enumerate() {
            let row = rank as u32 + 3;
            let url = format!("https://www.linkedin.com/feed/update/urn:li:activity:{}/", post.id);
            sheet.write_string(row, table, url)?;
            cells.date(sheet, row, table + 1, post.published)?;
            let figure = if table == 0 { post.engagements } else { post.impressions };
            cells.number(sheet, row, table + 2, figure)?;
            listed.insert(post.id.clone());
        }
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name("FOLLOWERS")?;
    sheet.write_string(0, 0, format!("Total followers on {}:", us_date(last_day)))?;
    cells.number(sheet, 0, 1, follower_total)?;
    sheet.write_string(2, 0, "Date")?;
    sheet.write_string(2, 1, "New followers")?;
    for (day, gained) in new_followers.iter().enumerate() {
        let row = day as u32 + 3;
        cells.date(sheet, row, 0, first_day + chrono::Days::new(day as u64))?;
        cells.number(sheet, row, 1, *gained)?;
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name("DEMOGRAPHICS")?;
    for (column, header) in ["Top Demographics", "Value", "Percentage"].into_iter().enumerate() {
        sheet.write_string(0, column as u16, header)?;
    }
    let demographics: [(&str, &str, &str, f64); 6] = [
        ("Job titles", "Job title", "Account Executive", 0.12),
        ("Job titles", "Job title", "Founder", 0.08),
        ("Locations", "Location", "Greater Berlin Area", 0.21),
        ("Industries", "Industry", "Software Development", 0.34),
        ("Seniority", "Seniority", "Senior", 0.29),
        ("Company size", "Company size", "11-50 employees", 0.004),
    ];
    for (i, (plural, singular, value, share)) in demographics.into_iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, if text { singular } else { plural })?;
        sheet.write_string(row, 1, value)?;
        if text {
            let shown = if share < 0.01 { "< 1%".to_string() } else { format!("{:.0}%", share * 100.0) };
            sheet.write_string(row, 2, shown)?;
        } else {
            sheet.write_number_with_format(row, 2, share, &Format::new().set_num_format("0%"))?;
        }
    }

    let bytes = workbook.save_to_buffer()?;
    let facts = WorkbookFacts {
        first_day,
        last_day,
        days: day_count,
        engagements: engagements.iter().sum(),
        impressions: impressions.iter().sum(),
        new_followers: new_followers.iter().sum(),
        follower_total,
        posts: listed.len(),
        daily_engagements: engagements,
    };
    Ok((bytes, facts))
}

/// How a layout writes its cells.
struct Cells {
    /// Numbers and dates as text (the 2026 layout).
    text: bool,
    date_format: Format,
}

impl Cells {
    fn number(&self, sheet: &mut Worksheet, row: u32, column: u16, value: u64) -> Result<()> {
        if self.text {
            sheet.write_string(row, column, thousands(value))?;
        } else {
            sheet.write_number(row, column, value as f64)?;
        }
        Ok(())
    }

    fn date(&self, sheet: &mut Worksheet, row: u32, column: u16, date: NaiveDate) -> Result<()> {
        if self.text {
            sheet.write_string(row, column, us_date(date))?;
        } else {
            let cell = ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)?;
            sheet.write_datetime_with_format(row, column, &cell, &self.date_format)?;
        }
        Ok(())
    }
}

/// `M/D/YYYY`, as LinkedIn writes dates.
fn us_date(date: NaiveDate) -> String {
    format!("{}/{}/{}", date.month(), date.day(), date.year())
}

/// `1,234,567`.
fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Where the workbook matching the archive at `archive_path` goes: beside
/// it, under LinkedIn's name when the archive has LinkedIn's name, else
/// under the archive's name with `export` turned into `analytics`
/// (`sample-export.zip` → `sample-analytics.xlsx`).
pub(crate) fn path_beside(
    archive_path: &std::path::Path,
    opts: &GenOptions,
    layout: WorkbookLayout,
) -> std::path::PathBuf {
    let folder = archive_path.parent().unwrap_or_else(|| std::path::Path::new(""));
    let stem = archive_path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if stem == super::export_base_name(opts.export_date) {
        return folder.join(workbook_name(layout, opts.export_date, "SampleMember"));
    }
    let name = if stem.contains("export") {
        stem.replace("export", "analytics")
    } else {
        format!("{stem}-analytics")
    };
    folder.join(format!("{name}.xlsx"))
}

/// Writes the workbook matching the archive at `archive_path` beside it (see [`path_beside`]).
pub(crate) fn write_beside(
    archive_path: &std::path::Path,
    opts: &GenOptions,
    layout: WorkbookLayout,
) -> Result<()> {
    let archive =
        std::fs::read(archive_path).with_context(|| format!("could not read {}", archive_path.display()))?;
    let (bytes, facts) = write_workbook(&archive, opts, layout)?;
    let path = path_beside(archive_path, opts, layout);
    std::fs::write(&path, bytes).with_context(|| format!("could not write {}", path.display()))?;
    eprintln!(
        "wrote {} ({} days, {} engagements, {} new followers, {} posts)",
        path.display(),
        facts.days,
        facts.engagements,
        facts.new_followers,
        facts.posts
    );
    Ok(())
}

/// The member's own posts in the archive (`Shares` rows with commentary):
/// activity id and time. Archives whose Shares file is not UTF-8 CSV (the
/// 2018 layout) have none to offer.
fn own_posts(archive: &[u8]) -> Result<Vec<(String, NaiveDateTime)>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(archive)).context("the generated archive is a zip")?;
    let mut posts = Vec::new();
    for index in 0..zip.len() {
        let mut entry = zip.by_index(index)?;
        let name = entry.name()?.to_string();
        let file = name.rsplit('/').next().unwrap_or_default();
        if !(file.starts_with("Shares") && file.ends_with(".csv")) {
            continue;
        }
        let mut body = String::new();
        if entry.read_to_string(&mut body).is_err() {
            return Ok(posts);
        }
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(body.as_bytes());
        let headers = reader.headers()?.clone();
        let column = |name: &str| headers.iter().position(|h| h == name);
        let (Some(date), Some(link), Some(commentary)) =
            (column("Date"), column("ShareLink"), column("ShareCommentary"))
        else {
            return Ok(posts);
        };
        let rows: BTreeMap<String, NaiveDateTime> = reader
            .records()
            .filter_map(Result::ok)
            .filter(|r| !r.get(commentary).unwrap_or_default().trim().is_empty())
            .filter_map(|r| {
                let at = NaiveDateTime::parse_from_str(r.get(date)?, "%Y-%m-%d %H:%M:%S").ok()?;
                let id = ssi_core::analytics::activity_id(r.get(link)?)?;
                Some((id, at))
            })
            .collect();
        posts.extend(rows);
    }
    Ok(posts)
}

#[cfg(test)]
#[path = "workbook_tests.rs"]
mod tests;
