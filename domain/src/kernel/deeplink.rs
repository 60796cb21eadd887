//! Deep links to the bot (`https://t.me/<bot>?start=<payload>`): what each one opens, written
//! by [`DeepLink::to_payload`] / [`DeepLink::url`] and read by [`DeepLink::parse`], and nowhere
//! else. The bot, the backoffice, the CLI and the sandbox all go through this type.
//!
//! Telegram takes a `start` payload of 1 to 64 characters of `A-Za-z0-9_-` ([`fits_telegram`]);
//! a link that would break that rule is refused when it is written, never sent out half-right.
use crate::kernel::error::{Error, Result};

/// The longest `start` payload Telegram accepts.
pub const MAX_PAYLOAD: usize = 64;

/// What a deep link opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeepLink {
    /// `store_<slug>`: open that store (any text after the prefix, even none).
    Store(String),
    /// `product_<id>`: a product card.
    Product(i64),
    /// `order_<number>`: an order, by the number people see (`1042`, read also as `#1042`).
    Order(i64),
    /// `login_<token>`: approve or deny a browser's QR login.
    Login(String),
    /// `claim_<code>`: become the first OWNER.
    Claim(String),
    /// `invite_<token>`: accept a staff invitation.
    Invite(String),
}

impl DeepLink {
    /// Reads a (trimmed) `/start` payload. `None` for an empty payload, an unknown prefix and a
    /// product or order link whose number does not read: all of those open the shop. The texts
    /// after a prefix are taken as they are (a slug, token or code is looked up by the service
    /// that uses it, which refuses what it does not know); the first prefix that matches wins.
    pub fn parse(payload: &str) -> Option<DeepLink> {
        let (prefix, rest) = payload.split_once('_')?;
        match prefix {
            "store" => Some(DeepLink::Store(rest.to_owned())),
            "product" => rest.parse::<i64>().ok().map(DeepLink::Product),
            "order" => order_number(rest).map(DeepLink::Order),
            "login" => Some(DeepLink::Login(rest.to_owned())),
            "claim" => Some(DeepLink::Claim(rest.to_owned())),
            "invite" => Some(DeepLink::Invite(rest.to_owned())),
            _ => None,
        }
    }

    /// The `start` payload of this link: `store_<slug>`, `order_1042`, … Refused
    /// (`Invalid { field: "deep_link" }`) when it would not fit Telegram's rule or would not
    /// read back as the same link (an order number of 0, say).
    pub fn to_payload(&self) -> Result<String> {
        let payload = match self {
            DeepLink::Store(slug) => format!("store_{slug}"),
            DeepLink::Product(id) => format!("product_{id}"),
            DeepLink::Order(number) => format!("order_{number}"),
            DeepLink::Login(token) => format!("login_{token}"),
            DeepLink::Claim(code) => format!("claim_{code}"),
            DeepLink::Invite(token) => format!("invite_{token}"),
        };
        if fits_telegram(&payload) && DeepLink::parse(&payload).as_ref() == Some(self) {
            Ok(payload)
        } else {
            Err(Error::Invalid { field: "deep_link" })
        }
    }

    /// `https://t.me/<bot_username>?start=<payload>`.
    pub fn url(&self, bot_username: &str) -> Result<String> {
        Ok(format!(
            "https://t.me/{bot_username}?start={}",
            self.to_payload()?
        ))
    }
}

