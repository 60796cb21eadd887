//! What simulated users do: write, send files, press buttons. Each becomes an update for the
//! bot and (but a press) a message in the user's chat.
use chrono::Utc;
use serde_json::json;

use crate::chats::{self, ButtonAction, ChatMessage, Media, MediaKind, User};
use crate::messages::{MAX_CAPTION, MAX_TEXT};
use crate::{Change, Refused, Shared, State};

fn known(state: &State, user: i64) -> Result<User, Refused> {
    state.users.get(&user).cloned().ok_or(Refused::NoSuchUser)
}

/// Keeps the user's message in their chat, hands it to the bot as a `message` update, and
/// tells live views; answers its id.
fn post(shared: &Shared, user: &User, msg: ChatMessage) -> i64 {
    let id = msg.id;
    {
        let mut state = shared.lock();
        let message = chats::message_json(&msg, user.chat_json(), user.json(), &state.files, None);
        state.push_update(json!({ "message": message }), shared.options.max_calls);
        state.keep(user.id, msg, shared.options.history);
    }
    shared.tell(Change::Chat(user.id));
    id
}

pub(crate) fn say(shared: &Shared, user: i64, text: &str) -> Result<i64, Refused> {
    let (user, id) = {
        let mut state = shared.lock();
        let user = known(&state, user)?;
        if text.trim().is_empty() || text.chars().count() > MAX_TEXT {
            return Err(Refused::BadText);
        }
        (user, state.next_message_id())
    };
    let msg = ChatMessage {
        id,
        from_bot: false,
        text: text.to_owned(),
        media: None,
        keyboard: Vec::new(),
        edited: false,
        at: Utc::now(),
    };
    Ok(post(shared, &user, msg))
}

pub(crate) fn send_file(
    shared: &Shared,
    user: i64,
    kind: MediaKind,
    file_name: &str,
    bytes: Vec<u8>,
    caption: Option<&str>,
) -> Result<i64, Refused> {
    let caption = caption.unwrap_or("");
    let (user, id, file_id) = {
        let mut state = shared.lock();
        let user = known(&state, user)?;
        if bytes.len() > shared.options.max_file_bytes {
            return Err(Refused::TooLarge);
        }
        if caption.chars().count() > MAX_CAPTION {
            return Err(Refused::BadText);
        }
        let file_id = state.files.new_id(match kind {
            MediaKind::Photo => "photo",
            MediaKind::Document => "document",
        });
        let name = (!file_name.is_empty()).then(|| file_name.to_owned());
        let max = shared.options.max_stored_bytes;
        state.files.insert(&file_id, bytes.into(), name, None, max);
        (user, state.next_message_id(), file_id)
    };
    let file_name = match kind {
        MediaKind::Photo => None,
        MediaKind::Document => (!file_name.is_empty()).then(|| file_name.to_owned()),
    };
    let msg = ChatMessage {
        id,
        from_bot: false,
        text: caption.to_owned(),
        media: Some(Media {
            kind,
            file_id,
            file_name,
        }),
        keyboard: Vec::new(),
        edited: false,
        at: Utc::now(),
    };
    Ok(post(shared, &user, msg))
}

pub(crate) fn press(
    shared: &Shared,
    user: i64,
    message_id: i64,
    data: &str,
) -> Result<(), Refused> {
    let mut state = shared.lock();
    let user = known(&state, user)?;
    let msg = state
        .chats
        .get(&user.id)
        .and_then(|c| c.iter().find(|m| m.id == message_id))
        .filter(|m| {
            m.keyboard
                .iter()
                .flatten()
                .any(|b| b.action == ButtonAction::Callback(data.to_owned()))
        })
        .cloned()
        .ok_or(Refused::NoSuchButton)?;
    let from = if msg.from_bot {
        shared.bot_json()
    } else {
        user.json()
    };
    let message = chats::message_json(&msg, user.chat_json(), from, &state.files, None);
    let id = state.press_id(user.id);
    let update = json!({ "callback_query": {
        "id": id, "from": user.json(), "chat_instance": format!("ci-{}", user.id),
        "data": data, "message": message,
    }});
    state.push_update(update, shared.options.max_calls);
    Ok(())
}
