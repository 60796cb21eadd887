//! Failed notifications of the current store (ADMIN and OWNER) with a Retry button, and each
//! person's own notification settings (their email address, kinds × channels).
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::messaging::deliveries::{preferences, staff as failed};
use serde::Deserialize;

use super::frame;
use crate::auth::{ClientIp, Staff};
use crate::page::{Frame, Tr};
use crate::{AppError, AppState};

const PAGE: u64 = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifications/failed", get(list))
        .route("/notifications/deliveries/{id}/retry", post(retry))
        .route("/notifications/preferences", get(settings).post(save))
}

pub struct Row {
    pub id: i64,
    pub when: String,
    pub recipient: String,
    pub what: String,
    pub channel: String,
    pub attempts: i32,
    pub error: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "deliveries.html")]
struct Failed {
    frame: Frame,
    tr: Tr,
    rows: Vec<Row>,
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Failed, AppError> {
    let tr = Tr(staff.lang);
    let found = failed::failed(&state.ctx.db, &staff.actor(None), staff.store, PAGE).await?;
    let rows = found
        .into_iter()
        .map(|f| Row {
            id: f.delivery.id,
            when: tr.when(&f.delivery.created_at),
            recipient: f.recipient,
            what: tr.t(&format!("delivery-kind-{}", f.delivery.kind)),
            channel: tr.t(&format!("delivery-channel-{}", f.delivery.channel)),
            attempts: f.delivery.attempts,
            error: f.delivery.last_error.unwrap_or_default(),
        })
        .collect();
    Ok(Failed {
        frame: frame(&state, &staff).await?,
        tr,
        rows,
    })
}

async fn retry(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = staff.actor(client.text());
    failed::retry(&state.ctx, &actor, staff.store, id).await?;
    Ok(Redirect::to("/notifications/failed").into_response())
}

pub struct Line {
    pub kind: String,
    pub label: String,
    /// One cell per channel: `None` where the kind never goes to that channel.
    pub cells: Vec<Option<bool>>,
}

#[derive(Template, WebTemplate)]
#[template(path = "preferences.html")]
struct Settings {
    frame: Frame,
    tr: Tr,
    channels: Vec<(String, String)>,
    lines: Vec<Line>,
    saved: bool,
    /// The address in the field: the stored one, or what was typed when it was refused.
    email: String,
    /// Why the typed address was refused.
    email_error: Option<String>,
    /// Whether this deployment sends email at all.
    email_on: bool,
}

#[derive(Deserialize, Default)]
struct Saved {
    #[serde(default)]
    saved: Option<u8>,
}

async fn settings(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Saved>,
) -> Result<Settings, AppError> {
    let email = preferences::email(&state.ctx.db, staff.id().0).await?;
    page(
        &state,
        &staff,
        q.saved.is_some(),
        email.unwrap_or_default(),
        None,
    )
    .await
}

/// The settings page: the email address, then the kinds × channels grid.
async fn page(
    state: &AppState,
    staff: &Staff,
    saved: bool,
    email: String,
    email_error: Option<String>,
) -> Result<Settings, AppError> {
    let tr = Tr(staff.lang);
    let grid = preferences::grid(&state.ctx.db, staff.id()).await?;
    let channels = domain::messaging::deliveries::DeliveryChannel::ALL;
    let lines = domain::messaging::deliveries::KINDS
        .iter()
        .map(|k| Line {
            kind: k.name.to_owned(),
            label: tr.t(&format!("delivery-kind-{}", k.name)),
            cells: channels
                .iter()
                .map(|c| {
                    grid.iter()
                        .find(|s| s.kind == k.name && s.channel == *c)
                        .map(|s| s.enabled)
                })
                .collect(),
        })
        .collect();
    Ok(Settings {
        frame: frame(state, staff).await?,
        channels: channels
            .iter()
            .map(|c| {
                let code = c.as_str().to_owned();
                let label = tr.t(&format!("delivery-channel-{code}"));
                (code, label)
            })
            .collect(),
        tr,
        lines,
        saved,
        email,
        email_error,
        email_on: state.ctx.email,
    })
}

/// The ticked boxes come as repeated `on=<kind>:<channel>` fields, the address as `email`
/// (blank clears it; absent leaves it as it is). A refused address saves nothing and shows
/// the page again with the reason.
async fn save(
    State(state): State<AppState>,
    staff: Staff,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let actor = staff.actor(None);
    let email = form
        .iter()
        .find(|(name, _)| name == "email")
        .map(|(_, v)| v);
    if let Some(address) = email {
        match preferences::set_email(&state.ctx, &actor, address).await {
            Ok(_) => {}
            Err(domain::Error::Invalid { field: "email" }) => {
                let tr = Tr(staff.lang);
                let why = tr.t1("mail-address-invalid", "address", address.trim());
                let page = page(&state, &staff, false, address.clone(), Some(why)).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
            Err(e) => return Err(e.into()),
        }
    }
    let on: Vec<(String, String)> = form
        .into_iter()
        .filter(|(name, _)| name == "on")
        .filter_map(|(_, v)| {
            let (kind, channel) = v.split_once(':')?;
            Some((kind.to_owned(), channel.to_owned()))
        })
        .collect();
    preferences::set(&state.ctx, &actor, &on).await?;
    Ok(Redirect::to("/notifications/preferences?saved=1").into_response())
}
