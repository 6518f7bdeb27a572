//! The export container, a ZIP archive or an unpacked folder: checked up front, then read entry by entry as streams.

use crate::catalog::{Recognition, recognise};
use crate::error::{ImportError, StreamLimit};
use crate::limits::Limits;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use std::cell::Cell;
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use zip::ZipArchive;
use zip::read::ZipArchiveMetadata;

/// A read position of its own over a shared archive file, so that several
/// entries can be opened one after the other from one file handle.
///
/// Each read seeks to this reader's own position first; reads happen on one
/// thread, one at a time, so the shared OS cursor never confuses two readers.
#[derive(Debug, Clone)]
pub(crate) struct PositionedFile {
    file: Arc<File>,
    position: u64,
}

impl PositionedFile {
    fn new(file: Arc<File>) -> Self {
        PositionedFile { file, position: 0 }
    }
}

impl Read for PositionedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut file: &File = &self.file;
        file.seek(SeekFrom::Start(self.position))?;
        let read = file.read(buf)?;
        self.position += read as u64;
        Ok(read)
    }
}

impl Seek for PositionedFile {
    fn seek(&mut self, target: SeekFrom) -> io::Result<u64> {
        let invalid = || io::Error::new(io::ErrorKind::InvalidInput, "seek out of range");
        self.position = match target {
            SeekFrom::Start(offset) => offset,
            SeekFrom::Current(delta) => self.position.checked_add_signed(delta).ok_or_else(invalid)?,
            SeekFrom::End(delta) => {
                self.file.metadata()?.len().checked_add_signed(delta).ok_or_else(invalid)?
            }
        };
        Ok(self.position)
    }
}

/// Where an entry's bytes are.
#[derive(Debug, Clone)]
pub(crate) enum EntryLocation {
    /// Entry number in the ZIP central directory.
    Zip(usize),
    /// A file of an unpacked export.
    File(PathBuf),
}

/// One file of the export.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Its path inside the export, `/`-separated, with a single top-level
    /// folder shared by all entries dropped.
    pub(crate) name: String,
    pub(crate) location: EntryLocation,
    /// The size it declares (ZIP) or had when opened (folder).
    pub(crate) declared_size: u64,
    pub(crate) recognition: Recognition,
    /// Its modification day, where the ZIP records one.
    pub(crate) modified: Option<NaiveDate>,
}

/// What holds the entries.
enum Source {
    Zip { metadata: Arc<ZipArchiveMetadata>, file: Arc<File> },
    Folder,
}

/// A reader handle that [`Container::open_entry`] fills on first use and the
/// entry reader borrows for as long as it lives.
pub(crate) type Handle = Option<PositionedFile>;

/// Counts the bytes all entries of one pass unpack to, against the total limit.
#[derive(Debug, Clone)]
pub(crate) struct StreamBudget {
    used: Rc<Cell<u64>>,
    limit: u64,
}

impl StreamBudget {
    pub(crate) fn new(limit: u64) -> Self {
        StreamBudget { used: Rc::new(Cell::new(0)), limit }
    }
}

/// An opened and checked export container.
pub(crate) struct Container {
    source: Source,
    /// Every file (directories left out), in archive or sorted path order.
    pub(crate) entries: Vec<Entry>,
    /// See [`crate::Export::fingerprint`].
    pub(crate) fingerprint: String,
    /// The date in the archive's, top-level folder's or folder's name.
    pub(crate) export_date: Option<NaiveDate>,
    /// Entries not opened for safety (symbolic links), with the reason.
    pub(crate) refused: Vec<(String, &'static str)>,
    /// The archive's or folder's own name.
    pub(crate) display_name: String,
}

impl Container {
    /// Opens `path` (a ZIP file or a folder) and checks it against `limits`.
    pub(crate) fn open(path: &Path, limits: &Limits) -> Result<Container, ImportError> {
        let shown = path.display().to_string();
        let metadata =
            fs::metadata(path).map_err(|source| ImportError::Io { path: shown.clone(), source })?;
        let display_name =
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(shown.clone());
        let mut container =
            if metadata.is_dir() { open_folder(path, limits)? } else { open_zip(path, &shown, limits)? };
        container.export_date = export_date_from_name(&display_name).or(container.export_date);
        container.display_name = display_name;
        Ok(container)
    }

