//! Parity of the PostgreSQL store with SQLite for API tokens: scope rules, minting and
//! installing, authentication (hashes only, revocation, `last_used` to the minute and
//! never waited for), listing and revoking (`tests/parity/mod.rs`).

mod parity;

use parity::{Both, HeldTransaction, pg_batch, pg_rows, within};
use sha2::{Digest, Sha256};
use ssi_store::{MemberId, Role, StoreError, TeamId, TokenId};
use std::process::ExitCode;

fn main() -> ExitCode {
    parity::run(scenarios![
        scope_rules_and_unknown_scopes_fail_alike,
        installed_tokens_authenticate_alike,
        minted_tokens_are_kept_as_hashes_only,
        revoking_keeps_the_first_time_and_ends_authentication,
        tokens_are_listed_alike_and_go_with_their_member,
        last_use_is_written_once_a_minute,
        authenticating_never_waits_for_a_writer,
    ])
}

const ADMIN: &str = "ssi_admin_token_chosen_by_the_operator";

/// A team "Sales" with member "Ann" on both stores.
fn sales_and_ann(both: &Both) -> (TeamId, MemberId) {
    let team = same!(both, "team", create_team("Sales")).unwrap().id;
    let ann = same!(both, "ann", create_member("Ann", None, Some(team)));
    (team, ann.unwrap().id)
}

fn scope_rules_and_unknown_scopes_fail_alike(both: &Both) {
    let (team, ann) = sales_and_ann(both);
    let cases = [
        (Role::Admin, Some(ann), None),
        (Role::Admin, None, Some(team)),
        (Role::Manager, None, None),
        (Role::Manager, Some(ann), Some(team)),
        (Role::Member, None, Some(team)),
        (Role::Member, Some(MemberId(99)), None),
        (Role::Manager, None, Some(TeamId(99))),
    ];
    for (role, member, team) in cases {
        let what = format!("{role:?} {member:?} {team:?}");
        let created = same!(both, &what, create_token(role, member, team, "x").map(|(_, info)| info));
        assert!(
            matches!(created, Err(StoreError::InvalidData { .. } | StoreError::NotFound { .. })),
            "{what}"
        );
        let installed = same!(both, &what, install_token(ADMIN, role, member, team, "x"));
        assert!(installed.is_err(), "{what}");
    }
    let tokens = same!(both, "nothing stored", list_tokens()).unwrap();
    assert!(tokens.is_empty());
}

fn installed_tokens_authenticate_alike(both: &Both) {
    let (_, ann) = sales_and_ann(both);
    let admin = same!(both, "install", install_token(ADMIN, Role::Admin, None, None, " ops ")).unwrap();
    assert_eq!(admin.label, "ops");
    let err = same!(both, "again", install_token(ADMIN, Role::Member, Some(ann), None, "x")).unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    for bad in ["ssi_short", "no_prefix_but_long_enough_to_pass", ""] {
        let err = same!(both, bad, install_token(bad, Role::Admin, None, None, "x")).unwrap_err();
        assert!(matches!(err, StoreError::InvalidData { .. }), "{err}");
    }
    let padded = format!("  {ADMIN}\n");
    for presented in [ADMIN, padded.as_str()] {
        let found = same!(both, "authenticate", authenticate(presented));
        assert_eq!(found.unwrap().map(|t| t.id), Some(admin.id));
    }
    for unknown in ["ssi_admin_token_chosen_by_the_operatoR", "admin_token", "", "ssi_"] {
        let found = same!(both, unknown, authenticate(unknown)).unwrap();
        assert_eq!(found, None);
    }
    same!(both, "get", get_token(admin.id)).unwrap();
    same!(both, "get unknown", get_token(TokenId(99))).unwrap_err();
}

