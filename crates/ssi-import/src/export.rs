//! An opened LinkedIn export: fingerprint, export date, profile, event stream and report.

use crate::catalog::{FileKind, Recognition};
use crate::container::{Container, Handle, StreamBudget};
use crate::dates::parse_timestamp;
use crate::error::ImportError;
use crate::events::{EventSources, Events, FileGroup};
use crate::identity::{Participation, is_variant};
use crate::limits::ImportOptions;
use crate::mapping::{MemberIdentity, Skip};
use crate::profile::ProfileBuilder;
use crate::pseudonym::{Pseudonymizer, normalise_name, normalise_profile_url};
use crate::report::{EncodingFallback, FileReport, ImportReport, MemberReport, UnusedFile};
use crate::table::{Row, RowRead, Table};
use chrono::{DateTime, NaiveDate, Utc};
use ssi_core::ProfileSnapshot;
use ssi_core::freshness::{Horizon, HorizonSource, undated_export_horizon};
use std::path::{Path, PathBuf};

/// Opens a LinkedIn data export: a `.zip` as downloaded (entries at the top
/// or under one top-level folder) or the folder it unpacks to.
///
/// Everything that can be checked without reading the data is checked here,
/// so a bad export fails before any event is produced: the ZIP central
/// directory, the zip-bomb limits on declared sizes, entry count and
/// compression ratio, unsafe paths, and the header of every recognised CSV
/// file (a missing required column is an error naming file and column).
/// The fingerprint is computed here too (one pass over the archive's bytes).
pub fn open_export(path: &Path, options: ImportOptions) -> Result<Export, ImportError> {
    let container = Container::open(path, &options.limits)?;
    let mut report = ImportReport {
        source: container.display_name.clone(),
        fingerprint: container.fingerprint.clone(),
        export_date: container.export_date,
        ..ImportReport::default()
    };
    let mut used: Vec<(FileKind, String, usize)> = Vec::new();
    for (index, entry) in container.entries.iter().enumerate() {
        match &entry.recognition {
            Recognition::Used(kind) => used.push((*kind, entry.name.clone(), index)),
            Recognition::NotUsed(reason) => {
                report.not_used.push(UnusedFile { name: entry.name.clone(), reason: (*reason).to_string() });
            }
            Recognition::Unknown => report.not_recognised.push(entry.name.clone()),
        }
    }
    for (name, reason) in &container.refused {
        report.not_used.push(UnusedFile { name: name.clone(), reason: (*reason).to_string() });
    }
    if used.is_empty() {
        return Err(ImportError::NotAnExport { path: path.display().to_string() });
    }
    let order = |kind: FileKind| FileKind::ALL.iter().position(|k| *k == kind).unwrap_or(usize::MAX);
    used.sort_by(|a, b| (order(a.0), &a.1).cmp(&(order(b.0), &b.1)));
    // Every recognised CSV file's header is read now, so that a wrong header
    // aborts before any event is produced. A profile or identity file that
    // cannot be read (a hand-edited Skills.csv without its header) is left
    // out with its reason instead: the activity is still imported.
    let mut empty = Vec::new();
    let budget = StreamBudget::new(options.limits.max_total_uncompressed);
    let mut readable = Vec::with_capacity(used.len());
    for (kind, name, index) in used {
        if kind == FileKind::Articles {
            readable.push((kind, name, index));
            continue;
        }
        let entry = &container.entries[index];
        let mut handle: Handle = None;
        let reader = container.open_entry(entry, &mut handle, &budget)?;
        match Table::open(reader, &entry.name, kind, &options.limits) {
            Ok(table) => {
                if !table.has_header() {
                    empty.push(entry.name.clone());
                }
                readable.push((kind, name, index));
            }
            Err(err @ ImportError::MissingColumn { .. }) if !kind.yields_events() => {
                report.not_used.push(UnusedFile {
                    name,
                    reason: format!("cannot be read ({err}); left out, the rest is imported"),
                });
            }
            Err(err) => return Err(err),
        }
    }
    if readable.is_empty() {
        return Err(ImportError::NotAnExport { path: path.display().to_string() });
    }
    let mut groups: Vec<FileGroup> = Vec::new();
    for (kind, name, index) in readable {
        if kind == FileKind::Articles
            && let Some(group) = groups.iter_mut().find(|g| g.kind == FileKind::Articles)
        {
            group.entries.push(index);
            continue;
        }
        let shown = if kind == FileKind::Articles {
            name.rsplit_once('/').map(|(dir, _)| format!("{dir}/")).unwrap_or(name)
        } else {
            name
        };
        groups.push(FileGroup { kind, report_index: report.files.len(), entries: vec![index] });
        report.files.push(FileReport::new(shown, kind));
    }
    for name in empty {
        report.notes.push(format!("{name} is empty"));
    }
    let handles = vec![None; container.entries.len()];
    Ok(Export {
        path: path.to_path_buf(),
        pseudo: Pseudonymizer::new(&options.pseudonym_key),
        options,
        container,
        report,
        groups,
        handles,
        identity: None,
    })
}

