//! Parity of the PostgreSQL store with SQLite for teams, members, the store's settings
//! and the scoring models: the same calls on both give the same answers and the same
//! errors (`tests/parity/mod.rs`).

mod parity;

use parity::{Both, pg_rows};
use ssi_store::TeamId;
use ssi_store::pg::PgStore;
use ssi_store::{MemberId, StoreError};
use std::process::ExitCode;
use std::sync::{Arc, Barrier};

fn main() -> ExitCode {
    parity::run(scenarios![
        teams_are_created_found_renamed_and_deleted_alike,
        members_are_created_found_and_changed_alike,
        names_sort_and_match_ignoring_ascii_case_only,
        deleting_a_team_keeps_its_members_without_a_team,
        account_keys_come_from_the_import_reports,
        creation_times_are_whole_seconds_of_now,
        models_and_the_active_one_read_alike,
        opening_again_keeps_the_key_and_writes_nothing,
        replicas_opening_at_once_share_one_key_and_one_model,
    ])
}

fn teams_are_created_found_renamed_and_deleted_alike(both: &Both) {
    let sales = same!(both, "create", create_team("  Sales ")).unwrap();
    assert_eq!(sales.name, "Sales", "trimmed");
    same!(both, "create beta", create_team("Beta")).unwrap();
    for name in ["sales", "SALES", " Sales"] {
        let err = same!(both, "taken", create_team(name)).unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    }
    let err = same!(both, "blank", create_team("  ")).unwrap_err();
    assert!(matches!(err, StoreError::InvalidData { .. }), "{err}");

    same!(both, "by name", team_by_name(" sALES ")).unwrap();
    same!(both, "unknown name", team_by_name("Nope")).unwrap_err();
    same!(both, "by id", get_team(sales.id)).unwrap();
    same!(both, "unknown id", get_team(TeamId(99))).unwrap_err();

    let err = same!(both, "rename onto another", rename_team(sales.id, "beta")).unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    let renamed = same!(both, "rename, case only", rename_team(sales.id, "SALES")).unwrap();
    assert_eq!(renamed.name, "SALES");
    same!(both, "rename blank", rename_team(sales.id, "")).unwrap_err();
    same!(both, "rename unknown", rename_team(TeamId(99), "X")).unwrap_err();

    same!(both, "delete", delete_team(sales.id)).unwrap();
    let err = same!(both, "delete again", delete_team(sales.id)).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    let teams = same!(both, "list", list_teams()).unwrap();
    assert_eq!(teams.len(), 1);
}

fn members_are_created_found_and_changed_alike(both: &Both) {
    let team = same!(both, "team", create_team("Sales")).unwrap().id;
    let ann = same!(both, "create", create_member(" Ann ", Some(" Software "), Some(team))).unwrap();
    assert_eq!((ann.name.as_str(), ann.industry.as_deref(), ann.team), ("Ann", Some("Software"), Some(team)));
    let bob = same!(both, "blank industry", create_member("Bob", Some("  "), None)).unwrap();
    assert_eq!(bob.industry, None);
    let err = same!(both, "taken", create_member("ANN", None, None));
    assert!(matches!(err, Err(StoreError::Conflict { .. })), "{err:?}");
    same!(both, "blank", create_member(" ", None, None)).unwrap_err();
    let err = same!(both, "unknown team", create_member("Cy", None, Some(TeamId(9)))).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    let none = same!(both, "nobody created by failures", member_by_name("Cy"));
    assert!(none.is_err());

    same!(both, "by name", member_by_name(" ann")).unwrap();
    same!(both, "by id", get_member(bob.id)).unwrap();
    same!(both, "unknown id", get_member(MemberId(99))).unwrap_err();
    let members = same!(both, "team members", list_team_members(team));
    assert_eq!(members.unwrap().len(), 1);
    same!(both, "members of no team", list_team_members(TeamId(9))).unwrap_err();

    same!(both, "rename taken", rename_member(bob.id, "ann")).unwrap_err();
    same!(both, "rename", rename_member(bob.id, " Bobby ")).unwrap();
    same!(both, "rename unknown", rename_member(MemberId(99), "X")).unwrap_err();
    let changed = same!(both, "industry", set_member_industry(bob.id, Some(" Retail "))).unwrap();
    assert_eq!(changed.industry.as_deref(), Some("Retail"));
    same!(both, "industry cleared", set_member_industry(bob.id, None)).unwrap();
    same!(both, "industry of nobody", set_member_industry(MemberId(99), None)).unwrap_err();
    let moved = same!(both, "move", set_member_team(bob.id, Some(team)));
    assert_eq!(moved.unwrap().team, Some(team));
    same!(both, "move to no team", set_member_team(bob.id, Some(TeamId(9)))).unwrap_err();
    same!(both, "move nobody", set_member_team(MemberId(99), None)).unwrap_err();
    same!(both, "out of the team", set_member_team(ann.id, None)).unwrap();

    same!(both, "delete", delete_member(ann.id)).unwrap();
    same!(both, "delete again", delete_member(ann.id)).unwrap_err();
    let left = same!(both, "list", list_members()).unwrap();
    assert_eq!(left.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["Bobby"]);
}

