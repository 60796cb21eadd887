//! What the bot keeps in the database between updates: which Telegram updates were handled,
//! and each chat's dialogue state.
use std::sync::Arc;

use chrono::Duration;
use domain::platform::updates;
use futures::future::join_all;
use sea_orm::TransactionTrait;

use crate::support::Fixture;

const BOT: i64 = 7_000_000_123;

#[tokio::test]
async fn an_update_is_claimed_once() {
    let f = Fixture::new().await;
    let db = &f.ctx.db;
    let now = f.ctx.now();
    assert!(!updates::claims::seen(db, BOT, 1).await.unwrap());
    assert!(updates::claims::claim(db, BOT, 1, now).await.unwrap());
    assert!(updates::claims::seen(db, BOT, 1).await.unwrap());
    assert!(!updates::claims::claim(db, BOT, 1, now).await.unwrap());
    // Update ids are per bot.
    assert!(updates::claims::claim(db, BOT + 1, 1, now).await.unwrap());
    assert!(updates::claims::claim(db, BOT, 2, now).await.unwrap());
    assert_eq!(f.count("processed_updates", "1 = 1").await, 3);
}

#[tokio::test]
async fn a_duplicate_inside_a_transaction_leaves_it_usable() {
    let f = Fixture::new().await;
    let db = &f.ctx.db;
    let now = f.ctx.now();
    assert!(updates::claims::claim(db, BOT, 10, now).await.unwrap());

    let txn = db.begin().await.unwrap();
    assert!(!updates::claims::claim(&txn, BOT, 10, now).await.unwrap());
    // A caught unique violation would have aborted a PostgreSQL transaction here.
    assert!(updates::claims::claim(&txn, BOT, 11, now).await.unwrap());
    txn.commit().await.unwrap();
    assert!(updates::claims::seen(db, BOT, 11).await.unwrap());
}

#[tokio::test]
async fn a_claim_rolled_back_with_its_handler_stays_unclaimed() {
    let f = Fixture::new().await;
    let db = &f.ctx.db;
    let now = f.ctx.now();
    let txn = db.begin().await.unwrap();
    assert!(updates::claims::claim(&txn, BOT, 20, now).await.unwrap());
    assert!(updates::claims::seen(&txn, BOT, 20).await.unwrap());
    txn.rollback().await.unwrap();

    assert!(!updates::claims::seen(db, BOT, 20).await.unwrap());
    // Telegram's redelivery is then handled.
    assert!(updates::claims::claim(db, BOT, 20, now).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_instances_claim_an_update_once() {
    let f = Arc::new(Fixture::new().await);
    let now = f.ctx.now();
    let tasks = (0..8).map(|_| {
        let f = f.clone();
        tokio::spawn(async move {
            let txn = f.ctx.db.begin().await?;
            let won = updates::claims::claim(&txn, BOT, 30, now).await?;
            txn.commit().await?;
            Ok::<_, domain::Error>(won)
        })
    });
    let won: Vec<bool> = join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.unwrap().unwrap())
        .collect();
    assert_eq!(won.iter().filter(|w| **w).count(), 1, "{won:?}");
}

#[tokio::test]
async fn prune_forgets_old_updates_only() {
    let f = Fixture::new().await;
    let db = &f.ctx.db;
    let now = f.ctx.now();
    updates::claims::claim(db, BOT, 1, now - Duration::hours(48))
        .await
        .unwrap();
    updates::claims::claim(db, BOT, 2, now - Duration::hours(25))
        .await
        .unwrap();
    updates::claims::claim(db, BOT, 3, now).await.unwrap();
    assert_eq!(
        updates::claims::prune(db, now - Duration::hours(24))
            .await
            .unwrap(),
        2
    );
    assert!(!updates::claims::seen(db, BOT, 1).await.unwrap());
    assert!(updates::claims::seen(db, BOT, 3).await.unwrap());
    assert_eq!(
        updates::claims::prune(db, now - Duration::hours(24))
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_redelivered_update_places_one_order_and_decides_once() {
    let f = Fixture::new().await;
    let customer = f.bot(f.customer).with_update(777, 42);
    domain::ordering::orders::place(&f.ctx, &customer, &f.new_order(1))
        .await
        .unwrap();
    let again = domain::ordering::orders::place(&f.ctx, &customer, &f.new_order(1)).await;
    assert!(
        matches!(again, Err(domain::Error::DuplicateUpdate)),
        "{again:?}"
    );
    assert_eq!(f.count("orders", "1 = 1").await, 1);
    assert_eq!(
        f.stock(f.product).await,
        (10, 1),
        "the second delivery reserved nothing"
    );
    // The same update id from another bot is a different update.
    let other_bot = f.bot(f.customer).with_update(778, 42);
    domain::ordering::orders::place(&f.ctx, &other_bot, &f.new_order(1))
        .await
        .unwrap();
    let order = f.order_in_review(1).await;
    let admin = f.bot(f.admin).with_update(777, 43);
    domain::ordering::orders::decide::verify(&f.ctx, &admin, order)
        .await
        .unwrap();
    let err = domain::ordering::orders::decide::verify(&f.ctx, &admin, order)
        .await
        .unwrap_err();
    assert!(matches!(err, domain::Error::DuplicateUpdate), "{err:?}");
}
