//! Building the member's [`ProfileSnapshot`] from the profile files of the export.

use crate::catalog::FileKind;
use crate::dates::parse_profile_date;
use crate::error::SkipReason;
use crate::mapping::Skip;
use crate::table::Row;
use ssi_core::{Position, ProfileSnapshot};

/// Saturating count conversion.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Websites as Profile.csv lists them: `[PORTFOLIO:https://a.com],[BLOG:https://b.com]`,
/// or a plain comma-separated list in older archives.
pub(crate) fn count_websites(text: &str) -> u32 {
    let text = text.trim();
    if text.is_empty() {
        return 0;
    }
    if text.contains('[') {
        return count(text.matches('[').count());
    }
    count(text.split([',', ';']).filter(|w| !w.trim().is_empty()).count())
}

/// Whether a Rich Media row tells of a profile photo or of a background banner.
pub(crate) fn media_hints(cells: &[&str]) -> (bool, bool) {
    let text = cells.join(" ").to_lowercase();
    let photo = ["profile photo", "profile picture", "profile image", "profilephoto"]
        .iter()
        .any(|w| text.contains(w));
    let banner = ["background", "banner", "cover photo", "cover image"].iter().any(|w| text.contains(w));
    (photo, banner)
}

/// A note about a value that was read as empty (the row itself is kept).
pub(crate) struct Note {
    pub(crate) line: u64,
    pub(crate) column: &'static str,
}

/// Folds the rows of one profile file into `profile`.
pub(crate) struct ProfileBuilder {
    pub(crate) profile: ProfileSnapshot,
    /// Whether Profile.csv's first row has been read (later rows are ignored).
    seen_profile_row: bool,
    pub(crate) notes: Vec<Note>,
}

impl ProfileBuilder {
    pub(crate) fn new(profile: ProfileSnapshot) -> Self {
        ProfileBuilder { profile, seen_profile_row: false, notes: Vec::new() }
    }

    /// Reads one row of a `kind` file.
    pub(crate) fn add(&mut self, kind: FileKind, row: &Row<'_>) -> Result<(), Skip> {
        let blank = |field: &'static str| Skip { field: Some(field), reason: SkipReason::BlankField };
        let p = &mut self.profile;
        match kind {
            FileKind::Profile => {
                if self.seen_profile_row {
                    return Ok(());
                }
                self.seen_profile_row = true;
                p.first_name = row.get("First Name").to_string();
                p.last_name = row.get("Last Name").to_string();
                p.headline = non_empty(row.get("Headline"));
                p.summary_chars = p.summary_chars.max(count(row.get("Summary").chars().count()));
                p.industry = non_empty(row.get("Industry"));
                p.location = non_empty(row.get("Geo Location"));
                p.websites = count_websites(row.get("Websites"));
                if let Some(url) = non_empty(row.get("Profile URL")) {
                    p.profile_url = Some(url);
                }
            }
            FileKind::ProfileSummary => {
                p.summary_chars = p.summary_chars.max(count(row.get("Profile Summary").chars().count()));
            }
            FileKind::Positions => {
                let title = row.get("Title");
                let company = row.get("Company Name");
                if title.is_empty() && company.is_empty() {
                    return Err(blank("Title"));
                }
                let started_on = self.profile_date(row, "Started On");
                let finished_on = self.profile_date(row, "Finished On");
                self.profile.positions.push(Position {
                    title: title.to_string(),
                    company: company.to_string(),
                    has_description: !row.get("Description").is_empty(),
                    started_on,
                    finished_on,
                });
            }
            FileKind::Education => counted(&mut p.education, row.get("School Name"), "School Name")?,
            FileKind::Skills => {
                let name = row.get("Name");
                if name.is_empty() {
                    return Err(blank("Name"));
                }
                p.skills.push(name.to_string());
            }
            FileKind::Certifications => counted(&mut p.certifications, row.get("Name"), "Name")?,
            FileKind::Languages => counted(&mut p.languages, row.get("Name"), "Name")?,
            FileKind::Projects => counted(&mut p.projects, row.get("Title"), "Title")?,
            FileKind::Publications => counted(&mut p.publications, row.get("Name"), "Name")?,
            FileKind::Honors => counted(&mut p.honors, row.get("Title"), "Title")?,
            FileKind::RichMedia => {
                let (photo, banner) = media_hints(row.cells());
                p.has_photo |= photo;
                p.has_banner |= banner;
            }
            _ => {}
        }
        Ok(())
    }

    /// A month-precision date; a value in no known format is noted and read as unknown.
    fn profile_date(&mut self, row: &Row<'_>, column: &'static str) -> Option<chrono::NaiveDate> {
        let text = row.get(column);
        if text.is_empty() {
            return None;
        }
        let date = parse_profile_date(text);
        if date.is_none() {
            self.notes.push(Note { line: row.line, column });
        }
        date
    }
}

fn counted(counter: &mut u32, value: &str, column: &'static str) -> Result<(), Skip> {
    if value.is_empty() {
        return Err(Skip { field: Some(column), reason: SkipReason::BlankField });
    }
    *counter = counter.saturating_add(1);
    Ok(())
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websites_are_counted_in_both_layouts() {
        assert_eq!(count_websites("[PORTFOLIO:https://a.com],[BLOG:https://b.com]"), 2);
        assert_eq!(count_websites("https://a.com, https://b.com"), 2);
        assert_eq!(count_websites(""), 0);
    }

    #[test]
    fn media_hints_read_prose_and_old_types() {
        assert_eq!(
            media_hints(&["You uploaded a profile photo on April 12, 2026 at 8:03 AM (GMT)", ""]),
            (true, false)
        );
        assert_eq!(media_hints(&["Background Image", "https://x"]), (false, true));
        assert_eq!(media_hints(&["You uploaded a document"]), (false, false));
    }
}
