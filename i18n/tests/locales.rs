//! The locale files through the public API: completeness, plurals, selects, fallback.
use std::collections::BTreeSet;

use i18n::{ArgValue, Lang, has_key, keys, t, t_args};

/// Keys some language defines but `lang` lacks, per language.
fn missing(sets: &[(Lang, BTreeSet<String>)]) -> Vec<(Lang, Vec<String>)> {
    let all: BTreeSet<&String> = sets.iter().flat_map(|(_, s)| s).collect();
    sets.iter()
        .map(|(lang, set)| {
            (
                *lang,
                all.iter()
                    .filter(|k| !set.contains(**k))
                    .map(|k| (*k).clone())
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, m)| !m.is_empty())
        .collect()
}

#[test]
fn all_languages_have_the_same_keys() {
    let sets: Vec<_> = Lang::ALL.into_iter().map(|l| (l, keys(l))).collect();
    let gaps = missing(&sets);
    assert!(gaps.is_empty(), "missing translations: {gaps:?}");
}

#[test]
fn the_completeness_check_can_fail() {
    let set = |ks: &[&str]| ks.iter().map(|k| (*k).to_owned()).collect::<BTreeSet<_>>();
    let sets = [
        (Lang::En, set(&["a", "b"])),
        (Lang::Ru, set(&["a"])),
        (Lang::Uk, set(&["a", "b", "c"])),
    ];
    assert_eq!(
        missing(&sets),
        [
            (Lang::En, vec!["c".to_owned()]),
            (Lang::Ru, vec!["b".to_owned(), "c".to_owned()])
        ]
    );
}

const REQUIRED: &[&str] = &[
    "error-not-found",
    "error-forbidden",
    "error-invalid",
    "error-empty-order",
    "error-out-of-stock",
    "error-product-unavailable",
    "error-insufficient-stock",
    "error-invalid-transition",
    "error-already-decided",
    "error-already-decided-unknown",
    "error-conflict",
    "error-already-taken",
    "error-not-assignee",
    "error-reason-required",
    "error-slug-taken",
    "error-sku-taken",
    "error-currency-mismatch",
    "error-amount-overflow",
    "error-last-owner",
    "error-role-too-high",
    "error-internal",
    "role-owner",
    "role-admin",
    "role-vendor",
    "channel-bot",
    "channel-web",
    "channel-api",
    "channel-cli",
    "channel-system",
    "language-name",
];

const STATUSES: &[&str] = &[
    "awaiting_payment",
    "payment_review",
    "paid",
    "shipped",
    "completed",
    "cancelled",
    "refunded",
];

const FIELDS: &[&str] = &[
    "name",
    "phone",
    "address",
    "quantity",
    "currency",
    "slug",
    "sku",
    "amount",
    "status",
    "role",
    "reason",
    "title",
    "price",
    "on_hand",
    "store",
    "sha256",
    "size",
    "telegram_id",
    "unpaid_deadline_minutes",
    "low_stock_threshold",
    "delta",
];

const WHATS: &[&str] = &["order", "product", "store", "role", "receipt", "user"];
const ROLES: &[&str] = &["owner", "admin", "vendor"];

#[test]
fn required_keys_exist_everywhere() {
    let statuses = STATUSES.iter().map(|s| format!("status-{s}"));
    for key in REQUIRED.iter().map(|k| (*k).to_owned()).chain(statuses) {
        for lang in Lang::ALL {
            assert!(has_key(lang, &key), "{lang} lacks {key}");
        }
    }
}

/// Every message, rendered with every argument set, in every language.
fn render_all() -> Vec<(Lang, String, String)> {
    let args = i18n::samples::sample_args();
    let mut out = Vec::new();
    for lang in Lang::ALL {
        for key in keys(lang) {
            let text = t_args(lang, &key, &args);
            out.push((lang, key, text));
        }
    }
    out
}

#[test]
fn no_isolation_marks_and_no_raw_keys() {
    for (lang, key, text) in render_all() {
        assert!(
            !text.contains(['\u{2068}', '\u{2069}']),
            "{lang}/{key}: {text:?}"
        );
        assert_ne!(text, key, "{lang}/{key} did not render");
        assert!(
            !text.contains('{') && !text.contains('}'),
            "{lang}/{key}: {text:?}"
        );
    }
}

fn out_of_stock(lang: Lang, available: i64) -> String {
    t_args(
        lang,
        "error-out-of-stock",
        &[
            ("product", "Coffee".into()),
            ("available", available.into()),
        ],
    )
}

#[test]
fn russian_plurals() {
    let cases = [
        (0, "Товара «Coffee» нет в наличии."),
        (1, "Товара «Coffee» осталась всего 1 штука."),
        (3, "Товара «Coffee» осталось всего 3 штуки."),
        (5, "Товара «Coffee» осталось всего 5 штук."),
        (11, "Товара «Coffee» осталось всего 11 штук."),
        (21, "Товара «Coffee» осталась всего 21 штука."),
        (22, "Товара «Coffee» осталось всего 22 штуки."),
    ];
    for (n, expected) in cases {
        assert_eq!(out_of_stock(Lang::Ru, n), expected);
    }
}

#[test]
fn ukrainian_plurals() {
    let cases = [
        (0, "Товару «Coffee» немає в наявності."),
        (1, "Товару «Coffee» залишилася лише 1 штука."),
        (3, "Товару «Coffee» залишилося лише 3 штуки."),
        (5, "Товару «Coffee» залишилося лише 5 штук."),
        (12, "Товару «Coffee» залишилося лише 12 штук."),
        (21, "Товару «Coffee» залишилася лише 21 штука."),
    ];
    for (n, expected) in cases {
        assert_eq!(out_of_stock(Lang::Uk, n), expected);
    }
}

#[test]
fn english_out_of_stock() {
    assert_eq!(out_of_stock(Lang::En, 0), "“Coffee” is out of stock.");
    assert_eq!(out_of_stock(Lang::En, 1), "“Coffee”: only 1 left.");
    assert_eq!(out_of_stock(Lang::En, 3), "“Coffee”: only 3 left.");
}

#[test]
fn counts_given_as_strings_can_be_inferred() {
    assert_eq!(ArgValue::infer("5"), ArgValue::Num(5));
    assert_eq!(ArgValue::infer("-2"), ArgValue::Num(-2));
    assert_eq!(ArgValue::infer("007"), ArgValue::Str("007".into()));
    assert_eq!(ArgValue::infer("CF-1"), ArgValue::Str("CF-1".into()));
    let text = t_args(
        Lang::Ru,
        "error-out-of-stock",
        &[
            ("product", ArgValue::infer("Coffee")),
            ("available", ArgValue::infer("5")),
        ],
    );
    assert_eq!(text, "Товара «Coffee» осталось всего 5 штук.");
}

fn decided(lang: Lang, status: &str) -> String {
    t_args(
        lang,
        "error-already-decided",
        &[
            ("status", status.into()),
            ("by", "@anna".into()),
            ("at", "14:02".into()),
        ],
    )
}

#[test]
fn already_decided_reads_per_status() {
    assert_eq!(
        decided(Lang::En, "paid"),
        "Already verified by @anna at 14:02."
    );
    assert_eq!(
        decided(Lang::En, "awaiting_payment"),
        "Already rejected by @anna at 14:02."
    );
    assert_eq!(
        decided(Lang::En, "cancelled"),
        "Already cancelled by @anna at 14:02."
    );
    assert_eq!(
        decided(Lang::En, "shipped"),
        "Already decided by @anna at 14:02."
    );
    for lang in Lang::ALL {
        let text = decided(lang, "paid");
        assert!(
            text.contains("@anna") && text.contains("14:02"),
            "{lang}: {text}"
        );
    }
    assert_eq!(
        decided(Lang::Ru, "paid"),
        "Оплата уже подтверждена: @anna в 14:02."
    );
    assert_eq!(
        decided(Lang::Uk, "paid"),
        "Оплату вже підтверджено: @anna о 14:02."
    );
    let unknown = t_args(
        Lang::En,
        "error-already-decided-unknown",
        &[("status", "paid".into()), ("at", "14:02".into())],
    );
    assert_eq!(unknown, "Already verified at 14:02.");
}

/// A select must name every code: each code renders differently from an unknown one.
fn assert_select_covers(key: &str, arg: &str, codes: &[&str]) {
    for lang in Lang::ALL {
        let fallback = t_args(lang, key, &[(arg, "no_such_code".into())]);
        for code in codes {
            let text = t_args(lang, key, &[(arg, (*code).into())]);
            assert_ne!(
                text, fallback,
                "{lang}/{key}: {arg}={code} uses the default variant"
            );
        }
    }
}

#[test]
fn selects_cover_every_code() {
    assert_select_covers("error-invalid", "field", FIELDS);
    assert_select_covers("error-not-found", "what", WHATS);
}

#[test]
fn statuses_and_roles_inside_messages_match_their_own_keys() {
    for lang in Lang::ALL {
        for from in STATUSES {
            for to in STATUSES {
                let text = t_args(
                    lang,
                    "error-invalid-transition",
                    &[("from", (*from).into()), ("to", (*to).into())],
                );
                let (from_name, to_name) = (
                    t(lang, &format!("status-{from}")),
                    t(lang, &format!("status-{to}")),
                );
                let (open, close) = if lang == Lang::En {
                    ('“', '”')
                } else {
                    ('«', '»')
                };
                assert!(
                    text.contains(&format!("{open}{from_name}{close}")),
                    "{lang}: {text}"
                );
                assert!(
                    text.contains(&format!("{open}{to_name}{close}")),
                    "{lang}: {text}"
                );
            }
        }
        for role in ROLES {
            let text = t_args(lang, "error-role-too-high", &[("role", (*role).into())]);
            assert!(
                text.contains(&t(lang, &format!("role-{role}"))),
                "{lang}: {text}"
            );
        }
    }
}

#[test]
fn language_tags() {
    assert_eq!(Lang::from_tag("uk"), Lang::Uk);
    assert_eq!(Lang::from_tag("uk-UA"), Lang::Uk);
    assert_eq!(Lang::from_tag("ru-RU"), Lang::Ru);
    assert_eq!(Lang::from_tag("RU"), Lang::Ru);
    assert_eq!(Lang::from_tag("en-GB"), Lang::En);
    assert_eq!(Lang::from_tag("en_US"), Lang::En);
    for other in ["de", "fr-FR", "", "  ", "ukr", "x-klingon"] {
        assert_eq!(Lang::from_tag(other), Lang::En, "{other:?}");
    }
    for lang in Lang::ALL {
        assert_eq!(Lang::from_tag(lang.as_str()), lang);
    }
}

#[test]
fn unknown_language_falls_back_to_english() {
    assert_eq!(t(Lang::from_tag("de-DE"), "language-name"), "English");
    assert_eq!(t(Lang::Ru, "language-name"), "Русский");
    assert_eq!(t(Lang::Uk, "language-name"), "Українська");
}

#[test]
fn missing_keys_and_arguments_do_not_panic() {
    assert_eq!(t(Lang::Uk, "no-such-key"), "no-such-key");
    assert_eq!(
        t_args(Lang::Ru, "no-such-key", &[("x", 1.into())]),
        "no-such-key"
    );
    assert!(!has_key(Lang::En, "no-such-key"));
    // A message without its arguments still yields a string.
    let _ = t(Lang::Ru, "error-out-of-stock");
}

#[test]
fn internal_error_reveals_nothing() {
    assert_eq!(
        t(Lang::En, "error-internal"),
        "Something went wrong on our side. Please try again."
    );
}
