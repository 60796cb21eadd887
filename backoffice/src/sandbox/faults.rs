//! Faults for the bot's next calls (429 with `retry_after`, 403 "blocked", a timeout): the form
//! and what is pending and what was hit.
use askama::Template;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::response::Response;
use serde::Deserialize;
use standin::{Fault, FaultKind};

use super::Sb;
use super::cast::{Player, cast};
use super::reply::{Asker, Refusal, user_id};
use crate::page::Tr;
use crate::{AppError, AppState};

/// The calls a fault can be aimed at (besides any call that sends or edits).
const METHODS: [&str; 4] = [
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "editMessageText",
];
const RETRY_AFTER: std::ops::RangeInclusive<u32> = 1..=60;
const TIMES: std::ops::RangeInclusive<u32> = 1..=20;
/// The panel's message area.
const FLASH: &str = "flash-faults";

pub(crate) struct FaultView {
    pub kind: String,
    pub method: String,
    pub to: String,
    pub times: u32,
}

pub(crate) struct HitView {
    pub kind: String,
    pub method: String,
    pub to: String,
    pub time: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "sandbox/faults.html")]
struct FaultState {
    tr: Tr,
    pending: Vec<FaultView>,
    log: Vec<HitView>,
}

fn kind_text(tr: &Tr, kind: FaultKind) -> String {
    match kind {
        FaultKind::TooManyRequests { retry_after } => {
            tr.t1("sandbox-fault-429", "seconds", &retry_after.to_string())
        }
        FaultKind::Blocked => tr.t("sandbox-fault-403"),
        FaultKind::Timeout => tr.t("sandbox-fault-timeout"),
    }
}

/// `sendmessage` as the API spells it.
fn method_text(tr: &Tr, method: Option<&str>) -> String {
    match method {
        None => tr.t("sandbox-fault-any-send"),
        Some(m) => METHODS
            .iter()
            .find(|n| n.eq_ignore_ascii_case(m))
            .map_or_else(|| m.to_owned(), |n| (*n).to_owned()),
    }
}

fn person_text(tr: &Tr, players: &[Player], chat: Option<i64>) -> String {
    match chat {
        None => tr.t("sandbox-fault-anyone"),
        Some(id) => players
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_string(), |p| p.name.clone()),
    }
}

/// What `#fault-state` holds.
pub(crate) fn state_html(
    sb: &super::Sandbox,
    tr: Tr,
    players: &[Player],
) -> Result<String, AppError> {
    let pending = sb
        .standin
        .pending_faults()
        .into_iter()
        .map(|f| FaultView {
            kind: kind_text(&tr, f.kind),
            method: method_text(&tr, f.method.as_deref()),
            to: person_text(&tr, players, f.chat),
            times: f.times,
        })
        .collect();
    let log = sb
        .standin
        .fault_log()
        .into_iter()
        .map(|h| HitView {
            kind: kind_text(&tr, h.kind),
            method: method_text(&tr, Some(&h.method)),
            to: person_text(&tr, players, h.chat),
            time: h.at.format("%H:%M:%S").to_string(),
            at: h.at.to_rfc3339(),
        })
        .collect();
    FaultState { tr, pending, log }
        .render()
        .map_err(|e| AppError::Internal(e.to_string()))
}

#[derive(Deserialize)]
pub(crate) struct FaultForm {
    kind: Option<String>,
    retry_after: Option<String>,
    method: Option<String>,
    chat: Option<String>,
    times: Option<String>,
}

fn number(field: Option<&str>, range: &std::ops::RangeInclusive<u32>) -> Option<u32> {
    let text = field?.trim();
    if text.is_empty() || text.len() > 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|n| range.contains(n))
}

/// The fault a form asks for, or why not.
fn fault(form: &FaultForm, sb: &super::Sandbox) -> Result<Fault, Refusal> {
    let kind = match form.kind.as_deref().map(str::trim) {
        Some("429") => FaultKind::TooManyRequests {
            retry_after: number(form.retry_after.as_deref(), &RETRY_AFTER).ok_or_else(|| {
                Refusal::invalid("sandbox-error-retry-after")
                    .with("min", RETRY_AFTER.start().to_string())
                    .with("max", RETRY_AFTER.end().to_string())
            })?,
        },
        Some("403") => FaultKind::Blocked,
        Some("timeout") => FaultKind::Timeout,
        _ => return Err(Refusal::invalid("sandbox-error-fault-kind")),
    };
    let method = match form.method.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(m) => Some(
            METHODS
                .iter()
                .find(|n| n.eq_ignore_ascii_case(m))
                .ok_or_else(|| Refusal::invalid("sandbox-error-fault-method"))?
                .to_ascii_lowercase(),
        ),
    };
    let chat = match form.chat.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => Some(
            user_id(c)
                .filter(|id| sb.standin.user(*id).is_some())
                .ok_or_else(Refusal::no_such_user)?,
        ),
    };
    let times = number(form.times.as_deref(), &TIMES).ok_or_else(|| {
        Refusal::invalid("sandbox-error-fault-times")
            .with("min", TIMES.start().to_string())
            .with("max", TIMES.end().to_string())
    })?;
    Ok(Fault {
        kind,
        method,
        chat,
        times,
    })
}

/// `POST /sandbox/faults`: injects one fault; answers the panel.
pub(crate) async fn inject(
    State(state): State<AppState>,
    Sb(sb): Sb,
    asker: Asker,
    form: Result<axum::Form<FaultForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Ok(axum::Form(form)) = form else {
        return Ok(asker.refuse(Refusal::invalid("sandbox-error-form").at(FLASH)));
    };
    match fault(&form, &sb) {
        Ok(f) => sb.standin.inject(f),
        Err(refusal) => return Ok(asker.refuse(refusal.at(FLASH))),
    }
    let players = cast(&state, &sb).await?;
    Ok(asker.fragment(state_html(&sb, asker.tr, &players)?, FLASH))
}
