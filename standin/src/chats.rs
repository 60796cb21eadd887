//! Simulated users and their private chats with the bot.
use chrono::{DateTime, Utc};

/// A simulated Telegram user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub first_name: String,
    pub username: Option<String>,
    /// Telegram's `language_code` (`en`, `ru`, `uk`, ...).
    pub language: String,
}

/// One message in a private chat, from the user or from the bot.
#[derive(Clone, Debug)]
pub struct ChatMessage {
    pub id: i64,
    pub from_bot: bool,
    /// The text, or a media message's caption (may be empty).
    pub text: String,
    pub media: Option<Media>,
    /// The inline keyboard under it, row by row.
    pub keyboard: Vec<Vec<Button>>,
    pub edited: bool,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    Photo,
    Document,
}

#[derive(Clone, Debug)]
pub struct Media {
    pub kind: MediaKind,
    pub file_id: String,
    pub file_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Button {
    pub text: String,
    pub action: ButtonAction,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ButtonAction {
    Callback(String),
    Url(String),
}

use serde_json::{Value, json};

use crate::files::Files;

impl User {
    /// As Telegram describes a user to the bot.
    pub(crate) fn json(&self) -> Value {
        let mut user = json!({
            "id": self.id, "is_bot": false, "first_name": self.first_name,
            "language_code": self.language,
        });
        if let (Some(name), Some(obj)) = (&self.username, user.as_object_mut()) {
            obj.insert("username".to_owned(), json!(name));
        }
        user
    }

    /// The user's private chat with the bot.
    pub(crate) fn chat_json(&self) -> Value {
        let mut chat = json!({ "id": self.id, "type": "private", "first_name": self.first_name });
        if let (Some(name), Some(obj)) = (&self.username, chat.as_object_mut()) {
            obj.insert("username".to_owned(), json!(name));
        }
        chat
    }
}

/// A private chat with nobody the stand-in knows.
pub(crate) fn stranger_chat_json(id: i64) -> Value {
    json!({ "id": id, "type": "private", "first_name": "someone" })
}

/// The inline keyboard of a `reply_markup` (an object, or a JSON string as in multipart
/// forms); reply keyboards and anything unreadable have none. Buttons that neither call back
/// nor open a link are left out.
pub(crate) fn keyboard_of(markup: Option<&Value>) -> Vec<Vec<Button>> {
    let Some(markup) = inline_markup(markup) else {
        return Vec::new();
    };
    markup["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .map(|row| row.iter().filter_map(button_of).collect::<Vec<_>>())
        .filter(|row| !row.is_empty())
        .collect()
}

/// The `reply_markup` as an object, if it is an inline keyboard.
pub(crate) fn inline_markup(markup: Option<&Value>) -> Option<Value> {
    let markup = match markup? {
        Value::String(s) => serde_json::from_str(s).ok()?,
        other => other.clone(),
    };
    markup["inline_keyboard"].is_array().then_some(markup)
}

fn button_of(button: &Value) -> Option<Button> {
    let text = button["text"].as_str()?.to_owned();
    let action = if let Some(data) = button["callback_data"].as_str() {
        ButtonAction::Callback(data.to_owned())
    } else {
        ButtonAction::Url(button["url"].as_str()?.to_owned())
    };
    Some(Button { text, action })
}

/// A keyboard as Telegram's `InlineKeyboardMarkup`.
pub(crate) fn keyboard_json(keyboard: &[Vec<Button>]) -> Value {
    let rows: Vec<Vec<Value>> = keyboard
        .iter()
        .map(|row| {
            row.iter()
                .map(|b| match &b.action {
                    ButtonAction::Callback(data) => {
                        json!({ "text": b.text, "callback_data": data })
                    }
                    ButtonAction::Url(url) => json!({ "text": b.text, "url": url }),
                })
                .collect()
        })
        .collect();
    json!({ "inline_keyboard": rows })
}

/// A message as Telegram's `Message`, in `chat`, sent by `from`; its keyboard as
/// `reply_markup` unless one is given.
pub(crate) fn message_json(
    msg: &ChatMessage,
    chat: Value,
    from: Value,
    files: &Files,
    reply_markup: Option<Value>,
) -> Value {
    let mut out = serde_json::Map::new();
    out.insert("message_id".to_owned(), json!(msg.id));
    out.insert("date".to_owned(), json!(msg.at.timestamp()));
    out.insert("chat".to_owned(), chat);
    out.insert("from".to_owned(), from);
    if msg.edited {
        out.insert(
            "edit_date".to_owned(),
            json!(chrono::Utc::now().timestamp()),
        );
    }
    match &msg.media {
        None => {
            out.insert("text".to_owned(), json!(msg.text));
        }
        Some(media) => {
            let (key, value) = media_json(media, files);
            out.insert(key.to_owned(), value);
            if !msg.text.is_empty() {
                out.insert("caption".to_owned(), json!(msg.text));
            }
        }
    }
    let markup =
        reply_markup.or_else(|| (!msg.keyboard.is_empty()).then(|| keyboard_json(&msg.keyboard)));
    if let Some(markup) = markup {
        out.insert("reply_markup".to_owned(), markup);
    }
    Value::Object(out)
}

/// `("photo", [PhotoSize])` or `("document", Document)`; a file no longer stored has size 0.
fn media_json(media: &Media, files: &Files) -> (&'static str, Value) {
    let entry = files.get(&media.file_id);
    let size = entry.map_or(0, |e| e.file.bytes.len());
    let unique = format!("u-{}", media.file_id);
    match media.kind {
        MediaKind::Photo => {
            let (width, height) = entry.map_or((0, 0), |e| (e.width, e.height));
            let size = json!({
                "file_id": media.file_id, "file_unique_id": unique,
                "width": width, "height": height, "file_size": size,
            });
            ("photo", json!([size]))
        }
        MediaKind::Document => {
            let mime = entry.map_or("application/octet-stream", |e| e.file.mime.as_str());
            let mut doc = json!({
                "file_id": media.file_id, "file_unique_id": unique,
                "mime_type": mime, "file_size": size,
            });
            if let (Some(name), Some(obj)) = (&media.file_name, doc.as_object_mut()) {
                obj.insert("file_name".to_owned(), json!(name));
            }
            ("document", doc)
        }
    }
}
