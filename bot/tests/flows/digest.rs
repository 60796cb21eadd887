//! The daily digest in Telegram: the store's ADMIN and the OWNER get the figures, each in
//! their language; the VENDOR gets nothing.
use bot::{BotError, Services};
use domain::kernel::money::Locale;
use domain::platform::events::{DomainEvent, outbox};
use domain::{Currency, Money};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;

use crate::support::*;

fn notify_once() -> UpdateHandler<BotError> {
    dptree::entry().endpoint(|bot: Bot, services: Services| async move {
        bot::notifier::run_once(&bot, &services.ctx, services.files.as_ref(), "test").await?;
        Ok(())
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_and_owners_get_the_digest_in_their_language() {
    let w = World::new().await;
    entity::users::Entity::update_many()
        .col_expr(entity::users::Column::Language, Expr::value("ru"))
        .filter(entity::users::Column::TelegramId.eq(ADMIN as i64))
        .exec(&w.ctx.db)
        .await
        .unwrap();
    let revenue = Money::new(123_450, Currency::parse("UAH").unwrap());
    let event = DomainEvent::DailyDigest {
        store_id: w.store,
        until: w.ctx.now(),
        orders: 37,
        revenue,
        pending_receipts: 9,
    };
    outbox::record(&w.ctx.db, w.ctx.now(), &event)
        .await
        .unwrap();

    let mut bot = teloxide_tests::MockBot::new(text(STRANGER, "en", "tick"), notify_once());
    bot.dependencies(teloxide::dptree::deps![w.services.clone()]);
    w.run(&mut bot).await;
    let mut texts: Vec<(i64, String)> = bot
        .get_responses()
        .sent_messages
        .iter()
        .map(|m| (m.chat.id.0, m.text().unwrap_or_default().to_owned()))
        .collect();
    texts.sort();
    let args = |lang: Locale| {
        vec![
            ("store", "Demo Shop".into()),
            ("orders", 37.into()),
            ("revenue", revenue.format(lang).into()),
            ("receipts", 9.into()),
        ]
    };
    let in_ukrainian = t_args("uk", "notify-daily-digest", &args(Locale::Uk));
    let in_russian = t_args("ru", "notify-daily-digest", &args(Locale::Ru));
    assert_eq!(
        texts,
        vec![
            (OWNER as i64, in_ukrainian),
            (ADMIN as i64, in_russian.clone())
        ],
        "the owner and the store's admin, not the vendor"
    );
    let amount = revenue.format(Locale::Ru);
    assert!(
        amount.starts_with("1") && amount.contains("234,50"),
        "{amount}"
    );
    for figure in ["Demo Shop", "37", amount.as_str(), "9", "Выручка"] {
        assert!(in_russian.contains(figure), "{figure} in {in_russian}");
    }
}
