//! The orders list (filter by status, keyset pages) and one order: items, delivery, receipts,
//! the history timeline, and the actions its state allows.
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::orders::Step;
use domain::orders::{fulfil, queries};
use domain::{OrderId, OrderStatus};
use serde::Deserialize;

use super::frame;
use crate::auth::{ClientIp, Staff};
use crate::page::{Frame, Tr};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orders", get(list))
        .route("/orders/{id}", get(detail))
        .route("/orders/{id}/do/{action}", post(act))
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    after: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "orders.html")]
struct ListPage {
    frame: Frame,
    tr: Tr,
    orders: Vec<entity::orders::Model>,
    status: String,
    statuses: Vec<&'static str>,
    next: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let db = &state.ctx.db;
    let filter = match q.status.as_str() {
        "" => None,
        s => Some(OrderStatus::parse(s).map_err(|_| AppError::NotFound)?),
    };
    let cursor = match q.after {
        Some(id) => {
            // A cursor from another store is refused like any foreign id.
            let o = queries::detail(db, &staff.actor(None), OrderId(id)).await?;
            if o.order.store_id != staff.store.0 {
                return Err(AppError::NotFound);
            }
            Some(queries::Cursor {
                created_at: o.order.created_at,
                id: o.order.id,
            })
        }
        None => None,
    };
    let page = queries::list(db, &staff.actor(None), staff.store, filter, cursor, 50).await?;
    Ok(ListPage {
        frame: frame(&state, &staff).await?,
        tr: Tr(staff.lang),
        orders: page.orders,
        status: q.status,
        statuses: OrderStatus::ALL.iter().map(|s| s.as_str()).collect(),
        next: page.next.map(|c| c.id),
    })
}

pub struct Event {
    pub at: String,
    pub who: String,
    pub channel: String,
    pub text: String,
    pub reason: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "order.html")]
struct DetailPage {
    frame: Frame,
    tr: Tr,
    order: entity::orders::Model,
    items: Vec<entity::order_items::Model>,
    receipts: Vec<entity::receipts::Model>,
    history: Vec<Event>,
    customer: String,
    actions: Vec<&'static str>,
    assignee: Option<String>,
}

async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<DetailPage, AppError> {
    let db = &state.ctx.db;
    let d = queries::detail(db, &staff.actor(None), OrderId(id)).await?;
    // Staff of another store, or a customer, never see it here.
    if !staff.stores.contains(&domain::StoreId(d.order.store_id)) {
        return Err(AppError::NotFound);
    }
    let tr = Tr(staff.lang);
    let mut history = Vec::new();
    for h in &d.history {
        let who = match h.actor_user_id {
            Some(u) => domain::users::display_name(db, domain::UserId(u))
                .await?
                .unwrap_or_default(),
            None => tr.channel(&h.channel),
        };
        let text = if h.action == "status_changed" {
            tr.status(&h.to_status)
        } else {
            tr.t(&format!("web-history-{}", h.action))
        };
        history.push(Event {
            at: tr.when(&h.created_at),
            who,
            channel: tr.channel(&h.channel),
            text,
            reason: h.reason.clone(),
        });
    }
    let customer = domain::users::display_name(db, domain::UserId(d.order.customer_id))
        .await?
        .unwrap_or_default();
    let assignee = match d.order.assignee_id {
        Some(a) => domain::users::display_name(db, domain::UserId(a)).await?,
        None => None,
    };
    let role = domain::policy::role_in(db, staff.id(), domain::StoreId(d.order.store_id)).await?;
    let status = domain::orders::status_of(&d.order)?;
    let mut actions = Vec::new();
    if !status.is_terminal() {
        actions.push(if d.order.assignee_id.is_some() {
            "release"
        } else {
            "take"
        });
    }
    for (step, name) in [
        (Step::Ship, "ship"),
        (Step::Complete, "complete"),
        (Step::Cancel, "cancel"),
        (Step::Refund, "refund"),
    ] {
        if let (Some(rule), Some(role)) =
            (domain::orders::status::rule(status, step.target()), role)
            && domain::policy::allows(role, rule.staff)
        {
            actions.push(name);
        }
    }
    Ok(DetailPage {
        frame: frame(&state, &staff).await?,
        tr,
        order: d.order,
        items: d.items,
        receipts: d.receipts,
        history,
        customer,
        actions,
        assignee,
    })
}

#[derive(Deserialize)]
struct ActionForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    tracking: String,
}

async fn act(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    Path((id, action)): Path<(i64, String)>,
    axum::Form(form): axum::Form<ActionForm>,
) -> Result<Response, AppError> {
    let ctx = &state.ctx;
    let actor = staff.actor(client.text());
    let order = OrderId(id);
    let optional = |s: &str| {
        if s.trim().is_empty() {
            None
        } else {
            Some(s.to_owned())
        }
    };
    match action.as_str() {
        "take" => fulfil::take(ctx, &actor, order).await?,
        "release" => fulfil::release(ctx, &actor, order, &form.reason).await?,
        "ship" => fulfil::ship(ctx, &actor, order, optional(&form.tracking).as_deref()).await?,
        "complete" => fulfil::complete(ctx, &actor, order).await?,
        "cancel" => fulfil::cancel(ctx, &actor, order, optional(&form.reason).as_deref()).await?,
        "refund" => fulfil::refund(ctx, &actor, order, &form.reason).await?,
        _ => return Err(AppError::NotFound),
    };
    Ok(Redirect::to(&format!("/orders/{id}")).into_response())
}
