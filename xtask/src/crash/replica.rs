//! `cargo xtask crash --database postgres://…`: kills an `ssi-server` replica on PostgreSQL
//! with SIGKILL at random moments while it receives pushes, readings and export uploads,
//! restarts it, and checks after each kill that no write was lost or torn.
//!
//! One writer sends writes one at a time, in turn a push (three new days of a member's
//! scores), a manual reading (a new day) and an export upload (a small synthetic export,
//! a new one for its member while they last; acknowledged once its job has succeeded),
//! reading the store's row counts ([`PgStore::row_counts`]: every table of the store's
//! data) before each. The kills take the three kinds in turn: once the writer starts a
//! write of the kind whose turn it is, the replica gets SIGKILL at a moment drawn
//! uniformly from 0–120% of that kind's uninterrupted duration (measured once at the
//! start), and is started again. Then:
//!
//! - every write acknowledged so far, in every round, is in the database (the load's
//!   check, [`crate::load::verify`], read through `PgStore`);
//! - the row count of every table equals the counts before the write that was in flight
//!   (it is absent) or, when it does not, the counts after that same write was sent again
//!   to completion (it was whole: sending it again, which is idempotent, changed no
//!   count). Anything else is a torn write and fails the campaign.
//!
//! The writes are sent through the same client code as `cargo xtask load` (src/load.rs).

use super::Options;
use crate::gen_export::Rng;
use crate::load::{
    Account, Database, JobEnd, Readback, Server, agent, call, exports, push_body, reading_body, setup,
    upload, verify, wait_for_job,
};
use anyhow::{Context, Result, bail};
use chrono::{Days, NaiveDate};
use serde_json::Value;
use ssi_store::pg::PgStore;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Row counts of every table of the store's data, in copy order.
type Counts = Vec<(&'static str, i64)>;

/// Members that receive uploads, and exports for each: this many distinct imports
/// before an upload repeats one (a repeat is acknowledged as "already imported").
const UPLOAD_MEMBERS: usize = 6;
/// Distinct synthetic exports.
const EXPORTS: u64 = 4;

/// One write the writer sends.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Write {
    /// Three days from `start` of the push member's scores.
    Push { start: NaiveDate, total: f64 },
    /// A manual reading of `date` for the readings member.
    Reading { date: NaiveDate },
    /// Export `export` uploaded for upload member `member`.
    Upload { member: usize, export: usize },
}

impl Write {
    /// The `n`-th write of the campaign: push, reading and upload in turn, each kind with
    /// new days (or a new member/export pair) each time.
    fn nth(n: u64) -> Write {
        let first = NaiveDate::from_ymd_opt(2004, 1, 1).unwrap_or_default();
        let round = n / 3;
        match n % 3 {
            0 => Write::Push { start: first + Days::new(round * 3), total: 10.0 + (round % 80) as f64 },
            1 => Write::Reading { date: first + Days::new(round) },
            _ => {
                let pair = round as usize % (UPLOAD_MEMBERS * EXPORTS as usize);
                Write::Upload { member: pair % UPLOAD_MEMBERS, export: pair / UPLOAD_MEMBERS }
            }
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Write::Push { .. } => "push",
            Write::Reading { .. } => "reading",
            Write::Upload { .. } => "upload",
        }
    }
}

/// How one write ended.
#[derive(Debug)]
enum Sent {
    /// The server acknowledged it.
    Acknowledged,
    /// No answer came (the replica was killed).
    Unanswered,
}

/// The accounts written for and the exports uploaded.
struct Writer {
    /// Pushes, then readings, then the upload members.
    accounts: Vec<Account>,
    exports: Vec<Vec<u8>>,
}

