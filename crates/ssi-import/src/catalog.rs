//! Which export files ssi knows, how their names vary, and which columns each must have.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A file of the export that ssi reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// `Profile.csv`: name, headline, summary, industry, location, websites.
    Profile,
    /// `Profile Summary.csv`: the About text in newer archives.
    ProfileSummary,
    /// `Positions.csv`.
    Positions,
    /// `Education.csv`.
    Education,
    /// `Skills.csv`.
    Skills,
    /// `Certifications.csv`.
    Certifications,
    /// `Languages.csv`.
    Languages,
    /// `Projects.csv`.
    Projects,
    /// `Publications.csv`.
    Publications,
    /// `Honors.csv`.
    Honors,
    /// `Rich_Media.csv` (older `Rich Media.csv`): photo and banner upload hints.
    RichMedia,
    /// `Connections.csv`.
    Connections,
    /// `Invitations.csv` (pending requests only).
    Invitations,
    /// `messages.csv`.
    Messages,
    /// `Shares.csv`.
    Shares,
    /// `InstantReposts.csv`.
    InstantReposts,
    /// `Comments.csv`.
    Comments,
    /// `Reactions.csv`.
    Reactions,
    /// `Votes.csv` (poll votes).
    Votes,
    /// `Articles/Articles/*.html`.
    Articles,
    /// `Endorsement_Received_Info.csv`.
    EndorsementsReceived,
    /// `Endorsement_Given_Info.csv`.
    EndorsementsGiven,
    /// `Recommendations_Received.csv`.
    RecommendationsReceived,
    /// `Recommendations_Given.csv`.
    RecommendationsGiven,
    /// `SearchQueries.csv`.
    SearchQueries,
    /// `Logins.csv`.
    Logins,
    /// `Company Follows.csv`.
    CompanyFollows,
    /// `Member_Follows.csv`.
    MemberFollows,
    /// `Events.csv`.
    Events,
    /// `Email Addresses.csv`: read only to derive a keyed account identity
    /// (the addresses are hashed at once, never kept).
    EmailAddresses,
    /// `Registration.csv`: the registration instant, read only to derive a
    /// keyed account identity.
    Registration,
}

impl FileKind {
    /// Every kind, in the order files are read.
    pub const ALL: [FileKind; 31] = [
        FileKind::Profile,
        FileKind::ProfileSummary,
        FileKind::Positions,
        FileKind::Education,
        FileKind::Skills,
        FileKind::Certifications,
        FileKind::Languages,
        FileKind::Projects,
        FileKind::Publications,
        FileKind::Honors,
        FileKind::RichMedia,
        FileKind::Connections,
        FileKind::Invitations,
        FileKind::Messages,
        FileKind::Shares,
        FileKind::InstantReposts,
        FileKind::Comments,
        FileKind::Reactions,
        FileKind::Votes,
        FileKind::Articles,
        FileKind::EndorsementsReceived,
        FileKind::EndorsementsGiven,
        FileKind::RecommendationsReceived,
        FileKind::RecommendationsGiven,
        FileKind::SearchQueries,
        FileKind::Logins,
        FileKind::CompanyFollows,
        FileKind::MemberFollows,
        FileKind::Events,
        FileKind::EmailAddresses,
        FileKind::Registration,
    ];

