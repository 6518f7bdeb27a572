//! `cargo xtask gen-export`: writes a realistic, deterministic LinkedIn data-export archive for
//! the importer's tests, the docs and performance work. See docs/sample-data.md.
//!
//! Everything is invented: names come from small pools, companies are made up, e-mail addresses
//! are under example.com, phone numbers are in the fictional 555-01xx range and IP addresses in
//! the documentation range 192.0.2.0/24. The same options always give byte-identical output: the
//! random numbers come from a seeded generator, the zip entries carry a fixed timestamp, and
//! nothing reads the clock.

mod activity_files;
mod archive;
mod calendar;
mod messages;
mod network_files;
mod other_files;
mod people;
mod profile_files;
mod quirks;
mod rng;
mod text;
mod volume;
pub(crate) mod workbook;

use anyhow::{Context, Result, bail};
use archive::{Archive, FileReport};
use calendar::Timeline;
use chrono::{Datelike, NaiveDate, NaiveTime};
use people::Network;
pub(crate) use rng::Rng;
use std::io::{BufWriter, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
pub(crate) use volume::{Size, Volume};

/// Which year's file layouts to write (`--style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Style {
    /// The 2026 layouts, entries at the root of the zip.
    #[value(name = "current", alias = "2026")]
    Current,
    /// The 2021 layouts, entries under one top-level folder.
    #[value(name = "2021")]
    Legacy2021,
    /// The 2018 "Complete" export: the 2021 layouts, but a seven-column
    /// `Messages.csv` (`From,To,Date,Subject,Content,Direction,Folder`) and
    /// `Shares.csv`, `Search Queries.csv`, `Logins.csv` in UTF-16LE,
    /// tab-separated, every field quoted; entries under one top-level folder.
    #[value(name = "2018")]
    Complete2018,
}

impl Style {
    /// The export date used when none is given: one that fits the layouts.
    pub(crate) fn default_export_date(self) -> NaiveDate {
        match self {
            Style::Current => NaiveDate::from_ymd_opt(2026, 11, 20),
            Style::Legacy2021 => NaiveDate::from_ymd_opt(2021, 11, 20),
            Style::Complete2018 => NaiveDate::from_ymd_opt(2018, 6, 1),
        }
        .unwrap_or_default()
    }
}

/// Everything that decides the archive's bytes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GenOptions {
    /// How many rows each file gets.
    pub(crate) volume: Volume,
    /// The random seed.
    pub(crate) seed: u64,
    /// Which layouts to write.
    pub(crate) style: Style,
    /// The day the archive was requested; all activity ends before it.
    pub(crate) export_date: NaiveDate,
}

/// What the file writers share.
pub(crate) struct Ctx<'a> {
    /// The options.
    pub(crate) opts: &'a GenOptions,
    /// The activity window and rhythm.
    pub(crate) timeline: &'a Timeline,
    /// The member and their connections.
    pub(crate) network: &'a Network,
}

impl Ctx<'_> {
    /// An independent random stream for one file.
    pub(crate) fn rng(&self, label: &str) -> Rng {
        Rng::stream(self.opts.seed, label)
    }

    /// Whether the 2026 layouts are written.
    pub(crate) fn current(&self) -> bool {
        self.opts.style == Style::Current
    }

    /// Whether the 2018 "Complete" layouts are written.
    pub(crate) fn complete_2018(&self) -> bool {
        self.opts.style == Style::Complete2018
    }
}

/// The archive's usual file name, `Complete_LinkedInDataExport_MM-DD-YYYY.zip`, without `.zip`.
pub(crate) fn export_base_name(export_date: NaiveDate) -> String {
    format!("Complete_LinkedInDataExport_{}", export_date.format("%m-%d-%Y"))
}

/// Writes the whole archive into `out` and returns the writer and what each entry holds.
pub(crate) fn write_archive<W: Write + Seek>(opts: &GenOptions, out: W) -> Result<(W, Vec<FileReport>)> {
    write_archive_with_habit_change(opts, None, out)
}