    /// A streaming reader of `entry`'s bytes, counted against its declared
    /// size and `budget`. Nothing is extracted to disk.
    pub(crate) fn open_entry<'a>(
        &'a self,
        entry: &Entry,
        handle: &'a mut Handle,
        budget: &StreamBudget,
    ) -> Result<Box<dyn Read + 'a>, ImportError> {
        let inner: Box<dyn Read + 'a> = match (&self.source, &entry.location) {
            (Source::Zip { metadata, file }, EntryLocation::Zip(index)) => {
                let handle = handle.get_or_insert_with(|| PositionedFile::new(Arc::clone(file)));
                let zip_entry = metadata.entry(*index).map_err(|e| zip_entry_error(&entry.name, &e))?;
                let reader = zip_entry
                    .with_reader(handle, zip::ZipReadOptions::new())
                    .map_err(|e| zip_entry_error(&entry.name, &e))?;
                Box::new(reader)
            }
            (_, EntryLocation::File(path)) => Box::new(
                File::open(path)
                    .map_err(|source| ImportError::Io { path: path.display().to_string(), source })?,
            ),
            (Source::Folder, EntryLocation::Zip(_)) => {
                return Err(ImportError::Entry {
                    file: entry.name.clone(),
                    reason: "entry of an archive that is not open".to_string(),
                });
            }
        };
        Ok(Box::new(LimitedReader { inner, declared: entry.declared_size, read: 0, budget: budget.clone() }))
    }
}

fn zip_entry_error(name: &str, err: &zip::result::ZipError) -> ImportError {
    ImportError::Entry { file: name.to_string(), reason: err.to_string() }
}

/// Counts an entry's bytes: more than declared, or more than the pass's
/// budget, is an error carried as [`StreamLimit`].
struct LimitedReader<R> {
    inner: R,
    declared: u64,
    read: u64,
    budget: StreamBudget,
}

impl<R: Read> Read for LimitedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf).map_err(|err| {
            // The ZIP reader stops an entry at its declared size itself; name it as ours.
            if err.kind() == io::ErrorKind::InvalidData
                && err.to_string().contains("declared uncompressed size")
            {
                io::Error::other(StreamLimit::SizeMismatch { declared: self.declared })
            } else {
                err
            }
        })?;
        self.read += read as u64;
        if self.read > self.declared {
            return Err(io::Error::other(StreamLimit::SizeMismatch { declared: self.declared }));
        }
        let used = self.budget.used.get().saturating_add(read as u64);
        self.budget.used.set(used);
        if used > self.budget.limit {
            return Err(io::Error::other(StreamLimit::TooLarge { limit: self.budget.limit }));
        }
        Ok(read)
    }
}

/// Whether an entry name could escape the folder it is unpacked into:
/// absolute, a drive letter, `..` components, or NUL bytes.
pub(crate) fn is_unsafe_name(name: &str) -> bool {
    name.starts_with('/')
        || name.starts_with('\\')
        || name.contains('\0')
        || name.split(['/', '\\']).next().is_some_and(|first| first.contains(':'))
        || name.split(['/', '\\']).any(|component| component == "..")
}

