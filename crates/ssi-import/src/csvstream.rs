//! Bounded-memory CSV records on top of `csv-core`, the csv crate's own parser.
//!
//! The `csv` crate's `Reader` grows its record buffer without limit, so one
//! hostile multi-gigabyte field would sit in memory whole. Here `csv-core`
//! writes into a buffer that starts at 64 KiB and doubles as records need,
//! up to [`crate::Limits::max_record_bytes`]; a longer record is read to its
//! end and dropped, then reported as skipped. Records
//! are numbered by the line they start on. Quoted fields may span lines;
//! `\"` escapes (Comments.csv) are understood when asked for.

use crate::error::SkipReason;
use std::io::{self, BufRead};

/// The record buffer's first size: a whole 8 MiB buffer zeroed for every
/// file opened would cost more than reading a typical file.
const INITIAL_RECORD_BYTES: usize = 64 * 1024;

/// One CSV record or the reason it was dropped.
pub(crate) enum Record<'r> {
    /// The record's fields, valid UTF-8 when the input was.
    Fields {
        /// The line the record starts on (1-based).
        line: u64,
        data: &'r [u8],
        ends: &'r [usize],
    },
    /// A record that broke a limit; its bytes were discarded.
    Dropped {
        /// The line the record starts on.
        line: u64,
        reason: SkipReason,
    },
}

/// Field `index` of a record's `data`/`ends`.
pub(crate) fn field<'r>(data: &'r [u8], ends: &[usize], index: usize) -> Option<&'r [u8]> {
    let end = *ends.get(index)?;
    let start = if index == 0 { 0 } else { *ends.get(index - 1)? };
    data.get(start..end)
}

/// Reads CSV records from a `BufRead` in bounded memory.
pub(crate) struct CsvStream<R> {
    input: R,
    parser: csv_core::Reader,
    output: Vec<u8>,
    /// The size `output` may grow to.
    max_record_bytes: usize,
    ends: Vec<usize>,
    /// The line of the next unread byte (1-based).
    line: u64,
    /// Whether the last byte counted was a `\r` (so a `\n` next ends no new line).
    after_cr: bool,
    finished: bool,
}

/// Counts the line breaks in `bytes`: `\n`, `\r\n` and a lone `\r` (old Mac
/// files, which csv-core reads as line ends too) each end one line.
/// `after_cr` carries a `\r` at the end of one chunk over to the next.
pub(crate) fn count_line_breaks(bytes: &[u8], after_cr: &mut bool) -> u64 {
    let mut breaks = 0;
    for byte in bytes {
        match byte {
            b'\r' => {
                breaks += 1;
                *after_cr = true;
            }
            b'\n' => {
                if !*after_cr {
                    breaks += 1;
                }
                *after_cr = false;
            }
            _ => *after_cr = false,
        }
    }
    breaks
}

impl<R: BufRead> CsvStream<R> {
    /// A reader of `input` with `delimiter`, understanding `\"` escapes when
    /// `backslash_escapes` is set, with records capped at `max_record_bytes`
    /// and `max_fields` fields.
    pub(crate) fn new(
        input: R,
        delimiter: u8,
        backslash_escapes: bool,
        max_record_bytes: usize,
        max_fields: usize,
    ) -> Self {
        let parser = csv_core::ReaderBuilder::new()
            .delimiter(delimiter)
            .escape(backslash_escapes.then_some(b'\\'))
            .double_quote(true)
            .build();
        CsvStream {
            input,
            parser,
            output: vec![0; max_record_bytes.clamp(1, INITIAL_RECORD_BYTES)],
            max_record_bytes: max_record_bytes.max(1),
            ends: vec![0; max_fields.max(1)],
            line: 1,
            after_cr: false,
            finished: false,
        }
    }

    /// The underlying reader.
    pub(crate) fn get_ref(&self) -> &R {
        &self.input
    }

