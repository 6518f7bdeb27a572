//! `cargo xtask fidelity`: how closely a calibrated estimate tracks an "official" score it has not seen, measured through the real `ssi` binary.
//!
//! Each member is a `gen-export` archive (some with a change of habits near
//! the end). A hidden formula of this file, unlike `default.toml` (other
//! windows, half-lives, curves and weights, a per-pillar power curve, a
//! per-member offset per pillar, ±0.3 noise per pillar, pillars rounded to 2
//! decimals), scores every day. Readings of that formula are imported with
//! `ssi reading import`, `ssi calibrate` is run, and `ssi history --json` is
//! compared with the formula on the held-out days after the last reading.

use crate::gen_export::{GenOptions, Size, Style, write_archive_with_habit_change};
use anyhow::{Context, Result, bail};
use chrono::{Days, NaiveDate};
use clap::builder::RangedU64ValueParser;
use rand_xoshiro::SplitMix64;
use rand_xoshiro::rand_core::{Rng as _, SeedableRng as _};
use serde_json::Value;
use ssi_core::engine::score_series;
use ssi_core::{Curve, PILLAR_MAX, ScoringModel};
use ssi_store::Store;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The export date of every member (activity ends the day before).
const EXPORT_DATE: (i32, u32, u32) = (2026, 11, 20);
/// Largest offset the hidden formula adds to a member's pillar, points.
const MAX_OFFSET: f64 = 3.0;
/// Noise of each official pillar, uniform ± this, points.
const NOISE: f64 = 0.3;
/// Readings in the "first readings" run.
const FEW_READINGS: usize = 3;

/// What a run measures.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Options {
    pub(crate) members: usize,
    pub(crate) seed: u64,
    pub(crate) readings: usize,
    pub(crate) span_days: u64,
    pub(crate) holdout_days: u64,
}

/// Options of `cargo xtask fidelity`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "See docs/advice.md for the method and the latest figures.")]
pub(crate) struct Args {
    /// Members [default: 8: two whose activity rises and two whose activity falls near the end]
    #[arg(long, value_name = "N", value_parser = RangedU64ValueParser::<usize>::new().range(1..))]
    members: Option<usize>,
    /// Seed of the members and of the hidden formula
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// Readings per member
    #[arg(
        long,
        value_name = "N",
        default_value_t = 12,
        value_parser = RangedU64ValueParser::<usize>::new().range(FEW_READINGS as u64..)
    )]
    readings: usize,
    /// Days the readings cover, first to last
    #[arg(long, value_name = "DAYS", default_value_t = 45, value_parser = clap::value_parser!(u64).range(1..))]
    span: u64,
    /// Held-out days after the last reading
    #[arg(long, value_name = "DAYS", default_value_t = 31)]
    holdout: u64,
    /// 3 members, for the test that keeps the harness from rotting
    #[arg(long, conflicts_with = "members")]
    quick: bool,
    /// The ssi binary to run [default: build it with cargo build -p ssi-cli]
    #[arg(long, value_name = "PATH")]
    ssi: Option<PathBuf>,
}

impl Args {
    /// What the run measures.
    fn options(&self) -> Options {
        let members = match (self.members, self.quick) {
            (Some(members), _) => members,
            (None, true) => 3,
            (None, false) => 8,
        };
        Options {
            members,
            seed: self.seed,
            readings: self.readings,
            span_days: self.span,
            holdout_days: self.holdout,
        }
    }
}

/// A day of `ssi history --json`: the date, the four pillars and the interval of the total.
type EstimateDay = (NaiveDate, [f64; 4], Option<(f64, f64)>);

/// How one member's habits change near the end.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Habits {
    Steady,
    /// Activity multiplied by the factor from this many days before the last reading on.
    Change {
        days_before_last: i64,
        factor: f64,
    },
}

