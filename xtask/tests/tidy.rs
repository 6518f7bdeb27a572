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

/// The sibling modules each module names through `crate::` or `super::` paths
/// (comments left out; the crate root, which declares them all, is not a module here).
fn module_imports(modules: &[(String, String)]) -> std::collections::BTreeMap<String, Vec<String>> {
    module_imports_through(modules, &["crate::", "super::"])
}

/// [`module_imports`] for sibling modules named only through the given path prefixes
/// (`super::` alone inside a folder module such as `pg/`, whose `crate::` paths name the
/// crate's top-level modules, not its siblings).
fn module_imports_through(
    modules: &[(String, String)],
    prefixes: &[&str],
) -> std::collections::BTreeMap<String, Vec<String>> {
    let names: std::collections::BTreeSet<&str> = modules.iter().map(|(name, _)| name.as_str()).collect();
    let ident_at = |text: &str| -> String {
        text.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
    };
    let mut graph = std::collections::BTreeMap::new();
    for (name, text) in modules {
        let code: String =
            text.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        let mut named = std::collections::BTreeSet::new();
        for prefix in prefixes {
            for (at, _) in code.match_indices(prefix) {
                let rest = &code[at + prefix.len()..];
                if let Some(group) = rest.strip_prefix('{') {
                    // `use crate::{a::X, b::{Y, Z}}`: the first name of each item at depth 0.
                    let mut depth = 0;
                    let mut item_start = true;
                    for (i, c) in group.char_indices() {
                        match c {
                            '{' => depth += 1,
                            '}' if depth == 0 => break,
                            '}' => depth -= 1,
                            ',' if depth == 0 => item_start = true,
                            c if item_start && !c.is_whitespace() => {
                                named.insert(ident_at(&group[i..]));
                                item_start = false;
                            }
                            _ => {}
                        }
                    }
                } else {
                    named.insert(ident_at(rest));
                }
            }
        }
        named.retain(|n| n != name && names.contains(n.as_str()));
        graph.insert(name.clone(), named.into_iter().collect());
    }
    graph
}

/// A loop of imports (`a -> b -> … -> a`), if the graph has one.
fn import_cycle(graph: &std::collections::BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, Vec<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|p| p == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_two_ssi_store_modules_import_each_other() {
    // A loop inside the store means no module can be understood (or replaced
    // by a second backend) without the others: lower modules (series, events,
    // models, members) serve higher ones (rescore, score_reads, imports, groups).
    // The PostgreSQL backend's modules (src/pg/) keep the same rule among themselves.
    for (folder, root_module, prefixes) in [
        ("crates/ssi-store/src", "lib", &["crate::", "super::"][..]),
        ("crates/ssi-store/src/pg", "mod", &["super::"][..]),
    ] {
        let dir = root().join(folder);
        let mut modules: Vec<(String, String)> = fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|e| e == "rs") && p.file_stem().is_some_and(|s| s != root_module)
            })
            .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), fs::read_to_string(&p).unwrap()))
            .collect();
        modules.sort();
        assert!(modules.len() > 10, "found too few modules in {}", dir.display());
        let graph = module_imports_through(&modules, prefixes);
        assert!(
            graph.values().filter(|named| !named.is_empty()).count() > 5,
            "the parser sees imports in {folder}: {graph:#?}"
        );
        assert_eq!(import_cycle(&graph), None, "modules of {folder} import each other: {graph:#?}");
    }
}

