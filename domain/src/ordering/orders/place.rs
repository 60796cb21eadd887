//! Placing an order: stock reserved atomically (never oversold), a per-store number, the
//! payment deadline from the store's settings, and a cap on the unpaid orders one customer may
//! hold open in a store (`Ctx::max_open_orders`), so that nobody reserves a store's whole stock
//! with one checkout after another.
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use super::status::OrderStatus;
use super::transition::history;
use crate::catalog::stock;
use crate::kernel::actor::{Actor, Principal};
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{OrderId, ProductId, StoreId, UserId};
use crate::kernel::money::{Currency, Money};
use crate::kernel::policy::{self, Capability};
use crate::platform::events::{DomainEvent, outbox};
use crate::{Ctx, in_tx, platform::audit, stores};
use entity::{order_items, orders, products, users};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub name: String,
    pub phone: String,
    pub address: String,
}

#[derive(Clone, Debug)]
pub struct NewOrder {
    pub store: StoreId,
    pub customer: UserId,
    /// Product and quantity; the same product may appear twice (quantities add up).
    pub items: Vec<(ProductId, u32)>,
    pub delivery: Delivery,
}

/// Places an order for `new.customer`: by that customer, or by staff who can fulfil.
pub async fn place(ctx: &Ctx, actor: &Actor, new: &NewOrder) -> Result<orders::Model> {
    let lines = prepare(new)?;
    let by_staff = authorize(&ctx.db, actor, new.store, new.customer).await?;
    let now = ctx.now();
    let cap = cap_for(ctx, by_staff);
    in_tx!(&ctx.db, |txn| place_in(&txn, now, actor, new, &lines, cap)
        .await)
}

/// How an order is placed: by staff (audited as a staff action, never capped) or by the
/// customer, under the deployment's cap on open unpaid orders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placer {
    Staff,
    Customer { max_open: Option<u32> },
}

/// The cap that applies to an order placed by staff (`by_staff`) or by the customer.
pub(crate) fn cap_for(ctx: &Ctx, by_staff: bool) -> Placer {
    if by_staff {
        Placer::Staff
    } else {
        Placer::Customer {
            max_open: ctx.max_open_orders,
        }
    }
}

/// Refuses a customer's new order in `store` while `max` of theirs are open and unpaid there.
///
/// Two checkouts of one customer must not both pass: the customer's row is locked first (so
/// their placements run one at a time, on every database), then the open orders are read with
/// a locking read, which on MySQL sees what committed after this transaction's snapshot.
async fn refuse_over_cap(
    txn: &impl ConnectionTrait,
    store: StoreId,
    customer: UserId,
    max: u32,
) -> Result<()> {
    users::Entity::find_by_id(customer.0)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(Error::NotFound { what: "user" })?;
    let open: Vec<i64> = orders::Entity::find()
        .select_only()
        .column(orders::Column::Id)
        .filter(orders::Column::StoreId.eq(store.0))
        .filter(orders::Column::CustomerId.eq(customer.0))
        .filter(
            orders::Column::Status
                .is_in([OrderStatus::AwaitingPayment, OrderStatus::PaymentReview]),
        )
        .limit(u64::from(max))
        .lock_shared()
        .into_tuple()
        .all(txn)
        .await?;
    if open.len() >= max as usize {
        return Err(Error::OpenOrdersLimit { max });
    }
    Ok(())
}

/// Checks an order's input: the quantity of each product (the same product listed twice adds
/// up) and the delivery details.
pub(crate) fn prepare(new: &NewOrder) -> Result<BTreeMap<ProductId, i64>> {
    let mut lines: BTreeMap<ProductId, i64> = BTreeMap::new();
    for (product, qty) in &new.items {
        if *qty == 0 {
            return Err(Error::Invalid { field: "quantity" });
        }
        *lines.entry(*product).or_default() += i64::from(*qty);
    }
    if lines.is_empty() {
        return Err(Error::EmptyOrder);
    }
    if lines.values().any(|q| *q > i64::from(i32::MAX)) {
        return Err(Error::Invalid { field: "quantity" });
    }
    validate_delivery(&new.delivery)?;
    Ok(lines)
}

/// Who may order for `customer` in `store`: the customer, or staff who can fulfil (then
/// `true`: the order is audited as a staff action).
pub(crate) async fn authorize(
    db: &impl ConnectionTrait,
    actor: &Actor,
    store: StoreId,
    customer: UserId,
) -> Result<bool> {
    match actor.principal {
        Principal::User(u) if u == customer => Ok(false),
        Principal::User(_) | Principal::Operator => {
            policy::require(db, actor, store, Capability::Fulfil).await?;
            Ok(true)
        }
        Principal::System => Err(Error::Forbidden),
    }
}

/// A recipient's name as people type it: not empty, not a novel.
pub fn valid_name(name: &str) -> bool {
    (1..=255).contains(&name.trim().chars().count())
}

/// A phone number as people type it: 7 to 15 digits, with spaces, `+`, `-` and brackets allowed.
pub fn valid_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()".contains(c))
        && (7..=15).contains(&digits)
}

