//! Helpers for the `/events` tests: opening a stream, publishing as the relay does, and
//! reading what a stream sends.
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use domain::platform::events::{DomainEvent, Published, outbox};
use http_body_util::BodyExt;
use sea_orm::TransactionTrait;
use testkit::wait::PATIENCE;
use tower::ServiceExt;

use crate::support::Web;

/// Long enough that only the check before an event can be what ends a stream.
pub const NEVER: Duration = Duration::from_secs(3600);
pub const QUICK: Duration = Duration::from_millis(100);
/// More than the in-process bus (and any buffer after it) keeps for a subscriber that does not
/// read.
pub const MANY: usize = 1100;

pub async fn open_with(w: &Web, cookie: &str, last_event_id: Option<i64>) -> Body {
    let mut req = Request::get("/events")
        .header("host", "localhost")
        .header("accept", "text/event-stream")
        .header("cookie", cookie);
    if let Some(id) = last_event_id {
        req = req.header("last-event-id", id.to_string());
    }
    let res = w
        .app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    assert_eq!(res.headers().get("cache-control").unwrap(), "no-cache");
    res.into_body()
}

pub async fn open(w: &Web, cookie: &str) -> Body {
    open_with(w, cookie, None).await
}

/// Writes the events to the outbox (one transaction) and rings the bus for each, as the relay
/// does, yielding between them so that readers may run meanwhile; the events as written.
pub async fn publish(w: &Web, events: &[DomainEvent]) -> Vec<Published> {
    let after = outbox::last_id(&w.ctx.db).await.unwrap();
    let tx = w.ctx.db.begin().await.unwrap();
    for e in events {
        outbox::record(&tx, w.ctx.now(), e).await.unwrap();
    }
    tx.commit().await.unwrap();
    let written = outbox::since(&w.ctx.db, after, events.len() as u64)
        .await
        .unwrap();
    assert_eq!(written.len(), events.len());
    for p in &written {
        w.ctx.bus.publish(p).await.unwrap();
        tokio::task::yield_now().await;
    }
    written
}

/// What the stream sends until it has sent `needle`.
pub async fn until_sent(body: &mut Body, needle: &str) -> String {
    let mut text = String::new();
    while !text.contains(needle) {
        let frame = tokio::time::timeout(PATIENCE, body.frame())
            .await
            .expect("the event in time")
            .expect("the stream to stay open");
        if let Ok(data) = frame.unwrap().into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
    }
    text
}

/// What the stream sends until it ends (failing the test if it does not, in time).
pub async fn until_end(body: &mut Body) -> String {
    let mut text = String::new();
    loop {
        let frame = tokio::time::timeout(PATIENCE, body.frame())
            .await
            .expect("the stream to end in time");
        match frame {
            None => return text,
            Some(frame) => {
                if let Ok(data) = frame.unwrap().into_data() {
                    text.push_str(&String::from_utf8_lossy(&data));
                }
            }
        }
    }
}

pub fn ids(text: &str) -> Vec<i64> {
    text.lines()
        .filter_map(|l| l.strip_prefix("id: "))
        .map(|id| id.parse().unwrap())
        .collect()
}

pub fn order_event(w: &Web) -> DomainEvent {
    DomainEvent::OrderAssigned {
        order_id: domain::OrderId(w.order.id),
        store_id: w.store,
        number: w.order.number,
        assignee: None,
    }
}
