//! Every allowed transition and every forbidden one: wrong state, wrong role, other store.
use domain::ordering::orders::{decide, fulfil};
use domain::{Actor, Error, OrderId, OrderStatus, Result, UserId};
use entity::orders::Model as Order;

use crate::support::{Fixture, product};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    Verify,
    Reject,
    Cancel,
    Ship,
    Complete,
    Refund,
}

const STEPS: [Step; 6] = [
    Step::Verify,
    Step::Reject,
    Step::Cancel,
    Step::Ship,
    Step::Complete,
    Step::Refund,
];

async fn run(f: &Fixture, actor: &Actor, step: Step, order: OrderId) -> Result<Order> {
    match step {
        Step::Verify => decide::verify(&f.ctx, actor, order).await,
        Step::Reject => decide::reject(&f.ctx, actor, order, "amount does not match").await,
        Step::Cancel => fulfil::cancel(&f.ctx, actor, order, Some("changed my mind")).await,
        Step::Ship => fulfil::ship(&f.ctx, actor, order, Some("UA123")).await,
        Step::Complete => fulfil::complete(&f.ctx, actor, order).await,
        Step::Refund => fulfil::refund(&f.ctx, actor, order, "returned").await,
    }
}

/// Builds an order in `status` through the real services.
async fn order_in(f: &Fixture, status: OrderStatus) -> OrderId {
    let op = Actor::operator();
    let id = match status {
        OrderStatus::AwaitingPayment => return f.order(1).await,
        OrderStatus::Cancelled => {
            let id = f.order(1).await;
            fulfil::cancel(&f.ctx, &op, id, None).await.unwrap();
            return id;
        }
        _ => f.order_in_review(1).await,
    };
    if status == OrderStatus::PaymentReview {
        return id;
    }
    decide::verify(&f.ctx, &op, id).await.unwrap();
    match status {
        OrderStatus::Paid => {}
        OrderStatus::Refunded => {
            fulfil::refund(&f.ctx, &op, id, "test").await.unwrap();
        }
        OrderStatus::Shipped | OrderStatus::Completed => {
            fulfil::ship(&f.ctx, &op, id, None).await.unwrap();
            if status == OrderStatus::Completed {
                fulfil::complete(&f.ctx, &op, id).await.unwrap();
            }
        }
        _ => unreachable!(),
    }
    id
}

fn from_state(step: Step) -> OrderStatus {
    match step {
        Step::Verify | Step::Reject => OrderStatus::PaymentReview,
        Step::Cancel => OrderStatus::AwaitingPayment,
        Step::Ship | Step::Refund => OrderStatus::Paid,
        Step::Complete => OrderStatus::Shipped,
    }
}

fn target(step: Step) -> OrderStatus {
    match step {
        Step::Verify => OrderStatus::Paid,
        Step::Reject => OrderStatus::AwaitingPayment,
        Step::Cancel => OrderStatus::Cancelled,
        Step::Ship => OrderStatus::Shipped,
        Step::Complete => OrderStatus::Completed,
        Step::Refund => OrderStatus::Refunded,
    }
}

#[derive(Debug, PartialEq)]
enum Expect {
    Ok,
    Forbidden,
    NotFound,
}

fn expected(step: Step, who: &str) -> Expect {
    use Expect::*;
    match (who, step) {
        ("owner" | "admin", _) => Ok,
        ("other_admin" | "stranger", _) => NotFound,
        ("vendor", Step::Ship | Step::Complete) => Ok,
        ("vendor", _) => Forbidden,
        ("customer", Step::Cancel | Step::Complete) => Ok,
        ("customer", _) => Forbidden,
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn role_matrix_for_every_step() {
    let mut f = Fixture::new().await;
    f.product = product(&f.ctx, f.store, "BIG", 1_000, 1_000).await;
    let people: [(&str, UserId); 6] = [
        ("owner", f.owner),
        ("admin", f.admin),
        ("vendor", f.vendor),
        ("other_admin", f.other_admin),
        ("customer", f.customer),
        ("stranger", f.stranger),
    ];
    for step in STEPS {
        for (who, user) in people {
            let order = order_in(&f, from_state(step)).await;
            let result = run(&f, &f.web(user), step, order).await;
            let got = match &result {
                Ok(o) => {
                    assert_eq!(o.status, target(step));
                    Expect::Ok
                }
                Err(Error::Forbidden) => Expect::Forbidden,
                Err(Error::NotFound { .. }) => Expect::NotFound,
                Err(e) => panic!("{step:?} by {who}: unexpected {e:?}"),
            };
            assert_eq!(got, expected(step, who), "{step:?} by {who}");
            let now = f.status(order).await;
            let want = if got == Expect::Ok {
                target(step)
            } else {
                from_state(step)
            };
            assert_eq!(now, want, "{step:?} by {who} left the order {now}");
        }
    }
}

#[tokio::test]
async fn every_step_from_every_wrong_state_is_refused() {
    let mut f = Fixture::new().await;
    f.product = product(&f.ctx, f.store, "BIG", 1_000, 1_000).await;
    let op = Actor::operator();
    for step in STEPS {
        for from in OrderStatus::ALL {
            if domain::ordering::orders::status::rule(from, target(step)).is_some() {
                continue;
            }
            let order = order_in(&f, from).await;
            let err = run(&f, &op, step, order).await.unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidTransition { .. } | Error::AlreadyDecided { .. }
                ),
                "{step:?} from {from}: {err:?}"
            );
            assert_eq!(
                f.status(order).await,
                from,
                "{step:?} from {from} changed the order"
            );
        }
    }
}

