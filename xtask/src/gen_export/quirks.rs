//! Edits people make to an export before they share it (`--quirks`), applied to a finished archive.
//!
//! Real exports found in the wild were not always as LinkedIn wrote them:
//! only some files shared, a file opened and saved by a spreadsheet, a file
//! edited by hand. Each quirk rewrites the finished archive: every other
//! entry is copied byte for byte, so an archive with quirks differs from the
//! plain one only where the quirk says.

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use std::io::{Cursor, Read, Write};

/// The quirks to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Quirks {
    /// No `Profile.csv` or `Profile Summary.csv` (people often share only some files).
    pub(crate) no_profile: bool,
    /// `Connections.csv` opened and saved by a spreadsheet: dates `18-Jun-24`,
    /// empty cells `NA`, the `Notes:` preamble and the BOM gone.
    pub(crate) spreadsheet: bool,
    /// `Skills.csv` edited by hand: no header, `;` at the end of each line.
    pub(crate) edited_skills: bool,
}

impl Quirks {
    /// Parses `no-profile,spreadsheet,edited-skills` (any of them, comma-separated): the value
    /// parser of `--quirks`.
    pub(crate) fn parse(text: &str) -> Result<Quirks> {
        let mut quirks = Quirks::default();
        for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "no-profile" => quirks.no_profile = true,
                "spreadsheet" => quirks.spreadsheet = true,
                "edited-skills" => quirks.edited_skills = true,
                other => bail!("unknown quirk {other:?}: expected no-profile, spreadsheet or edited-skills"),
            }
        }
        Ok(quirks)
    }

    /// Whether any quirk is asked for.
    pub(crate) fn any(&self) -> bool {
        self.no_profile || self.spreadsheet || self.edited_skills
    }
}

/// The entry's file name, without any top-level folder.
fn base_name(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// Rewrites the archive `bytes` with `quirks` applied.
pub(crate) fn apply(bytes: &[u8], quirks: &Quirks) -> Result<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).context("the archive to edit")?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index)?;
        let name = entry.name()?.to_string();
        let base = base_name(&name);
        let rewrite: Option<fn(&str) -> Result<String>> = match base {
            "Profile.csv" | "Profile Summary.csv" if quirks.no_profile => continue,
            "Connections.csv" if quirks.spreadsheet => Some(spreadsheet_connections),
            "Skills.csv" if quirks.edited_skills => Some(hand_edited_skills),
            _ => None,
        };
        let Some(rewrite) = rewrite else {
            out.raw_copy_file(entry)?;
            continue;
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(9))
            .last_modified_time(entry.last_modified().unwrap_or_default())
            .system(zip::System::Unix)
            .unix_permissions(0o644);
        let mut text = String::new();
        entry.read_to_string(&mut text).with_context(|| format!("{name} is not UTF-8"))?;
        let edited = rewrite(text.trim_start_matches('\u{feff}'))?;
        drop(entry);
        out.start_file(name.as_str(), options)?;
        out.write_all(edited.as_bytes())?;
    }
    Ok(out.finish()?.into_inner())
}

/// Connections.csv as a spreadsheet saves it: the preamble before the header
/// dropped, `17 Nov 2021` as `17-Nov-21`, every empty cell `NA`.
fn spreadsheet_connections(text: &str) -> Result<String> {
    let header_at = text.find("First Name,").context("Connections.csv has no header")?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&text.as_bytes()[header_at..]);
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for (row, record) in reader.records().enumerate() {
        let record = record?;
        let cells: Vec<String> = record
            .iter()
            .map(|cell| {
                if row == 0 {
                    return cell.to_string();
                }
                match NaiveDate::parse_from_str(cell, "%d %b %Y") {
                    Ok(date) => date.format("%d-%b-%y").to_string(),
                    Err(_) if cell.is_empty() => "NA".to_string(),
                    Err(_) => cell.to_string(),
                }
            })
            .collect();
        writer.write_record(&cells)?;
    }
    Ok(String::from_utf8(writer.into_inner().map_err(|e| e.into_error())?)?)
}

/// Skills.csv as someone edited it by hand: the header gone, `;` after each skill.
fn hand_edited_skills(text: &str) -> Result<String> {
    Ok(text.lines().skip(1).filter(|l| !l.is_empty()).map(|skill| format!("{skill};\n")).collect())
}
