//! Order states and the one transition table (DESIGN.md §3 Order states).
use crate::kernel::policy::Capability;

/// The states themselves are the stored vocabulary (`entity::kinds`); what they mean is here.
pub use entity::kinds::OrderStatus;

use OrderStatus::*;

/// What a state means for the business.
pub trait OrderStatusExt {
    /// No transition leaves these.
    fn is_terminal(&self) -> bool;

    /// The customer may send a receipt for the order: the table's step of theirs into review,
    /// and more receipts while it is in review.
    fn accepts_receipt(&self) -> bool;

    /// Stock is held for the order (reserved, not yet shipped) in these states.
    fn holds_stock(&self) -> bool;
}

impl OrderStatusExt for OrderStatus {
    fn is_terminal(&self) -> bool {
        OrderStatus::ALL
            .into_iter()
            .all(|to| rule(*self, to).is_none())
    }

    fn accepts_receipt(&self) -> bool {
        *self == PaymentReview || rule(*self, PaymentReview).is_some_and(|r| r.customer)
    }

    fn holds_stock(&self) -> bool {
        matches!(self, AwaitingPayment | PaymentReview | Paid)
    }
}

/// Who, besides staff holding the capability, may make a transition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The staff capability that allows it.
    pub staff: Capability,
    /// The order's own customer may make it too.
    pub customer: bool,
    /// Vitrina itself may make it (unpaid-order expiry).
    pub system: bool,
}

const fn staff(cap: Capability) -> Rule {
    Rule {
        staff: cap,
        customer: false,
        system: false,
    }
}

/// The transition table. `None`: not a transition at all.
/// `— -> awaiting_payment` (placing) and imports straight to `paid` are creations, not transitions.
pub fn rule(from: OrderStatus, to: OrderStatus) -> Option<Rule> {
    use Capability::*;
    match (from, to) {
        // The customer's receipt moves it to review; staff decide it.
        (AwaitingPayment, PaymentReview) => Some(Rule {
            staff: DecidePayments,
            customer: true,
            system: false,
        }),
        (PaymentReview, Paid) => Some(staff(DecidePayments)),
        (PaymentReview, AwaitingPayment) => Some(staff(DecidePayments)),
        (AwaitingPayment, Cancelled) => Some(Rule {
            staff: DecidePayments,
            customer: true,
            system: true,
        }),
        (PaymentReview, Cancelled) => Some(staff(DecidePayments)),
        (Paid, Shipped) => Some(staff(Fulfil)),
        (Shipped, Completed) => Some(Rule {
            staff: Fulfil,
            customer: true,
            system: false,
        }),
        (Paid | Shipped, Refunded) => Some(staff(DecidePayments)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table_matches_design() {
        let allowed = [
            (AwaitingPayment, PaymentReview),
            (PaymentReview, Paid),
            (PaymentReview, AwaitingPayment),
            (AwaitingPayment, Cancelled),
            (PaymentReview, Cancelled),
            (Paid, Shipped),
            (Shipped, Completed),
            (Paid, Refunded),
            (Shipped, Refunded),
        ];
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                assert_eq!(
                    rule(from, to).is_some(),
                    allowed.contains(&(from, to)),
                    "{from}->{to}"
                );
            }
        }
        for t in [Completed, Cancelled, Refunded] {
            assert!(t.is_terminal());
        }
        assert_eq!(rule(Paid, Shipped).map(|r| r.customer), Some(false));
        assert_eq!(
            rule(AwaitingPayment, Cancelled).map(|r| r.system),
            Some(true)
        );
        assert_eq!(
            rule(PaymentReview, Cancelled).map(|r| r.customer),
            Some(false)
        );
    }

    #[test]
    fn receipts_are_taken_until_the_payment_is_decided() {
        let accepting: Vec<_> = OrderStatus::ALL
            .into_iter()
            .filter(|s| s.accepts_receipt())
            .collect();
        assert_eq!(accepting, vec![AwaitingPayment, PaymentReview]);
    }

    #[test]
    fn names_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()).unwrap(), s);
        }
        assert!(OrderStatus::parse("PAID ").is_err());
        let invalid: crate::Error = OrderStatus::parse("PAID").unwrap_err().into();
        assert!(matches!(invalid, crate::Error::Invalid { field: "status" }));
    }

    proptest! {
        /// Any walk that only takes allowed steps ends in a state reachable from the start,
        /// never leaves a terminal state, and stock is held exactly until shipping or ending.
        #[test]
        fn random_walks_respect_the_table(steps in proptest::collection::vec(0usize..7, 0..40)) {
            let mut state = AwaitingPayment;
            let mut shipped = false;
            for i in steps {
                let to = OrderStatus::ALL[i];
                if rule(state, to).is_none() {
                    continue;
                }
                prop_assert!(!state.is_terminal());
                if to == Shipped { shipped = true; }
                if to == AwaitingPayment { prop_assert_eq!(state, PaymentReview); }
                state = to;
            }
            if state.holds_stock() { prop_assert!(!shipped); }
            if shipped { prop_assert!(matches!(state, Shipped | Completed | Refunded)); }
        }
    }
}
