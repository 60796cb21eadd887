//! Access ends everywhere when it ends: an open live stream stops at logout, when the other
//! sessions are revoked, when the role goes and when the access token expires; it carries only
//! what the role may see; and cookies are cleared only when they were sent and are no good.

use axum::body::Body;
use axum::http::Request;
use domain::kernel::money::{Currency, Money};
use domain::people::auth::{sessions, tokens};
use domain::platform::events::DomainEvent;
use domain::{Actor, Role, UserId};

use crate::sse::*;
use crate::support::*;

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
    let id = publish(&w, &[order_event(&w)]).await[0].id;
    until_sent(&mut kept, &format!("id: {id}\n")).await;
}

#[tokio::test]
async fn the_stream_ends_when_the_role_is_removed() {
    let w = Web::with_state(|s| s.with_live_tick(NEVER)).await;
    let victor = w.login(w.vendor).await;
    let mut stream = open(&w, &victor).await;
    let first = publish(&w, &[order_event(&w)]).await[0].id;
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
    let ids_of: Vec<i64> = publish(&w, &events).await.iter().map(|p| p.id).collect();
    let [digest, granted, revoked, order, other] = ids_of[..] else {
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
