//! A customer who shops only through Telegram: opens the store from its deep link, takes a
//! product from the catalog's buttons, checks out through the dialogue and sends receipts.
//!
//! The customer reacts to what the bot last said rather than following a script, so that a
//! bot restarted in the middle (answering an update twice, or a question again) is followed
//! as a person would. Where the bot commits first and answers after (the order, the receipt),
//! an answer lost to a crash is made up for by looking at the database. And like a person,
//! the customer does the last thing again when the bot stays silent for [`NUDGE`]: an update
//! the killed bot had fetched but not handled is gone (Telegram, and the fake, forget updates
//! once a later `getUpdates` confirms them, which teloxide does before handling them).
use std::time::{Duration, Instant};

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use testkit::fake_telegram::FakeTelegram;

use super::telegram::{self, Person, buttons, text_of};

/// How long a customer waits for the bot before failing the test: long enough for a few
/// restarts of a killed bot.
pub const CUSTOMER_PATIENCE: Duration = Duration::from_secs(45);
/// How long the customer waits for an answer before doing the last thing again.
pub const NUDGE: Duration = Duration::from_secs(5);

pub struct Customer<'a> {
    pub who: Person,
    pub api: &'a FakeTelegram,
    pub db: &'a DatabaseConnection,
}

/// What the customer does next, from the newest message of the bot that asks for something.
#[derive(Clone, Debug, PartialEq)]
enum Next {
    Press(String),
    Say(String),
    Wait,
}

impl Customer<'_> {
    /// Opens `store` from its link and orders one `product`; the order, as committed.
    pub async fn order(&self, store: &str, product: i64) -> entity::orders::Model {
        let mut last = Next::Say(format!("/start store_{store}"));
        self.act(&last);
        let mut handled = 0;
        let mut answered = Instant::now();
        let deadline = Instant::now() + CUSTOMER_PATIENCE;
        loop {
            if let Some(order) = self.latest_order().await {
                return order;
            }
            let sent = telegram::sent_to(self.api, self.who.id);
            if sent.len() > handled {
                handled = sent.len();
                answered = Instant::now();
                let next = self.next(&sent, product);
                if next != Next::Wait {
                    last = next;
                    self.act(&last);
                }
            } else if answered.elapsed() > NUDGE {
                answered = Instant::now();
                self.act(&last);
            }
            assert!(
                Instant::now() < deadline,
                "customer {} got no order; the bot said {:#?}",
                self.who.id,
                sent.iter().map(text_of).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
    }

    /// Waits for the bot's "order placed" answer, in the customer's language.
    pub async fn confirmation(&self, order: &entity::orders::Model) -> String {
        let number = format!("{}", order.number);
        testkit::wait::eventually("the order's confirmation", || {
            let found = telegram::sent_to(self.api, self.who.id)
                .into_iter()
                .find(|c| buttons(c).iter().any(|b| b == "my"))
                .map(|c| text_of(&c).to_owned());
            let number = &number;
            async move { found.filter(|t| t.contains(number.as_str())) }
        })
        .await
    }

    fn act(&self, next: &Next) {
        match next {
            Next::Press(data) => telegram::press(self.api, &self.who, data),
            Next::Say(text) => telegram::text(self.api, &self.who, text),
            Next::Wait => {}
        }
    }

    fn next(&self, sent: &[testkit::fake_telegram::Call], product: i64) -> Next {
        let lang = self.who.lang();
        let ask = |key: &str| i18n::t(lang, key);
        for call in sent.iter().rev() {
            let data = buttons(call);
            let has = |d: &str| data.iter().any(|b| b == d);
            let text = text_of(call);
            if has("my") {
                return Next::Wait; // placed: the order is in the database
            } else if has("ok") {
                return Next::Press("ok".into());
            } else if text == ask("bot-ask-address") {
                return Next::Say("Kyiv, Khreshchatyk 1, apt 5".into());
            } else if text == ask("bot-ask-phone") {
                return Next::Say("+380671234567".into());
            } else if text == ask("bot-ask-name") {
                return Next::Say(format!("{} Test", self.who.name));
            } else if has("co") {
                return Next::Press("co".into());
            } else if has(&format!("add:{product}")) {
                return Next::Press(format!("add:{product}"));
            } else if has(&format!("p:{product}")) {
                return Next::Press(format!("p:{product}"));
            } else if has("cart") {
                return Next::Press("cart".into());
            }
        }
        Next::Wait
    }

    /// Sends a receipt for the customer's only open order and waits until it is attached
    /// (acknowledged by the bot, or — the answer lost to a crash — in the database); the
    /// receipt.
    pub async fn pay(&self, order: &entity::orders::Model, file_id: &str, seed: u32) -> Receipt {
        let before = self.receipts(order.id).await.len();
        telegram::send_receipt(self.api, &self.who, file_id, seed);
        let mut sent = 1;
        let mut since = Instant::now();
        let thanks = i18n::t_args(
            self.who.lang(),
            "bot-receipt-received",
            &[("number", i18n::ArgValue::from(order.number))],
        );
        let deadline = Instant::now() + CUSTOMER_PATIENCE;
        loop {
            let acked = telegram::count_texts(self.api, self.who.id, &thanks);
            let receipts = self.receipts(order.id).await;
            if receipts.len() > before {
                let receipt = receipts[receipts.len() - 1].clone();
                return Receipt {
                    receipt,
                    acked,
                    sent,
                };
            }
            if since.elapsed() > NUDGE {
                since = Instant::now();
                sent += 1;
                telegram::send_receipt(self.api, &self.who, file_id, seed);
            }
            assert!(
                Instant::now() < deadline,
                "the receipt {file_id} of customer {} never arrived",
                self.who.id
            );
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
    }

    pub async fn user_id(&self) -> Option<i64> {
        entity::users::Entity::find()
            .filter(entity::users::Column::TelegramId.eq(self.who.id))
            .one(self.db)
            .await
            .unwrap()
            .map(|u| u.id)
    }

    async fn latest_order(&self) -> Option<entity::orders::Model> {
        let user = self.user_id().await?;
        entity::orders::Entity::find()
            .filter(entity::orders::Column::CustomerId.eq(user))
            .order_by_desc(entity::orders::Column::Id)
            .one(self.db)
            .await
            .unwrap()
    }

    pub async fn receipts(&self, order: i64) -> Vec<entity::receipts::Model> {
        entity::receipts::Entity::find()
            .filter(entity::receipts::Column::OrderId.eq(order))
            .order_by_asc(entity::receipts::Column::Id)
            .all(self.db)
            .await
            .unwrap()
    }
}

/// A receipt in the database, how many times the bot acknowledged receipts of its order so
/// far, and how many times the customer had to send the file.
pub struct Receipt {
    pub receipt: entity::receipts::Model,
    pub acked: usize,
    pub sent: u32,
}
