//! Every error a user can see has its text in every language.
use domain::kernel::error::USER_KEYS;
use domain::{Error, OrderStatus};
use i18n::{ArgValue, Lang};

#[test]
fn every_user_facing_error_key_exists_in_every_locale() {
    for lang in Lang::ALL {
        for key in USER_KEYS {
            assert!(i18n::has_key(lang, key), "{key} missing in {lang:?}");
        }
        for key in files::inspect::REJECTION_KEYS {
            assert!(i18n::has_key(lang, key), "{key} missing in {lang:?}");
        }
        for status in OrderStatus::ALL {
            let key = format!("status-{}", status.as_str());
            assert!(i18n::has_key(lang, &key), "{key} missing in {lang:?}");
        }
    }
}

#[test]
fn errors_render_with_their_arguments() {
    let samples = [
        Error::OutOfStock {
            product: "Mug".into(),
            available: 5,
        },
        Error::AlreadyDecided {
            status: OrderStatus::Paid,
            by: Some("@anna".into()),
            at: chrono::Utc::now(),
        },
        Error::NotFound { what: "order" },
        Error::Invalid { field: "phone" },
        Error::Internal("secret stack trace".into()),
    ];
    for e in &samples {
        assert!(USER_KEYS.contains(&e.key()), "{} not listed", e.key());
        for lang in Lang::ALL {
            let args: Vec<(&str, ArgValue)> = e
                .args()
                .into_iter()
                .map(|(k, v)| (k, ArgValue::infer(&v)))
                .collect();
            let text = i18n::t_args(lang, e.key(), &args);
            assert_ne!(text, e.key(), "{lang:?} has no text for {}", e.key());
            assert!(
                !text.contains("secret stack trace"),
                "internals leak: {text}"
            );
            assert!(!text.contains('{'), "unfilled placeholder: {text}");
        }
    }
    let en = i18n::t_args(
        Lang::En,
        "error-already-decided",
        &[
            ("status", "paid".into()),
            ("by", "@anna".into()),
            ("at", "14:02".into()),
        ],
    );
    assert!(en.contains("@anna") && en.contains("14:02"), "{en}");
}
