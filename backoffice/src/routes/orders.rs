//! The orders list (filter by status, keyset pages) and one order: items, delivery, receipts,
//! the history timeline, and the actions its state allows.
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use std::str::FromStr;

use domain::ordering::orders::queries::Filter;
use domain::ordering::orders::{Step, decide, fulfil, queries};
use domain::{OrderId, OrderStatus, OrderStatusExt as _};
use serde::Deserialize;

use super::csv::{self, query_string};
use super::frame;
use crate::auth::{ClientIp, Staff};
use crate::page::{Frame, Tr};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orders", get(list))
        .route("/orders.csv", get(csv))
        .route("/orders/{id}", get(detail))
        .route("/orders/{id}/do/{action}", post(act))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    status: String,
    /// `YYYY-MM-DD`, inclusive.
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// Amounts as people type them, in the store's currency.
    #[serde(default)]
    min: String,
    #[serde(default)]
    max: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    after: Option<i64>,
}

impl ListQuery {
    /// The domain filter; a malformed field is a 404-free "bad input" answer.
    async fn filter(&self, state: &AppState, staff: &Staff) -> Result<Filter, AppError> {
        let bad = |field| AppError::Domain(domain::Error::Invalid { field });
        let day = |s: &str, field| -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
            if s.is_empty() {
                return Ok(None);
            }
            let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad(field))?;
            Ok(d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
        };
        let store = domain::stores::load(&state.ctx.db, staff.store).await?;
        let currency = domain::Currency::parse(&store.currency)?;
        let amount = |s: &str, field| -> Result<Option<i64>, AppError> {
            if s.trim().is_empty() {
                return Ok(None);
            }
            domain::Money::parse(s, currency)
                .map(|m| Some(m.minor))
                .map_err(|_| bad(field))
        };
        Ok(Filter {
            status: match self.status.as_str() {
                "" => None,
                s => Some(OrderStatus::parse(s).map_err(|_| bad("status"))?),
            },
            from: day(&self.from, "from")?,
            to: day(&self.to, "to")?.map(|d| d + chrono::Duration::days(1)),
            min_total: amount(&self.min, "min")?,
            max_total: amount(&self.max, "max")?,
            text: Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
        })
    }

    /// The same filters as a query string, for the next-page and CSV links.
    fn query_string(&self) -> String {
        let pairs = [
            ("status", &self.status),
            ("from", &self.from),
            ("to", &self.to),
            ("min", &self.min),
            ("max", &self.max),
            ("q", &self.q),
        ];
        query_string(&pairs)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "orders.html")]
struct ListPage {
    frame: Frame,
    tr: Tr,
    orders: Vec<entity::orders::Model>,
    q: ListQuery,
    query: String,
    statuses: Vec<OrderStatus>,
    next: Option<i64>,
}

/// A cursor must name an order of the staff member's current store.
async fn cursor(
    state: &AppState,
    staff: &Staff,
    after: Option<i64>,
) -> Result<Option<queries::Cursor>, AppError> {
    let Some(id) = after else { return Ok(None) };
    let o = queries::detail(&state.ctx.db, &staff.actor(None), OrderId(id)).await?;
    if o.order.store_id != staff.store.0 {
        return Err(AppError::NotFound);
    }
    Ok(Some(queries::Cursor {
        created_at: o.order.created_at,
        id: o.order.id,
    }))
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let filter = q.filter(&state, &staff).await?;
    let after = cursor(&state, &staff, q.after).await?;
    let page = queries::search(
        &state.ctx.db,
        &staff.actor(None),
        staff.store,
        &filter,
        after,
        50,
    )
    .await?;
    Ok(ListPage {
        frame: frame(&state, &staff).await?,
        tr: Tr(staff.lang),
        orders: page.orders,
        query: q.query_string(),
        q,
        statuses: OrderStatus::ALL.to_vec(),
        next: page.next.map(|c| c.id),
    })
}

/// The filtered list as CSV, streamed page by page so a large export never sits in memory.
async fn csv(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let filter = q.filter(&state, &staff).await?;
    // Asked once up front so a refusal is an error page, not a broken download.
    domain::kernel::policy::require(
        &state.ctx.db,
        &staff.actor(None),
        staff.store,
        domain::Capability::ViewOrders,
    )
    .await?;
    let pages = futures::stream::unfold(
        Some(None),
        move |cursor: Option<Option<queries::Cursor>>| {
            let (state, staff, filter) = (state.clone(), staff.clone(), filter.clone());
            async move {
                let after = cursor?;
                match queries::search(
                    &state.ctx.db,
                    &staff.actor(None),
                    staff.store,
                    &filter,
                    after,
                    500,
                )
                .await
                {
                    Ok(page) => {
                        let chunk: String = page.orders.iter().map(csv_row).collect();
                        let next = page.next.map(Some);
                        Some((Ok(chunk), next))
                    }
                    Err(e) => Some((Err(std::io::Error::other(e.to_string())), None)),
                }
            }
        },
    );
    Ok(csv::download(
        "orders.csv",
        "number,created_at,status,total,currency,customer_id,delivery_name,delivery_phone,delivery_address",
        pages,
    ))
}

