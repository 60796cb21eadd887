//! Per-language texts in the bot: a Ukrainian-speaking customer shops in Ukrainian (titles and
//! payment instructions), an English-speaking one without English texts gets the defaults.
use std::collections::BTreeMap;

use domain::Actor;
use domain::catalog::products::{self, ProductChanges};
use domain::catalog::texts::Text;
use domain::stores::{self, StoreSettings};

use crate::support::*;

/// Ukrainian and Russian texts for the mug and the store; no English ones.
async fn translate(w: &World) {
    let text = |title: &str, description: &str| Text {
        title: title.into(),
        description: description.into(),
    };
    let texts = BTreeMap::from([
        ("uk".to_owned(), text("Горнятко", "Керамічне, 300 мл")),
        ("ru".to_owned(), text("Кружка", "")),
    ]);
    let changes = ProductChanges {
        texts: Some(texts),
        ..ProductChanges::default()
    };
    products::update(&w.ctx, &Actor::operator(), w.product, changes)
        .await
        .unwrap();
    let settings = StoreSettings {
        name: "Demo Shop".into(),
        payment_instructions: "Card 4441 0000 1111 2222".into(),
        unpaid_deadline_minutes: 60,
        low_stock_default: 3,
        payment_texts: BTreeMap::from([("uk".to_owned(), "Картка ПриватБанку 4441".to_owned())]),
    };
    stores::update(&w.ctx, &Actor::operator(), w.store, settings)
        .await
        .unwrap();
}

type Mock = teloxide_tests::MockBot<bot::BotError, teloxide_tests::mock_bot::DistributionKey>;

/// Adds the mug, goes through checkout and confirms; what the bot said at each step.
/// (One mock bot per test: a second one would wait for the first forever.)
async fn buy(w: &World, bot: &mut Mock, lang: &str) -> Vec<Vec<String>> {
    let mut said = Vec::new();
    bot.update(press(CUSTOMER, lang, &format!("add:{}", w.product.0)));
    w.run(bot).await;
    said.push(sent(bot));
    for step in ["cart", "co"] {
        bot.update(press(CUSTOMER, lang, step));
        w.run(bot).await;
        said.push(sent(bot));
    }
    for step in ["Olena", "+380671234567", "Kyiv, Khreshchatyk 1"] {
        bot.update(text(CUSTOMER, lang, step));
        w.run(bot).await;
        said.push(sent(bot));
    }
    bot.update(press(CUSTOMER, lang, "ok"));
    w.run(bot).await;
    said.push(sent(bot));
    said
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ukrainian_customer_sees_ukrainian_titles_and_payment_instructions() {
    let w = World::new().await;
    translate(&w).await;
    let mut bot = w.mock(text(CUSTOMER, "uk", "/start"));
    w.run(&mut bot).await;
    let labels: Vec<String> = bot.get_responses().sent_messages[1]
        .reply_markup()
        .cloned()
        .unwrap()
        .inline_keyboard
        .iter()
        .flatten()
        .map(|b| b.text.clone())
        .collect();
    assert!(
        labels.iter().any(|l| l.starts_with("Горнятко — ")),
        "{labels:?}"
    );
    bot.update(text(
        CUSTOMER,
        "uk",
        &format!("/start product_{}", w.product.0),
    ));
    w.run(&mut bot).await;
    let card = sent(&bot).join("\n");
    assert!(
        card.starts_with("Горнятко\n") && card.contains("Керамічне, 300 мл"),
        "{card}"
    );

    let said = buy(&w, &mut bot, "uk").await;
    assert_eq!(
        said[0],
        vec![t_args("uk", "bot-added", &[("title", "Горнятко".into())])]
    );
    assert!(said[1].join("\n").contains("Горнятко × 1"), "{:?}", said[1]);
    let summary = said[5].join("\n");
    assert!(summary.contains("Горнятко × 1"), "{summary}");
    let placed = said[6].join("\n");
    assert!(placed.contains("Картка ПриватБанку 4441"), "{placed}");
    assert!(!placed.contains("Card 4441"), "{placed}");
    assert_eq!(w.orders().await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_english_customer_gets_the_defaults_when_there_is_no_english_text() {
    let w = World::new().await;
    translate(&w).await;
    let mut bot = w.mock(text(
        CUSTOMER,
        "en",
        &format!("/start product_{}", w.product.0),
    ));
    w.run(&mut bot).await;
    let card = sent(&bot).join("\n");
    assert!(card.starts_with("Mug\n"), "{card}");
    assert!(!card.contains("Керамічне"), "{card}");

    let said = buy(&w, &mut bot, "en").await;
    assert_eq!(
        said[0],
        vec![t_args("en", "bot-added", &[("title", "Mug".into())])]
    );
    let placed = said[6].join("\n");
    assert!(
        placed.contains("Card 4441 0000 1111 2222") && !placed.contains("Картка"),
        "{placed}"
    );
}
