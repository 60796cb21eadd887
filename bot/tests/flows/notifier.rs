//! The notifier, fed by the outbox, against the mock Bot API: staff get new receipts with
//! Verify / Reject buttons, customers hear about decisions, and nothing is sent twice.
use bot::{BotError, Services};
use domain::messaging::deliveries::DeliveryStatus;
use domain::ordering::receipts::NewReceipt;
use domain::{Actor, Channel, OrderId};
use files::FileKind;
use files::{inspect as pipeline, store as storage};
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use testkit::files as samples;

use crate::support::*;

/// A handler tree whose only job is one notifier pass: the mock API is up while it runs.
fn notify_once() -> UpdateHandler<BotError> {
    dptree::entry().endpoint(|bot: Bot, services: Services| async move {
        bot::notifier::run_once(&bot, &services.ctx, services.files.as_ref(), "test").await?;
        Ok(())
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_get_the_receipt_and_the_customer_the_verdict() {
    let w = World::new().await;
    let customer = w.known(CUSTOMER, "carol", "uk").await;
    let order = w.order_for(customer).await;
    let inspected = pipeline::inspect(samples::jpeg(320, 200), &pipeline::Limits::default())
        .await
        .unwrap();
    let stored = storage::store(w.files.as_ref(), &inspected).await.unwrap();
    let new = NewReceipt {
        order: OrderId(order.id),
        kind: FileKind::Jpeg,
        sha256: inspected.sha256.clone(),
        size_bytes: inspected.size as i64,
        storage_key: Some(stored.key),
        telegram_file_id: None,
        telegram_file_unique_id: None,
        width: inspected.width.map(|v| v as i32),
        height: inspected.height.map(|v| v as i32),
    };
    domain::ordering::receipts::attach(&w.ctx, &Actor::user(customer, Channel::Bot), &new)
        .await
        .unwrap();

    let mut bot = teloxide_tests::MockBot::new(text(STRANGER, "en", "tick"), notify_once());
    bot.dependencies(teloxide::dptree::deps![w.services.clone()]);
    w.run(&mut bot).await;
    let photos = bot.get_responses().sent_messages_photo;
    let mut chats: Vec<i64> = photos.iter().map(|p| p.message.chat.id.0).collect();
    chats.sort();
    assert_eq!(
        chats,
        vec![OWNER as i64, ADMIN as i64],
        "the owner and the store's admin"
    );
    let to_admin = photos
        .iter()
        .find(|p| p.message.chat.id.0 == ADMIN as i64)
        .unwrap();
    let caption = to_admin.message.caption().unwrap();
    assert!(
        caption.contains("1001") && caption.contains("@carol"),
        "{caption}"
    );
    let buttons: Vec<String> = to_admin
        .message
        .reply_markup()
        .unwrap()
        .inline_keyboard
        .iter()
        .flatten()
        .map(|b| b.text.clone())
        .collect();
    assert_eq!(buttons, vec![t("en", "btn-verify"), t("en", "btn-reject")]);
    let to_owner = photos
        .iter()
        .find(|p| p.message.chat.id.0 == OWNER as i64)
        .unwrap();
    let in_ukrainian = t_args(
        "uk",
        "staff-new-receipt",
        &[
            ("number", 1001.into()),
            ("total", "500,00\u{a0}₴".into()),
            ("customer", "@carol".into()),
            ("duplicate", 0.into()),
        ],
    );
    assert_eq!(
        to_owner.message.caption().unwrap(),
        in_ukrainian,
        "each in their own language"
    );

    // Each delivery is recorded as sent (the in-app ones wait for the notification center).
    let telegram: Vec<_> = deliveries(&w)
        .await
        .into_iter()
        .filter(|d| d.0 == "telegram")
        .collect();
    assert_eq!(telegram.len(), 2);
    assert!(
        telegram.iter().all(|d| d.1 == DeliveryStatus::Sent),
        "{telegram:?}"
    );

    // Nothing new: nothing sent again.
    w.run(&mut bot).await;
    assert!(bot.get_responses().sent_messages_photo.is_empty());
    assert!(bot.get_responses().sent_messages.is_empty());

    let admin = w.known(ADMIN, "anna", "en").await;
    domain::ordering::orders::decide::verify(
        &w.ctx,
        &Actor::user(admin, Channel::Web),
        OrderId(order.id),
    )
    .await
    .unwrap();
    w.run(&mut bot).await;
    let texts: Vec<(i64, String)> = bot
        .get_responses()
        .sent_messages
        .iter()
        .map(|m| (m.chat.id.0, m.text().unwrap_or_default().to_owned()))
        .collect();
    assert_eq!(
        texts,
        vec![(
            CUSTOMER as i64,
            t_args("uk", "notify-verified", &[("number", 1001.into())])
        )]
    );
}

/// The deliveries of a status: (channel, status, attempts) for each.
async fn deliveries(w: &World) -> Vec<(String, DeliveryStatus, i32)> {
    use sea_orm::EntityTrait;
    entity::notification_deliveries::Entity::find()
        .all(&w.ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.channel, d.status, d.attempts))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_telegram_leaves_the_delivery_to_try_again_later() {
    let w = World::new().await;
    let customer = w.known(CUSTOMER, "carol", "en").await;
    let order = w.order_for(customer).await;
    domain::ordering::orders::fulfil::cancel(
        &w.ctx,
        &Actor::operator(),
        OrderId(order.id),
        Some("gone"),
    )
    .await
    .unwrap();
    // Nothing listens on this port.
    let url = format!("http://127.0.0.1:{}", testkit::wait::free_port());
    let bot = bot::runtime::make_bot("123456:TEST", &url).unwrap();
    let sent = bot::notifier::run_once(&bot, &w.ctx, w.files.as_ref(), "n1")
        .await
        .unwrap();
    assert_eq!(sent, Some(0));
    assert_eq!(
        deliveries(&w).await,
        vec![("telegram".to_owned(), DeliveryStatus::Pending, 1)],
        "counted, kept, and due again after the backoff"
    );
}

/// Every kind of notice goes to Telegram and renders there in every language, with its
/// figures; only a receipt to check comes with the receipt and its decide buttons.
#[tokio::test(flavor = "multi_thread")]
async fn every_kind_renders_in_every_language() {
    use domain::messaging::deliveries::{DeliveryChannel, kind_of};
    use domain::messaging::notifications::What;
    let w = World::new().await;
    let every = testkit::notices::every_kind(&w.ctx).await;
    for what in &every {
        let kind = kind_of(what);
        assert!(
            kind.channels.contains(&DeliveryChannel::Telegram),
            "{}",
            kind.name
        );
        for lang in i18n::Lang::ALL {
            let rendered = bot::notifier::render(lang, what);
            let text = &rendered.text;
            assert!(!i18n::keys(lang).contains(text), "{lang:?}: {text}");
            let figure = testkit::notices::figure(what);
            assert!(text.contains(&figure), "{lang:?}: {figure} in {text}");
            let receipt = rendered.receipt.map(|(r, order)| (r.id, order));
            let wanted = match what {
                What::NewReceipt { receipt, order, .. } => Some((receipt.id, order.id)),
                _ => None,
            };
            assert_eq!(receipt, wanted, "{}", kind.name);
        }
    }
}
