//! A store's customers: the people who placed at least one order there, how many orders and
//! how much money, and blocking one from ordering ([`block`]). ADMIN and above of the store see
//! them (an OWNER everywhere); staff of other stores get `NotFound`, as if nobody were there.
//!
//! Revenue counts the orders whose money the store holds: `paid`, `shipped` and `completed`
//! ([`REVENUE`]). Orders awaiting payment or in review are not money yet; cancelled and
//! refunded ones never were or no longer are. It is in the store's currency, which never
//! changes (see `stores::StoreSettings`), so every order of the store adds up.
mod block;

pub(crate) use block::refuse_blocked;
pub use block::{block, unblock};

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait as _, Func, LikeExpr, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{StoreId, UserId};
use crate::kernel::money::{Currency, Money};
use crate::kernel::policy::{self, Capability};
use crate::ordering::orders::status::OrderStatus;
use crate::stores;
use entity::{customer_blocks, orders, users};

/// The statuses whose totals are the store's revenue from a customer.
pub const REVENUE: [OrderStatus; 3] = [
    OrderStatus::Paid,
    OrderStatus::Shipped,
    OrderStatus::Completed,
];

/// How many of a customer's orders [`detail`] lists (newest first).
pub const DETAIL_ORDERS: u64 = 200;

/// What the list asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerQuery {
    /// Words that must each appear in the name or @username, or a Telegram id.
    pub text: Option<String>,
    /// Continue after this cursor ([`Page::next`]).
    pub after: Option<i64>,
    pub limit: u64,
}

/// One customer of a store, with their orders there summed up.
#[derive(Clone, Debug)]
pub struct Customer {
    pub user: users::Model,
    /// Orders placed in the store, in any status.
    pub orders: i64,
    /// Totals of the orders in [`REVENUE`] statuses.
    pub revenue: Money,
    pub last_order_at: DateTime<Utc>,
    pub blocked: bool,
    /// The id of their latest order: the list's order and cursor.
    pub last_order_id: i64,
}

/// Customers whose latest order is newest first; `next` continues the list.
#[derive(Clone, Debug)]
pub struct Page {
    pub customers: Vec<Customer>,
    pub next: Option<i64>,
}

/// One customer in full: the summary, their orders in the store, the block if any.
#[derive(Clone, Debug)]
pub struct Detail {
    pub customer: Customer,
    /// Newest first, at most [`DETAIL_ORDERS`].
    pub orders: Vec<orders::Model>,
    pub block: Option<customer_blocks::Model>,
}

/// The store's customers, by their latest order, newest first. The sums are made by the
/// database (one `GROUP BY` over the store's orders), one page at a time.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    store: StoreId,
    query: &CustomerQuery,
) -> Result<Page> {
    policy::require(db, actor, store, Capability::ManageCustomers).await?;
    let limit = query.limit.clamp(1, 500);
    let mut who = Condition::all();
    if let Some(users) = query.text.as_deref().and_then(matching) {
        who = who.add(orders::Column::CustomerId.in_subquery(users));
    }
    let mut rows = totals(db, store, who, query.after, limit + 1).await?;
    let next = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.last_order_id)
    } else {
        None
    };
    Ok(Page {
        customers: complete(db, store, rows).await?,
        next,
    })
}

/// One customer of the store with their orders there. Someone who never ordered in this store
/// is `NotFound`, whatever they did elsewhere.
pub async fn detail(
    db: &impl ConnectionTrait,
    actor: &Actor,
    store: StoreId,
    user: UserId,
) -> Result<Detail> {
    policy::require(db, actor, store, Capability::ManageCustomers).await?;
    let one = Condition::all().add(orders::Column::CustomerId.eq(user.0));
    let rows = totals(db, store, one, None, 1).await?;
    let customer = complete(db, store, rows)
        .await?
        .pop()
        .ok_or(Error::NotFound { what: "customer" })?;
    let orders = orders::Entity::find()
        .filter(orders::Column::StoreId.eq(store.0))
        .filter(orders::Column::CustomerId.eq(user.0))
        .order_by_desc(orders::Column::CreatedAt)
        .order_by_desc(orders::Column::Id)
        .limit(DETAIL_ORDERS)
        .all(db)
        .await?;
    let block = block::of(db, store, user).await?;
    Ok(Detail {
        customer,
        orders,
        block,
    })
}

