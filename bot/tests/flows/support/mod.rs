//! A shop on a fresh database, its staff and customers, and the real handler tree on
//! teloxide_tests' mock Bot API.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use std::sync::Arc;

use bot::download::Prepared;
use bot::{Services, handler_tree};
/// What [`World::status`] answers, for the tests that compare with it.
pub use domain::OrderStatus;
use domain::{Actor, Ctx, ProductId, Role, StoreId, UserId};
use files::inspect::Limits;
use files::store::MemoryStorage;
use teloxide::dptree::deps;
use teloxide::types::User;
use teloxide_tests::{
    IntoUpdate, MockBot, MockCallbackQuery, MockMessageText, MockPrivateChat, MockUser,
};
use testkit::TestDb;

pub const OWNER: u64 = 1;
pub const ADMIN: u64 = 2;
pub const VENDOR: u64 = 3;
pub const CUSTOMER: u64 = 100;
pub const STRANGER: u64 = 101;

pub struct World {
    _db: TestDb,
    pub ctx: Ctx,
    pub services: Services,
    pub files: Arc<MemoryStorage>,
    pub prepared: Arc<Prepared>,
    pub store: StoreId,
    pub product: ProductId,
}

impl World {
    /// Carol's order with a receipt, in review: what a staff card shows.
    pub async fn in_review(&self) -> entity::orders::Model {
        let customer = self.known(CUSTOMER, "carol", "uk").await;
        let order = self.order_for(customer).await;
        self.attach_receipt(customer, order.id, 'a').await;
        order
    }

    /// A JPEG receipt (sha256 of `sha` repeated) attached to `order` by `customer`.
    pub async fn attach_receipt(&self, customer: UserId, order: i64, sha: char) {
        use domain::ordering::receipts::NewReceipt;
        use files::FileKind;
        let new = NewReceipt {
            order: domain::OrderId(order),
            kind: FileKind::Jpeg,
            sha256: sha.to_string().repeat(64),
            size_bytes: 1000,
            storage_key: None,
            telegram_file_id: None,
            telegram_file_unique_id: None,
            width: None,
            height: None,
        };
        let actor = Actor::user(customer, domain::Channel::Bot);
        domain::ordering::receipts::attach(&self.ctx, &actor, &new)
            .await
            .unwrap();
    }

    pub async fn new() -> World {
        Self::with_limiter(bot::limiter::RateLimiter::default()).await
    }

    pub async fn with_limiter(limiter: bot::limiter::RateLimiter) -> World {
        let test_db = TestDb::new().await;
        let ctx = Ctx::local(test_db.pinned_pool(POOL).await);
        let store = testkit::seed::store(&ctx, "demo", "Demo Shop").await;
        let product = testkit::seed::product(&ctx, store, "MUG", 25_000, 10).await;
        let files = Arc::new(MemoryStorage::new());
        let prepared = Arc::new(Prepared::default());
        let services = Services {
            ctx: ctx.clone(),
            files: files.clone(),
            limits: Arc::new(Limits {
                max_bytes: 1024 * 1024,
                ..Limits::default()
            }),
            bot_id: 123456,
            bot_username: "test_bot".into(),
            limiter: Arc::new(limiter),
            dialogues: bot::storage::DbStorage::new(ctx.db.clone()),
            downloads: prepared.clone(),
            inspections: Arc::new(tokio::sync::Semaphore::new(2)),
            ledger: bot::ledger::Ledger::inline(),
        };
        let world = World {
            _db: test_db,
            ctx,
            services,
            files,
            prepared,
            store,
            product,
        };
        // Staff chose their languages before: the owner Ukrainian, the others English.
        for (id, role, lang) in [
            (OWNER, Role::Owner, "uk"),
            (ADMIN, Role::Admin, "en"),
            (VENDOR, Role::Vendor, "en"),
        ] {
            let user = world.known(id, &name_of(id), lang).await;
            let scope = if role == Role::Owner {
                None
            } else {
                Some(store)
            };
            domain::people::staff::grant(&world.ctx, &Actor::operator(), user, role, scope)
                .await
                .unwrap();
        }
        world
    }

    /// Dispatches the bot's current update, then re-opens any pooled connection the mock's
    /// short-lived runtime took with it.
    pub async fn run(
        &self,
        bot: &mut MockBot<bot::BotError, teloxide_tests::mock_bot::DistributionKey>,
    ) {
        bot.dispatch().await;
        testkit::warm(&self.ctx.db, POOL).await;
    }

