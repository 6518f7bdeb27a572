//! `ssi`: the command line of ssi, the explainable estimate of LinkedIn's Social Selling Index.
//!
//! `main` stays thin: [`app::run`] parses the command line, sets up logging
//! and settings, runs the command and turns its outcome into an exit code.

mod app;
mod cli;
mod commands;
mod config;
mod context;
mod creator;
mod output;
mod render;
mod term;
mod today;

use std::process::ExitCode;

fn main() -> ExitCode {
    app::run()
}
