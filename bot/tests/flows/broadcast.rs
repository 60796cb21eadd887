//! The notifier sends many recipients' notices at once: through `Throttle` against Telegram's
//! limits (enforced by the fake Bot API) everyone gets exactly one message and nothing is
//! answered 429; one recipient's transient failure does not touch the others' deliveries.
use std::collections::BTreeMap;

use axum::Router;
use axum::extract::Path;
use axum::routing::post;
use domain::messaging::deliveries::DeliveryStatus;
use domain::{Actor, OrderId, UserId};
use serde_json::{Value, json};
use teloxide::prelude::*;
use testkit::fake_telegram::FakeTelegram;

use crate::support::*;

const FIRST_CUSTOMER: u64 = 10_000;

/// `count` customers, each with an order cancelled by the operator (one notice each, planned
/// in this order); their Telegram ids.
async fn cancelled_orders(w: &World, count: u64) -> Vec<i64> {
    let mugs = testkit::seed::product(&w.ctx, w.store, "MANY", 1_000, 1_000).await;
    let mut chats = Vec::new();
    for i in 0..count {
        let telegram_id = FIRST_CUSTOMER + i;
        let customer: UserId = w.known(telegram_id, &format!("c{i}"), "en").await;
        let order = testkit::seed::order(&w.ctx, w.store, customer, mugs, 1).await;
        domain::ordering::orders::fulfil::cancel(
            &w.ctx,
            &Actor::operator(),
            OrderId(order.id),
            None,
        )
        .await
        .unwrap();
        chats.push(telegram_id as i64);
    }
    chats
}

/// The Telegram deliveries by recipient's Telegram id: (status, attempts).
async fn telegram_deliveries(w: &World) -> BTreeMap<i64, (DeliveryStatus, i32)> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let telegram_id: BTreeMap<i64, i64> = entity::users::Entity::find()
        .all(&w.ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| (u.id, u.telegram_id))
        .collect();
    entity::notification_deliveries::Entity::find()
        .filter(entity::notification_deliveries::Column::Channel.eq("telegram"))
        .all(&w.ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (telegram_id[&d.user_id], (d.status, d.attempts)))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn sixty_customers_each_get_one_message_within_telegrams_limits() {
    let w = World::new().await;
    let chats = cancelled_orders(&w, 60).await;
    let api = FakeTelegram::start().await;
    api.enforce_rate_limits(30, 1);
    let bot = bot::runtime::make_bot("123456:TEST", &api.url)
        .unwrap()
        .throttle(bot::notifier::throttle_limits());
    // A running notifier's connections to the API are open already. Opening 30 at once here,
    // in the first second, would delay that second's sends by more than the fake API's
    // allowance for jitter (it stamps arrival, the throttle release) on a loaded machine.
    let warm = futures::future::join_all((0..30).map(|_| bot.get_me().send())).await;
    assert!(warm.iter().all(Result::is_ok));

    let sent = bot::notifier::run_once(&bot, &w.ctx, w.files.as_ref(), "n1")
        .await
        .unwrap();

    assert_eq!(sent, Some(60));
    assert_eq!(api.rate_limited(), 0, "no 429 from Telegram's limits");
    let mut per_chat: BTreeMap<i64, usize> = BTreeMap::new();
    for (chat, _) in api.sent_texts() {
        *per_chat.entry(chat).or_default() += 1;
    }
    let expected: BTreeMap<i64, usize> = chats.iter().map(|c| (*c, 1)).collect();
    assert_eq!(per_chat, expected, "exactly one message to each customer");
    let deliveries = telegram_deliveries(&w).await;
    assert_eq!(deliveries.len(), 60);
    assert!(
        deliveries
            .values()
            .all(|(s, a)| *s == DeliveryStatus::Sent && *a == 0),
        "{deliveries:?}"
    );
}

/// A Bot API that answers every send, except those to `bad_chat`, which get a broken answer
/// (as from a proxy in between): a transient failure, not a refusal.
async fn api_failing_for(bad_chat: i64) -> String {
    let app = Router::new().route(
        "/{token}/{method}",
        post(
            move |Path((_, _)): Path<(String, String)>, body: String| async move {
                let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                let chat = body["chat_id"].as_i64().unwrap_or(0);
                if chat == bad_chat {
                    return "<html>Bad Gateway</html>".to_owned();
                }
                let message = json!({
                    "message_id": 1, "date": 1_700_000_000,
                    "chat": { "id": chat, "type": "private", "first_name": "someone" },
                    "text": body["text"]
                });
                json!({ "ok": true, "result": message }).to_string()
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test(flavor = "multi_thread")]
async fn one_transient_failure_leaves_the_other_deliveries_alone() {
    let w = World::new().await;
    let chats = cancelled_orders(&w, 5).await;
    // The first claimed fails; the others are sent at the same time, not after it.
    let bad = chats[0];
    let bot = bot::runtime::make_bot("123456:TEST", &api_failing_for(bad).await).unwrap();

    let sent = bot::notifier::run_once(&bot, &w.ctx, w.files.as_ref(), "n1")
        .await
        .unwrap();

    assert_eq!(sent, Some(4));
    let deliveries = telegram_deliveries(&w).await;
    assert_eq!(
        deliveries[&bad],
        (DeliveryStatus::Pending, 1),
        "counted and kept for a later attempt"
    );
    for chat in &chats[1..] {
        let sent = (DeliveryStatus::Sent, 0);
        assert_eq!(deliveries[chat], sent, "chat {chat}");
    }
}