/// One member's errors on the held-out days.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MemberResult {
    pub(crate) name: String,
    habits: Habits,
    /// Mean absolute error of the total, uncalibrated.
    pub(crate) uncalibrated: f64,
    /// The same, calibrated on all readings.
    pub(crate) calibrated: f64,
    /// Worst day, calibrated.
    pub(crate) worst: f64,
    /// Per pillar, calibrated.
    pub(crate) pillars: [f64; 4],
    /// Per pillar, uncalibrated.
    pub(crate) pillars_uncalibrated: [f64; 4],
    /// The walk-forward error `ssi calibrate` reported.
    pub(crate) reported: Option<f64>,
    /// The method it chose.
    pub(crate) method: String,
    /// Share of held-out days whose official total lay inside the 80% interval.
    pub(crate) coverage: f64,
    /// Mean absolute error of the total calibrated on the first few readings only (and uncalibrated).
    pub(crate) few: (f64, f64),
}

/// Runs `cargo xtask fidelity`.
pub(crate) fn run(args: Args) -> Result<()> {
    let options = args.options();
    let ssi = match args.ssi {
        Some(path) => path,
        None => {
            let mut build = crate::cargo();
            build.args(["build", "-p", "ssi-cli", "--bin", "ssi"]);
            crate::run("cargo build -p ssi-cli", build)?;
            crate::target_dir().join("debug").join(format!("ssi{}", std::env::consts::EXE_SUFFIX))
        }
    };
    let work = crate::target_dir().join("fidelity");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
    let results = evaluate(&options, &ssi, &work)?;
    print!("{}", table(&options, &results));
    Ok(())
}

