//! "Today": the UTC date of the clock, or `SSI_TODAY` for tests and backfills.

use anyhow::{Result, anyhow};
use chrono::NaiveDate;

/// The environment variable that overrides today's date.
pub(crate) const TODAY_VAR: &str = "SSI_TODAY";

/// Today: `SSI_TODAY` when set (YYYY-MM-DD), else the clock's UTC date.
pub(crate) fn today() -> Result<NaiveDate> {
    match std::env::var(TODAY_VAR) {
        Ok(text) if !text.trim().is_empty() => parse_today(&text),
        _ => Ok(chrono::Utc::now().date_naive()),
    }
}

fn parse_today(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        anyhow!("{TODAY_VAR}={text:?} is not a date; set it as YYYY-MM-DD (e.g. 2026-11-20) or unset it")
    })
}

/// Parses a `YYYY-MM-DD` date given on the command line.
pub(crate) fn parse_date_arg(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-20"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_days_and_bad_ones_say_how_to_write_them() {
        assert_eq!(parse_today("2026-11-20").unwrap(), NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
        let error = parse_today("20/11/2026").unwrap_err().to_string();
        assert!(error.contains("SSI_TODAY") && error.contains("YYYY-MM-DD"), "{error}");
        assert!(parse_date_arg("2026-02-30").is_err());
        assert_eq!(parse_date_arg(" 2026-02-28 ").unwrap(), NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());
    }
}
