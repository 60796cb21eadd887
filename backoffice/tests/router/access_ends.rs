//! Access ends everywhere when it ends: an open live stream stops at logout, when the other
//! sessions are revoked, when the role goes and when the access token expires; it carries only
//! what the role may see; and cookies are cleared only when they were sent and are no good.
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use domain::kernel::money::{Currency, Money};
use domain::people::auth::{sessions, tokens};
use domain::platform::events::{DomainEvent, outbox};
use domain::{Actor, Role, UserId};
use http_body_util::BodyExt;
use sea_orm::TransactionTrait;
use testkit::wait::PATIENCE;
use tower::ServiceExt;

use crate::support::*;

/// Long enough that only the check before an event can be what ends a stream.
const NEVER: Duration = Duration::from_secs(3600);
const QUICK: Duration = Duration::from_millis(100);

async fn open(w: &Web, cookie: &str) -> Body {
    let req = Request::get("/events")
        .header("host", "localhost")
        .header("accept", "text/event-stream")
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap();
    let res = w.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), 200);
    res.into_body()
}

/// Writes the events to the outbox and rings the bus, as the relay does; their ids.
async fn publish(w: &Web, events: &[DomainEvent]) -> Vec<i64> {
    let after = outbox::last_id(&w.ctx.db).await.unwrap();
    let tx = w.ctx.db.begin().await.unwrap();
    for e in events {
        outbox::record(&tx, w.ctx.now(), e).await.unwrap();
    }
    tx.commit().await.unwrap();
    let written = outbox::since(&w.ctx.db, after, 100).await.unwrap();
    for p in &written {
        w.ctx.bus.publish(p).await.unwrap();
    }
    written.iter().map(|p| p.id).collect()
}

