//! The zip being written and the CSV files inside it, streamed row by row.
//!
//! Every entry gets the same fixed timestamp and Unix attributes so the bytes depend only on the
//! options. CSV rows go through a small buffer straight into the zip's compressor; no file is ever
//! held whole in memory.

use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDateTime, Timelike};
use std::io::{Seek, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// How a CSV file's bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// Plain UTF-8, as nearly every file in the real archive.
    Utf8,
    /// UTF-8 that starts with a byte-order mark.
    Utf8Bom,
    /// Windows-1252 (not valid UTF-8 as soon as a name has an accent).
    Windows1252,
    /// UTF-16LE with a byte-order mark, tab-separated, every field quoted:
    /// how the 2018 "Complete" export wrote Shares, Search Queries and Logins.
    Utf16TabQuoted,
}

/// How quotes inside a quoted field are escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quoting {
    /// RFC 4180: `"` becomes `""`.
    Rfc4180,
    /// `"` becomes `\"`, as in the real Comments.csv (an RFC 4180 reader splits such rows).
    Backslash,
}

/// What one written entry holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileReport {
    /// The entry's path inside the zip (with the top-level folder, if any).
    pub(crate) name: String,
    /// Data rows (CSV rows after the header; 1 for other files).
    pub(crate) rows: u64,
}

/// The archive under construction.
pub(crate) struct Archive<W: Write + Seek> {
    zip: ZipWriter<W>,
    prefix: String,
    options: SimpleFileOptions,
    reports: Vec<FileReport>,
}

/// Bytes collected before they are handed to the compressor.
const FLUSH_AT: usize = 64 * 1024;

impl<W: Write + Seek> Archive<W> {
    /// Starts an archive whose entries all sit under `prefix` (empty, or a folder ending in `/`)
    /// and carry the timestamp `stamp`.
    pub(crate) fn new(out: W, prefix: &str, stamp: NaiveDateTime) -> Result<Archive<W>> {
        let zip_time = zip::DateTime::from_date_and_time(
            u16::try_from(stamp.year()).context("export year out of range")?,
            stamp.month() as u8,
            stamp.day() as u8,
            stamp.hour() as u8,
            stamp.minute() as u8,
            stamp.second() as u8,
        )
        .map_err(|_| anyhow::anyhow!("the export date {stamp} cannot be stored in a zip (1980–2107 only)"))?;
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(9))
            .last_modified_time(zip_time)
            .system(zip::System::Unix)
            .unix_permissions(0o644);
        let mut zip = ZipWriter::new(out);
        if !prefix.is_empty() {
            zip.add_directory(prefix, options.unix_permissions(0o755))
                .with_context(|| format!("could not add folder {prefix}"))?;
        }
        Ok(Archive { zip, prefix: prefix.to_string(), options, reports: Vec::new() })
    }

    fn start(&mut self, name: &str) -> Result<String> {
        let full = format!("{}{name}", self.prefix);
        self.zip
            .start_file(full.as_str(), self.options)
            .with_context(|| format!("could not start {full}"))?;
        Ok(full)
    }

    /// Starts a CSV entry.
    pub(crate) fn csv(&mut self, name: &str, encoding: Encoding, quoting: Quoting) -> Result<CsvSink<'_, W>> {
        let full = self.start(name)?;
        let mut buffer = Vec::with_capacity(FLUSH_AT + 4096);
        match encoding {
            Encoding::Utf8Bom => buffer.extend_from_slice(b"\xEF\xBB\xBF"),
            Encoding::Utf16TabQuoted => buffer.extend_from_slice(&[0xFF, 0xFE]),
            Encoding::Utf8 | Encoding::Windows1252 => {}
        }
        Ok(CsvSink { archive: self, name: full, encoding, quoting, buffer, line: String::new(), rows: 0 })
    }

    /// Writes a whole non-CSV entry (the article HTML files).
    pub(crate) fn text(&mut self, name: &str, body: &str) -> Result<()> {
        let full = self.start(name)?;
        self.zip.write_all(body.as_bytes()).with_context(|| format!("could not write {full}"))?;
        self.reports.push(FileReport { name: full, rows: 1 });
        Ok(())
    }

    /// Closes the zip and returns the writer and what each entry holds.
    pub(crate) fn finish(self) -> Result<(W, Vec<FileReport>)> {
        let out = self.zip.finish().context("could not finish the zip")?;
        Ok((out, self.reports))
    }
}

