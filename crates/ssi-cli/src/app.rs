//! Runs the command line: parse, set up logging and settings, dispatch, and map the outcome to an exit code.
//!
//! Exit codes: 0 success, 1 error (and `ssi check` when its rule fires), 2 usage
//! (clap's own usage errors, and [`UsageError`]s such as a missing `--member` or `--yes`).

use crate::cli::{Cli, Command};
use crate::commands;
use crate::config;
use crate::context::{Context, UsageError};
use crate::term::{Painter, stderr_is_terminal};
use anyhow::Result;
use clap::Parser;
use std::process::ExitCode;

/// Parses the command line, runs the command and reports any failure on one line of stderr.
pub(crate) fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0 (and help asked for by omission to
            // stderr, as clap writes it); a usage error is one line on stderr with 2.
            if e.use_stderr() && e.kind() != clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            {
                eprintln!("{}", usage_error_line(&e.render().to_string(), &subcommand_named()));
            } else {
                let _ = e.print();
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    init_tracing(cli.global.quiet, cli.global.verbose);
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        // `ssi check` has printed why its rule fired; the exit code is the verdict.
        Err(e) if e.downcast_ref::<commands::check::AlertFired>().is_some() => ExitCode::from(1),
        Err(e) => {
            tracing::debug!(error = ?e, "command failed");
            eprintln!("error: {}", one_line(&format!("{e:#}")));
            if e.downcast_ref::<UsageError>().is_some() { ExitCode::from(2) } else { ExitCode::from(1) }
        }
    }
}

/// clap's usage error (a message, tips, the usage line and a pointer to `--help`, over
/// several lines) as the one line docs/cli.md promises: the message and its tips joined
/// by `; `, and where to read more.
fn usage_error_line(rendered: &str, command: &str) -> String {
    let parts: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Usage: ") && !l.starts_with("For more information"))
        .collect();
    let text = parts.join("; ");
    let text = if text.starts_with("error: ") { text } else { format!("error: {text}") };
    format!("{text}; see `{command} --help`")
}

/// `ssi` and the subcommand the command line names, if any (`ssi plan`): where the help is.
fn subcommand_named() -> String {
    use clap::CommandFactory;
    let cli = Cli::command();
    let named = std::env::args().skip(1).find_map(|arg| {
        cli.get_subcommands().find(|c| c.get_name() == arg).map(|c| c.get_name().to_string())
    });
    named.map_or_else(|| "ssi".to_string(), |name| format!("ssi {name}"))
}

/// Builds the context and runs the command.
fn execute(cli: Cli) -> Result<()> {
    let settings = config::load(&cli.global)?;
    let context = Context {
        painter: Painter::for_stdout(settings.color),
        settings,
        today: crate::today::today()?,
        json: cli.global.json,
        quiet: cli.global.quiet,
    };
    tracing::debug!(?context, "settings in force");
    match cli.command {
        None => commands::dashboard::run_bare(&context),
        Some(Command::Import(args)) => commands::import::run(&context, &args),
        Some(Command::Dashboard(args)) => commands::dashboard::run(&context, &args),
        Some(Command::Explain(args)) => commands::explain::run(&context, &args),
        Some(Command::History(args)) => commands::history::run(&context, &args),
        Some(Command::Posts(args)) => commands::posts::run(&context, &args),
        Some(Command::Advise(args)) => commands::advise::run(&context, &args),
        Some(Command::Plan(args)) => commands::plan::run(&context, &args),
        Some(Command::Reading(args)) => commands::reading::run(&context, &args),
        Some(Command::Calibrate(args)) => commands::calibrate::run(&context, &args),
        Some(Command::Impact(args)) => commands::impact::run(&context, &args),
        Some(Command::Check(args)) => commands::check::run(&context, &args, cli.global.verbose > 0),
        Some(Command::Model(args)) => commands::model::run(&context, &args),
        Some(Command::Member(args)) => commands::member::run(&context, &args),
        Some(Command::Push(args)) => commands::push::run(&context, &args),
        Some(Command::Completions(args)) => commands::completions::run(&args),
        Some(Command::GenerateMan(args)) => commands::man::run(&args),
    }
}

/// Logs go to stderr: errors only with `-q`, warnings by default, more with each `-v`.
/// `SSI_LOG` (an `EnvFilter` directive such as `ssi_store=debug`) overrides.
fn init_tracing(quiet: bool, verbose: u8) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        (false, _) => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SSI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let ansi = stderr_is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .with_ansi(ansi)
        .without_time()
        .with_target(verbose >= 2)
        .try_init();
}

/// A closed stdout (`ssi history | head`) is not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
            || cause.downcast_ref::<csv::Error>().is_some_and(|c| match c.kind() {
                csv::ErrorKind::Io(io) => io.kind() == std::io::ErrorKind::BrokenPipe,
                _ => false,
            })
    })
}

/// Joins the lines of a message so that every failure is one line.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_usage_error_is_one_line_with_its_tips() {
        let rendered = "error: unexpected argument '--colour' found\n\n  tip: a similar argument exists: '--color'\n\nUsage: ssi plan --color <WHEN>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            usage_error_line(rendered, "ssi plan"),
            "error: unexpected argument '--colour' found; tip: a similar argument exists: '--color'; see `ssi plan --help`"
        );
    }

    #[test]
    fn messages_become_one_line() {
        assert_eq!(one_line("cannot read x:\n  line 2\tbad"), "cannot read x: line 2 bad");
    }

    #[test]
    fn broken_pipes_are_recognised_through_context() {
        let io = std::io::Error::new(std::io::ErrorKind::BrokenPipe, "closed");
        let e = anyhow::Error::from(io).context("writing history");
        assert!(is_broken_pipe(&e));
        let json = serde_json::Error::io(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "closed"));
        assert!(is_broken_pipe(&anyhow::Error::from(json)));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }
}
