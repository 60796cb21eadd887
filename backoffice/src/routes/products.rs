//! The catalog (VENDOR and up): the store's products with their stock, a low-stock filter,
//! creating and editing a product, and adjusting its stock with the movement history.
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::catalog::products::{self, NewProduct, ProductChanges};
use domain::catalog::stock::{self, Reason};
use domain::{Capability, Currency, Money, ProductId, StoreId};
use serde::Deserialize;

use super::frame;
use super::texts::{LangInputs, ProductFields, product_inputs};
use crate::auth::{ClientIp, Staff};
use crate::page::{Frame, Tr};
use crate::{AppError, AppState};

/// How many stock movements the product page shows.
const HISTORY: u64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/products", get(list).post(create))
        .route("/products/new", get(new_form))
        .route("/products/{id}", get(detail).post(update))
        .route("/products/{id}/stock", post(adjust))
}

fn bad(field: &'static str) -> AppError {
    AppError::Domain(domain::Error::Invalid { field })
}

/// A decimal typed in the store's currency, in minor units.
fn price(input: &str, currency: &str) -> Result<i64, AppError> {
    let currency = Currency::parse(currency)?;
    Money::parse(input, currency)
        .map(|m| m.minor)
        .map_err(|_| bad("price"))
}

/// An optional whole number: empty is `None`.
fn optional_number(input: &str, field: &'static str) -> Result<Option<i32>, AppError> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    input.parse().map(Some).map_err(|_| bad(field))
}

/// The product, if it belongs to a store the person works in and they may manage its catalog;
/// any other product answers 404 as if it did not exist.
async fn product_for(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<entity::products::Model, AppError> {
    let db = &state.ctx.db;
    let p = products::get(db, ProductId(id)).await?;
    let store = StoreId(p.store_id);
    if !staff.stores.contains(&store) {
        return Err(AppError::NotFound);
    }
    domain::kernel::policy::require(db, &staff.actor(None), store, Capability::ManageCatalog)
        .await?;
    Ok(p)
}

pub struct Row {
    pub id: i64,
    pub sku: String,
    pub title: String,
    pub price: String,
    pub on_hand: i32,
    pub reserved: i32,
    pub available: i64,
    pub active: bool,
    pub low: bool,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    low: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "products.html")]
struct ListPage {
    frame: Frame,
    tr: Tr,
    rows: Vec<Row>,
    low: bool,
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let db = &state.ctx.db;
    domain::kernel::policy::require(
        db,
        &staff.actor(None),
        staff.store,
        Capability::ManageCatalog,
    )
    .await?;
    let low = q.low.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
    let tr = Tr(staff.lang);
    let shop = domain::stores::load(db, staff.store).await?;
    let all = if low {
        products::low_stock(db, staff.store).await?
    } else {
        products::list(db, staff.store, false).await?
    };
    let rows = all
        .into_iter()
        .map(|p| {
            let available = domain::catalog::stock::available(&p);
            Row {
                id: p.id,
                price: tr.money(&p.price_minor, &p.currency),
                low: products::is_low(&p, shop.low_stock_default),
                sku: p.sku,
                title: p.title,
                on_hand: p.on_hand,
                reserved: p.reserved,
                available,
                active: p.active,
            }
        })
        .collect();
    Ok(ListPage {
        frame: frame(&state, &staff).await?,
        tr,
        rows,
        low,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "product_new.html")]
struct NewPage {
    frame: Frame,
    tr: Tr,
    currency: String,
    default_threshold: i32,
    texts: Vec<LangInputs>,
}

async fn new_form(State(state): State<AppState>, staff: Staff) -> Result<NewPage, AppError> {
    let db = &state.ctx.db;
    domain::kernel::policy::require(
        db,
        &staff.actor(None),
        staff.store,
        Capability::ManageCatalog,
    )
    .await?;
    let shop = domain::stores::load(db, staff.store).await?;
    let tr = Tr(staff.lang);
    Ok(NewPage {
        frame: frame(&state, &staff).await?,
        tr,
        currency: shop.currency,
        default_threshold: shop.low_stock_default,
        texts: product_inputs(tr, &Default::default()),
    })
}

#[derive(Deserialize)]
struct NewForm {
    #[serde(default)]
    sku: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    on_hand: String,
    #[serde(default)]
    threshold: String,
    #[serde(flatten)]
    texts: ProductFields,
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    axum::Form(form): axum::Form<NewForm>,
) -> Result<Response, AppError> {
    let ctx = &state.ctx;
    let actor = staff.actor(client.text());
    domain::kernel::policy::require(&ctx.db, &actor, staff.store, Capability::ManageCatalog)
        .await?;
    let shop = domain::stores::load(&ctx.db, staff.store).await?;
    let new = NewProduct {
        sku: form.sku,
        title: form.title,
        description: form.description,
        price_minor: price(&form.price, &shop.currency)?,
        on_hand: optional_number(&form.on_hand, "on_hand")?.map_or(0, i64::from),
        low_stock_threshold: optional_number(&form.threshold, "low_stock_threshold")?,
    };
    let texts = form.texts.texts();
    let p = products::create_with(ctx, &actor, staff.store, new, &texts).await?;
    Ok(Redirect::to(&format!("/products/{}", p.id)).into_response())
}

pub struct MovementRow {
    pub at: String,
    pub delta_on_hand: String,
    pub delta_reserved: String,
    pub reason: String,
    pub who: String,
    pub order: Option<i64>,
    pub note: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "product.html")]
