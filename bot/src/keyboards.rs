//! Inline keyboards, built from typed callbacks and translated labels.
use domain::ordering::orders::Step;
use i18n::{ArgValue, Lang};
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::callback::Callback;
use crate::reply::{t, t_args};

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

/// The buttons staff get on an order card for the steps the domain offers them
/// (`domain::ordering::orders::available_steps`); `None` when there are none.
pub fn staff_steps(lang: Lang, order_id: i64, steps: &[Step]) -> Option<InlineKeyboardMarkup> {
    let row: Vec<_> = steps
        .iter()
        .filter_map(|&step| staff_button(lang, order_id, step))
        .collect();
    (!row.is_empty()).then(|| rows(vec![row]))
}

/// Verify / Reject under a new receipt: its recipients are the store's payment deciders
/// (`domain::messaging::notifications::receipt_checkers`).
pub fn decide(lang: Lang, order_id: i64) -> InlineKeyboardMarkup {
    let decision = [Step::Verify, Step::Reject];
    staff_steps(lang, order_id, &decision).unwrap_or_else(|| rows(Vec::new()))
}

fn staff_button(lang: Lang, order_id: i64, step: Step) -> Option<InlineKeyboardButton> {
    match step {
        Step::Verify => Some(button(lang, "btn-verify", Callback::Verify(order_id))),
        Step::Reject => Some(button(lang, "btn-reject", Callback::Reject(order_id))),
        // Taken in the back office, whose forms ask for tracking numbers and reasons.
        Step::Cancel | Step::Ship | Step::Complete | Step::Refund => None,
    }
}

/// The buttons a customer gets on their own order for the steps the domain offers them.
pub fn customer_steps(
    lang: Lang,
    order: &entity::orders::Model,
    steps: &[Step],
) -> Vec<InlineKeyboardButton> {
    let number = [("number", ArgValue::from(order.number))];
    steps
        .iter()
        .filter_map(|&step| match step {
            Step::Cancel => Some(raw(
                t_args(lang, "btn-cancel-order", &number),
                Callback::CancelOrder(order.id),
            )),
            // Confirming delivery is not offered in Telegram; the others are staff's steps,
            // offered to a customer only as staff of the store, on the staff card.
            Step::Complete | Step::Verify | Step::Reject | Step::Ship | Step::Refund => None,
        })
        .collect()
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
