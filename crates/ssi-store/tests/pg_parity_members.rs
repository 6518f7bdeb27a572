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
    parity::run(&[
        (
            "teams_are_created_found_renamed_and_deleted_alike",
            teams_are_created_found_renamed_and_deleted_alike,
        ),
        ("members_are_created_found_and_changed_alike", members_are_created_found_and_changed_alike),
        ("names_sort_and_match_ignoring_ascii_case_only", names_sort_and_match_ignoring_ascii_case_only),
        (
            "deleting_a_team_keeps_its_members_without_a_team",
            deleting_a_team_keeps_its_members_without_a_team,
        ),
        ("account_keys_come_from_the_import_reports", account_keys_come_from_the_import_reports),
        ("creation_times_are_whole_seconds_of_now", creation_times_are_whole_seconds_of_now),
        ("models_and_the_active_one_read_alike", models_and_the_active_one_read_alike),
        ("opening_again_keeps_the_key_and_writes_nothing", opening_again_keeps_the_key_and_writes_nothing),
        (
            "replicas_opening_at_once_share_one_key_and_one_model",
            replicas_opening_at_once_share_one_key_and_one_model,
        ),
    ])
}

fn teams_are_created_found_renamed_and_deleted_alike(both: &Both) {
    let sales = both.same("create", |s| s.create_team("  Sales "), |p| p.create_team("  Sales ")).unwrap();
    assert_eq!(sales.name, "Sales", "trimmed");
    both.same("create beta", |s| s.create_team("Beta"), |p| p.create_team("Beta")).unwrap();
    for name in ["sales", "SALES", " Sales"] {
        let err = both.same("taken", |s| s.create_team(name), |p| p.create_team(name)).unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    }
    let err = both.same("blank", |s| s.create_team("  "), |p| p.create_team("  ")).unwrap_err();
    assert!(matches!(err, StoreError::InvalidData { .. }), "{err}");

    both.same("by name", |s| s.team_by_name(" sALES "), |p| p.team_by_name(" sALES ")).unwrap();
    both.same("unknown name", |s| s.team_by_name("Nope"), |p| p.team_by_name("Nope")).unwrap_err();
    both.same("by id", |s| s.get_team(sales.id), |p| p.get_team(sales.id)).unwrap();
    both.same("unknown id", |s| s.get_team(TeamId(99)), |p| p.get_team(TeamId(99))).unwrap_err();

    let err = both
        .same("rename onto another", |s| s.rename_team(sales.id, "beta"), |p| p.rename_team(sales.id, "beta"))
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    let renamed = both
        .same("rename, case only", |s| s.rename_team(sales.id, "SALES"), |p| p.rename_team(sales.id, "SALES"))
        .unwrap();
    assert_eq!(renamed.name, "SALES");
    both.same("rename blank", |s| s.rename_team(sales.id, ""), |p| p.rename_team(sales.id, "")).unwrap_err();
    both.same("rename unknown", |s| s.rename_team(TeamId(99), "X"), |p| p.rename_team(TeamId(99), "X"))
        .unwrap_err();

    both.same("delete", |s| s.delete_team(sales.id), |p| p.delete_team(sales.id)).unwrap();
    let err =
        both.same("delete again", |s| s.delete_team(sales.id), |p| p.delete_team(sales.id)).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    let teams = both.same("list", |s| s.list_teams(), |p| p.list_teams()).unwrap();
    assert_eq!(teams.len(), 1);
}

