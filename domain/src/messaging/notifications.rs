//! Who is told what when an event happens. Adapters render and deliver; the choice of
//! recipients is a business rule and lives here.
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::kernel::error::Result;
use crate::kernel::policy::{self, Capability, Role};
use crate::ordering::orders::status::OrderStatus;
use crate::platform::events::DomainEvent;
use crate::{Channel, Money, StoreId};
use entity::{orders, receipts, staff_roles, stores, users};

/// One message for one person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// `users.id` of the recipient.
    pub user_id: i64,
    pub telegram_id: i64,
    pub language: String,
    pub what: What,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum What {
    Verified {
        number: i64,
    },
    Rejected {
        number: i64,
        reason: String,
    },
    Shipped {
        number: i64,
        tracking: Option<String>,
    },
    Cancelled {
        number: i64,
    },
    /// Cancelled by the system because it was not paid in time.
    Expired {
        number: i64,
    },
    Refunded {
        number: i64,
    },
    Completed {
        number: i64,
    },
    /// For staff who look after the catalog: a product is running out.
    LowStock {
        title: String,
        available: i64,
    },
    /// For a store's ADMINs and OWNERs: the day's figures (see `crate::messaging::digest`).
    DailyDigest {
        store: String,
        orders: i64,
        revenue: Money,
        pending_receipts: i64,
    },
    /// For staff: a receipt to check.
    NewReceipt {
        receipt: Box<receipts::Model>,
        order: Box<orders::Model>,
        customer: String,
    },
}

/// The notices an event causes.
pub async fn for_event(db: &impl ConnectionTrait, event: &DomainEvent) -> Result<Vec<Notice>> {
    match event {
        DomainEvent::OrderStatusChanged {
            order_id,
            number,
            from,
            to,
            channel,
            reason,
            ..
        } => {
            let Some(order) = orders::Entity::find_by_id(order_id.0).one(db).await? else {
                return Ok(Vec::new());
            };
            let number = *number;
            let what = match (from, to) {
                (OrderStatus::PaymentReview, OrderStatus::Paid) => What::Verified { number },
                (OrderStatus::PaymentReview, OrderStatus::AwaitingPayment) => What::Rejected {
                    number,
                    reason: reason.clone().unwrap_or_default(),
                },
                (_, OrderStatus::Shipped) => What::Shipped {
                    number,
                    tracking: order.tracking_number.clone(),
                },
                (_, OrderStatus::Cancelled) if *channel == Channel::System => {
                    What::Expired { number }
                }
                // A customer who cancelled knows already.
                (_, OrderStatus::Cancelled) if order_cancelled_by_customer(event, &order) => {
                    return Ok(Vec::new());
                }
                (_, OrderStatus::Cancelled) => What::Cancelled { number },
                (_, OrderStatus::Refunded) => What::Refunded { number },
                (_, OrderStatus::Completed) if !order_cancelled_by_customer(event, &order) => {
                    What::Completed { number }
                }
                // Placed, sent for review or paid another way: the customer did it, or is
                // told in the flow itself. Every state is named so a new one must be decided.
                (
                    _,
                    OrderStatus::AwaitingPayment
                    | OrderStatus::PaymentReview
                    | OrderStatus::Paid
                    | OrderStatus::Completed,
                ) => return Ok(Vec::new()),
            };
            Ok(person(db, order.customer_id)
                .await?
                .map(|(u, t, l)| {
                    vec![Notice {
                        user_id: u,
                        telegram_id: t,
                        language: l,
                        what,
                    }]
                })
                .unwrap_or_default())
        }
        DomainEvent::ReceiptAttached {
            receipt_id,
            order_id,
            store_id,
            ..
        } => {
            let (Some(receipt), Some(order)) = (
                receipts::Entity::find_by_id(receipt_id.0).one(db).await?,
                orders::Entity::find_by_id(order_id.0).one(db).await?,
            ) else {
                return Ok(Vec::new());
            };
            let customer = crate::people::users::display_name(db, crate::UserId(order.customer_id))
                .await?
                .unwrap_or_default();
            let mut out = Vec::new();
            for (user_id, telegram_id, language) in receipt_checkers(db, *store_id).await? {
                let what = What::NewReceipt {
                    receipt: Box::new(receipt.clone()),
                    order: Box::new(order.clone()),
                    customer: customer.clone(),
                };
                out.push(Notice {
                    user_id,
                    telegram_id,
                    language,
                    what,
                });
            }
            Ok(out)
        }
        DomainEvent::LowStock {
            store_id,
            title,
            available,
            ..
        } => {
            let mut out = Vec::new();
            for (user_id, telegram_id, language) in catalog_keepers(db, *store_id).await? {
                let what = What::LowStock {
                    title: title.clone(),
                    available: *available,
                };
                out.push(Notice {
                    user_id,
                    telegram_id,
                    language,
                    what,
                });
            }
            Ok(out)
        }
        DomainEvent::DailyDigest {
            store_id,
            orders,
            revenue,
            pending_receipts,
            ..
        } => {
            let Some(shop) = stores::Entity::find_by_id(store_id.0).one(db).await? else {
                return Ok(Vec::new());
            };
            let what = What::DailyDigest {
                store: shop.name,
                orders: *orders,
                revenue: *revenue,
                pending_receipts: *pending_receipts,
            };
            Ok(digest_readers(db, *store_id)
                .await?
                .into_iter()
                .map(|(user_id, telegram_id, language)| Notice {
                    user_id,
                    telegram_id,
                    language,
                    what: what.clone(),
                })
                .collect())
        }
        // Nobody is told of these: staff see them live in the backoffice. Named one by one so
        // a new event fails to compile here until someone decides who hears of it.
        DomainEvent::StoreCreated { .. }
        | DomainEvent::StoreUpdated { .. }
        | DomainEvent::OrderPlaced { .. }
        | DomainEvent::OrderAssigned { .. }
        | DomainEvent::ProductSaved { .. }
        | DomainEvent::StockAdjusted { .. }
        | DomainEvent::RoleGranted { .. }
        | DomainEvent::RoleRevoked { .. } => Ok(Vec::new()),
    }
}

