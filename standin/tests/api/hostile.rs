//! Bounds, and requests no client should send: every one is answered with Telegram's error
//! JSON, and the stand-in goes on serving.
use serde_json::{Value, json};
use standin::Options;
use teloxide::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{ALICE, start};

async fn post(url: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .post(format!("{url}/bot1:TOKEN/sendMessage"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap())
}

fn refused(answer: &(u16, Value), code: u16) {
    assert_eq!(answer.0, code, "{answer:?}");
    assert_eq!(answer.1["ok"], false, "{answer:?}");
    assert_eq!(answer.1["error_code"], code, "{answer:?}");
    assert!(answer.1["description"].is_string(), "{answer:?}");
}

#[tokio::test]
async fn garbage_bodies_are_answered_with_errors() {
    let (standin, serving, bot) = start(Options {
        max_file_bytes: 1000,
        ..Options::default()
    })
    .await;
    let url = &serving.url;
    let json = "application/json";
    refused(&post(url, json, b"{not json".to_vec()).await, 400);
    refused(&post(url, json, b"[1, 2]".to_vec()).await, 400);
    refused(&post(url, json, vec![0xff; 100]).await, 400);
    refused(&post(url, "multipart/form-data", b"x".to_vec()).await, 400);
    let broken = b"--XX\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhi".to_vec();
    refused(
        &post(url, "multipart/form-data; boundary=XX", broken).await,
        400,
    );
    let no_end = b"--XX\r\nContent-Disp".to_vec();
    refused(
        &post(url, "multipart/form-data; boundary=XX", no_end).await,
        400,
    );
    // More than the largest file and its fields.
    refused(&post(url, json, vec![b' '; 2 << 20]).await, 413);
    let text_only = "--XX\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n501\r\n\
        --XX\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nvia form\r\n--XX--\r\n";
    let ok = post(url, "multipart/form-data; boundary=XX", text_only.into()).await;
    assert_eq!((ok.0, &ok.1["result"]["text"]), (200, &json!("via form")));
    let form = post(
        url,
        "application/x-www-form-urlencoded",
        b"chat_id=501&text=a+b".to_vec(),
    );
    assert_eq!(form.await.1["result"]["text"], "a b");
    assert_eq!(standin.chat(ALICE).len(), 2);

    // A declared size far past the limit is refused before anything is read.
    let host = url.trim_start_matches("http://");
    let mut raw = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST /bot1:TOKEN/sendMessage HTTP/1.1\r\nHost: {host}\r\nContent-Type: \
         multipart/form-data; boundary=XX\r\nContent-Length: 999999999999\r\n\r\n--XX\r\n"
    );
    raw.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0; 4096];
    let n = raw.read(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"ok\":false"), "{answer}");

    // Still serving.
    bot.get_me().await.unwrap();
}

#[tokio::test]
async fn histories_calls_and_updates_are_bounded() {
    let (standin, _serving, bot) = start(Options {
        history: 3,
        max_calls: 4,
        ..Options::default()
    })
    .await;
    for i in 0..5 {
        bot.send_message(ChatId(ALICE), format!("m{i}"))
            .await
            .unwrap();
    }
    let texts: Vec<String> = standin.chat(ALICE).into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["m2", "m3", "m4"]);
    let sent: Vec<String> = standin.sent_texts().into_iter().map(|(_, t)| t).collect();
    assert_eq!(sent, ["m1", "m2", "m3", "m4"]);
    for _ in 0..6 {
        standin.push_update(json!({}));
    }
    let waiting = bot.get_updates().await.unwrap();
    assert_eq!(waiting.len(), 4, "the oldest updates were dropped");
    assert_eq!(waiting[0].id.0, 3);
}

#[tokio::test]
async fn get_updates_hands_out_at_most_its_limit_and_keeps_the_rest() {
    let (standin, _serving, bot) = start(Options::default()).await;
    for _ in 0..150 {
        standin.push_update(json!({ "message": {
            "message_id": 1, "date": 1_700_000_000,
            "chat": { "id": 1, "type": "private", "first_name": "x" }, "text": "hi"
        }}));
    }
    assert_eq!(bot.get_updates().await.unwrap().len(), 100);
    assert_eq!(bot.get_updates().limit(5).await.unwrap().len(), 5);
    let rest = bot.get_updates().offset(101).await.unwrap();
    assert_eq!((rest.len(), rest[0].id.0), (50, 101));
    let started = std::time::Instant::now();
    assert!(bot.get_updates().offset(151).await.unwrap().is_empty());
    assert!(started.elapsed() >= std::time::Duration::from_millis(100));
}

#[tokio::test]
async fn the_webhook_set_is_the_webhook_reported() {
    let (_standin, _serving, bot) = start(Options::default()).await;
    let url = reqwest::Url::parse("https://shop.example/telegram").unwrap();
    bot.set_webhook(url.clone()).await.unwrap();
    assert_eq!(bot.get_webhook_info().await.unwrap().url, Some(url));
    bot.delete_webhook().await.unwrap();
    assert_eq!(bot.get_webhook_info().await.unwrap().url, None);
    let me = bot.get_me().await.unwrap();
    assert_eq!(me.username(), "vitrina_test_bot");
}