/// One CSV entry being written.
pub(crate) struct CsvSink<'a, W: Write + Seek> {
    archive: &'a mut Archive<W>,
    name: String,
    encoding: Encoding,
    quoting: Quoting,
    buffer: Vec<u8>,
    line: String,
    rows: u64,
}

impl<W: Write + Seek> CsvSink<'_, W> {
    /// Writes a line as it is (a preamble line, or an empty line), without counting it as a row.
    pub(crate) fn raw_line(&mut self, text: &str) -> Result<()> {
        self.line.clear();
        self.line.push_str(text);
        self.emit()
    }

    /// Writes the header; with `quote_all` every name is wrapped in quotes (as messages.csv in 2026).
    pub(crate) fn header(&mut self, names: &[&str], quote_all: bool) -> Result<()> {
        self.line.clear();
        let tabbed = self.encoding == Encoding::Utf16TabQuoted;
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                self.line.push(if tabbed { '\t' } else { ',' });
            }
            if quote_all || tabbed {
                self.line.push('"');
                self.line.push_str(name);
                self.line.push('"');
            } else {
                push_field(&mut self.line, name, self.quoting);
            }
        }
        self.emit()
    }

    /// Writes one data row.
    pub(crate) fn row(&mut self, fields: &[&str]) -> Result<()> {
        self.line.clear();
        let tabbed = self.encoding == Encoding::Utf16TabQuoted;
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.line.push(if tabbed { '\t' } else { ',' });
            }
            if tabbed {
                self.line.push('"');
                self.line.push_str(&field.replace('"', "\"\""));
                self.line.push('"');
            } else {
                push_field(&mut self.line, field, self.quoting);
            }
        }
        self.rows += 1;
        self.emit()
    }

    fn emit(&mut self) -> Result<()> {
        if self.encoding == Encoding::Utf16TabQuoted {
            self.line.push('\r');
        }
        self.line.push('\n');
        match self.encoding {
            Encoding::Utf16TabQuoted => {
                self.buffer.extend(self.line.encode_utf16().flat_map(u16::to_le_bytes));
            }
            Encoding::Utf8 | Encoding::Utf8Bom => self.buffer.extend_from_slice(self.line.as_bytes()),
            Encoding::Windows1252 => {
                let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&self.line);
                if unmappable {
                    bail!("{}: {:?} cannot be written in Windows-1252", self.name, self.line.trim_end());
                }
                self.buffer.extend_from_slice(&bytes);
            }
        }
        if self.buffer.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        self.archive.zip.write_all(&self.buffer).with_context(|| format!("could not write {}", self.name))?;
        self.buffer.clear();
        Ok(())
    }

    /// Flushes the last rows and records the entry.
    pub(crate) fn finish(mut self) -> Result<()> {
        self.flush()?;
        let report = FileReport { name: std::mem::take(&mut self.name), rows: self.rows };
        self.archive.reports.push(report);
        Ok(())
    }
}

/// Appends `field` to `line`, quoting it only when it holds a comma, a quote or a line break.
pub(crate) fn push_field(line: &mut String, field: &str, quoting: Quoting) {
    if !field.contains([',', '"', '\n', '\r']) {
        line.push_str(field);
        return;
    }
    line.push('"');
    for c in field.chars() {
        if c == '"' {
            line.push_str(match quoting {
                Quoting::Rfc4180 => "\"\"",
                Quoting::Backslash => "\\\"",
            });
        } else {
            line.push(c);
        }
    }
    line.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let mut line = String::new();
        push_field(&mut line, "plain", Quoting::Rfc4180);
        line.push('|');
        push_field(&mut line, "a, \"b\"", Quoting::Rfc4180);
        line.push('|');
        push_field(&mut line, "say \"hi\"", Quoting::Backslash);
        line.push('|');
        push_field(&mut line, "two\nlines", Quoting::Rfc4180);
        assert_eq!(line, "plain|\"a, \"\"b\"\"\"|\"say \\\"hi\\\"\"|\"two\nlines\"");
    }
}
