//! Crash safety of `ssi import`: the real binary is killed with SIGKILL at random moments
//! while it imports the bundled `examples/sample-export.zip` (the "typical" synthetic
//! export: 12 298 events, about 1 900 days re-scored) for a new member. After every kill
//! the database passes SQLite's integrity and foreign-key checks, the import is wholly
//! present or wholly absent (no member row, event, snapshot or import record of an absent
//! one), the other member's data is untouched, and importing again ends with exactly the
//! rows of an uninterrupted run. `cargo xtask crash` does the same with a heavy export and
//! as many kills as asked.

use crate::support::TestEnv;
use ssi_store::Store;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Kills per run of the test suite.
const KILLS: u64 = 20;

/// The member the sample export names.
const SAMPLE_MEMBER: &str = "Katrin Vogt";

/// What the database holds of one member, counted through the store.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MemberRows {
    industry: Option<String>,
    events: usize,
    snapshots: usize,
    /// (fingerprint, events seen, events added) of each import.
    imports: Vec<(String, u64, u64)>,
    scores: usize,
    readings: usize,
}

/// Every member's rows, by name.
type Census = BTreeMap<String, MemberRows>;

/// Opens the database (recovering it as any next run of ssi would), checks its integrity
/// and counts its rows.
fn census(db: &Path) -> Census {
    let store =
        Store::open(db).unwrap_or_else(|e| panic!("{} does not open after a kill: {e}", db.display()));
    store.check_integrity().unwrap_or_else(|e| panic!("integrity after a kill: {e}"));
    let version = store.active_model().unwrap().version;
    store
        .list_members()
        .unwrap()
        .into_iter()
        .map(|m| {
            let rows = MemberRows {
                industry: m.industry.clone(),
                events: store.load_events(m.id).unwrap().len(),
                snapshots: store.profile_snapshots(m.id).unwrap().len(),
                imports: store
                    .imports(m.id)
                    .unwrap()
                    .into_iter()
                    .map(|i| (i.fingerprint, i.events_seen, i.events_added))
                    .collect(),
                scores: store.score_points(m.id, &version, None, None).unwrap().len(),
                readings: store.readings(m.id, None, None).unwrap().len(),
            };
            (m.name, rows)
        })
        .collect()
}

/// `ssi --db DB -q import EXPORT`, as a child process of its own.
fn import_command(env: &TestEnv, db: &Path, export: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("ssi"));
    for var in ["SSI_DB", "SSI_MEMBER", "SSI_CONFIG", "SSI_LOG", "RUST_LOG"] {
        cmd.env_remove(var);
    }
    cmd.arg("--db")
        .arg(db)
        .args(["-q", "import"])
        .arg(export)
        .env("HOME", env.path("home"))
        .env("XDG_CONFIG_HOME", env.path("config"))
        .env("XDG_DATA_HOME", env.path("data"))
        .env("SSI_TODAY", crate::support::TODAY)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Copies a database with its write-ahead log (if one was left).
fn copy_db(from: &Path, to: &Path) {
    for suffix in ["", "-wal"] {
        let source = PathBuf::from(format!("{}{suffix}", from.display()));
        let target = PathBuf::from(format!("{}{suffix}", to.display()));
        let _ = std::fs::remove_file(&target);
        if source.exists() {
            std::fs::copy(&source, &target).unwrap();
        }
    }
    let _ = std::fs::remove_file(format!("{}-shm", to.display()));
}