/// An opened export. See [`open_export`].
pub struct Export {
    path: PathBuf,
    options: ImportOptions,
    pseudo: Pseudonymizer,
    container: Container,
    report: ImportReport,
    groups: Vec<FileGroup>,
    /// One reader handle per container entry, lent to event passes.
    handles: Vec<Handle>,
    identity: Option<MemberIdentity>,
}

impl std::fmt::Debug for Export {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Export")
            .field("path", &self.path)
            .field("fingerprint", &self.container.fingerprint)
            .field("export_date", &self.container.export_date)
            .finish_non_exhaustive()
    }
}

impl Export {
    /// SHA-256 (hex) of the ZIP file's bytes, or for a folder of its files
    /// sorted by relative path, each path and content preceded by its length.
    /// The same export always has the same fingerprint.
    pub fn fingerprint(&self) -> &str {
        &self.container.fingerprint
    }

    /// The date in the archive's name (`…_LinkedInDataExport_MM-DD-YYYY.zip`),
    /// or in its single top-level folder's or the folder's name; else `None`.
    pub fn export_date(&self) -> Option<NaiveDate> {
        self.container.export_date
    }

    /// The path the export was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the import did so far; complete once [`Export::events`] has been
    /// run to its end (see [`ImportReport::events_complete`]).
    pub fn report(&self) -> &ImportReport {
        &self.report
    }

    /// The member's profile from Profile.csv, Profile Summary.csv, Positions,
    /// Education, Skills, Certifications, Languages, Projects, Publications,
    /// Honors and Rich Media (photo and banner hints).
    ///
    /// `taken_on` is the export's horizon (also in [`ImportReport::horizon`]):
    /// the date in its name; where the name carries none, the day of its
    /// newest row (one extra pass over the event files), or the latest
    /// modification day of the archive's recognised entries where that agrees
    /// with the rows (LinkedIn writes them when it builds the export; see
    /// [`undated_export_horizon`]); with no dated row at all, the entries' or
    /// else the archive's own modification day. The day the import runs is
    /// never used.
    pub fn profile(&mut self) -> Result<ProfileSnapshot, ImportError> {
        self.ensure_identity()?;
        let horizon = self.taken_on()?;
        let taken_on = horizon.day;
        self.report.horizon = Some(horizon);
        let budget = StreamBudget::new(self.options.limits.max_total_uncompressed);
        let mut builder = ProfileBuilder::new(ProfileSnapshot::empty(taken_on));
        let groups: Vec<FileGroup> = self
            .groups
            .iter()
            .filter(|g| !g.kind.yields_events() && !g.kind.identity_only())
            .cloned()
            .collect();
        for group in groups {
            let mut file_report = self.report.files[group.report_index].clone();
            file_report.reset();
            for index in &group.entries {
                let (label, fallback) =
                    self.read_rows(*index, group.kind, &budget, &mut file_report, |row| {
                        builder.add(group.kind, row)
                    })?;
                file_report.encoding = label;
                self.record_fallback(&file_report.name, fallback);
            }
            for note in builder.notes.drain(..) {
                self.report.notes.push(format!(
                    "{} line {}: {} in no known format, read as unknown",
                    file_report.name, note.line, note.column
                ));
            }
            self.report.files[group.report_index] = file_report;
        }
        let mut profile = builder.profile;
        profile.messages_unknown =
            self.groups.iter().any(|g| g.kind == FileKind::Messages) && !self.report.member.direction_known;
        if profile.profile_url.is_none() {
            profile.profile_url = self.identity.as_ref().and_then(|i| i.raw_url.clone());
        }
        let note = format!("profile taken_on {taken_on} from {}", horizon.source.describe());
        self.report.notes.retain(|n| !n.starts_with("profile taken_on"));
        self.report.notes.push(note);
        Ok(profile)
    }