    /// The stable snake_case name (also the domain tag of natural keys).
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Profile => "profile",
            FileKind::ProfileSummary => "profile_summary",
            FileKind::Positions => "positions",
            FileKind::Education => "education",
            FileKind::Skills => "skills",
            FileKind::Certifications => "certifications",
            FileKind::Languages => "languages",
            FileKind::Projects => "projects",
            FileKind::Publications => "publications",
            FileKind::Honors => "honors",
            FileKind::RichMedia => "rich_media",
            FileKind::Connections => "connections",
            FileKind::Invitations => "invitations",
            FileKind::Messages => "messages",
            FileKind::Shares => "shares",
            FileKind::InstantReposts => "instant_reposts",
            FileKind::Comments => "comments",
            FileKind::Reactions => "reactions",
            FileKind::Votes => "votes",
            FileKind::Articles => "articles",
            FileKind::EndorsementsReceived => "endorsements_received",
            FileKind::EndorsementsGiven => "endorsements_given",
            FileKind::RecommendationsReceived => "recommendations_received",
            FileKind::RecommendationsGiven => "recommendations_given",
            FileKind::SearchQueries => "search_queries",
            FileKind::Logins => "logins",
            FileKind::CompanyFollows => "company_follows",
            FileKind::MemberFollows => "member_follows",
            FileKind::Events => "events",
            FileKind::EmailAddresses => "email_addresses",
            FileKind::Registration => "registration",
        }
    }

    /// Whether the file yields activity events (the others feed the profile).
    pub fn yields_events(self) -> bool {
        !matches!(
            self,
            FileKind::Profile
                | FileKind::ProfileSummary
                | FileKind::Positions
                | FileKind::Education
                | FileKind::Skills
                | FileKind::Certifications
                | FileKind::Languages
                | FileKind::Projects
                | FileKind::Publications
                | FileKind::Honors
                | FileKind::RichMedia
                | FileKind::EmailAddresses
                | FileKind::Registration
        )
    }

    /// Whether the file is read only to tell who the member's account is.
    pub fn identity_only(self) -> bool {
        matches!(self, FileKind::EmailAddresses | FileKind::Registration)
    }

    /// The columns ssi reads from the file; see [`Column`].
    pub(crate) fn columns(self) -> &'static [Column] {
        use columns::*;
        match self {
            FileKind::Profile => PROFILE,
            FileKind::ProfileSummary => PROFILE_SUMMARY,
            FileKind::Positions => POSITIONS,
            FileKind::Education => EDUCATION,
            FileKind::Skills | FileKind::Certifications | FileKind::Languages => NAMED,
            FileKind::Projects => PROJECTS,
            FileKind::Publications => PUBLICATIONS,
            FileKind::Honors => HONORS,
            FileKind::RichMedia => RICH_MEDIA,
            FileKind::Connections => CONNECTIONS,
            FileKind::Invitations => INVITATIONS,
            FileKind::Messages => MESSAGES,
            FileKind::Shares => SHARES,
            FileKind::InstantReposts => INSTANT_REPOSTS,
            FileKind::Comments => COMMENTS,
            FileKind::Reactions => REACTIONS,
            FileKind::Votes => VOTES,
            FileKind::Articles => &[],
            FileKind::EndorsementsReceived => ENDORSEMENTS_RECEIVED,
            FileKind::EndorsementsGiven => ENDORSEMENTS_GIVEN,
            FileKind::RecommendationsReceived | FileKind::RecommendationsGiven => RECOMMENDATIONS,
            FileKind::SearchQueries => SEARCH_QUERIES,
            FileKind::Logins => LOGINS,
            FileKind::CompanyFollows => COMPANY_FOLLOWS,
            FileKind::MemberFollows => MEMBER_FOLLOWS,
            FileKind::Events => EVENTS,
            FileKind::EmailAddresses => EMAIL_ADDRESSES,
            FileKind::Registration => REGISTRATION,
        }
    }

    /// Whether quotes inside fields are escaped as `\"` (Comments).
    pub(crate) fn backslash_escapes(self) -> bool {
        self == FileKind::Comments
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A column ssi reads: LinkedIn's name for it, the normalised header names
/// it is found under (see [`normalise_header`]), and whether the file is
/// unusable without it.
#[derive(Debug)]
pub(crate) struct Column {
    pub(crate) name: &'static str,
    pub(crate) aliases: &'static [&'static str],
    pub(crate) required: bool,
}

const fn required(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column { name, aliases, required: true }
}

const fn optional(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column { name, aliases, required: false }
}

/// Column lists per file. Columns ssi must never read (e-mail addresses,
/// phone numbers, IP addresses, user agents, message subjects) are simply not
/// listed, so they are never looked at.
mod columns {
    use super::{Column, optional, required};