/// [`write_archive`] with, optionally, a change of habits: from the day given
/// on, every stream of activity runs at the factor given times its rate.
pub(crate) fn write_archive_with_habit_change<W: Write + Seek>(
    opts: &GenOptions,
    habit_change: Option<(NaiveDate, f64)>,
    out: W,
) -> Result<(W, Vec<FileReport>)> {
    let mut timeline_rng = Rng::stream(opts.seed, "timeline");
    let mut timeline = Timeline::new(&mut timeline_rng, opts.export_date, opts.volume.activity_days);
    if let Some((from, factor)) = habit_change {
        timeline = timeline.with_habit_change(from, factor);
    }
    let network = people::build_network(opts.seed, &opts.volume, &timeline);
    let prefix = match opts.style {
        Style::Current => String::new(),
        Style::Legacy2021 | Style::Complete2018 => format!("{}/", export_base_name(opts.export_date)),
    };
    // LinkedIn builds the archive in the early morning of the export date.
    let stamp = opts.export_date.and_time(NaiveTime::from_hms_opt(6, 12, 0).unwrap_or(NaiveTime::MIN));
    let mut archive = Archive::new(out, &prefix, stamp)?;
    let ctx = Ctx { opts, timeline: &timeline, network: &network };
    profile_files::write(&ctx, &mut archive)?;
    network_files::write(&ctx, &mut archive)?;
    messages::write(&ctx, &mut archive)?;
    activity_files::write(&ctx, &mut archive)?;
    other_files::write(&ctx, &mut archive)?;
    archive.finish()
}

/// Options of `cargo xtask gen-export`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "See docs/sample-data.md for the sizes, the layouts and the committed samples.")]
pub(crate) struct Args {
    /// Row counts of each file
    #[arg(long, value_enum, default_value_t = Size::Typical)]
    size: Size,
    /// Random seed
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The zip to write; an existing folder gets the real archive name
    /// [default: ./Complete_LinkedInDataExport_MM-DD-YYYY.zip]
    #[arg(long, value_name = "PATH.zip")]
    out: Option<PathBuf>,
    /// Which year's file layouts to write
    #[arg(long, value_enum, default_value_t = Style::Current)]
    style: Style,
    /// The day the archive was requested
    /// [default: 2026-11-20, 2021-11-20 for --style 2021, 2018-06-01 for --style 2018]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_export_date)]
    export_date: Option<NaiveDate>,
    /// Edits people make before sharing an export, comma-separated: no-profile (no Profile.csv),
    /// spreadsheet (Connections.csv re-saved: 18-Jun-24 dates, NA blanks), edited-skills
    /// (Skills.csv without header, ';' at each line's end)
    #[arg(long, value_name = "LIST", value_parser = quirks::Quirks::parse)]
    quirks: Option<quirks::Quirks>,
    /// Also write the matching creator analytics workbook beside the zip: content
    /// (Content_*.xlsx, to 2025), aggregate (AggregateAnalytics_*.xlsx, 2026) or none
    #[arg(long, value_enum, default_value_t = workbook::WorkbookChoice::None)]
    workbook: workbook::WorkbookChoice,
}

impl Args {
    /// What decides the archive's bytes.
    fn options(&self) -> GenOptions {
        let export_date = self.export_date.unwrap_or_else(|| self.style.default_export_date());
        GenOptions { volume: self.size.volume(), seed: self.seed, style: self.style, export_date }
    }
}

/// The value parser of `--export-date`: a day a zip timestamp can hold.
fn parse_export_date(text: &str) -> Result<NaiveDate> {
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").context("expected YYYY-MM-DD")?;
    if !(1980..=2107).contains(&date.year()) {
        bail!("zip timestamps only cover the years 1980 to 2107");
    }
    Ok(date)
}

/// Where the archive goes: `--out` as given, or the real archive name inside a folder.
fn output_path(out: Option<&Path>, export_date: NaiveDate) -> PathBuf {
    let file_name = format!("{}.zip", export_base_name(export_date));
    match out {
        Some(path) if path.is_dir() => path.join(file_name),
        Some(path) => path.to_path_buf(),
        None => PathBuf::from(file_name),
    }
}

/// Runs `cargo xtask gen-export`.
pub(crate) fn run(args: Args) -> Result<()> {
    let options = args.options();
    let path = output_path(args.out.as_deref(), options.export_date);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("could not create {}", parent.display()))?;
    }
    let started = Instant::now();
    let file =
        std::fs::File::create(&path).with_context(|| format!("could not create {}", path.display()))?;
    let (writer, reports) = write_archive(&options, BufWriter::new(file))
        .with_context(|| format!("could not write {}", path.display()))?;
    writer
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("could not flush {}", path.display()))?;
    if let Some(quirks) = args.quirks.filter(quirks::Quirks::any) {
        let plain = std::fs::read(&path).with_context(|| format!("could not read {}", path.display()))?;
        let edited = quirks::apply(&plain, &quirks)?;
        std::fs::write(&path, edited).with_context(|| format!("could not write {}", path.display()))?;
    }
    if let Some(layout) = args.workbook.layout() {
        workbook::write_beside(&path, &options, layout)?;
    }
    let elapsed = started.elapsed();
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    for report in &reports {
        eprintln!("{:>8}  {}", report.rows, report.name);
    }
    eprintln!(
        "wrote {} ({} entries, {:.1} MB) in {:.2} s",
        path.display(),
        reports.len(),
        bytes as f64 / 1_000_000.0,
        elapsed.as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests;
