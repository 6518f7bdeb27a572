//! Test helpers: a temporary home for each test, the `ssi` command set up to use it, and fixture exports.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The day every test pretends is today (`SSI_TODAY`).
pub(crate) const TODAY: &str = "2026-11-20";

/// The member the fixture export names.
pub(crate) const MEMBER: &str = "Ada Lovelace";

/// A temporary home: config, data and working files of one test.
pub(crate) struct TestEnv {
    dir: TempDir,
}

impl TestEnv {
    /// A fresh, empty home.
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temp dir");
        for sub in ["home", "config", "data", "work"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        TestEnv { dir }
    }

    /// A path inside the working folder.
    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join("work").join(relative)
    }

    /// Where ssi keeps its database by default, given this home.
    pub(crate) fn default_db(&self) -> PathBuf {
        self.dir.path().join("data").join("ssi").join("ssi.db")
    }

    /// Where ssi looks for its config file by default, given this home.
    pub(crate) fn default_config(&self) -> PathBuf {
        self.dir.path().join("config").join("ssi").join("config.toml")
    }

    /// `ssi` with HOME and the XDG folders inside this home, every `SSI_*`
    /// variable cleared except `SSI_TODAY`, and colours off.
    pub(crate) fn ssi(&self) -> Command {
        self.command(assert_cmd::cargo::cargo_bin("ssi"))
    }

    /// Runs `ssi ARGS` on a pseudo-terminal (util-linux `script`), feeding it
    /// `input`, and returns everything it wrote to the terminal, stdout and stderr mixed.
    pub(crate) fn in_terminal(&self, args: &[&str], input: &str, no_color: bool) -> (Option<i32>, String) {
        let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
        let bin = assert_cmd::cargo::cargo_bin("ssi");
        let line: Vec<String> =
            std::iter::once(bin.to_str().unwrap()).chain(args.iter().copied()).map(quote).collect();
        let mut cmd = self.command("script");
        if !no_color {
            cmd.env_remove("NO_COLOR");
        }
        let output = cmd.args(["-qec", &line.join(" "), "/dev/null"]).write_stdin(input).output().unwrap();
        (output.status.code(), String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// `program` with HOME and the XDG folders inside this home, every `SSI_*`
    /// variable cleared except `SSI_TODAY`, and colours off.
    pub(crate) fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        for var in ["SSI_DB", "SSI_MEMBER", "SSI_CONFIG", "SSI_LOG", "RUST_LOG", "CLICOLOR_FORCE"] {
            cmd.env_remove(var);
        }
        cmd.current_dir(self.dir.path().join("work"))
            .env("HOME", self.dir.path().join("home"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("SSI_TODAY", TODAY)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100");
        cmd
    }

    /// Runs `ssi ARGS`, asserts success and returns stdout.
    pub(crate) fn stdout(&self, args: &[&str]) -> String {
        let output = self.ssi().args(args).output().unwrap();
        assert!(
            output.status.success(),
            "ssi {args:?} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Runs `ssi ARGS --json`, asserts success and parses stdout.
    pub(crate) fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.push("--json");
        let text = self.stdout(&all);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("ssi {all:?} printed no JSON ({e}):\n{text}"))
    }

    /// Runs `ssi ARGS`, asserts it exits with `code`, and returns stderr.
    pub(crate) fn fails(&self, args: &[&str], code: i32) -> String {
        let output = self.ssi().args(args).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(code), "ssi {args:?}: stderr:\n{stderr}");
        stderr
    }

    /// Writes the fixture export as a folder and returns its path.
    pub(crate) fn export_folder(&self) -> PathBuf {
        let folder = self.path("Basic_LinkedInDataExport_11-20-2026");
        write_export(&folder, &FIXTURE);
        folder
    }

    /// Writes the fixture export as a ZIP (entries under one top-level folder) and returns its path.
    pub(crate) fn export_zip(&self) -> PathBuf {
        let zip_path = self.path("Basic_LinkedInDataExport_11-20-2026.zip");
        zip_files(&zip_path, "Basic_LinkedInDataExport_11-20-2026", &FIXTURE);
        zip_path
    }

    /// Imports the fixture export (as a folder) into the default database.
    pub(crate) fn imported(self) -> Self {
        let folder = self.export_folder();
        self.stdout(&["import", folder.to_str().unwrap()]);
        self
    }

    /// Writes a file in the working folder and returns its path.
    pub(crate) fn write(&self, relative: &str, content: &str) -> PathBuf {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, content).unwrap();
        path
    }
}

