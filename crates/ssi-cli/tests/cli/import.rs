//! `ssi import`: folders and ZIPs, the summary, re-imports, members, and failures that leave the database alone.

use crate::support::{MEMBER, TestEnv, write_export};

#[test]
fn importing_a_folder_prints_the_summary_then_the_dashboard() {
    let env = TestEnv::new();
    let folder = env.export_folder();
    let output = env.ssi().args(["import", folder.to_str().unwrap()]).output().unwrap();
    assert!(output.status.success());
    // Not a terminal: no progress bar, and nothing else on stderr.
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    let stdout = String::from_utf8(output.stdout).unwrap();
    insta::assert_snapshot!("import_folder", stdout);
    assert!(env.default_db().is_file(), "the default database is created");
}

#[test]
fn importing_a_zip_gives_the_same_scores_as_the_folder() {
    let from_zip = TestEnv::new();
    let zip = from_zip.export_zip();
    let zipped = from_zip.json(&["import", zip.to_str().unwrap()]);
    let from_folder = TestEnv::new();
    let folder = from_folder.export_folder();
    let unzipped = from_folder.json(&["import", folder.to_str().unwrap()]);
    assert_eq!(zipped["import"]["source"], "Basic_LinkedInDataExport_11-20-2026.zip");
    assert_eq!(zipped["import"]["events_added"], unzipped["import"]["events_added"]);
    assert_eq!(zipped["dashboard"]["estimate"], unzipped["dashboard"]["estimate"]);
}

#[test]
fn the_import_json_reports_files_skips_and_ignored_files() {
    let env = TestEnv::new();
    let folder = env.export_folder();
    let json = env.json(&["import", folder.to_str().unwrap()]);
    let import = &json["import"];
    assert_eq!(import["member"], MEMBER);
    assert_eq!(import["member_created"], true);
    assert_eq!(import["outcome"], "imported");
    assert_eq!(import["export_date"], "2026-11-20");
    assert_eq!(import["events_read"], 26);
    assert_eq!(import["events_added"], 26);
    assert!(import["days_rescored"].as_u64().unwrap() > 600);
    let files = import["files"].as_array().unwrap();
    let shares = files.iter().find(|f| f["name"] == "Shares.csv").expect("Shares.csv is reported");
    assert_eq!((shares["kind"].as_str(), shares["rows_read"].as_u64()), (Some("shares"), Some(4)));
    assert_eq!((shares["events"].as_u64(), shares["rows_skipped"].as_u64()), (Some(3), Some(1)));
    assert_eq!(import["rows_skipped"], 1);
    let skipped = &import["skipped"][0];
    assert_eq!((skipped["file"].as_str(), skipped["line"].as_u64()), (Some("Shares.csv"), Some(5)));
    assert_eq!(skipped["field"], "Date");
    assert_eq!(skipped["reason"], "date in no known format");
    assert_eq!(import["not_used"][0]["name"], "Ad_Targeting.csv");
    assert!(import["not_recognised"].as_array().unwrap().is_empty());
    assert_eq!(json["dashboard"]["member"], MEMBER);
    assert_eq!(json["dashboard"]["date"], "2026-11-20");
}

#[test]
fn importing_the_same_export_twice_changes_nothing() {
    let env = TestEnv::new().imported();
    let before = env.json(&["history"]);
    let folder = env.path("Basic_LinkedInDataExport_11-20-2026");
    let again = env.stdout(&["import", folder.to_str().unwrap()]);
    assert!(
        again.starts_with("Basic_LinkedInDataExport_11-20-2026 was already imported for Ada Lovelace on "),
        "{again}"
    );
    assert!(again.contains("nothing changed"), "{again}");
    let json = env.json(&["import", folder.to_str().unwrap()]);
    assert_eq!(json["import"]["outcome"], "already_imported");
    assert_eq!(json["import"]["events_added"], 0);
    assert_eq!(env.json(&["history"]), before);
}

