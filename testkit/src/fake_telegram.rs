//! A fake Telegram Bot API on loopback: answers what the bot calls, records every call, and can
//! be told to answer 429 a few times. For tests that run the real bot runtime (polling,
//! webhooks, the notifier) where teloxide_tests' mock cannot be used.
//!
//! Updates pushed with [`FakeTelegram::push_update`] are handed out by `getUpdates` (long
//! polling), and files added with [`FakeTelegram::add_file`] are served by `getFile` and the
//! download URL `/file/bot<token>/<path>`.
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

/// How long an empty `getUpdates` waits before answering `[]`, whatever `timeout` it asked for:
/// short, so that the bot shuts down quickly, but not a busy loop either.
const EMPTY_POLL_WAIT: Duration = Duration::from_millis(100);

/// How much earlier than a full second a send may arrive and still count as a second later, in
/// [`FakeTelegram::enforce_rate_limits`]: the bot's throttle stamps a send when it lets it go,
/// we stamp it on arrival, and loopback jitter between the two is a few milliseconds.
const RATE_JITTER: Duration = Duration::from_millis(10);

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
    /// Method name -> how many more calls to record and then never answer.
    hang: HashMap<String, u32>,
    next_message_id: i64,
    /// Updates not yet confirmed by a `getUpdates` offset past them.
    updates: VecDeque<Value>,
    last_update_id: i64,
    /// file_id -> bytes; served under `file_path` `files/<file_id>`.
    files: HashMap<String, Vec<u8>>,
    /// file_id -> the size `getFile` claims instead of the real one (a lying server).
    declared: HashMap<String, usize>,
    /// Telegram's sending limits, when enforced.
    rate: Option<RateLimits>,
    /// Sends let through: when, overall, within the last second.
    recent_sends: VecDeque<Instant>,
    /// chat_id -> when each recent send to it was let through (within the last second).
    recent_by_chat: HashMap<i64, VecDeque<Instant>>,
    /// How many sends were answered 429 for breaking the enforced limits.
    rate_limited: u32,
}

#[derive(Clone, Copy)]
struct RateLimits {
    overall_per_sec: usize,
    per_chat_per_sec: usize,
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
            .route("/file/{token}/{*path}", get(download))
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

    /// Records the next `times` calls of `method` (Telegram took them) but never answers them:
    /// the caller waits until it gives up or dies, as when the connection breaks after the
    /// message went out.
    pub fn hang(&self, method: &str, times: u32) {
        self.shared
            .lock()
            .hang
            .insert(method.to_ascii_lowercase(), times);
    }

    /// Enforces Telegram's sending limits from now on: more than `overall_per_sec` messages
    /// (sendMessage, sendPhoto, sendDocument) in any second, or more than `per_chat_per_sec` to
    /// one chat, is answered 429 with `retry_after: 1` and counted in [`Self::rate_limited`].
    pub fn enforce_rate_limits(&self, overall_per_sec: u32, per_chat_per_sec: u32) {
        self.shared.lock().rate = Some(RateLimits {
            overall_per_sec: overall_per_sec as usize,
            per_chat_per_sec: per_chat_per_sec as usize,
        });
    }

    /// How many sends were answered 429 by [`Self::enforce_rate_limits`].
    pub fn rate_limited(&self) -> u32 {
        self.shared.lock().rate_limited
    }

    /// Queues an update for `getUpdates`, numbering it (its `update_id` is replaced); returns
    /// that number.
    pub fn push_update(&self, mut update: Value) -> i64 {
        let mut inner = self.shared.lock();
        inner.last_update_id += 1;
        let id = inner.last_update_id;
        if let Some(obj) = update.as_object_mut() {
            obj.insert("update_id".to_owned(), json!(id));
        }
        inner.updates.push_back(update);
        id
    }

    /// How many updates were queued with [`Self::push_update`] so far (also the last one's
    /// `update_id`).
    pub fn updates_pushed(&self) -> i64 {
        self.shared.lock().last_update_id
    }

    /// A file the bot can fetch with `getFile` and download.
    pub fn add_file(&self, file_id: &str, bytes: Vec<u8>) {
        self.shared.lock().files.insert(file_id.to_owned(), bytes);
    }

