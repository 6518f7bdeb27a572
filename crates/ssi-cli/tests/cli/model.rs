//! `ssi model show | export | use`: the model as data, edited and loaded back, re-scoring history.

use crate::support::TestEnv;

#[test]
fn show_lists_every_component_by_pillar() {
    let env = TestEnv::new().imported();
    insta::assert_snapshot!("model_show", env.stdout(&["model", "show"]));
    let json = env.json(&["model", "show"]);
    assert_eq!(json["active"]["version"], "ssi-default-2");
    assert_eq!(json["active"]["components"].as_array().unwrap().len(), 20);
    assert_eq!(json["models"][0]["version"], "ssi-default-2");
    assert_eq!(json["models"][0]["active"], true);
}

#[test]
fn show_works_before_any_import_with_the_shipped_model() {
    let env = TestEnv::new();
    let json = env.json(&["model", "show"]);
    assert_eq!(json["active"]["version"], "ssi-default-2");
    assert_eq!(json["models"].as_array().unwrap().len(), 0);
    assert!(!env.default_db().exists());
}

#[test]
fn an_edited_model_rescores_history_under_its_version() {
    let env = TestEnv::new().imported();
    let before = env.json(&["dashboard"]);
    let file = env.path("model.toml");
    let text = env.stdout(&["model", "export", file.to_str().unwrap()]);
    assert!(text.starts_with("Wrote model ssi-default-2 to "), "{text}");
    let exported = std::fs::read_to_string(&file).unwrap();
    // Move profile completeness weight onto publishing: same pillar total, different scores.
    let edited = exported
        .replacen("version = \"ssi-default-2\"", "version = \"ada-1\"", 1)
        .replacen("weight = 7.2", "weight = 2.2", 1)
        .replacen("weight = 6.4", "weight = 11.4", 1);
    assert_ne!(edited, exported);
    std::fs::write(&file, edited).unwrap();

    let json = env.json(&["model", "use", file.to_str().unwrap()]);
    assert_eq!(json["action"], "used");
    assert_eq!(json["version"], "ada-1");
    assert!(json["rows_rescored"].as_u64().unwrap() > 600);

    let after = env.json(&["dashboard"]);
    assert_eq!(after["estimate"]["model_version"], "ada-1");
    assert_ne!(after["estimate"]["pillars"]["brand"], before["estimate"]["pillars"]["brand"]);
    assert_eq!(after["estimate"]["pillars"]["people"], before["estimate"]["pillars"]["people"]);
    let history = env.json(&["history", "--from", "2026-01-01", "--to", "2026-01-01"]);
    assert_eq!(history["days"][0]["estimate"]["model_version"], "ada-1", "history is re-scored too");
    let models = env.json(&["model", "show"]);
    assert_eq!(models["active"]["version"], "ada-1");
    assert_eq!(models["models"].as_array().unwrap().len(), 2);
}

#[test]
fn export_refuses_to_overwrite_without_force_and_writes_to_stdout_with_a_dash() {
    let env = TestEnv::new().imported();
    let file = env.write("model.toml", "keep me");
    let stderr = env.fails(&["model", "export", file.to_str().unwrap()], 1);
    assert!(stderr.contains("already exists") && stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    env.stdout(&["model", "export", file.to_str().unwrap(), "--force"]);
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(env.stdout(&["model", "export", "-"]), written);
    assert!(written.contains("version = \"ssi-default-2\""));
}

#[test]
fn invalid_or_clashing_models_are_refused_and_change_nothing() {
    let env = TestEnv::new().imported();
    let before = env.json(&["dashboard"]);
    let file = env.path("model.toml");
    env.stdout(&["model", "export", file.to_str().unwrap()]);
    let exported = std::fs::read_to_string(&file).unwrap();

    // Weights that no longer add up to 25.
    let bad = exported.replacen("version = \"ssi-default-2\"", "version = \"bad-1\"", 1).replacen(
        "weight = 7.2",
        "weight = 8.2",
        1,
    );
    std::fs::write(&file, bad).unwrap();
    let stderr = env.fails(&["model", "use", file.to_str().unwrap()], 1);
    assert!(stderr.contains("model.toml") && stderr.contains("add up to 26"), "{stderr}");

    // A different model under the version already stored.
    let clash =
        exported.replacen("weight = 7.2", "weight = 2.2", 1).replacen("weight = 6.4", "weight = 11.4", 1);
    std::fs::write(&file, clash).unwrap();
    let stderr = env.fails(&["model", "use", file.to_str().unwrap()], 1);
    assert!(stderr.contains("ssi-default-2") && stderr.contains("own version"), "{stderr}");

    std::fs::write(&file, "version = ").unwrap();
    let stderr = env.fails(&["model", "use", file.to_str().unwrap()], 1);
    assert!(stderr.contains("not a valid model"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    assert_eq!(env.json(&["dashboard"]), before);
}