    /// Streams every event of the export, file by file (Connections,
    /// Invitations, messages, Shares, InstantReposts, Comments, Reactions,
    /// Votes, Articles, Endorsements, Recommendations, SearchQueries, Logins,
    /// Company Follows, Member Follows, Events); events within a file come in
    /// file order, not necessarily chronological.
    ///
    /// An `Err` item aborts the import (the iterator ends after it): roll
    /// back whatever was stored. Rows that cannot be used are skipped and
    /// listed in [`Export::report`]. Each call starts a fresh pass.
    pub fn events(&mut self) -> Events<'_> {
        let pending_error = self.ensure_identity().err();
        let Export { container, options, pseudo, report, groups, handles, identity, .. } = self;
        let identity: &MemberIdentity = identity.get_or_insert_with(MemberIdentity::default);
        let sources = EventSources { container, limits: &options.limits, pseudo, identity, groups, handles };
        Events::new(sources, report, pending_error)
    }

    /// Streams the rows of entry `index` (a `kind` file) into `on_row`,
    /// counting rows and skips into `file_report`; returns the encoding label
    /// and fallback line.
    fn read_rows(
        &self,
        index: usize,
        kind: FileKind,
        budget: &StreamBudget,
        file_report: &mut FileReport,
        mut on_row: impl FnMut(&Row<'_>) -> Result<(), Skip>,
    ) -> Result<(String, Option<u64>), ImportError> {
        let max_details = self.options.limits.max_skip_details;
        let entry = &self.container.entries[index];
        let mut handle: Handle = None;
        let reader = self.container.open_entry(entry, &mut handle, budget)?;
        let mut table = Table::open(reader, &entry.name, kind, &self.options.limits)?;
        while let Some(read) = table.next_row()? {
            file_report.rows_read += 1;
            match read {
                RowRead::Bad { line, field, reason } => {
                    file_report.skip(Some(line), field, reason, max_details, None)
                }
                RowRead::Row(row) => {
                    if let Err(skip) = on_row(&row) {
                        let field = skip.field.map(str::to_string);
                        let value = skip.field.map(|f| row.get(f));
                        file_report.skip(Some(row.line), field, skip.reason, max_details, value);
                    }
                }
            }
        }
        Ok(table.encoding())
    }

    fn record_fallback(&mut self, file: &str, fallback: Option<u64>) {
        self.report.encoding_fallbacks.retain(|f| f.file != file);
        if let Some(from_line) = fallback {
            self.report.encoding_fallbacks.push(EncodingFallback {
                file: file.to_string(),
                from_line,
                encoding: "windows-1252".to_string(),
            });
        }
    }

    /// Works out who the member is, from every clue the export offers (see
    /// docs/import.md, "Who the member is"): the name and URL in Profile.csv,
    /// the name given with `--member`, the sender of outgoing invitations
    /// (the recipient of incoming ones), and, when the own profile URL is
    /// still unknown, the participant present in nearly every conversation of
    /// messages.csv. Also derives the account keys from Email Addresses.csv
    /// and Registration.csv. The evidence that decided is reported.
    fn ensure_identity(&mut self) -> Result<(), ImportError> {
        if self.identity.is_some() {
            return Ok(());
        }
        let budget = StreamBudget::new(self.options.limits.max_total_uncompressed);
        let mut clues = Clues::default();
        let identity_files = |kind: FileKind| {
            matches!(
                kind,
                FileKind::Profile | FileKind::Invitations | FileKind::EmailAddresses | FileKind::Registration
            )
        };
        for group in self.groups.iter().filter(|g| identity_files(g.kind)) {
            let mut scratch = FileReport::new(String::new(), group.kind);
            for index in &group.entries {
                let (encoding, _) = self.read_rows(*index, group.kind, &budget, &mut scratch, |row| {
                    clues.note(group.kind, row);
                    Ok(())
                })?;
                scratch.encoding = encoding;
            }
            if group.kind.identity_only()
                && let Some(file) = self.report.files.get_mut(group.report_index)
            {
                file.rows_read = scratch.rows_read;
                file.encoding = scratch.encoding.clone();
            }
        }
        let mut identity = MemberIdentity::default();
        let mut evidence = Vec::new();
        if let Some(name) = clues.profile_name.take() {
            identity.name = Some(name);
            evidence.push("the name in Profile.csv".to_string());
        }
        if let Some((url, raw, source)) = clues.url.take() {
            identity.url = Some(url);
            identity.raw_url = Some(raw);
            evidence.push(source.to_string());
        }
        let given = self.options.member_name.as_deref().map(normalise_name).filter(|n| !n.is_empty());
        for (name, source) in given
            .map(|n| (n, "the name given with --member"))
            .into_iter()
            .chain(clues.invitation_names.drain(..).map(|n| (n, "the sender's name on outgoing invitations")))
        {
            if identity.name.as_ref() != Some(&name) && !identity.other_names.contains(&name) {
                identity.other_names.push(name);
                evidence.push(source.to_string());
            }
        }
        let mut direction_written = false;
        // Without a URL, a name only tells the member's messages apart if it
        // takes part in them: a label given with --member that signs no
        // message would otherwise make every message "received".
        let mut takes_part = true;
        if identity.url.is_none() {
            let messages: Vec<FileGroup> =
                self.groups.iter().filter(|g| g.kind == FileKind::Messages).cloned().collect();
            let mut participation = Participation::default();
            for group in &messages {
                let mut scratch = FileReport::new(String::new(), group.kind);
                for index in &group.entries {
                    self.read_rows(*index, group.kind, &budget, &mut scratch, |row| {
                        participation.add(row);
                        Ok(())
                    })?;
                }
            }
            takes_part = infer_from_participation(&mut identity, &mut evidence, &participation);
            direction_written = participation.has_direction;
            if direction_written {
                evidence.push("the Direction column of messages (2018 layout)".to_string());
            }
        }
        let mut account_keys: Vec<String> =
            clues.emails.iter().map(|email| self.pseudo.account("email", email)).collect();
        if let Some(at) = clues.registered {
            account_keys.push(self.pseudo.account("registered", &at.to_string()));
        }
        if let Some(url) = &identity.url {
            account_keys.push(self.pseudo.account("url", url));
        }
        account_keys.sort();
        account_keys.dedup();
        let direction_known = direction_written
            || identity.url.is_some()
            || (takes_part && (identity.name.is_some() || !identity.other_names.is_empty()));
        identity.undecided = !direction_known;
        self.report.member = MemberReport {
            name_known: identity.name.is_some(),
            profile_url_known: identity.url.is_some(),
            direction_known,
            evidence,
            account_keys,
        };
        self.identity = Some(identity);
        Ok(())
    }

    /// The profile's day, which is the export's horizon, and where it came
    /// from (see [`Export::profile`]).
    fn taken_on(&mut self) -> Result<Horizon, ImportError> {
        if let Some(day) = self.container.export_date {
            return Ok(Horizon { day, source: HorizonSource::FileName });
        }
        let linkedin_start = NaiveDate::from_ymd_opt(2003, 1, 1).unwrap_or(NaiveDate::MIN);
        let entry_day = self
            .container
            .entries
            .iter()
            .filter(|e| matches!(e.recognition, Recognition::Used(_)))
            .filter_map(|e| e.modified)
            .filter(|day| *day >= linkedin_start)
            .max();
        // The newest row needs one extra pass over the event files: an
        // undated export is rare enough, and a wrong horizon (a 2021 export
        // re-zipped today claiming five idle years) is worse than the pass.
        let mut scratch = self.report.clone();
        let mut latest: Option<DateTime<Utc>> = None;
        {
            let Export { container, options, pseudo, groups, handles, identity, .. } = self;
            let identity: &MemberIdentity = identity.get_or_insert_with(MemberIdentity::default);
            let sources =
                EventSources { container, limits: &options.limits, pseudo, identity, groups, handles };
            for event in Events::new(sources, &mut scratch, None) {
                let at = event?.at;
                latest = Some(latest.map_or(at, |l| l.max(at)));
            }
        }
        if let Some(horizon) = undated_export_horizon(latest.map(|at| at.date_naive()), entry_day) {
            return Ok(horizon);
        }
        let modified = std::fs::metadata(&self.path)
            .and_then(|m| m.modified())
            .map_err(|source| ImportError::Io { path: self.path.display().to_string(), source })?;
        Ok(Horizon { day: DateTime::<Utc>::from(modified).date_naive(), source: HorizonSource::EntryTimes })
    }
}

