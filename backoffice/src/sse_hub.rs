//! The hub behind `/events`: one task per backoffice follows the bus, renders each event once
//! and hands the same bytes to every open stream through one shared channel; on the keep-alive
//! tick it sends one shared keep-alive the same way.
//!
//! Before it sends an event or a keep-alive, the hub reads the live roles of every session that
//! has a stream open (one query per session, not per stream), so each stream decides from roles
//! read just then without asking the database itself. A stream whose session was not yet known
//! to the hub asks for itself ([`Session::decide`]). Streams that fall behind the shared channel
//! catch up from the outbox on their own (`routes::events`).
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use axum::body::Bytes;
use domain::kernel::policy::Roles;
use domain::people::auth::sessions;
use domain::platform::events::{DomainEvent, Published, outbox};
use domain::{Ctx, UserId};
use futures::StreamExt;
use tokio::sync::OnceCell;
use tokio::sync::broadcast::{self, error::RecvError};

/// Events and keep-alives the shared channel keeps for a stream that does not read; one that
/// falls further behind reads what it missed from the outbox.
const CAPACITY: usize = 1024;
/// Sessions checked at once before an event goes out.
const CHECKS_AT_ONCE: usize = 16;
/// Outbox rows read at a time when the hub itself fell behind the bus.
const CATCH_UP: u64 = 1000;

/// The keep-alive comment, as axum's `Event::comment("keep-alive")` wrote it.
pub(crate) const KEEP_ALIVE: &[u8] = b": keep-alive\n\n";

/// One thing sent to every stream: `seq` numbers them in the order sent, so a stream can tell
/// whether its session's roles were read for this one.
pub(crate) struct Frame {
    pub seq: u64,
    pub kind: FrameKind,
}

pub(crate) enum FrameKind {
    /// An event of a store, rendered once.
    Event {
        id: i64,
        event: DomainEvent,
        bytes: Bytes,
    },
    KeepAlive,
}

/// The SSE event name the pages listen for.
pub(crate) fn name(event: &DomainEvent) -> &'static str {
    match event {
        DomainEvent::ReceiptAttached { .. } => "receipt",
        DomainEvent::OrderPlaced { .. } => "order",
        DomainEvent::OrderStatusChanged { .. } | DomainEvent::OrderAssigned { .. } => "decision",
        DomainEvent::StoreCreated { .. }
        | DomainEvent::StoreUpdated { .. }
        | DomainEvent::ProductSaved { .. }
        | DomainEvent::LowStock { .. }
        | DomainEvent::StockAdjusted { .. }
        | DomainEvent::RoleGranted { .. }
        | DomainEvent::RoleRevoked { .. }
        | DomainEvent::DailyDigest { .. } => "other",
    }
}

/// The event as the stream sends it: `id`, `event` and `data` (the event as JSON, one line:
/// JSON escapes every newline in a string), then a blank line; the bytes axum's
/// `Event::default().id(..).event(..).data(..)` produced.
pub(crate) fn render(p: &Published) -> Bytes {
    let data = serde_json::to_string(&p.event).unwrap_or_default();
    Bytes::from(format!(
        "id: {}\nevent: {}\ndata: {data}\n\n",
        p.id,
        name(&p.event)
    ))
}

/// The streams of one login session (user and session family): the roles the hub last read
/// for it, shared by all of them.
pub(crate) struct Session {
    user: UserId,
    family: String,
    checked: Mutex<Checked>,
}

struct Checked {
    /// The frame these roles were read for (0: none yet).
    seq: u64,
    /// `None`: the session or every role is gone, or the check failed.
    roles: Option<Roles>,
}

impl Session {
    /// The roles for frame `seq`: as the hub read them before sending it, or (for a session
    /// the hub did not know of yet) read now. `None` once access has ended.
    pub(crate) async fn decide<T>(
        &self,
        ctx: &Ctx,
        seq: u64,
        f: impl FnOnce(&Roles) -> T,
    ) -> Option<T> {
        {
            let checked = self.lock();
            if checked.seq >= seq {
                return checked.roles.as_ref().map(f);
            }
        }
        let roles = Box::pin(live_roles(ctx, self.user, &self.family)).await;
        let out = roles.as_ref().map(f);
        self.store(seq, roles);
        out
    }

    /// The roles read just now, for events not sent through the hub (a backlog, a catch-up).
    pub(crate) async fn read_now(&self, ctx: &Ctx) -> Option<Roles> {
        Box::pin(live_roles(ctx, self.user, &self.family)).await
    }