/// Writes `files` (relative path, content) into `folder`.
pub(crate) fn write_export(folder: &Path, files: &[(&str, &str)]) {
    for (name, content) in files {
        let path = folder.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
}

/// Zips `files` under `top/` into `zip_path`.
pub(crate) fn zip_files(zip_path: &Path, top: &str, files: &[(&str, &str)]) {
    use std::io::Write;
    let file = std::fs::File::create(zip_path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in files {
        zip.start_file(format!("{top}/{name}"), options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

/// Zips `files` under `top/` into `zip_path` without compression, so tests can corrupt entries byte by byte.
pub(crate) fn zip_files_stored(zip_path: &Path, top: &str, files: &[(&str, &str)]) {
    use std::io::Write;
    let file = std::fs::File::create(zip_path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, content) in files {
        zip.start_file(format!("{top}/{name}"), options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

/// The fixture: a small export of Ada Lovelace, dated 2026-11-20, with activity
/// in the weeks before, one bad row (an unreadable date) and one file ssi does not use.
pub(crate) const FIXTURE: [(&str, &str); 13] = [
    (
        "Profile.csv",
        "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\n\
         Ada,Lovelace,,,,Helping engineering teams turn data into decisions,\"I help engineering leaders ship analytics that people use. Twenty years of numbers, engines and the occasional poem: I write about data products, measurement and teams that learn fast.\",Computer Software,,\"London, United Kingdom\",,[PORTFOLIO:https://example.com],\n",
    ),
    (
        "Positions.csv",
        "Company Name,Title,Description,Location,Started On,Finished On\n\
         Analytical Engines Ltd,Head of Analytics,Leading the analytics team,London,Jan 2022,\n\
         Babbage & Co,Senior Analyst,Built the difference engine's reports,London,Mar 2018,Dec 2021\n\
         Royal Society,Analyst,,London,Jun 2015,Feb 2018\n",
    ),
    (
        "Education.csv",
        "School Name,Start Date,End Date,Notes,Degree Name,Activities\nUniversity of London,2011,2015,,BSc Mathematics,\n",
    ),
    ("Skills.csv", "Name\nAnalytics\nSQL\nRust\nStatistics\nData Visualization\nLeadership\n"),
    (
        "Connections.csv",
        "Notes:\n\"When exporting your connection data, you may notice that some of the email addresses are missing.\"\n\n\
         First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
         Grace,Hopper,https://www.linkedin.com/in/grace-hopper,,Navy Labs,Chief Technology Officer,02 Nov 2026\n\
         Alan,Turing,https://www.linkedin.com/in/alan-turing,,Bletchley Park,Director of Research,28 Oct 2026\n\
         Katherine,Johnson,https://www.linkedin.com/in/katherine-johnson,,NASA,Mathematician,15 Oct 2026\n\
         Tim,Berners-Lee,https://www.linkedin.com/in/tbl,,CERN,Founder,03 Sep 2026\n\
         Margaret,Hamilton,https://www.linkedin.com/in/margaret-hamilton,,MIT,VP Engineering,20 Jun 2026\n\
         Edsger,Dijkstra,https://www.linkedin.com/in/edsger-dijkstra,,Eindhoven University,Professor,11 Mar 2025\n",
    ),
    (
        "Invitations.csv",
        "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n\
         Ada Lovelace,Barbara Liskov,\"11/16/26, 9:40 AM\",Hello Barbara,OUTGOING,https://www.linkedin.com/in/ada-lovelace,https://www.linkedin.com/in/barbara-liskov\n",
    ),
    (
        "messages.csv",
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER\n\
         conv-1,,Grace Hopper,https://www.linkedin.com/in/grace-hopper,Ada Lovelace,https://www.linkedin.com/in/ada-lovelace,2026-11-10 09:14:58 UTC,,Hi Ada,INBOX\n\
         conv-1,,Ada Lovelace,https://www.linkedin.com/in/ada-lovelace,Grace Hopper,https://www.linkedin.com/in/grace-hopper,2026-11-10 11:02:00 UTC,,Hi Grace,INBOX\n\
         conv-2,,Alan Turing,https://www.linkedin.com/in/alan-turing,Ada Lovelace,https://www.linkedin.com/in/ada-lovelace,2026-11-12 15:30:00 UTC,,Question,INBOX\n",
    ),
    (
        "Shares.csv",
        "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n\
         2026-11-18 08:30:00,https://www.linkedin.com/feed/update/1,\"Measuring what matters\",,,MEMBER_NETWORK\n\
         2026-11-04 08:30:00,https://www.linkedin.com/feed/update/2,\"Three lessons from the engine room\",,,MEMBER_NETWORK\n\
         2026-10-21 08:30:00,https://www.linkedin.com/feed/update/3,,,,MEMBER_NETWORK\n\
         yesterday-ish,https://www.linkedin.com/feed/update/4,\"A post with a broken date\",,,MEMBER_NETWORK\n",
    ),
    (
        "Comments.csv",
        "Date,Link,Message\n\
         2026-11-19 10:00:00,https://www.linkedin.com/feed/update/9,Great point\n\
         2026-11-15 10:00:00,https://www.linkedin.com/feed/update/8,Agreed\n\
         2026-11-02 10:00:00,https://www.linkedin.com/feed/update/7,Thanks for sharing\n",
    ),
    (
        "Reactions.csv",
        "Date,Type,Link\n\
         2026-11-19 10:05:00,LIKE,https://www.linkedin.com/feed/update/9\n\
         2026-11-17 12:00:00,PRAISE,https://www.linkedin.com/feed/update/10\n\
         2026-11-11 12:00:00,INTEREST,https://www.linkedin.com/feed/update/11\n\
         2026-10-30 12:00:00,LIKE,https://www.linkedin.com/feed/update/12\n",
    ),
    (
        "SearchQueries.csv",
        "Time,Search Query\n2026/11/19 19:15:57 UTC,head of analytics\n2026/11/13 09:00:00 UTC,data director london\n",
    ),
    (
        "Logins.csv",
        "Login Date,IP Address,User Agent,Login Type\n\
         Fri Nov 20 08:00:00 UTC 2026,192.0.2.1,Mozilla/5.0,WEB\n\
         Wed Nov 18 08:00:00 UTC 2026,192.0.2.1,Mozilla/5.0,WEB\n\
         Mon Nov 16 08:00:00 UTC 2026,192.0.2.1,Mozilla/5.0,WEB\n\
         Fri Nov 13 08:00:00 UTC 2026,192.0.2.1,Mozilla/5.0,WEB\n",
    ),
    ("Ad_Targeting.csv", "Member Age,Company Names\n25 to 34,Analytical Engines Ltd\n"),
];
