//! The closed vocabularies some columns hold (order states, staff roles, channels, …), as
//! SeaORM active enums stored as their text: a column holds exactly the string `as_str` gives,
//! so the tables are plain `VARCHAR`s and read back unchanged. A stored string that is none of
//! the variants fails the read (`DbErr::Type`) instead of becoming a value.
//!
//! Only the words live here; what they mean (the order transition table, the role matrix) is
//! the domain's.
use std::fmt;
use std::str::FromStr;

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A text that is none of a vocabulary's words. Shown as `invalid <what>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// What was being read: `status`, `role`, `channel`.
    pub what: &'static str,
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}", self.what)
    }
}

impl std::error::Error for Unknown {}

fn exact(word: &str, text: &str) -> bool {
    word == text
}

fn any_case(word: &str, text: &str) -> bool {
    word.eq_ignore_ascii_case(text)
}

/// One vocabulary: the enum with its stored words, `ALL` (declaration order), `as_str`,
/// `parse` (surrounding blanks ignored; `what` names it in the error; `matches` compares a
/// word with the text), `FromStr`, `Display` and serde as the same words.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal, $matches:ident) {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize,
            Deserialize,
        )]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[sea_orm(string_value = $word)]
                #[serde(rename = $word)]
                $variant,
            )+
        }

        impl $name {
            pub const ALL: [$name; [$($word),+].len()] = [$($name::$variant),+];

            /// The word as stored.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $word, )+
                }
            }

            pub fn parse(text: &str) -> Result<Self, Unknown> {
                let text = text.trim();
                Self::ALL
                    .into_iter()
                    .find(|v| $matches(v.as_str(), text))
                    .ok_or(Unknown { what: $what })
            }
        }

        impl FromStr for $name {
            type Err = Unknown;

            fn from_str(text: &str) -> Result<Self, Unknown> {
                Self::parse(text)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

    };
}

vocabulary! {
    /// What a `jobs` row is: scheduled work the worker runs, or a row used only for its key
    /// (leases, locks, markers).
    pub enum JobKind ("kind", exact) {
        /// Cancels unpaid orders past their store's deadline.
        ExpireUnpaid = "expire_unpaid",
        /// Sends each store's daily digest at its hour.
        DailyDigest = "daily_digest",
        /// A marker: this store's digest for this day went out.
        DailyDigestSent = "daily_digest_sent",
        /// Prunes old updates, sessions and challenges.
        Housekeeping = "housekeeping",
        /// A named lease for a singleton loop (the outbox relay, a consumer).
        Lease = "lease",
        /// First-run bootstrap, once per database.
        Bootstrap = "bootstrap",
        /// A row locked to serialise a rule (the last OWNER).
        Lock = "lock",
    }
}

vocabulary! {
    /// Where a notification delivery stands (`notification_deliveries.status`).
    pub enum DeliveryStatus ("status", exact) {
        /// Waiting to be sent, or to be tried again after a failed attempt.
        Pending = "pending",
        Sent = "sent",
        /// Given up: permanently refused, or out of attempts. Staff may put it back in line.
        Failed = "failed",
    }
}

vocabulary! {
    /// The states of an order (`orders.status`, `order_history.{from,to}_status`). What may
    /// follow what is the domain's transition table.
    pub enum OrderStatus ("status", exact) {
        AwaitingPayment = "awaiting_payment",
        PaymentReview = "payment_review",
        Paid = "paid",
        Shipped = "shipped",
        Completed = "completed",
        Cancelled = "cancelled",
        Refunded = "refunded",
    }
}

vocabulary! {
    /// Staff roles (`staff_roles.role`, `staff_invites.role`), weakest first, so `Ord`
    /// compares authority. Parsed in any case (`OWNER` is `owner`).
    #[derive(PartialOrd, Ord)]
    pub enum Role ("role", any_case) {
        Vendor = "vendor",
        Admin = "admin",
        Owner = "owner",
    }
}

vocabulary! {
    /// Where an action came from (`order_history.channel`, `audit_log.channel`).
    pub enum Channel ("channel", exact) {
        Bot = "bot",
        Web = "web",
        Api = "api",
        Cli = "cli",
        System = "system",
    }
}

vocabulary! {
    /// A payment receipt's review (`receipts.status`): `pending` until staff verify the
    /// payment (`accepted`) or reject it (`rejected`).
    pub enum ReceiptStatus ("status", exact) {
        Pending = "pending",
        Accepted = "accepted",
        Rejected = "rejected",
    }
}

vocabulary! {
    /// A QR login (`login_challenges.status`): `pending` until decided (`approved` or
    /// `denied`); an approval is `redeemed` when the browser collects it.
    pub enum ChallengeStatus ("status", exact) {
        Pending = "pending",
        Approved = "approved",
        Denied = "denied",
        Redeemed = "redeemed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_match_serde() {
        fn check<T>(all: &[T], name: impl Fn(&T) -> &'static str)
        where
            T: FromStr<Err = Unknown> + Serialize + PartialEq + fmt::Debug + Copy,
        {
            for v in all {
                assert_eq!(T::from_str(name(v)).unwrap(), *v);
                assert_eq!(serde_json::to_value(v).unwrap(), name(v));
            }
        }
        check(&OrderStatus::ALL, |v| v.as_str());
        check(&Role::ALL, |v| v.as_str());
        check(&Channel::ALL, |v| v.as_str());
        check(&ReceiptStatus::ALL, |v| v.as_str());
        check(&ChallengeStatus::ALL, |v| v.as_str());
        check(&DeliveryStatus::ALL, |v| v.as_str());
        check(&JobKind::ALL, |v| v.as_str());
    }

    #[test]
    fn parse_trims_and_roles_take_any_case() {
        assert_eq!(OrderStatus::parse(" paid\n"), Ok(OrderStatus::Paid));
        assert_eq!(OrderStatus::parse("PAID"), Err(Unknown { what: "status" }));
        assert_eq!(Role::parse(" OWNER "), Ok(Role::Owner));
        assert_eq!(Role::parse("boss"), Err(Unknown { what: "role" }));
        assert!(Role::Vendor < Role::Admin && Role::Admin < Role::Owner);
        assert_eq!(Unknown { what: "role" }.to_string(), "invalid role");
    }
}
