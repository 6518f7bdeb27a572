//! `ssi completions SHELL` and the hidden man page generator behind `cargo xtask man`.

use crate::support::TestEnv;

#[test]
fn completion_scripts_name_the_commands() {
    let env = TestEnv::new();
    let bash = env.stdout(&["completions", "bash"]);
    assert!(bash.contains("_ssi()") && bash.contains("dashboard") && bash.contains("--member"), "bash");
    let zsh = env.stdout(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef ssi"), "zsh");
    let fish = env.stdout(&["completions", "fish"]);
    assert!(fish.contains("complete -c ssi"), "fish");
    env.stdout(&["completions", "powershell"]);
    env.stdout(&["completions", "elvish"]);
    env.fails(&["completions", "tcsh"], 2);
}

#[test]
fn the_man_page_is_roff_covering_every_command() {
    let env = TestEnv::new();
    let page = env.stdout(&["generate-man"]);
    assert!(page.contains(".TH ssi 1"), "{}", &page[..200.min(page.len())]);
    for command in [
        "import",
        "dashboard",
        "explain",
        "history",
        "reading add",
        "reading import",
        "model use",
        "member delete",
        "completions",
    ] {
        assert!(page.contains(&format!(".SS \"ssi {command}\"")), "{command}");
    }
    assert!(page.contains("SSI_TODAY"));
}
