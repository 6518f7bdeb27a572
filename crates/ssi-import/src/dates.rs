//! Parsers for every date and time format met in LinkedIn exports and in SSI reading files.
//!
//! One public function per family; each returns `None` for anything it does
//! not understand and never panics, whatever the input (fuzz targets call
//! them directly). Times without a zone are taken as UTC, as are `UTC` and
//! `GMT` ones; other zones are refused rather than guessed.
//!
//! | family | example | function |
//! |---|---|---|
//! | month and year | `Nov 2021` | [`parse_month_year`] |
//! | bare year | `2015` | [`parse_year`] |
//! | either of those (profile sections) | | [`parse_profile_date`] |
//! | month and day (birth date) | `Oct 18` | [`parse_month_day`] |
//! | day month year | `17 Nov 2021` | [`parse_day_month_year`] |
//! | US short date and time | `11/16/21, 9:40 AM` | [`parse_us_datetime`] |
//! | numeric year-first date and time | `2021-11-17 18:14:58 UTC`, `2021/09/14 12:18:19 UTC` | [`parse_ymd_datetime`] |
//! | date(1) style | `Fri Sep 24 12:35:41 UTC 2021` | [`parse_unix_datetime`] |
//! | Rich Media prose | `You uploaded a … on April 12, 2026 at 8:03 AM (GMT)` | [`parse_rich_media_datetime`] |
//! | month day, year and time | `Sep 23, 2022 12:00 PM` (Events) | [`parse_month_day_year_clock`] |
//! | spreadsheet re-save | `18-Jun-24` | [`parse_spreadsheet_date`] |
//! | any of the timestamps above | | [`parse_timestamp`] |
//! | a calendar date in a readings CSV | `2026-11-20`, `20.11.2026`, `11/20/2026` | [`parse_calendar_date`] |

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// A day of the year without a year, as in the profile's birth date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDay {
    /// 1–12.
    pub month: u32,
    /// 1–31, valid for the month (29 February is accepted).
    pub day: u32,
}

/// The month number of an English month name or its abbreviation
/// (`Nov`, `November`, `Sept`), case-insensitive.
pub fn month_from_name(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    if name.len() < 3 || !name.is_ascii() {
        return None;
    }
    MONTHS.iter().position(|full| full.starts_with(&name)).and_then(|index| u32::try_from(index + 1).ok())
}

/// Spaces of every kind (no-break, narrow no-break) become plain spaces, runs
/// of them one space; the result is trimmed.
fn normalise_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || c == '\u{202f}' || c == '\u{a0}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A run of ASCII digits of exactly `len` characters, as a number.
fn digits(text: &str, len: usize) -> Option<i32> {
    if text.len() != len || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `Nov 2021`, `November 2021` → the first day of that month.
pub fn parse_month_year(text: &str) -> Option<NaiveDate> {
    let text = normalise_spaces(text);
    let mut words = text.split(' ');
    let month = month_from_name(words.next()?)?;
    let year = digits(words.next()?, 4)?;
    if words.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, 1)
}

/// A bare four-digit year (`2015`) → 1 January of that year.
pub fn parse_year(text: &str) -> Option<NaiveDate> {
    let year = digits(text.trim(), 4)?;
    NaiveDate::from_ymd_opt(year, 1, 1)
}

/// A profile section date: `Nov 2021` or a bare year.
pub fn parse_profile_date(text: &str) -> Option<NaiveDate> {
    parse_month_year(text).or_else(|| parse_year(text))
}

/// `Oct 18` → 18 October (no year).
pub fn parse_month_day(text: &str) -> Option<MonthDay> {
    let text = normalise_spaces(text);
    let mut words = text.split(' ');
    let month = month_from_name(words.next()?)?;
    let day_text = words.next()?;
    if words.next().is_some() || day_text.is_empty() || day_text.len() > 2 {
        return None;
    }
    let day: u32 = day_text.parse().ok()?;
    // 2000 is a leap year, so 29 February is accepted.
    NaiveDate::from_ymd_opt(2000, month, day)?;
    Some(MonthDay { month, day })
}

/// `17 Nov 2021` → that day.
pub fn parse_day_month_year(text: &str) -> Option<NaiveDate> {
    let text = normalise_spaces(text);
    let mut words = text.split(' ');
    let day_text = words.next()?;
    if day_text.is_empty() || day_text.len() > 2 {
        return None;
    }
    let day: u32 = day_text.parse().ok()?;
    let month = month_from_name(words.next()?)?;
    let year = digits(words.next()?, 4)?;
    if words.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Midnight UTC of a day.
fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(NaiveTime::MIN).and_utc()
}

