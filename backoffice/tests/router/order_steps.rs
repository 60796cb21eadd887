//! The order page offers exactly the steps the domain offers each person, and its buttons take
//! them.
use domain::ordering::orders::available_steps;
use domain::{Actor, Channel, OrderStatus, UserId};

use crate::support::*;

/// The actions the order page's forms post to, in page order.
fn buttons(body: &str) -> Vec<String> {
    body.split("/do/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

/// Take into work (the order is open and nobody has it), then what the domain offers.
async fn expected(w: &Web, user: UserId) -> Vec<String> {
    let order = entity_order(w).await;
    let actor = Actor::user(user, Channel::Web);
    let steps = available_steps(&w.ctx.db, &actor, &order).await.unwrap();
    std::iter::once("take".to_owned())
        .chain(steps.iter().map(|s| s.to_string()))
        .collect()
}

async fn entity_order(w: &Web) -> entity::orders::Model {
    use sea_orm::EntityTrait;
    entity::orders::Entity::find_by_id(w.order.id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_order_page_shows_exactly_the_available_steps() {
    let w = Web::new().await;
    let page = format!("/orders/{}", w.order.id);
    let (olga, anna, victor) = (
        w.login(w.owner).await,
        w.login(w.admin).await,
        w.login(w.vendor).await,
    );
    // In review: the payment decision and cancelling for ADMIN+, nothing of it for a VENDOR.
    let deciders = vec!["take", "verify", "reject", "cancel"];
    for (who, cookie, user) in [("owner", &olga, w.owner), ("admin", &anna, w.admin)] {
        let shown = buttons(&w.get(&page, Some(cookie)).await.body);
        assert_eq!(shown, deciders, "{who}");
        assert_eq!(shown, expected(&w, user).await, "{who}");
    }
    let shown = buttons(&w.get(&page, Some(&victor)).await.body);
    assert_eq!(shown, vec!["take"]);
    assert_eq!(shown, expected(&w, w.vendor).await);

    // Verified from the order page: now shipping and refunding, and shipping for the vendor.
    let verify = format!("/orders/{}/do/verify", w.order.id);
    let r = w.post(&verify, Some(&anna), "", SAME).await;
    assert_eq!(r.status, 303);
    assert_eq!(w.status_of().await, OrderStatus::Paid);
    let shown = buttons(&w.get(&page, Some(&anna)).await.body);
    assert_eq!(shown, vec!["take", "ship", "refund"]);
    assert_eq!(shown, expected(&w, w.admin).await);
    let shown = buttons(&w.get(&page, Some(&victor)).await.body);
    assert_eq!(shown, vec!["take", "ship"]);
    let ship = format!("/orders/{}/do/ship", w.order.id);
    let r = w.post(&ship, Some(&victor), "tracking=UA1", SAME).await;
    assert_eq!(r.status, 303);
    assert_eq!(w.status_of().await, OrderStatus::Shipped);
    let shown = buttons(&w.get(&page, Some(&victor)).await.body);
    assert_eq!(shown, vec!["take", "complete"]);
    assert_eq!(shown, expected(&w, w.vendor).await);
}

#[tokio::test]
async fn reject_from_the_order_page_needs_a_reason_and_unknown_actions_are_not_found() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let reject = format!("/orders/{}/do/reject", w.order.id);
    let r = w.post(&reject, Some(&anna), "reason=", SAME).await;
    assert_ne!(r.status, 303, "{}", r.body);
    assert_eq!(w.status_of().await, OrderStatus::PaymentReview);
    let r = w.post(&reject, Some(&anna), "reason=blurry", SAME).await;
    assert_eq!(r.status, 303);
    assert_eq!(w.status_of().await, OrderStatus::AwaitingPayment);
    for bogus in ["explode", "Verify", "verify%20", "take-over"] {
        let path = format!("/orders/{}/do/{bogus}", w.order.id);
        let r = w.post(&path, Some(&anna), "", SAME).await;
        assert_eq!(r.status, 404, "{bogus}");
    }
}