    /// The next record, or `None` at the end of the input.
    pub(crate) fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        if self.finished {
            return Ok(None);
        }
        self.skip_blank_lines()?;
        let start_line = self.line;
        let (mut out_len, mut ends_len) = (0usize, 0usize);
        let mut dropped: Option<SkipReason> = None;
        loop {
            let input = self.input.fill_buf()?;
            let (result, read, written, ended) =
                self.parser.read_record(input, &mut self.output[out_len..], &mut self.ends[ends_len..]);
            self.line += count_line_breaks(&input[..read], &mut self.after_cr);
            self.input.consume(read);
            out_len += written;
            ends_len += ended;
            match result {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull
                    if dropped.is_none() && self.output.len() < self.max_record_bytes =>
                {
                    let grown = self.output.len().saturating_mul(2).min(self.max_record_bytes);
                    self.output.resize(grown, 0);
                }
                csv_core::ReadRecordResult::OutputFull => {
                    // Keep parsing to the record's end, overwriting the buffer.
                    dropped.get_or_insert(SkipReason::RecordTooLong { limit: self.max_record_bytes });
                    out_len = 0;
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    dropped.get_or_insert(SkipReason::TooManyFields { limit: self.ends.len() });
                    ends_len = 0;
                }
                csv_core::ReadRecordResult::Record => break,
                csv_core::ReadRecordResult::End => {
                    self.finished = true;
                    return Ok(None);
                }
            }
        }
        if let Some(reason) = dropped {
            return Ok(Some(Record::Dropped { line: start_line, reason }));
        }
        Ok(Some(Record::Fields {
            line: start_line,
            data: &self.output[..out_len],
            ends: &self.ends[..ends_len],
        }))
    }

    /// Line terminators between records are skipped here (csv-core would
    /// skip them too) so that a record's first line is known exactly.
    fn skip_blank_lines(&mut self) -> io::Result<()> {
        loop {
            let input = self.input.fill_buf()?;
            if input.is_empty() {
                return Ok(());
            }
            let blank = input.iter().take_while(|b| **b == b'\n' || **b == b'\r').count();
            self.line += count_line_breaks(&input[..blank], &mut self.after_cr);
            let whole_buffer = blank == input.len();
            self.input.consume(blank);
            if !whole_buffer {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str, escapes: bool, max_record: usize) -> Vec<(u64, Result<Vec<String>, SkipReason>)> {
        let mut stream = CsvStream::new(text.as_bytes(), b',', escapes, max_record, 16);
        let mut out = Vec::new();
        while let Some(record) = stream.next_record().unwrap() {
            out.push(match record {
                Record::Fields { line, data, ends } => (
                    line,
                    Ok((0..ends.len())
                        .map(|i| String::from_utf8(field(data, ends, i).unwrap().to_vec()).unwrap())
                        .collect()),
                ),
                Record::Dropped { line, reason } => (line, Err(reason)),
            });
        }
        out
    }

    #[test]
    fn quoted_multiline_fields_and_line_numbers() {
        let got = records("a,b\n\n1,\"x\ny\"\r\n2,\"he said \"\"hi\"\"\"\n3,last", false, 1024);
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], (1, Ok(vec!["a".into(), "b".into()])));
        assert_eq!(got[1], (3, Ok(vec!["1".into(), "x\ny".into()])));
        assert_eq!(got[2], (5, Ok(vec!["2".into(), "he said \"hi\"".into()])));
        assert_eq!(got[3], (6, Ok(vec!["3".into(), "last".into()])));
    }

    #[test]
    fn backslash_escapes_keep_the_row_whole() {
        let text = "Date,Link,Message\n2021-01-01 10:00:00,https://x,\"He said \\\"yes\\\", then left\"\n2021-01-02 10:00:00,https://y,ok\n";
        let plain = records(text, false, 1024);
        let escaped = records(text, true, 1024);
        assert_eq!(escaped.len(), 3);
        assert_eq!(escaped[1].1.as_ref().unwrap()[2], "He said \"yes\", then left");
        assert_eq!(escaped[2].1.as_ref().unwrap()[1], "https://y");
        // A plain RFC 4180 reader splits the message at the escaped quote.
        assert_ne!(plain[1].1.as_ref().unwrap().len(), 3);
    }

    #[test]
    fn overlong_records_are_dropped_and_reading_goes_on() {
        let long = "z".repeat(100);
        let text = format!("h1,h2\n1,{long}\n2,ok\n");
        let got = records(&text, false, 32);
        assert_eq!(got.len(), 3);
        assert_eq!(got[1], (2, Err(SkipReason::RecordTooLong { limit: 32 })));
        assert_eq!(got[2], (3, Ok(vec!["2".into(), "ok".into()])));
    }

    #[test]
    fn records_are_numbered_by_line_whatever_the_line_ends() {
        for text in ["h\nx\n\ny\nz\n", "h\r\nx\r\n\r\ny\r\nz\r\n", "h\rx\r\ry\rz\r"] {
            let lines: Vec<u64> = records(text, false, 1024).iter().map(|(line, _)| *line).collect();
            assert_eq!(lines, vec![1, 2, 4, 5], "{text:?}");
        }
        // A \r\n split across two reads is one line end.
        let mut after_cr = false;
        assert_eq!(count_line_breaks(b"a\r", &mut after_cr), 1);
        assert_eq!(count_line_breaks(b"\nb\n", &mut after_cr), 1);
    }

    #[test]
    fn record_buffer_grows_only_as_records_need() {
        let long = "w".repeat(300 * 1024);
        let text = format!("h1,h2\n1,{long}\n2,ok\n");
        let mut stream = CsvStream::new(text.as_bytes(), b',', false, 1 << 20, 16);
        assert_eq!(stream.output.len(), INITIAL_RECORD_BYTES);
        let mut lengths = Vec::new();
        while let Some(record) = stream.next_record().unwrap() {
            match record {
                Record::Fields { data, ends, .. } => lengths.push(field(data, ends, 1).unwrap().len()),
                Record::Dropped { reason, .. } => panic!("dropped: {reason:?}"),
            }
        }
        assert_eq!(lengths, vec![2, long.len(), 2]);
        assert_eq!(stream.output.len(), 512 * 1024, "doubled until the record fitted");
        // Past the limit the record is dropped, the limit named.
        let got = records(&format!("h\n{long}\nok\n"), false, 100 * 1024);
        assert_eq!(got[1], (2, Err(SkipReason::RecordTooLong { limit: 100 * 1024 })));
        assert_eq!(got[2], (3, Ok(vec!["ok".into()])));
    }

    #[test]
    fn too_many_fields_are_dropped() {
        let text = format!("h\n{}\nok\n", vec!["x"; 40].join(","));
        let got = records(&text, false, 1024);
        assert_eq!(got[1], (2, Err(SkipReason::TooManyFields { limit: 16 })));
        assert_eq!(got[2], (3, Ok(vec!["ok".into()])));
    }
}
