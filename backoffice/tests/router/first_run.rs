//! First run: the OWNER who claimed the bot logs in before any store exists, and is asked to
//! create the first one instead of being sent back to the login page.
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use backoffice::AppState;
use domain::people::auth::challenge;
use domain::{Actor, Channel, Ctx, Role};
use files::store::MemoryStorage;
use testkit::TestDb;
use tower::ServiceExt;

use crate::support::*;

async fn send(app: &Router, path: &str, cookie: &str, form: Option<&str>) -> Reply {
    let mut req = match form {
        Some(_) => Request::post(path)
            .header("origin", "http://localhost")
            .header("content-type", "application/x-www-form-urlencoded"),
        None => Request::get(path),
    }
    .header("host", "localhost");
    if !cookie.is_empty() {
        req = req.header("cookie", cookie);
    }
    let body = Body::from(form.unwrap_or_default().to_owned());
    call(app, req.body(body).unwrap()).await
}

/// Follows redirects (`Location`, or htmx's `HX-Redirect`) from `path`; the pages visited.
async fn follow(app: &Router, path: &str, cookie: &str) -> (Vec<String>, Reply) {
    let mut visited = vec![path.to_owned()];
    let mut r = send(app, path, cookie, None).await;
    while r.status.is_redirection() {
        let next = r.location().to_owned();
        assert!(visited.len() < 10, "a redirect loop: {visited:?}");
        visited.push(next.clone());
        r = send(app, &next, cookie, None).await;
    }
    (visited, r)
}

#[tokio::test]
async fn an_owner_without_a_store_lands_on_create_your_first_store() {
    let test_db = TestDb::new().await;
    let ctx = Ctx::local(test_db.db.clone());
    let olga = testkit::seed::person(&ctx, 1, "olga", "en").await;
    domain::people::staff::grant(&ctx, &Actor::operator(), olga, Role::Owner, None)
        .await
        .unwrap();
    let state = AppState::new(
        ctx.clone(),
        SECRET,
        Arc::new(MemoryStorage::new()),
        "vitrina_test_bot",
    );
    let app = backoffice::router(state);

    // The QR login, approved in the bot.
    let page = send(&app, "/login", "", None).await;
    let token = login_token_in(&page.body);
    let id: String = {
        let at = page.body.find("/login/status?c=").unwrap() + "/login/status?c=".len();
        page.body[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect()
    };
    let pre = page.cookies().join("; ");
    challenge::decide(&ctx, &Actor::user(olga, Channel::Bot), &token, true)
        .await
        .unwrap();
    let done = send(&app, &format!("/login/status?c={id}"), &pre, None).await;
    assert_eq!(done.headers.get("hx-redirect").unwrap(), "/");
    let cookie = done.cookies().join("; ");

    let (visited, landed) = follow(&app, "/", &cookie).await;
    assert_eq!(visited.last().unwrap(), "/stores/new", "{visited:?}");
    assert!(!visited.iter().any(|p| p == "/login"), "{visited:?}");
    assert_eq!(landed.status, 200);
    let text = unescape(&landed.body);
    assert!(text.contains(&en("web-store-first", &[])), "{text}");
    assert!(text.contains(&en("web-store-first-hint", &[])), "{text}");
    assert!(text.contains("action=\"/stores\""), "{text}");
    // Every staff page leads there meanwhile, and the session is kept.
    for path in ["/queue", "/orders", "/products"] {
        let r = send(&app, path, &cookie, None).await;
        assert_eq!((r.status.as_u16(), r.location()), (303, "/stores/new"));
        assert!(r.headers.get("set-cookie").is_none(), "{path}");
    }
    let live = Request::get("/events")
        .header("host", "localhost")
        .header("cookie", &cookie)
        .body(Body::empty())
        .unwrap();
    let live = app.clone().oneshot(live).await.unwrap();
    assert_eq!(live.status(), 200, "the live stream of a store-less page");

    let form = "slug=first&name=First+shop&currency=UAH&unpaid_deadline_minutes=60";
    let created = send(&app, "/stores", &cookie, Some(form)).await;
    assert_eq!(
        (created.status.as_u16(), created.location()),
        (303, "/store/settings")
    );
    let cookie = format!("{cookie}; {}", created.cookies().join("; "));
    let (visited, queue) = follow(&app, "/", &cookie).await;
    assert_eq!(visited, ["/", "/queue"]);
    assert_eq!(queue.status, 200);
    // Once a store exists, the form is the ordinary "New store".
    let again = send(&app, "/stores/new", &cookie, None).await;
    assert!(
        !unescape(&again.body).contains(&en("web-store-first-hint", &[])),
        "{}",
        again.body
    );
}