/// A delivery address: at least a few characters, at most a thousand.
pub fn valid_address(address: &str) -> bool {
    (3..=1000).contains(&address.trim().chars().count())
}

fn validate_delivery(d: &Delivery) -> Result<()> {
    if !valid_name(&d.name) {
        return Err(Error::Invalid { field: "name" });
    }
    if !valid_phone(&d.phone) {
        return Err(Error::Invalid { field: "phone" });
    }
    if !valid_address(&d.address) {
        return Err(Error::Invalid { field: "address" });
    }
    Ok(())
}

/// Places `new` with the checked `lines` inside the caller's transaction.
pub(crate) async fn place_in(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    actor: &Actor,
    new: &NewOrder,
    lines: &BTreeMap<ProductId, i64>,
    placer: Placer,
) -> Result<orders::Model> {
    crate::platform::updates::claims::claim_for(txn, actor, now).await?;
    // Before the blocked check, whose shared lock on the same row would otherwise have to be
    // upgraded (two racers upgrading deadlock).
    if let Placer::Customer {
        max_open: Some(max),
    } = placer
    {
        refuse_over_cap(txn, new.store, new.customer, max).await?;
    }
    let by_staff = placer == Placer::Staff;
    // Inside the transaction: a block committed before this order commits wins.
    crate::people::customers::refuse_blocked(txn, new.store, new.customer).await?;
    let store = stores::load(txn, new.store).await?;
    let currency = Currency::parse(&store.currency)?;
    let mut total = Money::zero(currency);
    let mut items = Vec::with_capacity(lines.len());
    // Products in id order: concurrent orders lock rows in the same order and cannot deadlock.
    for (&product_id, &qty) in lines {
        let product = products::Entity::find_by_id(product_id.0)
            .filter(products::Column::StoreId.eq(store.id))
            .one(txn)
            .await?
            .ok_or(Error::NotFound { what: "product" })?;
        if !product.active {
            return Err(Error::ProductUnavailable {
                product: product.title,
            });
        }
        if product.currency != store.currency {
            return Err(Error::CurrencyMismatch);
        }
        stock::reserve(txn, &product, qty).await?;
        // Read again after our own update: the row is ours until commit, so this is current
        // even when other orders reserved from it a moment ago.
        let now_row = products::Entity::find_by_id(product.id)
            .one(txn)
            .await?
            .ok_or(Error::NotFound { what: "product" })?;
        let after = stock::available(&now_row);
        stock::alert_if_low(txn, now, &now_row, after + qty, after).await?;
        let line = Money::new(product.price_minor, currency).checked_mul(qty)?;
        total = total.checked_add(line)?;
        items.push((product, qty, line));
    }
    let number = stores::next_order_number(txn, new.store).await?;
    let order = orders::ActiveModel {
        id: NotSet,
        store_id: Set(store.id),
        number: Set(number),
        customer_id: Set(new.customer.0),
        status: Set(OrderStatus::AwaitingPayment),
        total_minor: Set(total.minor),
        currency: Set(store.currency.clone()),
        delivery_name: Set(new.delivery.name.trim().to_owned()),
        delivery_phone: Set(new.delivery.phone.trim().to_owned()),
        delivery_address: Set(new.delivery.address.trim().to_owned()),
        assignee_id: Set(None),
        tracking_number: Set(None),
        payment_due_at: Set(Some(
            now + Duration::minutes(i64::from(store.unpaid_deadline_minutes)),
        )),
        version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let order_id = OrderId(
        orders::Entity::insert(order)
            .exec(txn)
            .await?
            .last_insert_id,
    );
    for (product, qty, line) in &items {
        let item = order_items::ActiveModel {
            id: NotSet,
            order_id: Set(order_id.0),
            product_id: Set(product.id),
            sku: Set(product.sku.clone()),
            title: Set(product.title.clone()),
            unit_price_minor: Set(product.price_minor),
            quantity: Set(i32::try_from(*qty).map_err(|_| Error::Invalid { field: "quantity" })?),
            line_total_minor: Set(line.minor),
        };
        order_items::Entity::insert(item).exec(txn).await?;
        let movement = stock::Movement {
            delta_on_hand: 0,
            delta_reserved: *qty,
            reason: stock::Reason::Reserve,
            order: Some(order_id),
            note: None,
        };
        stock::record(txn, now, product, actor.user_id(), movement).await?;
    }
    history(
        txn,
        now,
        order_id,
        "status_changed",
        None,
        OrderStatus::AwaitingPayment,
        actor,
        None,
    )
    .await?;
    if by_staff {
        audit::record(
            txn,
            now,
            actor,
            audit::Entry {
                store: Some(new.store),
                action: "order.place",
                object_type: "order",
                object_id: number.to_string(),
                before: None,
                after: Some(
                    serde_json::json!({ "total_minor": total.minor, "customer": new.customer }),
                ),
            },
        )
        .await?;
    }
    outbox::record(
        txn,
        now,
        &DomainEvent::OrderPlaced {
            order_id,
            store_id: new.store,
            number,
            customer_id: new.customer,
            total_minor: total.minor,
            currency: store.currency.clone(),
        },
    )
    .await?;
    super::load(txn, order_id).await
}
