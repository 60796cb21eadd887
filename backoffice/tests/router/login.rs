//! QR login through the bot, sessions, and forged or stale tokens.
use domain::people::auth::{challenge, sessions};
use domain::{Actor, Channel};

use crate::support::*;

fn challenge_in(page: &str) -> String {
    let at = page.find("/login/status?c=").unwrap() + "/login/status?c=".len();
    page[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

#[tokio::test]
async fn qr_login_approved_in_the_bot_lets_this_browser_in_once() {
    let w = Web::new().await;
    let page = w.get("/login", None).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<svg")
            && page
                .body
                .contains("https://t.me/vitrina_test_bot?start=login_"),
        "{}",
        page.body
    );
    let token = login_token_in(&page.body);
    assert!(
        token.len() >= 22 && ("login_".len() + token.len()) <= 64,
        "{token}"
    );
    let id = challenge_in(&page.body);
    let pre = page
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-vitrina-pre="))
        .unwrap();
    let set = page.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("Secure") && set.contains("SameSite=Strict"),
        "{set}"
    );

    let waiting = w.get(&format!("/login/status?c={id}"), Some(&pre)).await;
    assert!(
        waiting.body.contains("hx-trigger=\"every 2s\""),
        "still waiting: {}",
        waiting.body
    );

    challenge::decide(&w.ctx, &Actor::user(w.admin, Channel::Bot), &token, true)
        .await
        .unwrap();
    // Another browser (no or another pre-session cookie) gets nothing.
    let thief = w
        .get(
            &format!("/login/status?c={id}"),
            Some("__Host-vitrina-pre=guess"),
        )
        .await;
    assert!(
        thief
            .cookies()
            .iter()
            .all(|c| !c.starts_with("__Host-vitrina-access=")),
        "{:?}",
        thief.cookies()
    );
    let done = w.get(&format!("/login/status?c={id}"), Some(&pre)).await;
    assert_eq!(done.headers.get("hx-redirect").unwrap(), "/");
    let cookies: Vec<String> = done
        .cookies()
        .into_iter()
        .filter(|c| {
            c.starts_with("__Host-vitrina-access=") || c.starts_with("__Host-vitrina-refresh=")
        })
        .collect();
    assert_eq!(cookies.len(), 2, "{:?}", done.cookies());
    let queue = w.get("/queue", Some(&cookies.join("; "))).await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    assert!(queue.body.contains("#1001"), "{}", queue.body);
    // The code works once.
    let again = w.get(&format!("/login/status?c={id}"), Some(&pre)).await;
    assert!(
        again.body.contains("data-state=\"expired\""),
        "{}",
        again.body
    );
}

#[tokio::test]
async fn a_customer_cannot_approve_a_login_and_a_denial_is_shown() {
    let w = Web::new().await;
    let page = w.get("/login", None).await;
    let (token, id) = (login_token_in(&page.body), challenge_in(&page.body));
    let pre = page
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-vitrina-pre="))
        .unwrap();
    let err = challenge::decide(&w.ctx, &Actor::user(w.customer, Channel::Bot), &token, true)
        .await
        .unwrap_err();
    assert!(matches!(err, domain::Error::Forbidden), "{err:?}");
    challenge::decide(&w.ctx, &Actor::user(w.admin, Channel::Bot), &token, false)
        .await
        .unwrap();
    let denied = w.get(&format!("/login/status?c={id}"), Some(&pre)).await;
    assert!(
        denied.body.contains("data-state=\"denied\""),
        "{}",
        denied.body
    );
}

#[tokio::test]
async fn forged_and_misused_tokens_go_back_to_login() {
    let w = Web::new().await;
    let good = w.login(w.admin).await;
    let access = good
        .split("; ")
        .next()
        .unwrap()
        .trim_start_matches("__Host-vitrina-access=")
        .to_owned();
    let refresh = good
        .split("; ")
        .nth(1)
        .unwrap()
        .trim_start_matches("__Host-vitrina-refresh=")
        .to_owned();
    let mut parts: Vec<&str> = access.split('.').collect();
    let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"; // {"alg":"none","typ":"JWT"}
    parts[0] = none_header;
    let alg_none = format!("{}.{}.", parts[0], parts[1]);
    let wrong_key = {
        let s = sessions::start(&w.ctx, w.admin, "x", None).await.unwrap();
        domain::people::auth::tokens::issue_access(
            &domain::people::auth::tokens::JwtKeys::new(b"another-secret-another-secret-12"),
            w.admin,
            &s.family,
            w.ctx.now(),
        )
        .unwrap()
    };
    for bad in [alg_none, wrong_key, refresh.clone(), "garbage".to_owned()] {
        let r = w
            .get("/queue", Some(&format!("__Host-vitrina-access={bad}")))
            .await;
        assert_eq!((r.status.as_u16(), r.location()), (303, "/login"), "{bad}");
    }
    // With the real refresh token beside a bad access token, the session is refreshed.
    let r = w
        .get(
            "/queue",
            Some(&format!(
                "__Host-vitrina-access=garbage; __Host-vitrina-refresh={refresh}"
            )),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.cookies()
            .iter()
            .any(|c| c.starts_with("__Host-vitrina-refresh=")),
        "rotated"
    );
    let _ = access;
}

#[tokio::test]
async fn revoking_a_session_or_a_role_ends_access_on_the_next_request() {
    let w = Web::new().await;
    let admin = w.login(w.admin).await;
    assert_eq!(w.get("/sessions", Some(&admin)).await.status, 200);
    let other = w.login(w.admin).await;
    let list = w.get("/sessions", Some(&admin)).await;
    assert_eq!(
        list.body.matches("<tr><td>test browser").count(),
        2,
        "{}",
        list.body
    );
    let r = w
        .post("/sessions/others/revoke", Some(&admin), "", SAME)
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(w.get("/queue", Some(&other)).await.location(), "/login");
    assert_eq!(w.get("/queue", Some(&admin)).await.status, 200);
    domain::people::staff::revoke(&w.ctx, &Actor::operator(), w.admin, Some(w.store))
        .await
        .unwrap();
    assert_eq!(w.get("/queue", Some(&admin)).await.location(), "/login");
}
