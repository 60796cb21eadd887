//! Concurrency: racing deciders, a stampede of orders on scarce stock, cancel vs expiry.
use std::sync::Arc;

use domain::ordering::orders::{decide, fulfil};
use domain::{Actor, Error, OrderStatus};
use futures::future::join_all;

use crate::support::{Fixture, one_winner, user};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_deciders_one_winner() {
    let f = Arc::new(Fixture::new().await);
    let order = f.order_in_review(1).await;
    let tasks = (0..50).map(|i| {
        let f = f.clone();
        tokio::spawn(async move {
            if i % 2 == 0 {
                decide::verify(&f.ctx, &f.web(f.admin), order).await
            } else {
                decide::reject(&f.ctx, &f.bot(f.owner), order, "does not match").await
            }
        })
    });
    for e in one_winner(tasks).await {
        assert!(
            matches!(e, Error::AlreadyDecided { by: Some(_), .. }),
            "{e:?}"
        );
    }
    let decided = format!("order_id = {} AND from_status = 'payment_review'", order.0);
    assert_eq!(f.count("order_history", &decided).await, 1);
    assert_eq!(
        f.count("audit_log", "action IN ('order.verify', 'order.reject')")
            .await,
        1
    );
    let events =
        "event_type = 'order_status_changed' AND payload LIKE '%\"from\":\"payment_review\"%'";
    assert_eq!(f.count("outbox_events", events).await, 1);
    let status = f.status(order).await;
    assert!(matches!(
        status,
        OrderStatus::Paid | OrderStatus::AwaitingPayment
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_orders_for_ten_in_stock() {
    let f = Arc::new(Fixture::new().await);
    let tasks = (0..200).map(|_| {
        let f = f.clone();
        tokio::spawn(async move {
            domain::ordering::orders::place(&f.ctx, &f.bot(f.customer), &f.new_order(1)).await
        })
    });
    let results: Vec<_> = join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let placed: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(placed.len(), 10);
    for r in &results {
        if let Err(e) = r {
            assert!(matches!(e, Error::OutOfStock { .. }), "{e:?}");
        }
    }
    let mut numbers: Vec<i64> = placed.iter().map(|o| o.number).collect();
    numbers.sort();
    assert_eq!(numbers, (1001..=1010).collect::<Vec<_>>());
    assert_eq!(f.stock(f.product).await, (10, 10));
    assert_eq!(f.count("orders", "1 = 1").await, 10);
    assert_eq!(f.count("stock_movements", "reason = 'reserve'").await, 10);
    assert_eq!(
        f.count("products", "reserved > on_hand OR on_hand < 0")
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn orders_racing_stock_adjustments_never_oversell() {
    let f = Arc::new(Fixture::new().await);
    let op = Actor::operator();
    let mut tasks = Vec::new();
    for i in 0..60 {
        let f = f.clone();
        let op = op.clone();
        tasks.push(tokio::spawn(async move {
            if i % 3 == 0 {
                let r = domain::catalog::stock::adjust(
                    &f.ctx,
                    &op,
                    f.product,
                    -1,
                    domain::catalog::stock::Reason::Damaged,
                    None,
                )
                .await;
                assert!(
                    matches!(r, Ok(_) | Err(Error::InsufficientStock { .. })),
                    "{r:?}"
                );
            } else {
                let r =
                    domain::ordering::orders::place(&f.ctx, &f.bot(f.customer), &f.new_order(1))
                        .await;
                assert!(matches!(r, Ok(_) | Err(Error::OutOfStock { .. })), "{r:?}");
            }
        }));
    }
    for t in join_all(tasks).await {
        t.unwrap();
    }
    let (on_hand, reserved) = f.stock(f.product).await;
    assert!(
        on_hand >= reserved && reserved >= 0,
        "{on_hand} / {reserved}"
    );
    let orders = f.count("orders", "1 = 1").await;
    let damaged = f.count("stock_movements", "reason = 'damaged'").await;
    assert_eq!(i64::from(reserved), orders);
    assert_eq!(i64::from(on_hand), 10 - damaged);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancel_and_expiry_release_stock_exactly_once() {
    let f = Arc::new(Fixture::new().await);
    let mut orders = Vec::new();
    for _ in 0..5 {
        orders.push(f.order(2).await);
    }
    assert_eq!(f.stock(f.product).await, (10, 10));
    f.clock.advance(chrono::Duration::hours(2));
    let mut tasks = Vec::new();
    for &order in &orders {
        let f = f.clone();
        tasks.push(tokio::spawn(async move {
            let _ = fulfil::cancel(&f.ctx, &f.bot(f.customer), order, None).await;
        }));
    }
    for _ in 0..3 {
        let f = f.clone();
        tasks.push(tokio::spawn(async move {
            fulfil::expire_unpaid(&f.ctx, 100).await.unwrap();
        }));
    }
    for t in join_all(tasks).await {
        t.unwrap();
    }
    assert_eq!(f.stock(f.product).await, (10, 0));
    for order in orders {
        assert_eq!(f.status(order).await, OrderStatus::Cancelled);
        let cond = format!("order_id = {} AND reason = 'release'", order.0);
        assert_eq!(f.count("stock_movements", &cond).await, 1);
        let hist = format!("order_id = {} AND to_status = 'cancelled'", order.0);
        assert_eq!(f.count("order_history", &hist).await, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_owners_removing_each_other_leave_one() {
    let f = Arc::new(Fixture::new().await);
    let second = user(&f.ctx, 7, "olga").await;
    domain::people::staff::grant(
        &f.ctx,
        &Actor::operator(),
        second,
        domain::Role::Owner,
        None,
    )
    .await
    .unwrap();
    let (a, b) = {
        let (f1, f2) = (f.clone(), f.clone());
        let one = tokio::spawn(async move {
            domain::people::staff::revoke(&f1.ctx, &f1.web(f1.owner), second, None).await
        });
        let two = tokio::spawn(async move {
            domain::people::staff::revoke(&f2.ctx, &f2.web(second), f2.owner, None).await
        });
        (one.await.unwrap(), two.await.unwrap())
    };
    assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{a:?} {b:?}");
    let loser = if a.is_ok() { b } else { a };
    assert!(
        matches!(
            loser,
            Err(Error::LastOwner | Error::NotFound { .. } | Error::RoleTooHigh { .. })
        ),
        "{loser:?}"
    );
    assert!(domain::people::staff::has_owner(&f.ctx.db).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_staff_taking_one_order_one_gets_it() {
    let f = Arc::new(Fixture::new().await);
    let order = f.order_in_review(1).await;
    let mut staff = Vec::new();
    for i in 0..20 {
        let u = user(&f.ctx, 500 + i, &format!("staff{i}")).await;
        domain::people::staff::grant(
            &f.ctx,
            &Actor::operator(),
            u,
            domain::Role::Vendor,
            Some(f.store),
        )
        .await
        .unwrap();
        staff.push(u);
    }
    let tasks = staff.into_iter().map(|u| {
        let f = f.clone();
        tokio::spawn(async move { fulfil::take(&f.ctx, &f.web(u), order).await })
    });
    for e in one_winner(tasks).await {
        assert!(matches!(e, Error::AlreadyTaken { .. }), "{e:?}");
    }
    assert_eq!(f.count("order_history", "action = 'assigned'").await, 1);
}
