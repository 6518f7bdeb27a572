//! A recognised CSV file read as a table: header found by name (after any `Notes:` preamble), rows streamed one by one.

use crate::catalog::{Column, FileKind, normalise_header};
use crate::csvstream::{CsvStream, Record, field};
use crate::decode::DecodingReader;
use crate::error::{ImportError, SkipReason, entry_error};
use crate::limits::Limits;
use std::io::{BufRead, Read};

/// Records looked at for the header: a `Notes:` line, its quoted paragraph
/// and blank lines come before it in Connections and Member_Follows.
const HEADER_SEARCH_RECORDS: usize = 32;

/// The field separator of a file, from the first line of its first decoded
/// chunk that holds a comma or a tab (a `Notes:` line holds neither): a tab
/// there means tab-separated (2018 "Complete" exports wrote some files as
/// UTF-16 with tabs), anything else comma-separated. Commas inside quotes do
/// not count, so a quoted header cell with a comma cannot mislead it.
pub(crate) fn sniff_separator(head: &[u8]) -> u8 {
    for line in head.split(|b| *b == b'\n') {
        let (mut commas, mut tabs, mut quoted) = (0usize, 0usize, false);
        for byte in line {
            match byte {
                b'"' => quoted = !quoted,
                b',' if !quoted => commas += 1,
                b'\t' if !quoted => tabs += 1,
                _ => {}
            }
        }
        if commas + tabs > 0 {
            return if tabs > commas { b'\t' } else { b',' };
        }
    }
    b','
}

/// Whether a cell means "no value" as a spreadsheet writes it (`NA`, `N/A`,
/// `#N/A`): LinkedIn itself leaves such cells empty.
fn spreadsheet_blank(cell: &str) -> bool {
    matches!(cell.trim(), "NA" | "N/A" | "#N/A")
}

/// A CSV file of the export, positioned after its header.
pub(crate) struct Table<'a> {
    stream: CsvStream<DecodingReader<Box<dyn Read + 'a>>>,
    file: String,
    columns: &'static [Column],
    /// The header cells as written (trimmed), to name fields in reports.
    header: Vec<String>,
    /// For each of `columns`, its position in the header.
    positions: Vec<Option<usize>>,
    max_field_bytes: usize,
}

/// A row, or why it cannot be used.
pub(crate) enum RowRead<'t> {
    Row(Row<'t>),
    Bad { line: u64, field: Option<String>, reason: SkipReason },
}

/// One data row.
pub(crate) struct Row<'t> {
    /// The line it starts on.
    pub(crate) line: u64,
    cells: Vec<&'t str>,
    columns: &'static [Column],
    positions: &'t [Option<usize>],
}

impl<'t> Row<'t> {
    /// The trimmed value of the column LinkedIn calls `name` ("" when the
    /// file lacks that column or the row is short).
    pub(crate) fn get(&self, name: &str) -> &'t str {
        let index = self.columns.iter().position(|c| c.name == name);
        debug_assert!(index.is_some(), "column {name} is not declared");
        index
            .and_then(|i| self.positions.get(i).copied().flatten())
            .and_then(|p| self.cells.get(p).copied())
            .map(str::trim)
            .filter(|cell| !spreadsheet_blank(cell))
            .unwrap_or("")
    }

    /// Every cell of the row, in file order.
    pub(crate) fn cells(&self) -> &[&'t str] {
        &self.cells
    }
}

