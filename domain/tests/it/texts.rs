//! Per-language texts: a product's title and description, a store's payment instructions;
//! what a customer sees in their language, else the default.
use domain::catalog::products::{self, NewProduct, ProductChanges};
use domain::catalog::texts::{self, LANGS, Text, Texts};
use domain::platform::audit::{AuditFilter, search};
use domain::stores::texts::{self as store_texts, Instructions};
use domain::stores::{self, NewStore, StoreSettings};
use domain::{Error, ProductId, StoreId};
use i18n::{ArgValue, Lang};

use crate::support::Fixture;

fn texts(items: &[(&str, &str, &str)]) -> Texts {
    items
        .iter()
        .map(|(lang, title, description)| {
            let text = Text {
                title: (*title).to_owned(),
                description: (*description).to_owned(),
            };
            ((*lang).to_owned(), text)
        })
        .collect()
}

fn cap() -> NewProduct {
    NewProduct {
        sku: "CAP".into(),
        title: "Cap".into(),
        description: "Wool".into(),
        price_minor: 1_000,
        on_hand: 3,
        low_stock_threshold: None,
    }
}

fn with_texts(t: Texts) -> ProductChanges {
    ProductChanges {
        texts: Some(t),
        ..ProductChanges::default()
    }
}

/// The message a person sees for `e`, in Ukrainian.
fn uk(e: &Error) -> String {
    let args: Vec<(&str, ArgValue)> = e
        .args()
        .into_iter()
        .map(|(k, v)| (k, ArgValue::infer(v)))
        .collect();
    i18n::t_args(Lang::Uk, e.key(), &args)
}

async fn last_audit(f: &Fixture, action: &str) -> entity::audit_log::Model {
    let filter = AuditFilter {
        action: Some(action.into()),
        ..AuditFilter::default()
    };
    search(&f.ctx.db, &f.web(f.admin), f.store, &filter, None, 1)
        .await
        .unwrap()
        .remove(0)
}

#[test]
fn the_languages_are_the_ones_the_adapters_speak() {
    let spoken: Vec<&str> = Lang::ALL.iter().map(|l| l.as_str()).collect();
    assert_eq!(LANGS.to_vec(), spoken);
}

#[tokio::test]
async fn product_texts_are_set_replaced_and_cleared_with_audit() {
    let f = Fixture::new().await;
    let vendor = f.web(f.vendor);
    let given = texts(&[("uk", " Шапка ", "Вовняна"), ("ru", "", ""), ("en", "", "")]);
    let p = products::create_with(&f.ctx, &vendor, f.store, cap(), &given)
        .await
        .unwrap();
    let id = ProductId(p.id);
    assert_eq!(
        texts::of(&f.ctx.db, id).await.unwrap(),
        texts(&[("uk", "Шапка", "Вовняна")]),
        "trimmed; an empty title is no text"
    );
    let created = last_audit(&f, "product.create").await;
    assert!(created.after.unwrap().contains("Шапка"));

    let changes = with_texts(texts(&[("uk", "Шапочка", ""), ("en", "Beanie", "Warm")]));
    products::update(&f.ctx, &vendor, id, changes)
        .await
        .unwrap();
    assert_eq!(
        texts::of(&f.ctx.db, id).await.unwrap(),
        texts(&[("en", "Beanie", "Warm"), ("uk", "Шапочка", "")])
    );

    // Languages not given stay; an empty title takes a language's text away.
    let changes = with_texts(texts(&[("uk", "", "")]));
    products::update(&f.ctx, &vendor, id, changes)
        .await
        .unwrap();
    assert_eq!(
        texts::of(&f.ctx.db, id).await.unwrap(),
        texts(&[("en", "Beanie", "Warm")])
    );
    let entry = last_audit(&f, "product.update").await;
    let (before, after) = (entry.before.unwrap(), entry.after.unwrap());
    assert!(
        before.contains("Шапочка") && before.contains("Beanie"),
        "{before}"
    );
    assert!(
        !after.contains("Шапочка") && after.contains("Beanie"),
        "{after}"
    );

    // Changing something else leaves the texts alone.
    let price = ProductChanges {
        price_minor: Some(2_000),
        ..ProductChanges::default()
    };
    products::update(&f.ctx, &vendor, id, price).await.unwrap();
    assert_eq!(texts::of(&f.ctx.db, id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn customers_see_their_language_or_the_default() {
    let f = Fixture::new().await;
    let given = texts(&[("uk", "Шапка", "Вовняна")]);
    let p = products::create_with(&f.ctx, &f.web(f.vendor), f.store, cap(), &given)
        .await
        .unwrap();
    let shown = |lang: &'static str| {
        let (db, p) = (f.ctx.db.clone(), p.clone());
        async move { texts::localized(&db, &p, lang).await.unwrap() }
    };
    assert_eq!(shown("uk").await.title, "Шапка");
    assert_eq!(shown("uk").await.description, "Вовняна");
    assert_eq!(shown("en").await.title, "Cap");
    assert_eq!(shown("ru").await.description, "Wool");
    assert_eq!(shown("de").await.title, "Cap", "an unknown language");

    let mut list = products::list(&f.ctx.db, f.store, true).await.unwrap();
    texts::localize_all(&f.ctx.db, &mut list, "uk")
        .await
        .unwrap();
    let titles: Vec<&str> = list.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["Шапка", "Mug"], "MUG has no Ukrainian text");
}

#[tokio::test]
async fn bad_texts_are_refused_with_translated_reasons_and_write_nothing() {
    let f = Fixture::new().await;
    let vendor = f.web(f.vendor);
    let long = "я".repeat(256);
    let cases = [
        (texts(&[("uk", &long, "")]), "title_uk"),
        (texts(&[("ru", "", "Без названия")]), "title_ru"),
        (texts(&[("en", "Cap", &"x".repeat(3001))]), "description_en"),
        (texts(&[("de", "Mütze", "")]), "lang"),
    ];
    for (given, field) in cases {
        let err = products::create_with(&f.ctx, &vendor, f.store, cap(), &given)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Invalid { field: f } if f == field),
            "{err:?}"
        );
        let other = uk(&Error::Invalid { field: "no-such" });
        assert_ne!(uk(&err), other, "{field} has a message of its own");
        let err = products::update(&f.ctx, &vendor, f.product, with_texts(given))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Invalid { .. }), "{err:?}");
    }
    let long_default = NewProduct {
        description: "x".repeat(3001),
        ..cap()
    };
    let err = products::create(&f.ctx, &vendor, f.store, long_default)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Invalid {
            field: "description"
        }
    ));
    assert_eq!(f.count("products", "sku = 'CAP'").await, 0);
    assert_eq!(f.count("product_texts", "1 = 1").await, 0);
}

