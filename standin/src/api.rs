//! The Bot API's HTTP side: routing, reading requests, faults, rate limits, long polling and
//! file downloads. What each method does is in [`crate::messages`].
use std::time::Duration;

use axum::Router;
use axum::extract::{self, DefaultBodyLimit, Path, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::faults::FaultKind;
use crate::messages::{self, ApiError};
use crate::multipart::{self, BodyError};
use crate::{Call, Change, Standin};

/// How long an empty `getUpdates` waits before answering `[]`, whatever `timeout` it asked for:
/// short, so that the bot shuts down quickly, but not a busy loop either.
const EMPTY_POLL_WAIT: Duration = Duration::from_millis(100);

/// How often a waiting `getUpdates` looks for new updates.
const POLL_STEP: Duration = Duration::from_millis(10);

/// The most updates one `getUpdates` hands out (Telegram's `limit` cap and default).
const MAX_UPDATES: usize = 100;

/// The calls Telegram's sending limits apply to.
const SENDS: [&str; 3] = ["sendmessage", "sendphoto", "senddocument"];

/// The largest request body: the largest file and room for the other fields.
fn max_body(standin: &Standin) -> usize {
    standin.options().max_file_bytes.saturating_add(1 << 20)
}

pub(crate) fn router(standin: Standin) -> Router {
    let limit = max_body(&standin);
    Router::new()
        .route("/{token}/{method}", post(answer))
        .route("/file/{token}/{*path}", get(download))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(standin)
}

/// `{"ok": true, "result": ...}`.
fn ok(result: Value) -> Response {
    axum::Json(json!({ "ok": true, "result": result })).into_response()
}

/// Telegram's error answer, with the HTTP status of its `error_code`.
pub(crate) fn error(e: ApiError) -> Response {
    let status = StatusCode::from_u16(e.code).unwrap_or(StatusCode::BAD_REQUEST);
    let mut body = json!({ "ok": false, "error_code": e.code, "description": e.description });
    if let (Some(retry_after), Some(obj)) = (e.retry_after, body.as_object_mut()) {
        obj.insert(
            "parameters".to_owned(),
            json!({ "retry_after": retry_after }),
        );
    }
    (status, axum::Json(body)).into_response()
}

fn too_many_requests(retry_after: u32) -> ApiError {
    ApiError {
        code: 429,
        description: format!("Too Many Requests: retry after {retry_after}"),
        retry_after: Some(retry_after),
    }
}

async fn answer(
    extract::State(standin): extract::State<Standin>,
    Path((_token, method)): Path<(String, String)>,
    request: Request,
) -> Response {
    let options = standin.options();
    let params = match multipart::read(request, max_body(&standin), options.max_file_bytes).await {
        Ok(params) => params,
        Err(BodyError::TooLarge) => return error(ApiError::new(413, "Request Entity Too Large")),
        Err(BodyError::Bad(why)) => return error(ApiError::bad(&why)),
    };
    // Telegram's method names are case-insensitive (teloxide sends `SendMessage`).
    let method = method.to_ascii_lowercase();
    let chat = messages::int(&params.fields["chat_id"]);
    let shared = &standin.shared;
    let fault = {
        let mut state = shared.lock();
        let call = Call {
            method: method.clone(),
            body: params.fields.clone(),
        };
        state.record(call, options.max_calls);
        state.faults.take(&method, chat)
    };
    if let Some(kind) = fault {
        shared.tell(Change::Faults);
        return match kind {
            FaultKind::TooManyRequests { retry_after } => error(too_many_requests(retry_after)),
            FaultKind::Blocked => {
                error(ApiError::new(403, "Forbidden: bot was blocked by the user"))
            }
            FaultKind::Timeout => {
                tokio::time::sleep(options.hold).await;
                error(ApiError::new(504, "Gateway Timeout"))
            }
        };
    }
    if method == "getupdates" {
        return updates(&standin, &params.fields).await;
    }
    if SENDS.contains(&method.as_str()) && !shared.lock().rate.allow(chat.unwrap_or(0)) {
        return error(too_many_requests(1));
    }
    match messages::handle(shared, &method, params) {
        Ok(result) => ok(result),
        Err(e) => error(e),
    }
}

/// `getUpdates`: the queued updates from `offset` on (earlier ones are confirmed and dropped),
/// at most `limit`; none yet, an empty list after a short wait.
async fn updates(standin: &Standin, params: &Value) -> Response {
    let offset = messages::int(&params["offset"]).unwrap_or(0);
    let limit = messages::int(&params["limit"])
        .and_then(|l| usize::try_from(l).ok())
        .map_or(MAX_UPDATES, |l| l.clamp(1, MAX_UPDATES));
    let started = tokio::time::Instant::now();
    loop {
        let found: Vec<Value> = {
            let mut state = standin.shared.lock();
            state
                .updates
                .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
            state.updates.iter().take(limit).cloned().collect()
        };
        if !found.is_empty() || started.elapsed() >= EMPTY_POLL_WAIT {
            return ok(Value::Array(found));
        }
        tokio::time::sleep(POLL_STEP).await;
    }
}

/// The download URL of a stored file: `/file/bot<token>/files/<file_id>`.
async fn download(
    extract::State(standin): extract::State<Standin>,
    Path((_token, path)): Path<(String, String)>,
) -> Response {
    let id = path.strip_prefix("files/").unwrap_or(&path);
    let file = standin.shared.lock().files.get(id).map(|e| e.file.clone());
    match file {
        Some(file) => ([(header::CONTENT_TYPE, file.mime)], file.bytes).into_response(),
        None => error(ApiError::new(404, "Not Found")),
    }
}
