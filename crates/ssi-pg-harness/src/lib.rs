//! Throwaway PostgreSQL clusters for ssi's tests: `initdb` into a temp dir as an
//! unprivileged user, `postgres` on loopback only with its own port, and everything
//! stopped and deleted again when the [`PgCluster`] is dropped, also when a test panics.
//!
//! ```no_run
//! let cluster = ssi_pg_harness::PgCluster::for_test();
//! let url = cluster.create_database("ssi_test").unwrap();
//! // … connect to `url` (postgres://ssi:…@127.0.0.1:PORT/ssi_test) …
//! drop(cluster); // stops postgres and deletes the cluster's directory
//! ```
//!
//! PostgreSQL's binaries are looked for in `$SSI_PG_BINDIR`, `pg_config --bindir`,
//! `/usr/lib/postgresql/<version>/bin` (newest first; Debian keeps them off `PATH`) and
//! `PATH`, in that order. `initdb` and `postgres` refuse to run as root, so when the tests
//! run as root the cluster's directory is handed to the `postgres` system user (else
//! `nobody`) and the binaries run as that user.
//!
//! [`PgCluster::start_with_tls`] starts a cluster that also speaks TLS (`ssl = on`) with a
//! certificate the test made ([`TestCa`] issues them), written into its data directory.

use nix::sys::signal::{Signal, kill};
use nix::unistd::{Gid, Pid, Uid, User, chown, geteuid};
use std::ffi::OsString;
use std::fs::File;
use std::net::TcpListener;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// What to install when PostgreSQL is missing (Debian, as CI runs it).
pub const INSTALL_HINT: &str = "install it with `apt-get install postgresql`";

/// The environment variable naming the directory of PostgreSQL's binaries, looked at first.
pub const BINDIR_ENV: &str = "SSI_PG_BINDIR";

/// The superuser every cluster is created with.
pub const SUPERUSER: &str = "ssi";

/// The programs the harness runs; a directory holding all of them is PostgreSQL's bindir.
const PROGRAMS: [&str; 4] = ["initdb", "postgres", "pg_isready", "createdb"];

/// How long a cluster may take to accept connections after `postgres` starts.
const READY_WITHIN: Duration = Duration::from_secs(60);

/// How long a fast shutdown may take before the postmaster is killed.
const STOP_WITHIN: Duration = Duration::from_secs(30);

/// The server certificate's and key's file names in the data dir of a TLS cluster.
const TLS_CERTIFICATE: &str = "server.crt";
const TLS_KEY: &str = "server.key";

/// The settings of a TLS cluster (relative paths are taken from the data dir).
const TLS_SETTINGS: [&str; 3] = ["ssl=on", "ssl_cert_file=server.crt", "ssl_key_file=server.key"];

/// How many ports are tried when another process takes the chosen one first.
const PORT_ATTEMPTS: usize = 5;

/// The certificate (chain) and private key, PEM-encoded, of a cluster that speaks TLS.
#[derive(Debug, Clone)]
pub struct ServerTls {
    /// The server's certificate, followed by any intermediate ones.
    pub certificate_pem: String,
    /// The certificate's private key.
    pub private_key_pem: String,
}

/// A certificate authority of a test's own (rcgen), issuing server certificates for
/// [`PgCluster::start_with_tls`] and giving its root certificate for `sslrootcert`.
pub struct TestCa {
    issuer: rcgen::CertifiedIssuer<'static, rcgen::KeyPair>,
}

impl TestCa {
    /// A new CA named `name`, with a fresh key.
    pub fn new(name: &str) -> TestCa {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("no names to parse");
        params.distinguished_name.push(rcgen::DnType::CommonName, name);
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages =
            vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::DigitalSignature];
        let key = rcgen::KeyPair::generate().expect("a key pair is generated");
        TestCa {
            issuer: rcgen::CertifiedIssuer::self_signed(params, key).expect("the CA certificate is signed"),
        }
    }

    /// A server certificate for `names` (DNS names or IP addresses), issued by this CA.
    pub fn server(&self, names: &[&str]) -> ServerTls {
        let key = rcgen::KeyPair::generate().expect("a key pair is generated");
        let names: Vec<String> = names.iter().map(|name| name.to_string()).collect();
        let mut params = rcgen::CertificateParams::new(names).expect("plain host names");
        params.distinguished_name.push(rcgen::DnType::CommonName, "ssi test server");
        let certificate = params.signed_by(&key, &self.issuer).expect("the server certificate is signed");
        ServerTls { certificate_pem: certificate.pem(), private_key_pem: key.serialize_pem() }
    }

    /// Writes the CA's certificate into `dir` as `name`, a root file for `sslrootcert`.
    pub fn root_file(&self, dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, self.issuer.pem()).expect("the root file is written");
        path
    }
}

