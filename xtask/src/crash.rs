//! `cargo xtask crash`: kills `ssi import` with SIGKILL at random moments, many times, and
//! checks after each kill that the database is intact and the import wholly present or
//! wholly absent. The test suite does 20 kills with the bundled sample export
//! (`crates/ssi-cli/tests/cli/crash.rs`); this task does as many as asked, by default with
//! a heavy synthetic export. See docs/reliability.md.
//!
//! Each run starts from a copy of the same baseline database (another member already
//! imported), starts the real `ssi` binary importing the export for a new member, kills it
//! at a moment drawn uniformly from 0–120% of an uninterrupted import's duration, then
//! checks with its own SQLite connection: `PRAGMA integrity_check` is `ok`,
//! `foreign_key_check` is empty, and the row count of every table equals either the
//! baseline's (absent) or the uninterrupted run's (present), nothing in between. Every
//! `--reimport-every`-th run imports again and must end at the uninterrupted run's counts.
//!
//! With `--database postgres://…` the process killed is an `ssi-server` replica on that
//! PostgreSQL database, during pushes, readings and uploads: see `crash/replica.rs`.

mod replica;

use crate::gen_export::{GenOptions, Rng, Size, Style, export_base_name, write_archive};
use anyhow::{Context, Result, bail};
use rusqlite::Connection;
use std::collections::BTreeMap;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Options of `cargo xtask crash`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "See docs/reliability.md for the method and the latest campaigns.")]
pub(crate) struct Args {
    /// Kills
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// The synthetic export to import
    #[arg(long, value_enum, default_value_t = Size::Heavy)]
    size: Size,
    /// Import again to the end after every K-th kill (1 = always)
    #[arg(long, value_name = "K", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    reimport_every: u32,
    /// The kill moments' seed [default: from the clock; printed]
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Use the debug build of ssi (of ssi-server with --database) [default: release]
    #[arg(long)]
    debug: bool,
    /// Kill an ssi-server replica on this PostgreSQL database (it must hold no ssi data)
    /// during pushes, readings and uploads instead of `ssi import` on SQLite
    // Checked when the campaign starts, not by clap, whose error would echo the password.
    #[arg(long, value_name = "postgres://…")]
    database: Option<String>,
}

/// The options of one campaign.
#[derive(Debug, Clone, PartialEq)]
struct Options {
    runs: u32,
    size: Size,
    reimport_every: u32,
    seed: u64,
    release: bool,
}

impl Args {
    /// The campaign asked for, the seed drawn from the clock when none was given.
    fn options(&self) -> Options {
        let seed = self.seed.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
        Options {
            runs: self.runs,
            size: self.size,
            reimport_every: self.reimport_every,
            seed,
            release: !self.debug,
        }
    }
}

/// Row counts per table.
type Counts = BTreeMap<&'static str, i64>;

/// Every table of the schema with its count query (static SQL: identifiers cannot be bound,
/// and no SQL of this project is built with `format!`).
const TABLES: [(&str, &str); 17] = [
    ("settings", "SELECT count(*) FROM settings"),
    ("teams", "SELECT count(*) FROM teams"),
    ("members", "SELECT count(*) FROM members"),
    ("api_tokens", "SELECT count(*) FROM api_tokens"),
    ("imports", "SELECT count(*) FROM imports"),
    ("profile_snapshots", "SELECT count(*) FROM profile_snapshots"),
    ("events", "SELECT count(*) FROM events"),
    ("official_readings", "SELECT count(*) FROM official_readings"),
    ("scoring_models", "SELECT count(*) FROM scoring_models"),
    ("daily_scores", "SELECT count(*) FROM daily_scores"),
    ("member_calibrations", "SELECT count(*) FROM member_calibrations"),
    ("analytics_days", "SELECT count(*) FROM analytics_days"),
    ("follower_totals", "SELECT count(*) FROM follower_totals"),
    ("post_analytics", "SELECT count(*) FROM post_analytics"),
    ("sessions", "SELECT count(*) FROM sessions"),
    ("daily_runs", "SELECT count(*) FROM daily_runs"),
    ("upload_jobs", "SELECT count(*) FROM upload_jobs"),
];

