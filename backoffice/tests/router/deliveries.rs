//! The failed-notifications page and its Retry button, store-scoped; each person's
//! notification settings.
use chrono::Duration;
use domain::messaging::deliveries::send::{self, Failure};
use domain::messaging::deliveries::{DeliveryChannel, DeliveryStatus, plan};

use crate::support::*;

fn en(key: &str) -> String {
    i18n::t(i18n::Lang::En, key)
}

/// Plans the receipt's notices and fails the first Telegram one for good; its id.
async fn failed_one(w: &Web) -> i64 {
    plan::run_once(&w.ctx, "w").await.unwrap();
    let now = w.ctx.now();
    let claimed = send::claim(
        &w.ctx.db,
        DeliveryChannel::Telegram,
        "w",
        now,
        Duration::seconds(60),
        1,
    )
    .await
    .unwrap();
    let id = claimed[0].id;
    send::mark_failed(
        &w.ctx.db,
        id,
        "w",
        now,
        "Forbidden: bot was blocked by the user",
        Failure::Permanent,
    )
    .await
    .unwrap();
    id
}

async fn status(w: &Web, id: i64) -> DeliveryStatus {
    let row = send::get(&w.ctx.db, id).await.unwrap().unwrap();
    row.status
}

#[tokio::test]
async fn the_page_lists_failed_deliveries_and_retry_puts_one_back() {
    let w = Web::new().await;
    let id = failed_one(&w).await;
    let anna = w.login(w.admin).await;
    let page = w.get("/notifications/failed", Some(&anna)).await;
    assert_eq!(page.status, 200);
    let b = unescape(&page.body);
    assert!(b.contains(&en("web-deliveries-title")), "{b}");
    assert!(b.contains("bot was blocked by the user"), "{b}");
    assert!(b.contains(&en("delivery-kind-new_receipt")), "{b}");
    assert!(
        b.contains(&format!("/notifications/deliveries/{id}/retry")),
        "{b}"
    );
    let r = w
        .post(
            &format!("/notifications/deliveries/{id}/retry"),
            Some(&anna),
            "",
            SAME,
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.location()),
        (303, "/notifications/failed")
    );
    assert_eq!(status(&w, id).await, DeliveryStatus::Pending);
    let page = w.get("/notifications/failed", Some(&anna)).await;
    assert!(unescape(&page.body).contains(&en("web-deliveries-empty")));
}

#[tokio::test]
async fn other_stores_vendors_and_cross_site_posts_are_refused() {
    let w = Web::new().await;
    let id = failed_one(&w).await;
    let path = format!("/notifications/deliveries/{id}/retry");
    let otto = w.login(w.other_admin).await;
    let r = w.post(&path, Some(&otto), "", SAME).await;
    assert_eq!(r.status, 404, "another store's delivery");
    let page = w.get("/notifications/failed", Some(&otto)).await;
    assert!(!page.body.contains(&path), "{}", page.body);
    let victor = w.login(w.vendor).await;
    assert_eq!(
        w.get("/notifications/failed", Some(&victor)).await.status,
        403
    );
    assert_eq!(w.post(&path, Some(&victor), "", SAME).await.status, 403);
    let anna = w.login(w.admin).await;
    for origin in [None, Some("http://evil.example")] {
        let r = w.post(&path, Some(&anna), "", origin).await;
        assert_eq!(r.status, 403, "from {origin:?}");
    }
    let r = w.get("/notifications/failed", None).await;
    assert_eq!((r.status.as_u16(), r.location()), (303, "/login"));
    assert_eq!(status(&w, id).await, DeliveryStatus::Failed);
}

