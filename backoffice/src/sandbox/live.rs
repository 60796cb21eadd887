//! `GET /sandbox/events?customer=…&staff=…`: the two shown chats, live. Each change of the
//! stand-in becomes an event the page swaps in: `chat-<id>` (the re-rendered messages),
//! `typing-<id>`, `toast-<id>` (a button's notice) and `faults` (the panel). A client that
//! connects, or fell behind, gets everything it shows afresh. The stream ends when the client goes away
//! (a keep-alive that cannot be written) or the stand-in does.
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::StreamExt;
use futures::stream::{self, Stream};
use standin::Change;
use tokio::sync::broadcast::{self, error::RecvError};

use super::reply::{Asker, Shown};
use super::view::chat_html;
use super::{Sandbox, Sb, cast, faults};
use crate::AppState;
use crate::html::escape;
use crate::page::Tr;

pub(crate) async fn events(
    State(state): State<AppState>,
    Sb(sb): Sb,
    asker: Asker,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut watch = Watch {
        rx: sb.standin.subscribe(),
        state: state.clone(),
        sb,
        tr: asker.tr,
        shown: asker.shown,
        queue: VecDeque::new(),
    };
    // What changed between rendering the page and connecting (or while reconnecting) would
    // be lost: the stream starts with what the page shows, afresh.
    watch.catch_up().await;
    let stream = stream::unfold(watch, |mut w| async move {
        let next = w.next().await?;
        Some((Ok(next), w))
    })
    .take_until(state.stopping());
    Sse::new(stream).keep_alive(KeepAlive::new().interval(state.live_tick))
}

/// One open stream.
struct Watch {
    rx: broadcast::Receiver<Change>,
    state: AppState,
    sb: Arc<Sandbox>,
    tr: Tr,
    shown: Shown,
    /// Events made but not sent yet (a catch-up after lagging makes several).
    queue: VecDeque<Event>,
}

impl Watch {
    fn shows(&self, user: i64) -> bool {
        self.shown.customer == Some(user) || self.shown.staff == Some(user)
    }

    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some(event);
            }
            match self.rx.recv().await {
                Ok(change) => {
                    if let Some(event) = self.event(change).await {
                        return Some(event);
                    }
                }
                Err(RecvError::Lagged(_)) => self.catch_up().await,
                Err(RecvError::Closed) => return None,
            }
        }
    }

    /// Everything the page shows, afresh.
    async fn catch_up(&mut self) {
        for user in [self.shown.customer, self.shown.staff]
            .into_iter()
            .flatten()
        {
            if let Some(event) = self.chat(user) {
                self.queue.push_back(event);
            }
        }
        if let Some(event) = self.faults().await {
            self.queue.push_back(event);
        }
    }

    async fn event(&self, change: Change) -> Option<Event> {
        match change {
            Change::Chat(user) if self.shows(user) => self.chat(user),
            Change::Typing(user) if self.shows(user) => Some(
                Event::default()
                    .event(format!("typing-{user}"))
                    .data(format!(
                        "<span class=\"typing\">{}</span>",
                        escape(&self.tr.t("sandbox-typing"))
                    )),
            ),
            Change::Toast { chat, text } if self.shows(chat) => Some(
                Event::default()
                    .event(format!("toast-{chat}"))
                    .data(format!(
                        "<div class=\"toast\" role=\"status\">{}</div>",
                        escape(&text.replace(['\r', '\n'], " "))
                    )),
            ),
            Change::Faults => self.faults().await,
            _ => None,
        }
    }

    fn chat(&self, user: i64) -> Option<Event> {
        match chat_html(&self.sb.standin, user, self.tr, &self.shown) {
            Ok(html) => Some(Event::default().event(format!("chat-{user}")).data(html)),
            Err(e) => {
                tracing::warn!(error = ?e, "sandbox chat could not be rendered");
                None
            }
        }
    }

    async fn faults(&self) -> Option<Event> {
        let html = match cast::cast(&self.state, &self.sb).await {
            Ok(players) => faults::state_html(&self.sb, self.tr, &players),
            Err(e) => Err(e),
        };
        match html {
            Ok(html) => Some(Event::default().event("faults").data(html)),
            Err(e) => {
                tracing::warn!(error = ?e, "sandbox faults could not be rendered");
                None
            }
        }
    }
}
