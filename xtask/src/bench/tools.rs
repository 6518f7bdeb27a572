//! The external tools the benchmark needs, and how to install the missing ones.

use anyhow::{Result, bail};
use std::process::{Command, Stdio};

/// A command-line tool the benchmark runs, and the Debian package that has it.
pub(crate) struct Tool {
    /// The command.
    pub(crate) command: &'static str,
    /// The Debian/Ubuntu package.
    pub(crate) package: &'static str,
    /// What the benchmark uses it for.
    pub(crate) used_for: &'static str,
    /// The argument that makes it print its version and exit.
    version_arg: &'static str,
}

/// Every tool the benchmark needs.
pub(crate) const TOOLS: [Tool; 2] = [
    Tool {
        command: "sqlite3",
        package: "sqlite3",
        used_for: "the raw CSV load that `ssi import` is compared with",
        version_arg: "--version",
    },
    Tool {
        command: "wrk",
        package: "wrk",
        used_for: "the HTTP load generator for the server rows",
        version_arg: "--version",
    },
];

/// Fails, naming the packages and the command that installs them, when a tool is missing.
pub(crate) fn check() -> Result<()> {
    let missing: Vec<&Tool> = TOOLS.iter().filter(|t| version(t).is_none()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut message = String::from("cargo xtask bench needs tools that are not installed:\n");
    for tool in &missing {
        message.push_str(&format!("  {:<8} {}\n", tool.command, tool.used_for));
    }
    let packages: Vec<&str> = missing.iter().map(|t| t.package).collect();
    message.push_str(&format!(
        "install them (Debian/Ubuntu) with:\n  sudo apt-get install {}",
        packages.join(" ")
    ));
    bail!(message)
}

/// The first line the tool prints for its version, or `None` when it cannot be run.
pub(crate) fn version(tool: &Tool) -> Option<String> {
    // wrk prints its version (and usage) on stdout and exits 1; being able to run it is what counts.
    let output = Command::new(tool.command).arg(tool.version_arg).stdin(Stdio::null()).output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().next().unwrap_or_default().trim().to_string();
    Some(line)
}