    pub(super) const PROFILE: &[Column] = &[
        required("First Name", &["firstname"]),
        required("Last Name", &["lastname"]),
        optional("Headline", &["headline"]),
        optional("Summary", &["summary"]),
        optional("Industry", &["industry"]),
        optional("Geo Location", &["geolocation", "location"]),
        optional("Websites", &["websites", "website"]),
        optional("Profile URL", &["profileurl", "publicprofileurl", "url"]),
    ];
    pub(super) const PROFILE_SUMMARY: &[Column] =
        &[required("Profile Summary", &["profilesummary", "summary"])];
    pub(super) const POSITIONS: &[Column] = &[
        required("Company Name", &["companyname", "company"]),
        required("Title", &["title"]),
        optional("Description", &["description"]),
        optional("Started On", &["startedon", "startdate"]),
        optional("Finished On", &["finishedon", "enddate"]),
    ];
    pub(super) const EDUCATION: &[Column] = &[required("School Name", &["schoolname", "school"])];
    pub(super) const NAMED: &[Column] = &[required("Name", &["name"])];
    pub(super) const PROJECTS: &[Column] = &[required("Title", &["title", "name"])];
    pub(super) const PUBLICATIONS: &[Column] = &[required("Name", &["name", "title"])];
    pub(super) const HONORS: &[Column] = &[required("Title", &["title", "name"])];
    pub(super) const RICH_MEDIA: &[Column] = &[
        optional("Date/Time", &["datetime", "date"]),
        optional("Media Description", &["mediadescription", "description"]),
        optional("Type", &["type", "mediatype"]),
    ];
    pub(super) const CONNECTIONS: &[Column] = &[
        required("First Name", &["firstname"]),
        required("Last Name", &["lastname"]),
        optional("URL", &["url", "profileurl"]),
        optional("Company", &["company"]),
        optional("Position", &["position"]),
        required("Connected On", &["connectedon"]),
    ];
    pub(super) const INVITATIONS: &[Column] = &[
        required("From", &["from"]),
        required("To", &["to"]),
        required("Sent At", &["sentat"]),
        optional("Message", &["message"]),
        optional("Direction", &["direction"]),
        optional("inviterProfileUrl", &["inviterprofileurl"]),
        optional("inviteeProfileUrl", &["inviteeprofileurl"]),
    ];
    /// The 2018 layout has only `From,To,Date,Subject,Content,Direction,Folder`:
    /// no conversation id, no URLs, and the direction written out.
    pub(super) const MESSAGES: &[Column] = &[
        optional("CONVERSATION ID", &["conversationid"]),
        required("FROM", &["from"]),
        optional("SENDER PROFILE URL", &["senderprofileurl"]),
        optional("TO", &["to"]),
        optional("RECIPIENT PROFILE URLS", &["recipientprofileurls", "recipientprofileurl"]),
        required("DATE", &["date"]),
        optional("CONTENT", &["content"]),
        optional("FOLDER", &["folder"]),
        optional("DIRECTION", &["direction"]),
        optional("IS MESSAGE DRAFT", &["ismessagedraft"]),
        optional("IS CONVERSATION DRAFT", &["isconversationdraft"]),
    ];
    pub(super) const SHARES: &[Column] = &[
        required("Date", &["date"]),
        optional("ShareLink", &["sharelink"]),
        optional("ShareCommentary", &["sharecommentary"]),
        optional("SharedUrl", &["sharedurl"]),
        optional("MediaUrl", &["mediaurl"]),
    ];
    pub(super) const INSTANT_REPOSTS: &[Column] = &[required("Date", &["date"]), optional("Link", &["link"])];
    pub(super) const COMMENTS: &[Column] =
        &[required("Date", &["date"]), optional("Link", &["link"]), optional("Message", &["message"])];
    pub(super) const REACTIONS: &[Column] =
        &[required("Date", &["date"]), optional("Type", &["type"]), optional("Link", &["link"])];
    pub(super) const VOTES: &[Column] =
        &[required("Date", &["date"]), optional("Link", &["link"]), optional("OptionText", &["optiontext"])];
    pub(super) const ENDORSEMENTS_RECEIVED: &[Column] = &[
        required("Endorsement Date", &["endorsementdate"]),
        optional("Skill Name", &["skillname"]),
        optional("Endorser First Name", &["endorserfirstname"]),
        optional("Endorser Last Name", &["endorserlastname"]),
        optional("Endorser Public Url", &["endorserpublicurl"]),
        optional("Endorsement Status", &["endorsementstatus", "status"]),
    ];
    pub(super) const ENDORSEMENTS_GIVEN: &[Column] = &[
        required("Endorsement Date", &["endorsementdate"]),
        optional("Skill Name", &["skillname"]),
        optional("Endorsee First Name", &["endorseefirstname"]),
        optional("Endorsee Last Name", &["endorseelastname"]),
        optional("Endorsee Public Url", &["endorseepublicurl"]),
        optional("Endorsement Status", &["endorsementstatus", "status"]),
    ];
    pub(super) const RECOMMENDATIONS: &[Column] = &[
        optional("First Name", &["firstname"]),
        optional("Last Name", &["lastname"]),
        optional("Company", &["company"]),
        optional("Job Title", &["jobtitle", "title"]),
        optional("Text", &["text"]),
        required("Creation Date", &["creationdate"]),
        optional("Status", &["status"]),
    ];
    pub(super) const SEARCH_QUERIES: &[Column] =
        &[required("Time", &["time", "date"]), optional("Search Query", &["searchquery", "query"])];
    pub(super) const LOGINS: &[Column] = &[required("Login Date", &["logindate", "date"])];
    pub(super) const COMPANY_FOLLOWS: &[Column] = &[
        required("Organization", &["organization", "organisation", "company"]),
        required("Followed On", &["followedon"]),
    ];
    pub(super) const MEMBER_FOLLOWS: &[Column] = &[
        required("Date", &["date"]),
        optional("Status", &["status"]),
        required("FullName", &["fullname", "name"]),
    ];
    /// Only the address is looked up, and only to be hashed.
    pub(super) const EMAIL_ADDRESSES: &[Column] = &[
        required("Email Address", &["emailaddress", "email", "emailaddresses"]),
        optional("Primary", &["primary"]),
    ];
    pub(super) const REGISTRATION: &[Column] =
        &[required("Registered At", &["registeredat", "registrationdate", "registeredon"])];
    pub(super) const EVENTS: &[Column] = &[
        required("Event Name", &["eventname", "name"]),
        required("Event Time", &["eventtime", "time", "date"]),
        optional("Status", &["status"]),
        optional("External Url", &["externalurl", "url"]),
    ];
}

