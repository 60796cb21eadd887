//! Store settings (ADMIN+): name, payment instructions, unpaid-order deadline, low-stock default,
//! who gets new-receipt alerts; the bot's deep link with a printable QR code. OWNERs create stores.
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::CookieJar;
use domain::kernel::policy::{self, Capability};
use domain::people::staff::Member;
use domain::stores::{self, NewStore, StoreSettings};
use serde::Deserialize;

use super::texts::{LangInputs, StoreFields, store_inputs};
use super::{frame, frame_of};
use crate::auth::{self, ClientIp, Person, STORE, Staff};
use crate::page::{Frame, Tr, qr_code, qr_svg};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/store/settings", get(settings).post(save))
        .route("/store/alerts", post(alerts))
        .route("/store/qr.svg", get(download_svg))
        .route("/store/qr.png", get(download_png))
        .route("/stores/new", get(new_store))
        .route("/stores", post(create))
}

#[derive(Template, WebTemplate)]
#[template(path = "store_settings.html")]
struct SettingsPage {
    frame: Frame,
    tr: Tr,
    store: entity::stores::Model,
    link: String,
    qr: String,
    members: Vec<Member>,
    texts: Vec<LangInputs>,
}

async fn store_link(
    state: &AppState,
    staff: &Staff,
) -> Result<(entity::stores::Model, String), AppError> {
    let store = stores::load(&state.ctx.db, staff.store).await?;
    let link =
        domain::kernel::deeplink::DeepLink::Store(store.slug.clone()).url(&state.bot_username)?;
    Ok((store, link))
}

async fn settings(State(state): State<AppState>, staff: Staff) -> Result<SettingsPage, AppError> {
    policy::require(
        &state.ctx.db,
        &staff.actor(None),
        staff.store,
        Capability::ManageStore,
    )
    .await?;
    let (store, link) = store_link(&state, &staff).await?;
    let qr = qr_svg(&link, 200)?;
    let members = domain::people::staff::members(&state.ctx.db, staff.store).await?;
    let tr = Tr(staff.lang);
    let own = domain::stores::texts::of(&state.ctx.db, staff.store).await?;
    Ok(SettingsPage {
        frame: frame(&state, &staff).await?,
        tr,
        store,
        link,
        qr,
        members,
        texts: store_inputs(tr, &own),
    })
}

/// Numbers come as text: a flattened form reads every value as a string.
#[derive(Deserialize)]
struct SettingsForm {
    name: String,
    #[serde(default)]
    payment_instructions: String,
    unpaid_deadline_minutes: String,
    low_stock_default: String,
    #[serde(flatten)]
    texts: StoreFields,
}

fn number(input: &str, field: &'static str) -> Result<i32, AppError> {
    input
        .trim()
        .parse()
        .map_err(|_| AppError::Domain(domain::Error::Invalid { field }))
}

async fn save(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    axum::Form(f): axum::Form<SettingsForm>,
) -> Result<Response, AppError> {
    let settings = StoreSettings {
        name: f.name,
        payment_instructions: f.payment_instructions,
        unpaid_deadline_minutes: number(&f.unpaid_deadline_minutes, "unpaid_deadline_minutes")?,
        low_stock_default: number(&f.low_stock_default, "low_stock_threshold")?,
        payment_texts: f.texts.instructions(),
    };
    stores::update(
        &state.ctx,
        &staff.actor(client.text()),
        staff.store,
        settings,
    )
    .await?;
    Ok(Redirect::to("/store/settings").into_response())
}

/// Checked boxes (`alert=<user id>`, repeated) get new-receipt alerts; the others don't.
async fn alerts(
    State(state): State<AppState>,
    staff: Staff,
    body: String,
) -> Result<Response, AppError> {
    policy::require(
        &state.ctx.db,
        &staff.actor(None),
        staff.store,
        Capability::ManageStore,
    )
    .await?;
    let on: Vec<i64> = url::form_urlencoded::parse(body.as_bytes())
        .filter(|(k, _)| k == "alert")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    for m in domain::people::staff::members(&state.ctx.db, staff.store).await? {
        let wanted = on.contains(&m.user.id);
        if wanted != m.receipt_alerts {
            domain::people::staff::set_receipt_alerts(
                &state.ctx.db,
                domain::UserId(m.user.id),
                staff.store,
                wanted,
            )
            .await?;
        }
    }
    Ok(Redirect::to("/store/settings").into_response())
}

fn download(bytes: Vec<u8>, mime: &'static str, name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

async fn download_svg(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    let (store, link) = store_link(&state, &staff).await?;
    let svg = qr_svg(&link, 600)?;
    Ok(download(
        svg.into_bytes(),
        "image/svg+xml",
        &format!("{}-qr.svg", store.slug),
    ))
}

async fn download_png(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    let (store, link) = store_link(&state, &staff).await?;
    let img = qr_code(&link)?
        .render::<image::Luma<u8>>()
        .min_dimensions(600, 600)
        .build();
    let mut png = Vec::new();
    image::DynamicImage::ImageLuma8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(
        png,
        "image/png",
        &format!("{}-qr.png", store.slug),
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "store_new.html")]
struct NewStorePage {
    frame: Frame,
    tr: Tr,
    texts: Vec<LangInputs>,
    /// No store exists yet: the OWNER is welcomed to create the first one.
    first: bool,
}

/// The new-store form; also where an OWNER with no store yet lands after logging in.
async fn new_store(
    State(state): State<AppState>,
    person: Person,
    staff: Option<Staff>,
) -> Result<NewStorePage, AppError> {
    policy::require_global(&state.ctx.db, &person.actor(None), Capability::CreateStores).await?;
    let tr = Tr(person.lang);
    Ok(NewStorePage {
        frame: frame_of(&state, &person, staff.map(|s| s.store)).await?,
        tr,
        texts: store_inputs(tr, &Default::default()),
        first: person.stores.is_empty(),
    })
}

#[derive(Deserialize)]
struct NewStoreForm {
    slug: String,
    name: String,
    currency: String,
    #[serde(default)]
    payment_instructions: String,
    unpaid_deadline_minutes: String,
    #[serde(flatten)]
    texts: StoreFields,
}

/// Creates a store (OWNER) and switches to it.
async fn create(
    State(state): State<AppState>,
    staff: Person,
    client: ClientIp,
    jar: CookieJar,
    axum::Form(f): axum::Form<NewStoreForm>,
) -> Result<Response, AppError> {
    let new = NewStore {
        slug: f.slug,
        name: f.name,
        currency: f.currency,
        payment_instructions: f.payment_instructions,
        unpaid_deadline_minutes: number(&f.unpaid_deadline_minutes, "unpaid_deadline_minutes")?,
    };
    let actor = staff.actor(client.text());
    let store = stores::create_with(&state.ctx, &actor, new, &f.texts.instructions()).await?;
    let jar = jar.add(auth::cookie(STORE, store.id.to_string(), 365 * 24 * 3600));
    Ok((jar, Redirect::to("/store/settings")).into_response())
}