    /// A user the database already knows (they talked to the bot before).
    pub async fn known(&self, telegram_id: u64, name: &str, lang: &str) -> UserId {
        testkit::seed::person(&self.ctx, telegram_id as i64, name, lang).await
    }

    pub fn mock(
        &self,
        update: impl IntoUpdate,
    ) -> MockBot<bot::BotError, teloxide_tests::mock_bot::DistributionKey> {
        let mut bot = MockBot::new(update, handler_tree());
        bot.dependencies(deps![self.services.clone()]);
        bot
    }

    /// Places an order for the customer through the domain (2 mugs).
    pub async fn order_for(&self, customer: UserId) -> entity::orders::Model {
        testkit::seed::order(&self.ctx, self.store, customer, self.product, 2).await
    }

    pub async fn status(&self, order_id: i64) -> OrderStatus {
        use sea_orm::EntityTrait;
        entity::orders::Entity::find_by_id(order_id)
            .one(&self.ctx.db)
            .await
            .unwrap()
            .unwrap()
            .status
    }

    pub async fn orders(&self) -> usize {
        use sea_orm::{EntityTrait, PaginatorTrait};
        entity::orders::Entity::find()
            .count(&self.ctx.db)
            .await
            .unwrap() as usize
    }

    pub async fn receipts(&self) -> usize {
        use sea_orm::{EntityTrait, PaginatorTrait};
        entity::receipts::Entity::find()
            .count(&self.ctx.db)
            .await
            .unwrap() as usize
    }
}

/// The name each test user goes by in Telegram.
pub fn name_of(id: u64) -> String {
    match id {
        OWNER => "olga".into(),
        ADMIN => "anna".into(),
        VENDOR => "victor".into(),
        CUSTOMER => "carol".into(),
        STRANGER => "sam".into(),
        other => format!("user{other}"),
    }
}

pub fn user(id: u64, lang: &str) -> User {
    MockUser::new()
        .id(id)
        .first_name(name_of(id))
        .username(name_of(id))
        .language_code(lang.to_owned())
        .build()
}

pub fn chat(id: u64) -> teloxide::types::Chat {
    MockPrivateChat::new().id(id as i64).build()
}

pub fn text(from: u64, lang: &str, text: &str) -> MockMessageText {
    MockMessageText::new()
        .text(text)
        .from(user(from, lang))
        .chat(chat(from))
}

pub fn press(from: u64, lang: &str, data: &str) -> MockCallbackQuery {
    let message = MockMessageText::new()
        .text("menu")
        .from(user(from, lang))
        .chat(chat(from))
        .build();
    MockCallbackQuery::new()
        .data(data)
        .from(user(from, lang))
        .message(message)
}

/// Every text and caption the bot sent during the last dispatch.
pub fn sent(
    bot: &MockBot<bot::BotError, teloxide_tests::mock_bot::DistributionKey>,
) -> Vec<String> {
    let r = bot.get_responses();
    let mut out: Vec<String> = r
        .sent_messages
        .iter()
        .filter_map(|m| m.text().or(m.caption()).map(str::to_owned))
        .collect();
    out.extend(
        r.edited_messages_text
            .iter()
            .filter_map(|m| m.message.text().map(str::to_owned)),
    );
    out
}

/// The button labels under the last message the bot sent during the last dispatch.
pub fn buttons(
    bot: &MockBot<bot::BotError, teloxide_tests::mock_bot::DistributionKey>,
) -> Vec<String> {
    let responses = bot.get_responses();
    let Some(last) = responses.sent_messages.last() else {
        return Vec::new();
    };
    last.reply_markup()
        .map(|m| {
            m.inline_keyboard
                .iter()
                .flatten()
                .map(|b| b.text.clone())
                .collect()
        })
        .unwrap_or_default()
}

pub fn t(lang: &str, key: &str) -> String {
    i18n::t(i18n::Lang::from_tag(lang), key)
}

pub fn t_args(lang: &str, key: &str, args: &[(&str, i18n::ArgValue)]) -> String {
    i18n::t_args(i18n::Lang::from_tag(lang), key, args)
}

const POOL: u32 = 4;