/// Scores, records, calibrates and compares every member.
pub(crate) fn evaluate(options: &Options, ssi: &Path, work: &Path) -> Result<Vec<MemberResult>> {
    let export_date =
        NaiveDate::from_ymd_opt(EXPORT_DATE.0, EXPORT_DATE.1, EXPORT_DATE.2).context("a date")?;
    let last_day = export_date - Days::new(1);
    let last_reading = last_day - Days::new(options.holdout_days);
    let first_reading = last_reading - Days::new(options.span_days);
    let mut rng = Rng::new(options.seed);
    let hidden = hidden_model(&mut rng)?;
    let mut results = Vec::new();
    for index in 0..options.members {
        let habits = match index % 4 {
            2 => Habits::Change { days_before_last: 10, factor: 3.0 },
            3 if index >= 3 => Habits::Change { days_before_last: -3, factor: 0.25 },
            _ => Habits::Steady,
        };
        let name = format!("member-{}", index + 1);
        eprintln!("==> {name} ({habits:?})");
        let member_seed = options.seed * 1_000 + index as u64;
        let zip = work.join(format!("{name}.zip"));
        let change = match habits {
            Habits::Steady => None,
            Habits::Change { days_before_last, factor } => {
                Some((last_reading - chrono::TimeDelta::days(days_before_last), factor))
            }
        };
        let opts = GenOptions {
            volume: Size::Small.volume(),
            seed: member_seed,
            style: Style::Current,
            export_date,
        };
        let file = std::fs::File::create(&zip).with_context(|| format!("cannot create {}", zip.display()))?;
        write_archive_with_habit_change(&opts, change, std::io::BufWriter::new(file))?;

        let db = work.join(format!("{name}.db"));
        let cli = Cli { ssi, db: db.clone(), today: last_day };
        cli.run(&["import".as_ref(), zip.as_os_str(), "--member".as_ref(), name.as_ref()])?;
        let few_db = work.join(format!("{name}-few.db"));
        std::fs::copy(&db, &few_db).context("cannot copy the database")?;

        // The hidden formula, per member: a power curve and an offset per pillar.
        let gammas: [f64; 4] = std::array::from_fn(|_| rng.uniform(0.85, 1.15));
        let offsets: [f64; 4] = std::array::from_fn(|_| rng.uniform(-MAX_OFFSET, MAX_OFFSET));
        let store = Store::open(&db)?;
        let member = store.member_by_name(&name)?;
        let (events, profiles) = (store.load_events(member.id)?, store.profile_snapshots(member.id)?);
        drop(store);
        let official: Vec<(NaiveDate, [f64; 4])> =
            score_series(&hidden, &profiles, &events, first_reading, last_day)
                .iter()
                .map(|day| {
                    let pillars = day.pillars.to_array();
                    let p = std::array::from_fn(|i| {
                        let curved = PILLAR_MAX * (pillars[i] / PILLAR_MAX).powf(gammas[i]);
                        let noisy = (curved + offsets[i] + rng.uniform(-NOISE, NOISE)).clamp(0.0, PILLAR_MAX);
                        (noisy * 100.0).round() / 100.0
                    });
                    (day.date, p)
                })
                .collect();
        let official_on = |date: NaiveDate| official.iter().find(|(d, _)| *d == date).map(|(_, p)| *p);
        let reading_days: Vec<NaiveDate> = (0..options.readings)
            .map(|i| {
                let offset =
                    (i as f64 * options.span_days as f64 / (options.readings - 1) as f64).round() as u64;
                first_reading + Days::new(offset)
            })
            .collect();
        let holdout: Vec<(NaiveDate, [f64; 4])> =
            official.iter().filter(|(d, _)| *d > last_reading).copied().collect();

        let mut csv = String::from("date,total,brand,people,insights,relationships\n");
        for day in &reading_days {
            let p = official_on(*day).context("a reading day outside the scored days")?;
            let total: f64 = p.iter().sum();
            let _ = writeln!(csv, "{day},{total:.2},{:.2},{:.2},{:.2},{:.2}", p[0], p[1], p[2], p[3]);
        }
        let csv_path = work.join(format!("{name}.csv"));
        std::fs::write(&csv_path, &csv)?;
        cli.run(&["reading".as_ref(), "import".as_ref(), csv_path.as_os_str()])?;
        let range = [last_reading + Days::new(1), last_day];
        let uncalibrated = cli.history(range, "default")?;
        let calibration = cli.json(&["calibrate"])?;
        let calibrated = cli.history(range, "calibrated")?;

        // The first readings only: the last FEW_READINGS of the schedule.
        let few_csv: String = csv
            .lines()
            .take(1)
            .chain(csv.lines().skip(1 + options.readings - FEW_READINGS))
            .map(|l| format!("{l}\n"))
            .collect();
        let few_path = work.join(format!("{name}-few.csv"));
        std::fs::write(&few_path, few_csv)?;
        let few_cli = Cli { ssi, db: few_db, today: last_day };
        few_cli.run(&["reading".as_ref(), "import".as_ref(), few_path.as_os_str()])?;
        few_cli.json(&["calibrate"])?;
        let few = few_cli.history(range, "calibrated")?;

        let errors = |series: &[EstimateDay]| -> Result<([f64; 4], Vec<f64>, f64)> {
            let mut pillar_sums = [0.0; 4];
            let mut totals = Vec::new();
            let mut covered = 0usize;
            for (date, truth) in &holdout {
                let Some((_, estimate, interval)) = series.iter().find(|(d, _, _)| d == date) else {
                    bail!("no estimate of {date} in ssi history");
                };
                for i in 0..4 {
                    pillar_sums[i] += (estimate[i] - truth[i]).abs();
                }
                let total_truth: f64 = truth.iter().sum();
                totals.push((estimate.iter().sum::<f64>() - total_truth).abs());
                if interval.is_some_and(|(low, high)| (low..=high).contains(&total_truth)) {
                    covered += 1;
                }
            }
            let n = holdout.len().max(1) as f64;
            Ok((pillar_sums.map(|s| s / n), totals, covered as f64 / n))
        };
        let (pillars_uncalibrated, totals_uncalibrated, _) = errors(&uncalibrated)?;
        let (pillars, totals, coverage) = errors(&calibrated)?;
        let (_, totals_few, _) = errors(&few)?;
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        results.push(MemberResult {
            name,
            habits,
            uncalibrated: mean(&totals_uncalibrated),
            calibrated: mean(&totals),
            worst: totals.iter().copied().fold(0.0, f64::max),
            pillars,
            pillars_uncalibrated,
            reported: calibration["error"]["total"].as_f64(),
            method: calibration["method"].as_str().unwrap_or("?").to_string(),
            coverage,
            few: (mean(&totals_few), mean(&totals_uncalibrated)),
        });
    }
    Ok(results)
}