/// Checks a database with a connection of its own (recovering the WAL a killed writer
/// left) and counts every table's rows.
fn checked_counts(db: &Path) -> Result<Counts> {
    let conn = Connection::open(db).with_context(|| format!("cannot open {}", db.display()))?;
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if integrity != "ok" {
        bail!("{}: integrity_check says {integrity}", db.display());
    }
    let broken: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if broken != 0 {
        bail!("{}: {broken} rows break foreign keys", db.display());
    }
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if let Some(unknown) = tables.iter().find(|t| !TABLES.iter().any(|(name, _)| name == t)) {
        bail!("table {unknown} is not counted: add it to TABLES in xtask/src/crash.rs");
    }
    let mut counts = Counts::new();
    for (table, sql) in TABLES {
        counts.insert(table, conn.query_row(sql, [], |r| r.get(0))?);
    }
    Ok(counts)
}

/// Copies a database and its WAL, if any.
fn copy_db(from: &Path, to: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let target = PathBuf::from(format!("{}{suffix}", to.display()));
        let _ = std::fs::remove_file(&target);
        let source = PathBuf::from(format!("{}{suffix}", from.display()));
        if suffix != "-shm" && source.exists() {
            std::fs::copy(&source, &target).with_context(|| format!("cannot copy {}", source.display()))?;
        }
    }
    Ok(())
}

/// Writes a synthetic export of `size` into `dir`.
fn generate(dir: &Path, size: Size, seed: u64) -> Result<PathBuf> {
    let export_date = Style::Current.default_export_date();
    let options = GenOptions { volume: size.volume(), seed, style: Style::Current, export_date };
    // One folder per export: the archive keeps LinkedIn's name, which dates it.
    let folder = dir.join(format!("seed-{seed}"));
    std::fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
    let path = folder.join(format!("{}.zip", export_base_name(export_date)));
    let file = std::fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    let (writer, _) = write_archive(&options, BufWriter::new(file))?;
    writer.into_inner().map_err(|e| e.into_error())?;
    Ok(path)
}