fn names_sort_and_match_ignoring_ascii_case_only(both: &Both) {
    // SQLite's NOCASE folds A-Z only and then compares bytes: "Zed" sorts after "_x"
    // (in byte order it would come before), and "Émile" is not "émile".
    for name in ["bob", "Zed", "_x", "Alice", "Émile", "émile", "alice2"] {
        same!(both, "create", create_member(name, None, None)).unwrap();
        same!(both, "team", create_team(name)).unwrap();
    }
    let members = same!(both, "list", list_members()).unwrap();
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["_x", "Alice", "alice2", "bob", "Zed", "Émile", "émile"]);
    same!(both, "teams", list_teams()).unwrap();
    same!(both, "é is not É", member_by_name("éMILE")).unwrap();
    same!(both, "z is Z", member_by_name("zED")).unwrap();
}

fn deleting_a_team_keeps_its_members_without_a_team(both: &Both) {
    let team = same!(both, "team", create_team("Sales")).unwrap().id;
    let ann = same!(both, "member", create_member("Ann", None, Some(team))).unwrap();
    same!(both, "delete", delete_team(team)).unwrap();
    let ann = same!(both, "member stays", get_member(ann.id)).unwrap();
    assert_eq!(ann.team, None);
}

fn account_keys_come_from_the_import_reports(both: &Both) {
    let ann = same!(both, "member", create_member("Ann", None, None));
    let ann = ann.unwrap().id;
    let bob = same!(both, "member", create_member("Bob", None, None));
    let bob = bob.unwrap().id;
    let keys = same!(both, "none yet", member_account_keys(ann)).unwrap();
    assert!(keys.is_empty());
    // Imports are written by the import methods (another area); their rows are all
    // that is needed here.
    let reports = [
        (ann, "f1", r#"{"member":{"account_keys":["url:b","email:a","email:a"]}}"#),
        (ann, "f2", r#"{"member":{"account_keys":["registered:c",5,"Email:z"]}}"#),
        (ann, "f3", r#"{"member":{"account_keys":"email:a-scalar"}}"#),
        (ann, "f6", r#"{"member":{"account_keys":{"k":"email:an-object"}}}"#),
        (ann, "f4", r#"{"files":[]}"#),
        (bob, "f5", r#"{"member":{"account_keys":["email:bob"]}}"#),
    ];
    for (member, fingerprint, report) in reports {
        let m = member.0;
        both.execute_sql(
            &format!(
                "INSERT INTO imports (member_id, fingerprint, imported_at, source_name, report)
                 VALUES ({m}, '{fingerprint}', 0, 'export.zip', '{report}')"
            ),
            &format!(
                "INSERT INTO imports (member_id, fingerprint, imported_at, source_name, report)
                 VALUES ({m}, '{fingerprint}', now(), 'export.zip', '{report}')"
            ),
        );
    }
    let keys = same!(both, "keys", member_account_keys(ann)).unwrap();
    // SQLite's json_each takes a scalar for itself and an object for its values.
    assert_eq!(
        keys,
        ["Email:z", "email:a", "email:a-scalar", "email:an-object", "registered:c", "url:b"],
        "sorted by bytes, without repeats"
    );
    same!(both, "unknown", member_account_keys(MemberId(99))).unwrap_err();
}

fn creation_times_are_whole_seconds_of_now(both: &Both) {
    let before = chrono::Utc::now().timestamp();
    let team = both.pg.create_team("Sales").unwrap();
    let member = both.pg.create_member("Ann", None, Some(team.id)).unwrap();
    let after = chrono::Utc::now().timestamp();
    for created in [team.created, member.created, both.pg.get_member(member.id).unwrap().created] {
        assert_eq!(created.timestamp_subsec_nanos(), 0, "whole seconds, as SQLite keeps them");
        assert!((before..=after).contains(&created.timestamp()), "{created}");
    }
}

fn models_and_the_active_one_read_alike(both: &Both) {
    let active = same!(both, "active", active_model()).unwrap();
    assert_eq!(active, ssi_core::ScoringModel::default_model(), "seeded with the default model");
    same!(both, "by version", model(&active.version)).unwrap();
    let err = same!(both, "unknown", model("v0-nope")).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    let models = same!(both, "list", list_models()).unwrap();
    assert_eq!(models.len(), 1);
    assert!(models[0].active);
}

fn opening_again_keeps_the_key_and_writes_nothing(both: &Both) {
    let key = both.pg.pseudonym_key().unwrap();
    assert_ne!(key, [0; 32]);
    assert_ne!(key, both.sqlite.pseudonym_key().unwrap(), "each database draws its own key");
    let version = both.pg.data_version().unwrap();
    let again = PgStore::open(&both.url, 2).unwrap();
    assert_eq!(again.pseudonym_key().unwrap(), key);
    assert_eq!(again.data_version().unwrap(), version, "a second open writes nothing");

    // A store missing its key (or its active model) gets them on the next open, as SQLite's.
    parity::pg_batch(&both.url, "DELETE FROM settings; UPDATE scoring_models SET active = false");
    let err = both.pg.pseudonym_key().unwrap_err();
    assert_eq!(err.to_string(), "the pseudonym key not found");
    let err = both.pg.active_model().unwrap_err();
    assert_eq!(err.to_string(), "an active scoring model not found");
    let reopened = PgStore::open(&both.url, 2).unwrap();
    assert_ne!(reopened.pseudonym_key().unwrap(), key, "a new key");
    assert_eq!(reopened.active_model().unwrap(), ssi_core::ScoringModel::default_model());

    parity::pg_batch(&both.url, "UPDATE settings SET value = '\\x0102'");
    let err = both.pg.pseudonym_key().unwrap_err();
    assert_eq!(err.to_string(), "invalid data: the stored pseudonym key is not 32 bytes long");
}

fn replicas_opening_at_once_share_one_key_and_one_model(both: &Both) {
    // A database no store has opened yet, opened by four replicas at the same moment.
    parity::pg_batch(&both.url, "CREATE DATABASE fresh_for_replicas");
    let url = both.url.replace(both.url.rsplit('/').next().unwrap(), "fresh_for_replicas");
    let barrier = Arc::new(Barrier::new(4));
    let keys: Vec<[u8; 32]> = (0..4)
        .map(|_| {
            let (barrier, url) = (Arc::clone(&barrier), url.clone());
            std::thread::spawn(move || {
                barrier.wait();
                PgStore::open(&url, 2).unwrap().pseudonym_key().unwrap()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert!(keys.iter().all(|k| *k == keys[0]), "one key for all");
    let counts = pg_rows(
        &url,
        "SELECT (SELECT count(*) FROM settings), (SELECT count(*) FROM scoring_models WHERE active)",
    );
    assert_eq!((counts[0].get::<_, i64>(0), counts[0].get::<_, i64>(1)), (1, 1));
}