/// The table `cargo xtask fidelity` prints.
pub(crate) fn table(options: &Options, results: &[MemberResult]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nHeld-out mean absolute error (points) over the {} days after the last of {} readings over {} days \
         (seed {}):\n",
        options.holdout_days, options.readings, options.span_days, options.seed
    );
    let _ = writeln!(
        out,
        "| member | habits | method | uncalibrated | calibrated | worst day | reported | {FEW_READINGS} readings | 80% band holds |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    for r in results {
        let habits = match r.habits {
            Habits::Steady => "steady".to_string(),
            Habits::Change { days_before_last, factor } if days_before_last >= 0 => {
                format!("×{factor} from {days_before_last} d before last reading")
            }
            Habits::Change { days_before_last, factor } => {
                format!("×{factor} from {} d after last reading", -days_before_last)
            }
        };
        let _ = writeln!(
            out,
            "| {} | {habits} | {} | {:.2} | {:.2} | {:.2} | {} | {:.2} | {:.0}% |",
            r.name,
            r.method,
            r.uncalibrated,
            r.calibrated,
            r.worst,
            r.reported.map_or_else(|| "-".into(), |e| format!("{e:.2}")),
            r.few.0,
            r.coverage * 100.0
        );
    }
    let s = summary(results);
    let _ = writeln!(
        out,
        "| **mean** (worst day: the worst of all) | | | {:.2} | **{:.2}** | {:.2} | {:.2} | {:.2} | {:.0}% |",
        s.uncalibrated,
        s.calibrated,
        results.iter().map(|r| r.worst).fold(0.0, f64::max),
        s.reported,
        s.few,
        s.coverage * 100.0
    );
    let _ = writeln!(
        out,
        "\npillars (brand / people / insights / relationships): uncalibrated {} · calibrated {}",
        fmt_pillars(&s.pillars_uncalibrated),
        fmt_pillars(&s.pillars)
    );
    let _ = writeln!(
        out,
        "reported walk-forward error vs actual held-out error: {:.2} vs {:.2} ({:+.0}%)",
        s.reported,
        s.calibrated,
        (s.reported / s.calibrated - 1.0) * 100.0
    );
    let _ = writeln!(out, "worst member (calibrated): {:.2}", s.worst_member);
    out
}

fn fmt_pillars(p: &[f64; 4]) -> String {
    format!("{:.2} / {:.2} / {:.2} / {:.2}", p[0], p[1], p[2], p[3])
}

/// Means over the members.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Summary {
    pub(crate) uncalibrated: f64,
    pub(crate) calibrated: f64,
    /// The highest member's calibrated error.
    pub(crate) worst_member: f64,
    pub(crate) reported: f64,
    /// Calibrated on the first few readings.
    pub(crate) few: f64,
    pub(crate) coverage: f64,
    pub(crate) pillars: [f64; 4],
    pub(crate) pillars_uncalibrated: [f64; 4],
}

pub(crate) fn summary(results: &[MemberResult]) -> Summary {
    let n = results.len().max(1) as f64;
    let mean = |f: &dyn Fn(&MemberResult) -> f64| results.iter().map(f).sum::<f64>() / n;
    Summary {
        uncalibrated: mean(&|r| r.uncalibrated),
        calibrated: mean(&|r| r.calibrated),
        worst_member: results.iter().map(|r| r.calibrated).fold(0.0, f64::max),
        reported: mean(&|r| r.reported.unwrap_or(f64::NAN)),
        few: mean(&|r| r.few.0),
        coverage: mean(&|r| r.coverage),
        pillars: std::array::from_fn(|i| mean(&|r| r.pillars[i])),
        pillars_uncalibrated: std::array::from_fn(|i| mean(&|r| r.pillars_uncalibrated[i])),
    }
}

