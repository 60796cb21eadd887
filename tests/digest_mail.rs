//! The daily digest by email: subject and body in the recipient's language, with the figures.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use domain::money::Locale;
use domain::notifications::{Notice, What};
use domain::{Currency, Money};

#[test]
fn the_digest_email_carries_the_figures_in_russian() {
    let revenue = Money::new(123_450, Currency::parse("UAH").unwrap());
    let notice = Notice {
        user_id: 2,
        telegram_id: 2,
        language: "ru".to_owned(),
        what: What::DailyDigest {
            store: "Main".to_owned(),
            orders: 37,
            revenue,
            pending_receipts: 9,
        },
    };
    let mail = vitrina::mail::render(&notice).unwrap();
    assert!(mail.subject.contains("Main"), "{}", mail.subject);
    let amount = revenue.format(Locale::Ru);
    for figure in ["37", amount.as_str(), "9", "Выручка"] {
        assert!(mail.body.contains(figure), "{figure} in {}", mail.body);
    }
}