fn minted_tokens_are_kept_as_hashes_only(both: &Both) {
    let (_, ann) = sales_and_ann(both);
    let (plaintext, info) = both.pg.create_token(Role::Member, Some(ann), None, "laptop").unwrap();
    let (sqlite_plaintext, sqlite_info) =
        both.sqlite.create_token(Role::Member, Some(ann), None, "laptop").unwrap();
    assert_eq!(parity::same("minted", Ok(sqlite_info), Ok(info.clone())).unwrap().id, info.id);
    for minted in [&plaintext, &sqlite_plaintext] {
        let secret = minted.strip_prefix("ssi_").expect("prefixed");
        assert!(
            secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }
    assert_ne!(plaintext, sqlite_plaintext, "drawn at random");
    assert_eq!(both.pg.authenticate(&plaintext).unwrap().map(|t| t.id), Some(info.id));
    assert_eq!(both.pg.authenticate(&sqlite_plaintext).unwrap(), None);

    // The database holds the SHA-256 of the plaintext, and the plaintext nowhere.
    let stored = pg_rows(&both.url, "SELECT hash FROM api_tokens");
    let hash: Vec<u8> = stored[0].get(0);
    assert_eq!(hash, Sha256::digest(plaintext.as_bytes()).to_vec());
    let dump = pg_rows(&both.url, "SELECT string_agg(t::text, ' ') FROM api_tokens AS t");
    let dump: String = dump[0].get(0);
    assert!(!dump.contains(plaintext.strip_prefix("ssi_").unwrap()), "{dump}");
}

fn revoking_keeps_the_first_time_and_ends_authentication(both: &Both) {
    let admin = same!(both, "install", install_token(ADMIN, Role::Admin, None, None, "ops")).unwrap();
    let revoked = same!(both, "revoke", revoke_token(admin.id)).unwrap();
    assert!(revoked.revoked.is_some());
    let first = both.pg.get_token(admin.id).unwrap().revoked;
    pg_batch(&both.url, "SELECT pg_sleep(1.1)");
    same!(both, "revoke again", revoke_token(admin.id)).unwrap();
    assert_eq!(both.pg.get_token(admin.id).unwrap().revoked, first, "the first time stays");
    let found = same!(both, "refused", authenticate(ADMIN)).unwrap();
    assert_eq!(found, None);
    same!(both, "revoke unknown", revoke_token(TokenId(99))).unwrap_err();
    let used = same!(both, "use of a revoked token", record_token_use(admin.id));
    assert!(!used.unwrap());
}

fn tokens_are_listed_alike_and_go_with_their_member(both: &Both) {
    let (sales, ann) = sales_and_ann(both);
    let other = same!(both, "other", create_team("Other")).unwrap().id;
    let bob = same!(both, "bob", create_member("Bob", None, Some(other)));
    let bob = bob.unwrap().id;
    let install = |plaintext: &str, role, member, team, label: &str| {
        same!(both, label, install_token(plaintext, role, member, team, label)).unwrap()
    };
    install("ssi_ann_first_token_0000000", Role::Member, Some(ann), None, "ann 1");
    install("ssi_sales_manager_token_0000", Role::Manager, None, Some(sales), "manager");
    install("ssi_bob_token_0000000000000", Role::Member, Some(bob), Some(other), "bob");
    let second = install("ssi_ann_second_token_000000", Role::Member, Some(ann), None, "ann 2");
    same!(both, "revoke", revoke_token(second.id)).unwrap();

    let all = same!(both, "all", list_tokens()).unwrap();
    assert_eq!(all.len(), 4);
    let managed = same!(both, "sales", team_member_tokens(sales)).unwrap();
    assert_eq!(managed.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(), ["ann 1", "ann 2"]);
    same!(both, "other", team_member_tokens(other)).unwrap();
    same!(both, "no team", team_member_tokens(TeamId(99))).unwrap();

    same!(both, "delete ann", delete_member(ann)).unwrap();
    same!(both, "delete sales", delete_team(sales)).unwrap();
    let left = same!(both, "left", list_tokens()).unwrap();
    assert_eq!(left.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(), ["bob"]);
}

fn last_use_is_written_once_a_minute(both: &Both) {
    let admin = same!(both, "install", install_token(ADMIN, Role::Admin, None, None, "ops")).unwrap();
    let first = both.pg.authenticate(ADMIN).unwrap().unwrap();
    assert_eq!(first.last_used, None, "the answer is the token as it was found");
    let used = both.pg.get_token(admin.id).unwrap().last_used.expect("recorded");
    assert_eq!(used.timestamp_subsec_nanos(), 0);
    let version = both.pg.data_version().unwrap();
    both.pg.authenticate(ADMIN).unwrap().unwrap();
    assert!(!both.pg.record_token_use(admin.id).unwrap(), "within the minute");
    assert_eq!(both.pg.data_version().unwrap(), version, "nothing written within the minute");

    // A minute later (the stored time set back), a use is written again, on both.
    both.execute_sql(
        "UPDATE api_tokens SET last_used = last_used - 61",
        "UPDATE api_tokens SET last_used = last_used - interval '61 seconds'",
    );
    let before = chrono::Utc::now().timestamp();
    let used = same!(both, "a minute later", record_token_use(admin.id));
    assert!(used.unwrap());
    let recorded = both.pg.get_token(admin.id).unwrap().last_used.unwrap();
    assert!(recorded.timestamp() >= before, "now, not the minute-old time: {recorded}");
    let again = same!(both, "at once again", record_token_use(admin.id));
    assert!(!again.unwrap());
    let unknown = same!(both, "unknown", record_token_use(TokenId(99)));
    assert!(!unknown.unwrap());
}

fn authenticating_never_waits_for_a_writer(both: &Both) {
    let admin = both.pg.install_token(ADMIN, Role::Admin, None, None, "ops").unwrap();
    // Another transaction writes and stays open (a long import, say): it holds the
    // data_version row until it ends. A store that waited for it fails the test.
    let writer =
        HeldTransaction::begin(&both.url, "INSERT INTO teams (name, created) VALUES ('Busy', now())");
    let store = both.pg.clone();
    let (found, used) = within(5, move || {
        (store.authenticate(ADMIN).map(|t| t.map(|t| t.id)), store.record_token_use(admin.id))
    });
    assert_eq!(found.unwrap(), Some(admin.id));
    assert!(!used.unwrap(), "skipped while another transaction writes");
    assert_eq!(both.pg.get_token(admin.id).unwrap().last_used, None, "the use was not recorded");

    writer.commit();
    both.pg.authenticate(ADMIN).unwrap().unwrap();
    assert!(both.pg.get_token(admin.id).unwrap().last_used.is_some(), "recorded once the writer is done");
}
