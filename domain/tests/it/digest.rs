//! The daily digest: its figures and who it reaches (the job itself: `digest_job`).
use std::collections::BTreeSet;

use chrono::{DateTime, TimeZone, Utc};
use domain::messaging::centre::Payload;
use domain::messaging::deliveries::plan;
use domain::messaging::digest::{self, Figures};
use domain::operations::worker::{self, Options};
use domain::ordering::orders::{NewOrder, decide, fulfil};
use domain::platform::events::{DomainEvent, outbox};
use domain::{Currency, Money, OrderId, ProductId, StoreId};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support::{Fixture, delivery, product};

/// 2026-11-`day` `hour`:`minute` UTC (the fixture starts on the 21st at 12:00).
pub(crate) fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .unwrap()
}

pub(crate) fn uah(minor: i64) -> Money {
    Money::new(minor, Currency::parse("UAH").unwrap())
}

pub(crate) fn advance_to(f: &Fixture, to: DateTime<Utc>) {
    f.clock.advance(to - f.ctx.now());
}

pub(crate) async fn schedule(f: &Fixture, hour: u32) {
    worker::schedule_recurring_with(&f.ctx, Options { digest_hour: hour })
        .await
        .unwrap();
}

/// Digest events, for one store or all.
pub(crate) async fn digests(f: &Fixture, store: Option<StoreId>) -> i64 {
    let condition = match store {
        Some(s) => format!("event_type = 'daily_digest' AND store_id = {}", s.0),
        None => "event_type = 'daily_digest'".to_owned(),
    };
    f.count("outbox_events", &condition).await
}

/// When the digest job is due next.
pub(crate) async fn due(f: &Fixture) -> DateTime<Utc> {
    entity::jobs::Entity::find()
        .filter(entity::jobs::Column::Kind.eq(worker::DAILY_DIGEST))
        .one(&f.ctx.db)
        .await
        .unwrap()
        .unwrap()
        .due_at
}

async fn verify(f: &Fixture, order: OrderId) {
    decide::verify(&f.ctx, &f.web(f.admin), order)
        .await
        .unwrap();
}

/// An order of one cup in the other store, with its receipt.
async fn elsewhere(f: &Fixture, cup: ProductId) -> OrderId {
    let new = NewOrder {
        store: f.other_store,
        customer: f.customer,
        items: vec![(cup, 1)],
        delivery: delivery(),
    };
    let customer = f.bot(f.customer);
    let order = domain::ordering::orders::place(&f.ctx, &customer, &new);
    let order = OrderId(order.await.unwrap().id);
    f.receipt(order, &format!("{:064x}", order.0)).await;
    order
}

#[tokio::test]
async fn figures_count_the_window_the_paid_and_the_pending_of_one_store() {
    let f = Fixture::new().await;
    let _placed_before = f.order(1).await;
    let paid_in_window = f.order_in_review(1).await;
    advance_to(&f, at(21, 14, 0));
    verify(&f, paid_in_window).await;
    let paid = f.order_in_review(2).await;
    verify(&f, paid).await;
    let _unpaid = f.order(1).await;
    let _pending = f.order_in_review(1).await;
    let paid_after_window = f.order_in_review(1).await;
    let cancelled_in_review = f.order_in_review(1).await;
    fulfil::cancel(&f.ctx, &f.web(f.admin), cancelled_in_review, Some("no"))
        .await
        .unwrap();
    let cup = product(&f.ctx, f.other_store, "CUP", 9_900, 5).await;
    let paid_elsewhere = elsewhere(&f, cup).await;
    decide::verify(&f.ctx, &f.web(f.other_admin), paid_elsewhere)
        .await
        .unwrap();
    elsewhere(&f, cup).await;
    advance_to(&f, at(22, 13, 30));
    verify(&f, paid_after_window).await;
    let _placed_after = f.order(1).await;

    let until = at(22, 13, 0);
    assert_eq!(
        digest::figures(&f.ctx.db, f.store, until).await.unwrap(),
        Figures {
            // Not the orders placed before or after the window.
            orders: 5,
            // 1 mug paid in the window though ordered before it, 2 mugs placed and paid in it.
            revenue: uah(75_000),
            pending_receipts: 1,
        }
    );
    assert_eq!(
        digest::figures(&f.ctx.db, f.other_store, until)
            .await
            .unwrap(),
        Figures {
            orders: 2,
            revenue: uah(9_900),
            pending_receipts: 1,
        }
    );
    // The cancelled order's receipt was never decided, yet nobody is waiting to review it.
    assert_eq!(f.count("receipts", "status = 'pending'").await, 3);
    // A window with nothing in it; the receipt waiting now is still waiting.
    assert_eq!(
        digest::figures(&f.ctx.db, f.store, at(21, 11, 0))
            .await
            .unwrap(),
        Figures {
            orders: 0,
            revenue: uah(0),
            pending_receipts: 1,
        }
    );
}