#[test]
fn the_import_cycle_detector_itself_works() {
    let module = |name: &str, text: &str| (name.to_string(), text.to_string());
    let looped = [
        module("a", "use crate::b::thing;\n"),
        module("b", "use crate::{db::x, c::{y, z}};\n"),
        module("c", "fn f() { super::a::go() }\n// crate::d is only named in a comment\n"),
        module("d", "use crate::Store;\n"),
        module("db", "mod tests { use super::*; }\n"),
    ];
    let graph = module_imports(&looped);
    assert_eq!(graph["b"], ["c", "db"]);
    assert!(graph["d"].is_empty() && graph["db"].is_empty(), "{graph:?}");
    assert_eq!(import_cycle(&graph), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
    let layered = [module("a", "use crate::b::x;\n"), module("b", "use crate::c::y;\n"), module("c", "")];
    assert_eq!(import_cycle(&module_imports(&layered)), None);
}

/// Where `text` (code without comments) loops over store calls: the body of a
/// `for`, `while` or `loop`, or a closure given to an iterator's adaptor, that
/// calls a method of `store` or hands `store` to a function. Returns the
/// offending loops' first lines.
fn loops_over_store_calls(text: &str) -> Vec<String> {
    let code = blank_strings(
        &text
            .lines()
            .map(|l| if l.trim_start().starts_with("//") { "" } else { l })
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let bytes = code.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    // The text between the bracket at `open` and its match.
    let inside = |open: usize| -> &str {
        let (opening, closing) = (bytes[open], if bytes[open] == b'{' { b'}' } else { b')' });
        let mut depth = 0;
        for (i, &b) in bytes.iter().enumerate().skip(open) {
            if b == opening {
                depth += 1;
            } else if b == closing {
                depth -= 1;
                if depth == 0 {
                    return &code[open + 1..i];
                }
            }
        }
        &code[open + 1..]
    };
    let uses_store = |body: &str| {
        body.match_indices("store").any(|(at, _)| {
            let before = body[..at].bytes().next_back();
            let after = body[at + "store".len()..].trim_start().bytes().next();
            before.is_none_or(|b| !is_ident(b)) && matches!(after, Some(b'.' | b',' | b')'))
        })
    };
    let line_of = |at: usize| code[..at].lines().count().max(1);
    let mut found = Vec::new();
    // `for … in … {`, `while … {` and `loop {`: the body is the first `{` after the keyword
    // (iterator expressions with struct literals in them are not written here).
    for keyword in ["for ", "while ", "loop "] {
        for (at, _) in code.match_indices(keyword) {
            if at > 0 && is_ident(bytes[at - 1]) || keyword == "for " && code[at..].starts_with("for <") {
                continue;
            }
            let Some(open) = code[at..].find('{').map(|o| at + o) else { continue };
            // `impl Trait for Type {` is no loop.
            if keyword == "for " && !code[at..open].contains(" in ") {
                continue;
            }
            if uses_store(inside(open)) {
                found.push(format!(
                    "line {}: {}",
                    line_of(at),
                    code[at..].lines().next().unwrap_or("").trim()
                ));
            }
        }
    }
    // Closures of iterator adaptors, when the chain they end is an iterator's.
    let adaptors = [
        ".map(",
        ".filter_map(",
        ".flat_map(",
        ".for_each(",
        ".try_for_each(",
        ".filter(",
        ".any(",
        ".all(",
        ".find(",
        ".find_map(",
        ".fold(",
    ];
    for adaptor in adaptors {
        for (at, _) in code.match_indices(adaptor) {
            // The chain before the adaptor, back to the start of its expression.
            let mut depth = 0i32;
            let mut start = 0;
            for (i, b) in code[..at].bytes().enumerate().rev() {
                match b {
                    b')' | b']' | b'}' => depth += 1,
                    b'(' | b'[' | b'{' if depth == 0 => {
                        start = i + 1;
                        break;
                    }
                    b'(' | b'[' | b'{' => depth -= 1,
                    b';' | b',' | b'=' if depth == 0 => {
                        start = i + 1;
                        break;
                    }
                    _ => {}
                }
            }
            let chain = &code[start..at];
            let is_iterator = ["iter()", "into_iter()", "iter_mut()", ".chunks(", ".windows(", ".zip("]
                .iter()
                .any(|marker| chain.contains(marker));
            if is_iterator && uses_store(inside(at + adaptor.len() - 1)) {
                found.push(format!("line {}: {}{adaptor}…", line_of(at), chain.trim()));
            }
        }
    }
    found
}

/// `code` with the contents of its string literals blanked out (same length, lines kept),
/// so that words in messages are not taken for code.
fn blank_strings(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut chars = code.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (false, '\'') if chars.peek() == Some(&'"') => {
                // The character literal '"'.
                out.push(c);
                out.extend(chars.next());
            }
            (false, '"') => {
                in_string = true;
                out.push(c);
            }
            (true, '\\') => {
                out.push(' ');
                if let Some(escaped) = chars.next() {
                    out.push(if escaped == '\n' { '\n' } else { ' ' });
                }
            }
            (true, '"') => {
                in_string = false;
                out.push(c);
            }
            (true, '\n') => out.push('\n'),
            (true, _) => out.push(' '),
            (false, _) => out.push(c),
        }
    }
    out
}