fn open_zip(path: &Path, shown: &str, limits: &Limits) -> Result<Container, ImportError> {
    let io_error = |source| ImportError::Io { path: shown.to_string(), source };
    let mut file = File::open(path).map_err(io_error)?;
    let fingerprint = sha256_stream(&mut file).map_err(io_error)?;
    let file = Arc::new(file);
    let invalid = |reason: String| ImportError::InvalidZip { path: shown.to_string(), reason };
    let mut archive =
        ZipArchive::new(PositionedFile::new(Arc::clone(&file))).map_err(|e| invalid(e.to_string()))?;
    if archive.is_empty() {
        return Err(ImportError::EmptyExport { path: shown.to_string() });
    }
    if archive.len() > limits.max_entries {
        return Err(ImportError::TooManyEntries { count: archive.len(), limit: limits.max_entries });
    }
    if archive.has_duplicate_names() {
        return Err(invalid("two entries share one name".to_string()));
    }
    if archive.has_overlapping_entries().map_err(|e| invalid(e.to_string()))? {
        return Err(invalid("entries overlap each other (a zip-bomb construction)".to_string()));
    }
    let metadata = archive.metadata();
    let mut entries = Vec::new();
    let mut refused = Vec::new();
    let mut total: u64 = 0;
    for index in 0..metadata.len() {
        let entry = metadata.entry(index).map_err(|e| invalid(e.to_string()))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if is_unsafe_name(&name) || entry.enclosed_name().is_none() {
            return Err(ImportError::UnsafePath { entry: name });
        }
        if entry.is_dir() {
            continue;
        }
        if entry.is_symlink() {
            refused.push((name, "symbolic link: not followed"));
            continue;
        }
        let size = entry.size();
        total = total.saturating_add(size);
        if total > limits.max_total_uncompressed {
            return Err(ImportError::TooLarge { entry: name, limit: limits.max_total_uncompressed });
        }
        if size > limits.ratio_check_min_bytes {
            let ratio = size / entry.compressed_size().max(1);
            if ratio > limits.max_ratio {
                return Err(ImportError::CompressionRatio { entry: name, ratio, limit: limits.max_ratio });
            }
        }
        let modified = entry.last_modified().and_then(|t| {
            NaiveDate::from_ymd_opt(i32::from(t.year()), u32::from(t.month()), u32::from(t.day()))
        });
        entries.push(Entry {
            name,
            location: EntryLocation::Zip(index),
            declared_size: size,
            recognition: Recognition::Unknown,
            modified,
        });
    }
    let top_folder = strip_top_folder(&mut entries);
    for entry in &mut entries {
        entry.recognition = recognise(&entry.name);
    }
    Ok(Container {
        source: Source::Zip { metadata, file },
        entries,
        fingerprint,
        export_date: top_folder.as_deref().and_then(export_date_from_name),
        refused,
        display_name: String::new(),
    })
}

fn open_folder(root: &Path, limits: &Limits) -> Result<Container, ImportError> {
    let io_error = |path: &Path, source| ImportError::Io { path: path.display().to_string(), source };
    let mut entries = Vec::new();
    let mut refused = Vec::new();
    let mut total: u64 = 0;
    let mut seen = 0usize;
    let mut pending: Vec<(PathBuf, String, usize)> = vec![(root.to_path_buf(), String::new(), 0)];
    while let Some((dir, prefix, depth)) = pending.pop() {
        let listing = fs::read_dir(&dir).map_err(|e| io_error(&dir, e))?;
        for item in listing {
            let item = item.map_err(|e| io_error(&dir, e))?;
            seen += 1;
            if seen > limits.max_entries {
                return Err(ImportError::TooManyEntries { count: seen, limit: limits.max_entries });
            }
            let path = item.path();
            let name = format!("{prefix}{}", item.file_name().to_string_lossy());
            let kind = fs::symlink_metadata(&path).map_err(|e| io_error(&path, e))?;
            if kind.file_type().is_symlink() {
                refused.push((name, "symbolic link: not followed"));
            } else if kind.is_dir() {
                if depth + 1 >= limits.max_folder_depth {
                    refused.push((name, "folder nested too deep: not read"));
                } else {
                    pending.push((path, format!("{name}/"), depth + 1));
                }
            } else if kind.is_file() {
                total = total.saturating_add(kind.len());
                if total > limits.max_total_uncompressed {
                    return Err(ImportError::TooLarge { entry: name, limit: limits.max_total_uncompressed });
                }
                entries.push(Entry {
                    name,
                    location: EntryLocation::File(path),
                    declared_size: kind.len(),
                    recognition: Recognition::Unknown,
                    modified: None,
                });
            }
        }
    }
    if entries.is_empty() {
        return Err(ImportError::EmptyExport { path: root.display().to_string() });
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    let fingerprint = folder_fingerprint(&entries)?;
    let top_folder = strip_top_folder(&mut entries);
    for entry in &mut entries {
        entry.recognition = recognise(&entry.name);
    }
    Ok(Container {
        source: Source::Folder,
        entries,
        fingerprint,
        export_date: top_folder.as_deref().and_then(export_date_from_name),
        refused,
        display_name: String::new(),
    })
}

/// SHA-256 over the sorted entries: for each, its relative path and its
/// content, each preceded by its length (little-endian u64).
fn folder_fingerprint(entries: &[Entry]) -> Result<String, ImportError> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    for entry in entries {
        let EntryLocation::File(path) = &entry.location else { continue };
        let io_error = |source| ImportError::Io { path: path.display().to_string(), source };
        hasher.update((entry.name.len() as u64).to_le_bytes());
        hasher.update(entry.name.as_bytes());
        let mut file = File::open(path).map_err(io_error)?;
        let length = file.metadata().map_err(io_error)?.len();
        hasher.update(length.to_le_bytes());
        let mut remaining = length;
        while remaining > 0 {
            let want = usize::try_from(remaining).unwrap_or(usize::MAX).min(buffer.len());
            let read = file.read(&mut buffer[..want]).map_err(io_error)?;
            if read == 0 {
                // The file shrank while being read: hash what is there.
                break;
            }
            hasher.update(&buffer[..read]);
            remaining -= read as u64;
        }
    }
    Ok(hex_digest(&hasher.finalize()))
}

