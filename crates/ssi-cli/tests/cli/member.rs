//! `ssi member list | rename | delete`, and choosing a member where the database holds several.

use crate::support::TestEnv;

fn two_members() -> TestEnv {
    let env = TestEnv::new().imported();
    let folder = env.path("Basic_LinkedInDataExport_11-20-2026");
    env.stdout(&["import", folder.to_str().unwrap(), "--member", "Charles Babbage"]);
    env
}

#[test]
fn list_shows_each_member_with_their_latest_estimate() {
    let env = two_members();
    env.ssi().args(["reading", "add", "--total", "20", "--member", "charles babbage"]).assert().success();
    let json = env.json(&["member", "list"]);
    let members = json["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    let charles = &members[1];
    assert_eq!(charles["name"], "Charles Babbage");
    assert_eq!(charles["industry"], "Computer Software");
    assert_eq!(charles["readings"], 1);
    assert_eq!(charles["activity_known_to"], "2026-11-20");
    assert_eq!(charles["latest_estimate"]["date"], "2026-11-20");
    assert!(charles["created"].is_string());
    assert_eq!(members[0]["readings"], 0);
    let text = env.stdout(&["member", "list"]);
    assert!(
        text.contains(
            "  Ada Lovelace  24 (beginner) on 2026-11-20, 0 readings, activity known up to 2026-11-20"
        ),
        "{text}"
    );
}

#[test]
fn with_several_members_read_commands_need_one_chosen() {
    let env = two_members();
    let stderr = env.fails(&["dashboard"], 2);
    assert!(stderr.contains("holds several members (Ada Lovelace, Charles Babbage)"), "{stderr}");
    assert!(stderr.contains("--member NAME"), "{stderr}");
    assert_eq!(env.json(&["dashboard", "--member", "Charles Babbage"])["member"], "Charles Babbage");
    let by_env = env.ssi().args(["dashboard", "--json"]).env("SSI_MEMBER", "Ada Lovelace").output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&by_env.stdout).unwrap();
    assert_eq!(json["member"], "Ada Lovelace");
    let unknown = env.fails(&["dashboard", "--member", "Grace"], 1);
    assert!(
        unknown.contains("no member named \"Grace\"") && unknown.contains("Ada Lovelace, Charles Babbage"),
        "{unknown}"
    );
}

#[test]
fn rename_changes_the_name_and_refuses_a_taken_one() {
    let env = two_members();
    assert_eq!(
        env.stdout(&["member", "rename", "Charles Babbage", "Charles B."]),
        "Renamed \"Charles Babbage\" to \"Charles B.\".\n"
    );
    let json = env.json(&["member", "rename", "Charles B.", "Charles"]);
    assert_eq!((json["action"].as_str(), json["new_name"].as_str()), (Some("renamed"), Some("Charles")));
    let taken = env.fails(&["member", "rename", "Charles", "Ada Lovelace"], 1);
    assert!(taken.contains("a member named \"Ada Lovelace\" already exists"), "{taken}");
    let missing = env.fails(&["member", "rename", "Nobody", "Somebody"], 1);
    assert!(missing.contains("no member named \"Nobody\""), "{missing}");
    assert_eq!(env.json(&["dashboard", "--member", "Charles"])["member"], "Charles");
}

#[test]
fn delete_needs_yes_when_stdin_is_not_a_terminal() {
    let env = two_members();
    let refused = env.fails(&["member", "delete", "Charles Babbage"], 2);
    assert_eq!(
        refused,
        "error: refusing to delete \"Charles Babbage\" without confirmation: stdin is not a terminal; add --yes to delete\n"
    );
    assert_eq!(env.json(&["member", "list"])["members"].as_array().unwrap().len(), 2);
    assert_eq!(
        env.stdout(&["member", "delete", "Charles Babbage", "--yes"]),
        "Deleted \"Charles Babbage\" and all of their data.\n"
    );
    // One member left: no --member needed any more.
    assert_eq!(env.json(&["dashboard"])["member"], "Ada Lovelace");
    let json = env.json(&["member", "delete", "Ada Lovelace", "--yes"]);
    assert_eq!(json["action"], "deleted");
    let empty = env.fails(&["dashboard"], 1);
    assert!(empty.starts_with("error: no data in ") && empty.contains("`ssi import PATH`"), "{empty}");
}

#[test]
fn delete_asks_first_on_a_terminal() {
    let env = two_members();
    let (code, screen) = env.in_terminal(&["member", "delete", "Charles Babbage"], "n\n", true);
    assert!(
        screen.contains("Delete \"Charles Babbage\" and all of their events, scores and readings from "),
        "{screen}"
    );
    assert!(screen.contains("error: deletion cancelled; \"Charles Babbage\" is kept"), "{screen}");
    assert_eq!(code, Some(1));
    assert_eq!(env.json(&["member", "list"])["members"].as_array().unwrap().len(), 2);

    let (code, screen) = env.in_terminal(&["member", "delete", "Charles Babbage"], "yes\n", true);
    assert!(screen.contains("Deleted \"Charles Babbage\" and all of their data."), "{screen}");
    assert_eq!(code, Some(0));
    assert_eq!(env.json(&["member", "list"])["members"].as_array().unwrap().len(), 1);
}
