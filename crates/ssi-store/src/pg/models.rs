//! Scoring models on PostgreSQL: [`crate::Store`]'s methods of `models.rs` (the stored
//! models, one of them active) and the helpers that seeding and switching models use.

use super::PgStore;
use super::transactions::{Db, execute, now, optional_row, rows};
use crate::error::StoreError;
use crate::models::{model_definition, no_active_model, no_model, parse_model};
use crate::types::ModelInfo;
use ssi_core::ScoringModel;

impl PgStore {
    /// The active scoring model (as [`crate::Store::active_model`]).
    pub fn active_model(&self) -> Result<ScoringModel, StoreError> {
        self.read(async |tx| {
            let version = active_version_opt(tx).await?.ok_or_else(no_active_model)?;
            stored_model(tx, &version).await?.ok_or_else(|| no_model(&version))
        })
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

/// The version of the active model, if there is one.
pub(super) async fn active_version_opt(tx: &impl Db) -> Result<Option<String>, StoreError> {
    let row = optional_row(tx, "SELECT version FROM scoring_models WHERE active", &[]).await?;
    Ok(row.map(|row| row.try_get(0)).transpose()?)
}

/// The stored model with this version, if any.
pub(super) async fn stored_model(tx: &impl Db, version: &str) -> Result<Option<ScoringModel>, StoreError> {
    let row = optional_row(tx, "SELECT definition::text FROM scoring_models WHERE version = $1", &[&version])
        .await?;
    row.map(|row| parse_model(version, row.try_get(0)?)).transpose()
}

/// Stores a model (inactive) under its version.
pub(super) async fn insert_model(tx: &impl Db, model: &ScoringModel) -> Result<(), StoreError> {
    execute(
        tx,
        "INSERT INTO scoring_models (version, definition, created, active) VALUES ($1, $2::text::jsonb, $3, false)",
        &[&model.version, &model_definition(model)?, &now()?],
    )
    .await?;
    Ok(())
}

/// Makes the stored model `version` the only active one.
pub(super) async fn activate(tx: &impl Db, version: &str) -> Result<(), StoreError> {
    execute(tx, "UPDATE scoring_models SET active = false WHERE active AND version <> $1", &[&version])
        .await?;
    if execute(tx, "UPDATE scoring_models SET active = true WHERE version = $1", &[&version]).await? == 0 {
        return Err(no_model(version));
    }
    Ok(())
}
