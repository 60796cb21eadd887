//! Kept Telegram updates: kept once, taken over once each when abandoned, given up after a few
//! tries, and never replayed beyond Telegram's 24 hours.
use std::sync::Arc;

use chrono::Duration;
use domain::inbound::{self, MAX_REPLAYS};

use crate::support::Fixture;

const BOT: i64 = 42;

#[tokio::test]
async fn a_kept_update_is_kept_once_and_handled_ones_are_not_taken_over() {
    let f = Fixture::new().await;
    let now = f.ctx.now();
    assert!(
        inbound::keep(&f.ctx.db, BOT, 1, "{\"a\":1}", now)
            .await
            .unwrap()
    );
    assert!(
        !inbound::keep(&f.ctx.db, BOT, 1, "{\"a\":1}", now)
            .await
            .unwrap()
    );
    // The same id from another bot is another update.
    assert!(
        inbound::keep(&f.ctx.db, BOT + 1, 1, "{}", now)
            .await
            .unwrap()
    );
    assert!(
        inbound::keep(&f.ctx.db, BOT, 2, "{\"b\":2}", now)
            .await
            .unwrap()
    );
    inbound::handled(&f.ctx.db, BOT, 2, now).await.unwrap();

    let none_yet = inbound::take_stale(&f.ctx.db, BOT, now, Duration::minutes(2), 10)
        .await
        .unwrap();
    assert!(none_yet.is_empty(), "not abandoned yet: {none_yet:?}");
    f.clock.advance(Duration::minutes(3));
    let taken = inbound::take_stale(&f.ctx.db, BOT, f.ctx.now(), Duration::minutes(2), 10)
        .await
        .unwrap();
    assert_eq!(taken, vec![(1, "{\"a\":1}".to_owned())]);
    assert_eq!(inbound::pending(&f.ctx.db, BOT).await.unwrap(), vec![1]);
}

#[tokio::test]
async fn concurrent_takers_take_each_abandoned_update_once() {
    let f = Arc::new(Fixture::new().await);
    for id in 1..=20 {
        inbound::keep(&f.ctx.db, BOT, id, "{}", f.ctx.now())
            .await
            .unwrap();
    }
    f.clock.advance(Duration::minutes(5));
    let takers = (0..4).map(|_| {
        let f = f.clone();
        tokio::spawn(async move {
            inbound::take_stale(&f.ctx.db, BOT, f.ctx.now(), Duration::minutes(2), 100)
                .await
                .unwrap()
        })
    });
    let mut ids: Vec<i64> = futures::future::join_all(takers)
        .await
        .into_iter()
        .flat_map(|r| r.unwrap())
        .map(|(id, _)| id)
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=20).collect::<Vec<_>>(), "each taken exactly once");
}

#[tokio::test]
async fn an_update_that_never_finishes_is_given_up_and_old_ones_are_not_replayed() {
    let f = Fixture::new().await;
    inbound::keep(&f.ctx.db, BOT, 1, "{}", f.ctx.now())
        .await
        .unwrap();
    let mut times = 0;
    for _ in 0..MAX_REPLAYS + 2 {
        f.clock.advance(Duration::minutes(3));
        let taken = inbound::take_stale(&f.ctx.db, BOT, f.ctx.now(), Duration::minutes(2), 10)
            .await
            .unwrap();
        times += taken.len();
    }
    assert_eq!(
        times, MAX_REPLAYS as usize,
        "a poison update is not replayed forever"
    );

    inbound::keep(&f.ctx.db, BOT, 2, "{}", f.ctx.now())
        .await
        .unwrap();
    f.clock.advance(Duration::hours(inbound::REPLAY_HOURS + 1));
    let taken = inbound::take_stale(&f.ctx.db, BOT, f.ctx.now(), Duration::minutes(2), 10)
        .await
        .unwrap();
    assert!(
        taken.is_empty(),
        "older than Telegram's 24 hours: {taken:?}"
    );
    assert_eq!(
        inbound::prune(&f.ctx.db, f.ctx.now()).await.unwrap(),
        2,
        "housekeeping removes both"
    );
}
