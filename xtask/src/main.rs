//! xtask: maintainer tasks for ssi, run as `cargo xtask <task>`.

use anyhow::{Context, Result, bail};
use clap::{CommandFactory as _, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::Command;

mod bench;
mod crash;
mod fidelity;
mod fuzz;
mod gen_export;
mod load;
mod man;

/// Maintainer tasks for ssi: CI, sample data, the man page, fuzzing and measurements.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", max_term_width = 100)]
struct Xtask {
    #[command(subcommand)]
    task: Option<Task>,
}

/// The tasks; each has its own `--help`.
#[derive(Debug, Subcommand)]
enum Task {
    /// Measure ssi against same-run references; print ratios
    ///
    /// Measures ssi against references run on the same machine, on the same data, and prints the
    /// table of ratios; writes DIR/results.json. Builds the release binaries first, then runs the
    /// release xtask.
    Bench(bench::Args),
    /// Run a command and print its wall time and peak memory (used by bench)
    #[command(hide = true)]
    BenchProbe(bench::ProbeArgs),
    /// fmt check, clippy -D warnings, doc -D warnings, then the whole test suite
    ///
    /// Runs every check CI runs, in order, stopping at the first failure. The PostgreSQL
    /// backend's checks and tests (ssi-store's `postgres` feature) need PostgreSQL's server
    /// binaries (`apt-get install postgresql`); the tests start throwaway clusters.
    Ci,
    /// Kill `ssi import` with SIGKILL at random moments; check the database
    ///
    /// Kills `ssi import` with SIGKILL at random moments and checks after each kill that the
    /// database is intact and the import wholly present or wholly absent.
    Crash(crash::Args),
    /// Calibrated estimate vs a hidden official formula on held-out days
    ///
    /// Scores made-up members with a hidden formula unlike the default model, records readings of
    /// it, calibrates through the real `ssi` binary and prints the errors on the held-out days.
    Fidelity(fidelity::Args),
    /// Run every cargo-fuzz target for N seconds each
    ///
    /// Runs each fuzz target for N seconds, with debug assertions on, and reports executions and
    /// crashes. Installs cargo-fuzz first if it is missing.
    Fuzz(fuzz::Args),
    /// Write a made-up LinkedIn data export zip
    ///
    /// Writes a made-up but realistic LinkedIn data export archive. Same options, same bytes.
    GenExport(gen_export::Args),
    /// The real server under concurrent writes and reads, with restarts
    ///
    /// Runs ssi-server on 127.0.0.1 under concurrent writers and readers, then checks that every
    /// acknowledged write is stored and that no answer was a 5xx.
    Load(load::Args),
    /// Write the man page of ssi to target/man/ssi.1
    Man,
}

fn main() -> Result<()> {
    let Some(task) = Xtask::parse().task else {
        Xtask::command().print_help()?;
        return Ok(());
    };
    match task {
        Task::Bench(args) => bench::run(args),
        Task::BenchProbe(args) => bench::probe_main(args),
        Task::Ci => ci(),
        Task::Crash(args) => crash::run(args),
        Task::Fidelity(args) => fidelity::run(args),
        Task::Fuzz(args) => fuzz::run(args),
        Task::GenExport(args) => gen_export::run(args),
        Task::Load(args) => load::run(args),
        Task::Man => man::run(),
    }
}

/// The workspace root (the parent of this crate's directory).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// Cargo's build output directory: `$CARGO_TARGET_DIR` when set, else `target/` in the workspace.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| root().join("target"), PathBuf::from)
}

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

fn run(step: &str, mut cmd: Command) -> Result<()> {
    eprintln!("==> {step}");
    let status = cmd.status().with_context(|| format!("could not start {step}"))?;
    if !status.success() {
        bail!("{step} failed ({status})");
    }
    Ok(())
}

/// Runs every check CI runs, in order, stopping at the first failure.
fn ci() -> Result<()> {
    // The PostgreSQL backend's tests start throwaway clusters: say what to install
    // before building anything.
    let pg_bindir =
        ssi_pg_harness::find_bindir().context("the PostgreSQL backend's tests need PostgreSQL")?;
    eprintln!("==> PostgreSQL binaries: {}", pg_bindir.display());

    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check"]);
    run("cargo fmt --all --check", fmt)?;

    let mut clippy = cargo();
    clippy.args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]);
    run("cargo clippy", clippy)?;

    let mut doc = cargo();
    doc.args(["doc", "--workspace", "--no-deps"]).env("RUSTDOCFLAGS", "-D warnings");
    run("cargo doc", doc)?;

    let mut test = cargo();
    test.args(["test", "--workspace"]);
    run("cargo test", test)?;

    // The PostgreSQL backend (ssi-store's `postgres` feature): linted, documented and
    // tested on its own, so the workspace's default build never needs PostgreSQL.
    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "-p",
        "ssi-store",
        "--features",
        "postgres",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    run("cargo clippy (ssi-store, postgres)", clippy)?;
    let mut doc = cargo();
    doc.args(["doc", "-p", "ssi-store", "--features", "postgres", "--no-deps"])
        .env("RUSTDOCFLAGS", "-D warnings");
    run("cargo doc (ssi-store, postgres)", doc)?;
    let mut test = cargo();
    test.args(["test", "-p", "ssi-store", "--features", "postgres"]);
    run("cargo test (ssi-store, postgres)", test)?;
    // The server's suite once more, on PostgreSQL: one suite, both backends (a fresh
    // database per test on one throwaway cluster per test binary; the browser test too,
    // it costs a few seconds). Tests about SQLite's file skip themselves there.
    let mut test = cargo();
    test.args(["test", "-p", "ssi-server", "--test", "server"]).env("SSI_TEST_BACKEND", "postgres");
    run("cargo test (ssi-server on PostgreSQL)", test)?;
    Ok(())
}

