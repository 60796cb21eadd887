//! Where I am logged in: device, IP, created, last seen; revoke one or all others.
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::people::auth::sessions::{self, SessionView};

use super::frame;
use crate::auth::Staff;
use crate::page::{Frame, Tr};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions", get(page))
        .route("/sessions/others/revoke", post(revoke_others))
        .route("/sessions/{family}/revoke", post(revoke))
}

#[derive(Template, WebTemplate)]
#[template(path = "sessions.html")]
struct SessionsPage {
    frame: Frame,
    tr: Tr,
    sessions: Vec<SessionView>,
    current: String,
}

async fn page(State(state): State<AppState>, staff: Staff) -> Result<SessionsPage, AppError> {
    let sessions = sessions::list(&state.ctx, staff.id()).await?;
    Ok(SessionsPage {
        frame: frame(&state, &staff).await?,
        tr: Tr(staff.lang),
        sessions,
        current: staff.family.clone(),
    })
}

async fn revoke(
    State(state): State<AppState>,
    staff: Staff,
    Path(family): Path<String>,
) -> Result<Response, AppError> {
    sessions::revoke(&state.ctx, staff.id(), &family).await?;
    let to = if family == staff.family {
        "/login"
    } else {
        "/sessions"
    };
    Ok(Redirect::to(to).into_response())
}

async fn revoke_others(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    sessions::revoke_others(&state.ctx, staff.id(), &staff.family).await?;
    Ok(Redirect::to("/sessions").into_response())
}
