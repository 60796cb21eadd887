//! Injected faults: each kind answers as Telegram would, only so many times, and only the
//! calls it names.
use std::time::{Duration, Instant};

use standin::{Change, Fault, FaultKind};
use teloxide::prelude::*;
use teloxide::{ApiError, RequestError};

use crate::{ALICE, BOB, quick, start};

#[tokio::test]
async fn too_many_requests_tells_the_client_when_to_retry_and_only_so_many_times() {
    let (standin, _serving, bot) = start(standin::Options::default()).await;
    let mut changes = standin.subscribe();
    standin.inject(Fault {
        kind: FaultKind::TooManyRequests { retry_after: 3 },
        method: None,
        chat: None,
        times: 2,
    });
    assert_eq!(changes.recv().await.unwrap(), Change::Faults);
    assert_eq!(standin.pending_faults().len(), 1);

    for _ in 0..2 {
        match bot.send_message(ChatId(ALICE), "hi").await {
            Err(RequestError::RetryAfter(s)) => assert_eq!(s.seconds(), 3),
            other => panic!("{other:?}"),
        }
        assert_eq!(changes.recv().await.unwrap(), Change::Faults);
    }
    assert!(
        standin.chat(ALICE).is_empty(),
        "refused sends are not messages"
    );
    // Calls that neither send nor edit are not hit.
    bot.get_me().await.unwrap();
    bot.send_message(ChatId(ALICE), "hi").await.unwrap();
    assert_eq!(standin.chat(ALICE).len(), 1);
    assert!(standin.pending_faults().is_empty());

    let log = standin.fault_log();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].method, "sendmessage");
    assert_eq!(log[0].chat, Some(ALICE));
    assert_eq!(log[0].kind, FaultKind::TooManyRequests { retry_after: 3 });
    // Every call was recorded, the refused ones too.
    assert_eq!(standin.sent_texts().len(), 3);
}

#[tokio::test]
async fn throttle_answers_a_method_429_whatever_its_spelling() {
    let (standin, _serving, bot) = start(standin::Options::default()).await;
    standin.throttle("SendMessage", 2);
    for _ in 0..2 {
        let got = bot.send_message(ChatId(ALICE), "hi").await;
        assert!(matches!(got, Err(RequestError::RetryAfter(_))), "{got:?}");
    }
    bot.send_message(ChatId(ALICE), "hi").await.unwrap();
    assert_eq!(standin.calls().len(), 3);
}

#[tokio::test]
async fn a_blocked_user_is_told_apart_and_other_chats_are_untouched() {
    let (standin, _serving, bot) = start(standin::Options::default()).await;
    standin.inject(Fault {
        kind: FaultKind::Blocked,
        method: Some("sendMessage".into()),
        chat: Some(BOB),
        times: 1,
    });
    bot.send_message(ChatId(ALICE), "hi").await.unwrap();
    let blocked = bot.send_message(ChatId(BOB), "hi").await;
    assert!(
        matches!(blocked, Err(RequestError::Api(ApiError::BotBlocked))),
        "{blocked:?}"
    );
    assert!(standin.chat(BOB).is_empty());
    bot.send_message(ChatId(BOB), "hi").await.unwrap();
    assert_eq!(standin.chat(BOB).len(), 1);
}

#[tokio::test]
async fn a_timed_out_call_is_recorded_then_held_then_refused() {
    let (standin, serving, _bot) = start(quick()).await;
    standin.hang("sendMessage", 1);
    let url = format!("{}/bot1:TOKEN/sendMessage", serving.url);
    let body = serde_json::json!({ "chat_id": ALICE, "text": "hi" });
    let started = Instant::now();
    let held = tokio::spawn({
        let (url, body) = (url.clone(), body.clone());
        async move { reqwest::Client::new().post(url).json(&body).send().await }
    });
    // The call is recorded as soon as it arrives (a new HTTP client can take a while to get
    // there), and it is still held then.
    let deadline = Instant::now() + Duration::from_secs(5);
    while standin.calls().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(standin.calls().len(), 1, "recorded before it is answered");
    assert!(!held.is_finished());
    let answer = held.await.unwrap().unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(answer.status(), 504);
    let json: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(
        (json["ok"].as_bool(), json["error_code"].as_i64()),
        (Some(false), Some(504))
    );
    assert!(standin.chat(ALICE).is_empty());
    assert_eq!(standin.fault_log()[0].kind, FaultKind::Timeout);

    // Only once.
    let next = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(next.status(), 200);
    assert_eq!(standin.chat(ALICE).len(), 1);
}

#[tokio::test]
async fn enforced_rate_limits_refuse_a_second_send_to_a_chat_within_a_second() {
    let (standin, _serving, bot) = start(standin::Options::default()).await;
    standin.enforce_rate_limits(30, 1);
    bot.send_message(ChatId(ALICE), "1").await.unwrap();
    let again = bot.send_message(ChatId(ALICE), "2").await;
    assert!(
        matches!(again, Err(RequestError::RetryAfter(_))),
        "{again:?}"
    );
    bot.send_message(ChatId(BOB), "1").await.unwrap();
    assert_eq!(standin.rate_limited(), 1);
    assert_eq!(standin.chat(ALICE).len(), 1);
}
