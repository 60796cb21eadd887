//! The app as in production (bot, web and worker parts on one fresh database) and the fake
//! Telegram Bot API it talks to, with what customers and staff do in Telegram.
use domain::{ProductId, StoreId, UserId};
use sea_orm::EntityTrait;
use serde_json::Value;
use testkit::TestDb;
use testkit::fake_telegram::FakeTelegram;
use vitrina::Part;

use crate::chrome::Browser;
use crate::support::app::{Instance, Options};
use crate::support::telegram::{self, Person};

/// The staff member (ADMIN of the store) who logs in, and a customer, by Telegram id.
pub const STAFF: i64 = crate::support::STAFF.id;
pub const CUSTOMER: i64 = 7002;
const CAROL: Person = Person::new(CUSTOMER, "carol", "en");

/// The app with its bot, web and worker parts on a fresh database, talking to a fake Bot API.
pub struct Shop {
    pub api: FakeTelegram,
    pub app: Instance,
    pub store: StoreId,
    pub product: ProductId,
    // Last: the database is dropped after the app's pool.
    _db: TestDb,
}

impl Shop {
    pub async fn start() -> Shop {
        let db = TestDb::new().await;
        let api = FakeTelegram::start().await;
        let options = Options {
            api_url: Some(&api.url),
            ..Options::default()
        };
        let app = Instance::start(&db, &[Part::Bot, Part::Web, Part::Worker], options).await;
        let (store, product) = crate::support::seed_shop(app.ctx()).await;
        Shop {
            api,
            app,
            store,
            product,
            _db: db,
        }
    }

    /// Stops the parts and waits for them (bounded).
    pub async fn stop(self) {
        self.app.stop().await;
    }

    pub fn url(&self, path: &str) -> String {
        self.app.url(path)
    }

    /// A customer with an order of 2 mugs awaiting payment.
    pub async fn order_for_customer(&self) -> entity::orders::Model {
        let customer = known(&self.app, CUSTOMER, "carol").await;
        testkit::seed::order(self.app.ctx(), self.store, customer, self.product, 2).await
    }

    pub async fn status(&self, order: i64) -> domain::OrderStatus {
        entity::orders::Entity::find_by_id(order)
            .one(&self.app.ctx().db)
            .await
            .unwrap()
            .unwrap()
            .status
    }

    /// A private message from `user` (the staff member or the customer) reaches the bot.
    pub fn message(&self, user: i64, content: Value) {
        let who = if user == STAFF {
            crate::support::STAFF
        } else {
            CAROL
        };
        telegram::message(&self.api, &who, content);
    }

    /// The customer sends a JPEG receipt as a document, as Telegram would deliver it.
    pub fn send_receipt(&self, file_id: &str) {
        telegram::send_receipt(&self.api, &CAROL, file_id, 0);
    }

    /// The QR login, completed by the staff member approving in Telegram.
    pub async fn log_in(&self, browser: &Browser) {
        crate::login::log_in(
            browser,
            &self.app.url(""),
            &self.api,
            &crate::support::STAFF,
        )
        .await;
    }
}

async fn known(app: &Instance, telegram_id: i64, name: &str) -> UserId {
    testkit::seed::person(app.ctx(), telegram_id, name, "en").await
}
