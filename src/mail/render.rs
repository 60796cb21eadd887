//! What an email says: a subject and a plain-text body in the recipient's language, from the
//! `mail-*` keys of `locales/*/mail.ftl`. Only the staff's kinds go by email.
use domain::messaging::notifications::{Notice, What};
use i18n::{ArgValue, Lang, t, t_args};

/// One rendered email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

/// The email for a notice, `None` for the kinds that never go by email.
pub fn render(notice: &Notice) -> Option<Rendered> {
    let lang = Lang::from_tag(&notice.language);
    let (subject, text) = match &notice.what {
        What::NewReceipt {
            receipt,
            order,
            customer,
        } => {
            let number = ("number", ArgValue::from(order.number));
            let total = bot::reply::money(lang, order.total_minor, &order.currency);
            let duplicate = i64::from(receipt.duplicate_of_receipt_id.is_some());
            (
                t_args(
                    lang,
                    "mail-new-receipt-subject",
                    std::slice::from_ref(&number),
                ),
                t_args(
                    lang,
                    "mail-new-receipt-body",
                    &[
                        number,
                        ("total", ArgValue::from(total)),
                        ("customer", ArgValue::from(customer.as_str())),
                        ("duplicate", ArgValue::from(duplicate)),
                    ],
                ),
            )
        }
        What::LowStock { title, available } => {
            let args = [
                ("title", ArgValue::from(title.as_str())),
                ("count", ArgValue::from(*available)),
            ];
            (
                t_args(lang, "mail-low-stock-subject", &args),
                t_args(lang, "mail-low-stock-body", &args),
            )
        }
        What::DailyDigest {
            store,
            orders,
            revenue,
            pending_receipts,
        } => {
            let revenue = bot::reply::money(lang, revenue.minor, revenue.currency.code());
            let args = [
                ("store", ArgValue::from(store.as_str())),
                ("orders", ArgValue::from(*orders)),
                ("revenue", ArgValue::from(revenue)),
                ("receipts", ArgValue::from(*pending_receipts)),
            ];
            (
                t_args(lang, "mail-daily-digest-subject", &args),
                t_args(lang, "mail-daily-digest-body", &args),
            )
        }
        // The customers' kinds: they hear about their orders in Telegram only.
        What::Verified { .. }
        | What::Rejected { .. }
        | What::Shipped { .. }
        | What::Cancelled { .. }
        | What::Expired { .. }
        | What::Refunded { .. }
        | What::Completed { .. } => return None,
    };
    let footer = t(lang, "mail-footer");
    Some(Rendered {
        subject,
        body: format!("{text}\n\n-- \n{footer}\n"),
    })
}