#[tokio::test]
async fn another_stores_staff_cannot_touch_a_products_texts() {
    let f = Fixture::new().await;
    let given = with_texts(texts(&[("uk", "Чашка", "")]));
    let err = products::update(&f.ctx, &f.web(f.other_admin), f.product, given)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(texts::of(&f.ctx.db, f.product).await.unwrap().is_empty());
}

fn instructions(items: &[(&str, &str)]) -> Instructions {
    items
        .iter()
        .map(|(l, t)| ((*l).to_owned(), (*t).to_owned()))
        .collect()
}

fn settings(texts: Instructions) -> StoreSettings {
    StoreSettings {
        name: "Shop main".into(),
        payment_instructions: "Card 4441".into(),
        unpaid_deadline_minutes: 60,
        low_stock_default: 3,
        payment_texts: texts,
    }
}

#[tokio::test]
async fn store_instructions_per_language_with_the_default_for_the_rest() {
    let f = Fixture::new().await;
    let new = NewStore {
        slug: "kyiv".into(),
        name: "Kyiv".into(),
        currency: "UAH".into(),
        payment_instructions: "Card 1111".into(),
        unpaid_deadline_minutes: 60,
    };
    let given = instructions(&[("uk", "Картка 1111"), ("ru", "  ")]);
    let kyiv = stores::create_with(&f.ctx, &f.web(f.owner), new, &given)
        .await
        .unwrap();
    let told = |lang: &'static str| {
        let (db, s) = (f.ctx.db.clone(), kyiv.clone());
        async move {
            store_texts::payment_instructions(&db, &s, lang)
                .await
                .unwrap()
        }
    };
    assert_eq!(told("uk").await, "Картка 1111");
    assert_eq!(told("ru").await, "Card 1111");
    assert_eq!(told("en").await, "Card 1111");

    let admin = f.web(f.admin);
    let given = instructions(&[("en", "Card 4441 (EN)"), ("ru", "Карта 4441")]);
    stores::update(&f.ctx, &admin, f.store, settings(given))
        .await
        .unwrap();
    let given = instructions(&[("en", ""), ("uk", "Картка 4441")]);
    stores::update(&f.ctx, &admin, f.store, settings(given))
        .await
        .unwrap();
    assert_eq!(
        store_texts::of(&f.ctx.db, f.store).await.unwrap(),
        instructions(&[("ru", "Карта 4441"), ("uk", "Картка 4441")])
    );
    let entry = last_audit(&f, "store.update").await;
    let (before, after) = (entry.before.unwrap(), entry.after.unwrap());
    assert!(before.contains("Card 4441 (EN)"), "{before}");
    assert!(
        after.contains("Картка 4441") && !after.contains("(EN)"),
        "{after}"
    );
    // Another store's texts are its own.
    assert!(
        store_texts::of(&f.ctx.db, StoreId(kyiv.id))
            .await
            .unwrap()
            .contains_key("uk")
    );
}

#[tokio::test]
async fn bad_store_instructions_are_refused() {
    let f = Fixture::new().await;
    let long = "x".repeat(3001);
    let err = stores::update(
        &f.ctx,
        &f.web(f.admin),
        f.store,
        settings(instructions(&[("ru", &long)])),
    )
    .await
    .unwrap_err();
    assert!(matches!(
        err,
        Error::Invalid {
            field: "payment_instructions_ru"
        }
    ));
    assert_ne!(uk(&err), uk(&Error::Invalid { field: "no-such" }));
    let err = stores::update(
        &f.ctx,
        &f.web(f.vendor),
        f.store,
        settings(instructions(&[("ru", "Карта")])),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
    assert!(
        store_texts::of(&f.ctx.db, f.store)
            .await
            .unwrap()
            .is_empty()
    );
}
