//! What each Bot API method does to the stand-in's state, and what it answers.
use chrono::Utc;
use serde_json::{Value, json};

use crate::chats::{self, ChatMessage, Media, MediaKind};
use crate::multipart::Params;
use crate::{Change, Shared, State};

/// Telegram's limits on a message's text and a media message's caption.
pub(crate) const MAX_TEXT: usize = 4096;
pub(crate) const MAX_CAPTION: usize = 1024;

/// An error answer: `error_code`, `description` and, for 429, `parameters.retry_after`.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub code: u16,
    pub description: String,
    pub retry_after: Option<u32>,
}

impl ApiError {
    pub fn new(code: u16, description: &str) -> ApiError {
        ApiError {
            code,
            description: description.to_owned(),
            retry_after: None,
        }
    }

    /// 400 `Bad Request: <why>`.
    pub fn bad(why: &str) -> ApiError {
        ApiError::new(400, &format!("Bad Request: {why}"))
    }
}

/// A number, or a string holding one (multipart and url-encoded values are strings).
pub(crate) fn int(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str()?.trim().parse().ok())
}

fn flag(v: &Value) -> bool {
    v.as_bool().unwrap_or(false) || v.as_str() == Some("true")
}

fn text_of(v: &Value) -> String {
    v.as_str().unwrap_or("").to_owned()
}

/// Answers `method`; the call was recorded and no fault or limit stopped it.
pub(crate) fn handle(shared: &Shared, method: &str, params: Params) -> Result<Value, ApiError> {
    let f = &params.fields;
    match method {
        "getme" => {
            let mut me = shared.bot_json();
            if let Some(obj) = me.as_object_mut() {
                for key in [
                    "can_join_groups",
                    "can_read_all_group_messages",
                    "supports_inline_queries",
                    "can_connect_to_business",
                    "has_main_web_app",
                ] {
                    obj.insert(key.to_owned(), json!(false));
                }
            }
            Ok(me)
        }
        "getwebhookinfo" => {
            let state = shared.lock();
            Ok(json!({
                "url": state.webhook, "has_custom_certificate": false,
                "pending_update_count": state.updates.len()
            }))
        }
        "setwebhook" => {
            shared.lock().webhook = text_of(&f["url"]);
            Ok(json!(true))
        }
        "deletewebhook" => {
            let mut state = shared.lock();
            state.webhook.clear();
            if flag(&f["drop_pending_updates"]) {
                state.updates.clear();
            }
            Ok(json!(true))
        }
        "getfile" => get_file(&shared.lock(), f),
        "sendmessage" => send_message(shared, f),
        "sendphoto" => send_media(shared, MediaKind::Photo, params),
        "senddocument" => send_media(shared, MediaKind::Document, params),
        "editmessagetext" | "editmessagecaption" | "editmessagereplymarkup" => {
            edit(shared, method, f)
        }
        "deletemessage" => delete(shared, f),
        "answercallbackquery" => {
            let id = text_of(&f["callback_query_id"]);
            let text = text_of(&f["text"]);
            let chat = {
                let state = shared.lock();
                state
                    .presses
                    .iter()
                    .find(|(p, _)| *p == id)
                    .map(|(_, c)| *c)
            };
            if let Some(chat) = chat
                && !text.is_empty()
            {
                shared.tell(Change::Toast { chat, text });
            }
            Ok(json!(true))
        }
        "sendchataction" => {
            let chat = int(&f["chat_id"]).unwrap_or(0);
            if shared.lock().users.contains_key(&chat) {
                shared.tell(Change::Typing(chat));
            }
            Ok(json!(true))
        }
        _ => Ok(json!(true)),
    }
}

fn get_file(state: &State, f: &Value) -> Result<Value, ApiError> {
    let id = f["file_id"].as_str().unwrap_or("");
    let entry = state
        .files
        .get(id)
        .ok_or_else(|| ApiError::bad("invalid file_id"))?;
    Ok(json!({
        "file_id": id, "file_unique_id": format!("u-{id}"),
        "file_size": entry.declared.unwrap_or(entry.file.bytes.len()),
        "file_path": format!("files/{id}")
    }))
}

