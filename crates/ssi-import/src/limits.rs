//! Import options: the pseudonym key and the limits that keep a hostile archive from exhausting the machine.

/// How an export is imported.
#[derive(Clone)]
pub struct ImportOptions {
    /// The per-database secret under which people, conversations and source
    /// rows are turned into keyed hashes (HMAC-SHA256). The same key must be
    /// used for every import into one database, so that re-importing an
    /// overlapping export yields the same keys.
    pub pseudonym_key: [u8; 32],
    /// Resource limits.
    pub limits: Limits,
    /// The member's name as the user gave it (`--member`), one more piece of
    /// evidence of who sent a message (exports without Profile.csv are common).
    pub member_name: Option<String>,
}

impl ImportOptions {
    /// Options with the given key and the default [`Limits`].
    pub fn new(pseudonym_key: [u8; 32]) -> Self {
        ImportOptions { pseudonym_key, limits: Limits::default(), member_name: None }
    }

    /// These options with the member's name as the user gave it.
    pub fn with_member_name(mut self, name: Option<&str>) -> Self {
        self.member_name = name.map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
        self
    }
}

impl std::fmt::Debug for ImportOptions {
    // The key is a secret: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportOptions")
            .field("pseudonym_key", &"<redacted>")
            .field("limits", &self.limits)
            .field("member_name", &self.member_name.as_ref().map(|_| "<given>"))
            .finish()
    }
}

/// Resource limits for one import.
///
/// The container limits are checked twice: against the sizes the ZIP central
/// directory declares when the export is opened, and against the bytes
/// actually produced while entries are streamed (an entry that unpacks to more
/// than it declared aborts the import).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes all entries together may unpack to (default 4 GiB; a
    /// Complete export with years of messages is a few hundred MB).
    pub max_total_uncompressed: u64,
    /// Highest compression ratio (uncompressed / compressed) accepted for an
    /// entry larger than [`Limits::ratio_check_min_bytes`] (default 250;
    /// real CSV text compresses 3–30 times, a zip bomb about 1000 times).
    pub max_ratio: u64,
    /// Entries that unpack to at most this many bytes are exempt from the
    /// ratio check: tiny files compress erratically (default 1 MiB).
    pub ratio_check_min_bytes: u64,
    /// Most entries (files and folders) in the archive or folder (default 20 000).
    pub max_entries: usize,
    /// Longest CSV field kept; a row with a longer field is skipped and
    /// reported (default 1 MiB; LinkedIn's longest texts are a few KB).
    pub max_field_bytes: usize,
    /// Longest CSV record; a longer record is skipped and reported without
    /// ever being held in memory whole (default 8 MiB).
    pub max_record_bytes: usize,
    /// Most fields in one CSV record (default 1024).
    pub max_fields: usize,
    /// Most skipped rows listed one by one per file in the report; further
    /// skips are only counted (default 200).
    pub max_skip_details: usize,
    /// Deepest folder level walked in an unpacked export (default 16).
    pub max_folder_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total_uncompressed: 4 << 30,
            max_ratio: 250,
            ratio_check_min_bytes: 1 << 20,
            max_entries: 20_000,
            max_field_bytes: 1 << 20,
            max_record_bytes: 8 << 20,
            max_fields: 1024,
            max_skip_details: 200,
            max_folder_depth: 16,
        }
    }
}
