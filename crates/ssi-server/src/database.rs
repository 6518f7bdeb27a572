//! Which database the server runs on: the `database` setting parsed into a [`DatabaseUrl`]
//! (an SQLite file, or a PostgreSQL URL whose password is never shown), and opening the
//! store behind it as the [`Backend`] the server talks to.

use anyhow::Context;
use serde::{Deserialize, Deserializer};
use ssi_store::pg::PgStore;
use ssi_store::{Backend, Store};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

/// The `database` setting: `postgres://…` (or `postgresql://…`) is a PostgreSQL server;
/// `sqlite:PATH` or a bare path is an SQLite file.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file (shared with the `ssi` CLI).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL, kept whole for the driver; shown without its password.
    Postgres(String),
}

/// URL schemes that name a PostgreSQL server.
const POSTGRES_SCHEMES: [&str; 2] = ["postgres://", "postgresql://"];

/// The prefix that names an SQLite file explicitly.
const SQLITE_PREFIX: &str = "sqlite:";

impl DatabaseUrl {
    /// Whether this is a PostgreSQL server.
    pub fn is_postgres(&self) -> bool {
        matches!(self, DatabaseUrl::Postgres(_))
    }

    /// The SQLite file, if this is one.
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        match self {
            DatabaseUrl::Sqlite(path) => Some(path),
            DatabaseUrl::Postgres(_) => None,
        }
    }

    /// Opens the store: an SQLite file is opened (and migrated) as the CLI opens it; a
    /// PostgreSQL database is connected to with a pool of `pool_size`, its pending
    /// migrations applied under the advisory lock, and the pseudonym key and the default
    /// model seeded when missing ([`PgStore::open`]). Blocks: call it from a blocking thread.
    pub fn open(&self, pool_size: usize) -> anyhow::Result<Arc<dyn Backend>> {
        match self {
            DatabaseUrl::Sqlite(path) => {
                let store = Store::open(path).with_context(|| format!("cannot open {}", path.display()))?;
                Ok(Arc::new(store))
            }
            DatabaseUrl::Postgres(url) => {
                let store = PgStore::open(url, pool_size).map_err(|error| self.redacted(error))?;
                Ok(Arc::new(store))
            }
        }
    }

    /// Applies pending migrations and returns the schema version reached (`ssi-server
    /// migrate`). Blocks.
    pub fn migrate(&self) -> anyhow::Result<u32> {
        match self {
            DatabaseUrl::Sqlite(path) => {
                let store = Store::open(path).with_context(|| format!("cannot open {}", path.display()))?;
                Ok(store.schema_version()?)
            }
            DatabaseUrl::Postgres(_) => {
                let store = self.connect(1)?;
                store.migrate().with_context(|| format!("cannot migrate {self}"))
            }
        }
    }

    fn connect(&self, pool_size: usize) -> anyhow::Result<PgStore> {
        let DatabaseUrl::Postgres(url) = self else {
            anyhow::bail!("{self} is not a PostgreSQL database");
        };
        PgStore::connect(url, pool_size).map_err(|error| self.redacted(error))
    }

    /// A store error with this database named, without its password: the driver's error
    /// may quote the URL it was given, so that is replaced by the redacted one.
    fn redacted(&self, error: ssi_store::StoreError) -> anyhow::Error {
        let text = match self {
            DatabaseUrl::Postgres(url) => error.to_string().replace(url.as_str(), &self.to_string()),
            DatabaseUrl::Sqlite(_) => error.to_string(),
        };
        anyhow::anyhow!("cannot open {self}: {text}")
    }
}

impl FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.is_empty() {
            return Err("the database setting is empty: give a file or a postgres:// URL".into());
        }
        if POSTGRES_SCHEMES
            .iter()
            .any(|scheme| text.len() > scheme.len() && starts_with_ignore_case(text, scheme))
        {
            return Ok(DatabaseUrl::Postgres(text.to_string()));
        }
        if let Some(path) = text.strip_prefix(SQLITE_PREFIX) {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err("`sqlite:` names no file".into());
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if text.contains("://") {
            return Err(format!(
                "{}: unknown database scheme (use postgres://…, sqlite:PATH or a file path)",
                redact(text)
            ));
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(text)))
    }
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// A URL with any password replaced by `***`: the one in the user-info part
/// (`user:secret@host`) and a `password=` query parameter.
pub(crate) fn redact(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => ("", url),
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rfind('@') {
        Some(at) => {
            let (user_info, host) = authority.split_at(at);
            match user_info.split_once(':') {
                Some((user, _secret)) => format!("{user}:***{host}"),
                None => authority.to_string(),
            }
        }
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => pair.to_string(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}{authority}{tail}")
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "{}", path.display()),
            DatabaseUrl::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

/// Shown as [`fmt::Display`] shows it, so a logged configuration never holds a password.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(_) => write!(f, "Sqlite({self})"),
            DatabaseUrl::Postgres(_) => write!(f, "Postgres({self})"),
        }
    }
}

impl<'de> Deserialize<'de> for DatabaseUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl From<PathBuf> for DatabaseUrl {
    fn from(path: PathBuf) -> Self {
        DatabaseUrl::Sqlite(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_path_or_sqlite_prefix_is_a_file_and_postgres_urls_are_servers() {
        assert_eq!("/srv/ssi.db".parse(), Ok(DatabaseUrl::Sqlite("/srv/ssi.db".into())));
        assert_eq!("sqlite:/srv/ssi.db".parse(), Ok(DatabaseUrl::Sqlite("/srv/ssi.db".into())));
        assert_eq!("sqlite:///srv/ssi.db".parse(), Ok(DatabaseUrl::Sqlite("/srv/ssi.db".into())));
        assert_eq!("ssi.db".parse(), Ok(DatabaseUrl::Sqlite("ssi.db".into())));
        let url: DatabaseUrl = "postgres://ssi@db.internal/ssi".parse().unwrap();
        assert!(url.is_postgres());
        assert!("PostgreSQL://ssi@db/ssi".parse::<DatabaseUrl>().unwrap().is_postgres());
        assert!("mysql://ssi@db/ssi".parse::<DatabaseUrl>().unwrap_err().contains("unknown database scheme"));
        assert!("sqlite:".parse::<DatabaseUrl>().is_err());
        assert!("  ".parse::<DatabaseUrl>().is_err());
    }

    #[test]
    fn a_password_is_never_displayed_logged_or_echoed_in_errors() {
        let url: DatabaseUrl =
            "postgres://ssi:hunter2@db.internal:5432/ssi?sslmode=disable&password=hunter3".parse().unwrap();
        let shown = format!("{url} {url:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("hunter3"), "{shown}");
        assert_eq!(url.to_string(), "postgres://ssi:***@db.internal:5432/ssi?sslmode=disable&password=***");
        let error = "mysql://ssi:hunter2@db/ssi".parse::<DatabaseUrl>().unwrap_err();
        assert!(!error.contains("hunter2"), "{error}");
        // The password of a URL the server cannot reach is not in the error either.
        let unreachable: DatabaseUrl =
            "postgres://ssi:hunter2@127.0.0.1:1/ssi?connect_timeout=1".parse().unwrap();
        let error = format!("{:#}", unreachable.open(1).expect_err("nothing listens on port 1"));
        assert!(error.contains("cannot open postgres://ssi:***@127.0.0.1:1/ssi"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
    }
}