    /// A file whose `getFile` answer claims `declared` bytes, whatever the download serves.
    pub fn add_lying_file(&self, file_id: &str, declared: usize, bytes: Vec<u8>) {
        let mut inner = self.shared.lock();
        inner.files.insert(file_id.to_owned(), bytes);
        inner.declared.insert(file_id.to_owned(), declared);
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
    if method == "getupdates" {
        return axum::Json(updates(&shared, body).await);
    }
    if hangs(&shared, &method) {
        shared.lock().calls.push(Call {
            method: method.clone(),
            body: body.clone(),
        });
        return std::future::pending().await;
    }
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
    let is_send = matches!(
        method.as_str(),
        "sendmessage" | "sendphoto" | "senddocument"
    );
    if is_send && !within_rate(&mut inner, chat_id(&body)) {
        inner.rate_limited += 1;
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
        "getwebhookinfo" => json!({
            "url": "", "has_custom_certificate": false, "pending_update_count": 0
        }),
        "getfile" => {
            let id = body["file_id"].as_str().unwrap_or("");
            match inner.files.get(id) {
                Some(bytes) => json!({
                    "file_id": id, "file_unique_id": format!("u-{id}"),
                    "file_size": inner.declared.get(id).copied().unwrap_or(bytes.len()),
                    "file_path": format!("files/{id}")
                }),
                None => {
                    return axum::Json(json!({
                        "ok": false, "error_code": 400,
                        "description": "Bad Request: invalid file_id"
                    }));
                }
            }
        }
        "sendmessage" | "sendphoto" | "senddocument" | "editmessagetext" => {
            inner.next_message_id += 1;
            let chat = chat_id(&body);
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

/// Whether this call of `method` is one [`FakeTelegram::hang`] asked to leave unanswered.
fn hangs(shared: &Shared, method: &str) -> bool {
    let mut inner = shared.lock();
    match inner.hang.get_mut(method) {
        Some(left) if *left > 0 => {
            *left -= 1;
            true
        }
        _ => false,
    }
}

fn chat_id(body: &Value) -> i64 {
    body["chat_id"]
        .as_i64()
        .or_else(|| body["chat_id"].as_str()?.parse().ok())
        .unwrap_or(0)
}

/// Whether a send to `chat` now keeps within the enforced limits (always, when none are); if so,
/// it is recorded.
fn within_rate(inner: &mut Inner, chat: i64) -> bool {
    let Some(limits) = inner.rate else {
        return true;
    };
    let now = Instant::now();
    let window = Duration::from_secs(1).saturating_sub(RATE_JITTER);
    let fresh = |t: &Instant| now.duration_since(*t) < window;
    while inner.recent_sends.front().is_some_and(|t| !fresh(t)) {
        inner.recent_sends.pop_front();
    }
    let per_chat = inner.recent_by_chat.entry(chat).or_default();
    while per_chat.front().is_some_and(|t| !fresh(t)) {
        per_chat.pop_front();
    }
    if per_chat.len() >= limits.per_chat_per_sec
        || inner.recent_sends.len() >= limits.overall_per_sec
    {
        return false;
    }
    per_chat.push_back(now);
    inner.recent_sends.push_back(now);
    true
}

/// `getUpdates`: the queued updates from `offset` on (earlier ones are confirmed and dropped);
/// none yet, an empty list after a short wait.
async fn updates(shared: &Shared, body: Value) -> Value {
    shared.lock().calls.push(Call {
        method: "getupdates".to_owned(),
        body: body.clone(),
    });
    let offset = body["offset"].as_i64().unwrap_or(0);
    let started = tokio::time::Instant::now();
    loop {
        let found: Vec<Value> = {
            let mut inner = shared.lock();
            inner
                .updates
                .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
            inner.updates.iter().cloned().collect()
        };
        if !found.is_empty() || started.elapsed() >= EMPTY_POLL_WAIT {
            return json!({ "ok": true, "result": found });
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The download URL of a file added with [`FakeTelegram::add_file`].
async fn download(
    State(shared): State<Shared>,
    Path((_token, path)): Path<(String, String)>,
) -> Response {
    let id = path.strip_prefix("files/").unwrap_or(&path);
    match shared.lock().files.get(id) {
        Some(bytes) => bytes.clone().into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforced_limits_refuse_a_second_send_to_a_chat_and_sends_over_the_overall_rate() {
        let mut inner = Inner {
            rate: Some(RateLimits {
                overall_per_sec: 2,
                per_chat_per_sec: 1,
            }),
            ..Inner::default()
        };
        assert!(within_rate(&mut inner, 1));
        assert!(!within_rate(&mut inner, 1), "a second message to chat 1");
        assert!(within_rate(&mut inner, 2));
        assert!(!within_rate(&mut inner, 3), "a third message this second");
    }

    #[test]
    fn nothing_is_refused_when_no_limits_are_enforced() {
        let mut inner = Inner::default();
        assert!((0..100).all(|_| within_rate(&mut inner, 1)));
    }
}
