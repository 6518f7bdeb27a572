//! Rows 1 and 2: `ssi import` against a raw `sqlite3 .import` of the same CSV files, and its peak memory.
//!
//! Archives come from the synthetic generator (`gen-export`): the heavy
//! volumes divided by a factor, keeping the three-year window. Each size is
//! imported into a fresh database several times, alternating with the raw
//! load, and the medians are compared.

use super::measure::{Sample, median, median_u64, probed};
use super::{Bins, Plan};
use crate::gen_export::{GenOptions, Size, Style, Volume, export_base_name, write_archive};
use anyhow::{Context, Result};
use std::io::{BufWriter, Read};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The export date of every benchmark archive; `ssi import` runs with it as today.
pub(crate) const EXPORT_DATE: &str = "2026-11-20";

/// The medians measured at one archive size.
#[derive(Debug, Clone)]
pub(crate) struct SizeResult {
    /// The heavy volumes were divided by this.
    pub(crate) divisor: usize,
    /// Events `ssi import` stored.
    pub(crate) events: u64,
    /// Size of the archive, bytes.
    pub(crate) archive_bytes: u64,
    /// Size of its CSV files unpacked, bytes.
    pub(crate) csv_bytes: u64,
    /// `ssi import` into a fresh database.
    pub(crate) ssi: Duration,
    /// Peak resident memory of `ssi import`, KiB.
    pub(crate) ssi_rss_kib: u64,
    /// `sqlite3` loading the CSV files.
    pub(crate) raw: Duration,
    /// A database `ssi import` wrote (for the dashboard row).
    pub(crate) database: PathBuf,
}

/// Measures every archive size the plan names.
pub(crate) fn measure_sizes(plan: &Plan, bins: &Bins, work: &Path) -> Result<Vec<SizeResult>> {
    let mut divisors: Vec<usize> = plan.archive_divisors.to_vec();
    divisors.extend([plan.big_divisor, plan.small_divisor]);
    divisors.sort_unstable();
    divisors.dedup();
    let mut results = Vec::new();
    // Largest archive (smallest divisor) first: it is the headline.
    for divisor in divisors {
        eprintln!("==> import: heavy/{divisor} archive");
        results.push(measure_size(plan, bins, work, divisor)?);
    }
    Ok(results)
}

fn measure_size(plan: &Plan, bins: &Bins, work: &Path, divisor: usize) -> Result<SizeResult> {
    let dir = work.join(format!("archive-{divisor}"));
    std::fs::create_dir_all(&dir)?;
    let archive = generate(&dir, divisor)?;
    let csv_dir = dir.join("csv");
    let csv_bytes = unpack_csv(&archive, &csv_dir)?;
    let script = dir.join("load.sql");
    write_load_script(&csv_dir, &script)?;
    let log = work.join("bench.log");

    let database = dir.join("ssi.db");
    let raw_db = dir.join("raw.db");
    let (mut ssi, mut raw, mut rss) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..plan.import_runs {
        remove_db(&database)?;
        let mut import = Command::new(&bins.ssi);
        import.arg("--db").arg(&database).arg("--quiet").arg("import").arg(&archive);
        import.env("SSI_TODAY", EXPORT_DATE).env_remove("SSI_MEMBER").env_remove("SSI_CONFIG");
        let Sample { wall, max_rss_kib } = probed("ssi import", &import, &log)?;
        ssi.push(wall);
        rss.push(max_rss_kib);

        remove_db(&raw_db)?;
        let mut load = Command::new("sqlite3");
        load.arg(&raw_db).arg(format!(".read '{}'", script.display())).current_dir(&csv_dir);
        raw.push(probed("sqlite3 .import", &load, &log)?.wall);
    }
    let events = count_events(&database)?;
    Ok(SizeResult {
        divisor,
        events,
        archive_bytes: std::fs::metadata(&archive)?.len(),
        csv_bytes,
        ssi: median(&ssi),
        ssi_rss_kib: median_u64(&rss),
        raw: median(&raw),
        database,
    })
}

