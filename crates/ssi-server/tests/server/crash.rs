//! Crash safety and load with faults, against the real binary: SIGKILL during upload
//! imports (each import whole or absent, re-upload works) and during pushes (every
//! acknowledged push present, no push half stored), and a short concurrent load of
//! writers and readers across a SIGTERM restart and a SIGKILL restart (no 5xx, every
//! acknowledged write present). `cargo xtask load` runs the long version.

use crate::process::{
    ADMIN, ServerProcess, agent, call, member_with_token, push_body, sample_export_bytes, upload,
    wait_for_job,
};
use crate::support::{small_export_zip, sqlite_only};
use chrono::{Days, NaiveDate};
use serde_json::{Value, json};
use ssi_store::{MemberId, Store};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// Seeds the kill moments from the process id; printed so that a failure can be replayed.
fn seed() -> u64 {
    std::env::var("SSI_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(u64::from(std::process::id()))
}

/// A number in [0, 1) from a xorshift state.
fn unit(state: &mut u64) -> f64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    (*state >> 11) as f64 / (1u64 << 53) as f64
}

/// Opens the database of a stopped server (recovering it as the next start would) and
/// checks SQLite's integrity and foreign keys.
fn checked_store(database: &Path) -> Store {
    let store = Store::open(database).unwrap();
    store.check_integrity().unwrap_or_else(|e| panic!("integrity after a kill: {e}"));
    store
}

#[test]
fn sigkill_during_upload_imports_leaves_each_whole_or_absent_and_reupload_works() {
    sqlite_only!("checks the SQLite file (integrity_check, rows) after killing the server on it");
    const KILLS: usize = 3;
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("ssi.db");
    let bytes = sample_export_bytes();
    let agent = agent();
    let mut server = ServerProcess::start(dir.path(), &database, &[], &[]);

    // An uninterrupted import gives the full count and the duration the kills spread over.
    let (_, reference, token) = member_with_token(&agent, &server, "Reference Rita");
    let started = Instant::now();
    let (status, job) = upload(&agent, &server.base, reference, &token, &bytes).unwrap();
    assert_eq!(status, 202, "{job}");
    let done = wait_for_job(&agent, &server.base, job["id"].as_i64().unwrap(), &token).unwrap();
    let uninterrupted = started.elapsed();
    assert_eq!(done["state"], "succeeded", "{done}");
    let full = done["result"]["events_added"].as_u64().unwrap() as usize;
    assert!(full > 10_000, "{done}");

    let mut state = seed() | 1;
    let mut outcomes = Vec::new();
    for kill in 0..KILLS {
        let name = format!("Killed Kai {kill}");
        let (_, member, token) = member_with_token(&agent, &server, &name);
        let (status, job) = upload(&agent, &server.base, member, &token, &bytes).unwrap();
        assert_eq!(status, 202, "{job}");
        let at = uninterrupted.mul_f64(1.1 * (kill as f64 + unit(&mut state)) / KILLS as f64);
        std::thread::sleep(at);
        server.kill();

        let store = checked_store(&database);
        let events = store.load_events(MemberId(member)).unwrap().len();
        let imports = store.imports(MemberId(member)).unwrap().len();
        let context = format!("kill {kill} {at:?} after the upload (seed {})", seed());
        assert!(
            (events, imports) == (0, 0) || (events, imports) == (full, 1),
            "{context}: {events} events and {imports} imports of {full}"
        );
        assert_eq!(store.load_events(MemberId(reference)).unwrap().len(), full, "{context}");
        outcomes.push(if events == 0 { "absent" } else { "whole" });
        drop(store);

        server = ServerProcess::start(dir.path(), &database, &[], &[]);
        let (status, job) = upload(&agent, &server.base, member, &token, &bytes).unwrap();
        assert_eq!(status, 202, "{context}: {job}");
        let done = wait_for_job(&agent, &server.base, job["id"].as_i64().unwrap(), &token).unwrap();
        assert_eq!(done["state"], "succeeded", "{context}: {done}");
        let (status, score) =
            call(&agent, "GET", &server.url(&format!("/api/v1/members/{member}/score")), Some(&token), None)
                .unwrap();
        assert_eq!(status, 200, "{context}: {score}");
    }
    server.terminate();
    let store = checked_store(&database);
    for member in store.list_members().unwrap() {
        assert_eq!(store.load_events(member.id).unwrap().len(), full, "{}", member.name);
        assert_eq!(store.imports(member.id).unwrap().len(), 1, "{}", member.name);
    }
    eprintln!("{KILLS} kills during upload imports of {uninterrupted:?}: {outcomes:?}");
}

