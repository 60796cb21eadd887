//! A Telegram Bot API stand-in on loopback, in the same process as whoever starts it. The real
//! bot (teloxide, pointed here with `set_api_url`) talks to it as to Telegram. It is both the
//! test suite's fake Bot API and the sandbox's Telegram:
//!
//! - **Bot API** ([`Standin::router`]): `getMe`, `getUpdates` (long polling), `sendMessage`,
//!   `sendPhoto`, `sendDocument` (JSON or multipart with the file), `editMessageText`,
//!   `editMessageCaption`, `editMessageReplyMarkup`, `deleteMessage`, `answerCallbackQuery`,
//!   `sendChatAction`, `getFile` and file downloads, `setWebhook` / `deleteWebhook` /
//!   `getWebhookInfo`, `setMyCommands`; anything else answers `true`.
//! - **People** ([`Standin::add_user`], [`Standin::say`], [`Standin::send_file`],
//!   [`Standin::press`]): simulated Telegram users whose messages, files and button presses
//!   become updates for the bot, and whose private chats keep both sides of the conversation
//!   ([`Standin::chat`]), with a [`Change`] broadcast for live views.
//! - **Faults** ([`Standin::inject`]): the bot's next calls answered 429 with `retry_after`,
//!   403 "bot was blocked by the user", or held until they time out.
//! - **Recording** ([`Standin::calls`]): every call the bot made, for tests.
//!
//! Everything it keeps is bounded ([`Options`]): it may face a browser on loopback.
mod api;
mod chats;
mod faults;
mod files;
mod messages;
mod multipart;
mod people;
mod rate;
mod state;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::broadcast;

pub use chats::{Button, ButtonAction, ChatMessage, Media, MediaKind, User};
pub use faults::{Fault, FaultHit, FaultKind};
pub use files::StoredFile;

/// One request the bot made.
#[derive(Clone, Debug)]
pub struct Call {
    /// Lower-cased: `sendmessage`, `setwebhook`.
    pub method: String,
    /// The JSON body; for multipart uploads, the form's text fields.
    pub body: Value,
}

/// What changed, for live views.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A message appeared, was edited or deleted in this user's chat.
    Chat(i64),
    /// The bot is "typing" (or sending a photo, ...) in this user's chat.
    Typing(i64),
    /// The bot answered a button press with a notice (`answerCallbackQuery` text).
    Toast { chat: i64, text: String },
    /// A user was added.
    Users,
    /// A fault was injected or used.
    Faults,
}

/// Limits and identity.
#[derive(Clone, Debug)]
pub struct Options {
    /// What `getMe` answers.
    pub bot_id: i64,
    pub bot_username: String,
    pub bot_name: String,
    /// Messages kept per chat (the oldest are dropped).
    pub history: usize,
    /// Calls kept for [`Standin::calls`] (the oldest are dropped); also the most updates kept
    /// waiting for `getUpdates`.
    pub max_calls: usize,
    /// The largest file a user or the bot may send.
    pub max_file_bytes: usize,
    /// All files together; the oldest are dropped beyond this.
    pub max_stored_bytes: usize,
    /// How long a call hit by [`FaultKind::Timeout`] (or [`Standin::hang`]) is held before
    /// the connection is answered with an error.
    pub hold: std::time::Duration,
}

impl Default for Options {
    /// What the tests use: a generous history, and holds longer than any client waits.
    fn default() -> Self {
        Options {
            bot_id: 123_456,
            bot_username: "vitrina_test_bot".to_owned(),
            bot_name: "Vitrina".to_owned(),
            history: 1_000,
            max_calls: 100_000,
            max_file_bytes: 50 * 1024 * 1024,
            max_stored_bytes: 512 * 1024 * 1024,
            hold: std::time::Duration::from_secs(600),
        }
    }
}

impl Options {
    /// The sandbox's: short history and holds, modest memory.
    pub fn sandbox() -> Self {
        Options {
            bot_id: 7_000_000_001,
            bot_username: "vitrina_sandbox_bot".to_owned(),
            bot_name: "Vitrina Sandbox".to_owned(),
            history: 200,
            max_calls: 2_000,
            max_file_bytes: 20 * 1024 * 1024,
            max_stored_bytes: 256 * 1024 * 1024,
            hold: std::time::Duration::from_secs(30),
        }
    }
}