    fn store(&self, seq: u64, roles: Option<Roles>) {
        let mut checked = self.lock();
        if checked.seq < seq {
            *checked = Checked { seq, roles };
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Checked> {
        self.checked.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The person's roles while the session lasts; `None` once it or every role is gone.
async fn live_roles(ctx: &Ctx, user: UserId, family: &str) -> Option<Roles> {
    match sessions::live_roles(ctx, user, family).await {
        Ok(roles) if !roles.is_empty() => Some(roles),
        Ok(_) => None,
        Err(e) => {
            // Not knowing is not a yes: the browser reconnects and is checked afresh.
            tracing::warn!(error = %e, "SSE access check failed; ending the stream");
            None
        }
    }
}

type Key = (UserId, String);

/// One per backoffice ([`crate::AppState`]); its task starts with the first stream.
pub(crate) struct Hub {
    frames: broadcast::Sender<Arc<Frame>>,
    sessions: Mutex<HashMap<Key, Weak<Session>>>,
    started: OnceCell<()>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            frames: broadcast::channel(CAPACITY).0,
            sessions: Mutex::new(HashMap::new()),
            started: OnceCell::new(),
        }
    }
}

impl Hub {
    /// Joins a stream of `user`'s session `family`: its session (shared with the session's
    /// other streams) and the shared channel, subscribed to from now on. Subscribe before
    /// reading any backlog, so nothing falls between the two.
    pub(crate) async fn join(
        self: &Arc<Self>,
        ctx: &Ctx,
        tick: Duration,
        user: UserId,
        family: String,
    ) -> domain::Result<(Arc<Session>, broadcast::Receiver<Arc<Frame>>)> {
        self.started
            .get_or_try_init(|| self.start(ctx, tick))
            .await?;
        let session = {
            let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
            let key = (user, family);
            match sessions.get(&key).and_then(Weak::upgrade) {
                Some(s) => s,
                None => {
                    let s = Arc::new(Session {
                        user,
                        family: key.1.clone(),
                        checked: Mutex::new(Checked {
                            seq: 0,
                            roles: None,
                        }),
                    });
                    sessions.insert(key, Arc::downgrade(&s));
                    s
                }
            }
        };
        // Registered before subscribing: the hub has read this session's roles for every
        // frame this stream gets, unless it had already begun reading when it registered.
        Ok((session, self.frames.subscribe()))
    }

    /// Starts the hub's task, following the bus from now on.
    async fn start(self: &Arc<Self>, ctx: &Ctx, tick: Duration) -> domain::Result<()> {
        // Subscribed before any stream subscribes to the hub: nothing falls between.
        let rx = ctx.bus.subscribe();
        let floor = outbox::last_id(&ctx.db).await?;
        let task = Task {
            hub: Arc::downgrade(self),
            ctx: ctx.clone(),
            seq: 0,
            seen: None,
            floor,
        };
        tokio::spawn(task.run(rx, tick));
        Ok(())
    }

    /// The sessions with a stream open, forgetting those without.
    fn sessions(&self) -> Vec<Arc<Session>> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.retain(|_, s| s.strong_count() > 0);
        sessions.values().filter_map(Weak::upgrade).collect()
    }
}

struct Task {
    hub: Weak<Hub>,
    ctx: Ctx,
    seq: u64,
    /// The last event sent on.
    seen: Option<i64>,
    /// Where the outbox ended when the hub started: a catch-up starts no earlier.
    floor: i64,
}

impl Task {
    async fn run(mut self, mut rx: broadcast::Receiver<Published>, tick: Duration) {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + tick, tick);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let next = tokio::select! {
                biased;
                r = rx.recv() => Some(r),
                _ = ticks.tick() => None,
            };
            // Nobody can open a stream any more: the backoffice is gone.
            let Some(hub) = self.hub.upgrade() else {
                return;
            };
            match next {
                Some(Ok(p)) => self.forward(&hub, p).await,
                Some(Err(RecvError::Lagged(_))) => self.catch_up(&hub).await,
                Some(Err(RecvError::Closed)) => return,
                None => self.send(&hub, FrameKind::KeepAlive).await,
            }
        }
    }

    /// The hub fell behind the bus: what it missed, from the outbox.
    async fn catch_up(&mut self, hub: &Hub) {
        loop {
            let after = self.seen.unwrap_or(self.floor).max(self.floor);
            match outbox::since(&self.ctx.db, after, CATCH_UP).await {
                Ok(rows) => {
                    let full = rows.len() as u64 == CATCH_UP;
                    for p in rows {
                        self.forward(hub, p).await;
                    }
                    if !full {
                        return;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "SSE hub catch-up failed");
                    return;
                }
            }
        }
    }

    async fn forward(&mut self, hub: &Hub, p: Published) {
        // Events already sent on (after a catch-up) are not sent twice.
        if self.seen.is_some_and(|seen| p.id <= seen) {
            return;
        }
        self.seen = Some(p.id);
        // Events of no store are nobody's stream.
        if p.event.store_id().is_none() {
            return;
        }
        let bytes = render(&p);
        self.send(
            hub,
            FrameKind::Event {
                id: p.id,
                event: p.event,
                bytes,
            },
        )
        .await;
    }

    /// Reads the roles of every session with a stream open, then sends the frame to all.
    async fn send(&mut self, hub: &Hub, kind: FrameKind) {
        if hub.frames.receiver_count() == 0 {
            return;
        }
        self.seq += 1;
        let seq = self.seq;
        let ctx = &self.ctx;
        futures::stream::iter(hub.sessions())
            .for_each_concurrent(CHECKS_AT_ONCE, |s| async move {
                let roles = live_roles(ctx, s.user, &s.family).await;
                s.store(seq, roles);
            })
            .await;
        let _ = hub.frames.send(Arc::new(Frame { seq, kind }));
    }
}