#[tokio::test]
async fn a_person_mutes_a_kind_on_a_channel() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    let page = w.get("/notifications/preferences", Some(&victor)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains(r#"value="low_stock:telegram" aria-label"#),
        "{}",
        page.body
    );
    // Everything but low stock in Telegram.
    let mut form: Vec<String> = domain::messaging::deliveries::KINDS
        .iter()
        .flat_map(|k| {
            k.channels
                .iter()
                .map(move |c| format!("on={}%3A{}", k.name, c.as_str()))
        })
        .filter(|f| f != "on=low_stock%3Atelegram")
        .collect();
    form.sort();
    let r = w
        .post(
            "/notifications/preferences",
            Some(&victor),
            &form.join("&"),
            SAME,
        )
        .await;
    assert_eq!(r.status, 303);
    let grid = domain::messaging::deliveries::preferences::grid(&w.ctx.db, w.vendor)
        .await
        .unwrap();
    let off: Vec<_> = grid
        .iter()
        .filter(|s| !s.enabled)
        .map(|s| (s.kind, s.channel.as_str()))
        .collect();
    assert_eq!(off, vec![("low_stock", "telegram")]);
    let page = w
        .get("/notifications/preferences?saved=1", Some(&victor))
        .await;
    assert!(unescape(&page.body).contains(&en("web-preferences-saved")));
    assert!(page.body.contains(r#"value="low_stock:in_app" aria-label"#));
    let r = w
        .post(
            "/notifications/preferences",
            Some(&victor),
            "",
            Some("http://evil.example"),
        )
        .await;
    assert_eq!(r.status, 403);
}

/// A kept update whose replay died too: set aside (see `domain::platform::updates::log`). Its row id.
async fn poison_update(w: &Web) -> i64 {
    use domain::platform::updates;
    let payload = r#"{"update_id":9,"message":{"from":{"id":5550001},"document":{}}}"#;
    let start = w.ctx.now() - Duration::minutes(20);
    updates::log::keep(&w.ctx.db, 1, 9, payload, start)
        .await
        .unwrap();
    let taken = updates::log::take_stale(
        &w.ctx.db,
        1,
        start + Duration::minutes(5),
        Duration::minutes(2),
        10,
    )
    .await
    .unwrap();
    assert_eq!(taken.len(), 1);
    let set_aside = updates::log::quarantine_stale(&w.ctx.db, 1, w.ctx.now(), Duration::minutes(2))
        .await
        .unwrap();
    assert_eq!(set_aside, vec![9]);
    let owner = w.login(w.owner).await;
    let page = w.get("/updates/quarantined", Some(&owner)).await;
    let b = unescape(&page.body);
    let at = b.find("/updates/").unwrap();
    b[at + "/updates/".len()..]
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn owners_see_quarantined_updates_and_discard_them_others_cannot() {
    let w = Web::new().await;
    let id = poison_update(&w).await;
    let olga = w.login(w.owner).await;
    let page = w.get("/updates/quarantined", Some(&olga)).await;
    assert_eq!(page.status, 200);
    let b = unescape(&page.body);
    assert!(b.contains(&en("web-quarantine-title")), "{b}");
    assert!(b.contains("5550001") && b.contains("document"), "{b}");
    // The failed-notifications page links to it.
    let failed = w.get("/notifications/failed", Some(&olga)).await;
    assert!(failed.body.contains("/updates/quarantined"));

    // A store ADMIN neither sees nor decides (the updates are platform-wide).
    let anna = w.login(w.admin).await;
    assert_eq!(w.get("/updates/quarantined", Some(&anna)).await.status, 403);
    let r = w
        .post(&format!("/updates/{id}/discard"), Some(&anna), "", SAME)
        .await;
    assert_eq!(r.status, 403);
    // A cross-site post by the OWNER's browser is refused too; an unknown decision is a 4xx.
    let r = w
        .post(
            &format!("/updates/{id}/discard"),
            Some(&olga),
            "",
            Some("http://evil.example"),
        )
        .await;
    assert_eq!(r.status, 403);
    let r = w
        .post(&format!("/updates/{id}/explode"), Some(&olga), "", SAME)
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);

    let r = w
        .post(&format!("/updates/{id}/discard"), Some(&olga), "", SAME)
        .await;
    assert_eq!(
        (r.status.as_u16(), r.location()),
        (303, "/updates/quarantined")
    );
    let page = w.get("/updates/quarantined", Some(&olga)).await;
    assert!(unescape(&page.body).contains(&en("web-quarantine-empty")));
    // Decided already: a second press finds nothing.
    let r = w
        .post(&format!("/updates/{id}/discard"), Some(&olga), "", SAME)
        .await;
    assert_eq!(r.status, 404);
}