impl<'a> Table<'a> {
    /// Reads the header of `file` (a `kind` file) from `reader`. A header
    /// lacking a required column is an error naming it; an empty file is a
    /// table without rows.
    pub(crate) fn open(
        reader: Box<dyn Read + 'a>,
        file: &str,
        kind: FileKind,
        limits: &Limits,
    ) -> Result<Table<'a>, ImportError> {
        let columns = kind.columns();
        let mut decoder = DecodingReader::new(reader);
        let separator = sniff_separator(decoder.fill_buf().map_err(|e| entry_error(file, e))?);
        let mut stream = CsvStream::new(
            decoder,
            separator,
            kind.backslash_escapes(),
            limits.max_record_bytes,
            limits.max_fields,
        );
        let mut first_missing: Option<(u64, &'static str)> = None;
        let mut header: Option<(Vec<String>, Vec<Option<usize>>)> = None;
        for _ in 0..HEADER_SEARCH_RECORDS {
            let Some(record) = stream.next_record().map_err(|e| entry_error(file, e))? else { break };
            let (line, data, ends) = match record {
                Record::Fields { line, data, ends } => (line, data, ends),
                Record::Dropped { line, .. } => {
                    // A header too long or too wide to read is where the
                    // columns are missing, not the row after it.
                    if let Some(column) = columns.iter().find(|c| c.required) {
                        first_missing.get_or_insert((line, column.name));
                    }
                    continue;
                }
            };
            let cells: Vec<String> = (0..ends.len())
                .map(|i| String::from_utf8_lossy(field(data, ends, i).unwrap_or_default()).trim().to_string())
                .collect();
            let normalised: Vec<String> = cells.iter().map(|c| normalise_header(c)).collect();
            let positions: Vec<Option<usize>> = columns
                .iter()
                .map(|column| normalised.iter().position(|cell| column.aliases.contains(&cell.as_str())))
                .collect();
            let missing = columns.iter().zip(&positions).find(|(c, p)| c.required && p.is_none());
            match missing {
                None => {
                    header = Some((cells, positions));
                    break;
                }
                Some((column, _)) => {
                    first_missing.get_or_insert((line, column.name));
                }
            }
        }
        let (header, positions) = match (header, first_missing) {
            (Some(found), _) => found,
            (None, Some((line, column))) => {
                return Err(ImportError::MissingColumn { file: file.to_string(), line, column });
            }
            // No record at all: an empty file.
            (None, None) => (Vec::new(), vec![None; columns.len()]),
        };
        Ok(Table {
            stream,
            file: file.to_string(),
            columns,
            header,
            positions,
            max_field_bytes: limits.max_field_bytes,
        })
    }

    /// How the file was decoded, and the line of a Windows-1252 fallback if there was one.
    pub(crate) fn encoding(&self) -> (String, Option<u64>) {
        let decoder = self.stream.get_ref();
        (decoder.encoding_label(), decoder.fallback_line())
    }

    /// Whether the file had a header (it was not empty).
    pub(crate) fn has_header(&self) -> bool {
        !self.header.is_empty()
    }

