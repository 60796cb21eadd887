//! Bulk payment decisions: refused whole on any foreign or unknown id, otherwise each order
//! decided on its own, with orders already decided elsewhere skipped.
use domain::ordering::orders::decide::{self, BULK_MAX, BulkOutcome, Decision};
use domain::{Actor, Error, OrderId, OrderStatus};

use crate::support::{Fixture, product};

/// An order of `other_store` in review, placed by the fixture's customer.
async fn foreign_order_in_review(f: &Fixture) -> OrderId {
    let item = product(&f.ctx, f.other_store, "OTHER", 500, 5).await;
    let mut new = f.new_order(1);
    new.store = f.other_store;
    new.items = vec![(item, 1)];
    let o = domain::ordering::orders::place(&f.ctx, &f.bot(f.customer), &new)
        .await
        .unwrap();
    f.receipt(OrderId(o.id), &format!("{:064x}", 900 + o.id))
        .await;
    OrderId(o.id)
}

#[tokio::test]
async fn decides_each_and_skips_what_was_decided_elsewhere() {
    let f = Fixture::new().await;
    let (a, b, c) = (
        f.order_in_review(1).await,
        f.order_in_review(1).await,
        f.order_in_review(1).await,
    );
    decide::reject(&f.ctx, &f.web(f.owner), b, "blurred")
        .await
        .unwrap();

    let outcome = decide::bulk(&f.ctx, &f.web(f.admin), &Decision::Verify, &[a, b, c])
        .await
        .unwrap();
    assert_eq!(
        outcome,
        BulkOutcome {
            done: 2,
            skipped: 1
        }
    );
    assert_eq!(f.status(a).await, OrderStatus::Paid);
    assert_eq!(f.status(b).await, OrderStatus::AwaitingPayment);
    assert_eq!(f.status(c).await, OrderStatus::Paid);

    let d = f.order_in_review(1).await;
    let reject = Decision::Reject {
        reason: "amount does not match".to_owned(),
    };
    let outcome = decide::bulk(&f.ctx, &f.web(f.admin), &reject, &[d])
        .await
        .unwrap();
    assert_eq!(
        outcome,
        BulkOutcome {
            done: 1,
            skipped: 0
        }
    );
    assert_eq!(f.status(d).await, OrderStatus::AwaitingPayment);
}

#[tokio::test]
async fn a_foreign_or_unknown_id_refuses_the_whole_request() {
    let f = Fixture::new().await;
    let mine = f.order_in_review(1).await;
    let foreign = foreign_order_in_review(&f).await;

    let err = decide::bulk(&f.ctx, &f.web(f.admin), &Decision::Verify, &[mine, foreign])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { what: "order" }), "{err:?}");
    let err = decide::bulk(
        &f.ctx,
        &f.web(f.admin),
        &Decision::Verify,
        &[mine, OrderId(9_999_999)],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert_eq!(f.status(mine).await, OrderStatus::PaymentReview);
    assert_eq!(f.status(foreign).await, OrderStatus::PaymentReview);
    assert_eq!(f.count("order_history", "to_status = 'paid'").await, 0);
}

#[tokio::test]
async fn needs_the_right_to_decide_and_a_sensible_list() {
    let f = Fixture::new().await;
    let order = f.order_in_review(1).await;
    let vendor = decide::bulk(&f.ctx, &f.web(f.vendor), &Decision::Verify, &[order]).await;
    assert!(matches!(vendor, Err(Error::Forbidden)), "{vendor:?}");
    // The customer may see the order, but not decide it.
    let customer = decide::bulk(&f.ctx, &f.web(f.customer), &Decision::Verify, &[order]).await;
    assert!(
        matches!(customer, Err(Error::NotFound { .. })),
        "{customer:?}"
    );
    let system = decide::bulk(&f.ctx, &Actor::system(), &Decision::Verify, &[order]).await;
    assert!(matches!(system, Err(Error::Forbidden)), "{system:?}");

    let empty = decide::bulk(&f.ctx, &f.web(f.admin), &Decision::Verify, &[]).await;
    assert!(
        matches!(empty, Err(Error::Invalid { field: "ids" })),
        "{empty:?}"
    );
    let too_many = vec![order; BULK_MAX + 1];
    let long = decide::bulk(&f.ctx, &f.web(f.admin), &Decision::Verify, &too_many).await;
    assert!(
        matches!(long, Err(Error::Invalid { field: "ids" })),
        "{long:?}"
    );
    assert_eq!(f.status(order).await, OrderStatus::PaymentReview);
}
