//! Kept Telegram updates: kept once, taken over once each when abandoned, set aside for staff
//! when the replay dies too, and never replayed beyond Telegram's 24 hours.
use std::sync::Arc;

use chrono::Duration;
use domain::platform::updates::log::{self, MAX_REPLAYS};
use domain::platform::updates::quarantine::{self, Decision};

use crate::support::Fixture;

const BOT: i64 = 42;

#[tokio::test]
async fn a_kept_update_is_kept_once_and_handled_ones_are_not_taken_over() {
    let f = Fixture::new().await;
    let now = f.ctx.now();
    assert!(
        log::keep(&f.ctx.db, BOT, 1, "{\"a\":1}", now)
            .await
            .unwrap()
    );
    assert!(
        !log::keep(&f.ctx.db, BOT, 1, "{\"a\":1}", now)
            .await
            .unwrap()
    );
    // The same id from another bot is another update.
    assert!(log::keep(&f.ctx.db, BOT + 1, 1, "{}", now).await.unwrap());
    assert!(
        log::keep(&f.ctx.db, BOT, 2, "{\"b\":2}", now)
            .await
            .unwrap()
    );
    log::handled(&f.ctx.db, BOT, 2, now).await.unwrap();

    let none_yet = log::take_stale(&f.ctx.db, BOT, now, Duration::minutes(2), 10)
        .await
        .unwrap();
    assert!(none_yet.is_empty(), "not abandoned yet: {none_yet:?}");
    f.clock.advance(Duration::minutes(3));
    let taken = log::take_stale(&f.ctx.db, BOT, f.ctx.now(), Duration::minutes(2), 10)
        .await
        .unwrap();
    assert_eq!(taken, vec![(1, "{\"a\":1}".to_owned())]);
    assert_eq!(log::pending(&f.ctx.db, BOT).await.unwrap(), vec![1]);
}

