//! Official SSI readings: LinkedIn's `salesApiSsi` JSON and trackers' CSV files of daily readings.
//!
//! JSON ([`parse_sales_api_json`]): the object may be bare or nested under
//! `data` (at any depth up to the nesting limit); pillars are matched by
//! their `pillar` name, never by position; group entries (`INDUSTRY`,
//! `NETWORK`, `TEAM`) may carry `rank`, `score.overall` (the group's average),
//! `score.subScores` (its per-pillar averages), `industry` (its name) and
//! `groupSize`. Unknown group types and unknown keys are ignored. A key that
//! ssi reads appearing twice in one object is rejected (ambiguous), as are a
//! pillar or group listed twice, an unknown pillar name, nesting deeper than
//! [`MAX_JSON_DEPTH`], an array where the object should be, and any value
//! [`OfficialReading::validate`] refuses. A leading byte-order mark is skipped.
//!
//! CSV ([`parse_readings_csv`]): headers are matched case- and
//! punctuation-insensitively under several names; the separator (`,`, `;` or
//! tab) is sniffed from the header line; `;`- and tab-separated files may use
//! decimal commas; ranks may be written `Top 5%`; a row dated outside
//! 2003–2100 is refused.

use crate::dates::parse_calendar_date;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use ssi_core::{GroupStats, OfficialReading, Pillar, ReadingError, ReadingSource};
use std::io::{BufRead, BufReader, Read};

/// Deepest nesting of objects and arrays accepted in a JSON reading.
pub const MAX_JSON_DEPTH: usize = 32;

/// Largest JSON reading accepted, in bytes.
pub const MAX_JSON_BYTES: usize = 1 << 20;

/// Readings CSV rows dated outside these years are refused: LinkedIn opened
/// in 2003, and the importer refuses events after 2100 likewise.
const FIRST_READING_YEAR: i32 = 2003;
const LAST_READING_YEAR: i32 = 2100;

/// Longest header line of a readings CSV, in bytes.
const MAX_HEADER_BYTES: u64 = 64 * 1024;

