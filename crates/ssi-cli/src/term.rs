//! The terminal: whether colours are on, how text is styled, and yes/no questions.

use crate::config::ColorChoice;
use anstyle::{AnsiColor, Style};
use std::fmt::Display;
use std::io::{BufRead, IsTerminal, Write};

/// Styles text, or leaves it plain when colours are off.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Painter {
    enabled: bool,
}

/// Bold, for headings and the total.
pub(crate) const STRONG: Style = Style::new().bold();
/// Dimmed, for hints and secondary facts.
pub(crate) const DIM: Style = Style::new().dimmed();
/// Green, for gains.
pub(crate) const GAIN: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
/// Red, for losses.
pub(crate) const LOSS: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
/// Cyan, for bars and sparklines.
pub(crate) const ACCENT: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));

impl Painter {
    /// Colours on stdout only when asked for (`auto`), stdout is a terminal and `NO_COLOR` is unset.
    pub(crate) fn for_stdout(choice: ColorChoice) -> Painter {
        Painter::new(choice, std::io::stdout().is_terminal(), no_color_requested())
    }

    /// Decides from the choice, whether the output is a terminal, and `NO_COLOR`.
    pub(crate) fn new(choice: ColorChoice, is_terminal: bool, no_color: bool) -> Painter {
        Painter { enabled: choice == ColorChoice::Auto && is_terminal && !no_color }
    }

    /// Never colours.
    #[cfg(test)]
    pub(crate) fn plain() -> Painter {
        Painter { enabled: false }
    }

    /// `text` in `style`, or as is when colours are off.
    pub(crate) fn paint(&self, style: Style, text: impl Display) -> String {
        if self.enabled { format!("{style}{text}{style:#}") } else { text.to_string() }
    }
}

/// Whether `NO_COLOR` is set to something (see no-color.org).
fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether stdin is a terminal someone could answer a question on.
pub(crate) fn stdin_is_terminal() -> bool {
    std::io::stdin().is_terminal()
}

/// Whether stderr is a terminal (progress bars are drawn only there).
pub(crate) fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// Asks a yes/no question on stderr and reads the answer from stdin; anything but yes is no.
pub(crate) fn confirm(question: &str) -> std::io::Result<bool> {
    let mut stderr = std::io::stderr().lock();
    write!(stderr, "{question} [y/N] ")?;
    stderr.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_need_auto_a_terminal_and_no_no_color() {
        assert!(Painter::new(ColorChoice::Auto, true, false).enabled);
        assert!(!Painter::new(ColorChoice::Auto, false, false).enabled);
        assert!(!Painter::new(ColorChoice::Auto, true, true).enabled);
        assert!(!Painter::new(ColorChoice::Never, true, false).enabled);
    }

    #[test]
    fn painting_adds_escape_codes_only_when_enabled() {
        let on = Painter::new(ColorChoice::Auto, true, false);
        assert_eq!(on.paint(STRONG, "42"), "\u{1b}[1m42\u{1b}[0m");
        assert_eq!(Painter::plain().paint(STRONG, "42"), "42");
    }
}