#[tokio::test]
async fn concurrent_takers_take_each_abandoned_update_once() {
    let f = Arc::new(Fixture::new().await);
    for id in 1..=20 {
        log::keep(&f.ctx.db, BOT, id, "{}", f.ctx.now())
            .await
            .unwrap();
    }
    f.clock.advance(Duration::minutes(5));
    let takers = (0..4).map(|_| {
        let f = f.clone();
        tokio::spawn(async move {
            log::take_stale(&f.ctx.db, BOT, f.ctx.now(), Duration::minutes(2), 100)
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
async fn a_poison_update_is_quarantined_after_its_first_fatal_replay_and_old_ones_are_not_replayed()
{
    let f = Fixture::new().await;
    let photo = r#"{"update_id":1,"message":{"from":{"id":77},"photo":[]}}"#;
    log::keep(&f.ctx.db, BOT, 1, photo, f.ctx.now())
        .await
        .unwrap();
    let take = || async {
        f.clock.advance(Duration::minutes(3));
        log::take_stale(&f.ctx.db, BOT, f.ctx.now(), Duration::minutes(2), 10)
            .await
            .unwrap()
    };
    let set_aside = || async { quarantine::list(&f.ctx, &f.web(f.owner), 10).await.unwrap() };
    // The process died handling it: replayed once.
    assert_eq!(take().await.len(), 1);
    assert_eq!(MAX_REPLAYS, 1);
    // The replay died too: set aside, never replayed again.
    for _ in 0..3 {
        assert!(
            take().await.is_empty(),
            "a poison update is not replayed again"
        );
    }
    // Platform OWNERs see it (kind, sender, content type; not the content) …
    let listed = set_aside().await;
    assert_eq!(listed.len(), 1);
    let poison = &listed[0];
    assert_eq!(
        (
            poison.update_id,
            poison.kind.as_str(),
            poison.from,
            poison.content.as_deref()
        ),
        (1, "message", Some(77), Some("photo"))
    );
    // … store ADMINs do not.
    assert!(matches!(
        quarantine::list(&f.ctx, &f.web(f.admin), 10).await,
        Err(domain::Error::Forbidden)
    ));
    assert!(matches!(
        quarantine::decide(&f.ctx, &f.web(f.admin), poison.id, Decision::Discard).await,
        Err(domain::Error::Forbidden)
    ));
    // Tried once more: taken over again, and quarantined again if it dies again.
    quarantine::decide(&f.ctx, &f.web(f.owner), poison.id, Decision::Retry)
        .await
        .unwrap();
    assert!(set_aside().await.is_empty());
    assert_eq!(take().await.len(), 1);
    assert!(take().await.is_empty());
    assert_eq!(set_aside().await.len(), 1);
    // Discarded: gone for good, audited; a second decision finds nothing.
    quarantine::decide(&f.ctx, &f.web(f.owner), poison.id, Decision::Discard)
        .await
        .unwrap();
    assert!(set_aside().await.is_empty());
    assert!(log::pending(&f.ctx.db, BOT).await.unwrap().is_empty());
    assert!(matches!(
        quarantine::decide(&f.ctx, &f.web(f.owner), poison.id, Decision::Discard).await,
        Err(domain::Error::NotFound { .. })
    ));
    assert_eq!(
        f.count("audit_log", "action IN ('update.retry', 'update.discard')")
            .await,
        2
    );
    assert!(take().await.is_empty());

    log::keep(&f.ctx.db, BOT, 2, "{}", f.ctx.now())
        .await
        .unwrap();
    f.clock.advance(Duration::hours(log::REPLAY_HOURS + 1));
    let taken = log::take_stale(&f.ctx.db, BOT, f.ctx.now(), Duration::minutes(2), 10)
        .await
        .unwrap();
    assert!(
        taken.is_empty(),
        "older than Telegram's 24 hours: {taken:?}"
    );
    assert_eq!(
        log::prune(&f.ctx.db, f.ctx.now()).await.unwrap(),
        2,
        "housekeeping removes both"
    );
}

/// A `getUpdates` batch kept at once: only ids new here are answered (once each, in the
/// batch's order, even when the batch names one twice); those kept before keep their payload.
#[tokio::test]
async fn a_batch_is_kept_at_once_and_answers_only_what_is_new() {
    let f = Fixture::new().await;
    let now = f.ctx.now();
    assert!(log::keep(&f.ctx.db, BOT, 2, "old", now).await.unwrap());
    let batch: Vec<(i64, String)> = [(1, "a"), (2, "b"), (3, "c"), (3, "c again"), (4, "d")]
        .into_iter()
        .map(|(id, p)| (id, p.to_owned()))
        .collect();
    let fresh = log::keep_batch(&f.ctx.db, BOT, &batch, now).await.unwrap();
    assert_eq!(fresh, vec![1, 3, 4]);
    // Sent again (our acknowledgement was lost): nothing is new.
    let again = log::keep_batch(&f.ctx.db, BOT, &batch, now).await.unwrap();
    assert!(again.is_empty(), "{again:?}");
    assert!(
        log::keep_batch(&f.ctx.db, BOT, &[], now)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        log::pending(&f.ctx.db, BOT).await.unwrap(),
        vec![1, 2, 3, 4]
    );
    // What is kept is the first payload of each id, the older one for 2.
    f.clock.advance(Duration::minutes(5));
    let taken = log::take_stale(&f.ctx.db, BOT, f.ctx.now(), Duration::minutes(2), 10)
        .await
        .unwrap();
    let payloads: Vec<&str> = taken.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(payloads, ["a", "old", "c", "d"]);
}

/// Closing a batch marks each update handled and claims exactly those asked for; closing again
/// (or closing updates never kept, as webhooks of the flow tests are) changes nothing.
#[tokio::test]
async fn a_batch_is_closed_at_once_claiming_only_what_was_asked() {
    use domain::platform::updates::claims;
    let f = Fixture::new().await;
    let now = f.ctx.now();
    for id in 1..=4 {
        log::keep(&f.ctx.db, BOT, id, "{}", now).await.unwrap();
    }
    let done = [(1, true), (2, false), (3, true), (3, false), (9, true)];
    log::finish_batch(&f.ctx.db, BOT, &done, now).await.unwrap();
    log::finish_batch(&f.ctx.db, BOT, &done, now).await.unwrap();
    log::finish_batch(&f.ctx.db, BOT, &[], now).await.unwrap();
    assert_eq!(log::pending(&f.ctx.db, BOT).await.unwrap(), vec![4]);
    for (id, claimed) in [(1, true), (2, false), (3, true), (4, false), (9, true)] {
        let seen = claims::seen(&f.ctx.db, BOT, id).await.unwrap();
        assert_eq!(seen, claimed, "update {id}");
    }
    // Another bot's update with the same id is untouched.
    assert!(!claims::seen(&f.ctx.db, BOT + 1, 1).await.unwrap());
}