/// What the identity files tell of the member, before it is weighed.
#[derive(Default)]
struct Clues {
    profile_name: Option<String>,
    /// The own URL, as normalised and as written, and where it came from.
    url: Option<(String, String, &'static str)>,
    invitation_names: Vec<String>,
    emails: Vec<String>,
    /// The registration instant, Unix seconds.
    registered: Option<i64>,
}

impl Clues {
    /// Takes what a Profile, Invitations, Email Addresses or Registration row tells.
    fn note(&mut self, kind: FileKind, row: &Row<'_>) {
        match kind {
            FileKind::Profile if self.profile_name.is_none() => {
                let name = normalise_name(&format!("{} {}", row.get("First Name"), row.get("Last Name")));
                if !name.is_empty() {
                    self.profile_name = Some(name);
                }
                self.set_url(row.get("Profile URL"), "the profile URL in Profile.csv");
            }
            FileKind::Invitations => match row.get("Direction").to_ascii_uppercase().as_str() {
                "OUTGOING" => {
                    self.set_url(
                        row.get("inviterProfileUrl"),
                        "the sender's profile URL on outgoing invitations",
                    );
                    let name = normalise_name(row.get("From"));
                    if !name.is_empty() && !self.invitation_names.contains(&name) {
                        self.invitation_names.push(name);
                    }
                }
                "INCOMING" => self.set_url(
                    row.get("inviteeProfileUrl"),
                    "the recipient's profile URL on incoming invitations",
                ),
                _ => {}
            },
            FileKind::EmailAddresses => {
                let email = row.get("Email Address").trim().to_lowercase();
                if email.contains('@') && !self.emails.contains(&email) {
                    self.emails.push(email);
                }
            }
            FileKind::Registration if self.registered.is_none() => {
                self.registered = parse_timestamp(row.get("Registered At")).map(|at| at.timestamp());
            }
            _ => {}
        }
    }

