//! Streaming text decoding: UTF-8 (BOM stripped), falling back to Windows-1252 where a file is not valid UTF-8.
//!
//! Decoding is incremental and single-pass: bytes are passed through as UTF-8
//! until the first invalid sequence; from there on the rest of the file is
//! decoded as Windows-1252. A file that is all Windows-1252 decodes exactly as
//! a whole-file Windows-1252 decode would (its bytes before the first invalid
//! sequence are ASCII, which the two encodings share), and a file with valid
//! UTF-8 before a stray legacy byte keeps its UTF-8 part intact. The line of
//! the switch is recorded for the import report. A UTF-16 byte-order mark is
//! honoured too. The output is always valid UTF-8.

use crate::csvstream::count_line_breaks;
use encoding_rs::{Decoder, Encoding, WINDOWS_1252};
use std::io::{self, BufRead, Read};

/// Bytes read from the source at a time.
const CHUNK: usize = 64 * 1024;

/// What the decoder is doing.
enum Mode {
    /// Nothing read yet: a BOM may follow.
    Start,
    /// Passing valid UTF-8 through.
    Utf8,
    /// Decoding with `encoding_rs` (after a fallback or a UTF-16 BOM).
    Legacy(Decoder),
    /// The source is exhausted and every decoder flushed.
    Done,
}

/// A `BufRead` that yields UTF-8 whatever the source encoding.
pub(crate) struct DecodingReader<R> {
    inner: R,
    mode: Mode,
    /// Undecoded bytes carried over (an incomplete UTF-8 sequence, or the BOM window).
    pending: Vec<u8>,
    /// Decoded bytes not yet handed out.
    out: Vec<u8>,
    out_pos: usize,
    source_done: bool,
    /// Newlines handed to `out` so far, to place the fallback on a line.
    lines_before: u64,
    /// Whether the last byte counted into `lines_before` was a `\r`.
    after_cr: bool,
    /// Where the decoder switched to Windows-1252: the 1-based line.
    fallback_line: Option<u64>,
    /// The encoding a BOM announced, if any.
    bom: Option<&'static str>,
}

impl<R: Read> DecodingReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        DecodingReader {
            inner,
            mode: Mode::Start,
            pending: Vec::new(),
            out: Vec::with_capacity(CHUNK),
            out_pos: 0,
            source_done: false,
            lines_before: 0,
            after_cr: false,
            fallback_line: None,
            bom: None,
        }
    }

    /// The line (1-based) from which the file was decoded as Windows-1252, if it was.
    pub(crate) fn fallback_line(&self) -> Option<u64> {
        self.fallback_line
    }

    /// A short description of how the file was decoded.
    pub(crate) fn encoding_label(&self) -> String {
        match (self.bom, self.fallback_line) {
            (_, Some(line)) => format!("windows-1252 (fallback from line {line})"),
            (Some(bom), None) if bom.ends_with("without BOM") => bom.to_string(),
            (Some(bom), None) => format!("{bom} with BOM"),
            (None, None) => "utf-8".to_string(),
        }
    }

    /// Reads the next chunk of the source into `pending`; returns false at its end.
    fn read_source(&mut self) -> io::Result<bool> {
        if self.source_done {
            return Ok(false);
        }
        let start = self.pending.len();
        self.pending.resize(start + CHUNK, 0);
        let read = loop {
            match self.inner.read(&mut self.pending[start..]) {
                Ok(read) => break read,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    self.pending.truncate(start);
                    return Err(err);
                }
            }
        };
        self.pending.truncate(start + read);
        if read == 0 {
            self.source_done = true;
        }
        Ok(read > 0)
    }

    /// Fills `out` with the next decoded bytes; leaves it empty only at the end.
    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.out_pos = 0;
        while self.out.is_empty() {
            if matches!(self.mode, Mode::Done) {
                return Ok(());
            }
            let more = self.read_source()?;
            if !more && self.pending.is_empty() && !matches!(self.mode, Mode::Legacy(_)) {
                self.mode = Mode::Done;
                return Ok(());
            }
            if matches!(self.mode, Mode::Start) {
                if self.pending.len() < 3 && more {
                    continue;
                }
                self.detect_bom();
            }
            let finished = self.source_done;
            match &mut self.mode {
                Mode::Start | Mode::Done => {}
                Mode::Utf8 => self.decode_utf8(finished),
                Mode::Legacy(decoder) => {
                    decode_legacy(decoder, &self.pending, &mut self.out, finished);
                    self.pending.clear();
                    if finished {
                        // A decoder must not be fed again after its last call.
                        self.mode = Mode::Done;
                    }
                }
            }
        }
        self.lines_before += count_line_breaks(&self.out, &mut self.after_cr);
        Ok(())
    }

    fn detect_bom(&mut self) {
        match Encoding::for_bom(&self.pending) {
            Some((encoding, bom_len)) => {
                self.pending.drain(..bom_len);
                if encoding == encoding_rs::UTF_8 {
                    self.bom = Some("utf-8");
                    self.mode = Mode::Utf8;
                } else {
                    self.bom = Some(encoding.name());
                    self.mode = Mode::Legacy(encoding.new_decoder_without_bom_handling());
                }
            }
            None => match utf16_without_bom(&self.pending) {
                Some(encoding) => {
                    self.bom = Some(if encoding == encoding_rs::UTF_16LE {
                        "UTF-16LE without BOM"
                    } else {
                        "UTF-16BE without BOM"
                    });
                    self.mode = Mode::Legacy(encoding.new_decoder_without_bom_handling());
                }
                None => self.mode = Mode::Utf8,
            },
        }
    }

    fn decode_utf8(&mut self, finished: bool) {
        match std::str::from_utf8(&self.pending) {
            Ok(_) => {
                self.out.extend_from_slice(&self.pending);
                self.pending.clear();
            }
            Err(err) => {
                let valid = err.valid_up_to();
                self.out.extend_from_slice(&self.pending[..valid]);
                if err.error_len().is_none() && !finished {
                    // An incomplete sequence at the end of the chunk: wait for the rest.
                    self.pending.drain(..valid);
                    return;
                }
                // `refill` counts this chunk again once it is out: count on a copy of the state.
                let mut after_cr = self.after_cr;
                let newlines = count_line_breaks(&self.out, &mut after_cr);
                self.fallback_line = Some(self.lines_before + newlines + 1);
                let mut decoder = WINDOWS_1252.new_decoder_without_bom_handling();
                decode_legacy(&mut decoder, &self.pending[valid..], &mut self.out, finished);
                self.pending.clear();
                self.mode = if finished { Mode::Done } else { Mode::Legacy(decoder) };
            }
        }
    }
}

