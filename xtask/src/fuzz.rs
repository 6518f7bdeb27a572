//! `cargo xtask fuzz`: runs every cargo-fuzz target of `fuzz/` for a set time and reports executions and crashes.
//!
//! The targets are libFuzzer binaries built by cargo-fuzz, which wants a
//! nightly compiler for its `-Z` flags; on the stable toolchain this machine
//! has, `RUSTC_BOOTSTRAP=1` lets stable accept them. Each target fuzzes a
//! scratch corpus under `fuzz/target/corpus/<target>` seeded from the
//! committed `fuzz/corpus/<target>` (which libFuzzer therefore never writes
//! to); crashes land in `fuzz/artifacts/<target>/`. The full libFuzzer output
//! of each run is kept in `fuzz/target/logs/<target>.log`.

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// Every target in `fuzz/fuzz_targets/`, in the order they run.
const TARGETS: [&str; 6] =
    ["archive_walker", "csv_layer", "dates", "readings_json", "readings_csv", "workbook"];

/// What one target's run came to.
struct Outcome {
    target: &'static str,
    seconds: u64,
    executions: Option<u64>,
    crashes: Vec<PathBuf>,
    failed: Option<String>,
}

/// Options of `cargo xtask fuzz`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "Crashes land in fuzz/artifacts/<target>/. See docs/reliability.md.")]
pub(crate) struct Args {
    /// Seconds per target
    #[arg(long, value_name = "N", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    seconds: u64,
    /// The sanitizer cargo-fuzz builds with
    #[arg(long, default_value = "address", value_parser = ["address", "none"])]
    sanitizer: String,
    /// The targets to run [default: all]
    #[arg(value_name = "TARGET", value_parser = TARGETS)]
    targets: Vec<String>,
}

impl Args {
    /// The targets asked for, in the order given; every target when none is named.
    fn targets(&self) -> Vec<&'static str> {
        if self.targets.is_empty() {
            return TARGETS.to_vec();
        }
        self.targets.iter().filter_map(|name| TARGETS.into_iter().find(|target| target == name)).collect()
    }
}

/// Runs `cargo xtask fuzz`.
pub(crate) fn run(args: Args) -> Result<()> {
    ensure_cargo_fuzz()?;
    let root = crate::root();
    let mut outcomes = Vec::new();
    for target in args.targets() {
        outcomes.push(fuzz_one(&root, target, &args)?);
    }
    println!("\n{:<16} {:>8} {:>14} {:>8}", "target", "seconds", "executions", "crashes");
    for outcome in &outcomes {
        let executions = outcome.executions.map_or("?".to_string(), |n| n.to_string());
        println!(
            "{:<16} {:>8} {:>14} {:>8}",
            outcome.target,
            outcome.seconds,
            executions,
            outcome.crashes.len()
        );
    }
    let total: u64 = outcomes.iter().filter_map(|o| o.executions).sum();
    println!("total executions: {total}");
    let mut problems = Vec::new();
    for outcome in &outcomes {
        for crash in &outcome.crashes {
            problems.push(format!(
                "{}: crash saved at {} (replay: cargo fuzz run {} {})",
                outcome.target,
                crash.display(),
                outcome.target,
                crash.display()
            ));
        }
        if let Some(reason) = &outcome.failed {
            problems.push(format!("{}: {reason}", outcome.target));
        }
    }
    if !problems.is_empty() {
        bail!("fuzzing found problems:\n  {}", problems.join("\n  "));
    }
    Ok(())
}

/// Installs cargo-fuzz when `cargo fuzz` is not available.
fn ensure_cargo_fuzz() -> Result<()> {
    let found = crate::cargo()
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if found {
        return Ok(());
    }
    eprintln!(
        "cargo-fuzz is not installed: installing it with `cargo install cargo-fuzz --locked` \
         (a one-off build of a few minutes)"
    );
    let mut install = crate::cargo();
    install.args(["install", "cargo-fuzz", "--locked"]);
    crate::run("cargo install cargo-fuzz --locked", install)
        .context("could not install cargo-fuzz; install it by hand and run again")
}

