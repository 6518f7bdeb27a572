//! xtask: maintainer tasks for ssi, run as `cargo xtask <task>`.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

mod bench;
mod crash;
mod fidelity;
mod fuzz;
mod gen_export;
mod load;
mod man;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str);
    match task {
        Some("bench") => bench::run(&args[1..]),
        Some("bench-probe") => bench::probe_main(&args[1..]),
        Some("ci") => ci(),
        Some("crash") => crash::run(&args[1..]),
        Some("fidelity") => fidelity::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("gen-export") => gen_export::run(&args[1..]),
        Some("load") => load::run(&args[1..]),
        Some("man") => man::run(),
        Some("help") | None => {
            print_help();
            Ok(())
        }
        Some(other) => {
            print_help();
            bail!("unknown task {other:?}")
        }
    }
}

fn print_help() {
    println!(
        "cargo xtask <task>\n\n\
         tasks:\n  \
         bench       measure ssi against same-run references; print ratios (bench --help)\n  \
         ci          fmt check, clippy -D warnings, doc -D warnings, then the whole test suite\n  \
         crash       kill `ssi import` with SIGKILL at random moments; check the database (crash --help)\n  \
         fidelity    calibrated estimate vs a hidden official formula on held-out days (fidelity --help)\n  \
         fuzz        run every cargo-fuzz target for N seconds each (fuzz --help)\n  \
         gen-export  write a made-up LinkedIn data export zip (gen-export --help)\n  \
         load        the real server under concurrent writes and reads, with restarts (load --help)\n  \
         man         write the man page of ssi to target/man/ssi.1"
    );
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
    Ok(())
}