/// The default model with other windows, half-lives, curves and weights.
fn hidden_model(rng: &mut Rng) -> Result<ScoringModel> {
    let mut model = ScoringModel::default_model();
    for c in &mut model.components {
        if c.window_days > 0 {
            c.window_days = ((f64::from(c.window_days) * rng.uniform(0.6, 1.6)).round() as u32).max(7);
        }
        if c.half_life_days > 0.0 {
            c.half_life_days *= rng.uniform(0.5, 1.5);
        }
        c.curve = match c.curve {
            Curve::Linear { full_at } => Curve::Linear { full_at: full_at * rng.uniform(0.7, 1.3) },
            Curve::Saturating { half_at } => Curve::Saturating { half_at: half_at * rng.uniform(0.5, 1.8) },
        };
        c.weight *= rng.uniform(0.5, 1.5);
    }
    for pillar in ssi_core::Pillar::ALL {
        let sum: f64 = model.components.iter().filter(|c| c.pillar == pillar).map(|c| c.weight).sum();
        for c in model.components.iter_mut().filter(|c| c.pillar == pillar) {
            c.weight *= PILLAR_MAX / sum;
        }
    }
    model.version = "hidden-official".into();
    model.validate().context("the hidden formula is not a valid model")?;
    Ok(model)
}

/// The `ssi` binary on one database, with a pinned today.
struct Cli<'a> {
    ssi: &'a Path,
    db: PathBuf,
    today: NaiveDate,
}

impl Cli<'_> {
    fn command(&self, args: &[&std::ffi::OsStr]) -> Command {
        let mut cmd = Command::new(self.ssi);
        cmd.arg("--db").arg(&self.db).arg("--quiet").args(args);
        cmd.env("SSI_TODAY", self.today.to_string()).env_remove("SSI_MEMBER").env_remove("SSI_DB");
        cmd
    }

    fn run(&self, args: &[&std::ffi::OsStr]) -> Result<Vec<u8>> {
        let output =
            self.command(args).output().with_context(|| format!("cannot run {}", self.ssi.display()))?;
        if !output.status.success() {
            bail!("ssi {:?} failed: {}", args, String::from_utf8_lossy(&output.stderr));
        }
        Ok(output.stdout)
    }

    fn json(&self, args: &[&str]) -> Result<Value> {
        let mut all: Vec<&std::ffi::OsStr> = vec!["--json".as_ref()];
        all.extend(args.iter().map(|a| std::ffi::OsStr::new(*a)));
        Ok(serde_json::from_slice(&self.run(&all)?)?)
    }

    /// Each day of `ssi history --json` in the range: the pillars and the interval.
    fn history(&self, range: [NaiveDate; 2], model: &str) -> Result<Vec<EstimateDay>> {
        let (from, to) = (range[0].to_string(), range[1].to_string());
        let history = self.json(&["history", "--from", &from, "--to", &to, "--model", model])?;
        let days = history["days"].as_array().context("history --json has days")?;
        let mut series = Vec::new();
        for day in days {
            let estimate = &day["estimate"];
            if estimate.is_null() {
                continue;
            }
            let date: NaiveDate = day["date"].as_str().context("a date")?.parse()?;
            let p = &estimate["pillars"];
            let pillars =
                ["brand", "people", "insights", "relationships"].map(|k| p[k].as_f64().unwrap_or(f64::NAN));
            let interval = estimate["low"].as_f64().zip(estimate["high"].as_f64());
            series.push((date, pillars, interval));
        }
        Ok(series)
    }
}

/// The hidden formula's draws: `rand_xoshiro`'s SplitMix64, seeded so that the figures in
/// docs/advice.md stay reproducible.
struct Rng(SplitMix64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(SplitMix64::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15))
    }

    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_keep_their_defaults_and_bounds() {
        let options = |line| crate::parse_args::<Args>(line).map(|args| args.options());
        let defaults = Options { members: 8, seed: 1, readings: 12, span_days: 45, holdout_days: 31 };
        assert_eq!(options("").unwrap(), defaults);
        assert_eq!(options("--quick").unwrap(), Options { members: 3, ..defaults.clone() });
        assert_eq!(
            options("--members 5 --seed 6 --readings 3 --span 10 --holdout 7").unwrap(),
            Options { members: 5, seed: 6, readings: 3, span_days: 10, holdout_days: 7 }
        );
        let ssi = crate::parse_args::<Args>("--quick --ssi /opt/ssi").unwrap().ssi;
        assert_eq!(ssi, Some(PathBuf::from("/opt/ssi")));
        for bad in ["--members 0", "--readings 2", "--span 0", "--quick --members 4", "--seed x"] {
            assert!(options(bad).is_err(), "{bad}");
        }
    }
}