#[tokio::test]
async fn customer_cannot_cancel_once_in_review_but_admin_can() {
    let f = Fixture::new().await;
    let order = f.order_in_review(1).await;
    let err = fulfil::cancel(&f.ctx, &f.bot(f.customer), order, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidTransition { .. }), "{err:?}");
    fulfil::cancel(&f.ctx, &f.web(f.admin), order, Some("customer called"))
        .await
        .unwrap();
    assert_eq!(f.stock(f.product).await, (10, 0));
}

#[tokio::test]
async fn a_decision_writes_history_audit_and_one_event() {
    let f = Fixture::new().await;
    let order = f.order_in_review(2).await;
    decide::reject(&f.ctx, &f.web(f.admin), order, "  blurry photo ")
        .await
        .unwrap();
    let cond = format!("order_id = {} AND from_status = 'payment_review'", order.0);
    assert_eq!(f.count("order_history", &cond).await, 1);
    let hist = f
        .count(
            "order_history",
            &format!("{cond} AND channel = 'web' AND reason = 'blurry photo'"),
        )
        .await;
    assert_eq!(hist, 1);
    assert_eq!(
        f.count("audit_log", "action = 'order.reject' AND channel = 'web'")
            .await,
        1
    );
    let ev = f
        .count(
            "outbox_events",
            "event_type = 'order_status_changed' AND payload LIKE '%\"to\":\"awaiting_payment\"%'",
        )
        .await;
    assert_eq!(ev, 1);
    assert_eq!(
        f.count(
            "receipts",
            "status = 'rejected' AND reason = 'blurry photo'"
        )
        .await,
        1
    );
    // Reject needs a reason.
    let again = f.order_in_review(1).await;
    let err = decide::reject(&f.ctx, &f.web(f.admin), again, "   ")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ReasonRequired));
}

#[tokio::test]
async fn losing_a_decision_says_who_won() {
    let f = Fixture::new().await;
    let order = f.order_in_review(1).await;
    decide::verify(&f.ctx, &f.web(f.admin), order)
        .await
        .unwrap();
    let err = decide::reject(&f.ctx, &f.bot(f.owner), order, "late")
        .await
        .unwrap_err();
    match err {
        Error::AlreadyDecided { status, by, at } => {
            assert_eq!(status, OrderStatus::Paid);
            assert_eq!(by.as_deref(), Some("@anna"));
            assert_eq!(at, f.ctx.now());
        }
        e => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn shipping_takes_stock_and_refund_before_shipping_releases_it() {
    let f = Fixture::new().await;
    let op = Actor::operator();
    let a = f.order_in_review(3).await;
    let b = f.order_in_review(2).await;
    assert_eq!(f.stock(f.product).await, (10, 5));
    decide::verify(&f.ctx, &op, a).await.unwrap();
    decide::verify(&f.ctx, &op, b).await.unwrap();
    let shipped = fulfil::ship(&f.ctx, &f.web(f.vendor), a, Some(" TRK-1 "))
        .await
        .unwrap();
    assert_eq!(shipped.tracking_number.as_deref(), Some("TRK-1"));
    assert_eq!(f.stock(f.product).await, (7, 2));
    fulfil::refund(&f.ctx, &f.web(f.admin), b, "out of size")
        .await
        .unwrap();
    assert_eq!(f.stock(f.product).await, (7, 0));
    // A refund after shipping leaves stock alone: the goods are with the customer.
    fulfil::refund(&f.ctx, &f.web(f.owner), a, "damaged in transit")
        .await
        .unwrap();
    assert_eq!(f.stock(f.product).await, (7, 0));
}

#[tokio::test]
async fn take_into_work_and_release() {
    let f = Fixture::new().await;
    let order = f.order_in_review(1).await;
    let taken = fulfil::take(&f.ctx, &f.web(f.vendor), order).await.unwrap();
    assert_eq!(taken.assignee_id, Some(f.vendor.0));
    let err = fulfil::take(&f.ctx, &f.web(f.admin), order)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::AlreadyTaken { by } if by == "@victor"),
        "{err:?}"
    );
    let err = fulfil::take(&f.ctx, &f.web(f.other_admin), order)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }));
    let err = fulfil::take(&f.ctx, &f.bot(f.customer), order)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden));
    assert!(matches!(
        fulfil::release(&f.ctx, &f.web(f.vendor), order, " ").await,
        Err(Error::ReasonRequired)
    ));
    // An admin may release someone else's work; the history says who and why.
    let released = fulfil::release(&f.ctx, &f.web(f.admin), order, "vendor is off today")
        .await
        .unwrap();
    assert_eq!(released.assignee_id, None);
    assert_eq!(
        f.count(
            "order_history",
            "action = 'released' AND reason = 'vendor is off today'"
        )
        .await,
        1
    );
    assert_eq!(
        f.count("outbox_events", "event_type = 'order_assigned'")
            .await,
        2
    );
}

