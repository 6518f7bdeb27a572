//! Hostile input: every file of `tests/fixtures/hostile/` has a test asserting its exact outcome, and the fuzz corpora replay through the fuzz targets' bodies.
//!
//! The corpus is made by [`corpus`], deterministically; the committed files
//! are its output. To change or add a file, edit [`corpus`] and run
//!
//! ```text
//! REGENERATE_HOSTILE=1 cargo test -p ssi-import --test hostile -- --ignored hostile_corpus_matches_its_generator
//! ```
//!
//! then give the new file a test below and a line in the table of
//! `docs/reliability.md` (a test checks that every file has one).

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::{drain, options};
use ssi_core::{ActivityEvent, ActivityKind as K, ReadingError};
use ssi_import::{
    Export, ImportError, ReadingParseError, SkipReason, SkippedRow, open_export, parse_readings_csv,
    parse_sales_api_json,
};
use std::io::Write;
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The fuzz targets' bodies, replayed over the committed fuzz corpora below.
#[allow(unreachable_pub, dead_code)]
#[path = "../../../fuzz/src/lib.rs"]
mod fuzz_targets;

/// The hostile creator analytics workbooks, made and tested in their own file.
#[path = "hostile_workbooks/mod.rs"]
mod workbooks;

// ---------------------------------------------------------------------------
// Where things are
// ---------------------------------------------------------------------------

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn hostile_dir() -> PathBuf {
    workspace_root().join("tests/fixtures/hostile")
}

fn fixture(name: &str) -> PathBuf {
    let path = hostile_dir().join(name);
    assert!(path.is_file(), "missing fixture {} (regenerate the corpus)", path.display());
    path
}

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

/// A small deterministic generator (xorshift64), so the corpus is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `len` bytes of text that deflate about 100–200 times: runs of one letter
/// broken by a random letter every few hundred bytes. Bombs need far more
/// (a ratio above 250 is refused up front), so these pass the container checks
/// and reach the CSV layer, while the file on disk stays small.
fn squeezable_text(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        let run = 500 + rng.below(600) as usize;
        let letter = b'a' + rng.below(26) as u8;
        out.extend(std::iter::repeat_n(letter, run.min(len - out.len())));
        if out.len() < len {
            out.push(b'A' + rng.below(26) as u8);
        }
    }
    out
}

/// The same idea for a row of `fields` short fields (`a,b,…`).
fn squeezable_fields(fields: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity(fields * 2);
    let mut letter = b'a';
    for index in 0..fields {
        if index > 0 {
            out.push(b',');
        }
        if rng.below(400) == 0 {
            letter = b'a' + rng.below(26) as u8;
        }
        out.push(letter);
    }
    out
}

/// A ZIP written with the zip crate: deflated entries, every date 1980-01-01
/// (so the bytes never change).
fn deflated_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, content) in entries {
        if let Some(dir) = name.strip_suffix('/') {
            writer.add_directory(dir, options).unwrap();
        } else {
            writer.start_file(*name, options).unwrap();
            writer.write_all(content).unwrap();
        }
    }
    writer.finish().unwrap().into_inner()
}

/// CRC-32 (IEEE), bit by bit: only the generator needs it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// One stored entry of a hand-made ZIP.
struct RawEntry {
    name: Vec<u8>,
    data: Vec<u8>,
    /// Unix mode (file type and permissions) in the external attributes.
    mode: u32,
    /// General-purpose flags (bit 0: encrypted).
    flags: u16,
    method: u16,
    /// Write no local header and data: point at this entry's instead.
    shares_data_of: Option<usize>,
    /// The CRC written in the headers, if not the right one.
    crc: Option<u32>,
}

impl RawEntry {
    fn file(name: &str, data: impl AsRef<[u8]>) -> Self {
        RawEntry {
            name: name.as_bytes().to_vec(),
            data: data.as_ref().to_vec(),
            mode: 0o100_644,
            flags: 0,
            method: 0,
            shares_data_of: None,
            crc: None,
        }
    }
}