    /// The next data row, `None` at the end of the file.
    pub(crate) fn next_row(&mut self) -> Result<Option<RowRead<'_>>, ImportError> {
        let record = self.stream.next_record().map_err(|e| entry_error(&self.file, e))?;
        let (line, data, ends) = match record {
            None => return Ok(None),
            Some(Record::Dropped { line, reason }) => {
                return Ok(Some(RowRead::Bad { line, field: None, reason }));
            }
            Some(Record::Fields { line, data, ends }) => (line, data, ends),
        };
        let mut cells = Vec::with_capacity(ends.len());
        for index in 0..ends.len() {
            let bytes = field(data, ends, index).unwrap_or_default();
            let field_name =
                || Some(self.header.get(index).cloned().unwrap_or_else(|| format!("column {}", index + 1)));
            if bytes.len() > self.max_field_bytes {
                let reason = SkipReason::FieldTooLong { limit: self.max_field_bytes };
                return Ok(Some(RowRead::Bad { line, field: field_name(), reason }));
            }
            match std::str::from_utf8(bytes) {
                Ok(text) if !text.contains('\0') => cells.push(text),
                _ => {
                    return Ok(Some(RowRead::Bad {
                        line,
                        field: field_name(),
                        reason: SkipReason::BinaryData,
                    }));
                }
            }
        }
        Ok(Some(RowRead::Row(Row { line, cells, columns: self.columns, positions: &self.positions })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &'static str, kind: FileKind) -> Result<Table<'static>, ImportError> {
        Table::open(Box::new(text.as_bytes()), "test.csv", kind, &Limits::default())
    }

    #[test]
    fn notes_preamble_is_skipped() {
        let text = "Notes:\n\"When exporting your connection data, you may notice that some of the email addresses are missing.\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\nAda,Lovelace,https://www.linkedin.com/in/ada,,Analytical,Engineer,17 Nov 2021\n";
        let mut t = table(text, FileKind::Connections).unwrap();
        let RowRead::Row(row) = t.next_row().unwrap().unwrap() else { panic!("row expected") };
        assert_eq!(row.line, 5);
        assert_eq!(row.get("Position"), "Engineer");
        assert_eq!(row.get("Connected On"), "17 Nov 2021");
        assert!(t.next_row().unwrap().is_none());
    }

    #[test]
    fn missing_required_column_names_file_line_and_column() {
        let err = table("First Name,Last Name,Company\nA,B,C\n", FileKind::Connections).err().unwrap();
        match err {
            ImportError::MissingColumn { file, line, column } => {
                assert_eq!((file.as_str(), line, column), ("test.csv", 1, "Connected On"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn header_with_too_many_fields_is_reported_on_its_own_line() {
        let wide = format!("{}\n2021-11-04 10:00:00,LIKE,https://x/1\n", vec!["Date"; 2000].join(","));
        let err =
            Table::open(Box::new(wide.as_bytes()), "Reactions.csv", FileKind::Reactions, &Limits::default())
                .err()
                .unwrap();
        assert!(
            matches!(err, ImportError::MissingColumn { line: 1, column: "Date", .. }),
            "the header line is at fault, not the row after it: {err:?}"
        );
    }

    #[test]
    fn quoted_headers_and_extra_columns_are_fine() {
        let text = "\"CONVERSATION ID\",\"FROM\",\"DATE\",\"ATTACHMENTS\",\"NEW\"\nc1,Ada,2026-01-02 10:00:00 UTC,,x\n";
        let mut t = table(text, FileKind::Messages).unwrap();
        let RowRead::Row(row) = t.next_row().unwrap().unwrap() else { panic!("row expected") };
        assert_eq!(row.get("CONVERSATION ID"), "c1");
        assert_eq!(row.get("RECIPIENT PROFILE URLS"), "");
    }

    #[test]
    fn separator_is_sniffed_from_the_first_line_with_one() {
        assert_eq!(sniff_separator(b"\"Date\"\t\"ShareLink\"\n\"x, y\"\t\"z\"\n"), b'\t');
        assert_eq!(sniff_separator(b"Notes:\n\"When exporting, you may\"\n\nFirst Name,Last Name\n"), b',');
        assert_eq!(sniff_separator(b"\"a,b\"\tc\n"), b'\t');
        assert_eq!(sniff_separator(b"Name\n"), b',');
        let text = "\"Date\"\t\"Link\"\n\"2018-01-02 10:00:00\"\t\"https://x, y\"\n";
        let mut t = table(text, FileKind::InstantReposts).unwrap();
        let RowRead::Row(row) = t.next_row().unwrap().unwrap() else { panic!("row expected") };
        assert_eq!((row.get("Date"), row.get("Link")), ("2018-01-02 10:00:00", "https://x, y"));
    }

    #[test]
    fn spreadsheet_blanks_read_as_empty() {
        let text = "Date,Link\n2021-01-01 00:00:00,NA\n";
        let mut t = table(text, FileKind::InstantReposts).unwrap();
        let RowRead::Row(row) = t.next_row().unwrap().unwrap() else { panic!("row expected") };
        assert_eq!(row.get("Link"), "");
    }

    #[test]
    fn empty_file_has_no_rows() {
        let mut t = table("", FileKind::Shares).unwrap();
        assert!(!t.has_header());
        assert!(t.next_row().unwrap().is_none());
    }

    #[test]
    fn nul_bytes_skip_the_row_only() {
        let mut t =
            table("Date,Link\n2021-01-01 00:00:00,a\0b\n2021-01-02 00:00:00,ok\n", FileKind::InstantReposts)
                .unwrap();
        match t.next_row().unwrap().unwrap() {
            RowRead::Bad { line, field, reason } => {
                assert_eq!((line, field.as_deref(), reason), (2, Some("Link"), SkipReason::BinaryData));
            }
            RowRead::Row(_) => panic!("bad row expected"),
        }
        assert!(matches!(t.next_row().unwrap().unwrap(), RowRead::Row(_)));
    }
}