impl Writer {
    /// Sends `write` to `base`; an error answer (any 4xx or 5xx) fails the campaign.
    fn send(&self, base: &str, write: Write) -> Result<Sent> {
        let agent = agent();
        let judge = |what: &str, result: Result<(u16, Value), ureq::Error>| -> Result<Option<Value>> {
            match result {
                Ok((status, body)) if status < 400 => Ok(Some(body)),
                Ok((status, body)) => bail!("{what}: {status} {body}"),
                Err(_) => Ok(None),
            }
        };
        let answered = match write {
            Write::Push { start, total } => {
                let account = &self.accounts[0];
                let body = push_body(start, total);
                judge(
                    "push",
                    call(&agent, "POST", &format!("{base}/api/v1/push"), &account.token, Some(&body)),
                )?
                .is_some()
            }
            Write::Reading { date } => {
                let account = &self.accounts[1];
                let url = format!("{base}/api/v1/members/{}/readings", account.member);
                judge("reading", call(&agent, "POST", &url, &account.token, Some(&reading_body(date))))?
                    .is_some()
            }
            Write::Upload { member, export } => {
                let account = &self.accounts[2 + member];
                let result = upload(&agent, base, account.member, &account.token, &self.exports[export]);
                match judge("upload", result)?.and_then(|job| job["id"].as_i64()) {
                    None => false,
                    Some(id) => {
                        let refusal = std::cell::RefCell::new(None);
                        let end = wait_for_job(&agent, base, id, &account.token, |_, result| {
                            judge("job", result).unwrap_or_else(|error| {
                                refusal.replace(Some(error));
                                None
                            })
                        });
                        if let Some(error) = refusal.into_inner() {
                            return Err(error);
                        }
                        match end {
                            JobEnd::Succeeded => true,
                            JobEnd::Failed => bail!("upload of export {export}: the import job failed"),
                            JobEnd::Unknown => false,
                        }
                    }
                }
            }
        };
        Ok(if answered { Sent::Acknowledged } else { Sent::Unanswered })
    }

    /// Records an acknowledged write the way the load's check reads it.
    fn record(&self, write: Write, acknowledged: &mut crate::load::Acknowledged) {
        match write {
            Write::Push { start, total } => {
                let member = self.accounts[0].member;
                acknowledged.pushes.extend((0..3).map(|d| (member, start + Days::new(d), total)));
            }
            Write::Reading { date } => acknowledged.readings.push((self.accounts[1].member, date)),
            Write::Upload { member, export } => {
                acknowledged.uploads.insert((self.accounts[2 + member].member, export));
                acknowledged.upload_jobs += 1;
            }
        }
    }
}

/// What the writer left when the replica stopped answering.
struct InFlight {
    /// The write that got no answer.
    write: Write,
    /// The counts read just before it was sent.
    before: Counts,
    /// Writes acknowledged in this round.
    acknowledged: Vec<Write>,
}

/// The write being sent: its number and when it was sent.
type Current = std::sync::Mutex<Option<(u64, Instant)>>;

/// Sends writes from `n` on, one at a time, until one gets no answer (the replica was
/// killed); `current` tells which one is on its way.
fn write_until_unanswered(
    writer: &Writer,
    store: &PgStore,
    base: &str,
    mut n: u64,
    current: &Current,
) -> Result<InFlight> {
    let mut acknowledged = Vec::new();
    loop {
        let before = store.row_counts()?;
        let write = Write::nth(n);
        if let Ok(mut current) = current.lock() {
            *current = Some((n, Instant::now()));
        }
        n += 1;
        match writer.send(base, write)? {
            Sent::Acknowledged => acknowledged.push(write),
            Sent::Unanswered => return Ok(InFlight { write, before, acknowledged }),
        }
    }
}

