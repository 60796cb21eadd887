//! Store-scoped access: other stores' ids, weaker roles, no role, cross-site posts.
use crate::support::*;

#[tokio::test]
async fn nothing_without_a_login() {
    let w = Web::new().await;
    let id = w.order.id;
    let rid = w.receipt.id;
    for path in [
        "/queue".to_owned(),
        "/orders".to_owned(),
        format!("/orders/{id}"),
        format!("/receipts/{rid}/file"),
        "/sessions".to_owned(),
        "/events".to_owned(),
    ] {
        let r = w.get(&path, None).await;
        assert_eq!((r.status.as_u16(), r.location()), (303, "/login"), "{path}");
    }
    let r = w
        .post(&format!("/orders/{id}/verify"), None, "", SAME)
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(w.status_of().await, OrderStatus::PaymentReview);
}

#[tokio::test]
async fn another_stores_admin_gets_not_found_everywhere() {
    let w = Web::new().await;
    let otto = w.login(w.other_admin).await;
    let (id, rid) = (w.order.id, w.receipt.id);
    for path in [
        format!("/orders/{id}"),
        format!("/receipts/{rid}/file"),
        format!("/receipts/{rid}/thumb"),
        format!("/orders?after={id}"),
    ] {
        let r = w.get(&path, Some(&otto)).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(
            !r.body.contains("#1001") && !r.body.contains("Carol"),
            "leaks on {path}"
        );
    }
    for (path, form) in [
        (format!("/orders/{id}/verify"), ""),
        (format!("/orders/{id}/reject"), "reason=x"),
        (format!("/orders/{id}/do/cancel"), "reason=x"),
        (format!("/orders/{id}/do/take"), ""),
    ] {
        let r = w.post(&path, Some(&otto), form, SAME).await;
        assert_eq!(r.status, 404, "{path}");
    }
    let switch = w
        .post("/store", Some(&otto), &format!("store={}", w.store.0), SAME)
        .await;
    assert_eq!(switch.status, 404);
    let own = w
        .post(
            "/store",
            Some(&otto),
            &format!("store={}", w.other_store.0),
            SAME,
        )
        .await;
    assert_eq!(own.status, 303, "switching to one's own store works");
    let queue = w.get("/queue", Some(&otto)).await;
    assert!(
        !queue.body.contains("#1001"),
        "another store's queue is not shown"
    );
    assert_eq!(w.status_of().await, OrderStatus::PaymentReview);
}

#[tokio::test]
async fn a_vendor_cannot_decide_and_does_not_see_the_buttons() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    let queue = w.get("/queue", Some(&victor)).await;
    assert_eq!(queue.status, 200);
    assert!(
        queue.body.contains("#1001") && !queue.body.contains("data-action=\"verify\""),
        "{}",
        queue.body
    );
    let r = w
        .post(
            &format!("/orders/{}/verify", w.order.id),
            Some(&victor),
            "",
            SAME,
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(w.status_of().await, OrderStatus::PaymentReview);
}

#[tokio::test]
async fn a_customer_with_a_session_has_no_backoffice() {
    let w = Web::new().await;
    let carol = w.login(w.customer).await;
    let r = w.get("/queue", Some(&carol)).await;
    assert_eq!(r.location(), "/login");
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let path = format!("/orders/{}/verify", w.order.id);
    for origin in [None, Some("http://evil.example"), Some("null")] {
        let r = w.post(&path, Some(&anna), "", origin).await;
        assert_eq!(r.status, 403, "{origin:?}");
    }
    let mut req = axum::http::Request::post(&path)
        .header("host", "localhost")
        .header("cookie", &anna)
        .header("sec-fetch-site", "cross-site");
    req = req.header("origin", "http://localhost");
    let r = w.send(req.body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!(r.status, 403, "Sec-Fetch-Site wins over a matching Origin");
    assert_eq!(w.status_of().await, OrderStatus::PaymentReview);
}

#[tokio::test]
async fn a_bulk_decision_with_a_foreign_id_changes_nothing() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    // An order of the other store, in review too.
    let carol = w.customer;
    let product = domain::catalog::products::create(
        &w.ctx,
        &domain::Actor::operator(),
        w.other_store,
        domain::catalog::products::NewProduct {
            sku: "CAP".into(),
            title: "Cap".into(),
            description: String::new(),
            price_minor: 1000,
            on_hand: 5,
            low_stock_threshold: None,
        },
    )
    .await
    .unwrap();
    let new = domain::ordering::orders::NewOrder {
        store: w.other_store,
        customer: carol,
        items: vec![(domain::ProductId(product.id), 1)],
        delivery: domain::ordering::orders::Delivery {
            name: "Carol".into(),
            phone: "+380671234567".into(),
            address: "Kyiv 1".into(),
        },
    };
    let foreign = domain::ordering::orders::place(
        &w.ctx,
        &domain::Actor::user(carol, domain::Channel::Bot),
        &new,
    )
    .await
    .unwrap();
    let form = format!("action=verify&ids={}&ids={}", w.order.id, foreign.id);
    let r = w.post("/queue/bulk", Some(&anna), &form, SAME).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        w.status_of().await,
        OrderStatus::PaymentReview,
        "nothing decided"
    );
    let ours = w
        .post(
            "/queue/bulk",
            Some(&anna),
            &format!("action=verify&ids={}", w.order.id),
            SAME,
        )
        .await;
    assert_eq!(ours.status, 303);
    assert!(
        ours.location().starts_with("/queue?done=1&skipped=0"),
        "{}",
        ours.location()
    );
    assert_eq!(w.status_of().await, OrderStatus::Paid);
    let page = w.get(ours.location(), Some(&anna)).await;
    assert!(
        page.body.contains(&i18n::t_args(
            i18n::Lang::En,
            "web-bulk-done",
            &[("done", 1.into()), ("skipped", 0.into())]
        )),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_vendor_doing_admin_work_is_refused_on_every_route() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    let id = w.order.id;
    for (path, form) in [
        (format!("/orders/{id}/verify"), String::new()),
        (format!("/orders/{id}/reject"), "reason=no".to_owned()),
        (format!("/orders/{id}/do/cancel"), "reason=no".to_owned()),
        (format!("/orders/{id}/do/refund"), "reason=no".to_owned()),
        ("/queue/bulk".to_owned(), format!("action=verify&ids={id}")),
        (
            "/queue/bulk".to_owned(),
            format!("action=reject&reason=no&ids={id}"),
        ),
    ] {
        let r = w.post(&path, Some(&victor), &form, SAME).await;
        assert_eq!(r.status, 403, "{path} {form}");
    }
    assert_eq!(w.status_of().await, OrderStatus::PaymentReview);
    // What a vendor may do, they can: take the order into work.
    let r = w
        .post(&format!("/orders/{id}/do/take"), Some(&victor), "", SAME)
        .await;
    assert_eq!(r.status, 303);
    let page = w.get(&format!("/orders/{id}"), Some(&victor)).await;
    assert!(
        !page.body.contains("/do/cancel") && !page.body.contains("/do/refund"),
        "buttons a vendor can't use are hidden"
    );
}
