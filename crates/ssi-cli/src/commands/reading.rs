//! `ssi reading`: record official readings (typed in, LinkedIn's JSON, or a CSV) and list them.

use crate::context::{Context, UsageError};
use crate::output::{ReadingFlagJson, ReadingJson, print_json, print_text};
use crate::render;
use crate::render::points;
use crate::today::parse_date_arg;
use anyhow::{Context as _, Result, anyhow};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use ssi_core::advice::{ReadingStatus, review_readings};
use ssi_core::{OfficialReading, ReadingError, ReadingSource};
use std::path::{Path, PathBuf};

/// Largest readings file read, in bytes (LinkedIn's JSON is about a kilobyte).
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Arguments of `ssi reading`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: ReadingCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ReadingCommand {
    /// Record what LinkedIn's SSI page shows (linkedin.com/sales/ssi)
    Add(AddArgs),
    /// Record readings from LinkedIn's salesApiSsi JSON or from a CSV of readings
    Import(ImportArgs),
    /// List the recorded readings, oldest first, with those calibration leaves out and why
    List,
    /// Confirm the readings of a day are right, so that calibration uses them even if they look like typos
    Confirm(DayArgs),
    /// Delete the readings of a day (of one source, or all)
    Delete(DeleteArgs),
}

/// Arguments of `ssi reading confirm`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example: ssi reading confirm --date 2026-11-08")]
struct DayArgs {
    /// The day of the readings, YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    date: NaiveDate,
}

/// Arguments of `ssi reading delete`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example: ssi reading delete --date 2026-11-08 --source csv")]
struct DeleteArgs {
    /// The day of the readings, YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    date: NaiveDate,
    /// Only the reading of this source: json, csv, manual or push [default: all of that day]
    #[arg(long, value_name = "SOURCE", value_parser = parse_source)]
    source: Option<ReadingSource>,
}

fn parse_source(text: &str) -> Result<ReadingSource, String> {
    [ReadingSource::Json, ReadingSource::Csv, ReadingSource::Manual, ReadingSource::Push]
        .into_iter()
        .find(|s| s.as_str() == text.trim())
        .ok_or_else(|| format!("{text:?} is not a source; use json, csv, manual or push"))
}

/// Arguments of `ssi reading add`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example: ssi reading add --total 19.71 --brand 13.12 --people 3.68 --insights 0.30 \\
           --relationships 2.61 --industry-rank 75 --network-rank 81

Without --total, all four pillars are needed and the total is their sum.")]
struct AddArgs {
    /// The day LinkedIn showed it, YYYY-MM-DD [default: today]
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    date: Option<NaiveDate>,
    /// The total, 0–100
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    total: Option<f64>,
    /// Establish your professional brand, 0–25
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    brand: Option<f64>,
    /// Find the right people, 0–25
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    people: Option<f64>,
    /// Engage with insights, 0–25
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    insights: Option<f64>,
    /// Build relationships, 0–25
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    relationships: Option<f64>,
    /// Industry SSI rank: the N of "Top N%", 1–100
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    industry_rank: Option<i64>,
    /// Network SSI rank: the N of "Top N%", 1–100
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    network_rank: Option<i64>,
    /// The industry's average SSI, 0–100
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    industry_avg: Option<f64>,
    /// The network's average SSI, 0–100
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    network_avg: Option<f64>,
}

/// The format of a readings file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FileFormat {
    /// LinkedIn's salesApiSsi JSON (one reading).
    Json,
    /// A CSV with one reading per row (date, total, pillars, ranks, averages).
    Csv,
}

/// Arguments of `ssi reading import`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  ssi reading import salesApiSsi.json --date 2026-11-18
  ssi reading import tracker.csv

