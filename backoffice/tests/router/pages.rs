//! What staff see and do: the queue, verifying, the order page, receipts, errors, live events.
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::*;

#[tokio::test]
async fn verify_from_the_queue_and_a_second_verify_says_who() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let queue = w.get("/queue", Some(&anna)).await;
    assert!(
        queue.body.contains("#1001") && queue.body.contains("@carol"),
        "{}",
        queue.body
    );
    let mut req = axum::http::Request::post(format!("/orders/{}/verify", w.order.id))
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("cookie", &anna)
        .header("hx-request", "true");
    let r = w.send(req.body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains(&i18n::t_args(
            i18n::Lang::En,
            "web-verified",
            &[("number", 1001.into())]
        )),
        "{}",
        r.body
    );
    assert_eq!(w.status_of().await, OrderStatus::Paid);
    let olga = w.login(w.owner).await;
    req = axum::http::Request::post(format!("/orders/{}/verify", w.order.id))
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("cookie", &olga)
        .header("hx-request", "true");
    let again = w.send(req.body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("@anna"), "{}", again.body);
    let empty = w.get("/queue", Some(&anna)).await;
    assert!(empty.body.contains("queue-empty"), "{}", empty.body);
}

#[tokio::test]
async fn the_order_page_shows_the_timeline_and_allowed_actions() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let page = w.get(&format!("/orders/{}", w.order.id), Some(&anna)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Kyiv 1") && page.body.contains("Mug"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("/do/cancel") && !page.body.contains("/do/ship"),
        "{}",
        page.body
    );
    let r = w
        .post(
            &format!("/orders/{}/do/take", w.order.id),
            Some(&anna),
            "",
            SAME,
        )
        .await;
    assert_eq!(r.status, 303);
    let page = w.get(&format!("/orders/{}", w.order.id), Some(&anna)).await;
    assert!(
        page.body.contains("@anna") && page.body.contains("/do/release"),
        "{}",
        page.body
    );
    let list = w.get("/orders?status=payment_review", Some(&anna)).await;
    assert!(list.body.contains("#1001"), "{}", list.body);
    let none = w.get("/orders?status=paid", Some(&anna)).await;
    assert!(!none.body.contains("#1001"));
}

#[tokio::test]
async fn receipt_files_are_served_safely() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let r = w
        .get(&format!("/receipts/{}/file", w.receipt.id), Some(&anna))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers.get("content-type").unwrap(), "image/jpeg");
    assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert!(
        r.headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert!(
        r.headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("filename=\"receipt-")
    );
    let thumb = w
        .get(&format!("/receipts/{}/thumb", w.receipt.id), Some(&anna))
        .await;
    assert_eq!(thumb.status, 200);
}

#[tokio::test]
async fn pages_carry_security_headers_and_errors_are_translated() {
    let w = Web::new().await;
    let login = w.get("/login", None).await;
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(login.headers.contains_key(h), "{h}");
    }
    let req = axum::http::Request::get("/nowhere")
        .header("host", "localhost")
        .header("accept-language", "uk-UA,uk;q=0.9");
    let r = w.send(req.body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!(r.status, 404);
    assert!(
        r.body
            .contains(&i18n::t(i18n::Lang::Uk, "web-error-title-404")),
        "{}",
        r.body
    );
    let anna = w.login(w.admin).await;
    let r = w.get("/orders/999999", Some(&anna)).await;
    assert_eq!(r.status, 404);
    assert!(!r.body.to_lowercase().contains("sql") && !r.body.contains("panicked"));
}

#[tokio::test]
async fn live_events_resume_after_last_event_id_for_own_stores_only() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let all = domain::platform::events::outbox::since(&w.ctx.db, 0, 1000)
        .await
        .unwrap();
    let receipt_event = all
        .iter()
        .find(|p| {
            matches!(
                p.event,
                domain::platform::events::DomainEvent::ReceiptAttached { .. }
            )
        })
        .unwrap();
    let req = axum::http::Request::get("/events")
        .header("host", "localhost")
        .header("cookie", &anna)
        .header("last-event-id", (receipt_event.id - 1).to_string())
        .body(axum::body::Body::empty())
        .unwrap();
    let res = w.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), 200);
    let mut body = res.into_body();
    let mut text = String::new();
    while !text.contains(&format!("id: {}", receipt_event.id)) {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(5), body.frame())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
    }
    assert!(text.contains("event: receipt"), "{text}");
    assert!(
        !text.contains("\"slug\":\"other\""),
        "other stores' events are not sent: {text}"
    );
}