/// US month-first dates with an optional 12- or 24-hour time, as in
/// Invitations and Recommendations: `11/16/21, 9:40 AM`, `01/02/06, 3:04 PM`,
/// `11/16/2021 21:40`, `11/16/21`. The time carries no zone: taken as UTC.
pub fn parse_us_datetime(text: &str) -> Option<DateTime<Utc>> {
    let text = normalise_spaces(text);
    let (date_part, time_part) = match text.split_once([',', ' ']) {
        Some((date, time)) => (date, time.trim()),
        None => (text.as_str(), ""),
    };
    let mut numbers = date_part.split('/');
    let month: u32 = small_number(numbers.next()?)?;
    let day: u32 = small_number(numbers.next()?)?;
    let year_text = numbers.next()?;
    if numbers.next().is_some() {
        return None;
    }
    let year = match year_text.len() {
        // Two-digit years are this century: LinkedIn did not exist before 2003.
        2 => 2000 + digits(year_text, 2)?,
        4 => digits(year_text, 4)?,
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    if time_part.is_empty() {
        return Some(midnight(date));
    }
    let time = parse_clock(time_part)?;
    Some(date.and_time(time).and_utc())
}

/// One or two ASCII digits.
fn small_number(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 2 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `9:40 AM`, `9:40:12 pm`, `21:40`, `21:40:12` → a time of day.
fn parse_clock(text: &str) -> Option<NaiveTime> {
    const FORMATS: [&str; 4] = ["%I:%M %p", "%I:%M:%S %p", "%H:%M", "%H:%M:%S"];
    let text = normalise_spaces(text).to_ascii_uppercase();
    // "9:40AM" without a space is seen in some locales.
    let text = if (text.ends_with("AM") || text.ends_with("PM")) && !text.contains(' ') {
        let split = text.len() - 2;
        format!("{} {}", &text[..split], &text[split..])
    } else {
        text
    };
    FORMATS.iter().find_map(|format| NaiveTime::parse_from_str(&text, format).ok())
}

/// Strips a trailing zone that means UTC (`UTC`, `GMT`, `Z`, `(GMT)`, `+00:00`);
/// returns `None` when another zone is named.
fn strip_utc_zone(text: &str) -> Option<&str> {
    let trimmed = text.trim_end();
    for suffix in [" (GMT)", " (UTC)", " UTC", " GMT", "Z", "+00:00", " +0000", "+0000"] {
        let cut = trimmed.len().saturating_sub(suffix.len());
        if cut > 0 && trimmed.is_char_boundary(cut) {
            let (head, tail) = trimmed.split_at(cut);
            if tail.eq_ignore_ascii_case(suffix) {
                return Some(head.trim_end());
            }
        }
    }
    let last = trimmed.rsplit(' ').next().unwrap_or("");
    let looks_like_zone = last.len() >= 3
        && last.chars().all(|c| c.is_ascii_uppercase() || c == '(' || c == ')')
        && !matches!(last, "AM" | "PM");
    if looks_like_zone { None } else { Some(trimmed) }
}

/// Year-first numeric dates with a time: `2021-11-17 18:14:58 UTC` (messages),
/// `2021-10-27 19:36:45` (Shares, Comments, Reactions), `2021/09/14 12:18:19 UTC`
/// (Endorsements, SearchQueries); also ISO 8601 with `T`, fractional seconds
/// and a `Z`, and a date alone (`2021-11-17`, midnight UTC).
pub fn parse_ymd_datetime(text: &str) -> Option<DateTime<Utc>> {
    plain_ymd_hms(text).or_else(|| general_ymd_datetime(text))
}

/// [`parse_ymd_datetime`] for every shape it accepts.
fn general_ymd_datetime(text: &str) -> Option<DateTime<Utc>> {
    let text = normalise_spaces(text);
    if let Ok(with_offset) = DateTime::parse_from_rfc3339(&text) {
        return Some(with_offset.with_timezone(&Utc));
    }
    let text = strip_utc_zone(&text)?;
    let first = text.split([' ', 'T']).next()?;
    let year_first = first.len() == 10
        && first.as_bytes().get(4).is_some_and(|b| *b == b'-' || *b == b'/')
        && first.as_bytes().get(7) == first.as_bytes().get(4);
    if !year_first {
        return None;
    }
    let text = text.replace('/', "-").replacen('T', " ", 1);
    const FORMATS: [&str; 2] = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"];
    if let Some(stamp) = FORMATS.iter().find_map(|format| NaiveDateTime::parse_from_str(&text, format).ok()) {
        return Some(stamp.and_utc());
    }
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok().map(midnight)
}

/// The shape of nearly every row of the big files (`2021-11-17 18:14:58`,
/// `2021/09/14 12:18:19 UTC`: year first, seconds, optionally ` UTC` or
/// ` GMT`), read digit by digit. `None` for anything else, including an
/// impossible date or time, which then takes the general path (and gives
/// what that path gives).
fn plain_ymd_hms(text: &str) -> Option<DateTime<Utc>> {
    let bytes = text.trim().as_bytes();
    let body = match bytes.len() {
        19 => bytes,
        23 if bytes[19..].eq_ignore_ascii_case(b" UTC") || bytes[19..].eq_ignore_ascii_case(b" GMT") => {
            &bytes[..19]
        }
        _ => return None,
    };
    let separator = body[4];
    if !matches!(separator, b'-' | b'/')
        || body[7] != separator
        || body[10] != b' '
        || body[13] != b':'
        || body[16] != b':'
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        body[range].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)?;
    let time = NaiveTime::from_hms_opt(number(11..13)?, number(14..16)?, number(17..19)?)?;
    Some(date.and_time(time).and_utc())
}

/// date(1) style, as in Logins and Company Follows: `Fri Sep 24 12:35:41 UTC 2021`.
/// The weekday is not checked against the date; only `UTC`/`GMT` zones are accepted.
pub fn parse_unix_datetime(text: &str) -> Option<DateTime<Utc>> {
    let text = normalise_spaces(text);
    let words: Vec<&str> = text.split(' ').collect();
    let (month, day, time, year) = match words.as_slice() {
        [_weekday, month, day, time, zone, year] => {
            if !zone.eq_ignore_ascii_case("UTC") && !zone.eq_ignore_ascii_case("GMT") {
                return None;
            }
            (*month, *day, *time, *year)
        }
        [_weekday, month, day, time, year] => (*month, *day, *time, *year),
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(digits(year, 4)?, month_from_name(month)?, small_number(day)?)?;
    let time = NaiveTime::parse_from_str(time, "%H:%M:%S").ok()?;
    Some(date.and_time(time).and_utc())
}

/// The prose of Rich Media's `Date/Time` column: `You uploaded a profile photo
/// on April 12, 2026 at 8:03 AM (GMT)`; the bare `April 12, 2026 at 8:03 AM
/// (GMT)` and `April 12, 2026` are accepted too.
pub fn parse_rich_media_datetime(text: &str) -> Option<DateTime<Utc>> {
    let text = normalise_spaces(text);
    let stamp = match text.rfind(" on ") {
        Some(at) => &text[at + 4..],
        None => text.as_str(),
    };
    let stamp = strip_utc_zone(stamp)?;
    let (date_text, time_text) = match stamp.split_once(" at ") {
        Some((date, time)) => (date, Some(time)),
        None => (stamp, None),
    };
    let date = parse_month_day_comma_year(date_text)?;
    match time_text {
        Some(time) => Some(date.and_time(parse_clock(time)?).and_utc()),
        None => Some(midnight(date)),
    }
}

/// `April 12, 2026` or `Apr 12 2026`.
fn parse_month_day_comma_year(text: &str) -> Option<NaiveDate> {
    let cleaned = text.replace(',', " ");
    let cleaned = normalise_spaces(&cleaned);
    let mut words = cleaned.split(' ');
    let month = month_from_name(words.next()?)?;
    let day = small_number(words.next()?)?;
    let year = digits(words.next()?, 4)?;
    if words.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Any timestamp format of the export, tried family by family: year-first
/// numeric, US month-first, date(1) style, `17 Nov 2021` (midnight UTC),
/// Rich Media prose, `April 12, 2026`. Zone-less times are taken as UTC.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() || text.len() > 200 {
        return None;
    }
    parse_ymd_datetime(text)
        .or_else(|| parse_us_datetime(text))
        .or_else(|| parse_unix_datetime(text))
        .or_else(|| parse_day_month_year(text).map(midnight))
        .or_else(|| parse_rich_media_datetime(text))
        .or_else(|| parse_month_day_year_clock(text))
        .or_else(|| parse_spreadsheet_date(text).map(midnight))
}

/// `Sep 23, 2022 12:00 PM` (Events.csv; a range is cut at ` - ` by the
/// caller) or `Sep 23, 2022`: month name, day, comma, year, then an optional
/// 12- or 24-hour time. Zone-less: taken as UTC.
pub fn parse_month_day_year_clock(text: &str) -> Option<DateTime<Utc>> {
    let text = normalise_spaces(text);
    let (date_text, time_text) = match text.split_once(", ") {
        Some((month_day, rest)) => match rest.split_once(' ') {
            Some((year, time)) => (format!("{month_day}, {year}"), Some(time)),
            None => (text.clone(), None),
        },
        None => return None,
    };
    let date = parse_month_day_comma_year(&date_text)?;
    match time_text {
        Some(time) => Some(date.and_time(parse_clock(strip_utc_zone(time)?)?).and_utc()),
        None => Some(midnight(date)),
    }
}

/// A date as a spreadsheet re-saves it: `18-Jun-24`, `18-Jun-2024`,
/// `18 Jun 24` (day, month name, two- or four-digit year; two-digit years
/// are this century, LinkedIn did not exist before 2003).
pub fn parse_spreadsheet_date(text: &str) -> Option<NaiveDate> {
    let text = normalise_spaces(text);
    let mut parts = text.split(['-', ' ', '/']);
    let day = small_number(parts.next()?)?;
    let month = month_from_name(parts.next()?)?;
    let year_text = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let year = match year_text.len() {
        2 => 2000 + digits(year_text, 2)?,
        4 => digits(year_text, 4)?,
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

/// A calendar date as trackers write it in readings CSV files: ISO
/// `2026-11-20` (a time after it is ignored), `2026/11/20`, European
/// `20.11.2026`, US `11/20/2026` (day-first `20/11/2026` when the first
/// number cannot be a month), `20 Nov 2026`, `Nov 20, 2026`.
pub fn parse_calendar_date(text: &str) -> Option<NaiveDate> {
    let text = normalise_spaces(text);
    if text.is_empty() || text.len() > 100 {
        return None;
    }
    if let Some(stamp) = parse_ymd_datetime(&text) {
        return Some(stamp.date_naive());
    }
    if let Some(date) = parse_dotted_date(&text) {
        return Some(date);
    }
    if let Some(date) = parse_slashed_date(&text) {
        return Some(date);
    }
    parse_day_month_year(&text).or_else(|| parse_month_day_comma_year(&text))
}

/// `20.11.2026` (day first).
fn parse_dotted_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('.');
    let day = small_number(parts.next()?)?;
    let month = small_number(parts.next()?)?;
    let year = digits(parts.next()?, 4)?;
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// `11/20/2026` month first, or `20/11/2026` when the first number exceeds 12.
fn parse_slashed_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('/');
    let first = small_number(parts.next()?)?;
    let second = small_number(parts.next()?)?;
    let year = digits(parts.next()?, 4)?;
    if parts.next().is_some() {
        return None;
    }
    let (month, day) = if first > 12 { (second, first) } else { (first, second) };
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn month_year_as_in_positions() {
        assert_eq!(parse_month_year("Nov 2021"), Some(day(2021, 11, 1)));
        assert_eq!(parse_month_year("September 2019"), Some(day(2019, 9, 1)));
        assert_eq!(parse_month_year("Sept 2019"), Some(day(2019, 9, 1)));
        assert_eq!(parse_month_year("Nov 21"), None);
        assert_eq!(parse_month_year("Foo 2021"), None);
        assert_eq!(parse_month_year("Nov 2021 extra"), None);
    }

    #[test]
    fn bare_year_as_in_education() {
        assert_eq!(parse_year("2015"), Some(day(2015, 1, 1)));
        assert_eq!(parse_year(" 2015 "), Some(day(2015, 1, 1)));
        assert_eq!(parse_year("15"), None);
        assert_eq!(parse_year("２０１５"), None);
        assert_eq!(parse_profile_date("2015"), Some(day(2015, 1, 1)));
        assert_eq!(parse_profile_date("Oct 2015"), Some(day(2015, 10, 1)));
        assert_eq!(parse_profile_date(""), None);
    }

    #[test]
    fn month_day_as_in_birth_date() {
        assert_eq!(parse_month_day("Oct 18"), Some(MonthDay { month: 10, day: 18 }));
        assert_eq!(parse_month_day("Feb 29"), Some(MonthDay { month: 2, day: 29 }));
        assert_eq!(parse_month_day("Feb 30"), None);
        assert_eq!(parse_month_day("Oct 2021"), None);
        assert_eq!(parse_month_day("Oct"), None);
    }

    #[test]
    fn day_month_year_as_in_connections() {
        assert_eq!(parse_day_month_year("17 Nov 2021"), Some(day(2021, 11, 17)));
        assert_eq!(parse_day_month_year("7 Jan 2020"), Some(day(2020, 1, 7)));
        assert_eq!(parse_day_month_year("31 Nov 2021"), None);
        assert_eq!(parse_timestamp("17 Nov 2021"), Some(utc(2021, 11, 17, 0, 0, 0)));
    }

    #[test]
    fn us_short_datetime_as_in_invitations_and_recommendations() {
        assert_eq!(parse_us_datetime("11/16/21, 9:40 AM"), Some(utc(2021, 11, 16, 9, 40, 0)));
        assert_eq!(parse_us_datetime("01/02/06, 3:04 PM"), Some(utc(2006, 1, 2, 15, 4, 0)));
        assert_eq!(parse_us_datetime("11/5/21, 6:29 PM"), Some(utc(2021, 11, 5, 18, 29, 0)));
        assert_eq!(parse_us_datetime("12/31/21, 12:00 AM"), Some(utc(2021, 12, 31, 0, 0, 0)));
        assert_eq!(parse_us_datetime("11/16/21, 9:40\u{202f}AM"), Some(utc(2021, 11, 16, 9, 40, 0)));
        assert_eq!(parse_us_datetime("11/16/2021 21:40"), Some(utc(2021, 11, 16, 21, 40, 0)));
        assert_eq!(parse_us_datetime("11/16/21"), Some(utc(2021, 11, 16, 0, 0, 0)));
        assert_eq!(parse_us_datetime("13/16/21, 9:40 AM"), None);
        assert_eq!(parse_us_datetime("11/16/21, 25:40"), None);
        assert_eq!(parse_timestamp("01/02/06, 3:04 PM"), Some(utc(2006, 1, 2, 15, 4, 0)));
    }

    #[test]
    fn year_first_datetimes_as_in_messages_shares_endorsements() {
        assert_eq!(parse_ymd_datetime("2021-11-17 18:14:58 UTC"), Some(utc(2021, 11, 17, 18, 14, 58)));
        assert_eq!(parse_ymd_datetime("2021-10-27 19:36:45"), Some(utc(2021, 10, 27, 19, 36, 45)));
        assert_eq!(parse_ymd_datetime("2021/09/14 12:18:19 UTC"), Some(utc(2021, 9, 14, 12, 18, 19)));
        assert_eq!(parse_ymd_datetime("2021/10/14 19:15:57 UTC"), Some(utc(2021, 10, 14, 19, 15, 57)));
        assert_eq!(parse_ymd_datetime("2021-08-24 22:24:35"), Some(utc(2021, 8, 24, 22, 24, 35)));
        assert_eq!(parse_ymd_datetime("2021-11-17T18:14:58Z"), Some(utc(2021, 11, 17, 18, 14, 58)));
        // The digit-by-digit path and the general one agree, on good and bad input alike.
        for text in [
            "2021-11-17 18:14:58 UTC",
            " 2021/09/14 12:18:19 gmt ",
            "2021-02-29 10:00:00",
            "2020-02-29 23:59:59",
            "2021-11-17 24:00:00",
            "2021-11-17 18:14:60 UTC",
            "2021-11/17 18:14:58",
            "2021-1a-17 18:14:58",
            "2021-11-17 18:14:58 CET",
        ] {
            let fast = plain_ymd_hms(text);
            assert!(fast.is_none() || fast == general_ymd_datetime(text), "{text}");
            assert_eq!(parse_ymd_datetime(text), general_ymd_datetime(text), "{text}");
        }
        assert_eq!(parse_ymd_datetime("2021-11-17T20:14:58+02:00"), Some(utc(2021, 11, 17, 18, 14, 58)));
        assert_eq!(
            parse_ymd_datetime("2021-11-17 18:14:58.250"),
            Some(utc(2021, 11, 17, 18, 14, 58) + chrono::Duration::milliseconds(250))
        );
        assert_eq!(parse_ymd_datetime("2021-11-17"), Some(utc(2021, 11, 17, 0, 0, 0)));
        assert_eq!(parse_ymd_datetime("2021-11-17 18:14:58 PST"), None);
        assert_eq!(parse_ymd_datetime("2021-13-17 18:14:58"), None);
        assert_eq!(parse_ymd_datetime("2021-11/17 18:14:58"), None);
    }

    #[test]
    fn unix_style_as_in_logins_and_company_follows() {
        assert_eq!(parse_unix_datetime("Fri Sep 24 12:35:41 UTC 2021"), Some(utc(2021, 9, 24, 12, 35, 41)));
        assert_eq!(parse_unix_datetime("Tue Sep 28 09:08:27 UTC 2021"), Some(utc(2021, 9, 28, 9, 8, 27)));
        assert_eq!(parse_unix_datetime("Tue Sep 28 09:08:27 PDT 2021"), None);
        assert_eq!(parse_unix_datetime("Tue Sep 31 09:08:27 UTC 2021"), None);
        assert_eq!(parse_timestamp("Fri Sep 24 12:35:41 UTC 2021"), Some(utc(2021, 9, 24, 12, 35, 41)));
    }

    #[test]
    fn rich_media_prose() {
        let prose = "You uploaded a profile photo on April 12, 2026 at 8:03 AM (GMT)";
        assert_eq!(parse_rich_media_datetime(prose), Some(utc(2026, 4, 12, 8, 3, 0)));
        assert_eq!(
            parse_rich_media_datetime(
                "You uploaded a background photo on December 1, 2025 at 11:59 PM (GMT)"
            ),
            Some(utc(2025, 12, 1, 23, 59, 0))
        );
        assert_eq!(parse_rich_media_datetime("April 12, 2026"), Some(utc(2026, 4, 12, 0, 0, 0)));
        assert_eq!(
            parse_rich_media_datetime("You uploaded a photo on April 12, 2026 at 8:03 AM (PST)"),
            None
        );
        assert_eq!(parse_rich_media_datetime("You uploaded a photo"), None);
        assert_eq!(parse_timestamp(prose), Some(utc(2026, 4, 12, 8, 3, 0)));
    }

    #[test]
    fn calendar_dates_for_readings() {
        assert_eq!(parse_calendar_date("2026-11-20"), Some(day(2026, 11, 20)));
        assert_eq!(parse_calendar_date("2026-11-20T08:00:00Z"), Some(day(2026, 11, 20)));
        assert_eq!(parse_calendar_date("2026/11/20"), Some(day(2026, 11, 20)));
        assert_eq!(parse_calendar_date("20.11.2026"), Some(day(2026, 11, 20)));
        assert_eq!(parse_calendar_date("11/20/2026"), Some(day(2026, 11, 20)));
        assert_eq!(parse_calendar_date("20/11/2026"), Some(day(2026, 11, 20)));
        assert_eq!(parse_calendar_date("20 Nov 2026"), Some(day(2026, 11, 20)));
        assert_eq!(parse_calendar_date("Nov 20, 2026"), Some(day(2026, 11, 20)));
        assert_eq!(parse_calendar_date("yesterday"), None);
    }

    #[test]
    fn event_times_and_spreadsheet_dates() {
        assert_eq!(parse_timestamp("Sep 23, 2022 12:00 PM"), Some(utc(2022, 9, 23, 12, 0, 0)));
        assert_eq!(parse_timestamp("Sep 3, 2022 9:05 AM"), Some(utc(2022, 9, 3, 9, 5, 0)));
        assert_eq!(parse_timestamp("Sep 23, 2022"), Some(utc(2022, 9, 23, 0, 0, 0)));
        assert_eq!(parse_timestamp("18-Jun-24"), Some(utc(2024, 6, 18, 0, 0, 0)));
        assert_eq!(parse_timestamp("18-Jun-2024"), Some(utc(2024, 6, 18, 0, 0, 0)));
        assert_eq!(parse_timestamp("31-Feb-24"), None);
        assert_eq!(parse_timestamp("18-Jun"), None);
    }

    #[test]
    fn nonsense_parses_to_nothing() {
        for junk in ["", " ", "not a date", "2021", "99/99/99, 99:99 XM", "\u{0}\u{1}", "ÿÿÿÿ-ÿÿ", "on on on"]
        {
            assert_eq!(parse_timestamp(junk), None, "{junk:?}");
        }
        assert_eq!(parse_timestamp(&"9".repeat(10_000)), None);
    }

    #[test]
    fn multibyte_input_never_panics() {
        for text in
            ["ñ UTC", "é (GMT)", "日本 on 語 at 話", "Nov ２０２１", "1/1/２１", "\u{202f}AM", "é:éé AM"]
        {
            let _ = parse_timestamp(text);
            let _ = parse_calendar_date(text);
            let _ = parse_month_day(text);
            let _ = parse_profile_date(text);
        }
    }
}
