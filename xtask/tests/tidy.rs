//! Tidy checks over the whole source tree, written as tests so `cargo test` enforces them.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Every `.rs` file of the workspace (crates, xtask, tests, fuzz), skipping build output.
fn rust_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> =
        ["crates", "xtask", "tests", "fuzz"].iter().map(|d| root().join(d)).collect();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir() {
                if name != "target" && name != "fixtures" && name != "corpus" && name != "artifacts" {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(out.len() > 10, "found too few Rust files under {}", root().display());
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}

/// Whether a path is test code (integration tests or a tests module directory).
fn is_test_code(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "tests" || c.as_os_str() == "benches")
}

#[test]
fn every_rust_file_opens_with_a_doc_line_saying_what_it_is_for() {
    let offenders: Vec<String> = rust_files()
        .into_iter()
        .filter(|path| {
            let text = fs::read_to_string(path).unwrap_or_default();
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            !first.starts_with("//!")
        })
        .map(|p| relative(&p))
        .collect();
    assert!(offenders.is_empty(), "files without a leading //! line: {offenders:#?}");
}

#[test]
fn no_placeholders_are_left_in_code() {
    // Spelt in pieces so that this file does not match its own search (nor the
    // before-stop hook's).
    let markers =
        [concat!("todo", "!("), concat!("unimplemented", "!("), concat!("FIX", "ME"), concat!("X", "XX")];
    let mut offenders = Vec::new();
    for path in rust_files() {
        if path.ends_with("xtask/tests/tidy.rs") {
            continue; // this file names the markers it looks for
        }
        let text = fs::read_to_string(&path).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            if markers.iter().any(|m| line.contains(m)) {
                offenders.push(format!("{}:{}: {}", relative(&path), n + 1, line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "placeholders: {offenders:#?}");
}

/// SQL statements as they would start inside a string literal.
const SQL_STARTS: [&str; 7] =
    ["SELECT ", "INSERT INTO", "INSERT OR ", "UPDATE ", "DELETE FROM", "CREATE TABLE", "CREATE INDEX"];

fn looks_like_sql(literal: &str) -> bool {
    let upper = literal.trim_start().to_ascii_uppercase();
    SQL_STARTS.iter().any(|s| upper.starts_with(s))
}

/// The string literals on a line (simple lexer: enough for this tree's style).
fn literals(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        match end {
            Some(i) => {
                out.push(after[..i].to_string());
                rest = &after[i + 1..];
            }
            None => {
                out.push(after.to_string());
                break;
            }
        }
    }
    out
}

#[test]
fn sql_lives_only_in_ssi_store() {
    let mut offenders = Vec::new();
    for path in rust_files() {
        let rel = relative(&path);
        if rel.starts_with("crates/ssi-store/") || is_test_code(&path) || rel.starts_with("xtask/") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            if literals(line).iter().any(|l| looks_like_sql(l)) {
                offenders.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "SQL outside ssi-store: {offenders:#?}");
}

#[test]
fn sql_is_never_built_with_format() {
    // Values reach SQL only as bound parameters: a `format!` whose template is
    // SQL is how injection starts, so shipped code has none. Tests may name
    // tables they enumerate from `sqlite_master` (identifiers cannot be bound).
    let mut offenders = Vec::new();
    for path in rust_files() {
        if is_test_code(&path) {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            for (at, _) in line.match_indices("format!(") {
                // The template may start on this line or the next one.
                let tail = format!("{} {}", &line[at..], lines.get(n + 1).unwrap_or(&""));
                if literals(&tail).first().is_some_and(|l| looks_like_sql(l)) {
                    offenders.push(format!("{}:{}: {}", relative(&path), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "SQL built with format!: {offenders:#?}");
}

#[test]
fn the_sql_detector_itself_works() {
    assert!(looks_like_sql("SELECT id FROM members"));
    assert!(looks_like_sql("  insert into events VALUES (?1)"));
    assert!(!looks_like_sql("Selected 3 members"));
    assert_eq!(literals(r#"let q = format!("DELETE FROM {t}", t = "x");"#), vec!["DELETE FROM {t}", "x"]);
    assert_eq!(literals(r#"say("a \"quoted\" word")"#), vec![r#"a \"quoted\" word"#]);
}

/// Whether a line of xtask reads the process's arguments itself rather than through clap.
fn reads_arguments_by_hand(line: &str) -> bool {
    let code = line.split("//").next().unwrap_or("");
    code.contains("env::args") || (code.contains("std::env::{") && code.contains("args"))
}

#[test]
fn xtask_reads_its_arguments_only_through_clap() {
    // One `derive(Parser)` (xtask/src/main.rs) parses every task's options, so
    // help, defaults and errors (exit status 2) are the same everywhere.
    let mut offenders = Vec::new();
    let mut sources = 0;
    for path in rust_files() {
        let rel = relative(&path);
        if !rel.starts_with("xtask/src/") {
            continue;
        }
        sources += 1;
        let text = fs::read_to_string(&path).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            if reads_arguments_by_hand(line) {
                offenders.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(sources > 10, "found too few xtask sources");
    assert!(offenders.is_empty(), "xtask reads arguments outside clap: {offenders:#?}");
    let main = fs::read_to_string(root().join("xtask/src/main.rs")).unwrap();
    assert!(
        main.contains("derive(Debug, Parser)") && main.contains("Xtask::parse()"),
        "xtask's entry is clap"
    );
}

#[test]
fn the_argument_reading_detector_itself_works() {
    assert!(reads_arguments_by_hand("    let args: Vec<String> = std::env::args().skip(1).collect();"));
    assert!(reads_arguments_by_hand("for arg in env::args_os() {"));
    assert!(reads_arguments_by_hand("use std::env::{args, var};"));
    assert!(!reads_arguments_by_hand("cmd.args([\"build\", \"-p\", \"ssi-cli\"]);"));
    assert!(!reads_arguments_by_hand("let dir = std::env::var_os(\"CARGO_TARGET_DIR\"); // not env::args"));
}
