//! One read of PostgreSQL's data version serves every request that arrived before it was
//! sent: concurrent requests share a round trip instead of each making its own, and none
//! is answered with a version read before it arrived (so never older than the database
//! was then).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// Reads of the data version, one at a time, each shared by the requests waiting for it.
#[derive(Debug, Default)]
pub(crate) struct VersionProbe {
    /// Held while a read runs; requests arriving meanwhile wait for the next one.
    turn: tokio::sync::Mutex<()>,
    /// Reads sent so far (each is numbered by this count once it is sent).
    sent: AtomicU64,
    /// The latest finished read: its number and the version it read.
    latest: Mutex<Option<(u64, i64)>>,
}

impl VersionProbe {
    /// The data version as of this call or later: the result of a read sent after this
    /// call began (another caller's, if one finished while this one waited its turn, or
    /// `read` run here).
    pub(crate) async fn current<E>(&self, read: impl AsyncFnOnce() -> Result<i64, E>) -> Result<i64, E> {
        // A read numbered above this count is sent after this moment.
        let arrived = self.sent.load(Ordering::Acquire);
        let _turn = self.turn.lock().await;
        if let Some((number, version)) = *self.latest.lock().unwrap_or_else(PoisonError::into_inner)
            && number > arrived
        {
            return Ok(version);
        }
        let number = self.sent.fetch_add(1, Ordering::AcqRel) + 1;
        let version = read().await?;
        *self.latest.lock().unwrap_or_else(PoisonError::into_inner) = Some((number, version));
        Ok(version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicI64;
    use tokio::sync::oneshot;

    #[tokio::test]
    async fn callers_waiting_for_a_read_share_the_next_one() {
        let probe = Arc::new(VersionProbe::default());
        let reads = Arc::new(AtomicI64::new(0));
        let (release, released) = oneshot::channel::<()>();
        // The first read is held open until released.
        let first = {
            let (probe, reads) = (probe.clone(), reads.clone());
            tokio::spawn(async move {
                probe
                    .current(async || {
                        let _ = released.await;
                        Ok::<_, ()>(reads.fetch_add(1, Ordering::SeqCst) + 1)
                    })
                    .await
            })
        };
        while probe.sent.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        // These arrive while the first read is on its way: it may be older than they are.
        let waiting: Vec<_> = (0..5)
            .map(|_| {
                let (probe, reads) = (probe.clone(), reads.clone());
                tokio::spawn(async move {
                    probe.current(async || Ok::<_, ()>(reads.fetch_add(1, Ordering::SeqCst) + 1)).await
                })
            })
            .collect();
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap(), Ok(1));
        for caller in waiting {
            // Not the first read's version: one read sent after they arrived, shared.
            assert_eq!(caller.await.unwrap(), Ok(2));
        }
        assert_eq!(reads.load(Ordering::SeqCst), 2, "five waiting callers made one read between them");
    }

    #[tokio::test]
    async fn a_caller_alone_reads_afresh_and_a_failed_read_is_not_shared() {
        let probe = VersionProbe::default();
        assert_eq!(probe.current(async || Ok::<_, ()>(7)).await, Ok(7));
        // A later caller never takes an earlier read.
        assert_eq!(probe.current(async || Ok::<_, ()>(8)).await, Ok(8));
        assert_eq!(probe.current(async || Err::<i64, _>("down")).await, Err("down"));
        assert_eq!(probe.current(async || Ok::<_, ()>(9)).await, Ok(9));
    }
}