/// UTF-16 written without a byte-order mark, told by its NUL halves: text
/// of the export starts with ASCII (a header), which UTF-16LE writes as the
/// byte then a NUL, UTF-16BE as a NUL then the byte. UTF-8 text never holds NULs.
fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    let pairs: Vec<&[u8]> = head.chunks_exact(2).take(8).collect();
    if pairs.len() < 2 {
        return None;
    }
    if pairs.iter().all(|p| p[0] != 0 && p[1] == 0) {
        Some(encoding_rs::UTF_16LE)
    } else if pairs.iter().all(|p| p[0] == 0 && p[1] != 0) {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Decodes `input` with `decoder`, appending UTF-8 to `out`.
fn decode_legacy(decoder: &mut Decoder, input: &[u8], out: &mut Vec<u8>, last: bool) {
    let mut input = input;
    loop {
        let room = decoder.max_utf8_buffer_length(input.len()).unwrap_or(input.len() * 3 + 16).max(16);
        let start = out.len();
        out.resize(start + room, 0);
        let (result, read, written, _had_errors) = decoder.decode_to_utf8(input, &mut out[start..], last);
        out.truncate(start + written);
        input = &input[read..];
        if matches!(result, encoding_rs::CoderResult::InputEmpty) {
            return;
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for DecodingReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.out_pos >= self.out.len() {
            self.refill()?;
        }
        Ok(&self.out[self.out_pos..])
    }

    fn consume(&mut self, amount: usize) {
        self.out_pos = (self.out_pos + amount).min(self.out.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte per call, to split sequences across chunks.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() || buf.is_empty() {
                return Ok(0);
            }
            buf[0] = self.0[0];
            self.0 = &self.0[1..];
            Ok(1)
        }
    }

    fn decode(bytes: &[u8]) -> (String, DecodingReader<&[u8]>) {
        let mut reader = DecodingReader::new(bytes);
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        (text, reader)
    }

    #[test]
    fn utf8_passes_through_and_bom_is_stripped() {
        let (text, reader) = decode("\u{feff}Name\nJosé\n".as_bytes());
        assert_eq!(text, "Name\nJosé\n");
        assert_eq!(reader.fallback_line(), None);
        assert_eq!(reader.encoding_label(), "utf-8 with BOM");
        let (text, reader) = decode(b"plain");
        assert_eq!(text, "plain");
        assert_eq!(reader.encoding_label(), "utf-8");
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252_from_that_line() {
        let (text, reader) = decode(b"First Name\nJos\xe9\nM\x9aller \x80\n");
        assert_eq!(text, "First Name\nJosé\nMšller €\n");
        assert_eq!(reader.fallback_line(), Some(2));
    }

    #[test]
    fn fallback_line_counts_cr_line_ends() {
        let (_, reader) = decode(b"First Name\rAda\r\nJos\xe9\r");
        assert_eq!(reader.fallback_line(), Some(3));
        let mut reader = DecodingReader::new(Trickle(b"a\rb\r\nc\rd\xe9\n"));
        let mut out = String::new();
        reader.read_to_string(&mut out).unwrap();
        assert_eq!(reader.fallback_line(), Some(4));
    }

    #[test]
    fn multibyte_sequences_split_across_reads_survive() {
        let text = "naïve — café\n";
        let mut reader = DecodingReader::new(Trickle(text.as_bytes()));
        let mut out = String::new();
        reader.read_to_string(&mut out).unwrap();
        assert_eq!(out, text);
        assert_eq!(reader.fallback_line(), None);
    }

    #[test]
    fn truncated_sequence_at_the_end_falls_back() {
        let (text, reader) = decode(b"abc\xc3");
        assert_eq!(text, "abcÃ");
        assert_eq!(reader.fallback_line(), Some(1));
    }

    #[test]
    fn utf16_bom_is_honoured() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "Hi é".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let (text, reader) = decode(&bytes);
        assert_eq!(text, "Hi é");
        assert_eq!(reader.encoding_label(), "UTF-16LE with BOM");
    }

    #[test]
    fn utf16_without_bom_is_told_by_its_nul_halves() {
        let mut bytes = Vec::new();
        for unit in "Date,Link\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let (text, reader) = decode(&bytes);
        assert_eq!(text, "Date,Link\n");
        assert_eq!(reader.encoding_label(), "UTF-16LE without BOM");
        let big: Vec<u8> = "Date\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&big).0, "Date\n");
    }

    #[test]
    fn empty_and_tiny_inputs() {
        assert_eq!(decode(b"").0, "");
        assert_eq!(decode(b"a").0, "a");
        assert_eq!(decode(b"\xef\xbb\xbf").0, "");
    }
}
