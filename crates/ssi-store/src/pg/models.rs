//! Scoring models on PostgreSQL: [`crate::Store`]'s methods of `models.rs` (the stored
//! models, one of them active), over `rows.rs`'s model lookups.

use super::PgStore;
use super::rows::{active_model, stored_model};
use super::transactions::rows;
use crate::error::StoreError;
use crate::models::{no_model, parse_model};
use crate::types::ModelInfo;
use ssi_core::ScoringModel;

impl PgStore {
    /// The active scoring model (as [`crate::Store::active_model`]).
    pub fn active_model(&self) -> Result<ScoringModel, StoreError> {
        self.read(async |tx| active_model(tx).await)
    }

    /// The stored model with this version (as [`crate::Store::model`]).
    pub fn model(&self, version: &str) -> Result<ScoringModel, StoreError> {
        self.statement(async |tx| stored_model(tx, version).await?.ok_or_else(|| no_model(version)))
    }

    /// Every stored model, oldest first (as [`crate::Store::list_models`]).
    pub fn list_models(&self) -> Result<Vec<ModelInfo>, StoreError> {
        self.statement(async |tx| {
            let stored = rows(
                tx,
                "SELECT version, definition::text, created, active FROM scoring_models
                 ORDER BY created, version COLLATE \"C\"",
                &[],
            )
            .await?;
            stored
                .iter()
                .map(|row| {
                    let version: String = row.try_get(0)?;
                    let model = parse_model(&version, row.try_get(1)?)?;
                    Ok(ModelInfo {
                        version,
                        description: model.description,
                        created: row.try_get(2)?,
                        active: row.try_get(3)?,
                    })
                })
                .collect()
        })
    }
}
