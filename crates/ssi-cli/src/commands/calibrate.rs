//! `ssi calibrate`: refits the model's weights to the member's official readings and, when that improves the holdout error, makes the calibrated model the active one.

use crate::context::Context;
use crate::output::{CalibrateJson, print_json, print_text};
use crate::render;
use anyhow::{Result, anyhow};
use ssi_core::ScoringModel;
use ssi_core::advice::calibrate;
use ssi_store::{Store, StoreError};

/// Arguments of `ssi calibrate`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Needs at least 10 official readings (with pillar scores) over at least 14 days: record them
with `ssi reading add` or `ssi reading import`. The latest 30% of the readings are held out;
the calibrated model is saved and made active (re-scoring all history) only when it lowers the
holdout error of the total. Method and limits: docs/advice.md.

Example: ssi calibrate --dry-run")]
pub(crate) struct Args {
    /// Report the fit but save nothing, even when it improves
    #[arg(long)]
    dry_run: bool,
}

/// Calibrates the active model against the member's readings and reports what happened.
pub(crate) fn run(ctx: &Context, args: &Args) -> Result<()> {
    let store = ctx.open_existing_store()?;
    super::catch_up(&store, ctx.today);
    let member = ctx.member(&store)?;
    let model = store.active_model()?;
    let profiles = store.profile_snapshots(member.id)?;
    let events = store.load_events(member.id)?;
    let readings = store.readings(member.id, None, Some(ctx.today))?;
    let mut calibration = calibrate(&model, &profiles, &events, &readings)
        .map_err(|e| anyhow!("cannot calibrate for {}: {e}", member.name))?;

    let mut json = CalibrateJson::of(&member.name, &calibration, args.dry_run);
    if args.dry_run {
        json.outcome = "dry_run";
    } else if calibration.improves {
        calibration.model.version = free_version(&store, &calibration.model)?;
        let rows = store.use_model(&calibration.model, ctx.today)?;
        json.outcome = "saved";
        json.saved = true;
        json.active_version = calibration.model.version.clone();
        json.calibrated_version = calibration.model.version.clone();
        json.rows_rescored = Some(rows);
    }
    if ctx.json { print_json(&json) } else { print_text(&render::calibration::render(&json, &ctx.painter)) }
}

/// The calibrated model's version, or the first `<version>.N` not taken by a
/// different stored model (calibrating again on the same readings after a
/// switch back would otherwise clash with the earlier calibration).
fn free_version(store: &Store, model: &ScoringModel) -> Result<String> {
    let base = model.version.clone();
    for n in 1u32.. {
        let version = if n == 1 { base.clone() } else { format!("{base}.{n}") };
        match store.model(&version) {
            Err(StoreError::NotFound { .. }) => return Ok(version),
            Ok(stored) if stored == ScoringModel { version: version.clone(), ..model.clone() } => {
                return Ok(version);
            }
            Ok(_) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Err(anyhow!("no free version for the calibrated model {base}"))
}
