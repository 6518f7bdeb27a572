//! ssi-store: the SQLite store of ssi, embedded by the CLI and shared by the team server.
//!
//! It keeps members and teams, their activity events and profile snapshots,
//! official SSI readings, scoring models, API tokens and the materialised
//! daily scores, and answers the questions the CLI and the server ask of them
//! (history, leaderboards, percentiles). All SQL of ssi lives here.
//!
//! ```no_run
//! use chrono::NaiveDate;
//! use ssi_store::{Store, default_db_path};
//!
//! # fn main() -> Result<(), ssi_store::StoreError> {
//! let store = Store::open(&default_db_path()?)?;
//! let alice = store.create_member("Alice", Some("Software"), None)?;
//! let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
//! store.rescore_member(alice.id, None, today)?;
//! println!("{:?}", store.latest_score(alice.id, None)?);
//! # Ok(())
//! # }
//! ```
//!
//! Durability and concurrency are described in `docs/store.md`: WAL mode,
//! one writer connection per store behind a mutex, pooled readers that never
//! wait for it, `BEGIN IMMEDIATE` for every write, and migrations applied in
//! one transaction on open. [`Store`] is `Send + Sync + Clone`; its methods
//! block, so async code calls them from `spawn_blocking`.

mod analytics;
mod backend;
mod calibrations;
mod daily_runs;
mod db;
mod error;
mod events;
mod groups;
mod imports;
mod members;
pub mod migrations;
mod models;
#[cfg(feature = "postgres")]
pub mod pg;
mod pushed;
mod readings;
mod rescore;
mod score_reads;
mod series;
mod sessions;
mod tokens;
mod types;
mod upload_jobs;

pub use analytics::{WorkbookImport, WorkbookOutcome};
pub use backend::{Backend, EventSource, SourceError};
pub use calibrations::{CalibratedHistory, CalibrationRefit};
pub use daily_runs::DailyRun;
pub use error::{ImportFailure, StoreError};
pub use series::PUSH_PREFIX;
pub use sessions::SessionRecord;
pub use tokens::{MIN_INSTALLED_TOKEN_LEN, TOKEN_PREFIX};
pub use types::{
    ActivitySpan, BandCount, HistoryRow, ImpactInputs, ImportMeta, ImportOutcome, ImportRecord, ImportTarget,
    IndustryAverage, LeaderboardRow, Member, MemberId, MemberOverview, ModelInfo, Mover, Percentile,
    PushedScore, Role, ScorePoint, ScoringInputs, TargetedImport, Team, TeamId, TeamSummary, TokenId,
    TokenInfo, UnknownRole,
};
pub use upload_jobs::{
    CLAIMED_STAGE, ClaimedUploadJob, DONE_STAGE, FAILED_STAGE, MAX_UPLOAD_JOB_ATTEMPTS, QUEUED_STAGE,
    UploadJob, UploadJobClaim, UploadJobEnd, UploadJobState,
};

use db::{Pool, cached_row};
use rusqlite::OptionalExtension;
use ssi_core::ScoringModel;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The environment variable that overrides [`default_db_path`].
pub const DB_PATH_ENV: &str = "SSI_DB";

/// Settings key of the per-database pseudonym key.
pub(crate) const PSEUDONYM_KEY: &str = "pseudonym_key";

/// The database file used when none is named: `$SSI_DB` if set, else
/// `ssi.db` in the platform's data directory for ssi (on Linux
/// `$XDG_DATA_HOME/ssi/ssi.db`, by default `~/.local/share/ssi/ssi.db`).
/// The directory is created by [`Store::open`], not here.
pub fn default_db_path() -> Result<PathBuf, StoreError> {
    if let Some(path) = std::env::var_os(DB_PATH_ENV)
        && !path.is_empty()
    {
        return Ok(PathBuf::from(path));
    }
    let dirs = directories::ProjectDirs::from("", "", "ssi").ok_or_else(|| StoreError::Io {
        path: PathBuf::from("~"),
        source: std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no home directory to keep the database in; set {DB_PATH_ENV}"),
        ),
    })?;
    Ok(dirs.data_dir().join("ssi.db"))
}

