//! Inline keyboards, built from typed callbacks and translated labels.
use i18n::Lang;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::callback::Callback;
use crate::reply::t;

pub fn button(lang: Lang, key: &str, cb: Callback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(t(lang, key), cb.encode())
}

pub fn raw(label: impl Into<String>, cb: Callback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(label, cb.encode())
}

pub fn rows(rows: Vec<Vec<InlineKeyboardButton>>) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(rows.into_iter().filter(|r| !r.is_empty()))
}

/// Back / Cancel under every checkout question.
pub fn step(lang: Lang, can_go_back: bool) -> InlineKeyboardMarkup {
    let mut row = Vec::new();
    if can_go_back {
        row.push(button(lang, "btn-back", Callback::Back));
    }
    row.push(button(lang, "btn-cancel", Callback::Abort));
    rows(vec![row])
}

/// Verify / Reject for staff.
pub fn decide(lang: Lang, order_id: i64) -> InlineKeyboardMarkup {
    rows(vec![vec![
        button(lang, "btn-verify", Callback::Verify(order_id)),
        button(lang, "btn-reject", Callback::Reject(order_id)),
    ]])
}

pub fn languages() -> InlineKeyboardMarkup {
    rows(vec![
        Lang::ALL
            .into_iter()
            .map(|l| {
                raw(
                    t(l, "language-name"),
                    Callback::Language(l.as_str().to_owned()),
                )
            })
            .collect(),
    ])
}
