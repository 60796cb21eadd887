//! Telegram updates set aside as poison (their handling killed the process twice), for
//! platform OWNERs: what each was, with Discard and Try again. Linked from the failed
//! notifications page.
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::platform::updates::quarantine::{self, Decision};

use super::frame;
use crate::auth::{ClientIp, Staff};
use crate::page::{Frame, Tr};
use crate::{AppError, AppState};

const PAGE: u64 = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/updates/quarantined", get(list))
        .route("/updates/{id}/{decision}", post(decide))
}

pub struct Row {
    pub id: i64,
    pub update_id: i64,
    pub kind: String,
    pub from: String,
    pub content: String,
    pub received: String,
    pub set_aside: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "quarantined.html")]
struct Quarantined {
    frame: Frame,
    tr: Tr,
    rows: Vec<Row>,
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Quarantined, AppError> {
    let tr = Tr(staff.lang);
    let found = quarantine::list(&state.ctx, &staff.actor(None), PAGE).await?;
    let rows = found
        .into_iter()
        .map(|q| Row {
            id: q.id,
            update_id: q.update_id,
            kind: q.kind,
            from: q.from.map(|id| id.to_string()).unwrap_or_default(),
            content: q.content.unwrap_or_default(),
            received: tr.when(&q.received_at),
            set_aside: tr.when(&q.quarantined_at),
        })
        .collect();
    Ok(Quarantined {
        frame: frame(&state, &staff).await?,
        tr,
        rows,
    })
}

async fn decide(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    Path((id, decision)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let decision = Decision::parse(&decision)?;
    let actor = staff.actor(client.text());
    quarantine::decide(&state.ctx, &actor, id, decision).await?;
    Ok(Redirect::to("/updates/quarantined").into_response())
}
