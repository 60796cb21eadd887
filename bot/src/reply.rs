//! Every text the bot sends comes from `locales/` through here, so tests compare with the same keys.
use domain::{Error, OrderStatus};
use i18n::{ArgValue, Lang};

pub fn t(lang: Lang, key: &str) -> String {
    i18n::t(lang, key)
}

pub fn t_args(lang: Lang, key: &str, args: &[(&str, ArgValue)]) -> String {
    i18n::t_args(lang, key, args)
}

/// A domain error as the user should read it (internal details never shown).
pub fn error(lang: Lang, err: &Error) -> String {
    if matches!(err, Error::Db(_) | Error::Internal(_)) {
        tracing::error!(error = %err, "internal error while handling an update");
    }
    let args: Vec<(&str, ArgValue)> = err
        .args()
        .into_iter()
        .map(|(k, v)| (k, ArgValue::infer(v)))
        .collect();
    i18n::t_args(lang, err.key(), &args)
}

/// `1 234,50 ₴` / `₴1,234.50`; an unknown currency code is shown as is.
pub fn money(lang: Lang, minor: i64, currency: &str) -> String {
    domain::kernel::money::show(
        minor,
        currency,
        domain::kernel::money::Locale::from_tag(lang.as_str()),
    )
}

pub fn status(lang: Lang, status: &OrderStatus) -> String {
    t(lang, &format!("status-{status}"))
}

/// `#1042 — 500,00 ₴ — Paid`: one order in a list.
pub fn order_line(lang: Lang, o: &entity::orders::Model) -> String {
    t_args(
        lang,
        "bot-order-line",
        &[
            ("number", ArgValue::from(o.number)),
            (
                "total",
                ArgValue::from(money(lang, o.total_minor, &o.currency)),
            ),
            ("status", ArgValue::from(status(lang, &o.status))),
        ],
    )
}