/// Telegram's rule for `start` payloads: 1 to [`MAX_PAYLOAD`] characters of `A-Za-z0-9_-`.
pub fn fits_telegram(payload: &str) -> bool {
    (1..=MAX_PAYLOAD).contains(&payload.len())
        && payload
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// An order number as a person writes it: `1042`, `#1042` (at most twelve digits, above 0).
pub fn order_number(arg: &str) -> Option<i64> {
    let n = arg.trim().trim_start_matches('#');
    if n.is_empty() || n.len() > 12 || !n.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    n.parse().ok().filter(|v| *v > 0)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn every_kind() -> Vec<DeepLink> {
        vec![
            DeepLink::Store("main".into()),
            DeepLink::Product(42),
            DeepLink::Order(1042),
            DeepLink::Login("abcDEF-123_xyz".into()),
            DeepLink::Claim("c0de".into()),
            DeepLink::Invite("tok".into()),
        ]
    }

    #[test]
    fn every_kind_writes_and_reads_back() {
        let written: Vec<String> = every_kind()
            .iter()
            .map(|l| l.to_payload().unwrap())
            .collect();
        assert_eq!(
            written,
            [
                "store_main",
                "product_42",
                "order_1042",
                "login_abcDEF-123_xyz",
                "claim_c0de",
                "invite_tok"
            ]
        );
        for (link, payload) in every_kind().into_iter().zip(&written) {
            assert_eq!(DeepLink::parse(payload), Some(link));
        }
    }

    #[test]
    fn a_url_carries_the_payload_for_the_bot() {
        assert_eq!(
            DeepLink::Invite("t0k".into()).url("shop_bot").unwrap(),
            "https://t.me/shop_bot?start=invite_t0k"
        );
        assert!(DeepLink::Store("a b".into()).url("shop_bot").is_err());
    }

    #[test]
    fn order_links_read_as_people_write_numbers() {
        assert_eq!(DeepLink::parse("order_#1042"), Some(DeepLink::Order(1042)));
        assert_eq!(order_number(" #1042 "), Some(1042));
        assert_eq!(order_number("10x"), None);
        assert_eq!(order_number("0"), None);
        assert_eq!(order_number("1234567890123"), None);
    }

    #[test]
    fn empty_texts_after_a_prefix_are_kept_for_the_services_to_refuse() {
        assert_eq!(
            DeepLink::parse("store_"),
            Some(DeepLink::Store(String::new()))
        );
        assert_eq!(
            DeepLink::parse("login_"),
            Some(DeepLink::Login(String::new()))
        );
        assert_eq!(
            DeepLink::parse("invite_"),
            Some(DeepLink::Invite(String::new()))
        );
        assert_eq!(
            DeepLink::parse("claim_"),
            Some(DeepLink::Claim(String::new()))
        );
    }

    #[test]
    fn product_ids_read_as_numbers_do() {
        // What `str::parse::<i64>` accepts; the catalog refuses ids that are no product.
        assert_eq!(DeepLink::parse("product_0"), Some(DeepLink::Product(0)));
        assert_eq!(DeepLink::parse("product_-7"), Some(DeepLink::Product(-7)));
        assert_eq!(DeepLink::parse("product_+7"), Some(DeepLink::Product(7)));
    }

    #[test]
    fn the_first_prefix_wins() {
        assert_eq!(
            DeepLink::parse("store_product_1"),
            Some(DeepLink::Store("product_1".into()))
        );
        assert_eq!(
            DeepLink::parse("login_invite_x"),
            Some(DeepLink::Login("invite_x".into()))
        );
    }

    #[test]
    fn hostile_and_unknown_payloads_open_the_shop() {
        for payload in [
            "",
            "_",
            "product_",
            "product_abc",
            "product_99999999999999999999",
            "order_",
            "order_0",
            "order_-5",
            "order_1042x",
            "order_1234567890123",
            "order_１２",
            "Store_main",
            "STORE_main",
            "store",
            "unknown_1",
            "хочу_товар",
            "\u{0}store_main",
            " store_main",
        ] {
            assert_eq!(DeepLink::parse(payload), None, "{payload:?}");
        }
    }

    #[test]
    fn hostile_texts_are_handed_on_verbatim_but_never_written() {
        for text in [
            "<script>",
            "a b",
            "é",
            "x/y?z=1&w",
            "\u{202e}",
            "a\nb",
            "%00",
        ] {
            for link in [
                DeepLink::Store(text.into()),
                DeepLink::Login(text.into()),
                DeepLink::Claim(text.into()),
                DeepLink::Invite(text.into()),
            ] {
                let payload = format!("{}{text}", written_prefix(&link));
                assert_eq!(DeepLink::parse(&payload), Some(link.clone()), "{payload:?}");
                assert!(link.to_payload().is_err(), "{link:?}");
            }
        }
    }

    fn written_prefix(link: &DeepLink) -> &'static str {
        match link {
            DeepLink::Store(_) => "store_",
            DeepLink::Product(_) => "product_",
            DeepLink::Order(_) => "order_",
            DeepLink::Login(_) => "login_",
            DeepLink::Claim(_) => "claim_",
            DeepLink::Invite(_) => "invite_",
        }
    }

    #[test]
    fn at_most_64_characters_are_written() {
        // "invite_" is 7 characters: 57 more make 64.
        let fits = DeepLink::Invite("a".repeat(57));
        assert_eq!(fits.to_payload().unwrap().len(), MAX_PAYLOAD);
        assert!(DeepLink::Invite("a".repeat(58)).to_payload().is_err());
        assert!(DeepLink::Store("s".repeat(59)).to_payload().is_err());
        assert!(fits_telegram(&"x".repeat(64)));
        assert!(!fits_telegram(&"x".repeat(65)));
        assert!(!fits_telegram(""));
    }

    #[test]
    fn numbers_that_would_not_read_back_are_not_written() {
        for link in [
            DeepLink::Order(0),
            DeepLink::Order(-5),
            DeepLink::Order(i64::MAX),
        ] {
            assert!(link.to_payload().is_err(), "{link:?}");
        }
        // The largest number either kind writes fits with room to spare.
        assert!(DeepLink::Order(999_999_999_999).to_payload().is_ok());
        assert!(DeepLink::Product(i64::MIN).to_payload().is_ok());
    }

    #[test]
    fn telegrams_rule() {
        for ok in ["store_main", "a", "order_1042", "login_AbC-_9"] {
            assert!(fits_telegram(ok), "{ok}");
        }
        for bad in ["a b", "é", "x/y", "a?b", "<script>", "a=b", "a+b", "a.b"] {
            assert!(!fits_telegram(bad), "{bad}");
        }
    }

    fn any_link() -> impl Strategy<Value = DeepLink> {
        let text = "[A-Za-z0-9_-]{0,60}";
        prop_oneof![
            text.prop_map(DeepLink::Store),
            any::<i64>().prop_map(DeepLink::Product),
            (1i64..1_000_000_000_000).prop_map(DeepLink::Order),
            text.prop_map(DeepLink::Login),
            text.prop_map(DeepLink::Claim),
            text.prop_map(DeepLink::Invite),
        ]
    }

    proptest! {
        /// Whatever is written fits Telegram and reads back as the same link; what does not
        /// fit is refused rather than cut.
        #[test]
        fn written_links_read_back(link in any_link()) {
            match link.to_payload() {
                Ok(payload) => {
                    prop_assert!(fits_telegram(&payload));
                    prop_assert_eq!(DeepLink::parse(&payload), Some(link));
                }
                Err(_) => {
                    // Only a text too long for the 64 characters is refused here.
                    let written = match &link {
                        DeepLink::Store(t) | DeepLink::Login(t) | DeepLink::Claim(t)
                        | DeepLink::Invite(t) => written_prefix(&link).len() + t.len(),
                        DeepLink::Product(_) | DeepLink::Order(_) => 0,
                    };
                    prop_assert!(written > MAX_PAYLOAD, "{:?} was refused", link);
                }
            }
        }

        /// Any text reads without panicking, and a link read from it writes back (when it
        /// fits) as a payload that reads as the same link.
        #[test]
        fn any_text_reads_safely(payload in ".{0,80}") {
            if let Some(link) = DeepLink::parse(&payload)
                && let Ok(written) = link.to_payload()
            {
                prop_assert_eq!(DeepLink::parse(&written), Some(link));
            }
        }
    }
}
