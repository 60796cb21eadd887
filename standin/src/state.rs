//! The stand-in's state behind its lock, and the few things everything else does with it.
use std::sync::MutexGuard;

use serde_json::Value;

use crate::{Call, Change, ChatMessage, Shared, State};

/// How many button presses are remembered for `answerCallbackQuery` notices.
const PRESSES_KEPT: usize = 1_000;

impl State {
    pub(crate) fn next_message_id(&mut self) -> i64 {
        self.last_message_id += 1;
        self.last_message_id
    }

    pub(crate) fn record(&mut self, call: Call, max_calls: usize) {
        self.calls.push_back(call);
        while self.calls.len() > max_calls {
            self.calls.pop_front();
        }
    }

    /// Queues an update, numbering it; drops the oldest beyond `max`.
    pub(crate) fn push_update(&mut self, mut update: Value, max: usize) -> i64 {
        self.last_update_id += 1;
        let id = self.last_update_id;
        if let Some(obj) = update.as_object_mut() {
            obj.insert("update_id".to_owned(), serde_json::json!(id));
        }
        self.updates.push_back(update);
        while self.updates.len() > max.max(1) {
            self.updates.pop_front();
        }
        id
    }

    /// Adds a message to a known user's chat, dropping the oldest beyond `history`.
    pub(crate) fn keep(&mut self, chat: i64, message: ChatMessage, history: usize) {
        let messages = self.chats.entry(chat).or_default();
        messages.push_back(message);
        while messages.len() > history {
            messages.pop_front();
        }
    }

    /// A new callback query id for a press in `chat`, remembered for a while.
    pub(crate) fn press_id(&mut self, chat: i64) -> String {
        self.last_press += 1;
        let id = format!("{}", 4_200_000_000_000_000_u64 + self.last_press);
        self.presses.push_back((id.clone(), chat));
        while self.presses.len() > PRESSES_KEPT {
            self.presses.pop_front();
        }
        id
    }
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Tells live views; nobody listening is fine.
    pub(crate) fn tell(&self, change: Change) {
        let _ = self.changes.send(change);
    }

    /// The bot as Telegram describes it.
    pub(crate) fn bot_json(&self) -> Value {
        let o = &self.options;
        serde_json::json!({
            "id": o.bot_id, "is_bot": true, "first_name": o.bot_name, "username": o.bot_username,
        })
    }
}
