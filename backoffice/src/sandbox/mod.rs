//! Sandbox mode: with no Telegram token the bot talks to an in-process stand-in of the Bot API
//! ([`standin`]), and `/sandbox` lets a person play its Telegram users — a customer and a
//! staff member side by side — in live chats, and inject faults into the bot's calls. The
//! routes need no login (the sandbox is how one logs in without Telegram); outside sandbox
//! mode every one of them is a 404.
mod act;
mod cast;
mod faults;
mod files;
mod live;
mod page;
mod people;
mod reply;
mod view;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::routing::{get, post};
use domain::kernel::deeplink::DeepLink;

use crate::{AppError, AppState};

/// What sandbox mode adds to the backoffice: the stand-in the bot talks to, and the demo
/// store the sandbox plays in.
pub struct Sandbox {
    pub standin: standin::Standin,
    pub store: domain::StoreId,
}

/// The app's sandbox; a 404 outside sandbox mode.
pub(crate) struct Sb(pub Arc<Sandbox>);

impl FromRequestParts<AppState> for Sb {
    type Rejection = AppError;

    async fn from_request_parts(_: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        state.sandbox.clone().map(Sb).ok_or(AppError::NotFound)
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sandbox", get(page::page))
        .route("/sandbox/chat/{user}", get(page::chat))
        .route("/sandbox/files/{file_id}", get(files::file))
        .route("/sandbox/events", get(live::events))
        .route("/sandbox/say", post(act::say))
        .route("/sandbox/press", post(act::press))
        .route("/sandbox/start", post(act::start))
        .route("/sandbox/people", post(people::add))
        .route("/sandbox/faults", post(faults::inject))
}

/// Room for the multipart boundaries, the other fields and the headers around the file.
const FORM_SLACK: usize = 64 * 1024;

/// `POST /sandbox/file`, with a body limit of the stand-in's largest file (merged outside the
/// app's 1 MiB limit).
pub fn upload_routes(state: &AppState) -> Router<AppState> {
    let max = state
        .sandbox
        .as_ref()
        .map_or(0, |s| s.standin.options().max_file_bytes);
    Router::new().route(
        "/sandbox/file",
        post(act::file).layer(DefaultBodyLimit::max(max + FORM_SLACK)),
    )
}

/// The login page's link in sandbox mode: the sandbox's OWNER opens the login deep link.
pub(crate) fn login_link(login: &DeepLink) -> Result<String, domain::Error> {
    Ok(format!(
        "/sandbox?as={}&start={}",
        domain::operations::sandbox::OWNER.telegram_id,
        login.to_payload()?
    ))
}