/// A customer's orders in the store, summed up by the database.
#[derive(Debug, FromQueryResult)]
struct Totals {
    customer_id: i64,
    orders: i64,
    revenue: i64,
    last_order_at: DateTime<Utc>,
    last_order_id: i64,
}

/// The store's orders of the customers `who` narrows to, summed up per customer.
async fn totals(
    db: &impl ConnectionTrait,
    store: StoreId,
    who: Condition,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<Totals>> {
    let revenue = Expr::case(
        orders::Column::Status.is_in(REVENUE),
        Expr::col(orders::Column::TotalMinor),
    )
    .finally(Expr::val(0i64));
    // SUM of integers is NUMERIC on PostgreSQL and DECIMAL on MySQL: back to a 64-bit integer.
    let integer = match db.get_database_backend() {
        DbBackend::MySql => "SIGNED",
        DbBackend::Postgres => "BIGINT",
        _ => "INTEGER",
    };
    let latest = || Expr::col(orders::Column::Id).max();
    let mut q = orders::Entity::find()
        .select_only()
        .column(orders::Column::CustomerId)
        .column_as(Expr::col(orders::Column::Id).count(), "orders")
        .column_as(
            Expr::from(Func::cast_as(Func::sum(revenue), Alias::new(integer))),
            "revenue",
        )
        .column_as(Expr::col(orders::Column::CreatedAt).max(), "last_order_at")
        .column_as(latest(), "last_order_id")
        .filter(orders::Column::StoreId.eq(store.0))
        .filter(who);
    if let Some(after) = after {
        q = q.having(latest().lt(after));
    }
    Ok(q.group_by(orders::Column::CustomerId)
        .order_by_desc(latest())
        .limit(limit)
        .into_model::<Totals>()
        .all(db)
        .await?)
}

/// The users a search means: every word (a leading `@` dropped) must appear in the username,
/// first or last name (`%` and `_` taken literally), or be the Telegram id. `None` when
/// nothing was typed.
fn matching(text: &str) -> Option<SelectStatement> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.trim_start_matches('@').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return None;
    }
    let mut all = Condition::all();
    for word in &words {
        let escaped = word
            .replace('!', "!!")
            .replace('%', "!%")
            .replace('_', "!_");
        let pattern = || LikeExpr::new(format!("%{escaped}%")).escape('!');
        let lower = |col: users::Column| Expr::expr(Func::lower(Expr::col(col)));
        let mut any = Condition::any()
            .add(lower(users::Column::Username).like(pattern()))
            .add(lower(users::Column::FirstName).like(pattern()))
            .add(lower(users::Column::LastName).like(pattern()));
        if let Ok(telegram_id) = word.parse::<i64>() {
            any = any.add(users::Column::TelegramId.eq(telegram_id));
        }
        all = all.add(any);
    }
    Some(
        Query::select()
            .column(users::Column::Id)
            .from(users::Entity)
            .cond_where(all)
            .to_owned(),
    )
}

/// The people and blocks behind a page of totals, in the page's order.
async fn complete(
    db: &impl ConnectionTrait,
    store: StoreId,
    rows: Vec<Totals>,
) -> Result<Vec<Customer>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let currency = Currency::parse(&stores::load(db, store).await?.currency)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.customer_id).collect();
    let mut people: HashMap<i64, users::Model> = users::Entity::find()
        .filter(users::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let blocked: HashSet<i64> = customer_blocks::Entity::find()
        .filter(customer_blocks::Column::StoreId.eq(store.0))
        .filter(customer_blocks::Column::UserId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|b| b.user_id)
        .collect();
    rows.into_iter()
        .map(|r| {
            let user = people
                .remove(&r.customer_id)
                .ok_or(Error::NotFound { what: "customer" })?;
            Ok(Customer {
                blocked: blocked.contains(&user.id),
                user,
                orders: r.orders,
                revenue: Money::new(r.revenue, currency),
                last_order_at: r.last_order_at,
                last_order_id: r.last_order_id,
            })
        })
        .collect()
}