/// Parses a command line given as one string (no quoting), for the tests.
#[cfg(test)]
fn parse_task(line: &str) -> Result<Task, clap::Error> {
    let parsed = Xtask::try_parse_from(std::iter::once("xtask").chain(line.split_whitespace()))?;
    Ok(parsed.task.expect("the tests name a task"))
}

/// Parses one task's options given as one string (no quoting), for the tasks' own tests.
#[cfg(test)]
fn parse_args<A: clap::Args>(line: &str) -> Result<A, clap::Error> {
    #[derive(Parser)]
    struct OneTask<A: clap::Args> {
        #[command(flatten)]
        args: A,
    }
    let parsed = OneTask::<A>::try_parse_from(std::iter::once("xtask").chain(line.split_whitespace()))?;
    Ok(parsed.args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Xtask::command().debug_assert();
    }

    #[test]
    fn every_task_is_listed_in_the_help_and_the_probe_is_not() {
        let help = Xtask::command().render_long_help().to_string();
        for task in ["bench", "ci", "crash", "fidelity", "fuzz", "gen-export", "load", "man"] {
            assert!(help.lines().any(|line| line.trim_start().starts_with(task)), "{task} missing:\n{help}");
        }
        assert!(!help.contains("bench-probe"), "{help}");
        assert!(matches!(parse_task("ci"), Ok(Task::Ci)));
        assert!(matches!(parse_task("man"), Ok(Task::Man)));
        let unknown = parse_task("deploy").expect_err("no such task");
        assert_eq!(unknown.kind(), clap::error::ErrorKind::InvalidSubcommand);
    }

    /// Every `cargo xtask …` command line that the docs and the CI scripts show, with the file
    /// and line it comes from; synopses with `<…>` or `[…]` are left out and a placeholder `N`
    /// becomes a number.
    fn documented_command_lines() -> Vec<(String, Vec<String>)> {
        let root = root();
        let mut files = vec![root.join("README.md"), root.join("ARCHITECTURE.md"), root.join(".ci/run")];
        for folder in ["docs", "scripts"] {
            let entries = std::fs::read_dir(root.join(folder)).expect("a folder of the repository");
            files.extend(entries.map(|entry| entry.expect("a directory entry").path()));
        }
        let mut found = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            for (number, line) in text.lines().enumerate() {
                for marker in ["cargo xtask ", "-p xtask -- "] {
                    for (at, _) in line.match_indices(marker) {
                        let rest = &line[at + marker.len()..];
                        let command = &rest[..rest.find(['`', '#', '|', '…', '"']).unwrap_or(rest.len())];
                        if command.contains(['<', '[']) {
                            continue;
                        }
                        let mut words = Vec::new();
                        for word in command.split_whitespace() {
                            let bare = word.trim_end_matches([')', ',', '.', ';', ':']);
                            words.push(if bare == "N" { "3" } else { bare }.to_string());
                            if bare.len() != word.len() {
                                break; // the sentence goes on after the command
                            }
                        }
                        if !words.is_empty() {
                            found.push((format!("{}:{}", file.display(), number + 1), words));
                        }
                    }
                }
            }
        }
        found
    }

    #[test]
    fn every_command_line_the_docs_show_still_parses() {
        let lines = documented_command_lines();
        assert!(lines.len() > 30, "found only {} documented command lines", lines.len());
        for task in ["bench", "ci", "crash", "fidelity", "fuzz", "gen-export", "load", "man"] {
            assert!(lines.iter().any(|(_, words)| words[0] == task), "no documented `cargo xtask {task}`");
        }
        for (place, words) in &lines {
            let parsed =
                Xtask::try_parse_from(std::iter::once("xtask").chain(words.iter().map(String::as_str)));
            match parsed {
                // `--help` "fails" to parse so that clap can print the help: a success here.
                Err(error) if error.kind() != clap::error::ErrorKind::DisplayHelp => {
                    panic!("{place}: `cargo xtask {}` no longer parses: {error}", words.join(" "))
                }
                _ => {}
            }
        }
    }
}
