//! The payload of `/start` from a deep link (`t.me/<bot>?start=<payload>`): anyone can make
//! one, so it is read here, once, into a typed value, and nothing else looks at the raw text.
use std::fmt;

/// What a deep link asks for. The texts borrow from the payload; they are not checked beyond
/// their prefix here (a slug, token or code is looked up by the domain, which refuses what it
/// does not know).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartPayload<'a> {
    /// `store_<slug>`: open that store (any text after the prefix, even none).
    Store(&'a str),
    /// `product_<id>`: a product card.
    Product(i64),
    /// `order_<number>`: an order, by the number people see (`1042` or `#1042`).
    Order(i64),
    /// `login_<token>`: approve or deny a browser's QR login.
    Login(&'a str),
    /// `invite_<token>`: accept a staff invitation.
    Invite(&'a str),
    /// `claim_<code>`: become the first OWNER.
    Claim(&'a str),
}

/// Reads a (trimmed) `/start` payload. `None` for an empty payload, an unknown prefix and a
/// product or order link whose number does not read: all of those open the shop.
pub fn parse(payload: &str) -> Option<StartPayload<'_>> {
    if let Some(slug) = payload.strip_prefix("store_") {
        return Some(StartPayload::Store(slug));
    }
    if let Some(rest) = payload.strip_prefix("product_") {
        return rest.parse::<i64>().ok().map(StartPayload::Product);
    }
    if let Some(rest) = payload.strip_prefix("order_") {
        return crate::commands::order_number(rest).map(StartPayload::Order);
    }
    if let Some(token) = payload.strip_prefix("login_") {
        return Some(StartPayload::Login(token));
    }
    if let Some(token) = payload.strip_prefix("invite_") {
        return Some(StartPayload::Invite(token));
    }
    payload.strip_prefix("claim_").map(StartPayload::Claim)
}

/// The payload text that [`parse`] reads back as the same value.
impl fmt::Display for StartPayload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartPayload::Store(slug) => write!(f, "store_{slug}"),
            StartPayload::Product(id) => write!(f, "product_{id}"),
            StartPayload::Order(number) => write!(f, "order_{number}"),
            StartPayload::Login(token) => write!(f, "login_{token}"),
            StartPayload::Invite(token) => write!(f, "invite_{token}"),
            StartPayload::Claim(code) => write!(f, "claim_{code}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_link() {
        assert_eq!(parse("store_main"), Some(StartPayload::Store("main")));
        assert_eq!(parse("product_42"), Some(StartPayload::Product(42)));
        assert_eq!(parse("order_1042"), Some(StartPayload::Order(1042)));
        assert_eq!(parse("order_#1042"), Some(StartPayload::Order(1042)));
        assert_eq!(
            parse("login_abcDEF-123_xyz"),
            Some(StartPayload::Login("abcDEF-123_xyz"))
        );
        assert_eq!(parse("invite_tok"), Some(StartPayload::Invite("tok")));
        assert_eq!(parse("claim_c0de"), Some(StartPayload::Claim("c0de")));
    }

    #[test]
    fn empty_texts_after_a_prefix_are_kept_for_the_domain_to_refuse() {
        assert_eq!(parse("store_"), Some(StartPayload::Store("")));
        assert_eq!(parse("login_"), Some(StartPayload::Login("")));
        assert_eq!(parse("invite_"), Some(StartPayload::Invite("")));
        assert_eq!(parse("claim_"), Some(StartPayload::Claim("")));
    }

    #[test]
    fn numbers_that_do_not_read_open_the_shop() {
        for payload in [
            "",
            "product_",
            "product_abc",
            "product_99999999999999999999",
            "order_",
            "order_0",
            "order_-5",
            "order_1042x",
            "order_1234567890123",
            "Store_main",
            "store",
            "unknown_1",
            "хочу_товар",
        ] {
            assert_eq!(parse(payload), None, "{payload}");
        }
    }

    #[test]
    fn product_ids_read_as_before() {
        // What `str::parse::<i64>` accepts, as the handler always did; the catalog refuses
        // ids that are no product.
        assert_eq!(parse("product_0"), Some(StartPayload::Product(0)));
        assert_eq!(parse("product_-7"), Some(StartPayload::Product(-7)));
        assert_eq!(parse("product_+7"), Some(StartPayload::Product(7)));
    }

    #[test]
    fn the_first_prefix_wins() {
        assert_eq!(
            parse("store_product_1"),
            Some(StartPayload::Store("product_1"))
        );
        assert_eq!(
            parse("login_invite_x"),
            Some(StartPayload::Login("invite_x"))
        );
    }

    #[test]
    fn display_reads_back_as_the_same_value() {
        for payload in [
            "store_main",
            "product_+7",
            "order_#0001042",
            "login_t",
            "invite_",
            "claim_x y",
        ] {
            let parsed = parse(payload).expect(payload);
            assert_eq!(parse(&parsed.to_string()), Some(parsed), "{payload}");
        }
    }
}