A JSON snapshot carries no date: it is dated --date, else the file's modification day.")]
struct ImportArgs {
    /// The file: salesApiSsi JSON or a CSV of readings
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The day of a JSON reading, YYYY-MM-DD [default: the file's modification day]
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    date: Option<NaiveDate>,
    /// The file's format [default: from the extension, else from the content]
    #[arg(long, value_enum)]
    format: Option<FileFormat>,
}

/// `ssi reading add --json` and `ssi reading import --json`.
#[derive(Debug, Serialize)]
struct RecordedJson {
    member: String,
    /// Where the date of a JSON reading came from: `flag`, `file_modified`; `csv` for CSV rows; `flag` or `today` for `add`.
    date_source: &'static str,
    readings: Vec<ReadingJson>,
    /// What became of the member's calibration (updated by itself), if the member has one.
    calibration: Option<String>,
}

/// A message with the calibration's update, if any, on a line of its own.
fn with_calibration(mut text: String, calibration: Option<String>) -> String {
    if let Some(line) = calibration {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// `ssi reading list --json`.
#[derive(Debug, Serialize)]
struct ListJson {
    member: String,
    readings: Vec<ListedReadingJson>,
}

/// One reading of `ssi reading list --json`: the reading and what calibration makes of it.
#[derive(Debug, Serialize)]
struct ListedReadingJson {
    #[serde(flatten)]
    reading: ReadingJson,
    /// `used`, `confirmed`, `superseded` (a later reading of the day counts) or `outlier` (left out).
    status: &'static str,
    /// Why, for `superseded` and `outlier`.
    reason: Option<String>,
}

/// `ssi reading confirm --json` and `ssi reading delete --json`.
#[derive(Debug, Serialize)]
struct ChangedJson {
    member: String,
    date: NaiveDate,
    /// Readings confirmed or deleted.
    readings: usize,
    /// What became of the member's calibration, if the member has one.
    calibration: Option<String>,
}

/// Runs a reading subcommand.
pub(crate) fn run(ctx: &Context, args: &Args) -> Result<()> {
    match &args.command {
        ReadingCommand::Add(add) => add_reading(ctx, add),
        ReadingCommand::Import(import) => import_readings(ctx, import),
        ReadingCommand::List => list(ctx),
        ReadingCommand::Confirm(day) => change(ctx, day.date, None, true),
        ReadingCommand::Delete(delete) => change(ctx, delete.date, delete.source, false),
    }
}

/// `ssi reading confirm` (`confirm`) and `ssi reading delete`.
fn change(ctx: &Context, date: NaiveDate, source: Option<ReadingSource>, confirm: bool) -> Result<()> {
    let store = ctx.open_existing_store()?;
    let member = ctx.member(&store)?;
    let count = if confirm {
        store.confirm_readings(member.id, date)?
    } else {
        store.delete_readings(member.id, date, source)?
    };
    if count == 0 {
        return Err(anyhow!(
            "{} has no reading of {date}{}; see `ssi reading list`",
            member.name,
            match source {
                Some(s) => format!(" from {}", s.as_str()),
                None => String::new(),
            }
        ));
    }
    let calibration = super::calibrate::refresh(&store, member.id)?;
    if ctx.json {
        return print_json(&ChangedJson { member: member.name, date, readings: count, calibration });
    }
    let verb = if confirm { "Confirmed" } else { "Deleted" };
    let mut text = format!("{verb} {count} reading(s) of {date} for {}.\n", member.name);
    if let Some(line) = calibration {
        text.push_str(&line);
        text.push('\n');
    }
    print_text(&text)
}

fn add_reading(ctx: &Context, args: &AddArgs) -> Result<()> {
    let reading = reading_from_flags(args, ctx.today)?;
    let store = ctx.open_existing_store()?;
    let member = ctx.member(&store)?;
    store.add_reading(member.id, &reading)?;
    let calibration = super::calibrate::refresh(&store, member.id)?;
    let date_source = if args.date.is_some() { "flag" } else { "today" };
    if ctx.json {
        return print_json(&RecordedJson {
            member: member.name,
            date_source,
            readings: vec![(&reading).into()],
            calibration,
        });
    }
    print_text(&with_calibration(
        format!("Recorded LinkedIn's SSI of {} for {}: {}\n", reading.date, member.name, describe(&reading)),
        calibration,
    ))
}

/// Builds and validates a reading from the flags of `ssi reading add`.
fn reading_from_flags(args: &AddArgs, today: NaiveDate) -> Result<OfficialReading> {
    let pillars = [args.brand, args.people, args.insights, args.relationships];
    let total = match (args.total, pillars) {
        (Some(total), _) => total,
        (None, [Some(a), Some(b), Some(c), Some(d)]) => a + b + c + d,
        (None, _) => {
            return Err(UsageError(
                "give the total with --total N, or all four pillars (--brand --people --insights --relationships)"
                    .into(),
            )
            .into());
        }
    };
    let invalid = |e: ReadingError| -> anyhow::Error {
        UsageError(format!(
            "invalid reading: {e}; LinkedIn shows pillars of 0–25, a total of 0–100 and ranks of 1–100"
        ))
        .into()
    };
    let rank = |group: &'static str, value: Option<i64>| -> Result<Option<u8>> {
        match value {
            None => Ok(None),
            Some(v) => match u8::try_from(v) {
                Ok(rank) if (1..=100).contains(&rank) => Ok(Some(rank)),
                _ => Err(invalid(ReadingError::Rank { group, value: v })),
            },
        }
    };
    let mut reading = OfficialReading::new(args.date.unwrap_or(today), total, ReadingSource::Manual);
    reading.pillars = pillars;
    reading.industry.rank = rank("industry", args.industry_rank)?;
    reading.network.rank = rank("network", args.network_rank)?;
    reading.industry.average = args.industry_avg;
    reading.network.average = args.network_avg;
    reading.validate().map_err(invalid)?;
    Ok(reading)
}

fn import_readings(ctx: &Context, args: &ImportArgs) -> Result<()> {
    let file = &args.file;
    let format = match args.format {
        Some(format) => format,
        None => sniff_format(file)?,
    };
    if format == FileFormat::Csv && args.date.is_some() {
        return Err(UsageError(
            "--date applies to a JSON reading only; a CSV names the day of each row".into(),
        )
        .into());
    }
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}; check the path", file.display()))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(anyhow!(
            "{} is {size} bytes, more than a readings file can be ({MAX_FILE_BYTES})",
            file.display()
        ));
    }
    let (readings, date_source) = match format {
        FileFormat::Json => {
            let text =
                std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
            let (date, source) = match args.date {
                Some(date) => (date, "flag"),
                None => (modification_day(file)?, "file_modified"),
            };
            // The server's parser too: what one accepts, so does the other.
            let readings = ssi_import::parse_readings_json(&text, date).map_err(|e| {
                anyhow!("{}: {e}; save the salesApiSsi response as it is and try again", file.display())
            })?;
            (readings, source)
        }
        FileFormat::Csv => {
            let reader =
                std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
            let readings = ssi_import::parse_readings_csv(reader).map_err(|e| {
                anyhow!(
                    "{}: {e}; fix that row and import the file again (nothing was stored)",
                    file.display()
                )
            })?;
            (readings, "csv")
        }
    };
    let store = ctx.open_existing_store()?;
    let member = ctx.member(&store)?;
    store
        .add_readings(member.id, &readings)
        .map_err(|e| anyhow!("{}: {e}; nothing was stored", file.display()))?;
    let calibration = super::calibrate::refresh(&store, member.id)?;
    if ctx.json {
        return print_json(&RecordedJson {
            member: member.name,
            date_source,
            readings: readings.iter().map(ReadingJson::from).collect(),
            calibration,
        });
    }
    let text = match (readings.as_slice(), date_source) {
        ([one], "csv") => {
            format!("Recorded LinkedIn's SSI of {} for {}: {}\n", one.date, member.name, describe(one))
        }
        ([one], source) => format!(
            "Recorded LinkedIn's SSI of {} ({}) for {}: {}\n",
            one.date,
            if source == "flag" {
                "the --date given"
            } else {
                "the file's modification day; pass --date to set another"
            },
            member.name,
            describe(one)
        ),
        (many, _) => {
            let first = many.iter().map(|r| r.date).min();
            let last = many.iter().map(|r| r.date).max();
            match (first, last) {
                (Some(first), Some(last)) => format!(
                    "Recorded {} readings for {} from {} ({first} to {last}).\n",
                    many.len(),
                    member.name,
                    file.display()
                ),
                _ => format!("{} holds no readings; nothing was recorded.\n", file.display()),
            }
        }
    };
    print_text(&with_calibration(text, calibration))
}

