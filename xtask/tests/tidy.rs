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

/// The names of the structs and enums declared in the non-test code under `dir`, with
/// whether each derives `JsonSchema`.
fn declared_types(dir: &str) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for path in rust_files() {
        let rel = relative(&path);
        if !rel.starts_with(dir) || is_test_code(&path) {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap_or_default();
        let mut derives_schema = false;
        for line in text.lines().map(str::trim_start) {
            if line.starts_with("#[") {
                derives_schema |= line.contains("JsonSchema");
                continue;
            }
            if line.starts_with("///") || line.is_empty() {
                continue;
            }
            let declared =
                ["pub struct ", "pub enum ", "pub(crate) struct ", "pub(crate) enum ", "struct ", "enum "]
                    .iter()
                    .find_map(|prefix| line.strip_prefix(prefix));
            if let Some(rest) = declared {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                out.push((rel.clone(), name, derives_schema));
            }
            derives_schema = false;
        }
    }
    out
}

#[test]
fn no_json_schema_is_written_by_hand() {
    // The OpenAPI document's schemas are derived from the wire types themselves (ssi-core
    // and ssi-api with their `schema` feature). A schema-only copy of one of their types in
    // the server (the old `core_schemas` and `advice_schemas` modules), a schema implemented
    // by hand, an object schema spelt as a `json!` literal, or a field pointing at another
    // type's schema (`schemars(with = …)`) would let the document and the types drift apart.
    let mut shared: Vec<String> = declared_types("crates/ssi-core/src")
        .into_iter()
        .chain(declared_types("crates/ssi-api/src"))
        .map(|(_, name, _)| name)
        .collect();
    shared.sort();
    assert!(shared.binary_search(&"PillarScores".to_string()).is_ok(), "the type scan finds core types");
    let mut offenders: Vec<String> = declared_types("crates/ssi-server/src")
        .into_iter()
        .filter(|(_, name, derives)| *derives && shared.binary_search(name).is_ok())
        .map(|(file, name, _)| format!("{file}: {name} re-declares a shared type's schema"))
        .collect();
    let hand_written = [concat!("impl JsonSchema", " for"), concat!("impl schemars::JsonSchema", " for")];
    for path in rust_files() {
        let rel = relative(&path);
        if is_test_code(&path) || rel.starts_with("xtask/") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let at = format!("{rel}:{}: {}", n + 1, line.trim());
            if hand_written.iter().any(|h| line.contains(h)) {
                offenders.push(format!("{at} (a schema implemented by hand)"));
            }
            if rel.starts_with("crates/ssi-server/") {
                if line.contains(concat!("schemars(with", " =")) {
                    offenders.push(format!("{at} (a field documented as another type)"));
                }
                if line.contains("json!") && line.contains(concat!("\"properties\"", ":")) {
                    offenders.push(format!("{at} (an object schema written as JSON)"));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "JSON Schemas written by hand: {offenders:#?}");
}

#[test]
fn schemars_stays_a_derive_behind_the_schema_feature_in_core_and_api() {
    // ssi-core and ssi-api are plain data: schemars reaches them only as an optional
    // dependency whose every use is a `cfg_attr(feature = "schema", …)` attribute.
    for krate in ["ssi-core", "ssi-api"] {
        let manifest = fs::read_to_string(root().join("crates").join(krate).join("Cargo.toml")).unwrap();
        let dependency = manifest.lines().find(|l| l.starts_with("schemars")).expect("schemars is declared");
        assert!(dependency.contains("optional = true"), "{krate}: {dependency}");
        assert!(manifest.contains("schema = [\"dep:schemars\""), "{krate} has a schema feature");
        for path in rust_files() {
            let rel = relative(&path);
            if !rel.starts_with(&format!("crates/{krate}/src")) {
                continue;
            }
            let text = fs::read_to_string(&path).unwrap_or_default();
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") || !code.contains("schemars") {
                    continue;
                }
                assert!(
                    code.starts_with("#[cfg_attr(feature = \"schema\", "),
                    "{rel}:{}: schemars outside a schema-feature attribute: {code}",
                    n + 1
                );
            }
        }
    }
}

#[test]
fn the_server_crate_exposes_no_module() {
    // Its public surface is the few items the binary and the tests use, re-exported from
    // lib.rs; a `pub mod` would make the whole module part of it again.
    let lib = fs::read_to_string(root().join("crates/ssi-server/src/lib.rs")).unwrap();
    let public: Vec<&str> = lib.lines().filter(|l| l.trim_start().starts_with("pub mod ")).collect();
    assert!(public.is_empty(), "public modules in ssi-server: {public:?}");
    assert!(lib.lines().any(|l| l.starts_with("pub use ")), "lib.rs re-exports what is public");
}