/// Who gets a store's daily digest: those who run it, its ADMINs and the OWNERs.
async fn digest_readers(
    db: &impl ConnectionTrait,
    store: StoreId,
) -> Result<Vec<(i64, i64, String)>> {
    staff_who(db, store, Capability::ManageStore, false).await
}

/// Staff who manage the store's catalog: its VENDORs and ADMINs, and the platform OWNERs.
async fn catalog_keepers(
    db: &impl ConnectionTrait,
    store: StoreId,
) -> Result<Vec<(i64, i64, String)>> {
    staff_who(db, store, Capability::ManageCatalog, false).await
}

/// The actor of a status change was the order's own customer.
fn order_cancelled_by_customer(event: &DomainEvent, order: &orders::Model) -> bool {
    matches!(event, DomainEvent::OrderStatusChanged { actor: Some(a), .. } if a.0 == order.customer_id)
}

/// (users.id, Telegram id, language) of a user.
async fn person(db: &impl ConnectionTrait, user: i64) -> Result<Option<(i64, i64, String)>> {
    Ok(users::Entity::find_by_id(user)
        .one(db)
        .await?
        .map(|u| (u.id, u.telegram_id, u.language)))
}

/// Staff who can decide payments in the store and have not muted receipt alerts: the store's
/// ADMINs and the platform OWNERs.
pub async fn receipt_checkers(
    db: &impl ConnectionTrait,
    store: StoreId,
) -> Result<Vec<(i64, i64, String)>> {
    staff_who(db, store, Capability::DecidePayments, true).await
}

/// (users.id, Telegram id, language) of the store's staff and platform OWNERs holding `cap`;
/// with `alerts_only`, only those who keep receipt alerts on.
async fn staff_who(
    db: &impl ConnectionTrait,
    store: StoreId,
    cap: Capability,
    alerts_only: bool,
) -> Result<Vec<(i64, i64, String)>> {
    let mut q = staff_roles::Entity::find().filter(
        staff_roles::Column::StoreId
            .eq(store.0)
            .or(staff_roles::Column::StoreId.is_null()),
    );
    if alerts_only {
        q = q.filter(staff_roles::Column::ReceiptAlerts.eq(true));
    }
    let mut out: Vec<(i64, i64, String)> = Vec::new();
    for r in q.all(db).await? {
        let role = r.role;
        let platform_owner = r.store_id.is_none() && role == Role::Owner;
        if (r.store_id.is_some() || platform_owner)
            && policy::allows(role, cap)
            && let Some(p) = person(db, r.user_id).await?
            && !out.iter().any(|(u, _, _)| *u == p.0)
        {
            out.push(p);
        }
    }
    Ok(out)
}
