//! People in Telegram, as the fake Bot API sees them: the updates they send (messages, button
//! presses, receipts) and what the bot sent them back.
use std::sync::atomic::{AtomicI64, Ordering};

use serde_json::{Value, json};
use testkit::fake_telegram::{Call, FakeTelegram};

/// Someone writing to the bot from a private chat (chat id = user id).
#[derive(Clone, Copy, Debug)]
pub struct Person {
    pub id: i64,
    pub name: &'static str,
    /// Telegram's `language_code`, which the bot answers in.
    pub lang: &'static str,
}

impl Person {
    pub const fn new(id: i64, name: &'static str, lang: &'static str) -> Person {
        Person { id, name, lang }
    }

    pub fn lang(&self) -> i18n::Lang {
        i18n::Lang::from_tag(self.lang)
    }

    fn from(&self) -> Value {
        json!({
            "id": self.id, "is_bot": false, "first_name": self.name, "username": self.name,
            "language_code": self.lang
        })
    }

    fn chat(&self) -> Value {
        json!({ "id": self.id, "type": "private", "first_name": self.name })
    }
}

static NEXT_ID: AtomicI64 = AtomicI64::new(1);

fn next_id() -> i64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// A private message from `who` reaches the bot (through getUpdates); `content` adds the
/// message's fields (`text`, `document`, ...).
pub fn message(api: &FakeTelegram, who: &Person, content: Value) {
    let mut message = json!({
        "message_id": next_id(), "date": 1_700_000_000, "chat": who.chat(), "from": who.from(),
    });
    if let (Some(m), Some(extra)) = (message.as_object_mut(), content.as_object()) {
        m.extend(extra.clone());
    }
    api.push_update(json!({ "message": message }));
}

pub fn text(api: &FakeTelegram, who: &Person, text: &str) {
    message(api, who, json!({ "text": text }));
}

/// `who` presses a button with `data` under one of the bot's messages.
pub fn press(api: &FakeTelegram, who: &Person, data: &str) {
    api.push_update(json!({
        "callback_query": {
            "id": format!("cb{}", next_id()), "from": who.from(), "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": 1, "date": 1_700_000_000, "chat": who.chat(), "text": "card"
            }
        }
    }));
}

/// `who` sends a JPEG receipt as a document, as Telegram delivers it; `seed` makes its bytes
/// (and so its hash) differ from other receipts'.
pub fn send_receipt(api: &FakeTelegram, who: &Person, file_id: &str, seed: u32) {
    let bytes = testkit::files::jpeg(640 + seed % 200, 480 + seed / 200 % 200);
    let size = bytes.len();
    api.add_file(file_id, bytes);
    message(
        api,
        who,
        json!({ "document": {
            "file_id": file_id, "file_unique_id": format!("u-{file_id}"), "file_size": size,
            "file_name": "receipt.jpg", "mime_type": "image/jpeg"
        }}),
    );
}

/// What the bot sent or edited in `chat`, in order.
pub fn sent_to(api: &FakeTelegram, chat: i64) -> Vec<Call> {
    api.calls()
        .into_iter()
        .filter(|c| {
            matches!(
                c.method.as_str(),
                "sendmessage" | "sendphoto" | "senddocument" | "editmessagetext"
            ) && chat_of(c) == Some(chat)
        })
        .collect()
}

pub fn chat_of(call: &Call) -> Option<i64> {
    let id = &call.body["chat_id"];
    id.as_i64().or_else(|| id.as_str()?.parse().ok())
}

/// The text (or caption) of a send.
pub fn text_of(call: &Call) -> &str {
    call.body["text"]
        .as_str()
        .or(call.body["caption"].as_str())
        .unwrap_or("")
}

/// The callback data of a send's inline buttons.
pub fn buttons(call: &Call) -> Vec<String> {
    let markup = match &call.body["reply_markup"] {
        // Multipart sends carry it as a JSON string.
        Value::String(s) => serde_json::from_str(s).unwrap_or(Value::Null),
        other => other.clone(),
    };
    markup["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|b| b["callback_data"].as_str().map(str::to_owned))
        .collect()
}

/// How many times the bot sent `chat` exactly `text`.
pub fn count_texts(api: &FakeTelegram, chat: i64, text: &str) -> usize {
    sent_to(api, chat)
        .iter()
        .filter(|c| text_of(c) == text)
        .count()
}

/// Updates a later `getUpdates` acknowledged (so Telegram will not deliver them again) that
/// the bot never finished handling (not marked handled in `telegram_inbox`); with how many
/// were handled.
pub async fn unhandled_updates(
    api: &FakeTelegram,
    db: &sea_orm::DatabaseConnection,
) -> (usize, Vec<i64>) {
    use sea_orm::EntityTrait;
    let handled: std::collections::BTreeSet<i64> = entity::telegram_inbox::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.handled_at.is_some())
        .map(|u| u.update_id)
        .collect();
    let confirmed = api
        .calls()
        .iter()
        .filter(|c| c.method == "getupdates")
        .filter_map(|c| c.body["offset"].as_i64())
        .max()
        .unwrap_or(0);
    let lost = (1..=api.updates_pushed())
        .filter(|id| !handled.contains(id) && *id < confirmed)
        .collect();
    (handled.len(), lost)
}
