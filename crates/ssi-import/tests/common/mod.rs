//! Shared helpers for the integration tests: synthetic exports written as ZIP archives or folders.
#![allow(dead_code, unreachable_pub)]

use ssi_core::{ActivityEvent, ActivityKind};
use ssi_import::{Export, ImportError, ImportOptions, Limits, open_export};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The pseudonym key every test uses.
pub const KEY: [u8; 32] = [7; 32];

pub fn options() -> ImportOptions {
    ImportOptions::new(KEY)
}

pub fn options_with(limits: Limits) -> ImportOptions {
    ImportOptions { pseudonym_key: KEY, limits, member_name: None }
}

/// A synthetic export: relative path → bytes.
#[derive(Clone, Default)]
pub struct ExportFiles {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl ExportFiles {
    pub fn new() -> Self {
        ExportFiles::default()
    }

    pub fn with(mut self, name: &str, content: impl AsRef<[u8]>) -> Self {
        self.files.insert(name.to_string(), content.as_ref().to_vec());
        self
    }

    pub fn without(mut self, name: &str) -> Self {
        self.files.remove(name);
        self
    }

    /// Writes a deflated ZIP `zip_name` into `dir`, entries under `top` if given.
    pub fn write_zip(&self, dir: &Path, zip_name: &str, top: Option<&str>) -> PathBuf {
        self.write_zip_stamped(dir, zip_name, top, zip::DateTime::default())
    }

