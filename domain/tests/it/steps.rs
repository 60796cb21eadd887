//! What each actor is offered on an order (`available_steps`), and that taking a step succeeds
//! exactly when it was offered.
use domain::ordering::orders::{NewOrder, Step, available_steps, decide, fulfil};
use domain::{Actor, Error, OrderId, OrderStatus, Result, UserId};
use entity::orders::Model as Order;

use crate::support::{Fixture, delivery, product};

/// A fixture whose product has stock for the many orders these tests place.
async fn fixture() -> Fixture {
    let mut f = Fixture::new().await;
    f.product = product(&f.ctx, f.store, "BIG", 1_000, 1_000).await;
    f
}

async fn take(f: &Fixture, actor: &Actor, step: Step, order: OrderId) -> Result<Order> {
    match step {
        Step::Verify => decide::verify(&f.ctx, actor, order).await,
        Step::Reject => decide::reject(&f.ctx, actor, order, "amount does not match").await,
        Step::Cancel => fulfil::cancel(&f.ctx, actor, order, Some("changed my mind")).await,
        Step::Ship => fulfil::ship(&f.ctx, actor, order, Some("UA123")).await,
        Step::Complete => fulfil::complete(&f.ctx, actor, order).await,
        Step::Refund => fulfil::refund(&f.ctx, actor, order, "returned").await,
    }
}

/// An order placed by `customer`, brought to `status` by the operator.
async fn order_in(f: &Fixture, customer: UserId, status: OrderStatus) -> Order {
    let new = NewOrder {
        customer,
        ..f.new_order(1)
    };
    let placed = domain::ordering::orders::place(&f.ctx, &f.bot(customer), &new)
        .await
        .unwrap();
    let id = OrderId(placed.id);
    let op = Actor::operator();
    let path: &[Step] = match status {
        OrderStatus::AwaitingPayment | OrderStatus::PaymentReview => &[],
        OrderStatus::Cancelled => &[Step::Cancel],
        OrderStatus::Paid => &[Step::Verify],
        OrderStatus::Refunded => &[Step::Verify, Step::Refund],
        OrderStatus::Shipped => &[Step::Verify, Step::Ship],
        OrderStatus::Completed => &[Step::Verify, Step::Ship, Step::Complete],
    };
    if status != OrderStatus::AwaitingPayment && status != OrderStatus::Cancelled {
        let receipt = domain::ordering::receipts::NewReceipt {
            order: id,
            kind: files::FileKind::Jpeg,
            sha256: format!("{:064x}", id.0),
            size_bytes: 1000,
            storage_key: None,
            telegram_file_id: None,
            telegram_file_unique_id: None,
            width: None,
            height: None,
        };
        domain::ordering::receipts::attach(&f.ctx, &f.bot(customer), &receipt)
            .await
            .unwrap();
    }
    for step in path {
        take(f, &op, *step, id).await.unwrap();
    }
    assert_eq!(f.status(id).await, status);
    load(f, id).await
}

async fn load(f: &Fixture, id: OrderId) -> Order {
    use sea_orm::EntityTrait;
    entity::orders::Entity::find_by_id(id.0)
        .one(&f.ctx.db)
        .await
        .unwrap()
        .unwrap()
}

/// What the design's tables give each role (DESIGN.md §3), by status.
fn expected(who: &str, status: OrderStatus) -> Vec<Step> {
    use OrderStatus::*;
    use Step::*;
    match (who, status) {
        ("owner" | "admin", AwaitingPayment) => vec![Cancel],
        ("owner" | "admin", PaymentReview) => vec![Verify, Reject, Cancel],
        ("owner" | "admin", Paid) => vec![Ship, Refund],
        ("owner" | "admin", Shipped) => vec![Complete, Refund],
        ("vendor", Paid) => vec![Ship],
        ("vendor", Shipped) => vec![Complete],
        ("customer", AwaitingPayment) => vec![Cancel],
        ("customer", Shipped) => vec![Complete],
        _ => vec![],
    }
}

#[tokio::test]
async fn each_role_is_offered_its_steps_and_a_stranger_not_even_the_order() {
    let f = fixture().await;
    let people = [
        ("owner", f.owner),
        ("admin", f.admin),
        ("vendor", f.vendor),
        ("customer", f.customer),
    ];
    for status in OrderStatus::ALL {
        let order = order_in(&f, f.customer, status).await;
        for (who, user) in people {
            let steps = available_steps(&f.ctx.db, &f.web(user), &order)
                .await
                .unwrap();
            assert_eq!(steps, expected(who, status), "{who} on {status}");
        }
        for stranger in [f.stranger, f.other_admin] {
            let err = available_steps(&f.ctx.db, &f.web(stranger), &order)
                .await
                .unwrap_err();
            assert!(matches!(err, Error::NotFound { .. }), "{status}: {err:?}");
        }
    }
}

