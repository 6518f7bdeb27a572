//! TLS to PostgreSQL for real: a throwaway cluster with `ssl = on` and a certificate
//! issued by a test CA of the harness (rcgen); `PgStore::connect` with each `sslmode` the URL may
//! name, the server's own `pg_stat_ssl` telling whether the connection is encrypted. A
//! certificate from another CA or for another host name is refused with a clear error
//! that never shows the password, and a cluster that speaks no TLS refuses `require`.

use ssi_pg_harness::{PgCluster, TestCa};
use ssi_store::pg::PgStore;
use std::path::Path;

/// `url` with `parameters` appended as its query.
fn with_query(url: &str, parameters: &str) -> String {
    format!("{url}?{parameters}")
}

/// Whether a store connected to `url` is encrypted, per the server.
fn encrypted(url: &str) -> bool {
    PgStore::connect(url, 1).unwrap_or_else(|e| panic!("{url}: {e}")).connection_encrypted().unwrap()
}

/// Why connecting to `url` failed.
fn refusal(url: &str) -> String {
    match PgStore::connect(url, 1) {
        Ok(_) => panic!("{url} connected"),
        Err(error) => {
            eprintln!("refused as it should be: {error}");
            error.to_string()
        }
    }
}

/// The cluster's password, as it appears in its URLs (which must never be in an error).
fn password(url: &str) -> String {
    let credentials = url.strip_prefix("postgres://").unwrap().split('@').next().unwrap();
    credentials.split(':').nth(1).unwrap().to_string()
}

#[test]
fn each_sslmode_connects_as_libpq_would_and_a_wrong_certificate_is_refused_clearly() {
    let ca = TestCa::new("ssi test CA");
    // The certificate names `localhost` only: reached as 127.0.0.1 its name does not match.
    let cluster = PgCluster::start_with_tls(&ca.server(&["localhost"])).unwrap();
    let by_address = cluster.create_database("tls").unwrap();
    let by_name = by_address.replace("@127.0.0.1:", "@localhost:");
    assert_ne!(by_name, by_address);
    let dir = tempfile::tempdir().unwrap();
    let root = ca.root_file(dir.path(), "root.pem");
    let wrong_root = TestCa::new("another CA").root_file(dir.path(), "wrong-root.pem");
    let root_query = |mode: &str, root: &Path| {
        let root = root.to_str().unwrap().replace('/', "%2F");
        format!("sslmode={mode}&sslrootcert={root}")
    };

    // No sslmode, and `disable`: plain TCP, as before TLS existed.
    assert!(!encrypted(&by_address));
    assert!(!encrypted(&with_query(&by_address, "sslmode=disable")));
    // `prefer` and `require`: encrypted; the certificate is not checked (libpq's meaning).
    assert!(encrypted(&with_query(&by_address, "sslmode=prefer")));
    assert!(encrypted(&with_query(&by_address, "sslmode=require&connect_timeout=5")));
    // `verify-full`: the right root and the certificate's own name connect.
    assert!(encrypted(&with_query(&by_name, &root_query("verify-full", &root))));
    // `verify-ca`: the chain is checked but not the name, so the address connects too.
    assert!(encrypted(&with_query(&by_address, &root_query("verify-ca", &root))));

    let secret = password(&by_address);
    // Another CA's root: refused, saying why, never showing the password.
    for (url, what) in [
        (with_query(&by_name, &root_query("verify-full", &wrong_root)), "verify-full"),
        (with_query(&by_address, &root_query("verify-ca", &wrong_root)), "verify-ca"),
        (with_query(&by_address, &root_query("require", &wrong_root)), "require with sslrootcert"),
    ] {
        let error = refusal(&url);
        assert!(error.contains("TLS handshake") && error.contains("UnknownIssuer"), "{what}: {error}");
        assert!(error.contains("must chain to a root certificate of sslrootcert"), "{what}: {error}");
        assert!(!error.contains(&secret), "{what}: {error}");
        assert!(!error.contains('\n'), "{what}: {error}");
    }
    // Mozilla's roots (no sslrootcert) do not know the test CA.
    let error = refusal(&with_query(&by_name, "sslmode=verify-full"));
    assert!(error.contains("UnknownIssuer"), "{error}");
    // The right root, but the certificate does not name 127.0.0.1: verify-full refuses.
    let error = refusal(&with_query(&by_address, &root_query("verify-full", &root)));
    assert!(error.contains("TLS handshake") && error.contains("not valid for name"), "{error}");
    assert!(error.contains("sslmode=verify-full") && error.contains("name the host"), "{error}");
    assert!(!error.contains(&secret), "{error}");
    // A root file that is not there is named.
    let missing = dir.path().join("missing.pem");
    let error = refusal(&with_query(&by_name, &root_query("verify-full", &missing)));
    assert!(error.contains("sslrootcert") && error.contains("missing.pem"), "{error}");
}

#[test]
fn a_cluster_without_tls_refuses_sslmode_require_clearly_and_prefer_falls_back_to_plain() {
    let cluster = PgCluster::for_test();
    let url = cluster.create_database("plain").unwrap();
    let error = refusal(&with_query(&url, "sslmode=require"));
    assert!(error.contains("TLS") && error.contains("not support"), "{error}");
    assert!(error.contains("sslmode=disable"), "{error}");
    assert!(!error.contains(&password(&url)), "{error}");
    assert!(!error.contains('\n'), "{error}");
    assert!(!encrypted(&with_query(&url, "sslmode=prefer")));
    assert!(!encrypted(&url));
}