    /// Like [`ExportFiles::write_zip`], every entry stamped `modified`.
    pub fn write_zip_stamped(
        &self,
        dir: &Path,
        zip_name: &str,
        top: Option<&str>,
        modified: zip::DateTime,
    ) -> PathBuf {
        let path = dir.join(zip_name);
        let mut writer = ZipWriter::new(std::fs::File::create(&path).unwrap());
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(modified);
        if let Some(top) = top {
            writer.add_directory(format!("{top}/"), options).unwrap();
        }
        for (name, content) in &self.files {
            let name = match top {
                Some(top) => format!("{top}/{name}"),
                None => name.clone(),
            };
            writer.start_file(name, options).unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap();
        path
    }

    /// Writes the files into a new folder `name` inside `dir`.
    pub fn write_folder(&self, dir: &Path, name: &str) -> PathBuf {
        let root = dir.join(name);
        for (file, content) in &self.files {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        std::fs::create_dir_all(&root).unwrap();
        root
    }
}

/// Runs the event iterator to its end: the events, and the error that ended it if any.
pub fn drain(export: &mut Export) -> (Vec<ActivityEvent>, Option<ImportError>) {
    let mut events = Vec::new();
    for item in export.events() {
        match item {
            Ok(event) => events.push(event),
            Err(err) => return (events, Some(err)),
        }
    }
    (events, None)
}

/// Opens and drains, panicking on any error.
pub fn import(path: &Path) -> (Export, Vec<ActivityEvent>) {
    let mut export = open_export(path, options()).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let (events, error) = drain(&mut export);
    assert!(error.is_none(), "import aborted: {error:?}");
    (export, events)
}

pub fn count(events: &[ActivityEvent], kind: ActivityKind) -> usize {
    events.iter().filter(|e| e.kind == kind).count()
}

pub const PROFILE: &str = "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\n\
Ada,Lovelace,,\"12 Secret Street, London\",Oct 18,Head of Analytical Engines,\"I build engines.\nSecond line.\",Computer Software,SW1A 1AA,\"London, England, United Kingdom\",[adal],\"[PORTFOLIO:https://ada.example],[BLOG:https://blog.ada.example]\",\n";

pub const PROFILE_SUMMARY: &str = "Profile Summary\n\"A much longer About text, written in the newer Profile Summary file of 2026 archives.\"\n";

pub const POSITIONS: &str = "Company Name,Title,Description,Location,Started On,Finished On\n\
Analytical Engines Ltd,Head of Engines,Builds engines,London,Nov 2021,\n\
Babbage & Co,Analyst,,London,2015,Oct 2021\n";

pub const EDUCATION: &str =
    "School Name,Start Date,End Date,Notes,Degree Name,Activities\nHome Schooling,2010,2014,,,\n";
pub const SKILLS: &str = "Name\nMathematics\nPoetry\n\"\"\n";
pub const CERTIFICATIONS: &str = "Name,Url,Authority,Started On,Finished On,License Number\nDifference Engine Operator,https://cert.example,Babbage Institute,Nov 2022,,X-1\n";
pub const LANGUAGES: &str =
    "Name,Proficiency\nEnglish,Native or bilingual proficiency\nFrench,Professional working proficiency\n";
pub const PROJECTS: &str =
    "Title,Description,Url,Started On,Finished On\nNote G,Bernoulli numbers,,Jan 1843,Sep 1843\n";
pub const PUBLICATIONS: &str =
    "Name,Published On,Description,Publisher,Url\nSketch of the Analytical Engine,Sep 1843,,Taylor,\n";
pub const HONORS: &str = "Title,Description,Issued On\nCountess,,Jul 1838\n";
pub const RICH_MEDIA: &str = "Date/Time,Media Description,Media Link\n\
\"You uploaded a profile photo on April 12, 2026 at 8:03 AM (GMT)\",,https://media.example/1\n\
\"You uploaded a background photo on April 13, 2026 at 9:00 AM (GMT)\",,https://media.example/2\n";

pub const CONNECTIONS: &str = "Notes:\n\
\"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address.\"\n\
\n\
First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
Charles,Babbage,https://www.linkedin.com/in/charles-babbage,charles@babbage.example,Difference Engines,Chief Executive Officer,17 Nov 2021\n\
Mary,Somerville,https://www.linkedin.com/in/mary-somerville,,Royal Society,Science Writer,02 Jan 2022\n";

pub const INVITATIONS: &str = "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n\
Ada Lovelace,Michael Faraday,\"11/16/21, 9:40 AM\",\"Hi Michael, loved your lecture\",OUTGOING,https://www.linkedin.com/in/ada-lovelace,https://www.linkedin.com/in/michael-faraday\n\
John Herschel,Ada Lovelace,\"01/02/22, 3:04 PM\",,INCOMING,https://www.linkedin.com/in/john-herschel,https://www.linkedin.com/in/ada-lovelace\n";

pub const MESSAGES_2026: &str = "\"CONVERSATION ID\",\"CONVERSATION TITLE\",\"FROM\",\"SENDER PROFILE URL\",\"TO\",\"RECIPIENT PROFILE URLS\",\"DATE\",\"SUBJECT\",\"CONTENT\",\"FOLDER\",\"ATTACHMENTS\",\"IS MESSAGE DRAFT\",\"IS CONVERSATION DRAFT\"\n\
2-conv1,,Charles Babbage,https://www.linkedin.com/in/charles-babbage,Ada Lovelace,https://www.linkedin.com/in/ada-lovelace,2021-11-17 18:14:58 UTC,SubjectLine42,\"Secret body one\nsecond line with \"\"quotes\"\"\",INBOX,,false,false\n\
2-conv1,,Ada Lovelace,https://www.linkedin.com/in/ada-lovelace,Charles Babbage,https://www.linkedin.com/in/charles-babbage,2021-11-17 19:00:00 UTC,RE: SubjectLine42,Secret reply body,INBOX,,false,false\n\
2-conv2,,Ada Lovelace,https://www.linkedin.com/in/ada-lovelace,\"Mary Somerville, Charles Babbage\",\"https://www.linkedin.com/in/mary-somerville;https://www.linkedin.com/in/charles-babbage\",2021-11-18 10:00:00 UTC,,Group secret body,INBOX,,false,false\n\
2-conv3,,Ada Lovelace,https://www.linkedin.com/in/ada-lovelace,Mary Somerville,https://www.linkedin.com/in/mary-somerville,2021-11-19 10:00:00 UTC,,Draft secret body,INBOX,,true,false\n";

pub const SHARES: &str = "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n\
2021-10-27 19:36:45,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A1,\"\"\"Excited to share\"\"\n\"\"Second line\"\"\",,,MEMBER_NETWORK\n\
2021-10-28 08:00:00,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A2,,https://news.example/x,,MEMBER_NETWORK\n\
2021-10-29 08:00:00,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A3,\"\"\"\"\"\",,,MEMBER_NETWORK\n";

pub const INSTANT_REPOSTS: &str =
    "Date,Link\n2021-11-01 10:00:00,https://www.linkedin.com/feed/update/urn:li:activity:9\n";

pub const COMMENTS: &str = "Date,Link,Message\n\
2021-11-02 10:00:00,https://www.linkedin.com/feed/update/urn:li:activity:1,\"He said \\\"great\\\", I agree\"\n\
,https://www.linkedin.com/feed/update/urn:li:activity:2,Blank date comment\n\
2021-11-03 10:00:00,https://www.linkedin.com/feed/update/urn:li:activity:3,Another\n";

pub const REACTIONS: &str = "Date,Type,Link\n\
2021-11-04 10:00:00,LIKE,https://www.linkedin.com/feed/update/urn:li:activity:4\n\
2021-11-04 11:00:00,EMPATHY,https://www.linkedin.com/feed/update/urn:li:activity:5\n";

pub const VOTES: &str = "Date,Link,OptionText\n2021-11-05 10:00:00,https://www.linkedin.com/feed/update/urn:li:activity:6,Option A\n";

pub const ENDORSEMENTS_RECEIVED: &str = "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorser Public Url,Endorsement Status\n\
2021/09/14 12:18:19 UTC,Mathematics,Charles,Babbage,https://www.linkedin.com/in/charles-babbage,ACCEPTED\n\
2021/09/15 12:00:00 UTC,Poetry,Lord,Byron,,REJECTED\n";

pub const ENDORSEMENTS_GIVEN: &str = "Endorsement Date,Skill Name,Endorsee First Name,Endorsee Last Name,Endorsee Public Url,Endorsement Status\n\
2021/09/16 12:00:00 UTC,Engines,Charles,Babbage,https://www.linkedin.com/in/charles-babbage,ACCEPTED\n";

pub const RECOMMENDATIONS_RECEIVED: &str = "First Name,Last Name,Company,Job Title,Text,Creation Date,Status\n\
Charles,Babbage,Difference Engines,Chief Executive Officer,\"Ada is brilliant\",\"01/02/06, 3:04 PM\",VISIBLE\n";

pub const RECOMMENDATIONS_GIVEN: &str = "First Name,Last Name,Company,Job Title,Text,Creation Date,Status\n\
Mary,Somerville,Royal Society,Science Writer,\"Mary explains everything\",\"10/11/21, 9:00 AM\",VISIBLE\n";

pub const SEARCH_QUERIES: &str = "Time,Search Query\n2021/10/14 19:15:57 UTC,analytical poets\n";

pub const LOGINS: &str = "Login Date,IP Address,User Agent,Login Type\n\
Fri Sep 24 12:35:41 UTC 2021,203.0.113.7,\"Mozilla/5.0 (X11; Linux x86_64)\",WEB\n\
Fri Sep 24 18:00:00 UTC 2021,203.0.113.7,\"Mozilla/5.0 (X11; Linux x86_64)\",WEB\n\
Sat Sep 25 08:00:00 UTC 2021,198.51.100.2,\"LinkedIn iOS\",MOBILE\n";

pub const COMPANY_FOLLOWS: &str = "Organization,Followed On\nRoyal Society,Tue Sep 28 09:08:27 UTC 2021\n";

pub const MEMBER_FOLLOWS: &str = "Notes:\n\"This file lists the members you follow.\"\n\nDate,Status,FullName\n2021-08-24 22:24:35,Active,Mary Somerville\n";

pub const EVENTS: &str = "Event Name,Event Time,Status,External Url\n\
Engine Meetup,2021-12-01 18:00:00 UTC,Attending,\n\
Boring Talk,2021-12-02 18:00:00 UTC,Declined,\n";

pub const ARTICLE: &str = "<html><head><title>On Engines</title></head><body><h1><a href=\"https://www.linkedin.com/pulse/on-engines-ada-lovelace\">On Engines</a></h1><p class=\"published\">Published on 2021-12-05 10:25</p><div>Secret article body</div></body></html>";

pub const ARTICLE_UNDATED: &str = "<html><head><title>Draft</title></head><body><h1><a href=\"https://www.linkedin.com/pulse/draft-ada\">Draft</a></h1></body></html>";

/// A complete 2026-style export: every file type, plus files that are not SSI inputs.
pub fn full_export() -> ExportFiles {
    ExportFiles::new()
        .with("Profile.csv", PROFILE)
        .with("Profile Summary.csv", PROFILE_SUMMARY)
        .with("Positions.csv", POSITIONS)
        .with("Education.csv", EDUCATION)
        .with("Skills.csv", SKILLS)
        .with("Certifications.csv", CERTIFICATIONS)
        .with("Languages.csv", LANGUAGES)
        .with("Projects.csv", PROJECTS)
        .with("Publications.csv", PUBLICATIONS)
        .with("Honors.csv", HONORS)
        .with("Rich_Media.csv", RICH_MEDIA)
        .with("Connections.csv", CONNECTIONS)
        .with("Invitations.csv", INVITATIONS)
        .with("messages.csv", MESSAGES_2026)
        .with("Shares_123456789.csv", SHARES)
        .with("InstantReposts_123456789.csv", INSTANT_REPOSTS)
        .with("Comments_123456789.csv", COMMENTS)
        .with("Reactions_123456789.csv", REACTIONS)
        .with("Votes.csv", VOTES)
        .with("Endorsement_Received_Info.csv", ENDORSEMENTS_RECEIVED)
        .with("Endorsement_Given_Info.csv", ENDORSEMENTS_GIVEN)
        .with("Recommendations_Received.csv", RECOMMENDATIONS_RECEIVED)
        .with("Recommendations_Given.csv", RECOMMENDATIONS_GIVEN)
        .with("SearchQueries.csv", SEARCH_QUERIES)
        .with("Logins.csv", LOGINS)
        .with("Company Follows.csv", COMPANY_FOLLOWS)
        .with("Member_Follows.csv", MEMBER_FOLLOWS)
        .with("Events.csv", EVENTS)
        .with("Articles/Articles/On Engines.html", ARTICLE)
        .with("Articles/Articles/Draft.html", ARTICLE_UNDATED)
        .with("Jobs/Saved Jobs.csv", "Saved Date,Job Url,Job Title,Company Name\n\"11/5/21, 6:29 PM\",https://jobs.example,Engineer,Acme\n")
        .with("Ad_Targeting.csv", "Member Age,Company Names\n25 to 34,Acme\n")
        .with("guide_messages.csv", "CONVERSATION ID,FROM,DATE,CONTENT\n1,Guide,2021-01-01 00:00:00 UTC,Hello from the assistant\n")
        .with("Email Addresses.csv", "Email Address,Confirmed,Primary,Updated On\nada@lovelace.example,Yes,Yes,Not Available\n")
        .with("PhoneNumbers.csv", "Extension,Number,Type\n,+44 20 7946 0000,Mobile\n")
        .with("Mystery.csv", "a,b\n1,2\n")
}

pub const MESSAGES_2021: &str = "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER\n\
2-conv1,,Charles Babbage,https://www.linkedin.com/in/charles-babbage,Ada Lovelace,2021-11-17 18:14:58 UTC,SubjectLine42,\"Secret body one\nsecond line with \"\"quotes\"\"\",INBOX\n\
2-conv1,,Ada Lovelace,https://www.linkedin.com/in/ada-lovelace,Charles Babbage,2021-11-17 19:00:00 UTC,RE: SubjectLine42,Secret reply body,INBOX\n";

pub const CONNECTIONS_2021: &str = "Notes:\n\"When exporting your connection data, you may notice that some of the email addresses are missing.\"\n\n\
First Name,Last Name,Email Address,Company,Position,Connected On\n\
Charles,Babbage,charles@babbage.example,Difference Engines,Chief Executive Officer,17 Nov 2021\n";

/// A 2021-style export: older names and layouts.
pub fn export_2021() -> ExportFiles {
    ExportFiles::new()
        .with("Profile.csv", PROFILE)
        .with("Connections.csv", CONNECTIONS_2021)
        .with("Invitations.csv", "From,To,Sent At,Message,Direction\nAda Lovelace,Michael Faraday,\"11/16/21, 9:40 AM\",,OUTGOING\n")
        .with("messages.csv", MESSAGES_2021)
        .with("Shares.csv", SHARES)
        .with("Rich Media.csv", "Type,Link\nProfile Photo,https://media.example/old\n")
        .with("Endorsement Received Info.csv", "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorsement Status\n2021/09/14 12:18:19 UTC,Mathematics,Charles,Babbage,ACCEPTED\n")
        .with("Recommendations Received.csv", RECOMMENDATIONS_RECEIVED)
}
