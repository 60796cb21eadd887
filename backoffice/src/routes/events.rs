//! Live updates over SSE: events of the staff member's stores, resuming after `Last-Event-ID`
//! from the outbox (the durable log) so a reconnect misses nothing, then live from the bus.
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use domain::events::{DomainEvent, Published, outbox};
use futures::stream::{self, Stream, StreamExt};
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::auth::Staff;
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
        _ => "other",
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
    staff: Staff,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let mine = move |p: &Published| {
        p.event
            .store_id()
            .is_some_and(|s| staff.stores.contains(&s))
    };
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
    let filter = mine.clone();
    let replay: Vec<Result<Event, Infallible>> = backlog
        .iter()
        .filter(|p| filter(p))
        .map(|p| Ok(to_sse(p)))
        .collect();
    // Without Last-Event-ID the client wants what happens from now on: a catch-up after
    // lagging starts no earlier than this.
    let floor = if last >= 0 {
        last
    } else {
        outbox::last_id(&state.ctx.db).await?
    };
    let follow = Follow {
        rx: live,
        db: state.ctx.db.clone(),
        seen,
        floor,
        missed: VecDeque::new(),
    };
    let live = stream::unfold(follow, |mut f| async move {
        let next = f.next().await?;
        Some((next, f))
    })
    .filter(move |p| {
        let keep = mine(p);
        async move { keep }
    })
    .map(|p| Ok(to_sse(&p)));
    let all = stream::iter(replay).chain(live);
    Ok(Sse::new(all).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// The live part of one stream: events from the bus newer than the last one sent, and when
/// this client fell behind the bus, the ones it missed, read back from the outbox.
struct Follow {
    rx: broadcast::Receiver<Published>,
    db: DatabaseConnection,
    seen: i64,
    floor: i64,
    missed: VecDeque<Published>,
}

impl Follow {
    async fn next(&mut self) -> Option<Published> {
        loop {
            let p = match self.missed.pop_front() {
                Some(p) => p,
                None => match self.rx.recv().await {
                    Ok(p) => p,
                    Err(RecvError::Lagged(_)) => {
                        match outbox::since(&self.db, self.seen.max(self.floor), 1000).await {
                            Ok(rows) => self.missed.extend(rows),
                            Err(e) => tracing::warn!(error = %e, "SSE catch-up failed"),
                        }
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
