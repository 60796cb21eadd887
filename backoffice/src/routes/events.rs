//! Live updates over SSE: the events of the person's stores their role may see, resuming after
//! `Last-Event-ID` from the outbox (the durable log) so a reconnect misses nothing, then live
//! from the bus; ended as soon as their access is.
use std::collections::VecDeque;
use std::convert::Infallible;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, Sse};
use axum::routing::get;
use chrono::{DateTime, Utc};
use domain::kernel::policy::Roles;
use domain::people::auth::sessions;
use domain::platform::events::{DomainEvent, Published, outbox};
use domain::{Ctx, UserId};
use futures::stream::{self, Stream};
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::auth::Person;
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/events", get(events))
}

/// The SSE event name the pages listen for.
fn name(event: &DomainEvent) -> &'static str {
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

fn to_sse(p: &Published) -> Event {
    let data = serde_json::to_string(&p.event).unwrap_or_default();
    Event::default()
        .id(p.id.to_string())
        .event(name(&p.event))
        .data(data)
}

async fn events(
    State(state): State<AppState>,
    person: Person,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    // Subscribe before reading the backlog, so nothing falls between the two.
    let live = state.ctx.bus.subscribe();
    let last: i64 = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    let backlog = if last >= 0 {
        outbox::since(&state.ctx.db, last, 1000).await?
    } else {
        Vec::new()
    };
    let seen = backlog.last().map(|p| p.id).unwrap_or(last);
    // Without Last-Event-ID the client wants what happens from now on: a catch-up after
    // lagging starts no earlier than this.
    let floor = if last >= 0 {
        last
    } else {
        outbox::last_id(&state.ctx.db).await?
    };
    let left = (person.until - state.ctx.now())
        .to_std()
        .unwrap_or_default();
    let start = tokio::time::Instant::now();
    let watch = Watch {
        replay: backlog.into(),
        follow: Follow {
            rx: live,
            db: state.ctx.db.clone(),
            seen,
            floor,
            missed: VecDeque::new(),
            behind: false,
        },
        ctx: state.ctx.clone(),
        user: person.id(),
        family: person.family.clone(),
        until: person.until,
        ends: start + left,
        tick: tokio::time::interval_at(start + state.live_tick, state.live_tick),
    };
    let stream = stream::unfold(watch, |mut w| async move {
        let next = w.next().await?;
        Some((Ok(next), w))
    });
    Ok(Sse::new(stream))
}

/// One open stream. It lasts while the session, a role and the access token it was opened
/// with last: the first two are asked of the database (one query) before every event and on
/// every keep-alive tick, and the stream ends as soon as either is gone or the token expires.
/// The browser then reconnects, and the login check decides afresh. Which events it carries
/// is the domain's rule ([`domain::kernel::policy::Roles::may_see`]), with the roles read just then.
struct Watch {
    replay: VecDeque<Published>,
    follow: Follow,
    ctx: Ctx,
    user: UserId,
    family: String,
    until: DateTime<Utc>,
    ends: tokio::time::Instant,
    tick: tokio::time::Interval,
}

impl Watch {
    async fn next(&mut self) -> Option<Event> {
        loop {
            let p = match self.replay.pop_front() {
                Some(p) => p,
                None => tokio::select! {
                    p = self.follow.next() => p?,
                    _ = self.tick.tick() => {
                        self.roles().await?;
                        return Some(Event::default().comment("keep-alive"));
                    }
                    _ = tokio::time::sleep_until(self.ends) => return None,
                },
            };
            // Events of no store are nobody's stream: no need to ask.
            if p.event.store_id().is_none() {
                continue;
            }
            if self.roles().await?.may_see(&p.event) {
                return Some(to_sse(&p));
            }
        }
    }

    /// The person's roles while access lasts; `None` once it has ended.
    async fn roles(&self) -> Option<Roles> {
        if self.ctx.now() >= self.until {
            return None;
        }
        match sessions::live_roles(&self.ctx, self.user, &self.family).await {
            Ok(roles) if !roles.is_empty() => Some(roles),
            Ok(_) => None,
            Err(e) => {
                // Not knowing is not a yes: the browser reconnects and is checked afresh.
                tracing::warn!(error = %e, "SSE access check failed; ending the stream");
                None
            }
        }
    }
}

/// The live part of one stream: events from the bus newer than the last one sent, and when
/// this client fell behind the bus, the ones it missed, read back from the outbox.
struct Follow {
    rx: broadcast::Receiver<Published>,
    db: DatabaseConnection,
    seen: i64,
    floor: i64,
    missed: VecDeque<Published>,
    /// Fell behind the bus and has not read the outbox yet. A flag rather than a local, so a
    /// read interrupted by the keep-alive tick is done again, not lost.
    behind: bool,
}

impl Follow {
    async fn next(&mut self) -> Option<Published> {
        loop {
            if self.behind {
                match outbox::since(&self.db, self.seen.max(self.floor), 1000).await {
                    Ok(rows) => self.missed.extend(rows),
                    Err(e) => tracing::warn!(error = %e, "SSE catch-up failed"),
                }
                self.behind = false;
            }
            let p = match self.missed.pop_front() {
                Some(p) => p,
                None => match self.rx.recv().await {
                    Ok(p) => p,
                    Err(RecvError::Lagged(_)) => {
                        self.behind = true;
                        continue;
                    }
                    Err(RecvError::Closed) => return None,
                },
            };
            // Events already sent (from the backlog or a catch-up) are not sent twice.
            if p.id > self.seen {
                self.seen = p.id;
                return Some(p);
            }
        }
    }
}
