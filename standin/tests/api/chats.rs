//! The bot's messages in the users' chats, and the users' messages and presses as updates.
use standin::{Button, ButtonAction, Change, Refused};
use teloxide::prelude::*;
use teloxide::types::{
    CallbackQueryId, ChatAction, InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton,
    KeyboardMarkup, MessageId, UpdateKind,
};

use crate::{ALICE, BOB, start, updates};

fn keyboard() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[
        InlineKeyboardButton::callback("Buy", "buy:1"),
        InlineKeyboardButton::url("Site", reqwest::Url::parse("https://example.com/").unwrap()),
    ]])
}

#[tokio::test]
async fn a_message_with_an_inline_keyboard_lands_in_the_users_chat_with_its_buttons() {
    let (standin, _serving, bot) = start(standin::Options::default()).await;
    let mut changes = standin.subscribe();

    let sent = bot
        .send_message(ChatId(ALICE), "Mugs")
        .reply_markup(keyboard())
        .await
        .unwrap();

    assert_eq!(sent.text(), Some("Mugs"));
    assert_eq!(sent.chat.id, ChatId(ALICE));
    assert!(sent.from.as_ref().unwrap().is_bot);
    assert_eq!(sent.reply_markup(), Some(&keyboard()));
    let chat = standin.chat(ALICE);
    assert_eq!(chat.len(), 1);
    assert_eq!(chat[0].id, i64::from(sent.id.0));
    assert!(chat[0].from_bot && !chat[0].edited);
    assert_eq!(chat[0].text, "Mugs");
    assert_eq!(
        chat[0].keyboard,
        vec![vec![
            Button {
                text: "Buy".into(),
                action: ButtonAction::Callback("buy:1".into())
            },
            Button {
                text: "Site".into(),
                action: ButtonAction::Url("https://example.com/".into())
            },
        ]]
    );
    assert_eq!(changes.recv().await.unwrap(), Change::Chat(ALICE));
    assert!(standin.chat(BOB).is_empty());
    assert_eq!(standin.sent_texts(), vec![(ALICE, "Mugs".to_owned())]);
}

#[tokio::test]
async fn reply_keyboards_are_taken_but_not_kept_and_unknown_chats_are_only_recorded() {
    let (standin, _serving, bot) = start(standin::Options::default()).await;
    let reply = KeyboardMarkup::new([[KeyboardButton::new("Hi")]]);
    let sent = bot
        .send_message(ChatId(ALICE), "pick")
        .reply_markup(reply)
        .await
        .unwrap();
    assert!(sent.reply_markup().is_none());
    assert!(standin.chat(ALICE)[0].keyboard.is_empty());

    let sent = bot.send_message(ChatId(999), "hello?").await.unwrap();
    assert_eq!(sent.chat.id, ChatId(999));
    assert!(standin.chat(999).is_empty());
    assert_eq!(standin.calls().len(), 2);
}

#[tokio::test]
async fn what_users_say_reaches_the_bot_and_their_chat() {
    let (standin, _serving, bot) = start(standin::Options::default()).await;
    let mut offset = 0;
    let first = standin.say(ALICE, "/start").unwrap();
    let reply = bot.send_message(ChatId(ALICE), "Welcome").await.unwrap();
    let second = standin.say(ALICE, "thanks").unwrap();
    assert!(first < i64::from(reply.id.0) && i64::from(reply.id.0) < second);

    let got = updates(&bot, &mut offset).await;
    assert_eq!(got.len(), 2);
    let UpdateKind::Message(m) = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(m.text(), Some("/start"));
    assert_eq!(i64::from(m.id.0), first);
    assert_eq!(m.chat.id, ChatId(ALICE));
    let from = m.from.as_ref().unwrap();
    assert_eq!(
        (from.id.0, from.is_bot, from.username.as_deref()),
        (ALICE as u64, false, Some("alice"))
    );
    assert_eq!(from.language_code.as_deref(), Some("en"));
    // Confirmed by the offset: not handed out again.
    assert!(updates(&bot, &mut offset).await.is_empty());
    assert_eq!(standin.updates_pushed(), 2);

    let texts: Vec<(bool, String)> = standin
        .chat(ALICE)
        .into_iter()
        .map(|m| (m.from_bot, m.text))
        .collect();
    assert_eq!(
        texts,
        vec![
            (false, "/start".to_owned()),
            (true, "Welcome".to_owned()),
            (false, "thanks".to_owned())
        ]
    );
    assert_eq!(standin.say(ALICE, "  "), Err(Refused::BadText));
    assert_eq!(standin.say(ALICE, &"x".repeat(4097)), Err(Refused::BadText));
    assert!(standin.say(ALICE, &"x".repeat(4096)).is_ok());
    assert_eq!(standin.say(777, "hi"), Err(Refused::NoSuchUser));
}