#[tokio::test]
async fn a_vendor_ships_and_completes_but_never_decides_cancels_or_refunds() {
    let f = fixture().await;
    let mut offered = Vec::new();
    for status in OrderStatus::ALL {
        let order = order_in(&f, f.customer, status).await;
        offered.extend(
            available_steps(&f.ctx.db, &f.web(f.vendor), &order)
                .await
                .unwrap(),
        );
    }
    assert_eq!(offered, vec![Step::Ship, Step::Complete]);
}

#[tokio::test]
async fn staff_who_ordered_themselves_get_both_the_customer_and_the_staff_steps() {
    let f = fixture().await;
    let own = order_in(&f, f.vendor, OrderStatus::AwaitingPayment).await;
    let steps = available_steps(&f.ctx.db, &f.web(f.vendor), &own).await;
    assert_eq!(
        steps.unwrap(),
        vec![Step::Cancel],
        "their own, as its customer"
    );
    let paid = order_in(&f, f.vendor, OrderStatus::Paid).await;
    let steps = available_steps(&f.ctx.db, &f.web(f.vendor), &paid).await;
    assert_eq!(
        steps.unwrap(),
        vec![Step::Ship],
        "and as the store's vendor"
    );
}

/// Every actor, every status, every step: taking it succeeds exactly when it was offered, a
/// refused step leaves the order as it was, and the refusal says why.
#[tokio::test]
async fn a_step_is_taken_exactly_when_it_is_offered() {
    let f = fixture().await;
    let actors = [
        ("owner", f.web(f.owner)),
        ("admin", f.web(f.admin)),
        ("vendor", f.web(f.vendor)),
        ("customer", f.bot(f.customer)),
        ("stranger", f.web(f.stranger)),
        ("other store's admin", f.web(f.other_admin)),
        ("operator", Actor::operator()),
        ("system", Actor::system()),
    ];
    let mut taken = 0;
    for status in OrderStatus::ALL {
        let mut order = order_in(&f, f.customer, status).await;
        for (who, actor) in &actors {
            let offered = available_steps(&f.ctx.db, actor, &order).await;
            for step in Step::ALL {
                let result = take(&f, actor, step, OrderId(order.id)).await;
                let case = format!("{step} by {who} on {status}");
                match (&offered, result) {
                    (Ok(steps), Ok(after)) => {
                        assert!(steps.contains(&step), "{case} was not offered");
                        assert_eq!(after.status, step.target(), "{case}");
                        taken += 1;
                        order = order_in(&f, f.customer, status).await;
                    }
                    (Ok(steps), Err(e)) => {
                        assert!(!steps.contains(&step), "{case} was offered: {e:?}");
                        let why_not = matches!(
                            e,
                            Error::Forbidden
                                | Error::InvalidTransition { .. }
                                | Error::AlreadyDecided { .. }
                        );
                        assert!(why_not, "{case}: {e:?}");
                        assert_eq!(f.status(OrderId(order.id)).await, status, "{case}");
                    }
                    (Err(Error::NotFound { .. }), Err(e)) => {
                        assert!(matches!(e, Error::NotFound { .. }), "{case}: {e:?}");
                    }
                    (Err(seen), result) => panic!("{case}: offered {seen:?}, took {result:?}"),
                }
            }
        }
    }
    // Owner, admin and operator 8 each (the table's 9 edges less the receipt's); vendor 2;
    // customer 2; system 1.
    assert_eq!(taken, 3 * 8 + 2 + 2 + 1);
}