/// What the stream sends until it ends (failing the test if it does not, in time).
async fn until_end(body: &mut Body) -> String {
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

/// What the stream sends until it has sent `needle`.
async fn until_sent(body: &mut Body, needle: &str) -> String {
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

fn ids(text: &str) -> Vec<i64> {
    text.lines()
        .filter_map(|l| l.strip_prefix("id: "))
        .map(|id| id.parse().unwrap())
        .collect()
}

fn order_event(w: &Web) -> DomainEvent {
    DomainEvent::OrderAssigned {
        order_id: domain::OrderId(w.order.id),
        store_id: w.store,
        number: w.order.number,
        assignee: None,
    }
}

#[tokio::test]
async fn the_stream_ends_at_logout_without_sending_the_next_event() {
    let w = Web::with_state(|s| s.with_live_tick(NEVER)).await;
    let anna = w.login(w.admin).await;
    let mut stream = open(&w, &anna).await;
    let out = w.post("/logout", Some(&anna), "", SAME).await;
    assert_eq!(out.status, 303);
    publish(&w, &[order_event(&w)]).await;
    let text = until_end(&mut stream).await;
    assert!(ids(&text).is_empty(), "{text}");
}

#[tokio::test]
async fn the_stream_ends_when_the_other_sessions_are_revoked() {
    let w = Web::with_state(|s| s.with_live_tick(QUICK)).await;
    let laptop = w.login(w.admin).await;
    let phone = w.login(w.admin).await;
    let mut stream = open(&w, &laptop).await;
    let r = w
        .post("/sessions/others/revoke", Some(&phone), "", SAME)
        .await;
    assert_eq!(r.status, 303);
    // No event comes: the keep-alive's check ends it.
    let text = until_end(&mut stream).await;
    assert!(ids(&text).is_empty(), "{text}");
    // The phone's own stream goes on.
    let mut kept = open(&w, &phone).await;
    let id = publish(&w, &[order_event(&w)]).await[0];
    until_sent(&mut kept, &format!("id: {id}\n")).await;
}

#[tokio::test]
async fn the_stream_ends_when_the_role_is_removed() {
    let w = Web::with_state(|s| s.with_live_tick(NEVER)).await;
    let victor = w.login(w.vendor).await;
    let mut stream = open(&w, &victor).await;
    let first = publish(&w, &[order_event(&w)]).await[0];
    until_sent(&mut stream, &format!("id: {first}\n")).await;

    domain::people::staff::revoke(&w.ctx, &Actor::operator(), w.vendor, Some(w.store))
        .await
        .unwrap();
    publish(&w, &[order_event(&w)]).await;
    let text = until_end(&mut stream).await;
    assert!(ids(&text).is_empty(), "{text}");
}

#[tokio::test]
async fn the_stream_ends_when_its_access_token_expires() {
    let w = Web::new().await;
    let session = sessions::start(&w.ctx, w.admin, "test browser", None)
        .await
        .unwrap();
    // A token with two seconds left, and no refresh token beside it.
    let issued = w.ctx.now() - chrono::Duration::seconds(tokens::ACCESS_TTL_SECS - 2);
    let keys = tokens::JwtKeys::new(SECRET);
    let access = tokens::issue_access(&keys, w.admin, &session.family, issued).unwrap();
    let mut stream = open(&w, &format!("__Host-vitrina-access={access}")).await;
    // Ends on its own (the keep-alive is 15 s away), with the session still standing.
    let text = until_end(&mut stream).await;
    assert!(ids(&text).is_empty(), "{text}");
    assert!(
        sessions::is_active(&w.ctx, w.admin, &session.family)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn each_role_gets_only_the_events_it_may_see_and_only_of_its_stores() {
    let w = Web::new().await;
    let victor = open(&w, &w.login(w.vendor).await).await;
    let anna = open(&w, &w.login(w.admin).await).await;
    let otto = open(&w, &w.login(w.other_admin).await).await;
    let olga = open(&w, &w.login(w.owner).await).await;
    let uah = Currency::parse("UAH").unwrap();
    let events = [
        DomainEvent::DailyDigest {
            store_id: w.store,
            until: w.ctx.now(),
            orders: 4,
            revenue: Money::new(123_400, uah),
            pending_receipts: 1,
        },
        DomainEvent::RoleGranted {
            user_id: UserId(77),
            store_id: Some(w.store),
            role: Role::Vendor,
        },
        DomainEvent::RoleRevoked {
            user_id: UserId(77),
            store_id: Some(w.store),
        },
        order_event(&w),
        DomainEvent::StoreUpdated {
            store_id: w.other_store,
        },
    ];
    let [digest, granted, revoked, order, other] = publish(&w, &events).await[..] else {
        panic!("five events");
    };
    let mine = [digest, granted, revoked, order];

    let (mut victor, mut anna, mut otto, mut olga) = (victor, anna, otto, olga);
    let seen = ids(&until_sent(&mut victor, &format!("id: {order}\n")).await);
    assert_eq!(
        seen,
        [order],
        "a VENDOR: orders, no revenue, no role changes"
    );
    let seen = ids(&until_sent(&mut anna, &format!("id: {order}\n")).await);
    assert_eq!(seen, mine, "an ADMIN of the store");
    let seen = ids(&until_sent(&mut otto, &format!("id: {other}\n")).await);
    assert_eq!(
        seen,
        [other],
        "another store's ADMIN: nothing of this store"
    );
    let seen = ids(&until_sent(&mut olga, &format!("id: {other}\n")).await);
    assert_eq!(seen, [digest, granted, revoked, order, other], "the OWNER");
}

fn removals(r: &Reply) -> Vec<String> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| v.contains("Max-Age=0"))
        .map(|v| v.split('=').next().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn a_database_failure_keeps_the_cookies_and_shows_an_error_page() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let refresh_only: String = anna
        .split("; ")
        .filter(|c| c.starts_with("__Host-vitrina-refresh="))
        .collect();
    // The database goes away: every pool connection is closed.
    w.ctx.db.clone().close().await.unwrap();

    for cookie in [anna.as_str(), refresh_only.as_str()] {
        let r = w.get("/queue", Some(cookie)).await;
        assert_eq!(r.status, 500, "{cookie}");
        assert!(
            r.headers.get_all("set-cookie").iter().next().is_none(),
            "{:?}",
            r.headers
        );
        assert!(
            unescape(&r.body).contains(&en("web-error-500", &[])),
            "{}",
            r.body
        );
        let r = w.get("/events", Some(cookie)).await;
        assert_eq!(r.status, 500);
        assert!(removals(&r).is_empty(), "{:?}", r.headers);
    }
}

#[tokio::test]
async fn cookies_are_cleared_only_when_sent_and_no_good() {
    let w = Web::new().await;
    // Nothing sent (a link from another site): nothing cleared.
    let r = w.get("/queue", None).await;
    assert_eq!((r.status.as_u16(), r.location()), (303, "/login"));
    assert!(r.headers.get("set-cookie").is_none(), "{:?}", r.headers);
    let req = Request::get("/events")
        .header("host", "localhost")
        .header("accept", "text/event-stream")
        .body(Body::empty())
        .unwrap();
    let r = w.send(req).await;
    assert_eq!(r.status, 401);
    assert!(r.headers.get("set-cookie").is_none(), "{:?}", r.headers);

    // A forged access token alone: that one is cleared, nothing else.
    let r = w.get("/queue", Some("__Host-vitrina-access=forged")).await;
    assert_eq!(r.status, 303);
    assert_eq!(removals(&r), ["__Host-vitrina-access"]);

    // A revoked session's cookies: both cleared.
    let anna = w.login(w.admin).await;
    w.post("/logout", Some(&anna), "", SAME).await;
    let r = w.get("/queue", Some(&anna)).await;
    assert_eq!(r.location(), "/login");
    let mut cleared = removals(&r);
    cleared.sort();
    assert_eq!(cleared, ["__Host-vitrina-access", "__Host-vitrina-refresh"]);
}