#[tokio::test]
async fn a_press_hands_the_bot_a_callback_query_carrying_the_message() {
    let (standin, _serving, bot) = start(standin::Options::default()).await;
    let mut offset = 0;
    let card = bot
        .send_message(ChatId(ALICE), "Mug, 10 €")
        .reply_markup(keyboard())
        .await
        .unwrap();
    let id = i64::from(card.id.0);

    assert_eq!(
        standin.press(ALICE, id, "buy:2"),
        Err(Refused::NoSuchButton)
    );
    assert_eq!(standin.press(BOB, id, "buy:1"), Err(Refused::NoSuchButton));
    assert_eq!(
        standin.press(ALICE, id + 1, "buy:1"),
        Err(Refused::NoSuchButton)
    );
    assert_eq!(
        standin.press(ALICE, id, "https://example.com/"),
        Err(Refused::NoSuchButton)
    );
    assert_eq!(standin.press(42, id, "buy:1"), Err(Refused::NoSuchUser));
    standin.press(ALICE, id, "buy:1").unwrap();

    let got = updates(&bot, &mut offset).await;
    let [UpdateKind::CallbackQuery(q)] = got.as_slice() else {
        panic!("{got:?}")
    };
    assert_eq!(q.data.as_deref(), Some("buy:1"));
    assert_eq!(q.from.id.0, ALICE as u64);
    let message = q.message.as_ref().unwrap().regular_message().unwrap();
    assert_eq!(message.id, card.id);
    assert_eq!(message.text(), Some("Mug, 10 €"));
    assert_eq!(message.reply_markup(), Some(&keyboard()));

    // The bot's notice for the press, and its typing, reach live views.
    let mut changes = standin.subscribe();
    bot.answer_callback_query(q.id.clone())
        .text("Added")
        .await
        .unwrap();
    bot.answer_callback_query(CallbackQueryId("unknown".into()))
        .text("nobody")
        .await
        .unwrap();
    bot.send_chat_action(ChatId(ALICE), ChatAction::Typing)
        .await
        .unwrap();
    assert_eq!(
        changes.recv().await.unwrap(),
        Change::Toast {
            chat: ALICE,
            text: "Added".into()
        }
    );
    assert_eq!(changes.recv().await.unwrap(), Change::Typing(ALICE));
}

#[tokio::test]
async fn edits_replace_the_message_and_deletes_remove_it() {
    let (standin, _serving, bot) = start(standin::Options::default()).await;
    let card = bot
        .send_message(ChatId(ALICE), "Cart: 1 mug")
        .reply_markup(keyboard())
        .await
        .unwrap();

    let edited = bot
        .edit_message_text(ChatId(ALICE), card.id, "Cart: 2 mugs")
        .reply_markup(keyboard())
        .await
        .unwrap();
    assert_eq!(edited.id, card.id);
    assert_eq!(edited.text(), Some("Cart: 2 mugs"));
    assert!(edited.edit_date().is_some());
    let chat = standin.chat(ALICE);
    assert_eq!((chat.len(), chat[0].text.as_str()), (1, "Cart: 2 mugs"));
    assert!(chat[0].edited && !chat[0].keyboard.is_empty());

    // Without reply_markup the keyboard goes, as on Telegram.
    bot.edit_message_text(ChatId(ALICE), card.id, "Paid")
        .await
        .unwrap();
    assert!(standin.chat(ALICE)[0].keyboard.is_empty());
    let again = bot
        .edit_message_reply_markup(ChatId(ALICE), card.id)
        .reply_markup(keyboard())
        .await
        .unwrap();
    assert_eq!(again.reply_markup(), Some(&keyboard()));
    assert_eq!(standin.chat(ALICE)[0].text, "Paid");
    assert_eq!(standin.chat(ALICE)[0].keyboard.len(), 1);

    let missing = bot
        .edit_message_text(ChatId(ALICE), MessageId(card.id.0 + 100), "x")
        .await;
    assert!(missing.is_err(), "{missing:?}");
    let caption = bot
        .edit_message_caption(ChatId(ALICE), card.id)
        .caption("c")
        .await;
    assert!(caption.is_err(), "a text message has no caption");

    bot.delete_message(ChatId(ALICE), card.id).await.unwrap();
    assert!(standin.chat(ALICE).is_empty());
    assert!(bot.delete_message(ChatId(ALICE), card.id).await.is_err());
    // In chats of nobody known, edits and deletes are only recorded.
    bot.edit_message_text(ChatId(999), MessageId(5), "x")
        .await
        .unwrap();
    bot.delete_message(ChatId(999), MessageId(5)).await.unwrap();
}

#[tokio::test]
async fn telegrams_limits_on_texts_hold_in_known_chats() {
    let (_standin, _serving, bot) = start(standin::Options::default()).await;
    assert!(bot.send_message(ChatId(ALICE), "").await.is_err());
    assert!(
        bot.send_message(ChatId(ALICE), "x".repeat(4097))
            .await
            .is_err()
    );
    assert!(
        bot.send_message(ChatId(ALICE), "я".repeat(4096))
            .await
            .is_ok()
    );
}