/// Why a cluster could not be started or a database created.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// PostgreSQL's server binaries are not installed (or not where they are looked for).
    #[error(
        "PostgreSQL's server programs (initdb, postgres, pg_isready, createdb) were not found in {looked}: \
         {INSTALL_HINT}"
    )]
    Missing {
        /// The places looked in, in order.
        looked: String,
    },
    /// Running as root, and neither the `postgres` nor the `nobody` user exists.
    #[error("running as root, and there is no `postgres` or `nobody` user to run PostgreSQL as")]
    NoUnprivilegedUser,
    /// A file or process operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// One of PostgreSQL's programs failed.
    #[error("{program} failed ({status}): {output}")]
    Program {
        /// The program.
        program: String,
        /// Its exit status.
        status: String,
        /// What it printed, trimmed.
        output: String,
    },
    /// The server did not start accepting connections.
    #[error("postgres did not accept connections within {seconds} s; its log ends: {log}")]
    NotReady {
        /// How long was waited.
        seconds: u64,
        /// The end of the server's log.
        log: String,
    },
    /// The server stopped before it accepted connections.
    #[error("postgres exited ({status}) before accepting connections; its log ends: {log}")]
    Exited {
        /// Its exit status.
        status: String,
        /// The end of the server's log.
        log: String,
    },
    /// The database name is not a plain lower-case identifier.
    #[error("database name {0:?} is not 1 to 63 of a-z, 0-9 and _")]
    DatabaseName(String),
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> HarnessError {
    let what = what.into();
    move |source| HarnessError::Io { what, source }
}

/// The user and group PostgreSQL's programs run as when the tests run as root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunAs {
    /// The user's id.
    pub uid: Uid,
    /// The user's primary group.
    pub gid: Gid,
}

/// Whom to run PostgreSQL as: nobody else when not root; as root, the `postgres` system
/// user if there is one, else `nobody` (initdb and postgres refuse to run as root).
pub fn unprivileged_user() -> Result<Option<RunAs>, HarnessError> {
    if !geteuid().is_root() {
        return Ok(None);
    }
    for name in ["postgres", "nobody"] {
        let user = User::from_name(name)
            .map_err(|e| HarnessError::Io { what: format!("looking up user {name}"), source: e.into() })?;
        if let Some(user) = user {
            return Ok(Some(RunAs { uid: user.uid, gid: user.gid }));
        }
    }
    Err(HarnessError::NoUnprivilegedUser)
}

/// The directories PostgreSQL's binaries may be in, in the order they are tried.
pub fn bindir_candidates() -> Vec<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os(BINDIR_ENV).filter(|dir| !dir.is_empty()) {
        candidates.push(PathBuf::from(dir));
    }
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output()
        && output.status.success()
    {
        let dir = String::from_utf8_lossy(&output.stdout).trim().to_string();
        if !dir.is_empty() {
            candidates.push(PathBuf::from(dir));
        }
    }
    candidates.extend(debian_bindirs(Path::new("/usr/lib/postgresql")));
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path));
    }
    candidates
}