/// `ssi --db DB -q import EXPORT [--member NAME]`, today pinned to the export's date.
fn import(ssi: &Path, db: &Path, export: &Path, member: Option<&str>) -> Command {
    let mut cmd = Command::new(ssi);
    cmd.arg("--db").arg(db).args(["-q", "import"]).arg(export);
    if let Some(member) = member {
        cmd.args(["--member", member]);
    }
    for var in ["SSI_DB", "SSI_MEMBER", "SSI_CONFIG", "SSI_LOG", "RUST_LOG"] {
        cmd.env_remove(var);
    }
    cmd.env("SSI_TODAY", Style::Current.default_export_date().to_string())
        .env("XDG_CONFIG_HOME", db.with_extension("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

fn run_to_end(mut cmd: Command, what: &str) -> Result<Duration> {
    let started = Instant::now();
    let output = cmd.output().with_context(|| format!("cannot start {what}"))?;
    if !output.status.success() {
        bail!("{what} failed ({}): {}", output.status, String::from_utf8_lossy(&output.stderr));
    }
    Ok(started.elapsed())
}

/// Runs `cargo xtask crash`.
pub(crate) fn run(args: Args) -> Result<()> {
    let options = args.options();
    if let Some(url) = &args.database {
        let url = crate::load::parse_postgres_url(url).map_err(anyhow::Error::msg)?;
        return replica::run(&url, &options);
    }
    let profile = if options.release { "release" } else { "debug" };
    let mut build = crate::cargo();
    build.args(["build", "-p", "ssi-cli", "--bin", "ssi"]);
    if options.release {
        build.arg("--release");
    }
    crate::run("cargo build -p ssi-cli", build)?;
    let ssi = crate::target_dir().join(profile).join(format!("ssi{}", std::env::consts::EXE_SUFFIX));
    let work = crate::target_dir().join("crash");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;

    eprintln!("==> writing the exports");
    let export = generate(&work, options.size, 42)?;
    let other = generate(&work, Size::Small, 7)?;
    let baseline = work.join("baseline.db");
    run_to_end(import(&ssi, &baseline, &other, Some("Other Member")), "the baseline import")?;
    let before = checked_counts(&baseline)?;

    let reference = work.join("reference.db");
    copy_db(&baseline, &reference)?;
    let uninterrupted = run_to_end(import(&ssi, &reference, &export, None), "the uninterrupted import")?;
    let after = checked_counts(&reference)?;
    eprintln!(
        "==> uninterrupted import of {} ({:?}): {:.2} s, {} events",
        export.file_name().unwrap_or_default().to_string_lossy(),
        options.size,
        uninterrupted.as_secs_f64(),
        after.get("events").copied().unwrap_or(0) - before.get("events").copied().unwrap_or(0)
    );

    let mut moments = Rng::new(options.seed);
    let run_db = work.join("run.db");
    let (mut absent, mut present, mut finished_first, mut reimported) = (0u32, 0u32, 0u32, 0u32);
    let started = Instant::now();
    for kill in 1..=options.runs {
        copy_db(&baseline, &run_db)?;
        let at = uninterrupted.mul_f64(1.2 * moments.unit());
        let mut child = import(&ssi, &run_db, &export, None).spawn().context("cannot start ssi")?;
        std::thread::sleep(at);
        if child.try_wait()?.is_some() {
            finished_first += 1;
        }
        child.kill()?;
        child.wait()?;
        let context = format!("kill {kill} at {:.3} s (seed {})", at.as_secs_f64(), options.seed);
        let counts = checked_counts(&run_db).with_context(|| context.clone())?;
        if counts == before {
            absent += 1;
        } else if counts == after {
            present += 1;
        } else {
            bail!(
                "{context}: the import is neither absent nor whole:\n  before {before:?}\n  now    {counts:?}\n  whole  {after:?}"
            );
        }
        if kill.is_multiple_of(options.reimport_every) {
            run_to_end(import(&ssi, &run_db, &export, None), "the import after a kill")
                .with_context(|| context.clone())?;
            let again = checked_counts(&run_db)?;
            if again != after {
                bail!("{context}: importing again gave {again:?}, not {after:?}");
            }
            reimported += 1;
        }
        if kill.is_multiple_of(10) || kill == options.runs {
            eprintln!("    {kill} kills: {absent} absent, {present} whole ({finished_first} had finished)");
        }
    }
    println!(
        "crash: {} kills of `ssi import` ({:?} export, {:.2} s uninterrupted, seed {}) in {:.0} s: \
         {absent} left the import absent, {present} whole ({finished_first} after the process had ended), \
         0 torn; integrity and foreign keys ok after every kill; {reimported} re-imports matched the \
         uninterrupted run",
        options.runs,
        options.size,
        uninterrupted.as_secs_f64(),
        options.seed,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_parsed_and_checked() {
        let parse = |line| crate::parse_args::<Args>(line).map(|args| args.options());
        let options = parse("--runs 200 --size typical --reimport-every 1 --seed 8 --debug").unwrap();
        assert_eq!(
            options,
            Options { runs: 200, size: Size::Typical, reimport_every: 1, seed: 8, release: false }
        );
        let defaults = parse("--seed 3").unwrap();
        assert_eq!(
            defaults,
            Options { runs: 20, size: Size::Heavy, reimport_every: 5, seed: 3, release: true }
        );
        assert_eq!(parse("--help").unwrap_err().kind(), clap::error::ErrorKind::DisplayHelp);
        for bad in ["--runs 0", "--reimport-every 0", "--size huge", "--runs", "--frobnicate"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let on_postgres =
            crate::parse_args::<Args>("--database postgres://ssi@127.0.0.1/crash --runs 3").unwrap();
        assert_eq!(on_postgres.database.as_deref(), Some("postgres://ssi@127.0.0.1/crash"));
        assert!(crate::parse_args::<Args>("").unwrap().database.is_none());
    }

    #[test]
    fn counts_come_from_every_table_of_a_checked_database() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("ssi.db");
        let store = ssi_store::Store::open(&db).unwrap();
        store.create_member("Ada", None, None).unwrap();
        drop(store);
        let counts = checked_counts(&db).unwrap();
        assert_eq!(counts["members"], 1);
        assert_eq!(counts["events"], 0);
        assert!(counts.contains_key("imports") && counts.contains_key("daily_scores"));
        std::fs::write(&db, b"not a database at all, and long enough to be read as one").unwrap();
        assert!(checked_counts(&db).is_err());
    }
}
