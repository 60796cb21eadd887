//! The product and store forms' per-language texts: saved, shown again, cleared, refused
//! with a translated reason, and out of reach of other stores.
use domain::ProductId;
use domain::catalog::{products, texts};
use i18n::{ArgValue, Lang};

use crate::support::*;

fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

async fn titles(w: &Web, id: i64) -> Vec<(String, String)> {
    texts::of(&w.ctx.db, ProductId(id))
        .await
        .unwrap()
        .into_iter()
        .map(|(lang, t)| (lang, t.title))
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[tokio::test]
async fn product_forms_save_show_and_clear_texts_per_language() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    let page = w.get("/products/new", Some(&victor)).await;
    for field in ["title_en", "title_ru", "title_uk", "description_uk"] {
        assert!(page.body.contains(&format!("name=\"{field}\"")), "{field}");
    }
    let new = form(&[
        ("sku", "CAP"),
        ("title", "Cap"),
        ("price", "10"),
        ("title_uk", "Шапка"),
        ("description_uk", "Тепла"),
        ("title_ru", ""),
        ("description_ru", ""),
        ("title_en", ""),
        ("description_en", ""),
    ]);
    let r = w.post("/products", Some(&victor), &new, SAME).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let id: i64 = r.location()["/products/".len()..].parse().unwrap();
    assert_eq!(titles(&w, id).await, pairs(&[("uk", "Шапка")]));

    let page = w.get(&format!("/products/{id}"), Some(&victor)).await;
    assert!(page.body.contains("value=\"Шапка\""), "{}", page.body);
    assert!(page.body.contains(">Тепла</textarea>"), "{}", page.body);

    let edit = form(&[
        ("title", "Cap"),
        ("price", "10"),
        ("title_uk", ""),
        ("description_uk", ""),
        ("title_en", "Beanie"),
        ("description_en", "Warm"),
        ("title_ru", "Шапка"),
        ("description_ru", ""),
    ]);
    let r = w
        .post(&format!("/products/{id}"), Some(&victor), &edit, SAME)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        titles(&w, id).await,
        pairs(&[("en", "Beanie"), ("ru", "Шапка")])
    );
    // A post without the per-language inputs leaves the texts as they are.
    let r = w
        .post(
            &format!("/products/{id}"),
            Some(&victor),
            "title=Cap&price=11",
            SAME,
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(titles(&w, id).await.len(), 2);
}

#[tokio::test]
async fn a_bad_text_is_refused_with_a_translated_reason() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    let new = form(&[
        ("sku", "CAP"),
        ("title", "Cap"),
        ("price", "10"),
        ("title_ru", ""),
        ("description_ru", "Описание без названия"),
    ]);
    let r = w.post("/products", Some(&victor), &new, SAME).await;
    assert_eq!(r.status, 409);
    let reason = i18n::t_args(
        Lang::En,
        "error-invalid",
        &[("field", ArgValue::from("title_ru"))],
    );
    assert!(unescape(&r.body).contains(&reason), "{}", r.body);
    let all = products::list(&w.ctx.db, w.store, false).await.unwrap();
    assert!(all.iter().all(|p| p.sku != "CAP"));
}

#[tokio::test]
async fn another_stores_product_is_404_and_keeps_its_texts() {
    let w = Web::new().await;
    let mug = products::list(&w.ctx.db, w.store, false).await.unwrap()[0].clone();
    let otto = w.login(w.other_admin).await;
    let edit = form(&[("title", "Mug"), ("price", "1"), ("title_uk", "Горнятко")]);
    let r = w
        .post(&format!("/products/{}", mug.id), Some(&otto), &edit, SAME)
        .await;
    assert_eq!(r.status, 404);
    assert!(!r.body.contains("Mug"), "nothing about the product leaks");
    assert_eq!(
        w.get(&format!("/products/{}", mug.id), Some(&otto))
            .await
            .status,
        404
    );
    assert!(titles(&w, mug.id).await.is_empty());
}

#[tokio::test]
async fn store_forms_save_payment_instructions_per_language() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let page = w.get("/store/settings", Some(&anna)).await;
    assert!(page.body.contains("name=\"payment_instructions_uk\""));
    let settings = form(&[
        ("name", "Shop main"),
        ("payment_instructions", "Card 4441"),
        ("payment_instructions_uk", "Картка 4441"),
        ("payment_instructions_ru", ""),
        ("payment_instructions_en", ""),
        ("unpaid_deadline_minutes", "60"),
        ("low_stock_default", "3"),
    ]);
    let r = w
        .post("/store/settings", Some(&anna), &settings, SAME)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let own = domain::stores::texts::of(&w.ctx.db, w.store).await.unwrap();
    assert_eq!(
        own.into_iter().collect::<Vec<_>>(),
        pairs(&[("uk", "Картка 4441")])
    );
    let page = w.get("/store/settings", Some(&anna)).await;
    assert!(
        page.body.contains(">Картка 4441</textarea>"),
        "{}",
        page.body
    );

    let bad = form(&[
        ("name", "Shop main"),
        ("unpaid_deadline_minutes", "soon"),
        ("low_stock_default", "3"),
    ]);
    let r = w.post("/store/settings", Some(&anna), &bad, SAME).await;
    assert_eq!(r.status, 409);
    let reason = i18n::t_args(
        Lang::En,
        "error-invalid",
        &[("field", ArgValue::from("unpaid_deadline_minutes"))],
    );
    assert!(unescape(&r.body).contains(&reason), "{}", r.body);

    let olga = w.login(w.owner).await;
    assert!(
        w.get("/stores/new", Some(&olga))
            .await
            .body
            .contains("name=\"payment_instructions_ru\"")
    );
    let new = form(&[
        ("slug", "kyiv"),
        ("name", "Kyiv"),
        ("currency", "UAH"),
        ("payment_instructions", "Card 1"),
        ("payment_instructions_ru", "Карта 1"),
        ("unpaid_deadline_minutes", "60"),
    ]);
    let r = w.post("/stores", Some(&olga), &new, SAME).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let kyiv = domain::stores::by_slug(&w.ctx.db, "kyiv").await.unwrap();
    let told = domain::stores::texts::payment_instructions(&w.ctx.db, &kyiv, "ru")
        .await
        .unwrap();
    assert_eq!(told, "Карта 1");
}