/// JSON or CSV, from the extension, else from the first character.
fn sniff_format(file: &Path) -> Result<FileFormat> {
    match file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("json") => return Ok(FileFormat::Json),
        Some("csv" | "tsv" | "txt") => return Ok(FileFormat::Csv),
        _ => {}
    }
    let mut head = [0u8; 64];
    let read = std::io::Read::read(
        &mut std::fs::File::open(file)
            .with_context(|| format!("cannot read {}; check the path", file.display()))?,
        &mut head,
    )?;
    let first =
        head[..read].iter().find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF);
    Ok(if matches!(first, Some(b'{' | b'[')) { FileFormat::Json } else { FileFormat::Csv })
}

/// The UTC day a file was last modified.
fn modification_day(file: &Path) -> Result<NaiveDate> {
    let modified = std::fs::metadata(file)
        .and_then(|m| m.modified())
        .with_context(|| format!("cannot tell when {} was saved; pass --date YYYY-MM-DD", file.display()))?;
    Ok(DateTime::<Utc>::from(modified).date_naive())
}

/// A reading in one line: total, pillars and ranks.
fn describe(r: &OfficialReading) -> String {
    let json = ReadingJson::from(r);
    let mut parts = vec![format!("{} / 100 ({}, {})", json.shown, points(r.total), json.band.label())];
    let pillars: Vec<String> = [
        ("brand", json.pillars.brand),
        ("people", json.pillars.people),
        ("insights", json.pillars.insights),
        ("relationships", json.pillars.relationships),
    ]
    .into_iter()
    .filter_map(|(name, v)| v.map(|v| format!("{name} {}", points(v))))
    .collect();
    if !pillars.is_empty() {
        parts.push(pillars.join(", "));
    }
    if let Some(rank) = r.industry.rank {
        parts.push(format!("industry top {rank}%"));
    }
    if let Some(rank) = r.network.rank {
        parts.push(format!("network top {rank}%"));
    }
    parts.join("; ")
}