/// A handle on one ssi database: cheap to clone, safe to share between threads.
#[derive(Clone)]
pub struct Store {
    pool: Arc<Pool>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.pool.path()).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path`: creates its
    /// directory (mode 0700 on Unix) and file (0600), sets the pragmas,
    /// applies pending migrations in one transaction, generates the pseudonym
    /// key on first open and seeds the default scoring model as the active one
    /// when there is none.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        prepare_file(path)?;
        let mut conn = db::open_writer(path).map_err(|e| match e {
            StoreError::Sqlite(source) => StoreError::Open { path: path.to_path_buf(), source },
            other => other,
        })?;
        if migrations::schema_version(&conn)? != migrations::LATEST_VERSION {
            migrations::apply(&mut conn, migrations::MIGRATIONS, migrations::LATEST_VERSION)?;
        }
        let store = Store { pool: Arc::new(Pool::new(path.to_path_buf(), conn)) };
        store.seed()?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        self.pool.path()
    }

    /// A number that changes whenever a write to the database commits, from
    /// this process or another; equal answers mean nothing changed in
    /// between. Cheap (no disk read): for caches of query results, which
    /// compare it before answering from memory.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        self.pool.data_version()
    }

    /// The schema version of the database (equal to [`migrations::LATEST_VERSION`] once open).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        self.pool.read(|tx| migrations::schema_version(tx))
    }

    /// The 32-byte key this database pseudonymises counterparts and
    /// conversations with (generated from the OS's CSPRNG on first open).
    pub fn pseudonym_key(&self) -> Result<[u8; 32], StoreError> {
        self.pool.read(|tx| {
            let bytes: Option<Vec<u8>> =
                cached_row(tx, "SELECT value FROM settings WHERE key = ?1", [PSEUDONYM_KEY], |row| {
                    row.get(0)
                })
                .optional()?;
            pseudonym_key_from(bytes)
        })
    }

    /// Checks the file: SQLite's `integrity_check` and `foreign_key_check`.
    /// Returns [`StoreError::InvalidData`] listing the problems found.
    pub fn check_integrity(&self) -> Result<(), StoreError> {
        self.pool.read(|tx| {
            let mut problems: Vec<String> = {
                let mut stmt = tx.prepare("PRAGMA integrity_check")?;
                stmt.query_map([], |row| row.get::<_, String>(0))?.collect::<Result<_, _>>()?
            };
            problems.retain(|p| p != "ok");
            let mut stmt = tx.prepare("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")?;
            let broken = stmt.query_map([], |row| {
                Ok(format!(
                    "row {} of {} points to a missing {} row",
                    row.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(2)?
                ))
            })?;
            for problem in broken {
                problems.push(problem?);
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(StoreError::invalid(format!("{}: {}", self.path().display(), problems.join("; "))))
            }
        })
    }

    /// First-open work: the pseudonym key and an active model. Takes the
    /// write lock only when something is missing.
    fn seed(&self) -> Result<(), StoreError> {
        let (has_key, has_active) = self.pool.read(|tx| {
            let has_key: bool = cached_row(
                tx,
                "SELECT EXISTS (SELECT 1 FROM settings WHERE key = ?1)",
                [PSEUDONYM_KEY],
                |r| r.get(0),
            )?;
            let has_active: bool =
                cached_row(tx, "SELECT EXISTS (SELECT 1 FROM scoring_models WHERE active = 1)", [], |r| {
                    r.get(0)
                })?;
            Ok((has_key, has_active))
        })?;
        if has_key && has_active {
            return Ok(());
        }
        self.pool.write(|tx| {
            if !has_key {
                let key = random_secret(self.path(), "the pseudonym key")?;
                tx.execute(
                    "INSERT OR IGNORE INTO settings (key, value) VALUES (?1, ?2)",
                    rusqlite::params![PSEUDONYM_KEY, key.as_slice()],
                )?;
            }
            if !has_active && models::active_version_opt(tx)?.is_none() {
                let model = ScoringModel::default_model();
                if models::stored_model(tx, &model.version)?.is_none() {
                    models::insert_model(tx, &model)?;
                }
                models::activate(tx, &model.version)?;
            }
            Ok(())
        })
    }
}

/// 32 random bytes from the OS's CSPRNG, for `purpose` (a key, a token); `store`
/// names the store in the error.
pub(crate) fn random_secret(store: &Path, purpose: &str) -> Result<[u8; 32], StoreError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| StoreError::Io {
        path: store.to_path_buf(),
        source: std::io::Error::other(format!("no random bytes for {purpose}: {e}")),
    })?;
    Ok(secret)
}

/// The pseudonym key from its stored bytes (none stored: [`StoreError::NotFound`]).
pub(crate) fn pseudonym_key_from(bytes: Option<Vec<u8>>) -> Result<[u8; 32], StoreError> {
    bytes
        .ok_or_else(|| StoreError::not_found("the pseudonym key"))?
        .try_into()
        .map_err(|_| StoreError::invalid("the stored pseudonym key is not 32 bytes long"))
}

/// Creates the database's directory and, on Unix, the file itself with mode
/// 0600: it holds the pseudonym key and token hashes.
fn prepare_file(path: &Path) -> Result<(), StoreError> {
    let io = |source| StoreError::Io { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
        && !dir.exists()
    {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io(e)),
        }
    }
    #[cfg(not(unix))]
    let _ = io;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_is_send_sync_and_clone() {
        fn assert_traits<T: Send + Sync + Clone + 'static>() {}
        assert_traits::<Store>();
    }
}
