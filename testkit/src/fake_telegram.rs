//! A fake Telegram Bot API on loopback: answers what the bot calls, records every call, and can
//! be told to answer 429 a few times. For tests that run the real bot runtime (polling,
//! webhooks, the notifier) where teloxide_tests' mock cannot be used.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use serde_json::{Value, json};

/// One request the bot made.
#[derive(Clone, Debug)]
pub struct Call {
    /// Lower-cased: `sendmessage`, `setwebhook`.
    pub method: String,
    /// The JSON body; for multipart uploads, the form's text fields.
    pub body: Value,
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    /// Method name -> how many more times to answer 429.
    throttle: HashMap<String, u32>,
    next_message_id: i64,
}

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Inner>>);

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub struct FakeTelegram {
    /// Give this to the bot as its API URL.
    pub url: String,
    shared: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl FakeTelegram {
    pub async fn start() -> FakeTelegram {
        let shared = Shared::default();
        let app = Router::new()
            .route("/{token}/{method}", post(answer))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeTelegram { url, shared, task }
    }

    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().calls.clone()
    }

    /// `(chat_id, text)` of every sendMessage.
    pub fn sent_texts(&self) -> Vec<(i64, String)> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == "sendmessage")
            .map(|c| {
                (
                    c.body["chat_id"].as_i64().unwrap_or(0),
                    c.body["text"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    }

    /// Answers the next `times` calls of `method` with 429, asking to retry after a second.
    pub fn throttle(&self, method: &str, times: u32) {
        self.shared
            .lock()
            .throttle
            .insert(method.to_ascii_lowercase(), times);
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    State(shared): State<Shared>,
    Path((_token, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::Json<Value> {
    let multipart = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    let body = if multipart {
        form_fields(&body)
    } else {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    };
    // Telegram's method names are case-insensitive (teloxide sends `SendMessage`).
    let method = method.to_ascii_lowercase();
    let mut inner = shared.lock();
    inner.calls.push(Call {
        method: method.clone(),
        body: body.clone(),
    });
    if let Some(left) = inner.throttle.get_mut(&method)
        && *left > 0
    {
        *left -= 1;
        return axum::Json(json!({
            "ok": false, "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": { "retry_after": 1 }
        }));
    }
    let result = match method.as_str() {
        "getme" => json!({
            "id": 123456, "is_bot": true, "first_name": "Vitrina", "username": "vitrina_test_bot",
            "can_join_groups": false, "can_read_all_group_messages": false,
            "supports_inline_queries": false, "can_connect_to_business": false, "has_main_web_app": false
        }),
        "getupdates" => json!([]),
        "sendmessage" | "sendphoto" | "senddocument" | "editmessagetext" => {
            inner.next_message_id += 1;
            let chat = body["chat_id"]
                .as_i64()
                .or_else(|| body["chat_id"].as_str()?.parse().ok())
                .unwrap_or(0);
            json!({
                "message_id": inner.next_message_id, "date": 1_700_000_000,
                "chat": { "id": chat, "type": "private", "first_name": "someone" },
                "text": body["text"].as_str().or(body["caption"].as_str()).unwrap_or("")
            })
        }
        _ => json!(true),
    };
    axum::Json(json!({ "ok": true, "result": result }))
}

/// The text fields of a multipart form (files are left out).
fn form_fields(body: &[u8]) -> Value {
    let text = String::from_utf8_lossy(body);
    let mut fields = serde_json::Map::new();
    for part in text
        .split("Content-Disposition: form-data; name=\"")
        .skip(1)
    {
        let Some((name, rest)) = part.split_once('"') else {
            continue;
        };
        if rest.starts_with("; filename") {
            continue;
        }
        if let Some((_, value)) = rest.split_once("\r\n\r\n") {
            let value = value.split("\r\n--").next().unwrap_or("").to_owned();
            fields.insert(name.to_owned(), Value::String(value));
        }
    }
    Value::Object(fields)
}