/// A header cell reduced for matching: letters and digits only, lower case
/// (`"CONVERSATION ID"`, `conversation_id` and `Conversation-Id` all become
/// `conversationid`). Quotes and a stray BOM vanish with the punctuation.
pub(crate) fn normalise_header(cell: &str) -> String {
    cell.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// What a path inside the export is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Recognition {
    /// A file ssi reads.
    Used(FileKind),
    /// A known file that is not an SSI input, with the reason.
    NotUsed(&'static str),
    /// Not a file of the export as ssi knows it.
    Unknown,
}

/// A file's base name reduced for matching: lower case, `_` and `-` as
/// spaces, runs of spaces collapsed, and a trailing numeric member id dropped
/// (`Shares_123456789.csv` → `shares`).
pub(crate) fn normalise_file_stem(stem: &str) -> String {
    let lowered = stem.to_lowercase().replace(['_', '-'], " ");
    let mut words: Vec<&str> = lowered.split_whitespace().collect();
    if words.len() > 1 && words.last().is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit())) {
        words.pop();
    }
    words.join(" ")
}

/// Recognises a path (relative, `/`-separated) inside the export.
pub(crate) fn recognise(rel_path: &str) -> Recognition {
    let mut components: Vec<&str> = rel_path.split('/').filter(|c| !c.is_empty()).collect();
    let Some(base) = components.pop() else {
        return Recognition::Unknown;
    };
    let (stem, extension) = match base.rsplit_once('.') {
        Some((stem, extension)) => (stem, extension.to_ascii_lowercase()),
        None => (base, String::new()),
    };
    match extension.as_str() {
        "html" | "htm" => {
            let in_articles = components.last().is_some_and(|dir| dir.eq_ignore_ascii_case("articles"));
            return if in_articles { Recognition::Used(FileKind::Articles) } else { Recognition::Unknown };
        }
        "zip" | "gz" | "tgz" | "7z" | "rar" | "tar" => {
            return Recognition::NotUsed("nested archive: not opened");
        }
        "csv" => {}
        _ => return Recognition::Unknown,
    }
    let name = normalise_file_stem(stem);
    let kind = match name.as_str() {
        "profile" => FileKind::Profile,
        "profile summary" => FileKind::ProfileSummary,
        "positions" => FileKind::Positions,
        "education" => FileKind::Education,
        "skills" => FileKind::Skills,
        "certifications" => FileKind::Certifications,
        "languages" => FileKind::Languages,
        "projects" => FileKind::Projects,
        "publications" => FileKind::Publications,
        "honors" | "honours" => FileKind::Honors,
        "rich media" | "richmedia" => FileKind::RichMedia,
        "connections" => FileKind::Connections,
        "invitations" => FileKind::Invitations,
        "messages" => FileKind::Messages,
        "shares" => FileKind::Shares,
        "instantreposts" | "instant reposts" => FileKind::InstantReposts,
        "comments" => FileKind::Comments,
        "reactions" => FileKind::Reactions,
        "votes" => FileKind::Votes,
        "endorsement received info" | "endorsements received info" => FileKind::EndorsementsReceived,
        "endorsement given info" | "endorsements given info" => FileKind::EndorsementsGiven,
        "recommendations received" => FileKind::RecommendationsReceived,
        "recommendations given" => FileKind::RecommendationsGiven,
        "searchqueries" | "search queries" => FileKind::SearchQueries,
        "logins" => FileKind::Logins,
        "company follows" => FileKind::CompanyFollows,
        "member follows" => FileKind::MemberFollows,
        "events" => FileKind::Events,
        "email addresses" => FileKind::EmailAddresses,
        "registration" => FileKind::Registration,
        other => return not_used(other),
    };
    Recognition::Used(kind)
}