fn list(ctx: &Context) -> Result<()> {
    let store = ctx.open_existing_store()?;
    super::catch_up(&store, ctx.today);
    let member = ctx.member(&store)?;
    let stored = store.stored_readings(member.id)?;
    // What calibration would make of each reading; without an estimate to
    // compare with (no export imported), every reading counts as used.
    let statuses: Vec<ReadingStatus> = match super::calibrate::fit(&store, member.id) {
        Ok(calibration) if calibration.statuses.len() == stored.len() => {
            calibration.statuses.into_iter().map(|(_, _, s)| s).collect()
        }
        _ => review_readings(&stored, &vec![None; stored.len()]),
    };
    let readings: Vec<ListedReadingJson> = stored
        .iter()
        .zip(&statuses)
        .map(|(r, status)| {
            let flag = ReadingFlagJson::of(r.reading.date, r.reading.source, status);
            ListedReadingJson {
                reading: ReadingJson::from(&r.reading),
                status: flag.status,
                reason: flag.reason,
            }
        })
        .collect();
    if ctx.json {
        return print_json(&ListJson { member: member.name, readings });
    }
    let flags: Vec<ReadingFlagJson> = stored
        .iter()
        .zip(&statuses)
        .filter(|(_, s)| !s.is_used())
        .map(|(r, s)| ReadingFlagJson::of(r.reading.date, r.reading.source, s))
        .collect();
    let plain: Vec<ReadingJson> = readings.into_iter().map(|r| r.reading).collect();
    print_text(&render::readings::table(&member.name, &plain, &flags, &ctx.painter))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Harness {
        #[command(flatten)]
        add: AddArgs,
    }

    fn parse(args: &[&str]) -> AddArgs {
        let mut argv = vec!["add"];
        argv.extend_from_slice(args);
        Harness::try_parse_from(argv).unwrap().add
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
    }

    #[test]
    fn flags_make_a_manual_reading_dated_today_unless_told() {
        let r = reading_from_flags(&parse(&["--total", "42", "--industry-rank", "5"]), today()).unwrap();
        assert_eq!(
            (r.date, r.total, r.industry.rank, r.source),
            (today(), 42.0, Some(5), ReadingSource::Manual)
        );
        let r = reading_from_flags(&parse(&["--total", "42", "--date", "2026-11-01"]), today()).unwrap();
        assert_eq!(r.date, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
    }

    #[test]
    fn four_pillars_without_a_total_add_up_to_it() {
        let args = parse(&["--brand", "10", "--people", "5", "--insights", "2.5", "--relationships", "1"]);
        assert_eq!(reading_from_flags(&args, today()).unwrap().total, 18.5);
        let missing = reading_from_flags(&parse(&["--brand", "10"]), today()).unwrap_err();
        assert!(missing.downcast_ref::<UsageError>().is_some());
    }

    #[test]
    fn out_of_range_values_are_usage_errors_naming_the_field() {
        for (args, needle) in [
            (vec!["--total", "101"], "total 101"),
            (vec!["--total", "-1"], "total -1"),
            (vec!["--total", "20", "--brand", "26"], "brand"),
            (vec!["--total", "20", "--industry-rank", "0"], "industry rank 0"),
            (vec!["--total", "20", "--network-rank", "300"], "network rank 300"),
            (vec!["--total", "20", "--industry-avg", "120"], "industry average 120"),
        ] {
            let e = reading_from_flags(&parse(&args), today()).unwrap_err();
            assert!(e.downcast_ref::<UsageError>().is_some(), "{args:?}");
            assert!(e.to_string().contains(needle), "{args:?}: {e}");
        }
    }
}
