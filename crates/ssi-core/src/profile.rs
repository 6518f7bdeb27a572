//! A snapshot of the member's own profile, as far as profile completeness can be judged from it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One position (job) on the profile.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Position {
    /// Job title as written on the profile.
    pub title: String,
    /// Company name.
    pub company: String,
    /// Whether the position has a description.
    pub has_description: bool,
    /// First day of the month the position started, when known.
    pub started_on: Option<NaiveDate>,
    /// First day of the month it ended; `None` for a current position.
    pub finished_on: Option<NaiveDate>,
}

impl Position {
    /// A position with no end date is the member's current job.
    pub fn is_current(&self) -> bool {
        self.finished_on.is_none()
    }
}

/// Everything about the member's profile that the scoring model can use.
///
/// Sections that are lists are kept as counts where the score only needs a
/// count; texts are kept where the score (or the advice) reads them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProfileSnapshot {
    /// The day this snapshot describes (for an export: the export's date).
    pub taken_on: NaiveDate,
    /// The member's first name.
    pub first_name: String,
    /// The member's last name.
    pub last_name: String,
    /// Headline under the name.
    pub headline: Option<String>,
    /// Length in characters of the About section (the text itself is not needed).
    pub summary_chars: u32,
    /// Industry as the member set it.
    pub industry: Option<String>,
    /// Location as the member set it.
    pub location: Option<String>,
    /// The member's own public profile URL, when the export names it.
    pub profile_url: Option<String>,
    /// Positions, current and past.
    pub positions: Vec<Position>,
    /// Number of schools in Education.
    pub education: u32,
    /// Skill names.
    pub skills: Vec<String>,
    /// Number of certifications.
    pub certifications: u32,
    /// Number of languages.
    pub languages: u32,
    /// Number of projects.
    pub projects: u32,
    /// Number of publications.
    pub publications: u32,
    /// Number of honors and awards.
    pub honors: u32,
    /// Number of websites listed.
    pub websites: u32,
    /// Whether a profile photo upload is known (the export only hints at it).
    pub has_photo: bool,
    /// Whether a background banner upload is known.
    pub has_banner: bool,
    /// Whether the export could not tell the member's own messages from
    /// others' (no name, URL or layout to go by): the components that read
    /// messages are then explained as unknown rather than as zero.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub messages_unknown: bool,
}

impl ProfileSnapshot {
    /// An empty profile for the given day.
    pub fn empty(taken_on: NaiveDate) -> Self {
        ProfileSnapshot { taken_on, ..Default::default() }
    }

    /// The member's full name, trimmed.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name.trim(), self.last_name.trim()).trim().to_string()
    }

    /// The current positions (no end date).
    pub fn current_positions(&self) -> impl Iterator<Item = &Position> {
        self.positions.iter().filter(|p| p.is_current())
    }
}
