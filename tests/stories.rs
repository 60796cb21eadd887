//! Whole stories through the real app wiring: the customer only through fake Telegram updates
//! (store link, catalog buttons, cart, checkout dialogue, receipt), staff only through the
//! backoffice (a browser, or its forms over HTTP), and what the customer is told checked in
//! what the fake Bot API recorded.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "browser/chrome.rs"]
#[allow(dead_code)]
mod chrome;
#[path = "browser/login.rs"]
mod login;
#[path = "support/mod.rs"]
mod support;

#[path = "stories/expire.rs"]
mod expire;
#[path = "stories/reject.rs"]
mod reject;
#[path = "stories/two_instances.rs"]
mod two_instances;
#[path = "stories/verify.rs"]
mod verify;

use i18n::ArgValue;
use testkit::fake_telegram::FakeTelegram;
use testkit::wait::eventually;

use support::telegram::{self, Person};

/// What the customer is told when staff decide (or time runs out): waits until the bot sent
/// it, then gives how many times it was sent.
pub async fn told(api: &FakeTelegram, who: &Person, key: &str, args: &[(&str, ArgValue)]) -> usize {
    let text = i18n::t_args(who.lang(), key, args);
    eventually(&format!("{} to be told {text:?}", who.name), || {
        let n = telegram::count_texts(api, who.id, &text);
        async move { (n > 0).then_some(n) }
    })
    .await;
    telegram::count_texts(api, who.id, &text)
}

/// The order's number, as a message argument.
pub fn number(order: &entity::orders::Model) -> [(&'static str, ArgValue); 1] {
    [("number", ArgValue::from(order.number))]
}

/// Waits until every planned Telegram notification is sent (none pending), so that a count
/// taken afterwards would see a second send.
pub async fn deliveries_settled(db: &sea_orm::DatabaseConnection) {
    use domain::messaging::deliveries::{DeliveryChannel, DeliveryStatus};
    use entity::notification_deliveries as d;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    eventually("the Telegram deliveries to settle", || async {
        let pending = d::Entity::find()
            .filter(d::Column::Channel.eq(DeliveryChannel::Telegram.as_str()))
            .filter(d::Column::Status.ne(DeliveryStatus::Sent))
            .count(db)
            .await
            .unwrap();
        (pending == 0).then_some(())
    })
    .await;
}

/// Waits until the relay has published every event in the outbox, so that no page reloads
/// for an event that was already old when it was opened.
pub async fn outbox_relayed(db: &sea_orm::DatabaseConnection) {
    use entity::outbox_events as o;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    eventually("the outbox to be relayed", || async {
        let left = o::Entity::find()
            .filter(o::Column::PublishedAt.is_null())
            .count(db)
            .await
            .unwrap();
        (left == 0).then_some(())
    })
    .await;
}
