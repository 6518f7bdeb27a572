//! Measuring child processes: wall time and peak resident memory, through a probe process.
//!
//! Peak memory comes from `getrusage(RUSAGE_CHILDREN)`, which reports the
//! largest resident set of every child waited for so far. The benchmark
//! therefore runs each measured command under a fresh `xtask bench-probe`,
//! whose only child is that command: the figure is exactly its peak.

use anyhow::{Context, Result, bail};
use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one probed run of a command cost.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    /// From spawn to exit.
    pub(crate) wall: Duration,
    /// Peak resident set, KiB.
    pub(crate) max_rss_kib: u64,
}

/// Runs `cmd` under a probe and returns its cost. Its stdout is discarded and
/// its stderr appended to `log`; a non-zero exit is an error naming `what`.
pub(crate) fn probed(what: &str, cmd: &Command, log: &Path) -> Result<Sample> {
    let mut probe = Command::new(std::env::current_exe().context("the running xtask binary")?);
    probe.arg("bench-probe").arg("--").arg(cmd.get_program()).args(cmd.get_args());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => probe.env(key, value),
            None => probe.env_remove(key),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        probe.current_dir(dir);
    }
    let log_file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("opening {}", log.display()))?;
    let output = probe
        .stdin(Stdio::null())
        .stderr(log_file)
        .output()
        .with_context(|| format!("could not start the probe for {what}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("{what} failed ({}); see {}", output.status, log.display());
    }
    let mut fields = text.split_whitespace();
    let (Some(nanos), Some(rss)) = (fields.next(), fields.next()) else {
        bail!("the probe for {what} printed {text:?}, not two numbers");
    };
    Ok(Sample {
        wall: Duration::from_nanos(nanos.parse().context("probe wall time")?),
        max_rss_kib: rss.parse().context("probe peak memory")?,
    })
}

/// Options of `xtask bench-probe -- PROGRAM ARGS…`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ProbeArgs {
    /// The program to run and its arguments
    #[arg(value_name = "PROGRAM", required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    command: Vec<OsString>,
}

/// `xtask bench-probe -- PROGRAM ARGS…`: runs the program (stdout discarded,
/// stderr inherited), then prints its wall time in nanoseconds and its peak
/// resident set in KiB; exits non-zero when the program did.
pub(crate) fn probe_main(args: ProbeArgs) -> Result<()> {
    let Some((program, program_args)) = args.command.split_first() else {
        bail!("bench-probe needs a program to run");
    };
    let started = Instant::now();
    let status = Command::new(program)
        .args(program_args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .with_context(|| format!("could not start {}", program.to_string_lossy()))?;
    let wall = started.elapsed();
    let usage =
        nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN).context("getrusage")?;
    if !status.success() {
        bail!("{} exited with {status}", program.to_string_lossy());
    }
    // Linux reports ru_maxrss in KiB.
    println!("{} {}", wall.as_nanos(), usage.max_rss().max(0));
    Ok(())
}

/// The median of some durations (the mean of the middle two for an even count).
pub(crate) fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

/// The median of some counts.
pub(crate) fn median_u64(values: &[u64]) -> u64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    match sorted.len() {
        0 => 0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

/// Times one call.
pub(crate) fn timed<T>(work: impl FnOnce() -> Result<T>) -> Result<(Duration, T)> {
    let started = Instant::now();
    let value = work()?;
    Ok((started.elapsed(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_takes_everything_after_the_dashes_as_the_command() {
        let crate::Task::BenchProbe(probe) =
            crate::parse_task("bench-probe -- ssi --db x.db -q import").unwrap()
        else {
            panic!("not the probe");
        };
        assert_eq!(probe.command, ["ssi", "--db", "x.db", "-q", "import"].map(OsString::from));
        assert!(crate::parse_task("bench-probe").is_err(), "a program is required");
    }

    #[test]
    fn medians_take_the_middle() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(5), ms(1), ms(3)]), ms(3));
        assert_eq!(median(&[ms(4), ms(1), ms(3), ms(2)]), Duration::from_micros(2500));
        assert_eq!(median(&[]), Duration::ZERO);
        assert_eq!(median_u64(&[9, 1, 5]), 5);
        assert_eq!(median_u64(&[1, 2, 3, 4]), 2);
    }
}
