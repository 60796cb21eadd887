//! The daily digest by email: subject and body in the recipient's language, with the figures.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use domain::kernel::money::Locale;
use domain::messaging::notifications::{Notice, What};
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

/// A notice goes by email exactly when its kind's channels say so (the staff's kinds), and
/// then renders in every language with its figures.
#[tokio::test]
async fn every_kind_that_goes_by_email_renders_in_every_language() {
    use domain::messaging::deliveries::{DeliveryChannel, kind_of};
    let db = testkit::TestDb::new().await;
    let ctx = domain::Ctx::local(db.db.clone());
    let mut emailed = 0;
    for what in testkit::notices::every_kind(&ctx).await {
        let kind = kind_of(&what);
        for lang in i18n::Lang::ALL {
            let notice = Notice {
                user_id: 2,
                telegram_id: 2,
                language: lang.as_str().to_owned(),
                what: what.clone(),
            };
            let mail = vitrina::mail::render(&notice);
            let by_email = kind.channels.contains(&DeliveryChannel::Email);
            assert_eq!(mail.is_some(), by_email, "{}", kind.name);
            let Some(mail) = mail else { continue };
            let keys = i18n::keys(lang);
            assert!(!keys.contains(&mail.subject), "{lang:?}: {}", mail.subject);
            let figure = testkit::notices::figure(&what);
            assert!(
                mail.body.contains(&figure),
                "{lang:?}: {figure} in {}",
                mail.body
            );
            emailed += 1;
        }
    }
    assert_eq!(
        emailed,
        3 * i18n::Lang::ALL.len(),
        "receipts, low stock, digests"
    );
}
