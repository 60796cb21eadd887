//! Telegram's limits and a hostile customer's loops: button presses are rate-limited, no text
//! is ever too long to send (captions ≤ 1024, messages ≤ 4096 UTF-16 units), deep links fit
//! the 64 characters of a start payload, and one customer cannot hold a store's stock in more
//! unpaid orders than the cap.
use std::time::Duration;

use bot::limiter::{Kind, RateLimiter};
use domain::catalog::photo;
use domain::catalog::products::{self, ProductChanges};
use domain::kernel::deeplink::DeepLink;
use domain::ordering::orders::{Delivery, NewOrder};
use domain::{Actor, Channel, ProductId, Role};
use i18n::ArgValue;
use teloxide::types::{InlineKeyboardMarkup, Message};

use crate::support::*;

fn units(text: &str) -> usize {
    text.encode_utf16().count()
}

fn callbacks(markup: Option<&InlineKeyboardMarkup>) -> Vec<String> {
    markup
        .map(|m| {
            m.inline_keyboard
                .iter()
                .flatten()
                .map(|b| format!("{:?}", b.kind))
                .collect()
        })
        .unwrap_or_default()
}

async fn give_photo(w: &World) {
    let jpeg = testkit::files::jpeg_with_exif(640, 480);
    photo::set(
        &w.ctx,
        w.files.as_ref(),
        &photo::limits(),
        &Actor::operator(),
        w.product,
        jpeg,
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_button_pressed_in_a_loop_is_limited() {
    let limiter = RateLimiter::default().with(Kind::Press, 3, Duration::from_secs(60));
    let w = World::with_limiter(limiter).await;
    give_photo(&w).await;
    let product = format!("p:{}", w.product.0);
    let mut bot = w.mock(press(CUSTOMER, "en", &product));
    for i in 0..5 {
        if i > 0 {
            bot.update(press(CUSTOMER, "en", &product));
        }
        w.run(&mut bot).await;
        let r = bot.get_responses();
        let notes: Vec<_> = r
            .answered_callback_queries
            .iter()
            .map(|a| a.text.clone())
            .collect();
        if i < 3 {
            assert_eq!(r.sent_messages_photo.len(), 1, "press {i}");
            assert_eq!(notes, vec![None], "press {i}");
        } else {
            assert!(r.sent_messages.is_empty(), "press {i}: {:?}", sent(&bot));
            assert_eq!(
                notes,
                vec![Some(t("en", "bot-slow-down-press"))],
                "press {i}"
            );
        }
    }
    // Presses are counted apart from messages, and per person.
    bot.update(text(CUSTOMER, "en", "/help"));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![bot::commands::help(i18n::Lang::En, false)]);
    bot.update(press(STRANGER, "en", &product));
    w.run(&mut bot).await;
    assert_eq!(bot.get_responses().sent_messages_photo.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_product_with_a_long_description_opens_as_a_photo_and_a_text() {
    let w = World::new().await;
    give_photo(&w).await;
    // 70 lines with emoji: under the 3,000 characters a description may have, over 4,096
    // UTF-16 units (each 😀 is two).
    let lines: Vec<String> = (0..70)
        .map(|i| format!("{} line {i:02}", "😀".repeat(30)))
        .collect();
    let description = lines.join("\n");
    let changes = ProductChanges {
        description: Some(description.clone()),
        ..ProductChanges::default()
    };
    products::update(&w.ctx, &Actor::operator(), w.product, changes)
        .await
        .unwrap();

    let mut bot = w.mock(text(
        CUSTOMER,
        "en",
        &format!("/start product_{}", w.product.0),
    ));
    w.run(&mut bot).await;
    let r = bot.get_responses();
    assert_eq!(r.sent_messages_photo.len(), 1, "{:?}", sent(&bot));
    let photo = &r.sent_messages_photo[0].bot_request;
    assert_eq!(photo.caption.as_deref(), Some("Mug"));
    assert!(
        photo.reply_markup.is_none(),
        "the buttons come with the text"
    );
    let texts: Vec<&Message> = r.sent_messages_text.iter().map(|m| &m.message).collect();
    assert!(texts.len() >= 2, "{} parts", texts.len());
    for (i, m) in texts.iter().enumerate() {
        let part = m.text().unwrap();
        assert!(units(part) <= 4096, "part {i}: {} units", units(part));
        let buttons = callbacks(m.reply_markup());
        if i + 1 == texts.len() {
            let add = format!("add:{}", w.product.0);
            assert!(buttons.iter().any(|b| b.contains(&add)), "{buttons:?}");
        } else {
            assert!(buttons.is_empty(), "part {i}: {buttons:?}");
        }
    }
    let card = texts
        .iter()
        .map(|m| m.text().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(card.starts_with("Mug\n₴250.00\n"), "{card}");
    for line in &lines {
        assert!(card.contains(line.as_str()), "{line} is missing or cut");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_staff_card_is_split_and_its_buttons_come_last() {
    let w = World::new().await;
    let customer = w.known(CUSTOMER, "carol", "en").await;
    let mut items = Vec::new();
    let mut titles = Vec::new();
    for i in 0..20 {
        let id: ProductId = testkit::seed::product(&w.ctx, w.store, &format!("P{i}"), 100, 5).await;
        let title = format!("{i:02} {}", "Long title ".repeat(22).trim_end());
        let changes = ProductChanges {
            title: Some(title.clone()),
            ..ProductChanges::default()
        };
        products::update(&w.ctx, &Actor::operator(), id, changes)
            .await
            .unwrap();
        items.push((id, 1));
        titles.push(title);
    }
    let address = format!("Kyiv, {}", "Khreshchatyk street ".repeat(45).trim_end());
    let new = NewOrder {
        store: w.store,
        customer,
        items,
        delivery: Delivery {
            name: "Olena".into(),
            phone: "+380671234567".into(),
            address: address.clone(),
        },
    };
    let actor = Actor::user(customer, Channel::Bot);
    let order = domain::ordering::orders::place(&w.ctx, &actor, &new)
        .await
        .unwrap();
    w.attach_receipt(customer, order.id, 'c').await;

    let mut bot = w.mock(text(ADMIN, "en", &format!("/order {}", order.number)));
    w.run(&mut bot).await;
    let r = bot.get_responses();
    let parts = &r.sent_messages;
    assert!(parts.len() >= 2, "{} parts", parts.len());
    for (i, m) in parts.iter().enumerate() {
        let part = m.text().unwrap();
        assert!(units(part) <= 4096, "part {i}: {} units", units(part));
        let buttons = callbacks(m.reply_markup());
        if i + 1 == parts.len() {
            let verify = format!("v:{}", order.id);
            assert!(buttons.iter().any(|b| b.contains(&verify)), "{buttons:?}");
        } else {
            assert!(buttons.is_empty(), "part {i}: {buttons:?}");
        }
    }
    let card = sent(&bot).join("\n");
    for title in &titles {
        assert!(card.contains(title.as_str()), "{title} is missing or cut");
    }
    assert!(card.contains(&address), "the address is whole");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_deep_link_payload_fits_telegram() {
    let db = testkit::TestDb::new().await;
    let ctx = domain::Ctx::local(db.db.clone());
    // Before anyone owns Vitrina: the claim code.
    let code = domain::operations::bootstrap::issue_claim(&ctx)
        .await
        .unwrap()
        .unwrap();
    let slug = "s".repeat(32);
    assert!(domain::stores::valid_slug(&slug));
    assert!(
        !domain::stores::valid_slug(&"s".repeat(33)),
        "32 is the longest slug"
    );
    let store = testkit::seed::store(&ctx, &slug, "The longest slug").await;
    let owner = testkit::seed::person(&ctx, 1, "olga", "en").await;
    domain::people::staff::grant(&ctx, &Actor::operator(), owner, Role::Owner, None)
        .await
        .unwrap();
    let by_owner = Actor::user(owner, Channel::Web);
    let invite = domain::people::invites::create(
        &ctx,
        &by_owner,
        Some(store),
        Role::Admin,
        chrono::Duration::hours(1),
    )
    .await
    .unwrap();
    let login = domain::people::auth::challenge::create(
        &ctx,
        &"b".repeat(43),
        "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
        Some("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"),
    )
    .await
    .unwrap();
    let readable = [
        DeepLink::Store(slug),
        DeepLink::Product(i64::MAX),
        // The largest order number a link is read with (twelve digits).
        DeepLink::Order(999_999_999_999),
        DeepLink::Login(login.token),
        DeepLink::Invite(invite.token),
        DeepLink::Claim(code),
    ];
    for link in readable {
        let payload = link
            .to_payload()
            .expect("every link Vitrina makes can be written");
        assert!(
            payload.len() <= 64,
            "{payload}: {} characters",
            payload.len()
        );
        assert!(
            payload
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
            "{payload}: Telegram allows A-Z, a-z, 0-9, _ and - only"
        );
        assert_eq!(
            DeepLink::parse(&payload),
            Some(link),
            "{payload} reads back"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_open_order_cap_refuses_checkout_and_keeps_the_cart() {
    let mut w = World::new().await;
    w.services.ctx = w.services.ctx.clone().with_max_open_orders(Some(1));
    let customer = w.known(CUSTOMER, "carol", "en").await;
    let open = w.order_for(customer).await;

    let mut bot = w.mock(press(CUSTOMER, "en", &format!("add:{}", w.product.0)));
    w.run(&mut bot).await;
    for step in ["cart", "co"] {
        bot.update(press(CUSTOMER, "en", step));
        w.run(&mut bot).await;
    }
    for step in ["Olena", "+380671234567", "Kyiv, Khreshchatyk 1"] {
        bot.update(text(CUSTOMER, "en", step));
        w.run(&mut bot).await;
    }
    bot.update(press(CUSTOMER, "en", "ok"));
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![t_args(
            "en",
            "error-open-orders-limit",
            &[("count", ArgValue::from(1))]
        )]
    );
    assert_eq!(w.orders().await, 1);
    let cart = domain::ordering::cart::lines(&w.ctx.db, customer, w.store)
        .await
        .unwrap();
    assert_eq!(
        cart.iter()
            .map(|l| (l.product_id, l.quantity))
            .collect::<Vec<_>>(),
        vec![(w.product, 1)],
        "the cart is kept"
    );

    // Cancelling the open order makes room: Confirm again places the order.
    bot.update(press(CUSTOMER, "en", &format!("cx:{}", open.id)));
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![t_args(
            "en",
            "bot-order-cancelled",
            &[("number", open.number.into())]
        )]
    );
    bot.update(press(CUSTOMER, "en", "ok"));
    w.run(&mut bot).await;
    assert!(sent(&bot)[0].contains("#1002"), "{:?}", sent(&bot));
    assert_eq!(w.orders().await, 2);
    assert!(
        domain::ordering::cart::lines(&w.ctx.db, customer, w.store)
            .await
            .unwrap()
            .is_empty()
    );
}
