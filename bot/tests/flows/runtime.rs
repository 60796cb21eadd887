//! The real runtime against our own fake Bot API on loopback: webhook mode with its secret, and
//! the notifier waiting out 429s.

use bot::runtime::{Webhook, dispatch, make_bot};
use domain::{Actor, Channel};
use serde_json::json;
use testkit::fake_telegram::FakeTelegram;
use testkit::wait::free_port;

/// Waits until `check` holds (bounded).
async fn eventually<F: Fn() -> bool>(what: &str, check: F) {
    testkit::wait::eventually(what, || async { check().then_some(()) }).await
}

use crate::support::*;

#[tokio::test(flavor = "multi_thread")]
async fn webhook_mode_refuses_requests_without_the_secret() {
    let w = World::new().await;
    let api = FakeTelegram::start().await;
    let bot = make_bot("123456:TEST", &api.url).unwrap();
    let port = free_port();
    let hook = Webhook {
        url: format!("http://127.0.0.1:{port}/telegram").parse().unwrap(),
        secret: "s3cret_Token-1".into(),
        bind: ([127, 0, 0, 1], port).into(),
    };
    let (ready, token) = tokio::sync::oneshot::channel();
    let running = tokio::spawn(dispatch(bot, w.services.clone(), Some(hook), ready));
    let token = token.await.unwrap();
    eventually("setWebhook", || {
        api.calls().iter().any(|c| c.method == "setwebhook")
    })
    .await;
    let set = api
        .calls()
        .into_iter()
        .find(|c| c.method == "setwebhook")
        .unwrap();
    assert_eq!(set.body["secret_token"], "s3cret_Token-1");

    let update = json!({
        "update_id": 1,
        "message": {
            "message_id": 1, "date": 1_700_000_000,
            "chat": { "id": CUSTOMER, "type": "private", "first_name": "carol" },
            "from": { "id": CUSTOMER, "is_bot": false, "first_name": "carol", "language_code": "en" },
            "text": "/help"
        }
    });
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/telegram");
    for secret in [None, Some("wrong")] {
        let mut req = client.post(&url).json(&update);
        if let Some(s) = secret {
            req = req.header("X-Telegram-Bot-Api-Secret-Token", s);
        }
        assert_eq!(req.send().await.unwrap().status(), 401, "secret {secret:?}");
    }
    assert!(
        api.sent_texts().is_empty(),
        "nothing handled without the secret"
    );
    let ok = client
        .post(&url)
        .header("X-Telegram-Bot-Api-Secret-Token", "s3cret_Token-1")
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    eventually("the answer", || !api.sent_texts().is_empty()).await;
    assert_eq!(
        api.sent_texts(),
        vec![(CUSTOMER as i64, bot::commands::help(i18n::Lang::En, false))]
    );
    // Kept before Telegram got its 200, and marked handled once answered.
    let bot_id = w.services.bot_id;
    assert!(
        !domain::platform::updates::log::keep(&w.ctx.db, bot_id, 1, "{}", w.ctx.now())
            .await
            .unwrap(),
        "the posted update was kept"
    );
    testkit::wait::eventually("the update marked handled", || async {
        let pending = domain::platform::updates::log::pending(&w.ctx.db, bot_id)
            .await
            .unwrap();
        pending.is_empty().then_some(())
    })
    .await;

    crate::polling::stop(token, running).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_notifier_waits_out_429_and_sends_once() {
    let w = World::new().await;
    let api = FakeTelegram::start().await;
    let bot = make_bot("123456:TEST", &api.url).unwrap();
    let customer = w.known(CUSTOMER, "carol", "en").await;
    let order = w.order_for(customer).await;
    domain::ordering::orders::fulfil::cancel(
        &w.ctx,
        &Actor::operator(),
        domain::OrderId(order.id),
        Some("no stock"),
    )
    .await
    .unwrap();
    api.throttle("sendMessage", 2);
    let done = bot::notifier::run_once(&bot, &w.ctx, w.files.as_ref(), "n1")
        .await
        .unwrap();
    assert!(done.is_some_and(|n| n > 0));
    let attempts = api
        .calls()
        .iter()
        .filter(|c| c.method == "sendmessage")
        .count();
    assert_eq!(attempts, 3, "two 429s, then sent");
    let cancelled = t_args("en", "notify-cancelled", &[("number", 1001.into())]);
    assert_eq!(
        api.sent_texts()
            .into_iter()
            .filter(|(_, t)| *t == cancelled)
            .count(),
        3
    );
    // Acknowledged: the next pass sends nothing more.
    bot::notifier::run_once(&bot, &w.ctx, w.files.as_ref(), "n1")
        .await
        .unwrap();
    assert_eq!(
        api.calls()
            .iter()
            .filter(|c| c.method == "sendmessage")
            .count(),
        3
    );
    let _ = Channel::Bot;
}
