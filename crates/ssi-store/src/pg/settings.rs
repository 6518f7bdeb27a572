//! The PostgreSQL store's own settings and first-open work, as [`crate::Store::open`]
//! does them for SQLite: the pseudonym key, generated once, and an active model, the
//! default one when there is none.

use super::rows::{activate, insert_model, stored_model};
use super::transactions::{execute, one_row, optional_row};
use super::{MIGRATION_LOCK, PgStore};
use crate::error::StoreError;
use crate::{PSEUDONYM_KEY, pseudonym_key_from, random_secret};
use ssi_core::ScoringModel;
use std::path::Path;

/// What errors about the store name where SQLite's name its file.
pub(super) const STORE_NAME: &str = "PostgreSQL store";

impl PgStore {
    /// Connects ([`PgStore::connect`]), applies the pending migrations
    /// ([`PgStore::migrate`]) and does the first-open work of [`crate::Store::open`]:
    /// the pseudonym key is generated when missing, and the default scoring model is
    /// stored and made active when no model is.
    pub fn open(url: &str, pool_size: usize) -> Result<PgStore, StoreError> {
        let store = PgStore::connect(url, pool_size)?;
        store.migrate()?;
        store.seed()?;
        Ok(store)
    }

    /// The 32-byte key this database pseudonymises counterparts and conversations with
    /// (as [`crate::Store::pseudonym_key`]).
    pub fn pseudonym_key(&self) -> Result<[u8; 32], StoreError> {
        self.statement(async |tx| {
            let row =
                optional_row(tx, "SELECT value FROM settings WHERE key = $1", &[&PSEUDONYM_KEY]).await?;
            pseudonym_key_from(row.map(|row| row.try_get(0)).transpose()?)
        })
    }

    /// First-open work: the pseudonym key and an active model. Writes only when
    /// something is missing; replicas opening at once take turns (the migrations'
    /// advisory lock), so the key is generated once.
    fn seed(&self) -> Result<(), StoreError> {
        let complete = self.statement(async |tx| {
            let row = one_row(
                tx,
                "SELECT EXISTS (SELECT 1 FROM settings WHERE key = $1),
                        EXISTS (SELECT 1 FROM scoring_models WHERE active)",
                &[&PSEUDONYM_KEY],
            )
            .await?;
            Ok(row.try_get::<_, bool>(0)? && row.try_get::<_, bool>(1)?)
        })?;
        if complete {
            return Ok(());
        }
        let key = random_secret(Path::new(STORE_NAME), "the pseudonym key")?;
        self.write(async |tx| {
            execute(tx, "SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
            execute(
                tx,
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                &[&PSEUDONYM_KEY, &key.as_slice()],
            )
            .await?;
            let active =
                one_row(tx, "SELECT EXISTS (SELECT 1 FROM scoring_models WHERE active)", &[]).await?;
            if !active.try_get::<_, bool>(0)? {
                let model = ScoringModel::default_model();
                if stored_model(tx, &model.version).await?.is_none() {
                    insert_model(tx, &model).await?;
                }
                activate(tx, &model.version).await?;
            }
            Ok(())
        })
    }
}
