//! Groups, supergroups and channels: the shop and the staff commands answer only in private
//! chats. In a group the bot says at most one line ("write to me privately") when it is spoken
//! to, and changes nothing.
use sea_orm::{EntityTrait, PaginatorTrait};
use teloxide::dispatching::dialogue::Storage;
use teloxide::types::{ChatId, FileId, FileUniqueId, Update, UpdateId, UpdateKind};
use teloxide_tests::{
    MockCallbackQuery, MockChannelChat, MockGroupChat, MockMessagePhoto, MockMessageText,
    MockPhotoSize, MockSupergroupChat,
};

use crate::support::*;

const GROUP: i64 = -1001;

fn in_group(from: u64, lang: &str, words: &str) -> MockMessageText {
    MockMessageText::new()
        .text(words)
        .from(user(from, lang))
        .chat(MockGroupChat::new().id(GROUP).build())
}

async fn rows<E>(w: &World) -> u64
where
    E: EntityTrait,
    E::Model: Sync,
{
    E::find().count(&w.ctx.db).await.unwrap()
}

/// What the database holds that a handled update could change.
async fn snapshot(w: &World) -> [u64; 6] {
    [
        rows::<entity::dialogues::Entity>(w).await,
        rows::<entity::users::Entity>(w).await,
        rows::<entity::orders::Entity>(w).await,
        rows::<entity::receipts::Entity>(w).await,
        rows::<entity::order_history::Entity>(w).await,
        rows::<entity::processed_updates::Entity>(w).await,
    ]
}

fn private_only(lang: &str) -> String {
    t_args(lang, "bot-private-only", &[("bot", "test_bot".into())])
}