/// The heavy volumes divided by `divisor` (at least one row each, one message per
/// conversation), the three-year window kept.
fn scaled(divisor: usize) -> Volume {
    let heavy = Size::Heavy.volume();
    let d = divisor.max(1);
    let s = |n: usize| (n / d).max(1);
    let conversations = s(heavy.conversations);
    Volume {
        connections: s(heavy.connections).max(8),
        conversations,
        messages: s(heavy.messages).max(conversations),
        conversation_drafts: s(heavy.conversation_drafts),
        message_drafts: s(heavy.message_drafts),
        assistant_messages: s(heavy.assistant_messages).max(2),
        invitations: s(heavy.invitations),
        reactions: s(heavy.reactions),
        comments: s(heavy.comments),
        shares: s(heavy.shares),
        instant_reposts: s(heavy.instant_reposts),
        votes: s(heavy.votes),
        articles: s(heavy.articles),
        searches: s(heavy.searches),
        endorsements_received: s(heavy.endorsements_received),
        endorsements_given: s(heavy.endorsements_given),
        recommendations_received: s(heavy.recommendations_received),
        recommendations_given: s(heavy.recommendations_given),
        company_follows: s(heavy.company_follows),
        member_follows: s(heavy.member_follows),
        events: s(heavy.events),
        saved_jobs: s(heavy.saved_jobs),
        rich_media: s(heavy.rich_media).max(2),
        ..heavy
    }
}

/// Writes the archive of heavy/`divisor` under its real name in `dir`.
fn generate(dir: &Path, divisor: usize) -> Result<PathBuf> {
    let export_date = chrono::NaiveDate::parse_from_str(EXPORT_DATE, "%Y-%m-%d")?;
    let options = GenOptions { volume: scaled(divisor), seed: 42, style: Style::Current, export_date };
    let path = dir.join(format!("{}.zip", export_base_name(export_date)));
    let file = std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    let (writer, _) = write_archive(&options, BufWriter::new(file))?;
    writer.into_inner().map_err(|e| e.into_error())?;
    Ok(path)
}

/// Unpacks every `.csv` entry of the archive flat into `dir`; returns their total size.
fn unpack_csv(archive: &Path, dir: &Path) -> Result<u64> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(archive)?)?;
    let mut total = 0;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i)?;
        let name = entry.name()?.to_string();
        if !name.to_ascii_lowercase().ends_with(".csv") {
            continue;
        }
        // Flatten `Jobs/Saved Jobs.csv` to `Jobs_Saved Jobs.csv`.
        let flat = name.replace('/', "_");
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes)?;
        total += bytes.len() as u64;
        std::fs::write(dir.join(flat), bytes)?;
    }
    Ok(total)
}

/// Writes the sqlite3 script: every CSV file into its own plain table
/// (columns named by its header), all in one transaction. Files that open
/// with LinkedIn's `Notes:` preamble skip it, so the header names the columns.
fn write_load_script(csv_dir: &Path, script: &Path) -> Result<()> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(csv_dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    files.sort();
    let mut text = String::from("BEGIN;\n");
    for (i, file) in files.iter().enumerate() {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut head = [0u8; 16];
        let n = std::fs::File::open(file)?.read(&mut head)?;
        let head = String::from_utf8_lossy(&head[..n]);
        let skip = if head.trim_start_matches('\u{feff}').starts_with("Notes:") { " --skip 3" } else { "" };
        text.push_str(&format!(".import --csv{skip} '{name}' t{}\n", i + 1));
    }
    text.push_str("COMMIT;\n");
    std::fs::write(script, text)?;
    Ok(())
}

/// Deletes a database file and its WAL, shared-memory and journal files.
pub(crate) fn remove_db(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(PathBuf::from(name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("removing {}", path.display())),
        }
    }
    Ok(())
}

fn count_events(database: &Path) -> Result<u64> {
    let conn = rusqlite::Connection::open_with_flags(database, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let n: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_divides_volumes_and_keeps_the_window() {
        let heavy = Size::Heavy.volume();
        assert_eq!(scaled(1), heavy);
        let tenth = scaled(10);
        assert_eq!(tenth.messages, heavy.messages / 10);
        assert_eq!(tenth.connections, heavy.connections / 10);
        assert_eq!(tenth.activity_days, heavy.activity_days);
    }

    #[test]
    fn the_load_script_skips_preambles_and_runs_in_one_transaction() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Connections.csv"), "\u{feff}Notes:\n\"x\"\n\nFirst Name\nA\n")
            .unwrap();
        std::fs::write(dir.path().join("Reactions.csv"), "Date,Type\n2026-01-01,LIKE\n").unwrap();
        let script = dir.path().join("load.sql");
        write_load_script(dir.path(), &script).unwrap();
        let text = std::fs::read_to_string(script).unwrap();
        assert_eq!(
            text,
            "BEGIN;\n.import --csv --skip 3 'Connections.csv' t1\n.import --csv 'Reactions.csv' t2\nCOMMIT;\n"
        );
    }
}
