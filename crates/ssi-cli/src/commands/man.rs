//! `ssi generate-man` (hidden): prints the man page in roff, for `cargo xtask man`.

use crate::cli::Cli;
use anyhow::Result;
use clap::CommandFactory;
use std::io::Write;

/// Arguments of `ssi generate-man`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Writes the man page on stdout: the main page, then one section per subcommand.
pub(crate) fn run(_args: &Args) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&man_page()?)?;
    stdout.flush()?;
    Ok(())
}

/// The man page of `ssi` with every visible subcommand described in it.
pub(crate) fn man_page() -> Result<Vec<u8>> {
    let command = Cli::command();
    let man = clap_mangen::Man::new(command.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    writeln!(out, ".SH COMMANDS")?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        render_subcommand(&mut out, "ssi", sub)?;
    }
    man.render_extra_section(&mut out)?;
    out.write_all(ENVIRONMENT_AND_EXIT_STATUS.as_bytes())?;
    man.render_version_section(&mut out)?;
    man.render_authors_section(&mut out)?;
    Ok(out)
}

/// The environment variables ssi reads, and its exit codes.
const ENVIRONMENT_AND_EXIT_STATUS: &str = r#".SH ENVIRONMENT
.TP
\fBSSI_DB\fR
The database file (like \fB\-\-db\fR).
.TP
\fBSSI_MEMBER\fR
The member to use (like \fB\-\-member\fR).
.TP
\fBSSI_CONFIG\fR
The config file (like \fB\-\-config\fR); keys \fBdb\fR, \fBmember\fR and \fBcolor\fR.
.TP
\fBSSI_SERVER\fR, \fBSSI_TOKEN\fR
The team server and the member's token for \fBssi push\fR (like \fB\-\-server\fR and \fB\-\-token\fR).
.TP
\fBSSI_TODAY\fR
Pretend today is this day (YYYY\-MM\-DD): a testing and backfill aid.
.TP
\fBSSI_LOG\fR
A log filter for stderr (e.g. \fBssi_store=debug\fR), overriding \fB\-q\fR and \fB\-v\fR.
.TP
\fBNO_COLOR\fR
Set to anything to turn colours off.
.SH "EXIT STATUS"
0 on success, 1 when the command failed, 2 when it was called wrongly (an unknown option, a bad value,
a missing \fB\-\-member\fR or \fB\-\-yes\fR).
\fBssi check\fR also exits 1 when its rule fires, with the reason on stdout (stdout stays
empty when the check itself could not run).
"#;

/// One `.SS` block per (sub)command: its usage, its about text and its options.
fn render_subcommand(out: &mut Vec<u8>, parent: &str, sub: &clap::Command) -> Result<()> {
    let name = format!("{parent} {}", sub.get_name());
    writeln!(out, ".SS \"{}\"", roff_escape(&name))?;
    if let Some(about) = sub.get_long_about().or(sub.get_about()) {
        writeln!(out, "{}", roff_escape(&about.to_string()))?;
    }
    let mut usage = sub.clone().bin_name(name.clone());
    writeln!(out, ".PP\n.nf\n{}\n.fi", roff_escape(&usage.render_usage().to_string()))?;
    for arg in sub.get_arguments().filter(|a| !a.is_hide_set() && !a.is_global_set()) {
        let value = arg.get_value_names().map_or_else(
            || format!("<{}>", arg.get_id().as_str().to_uppercase()),
            |names| names.iter().map(|n| format!("<{n}>")).collect::<Vec<_>>().join(" "),
        );
        let takes_value = arg.get_action().takes_values();
        let flag = match (arg.get_short(), arg.get_long()) {
            (Some(s), Some(l)) => format!("-{s}, --{l}"),
            (None, Some(l)) => format!("--{l}"),
            (Some(s), None) => format!("-{s}"),
            (None, None) => value.clone(),
        };
        let is_option = arg.get_long().is_some() || arg.get_short().is_some();
        let flag = if takes_value && is_option { format!("{flag} {value}") } else { flag };
        writeln!(out, ".TP\n\\fB{}\\fR", roff_escape(&flag))?;
        if let Some(help) = arg.get_long_help().or(arg.get_help()) {
            writeln!(out, "{}", roff_escape(&help.to_string()))?;
        }
        let choices: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !choices.is_empty() {
            writeln!(out, ".br\n{}", roff_escape(&format!("One of: {}.", choices.join(", "))))?;
        }
    }
    if let Some(after) = sub.get_after_long_help().or(sub.get_after_help()) {
        writeln!(out, ".PP\n.nf\n{}\n.fi", roff_escape(&after.to_string()))?;
    }
    for nested in sub.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        render_subcommand(out, &name, nested)?;
    }
    Ok(())
}

/// Escapes text for roff: backslashes, and a leading dot or quote that would start a request.
fn roff_escape(text: &str) -> String {
    text.lines()
        .map(|line| {
            let line = line.replace('\\', "\\e").replace('-', "\\-");
            if line.starts_with('.') || line.starts_with('\'') { format!("\\&{line}") } else { line }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_man_page_names_every_command() {
        let page = String::from_utf8(man_page().unwrap()).unwrap();
        assert!(page.starts_with(".ie"), "{}", &page[..40.min(page.len())]);
        for command in
            ["import", "dashboard", "explain", "history", "reading add", "model use", "member delete"]
        {
            let heading = format!(".SS \"ssi {}\"", command.replace('-', "\\-"));
            assert!(page.contains(&heading), "missing {heading}");
        }
        assert!(!page.contains("generate\\-man"), "hidden commands stay out of the page");
        assert!(page.contains("\\fB\\-\\-format <FORMAT>\\fR") && page.contains("One of: table, csv, json."));
        assert!(page.contains(".SH ENVIRONMENT") && page.contains("SSI_TODAY"));
    }

    #[test]
    fn roff_escaping_neutralises_requests() {
        assert_eq!(roff_escape(".SH x"), "\\&.SH x");
        assert_eq!(roff_escape("a\\b --db"), "a\\eb \\-\\-db");
    }
}
