//! `ssi calibrate`: makes one member's estimate follow that member's official readings (a per-pillar level, maybe refitted weights), chosen and judged walk-forward; no other member and no model changes.

use crate::context::Context;
use crate::output::{CalibrateJson, print_json, print_text};
use crate::render;
use anyhow::{Result, anyhow};
use ssi_core::advice::MemberCalibration;
use ssi_store::{CalibrationRefit, MemberId, Store};

/// Arguments of `ssi calibrate`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Works from the first official reading (`ssi reading add` or `ssi reading import`) and improves
as readings accumulate. Each reading is predicted from the readings before it to choose between
the model as it is, a per-pillar level that follows the readings, and refitted weights; the
error you are shown is that walk-forward error. Only this member's estimates change; the
calibration is updated by itself whenever readings are added. Method and limits: docs/advice.md.

Examples:
  ssi calibrate
  ssi --member Alice calibrate --dry-run")]
pub(crate) struct Args {
    /// Report the fit but save nothing
    #[arg(long)]
    dry_run: bool,
    /// Forget this member's calibration (history shows the model's estimate again)
    #[arg(long, conflicts_with = "dry_run")]
    reset: bool,
}

/// Calibrates the member's estimate against the member's readings and reports what happened.
pub(crate) fn run(ctx: &Context, args: &Args) -> Result<()> {
    let store = ctx.open_existing_store()?;
    super::catch_up(&store, ctx.today);
    let member = ctx.member(&store)?;
    if args.reset {
        let had = store.delete_calibration(member.id)?;
        let message = if had {
            format!("Forgot the calibration of {}: estimates are the model's again.", member.name)
        } else {
            format!("{} has no calibration; nothing to forget.", member.name)
        };
        return if ctx.json {
            print_json(&serde_json::json!({ "member": member.name, "reset": had }))
        } else {
            print_text(&message)
        };
    }
    let calibration =
        fit(&store, member.id).map_err(|e| anyhow!("cannot calibrate for {}: {e}", member.name))?;
    let mut json = CalibrateJson::of(&member.name, &calibration, args.dry_run);
    if !args.dry_run {
        json.saved = store.save_calibration(member.id, &calibration)?;
        json.outcome = if json.saved { "saved" } else { "unchanged" };
    }
    if ctx.json { print_json(&json) } else { print_text(&render::calibration::render(&json, &ctx.painter)) }
}

/// The calibration the member's readings give under the active model.
pub(crate) fn fit(store: &Store, member: MemberId) -> Result<MemberCalibration> {
    Ok(store.fit_calibration(member)??)
}

/// After readings change: brings the member's calibration up to date when
/// the member has one (so that new readings count without a manual step).
/// Returns the new calibration's summary, or why it could not be made.
pub(crate) fn refresh(store: &Store, member: MemberId) -> Result<Option<String>> {
    Ok(match store.refit_calibration(member)? {
        CalibrationRefit::NotCalibrated => None,
        CalibrationRefit::Updated(calibration) => {
            Some(format!("Calibration updated: {}", calibration.summary))
        }
        CalibrationRefit::Removed(why) => Some(format!("Calibration removed: {why}")),
    })
}
