//! Live updates over SSE: the events of the person's stores their role may see, resuming after
//! `Last-Event-ID` from the outbox (the durable log) so a reconnect misses nothing, then live
//! from the hub ([`crate::sse_hub`]), which renders each event once for every stream; ended as
//! soon as their access is.
use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use domain::Ctx;
use domain::platform::events::{Published, outbox};
use futures::stream;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::auth::Person;
use crate::sse_hub::{Frame, FrameKind, KEEP_ALIVE, Session, render};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/events", get(events))
}

/// The last thing a stream sends when the server stops: reconnect in 2 s (to another instance,
/// or this one restarted), resuming by `Last-Event-ID` as always.
const RECONNECT: &[u8] = b"retry: 2000\n\n";

/// Outbox rows read at a time for a backlog or a catch-up.
const BATCH: u64 = 1000;

async fn events(
    State(state): State<AppState>,
    person: Person,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    // Subscribe before reading the backlog, so nothing falls between the two.
    let (session, frames) = state
        .hub
        .join(
            &state.ctx,
            state.live_tick,
            person.id(),
            person.family.clone(),
        )
        .await?;
    let last: i64 = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    let backlog = if last >= 0 {
        outbox::since(&state.ctx.db, last, BATCH).await?
    } else {
        Vec::new()
    };
    // Without Last-Event-ID the client wants what happens from now on: a catch-up after
    // lagging starts no earlier than this.
    let floor = if last >= 0 {
        last
    } else {
        outbox::last_id(&state.ctx.db).await?
    };
    let left = (person.until - state.ctx.now())
        .to_std()
        .unwrap_or_default();
    let watch = Watch {
        replay: backlog.into(),
        frames,
        session,
        ctx: state.ctx.clone(),
        seen: last,
        floor,
        behind: false,
        until: person.until,
        ends: Box::pin(tokio::time::sleep(left)),
    };
    // A stopping server ends the stream, telling the browser when to reconnect.
    let stopping = Box::pin(state.stopping());
    let stream = stream::unfold(
        (watch, stopping, false),
        |(mut w, mut stopping, ended)| async move {
            if ended {
                return None;
            }
            tokio::select! {
                biased;
                () = &mut stopping => Some((Ok(Bytes::from_static(RECONNECT)), (w, stopping, true))),
                next = w.next() => Some((Ok::<_, Infallible>(next?), (w, stopping, false))),
            }
        },
    );
    // The headers axum's `Sse` sends.
    let mut res = Body::from_stream(stream).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(res)
}

/// One open stream. It lasts while the session, a role and the access token it was opened
/// with last: the first two are read from the database before every event and on every
/// keep-alive tick (by the hub, once for all the session's streams; by the stream itself for a
/// backlog or a catch-up), and the stream ends as soon as either is gone or the token expires.
/// The browser then reconnects, and the login check decides afresh. Which events it carries
/// is the domain's rule ([`domain::kernel::policy::Roles::may_see`]), with the roles read just then.
struct Watch {
    /// Events read from the outbox (the backlog, or what was missed after falling behind the
    /// hub): sent before anything more from the hub.
    replay: VecDeque<Published>,
    frames: broadcast::Receiver<Arc<Frame>>,
    session: Arc<Session>,
    ctx: Ctx,
    /// The last event sent (or skipped): none is sent twice.
    seen: i64,
    /// A catch-up after falling behind starts no earlier than this.
    floor: i64,
    /// Fell behind the hub and has not read the outbox yet.
    behind: bool,
    until: DateTime<Utc>,
    ends: Pin<Box<tokio::time::Sleep>>,
}

impl Watch {
    async fn next(&mut self) -> Option<Bytes> {
        loop {
            if self.behind {
                self.behind = false;
                let after = self.seen.max(self.floor);
                match Box::pin(outbox::since(&self.ctx.db, after, BATCH)).await {
                    Ok(rows) => self.replay.extend(rows),
                    Err(e) => tracing::warn!(error = %e, "SSE catch-up failed"),
                }
            }
            if let Some(p) = self.replay.pop_front() {
                if p.id <= self.seen {
                    continue;
                }
                self.seen = p.id;
                // Events of no store are nobody's stream: no need to ask.
                if p.event.store_id().is_none() {
                    continue;
                }
                if self.expired() {
                    return None;
                }
                if self.session.read_now(&self.ctx).await?.may_see(&p.event) {
                    return Some(render(&p));
                }
                continue;
            }
            let frame = tokio::select! {
                r = self.frames.recv() => match r {
                    Ok(frame) => frame,
                    Err(RecvError::Lagged(_)) => {
                        self.behind = true;
                        continue;
                    }
                    Err(RecvError::Closed) => return None,
                },
                _ = self.ends.as_mut() => return None,
            };
            match &frame.kind {
                FrameKind::KeepAlive => {
                    if self.expired() {
                        return None;
                    }
                    self.session.decide(&self.ctx, frame.seq, |_| ()).await?;
                    return Some(Bytes::from_static(KEEP_ALIVE));
                }
                FrameKind::Event { id, event, bytes } => {
                    if *id <= self.seen {
                        continue;
                    }
                    self.seen = *id;
                    if self.expired() {
                        return None;
                    }
                    let ctx = &self.ctx;
                    if self
                        .session
                        .decide(ctx, frame.seq, |r| r.may_see(event))
                        .await?
                    {
                        return Some(bytes.clone());
                    }
                }
            }
        }
    }

    /// The access token the stream was opened with has expired.
    fn expired(&self) -> bool {
        self.ctx.now() >= self.until
    }
}
