//! Typed errors of the store.

use std::path::PathBuf;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for, e.g. `member "alice"`.
        what: String,
    },
    /// The change clashes with what is stored (a name taken, a model version
    /// already used for a different model).
    #[error("conflict: {what}")]
    Conflict {
        /// What clashes.
        what: String,
    },
    /// The data given (or found stored) breaks a rule.
    #[error("invalid data: {what}")]
    InvalidData {
        /// What is wrong, naming the field.
        what: String,
    },
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A schema migration could not be applied.
    #[error("schema migration {version} failed: {message}")]
    Migration {
        /// The migration's number (or the database's version when it is too new).
        version: u32,
        /// What went wrong.
        message: String,
    },
    /// The database file could not be opened (missing permissions, not an
    /// SQLite file, …).
    #[error("{}: cannot open the database: {source}", path.display())]
    Open {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// PostgreSQL reported an error, or could not be reached.
    #[cfg(feature = "postgres")]
    #[error("PostgreSQL: {}", describe_postgres(.0))]
    Postgres(#[from] tokio_postgres::Error),
    /// No PostgreSQL connection could be had from the pool (the database is
    /// unreachable, or every connection stayed busy past the pool's timeout).
    #[cfg(feature = "postgres")]
    #[error("PostgreSQL connection pool: {0}")]
    PostgresPool(String),
    /// The connection's TLS settings cannot be used (an unknown `sslmode`, an unreadable
    /// `sslrootcert`).
    #[cfg(feature = "postgres")]
    #[error("PostgreSQL TLS: {0}")]
    PostgresTls(String),
    /// A file or directory could not be created or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl StoreError {
    pub(crate) fn not_found(what: impl Into<String>) -> Self {
        StoreError::NotFound { what: what.into() }
    }

    pub(crate) fn conflict(what: impl Into<String>) -> Self {
        StoreError::Conflict { what: what.into() }
    }

    pub(crate) fn invalid(what: impl Into<String>) -> Self {
        StoreError::InvalidData { what: what.into() }
    }

    /// Whether SQLite reported that another connection holds the lock past the
    /// busy timeout ("database is locked"), a condition worth a retry.
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}

impl StoreError {
    /// Whether the database could not be reached: no PostgreSQL connection could be had
    /// (the pool timed out), or the connection broke or was refused. The caller may retry
    /// once the database is back (the server answers 503); SQLite never reports this.
    pub fn is_unavailable(&self) -> bool {
        match self {
            #[cfg(feature = "postgres")]
            StoreError::PostgresPool(_) => true,
            #[cfg(feature = "postgres")]
            StoreError::Postgres(error) => postgres_unreachable(error),
            _ => false,
        }
    }
}

/// Whether a PostgreSQL error says the server is gone rather than that a statement failed:
/// a closed connection, an I/O error on the socket, or the server's
/// own connection-exception, shutdown or "cannot connect now" codes (SQLSTATE classes 08
/// and 57P).
#[cfg(feature = "postgres")]
fn postgres_unreachable(error: &tokio_postgres::Error) -> bool {
    if error.is_closed() {
        return true;
    }
    match error.as_db_error() {
        Some(db) => {
            let code = db.code().code();
            code.starts_with("08") || code.starts_with("57P")
        }
        None => std::error::Error::source(error).is_some_and(|source| source.is::<std::io::Error>()),
    }
}

/// Why an import failed: the event source broke, or the store did. Either
/// way nothing of the import was kept.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure<E> {
    /// The event iterator yielded an error (the export could not be read).
    #[error(transparent)]
    Source(E),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<E> From<rusqlite::Error> for ImportFailure<E> {
    fn from(e: rusqlite::Error) -> Self {
        ImportFailure::Store(StoreError::Sqlite(e))
    }
}

/// Maps a UNIQUE or PRIMARY KEY violation to [`StoreError::Conflict`] with `what`.
pub(crate) fn unique_conflict(e: rusqlite::Error, what: impl FnOnce() -> String) -> StoreError {
    if let rusqlite::Error::SqliteFailure(code, _) = &e
        && code.code == rusqlite::ErrorCode::ConstraintViolation
        && matches!(
            code.extended_code,
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        )
    {
        return StoreError::conflict(what());
    }
    StoreError::Sqlite(e)
}

/// A PostgreSQL error on one line: the server's message with its detail and hint
/// when the server sent one, else the driver's description (and its cause).
#[cfg(feature = "postgres")]
pub(crate) fn describe_postgres(error: &tokio_postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut text = format!("{}: {}", db.severity(), db.message());
        if let Some(detail) = db.detail() {
            text.push_str(&format!(" ({detail})"));
        }
        if let Some(hint) = db.hint() {
            text.push_str(&format!("; hint: {hint}"));
        }
        return text;
    }
    match std::error::Error::source(error) {
        Some(cause) => format!("{error}: {cause}"),
        None => error.to_string(),
    }
}
