//! The audit log page and its CSV: ADMIN and OWNER of the store only, that store's entries only.
use crate::support::*;

/// Anna verifies the order from the browser: the log's newest entry.
async fn verified(w: &Web) -> String {
    let anna = w.login(w.admin).await;
    let r = w
        .post(
            &format!("/orders/{}/verify", w.order.id),
            Some(&anna),
            "",
            SAME,
        )
        .await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.status
    );
    assert_eq!(w.status_of().await, OrderStatus::Paid);
    anna
}

fn entries(body: &str) -> usize {
    body.matches("class=\"audit-entry\"").count()
}

#[tokio::test]
async fn an_admin_sees_the_verify_entry() {
    let w = Web::new().await;
    let anna = verified(&w).await;
    let page = w.get("/audit", Some(&anna)).await;
    assert_eq!(page.status, 200);
    let b = &page.body;
    assert!(
        b.contains("order.verify") && b.contains("order 1001"),
        "{b}"
    );
    assert!(b.contains("@anna") && b.contains("Web"), "{b}");
    // before → after, as escaped JSON text.
    assert!(
        b.contains("{&#34;status&#34;:&#34;payment_review&#34;}")
            || b.contains("{&quot;status&quot;:&quot;payment_review&quot;}"),
        "{b}"
    );
    assert!(!b.contains("{\"status\""), "JSON is escaped: {b}");
    // The staff select lists the store's people.
    assert!(
        b.contains(&format!("<option value=\"{}\">@anna</option>", w.admin.0)),
        "{b}"
    );
    let olga = w.login(w.owner).await;
    let owner = w.get("/audit", Some(&olga)).await;
    assert_eq!(owner.status, 200);
    assert!(owner.body.contains("order.verify"));
}

#[tokio::test]
async fn filters_narrow_the_page() {
    let w = Web::new().await;
    let anna = verified(&w).await;
    let all = w.get("/audit", Some(&anna)).await;
    let total = entries(&all.body);
    assert!(total >= 2, "grants and the verify: {}", all.body);

    let cases = [
        (format!("/audit?person={}", w.admin.0), true),
        ("/audit?username=%40anna".to_owned(), true),
        ("/audit?username=ANNA".to_owned(), true),
        ("/audit?action=order.verify".to_owned(), true),
        ("/audit?type=order&object=1001".to_owned(), true),
        ("/audit?object=1001".to_owned(), true),
        ("/audit?from=2000-01-01&to=2999-12-31".to_owned(), true),
        (format!("/audit?person={}", w.vendor.0), false),
        ("/audit?username=nobody_here".to_owned(), false),
        ("/audit?action=order.reject".to_owned(), false),
        ("/audit?type=product".to_owned(), false),
        ("/audit?object=9999".to_owned(), false),
        ("/audit?to=2000-01-01".to_owned(), false),
        ("/audit?from=2999-01-01".to_owned(), false),
    ];
    for (path, found) in cases {
        let r = w.get(&path, Some(&anna)).await;
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(
            r.body.contains("<code>order.verify</code>"),
            found,
            "{path}: {}",
            r.body
        );
        if found && !path.contains("from=") {
            assert_eq!(entries(&r.body), 1, "{path}: {}", r.body);
        }
        if !found && !path.contains("type=") && !path.contains("object=") {
            assert!(entries(&r.body) < total, "{path}");
        }
    }
    let bad = w.get("/audit?from=yesterday", Some(&anna)).await;
    assert_eq!(bad.status, 409);
    let bad = w.get("/audit?person=anna", Some(&anna)).await;
    assert_eq!(bad.status, 409);
}

#[tokio::test]
async fn csv_export_follows_the_filters() {
    let w = Web::new().await;
    let anna = verified(&w).await;
    let r = w.get("/audit.csv?action=order.verify", Some(&anna)).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.headers.get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    assert!(
        r.headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("audit.csv")
    );
    let lines: Vec<&str> = r.body.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.body);
    assert!(lines[0].starts_with("id,created_at,who,"));
    // The display name starts with '@', so it is defused; JSON is quoted.
    assert!(lines[1].contains(",'@anna,"), "{}", lines[1]);
    assert!(lines[1].contains("order.verify,order,1001"), "{}", lines[1]);
    assert!(
        lines[1].contains("\"{\"\"status\"\":\"\"payment_review\"\"}\""),
        "{}",
        lines[1]
    );
    let all = w.get("/audit.csv", Some(&anna)).await;
    let page = w.get("/audit", Some(&anna)).await;
    assert_eq!(all.body.lines().count() - 1, entries(&page.body));
    let none = w.get("/audit.csv?username=nobody_here", Some(&anna)).await;
    assert_eq!(none.body.lines().count(), 1, "{}", none.body);
}

#[tokio::test]
async fn a_vendor_is_refused() {
    let w = Web::new().await;
    verified(&w).await;
    let victor = w.login(w.vendor).await;
    for path in ["/audit", "/audit.csv", "/audit?action=order.verify"] {
        let r = w.get(path, Some(&victor)).await;
        assert_eq!(r.status, 403, "{path}");
        assert!(!r.body.contains("<code>order.verify</code>"), "{path}");
    }
}

#[tokio::test]
async fn another_stores_admin_sees_only_their_own_log() {
    let w = Web::new().await;
    verified(&w).await;
    let otto = w.login(w.other_admin).await;
    for path in [
        "/audit".to_owned(),
        "/audit?action=order.verify".to_owned(),
        format!("/audit?person={}", w.admin.0),
        "/audit?username=anna".to_owned(),
        "/audit?object=1001".to_owned(),
        "/audit?after=999999".to_owned(),
        "/audit.csv".to_owned(),
        format!("/audit.csv?person={}", w.admin.0),
    ] {
        let r = w.get(&path, Some(&otto)).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(
            // (the filter's own value is echoed in its input; entries are what must not show)
            !r.body.contains("<code>order.verify</code>")
                && !r.body.contains("order 1001")
                && !r.body.contains("order.verify,order,1001"),
            "leaks on {path}: {}",
            r.body
        );
    }
    // Their own store's log: the grant that made them admin there.
    let own = w.get("/audit", Some(&otto)).await;
    assert!(own.body.contains("staff.grant"), "{}", own.body);
    assert!(
        !own.body
            .contains(&format!("<option value=\"{}\">@anna</option>", w.admin.0)),
        "our staff are not offered: {}",
        own.body
    );
    // Switching to our store is refused, so the cookie can't point there either.
    let mut req = axum::http::Request::get("/audit")
        .header("host", "localhost")
        .header(
            "cookie",
            format!("{otto}; __Host-vitrina-store={}", w.store.0),
        );
    req = req.header("accept", "text/html");
    let r = w.send(req.body(axum::body::Body::empty()).unwrap()).await;
    assert!(!r.body.contains("<code>order.verify</code>"), "{}", r.body);
}

#[tokio::test]
async fn nothing_without_a_login() {
    let w = Web::new().await;
    for path in ["/audit", "/audit.csv", "/audit?action=order.verify"] {
        let r = w.get(path, None).await;
        assert_eq!((r.status.as_u16(), r.location()), (303, "/login"), "{path}");
    }
}
