//! Settings precedence: flags over `SSI_*` variables over the config file over defaults; colours.

use crate::support::TestEnv;

#[test]
fn the_config_file_names_the_database_and_the_member() {
    let env = TestEnv::new();
    let folder = env.export_folder();
    let config = env.default_config();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    // A relative path in the config file is taken from the config file's folder.
    std::fs::write(&config, "db = \"from-config.db\"\nmember = \"Charles Babbage\"\ncolor = \"never\"\n")
        .unwrap();
    let json = env.json(&["import", folder.to_str().unwrap()]);
    assert_eq!(json["import"]["member"], "Charles Babbage", "the config's member is used for the import");
    assert!(config.parent().unwrap().join("from-config.db").is_file());
    assert!(!env.default_db().exists());
}

#[test]
fn the_environment_beats_the_file_and_a_flag_beats_the_environment() {
    let env = TestEnv::new();
    let folder = env.export_folder();
    let config = env.write("ssi.toml", "db = \"/nonexistent/should-not-be-used.db\"\n");
    let run = |extra: &[&str], db_env: Option<&str>| {
        let mut cmd = env.ssi();
        cmd.env("SSI_CONFIG", &config).args(["import", folder.to_str().unwrap(), "-q"]).args(extra);
        if let Some(db) = db_env {
            cmd.env("SSI_DB", db);
        }
        cmd.assert().success();
    };
    run(&[], Some(env.path("env.db").to_str().unwrap()));
    assert!(env.path("env.db").is_file(), "SSI_DB beats the file");
    run(&["--db", env.path("flag.db").to_str().unwrap()], Some(env.path("env2.db").to_str().unwrap()));
    assert!(env.path("flag.db").is_file(), "--db beats SSI_DB");
    assert!(!env.path("env2.db").exists());
    // --config beats SSI_CONFIG.
    let other = env.write("other.toml", &format!("db = {:?}\n", env.path("other.db").to_str().unwrap()));
    env.ssi()
        .env("SSI_CONFIG", &config)
        .args(["--config", other.to_str().unwrap(), "import", folder.to_str().unwrap(), "-q"])
        .assert()
        .success();
    assert!(env.path("other.db").is_file());
}

#[test]
fn a_broken_config_file_is_named_with_its_line() {
    let env = TestEnv::new();
    let config = env.write("ssi.toml", "db = \"x.db\"\ncolour = \"never\"\n");
    let stderr = env.fails(&["--config", config.to_str().unwrap(), "dashboard"], 1);
    assert!(stderr.starts_with("error: config file ") && stderr.contains("ssi.toml, line 2:"), "{stderr}");
    assert!(stderr.contains("colour"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1);
    let missing = env.fails(&["--config", "nowhere.toml", "dashboard"], 1);
    assert!(missing.contains("config file nowhere.toml does not exist"), "{missing}");
}

#[test]
fn output_that_is_not_a_terminal_has_no_colours_even_without_no_color() {
    let env = TestEnv::new().imported();
    let output = env.ssi().env_remove("NO_COLOR").args(["dashboard"]).output().unwrap();
    assert!(output.status.success());
    assert!(!output.stdout.contains(&0x1b), "no escape codes when stdout is a pipe");
    let output = env.ssi().args(["--color", "never", "explain"]).output().unwrap();
    assert!(!output.stdout.contains(&0x1b));
    env.fails(&["--color", "rainbow", "dashboard"], 2);
}

#[test]
fn ssi_today_must_be_a_date() {
    let env = TestEnv::new().imported();
    let output = env.ssi().env("SSI_TODAY", "tomorrow").args(["dashboard"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "error: SSI_TODAY=\"tomorrow\" is not a date; set it as YYYY-MM-DD (e.g. 2026-11-20) or unset it\n"
    );
}

#[test]
fn a_terminal_gets_colours_unless_no_color_or_never() {
    let env = TestEnv::new().imported();
    let (code, coloured) = env.in_terminal(&["dashboard"], "", false);
    assert_eq!(code, Some(0));
    assert!(coloured.contains("\u{1b}[1mSSI estimate for Ada Lovelace"), "{coloured}");
    let (_, no_color) = env.in_terminal(&["dashboard"], "", true);
    assert!(no_color.contains("SSI estimate for Ada Lovelace") && !no_color.contains('\u{1b}'), "{no_color}");
    let (_, never) = env.in_terminal(&["--color", "never", "dashboard"], "", false);
    assert!(never.contains("SSI estimate for Ada Lovelace") && !never.contains('\u{1b}'), "{never}");
}

#[test]
fn empty_variables_count_as_unset() {
    let env = TestEnv::new();
    let folder = env.export_folder();
    env.ssi()
        .env("SSI_DB", "")
        .env("SSI_MEMBER", "")
        .env("SSI_CONFIG", "")
        .args(["-q", "import", folder.to_str().unwrap()])
        .assert()
        .success();
    assert!(env.default_db().is_file(), "an empty SSI_DB falls back to the default database");
    let json = env.json(&["member", "list"]);
    assert_eq!(
        json["members"][0]["name"], "Ada Lovelace",
        "an empty SSI_MEMBER falls back to the export's name"
    );
}
