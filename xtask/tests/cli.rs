//! The real xtask binary's command line: help for every task, clap's exit status 2 for bad arguments, and a documented gen-export command reproducing its committed fixture.

use std::path::Path;
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_lists_every_task_and_each_task_explains_its_options() {
    for help in [xtask(&["--help"]), xtask(&[])] {
        assert!(help.status.success(), "{help:?}");
        let out = text(&help.stdout);
        for task in ["bench", "ci", "crash", "fidelity", "fuzz", "gen-export", "load", "man"] {
            assert!(out.lines().any(|l| l.trim_start().starts_with(task)), "{task} missing:\n{out}");
        }
    }
    let cases: [(&str, &[&str]); 6] = [
        ("bench", &["--quick", "--out", "--keep", "--only"]),
        ("crash", &["--runs", "--size", "--reimport-every", "--seed", "--debug"]),
        ("fidelity", &["--members", "--seed", "--readings", "--span", "--holdout", "--quick", "--ssi"]),
        ("fuzz", &["--seconds", "--sanitizer", "csv_layer"]),
        ("gen-export", &["--size", "--seed", "--out", "--style", "--export-date", "--quirks"]),
        ("load", &["--seconds", "--restart", "--writers", "--readers", "--max-requests", "--release"]),
    ];
    for (task, flags) in cases {
        let help = xtask(&[task, "--help"]);
        assert!(help.status.success(), "{task}: {help:?}");
        let out = text(&help.stdout);
        for flag in flags {
            assert!(out.contains(flag), "{task} --help does not mention {flag}:\n{out}");
        }
    }
}

#[test]
fn bad_arguments_fail_with_clap_exit_status_2_and_name_the_argument() {
    let cases: [(&[&str], &str); 7] = [
        (&["gen-export", "--size", "huge"], "--size"),
        (&["gen-export", "--export-date", "1979-05-01"], "1980 to 2107"),
        (&["crash", "--runs", "0"], "--runs"),
        (&["load", "--writers", "65"], "--writers"),
        (&["fuzz", "nope"], "nope"),
        (&["bench", "--only", "gpu"], "gpu"),
        (&["deploy"], "deploy"),
    ];
    for (args, named) in cases {
        let run = xtask(args);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {run:?}");
        let err = text(&run.stderr);
        assert!(err.starts_with("error: ") && err.contains(named), "{args:?}: {err}");
        assert!(run.stdout.is_empty(), "{args:?} wrote to stdout");
    }
}

#[test]
fn the_documented_fixture_command_reproduces_the_committed_fixture() {
    // docs/sample-data.md: `cargo xtask gen-export --size small --seed 7 --style 2021 --out tests/fixtures/export-2021.zip`
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("export-2021.zip");
    let out_arg = out.to_str().expect("utf-8 path");
    let run = xtask(&["gen-export", "--size", "small", "--seed", "7", "--style", "2021", "--out", out_arg]);
    assert!(run.status.success(), "{run:?}");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/export-2021.zip");
    let committed = std::fs::read(&fixture).expect("the committed fixture");
    assert!(
        std::fs::read(&out).expect("written") == committed,
        "not byte-identical to {}",
        fixture.display()
    );
}