#[test]
fn front_ends_contain_no_loops_over_store_calls() {
    // A question is one store call ("one call per question", ARCHITECTURE.md): a loop of
    // store calls in a handler or a command is a query per member (team_industry_average
    // once called latest_score for every member of the server), and a rule the next
    // backend would have to repeat. Such loops live in ssi-store, inside one read.
    let mut offenders = Vec::new();
    let mut checked = 0;
    for dir in ["crates/ssi-server/src/handlers", "crates/ssi-cli/src/commands"] {
        for entry in fs::read_dir(root().join(dir)).unwrap().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "rs") {
                checked += 1;
                let text = fs::read_to_string(&path).unwrap();
                offenders.extend(
                    loops_over_store_calls(&text).into_iter().map(|l| format!("{}: {l}", relative(&path))),
                );
            }
        }
    }
    assert!(checked > 20, "found too few handlers and commands ({checked})");
    assert!(offenders.is_empty(), "loops over store calls in the front ends: {offenders:#?}");
}

#[test]
fn the_store_loop_detector_itself_works() {
    let caught = |code: &str| loops_over_store_calls(code).len();
    // The loops that were in the front ends.
    assert_eq!(
        caught(
            "for member in store.list_members()? {\n    if let Some(s) = store.latest_score(member.id, None)? {}\n}"
        ),
        1
    );
    assert_eq!(caught("let m = rows.iter().map(|r| store.get_member(r.member)).collect();"), 1);
    assert_eq!(
        caught("for token in store.list_tokens()? {\n    if manages_token(store, &caller, &token)? {}\n}"),
        1
    );
    assert_eq!(
        caught(
            "let v = store\n    .list_members()?\n    .into_iter()\n    .map(|m| {\n        let span = store.activity_span(m.id)?;\n        Ok(span)\n    })\n    .collect();"
        ),
        1
    );
    assert_eq!(caught("while let Some(x) = next() { store.save(x)?; }"), 1);
    // Not loops over store calls.
    assert_eq!(caught("let member = member.map(|m| store.get_member(m)).transpose()?;"), 0, "Option::map");
    assert_eq!(caught("Ok((store.history(id, from, to)?, team.map(|t| store.get_team(t)).transpose()?))"), 0);
    assert_eq!(caught("for row in &rows {\n    total += row.score.total;\n}\nstore.save(total)?;"), 0);
    assert_eq!(caught("let names: Vec<_> = rows.iter().map(|r| r.name.clone()).collect();"), 0);
    assert_eq!(caught("for restore in backups { restored.push(restore.day); }"), 0, "names containing store");
    assert_eq!(caught("// for m in members { store.get(m) }\nlet x = 1;"), 0, "comments");
    assert_eq!(caught("say(\"for every store, {x}\");\nlet y = '\"';"), 0, "strings");
    assert_eq!(
        caught("impl Iterator for Counted {\n    fn next(&mut self) { self.store.next() }\n}"),
        0,
        "impl … for"
    );
}