/// Why a reading (or a file of them) cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadingParseError {
    /// Not well-formed JSON, a value of the wrong type, or a key ssi reads given twice.
    #[error("not a valid salesApiSsi reading: {0}")]
    Json(String),
    /// A JSON body in ssi's own reading shape that is not right.
    #[error("{0}")]
    Body(String),
    /// JSON nested deeper than [`MAX_JSON_DEPTH`].
    #[error("JSON nested deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// Input larger than the limit.
    #[error("input larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// A value the reading needs is absent.
    #[error("missing {0}")]
    Missing(&'static str),
    /// A `pillar` name that is not one of LinkedIn's four.
    #[error("unknown pillar {0:?}")]
    UnknownPillar(String),
    /// A pillar listed twice in one score.
    #[error("pillar {0} listed twice")]
    DuplicatePillar(String),
    /// A group type listed twice.
    #[error("group {0} listed twice")]
    DuplicateGroup(String),
    /// A number that cannot be what it claims (a fractional rank, a negative size, …).
    #[error("{field}: {value} is not a valid value")]
    InvalidValue {
        /// Where it is.
        field: String,
        /// The value as found.
        value: String,
    },
    /// A JSON reading whose values are out of range.
    #[error("invalid reading: {0}")]
    Invalid(#[from] ReadingError),
    /// A CSV row whose values are out of range.
    #[error("line {line}: invalid reading: {source}")]
    InvalidRow {
        /// The row's line.
        line: u64,
        /// What is wrong.
        source: ReadingError,
    },
    /// A CSV field that cannot be read.
    #[error("line {line}, column {column:?}: {reason}")]
    Csv {
        /// The row's line.
        line: u64,
        /// The column as the header names it.
        column: String,
        /// What is wrong.
        reason: String,
    },
    /// The CSV header lacks a column the readings need.
    #[error("the header has no {0} column")]
    MissingColumn(&'static str),
    /// The input cannot be read.
    #[error("cannot read the readings: {0}")]
    Io(String),
    /// The input holds nothing.
    #[error("no readings: the input is empty")]
    Empty,
}

// `expecting` names each shape in the user's words: serde would otherwise
// say "expected struct ScoreJson", a name the user never saw.
#[derive(Deserialize)]
#[serde(expecting = "LinkedIn's salesApiSsi object, with memberScore and groupScore")]
struct Envelope {
    #[serde(rename = "memberScore")]
    member_score: Option<ScoreJson>,
    #[serde(rename = "groupScore")]
    group_score: Option<Vec<GroupJson>>,
    data: Option<Box<Envelope>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a score object such as {\"overall\": 35.2, \"subScores\": [...]}")]
struct ScoreJson {
    overall: Option<f64>,
    #[serde(rename = "subScores")]
    sub_scores: Option<Vec<SubScoreJson>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a pillar score such as {\"pillar\": \"PROFESSIONAL_BRAND\", \"score\": 12.5}")]
struct SubScoreJson {
    score: Option<f64>,
    pillar: String,
}

#[derive(Deserialize)]
#[serde(expecting = "a group score such as {\"groupType\": \"INDUSTRY\", \"rank\": 12, \"score\": {...}}")]
struct GroupJson {
    #[serde(rename = "groupType")]
    group_type: String,
    rank: Option<f64>,
    score: Option<ScoreJson>,
    industry: Option<String>,
    #[serde(rename = "groupSize")]
    group_size: Option<f64>,
}

/// The deepest nesting of objects and arrays in `text` (strings skipped).
fn json_depth(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Parses a JSON body of readings, the one parser of the CLI and the server:
/// LinkedIn's `salesApiSsi` JSON (an object with `memberScore` or `data`,
/// dated `date`), or ssi's own shape (one reading or a list). A byte-order
/// mark is skipped; every reading is validated.
pub fn parse_readings_json(text: &str, date: NaiveDate) -> Result<Vec<OfficialReading>, ReadingParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_JSON_BYTES {
        return Err(ReadingParseError::TooLarge { limit: MAX_JSON_BYTES });
    }
    if json_depth(text) > MAX_JSON_DEPTH {
        return Err(ReadingParseError::TooDeep { limit: MAX_JSON_DEPTH });
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ReadingParseError::Json(e.to_string()))?;
    let is_sales_api =
        value.as_object().is_some_and(|o| o.contains_key("memberScore") || o.contains_key("data"));
    if is_sales_api {
        return parse_sales_api_json(text, date).map(|r| vec![r]);
    }
    let readings = if value.is_array() {
        serde_json::from_value::<Vec<OfficialReading>>(value)
    } else {
        serde_json::from_value::<OfficialReading>(value).map(|r| vec![r])
    }
    .map_err(|e| {
        ReadingParseError::Body(format!(
            "not a reading ({e}); send LinkedIn's salesApiSsi JSON or ssi's reading shape"
        ))
    })?;
    if readings.is_empty() {
        return Err(ReadingParseError::Body("the list of readings is empty".into()));
    }
    for (index, reading) in readings.iter().enumerate() {
        reading.validate().map_err(|e| {
            ReadingParseError::Body(format!("reading {} ({}) is not valid: {e}", index + 1, reading.date))
        })?;
    }
    Ok(readings)
}

/// Parses LinkedIn's `salesApiSsi` JSON, saved on `date` (a snapshot carries no date).
pub fn parse_sales_api_json(text: &str, date: NaiveDate) -> Result<OfficialReading, ReadingParseError> {
    // A file saved by a Windows editor may start with a byte-order mark (RFC 8259 lets a parser skip it).
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_JSON_BYTES {
        return Err(ReadingParseError::TooLarge { limit: MAX_JSON_BYTES });
    }
    if json_depth(text) > MAX_JSON_DEPTH {
        return Err(ReadingParseError::TooDeep { limit: MAX_JSON_DEPTH });
    }
    if text.trim_start().starts_with('[') {
        // serde would read an array as the struct's fields in order: refuse it plainly.
        return Err(ReadingParseError::Json("expected a JSON object {…}, found an array [...]".to_string()));
    }
    let mut envelope: Envelope =
        serde_json::from_str(text).map_err(|e| ReadingParseError::Json(e.to_string()))?;
    while envelope.member_score.is_none() {
        match envelope.data.take() {
            Some(inner) => envelope = *inner,
            None => return Err(ReadingParseError::Missing("memberScore")),
        }
    }
    let member = envelope.member_score.ok_or(ReadingParseError::Missing("memberScore"))?;
    let total = member.overall.ok_or(ReadingParseError::Missing("memberScore.overall"))?;
    let mut reading = OfficialReading::new(date, total, ReadingSource::Json);
    reading.pillars = pillar_scores(member.sub_scores.as_deref().unwrap_or_default(), "memberScore")?;
    let mut seen: Vec<String> = Vec::new();
    for group in envelope.group_score.unwrap_or_default() {
        let kind = group.group_type.trim().to_ascii_uppercase();
        if seen.contains(&kind) {
            return Err(ReadingParseError::DuplicateGroup(kind));
        }
        seen.push(kind.clone());
        let stats = match kind.as_str() {
            "INDUSTRY" => &mut reading.industry,
            "NETWORK" => &mut reading.network,
            "TEAM" => &mut reading.team,
            _ => continue,
        };
        *stats = group_stats(&group, &kind)?;
    }
    reading.validate()?;
    Ok(reading)
}

/// Per-pillar scores matched by name.
fn pillar_scores(entries: &[SubScoreJson], place: &str) -> Result<[Option<f64>; 4], ReadingParseError> {
    let mut pillars = [None; 4];
    for entry in entries {
        let name = entry.pillar.trim();
        let pillar = Pillar::ALL
            .into_iter()
            .find(|p| p.api_name().eq_ignore_ascii_case(name))
            .ok_or_else(|| ReadingParseError::UnknownPillar(name.to_string()))?;
        let slot = &mut pillars[pillar.index()];
        if slot.is_some() {
            return Err(ReadingParseError::DuplicatePillar(pillar.api_name().to_string()));
        }
        let score = entry.score.ok_or_else(|| ReadingParseError::InvalidValue {
            field: format!("{place}.subScores[{}].score", pillar.api_name()),
            value: "null".to_string(),
        })?;
        *slot = Some(score);
    }
    Ok(pillars)
}

fn group_stats(group: &GroupJson, kind: &str) -> Result<GroupStats, ReadingParseError> {
    let mut stats = GroupStats {
        rank: group.rank.map(|r| to_rank(r, &format!("groupScore[{kind}].rank"))).transpose()?,
        name: group.industry.as_ref().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
        ..GroupStats::default()
    };
    if let Some(size) = group.group_size {
        if !size.is_finite() || size < 0.0 || size.fract() != 0.0 || size > 9.0e15 {
            return Err(ReadingParseError::InvalidValue {
                field: format!("groupScore[{kind}].groupSize"),
                value: size.to_string(),
            });
        }
        // Checked above: a non-negative whole number below 2^53.
        stats.size = Some(size as u64);
    }
    if let Some(score) = &group.score {
        stats.average = score.overall;
        let averages =
            pillar_scores(score.sub_scores.as_deref().unwrap_or_default(), &format!("groupScore[{kind}]"))?;
        if averages.iter().any(Option::is_some) {
            stats.pillar_averages = Some(averages);
        }
    }
    Ok(stats)
}

/// A rank as LinkedIn gives it: a whole number (the range 1–100 is checked by
/// [`OfficialReading::validate`]).
fn to_rank(value: f64, field: &str) -> Result<u8, ReadingParseError> {
    if value.is_finite() && value.fract() == 0.0 && (0.0..=255.0).contains(&value) {
        // Checked above: a whole number within u8.
        Ok(value as u8)
    } else {
        Err(ReadingParseError::InvalidValue { field: field.to_string(), value: value.to_string() })
    }
}

/// The columns of a readings CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadingColumn {
    Date,
    Total,
    Pillar(Pillar),
    Rank(Group),
    Average(Group),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Industry,
    Network,
    Team,
}

/// Recognises a header cell (normalised: lower-case letters and digits only).
fn reading_column(normalised: &str) -> Option<ReadingColumn> {
    use ReadingColumn::*;
    Some(match normalised {
        "date" | "datum" | "day" | "readon" | "snapshotdate" | "recordedon" | "timestamp" | "datetime"
        | "when" => Date,
        "total" | "ssi" | "overall" | "score" | "ssiscore" | "totalssi" | "totalscore" | "overallscore"
        | "socialsellingindex" => Total,
        "brand"
        | "professionalbrand"
        | "establishyourprofessionalbrand"
        | "establishprofessionalbrand"
        | "establishbrand" => Pillar(ssi_core::Pillar::ProfessionalBrand),
        "people" | "findrightpeople" | "findtherightpeople" | "findpeople" => {
            Pillar(ssi_core::Pillar::FindRightPeople)
        }
        "insights" | "insight" | "engage" | "engagewithinsights" | "insightengagement" | "engageinsights" => {
            Pillar(ssi_core::Pillar::InsightEngagement)
        }
        "relationships"
        | "relationship"
        | "build"
        | "buildrelationships"
        | "strongrelationship"
        | "strongrelationships" => Pillar(ssi_core::Pillar::StrongRelationship),
        "industryrank" | "industryssirank" | "rankindustry" | "industrytop" => Rank(Group::Industry),
        "networkrank" | "networkssirank" | "ranknetwork" | "networktop" => Rank(Group::Network),
        "teamrank" | "teamssirank" | "rankteam" => Rank(Group::Team),
        "industryavg" | "industryaverage" | "industryssi" | "avgindustry" | "industryavgssi"
        | "industryaveragessi" => Average(Group::Industry),
        "networkavg" | "networkaverage" | "networkssi" | "avgnetwork" | "networkavgssi"
        | "networkaveragessi" => Average(Group::Network),
        "teamavg" | "teamaverage" | "teamssi" | "avgteam" => Average(Group::Team),
        _ => return None,
    })
}

/// The separator of a header line: the most frequent of `,`, `;` and tab
/// outside quotes (`,` on a tie).
fn sniff_delimiter(header: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for byte in header.bytes() {
        if byte == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(slot) = counts.iter_mut().find(|(d, _)| *d == byte) {
            slot.1 += 1;
        }
    }
    counts.iter().fold((b',', 0), |best, c| if c.1 > best.1 { *c } else { best }).0
}

/// A number as trackers write it: `19.7`, `19,7` (decimal comma), `Top 5%`.
/// `Ok(None)` for a blank cell.
fn parse_number(text: &str, decimal_comma: bool) -> Result<Option<f64>, String> {
    let mut text = text.trim();
    if let (Some(head), Some(rest)) = (text.get(..3), text.get(3..))
        && head.eq_ignore_ascii_case("top")
    {
        text = rest.trim_start();
    }
    let text = text.trim_end_matches('%').trim();
    if text.is_empty() || text == "-" {
        return Ok(None);
    }
    let lone_comma = !text.contains('.') && text.matches(',').count() == 1;
    let text = if decimal_comma || lone_comma { text.replace(',', ".") } else { text.to_string() };
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(Some(value)),
        _ => Err(format!("{text:?} is not a number")),
    }
}