#[tokio::test(flavor = "multi_thread")]
async fn a_group_order_command_by_an_admin_reveals_nothing_and_changes_nothing() {
    let w = World::new().await;
    let order = w.in_review().await;
    let before = snapshot(&w).await;

    let mut bot = w.mock(in_group(ADMIN, "en", "/order 1001"));
    w.run(&mut bot).await;
    let r = bot.get_responses();
    assert_eq!(sent(&bot), vec![private_only("en")]);
    assert_eq!(r.sent_messages[0].chat.id, ChatId(GROUP));
    assert!(r.sent_messages[0].reply_markup().is_none());
    assert!(r.sent_messages_photo.is_empty() && r.sent_messages_document.is_empty());
    let said = sent(&bot).join("\n");
    for secret in ["+380", "Khreshchatyk", "Olena", "1001"] {
        assert!(!said.contains(secret), "{secret} leaked: {said}");
    }

    // Ordinary group chatter, even naming an order, gets nothing at all.
    for chatter in ["Check order 1001 please", "wrong amount", "#1001"] {
        bot.update(in_group(ADMIN, "en", chatter));
        w.run(&mut bot).await;
        let r = bot.get_responses();
        assert!(r.sent_messages.is_empty(), "{chatter}: {:?}", sent(&bot));
    }

    // A Verify button pressed on a message in the group: a note only its presser sees.
    let card = MockMessageText::new()
        .text("card")
        .chat(MockGroupChat::new().id(GROUP).build())
        .build();
    bot.update(
        MockCallbackQuery::new()
            .data(format!("v:{}", order.id))
            .from(user(OWNER, "uk"))
            .message(card),
    );
    w.run(&mut bot).await;
    let r = bot.get_responses();
    assert!(r.sent_messages.is_empty(), "{:?}", sent(&bot));
    let notes: Vec<_> = r
        .answered_callback_queries
        .iter()
        .map(|a| a.text.clone())
        .collect();
    assert_eq!(notes, vec![Some(private_only("uk"))]);

    // A stranger's /start in a supergroup: the one line, in their language; not recorded.
    let supergroup = MockSupergroupChat::new().id(GROUP - 1).build();
    bot.update(
        MockMessageText::new()
            .text("/start@test_bot")
            .from(user(STRANGER, "ru"))
            .chat(supergroup),
    );
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![private_only("ru")]);

    // Commands for another bot are not ours to answer.
    bot.update(in_group(ADMIN, "en", "/order@other_bot 1001"));
    w.run(&mut bot).await;
    assert!(bot.get_responses().sent_messages.is_empty());

    // A channel post is never answered (the whole channel would read it).
    let post = MockMessageText::new()
        .text("/order 1001")
        .chat(MockChannelChat::new().id(GROUP - 2).build())
        .build();
    bot.update(Update {
        id: UpdateId(0),
        kind: UpdateKind::ChannelPost(post),
    });
    w.run(&mut bot).await;
    assert!(bot.get_responses().sent_messages.is_empty());

    // Spoken to again and again, a group hears the line twice a minute at most (it heard it
    // once above).
    let mut heard = Vec::new();
    for _ in 0..3 {
        bot.update(in_group(VENDOR, "en", "@test_bot hello?"));
        w.run(&mut bot).await;
        heard.push(sent(&bot));
    }
    assert_eq!(heard, vec![vec![private_only("en")], vec![], vec![]]);

    // A receipt photo sent to the group is not taken (the customer's order is open).
    w.prepared
        .insert("group-photo", testkit::files::jpeg(640, 480));
    let sizes = vec![
        MockPhotoSize::new()
            .file_id(FileId("group-photo".into()))
            .file_unique_id(FileUniqueId("group-photo-u".into()))
            .build(),
    ];
    bot.update(
        MockMessagePhoto::new()
            .photo(sizes)
            .from(user(CUSTOMER, "uk"))
            .chat(MockGroupChat::new().id(GROUP - 3).build()),
    );
    w.run(&mut bot).await;
    assert!(bot.get_responses().sent_messages.is_empty());

    assert_eq!(snapshot(&w).await, before, "nothing changed");
    assert_eq!(w.status(order.id).await, OrderStatus::PaymentReview);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_group_message_does_not_touch_the_dialogue_state() {
    let w = World::new().await;
    let order = w.in_review().await;
    // In private, the owner asks to reject: the bot waits for the reason.
    let mut bot = w.mock(press(OWNER, "uk", &format!("r:{}", order.id)));
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![t_args("uk", "admin-ask-reason", &[("number", 1001.into())])]
    );
    let waiting: Option<bot::dialogue::State> = w
        .services
        .dialogues
        .clone()
        .get_dialogue(ChatId(OWNER as i64))
        .await
        .unwrap();

    // Meanwhile the owner and an admin talk in a group: no reason is taken from there, and the
    // group gets no dialogue of its own.
    for (who, words) in [
        (OWNER, "Це ж інше замовлення"),
        (ADMIN, "/cancel"),
        (OWNER, "/reject 1001 from the group"),
    ] {
        bot.update(in_group(who, "uk", words));
        w.run(&mut bot).await;
    }
    assert_eq!(w.status(order.id).await, OrderStatus::PaymentReview);
    let storage = w.services.dialogues.clone();
    assert_eq!(
        storage.clone().get_dialogue(ChatId(GROUP)).await.unwrap(),
        None::<bot::dialogue::State>
    );
    assert_eq!(
        storage.get_dialogue(ChatId(OWNER as i64)).await.unwrap(),
        waiting,
        "the private dialogue is as it was"
    );

    // Back in private, the reason is the one typed there.
    bot.update(text(OWNER, "uk", "Розмита фотографія"));
    w.run(&mut bot).await;
    assert_eq!(
        sent(&bot),
        vec![t_args("uk", "admin-rejected", &[("number", 1001.into())])]
    );
    let reason: Option<String> = entity::order_history::Entity::find()
        .all(&w.ctx.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|h| h.order_id == order.id)
        .filter_map(|h| h.reason)
        .next_back();
    assert_eq!(reason.as_deref(), Some("Розмита фотографія"));
}