/// Pushes one day after another (a score and a reading each) until the server stops
/// answering; returns the days acknowledged with 200.
fn push_until_refused(agent: &ureq::Agent, base: &str, token: &str, first: NaiveDate) -> Vec<NaiveDate> {
    let mut acknowledged = Vec::new();
    for offset in 0..100_000u64 {
        let date = first + Days::new(offset);
        let total = 20.0 + (offset % 60) as f64;
        let mut body = push_body("crash", date, total);
        body["readings"] =
            json!([{"date": date, "total": total, "pillars": [null, null, null, null], "source": "push"}]);
        match call(agent, "POST", &format!("{base}/api/v1/push"), Some(token), Some(&body)) {
            Ok((200, _)) => acknowledged.push(date),
            Ok((status, body)) => panic!("push of {date} answered {status}: {body}"),
            Err(_) => break,
        }
    }
    acknowledged
}

#[test]
fn sigkill_during_pushes_keeps_every_acknowledged_push_and_never_half_of_one() {
    sqlite_only!("checks the SQLite file (integrity_check, rows) after killing the server on it");
    const KILLS: usize = 3;
    const PUSHERS: usize = 3;
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("ssi.db");
    let agent = agent();
    let mut server = ServerProcess::start(dir.path(), &database, &[], &[]);
    let members: Vec<(i64, String)> = (0..PUSHERS)
        .map(|i| {
            let (_, member, token) = member_with_token(&agent, &server, &format!("Pusher Pat {i}"));
            (member, token)
        })
        .collect();
    let mut state = seed() | 1;
    let mut acknowledged: Vec<Vec<NaiveDate>> = vec![Vec::new(); PUSHERS];
    let mut first = NaiveDate::from_ymd_opt(2010, 1, 1).unwrap();
    for kill in 0..KILLS {
        // Each pusher pushes its own member's days, from `first` on.
        let threads: Vec<_> = members
            .iter()
            .map(|(_, token)| {
                let (base, token) = (server.base.clone(), token.clone());
                std::thread::spawn(move || push_until_refused(&crate::process::agent(), &base, &token, first))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(500 + (700.0 * unit(&mut state)) as u64));
        server.kill();
        let acked: Vec<Vec<NaiveDate>> = threads.into_iter().map(|t| t.join().unwrap()).collect();

        let store = checked_store(&database);
        for (i, (member, _)) in members.iter().enumerate() {
            let scores: BTreeMap<NaiveDate, f64> = store
                .score_points(MemberId(*member), "push:crash", None, None)
                .unwrap()
                .into_iter()
                .map(|p| (p.date, p.total))
                .collect();
            let readings: BTreeMap<NaiveDate, f64> = store
                .readings(MemberId(*member), None, None)
                .unwrap()
                .into_iter()
                .map(|r| (r.date, r.total))
                .collect();
            for date in &acked[i] {
                assert!(scores.contains_key(date), "kill {kill}: acknowledged push of {date} lost");
            }
            assert_eq!(
                scores.keys().collect::<Vec<_>>(),
                readings.keys().collect::<Vec<_>>(),
                "kill {kill}: every push is stored with its reading or not at all"
            );
            // Besides the acknowledged pushes, at most the one in flight at each kill.
            let acknowledged_so_far = acknowledged[i].len() + acked[i].len();
            assert!(scores.len() <= acknowledged_so_far + kill + 1, "kill {kill}: {} stored", scores.len());
            acknowledged[i].extend(&acked[i]);
        }
        assert!(acked.iter().any(|a| !a.is_empty()), "kill {kill}: no push was acknowledged before it");
        drop(store);
        first = first + Days::new(1000);
        server = ServerProcess::start(dir.path(), &database, &[], &[]);
    }
    // After the last restart, pushes are taken again.
    let date = NaiveDate::from_ymd_opt(2009, 6, 1).unwrap();
    let body = push_body("crash", date, 50.0);
    let (status, answer) =
        call(&agent, "POST", &server.url("/api/v1/push"), Some(&members[0].1), Some(&body)).unwrap();
    assert_eq!(status, 200, "{answer}");
    let total: usize = acknowledged.iter().map(Vec::len).sum();
    eprintln!("{KILLS} kills during {PUSHERS} pushers: {total} acknowledged pushes, all present");
}

/// What the load's clients saw.
#[derive(Debug, Default)]
struct Tally {
    requests: AtomicU64,
    /// 5xx answers other than the documented "shutting down" refusal.
    server_errors: Mutex<Vec<String>>,
    refused_shutting_down: AtomicU64,
    unanswered: AtomicU64,
}

impl Tally {
    /// Counts an answer; returns whether it is a success.
    fn answer(&self, what: &str, result: Result<(u16, Value), ureq::Error>) -> Option<Value> {
        match result {
            Ok((status, body)) => {
                self.requests.fetch_add(1, Ordering::Relaxed);
                if status >= 500 {
                    let message = body["message"].as_str().unwrap_or_default();
                    if status == 503 && message.contains("shutting down") {
                        self.refused_shutting_down.fetch_add(1, Ordering::Relaxed);
                    } else {
                        self.server_errors.lock().unwrap().push(format!("{what}: {status} {body}"));
                    }
                    return None;
                }
                assert!(status < 400, "{what}: {status} {body}");
                Some(body)
            }
            Err(_) => {
                // Between a stop and the next start nothing listens.
                self.unanswered.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
                None
            }
        }
    }
}

#[test]
fn a_short_load_across_a_sigterm_and_a_sigkill_restart_loses_no_acknowledged_write() {
    sqlite_only!("checks the SQLite file (integrity_check, rows) after killing the server on it");
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("ssi.db");
    let agent = agent();
    let server = ServerProcess::start(dir.path(), &database, &[], &[]);
    let (team, _, _) = member_with_token(&agent, &server, "Load Lea");
    // Writers: two pushers, one reading writer, one uploader; each member their own.
    let mut members = Vec::new();
    for name in ["Load Pia", "Load Pete", "Load Rhea", "Load Uli"] {
        let (status, member) = call(
            &agent,
            "POST",
            &server.url(&format!("/api/v1/teams/{team}/members")),
            Some(ADMIN),
            Some(&json!({"name": name, "industry": "Software"})),
        )
        .unwrap();
        assert_eq!(status, 201, "{member}");
        let id = member["id"].as_i64().unwrap();
        let (status, token) = call(
            &agent,
            "POST",
            &server.url("/api/v1/tokens"),
            Some(ADMIN),
            Some(&json!({"role": "member", "member": id, "label": "load"})),
        )
        .unwrap();
        assert_eq!(status, 201, "{token}");
        members.push((id, token["token"].as_str().unwrap().to_string()));
    }
    let base = Arc::new(RwLock::new(server.base.clone()));
    let server = Arc::new(Mutex::new(server));
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Tally::default());
    let url = |base: &RwLock<String>, path: &str| format!("{}{path}", base.read().unwrap());

    let mut writers = Vec::new();
    for (i, (member, token)) in members.iter().take(2).cloned().enumerate() {
        let (base, stop, tally) = (base.clone(), stop.clone(), tally.clone());
        writers.push(std::thread::spawn(move || {
            let agent = crate::process::agent();
            let mut acked = Vec::new();
            let first = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + Days::new(i as u64 * 4000);
            let mut offset = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let date = first + Days::new(offset);
                let body = push_body("load", date, 30.0 + (offset % 40) as f64);
                let result = call(&agent, "POST", &url(&base, "/api/v1/push"), Some(&token), Some(&body));
                if tally.answer("push", result).is_some() {
                    acked.push(date);
                    offset += 1;
                }
            }
            (member, acked)
        }));
    }
    let readings_writer = {
        let (member, token) = members[2].clone();
        let (base, stop, tally) = (base.clone(), stop.clone(), tally.clone());
        std::thread::spawn(move || {
            let agent = crate::process::agent();
            let mut acked = Vec::new();
            let first = NaiveDate::from_ymd_opt(2012, 1, 1).unwrap();
            while !stop.load(Ordering::Relaxed) {
                let date = first + Days::new(acked.len() as u64);
                let body = json!({"date": date, "total": 41.5, "pillars": [12.1, 9.0, 8.4, 12.0], "source": "manual"});
                let path = format!("/api/v1/members/{member}/readings");
                if tally
                    .answer("reading", call(&agent, "POST", &url(&base, &path), Some(&token), Some(&body)))
                    .is_some()
                {
                    acked.push(date);
                }
            }
            (member, acked)
        })
    };
    let uploader = {
        let (member, token) = members[3].clone();
        let (base, stop, tally) = (base.clone(), stop.clone(), tally.clone());
        std::thread::spawn(move || {
            let agent = crate::process::agent();
            let bytes = small_export_zip();
            let mut succeeded = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let server = base.read().unwrap().clone();
                let Some(job) = tally.answer("upload", upload(&agent, &server, member, &token, &bytes))
                else {
                    continue;
                };
                // The job is a row of the database: any start of the server answers for it.
                let Some(done) = wait_for_job(&agent, &server, job["id"].as_i64().unwrap(), &token) else {
                    continue;
                };
                if done["state"] == "succeeded" {
                    succeeded += 1;
                }
            }
            (member, succeeded)
        })
    };
    let readers: Vec<_> = (0..2)
        .map(|i| {
            let (member, token) = members[i].clone();
            let (base, stop, tally) = (base.clone(), stop.clone(), tally.clone());
            std::thread::spawn(move || {
                let agent = crate::process::agent();
                while !stop.load(Ordering::Relaxed) {
                    let path = if i == 0 {
                        format!("/api/v1/teams/{team}/leaderboard")
                    } else {
                        format!("/api/v1/members/{member}/history")
                    };
                    tally.answer("read", call(&agent, "GET", &url(&base, &path), Some(&token), None));
                }
            })
        })
        .collect();

    // One second of load, a graceful restart, another second, a hard restart, another second.
    for (phase, graceful) in [(0, true), (1, false)] {
        std::thread::sleep(Duration::from_secs(1));
        let mut running = server.lock().unwrap();
        if graceful {
            let status = running.terminate();
            assert!(status.success(), "phase {phase}: {status:?}");
        } else {
            running.kill();
        }
        *running = ServerProcess::start(dir.path(), &database, &[], &[]);
        *base.write().unwrap() = running.base.clone();
    }
    std::thread::sleep(Duration::from_secs(1));
    stop.store(true, Ordering::Relaxed);
    let pushed: Vec<(i64, Vec<NaiveDate>)> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    let (reading_member, readings_acked) = readings_writer.join().unwrap();
    let (upload_member, uploads_succeeded) = uploader.join().unwrap();
    for reader in readers {
        reader.join().unwrap();
    }
    let status = server.lock().unwrap().terminate();
    assert!(status.success());

    let errors = tally.server_errors.lock().unwrap().clone();
    assert!(errors.is_empty(), "5xx answers under load: {errors:?}");
    let store = checked_store(&database);
    let mut writes = 0;
    for (member, dates) in &pushed {
        let stored: Vec<NaiveDate> = store
            .score_points(MemberId(*member), "push:load", None, None)
            .unwrap()
            .into_iter()
            .map(|p| p.date)
            .collect();
        for date in dates {
            assert!(stored.contains(date), "acknowledged push of {date} for member {member} lost");
        }
        writes += dates.len();
    }
    let stored: Vec<NaiveDate> =
        store.readings(MemberId(reading_member), None, None).unwrap().into_iter().map(|r| r.date).collect();
    for date in &readings_acked {
        assert!(stored.contains(date), "acknowledged reading of {date} lost");
    }
    writes += readings_acked.len();
    if uploads_succeeded > 0 {
        assert_eq!(
            store.imports(MemberId(upload_member)).unwrap().len(),
            1,
            "a succeeded import is stored once"
        );
    }
    assert!(writes > 0, "the load acknowledged no write");
    eprintln!(
        "load: {} answers, {writes} writes acknowledged and present, {uploads_succeeded} uploads imported, \
         {} refused while shutting down, {} attempts while no server listened, 0 server errors",
        tally.requests.load(Ordering::Relaxed),
        tally.refused_shutting_down.load(Ordering::Relaxed),
        tally.unanswered.load(Ordering::Relaxed),
    );
}
