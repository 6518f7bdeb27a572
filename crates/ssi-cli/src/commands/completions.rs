//! `ssi completions SHELL`: prints a shell completion script.

use crate::cli::Cli;
use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;

/// Arguments of `ssi completions`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example (bash): ssi completions bash > ~/.local/share/bash-completion/completions/ssi"
)]
pub(crate) struct Args {
    /// The shell to write the script for
    #[arg(value_enum)]
    shell: Shell,
}

/// Writes the completion script on stdout.
pub(crate) fn run(args: &Args) -> Result<()> {
    let mut command = Cli::command();
    let mut stdout = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "ssi", &mut stdout);
    Ok(())
}