/// Telegram's checks of a text (or caption, when `caption`) sent to a known user. With a
/// `parse_mode` the markup makes the raw text longer than what counts, so only emptiness is
/// checked.
fn check_text(f: &Value, text: &str, caption: bool) -> Result<(), ApiError> {
    let (max, too_long) = if caption {
        (MAX_CAPTION, "message caption is too long")
    } else {
        (MAX_TEXT, "message is too long")
    };
    if !caption && text.trim().is_empty() {
        return Err(ApiError::bad("message text is empty"));
    }
    if f["parse_mode"].is_null() && text.chars().count() > max {
        return Err(ApiError::bad(too_long));
    }
    Ok(())
}

/// A message in `chat` as Telegram's `Message`.
fn render(
    shared: &Shared,
    state: &State,
    chat: i64,
    msg: &ChatMessage,
    markup: Option<Value>,
) -> Value {
    let user = state.users.get(&chat);
    let chat_json = user.map_or_else(|| chats::stranger_chat_json(chat), |u| u.chat_json());
    let from = match user {
        Some(u) if !msg.from_bot => u.json(),
        _ => shared.bot_json(),
    };
    chats::message_json(msg, chat_json, from, &state.files, markup)
}

/// Keeps a bot's message in a known user's chat and tells live views.
fn deliver(
    shared: &Shared,
    mut state: std::sync::MutexGuard<'_, State>,
    chat: i64,
    msg: ChatMessage,
) {
    if state.users.contains_key(&chat) {
        state.keep(chat, msg, shared.options.history);
        drop(state);
        shared.tell(Change::Chat(chat));
    }
}

/// A new message from the bot: kept in a known user's chat; answers it as Telegram's JSON.
#[allow(clippy::too_many_arguments)]
fn from_bot(
    shared: &Shared,
    mut state: std::sync::MutexGuard<'_, State>,
    chat: i64,
    text: String,
    media: Option<Media>,
    keyboard: Vec<Vec<crate::Button>>,
    markup: Option<Value>,
) -> Value {
    let msg = ChatMessage {
        id: state.next_message_id(),
        from_bot: true,
        text,
        media,
        keyboard,
        edited: false,
        at: Utc::now(),
    };
    let answer = render(shared, &state, chat, &msg, markup);
    deliver(shared, state, chat, msg);
    answer
}

fn send_message(shared: &Shared, f: &Value) -> Result<Value, ApiError> {
    let chat = int(&f["chat_id"]).unwrap_or(0);
    let text = text_of(&f["text"]);
    let markup = chats::inline_markup(f.get("reply_markup"));
    let keyboard = chats::keyboard_of(markup.as_ref());
    let state = shared.lock();
    if state.users.contains_key(&chat) {
        check_text(f, &text, false)?;
    }
    Ok(from_bot(shared, state, chat, text, None, keyboard, markup))
}

/// The `file_id` a `photo`/`document` string names: itself, or the last part of a download
/// URL (`.../files/<file_id>`).
fn named_file(value: &str) -> &str {
    match value.rsplit_once("/files/") {
        Some((_, id)) if value.starts_with("http") => id,
        _ => value,
    }
}

