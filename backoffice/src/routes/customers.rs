//! The customers of the current store (ADMIN and OWNER): who ordered, how often, how much
//! they paid; one customer's orders; blocking and unblocking them; a streamed CSV of the list.
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::people::customers::{self, Customer, CustomerQuery};
use domain::{OrderStatus, UserId};
use serde::Deserialize;

use super::csv::{self, query_string};
use super::frame;
use crate::auth::{ClientIp, Staff};
use crate::page::{Frame, Tr};
use crate::{AppError, AppState};

const PAGE: u64 = 50;
const CSV_PAGE: u64 = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/customers", get(list))
        .route("/customers.csv", get(csv))
        .route("/customers/{id}", get(detail))
        .route("/customers/{id}/block", post(block))
        .route("/customers/{id}/unblock", post(unblock))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    after: Option<i64>,
}

impl ListQuery {
    fn query(&self, after: Option<i64>, limit: u64) -> CustomerQuery {
        CustomerQuery {
            text: Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
            after,
            limit,
        }
    }
}

/// A customer as the pages show them.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub username: Option<String>,
    pub telegram_id: i64,
    pub language: String,
    pub orders: i64,
    pub revenue: String,
    pub last_order: String,
    pub blocked: bool,
}

impl Row {
    fn new(tr: Tr, c: &Customer) -> Row {
        let u = &c.user;
        Row {
            id: u.id,
            name: full_name(u),
            username: u.username.clone().filter(|n| !n.is_empty()),
            telegram_id: u.telegram_id,
            language: i18n::t(i18n::Lang::from_tag(&u.language), "language-name"),
            orders: c.orders,
            revenue: tr.money(&c.revenue.minor, c.revenue.currency.code()),
            last_order: tr.when(&c.last_order_at),
            blocked: c.blocked,
        }
    }
}

fn full_name(u: &entity::users::Model) -> String {
    match &u.last_name {
        Some(last) if !last.is_empty() => format!("{} {last}", u.first_name),
        _ => u.first_name.clone(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "customers.html")]
struct ListPage {
    frame: Frame,
    tr: Tr,
    rows: Vec<Row>,
    q: ListQuery,
    query: String,
    next: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let page = customers::list(
        &state.ctx.db,
        &staff.actor(None),
        staff.store,
        &q.query(q.after, PAGE),
    )
    .await?;
    let tr = Tr(staff.lang);
    Ok(ListPage {
        frame: frame(&state, &staff).await?,
        tr,
        rows: page.customers.iter().map(|c| Row::new(tr, c)).collect(),
        query: query_string(&[("q", &q.q)]),
        q,
        next: page.next,
    })
}

/// The (searched) list as CSV, streamed page by page so a large export never sits in memory.
async fn csv(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    // The first page is read up front so a refusal is an error page, not a broken download.
    let first = customers::list(
        &state.ctx.db,
        &staff.actor(None),
        staff.store,
        &q.query(None, CSV_PAGE),
    )
    .await?;
    let pages = futures::stream::unfold(Some(first), move |page| {
        let (state, staff, q) = (state.clone(), staff.clone(), q.query(None, CSV_PAGE));
        async move {
            let page = page?;
            let chunk: String = page.customers.iter().map(csv_row).collect();
            let next = match page.next {
                None => None,
                Some(after) => {
                    let q = CustomerQuery {
                        after: Some(after),
                        ..q
                    };
                    match customers::list(&state.ctx.db, &staff.actor(None), staff.store, &q).await
                    {
                        Ok(next) => Some(next),
                        Err(e) => return Some((Err(std::io::Error::other(e.to_string())), None)),
                    }
                }
            };
            Some((Ok(chunk), next))
        }
    });
    Ok(csv::download(
        "customers.csv",
        "user_id,telegram_id,username,name,language,orders,revenue,currency,last_order_at,blocked",
        pages,
    ))
}

/// One CSV line; fields that could start a spreadsheet formula are defused.
fn csv_row(c: &Customer) -> String {
    let u = &c.user;
    let fields = [
        u.id.to_string(),
        u.telegram_id.to_string(),
        u.username.clone().unwrap_or_default(),
        full_name(u),
        u.language.clone(),
        c.orders.to_string(),
        c.revenue.decimal(),
        c.revenue.currency.code().to_owned(),
        c.last_order_at.to_rfc3339(),
        c.blocked.to_string(),
    ];
    csv::line(&fields)
}

/// The block standing against the customer, as the page tells it.
pub struct BlockView {
    pub reason: String,
    pub by: String,
    pub at: String,
}

/// One of the customer's orders.
pub struct OrderRow {
    pub id: i64,
    pub number: i64,
    pub status: OrderStatus,
    pub total: String,
    pub date: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "customer.html")]
struct DetailPage {
    frame: Frame,
    tr: Tr,
    customer: Row,
    orders: Vec<OrderRow>,
    /// All of them are listed, or only the latest ones.
    all_orders: bool,
    block: Option<BlockView>,
}

async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<DetailPage, AppError> {
    let db = &state.ctx.db;
    let d = customers::detail(db, &staff.actor(None), staff.store, UserId(id)).await?;
    let tr = Tr(staff.lang);
    let block = match &d.block {
        Some(b) => Some(BlockView {
            reason: b.reason.clone(),
            by: domain::people::users::display_name(db, UserId(b.blocked_by))
                .await?
                .unwrap_or_default(),
            at: tr.when(&b.created_at),
        }),
        None => None,
    };
    let orders = d
        .orders
        .iter()
        .map(|o| OrderRow {
            id: o.id,
            number: o.number,
            status: o.status,
            total: tr.money(&o.total_minor, &o.currency),
            date: tr.when(&o.created_at),
        })
        .collect::<Vec<_>>();
    Ok(DetailPage {
        frame: frame(&state, &staff).await?,
        tr,
        all_orders: orders.len() as i64 == d.customer.orders,
        customer: Row::new(tr, &d.customer),
        orders,
        block,
    })
}

#[derive(Deserialize)]
struct BlockForm {
    #[serde(default)]
    reason: String,
}

async fn block(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<BlockForm>,
) -> Result<Response, AppError> {
    let actor = staff.actor(client.text());
    customers::block(&state.ctx, &actor, staff.store, UserId(id), &form.reason).await?;
    Ok(Redirect::to(&format!("/customers/{id}")).into_response())
}

async fn unblock(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = staff.actor(client.text());
    customers::unblock(&state.ctx, &actor, staff.store, UserId(id)).await?;
    Ok(Redirect::to(&format!("/customers/{id}")).into_response())
}
