//! The throwaway PostgreSQL cluster of `ssi-pg-harness`: it starts on loopback as an
//! unprivileged user, takes connections, and leaves no process and no directory behind
//! when dropped, also when the test holding it panics. (Here rather than in the
//! harness's crate so that only `--features postgres` needs PostgreSQL installed.)

use ssi_pg_harness::{PgCluster, unprivileged_user};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

/// Runs one query over a real TCP connection to `url` and returns the first column of
/// the first row as text.
fn query_text(url: &str, sql: &str) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        client.query_one(sql, &[]).await.unwrap().get::<_, String>(0)
    })
}

/// The processes whose parent is `pid`, or whose command line names `dir`.
fn processes_of(pid: u32, dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().filter_map(Result::ok) {
        let Ok(id) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // The parent pid is the second field after the parenthesised command name.
        let parent = stat.rsplit_once(") ").and_then(|(_, rest)| rest.split(' ').nth(1)?.parse::<u32>().ok());
        if id == pid || parent == Some(pid) || cmdline.contains(&dir.to_string_lossy().to_string()) {
            found.push(format!("{id}: {cmdline}"));
        }
    }
    found
}

#[test]
fn a_cluster_takes_connections_on_loopback_only_and_leaves_nothing_when_dropped() {
    let cluster = PgCluster::for_test();
    let (pid, dir) = (cluster.pid(), cluster.dir().to_path_buf());
    assert!(!processes_of(pid, &dir).is_empty(), "the postmaster runs");

    let url = cluster.create_database("harness").unwrap();
    assert!(url.starts_with("postgres://ssi:") && url.contains("@127.0.0.1:"), "{url}");
    assert_eq!(query_text(&url, "SELECT current_database()::text"), "harness");
    assert_eq!(query_text(&url, "SELECT current_setting('listen_addresses')"), "127.0.0.1");
    assert_eq!(query_text(&url, "SELECT current_setting('port')"), cluster.port().to_string());
    // A wrong password is refused: the cluster does not trust loopback connections.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let wrong = url.replacen("postgres://ssi:", "postgres://ssi:x", 1);
    assert!(runtime.block_on(tokio_postgres::connect(&wrong, tokio_postgres::NoTls)).is_err());

    // As root, the cluster's files belong to the unprivileged user it runs as.
    if let Some(user) = unprivileged_user().unwrap() {
        assert_eq!(std::fs::metadata(cluster.data_dir()).unwrap().uid(), user.uid.as_raw());
    }

    drop(cluster);
    assert_eq!(processes_of(pid, &dir), Vec::<String>::new());
    assert!(!dir.exists(), "{} is left behind", dir.display());
}

#[test]
fn a_panicking_test_still_stops_its_cluster_and_deletes_it() {
    let (sender, receiver) = std::sync::mpsc::channel::<(u32, PathBuf)>();
    let test = std::thread::spawn(move || {
        let cluster = PgCluster::for_test();
        sender.send((cluster.pid(), cluster.dir().to_path_buf())).unwrap();
        panic!("a test failing while it holds a cluster");
    });
    assert!(test.join().is_err(), "the thread panicked");
    let (pid, dir) = receiver.recv().unwrap();
    assert_eq!(processes_of(pid, &dir), Vec::<String>::new());
    assert!(!dir.exists(), "{} is left behind", dir.display());
}

#[test]
fn clusters_started_together_get_their_own_ports_and_directories() {
    let clusters: Vec<PgCluster> = std::thread::scope(|s| {
        (0..3)
            .map(|_| s.spawn(PgCluster::for_test))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect()
    });
    let mut ports: Vec<u16> = clusters.iter().map(PgCluster::port).collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 3);
    for cluster in &clusters {
        let url = cluster.create_database("same_name").unwrap();
        assert_eq!(
            query_text(&url, "SELECT current_setting('data_directory')"),
            cluster.data_dir().to_string_lossy()
        );
    }
}

#[test]
fn a_server_that_cannot_start_says_why_and_a_paused_one_resumes_with_its_data() {
    let mut cluster = PgCluster::for_test();
    let url = cluster.create_database("kept").unwrap();
    cluster.pause();
    assert_eq!(cluster.pid(), 0);
    // Another process takes the port meanwhile: resuming fails, naming the cause.
    let squatter = std::net::TcpListener::bind(("127.0.0.1", cluster.port())).unwrap();
    let err = cluster.resume().unwrap_err();
    assert!(matches!(err, ssi_pg_harness::HarnessError::Exited { .. }), "{err:?}");
    assert!(err.to_string().contains("could not bind"), "{err}");
    drop(squatter);
    cluster.resume().unwrap();
    assert_eq!(query_text(&url, "SELECT current_database()::text"), "kept");
}
