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

    // The README's command goes on with the sample's creator analytics workbook.
    let output =
        env.ssi().current_dir(&root).args(["import", "examples/sample-analytics.xlsx"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let import = String::from_utf8(output.stdout).unwrap();
    assert!(import.starts_with("Imported creator analytics sample-analytics.xlsx for "), "{import}");
    assert!(import.contains("aggregate layout, days 2025-11-20 to 2026-11-19"), "{import}");
    assert!(
        import.contains("Your audience   ") && import.contains("followers"),
        "the dashboard shows it: {import}"
    );
    // Explain traces the two new components' points to the workbook's days.
    let explain: serde_json::Value =
        serde_json::from_str(&env.stdout(&["explain", "--pillar", "brand", "--json"])).unwrap();
    for (id, first_day) in
        [("brand.engagement_received", "2026-08-23"), ("brand.follower_growth", "2026-08-23")]
    {
        let c = explain["components"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap();
        assert_eq!(c["no_data"], false, "{c}");
        assert!(c["points"].as_f64().unwrap() > 0.0, "{c}");
        assert_eq!(c["workbook_days"]["first_day"], first_day, "{c}");
        assert_eq!(c["workbook_days"]["last_day"], "2026-11-19", "{c}");
        assert_eq!(c["workbook_days"]["days_reported"], 89, "{c}");
    }
    let text = env.stdout(&["explain", "--pillar", "brand"]);
    assert!(
        text.contains(
            "from    the creator analytics workbook: 89 days reported from 2026-08-23 to 2026-11-19"
        ),
        "{text}"
    );
}
