//! Sandbox mode through the real app wiring (bot, web and worker parts, no Telegram token):
//! simulated people talk to the real bot through the Telegram stand-in, and faults injected
//! into the bot's calls behave as Telegram's would.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/mod.rs"]
mod support;

use domain::kernel::actor::Actor;
use domain::operations::sandbox::{ADMIN, FIRST_CUSTOMER, OWNER};
use domain::{StoreId, UserId};
use standin::{Fault, FaultKind, MediaKind, Standin};
use testkit::TestDb;
use testkit::wait::eventually;
use vitrina::Part;

use support::app::{Instance, Options};

const ALL: &[Part] = &[Part::Bot, Part::Web, Part::Worker];

async fn sandbox(db: &TestDb) -> Instance {
    let options = Options {
        sandbox: true,
        ..Options::default()
    };
    Instance::start(db, ALL, options).await
}

/// Waits for a message from the bot in `user`'s chat whose text contains `needle`.
async fn bot_says(standin: &Standin, user: i64, needle: &str) -> standin::ChatMessage {
    eventually(&format!("the bot to say {needle:?} to {user}"), || {
        let found = standin
            .chat(user)
            .into_iter()
            .find(|m| m.from_bot && m.text.contains(needle));
        async move { found }
    })
    .await
}

async fn user_id(db: &sea_orm::DatabaseConnection, telegram_id: i64) -> UserId {
    let user = domain::people::users::by_telegram_id(db, telegram_id)
        .await
        .unwrap();
    UserId(user.expect("known to the bot").id)
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_token_the_real_bot_answers_simulated_people() {
    let db = TestDb::new().await;
    let app = sandbox(&db).await;
    let standin = app.standin();
    standin.say(FIRST_CUSTOMER.telegram_id, "/start").unwrap();
    // The only store is the seeded demo shop, in the customer's language.
    bot_says(
        standin,
        FIRST_CUSTOMER.telegram_id,
        "Welcome to Vitrina Demo Shop",
    )
    .await;
    let page = reqwest::get(app.url("/sandbox")).await.unwrap();
    assert_eq!(page.status(), 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_is_waited_out_and_a_403_marks_the_delivery_failed_with_its_reason() {
    let db = TestDb::new().await;
    let app = sandbox(&db).await;
    let standin = app.standin();
    let ctx = app.ctx();
    let kate = FIRST_CUSTOMER.telegram_id;
    // Kate becomes known to the bot, then has an order awaiting payment in the demo store.
    standin.say(kate, "/start").unwrap();
    eventually("Kate to be known", || async {
        domain::people::users::by_telegram_id(&ctx.db, kate)
            .await
            .unwrap()
    })
    .await;
    let store = StoreId(domain::stores::by_slug(&ctx.db, "demo").await.unwrap().id);
    let product = domain::catalog::products::list(&ctx.db, store, true)
        .await
        .unwrap()[0]
        .id;
    let customer = user_id(&ctx.db, kate).await;
    let order = testkit::seed::order(ctx, store, customer, domain::ProductId(product), 1).await;

    // The owner's alert is refused once with 429; the admin has blocked the bot.
    standin.inject(Fault {
        kind: FaultKind::TooManyRequests { retry_after: 1 },
        method: None,
        chat: Some(OWNER.telegram_id),
        times: 1,
    });
    standin.inject(Fault {
        kind: FaultKind::Blocked,
        method: None,
        chat: Some(ADMIN.telegram_id),
        times: 20,
    });
    let receipt = testkit::files::jpeg(800, 600);
    standin
        .send_file(kate, MediaKind::Photo, "receipt.jpg", receipt, None)
        .unwrap();

    let number = order.number.to_string();
    bot_says(standin, OWNER.telegram_id, &number).await;
    let hits = standin.fault_log();
    assert!(
        hits.iter().any(|h| h.chat == Some(OWNER.telegram_id)
            && h.kind == FaultKind::TooManyRequests { retry_after: 1 }),
        "the owner's first try met the 429: {hits:?}"
    );
    let owner = Actor::operator();
    let failed = eventually("the admin's alert to fail", || async {
        let failed = domain::messaging::deliveries::staff::failed(&ctx.db, &owner, store, 10)
            .await
            .unwrap();
        (!failed.is_empty()).then_some(failed)
    })
    .await;
    let admin = user_id(&ctx.db, ADMIN.telegram_id).await;
    assert_eq!(failed.len(), 1, "only the admin's: {:?}", failed.len());
    assert_eq!(failed[0].delivery.user_id, admin.0);
    let why = failed[0].delivery.last_error.clone().unwrap_or_default();
    assert!(why.contains("blocked"), "the reason is kept: {why}");
    assert!(
        standin
            .chat(ADMIN.telegram_id)
            .iter()
            .all(|m| !m.text.contains(&number)),
        "nothing reached the admin who blocked the bot"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_a_token_there_is_no_sandbox_page() {
    let db = TestDb::new().await;
    let api = testkit::fake_telegram::FakeTelegram::start().await;
    let options = Options {
        api_url: Some(&api.url),
        sandbox: true,
        ..Options::default()
    };
    let app = Instance::start(&db, ALL, options).await;
    let page = reqwest::get(app.url("/sandbox")).await.unwrap();
    assert_eq!(page.status(), 404);
    let login = reqwest::get(app.url("/login"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !login.contains("/sandbox"),
        "no sandbox link on the login page"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn after_a_restart_the_bot_still_answers() {
    let db = TestDb::new().await;
    let kate = FIRST_CUSTOMER.telegram_id;
    let first = sandbox(&db).await;
    first.standin().say(kate, "/start").unwrap();
    bot_says(first.standin(), kate, "Welcome to Vitrina Demo Shop").await;
    first.stop().await;
    // A new stand-in numbers its updates after the ones the bot remembers handling.
    let second = sandbox(&db).await;
    second.standin().say(kate, "/help").unwrap();
    eventually("an answer after the restart", || async {
        second.standin().chat(kate).into_iter().find(|m| m.from_bot)
    })
    .await;
    second.stop().await;
}