/// Fuzzes one target for the set time.
fn fuzz_one(root: &Path, target: &'static str, args: &Args) -> Result<Outcome> {
    let work = root.join("fuzz/target/corpus").join(target);
    let seeds = root.join("fuzz/corpus").join(target);
    let logs = root.join("fuzz/target/logs");
    for dir in [&work, &logs] {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let log_path = logs.join(format!("{target}.log"));
    let mut log =
        std::fs::File::create(&log_path).with_context(|| format!("cannot write {}", log_path.display()))?;
    eprintln!("==> fuzzing {target} for {} s (log: {})", args.seconds, log_path.display());
    let mut command = crate::cargo();
    command
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "run", "--debug-assertions", "--sanitizer", &args.sanitizer, target])
        .arg(&work)
        .arg(&seeds)
        .arg("--")
        .arg(format!("-max_total_time={}", args.seconds))
        .args(["-timeout=30", "-print_final_stats=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if Path::new("/dev/shm").is_dir() {
        // The archive and CSV targets write every input to a temporary
        // folder: on a RAM disk that runs about five times faster than on disk.
        command.env("TMPDIR", "/dev/shm");
    }
    let mut child = command.spawn().context("could not start cargo fuzz")?;
    // libFuzzer writes to stderr; cargo's build output too. Merge stdout in after.
    let stderr = child.stderr.take().context("no stderr from cargo fuzz")?;
    let mut executions = None;
    let mut crashes = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.context("reading cargo fuzz output")?;
        writeln!(log, "{line}").ok();
        if let Some(count) = executed_units(&line) {
            executions = Some(count);
        }
        if let Some(path) = line.split("Test unit written to ").nth(1) {
            crashes.push(root.join("fuzz").join(path.trim()));
        }
        if is_worth_showing(&line) {
            eprintln!("    {line}");
        }
    }
    if let Some(mut stdout) = child.stdout.take() {
        std::io::copy(&mut stdout, &mut log).ok();
    }
    let status = child.wait().context("waiting for cargo fuzz")?;
    let failed = (!status.success() && crashes.is_empty())
        .then(|| format!("cargo fuzz exited with {status}; see {}", log_path.display()));
    Ok(Outcome { target, seconds: args.seconds, executions, crashes, failed })
}

/// The run count of libFuzzer's final statistics or its closing line.
fn executed_units(line: &str) -> Option<u64> {
    if let Some(count) = line.strip_prefix("stat::number_of_executed_units:") {
        return count.trim().parse().ok();
    }
    let rest = line.strip_prefix("Done ")?;
    rest.split(' ').next()?.parse().ok()
}

/// Lines echoed to the terminal: the progress pulses and anything about a crash.
fn is_worth_showing(line: &str) -> bool {
    (line.starts_with('#') && (line.contains("pulse") || line.contains("DONE")))
        || line.starts_with("Done ")
        || line.contains("panicked")
        || line.contains("ERROR")
        || line.contains("SUMMARY")
        || line.contains("Test unit written")
        || line.starts_with("error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libfuzzer_counts_are_read() {
        assert_eq!(executed_units("stat::number_of_executed_units: 123456"), Some(123_456));
        assert_eq!(executed_units("Done 146374 runs in 11 second(s)"), Some(146_374));
        assert_eq!(executed_units("#1024 pulse  cov: 2 ft: 3 corp: 4/5b"), None);
    }

    #[test]
    fn arguments_pick_targets_and_time() {
        let parsed = crate::parse_args::<Args>("--seconds 5 dates csv_layer").unwrap();
        assert_eq!(parsed.seconds, 5);
        assert_eq!(parsed.targets(), vec!["dates", "csv_layer"]);
        assert_eq!(parsed.sanitizer, "address");
        let all = crate::parse_args::<Args>("").unwrap();
        assert_eq!((all.seconds, all.targets()), (60, TARGETS.to_vec()));
        assert_eq!(crate::parse_args::<Args>("--sanitizer none").unwrap().sanitizer, "none");
        for bad in ["nope", "--seconds 0", "--sanitizer memory"] {
            assert!(crate::parse_args::<Args>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_target_has_a_source_file_and_a_seed_corpus() {
        let root = crate::root();
        for target in TARGETS {
            assert!(root.join("fuzz/fuzz_targets").join(format!("{target}.rs")).is_file(), "{target}");
            let seeds = std::fs::read_dir(root.join("fuzz/corpus").join(target)).unwrap().count();
            assert!(seeds > 0, "{target} has no seeds");
        }
    }
}
