//! The bot's half of the QR login: the approval card, Approve and Deny.
use domain::people::auth::challenge::{self, Poll};

use crate::support::*;

#[tokio::test(flavor = "multi_thread")]
async fn staff_approve_a_browser_login_from_the_card() {
    let w = World::new().await;
    let c = challenge::create(
        &w.ctx,
        "browser-secret-0123456789",
        "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
        Some("203.0.113.7"),
    )
    .await
    .unwrap();
    let mut bot = w.mock(text(ADMIN, "en", &format!("/start login_{}", c.token)));
    w.run(&mut bot).await;
    let responses = bot.get_responses();
    let card = responses.sent_messages.last().unwrap();
    let body = card.text().unwrap();
    assert!(
        body.contains("Firefox") && body.contains("Linux") && body.contains("203.0.113.7"),
        "{body}"
    );
    let buttons: Vec<String> = card
        .reply_markup()
        .unwrap()
        .inline_keyboard
        .iter()
        .flatten()
        .map(|b| b.text.clone())
        .collect();
    assert_eq!(
        buttons,
        vec![t("en", "btn-login-approve"), t("en", "btn-login-deny")]
    );
    bot.update(press(ADMIN, "en", &format!("la:{}", c.token)));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("en", "bot-login-approved")]);
    let admin = w.known(ADMIN, "anna", "en").await;
    assert_eq!(
        challenge::poll(&w.ctx, c.id, "browser-secret-0123456789")
            .await
            .unwrap(),
        Poll::Approved(admin)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_cannot_approve_and_a_used_link_is_refused() {
    let w = World::new().await;
    let c = challenge::create(&w.ctx, "another-browser-secret", "curl/8", None)
        .await
        .unwrap();
    let mut bot = w.mock(press(CUSTOMER, "en", &format!("la:{}", c.token)));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("en", "error-forbidden")]);
    assert_eq!(
        challenge::poll(&w.ctx, c.id, "another-browser-secret")
            .await
            .unwrap(),
        Poll::Pending
    );
    bot.update(press(ADMIN, "en", &format!("ld:{}", c.token)));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("en", "bot-login-denied")]);
    bot.update(text(ADMIN, "en", &format!("/start login_{}", c.token)));
    w.run(&mut bot).await;
    let gone = i18n::t_args(
        i18n::Lang::En,
        "error-not-found",
        &[("what", "link".into())],
    );
    assert_eq!(sent(&bot), vec![gone]);
}
