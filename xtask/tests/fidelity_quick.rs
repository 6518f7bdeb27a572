//! Runs `cargo xtask fidelity --quick` end to end so the harness cannot rot: three members scored by the hidden formula, calibrated through the real `ssi`, and a table of held-out errors.
//!
//! The figures themselves are the harness's output, not asserted to a
//! decimal; what must hold is that every member was measured and that
//! calibration did not make the estimate worse than the model alone.

use std::process::Command;

#[test]
fn quick_fidelity_measures_every_member_through_the_cli() {
    let xtask = std::path::Path::new(env!("CARGO_BIN_EXE_xtask"));
    let mut command = Command::new(xtask);
    command.args(["fidelity", "--quick"]);
    // `cargo test --workspace` has just built ssi beside xtask: use it rather
    // than building it again with another feature set.
    let ssi = xtask.with_file_name(format!("ssi{}", std::env::consts::EXE_SUFFIX));
    if ssi.exists() {
        command.arg("--ssi").arg(ssi);
    }
    let output = command.output().expect("xtask runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "fidelity --quick failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
    for member in ["member-1", "member-2", "member-3"] {
        let row = stdout.lines().find(|l| l.starts_with(&format!("| {member} |"))).unwrap_or_else(|| {
            panic!("{member} missing from the table:\n{stdout}");
        });
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let uncalibrated: f64 = cells[4].parse().expect("an uncalibrated error");
        let calibrated: f64 = cells[5].parse().expect("a calibrated error");
        assert!(cells[7].parse::<f64>().is_ok(), "a reported error: {row}");
        assert!(calibrated.is_finite() && uncalibrated.is_finite(), "{row}");
    }
    let mean = stdout.lines().find(|l| l.starts_with("| **mean**")).expect("a mean row");
    let cells: Vec<&str> = mean.split('|').map(str::trim).collect();
    let uncalibrated: f64 = cells[4].parse().unwrap();
    let calibrated: f64 = cells[5].trim_matches('*').parse().unwrap();
    assert!(calibrated < uncalibrated, "calibration made the estimate worse:\n{stdout}");
    assert!(stdout.contains("reported walk-forward error vs actual held-out error"), "{stdout}");
}
