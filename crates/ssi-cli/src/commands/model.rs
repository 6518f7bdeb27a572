//! `ssi model`: show the scoring model, export it to edit, or use an edited one (which re-scores history).

use crate::context::Context;
use crate::output::{print_json, print_text};
use crate::term::{DIM, STRONG};
use anyhow::{Context as _, Result, anyhow};
use chrono::{DateTime, Utc};
use serde::Serialize;
use ssi_core::{Curve, Pillar, ScoringModel};
use ssi_store::{ModelInfo, StoreError};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Arguments of `ssi model`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: ModelCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ModelCommand {
    /// Show the active model: components, weights, windows and curves
    Show,
    /// Write the active model as TOML, to edit and load back with `ssi model use`
    #[command(after_help = "Example: ssi model export my-model.toml")]
    Export {
        /// The file to write (`-` for stdout)
        file: PathBuf,
        /// Overwrite the file if it exists
        #[arg(long)]
        force: bool,
    },
    /// Make a model file (TOML or JSON) the active model and re-score all history under it
    #[command(
        after_help = "Example: ssi model use my-model.toml   # give the edited model a new `version` first"
    )]
    Use {
        /// The model file
        file: PathBuf,
    },
}

/// A stored model in `ssi model show --json`.
#[derive(Debug, Serialize)]
struct ModelInfoJson {
    version: String,
    description: String,
    created: DateTime<Utc>,
    active: bool,
}

impl From<ModelInfo> for ModelInfoJson {
    fn from(m: ModelInfo) -> Self {
        ModelInfoJson { version: m.version, description: m.description, created: m.created, active: m.active }
    }
}

/// `ssi model show --json`.
#[derive(Debug, Serialize)]
struct ModelShowJson {
    active: ScoringModel,
    models: Vec<ModelInfoJson>,
}

/// `ssi model use --json` and `ssi model export --json`.
#[derive(Debug, Serialize)]
struct ModelChangeJson {
    action: &'static str,
    version: String,
    file: String,
    rows_rescored: Option<usize>,
}

/// Runs a model subcommand.
pub(crate) fn run(ctx: &Context, args: &Args) -> Result<()> {
    match &args.command {
        ModelCommand::Show => show(ctx),
        ModelCommand::Export { file, force } => export(ctx, file, *force),
        ModelCommand::Use { file } => use_model(ctx, file),
    }
}

/// The active model and the stored ones; the shipped default when there is no database yet.
fn active_and_stored(ctx: &Context) -> Result<(ScoringModel, Vec<ModelInfo>)> {
    if !ctx.db_path()?.exists() {
        return Ok((ScoringModel::default_model(), Vec::new()));
    }
    let store = ctx.open_existing_store()?;
    Ok((store.active_model()?, store.list_models()?))
}

fn show(ctx: &Context) -> Result<()> {
    let (model, stored) = active_and_stored(ctx)?;
    if ctx.json {
        return print_json(&ModelShowJson {
            active: model,
            models: stored.into_iter().map(ModelInfoJson::from).collect(),
        });
    }
    let p = &ctx.painter;
    let mut out = String::new();
    let _ = writeln!(out, "{}", p.paint(STRONG, format!("Scoring model {} (active)", model.version)));
    let _ = writeln!(out, "{}", model.description);
    for pillar in Pillar::ALL {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", p.paint(STRONG, format!("{} (25 points)", pillar.label())));
        let components: Vec<_> = model.components_of(pillar).collect();
        let id_width = components.iter().map(|c| c.id.len()).max().unwrap_or(0);
        for c in components {
            let window = if c.metric.is_windowed() {
                let decay = if c.half_life_days > 0.0 {
                    format!(", half-life {} days", c.half_life_days)
                } else {
                    String::new()
                };
                format!(" over {} days{decay}", c.window_days)
            } else {
                String::new()
            };
            let curve = match c.curve {
                Curve::Linear { full_at } => format!("linear, full at {full_at}"),
                Curve::Saturating { half_at } => format!("saturating, half at {half_at}"),
            };
            let _ = writeln!(
                out,
                "  {:<id_width$}  {:>5.2}  {}{window}  {}",
                c.id,
                c.weight,
                c.metric.name(),
                p.paint(DIM, format!("({curve} {})", c.unit)),
            );
        }
    }
    if !stored.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", p.paint(STRONG, "Stored models"));
        for m in &stored {
            let marker = if m.active { "*" } else { " " };
            let _ = writeln!(out, "  {marker} {}  {}", m.version, p.paint(DIM, &m.description));
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        p.paint(DIM, "Edit a copy with `ssi model export FILE`, then `ssi model use FILE`.")
    );
    print_text(&out)
}

fn export(ctx: &Context, file: &Path, force: bool) -> Result<()> {
    let (model, _) = active_and_stored(ctx)?;
    let text = model.to_toml();
    if file == Path::new("-") {
        return print_text(&text);
    }
    if file.exists() && !force {
        return Err(anyhow!(
            "{} already exists; choose another file or add --force to overwrite it",
            file.display()
        ));
    }
    std::fs::write(file, &text).with_context(|| {
        format!("cannot write the model to {}; check the folder exists and is writable", file.display())
    })?;
    if ctx.json {
        return print_json(&ModelChangeJson {
            action: "exported",
            version: model.version,
            file: file.display().to_string(),
            rows_rescored: None,
        });
    }
    print_text(&format!(
        "Wrote model {} to {}. Edit it, give it a new `version`, then load it with `ssi model use {}`.\n",
        model.version,
        file.display(),
        file.display()
    ))
}

fn use_model(ctx: &Context, file: &Path) -> Result<()> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the model file {}", file.display()))?;
    let model = ScoringModel::parse(&text)
        .map_err(|e| anyhow!("{}: {e}; fix the file (see docs/SCORING.md) and try again", file.display()))?;
    let store = ctx.open_store()?;
    let rows = store.use_model(&model, ctx.today).map_err(|e| match e {
        StoreError::Conflict { what } => anyhow!("{}: {what}", file.display()),
        StoreError::InvalidData { what } => anyhow!("{}: {what}", file.display()),
        other => other.into(),
    })?;
    if ctx.json {
        return print_json(&ModelChangeJson {
            action: "used",
            version: model.version,
            file: file.display().to_string(),
            rows_rescored: Some(rows),
        });
    }
    print_text(&format!(
        "Now scoring with model {} from {}; re-scored {rows} day{} of history.\n",
        model.version,
        file.display(),
        if rows == 1 { "" } else { "s" }
    ))
}
