//! The webhook route: Telegram posts an update; it is answered 200 only once the update is
//! kept in the database ([`crate::intake`]), so a process killed right after loses nothing.
//! A post without the secret Telegram was given is refused with 401 and changes nothing; a
//! database error answers 503, and Telegram posts the update again later.
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use teloxide::types::Update;

use crate::intake::Intake;

const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

#[derive(Clone)]
struct Hook {
    intake: Intake,
    secret: Arc<str>,
}

/// The route at `path`, to be served by whichever HTTP server the instance runs.
pub fn route(path: &str, intake: Intake, secret: &str) -> Router {
    let hook = Hook {
        intake,
        secret: secret.into(),
    };
    Router::new().route(path, post(receive)).with_state(hook)
}

async fn receive(State(hook): State<Hook>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let given = headers.get(SECRET_HEADER).map(|v| v.as_bytes());
    if !given.is_some_and(|g| domain::people::auth::constant_time_eq(g, hook.secret.as_bytes())) {
        return StatusCode::UNAUTHORIZED;
    }
    let update: Update = match serde_json::from_slice(&body) {
        Ok(update) => update,
        Err(e) => {
            // Posting it again would not make it parse.
            tracing::warn!(error = %e, "a webhook post that is not an update; ignored");
            return StatusCode::OK;
        }
    };
    match hook.intake.receive(update).await {
        Ok(()) => StatusCode::OK,
        Err(e) => {
            tracing::warn!(error = %e, "could not keep a webhook update; Telegram will retry");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