#[tokio::test]
async fn orders_filter_search_and_export_as_csv() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    for (query, shown) in [
        ("q=1001", true),
        ("q=%23100", false),
        ("q=carol", true),
        ("q=nobody", false),
        ("min=500&max=500", true),
        ("min=500.01", false),
        ("from=2000-01-01&to=2999-12-31", true),
        ("to=2000-01-01", false),
    ] {
        let r = w.get(&format!("/orders?{query}"), Some(&anna)).await;
        assert_eq!(r.status, 200, "{query}: {}", r.body);
        assert_eq!(r.body.contains("#1001"), shown, "{query}");
    }
    let bad = w.get("/orders?from=yesterday", Some(&anna)).await;
    assert_eq!(bad.status, 409);
    let csv = w
        .get("/orders.csv?status=payment_review", Some(&anna))
        .await;
    assert_eq!(csv.status, 200);
    assert_eq!(
        csv.headers.get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 2, "{}", csv.body);
    assert!(lines[0].starts_with("number,created_at,status,total"));
    assert!(
        lines[1].starts_with("1001,") && lines[1].contains(",500.00,UAH,"),
        "{}",
        lines[1]
    );
    let otto = w.login(w.other_admin).await;
    let theirs = w.get("/orders.csv", Some(&otto)).await;
    assert!(
        !theirs.body.contains("1001,"),
        "another store's export has none of ours"
    );
}

#[tokio::test]
async fn the_bell_counts_new_receipts_and_the_center_marks_them_read() {
    let w = Web::new().await;
    domain::messaging::centre::fill(&w.ctx, "test")
        .await
        .unwrap();
    let anna = w.login(w.admin).await;
    let bell = w.get("/notifications/bell", Some(&anna)).await;
    assert!(
        bell.body.contains("<span class=\"badge\">1</span>"),
        "{}",
        bell.body
    );
    let center = w.get("/notifications", Some(&anna)).await;
    assert!(
        center.body.contains(&i18n::t_args(
            i18n::Lang::En,
            "web-notification-new-receipt",
            &[("number", 1001.into())]
        )),
        "{}",
        center.body
    );
    let r = w.post("/notifications/read", Some(&anna), "", SAME).await;
    assert_eq!(r.status, 303);
    let bell = w.get("/notifications/bell", Some(&anna)).await;
    assert!(!bell.body.contains("badge"), "{}", bell.body);
    let otto = w.login(w.other_admin).await;
    let theirs = w.get("/notifications", Some(&otto)).await;
    assert!(!theirs.body.contains("1001"), "{}", theirs.body);
}

/// A stored notification that does not read as its kind (a kind this version does not know,
/// fields missing or of another type) is left out of the center, never shown as a new receipt.
#[tokio::test]
async fn notifications_that_do_not_read_are_left_out() {
    use sea_orm::{ActiveValue::NotSet, EntityTrait, Set};
    let w = Web::new().await;
    domain::messaging::centre::fill(&w.ctx, "test")
        .await
        .unwrap();
    for (kind, payload) in [
        ("something_new", r#"{"order_id":5,"number":777}"#),
        ("new_receipt", r#"{"order_id":5}"#),
        ("new_receipt", r#"{"order_id":"5","number":778}"#),
        ("low_stock", "not json"),
    ] {
        let row = entity::notifications::ActiveModel {
            id: NotSet,
            user_id: Set(w.admin.0),
            store_id: Set(Some(w.store.0)),
            kind: Set(kind.to_owned()),
            priority: Set("high".to_owned()),
            payload: Set(payload.to_owned()),
            event_id: Set(None),
            read_at: Set(None),
            created_at: Set(w.ctx.now()),
        };
        entity::notifications::Entity::insert(row)
            .exec(&w.ctx.db)
            .await
            .unwrap();
    }
    let anna = w.login(w.admin).await;
    let center = w.get("/notifications", Some(&anna)).await;
    assert_eq!(center.status, 200);
    let receipt_line = |number: i64| {
        i18n::t_args(
            i18n::Lang::En,
            "web-notification-new-receipt",
            &[("number", number.into())],
        )
    };
    assert!(center.body.contains(&receipt_line(1001)), "{}", center.body);
    assert_eq!(
        center.body.matches("<li class=").count(),
        1,
        "{}",
        center.body
    );
    for number in [0, 777, 778] {
        assert!(
            !center.body.contains(&receipt_line(number)),
            "{}",
            center.body
        );
    }
}

/// The menu offers what the role may open: an ADMIN sees the people, customers, audit and
/// settings pages; a VENDOR (refused there) does not.
#[tokio::test]
async fn the_menu_follows_the_role() {
    let w = Web::new().await;
    let admin_pages = ["/customers", "/people", "/audit", "/store/settings"];
    let admin = w.login(w.admin).await;
    let page = w.get("/orders", Some(&admin)).await;
    for link in admin_pages {
        assert!(page.body.contains(&format!("href=\"{link}\"")), "{link}");
    }
    let vendor = w.login(w.vendor).await;
    let page = w.get("/orders", Some(&vendor)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("href=\"/products\""));
    for link in admin_pages {
        assert!(!page.body.contains(&format!("href=\"{link}\"")), "{link}");
        assert_eq!(w.get(link, Some(&vendor)).await.status, 403, "{link}");
    }
}
