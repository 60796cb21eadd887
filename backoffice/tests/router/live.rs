//! Live events for a client that fell behind the bus: what it missed is read back from the
//! outbox, so it still gets every event, in order, once.
use axum::body::Body;
use axum::http::Request;
use domain::platform::events::{DomainEvent, outbox};
use http_body_util::BodyExt;
use sea_orm::TransactionTrait;
use testkit::wait::PATIENCE;
use tower::ServiceExt;

use crate::support::Web;

/// More than the in-process bus keeps for a subscriber that does not read.
const EVENTS: usize = 1100;

#[tokio::test]
async fn a_client_that_lagged_behind_the_bus_misses_nothing() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let req = Request::get("/events")
        .header("host", "localhost")
        .header("cookie", &anna)
        .body(Body::empty())
        .unwrap();
    let res = w.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), 200);

    let after = outbox::last_id(&w.ctx.db).await.unwrap();
    let tx = w.ctx.db.begin().await.unwrap();
    let event = DomainEvent::StoreUpdated { store_id: w.store };
    for _ in 0..EVENTS {
        outbox::record(&tx, w.ctx.now(), &event).await.unwrap();
    }
    tx.commit().await.unwrap();
    let written = outbox::since(&w.ctx.db, after, EVENTS as u64)
        .await
        .unwrap();
    // Nobody reads the stream meanwhile: its receiver lags behind.
    for p in &written {
        w.ctx.bus.publish(p).await.unwrap();
    }

    let expected: Vec<i64> = written.iter().map(|p| p.id).collect();
    let last = format!("id: {}\n", expected[expected.len() - 1]);
    let mut body = res.into_body();
    let mut text = String::new();
    while !text.contains(&last) {
        let frame = tokio::time::timeout(PATIENCE, body.frame())
            .await
            .expect("the next event within the time limit")
            .unwrap()
            .unwrap();
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
    }
    let got: Vec<i64> = text
        .lines()
        .filter_map(|l| l.strip_prefix("id: "))
        .map(|id| id.parse().unwrap())
        .collect();
    assert_eq!(got, expected);
}
