//! The command-line grammar: global options and the subcommands, declared with clap's derive API.

use crate::commands::{
    advise, calibrate, check, completions, dashboard, explain, history, impact, import, man, member, model,
    plan, posts, push, reading,
};
use crate::config::ColorChoice;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Text shown after `ssi --help`.
const AFTER_HELP: &str = "\
Start here:
  ssi import ~/Downloads/Basic_LinkedInDataExport_11-20-2026.zip
  ssi                 # the dashboard, once data exists
  ssi explain         # what would earn the missing points

Settings come from flags, then SSI_* environment variables, then the config file
(ssi/config.toml in the platform config directory, or SSI_CONFIG), then defaults.
SSI_TODAY=YYYY-MM-DD pretends today is that day (for tests and backfills).";

/// An open, local-first, explainable estimate of your LinkedIn Social Selling Index.
#[derive(Debug, Parser)]
#[command(name = "ssi", version, after_help = AFTER_HELP, propagate_version = true)]
pub(crate) struct Cli {
    /// Options every command accepts.
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    /// The command to run; without one, the dashboard (or how to start when there is no data).
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
}

/// Options every command accepts.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct GlobalArgs {
    /// The database file [env: SSI_DB] [default: ssi.db in the platform data directory]
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) db: Option<PathBuf>,

    /// Whose scores to use, where the database holds several people [env: SSI_MEMBER] [default: the only member]
    #[arg(long, global = true, value_name = "NAME")]
    pub(crate) member: Option<String>,

    /// The config file [env: SSI_CONFIG] [default: ssi/config.toml in the platform config directory]
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) config: Option<PathBuf>,

    /// Print machine-readable JSON on stdout instead of text (shapes in docs/cli.md)
    #[arg(long, global = true)]
    pub(crate) json: bool,

    /// Colours: `auto` uses them on a terminal unless NO_COLOR is set; `never` turns them off
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    pub(crate) color: Option<ColorChoice>,

    /// Print only errors on stderr (no progress bar, no log lines)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub(crate) quiet: bool,

    /// Log more on stderr: -v for steps, -vv for details, -vvv for everything
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Import a LinkedIn data export (the .zip or its unpacked folder) or creator analytics workbook (.xlsx), then show the dashboard
    Import(import::Args),
    /// Show the estimated SSI: total, pillars, changes, trend and the latest official reading
    Dashboard(dashboard::Args),
    /// Explain the score: what each component measured, earned, and what would earn the rest
    Explain(explain::Args),
    /// Show the daily estimate and official readings over a period
    History(history::Args),
    /// List your posts with the engagements and impressions they earned, best first, and which kind earns most
    Posts(posts::Args),
    /// Next best actions: the gain of one more of each activity a week, ranked by gain per minute, and the mistakes to avoid
    Advise(advise::Args),
    /// Project a weekly plan forward: the daily estimate and when 45, 70, 75 and 80 are reached
    Plan(plan::Args),
    /// Record and list official SSI readings (what LinkedIn itself showed)
    Reading(reading::Args),
    /// Fit the model's weights to your official readings; keep the fit only if it predicts better
    Calibrate(calibrate::Args),
    /// Which activities go together with later pillar changes (association, not cause)
    Impact(impact::Args),
    /// For cron: exit 1 with a one-line reason when the estimate is below a floor or dropped too far
    Check(check::Args),
    /// Show, export or change the scoring model
    Model(model::Args),
    /// List, rename or delete the people in the database
    Member(member::Args),
    /// Send your daily scores and official readings (numbers only) to a team server
    Push(push::Args),
    /// Print a shell completion script
    Completions(completions::Args),
    /// Print the man page in roff (used by `cargo xtask man`)
    #[command(name = "generate-man", hide = true)]
    GenerateMan(man::Args),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_are_accepted_after_the_subcommand() {
        let cli = Cli::try_parse_from(["ssi", "history", "--json", "--member", "Ada", "-vv"]).unwrap();
        assert!(cli.global.json);
        assert_eq!(cli.global.member.as_deref(), Some("Ada"));
        assert_eq!(cli.global.verbose, 2);
        assert!(matches!(cli.command, Some(Command::History(_))));
    }

    #[test]
    fn quiet_and_verbose_exclude_each_other() {
        assert!(Cli::try_parse_from(["ssi", "-q", "-v", "dashboard"]).is_err());
    }
}