/// `<root>/<version>/bin` for every numbered version under `root`, newest first.
fn debian_bindirs(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else { return Vec::new() };
    let mut versions: Vec<(u32, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    versions.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    versions.into_iter().map(|(_, dir)| dir).collect()
}

/// The first of `candidates` that holds every program the harness runs.
pub fn find_bindir_in(candidates: &[PathBuf]) -> Result<PathBuf, HarnessError> {
    let complete = |dir: &&PathBuf| PROGRAMS.iter().all(|program| dir.join(program).is_file());
    candidates.iter().find(complete).cloned().ok_or_else(|| HarnessError::Missing {
        looked: format!("${BINDIR_ENV}, pg_config --bindir, /usr/lib/postgresql/*/bin, PATH"),
    })
}

/// PostgreSQL's bindir on this machine (see [`bindir_candidates`]).
pub fn find_bindir() -> Result<PathBuf, HarnessError> {
    find_bindir_in(&bindir_candidates())
}

/// A running throwaway cluster. Dropping it stops the server (a fast shutdown, then a
/// kill if that hangs) and deletes its directory.
#[derive(Debug)]
pub struct PgCluster {
    bindir: PathBuf,
    run_as: Option<RunAs>,
    password: String,
    port: u16,
    /// Whether the server is started with `ssl = on` (its files are in the data dir).
    tls: bool,
    postmaster: Option<Child>,
    // Declared last so it is removed after the server has stopped.
    dir: TempDir,
}

impl PgCluster {
    /// Creates a cluster in a new temp dir and starts it on a free loopback port.
    pub fn start() -> Result<PgCluster, HarnessError> {
        PgCluster::start_with(None)
    }

    /// [`PgCluster::start`] for a cluster that also accepts TLS connections (`ssl = on`),
    /// presenting `tls`'s certificate; plain connections are still accepted.
    pub fn start_with_tls(tls: &ServerTls) -> Result<PgCluster, HarnessError> {
        PgCluster::start_with(Some(tls))
    }

    fn start_with(tls: Option<&ServerTls>) -> Result<PgCluster, HarnessError> {
        let bindir = find_bindir()?;
        let run_as = unprivileged_user()?;
        let dir = tempfile::Builder::new().prefix("ssi-pg-").tempdir().map_err(io("creating a temp dir"))?;
        let mut password_bytes = [0u8; 16];
        getrandom::fill(&mut password_bytes).map_err(|e| HarnessError::Io {
            what: "generating the cluster's password".into(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let password: String = password_bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut cluster =
            PgCluster { bindir, run_as, password, port: 0, tls: tls.is_some(), postmaster: None, dir };
        cluster.hand_over(cluster.dir.path())?;
        cluster.initdb()?;
        if let Some(tls) = tls {
            cluster.write_tls_files(tls)?;
        }
        cluster.start_server()?;
        Ok(cluster)
    }

    /// [`PgCluster::start`] for tests: panics with the one-line reason when it fails
    /// (naming what to install when PostgreSQL is missing).
    pub fn for_test() -> PgCluster {
        PgCluster::start().unwrap_or_else(|e| panic!("cannot start a throwaway PostgreSQL: {e}"))
    }

    /// The cluster the tests of one test binary running at the same time share (started
    /// by the first, as [`PgCluster::for_test`]); stopped and deleted when the last of them
    /// drops its handle. Each test makes a database of its own on it.
    pub fn shared_for_tests() -> Arc<PgCluster> {
        static SHARED: Mutex<Weak<PgCluster>> = Mutex::new(Weak::new());
        let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(cluster) = shared.upgrade() {
            return cluster;
        }
        let cluster = Arc::new(PgCluster::for_test());
        *shared = Arc::downgrade(&cluster);
        cluster
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The cluster's data directory (inside the temp dir).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The temp dir holding the cluster (data, socket, log); gone once dropped.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The postmaster's process id (0 while paused).
    pub fn pid(&self) -> u32 {
        self.postmaster.as_ref().map_or(0, Child::id)
    }

    /// The connection URL of `database` as the cluster's superuser, over TCP on loopback.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://{SUPERUSER}:{}@127.0.0.1:{}/{database}", self.password, self.port)
    }

    /// Creates a database and returns its connection URL.
    pub fn create_database(&self, name: &str) -> Result<String, HarnessError> {
        check_database_name(name)?;
        let mut createdb = self.client("createdb");
        createdb.arg(name);
        run(createdb, "createdb")?;
        Ok(self.url(name))
    }

    /// A command running one of PostgreSQL's programs as the unprivileged user, in the
    /// cluster's directory, with the C locale.
    fn program(&self, program: &str) -> Command {
        let mut command = Command::new(self.bindir.join(program));
        command.current_dir(self.dir.path()).env("LC_ALL", "C").env("LANG", "C").stdin(Stdio::null());
        if let Some(user) = self.run_as {
            command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        }
        command
    }

    /// A client program connecting to the cluster over TCP as the superuser.
    fn client(&self, program: &str) -> Command {
        let mut command = self.program(program);
        command.args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", SUPERUSER]);
        command.env("PGPASSWORD", &self.password).env("PGCONNECT_TIMEOUT", "5");
        command
    }

    /// Gives a path to the unprivileged user (when running as root).
    fn hand_over(&self, path: &Path) -> Result<(), HarnessError> {
        if let Some(user) = self.run_as {
            chown(path, Some(user.uid), Some(user.gid)).map_err(|e| HarnessError::Io {
                what: format!("{}: handing it to uid {}", path.display(), user.uid),
                source: e.into(),
            })?;
        }
        Ok(())
    }

    fn initdb(&self) -> Result<(), HarnessError> {
        let password_file = self.dir.path().join("password");
        std::fs::write(&password_file, &self.password).map_err(io("writing the password file"))?;
        self.hand_over(&password_file)?;
        let mut initdb = self.program("initdb");
        initdb.arg("-D").arg(self.data_dir());
        initdb.args(["-U", SUPERUSER, "-E", "UTF8", "--locale=C", "--auth=scram-sha-256", "--no-sync"]);
        initdb.arg("--no-instructions").arg(pwfile_arg(&password_file));
        let result = run(initdb, "initdb");
        std::fs::remove_file(&password_file).map_err(io("removing the password file"))?;
        result
    }

    /// Writes the certificate and key where [`TLS_SETTINGS`] point: in the data dir,
    /// owned by the user postgres runs as, the key readable by it alone (postgres refuses
    /// a key others can read).
    fn write_tls_files(&self, tls: &ServerTls) -> Result<(), HarnessError> {
        use std::os::unix::fs::PermissionsExt as _;
        for (name, pem, mode) in
            [(TLS_CERTIFICATE, &tls.certificate_pem, 0o644), (TLS_KEY, &tls.private_key_pem, 0o600)]
        {
            let path = self.data_dir().join(name);
            std::fs::write(&path, pem).map_err(io(format!("writing {name}")))?;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
                .map_err(io(format!("restricting {name}")))?;
            self.hand_over(&path)?;
        }
        Ok(())
    }

    /// Starts `postgres` on a free port, trying another when the port was taken between
    /// choosing and binding it, and waits until it accepts connections.
    fn start_server(&mut self) -> Result<(), HarnessError> {
        let mut last = None;
        for _ in 0..PORT_ATTEMPTS {
            self.port = free_port()?;
            match self.spawn_and_wait() {
                Ok(()) => return Ok(()),
                Err(e @ HarnessError::Exited { .. }) if self.log_tail().contains("could not bind") => {
                    last = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or(HarnessError::Exited { status: "never started".into(), log: String::new() }))
    }

    fn spawn_and_wait(&mut self) -> Result<(), HarnessError> {
        let log_path = self.dir.path().join("postgres.log");
        let log = File::create(&log_path).map_err(io("creating the server log"))?;
        let log_err = log.try_clone().map_err(io("opening the server log"))?;
        let mut postgres = self.program("postgres");
        postgres.arg("-D").arg(self.data_dir()).arg("-p").arg(self.port.to_string());
        postgres.arg("-k").arg(self.dir.path());
        // Loopback only; a test cluster needs no durability across a machine crash, and
        // little memory (several run at once on a small machine).
        for setting in [
            "listen_addresses=127.0.0.1",
            "fsync=off",
            "full_page_writes=off",
            "shared_buffers=16MB",
            "max_connections=60",
        ] {
            postgres.arg("-c").arg(setting);
        }
        if self.tls {
            for setting in TLS_SETTINGS {
                postgres.arg("-c").arg(setting);
            }
        }
        postgres.stdout(log).stderr(log_err);
        let child = postgres.spawn().map_err(io("starting postgres"))?;
        self.postmaster = Some(child);

        let deadline = Instant::now() + READY_WITHIN;
        loop {
            if let Some(child) = self.postmaster.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.postmaster = None;
                return Err(HarnessError::Exited { status: status.to_string(), log: self.log_tail() });
            }
            let mut ready = self.client("pg_isready");
            ready.args(["-d", "postgres", "-t", "2"]).stdout(Stdio::null()).stderr(Stdio::null());
            if ready.status().map_err(io("running pg_isready"))?.success() {
                return Ok(());
            }
            if Instant::now() > deadline {
                self.stop();
                return Err(HarnessError::NotReady { seconds: READY_WITHIN.as_secs(), log: self.log_tail() });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server (a fast shutdown), keeping its data: connections fail until
    /// [`PgCluster::resume`]. For tests of what a client does when the database is lost.
    pub fn pause(&mut self) {
        self.stop();
    }

    /// Starts the server again on the same port after [`PgCluster::pause`]; the data is
    /// as it was. Does nothing when the server runs.
    pub fn resume(&mut self) -> Result<(), HarnessError> {
        if self.postmaster.is_some() {
            return Ok(());
        }
        self.spawn_and_wait()
    }

    /// The last lines of the server's log, on one line.
    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.path().join("postgres.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(5)..].join(" | ")
    }

    /// Stops the server: a fast shutdown (SIGINT: clients are disconnected, the data is
    /// flushed), and a kill if it has not stopped in time.
    fn stop(&mut self) {
        let Some(mut child) = self.postmaster.take() else { return };
        if let Ok(pid) = i32::try_from(child.id()) {
            let _ = kill(Pid::from_raw(pid), Signal::SIGINT);
        }
        let deadline = Instant::now() + STOP_WITHIN;
        while Instant::now() < deadline {
            match child.try_wait() {
                Ok(Some(_)) | Err(_) => return,
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        self.stop();
        // `dir` (a TempDir) deletes the cluster's files when it is dropped next.
    }
}

/// A database name is a plain identifier, so it needs no quoting anywhere.
fn check_database_name(name: &str) -> Result<(), HarnessError> {
    let plain = !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if plain { Ok(()) } else { Err(HarnessError::DatabaseName(name.to_string())) }
}

fn pwfile_arg(path: &Path) -> OsString {
    let mut arg = OsString::from("--pwfile=");
    arg.push(path);
    arg
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> Result<u16, HarnessError> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(io("finding a free port"))?;
    Ok(listener.local_addr().map_err(io("finding a free port"))?.port())
}

/// Runs a program to completion; a failure carries what it printed.
fn run(mut command: Command, program: &str) -> Result<(), HarnessError> {
    let output = command.output().map_err(io(format!("running {program}")))?;
    if output.status.success() {
        return Ok(());
    }
    let printed =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Err(HarnessError::Program {
        program: program.to_string(),
        status: output.status.to_string(),
        output: printed.split_whitespace().collect::<Vec<_>>().join(" "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_binaries_name_what_to_install_in_one_line() {
        let empty = tempfile::tempdir().unwrap();
        let err = find_bindir_in(&[empty.path().to_path_buf()]).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("apt-get install postgresql"), "{message}");
        assert!(message.contains("/usr/lib/postgresql/*/bin"), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }

    #[test]
    fn a_bindir_needs_every_program() {
        let partial = tempfile::tempdir().unwrap();
        let full = tempfile::tempdir().unwrap();
        for program in PROGRAMS {
            std::fs::write(full.path().join(program), "").unwrap();
        }
        std::fs::write(partial.path().join("initdb"), "").unwrap();
        let found = find_bindir_in(&[partial.path().to_path_buf(), full.path().to_path_buf()]).unwrap();
        assert_eq!(found, full.path());
    }

    #[test]
    fn database_names_are_plain_identifiers() {
        assert!(check_database_name("ssi_test_2").is_ok());
        for bad in ["", "Upper", "semi;colon", "quote\"", &"x".repeat(64)] {
            assert!(matches!(check_database_name(bad), Err(HarnessError::DatabaseName(_))), "{bad:?}");
        }
    }

    #[test]
    fn debian_versions_are_tried_newest_first() {
        let root = tempfile::tempdir().unwrap();
        for version in ["9", "15", "13", "common"] {
            std::fs::create_dir(root.path().join(version)).unwrap();
        }
        let dirs = debian_bindirs(root.path());
        assert_eq!(dirs, ["15", "13", "9"].map(|v| root.path().join(v).join("bin")));
    }

    #[test]
    fn as_root_the_programs_run_as_an_unprivileged_user() {
        let user = unprivileged_user().unwrap();
        if geteuid().is_root() {
            let user = user.expect("a user to run as");
            assert!(!user.uid.is_root());
            let expected =
                User::from_name("postgres").unwrap().or(User::from_name("nobody").unwrap()).unwrap();
            assert_eq!(user.uid, expected.uid);
        } else {
            assert_eq!(user, None);
        }
    }
}
