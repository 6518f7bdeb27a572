//! The README's main command on a fresh machine: import the sample export into the default database, then the dashboard.

use crate::support::TestEnv;
use std::path::PathBuf;

/// `examples/sample-export.zip` at the workspace root.
fn sample_export() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/sample-export.zip")
}

#[test]
fn the_readme_command_works_on_a_fresh_machine() {
    let sample = sample_export();
    assert!(sample.is_file(), "{} is missing: run `cargo xtask gen-export`", sample.display());
    let env = TestEnv::new();
    // As the README says it, from the workspace root with a relative path.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output =
        env.ssi().current_dir(&root).args(["import", "examples/sample-export.zip"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let import = String::from_utf8(output.stdout).unwrap();
    assert!(import.starts_with("Imported sample-export.zip for "), "{import}");
    assert!(import.contains(" events added of ") && import.contains("Files used ("), "the summary: {import}");
    assert!(import.contains("SSI estimate for "), "the import ends with the dashboard: {import}");
    assert!(env.default_db().is_file(), "the database is in the platform data directory");
    let dashboard = env.stdout(&[]);
    assert!(dashboard.starts_with("SSI estimate for "), "{dashboard}");
    assert!(dashboard.contains(" / 100  "), "{dashboard}");
}