/// The digest event of `store`.
async fn digest_of(f: &Fixture, store: StoreId) -> (i64, DomainEvent) {
    outbox::since(&f.ctx.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .find(|p| matches!(p.event, DomainEvent::DailyDigest { store_id, .. } if store_id == store))
        .map(|p| (p.id, p.event))
        .unwrap()
}

#[tokio::test]
async fn the_digest_reaches_the_stores_admins_and_owners_only() {
    let f = Fixture::new().await;
    f.order_in_review(1).await;
    schedule(&f, 9).await;
    advance_to(&f, at(22, 9, 0));
    worker::run_due_jobs(&f.ctx, "w1").await.unwrap();
    let (id, event) = digest_of(&f, f.store).await;
    assert_eq!(
        event,
        DomainEvent::DailyDigest {
            store_id: f.store,
            until: at(22, 9, 0),
            orders: 1,
            revenue: uah(0),
            pending_receipts: 1,
        }
    );
    plan::run_once(&f.ctx, "planner").await.unwrap();
    let rows = plan::of_event(&f.ctx.db, id).await.unwrap();
    let got: BTreeSet<(i64, String)> = rows
        .iter()
        .map(|d| (d.user_id, d.channel.clone()))
        .collect();
    let want: BTreeSet<(i64, String)> = [f.owner, f.admin]
        .into_iter()
        .flat_map(|u| ["telegram", "in_app"].map(|c| (u.0, c.to_owned())))
        .collect();
    assert_eq!(
        got, want,
        "not the vendor, the customer or another store's admin"
    );
    assert!(
        rows.iter()
            .all(|d| d.kind == "daily_digest" && d.priority == "normal")
    );
    let (other, _) = digest_of(&f, f.other_store).await;
    let users: BTreeSet<i64> = plan::of_event(&f.ctx.db, other)
        .await
        .unwrap()
        .iter()
        .map(|d| d.user_id)
        .collect();
    assert_eq!(users, BTreeSet::from([f.owner.0, f.other_admin.0]));

    // The notification center gets the figures.
    domain::messaging::centre::fill(&f.ctx, "w1").await.unwrap();
    let latest = domain::messaging::centre::latest(&f.ctx.db, f.admin, 10)
        .await
        .unwrap();
    let entry = latest
        .iter()
        .find(|n| matches!(n.payload, Payload::DailyDigest { .. }))
        .unwrap();
    let Payload::DailyDigest {
        store,
        orders,
        currency,
        pending_receipts,
        ..
    } = &entry.payload
    else {
        unreachable!()
    };
    assert_eq!(
        (
            store.as_str(),
            *orders,
            *pending_receipts,
            currency.as_str()
        ),
        ("Shop main", 1, 1, "UAH")
    );
    assert_eq!(entry.store_id, Some(f.store.0));
    let vendor = domain::messaging::centre::latest(&f.ctx.db, f.vendor, 10)
        .await
        .unwrap();
    assert!(
        vendor
            .iter()
            .all(|n| !matches!(n.payload, Payload::DailyDigest { .. }))
    );
}
