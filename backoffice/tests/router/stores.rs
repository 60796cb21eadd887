//! Store settings, the store's deep link and QR code, receipt alerts, creating stores.
use crate::support::*;

#[tokio::test]
async fn an_admin_edits_the_store_and_gets_its_link_and_qr() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let page = w.get("/store/settings", Some(&anna)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains("https://t.me/vitrina_test_bot?start=store_main")
            && page.body.contains("<svg")
    );
    let form = "name=Main+Street+Shop&payment_instructions=IBAN+UA00&unpaid_deadline_minutes=90&low_stock_default=4";
    let r = w.post("/store/settings", Some(&anna), form, SAME).await;
    assert_eq!(r.status, 303);
    let store = domain::stores::load(&w.ctx.db, w.store).await.unwrap();
    assert_eq!(
        (
            store.name.as_str(),
            store.unpaid_deadline_minutes,
            store.low_stock_default
        ),
        ("Main Street Shop", 90, 4)
    );
    let bad = w
        .post(
            "/store/settings",
            Some(&anna),
            "name=&unpaid_deadline_minutes=0&low_stock_default=1",
            SAME,
        )
        .await;
    assert_eq!(bad.status, 409);
    let png = w.get("/store/qr.png", Some(&anna)).await;
    assert_eq!(png.headers.get("content-type").unwrap(), "image/png");
    assert!(
        png.headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("main-qr.png")
    );
    let svg = w.get("/store/qr.svg", Some(&anna)).await;
    assert!(svg.body.starts_with("<?xml") || svg.body.contains("<svg"));
    let audit = format!("action = 'store.update' AND store_id = {}", w.store.0);
    use sea_orm::{ConnectionTrait, Statement};
    let db = &w.ctx.db;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM audit_log WHERE {audit}"),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 1);
}

#[tokio::test]
async fn receipt_alerts_follow_the_checkboxes() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    // Only the vendor stays checked: the admin turns her own alerts off.
    let r = w
        .post(
            "/store/alerts",
            Some(&anna),
            &format!("alert={}", w.vendor.0),
            SAME,
        )
        .await;
    assert_eq!(r.status, 303);
    let members = domain::people::staff::members(&w.ctx.db, w.store)
        .await
        .unwrap();
    let alert_of = |id: domain::UserId| {
        members
            .iter()
            .find(|m| m.user.id == id.0)
            .unwrap()
            .receipt_alerts
    };
    assert!(!alert_of(w.admin) && alert_of(w.vendor));
}

#[tokio::test]
async fn vendors_and_other_stores_cannot_change_settings() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    assert_eq!(w.get("/store/settings", Some(&victor)).await.status, 403);
    let form = "name=Hacked&unpaid_deadline_minutes=5&low_stock_default=1";
    assert_eq!(
        w.post("/store/settings", Some(&victor), form, SAME)
            .await
            .status,
        403
    );
    assert_eq!(
        w.post("/store/alerts", Some(&victor), "", SAME)
            .await
            .status,
        403
    );
    let otto = w.login(w.other_admin).await;
    // Otto's own store is the one he edits; ours is untouched.
    assert_eq!(
        w.post("/store/settings", Some(&otto), form, SAME)
            .await
            .status,
        303
    );
    assert_eq!(
        domain::stores::load(&w.ctx.db, w.store).await.unwrap().name,
        "Shop main"
    );
    assert_eq!(
        domain::stores::load(&w.ctx.db, w.other_store)
            .await
            .unwrap()
            .name,
        "Hacked"
    );
    assert_eq!(
        w.post("/store/settings", Some(&victor), form, None)
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn only_owners_create_stores() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    assert_eq!(w.get("/stores/new", Some(&anna)).await.status, 403);
    let form = "slug=kyiv&name=Kyiv&currency=UAH&unpaid_deadline_minutes=60";
    assert_eq!(w.post("/stores", Some(&anna), form, SAME).await.status, 403);
    let olga = w.login(w.owner).await;
    assert_eq!(w.get("/stores/new", Some(&olga)).await.status, 200);
    let r = w.post("/stores", Some(&olga), form, SAME).await;
    assert_eq!(r.status, 303);
    assert!(
        r.cookies()
            .iter()
            .any(|c| c.starts_with("__Host-vitrina-store=")),
        "switched to the new store"
    );
    let dup = w.post("/stores", Some(&olga), form, SAME).await;
    assert_eq!(dup.status, 409);
}