fn sha256_stream(reader: &mut impl Read) -> io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        hasher.update(&buffer[..read]);
    }
    Ok(hex_digest(&hasher.finalize()))
}

fn hex_digest(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Drops a single top-level folder that every entry sits under (as when an
/// export folder was zipped again), returning its name.
fn strip_top_folder(entries: &mut [Entry]) -> Option<String> {
    let first = entries.first()?.name.split_once('/')?.0.to_string();
    let prefix = format!("{first}/");
    if first.is_empty() || !entries.iter().all(|e| e.name.starts_with(&prefix)) {
        return None;
    }
    // Articles/ alone is a part of an export, not a wrapper around one.
    if first.eq_ignore_ascii_case("articles") {
        return None;
    }
    for entry in entries.iter_mut() {
        entry.name = entry.name[prefix.len()..].to_string();
    }
    Some(first)
}

/// The date in `Basic_LinkedInDataExport_11-20-2026.zip` (MM-DD-YYYY), or in
/// a folder named the same way.
pub(crate) fn export_date_from_name(name: &str) -> Option<NaiveDate> {
    const MARK: &str = "linkedindataexport";
    let lower = name.to_ascii_lowercase();
    let start = lower.find(MARK)? + MARK.len();
    let rest = lower.get(start..)?.trim_start_matches(['_', ' ', '-']);
    let stamp = rest.get(..10)?;
    NaiveDate::parse_from_str(stamp, "%m-%d-%Y").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_dates_come_from_names() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 20);
        assert_eq!(export_date_from_name("Basic_LinkedInDataExport_11-20-2026.zip"), date);
        assert_eq!(export_date_from_name("Complete_LinkedInDataExport_11-20-2026"), date);
        assert_eq!(export_date_from_name("Complete_LinkedInDataExport_11-20-2026 (1).zip"), date);
        assert_eq!(export_date_from_name("export.zip"), None);
        assert_eq!(export_date_from_name("Basic_LinkedInDataExport_13-45-2026.zip"), None);
        assert_eq!(export_date_from_name("Basic_LinkedInDataExport_é"), None);
    }

    #[test]
    fn unsafe_names_are_spotted() {
        for name in ["/etc/passwd", "../x.csv", "a/../../x", "C:/x.csv", "\\\\server\\x", "a\\..\\b", "a\0b"]
        {
            assert!(is_unsafe_name(name), "{name}");
        }
        for name in ["Connections.csv", "Articles/Articles/a..b.html", "x/y/z.csv"] {
            assert!(!is_unsafe_name(name), "{name}");
        }
    }
}