/// Why a simulated user's action was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    NoSuchUser,
    /// The message is not in this user's chat, or has no button with that data.
    NoSuchButton,
    TooLarge,
    /// Empty text, or longer than Telegram's 4096 characters.
    BadText,
}

/// The stand-in; clones share it.
#[derive(Clone)]
pub struct Standin {
    shared: Arc<Shared>,
}

struct Shared {
    options: Options,
    state: Mutex<State>,
    changes: broadcast::Sender<Change>,
}

#[derive(Default)]
struct State {
    /// Oldest first, at most [`Options::max_calls`].
    calls: VecDeque<Call>,
    /// Updates not yet confirmed by a `getUpdates` offset past them (at most
    /// [`Options::max_calls`]: the oldest are dropped).
    updates: VecDeque<Value>,
    last_update_id: i64,
    /// Shared by the bot's messages and the users'.
    last_message_id: i64,
    files: files::Files,
    rate: rate::Rate,
    users: BTreeMap<i64, User>,
    /// Known users' chats, oldest message first.
    chats: HashMap<i64, VecDeque<ChatMessage>>,
    /// Recent button presses: callback query id -> the chat it came from.
    presses: VecDeque<(String, i64)>,
    last_press: u64,
    faults: faults::Faults,
    /// What `setWebhook` set.
    webhook: String,
}