#[test]
fn member_names_another_person_in_the_same_database() {
    let env = TestEnv::new().imported();
    let folder = env.path("Basic_LinkedInDataExport_11-20-2026");
    let json = env.json(&["import", folder.to_str().unwrap(), "--member", "Charles Babbage"]);
    assert_eq!(json["import"]["member"], "Charles Babbage");
    assert_eq!(json["import"]["member_created"], true);
    // Each member imports the export once.
    assert_eq!(json["import"]["outcome"], "imported");
    let members = env.json(&["member", "list"]);
    let names: Vec<&str> =
        members["members"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ada Lovelace", "Charles Babbage"]);
}

#[test]
fn a_path_that_does_not_exist_fails_without_creating_a_database() {
    let env = TestEnv::new();
    let stderr = env.fails(&["import", "nowhere.zip"], 1);
    assert_eq!(
        stderr,
        "error: nowhere.zip does not exist; give the path of your LinkedIn data export (the .zip or its unpacked folder)\n"
    );
    assert!(!env.default_db().exists());
}

#[test]
fn a_folder_that_is_not_an_export_fails_on_one_line_and_stores_nothing() {
    let env = TestEnv::new().imported();
    let before = env.json(&["member", "list"]);
    let folder = env.path("holiday-photos");
    write_export(&folder, &[("notes.txt", "not an export\n")]);
    let stderr = env.fails(&["import", folder.to_str().unwrap()], 1);
    assert!(stderr.starts_with("error: cannot import "), "{stderr}");
    assert!(stderr.contains("holiday-photos"), "{stderr}");
    assert!(stderr.contains("nothing was stored"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(env.json(&["member", "list"]), before);
}

#[test]
fn a_header_ssi_cannot_read_aborts_before_anything_is_stored() {
    let env = TestEnv::new();
    let folder = env.path("Basic_LinkedInDataExport_11-21-2026");
    let files: Vec<(&str, &str)> =
        crate::support::FIXTURE
            .iter()
            .map(|&(name, content)| {
                if name == "messages.csv" { (name, "WHO,WHEN\nsomeone,yesterday\n") } else { (name, content) }
            })
            .collect();
    write_export(&folder, &files);
    let stderr = env.fails(&["import", folder.to_str().unwrap()], 1);
    assert!(stderr.contains("messages.csv"), "the error names the file: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(env.json(&["member", "list"])["members"].as_array().unwrap().is_empty());
}

#[test]
fn a_corrupt_entry_found_mid_import_rolls_back_and_leaves_no_member_behind() {
    let env = TestEnv::new();
    let zip = env.path("Basic_LinkedInDataExport_11-20-2026.zip");
    crate::support::zip_files_stored(&zip, "Basic_LinkedInDataExport_11-20-2026", &crate::support::FIXTURE);
    // Change one byte of Logins.csv inside the archive: its header still reads,
    // but its checksum fails once the events reach its end.
    let mut bytes = std::fs::read(&zip).unwrap();
    let at = bytes.windows(7).position(|w| w == b"Mozilla").expect("Logins.csv is stored uncompressed");
    bytes[at] = b'N';
    std::fs::write(&zip, bytes).unwrap();
    let stderr = env.fails(&["import", zip.to_str().unwrap()], 1);
    assert!(stderr.starts_with("error: cannot import "), "{stderr}");
    assert!(stderr.contains("Logins.csv"), "the error names the file: {stderr}");
    assert!(stderr.contains("nothing was stored"), "{stderr}");
    assert!(env.json(&["member", "list"])["members"].as_array().unwrap().is_empty(), "no member left behind");
}

#[test]
fn verbose_logs_go_to_stderr_and_quiet_keeps_it_empty() {
    let env = TestEnv::new();
    let folder = env.export_folder();
    let verbose = env.ssi().args(["-v", "import", folder.to_str().unwrap()]).output().unwrap();
    assert!(verbose.status.success());
    let log = String::from_utf8(verbose.stderr).unwrap();
    assert!(log.contains("INFO") && log.contains("importing"), "{log}");

    let other = TestEnv::new();
    let folder = other.export_folder();
    let quiet = other.ssi().args(["-q", "import", folder.to_str().unwrap()]).output().unwrap();
    assert!(quiet.status.success());
    assert!(quiet.stderr.is_empty());
    assert!(String::from_utf8(quiet.stdout).unwrap().contains("SSI estimate for Ada Lovelace"));
}

#[test]
fn a_terminal_shows_the_progress_of_the_import_unless_quiet() {
    let env = TestEnv::new();
    let folder = env.export_folder();
    let (code, screen) = env.in_terminal(&["import", folder.to_str().unwrap()], "", true);
    assert_eq!(code, Some(0));
    assert!(screen.contains("Reading the export: "), "{screen}");
    assert!(screen.contains("Imported Basic_LinkedInDataExport_11-20-2026 for Ada Lovelace"), "{screen}");

    let other = TestEnv::new();
    let folder = other.export_folder();
    let (code, screen) = other.in_terminal(&["-q", "import", folder.to_str().unwrap()], "", true);
    assert_eq!(code, Some(0));
    assert!(!screen.contains("Reading the export"), "{screen}");
}
