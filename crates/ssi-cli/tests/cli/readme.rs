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
    // One command imports the export and then its creator analytics workbook.
    let output = env
        .ssi()
        .current_dir(&root)
        .args(["import", "examples/sample-export.zip", "examples/sample-analytics.xlsx"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let import = String::from_utf8(output.stdout).unwrap();
    assert!(import.starts_with("Imported sample-export.zip for "), "{import}");
    assert!(import.contains(" events added of ") && import.contains("Files used ("), "the summary: {import}");
    let workbook = import.find("Imported creator analytics sample-analytics.xlsx for ").expect(&import);
    assert!(import.contains("aggregate layout, days 2025-11-20 to 2026-11-19"), "{import}");
    assert_eq!(import.matches("SSI estimate for ").count(), 1, "one dashboard: {import}");
    let dashboard_at = import.find("SSI estimate for ").unwrap();
    assert!(dashboard_at > workbook, "the import ends with the dashboard: {import}");
    assert!(
        import[dashboard_at..].contains("Your audience   ") && import[dashboard_at..].contains("followers"),
        "the dashboard shows the workbook's figures: {import}"
    );
    assert!(env.default_db().is_file(), "the database is in the platform data directory");
    let dashboard = env.stdout(&[]);
    assert!(dashboard.starts_with("SSI estimate for "), "{dashboard}");
    assert!(dashboard.contains(" / 100  "), "{dashboard}");

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