#[tokio::test]
async fn a_step_never_offered_to_someone_is_forbidden_one_not_offered_now_says_why() {
    let f = fixture().await;
    let in_review = order_in(&f, f.customer, OrderStatus::PaymentReview).await;
    let id = OrderId(in_review.id);
    let err = take(&f, &f.web(f.vendor), Step::Verify, id).await;
    assert!(matches!(err, Err(Error::Forbidden)), "{err:?}");
    let err = take(&f, &f.bot(f.customer), Step::Cancel, id).await;
    assert!(
        matches!(err, Err(Error::InvalidTransition { .. })),
        "{err:?}"
    );
    // Expiry finding the order already in review is told so, and leaves it.
    let err = take(&f, &Actor::system(), Step::Cancel, id).await;
    assert!(
        matches!(err, Err(Error::InvalidTransition { .. })),
        "{err:?}"
    );
    assert_eq!(f.status(id).await, OrderStatus::PaymentReview);
    // Asking first (a reason before rejecting) gives the same answers.
    let asked =
        domain::ordering::orders::allowed(&f.ctx.db, &f.web(f.vendor), id, Step::Reject).await;
    assert!(matches!(asked, Err(Error::Forbidden)), "{asked:?}");
    let asked =
        domain::ordering::orders::allowed(&f.ctx.db, &f.web(f.admin), id, Step::Reject).await;
    assert_eq!(asked.unwrap().id, in_review.id);
}

#[tokio::test]
async fn a_customer_finds_their_order_by_number_and_their_orders_open_for_a_receipt() {
    let f = fixture().await;
    let paid = order_in(&f, f.customer, OrderStatus::Paid).await;
    let waiting = order_in(&f, f.customer, OrderStatus::AwaitingPayment).await;
    let _cancelled = order_in(&f, f.customer, OrderStatus::Cancelled).await;
    let in_review = order_in(&f, f.customer, OrderStatus::PaymentReview).await;
    let _not_theirs = order_in(&f, f.stranger, OrderStatus::AwaitingPayment).await;
    let queries =
        |limit| domain::ordering::orders::queries::accepting_receipts(&f.ctx.db, f.customer, limit);
    let open: Vec<i64> = queries(50).await.unwrap().iter().map(|o| o.id).collect();
    assert_eq!(open, vec![in_review.id, waiting.id], "newest first");
    assert_eq!(queries(1).await.unwrap().len(), 1);

    // Numbers are per store: the same number elsewhere is told apart by the store.
    let cup = product(&f.ctx, f.other_store, "CUP", 500, 5).await;
    let new = NewOrder {
        store: f.other_store,
        customer: f.customer,
        items: vec![(cup, 1)],
        delivery: delivery(),
    };
    let elsewhere = domain::ordering::orders::place(&f.ctx, &f.bot(f.customer), &new)
        .await
        .unwrap();
    assert_eq!(elsewhere.number, paid.number);
    let by_number = |customer, store, number| {
        domain::ordering::orders::queries::of_customer_by_number(&f.ctx.db, customer, store, number)
    };
    let found = by_number(f.customer, Some(f.store), paid.number).await;
    assert_eq!(found.unwrap().id, paid.id);
    let found = by_number(f.customer, None, paid.number).await;
    assert_eq!(found.unwrap().id, elsewhere.id, "the newest");
    let found = by_number(f.customer, Some(f.store), in_review.number).await;
    assert_eq!(found.unwrap().id, in_review.id);
    // Someone else's number is not theirs to open.
    let theirs = by_number(f.stranger, None, paid.number).await;
    assert!(matches!(theirs, Err(Error::NotFound { .. })), "{theirs:?}");
    let none = by_number(f.customer, None, 99_999).await;
    assert!(matches!(none, Err(Error::NotFound { .. })), "{none:?}");
}

/// The list form (one read of the actor's roles for many orders) offers exactly what the
/// one-order form offers, for every actor and status, and refuses a stranger the same way.
#[tokio::test]
async fn the_list_form_offers_what_the_one_order_form_offers() {
    let f = fixture().await;
    let mut orders = Vec::new();
    for status in OrderStatus::ALL {
        orders.push(order_in(&f, f.customer, status).await);
    }
    let actors = [
        f.web(f.owner),
        f.web(f.admin),
        f.web(f.vendor),
        f.bot(f.customer),
        Actor::operator(),
        Actor::system(),
    ];
    for actor in &actors {
        let each = domain::ordering::orders::available_steps_each(&f.ctx.db, actor, &orders)
            .await
            .unwrap();
        assert_eq!(each.len(), orders.len());
        for (order, steps) in orders.iter().zip(&each) {
            let one = available_steps(&f.ctx.db, actor, order).await.unwrap();
            assert_eq!(steps, &one, "{actor:?} on {:?}", order.status);
        }
    }
    for outsider in [f.stranger, f.other_admin] {
        let refused =
            domain::ordering::orders::available_steps_each(&f.ctx.db, &f.web(outsider), &orders)
                .await;
        assert!(
            matches!(refused, Err(Error::NotFound { .. })),
            "{refused:?}"
        );
    }
}