fn send_media(shared: &Shared, kind: MediaKind, mut params: Params) -> Result<Value, ApiError> {
    let field = match kind {
        MediaKind::Photo => "photo",
        MediaKind::Document => "document",
    };
    let f = &params.fields;
    let chat = int(&f["chat_id"]).unwrap_or(0);
    let caption = text_of(&f["caption"]);
    let value = text_of(&f[field]);
    let upload = match value.strip_prefix("attach://") {
        Some(part) => params.uploads.remove(part),
        None => params.uploads.remove(field),
    };
    let markup = chats::inline_markup(f.get("reply_markup"));
    let keyboard = chats::keyboard_of(markup.as_ref());
    let mut state = shared.lock();
    let known = state.users.contains_key(&chat);
    if known {
        check_text(f, &caption, true)?;
    }
    let (file_id, file_name) = match upload {
        Some(upload) => {
            let id = state.files.new_id(field);
            let max = shared.options.max_stored_bytes;
            let name = upload.file_name;
            state
                .files
                .insert(&id, upload.bytes, name.clone(), None, max);
            (id, name)
        }
        None if value.is_empty() || value.starts_with("attach://") => {
            return Err(ApiError::bad(&format!(
                "there is no {field} in the request"
            )));
        }
        None => {
            let id = named_file(&value);
            match state.files.get(id) {
                Some(stored) => (id.to_owned(), stored.file.file_name.clone()),
                None if known => {
                    return Err(ApiError::bad("wrong file identifier/HTTP URL specified"));
                }
                // Not ours to check: a test's bot resending a file it was never given.
                None => (value.clone(), None),
            }
        }
    };
    let file_name = match kind {
        MediaKind::Photo => None,
        MediaKind::Document => file_name,
    };
    let media = Media {
        kind,
        file_id,
        file_name,
    };
    Ok(from_bot(
        shared,
        state,
        chat,
        caption,
        Some(media),
        keyboard,
        markup,
    ))
}

/// `editMessageText`, `editMessageCaption`, `editMessageReplyMarkup`: the message's new text,
/// caption or keyboard (any edit without `reply_markup` removes the keyboard, as Telegram's
/// do).
fn edit(shared: &Shared, method: &str, f: &Value) -> Result<Value, ApiError> {
    let Some(chat) = int(&f["chat_id"]) else {
        // An inline message: nothing of ours.
        return Ok(json!(true));
    };
    let id = int(&f["message_id"])
        .ok_or_else(|| ApiError::bad("message identifier is not specified"))?;
    let markup = chats::inline_markup(f.get("reply_markup"));
    let keyboard = chats::keyboard_of(markup.as_ref());
    let new_text = match method {
        "editmessagetext" => Some(text_of(&f["text"])),
        "editmessagecaption" => Some(text_of(&f["caption"])),
        _ => None,
    };
    let mut state = shared.lock();
    if !state.users.contains_key(&chat) {
        let msg = ChatMessage {
            id,
            from_bot: true,
            text: new_text.unwrap_or_default(),
            media: None,
            keyboard,
            edited: true,
            at: Utc::now(),
        };
        return Ok(render(shared, &state, chat, &msg, markup));
    }
    if let Some(text) = &new_text {
        check_text(f, text, method == "editmessagecaption")?;
    }
    let msg = state
        .chats
        .get_mut(&chat)
        .and_then(|c| c.iter_mut().find(|m| m.id == id && m.from_bot))
        .ok_or_else(|| ApiError::bad("message to edit not found"))?;
    match (method, msg.media.is_some()) {
        ("editmessagetext", true) => {
            return Err(ApiError::bad("there is no text in the message to edit"));
        }
        ("editmessagecaption", false) => {
            return Err(ApiError::bad("there is no caption in the message to edit"));
        }
        _ => {}
    }
    if let Some(text) = new_text {
        msg.text = text;
    }
    msg.keyboard = keyboard;
    msg.edited = true;
    let msg = msg.clone();
    let answer = render(shared, &state, chat, &msg, markup);
    drop(state);
    shared.tell(Change::Chat(chat));
    Ok(answer)
}

fn delete(shared: &Shared, f: &Value) -> Result<Value, ApiError> {
    let chat = int(&f["chat_id"]).unwrap_or(0);
    let id = int(&f["message_id"]).unwrap_or(0);
    let mut state = shared.lock();
    let Some(messages) = state.chats.get_mut(&chat) else {
        return Ok(json!(true));
    };
    let before = messages.len();
    messages.retain(|m| m.id != id);
    if messages.len() == before {
        return Err(ApiError::bad("message to delete not found"));
    }
    drop(state);
    shared.tell(Change::Chat(chat));
    Ok(json!(true))
}