/// Known files that are not SSI inputs. Names are compared without spaces,
/// so `SavedJobAlerts` and `Saved Job Alerts` are one file.
fn not_used(name: &str) -> Recognition {
    let compact: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    let reason = match compact.as_str() {
        "guidemessages" | "learningcoachmessages" => "assistant chats, not messages between people",
        "savedjobs"
        | "jobapplications"
        | "jobseekerpreferences"
        | "savedjobalerts"
        | "jobapplicantsavedanswers"
        | "jobapplicantsavedscreeningquestionresponses" => "job search data: not an SSI input",
        "adtargeting" | "inferencesaboutyou" | "adsclicked" | "lanadsengagement" | "adsyouclicked" => {
            "advertising data: not an SSI input"
        }
        "phonenumbers"
        | "whatsappphonenumbers"
        | "contacts"
        | "importedcontacts"
        | "securitychallenges"
        | "privateidentityasset"
        | "verifications"
        | "receipts"
        | "receiptsv2" => "personal or account data: never read",
        "learning" | "learningroleplaymessages" => "LinkedIn Learning data: not an SSI input",
        "causesyoucareabout"
        | "hashtagfollows"
        | "groups"
        | "servicesmarketplace"
        | "providers"
        | "memberinterests"
        | "accounts"
        | "courses"
        | "patents"
        | "testscores"
        | "volunteering"
        | "volunteerexperiences"
        | "organizations"
        | "recommendations"
        | "savedarticles"
        | "saveditems"
        | "nominations"
        | "receivednominations"
        | "sharedmedia" => "not an SSI input",
        _ => return Recognition::Unknown,
    };
    Recognition::NotUsed(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_case_space_underscore_and_member_id() {
        assert_eq!(recognise("Shares_123456789.csv"), Recognition::Used(FileKind::Shares));
        assert_eq!(recognise("shares.CSV"), Recognition::Used(FileKind::Shares));
        assert_eq!(recognise("InstantReposts_42.csv"), Recognition::Used(FileKind::InstantReposts));
        assert_eq!(recognise("Messages.csv"), Recognition::Used(FileKind::Messages));
        assert_eq!(recognise("Rich Media.csv"), Recognition::Used(FileKind::RichMedia));
        assert_eq!(recognise("Rich_Media.csv"), Recognition::Used(FileKind::RichMedia));
        assert_eq!(
            recognise("Endorsement Received Info.csv"),
            Recognition::Used(FileKind::EndorsementsReceived)
        );
        assert_eq!(
            recognise("Recommendations Received.csv"),
            Recognition::Used(FileKind::RecommendationsReceived)
        );
        assert_eq!(recognise("Company_Follows.csv"), Recognition::Used(FileKind::CompanyFollows));
        assert_eq!(recognise("Member Follows.csv"), Recognition::Used(FileKind::MemberFollows));
        assert_eq!(recognise("Articles/Articles/My post.html"), Recognition::Used(FileKind::Articles));
        assert_eq!(recognise("Other/My post.html"), Recognition::Unknown);
        assert_eq!(
            recognise("Jobs/Saved Jobs.csv"),
            Recognition::NotUsed("job search data: not an SSI input")
        );
        assert!(matches!(recognise("guide_messages.csv"), Recognition::NotUsed(_)));
        assert_eq!(
            recognise("SavedJobAlerts.csv"),
            Recognition::NotUsed("job search data: not an SSI input")
        );
        assert_eq!(recognise("Email Addresses.csv"), Recognition::Used(FileKind::EmailAddresses));
        assert_eq!(recognise("Registration.csv"), Recognition::Used(FileKind::Registration));
        assert!(matches!(recognise("inner.zip"), Recognition::NotUsed(_)));
        assert_eq!(recognise("Mystery.csv"), Recognition::Unknown);
        assert_eq!(recognise("README.txt"), Recognition::Unknown);
    }

    #[test]
    fn headers_normalise_across_years() {
        assert_eq!(normalise_header("\"CONVERSATION ID\""), "conversationid");
        assert_eq!(normalise_header("\u{feff}First Name"), "firstname");
        assert_eq!(normalise_header("Date/Time"), "datetime");
        assert_eq!(normalise_header("inviterProfileUrl"), "inviterprofileurl");
    }
}