/// One CSV line; fields that could start a spreadsheet formula are defused.
fn csv_row(o: &entity::orders::Model) -> String {
    // In the currency's own minor units (JPY has none, KWD three).
    let money = domain::kernel::money::decimal(o.total_minor, &o.currency);
    let fields = [
        o.number.to_string(),
        o.created_at.to_rfc3339(),
        o.status.to_string(),
        money,
        o.currency.clone(),
        o.customer_id.to_string(),
        o.delivery_name.clone(),
        o.delivery_phone.clone(),
        o.delivery_address.clone(),
    ];
    csv::line(&fields)
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
    actions: Vec<Action>,
    assignee: Option<String>,
}

/// A button on the order page: the assignment, or one of the steps the domain offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Take,
    Release,
    Step(Step),
}

impl Action {
    /// The last part of its path, `/orders/{id}/do/{name}`.
    fn name(&self) -> &'static str {
        match self {
            Action::Take => "take",
            Action::Release => "release",
            Action::Step(step) => step.as_str(),
        }
    }

    fn parse(name: &str) -> Option<Action> {
        match name {
            "take" => Some(Action::Take),
            "release" => Some(Action::Release),
            step => Step::from_str(step).ok().map(Action::Step),
        }
    }

    /// The form field it asks for, if any.
    fn field(&self) -> Option<&'static str> {
        match self {
            Action::Step(Step::Ship) => Some("tracking"),
            Action::Release | Action::Step(Step::Reject | Step::Cancel | Step::Refund) => {
                Some("reason")
            }
            Action::Take | Action::Step(Step::Verify | Step::Complete) => None,
        }
    }
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
            Some(u) => domain::people::users::display_name(db, domain::UserId(u))
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
    let customer = domain::people::users::display_name(db, domain::UserId(d.order.customer_id))
        .await?
        .unwrap_or_default();
    let assignee = match d.order.assignee_id {
        Some(a) => domain::people::users::display_name(db, domain::UserId(a)).await?,
        None => None,
    };
    let mut actions = Vec::new();
    if !domain::ordering::orders::status_of(&d.order)?.is_terminal() {
        actions.push(if d.order.assignee_id.is_some() {
            Action::Release
        } else {
            Action::Take
        });
    }
    let steps = domain::ordering::orders::available_steps(db, &staff.actor(None), &d.order).await?;
    actions.extend(steps.into_iter().map(Action::Step));
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
    let action = Action::parse(&action).ok_or(AppError::NotFound)?;
    let reason = optional(&form.reason);
    match action {
        Action::Take => fulfil::take(ctx, &actor, order).await?,
        Action::Release => fulfil::release(ctx, &actor, order, &form.reason).await?,
        Action::Step(step) => match step {
            Step::Verify => decide::verify(ctx, &actor, order).await?,
            Step::Reject => decide::reject(ctx, &actor, order, &form.reason).await?,
            Step::Cancel => fulfil::cancel(ctx, &actor, order, reason.as_deref()).await?,
            Step::Ship => {
                let tracking = optional(&form.tracking);
                fulfil::ship(ctx, &actor, order, tracking.as_deref()).await?
            }
            Step::Complete => fulfil::complete(ctx, &actor, order).await?,
            Step::Refund => fulfil::refund(ctx, &actor, order, &form.reason).await?,
        },
    };
    Ok(Redirect::to(&format!("/orders/{id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_and_is_labelled_in_every_language() {
        let all = [Action::Take, Action::Release]
            .into_iter()
            .chain(Step::ALL.into_iter().map(Action::Step));
        for action in all {
            assert_eq!(Action::parse(action.name()), Some(action));
            for lang in i18n::Lang::ALL {
                let key = format!("web-action-{}", action.name());
                assert!(i18n::has_key(lang, &key), "{key} in {lang:?}");
                if let Some(field) = action.field() {
                    assert!(i18n::has_key(lang, &format!("web-{field}")), "{field}");
                }
            }
        }
        assert_eq!(Action::parse("explode"), None);
    }
}
