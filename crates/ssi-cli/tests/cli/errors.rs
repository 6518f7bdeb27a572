//! Failures: one line, no backtrace, the right exit code, and the database left as it was.

use crate::support::TestEnv;

#[test]
fn usage_errors_exit_with_2() {
    let env = TestEnv::new();
    env.fails(&["frobnicate"], 2);
    env.fails(&["dashboard", "--date", "yesterday"], 2);
    env.fails(&["-q", "-v", "dashboard"], 2);
    env.fails(&["import"], 2);
}

#[test]
fn usage_errors_are_one_line_that_says_where_the_help_is() {
    let env = TestEnv::new();
    for (args, needle, help) in [
        (vec!["frobnicate"], "unrecognized subcommand 'frobnicate'", "see `ssi --help`"),
        (vec!["plann"], "tip: some similar subcommands exist", "see `ssi --help`"),
        (
            vec!["plan", "--colour", "never"],
            "tip: a similar argument exists: '--color'",
            "see `ssi plan --help`",
        ),
        (vec!["plan", "--posts", "x"], "is not a whole number of times a week", "see `ssi plan --help`"),
        (vec!["dashboard", "--date", "yesterday"], "--date", "see `ssi dashboard --help`"),
        (vec!["import"], "PATH", "see `ssi import --help`"),
    ] {
        let stderr = env.fails(&args, 2);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(stderr.contains(needle) && stderr.trim_end().ends_with(help), "{args:?}: {stderr}");
    }
}

#[test]
fn help_and_version_exit_with_0() {
    let env = TestEnv::new();
    let help = env.stdout(&["--help"]);
    for command in ["import", "dashboard", "explain", "history", "reading", "model", "member", "completions"]
    {
        assert!(help.contains(command), "{command} missing from --help");
    }
    assert!(!help.contains("generate-man"), "the man page generator stays hidden");
    assert!(env.stdout(&["--version"]).starts_with("ssi "));
}

#[test]
fn failures_print_one_line_without_a_backtrace_even_when_asked_for() {
    let env = TestEnv::new().imported();
    let output =
        env.ssi().env("RUST_BACKTRACE", "1").args(["member", "rename", "Nobody", "X"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("backtrace") && !stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unusable_database_path_is_named() {
    let env = TestEnv::new();
    let folder = env.export_folder();
    let blocker = env.write("not-a-folder", "a file where a folder should be");
    let db = blocker.join("ssi.db");
    let stderr = env.fails(&["--db", db.to_str().unwrap(), "import", folder.to_str().unwrap()], 1);
    assert!(stderr.starts_with("error: cannot open the database "), "{stderr}");
    assert!(stderr.contains("not-a-folder"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1);
}
