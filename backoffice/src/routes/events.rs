//! Live updates over SSE: events of the staff member's stores, resuming after `Last-Event-ID`
//! from the outbox (the durable log) so a reconnect misses nothing, then live from the bus.
use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use domain::events::{DomainEvent, Published, outbox};
use futures::stream::{self, Stream, StreamExt};

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
    let mut seen = backlog.last().map(|p| p.id).unwrap_or(last);
    let filter = mine.clone();
    let replay: Vec<Result<Event, Infallible>> = backlog
        .iter()
        .filter(|p| filter(p))
        .map(|p| Ok(to_sse(p)))
        .collect();
    let live = stream::unfold(live, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(p) => return Some((p, rx)),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
    .filter(move |p| {
        // Events already replayed from the backlog are not sent twice.
        let fresh = p.id > seen;
        if fresh {
            seen = p.id;
        }
        let keep = fresh && mine(p);
        async move { keep }
    })
    .map(|p| Ok(to_sse(&p)));
    let all = stream::iter(replay).chain(live);
    Ok(Sse::new(all).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
