//! What every command runs with: settings, today, output style, and the store opened the way the command needs.

use crate::config::Settings;
use crate::term::Painter;
use anyhow::{Context as _, Result, anyhow};
use chrono::NaiveDate;
use ssi_core::Freshness;
use ssi_store::{Member, Store, StoreError};
use std::fmt;
use std::path::PathBuf;

/// A mistake in how ssi was called (exit code 2), as opposed to a failure doing the work (exit code 1).
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The hint given wherever there is no data yet.
pub(crate) const IMPORT_HINT: &str =
    "import your LinkedIn data export first with `ssi import PATH` (the .zip or its unpacked folder)";

/// Everything a command needs besides its own arguments.
#[derive(Debug)]
pub(crate) struct Context {
    /// Settings after layering flags, environment, config file and defaults.
    pub(crate) settings: Settings,
    /// Today's date (`SSI_TODAY` or the clock).
    pub(crate) today: NaiveDate,
    /// Styles text on stdout.
    pub(crate) painter: Painter,
    /// Print JSON instead of text.
    pub(crate) json: bool,
    /// Print nothing but errors on stderr.
    pub(crate) quiet: bool,
}

impl Context {
    /// The database file in force.
    pub(crate) fn db_path(&self) -> Result<PathBuf> {
        match &self.settings.db {
            Some(path) => Ok(path.clone()),
            None => ssi_store::default_db_path()
                .context("cannot find where to keep the database; name a file with --db PATH or SSI_DB"),
        }
    }

    /// Opens the database, creating it if needed (for commands that write).
    pub(crate) fn open_store(&self) -> Result<Store> {
        let path = self.db_path()?;
        Store::open(&path).map_err(|e| open_error(&path, e))
    }

    /// Opens an existing database (for commands that only read): a missing
    /// file is not created, and the error says how to get data in.
    pub(crate) fn open_existing_store(&self) -> Result<Store> {
        let path = self.db_path()?;
        if !path.exists() {
            return Err(anyhow!("no ssi database at {} yet: {IMPORT_HINT}", path.display()));
        }
        Store::open(&path).map_err(|e| open_error(&path, e))
    }

    /// This context with `member` chosen, as `--member` would: for the files
    /// after the first of one `ssi import`, which join the first one's member.
    pub(crate) fn for_member(&self, member: &str) -> Context {
        Context {
            settings: Settings { member: Some(member.to_string()), ..self.settings.clone() },
            today: self.today,
            painter: self.painter,
            json: self.json,
            quiet: self.quiet,
        }
    }

    /// The member the command is about: the one named (flag, `SSI_MEMBER` or
    /// config), else the only one; an error lists them when there are several.
    pub(crate) fn member(&self, store: &Store) -> Result<Member> {
        let members = store.list_members()?;
        if let Some(name) = &self.settings.member {
            return find_member(store, &members, name);
        }
        match members.as_slice() {
            [] => Err(anyhow!("no data in {} yet: {IMPORT_HINT}", store.path().display())),
            [only] => Ok(only.clone()),
            several => Err(UsageError(format!(
                "{} holds several members ({}); choose one with --member NAME (or SSI_MEMBER, or `member` in the config file)",
                store.path().display(),
                names(several)
            ))
            .into()),
        }
    }
}

impl Context {
    /// How fresh `member`'s data is for a score asked for `requested`
    /// (usually today): the day it answers for and the data's age; `None`
    /// for a member without data.
    pub(crate) fn freshness(&self, member: &Member, requested: NaiveDate) -> Option<Freshness> {
        member.horizon.map(|h| Freshness::new(h, requested, self.today, self.settings.stale_after_days))
    }

    /// The day a command that asks for `requested` (usually today) answers
    /// for: the member's horizon when that is earlier. Days past the horizon
    /// are unknown, so advice and plans start there.
    pub(crate) fn as_of(&self, member: &Member, requested: NaiveDate) -> NaiveDate {
        self.freshness(member, requested).map_or(requested, |f| f.as_of)
    }
}

/// Looks a member up by name (case-insensitively, as the store does).
pub(crate) fn find_member(store: &Store, members: &[Member], name: &str) -> Result<Member> {
    match store.member_by_name(name) {
        Ok(member) => Ok(member),
        Err(StoreError::NotFound { .. }) if members.is_empty() => Err(anyhow!(
            "no member named {name:?}: {} holds no data yet; {IMPORT_HINT}",
            store.path().display()
        )),
        Err(StoreError::NotFound { .. }) => Err(anyhow!(
            "no member named {name:?} in {}; members: {} (see `ssi member list`)",
            store.path().display(),
            names(members)
        )),
        Err(e) => Err(e.into()),
    }
}

/// Member names for an error message.
pub(crate) fn names(members: &[Member]) -> String {
    members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ")
}

fn open_error(path: &std::path::Path, e: StoreError) -> anyhow::Error {
    anyhow!(
        "cannot open the database {}: {e}; check the path (--db, SSI_DB or `db` in the config file) and its permissions",
        path.display()
    )
}
