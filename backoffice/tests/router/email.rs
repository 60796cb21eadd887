//! The email address on the notification settings page: saved with the switches, cleared when
//! blank, refused in the person's language when it is not an address.
use domain::messaging::deliveries::preferences;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support::*;

/// Every switch on, plus `extra` form fields.
fn form(extra: &str) -> String {
    let mut fields: Vec<String> = domain::messaging::deliveries::KINDS
        .iter()
        .flat_map(|k| {
            k.channels
                .iter()
                .map(move |c| format!("on={}%3A{}", k.name, c.as_str()))
        })
        .collect();
    fields.push(extra.to_owned());
    fields.join("&")
}

async fn stored(w: &Web) -> Option<String> {
    preferences::email(&w.ctx.db, w.admin.0).await.unwrap()
}

#[tokio::test]
async fn the_settings_page_saves_shows_and_clears_the_address() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let page = w.get("/notifications/preferences", Some(&anna)).await;
    assert_eq!(page.status, 200);
    // The email column, and the address field (empty so far).
    assert!(
        page.body
            .contains(r#"value="new_receipt:email" aria-label"#),
        "{}",
        page.body
    );
    assert!(!page.body.contains(r#"value="verified:email""#));
    assert!(page.body.contains(r#"name="email" value="""#));
    // This test app does not send email, and says so.
    assert!(page.body.contains(r#"id="email-off""#));

    let body = form("email=anna%40example.com");
    let r = w
        .post("/notifications/preferences", Some(&anna), &body, SAME)
        .await;
    assert_eq!(
        (r.status.as_u16(), r.location()),
        (303, "/notifications/preferences?saved=1")
    );
    assert_eq!(stored(&w).await.as_deref(), Some("anna@example.com"));
    let page = w.get("/notifications/preferences", Some(&anna)).await;
    assert!(
        page.body
            .contains(r#"name="email" value="anna@example.com""#)
    );

    // A form without the field leaves the address; a blank one clears it.
    let r = w
        .post("/notifications/preferences", Some(&anna), &form(""), SAME)
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(stored(&w).await.as_deref(), Some("anna@example.com"));
    let r = w
        .post(
            "/notifications/preferences",
            Some(&anna),
            &form("email="),
            SAME,
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(stored(&w).await, None);
}

#[tokio::test]
async fn a_bad_address_is_refused_in_the_persons_language_and_nothing_saved() {
    let w = Web::new().await;
    entity::users::Entity::update_many()
        .col_expr(entity::users::Column::Language, Expr::value("ru"))
        .filter(entity::users::Column::Id.eq(w.admin.0))
        .exec(&w.ctx.db)
        .await
        .unwrap();
    let anna = w.login(w.admin).await;
    // Low stock by email off, and a broken address: neither is saved.
    let body = form("email=anna%40").replace("on=low_stock%3Aemail&", "");
    let r = w
        .post("/notifications/preferences", Some(&anna), &body, SAME)
        .await;
    assert_eq!(r.status, 422);
    let b = unescape(&r.body);
    assert!(
        b.contains("«anna@» — неверный адрес электронной почты."),
        "{b}"
    );
    // What was typed stays in the field to be corrected.
    assert!(b.contains(r#"name="email" value="anna@""#), "{b}");
    assert_eq!(stored(&w).await, None);
    let grid = preferences::grid(&w.ctx.db, w.admin).await.unwrap();
    assert!(grid.iter().all(|s| s.enabled));
    // Cross-site posts are refused before anything is read.
    let r = w
        .post(
            "/notifications/preferences",
            Some(&anna),
            &form("email=x%40example.com"),
            Some("http://evil.example"),
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(stored(&w).await, None);
}