#[tokio::test]
async fn unpaid_orders_expire_after_the_deadline_once() {
    let f = Fixture::new().await;
    let unpaid = f.order(4).await;
    let in_review = f.order_in_review(1).await;
    assert_eq!(
        domain::operations::worker::run_due_jobs(&f.ctx, "w1")
            .await
            .unwrap(),
        0,
        "nothing scheduled yet"
    );
    domain::operations::worker::schedule_recurring(&f.ctx)
        .await
        .unwrap();
    domain::operations::worker::run_due_jobs(&f.ctx, "w1")
        .await
        .unwrap();
    assert_eq!(
        f.status(unpaid).await,
        OrderStatus::AwaitingPayment,
        "deadline not reached"
    );
    f.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(
        domain::operations::worker::run_due_jobs(&f.ctx, "w1")
            .await
            .unwrap(),
        2,
        "the expiry, and the hourly housekeeping"
    );
    assert_eq!(f.status(unpaid).await, OrderStatus::Cancelled);
    assert_eq!(
        f.status(in_review).await,
        OrderStatus::PaymentReview,
        "a receipt stops the clock"
    );
    assert_eq!(f.stock(f.product).await, (10, 1));
    let cond = format!(
        "order_id = {} AND channel = 'system' AND reason = 'expired'",
        unpaid.0
    );
    assert_eq!(f.count("order_history", &cond).await, 1);
    // Already ran for this minute: another worker finds nothing due.
    assert_eq!(
        domain::operations::worker::run_due_jobs(&f.ctx, "w2")
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn placing_validates_input_and_numbers_per_store() {
    let f = Fixture::new().await;
    let customer = f.bot(f.customer);
    let mut bad = f.new_order(1);
    bad.items.clear();
    assert!(matches!(
        domain::ordering::orders::place(&f.ctx, &customer, &bad).await,
        Err(Error::EmptyOrder)
    ));
    let mut bad = f.new_order(1);
    bad.delivery.phone = "call me".into();
    assert!(matches!(
        domain::ordering::orders::place(&f.ctx, &customer, &bad).await,
        Err(Error::Invalid { field: "phone" })
    ));
    let mut foreign = f.new_order(1);
    foreign.store = f.other_store;
    let err = domain::ordering::orders::place(&f.ctx, &customer, &foreign)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::NotFound { what: "product" }),
        "{err:?}"
    );
    // Someone else placing an order in the customer's name must be staff.
    let err = domain::ordering::orders::place(&f.ctx, &f.bot(f.stranger), &f.new_order(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let a = domain::ordering::orders::place(&f.ctx, &customer, &f.new_order(2))
        .await
        .unwrap();
    let b = domain::ordering::orders::place(&f.ctx, &f.web(f.vendor), &f.new_order(1))
        .await
        .unwrap();
    assert_eq!((a.number, b.number), (1001, 1002));
    assert_eq!(a.total_minor, 50_000);
    assert_eq!(a.currency, "UAH");
    assert_eq!(
        f.count("audit_log", "action = 'order.place'").await,
        1,
        "staff placing is audited"
    );
}
