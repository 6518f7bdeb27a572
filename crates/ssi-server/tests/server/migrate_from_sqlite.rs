//! `ssi-server migrate-from-sqlite`, the real binary against a throwaway PostgreSQL
//! cluster: a single-node database (the bundled sample export and workbook, pushed
//! scores, tokens, teams) is copied and reads the same on PostgreSQL; a second run is
//! refused with one line; no output ever shows the URL's password.

use ssi_pg_harness::PgCluster;
use ssi_store::pg::PgStore;
use ssi_store::{MemberId, PushedScore, Role, Store};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repository_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name)
}

fn migrate(file: &Path, url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ssi-server"))
        .args(["migrate-from-sqlite".as_ref(), file.as_os_str(), "--database".as_ref(), url.as_ref()])
        .env_remove("SSI_CONFIG")
        .output()
        .unwrap()
}

/// The password of a `postgres://user:password@host/db` URL.
fn password(url: &str) -> &str {
    let (_, rest) = url.split_once("://").unwrap();
    let (user, _) = rest.split_once('@').unwrap();
    user.split_once(':').unwrap().1
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_single_node_database_moves_to_postgresql_and_reads_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ssi.db");
    let store = Store::open(&file).unwrap();
    let today = chrono::Utc::now().date_naive();
    let team = store.create_team("Sales").unwrap().id;
    let sample = store.create_member("Sample Rep", Some("Software Development"), Some(team)).unwrap().id;
    for name in ["sample-export.zip", "sample-analytics.xlsx"] {
        ssi_server::import_export(&store, &|_| {}, sample, &repository_file(name), name, today).unwrap();
    }
    let pusher = store.create_member("Pushing Rep", None, Some(team)).unwrap().id;
    let pushed = PushedScore {
        date: today,
        model_version: "cli-1".into(),
        pillars: ssi_core::PillarScores::from_array([5.0, 6.0, 7.0, 8.0]),
        total: 26.0,
        components: Vec::new(),
    };
    store.push_scores(pusher, &[pushed]).unwrap();
    store.create_token(Role::Manager, None, Some(team), "lead").unwrap();

    let cluster = PgCluster::for_test();
    let url = cluster.create_database("migrate_from_sqlite").unwrap();
    let output = migrate(&file, &url);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    // The report, for docs/deploy.md's figure (`-- --nocapture`).
    println!("{stdout}");
    assert!(stdout.starts_with(&format!("Copied {} to PostgreSQL in ", file.display())), "{stdout}");
    for table in ["members", "events", "daily_scores", "api_tokens", "analytics_days", "post_analytics"] {
        let line = stdout.lines().find(|l| l.split_whitespace().next() == Some(table)).expect(table);
        let rows: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert!(rows > 0, "{line}");
    }
    assert!(stdout.contains("1 teams' leaderboards"), "{stdout}");
    assert!(stdout.contains("history of 2 members"), "{stdout}");
    assert!(!stdout.contains(password(&url)) && !stderr.contains(password(&url)));

    let pg = PgStore::connect(&url, 2).unwrap();
    for member in [sample, pusher] {
        assert_eq!(store.latest_score(member, None).unwrap(), pg.latest_score(member, None).unwrap());
        assert_eq!(store.history(member, None, None).unwrap(), pg.history(member, None, None).unwrap());
    }
    assert_eq!(store.team_leaderboard(team, today).unwrap(), pg.team_leaderboard(team, today).unwrap());
    assert!(pg.latest_score(MemberId(sample.0), None).unwrap().is_some());

    // The target now holds data: a second run is refused with one line, changing nothing.
    let version = pg.data_version().unwrap();
    let output = migrate(&file, &url);
    let (stdout, stderr) = text(&output);
    assert!(!output.status.success());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("the PostgreSQL database is not empty"), "{stderr}");
    assert!(!stdout.contains(password(&url)) && !stderr.contains(password(&url)));
    assert_eq!(pg.data_version().unwrap(), version);
}

#[test]
fn failures_are_one_line_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    let output = migrate(&missing, "postgres://ssi:never-shown-7@127.0.0.1:1/ssi");
    let (_, stderr) = text(&output);
    assert!(!output.status.success());
    assert_eq!(stderr.trim(), format!("ssi-server: {}: no such SQLite database", missing.display()));
    assert!(!missing.exists(), "a mistyped path is not created");

    let file = dir.path().join("ssi.db");
    Store::open(&file).unwrap();
    let cluster = PgCluster::for_test();
    let url = cluster.create_database("wrong_password").unwrap();
    let wrong = url.replacen(password(&url), "never-shown-7", 1);
    let output = migrate(&file, &wrong);
    let (stdout, stderr) = text(&output);
    assert!(!output.status.success());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("cannot connect to the PostgreSQL database"), "{stderr}");
    assert!(!stdout.contains("never-shown-7") && !stderr.contains("never-shown-7"), "{stderr}");
}