/// A ZIP built byte by byte, for what the zip crate's writer will not make:
/// symbolic links and directories by mode, shared local headers, entries by
/// the thousand, duplicate names, wrong checksums, odd flags and methods.
fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::with_capacity(entries.len());
    for entry in entries {
        if let Some(other) = entry.shares_data_of {
            offsets.push(offsets[other]);
            continue;
        }
        offsets.push(u32::try_from(out.len()).unwrap());
        let crc = entry.crc.unwrap_or_else(|| crc32(&entry.data));
        let size = u32::try_from(entry.data.len()).unwrap();
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&entry.flags.to_le_bytes());
        out.extend_from_slice(&entry.method.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // time
        out.extend_from_slice(&0x21u16.to_le_bytes()); // date: 1980-01-01
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&u16::try_from(entry.name.len()).unwrap().to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&entry.name);
        out.extend_from_slice(&entry.data);
    }
    let directory_start = u32::try_from(out.len()).unwrap();
    for (entry, offset) in entries.iter().zip(&offsets) {
        let source = entry.shares_data_of.map_or(entry, |other| &entries[other]);
        let crc = source.crc.unwrap_or_else(|| crc32(&source.data));
        let size = u32::try_from(source.data.len()).unwrap();
        out.extend_from_slice(b"PK\x01\x02");
        out.extend_from_slice(&(3u16 << 8 | 20).to_le_bytes()); // made by Unix
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&source.flags.to_le_bytes());
        out.extend_from_slice(&source.method.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&0x21u16.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&u16::try_from(entry.name.len()).unwrap().to_le_bytes());
        out.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
        out.extend_from_slice(&(entry.mode << 16).to_le_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&entry.name);
    }
    let directory_size = u32::try_from(out.len()).unwrap() - directory_start;
    let count = u16::try_from(entries.len()).unwrap();
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&directory_size.to_le_bytes());
    out.extend_from_slice(&directory_start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

const REACTIONS: &str = "Date,Type,Link\n\
2021-11-04 10:00:00,LIKE,https://www.linkedin.com/feed/update/urn:li:activity:4\n\
2021-11-04 11:00:00,EMPATHY,https://www.linkedin.com/feed/update/urn:li:activity:5\n";

const SHARES: &str = "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n\
2021-10-27 19:36:45,https://www.linkedin.com/feed/update/urn:li:share:1,Engines are coming,,,MEMBER_NETWORK\n\
2021-10-28 08:00:00,https://www.linkedin.com/feed/update/urn:li:share:2,,https://news.example/x,,MEMBER_NETWORK\n";

const PROFILE: &str = "First Name,Last Name,Headline\nAda,Lovelace,Head of Engines\n";

/// `Shares.csv` of `rows` rows (each a post).
fn shares(rows: usize) -> String {
    let mut text = String::from("Date,ShareLink,ShareCommentary\n");
    for i in 0..rows {
        text.push_str(&format!(
            "2021-10-27 19:36:{:02},https://x/{i},Post number {i} about engines\n",
            i % 60
        ));
    }
    text
}

/// A valid salesApiSsi answer with `overall` replaced by `total`.
fn reading_json(total: &str) -> String {
    format!(
        r#"{{"memberScore":{{"overall":{total},"subScores":[{{"pillar":"PROFESSIONAL_BRAND","score":10}},{{"pillar":"FIND_RIGHT_PEOPLE","score":5}},{{"pillar":"INSIGHT_ENGAGEMENT","score":3}},{{"pillar":"STRONG_RELATIONSHIP","score":2}}]}}}}"#
    )
}

/// Every file of the hostile corpus, by name.
fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let mut files: Vec<(&'static str, Vec<u8>)> = workbooks::corpus();

    // --- Containers: bombs, paths, links, broken archives --------------------
    // A valid file followed by 32 MiB of blank lines: deflates about 1000 times.
    let mut blank_lines = REACTIONS.as_bytes().to_vec();
    blank_lines.resize(32 << 20, b'\n');
    files.push(("zip_bomb_ratio.zip", deflated_zip(&[("Reactions.csv", &blank_lines)])));

    // 20 001 entries (one more than the limit) whose directory records all
    // point at one local header: 1 MB on disk, refused before any is opened.
    let mut many = vec![RawEntry::file("Reactions.csv", REACTIONS)];
    for index in 1..=20_000u32 {
        let mut entry = RawEntry::file(&format!("{index:x}"), REACTIONS);
        entry.shares_data_of = Some(0);
        many.push(entry);
    }
    files.push(("zip_bomb_entries.zip", raw_zip(&many)));

    let mut overlapping = vec![RawEntry::file("Reactions.csv", REACTIONS), RawEntry::file("Votes.csv", "")];
    overlapping[1].shares_data_of = Some(0);
    files.push(("zip_bomb_overlapping.zip", raw_zip(&overlapping)));

    // Declares 1000 bytes, inflates to 16 MiB.
    let mut lie = deflated_zip(&[("Reactions.csv", &blank_lines[..16 << 20])]);
    patch_declared_size(&mut lie, 1000);
    files.push(("zip_bomb_size_lie.zip", lie));

    let inner_bomb = deflated_zip(&[("Shares.csv", &vec![b'0'; 16 << 20])]);
    let inner = deflated_zip(&[("Shares.csv", shares(3).as_bytes()), ("deeper.zip", &inner_bomb)]);
    files.push((
        "zip_nested.zip",
        deflated_zip(&[("Reactions.csv", REACTIONS.as_bytes()), ("Old export.zip", &inner)]),
    ));

    files.push(("zip_path_dotdot.zip", raw_zip(&[RawEntry::file("../Shares.csv", shares(1))])));
    files.push((
        "zip_path_dotdot_inner.zip",
        raw_zip(&[RawEntry::file("export/../../Shares.csv", shares(1))]),
    ));
    files.push(("zip_path_absolute.zip", raw_zip(&[RawEntry::file("/tmp/Shares.csv", shares(1))])));
    files.push(("zip_path_drive_letter.zip", raw_zip(&[RawEntry::file("C:\\Users\\Shares.csv", shares(1))])));
    files.push(("zip_path_nul.zip", raw_zip(&[RawEntry::file("Shares.csv\0.txt", shares(1))])));

    let mut link = RawEntry::file("Shares.csv", "/etc/passwd");
    link.mode = 0o120_777;
    files.push(("zip_symlink.zip", raw_zip(&[RawEntry::file("Reactions.csv", REACTIONS), link])));

    let export =
        deflated_zip(&[("Reactions.csv", REACTIONS.as_bytes()), ("Shares.csv", shares(40).as_bytes())]);
    files.push(("zip_truncated_half.zip", export[..export.len() / 2].to_vec()));
    files.push(("zip_truncated_directory.zip", export[..export.len() - 10].to_vec()));

    let mut corrupt = deflated_zip(&[("Shares.csv", shares(200).as_bytes())]);
    let data = 30 + "Shares.csv".len();
    for byte in &mut corrupt[data + 20..data + 60] {
        *byte ^= 0x5a;
    }
    files.push(("zip_corrupt_deflate.zip", corrupt));

    let mut bad_crc = RawEntry::file("Shares.csv", shares(5));
    bad_crc.crc = Some(0xdead_beef);
    files.push(("zip_bad_crc.zip", raw_zip(&[bad_crc])));

    let mut encrypted = RawEntry::file("Shares.csv", shares(3));
    encrypted.flags = 1;
    files.push(("zip_encrypted.zip", raw_zip(&[encrypted])));

    let mut lzma = RawEntry::file("Shares.csv", shares(3));
    lzma.method = 14;
    files.push(("zip_unsupported_method.zip", raw_zip(&[lzma])));

    files.push(("zip_zero_bytes.zip", Vec::new()));
    files.push(("zip_no_entries.zip", raw_zip(&[])));
    files.push(("zip_not_a_zip.zip", b"\x89PNG\r\n\x1a\n this is a picture, not an archive".to_vec()));
    files.push((
        "zip_no_linkedin_files.zip",
        raw_zip(&[RawEntry::file("holiday.jpg", b"\xff\xd8\xff"), RawEntry::file("notes.txt", "hello")]),
    ));

    let mut dir_by_mode = RawEntry::file("Votes.csv", "");
    dir_by_mode.mode = 0o040_755;
    files.push((
        "zip_directory_named_csv.zip",
        raw_zip(&[
            RawEntry::file("Shares.csv/", ""),
            dir_by_mode,
            RawEntry::file("Reactions.csv", REACTIONS),
        ]),
    ));

    files.push((
        "zip_names_differ_by_case.zip",
        raw_zip(&[RawEntry::file("Shares.csv", SHARES), RawEntry::file("shares.CSV", SHARES)]),
    ));
    files.push((
        "zip_duplicate_names.zip",
        raw_zip(&[RawEntry::file("Shares.csv", SHARES), RawEntry::file("Shares.csv", shares(3))]),
    ));

    // --- The CSV layer (each inside an archive) -------------------------------
    files.push((
        "csv_empty.zip",
        deflated_zip(&[("Shares.csv", b""), ("Reactions.csv", REACTIONS.as_bytes())]),
    ));
    files.push((
        "csv_bom_only.zip",
        deflated_zip(&[("Shares.csv", b"\xef\xbb\xbf"), ("Reactions.csv", REACTIONS.as_bytes())]),
    ));
    files.push((
        "csv_header_only.zip",
        deflated_zip(&[
            ("Shares.csv", b"Date,ShareLink,ShareCommentary\n"),
            ("Reactions.csv", REACTIONS.as_bytes()),
        ]),
    ));

    let windows_1252 =
        b"Notes:\n\"Connections\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
Jos\xe9,M\xfcller,https://www.linkedin.com/in/jose,,Caf\xe9 \x80 Ltd,Direktor,17 Nov 2021\n\
Fran\xe7oise,Na\xefve,https://www.linkedin.com/in/francoise,,Soci\xe9t\xe9,G\xe9rante,02 Jan 2022\n";
    files.push(("csv_windows_1252.zip", deflated_zip(&[("Connections.csv", windows_1252)])));

    let mut mixed = "Date,ShareLink,ShareCommentary\n\
2021-10-27 19:36:45,https://x/1,Café crème in UTF-8\n\
2021-10-28 19:36:45,https://x/2,Naïve UTF-8 again\n"
        .as_bytes()
        .to_vec();
    mixed.extend_from_slice(
        b"2021-10-29 19:36:45,https://x/3,Then Latin-1: caf\xe9\n2021-10-30 19:36:45,https://x/4,na\xefve\n",
    );
    files.push(("csv_mixed_encoding.zip", deflated_zip(&[("Shares.csv", &mixed)])));

    let mut utf16 = vec![0xff, 0xfe];
    for unit in SHARES.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    files.push(("csv_utf16_bom.zip", deflated_zip(&[("Shares.csv", &utf16)])));
    files.push(("csv_utf16_no_bom.zip", deflated_zip(&[("Shares.csv", &utf16[2..])])));

    files.push((
        "csv_unbalanced_quote.zip",
        deflated_zip(&[(
            "Reactions.csv",
            b"Date,Type,Link\n\
2021-11-04 10:00:00,LIKE,https://x/1\n\
\"2021-11-04 11:00:00,LIKE,https://x/2\n\
2021-11-04 12:00:00,LIKE,https://x/3\n\
2021-11-04 13:00:00,LIKE,https://x/4\n",
        )]),
    ));

    let mut two_mib =
        b"Date,Link,Message\n2021-11-02 10:00:00,https://x/1,short\n2021-11-03 10:00:00,https://x/2,"
            .to_vec();
    two_mib.extend_from_slice(&squeezable_text(2 << 20, 11));
    two_mib.extend_from_slice(b"\n2021-11-04 10:00:00,https://x/3,short again\n");
    files.push(("csv_field_2mib.zip", deflated_zip(&[("Comments.csv", &two_mib)])));

    let mut ten_mb =
        b"Date,Link,Message\n2021-11-02 10:00:00,https://x/1,short\n2021-11-03 10:00:00,https://x/2,\""
            .to_vec();
    ten_mb.extend_from_slice(&squeezable_text(10_000_000, 12));
    ten_mb.extend_from_slice(b"\"\n2021-11-04 10:00:00,https://x/3,short again\n");
    files.push(("csv_field_10mb.zip", deflated_zip(&[("Comments.csv", &ten_mb)])));

    let mut columns = b"Date,Type,Link\n2021-11-04 10:00:00,LIKE,https://x/1\n2021-11-04 11:00:00,".to_vec();
    columns.extend_from_slice(&squeezable_fields(2_000_000, 13));
    columns.extend_from_slice(b"\n2021-11-04 12:00:00,LIKE,https://x/3\n");
    files.push(("csv_million_columns.zip", deflated_zip(&[("Reactions.csv", &columns)])));

    let mut wide_header = squeezable_fields(2_000_000, 14);
    wide_header.extend_from_slice(b"\n2021-11-04 10:00:00,LIKE,https://x/1\n");
    files.push(("csv_million_columns_header.zip", deflated_zip(&[("Reactions.csv", &wide_header)])));

    files.push((
        "csv_nul_bytes.zip",
        deflated_zip(&[(
            "Reactions.csv",
            b"Date,Type,Link\n2021-11-04 10:00:00,LIKE,https://x/1\n2021-11-04 11:00:00,LI\0KE,https://x/2\n\0\0\0\0\n2021-11-04 12:00:00,LIKE,https://x/3\n",
        )]),
    ));
    files.push((
        "csv_wrong_header.zip",
        deflated_zip(&[("Reactions.csv", REACTIONS.as_bytes()), ("messages.csv", SHARES.as_bytes())]),
    ));
    let mut junk_rng = Rng(0x5eed);
    let junk: Vec<u8> = (0..4096).map(|_| junk_rng.next() as u8).collect();
    files.push((
        "csv_binary_junk.zip",
        deflated_zip(&[("Profile.csv", PROFILE.as_bytes()), ("Shares.csv", &junk)]),
    ));
    files.push((
        "csv_crlf.zip",
        deflated_zip(&[(
            "Reactions.csv",
            b"Date,Type,Link\r\n2021-11-04 10:00:00,LIKE,https://x/1\r\nnot a date,LIKE,https://x/2\r\n2021-11-04 12:00:00,LIKE,https://x/3\r\n",
        )]),
    ));
    files.push((
        "csv_cr_only.zip",
        deflated_zip(&[(
            "Reactions.csv",
            b"Date,Type,Link\r2021-11-04 10:00:00,LIKE,https://x/1\rnot a date,LIKE,https://x/2\r2021-11-04 12:00:00,LIK\xc9,https://x/3\r",
        )]),
    ));
    files.push((
        "csv_dates_year_0_and_9999.zip",
        deflated_zip(&[
            (
                "Reactions.csv",
                b"Date,Type,Link\n0000-01-01 00:00:00,LIKE,https://x/1\n9999-12-31 23:59:59,LIKE,https://x/2\n+10000-01-01 00:00:00,LIKE,https://x/3\n2021-11-04 12:00:00,LIKE,https://x/4\n",
            ),
            (
                "Connections.csv",
                b"First Name,Last Name,URL,Company,Position,Connected On\nA,B,https://x/a,C,D,01 Jan 0000\nE,F,https://x/e,G,H,31 Dec 9999\nI,J,https://x/i,K,L,17 Nov 2021\n",
            ),
        ]),
    ));
    let mut bad_rows = String::from("Date,Link\n");
    for index in 0..500 {
        bad_rows.push_str(&format!("someday {index},https://x/{index}\n"));
    }
    bad_rows.push_str("2021-11-01 10:00:00,https://x/ok\n");
    files.push(("csv_500_bad_rows.zip", deflated_zip(&[("InstantReposts.csv", bad_rows.as_bytes())])));
    files.push((
        "csv_comment_trailing_backslash.zip",
        deflated_zip(&[(
            "Comments.csv",
            b"Date,Link,Message\n2021-11-02 10:00:00,https://x/1,\"ends with a backslash\\\"\n2021-11-03 10:00:00,https://x/2,next\n2021-11-04 10:00:00,https://x/3,last\n",
        )]),
    ));

    let mut late_article = b"<html><head><title>Late</title></head><body>".to_vec();
    late_article.extend_from_slice(&squeezable_text(2 << 20, 15));
    late_article.extend_from_slice(b"<p>Published on 2021-12-05 10:25</p></body></html>");
    files.push((
        "csv_article_date_beyond_head.zip",
        deflated_zip(&[
            ("Articles/Articles/Late.html", &late_article),
            (
                "Articles/Articles/Early.html",
                b"<html><head><title>Early</title></head><body><p>Published on 2021-12-06 09:00</p></body></html>",
            ),
        ]),
    ));

    // --- Readings: salesApiSsi JSON -------------------------------------------
    files.push(("json_negative.json", reading_json("-5").into_bytes()));
    files.push(("json_nan.json", reading_json("NaN").into_bytes()));
    files.push(("json_nan_string.json", reading_json("\"NaN\"").into_bytes()));
    files.push(("json_huge_number.json", reading_json("1e400").into_bytes()));
    files.push(("json_huge_integer.json", reading_json(&"9".repeat(400)).into_bytes()));
    files.push(("json_deep.json", format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes()));
    files.push((
        "json_deep_data.json",
        format!("{}{}{}", r#"{"data":"#.repeat(40), reading_json("20"), "}".repeat(40)).into_bytes(),
    ));
    files.push((
        "json_duplicate_keys.json",
        r#"{"memberScore":{"overall":20,"overall":90}}"#.as_bytes().to_vec(),
    ));
    files.push(("json_array.json", format!("[{}]", reading_json("20")).into_bytes()));
    files.push(("json_bom_only.json", b"\xef\xbb\xbf".to_vec()));
    files.push(("json_with_bom.json", format!("\u{feff}{}", reading_json("20")).into_bytes()));
    files.push(("json_empty.json", Vec::new()));

    // --- Readings: trackers' CSV -----------------------------------------------
    files.push((
        "readings_junk.csv",
        b"date,total\n2026-11-19,20\n2026-11-20,twenty\n2026-11-21,21\n".to_vec(),
    ));
    files.push(("readings_negative.csv", b"date,total\n2026-11-20,-3\n".to_vec()));
    files.push(("readings_nan.csv", b"date,total\n2026-11-20,NaN\n".to_vec()));
    files.push(("readings_huge_number.csv", b"date,total\n2026-11-20,1e400\n".to_vec()));
    files.push(("readings_non_utf8.csv", b"date,total,note\n2026-11-20,20,caf\xe9\n".to_vec()));
    files.push(("readings_bom_only.csv", b"\xef\xbb\xbf".to_vec()));
    files.push(("readings_header_only.csv", b"\xef\xbb\xbfdate;total\r\n".to_vec()));
    files.push(("readings_cr_only.csv", b"date,total\r2026-11-19,20\r2026-11-20,21\r".to_vec()));
    files.push(("readings_year_0_and_9999.csv", b"date,total\n0000-01-01,20\n9999-12-31,21\n".to_vec()));
    files.push(("readings_unbalanced_quote.csv", b"date,total\n\"2026-11-19,20\n2026-11-20,21\n".to_vec()));
    files
}

/// Sets the uncompressed size of a single-entry ZIP in both headers.
fn patch_declared_size(bytes: &mut [u8], size: u32) {
    let local = bytes.windows(4).position(|w| w == b"PK\x03\x04").unwrap();
    let central = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    bytes[local + 22..local + 26].copy_from_slice(&size.to_le_bytes());
    bytes[central + 24..central + 28].copy_from_slice(&size.to_le_bytes());
}

#[test]
#[ignore = "writes or checks the whole corpus (slow); run with REGENERATE_HOSTILE=1 to rewrite it"]
fn hostile_corpus_matches_its_generator() {
    let dir = hostile_dir();
    let regenerate = std::env::var_os("REGENERATE_HOSTILE").is_some_and(|v| v == "1");
    let files = corpus();
    if regenerate {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
        for (name, bytes) in &files {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
    }
    for (name, bytes) in &files {
        let committed = std::fs::read(dir.join(name)).unwrap_or_default();
        assert!(committed == *bytes, "{name} differs from its generator: run with REGENERATE_HOSTILE=1");
    }
    assert_eq!(corpus_names().len(), files.len(), "files in the folder that the generator does not make");
}

/// The names of the committed corpus files, sorted.
fn corpus_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(hostile_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Opens a corpus archive that must be refused up front: no `Export`, so no
/// event can have been produced.
fn refused(name: &str) -> ImportError {
    open_export(&fixture(name), options()).expect_err("the archive must be refused when opened")
}

/// Opens a corpus archive that must import: the profile is built and every
/// event read without error.
fn imported(name: &str) -> (Export, Vec<ActivityEvent>) {
    let mut export =
        open_export(&fixture(name), options()).unwrap_or_else(|e| panic!("{name} must open: {e}"));
    export.profile().unwrap_or_else(|e| panic!("{name}: profile failed: {e}"));
    let (events, error) = drain(&mut export);
    assert!(error.is_none(), "{name}: import aborted: {error:?}");
    assert!(export.report().events_complete);
    assert_eq!(export.report().total_events(), events.len() as u64);
    (export, events)
}

/// The report of the file named `name`.
fn file<'e>(export: &'e Export, name: &str) -> &'e ssi_import::FileReport {
    export
        .report()
        .files
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no report for {name}: {:?}", export.report().files))
}

/// A file's skipped rows as (line, field, reason).
fn skips(report: &ssi_import::FileReport) -> Vec<(Option<u64>, Option<&str>, SkipReason)> {
    report.skipped.iter().map(|s: &SkippedRow| (s.line, s.field.as_deref(), s.reason.clone())).collect()
}

fn kinds(events: &[ActivityEvent]) -> Vec<K> {
    events.iter().map(|e| e.kind).collect()
}

fn assert_invalid_zip(name: &str) -> String {
    match refused(name) {
        ImportError::InvalidZip { path, reason } => {
            assert!(path.ends_with(name), "{path}");
            reason
        }
        other => panic!("{name}: expected InvalidZip, got {other:?}"),
    }
}

fn assert_unsafe_path(name: &str, entry_name: &str) {
    match refused(name) {
        ImportError::UnsafePath { entry } => assert_eq!(entry, entry_name),
        other => panic!("{name}: expected UnsafePath, got {other:?}"),
    }
}

fn assert_entry_error(name: &str, entry: &str, reason_part: &str) {
    match refused(name) {
        ImportError::Entry { file, reason } => {
            assert_eq!(file, entry);
            assert!(reason.contains(reason_part), "{reason}");
        }
        other => panic!("{name}: expected Entry, got {other:?}"),
    }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

fn json(name: &str) -> Result<ssi_core::OfficialReading, ReadingParseError> {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    parse_sales_api_json(&text, day())
}

fn json_error(name: &str) -> String {
    match json(name) {
        Err(ReadingParseError::Json(message)) => message,
        other => panic!("{name}: expected ReadingParseError::Json, got {other:?}"),
    }
}

fn readings_csv(name: &str) -> Result<Vec<ssi_core::OfficialReading>, ReadingParseError> {
    parse_readings_csv(std::fs::File::open(fixture(name)).unwrap())
}

fn csv_error(name: &str) -> (u64, String, String) {
    match readings_csv(name) {
        Err(ReadingParseError::Csv { line, column, reason }) => (line, column, reason),
        other => panic!("{name}: expected ReadingParseError::Csv, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Containers
// ---------------------------------------------------------------------------

#[test]
fn zip_bomb_ratio() {
    match refused("zip_bomb_ratio.zip") {
        ImportError::CompressionRatio { entry, ratio, limit } => {
            assert_eq!((entry.as_str(), limit), ("Reactions.csv", 250));
            assert!(ratio >= 1000, "a deflate bomb packs about 1000:1, got {ratio}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn zip_bomb_entries() {
    assert!(matches!(
        refused("zip_bomb_entries.zip"),
        ImportError::TooManyEntries { count: 20_001, limit: 20_000 }
    ));
}

#[test]
fn zip_bomb_overlapping() {
    assert_eq!(
        assert_invalid_zip("zip_bomb_overlapping.zip"),
        "entries overlap each other (a zip-bomb construction)"
    );
}

#[test]
fn zip_bomb_size_lie() {
    match refused("zip_bomb_size_lie.zip") {
        ImportError::SizeMismatch { entry, declared } => {
            assert_eq!((entry.as_str(), declared), ("Reactions.csv", 1000))
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn zip_nested() {
    let (export, events) = imported("zip_nested.zip");
    assert_eq!(kinds(&events), vec![K::Reaction, K::Reaction], "the nested archive's shares are not read");
    let report = export.report();
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.not_used.len(), 1);
    assert_eq!(report.not_used[0].name, "Old export.zip");
    assert_eq!(report.not_used[0].reason, "nested archive: not opened");
}

#[test]
fn zip_path_dotdot() {
    assert_unsafe_path("zip_path_dotdot.zip", "../Shares.csv");
}

#[test]
fn zip_path_dotdot_inner() {
    assert_unsafe_path("zip_path_dotdot_inner.zip", "export/../../Shares.csv");
}

#[test]
fn zip_path_absolute() {
    assert_unsafe_path("zip_path_absolute.zip", "/tmp/Shares.csv");
}

#[test]
fn zip_path_drive_letter() {
    assert_unsafe_path("zip_path_drive_letter.zip", "C:\\Users\\Shares.csv");
}

#[test]
fn zip_path_nul() {
    assert_unsafe_path("zip_path_nul.zip", "Shares.csv\0.txt");
}

#[test]
fn zip_symlink() {
    let (export, events) = imported("zip_symlink.zip");
    assert_eq!(kinds(&events), vec![K::Reaction, K::Reaction]);
    let report = export.report();
    assert_eq!(report.files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), vec!["Reactions.csv"]);
    assert_eq!(report.not_used.len(), 1);
    assert_eq!(
        (report.not_used[0].name.as_str(), report.not_used[0].reason.as_str()),
        ("Shares.csv", "symbolic link: not followed")
    );
}

#[test]
fn zip_truncated_half() {
    assert!(!assert_invalid_zip("zip_truncated_half.zip").is_empty());
}

#[test]
fn zip_truncated_directory() {
    assert!(!assert_invalid_zip("zip_truncated_directory.zip").is_empty());
}

#[test]
fn zip_corrupt_deflate() {
    assert_entry_error("zip_corrupt_deflate.zip", "Shares.csv", "deflate");
}

#[test]
fn zip_bad_crc() {
    // The checksum is known only once the entry has been read to its end,
    // so it opens; the profile (whose date comes from the latest event) and
    // the event pass both end in the error, after the rows before it.
    let mut export = open_export(&fixture("zip_bad_crc.zip"), options()).unwrap();
    let is_checksum = |e: &ImportError| matches!(e, ImportError::Entry { file, reason } if file == "Shares.csv" && reason.contains("checksum"));
    let profile_error = export.profile().unwrap_err();
    assert!(is_checksum(&profile_error), "{profile_error:?}");
    let mut events = export.events();
    let mut produced = Vec::new();
    let error = loop {
        match events.next() {
            Some(Ok(event)) => produced.push(event.kind),
            Some(Err(err)) => break err,
            None => panic!("the checksum error must surface"),
        }
    };
    assert!(is_checksum(&error), "{error:?}");
    assert!(events.next().is_none(), "the iterator ends after the error");
    drop(events);
    assert_eq!(produced, vec![K::Post; 5], "the caller rolls these back");
    assert!(!export.report().events_complete);
}

#[test]
fn zip_encrypted() {
    assert_entry_error("zip_encrypted.zip", "Shares.csv", "Password required");
}

#[test]
fn zip_unsupported_method() {
    assert_entry_error("zip_unsupported_method.zip", "Shares.csv", "compression method not supported");
}

#[test]
fn zip_zero_bytes() {
    assert!(!assert_invalid_zip("zip_zero_bytes.zip").is_empty());
}

#[test]
fn zip_no_entries() {
    assert!(
        matches!(refused("zip_no_entries.zip"), ImportError::EmptyExport { path } if path.ends_with("zip_no_entries.zip"))
    );
}

#[test]
fn zip_not_a_zip() {
    assert!(!assert_invalid_zip("zip_not_a_zip.zip").is_empty());
}

#[test]
fn zip_no_linkedin_files() {
    assert!(matches!(refused("zip_no_linkedin_files.zip"), ImportError::NotAnExport { .. }));
}

#[test]
fn zip_directory_named_csv() {
    // `Shares.csv/` is a folder by its name and is passed over; `Votes.csv`
    // is a folder only by its Unix mode, which the ZIP reader does not go by:
    // it reads as an empty file.
    let (export, events) = imported("zip_directory_named_csv.zip");
    assert_eq!(kinds(&events), vec![K::Reaction, K::Reaction]);
    let names: Vec<&str> = export.report().files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["Reactions.csv", "Votes.csv"]);
    assert_eq!(file(&export, "Votes.csv").rows_read, 0);
    assert!(export.report().notes.iter().any(|n| n == "Votes.csv is empty"));
}

#[test]
fn zip_names_differ_by_case() {
    // Both are read as Shares files; the same rows give the same natural
    // keys, so the store keeps one event per row.
    let (export, events) = imported("zip_names_differ_by_case.zip");
    assert_eq!(kinds(&events), vec![K::Post, K::Repost, K::Post, K::Repost]);
    assert_eq!(file(&export, "Shares.csv").events, 2);
    assert_eq!(file(&export, "shares.CSV").events, 2);
    assert_eq!(events[0].natural_key, events[2].natural_key);
    assert_eq!(events[1].natural_key, events[3].natural_key);
    assert_ne!(events[0].natural_key, events[1].natural_key);
}

#[test]
fn zip_duplicate_names() {
    assert_eq!(assert_invalid_zip("zip_duplicate_names.zip"), "two entries share one name");
}

// ---------------------------------------------------------------------------
// The CSV layer
// ---------------------------------------------------------------------------

#[test]
fn csv_empty() {
    let (export, events) = imported("csv_empty.zip");
    assert_eq!(kinds(&events), vec![K::Reaction, K::Reaction]);
    assert_eq!(file(&export, "Shares.csv").rows_read, 0);
    assert!(export.report().notes.iter().any(|n| n == "Shares.csv is empty"));
}

#[test]
fn csv_bom_only() {
    let (export, events) = imported("csv_bom_only.zip");
    assert_eq!(kinds(&events), vec![K::Reaction, K::Reaction]);
    let shares = file(&export, "Shares.csv");
    assert_eq!((shares.rows_read, shares.encoding.as_str()), (0, "utf-8 with BOM"));
    assert!(export.report().notes.iter().any(|n| n == "Shares.csv is empty"));
}

#[test]
fn csv_header_only() {
    let (export, events) = imported("csv_header_only.zip");
    assert_eq!(kinds(&events), vec![K::Reaction, K::Reaction]);
    assert_eq!(file(&export, "Shares.csv").rows_read, 0);
    assert!(!export.report().notes.iter().any(|n| n.contains("empty")), "a header is not an empty file");
}

#[test]
fn csv_windows_1252() {
    let (export, events) = imported("csv_windows_1252.zip");
    assert_eq!(kinds(&events), vec![K::ConnectionMade, K::ConnectionMade]);
    assert_eq!(events[0].counterpart_company.as_deref(), Some("Café € Ltd"));
    assert_eq!(events[1].counterpart_title.as_deref(), Some("Gérante"));
    let fallbacks = &export.report().encoding_fallbacks;
    assert_eq!(fallbacks.len(), 1);
    assert_eq!((fallbacks[0].file.as_str(), fallbacks[0].from_line), ("Connections.csv", 5));
}

#[test]
fn csv_mixed_encoding() {
    let (export, events) = imported("csv_mixed_encoding.zip");
    assert_eq!(kinds(&events), vec![K::Post; 4]);
    let fallbacks = &export.report().encoding_fallbacks;
    assert_eq!(fallbacks.len(), 1);
    assert_eq!((fallbacks[0].file.as_str(), fallbacks[0].from_line), ("Shares.csv", 4));
}

#[test]
fn csv_utf16_bom() {
    let (export, events) = imported("csv_utf16_bom.zip");
    assert_eq!(kinds(&events), vec![K::Post, K::Repost]);
    assert_eq!(file(&export, "Shares.csv").encoding, "UTF-16LE with BOM");
}

#[test]
fn csv_utf16_no_bom() {
    // Without a BOM, UTF-16LE is told by the NUL half of each ASCII
    // character of the header, and decoded as such: every row is read.
    let (export, events) = imported("csv_utf16_no_bom.zip");
    let shares = file(&export, "Shares.csv");
    assert_eq!((shares.rows_read, shares.rows_skipped, shares.events), (2, 0, 2));
    assert_eq!(kinds(&events), vec![K::Post, K::Repost]);
    assert_eq!(shares.encoding, "UTF-16LE without BOM");
}

#[test]
fn csv_unbalanced_quote() {
    // The quote opened on line 3 never closes: the rest of the file is one
    // field, whose row is skipped; the rows before it are imported.
    let (export, events) = imported("csv_unbalanced_quote.zip");
    assert_eq!(kinds(&events), vec![K::Reaction]);
    let reactions = file(&export, "Reactions.csv");
    assert_eq!(reactions.rows_read, 2);
    assert_eq!(skips(reactions), vec![(Some(3), Some("Date"), SkipReason::UnparseableDate)]);
}

#[test]
fn csv_field_2mib() {
    let (export, events) = imported("csv_field_2mib.zip");
    assert_eq!(kinds(&events), vec![K::Comment, K::Comment]);
    let comments = file(&export, "Comments.csv");
    assert_eq!(comments.rows_read, 3);
    assert_eq!(
        skips(comments),
        vec![(Some(3), Some("Message"), SkipReason::FieldTooLong { limit: 1 << 20 })]
    );
}

#[test]
fn csv_field_10mb() {
    let (export, events) = imported("csv_field_10mb.zip");
    assert_eq!(kinds(&events), vec![K::Comment, K::Comment]);
    let comments = file(&export, "Comments.csv");
    assert_eq!(comments.rows_read, 3);
    assert_eq!(skips(comments), vec![(Some(3), None, SkipReason::RecordTooLong { limit: 8 << 20 })]);
    assert_eq!(
        events[1].at,
        Utc.with_ymd_and_hms(2021, 11, 4, 10, 0, 0).unwrap(),
        "the row after it is read whole"
    );
}

#[test]
fn csv_million_columns() {
    let (export, events) = imported("csv_million_columns.zip");
    assert_eq!(kinds(&events), vec![K::Reaction, K::Reaction]);
    let reactions = file(&export, "Reactions.csv");
    assert_eq!(reactions.rows_read, 3);
    assert_eq!(skips(reactions), vec![(Some(3), None, SkipReason::TooManyFields { limit: 1024 })]);
}

#[test]
fn csv_million_columns_header() {
    match refused("csv_million_columns_header.zip") {
        ImportError::MissingColumn { file, line, column } => {
            assert_eq!((file.as_str(), line, column), ("Reactions.csv", 1, "Date"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn csv_nul_bytes() {
    let (export, events) = imported("csv_nul_bytes.zip");
    assert_eq!(kinds(&events), vec![K::Reaction, K::Reaction]);
    let reactions = file(&export, "Reactions.csv");
    assert_eq!(reactions.rows_read, 4);
    assert_eq!(
        skips(reactions),
        vec![
            (Some(3), Some("Type"), SkipReason::BinaryData),
            (Some(4), Some("Date"), SkipReason::BinaryData)
        ]
    );
}

#[test]
fn csv_wrong_header() {
    match refused("csv_wrong_header.zip") {
        ImportError::MissingColumn { file, line, column } => {
            assert_eq!((file.as_str(), line, column), ("messages.csv", 1, "FROM"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn csv_binary_junk() {
    match refused("csv_binary_junk.zip") {
        ImportError::MissingColumn { file, line, column } => {
            assert_eq!((file.as_str(), line, column), ("Shares.csv", 1, "Date"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn csv_crlf() {
    let (export, events) = imported("csv_crlf.zip");
    assert_eq!(kinds(&events), vec![K::Reaction, K::Reaction]);
    assert_eq!(
        skips(file(&export, "Reactions.csv")),
        vec![(Some(3), Some("Date"), SkipReason::UnparseableDate)]
    );
}

#[test]
fn csv_cr_only() {
    // Old Mac line ends: rows and the Windows-1252 fallback are placed on
    // their real lines (found by this corpus: both used to say line 1).
    let (export, events) = imported("csv_cr_only.zip");
    assert_eq!(kinds(&events), vec![K::Reaction, K::Reaction]);
    assert_eq!(
        skips(file(&export, "Reactions.csv")),
        vec![(Some(3), Some("Date"), SkipReason::UnparseableDate)]
    );
    let fallbacks = &export.report().encoding_fallbacks;
    assert_eq!(fallbacks.len(), 1);
    assert_eq!((fallbacks[0].file.as_str(), fallbacks[0].from_line), ("Reactions.csv", 4));
}

#[test]
fn csv_dates_year_0_and_9999() {
    let (export, events) = imported("csv_dates_year_0_and_9999.zip");
    assert_eq!(kinds(&events), vec![K::ConnectionMade, K::Reaction]);
    assert_eq!(
        skips(file(&export, "Connections.csv")),
        vec![
            (Some(2), Some("Connected On"), SkipReason::DateOutOfRange),
            (Some(3), Some("Connected On"), SkipReason::DateOutOfRange)
        ]
    );
    assert_eq!(
        skips(file(&export, "Reactions.csv")),
        vec![
            (Some(2), Some("Date"), SkipReason::DateOutOfRange),
            (Some(3), Some("Date"), SkipReason::DateOutOfRange),
            (Some(4), Some("Date"), SkipReason::UnparseableDate)
        ]
    );
}

#[test]
fn csv_500_bad_rows() {
    let (export, events) = imported("csv_500_bad_rows.zip");
    assert_eq!(kinds(&events), vec![K::Repost]);
    let reposts = file(&export, "InstantReposts.csv");
    assert_eq!((reposts.rows_read, reposts.rows_skipped, reposts.skipped.len()), (501, 500, 200));
    assert_eq!(reposts.skipped[0].line, Some(2));
    assert_eq!(reposts.skipped[199].line, Some(201));
    assert!(reposts.skipped.iter().all(|s| s.reason == SkipReason::UnparseableDate));
}

#[test]
fn csv_comment_trailing_backslash() {
    // Comments.csv escapes quotes as \", so a message ending in a backslash
    // escapes its own closing quote: the next lines become part of that
    // message. One row is read, nothing is skipped: the rows it swallowed
    // are not seen. A limit of the `\"` convention, documented in
    // docs/reliability.md.
    let (export, events) = imported("csv_comment_trailing_backslash.zip");
    assert_eq!(kinds(&events), vec![K::Comment]);
    let comments = file(&export, "Comments.csv");
    assert_eq!((comments.rows_read, comments.rows_skipped), (1, 0));
}

#[test]
fn csv_article_date_beyond_head() {
    // Only the first 256 KiB of an article is read: a date further down is not seen.
    let (export, events) = imported("csv_article_date_beyond_head.zip");
    assert_eq!(kinds(&events), vec![K::Article]);
    assert_eq!(events[0].at, Utc.with_ymd_and_hms(2021, 12, 6, 9, 0, 0).unwrap());
    let articles = file(&export, "Articles/Articles/");
    assert_eq!(skips(articles), vec![(None, Some("Articles/Articles/Late.html"), SkipReason::NoArticleDate)]);
}

// ---------------------------------------------------------------------------
// Readings: salesApiSsi JSON
// ---------------------------------------------------------------------------

#[test]
fn json_negative() {
    assert_eq!(
        json("json_negative.json").unwrap_err(),
        ReadingParseError::Invalid(ReadingError::Total(-5.0))
    );
}

#[test]
fn json_nan() {
    assert!(json_error("json_nan.json").starts_with("expected value at line 1 column 27"));
}

#[test]
fn json_nan_string() {
    assert!(json_error("json_nan_string.json").starts_with("invalid type: string \"NaN\", expected f64"));
}

#[test]
fn json_huge_number() {
    assert!(json_error("json_huge_number.json").starts_with("number out of range"));
}

#[test]
fn json_huge_integer() {
    assert!(json_error("json_huge_integer.json").starts_with("number out of range"));
}

#[test]
fn json_deep() {
    assert_eq!(json("json_deep.json").unwrap_err(), ReadingParseError::TooDeep { limit: 32 });
}

#[test]
fn json_deep_data() {
    assert_eq!(json("json_deep_data.json").unwrap_err(), ReadingParseError::TooDeep { limit: 32 });
}

#[test]
fn json_duplicate_keys() {
    assert!(json_error("json_duplicate_keys.json").starts_with("duplicate field `overall`"));
}

#[test]
fn json_array() {
    assert_eq!(json_error("json_array.json"), "expected a JSON object {…}, found an array [...]");
}

#[test]
fn json_bom_only() {
    assert!(json_error("json_bom_only.json").starts_with("EOF while parsing a value"));
}

#[test]
fn json_with_bom() {
    let reading = json("json_with_bom.json").unwrap();
    assert_eq!((reading.date, reading.total), (day(), 20.0));
    assert_eq!(reading.pillars, [Some(10.0), Some(5.0), Some(3.0), Some(2.0)]);
}

#[test]
fn json_empty() {
    assert!(json_error("json_empty.json").starts_with("EOF while parsing a value"));
}

// ---------------------------------------------------------------------------
// Readings: trackers' CSV
// ---------------------------------------------------------------------------

#[test]
fn readings_junk() {
    let (line, column, reason) = csv_error("readings_junk.csv");
    assert_eq!((line, column.as_str(), reason.as_str()), (3, "total", "\"twenty\" is not a number"));
}

#[test]
fn readings_negative() {
    assert_eq!(
        readings_csv("readings_negative.csv").unwrap_err(),
        ReadingParseError::InvalidRow { line: 2, source: ReadingError::Total(-3.0) }
    );
}

#[test]
fn readings_nan() {
    let (line, column, reason) = csv_error("readings_nan.csv");
    assert_eq!((line, column.as_str(), reason.as_str()), (2, "total", "\"NaN\" is not a number"));
}

#[test]
fn readings_huge_number() {
    let (line, column, reason) = csv_error("readings_huge_number.csv");
    assert_eq!((line, column.as_str(), reason.as_str()), (2, "total", "\"1e400\" is not a number"));
}

#[test]
fn readings_non_utf8() {
    let (line, column, reason) = csv_error("readings_non_utf8.csv");
    assert_eq!((line, column.as_str()), (2, "note"));
    assert!(reason.contains("invalid utf-8"), "{reason}");
}

#[test]
fn readings_bom_only() {
    assert_eq!(readings_csv("readings_bom_only.csv").unwrap_err(), ReadingParseError::Empty);
}

#[test]
fn readings_header_only() {
    assert!(readings_csv("readings_header_only.csv").unwrap().is_empty());
}

#[test]
fn readings_cr_only() {
    let readings = readings_csv("readings_cr_only.csv").unwrap();
    let got: Vec<(NaiveDate, f64)> = readings.iter().map(|r| (r.date, r.total)).collect();
    assert_eq!(got, vec![(NaiveDate::from_ymd_opt(2026, 11, 19).unwrap(), 20.0), (day(), 21.0)]);
}

#[test]
fn readings_year_0_and_9999() {
    let (line, column, reason) = csv_error("readings_year_0_and_9999.csv");
    assert_eq!((line, column.as_str()), (2, "date"));
    assert!(reason.starts_with("0000-01-01 is outside 2003–2100"), "{reason}");
}

#[test]
fn readings_unbalanced_quote() {
    let (line, column, reason) = csv_error("readings_unbalanced_quote.csv");
    assert_eq!((line, column.as_str()), (2, "date"));
    assert!(reason.ends_with("is not a date"), "{reason}");
}

// ---------------------------------------------------------------------------
// The corpus as a whole
// ---------------------------------------------------------------------------

#[test]
fn every_corpus_file_has_a_test_and_a_line_in_the_docs() {
    let names = corpus_names();
    assert!(names.len() >= 40, "the corpus is too small: {}", names.len());
    let this_file = [include_str!("hostile.rs"), include_str!("hostile_workbooks/mod.rs")].concat();
    let docs = std::fs::read_to_string(workspace_root().join("docs/reliability.md")).unwrap();
    for name in &names {
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(stem, _)| stem);
        assert!(this_file.contains(&format!("fn {stem}()")), "{name} has no test named {stem}");
        assert!(
            docs.contains(&format!("`{name}`")),
            "{name} is missing from the table in docs/reliability.md"
        );
    }
}

#[test]
fn every_hostile_archive_keeps_the_report_consistent() {
    // The archive walker's fuzz body checks that the report agrees with the
    // events (counts, completeness, plausible dates, key lengths).
    for name in corpus_names().iter().filter(|n| n.ends_with(".zip")) {
        fuzz_targets::archive_walker(&std::fs::read(fixture(name)).unwrap());
    }
}

/// A fuzz target's body.
type FuzzBody = fn(&[u8]);

#[test]
fn fuzz_corpora_replay_without_a_finding() {
    let corpus = workspace_root().join("fuzz/corpus");
    let targets: [(&str, FuzzBody); 6] = [
        ("archive_walker", fuzz_targets::archive_walker),
        ("csv_layer", fuzz_targets::csv_layer),
        ("dates", fuzz_targets::dates),
        ("readings_json", fuzz_targets::readings_json),
        ("readings_csv", fuzz_targets::readings_csv),
        ("workbook", fuzz_targets::workbook),
    ];
    for (target, body) in targets {
        let mut replayed = 0;
        for entry in std::fs::read_dir(corpus.join(target)).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| body(&bytes));
            assert!(
                outcome.is_ok(),
                "{target}: {} fails (replay: cargo fuzz run {target} {})",
                path.display(),
                path.display()
            );
            replayed += 1;
        }
        assert!(replayed > 0, "{target} has no corpus");
    }
}

// ---------------------------------------------------------------------------
// Memory
// ---------------------------------------------------------------------------

/// Peak resident memory of this process so far, in bytes (Linux only).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Environment variable naming the archives [`memory_probe`] imports.
const PROBE_VARIABLE: &str = "SSI_HOSTILE_MEMORY_PROBE";

/// Run in a child process by [`memory_stays_bounded_on_hostile_input`]:
/// imports each archive named in [`PROBE_VARIABLE`] (`;`-separated) and
/// prints how far the peak resident memory grew.
#[test]
#[ignore = "a child process of memory_stays_bounded_on_hostile_input"]
fn memory_probe() {
    let paths =
        std::env::var(PROBE_VARIABLE).unwrap_or_else(|_| fixture("csv_field_10mb.zip").display().to_string());
    let before = peak_rss().expect("VmHWM in /proc/self/status");
    for path in paths.split(';') {
        if let Ok(mut export) = open_export(Path::new(path), options()) {
            let _ = export.profile();
            // Counted, not kept: a consumer such as the store streams them.
            let produced = export.events().take_while(Result::is_ok).count();
            println!("{path}: {produced} events");
        }
    }
    let after = peak_rss().expect("VmHWM in /proc/self/status");
    println!("peak-growth={}", after.saturating_sub(before));
}

/// Runs [`memory_probe`] in a fresh process over `paths`; returns the growth of its peak memory.
fn probe_in_child(paths: &[PathBuf]) -> u64 {
    let joined = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(";");
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["memory_probe", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(PROBE_VARIABLE, joined)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the probe failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .find_map(|l| l.split("peak-growth=").nth(1))
        .and_then(|n| n.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no measurement in {stdout}"))
}

/// Bytes every entry of a ZIP unpacks to, as declared.
fn unpacked_size(path: &Path) -> u64 {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len()).map(|i| archive.by_index_raw(i).unwrap().size()).sum()
}

#[cfg(target_os = "linux")]
#[test]
fn memory_stays_bounded_on_hostile_input() {
    // The CSV buffer is max_record_bytes (8 MiB); everything else streams.
    const BOUND: u64 = 24 << 20;

    // Every archive of the corpus that opens, one after the other.
    let archives: Vec<PathBuf> = corpus_names()
        .iter()
        .filter(|n| n.ends_with(".zip") && open_export(&fixture(n), options()).is_ok())
        .map(|n| fixture(n))
        .collect();
    let corpus_unpacked: u64 = archives.iter().map(|p| unpacked_size(p)).sum();
    let growth = probe_in_child(&archives);
    eprintln!("corpus: {corpus_unpacked} bytes unpacked, peak memory grew {growth} bytes");
    assert!(
        growth < BOUND,
        "importing the corpus ({corpus_unpacked} bytes unpacked) grew the peak by {growth} bytes"
    );

    // Twelve 10 MB fields, 120 MB unpacked: memory must not follow the size.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fields.zip");
    let mut writer = ZipWriter::new(std::fs::File::create(&path).unwrap());
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    writer.start_file("Comments.csv", deflated).unwrap();
    writer.write_all(b"Date,Link,Message\n").unwrap();
    for row in 0..12u64 {
        writer.write_all(format!("2021-11-02 10:00:{row:02},https://x/{row},\"").as_bytes()).unwrap();
        writer.write_all(&squeezable_text(10_000_000, row + 100)).unwrap();
        writer.write_all(b"\"\n").unwrap();
    }
    writer.write_all(b"2021-11-03 10:00:00,https://x/last,short\n").unwrap();
    writer.finish().unwrap();
    let unpacked = unpacked_size(&path);
    assert!(unpacked > 120_000_000);
    let mut export = open_export(&path, options()).unwrap();
    let (events, error) = drain(&mut export);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(events.len(), 1, "the twelve overlong rows are skipped");
    assert_eq!(export.report().total_skipped(), 12);
    let growth = probe_in_child(&[path]);
    eprintln!("twelve 10 MB fields: {unpacked} bytes unpacked, peak memory grew {growth} bytes");
    assert!(
        growth < BOUND && growth < unpacked / 5,
        "streaming {unpacked} bytes grew the peak by {growth} bytes"
    );
}
