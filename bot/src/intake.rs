//! Where updates enter, whether fetched (long polling) or posted (webhook): each is kept in the
//! database (`domain::platform::updates::log`) before Telegram is told it arrived, then handed to the
//! dispatcher, and marked handled when the handler tree finishes with it ([`mark_handled`]).
//! Updates whose handling never finished (the process died) are taken over again: at start
//! and then every [`REPLAY_EVERY`], those left for [`STALE_AFTER`].
use std::convert::Infallible;
use std::time::Duration;

use domain::Ctx;
use domain::platform::updates;
use futures::channel::mpsc;
use teloxide::stop::{StopFlag, StopToken, mk_stop_token};
use teloxide::types::Update;
use teloxide::update_listeners::{StatefulListener, UpdateListener};
use tokio::sync::watch;

use crate::afterwards::{Place, afterwards};
use crate::ledger::Ledger;
use crate::{BotError, Services};

/// How often updates left unhandled are looked for.
pub const REPLAY_EVERY: Duration = Duration::from_secs(30);
/// How long an update may be in a handler's hands before it counts as abandoned.
pub const STALE_AFTER: Duration = Duration::from_secs(120);
const REPLAY_BATCH: u64 = 500;

type Sent = Result<Update, Infallible>;
type Updates = mpsc::UnboundedReceiver<Sent>;

/// The sending side: keeps an update, then hands it to the dispatcher.
#[derive(Clone)]
pub struct Intake {
    tx: mpsc::UnboundedSender<Sent>,
    ctx: Ctx,
    bot_id: i64,
    stop: watch::Receiver<bool>,
    ledger: Ledger,
}

impl Intake {
    /// Keeps `update` and hands it over unless it was kept before (Telegram sending it again
    /// because our acknowledgement was lost). Once this returns `Ok`, the update may be
    /// acknowledged: it is safe in the database.
    pub async fn receive(&self, update: Update) -> Result<(), BotError> {
        let payload = serde_json::to_string(&update)?;
        let id = i64::from(update.id.0);
        let fresh =
            updates::log::keep(&self.ctx.db, self.bot_id, id, &payload, self.ctx.now()).await?;
        if fresh {
            self.hand_over(update);
        }
        Ok(())
    }

    /// [`Intake::receive`] for a batch (a `getUpdates` answer), kept in one transaction.
    pub async fn receive_batch(&self, batch: Vec<Update>) -> Result<(), BotError> {
        let mut kept = Vec::with_capacity(batch.len());
        for update in &batch {
            kept.push((i64::from(update.id.0), serde_json::to_string(update)?));
        }
        let fresh = updates::log::keep_batch(&self.ctx.db, self.bot_id, &kept, self.ctx.now());
        let fresh = fresh.await?;
        for update in batch {
            if fresh.contains(&i64::from(update.id.0)) {
                self.hand_over(update);
            }
        }
        Ok(())
    }

    /// Hands a freshly kept update to the dispatcher. One that has stopped leaves it kept, for
    /// the next start to take over.
    fn hand_over(&self, update: Update) {
        self.ledger.kept_fresh(i64::from(update.id.0));
        let _ = self.tx.unbounded_send(Ok(update));
    }

    /// Resolves once the dispatcher has stopped the listener.
    pub async fn stopped(&self) {
        let mut stop = self.stop.clone();
        let _ = stop.wait_for(|stopped| *stopped).await;
    }

    /// Hands over updates abandoned for `stale_after` (see the module docs).
    async fn replay(&self, stale_after: Duration) {
        let stale = chrono::Duration::from_std(stale_after).unwrap_or_default();
        let taken = updates::log::take_stale(
            &self.ctx.db,
            self.bot_id,
            self.ctx.now(),
            stale,
            REPLAY_BATCH,
        );
        let rows = match taken.await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!(error = %e, "could not look for updates left unhandled");
                return;
            }
        };
        if !rows.is_empty() {
            tracing::info!(count = rows.len(), "handling updates left unhandled");
        }
        for (id, payload) in rows {
            match serde_json::from_str::<Update>(&payload) {
                Ok(update) => {
                    let _ = self.tx.unbounded_send(Ok(update));
                }
                Err(e) => {
                    tracing::warn!(error = %e, update = id, "a kept update no longer parses; dropped");
                    let _ =
                        updates::log::handled(&self.ctx.db, self.bot_id, id, self.ctx.now()).await;
                }
            }
        }
    }
}

type State = (Updates, StopToken);

fn updates_of(state: &mut State) -> &mut Updates {
    &mut state.0
}

/// When the dispatcher stops the listener: closes the channel, so the dispatcher's stream ends
/// once what is queued is handled (even though the webhook route, which can send, lives on in
/// a server that stops later; what it keeps after this is taken over by the next start), and
/// tells [`Intake::stopped`] waiters. teloxide's stop flag wakes only one waiter, so this is
/// its only one.
async fn close_on_stop(flag: StopFlag, tx: mpsc::UnboundedSender<Sent>, stop: watch::Sender<bool>) {
    flag.await;
    tx.close_channel();
    let _ = stop.send(true);
}

/// Opens an intake and the listener the dispatcher reads it through. `first_replay`: how old
/// an unhandled update must be to be taken over at start — zero when this process is the
/// only one receiving updates (long polling), [`STALE_AFTER`] when others may be handling
/// theirs right now (webhooks behind a load balancer).
pub fn open(
    ctx: Ctx,
    bot_id: i64,
    first_replay: Duration,
    ledger: Ledger,
) -> (Intake, impl UpdateListener<Err = Infallible> + Send) {
    let (tx, rx) = mpsc::unbounded();
    let (token, flag) = mk_stop_token();
    let (stop_tx, stop) = watch::channel(false);
    tokio::spawn(close_on_stop(flag, tx.clone(), stop_tx));
    let intake = Intake {
        tx,
        ctx,
        bot_id,
        stop,
        ledger,
    };
    let replayer = intake.clone();
    tokio::spawn(async move {
        let replaying = async {
            replayer.replay(first_replay).await;
            let mut tick = tokio::time::interval(REPLAY_EVERY);
            tick.tick().await;
            loop {
                tick.tick().await;
                replayer.replay(STALE_AFTER).await;
            }
        };
        tokio::select! {
            _ = replayer.stopped() => {}
            _ = replaying => {}
        }
    });
    let listener =
        StatefulListener::new((rx, token), updates_of, |state: &mut State| state.1.clone());
    (intake, listener)
}

/// The first step of the handler tree: runs the rest, then marks the update handled,
/// whatever the outcome (an error was answered or logged; trying again would not help).
pub fn mark_handled() -> teloxide::dispatching::UpdateHandler<BotError> {
    afterwards(Place::Entry, |deps| async move {
        let (Some(update), Some(services)) = (deps.try_get::<Update>(), deps.try_get::<Services>())
        else {
            return;
        };
        let id = i64::from(update.id.0);
        (services.ledger)
            .close(&services.ctx, services.bot_id, id, false)
            .await;
    })
}
