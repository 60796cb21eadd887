//! The bookkeeping around each update's handling, kept off the handlers' path when the bot is
//! busy: which updates were just kept fresh by this process's intake (so they cannot have been
//! handled before, and the duplicate check in the database is skipped), and the writes that
//! close an update ("handled", and its claim), which a writer task groups: whatever updates
//! finished while the last write ran go together in the next one
//! (`domain::platform::updates::log::finish_batch`).
//!
//! [`Ledger::inline`] (the default: the handler tree alone, as in the flow tests) writes each
//! update's close at once and checks every update in the database. [`crate::runtime`] gives the
//! dispatcher a [`Ledger::batched`] one and waits for its writer when the dispatcher stops.
//!
//! Losing a close (the process dies before the writer wrote it) is what a crash between the
//! reply and the close always meant: the update is handled again after the restart, and
//! anything it changes is refused the second time by the claim in its own transaction.
//! Only updates handed over fresh are closed by the writer: a replayed one (taken over from a
//! process that died) is closed at once, as before, so a second crash soon after the first
//! does not find it unclosed again and set it aside as a poison update
//! (`log::quarantine_stale`).
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use domain::Ctx;
use domain::platform::updates::{claims, log};
use tokio::sync::mpsc;

/// Fresh ids remembered at most; past this the set is emptied (those updates are then checked
/// in the database, which is always correct) so a stalled dispatcher cannot grow it forever.
const MAX_FRESH: usize = 100_000;
/// Closes written in one transaction at most.
const MAX_BATCH: usize = 500;
/// Tries of one batch before it is given up (logged), with a growing pause between them.
const TRIES: u32 = 5;

#[derive(Clone, Default)]
pub struct Ledger {
    /// Updates handed over fresh and not closed yet; `true` once checked ([`Ledger::needs_check`]).
    fresh: Arc<Mutex<HashMap<i64, bool>>>,
    writer: Option<mpsc::UnboundedSender<(i64, bool)>>,
}

/// The batched ledger's writer task.
pub struct Writer {
    task: tokio::task::JoinHandle<()>,
    stop: tokio::sync::oneshot::Sender<()>,
}

impl Writer {
    /// Writes every close handed over so far and stops the task; closes handed over later
    /// are written at once by whoever hands them over. Call it when the dispatcher stopped.
    pub async fn finish(self) {
        let _ = self.stop.send(());
        if let Err(e) = self.task.await {
            tracing::error!(error = %e, "the update ledger's writer failed");
        }
    }
}

impl Ledger {
    /// Every close written at once; every update checked in the database.
    pub fn inline() -> Self {
        Self::default()
    }

    /// Closes grouped by a writer task of `ctx`'s database.
    pub fn batched(ctx: Ctx, bot_id: i64) -> (Self, Writer) {
        let (ledger, rx) = Self::held();
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(write(ctx, bot_id, rx, stopped));
        (ledger, Writer { task, stop })
    }

    /// A batched ledger without a writer: the closes it would group are handed to the returned
    /// receiver instead of being written, as if the process died before the writer wrote them
    /// (for tests of what a crash leaves behind).
    pub fn held() -> (Self, mpsc::UnboundedReceiver<(i64, bool)>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let ledger = Ledger {
            fresh: Arc::default(),
            writer: Some(tx),
        };
        (ledger, rx)
    }

    /// `update` was kept now for the first time: nobody can have handled it.
    pub fn kept_fresh(&self, update: i64) {
        if self.writer.is_none() {
            return;
        }
        let mut fresh = self.fresh.lock().unwrap_or_else(|e| e.into_inner());
        if fresh.len() >= MAX_FRESH {
            fresh.clear();
        }
        fresh.insert(update, false);
    }

    /// Whether `update` must be looked up before it is handled (it may have been handled
    /// before). Answers each fresh update once.
    pub fn needs_check(&self, update: i64) -> bool {
        let mut fresh = self.fresh.lock().unwrap_or_else(|e| e.into_inner());
        match fresh.get_mut(&update) {
            Some(checked) if !*checked => {
                *checked = true;
                false
            }
            _ => true,
        }
    }

    /// Whether `update` was handed over fresh (and not closed yet). The last close of an
    /// update (its "handled", written after its claim) forgets it.
    fn was_fresh(&self, update: i64, last: bool) -> bool {
        let mut fresh = self.fresh.lock().unwrap_or_else(|e| e.into_inner());
        if last {
            fresh.remove(&update).is_some()
        } else {
            fresh.contains_key(&update)
        }
    }

    /// The handlers finished with `update`: with `claim`, records its claim (the handler tree
    /// is done with it); without, marks it handled (the root is done with it: always the last
    /// close of an update).
    pub async fn close(&self, ctx: &Ctx, bot_id: i64, update: i64, claim: bool) {
        if let Some(writer) = &self.writer
            && self.was_fresh(update, !claim)
            && writer.send((update, claim)).is_ok()
        {
            return;
        }
        let (db, now) = (&ctx.db, ctx.now());
        let written = if claim {
            claims::claim(db, bot_id, update, now).await.map(|_| ())
        } else {
            log::handled(db, bot_id, update, now).await
        };
        if let Err(e) = written {
            tracing::warn!(error = %e, update, claim, "could not close an update");
        }
    }
}

async fn write(
    ctx: Ctx,
    bot_id: i64,
    mut rx: mpsc::UnboundedReceiver<(i64, bool)>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    loop {
        let stopping = tokio::select! {
            n = rx.recv_many(&mut batch, MAX_BATCH) => n == 0,
            _ = &mut stop => true,
        };
        if stopping {
            rx.close();
            while let Ok(close) = rx.try_recv() {
                batch.push(close);
            }
        }
        for chunk in batch.chunks(MAX_BATCH) {
            write_batch(&ctx, bot_id, chunk).await;
        }
        batch.clear();
        if stopping {
            return;
        }
    }
}

async fn write_batch(ctx: &Ctx, bot_id: i64, batch: &[(i64, bool)]) {
    let mut tries = 0;
    loop {
        tries += 1;
        match log::finish_batch(&ctx.db, bot_id, batch, ctx.now()).await {
            Ok(()) => return,
            Err(e) if tries < TRIES => {
                tracing::warn!(error = %e, tries, "could not close updates; trying again");
                tokio::time::sleep(Duration::from_millis(100 << tries)).await;
            }
            Err(e) => {
                // As when one close failed before: they are handled again after a restart.
                tracing::error!(error = %e, count = batch.len(), "could not close updates");
                return;
            }
        }
    }
}