fn members_are_created_found_and_changed_alike(both: &Both) {
    let team = both.same("team", |s| s.create_team("Sales"), |p| p.create_team("Sales")).unwrap().id;
    let ann = both
        .same(
            "create",
            |s| s.create_member(" Ann ", Some(" Software "), Some(team)),
            |p| p.create_member(" Ann ", Some(" Software "), Some(team)),
        )
        .unwrap();
    assert_eq!((ann.name.as_str(), ann.industry.as_deref(), ann.team), ("Ann", Some("Software"), Some(team)));
    let bob = both
        .same(
            "blank industry",
            |s| s.create_member("Bob", Some("  "), None),
            |p| p.create_member("Bob", Some("  "), None),
        )
        .unwrap();
    assert_eq!(bob.industry, None);
    let err =
        both.same("taken", |s| s.create_member("ANN", None, None), |p| p.create_member("ANN", None, None));
    assert!(matches!(err, Err(StoreError::Conflict { .. })), "{err:?}");
    both.same("blank", |s| s.create_member(" ", None, None), |p| p.create_member(" ", None, None))
        .unwrap_err();
    let err = both
        .same(
            "unknown team",
            |s| s.create_member("Cy", None, Some(TeamId(9))),
            |p| p.create_member("Cy", None, Some(TeamId(9))),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    let none =
        both.same("nobody created by failures", |s| s.member_by_name("Cy"), |p| p.member_by_name("Cy"));
    assert!(none.is_err());

    both.same("by name", |s| s.member_by_name(" ann"), |p| p.member_by_name(" ann")).unwrap();
    both.same("by id", |s| s.get_member(bob.id), |p| p.get_member(bob.id)).unwrap();
    both.same("unknown id", |s| s.get_member(MemberId(99)), |p| p.get_member(MemberId(99))).unwrap_err();
    let members = both.same("team members", |s| s.list_team_members(team), |p| p.list_team_members(team));
    assert_eq!(members.unwrap().len(), 1);
    both.same("members of no team", |s| s.list_team_members(TeamId(9)), |p| p.list_team_members(TeamId(9)))
        .unwrap_err();

    both.same("rename taken", |s| s.rename_member(bob.id, "ann"), |p| p.rename_member(bob.id, "ann"))
        .unwrap_err();
    both.same("rename", |s| s.rename_member(bob.id, " Bobby "), |p| p.rename_member(bob.id, " Bobby "))
        .unwrap();
    both.same(
        "rename unknown",
        |s| s.rename_member(MemberId(99), "X"),
        |p| p.rename_member(MemberId(99), "X"),
    )
    .unwrap_err();
    let changed = both
        .same(
            "industry",
            |s| s.set_member_industry(bob.id, Some(" Retail ")),
            |p| p.set_member_industry(bob.id, Some(" Retail ")),
        )
        .unwrap();
    assert_eq!(changed.industry.as_deref(), Some("Retail"));
    both.same(
        "industry cleared",
        |s| s.set_member_industry(bob.id, None),
        |p| p.set_member_industry(bob.id, None),
    )
    .unwrap();
    both.same(
        "industry of nobody",
        |s| s.set_member_industry(MemberId(99), None),
        |p| p.set_member_industry(MemberId(99), None),
    )
    .unwrap_err();
    let moved = both.same(
        "move",
        |s| s.set_member_team(bob.id, Some(team)),
        |p| p.set_member_team(bob.id, Some(team)),
    );
    assert_eq!(moved.unwrap().team, Some(team));
    both.same(
        "move to no team",
        |s| s.set_member_team(bob.id, Some(TeamId(9))),
        |p| p.set_member_team(bob.id, Some(TeamId(9))),
    )
    .unwrap_err();
    both.same(
        "move nobody",
        |s| s.set_member_team(MemberId(99), None),
        |p| p.set_member_team(MemberId(99), None),
    )
    .unwrap_err();
    both.same("out of the team", |s| s.set_member_team(ann.id, None), |p| p.set_member_team(ann.id, None))
        .unwrap();

    both.same("delete", |s| s.delete_member(ann.id), |p| p.delete_member(ann.id)).unwrap();
    both.same("delete again", |s| s.delete_member(ann.id), |p| p.delete_member(ann.id)).unwrap_err();
    let left = both.same("list", |s| s.list_members(), |p| p.list_members()).unwrap();
    assert_eq!(left.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["Bobby"]);
}

fn names_sort_and_match_ignoring_ascii_case_only(both: &Both) {
    // SQLite's NOCASE folds A-Z only and then compares bytes: "Zed" sorts after "_x"
    // (in byte order it would come before), and "Émile" is not "émile".
    for name in ["bob", "Zed", "_x", "Alice", "Émile", "émile", "alice2"] {
        both.same("create", |s| s.create_member(name, None, None), |p| p.create_member(name, None, None))
            .unwrap();
        both.same("team", |s| s.create_team(name), |p| p.create_team(name)).unwrap();
    }
    let members = both.same("list", |s| s.list_members(), |p| p.list_members()).unwrap();
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["_x", "Alice", "alice2", "bob", "Zed", "Émile", "émile"]);
    both.same("teams", |s| s.list_teams(), |p| p.list_teams()).unwrap();
    both.same("é is not É", |s| s.member_by_name("éMILE"), |p| p.member_by_name("éMILE")).unwrap();
    both.same("z is Z", |s| s.member_by_name("zED"), |p| p.member_by_name("zED")).unwrap();
}

fn deleting_a_team_keeps_its_members_without_a_team(both: &Both) {
    let team = both.same("team", |s| s.create_team("Sales"), |p| p.create_team("Sales")).unwrap().id;
    let ann = both
        .same(
            "member",
            |s| s.create_member("Ann", None, Some(team)),
            |p| p.create_member("Ann", None, Some(team)),
        )
        .unwrap();
    both.same("delete", |s| s.delete_team(team), |p| p.delete_team(team)).unwrap();
    let ann = both.same("member stays", |s| s.get_member(ann.id), |p| p.get_member(ann.id)).unwrap();
    assert_eq!(ann.team, None);
}

fn account_keys_come_from_the_import_reports(both: &Both) {
    let ann =
        both.same("member", |s| s.create_member("Ann", None, None), |p| p.create_member("Ann", None, None));
    let ann = ann.unwrap().id;
    let bob =
        both.same("member", |s| s.create_member("Bob", None, None), |p| p.create_member("Bob", None, None));
    let bob = bob.unwrap().id;
    let keys = both.same("none yet", |s| s.member_account_keys(ann), |p| p.member_account_keys(ann)).unwrap();
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
    let keys = both.same("keys", |s| s.member_account_keys(ann), |p| p.member_account_keys(ann)).unwrap();
    // SQLite's json_each takes a scalar for itself and an object for its values.
    assert_eq!(
        keys,
        ["Email:z", "email:a", "email:a-scalar", "email:an-object", "registered:c", "url:b"],
        "sorted by bytes, without repeats"
    );
    both.same("unknown", |s| s.member_account_keys(MemberId(99)), |p| p.member_account_keys(MemberId(99)))
        .unwrap_err();
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
    let active = both.same("active", |s| s.active_model(), |p| p.active_model()).unwrap();
    assert_eq!(active, ssi_core::ScoringModel::default_model(), "seeded with the default model");
    both.same("by version", |s| s.model(&active.version), |p| p.model(&active.version)).unwrap();
    let err = both.same("unknown", |s| s.model("v0-nope"), |p| p.model("v0-nope")).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    let models = both.same("list", |s| s.list_models(), |p| p.list_models()).unwrap();
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