/// A small xorshift generator: the kill moments vary from run to run, and the seed is
/// printed so that a failure can be replayed with `SSI_CRASH_SEED`.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn sigkill_at_random_moments_of_an_import_leaves_it_wholly_present_or_absent() {
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/sample-export.zip");
    let env = TestEnv::new();
    let export = env.path("Basic_LinkedInDataExport_11-20-2026.zip");
    std::fs::copy(&sample, &export).unwrap();

    // The database before: another member, imported from the fixture export.
    let baseline = env.path("baseline.db");
    let folder = env.export_folder();
    env.stdout(&["--db", baseline.to_str().unwrap(), "-q", "import", folder.to_str().unwrap()]);
    let before = census(&baseline);
    assert_eq!(before.len(), 1);

    // An uninterrupted run: its duration spans the kill moments, its rows are the reference.
    let reference_db = env.path("reference.db");
    copy_db(&baseline, &reference_db);
    let started = Instant::now();
    let output = import_command(&env, &reference_db, &export).output().unwrap();
    let uninterrupted = started.elapsed();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let reference = census(&reference_db);
    let imported = reference.get(SAMPLE_MEMBER).expect("the sample names its member").clone();
    assert!(imported.events > 10_000, "{imported:?}");

    let seed = std::env::var("SSI_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| u64::from(std::process::id()) | 1 << 40);
    let mut rng = Rng(seed);
    let (mut absent, mut present) = (0, 0);
    let run_db = env.path("run.db");
    for kill in 0..KILLS {
        copy_db(&baseline, &run_db);
        // Stratified over 0–120% of the uninterrupted duration, so that the moments cover
        // start-up, reading, the transaction, the commit and the dashboard after it.
        let at = uninterrupted.mul_f64(1.2 * (kill as f64 + rng.unit()) / KILLS as f64);
        let mut child = import_command(&env, &run_db, &export).spawn().unwrap();
        std::thread::sleep(at);
        let finished_first = child.try_wait().unwrap().is_some();
        child.kill().unwrap();
        let status = child.wait().unwrap();
        let context =
            format!("kill {kill} at {at:?} (seed {seed}, finished first: {finished_first}, {status})");

        let after = census(&run_db);
        assert_eq!(
            after.get("Ada Lovelace"),
            before.get("Ada Lovelace"),
            "{context}: the other member is untouched"
        );
        match after.get(SAMPLE_MEMBER) {
            None => absent += 1,
            Some(rows) => {
                assert_eq!(rows, &imported, "{context}: a present import is whole");
                present += 1;
            }
        }
        assert!(after.len() <= 2, "{context}: {after:?}");

        // Running the import again finishes it with the rows of the uninterrupted run.
        let again = import_command(&env, &run_db, &export).output().unwrap();
        assert!(again.status.success(), "{context}: {}", String::from_utf8_lossy(&again.stderr));
        assert_eq!(census(&run_db), reference, "{context}: re-import after the kill");
    }
    eprintln!(
        "{KILLS} kills (seed {seed}) over an uninterrupted import of {uninterrupted:?}: \
         {absent} left the import absent, {present} whole; every database checked and re-imported"
    );
    assert_eq!(absent + present, KILLS);
    // The first kill lands in the first 6% of the uninterrupted duration, long before the
    // import commits: at least one kill must have caught it unfinished.
    assert!(absent >= 1, "no kill landed before the commit");
}

#[test]
fn every_hostile_archive_leaves_the_store_as_it_was_or_only_adds_its_own_member() {
    // The importer-level tests (crates/ssi-import/tests/hostile.rs) pin each file's exact
    // outcome; this runs the real binary on every archive of the corpus against a store
    // that already holds someone, and checks what the store keeps.
    let env = TestEnv::new();
    let baseline = env.path("baseline.db");
    let folder = env.export_folder();
    env.stdout(&["--db", baseline.to_str().unwrap(), "-q", "import", folder.to_str().unwrap()]);
    let before = census(&baseline);
    let hostile = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/hostile");
    let mut archives: Vec<PathBuf> = std::fs::read_dir(&hostile)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "zip"))
        .collect();
    archives.sort();
    assert!(archives.len() >= 40, "the corpus has {} archives", archives.len());
    let (mut refused, mut imported) = (0, 0);
    for archive in &archives {
        let db = env.path("work.db");
        copy_db(&baseline, &db);
        // A stranger's name, so that an archive that names nobody is not added to the
        // member already stored (the CLI's default when a database holds one person).
        let output =
            import_command(&env, &db, archive).args(["--member", "Hostile Stranger"]).output().unwrap();
        let after = census(&db);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.success() {
            imported += 1;
            // Rows were skipped at most; the import went to its own member, and the
            // member already stored is untouched.
            assert!(after.contains_key("Hostile Stranger"), "{}", archive.display());
            for (name, rows) in &before {
                assert_eq!(after.get(name), Some(rows), "{} changed {name}", archive.display());
            }
        } else {
            refused += 1;
            assert_eq!(output.status.code(), Some(1), "{}: {stderr}", archive.display());
            assert_eq!(
                stderr.trim().lines().count(),
                1,
                "{}: one clear line, got {stderr}",
                archive.display()
            );
            assert_eq!(after, before, "{} left the store changed", archive.display());
        }
    }
    assert!(refused > 20 && imported > 0, "refused {refused}, imported {imported}");
}