/// Runs `cargo xtask crash --database postgres://…`.
pub(crate) fn run(url: &str, options: &Options) -> Result<()> {
    let binary = crate::load::build_server(options.release)?;
    let work = crate::load::scratch("crash")?;
    let database = Database::Postgres(url.to_string());
    database.refuse_occupied()?;
    let log = |n: u32| work.join(format!("server-{n}.log"));
    let mut server = Server::start(&binary, &database, &log(0))?;
    let Readback::Postgres(store) = database.open()? else { bail!("{database} is not PostgreSQL") };
    let (_, accounts) = setup(&agent(), &server.base, 2 + UPLOAD_MEMBERS)?;
    let writer = Arc::new(Writer { accounts, exports: exports(EXPORTS)? });

    // One uninterrupted write of each kind: the scale of the kill moments.
    let mut n = 0u64;
    let mut acknowledged = crate::load::Acknowledged::default();
    let mut durations = [Duration::ZERO; 3];
    for duration in &mut durations {
        let write = Write::nth(n);
        n += 1;
        let started = Instant::now();
        match writer.send(&server.base, write)? {
            Sent::Acknowledged => writer.record(write, &mut acknowledged),
            Sent::Unanswered => bail!("the replica did not answer a {} before any kill", write.kind()),
        }
        *duration = started.elapsed();
    }
    eprintln!(
        "==> crash on {database}: {} kills of an ssi-server replica; uninterrupted: push {:.1} ms, reading {:.1} ms, upload {:.1} ms",
        options.runs,
        durations[0].as_secs_f64() * 1e3,
        durations[1].as_secs_f64() * 1e3,
        durations[2].as_secs_f64() * 1e3,
    );

    let mut moments = Rng::new(options.seed);
    let (mut absent, mut whole) = (0u32, 0u32);
    let mut in_flight_kinds = std::collections::BTreeMap::<&str, u32>::new();
    let started = Instant::now();
    for kill in 1..=options.runs {
        // The kind whose turn it is, and a moment within one write of it.
        let kind = (kill % 3) as u64;
        let at = durations[kind as usize].mul_f64(1.2 * moments.unit());
        let current = Arc::new(Current::new(None));
        let writing = {
            let (writer, store, base, current) =
                (writer.clone(), store.clone(), server.base.clone(), current.clone());
            std::thread::spawn(move || write_until_unanswered(&writer, &store, &base, n, &current))
        };
        let sent = loop {
            let started = current.lock().ok().and_then(|c| *c).filter(|(number, _)| number % 3 == kind);
            if let Some((_, sent)) = started {
                break sent;
            }
            if writing.is_finished() {
                break Instant::now();
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        std::thread::sleep(at.saturating_sub(sent.elapsed()));
        server.kill()?;
        let flight = writing.join().map_err(|_| anyhow::anyhow!("the writer panicked"))??;
        n += flight.acknowledged.len() as u64 + 1;
        for write in &flight.acknowledged {
            writer.record(*write, &mut acknowledged);
        }
        *in_flight_kinds.entry(flight.write.kind()).or_default() += 1;
        server = Server::start(&binary, &database, &log(kill))?;
        let context = format!(
            "kill {kill} {:.1} ms into a write, a {} in flight (seed {})",
            at.as_secs_f64() * 1e3,
            flight.write.kind(),
            options.seed
        );
        verify(&database, &acknowledged).with_context(|| context.clone())?;
        let now = store.row_counts()?;
        if now == flight.before {
            absent += 1;
        } else {
            // Present in part or whole: sending it again (idempotent) must change no count.
            match writer.send(&server.base, flight.write).with_context(|| context.clone())? {
                Sent::Acknowledged => writer.record(flight.write, &mut acknowledged),
                Sent::Unanswered => bail!("{context}: the restarted replica did not answer"),
            }
            let after = store.row_counts()?;
            if now != after {
                bail!(
                    "{context}: the write is neither absent nor whole:\n  before {:?}\n  now    {now:?}\n  whole  {after:?}",
                    flight.before
                );
            }
            whole += 1;
        }
        if kill.is_multiple_of(10) || kill == options.runs {
            eprintln!("    {kill} kills: {absent} absent, {whole} whole");
        }
    }
    server.terminate()?;
    let verified = verify(&database, &acknowledged)?;
    println!(
        "crash: {} SIGKILLs of an ssi-server replica on PostgreSQL (seed {}) in {:.0} s; in flight: {}; \
         {absent} left the write absent, {whole} whole, 0 torn (row counts of every table); {verified} \
         acknowledged writes ({} pushes, {} readings, {} imports) present after every kill",
        options.runs,
        options.seed,
        started.elapsed().as_secs_f64(),
        in_flight_kinds.iter().map(|(kind, count)| format!("{count} {kind}")).collect::<Vec<_>>().join(", "),
        acknowledged.pushes.len() / 3,
        acknowledged.readings.len(),
        acknowledged.uploads.len(),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_take_turns_and_never_repeat_a_day() {
        let writes: Vec<Write> = (0..9).map(Write::nth).collect();
        let kinds: Vec<&str> = writes.iter().map(|w| w.kind()).collect();
        assert_eq!(kinds, ["push", "reading", "upload"].repeat(3));
        let first = NaiveDate::from_ymd_opt(2004, 1, 1).unwrap();
        assert_eq!(writes[0], Write::Push { start: first, total: 10.0 });
        assert_eq!(writes[3], Write::Push { start: first + Days::new(3), total: 11.0 });
        assert_eq!(writes[4], Write::Reading { date: first + Days::new(1) });
        // Uploads go to a new member/export pair until every pair was used.
        let pairs: std::collections::BTreeSet<(usize, usize)> = (0..UPLOAD_MEMBERS as u64 * EXPORTS)
            .map(|round| match Write::nth(round * 3 + 2) {
                Write::Upload { member, export } => (member, export),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(pairs.len(), UPLOAD_MEMBERS * EXPORTS as usize);
        assert!(pairs.iter().all(|&(m, e)| m < UPLOAD_MEMBERS && e < EXPORTS as usize));
    }
}