struct DetailPage {
    frame: Frame,
    tr: Tr,
    product: entity::products::Model,
    price: String,
    available: i64,
    default_threshold: i32,
    movements: Vec<MovementRow>,
    texts: Vec<LangInputs>,
}

fn signed(v: i32) -> String {
    if v > 0 {
        format!("+{v}")
    } else {
        v.to_string()
    }
}

async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<DetailPage, AppError> {
    let db = &state.ctx.db;
    let product = product_for(&state, &staff, id).await?;
    let shop = domain::stores::load(db, StoreId(product.store_id)).await?;
    let tr = Tr(staff.lang);
    let mut movements = Vec::new();
    for m in stock::movements(db, ProductId(product.id), HISTORY).await? {
        let who = match m.actor_user_id {
            Some(u) => domain::people::users::display_name(db, domain::UserId(u))
                .await?
                .unwrap_or_default(),
            None => tr.t("web-product-system"),
        };
        movements.push(MovementRow {
            at: tr.when(&m.created_at),
            delta_on_hand: signed(m.delta_on_hand),
            delta_reserved: signed(m.delta_reserved),
            reason: tr.t(&format!("web-product-reason-{}", m.reason)),
            who,
            order: m.order_id,
            note: m.note,
        });
    }
    let own = domain::catalog::texts::of(db, ProductId(product.id)).await?;
    Ok(DetailPage {
        frame: frame(&state, &staff).await?,
        texts: product_inputs(tr, &own),
        price: domain::kernel::money::decimal(product.price_minor, &product.currency),
        available: domain::catalog::stock::available(&product),
        default_threshold: shop.low_stock_default,
        tr,
        product,
        movements,
    })
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    threshold: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    active: Option<String>,
    #[serde(flatten)]
    texts: ProductFields,
}

async fn update(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<EditForm>,
) -> Result<Response, AppError> {
    let product = product_for(&state, &staff, id).await?;
    let changes = ProductChanges {
        title: Some(form.title),
        description: Some(form.description),
        price_minor: Some(price(&form.price, &product.currency)?),
        active: Some(form.active.is_some()),
        low_stock_threshold: Some(optional_number(&form.threshold, "low_stock_threshold")?),
        texts: Some(form.texts.texts()),
    };
    let actor = staff.actor(client.text());
    products::update(&state.ctx, &actor, ProductId(product.id), changes).await?;
    Ok(Redirect::to(&format!("/products/{id}")).into_response())
}

#[derive(Deserialize)]
struct StockForm {
    #[serde(default)]
    delta: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

async fn adjust(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<StockForm>,
) -> Result<Response, AppError> {
    let product = product_for(&state, &staff, id).await?;
    let delta: i64 = form
        .delta
        .trim()
        .trim_start_matches('+')
        .parse()
        .map_err(|_| bad("delta"))?;
    let reason = Reason::parse_manual(&form.reason)?;
    let note = Some(form.note.trim()).filter(|n| !n.is_empty());
    let actor = staff.actor(client.text());
    stock::adjust(
        &state.ctx,
        &actor,
        ProductId(product.id),
        delta,
        reason,
        note,
    )
    .await?;
    Ok(Redirect::to(&format!("/products/{id}")).into_response())
}
