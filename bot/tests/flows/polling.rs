//! Long polling keeps each update before acknowledging it: an update a killed process fetched
//! but never handled is handled after the restart, once; one it did handle is not handled
//! again when Telegram sends it a second time.
use std::time::Duration;

use bot::runtime::{dispatch, make_bot};
use domain::platform::updates;
use serde_json::{Value, json};
use testkit::fake_telegram::FakeTelegram;

use crate::support::*;

fn help(update_id: i64) -> Value {
    json!({
        "update_id": update_id,
        "message": {
            "message_id": update_id, "date": 1_700_000_000,
            "chat": { "id": CUSTOMER, "type": "private", "first_name": "carol" },
            "from": { "id": CUSTOMER, "is_bot": false, "first_name": "carol", "language_code": "en" },
            "text": "/help"
        }
    })
}

/// Asks the dispatcher to stop and waits for `dispatch` to return. (teloxide's shutdown
/// future can miss the dispatcher's "done" when it finishes very quickly, so the task is
/// what is awaited.)
pub async fn stop(
    token: teloxide::dispatching::ShutdownToken,
    running: tokio::task::JoinHandle<Result<(), bot::BotError>>,
) {
    drop(token.shutdown().unwrap());
    let ended = tokio::time::timeout(testkit::wait::PATIENCE, running).await;
    assert!(ended.is_ok(), "the dispatcher did not stop");
}

async fn run_bot_until<F: Fn() -> bool>(w: &World, api: &FakeTelegram, what: &str, done: F) {
    let bot = make_bot("123456:TEST", &api.url).unwrap();
    let (ready, token) = tokio::sync::oneshot::channel();
    let running = tokio::spawn(dispatch(bot, w.services.clone(), None, ready));
    let token = token.await.unwrap();
    testkit::wait::eventually(what, || async { done().then_some(()) }).await;
    // A moment for anything that should not happen to show up.
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop(token, running).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_update_kept_but_not_handled_before_a_crash_is_handled_after_the_restart() {
    let w = World::new().await;
    let api = FakeTelegram::start().await;
    let bot_id = w.services.bot_id;
    // The last process fetched (and so acknowledged) update 41 and died before handling it;
    // update 40 it had handled.
    let now = w.ctx.now();
    updates::log::keep(&w.ctx.db, bot_id, 40, &help(40).to_string(), now)
        .await
        .unwrap();
    updates::log::handled(&w.ctx.db, bot_id, 40, now)
        .await
        .unwrap();
    updates::log::keep(&w.ctx.db, bot_id, 41, &help(41).to_string(), now)
        .await
        .unwrap();

    run_bot_until(&w, &api, "the answer to the kept update", || {
        !api.sent_texts().is_empty()
    })
    .await;

    assert_eq!(
        api.sent_texts(),
        vec![(CUSTOMER as i64, bot::commands::help(i18n::Lang::En, false))],
        "update 41 answered once, update 40 not again"
    );
    let left = updates::log::pending(&w.ctx.db, bot_id).await.unwrap();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_update_telegram_sends_again_after_it_was_kept_is_not_handled_twice() {
    let w = World::new().await;
    let api = FakeTelegram::start().await;
    let bot_id = w.services.bot_id;
    // The last process kept and handled update 1, and died before acknowledging it, so
    // Telegram sends it again.
    let now = w.ctx.now();
    updates::log::keep(&w.ctx.db, bot_id, 1, &help(1).to_string(), now)
        .await
        .unwrap();
    updates::log::handled(&w.ctx.db, bot_id, 1, now)
        .await
        .unwrap();
    assert_eq!(api.push_update(help(0)), 1);
    let next = api.push_update(help(0));

    run_bot_until(&w, &api, "the answer to the next update", || {
        !api.sent_texts().is_empty()
    })
    .await;

    assert_eq!(
        api.sent_texts().len(),
        1,
        "update 1 not handled again; update {next} handled once"
    );
    // Everything fetched is kept and handled.
    assert!(
        updates::log::pending(&w.ctx.db, bot_id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !updates::log::keep(&w.ctx.db, bot_id, next, "{}", w.ctx.now())
            .await
            .unwrap()
    );
}

/// A busy bot keeps each `getUpdates` batch at once and closes updates in groups; by the time
/// the dispatcher has stopped, every update it answered is marked handled and claimed (a
/// redelivery is skipped), none is answered twice, and the database holds no update left open.
#[tokio::test(flavor = "multi_thread")]
async fn every_update_of_a_busy_bot_is_closed_once_when_it_stops() {
    let w = World::new().await;
    let api = FakeTelegram::start().await;
    let bot_id = w.services.bot_id;
    let ids: Vec<i64> = (0..40).map(|_| api.push_update(help(0))).collect();

    run_bot_until(&w, &api, "an answer to each update", || {
        api.sent_texts().len() >= ids.len()
    })
    .await;

    assert_eq!(api.sent_texts().len(), ids.len(), "each answered once");
    let left = updates::log::pending(&w.ctx.db, bot_id).await.unwrap();
    assert!(left.is_empty(), "left open: {left:?}");
    for id in ids {
        let claimed = updates::claims::seen(&w.ctx.db, bot_id, id).await.unwrap();
        assert!(claimed, "update {id} not claimed");
    }
}

/// What a crash before the ledger's writer wrote leaves: the close of an update handed over
/// fresh waits for the writer (here it never comes: the update stays open and is replayed
/// after a restart), while the close of a replayed update is written at once, so a second
/// crash cannot find the replay unclosed and set it aside as a poison update.
#[tokio::test]
async fn a_replayed_update_is_closed_at_once_and_a_fresh_one_by_the_writer() {
    let w = World::new().await;
    let bot_id = w.services.bot_id;
    let (ledger, mut held) = bot::ledger::Ledger::held();
    let now = w.ctx.now();
    for id in [1, 2] {
        let payload = help(id).to_string();
        assert!(
            updates::log::keep(&w.ctx.db, bot_id, id, &payload, now)
                .await
                .unwrap()
        );
    }
    ledger.kept_fresh(1);
    assert!(!ledger.needs_check(1), "a fresh update needs no lookup");
    assert!(ledger.needs_check(1), "handed over again, it is looked up");
    assert!(ledger.needs_check(2), "a replayed update is looked up");

    // Each update is claimed (the handler tree's end), then marked handled (its root's end).
    for id in [1, 2] {
        ledger.close(&w.ctx, bot_id, id, true).await;
        ledger.close(&w.ctx, bot_id, id, false).await;
    }

    let mut to_writer = Vec::new();
    while let Ok(close) = held.try_recv() {
        to_writer.push(close);
    }
    assert_eq!(
        to_writer,
        vec![(1, true), (1, false)],
        "only the fresh update's closes wait"
    );
    let open = updates::log::pending(&w.ctx.db, bot_id).await.unwrap();
    assert_eq!(
        open,
        vec![1],
        "the replayed update is closed, the fresh one waits"
    );
    assert!(updates::claims::seen(&w.ctx.db, bot_id, 2).await.unwrap());
    assert!(!updates::claims::seen(&w.ctx.db, bot_id, 1).await.unwrap());
}
