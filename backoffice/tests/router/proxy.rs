//! Behind a TLS proxy every request comes from the proxy's address: the client is the one the
//! proxy names in `X-Forwarded-For`, believed only when the proxy is a trusted one.
use axum::body::Body;
use axum::http::Request;
use backoffice::TrustedProxies;
use domain::people::auth::{challenge, sessions};
use domain::{Actor, Channel};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::support::*;

/// The proxy in front, in a block the tests' deployments trust.
const PROXY: &str = "10.0.0.2";

async fn behind_proxy() -> Web {
    Web::with_state(|s| {
        s.with_trusted_proxies(TrustedProxies::parse(&["10.0.0.0/8", "fd00::/8"]).unwrap())
    })
    .await
}

fn login_page() -> Request<Body> {
    Request::get("/login")
        .header("host", "localhost")
        .body(Body::empty())
        .unwrap()
}

/// The newest login code's recorded address.
async fn last_challenge_ip(w: &Web) -> Option<String> {
    entity::login_challenges::Entity::find()
        .order_by_desc(entity::login_challenges::Column::Id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap()
        .ip
}

#[tokio::test]
async fn ten_attackers_behind_the_proxy_do_not_lock_staff_out_of_login() {
    let w = behind_proxy().await;
    for attacker in 1..=10 {
        let xff = format!("203.0.113.{attacker}");
        for attempt in 1..=challenge::PER_IP_LIMIT + 2 {
            let r = w
                .send_from(PROXY, login_page(), &[("x-forwarded-for", &xff)])
                .await;
            let expected = if attempt <= challenge::PER_IP_LIMIT {
                200
            } else {
                429
            };
            assert_eq!(r.status, expected, "attacker {attacker}, attempt {attempt}");
        }
    }

    // A staff member behind the same proxy still gets a code, recorded with their address.
    let staff_ip = "198.51.100.7";
    let chain = format!("{staff_ip}, {PROXY}");
    let page = w
        .send_from("10.0.0.1", login_page(), &[("x-forwarded-for", &chain)])
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("start=login_"), "{}", page.body);
    let token = login_token_in(&page.body);
    // The approval card in Telegram shows the browser's address, not the proxy's.
    let pending = challenge::describe(&w.ctx, &token).await.unwrap();
    assert_eq!(pending.ip.as_deref(), Some(staff_ip));

    // Approved in the bot: the session is recorded with the browser's address too.
    challenge::decide(&w.ctx, &Actor::user(w.admin, Channel::Bot), &token, true)
        .await
        .unwrap();
    let at = page.body.find("/login/status?c=").unwrap() + "/login/status?c=".len();
    let id: String = page.body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let pre = page
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-vitrina-pre="))
        .unwrap();
    let status = Request::get(format!("/login/status?c={id}"))
        .header("host", "localhost")
        .header("cookie", &pre)
        .body(Body::empty())
        .unwrap();
    let done = w
        .send_from(PROXY, status, &[("x-forwarded-for", staff_ip)])
        .await;
    assert_eq!(done.headers.get("hx-redirect").unwrap(), "/");
    let listed = sessions::list(&w.ctx, w.admin).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].ip.as_deref(), Some(staff_ip));
    let cookie = done.cookies().join("; ");
    let page = w.get("/sessions", Some(&cookie)).await;
    assert!(page.body.contains(staff_ip), "{}", page.body);
    assert!(!page.body.contains(PROXY), "{}", page.body);
}

#[tokio::test]
async fn forwarded_addresses_from_an_untrusted_peer_are_ignored() {
    let w = behind_proxy().await;
    // Someone outside talks to the server directly and names a new address every time.
    let stranger = "203.0.113.50";
    for attempt in 1..=challenge::PER_IP_LIMIT + 1 {
        let spoofed = format!("198.51.100.{attempt}");
        let forwarded = format!("for={spoofed}");
        let r = w
            .send_from(
                stranger,
                login_page(),
                &[("x-forwarded-for", &spoofed), ("forwarded", &forwarded)],
            )
            .await;
        if attempt <= challenge::PER_IP_LIMIT {
            assert_eq!(r.status, 200, "attempt {attempt}");
            assert_eq!(last_challenge_ip(&w).await.as_deref(), Some(stranger));
        } else {
            assert_eq!(r.status, 429, "counted on the real peer");
        }
    }

    // With no trusted proxies configured (the default), nobody's headers are believed, not
    // even a private address's.
    let plain = Web::new().await;
    let r = plain
        .send_from(
            "10.0.0.2",
            login_page(),
            &[("x-forwarded-for", "198.51.100.9")],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(last_challenge_ip(&plain).await.as_deref(), Some("10.0.0.2"));

    // A trusted proxy's malformed header: the proxy's address, not a guess.
    let r = w
        .send_from(
            PROXY,
            login_page(),
            &[("x-forwarded-for", "198.51.100.9, not-an-address")],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(last_challenge_ip(&w).await.as_deref(), Some(PROXY));
}

#[tokio::test]
async fn staff_actions_and_refreshed_sessions_record_the_forwarded_client() {
    let w = behind_proxy().await;
    let anna = w.login(w.admin).await;
    // IPv6 behind an IPv6 proxy, in RFC 7239 form.
    let client = "2001:db8::42";
    let verify = Request::post(format!("/orders/{}/verify", w.order.id))
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", &anna)
        .body(Body::empty())
        .unwrap();
    let r = w
        .send_from(
            "fd00::1",
            verify,
            &[("forwarded", "for=\"[2001:db8::42]:51234\";proto=https")],
        )
        .await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.status
    );
    assert_eq!(w.status_of().await, OrderStatus::Paid);
    let entry = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::ActorUserId.eq(w.admin.0))
        .order_by_desc(entity::audit_log::Column::Id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.ip.as_deref(), Some(client), "{entry:?}");

    // A refresh through the proxy moves the session's address to the client's.
    let refresh_only: String = anna
        .split("; ")
        .filter(|c| c.starts_with("__Host-vitrina-refresh="))
        .collect();
    let page = Request::get("/sessions")
        .header("host", "localhost")
        .header("cookie", &refresh_only)
        .body(Body::empty())
        .unwrap();
    let r = w
        .send_from(PROXY, page, &[("x-forwarded-for", "198.51.100.20")])
        .await;
    assert_eq!(r.status, 200);
    let listed = sessions::list(&w.ctx, w.admin).await.unwrap();
    assert_eq!(listed[0].ip.as_deref(), Some("198.51.100.20"));
}