/// A stand-in serving on a loopback port; stops serving when dropped.
pub struct Serving {
    /// Give this to the bot as its API URL (`http://127.0.0.1:<port>`).
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Standin {
    pub fn new(options: Options) -> Standin {
        let (changes, _) = broadcast::channel(256);
        Standin {
            shared: Arc::new(Shared {
                options,
                state: Mutex::new(State::default()),
                changes,
            }),
        }
    }

    pub fn options(&self) -> &Options {
        &self.shared.options
    }

    /// The Bot API: `POST /bot<token>/<method>` and `GET /file/bot<token>/<path>`.
    pub fn router(&self) -> axum::Router {
        api::router(self.clone())
    }

    /// Serves [`Self::router`] on `127.0.0.1` and a free port.
    pub async fn serve_loopback(&self) -> std::io::Result<Serving> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let app = self.router();
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!(error = %e, "the Telegram stand-in stopped serving");
            }
        });
        Ok(Serving { url, task })
    }

    // --- recording and test controls -------------------------------------------------------

    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().calls.iter().cloned().collect()
    }

    /// How many of the recorded calls (at most [`Options::max_calls`]) were to `method`
    /// (lowercase), counted in place: polling this is cheap, unlike [`Self::calls`].
    pub fn count_calls(&self, method: &str) -> usize {
        let shared = self.shared.lock();
        shared.calls.iter().filter(|c| c.method == method).count()
    }

    /// `(chat_id, text)` of every sendMessage.
    pub fn sent_texts(&self) -> Vec<(i64, String)> {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.method == "sendmessage")
            .map(|c| {
                (
                    messages::int(&c.body["chat_id"]).unwrap_or(0),
                    c.body["text"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    }

    /// Answers the next `times` calls of `method` with 429, asking to retry after a second.
    pub fn throttle(&self, method: &str, times: u32) {
        self.inject(Fault {
            kind: FaultKind::TooManyRequests { retry_after: 1 },
            method: Some(method.to_ascii_lowercase()),
            chat: None,
            times,
        });
    }

    /// Records the next `times` calls of `method` but answers them only after
    /// [`Options::hold`].
    pub fn hang(&self, method: &str, times: u32) {
        self.inject(Fault {
            kind: FaultKind::Timeout,
            method: Some(method.to_ascii_lowercase()),
            chat: None,
            times,
        });
    }

    /// Enforces Telegram's sending limits from now on (429 with `retry_after: 1`).
    pub fn enforce_rate_limits(&self, overall_per_sec: u32, per_chat_per_sec: u32) {
        self.shared
            .lock()
            .rate
            .enforce(overall_per_sec, per_chat_per_sec);
    }

    /// How many sends [`Self::enforce_rate_limits`] refused.
    pub fn rate_limited(&self) -> u32 {
        self.shared.lock().rate.refused
    }

    /// Queues a raw update for `getUpdates`, numbering it; returns its `update_id`.
    pub fn push_update(&self, update: Value) -> i64 {
        let max = self.shared.options.max_calls;
        self.shared.lock().push_update(update, max)
    }

    /// Numbers the next updates after `last` (when it is higher than the last one so far): a
    /// bot that remembers the updates it handled would otherwise skip a restarted stand-in's.
    pub fn number_updates_after(&self, last: i64) {
        let mut state = self.shared.lock();
        state.last_update_id = state.last_update_id.max(last);
    }

    /// How many updates were queued so far (also the last one's `update_id`).
    pub fn updates_pushed(&self) -> i64 {
        self.shared.lock().last_update_id
    }

    /// A file the bot can fetch with `getFile` and download.
    pub fn add_file(&self, file_id: &str, bytes: Vec<u8>) {
        let max = self.shared.options.max_stored_bytes;
        self.shared
            .lock()
            .files
            .insert(file_id, bytes.into(), None, None, max);
    }

    /// A file whose `getFile` answer claims `declared` bytes, whatever the download serves.
    pub fn add_lying_file(&self, file_id: &str, declared: usize, bytes: Vec<u8>) {
        let max = self.shared.options.max_stored_bytes;
        self.shared
            .lock()
            .files
            .insert(file_id, bytes.into(), None, Some(declared), max);
    }

    // --- people and chats ------------------------------------------------------------------

    /// Adds (or renames) a simulated user; their private chat has their id.
    pub fn add_user(&self, user: User) {
        {
            let mut state = self.shared.lock();
            state.chats.entry(user.id).or_default();
            state.users.insert(user.id, user);
        }
        self.shared.tell(Change::Users);
    }

    pub fn users(&self) -> Vec<User> {
        self.shared.lock().users.values().cloned().collect()
    }

    pub fn user(&self, id: i64) -> Option<User> {
        self.shared.lock().users.get(&id).cloned()
    }

    /// The user writes `text` to the bot; answers the message's id.
    pub fn say(&self, user: i64, text: &str) -> Result<i64, Refused> {
        people::say(&self.shared, user, text)
    }

    /// The user sends a photo (compressed, as Telegram does: `photo` sizes) or a file
    /// (`document`), with an optional caption; answers the message's id.
    pub fn send_file(
        &self,
        user: i64,
        kind: MediaKind,
        file_name: &str,
        bytes: Vec<u8>,
        caption: Option<&str>,
    ) -> Result<i64, Refused> {
        people::send_file(&self.shared, user, kind, file_name, bytes, caption)
    }

    /// The user presses the button with `data` under message `message_id` of their chat.
    pub fn press(&self, user: i64, message_id: i64, data: &str) -> Result<(), Refused> {
        people::press(&self.shared, user, message_id, data)
    }

    /// The user's private chat with the bot, oldest first (at most [`Options::history`]).
    pub fn chat(&self, user: i64) -> Vec<ChatMessage> {
        self.shared
            .lock()
            .chats
            .get(&user)
            .map(|c| c.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// A file sent by a user or by the bot.
    pub fn file(&self, file_id: &str) -> Option<StoredFile> {
        self.shared
            .lock()
            .files
            .get(file_id)
            .map(|e| e.file.clone())
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.shared.changes.subscribe()
    }

    // --- faults ----------------------------------------------------------------------------

    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.inject(fault);
        self.shared.tell(Change::Faults);
    }

    /// Faults still waiting for calls.
    pub fn pending_faults(&self) -> Vec<Fault> {
        self.shared.lock().faults.pending.iter().cloned().collect()
    }

    /// The latest calls a fault hit, newest first (at most 50).
    pub fn fault_log(&self) -> Vec<FaultHit> {
        self.shared.lock().faults.log.iter().cloned().collect()
    }
}