    fn set_url(&mut self, raw: &str, source: &'static str) {
        let url = normalise_profile_url(raw);
        if !url.is_empty() && self.url.is_none() {
            self.url = Some((url, raw.trim().to_string(), source));
        }
    }
}

/// Learns the member's name or URL from who takes part in the conversations
/// of messages.csv: a form of a known name present in nearly every
/// conversation, or, when nothing else is known, the one participant who is.
///
/// Returns whether the member is then known to take part in the
/// conversations (always, when there are none to go by).
fn infer_from_participation(
    identity: &mut MemberIdentity,
    evidence: &mut Vec<String>,
    participation: &Participation,
) -> bool {
    let total = participation.total();
    if total == 0 {
        return true;
    }
    let known: Vec<String> = identity.name.iter().chain(&identity.other_names).cloned().collect();
    let best_known = known.iter().map(|name| participation.name_count(name)).max().unwrap_or(0);
    if best_known * 2 >= total {
        evidence.push(format!("that name is a participant in {best_known} of {total} conversations"));
        return true;
    }
    let names = participation.frequent_names();
    if let Some(variant) = names.iter().find(|f| known.iter().any(|k| is_variant(&f.value, k))) {
        identity.other_names.push(variant.value.clone());
        evidence.push(format!(
            "a shorter or longer form of that name, a participant in {} of {total} conversations",
            variant.conversations
        ));
        return true;
    }
    let mut found = best_known > 0;
    // A known name that takes part in no conversation at all (a label given
    // with --member, say) cannot be how messages name the member.
    if (known.is_empty() || best_known == 0)
        && let Some(only) = Participation::only_constant(&names, total)
    {
        identity.other_names.push(only.value.clone());
        evidence.push(format!(
            "the one name taking part in {} of {total} conversations of messages.csv",
            only.conversations
        ));
        found = true;
    }
    let urls = participation.frequent_urls();
    if let Some(only) = Participation::only_constant(&urls, total) {
        identity.url = Some(only.value.clone());
        evidence.push(format!(
            "the one profile URL taking part in {} of {total} conversations of messages.csv",
            only.conversations
        ));
        found = true;
    }
    found
}