/// Parses a CSV of daily readings (one per row). The first bad row stops
/// the parse with an error naming its line and column; blank rows are skipped.
pub fn parse_readings_csv(reader: impl Read) -> Result<Vec<OfficialReading>, ReadingParseError> {
    // The csv crate counts a CRLF file's lines differently from an LF
    // file's; with every line ending made `\n`, line numbers are the editor's.
    let mut input = BufReader::new(UnixLineEndings { inner: reader, after_cr: false });
    let mut header_line = Vec::new();
    (&mut input)
        .take(MAX_HEADER_BYTES)
        .read_until(b'\n', &mut header_line)
        .map_err(|e| ReadingParseError::Io(e.to_string()))?;
    let header_text = String::from_utf8_lossy(&header_line);
    if header_text.trim().trim_start_matches('\u{feff}').is_empty() {
        return Err(ReadingParseError::Empty);
    }
    let delimiter = sniff_delimiter(&header_text);
    let decimal_comma = delimiter != b',';
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(std::io::Cursor::new(header_line).chain(input));
    let headers = csv.headers().map_err(|e| ReadingParseError::Io(e.to_string()))?.clone();
    let columns: Vec<Option<ReadingColumn>> =
        headers.iter().map(|h| reading_column(&crate::catalog::normalise_header(h))).collect();
    if !columns.contains(&Some(ReadingColumn::Date)) {
        return Err(ReadingParseError::MissingColumn("date"));
    }
    let has_all_pillars = Pillar::ALL.iter().all(|p| columns.contains(&Some(ReadingColumn::Pillar(*p))));
    if !columns.contains(&Some(ReadingColumn::Total)) && !has_all_pillars {
        return Err(ReadingParseError::MissingColumn("total"));
    }
    let mut readings = Vec::new();
    for record in csv.records() {
        let record = record.map_err(|e| ReadingParseError::Csv {
            line: e.position().map_or(0, |p| p.line()),
            column: match e.kind() {
                csv::ErrorKind::Utf8 { err, .. } => headers.get(err.field()).unwrap_or_default().to_string(),
                _ => String::new(),
            },
            reason: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        readings.push(reading_row(&record, &headers, &columns, line, decimal_comma)?);
    }
    Ok(readings)
}

/// Reads `inner` with `\r\n` and lone `\r` line endings turned into `\n`, streaming.
struct UnixLineEndings<R> {
    inner: R,
    /// Whether the last byte read was a `\r` (so that a `\n` right after it is dropped).
    after_cr: bool,
}

impl<R: Read> Read for UnixLineEndings<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let read = self.inner.read(buf)?;
            if read == 0 {
                return Ok(0);
            }
            let mut kept = 0;
            for i in 0..read {
                let byte = buf[i];
                if byte == b'\n' && self.after_cr {
                    self.after_cr = false;
                    continue;
                }
                self.after_cr = byte == b'\r';
                buf[kept] = if self.after_cr { b'\n' } else { byte };
                kept += 1;
            }
            // Only the `\n` of a `\r\n` split across reads: read on, since 0 would mean the end.
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

fn reading_row(
    record: &csv::StringRecord,
    headers: &csv::StringRecord,
    columns: &[Option<ReadingColumn>],
    line: u64,
    decimal_comma: bool,
) -> Result<OfficialReading, ReadingParseError> {
    let mut date = None;
    let mut total = None;
    let mut pillars = [None; 4];
    let (mut industry, mut network, mut team) =
        (GroupStats::default(), GroupStats::default(), GroupStats::default());
    for (index, value) in record.iter().enumerate() {
        let Some(Some(column)) = columns.get(index) else { continue };
        let bad = |reason: String| ReadingParseError::Csv {
            line,
            column: headers.get(index).unwrap_or_default().to_string(),
            reason,
        };
        if *column == ReadingColumn::Date {
            if value.is_empty() {
                return Err(bad("blank date".to_string()));
            }
            let day = parse_calendar_date(value).ok_or_else(|| bad(format!("{value:?} is not a date")))?;
            if !(FIRST_READING_YEAR..=LAST_READING_YEAR).contains(&day.year()) {
                return Err(bad(format!(
                    "{day} is outside {FIRST_READING_YEAR}–{LAST_READING_YEAR}, not a day LinkedIn could have shown"
                )));
            }
            date = Some(day);
            continue;
        }
        let Some(number) = parse_number(value, decimal_comma).map_err(bad)? else { continue };
        match column {
            ReadingColumn::Date => {}
            ReadingColumn::Total => total = Some(number),
            ReadingColumn::Pillar(pillar) => pillars[pillar.index()] = Some(number),
            ReadingColumn::Rank(group) => {
                let rank = to_rank(number, headers.get(index).unwrap_or_default())
                    .map_err(|_| bad(format!("{number} is not a whole rank")))?;
                group_of(*group, &mut industry, &mut network, &mut team).rank = Some(rank);
            }
            ReadingColumn::Average(group) => {
                group_of(*group, &mut industry, &mut network, &mut team).average = Some(number);
            }
        }
    }
    let date = date.ok_or_else(|| ReadingParseError::Csv {
        line,
        column: "date".to_string(),
        reason: "no date in this row".to_string(),
    })?;
    let total = match total {
        Some(total) => total,
        None if pillars.iter().all(Option::is_some) => pillars.iter().flatten().sum(),
        None => {
            return Err(ReadingParseError::Csv {
                line,
                column: "total".to_string(),
                reason: "no total in this row".to_string(),
            });
        }
    };
    let mut reading = OfficialReading::new(date, total, ReadingSource::Csv);
    reading.pillars = pillars;
    reading.industry = industry;
    reading.network = network;
    reading.team = team;
    reading.validate().map_err(|source| ReadingParseError::InvalidRow { line, source })?;
    Ok(reading)
}

fn group_of<'g>(
    group: Group,
    industry: &'g mut GroupStats,
    network: &'g mut GroupStats,
    team: &'g mut GroupStats,
) -> &'g mut GroupStats {
    match group {
        Group::Industry => industry,
        Group::Network => network,
        Group::Team => team,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
    }

    const CAPTURED: &str = r#"{
      "activeSeat": false,
      "memberScore": {
        "overall": 19.705751,
        "subScores": [
          {"score": 13.118002, "pillar": "PROFESSIONAL_BRAND"},
          {"score": 3.68, "pillar": "FIND_RIGHT_PEOPLE"},
          {"score": 0.29999998, "pillar": "INSIGHT_ENGAGEMENT"},
          {"score": 2.6077502, "pillar": "STRONG_RELATIONSHIP"}
        ]
      },
      "groupScore": [
        {"groupType": "INDUSTRY", "rank": 75, "score": {"overall": 30.99, "subScores": []}},
        {"groupType": "NETWORK", "rank": 81, "score": {"overall": 32.72, "subScores": []}}
      ]
    }"#;

    #[test]
    fn captured_json_reads_as_linkedin_showed_it() {
        let r = parse_sales_api_json(CAPTURED, day()).unwrap();
        assert_eq!(r.date, day());
        assert_eq!(r.source, ReadingSource::Json);
        assert!((r.total - 19.705751).abs() < 1e-9);
        assert_eq!(r.pillar(Pillar::InsightEngagement), Some(0.29999998));
        assert_eq!(r.industry.rank, Some(75));
        assert_eq!(r.network.rank, Some(81));
        assert_eq!(r.network.average, Some(32.72));
        assert_eq!(r.industry.pillar_averages, None);
        assert!(r.team.is_empty());
    }

    #[test]
    fn pillars_are_matched_by_name_not_position() {
        let text = r#"{"memberScore":{"overall":20,"subScores":[
            {"pillar":"STRONG_RELATIONSHIP","score":1},{"pillar":"PROFESSIONAL_BRAND","score":10},
            {"pillar":"INSIGHT_ENGAGEMENT","score":4},{"pillar":"FIND_RIGHT_PEOPLE","score":5}]}}"#;
        let r = parse_sales_api_json(text, day()).unwrap();
        assert_eq!(r.pillars, [Some(10.0), Some(5.0), Some(4.0), Some(1.0)]);
    }

    #[test]
    fn nested_data_team_group_size_and_industry_name() {
        let text = r#"{"data":{"memberScore":{"overall":50},"groupScore":[
            {"groupType":"TEAM","rank":3,"groupSize":12,"score":{"overall":60,"subScores":[{"pillar":"PROFESSIONAL_BRAND","score":15}]}},
            {"groupType":"INDUSTRY","industry":"Software","groupSize":250000,"rank":10,"score":{"overall":40}},
            {"groupType":"SOMETHING_NEW","rank":1}]}}"#;
        let r = parse_sales_api_json(text, day()).unwrap();
        assert_eq!(r.total, 50.0);
        assert_eq!(r.team.rank, Some(3));
        assert_eq!(r.team.size, Some(12));
        assert_eq!(r.team.pillar_averages, Some([Some(15.0), None, None, None]));
        assert_eq!(r.industry.name.as_deref(), Some("Software"));
        assert_eq!(r.industry.size, Some(250_000));
    }

    /// Whether an error is the one expected.
    type Expect = fn(&ReadingParseError) -> bool;

    #[test]
    fn bad_json_readings_are_refused() {
        let cases: Vec<(String, Expect)> = vec![
            ("not json".into(), |e| matches!(e, ReadingParseError::Json(_))),
            (r#"{"memberScore":{"overall":-1}}"#.into(), |e| matches!(e, ReadingParseError::Invalid(ReadingError::Total(_)))),
            (r#"{"memberScore":{"overall":101}}"#.into(), |e| matches!(e, ReadingParseError::Invalid(ReadingError::Total(_)))),
            (r#"{"memberScore":{"overall":NaN}}"#.into(), |e| matches!(e, ReadingParseError::Json(_))),
            (r#"{"memberScore":{"overall":1e999}}"#.into(), |e| matches!(e, ReadingParseError::Json(_))),
            (r#"{"memberScore":{"overall":10,"overall":90}}"#.into(), |e| matches!(e, ReadingParseError::Json(m) if m.contains("duplicate"))),
            (r#"{"memberScore":{"overall":10,"subScores":[{"pillar":"X","score":1}]}}"#.into(), |e| matches!(e, ReadingParseError::UnknownPillar(_))),
            (r#"{"memberScore":{"overall":10,"subScores":[{"pillar":"PROFESSIONAL_BRAND","score":1},{"pillar":"PROFESSIONAL_BRAND","score":2}]}}"#.into(), |e| matches!(e, ReadingParseError::DuplicatePillar(_))),
            (r#"{"memberScore":{"overall":10,"subScores":[{"pillar":"PROFESSIONAL_BRAND","score":26}]}}"#.into(), |e| matches!(e, ReadingParseError::Invalid(ReadingError::Pillar { .. }))),
            (r#"{"memberScore":{"overall":10},"groupScore":[{"groupType":"NETWORK","rank":0}]}"#.into(), |e| matches!(e, ReadingParseError::Invalid(ReadingError::Rank { .. }))),
            (r#"{"memberScore":{"overall":10},"groupScore":[{"groupType":"NETWORK","rank":5.5}]}"#.into(), |e| matches!(e, ReadingParseError::InvalidValue { .. })),
            (r#"{"memberScore":{"overall":10},"groupScore":[{"groupType":"NETWORK","rank":5},{"groupType":"network","rank":6}]}"#.into(), |e| matches!(e, ReadingParseError::DuplicateGroup(_))),
            (r#"{"memberScore":{"overall":10},"groupScore":[{"groupType":"NETWORK","groupSize":-3}]}"#.into(), |e| matches!(e, ReadingParseError::InvalidValue { .. })),
            (r#"{"activeSeat":true}"#.into(), |e| matches!(e, ReadingParseError::Missing("memberScore"))),
            (r#"{"memberScore":{}}"#.into(), |e| matches!(e, ReadingParseError::Missing(_))),
            (format!("{}{}", "[".repeat(40), "]".repeat(40)), |e| matches!(e, ReadingParseError::TooDeep { .. })),
            (format!(r#"{{"x":"{}"}}"#, "a".repeat(MAX_JSON_BYTES)), |e| matches!(e, ReadingParseError::TooLarge { .. })),
        ];
        for (text, expected) in cases {
            let err = parse_sales_api_json(&text, day()).unwrap_err();
            assert!(expected(&err), "{}: got {err:?}", &text[..text.len().min(80)]);
        }
    }

    #[test]
    fn json_reading_with_a_byte_order_mark_is_read() {
        let text = format!("\u{feff}{CAPTURED}");
        assert!((parse_sales_api_json(&text, day()).unwrap().total - 19.705751).abs() < 1e-9);
    }

    #[test]
    fn json_reading_given_as_an_array_is_refused_as_such() {
        // Three elements would otherwise fill the envelope's three fields in order.
        for text in [format!("[{CAPTURED}]"), r#" [{"overall":20,"subScores":[]},null,null]"#.to_string()] {
            let err = parse_sales_api_json(&text, day()).unwrap_err();
            assert!(matches!(&err, ReadingParseError::Json(m) if m.contains("found an array")), "{err:?}");
        }
    }

    #[test]
    fn readings_csv_refuses_dates_outside_2003_to_2100() {
        for (text, line) in [
            ("date,total\n2026-11-20,20\n0000-01-01,20\n", 3),
            ("date,total\n9999-12-31,20\n", 2),
            ("date,total\n31.12.2002,20\n", 2),
        ] {
            let err = parse_readings_csv(text.as_bytes()).unwrap_err();
            assert!(
                matches!(&err, ReadingParseError::Csv { line: l, column, reason } if *l == line && column == "date" && reason.contains("outside 2003–2100")),
                "{text:?}: {err:?}"
            );
        }
        assert_eq!(
            parse_readings_csv("date,total\n2003-01-01,1\n2100-12-31,2\n".as_bytes()).unwrap().len(),
            2
        );
    }

    #[test]
    fn readings_csv_names_the_column_that_is_not_utf8() {
        let err = parse_readings_csv(&b"date,total,note\n2026-11-20,20,caf\xe9\n"[..]).unwrap_err();
        assert!(
            matches!(&err, ReadingParseError::Csv { line: 2, column, .. } if column == "note"),
            "{err:?}"
        );
    }

    #[test]
    fn depth_counting_ignores_brackets_in_strings() {
        assert_eq!(json_depth(r#"{"a":"[[[[{{{{\"]]"}"#), 1);
        assert_eq!(json_depth(r#"{"a":[{"b":[]}]}"#), 4);
    }

    #[test]
    fn csv_with_commas_and_various_headers() {
        let text = "Date,SSI,Professional Brand,Find the right people,Engage with insights,Build relationships,industry_rank,Network Rank,Industry Avg,network_avg\n\
                    2026-11-19,19.7,13.1,3.7,0.3,2.6,75,Top 81%,30.99,32.72\n\n\
                    11/20/2026,20,13,4,0.4,2.6,,,,\n";
        let readings = parse_readings_csv(text.as_bytes()).unwrap();
        assert_eq!(readings.len(), 2);
        let first = &readings[0];
        assert_eq!(first.source, ReadingSource::Csv);
        assert_eq!(first.total, 19.7);
        assert_eq!(first.pillars, [Some(13.1), Some(3.7), Some(0.3), Some(2.6)]);
        assert_eq!((first.industry.rank, first.network.rank), (Some(75), Some(81)));
        assert_eq!((first.industry.average, first.network.average), (Some(30.99), Some(32.72)));
        assert_eq!(readings[1].date, day());
        assert!(readings[1].industry.is_empty());
    }

    #[test]
    fn csv_with_semicolons_and_decimal_commas() {
        let text = "\u{feff}\"date\";\"total\";\"brand\";\"people\";\"insights\";\"relationships\";\"team_rank\"\n20.11.2026;19,7;13,1;3,7;0,3;2,6;2\n";
        let readings = parse_readings_csv(text.as_bytes()).unwrap();
        assert_eq!(readings.len(), 1);
        assert_eq!(readings[0].date, day());
        assert_eq!(readings[0].total, 19.7);
        assert_eq!(readings[0].pillars[0], Some(13.1));
        assert_eq!(readings[0].team.rank, Some(2));
    }

    #[test]
    fn csv_total_from_pillars_when_absent() {
        let text = "day;brand;people;insights;relationships\n2026-11-20;10;5;4;1\n";
        let readings = parse_readings_csv(text.as_bytes()).unwrap();
        assert_eq!(readings[0].total, 20.0);
    }

    #[test]
    fn bad_csv_rows_name_line_and_column() {
        let err = parse_readings_csv("date,total\n2026-11-20,20\n2026-11-21,abc\n".as_bytes()).unwrap_err();
        assert!(
            matches!(&err, ReadingParseError::Csv { line: 3, column, .. } if column == "total"),
            "{err:?}"
        );
        let err = parse_readings_csv("date,total\nnot-a-date,20\n".as_bytes()).unwrap_err();
        assert!(
            matches!(&err, ReadingParseError::Csv { line: 2, column, .. } if column == "date"),
            "{err:?}"
        );
        let err = parse_readings_csv("date,total\n2026-11-20,150\n".as_bytes()).unwrap_err();
        assert!(matches!(err, ReadingParseError::InvalidRow { line: 2, source: ReadingError::Total(_) }));
        let err = parse_readings_csv("date,total\n2026-11-20,NaN\n".as_bytes()).unwrap_err();
        assert!(matches!(err, ReadingParseError::Csv { line: 2, .. }));
        let err = parse_readings_csv(
            "date,total,brand,people,insights,relationships\n2026-11-20,50,1,1,1,1\n".as_bytes(),
        )
        .unwrap_err();
        assert!(matches!(err, ReadingParseError::InvalidRow { source: ReadingError::Sum { .. }, .. }));
        let err = parse_readings_csv("date,total,network_rank\n2026-11-20,50,4.5\n".as_bytes()).unwrap_err();
        assert!(matches!(&err, ReadingParseError::Csv { column, .. } if column == "network_rank"), "{err:?}");
        assert_eq!(
            parse_readings_csv("total,brand\n1,2\n".as_bytes()).unwrap_err(),
            ReadingParseError::MissingColumn("date")
        );
        assert_eq!(
            parse_readings_csv("date,brand\n2026-11-20,2\n".as_bytes()).unwrap_err(),
            ReadingParseError::MissingColumn("total")
        );
        assert_eq!(parse_readings_csv("".as_bytes()).unwrap_err(), ReadingParseError::Empty);
    }

    #[test]
    fn crlf_files_name_the_same_lines_as_lf_files() {
        for ending in ["\n", "\r\n", "\r"] {
            let text = ["date,total", "2026-11-20,20", "2026-11-21,21", "2026-11-22,abc", ""].join(ending);
            let err = parse_readings_csv(text.as_bytes()).unwrap_err();
            assert!(matches!(&err, ReadingParseError::Csv { line: 4, .. }), "{ending:?}: {err:?}");
            let text = ["date,total", "2026-11-20,20", "2026-11-21,150", ""].join(ending);
            let err = parse_readings_csv(text.as_bytes()).unwrap_err();
            assert!(matches!(&err, ReadingParseError::InvalidRow { line: 3, .. }), "{ending:?}: {err:?}");
        }
    }

    #[test]
    fn json_errors_name_the_shape_in_the_users_words_and_a_bom_is_skipped() {
        let err = parse_sales_api_json(r#"{"memberScore": 12}"#, day()).unwrap_err().to_string();
        assert!(!err.contains("ScoreJson") && err.contains("overall"), "{err}");
        let err = parse_sales_api_json(r#"{"memberScore": {"overall": 20, "subScores": [3]}}"#, day())
            .unwrap_err()
            .to_string();
        assert!(!err.contains("SubScoreJson") && err.contains("pillar"), "{err}");
        let text = "\u{feff}{\"memberScore\": {\"overall\": 20.5}}";
        assert_eq!(parse_readings_json(text, day()).unwrap()[0].total, 20.5);
    }
}
