//! Rung when a transaction that wrote outbox rows commits, so the buses deliver at once
//! instead of on their next tick (which stays as the fallback).
//!
//! [`super::outbox::record`] counts every row it writes; [`crate::in_tx!`] takes a [`mark`]
//! before its transaction and, once it committed, rings if the count moved ([`committed`]). A
//! row written by another transaction meanwhile may ring early: the followers then read
//! nothing new (or wait at the hole as they always do), so an extra ring costs one read.
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::watch;

static RECORDED: AtomicU64 = AtomicU64::new(0);
static RUNG: LazyLock<watch::Sender<u64>> = LazyLock::new(|| watch::channel(0).0);

/// An outbox row was written (not yet committed).
pub(crate) fn recorded() {
    RECORDED.fetch_add(1, Ordering::Relaxed);
}

/// Where the count stands before a transaction begins.
pub fn mark() -> u64 {
    RECORDED.load(Ordering::Relaxed)
}

/// A transaction begun at `mark` committed: rings when outbox rows were written since.
pub fn committed(mark: u64) {
    if RECORDED.load(Ordering::Relaxed) != mark {
        ring();
    }
}

/// Rings unconditionally: every listener wakes once (rings coalesce while nobody looks).
pub fn ring() {
    RUNG.send_modify(|n| *n = n.wrapping_add(1));
}

/// A receiver that wakes ([`watch::Receiver::changed`]) on the rings after this call.
pub fn listen() -> watch::Receiver<u64> {
    RUNG.subscribe()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_commit_rings_only_when_outbox_rows_were_written() {
        let mut bell = listen();
        let before = mark();
        committed(before);
        assert!(!bell.has_changed().unwrap(), "nothing written, no ring");
        recorded();
        committed(before);
        assert!(bell.has_changed().unwrap());
        bell.changed().await.unwrap();
        // Two rings while nobody looked wake the listener once.
        ring();
        ring();
        bell.changed().await.unwrap();
        assert!(!bell.has_changed().unwrap());
    }
}
