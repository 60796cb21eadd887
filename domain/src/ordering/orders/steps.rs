//! What an actor may do with an order, decided once from the transition table: the adapters
//! render these as buttons and `perform` enforces the very same answer.
use std::fmt;
use std::str::FromStr;

use sea_orm::ConnectionTrait;

use super::status::{OrderStatus, rule};
use super::status_of;
use crate::kernel::actor::{Actor, Principal};
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::StoreId;
use crate::kernel::policy::{self, Capability, Role};
use entity::orders;

/// A status change someone asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    Verify,
    Reject,
    Cancel,
    Ship,
    Complete,
    Refund,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Verify,
        Step::Reject,
        Step::Cancel,
        Step::Ship,
        Step::Complete,
        Step::Refund,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Verify => "verify",
            Step::Reject => "reject",
            Step::Cancel => "cancel",
            Step::Ship => "ship",
            Step::Complete => "complete",
            Step::Refund => "refund",
        }
    }

    /// Where the step takes an order; the table (`status::rule`) says from where and by whom.
    pub fn target(self) -> OrderStatus {
        match self {
            Step::Verify => OrderStatus::Paid,
            Step::Reject => OrderStatus::AwaitingPayment,
            Step::Cancel => OrderStatus::Cancelled,
            Step::Ship => OrderStatus::Shipped,
            Step::Complete => OrderStatus::Completed,
            Step::Refund => OrderStatus::Refunded,
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Step {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Step::ALL
            .into_iter()
            .find(|step| step.as_str() == s)
            .ok_or(Error::Invalid { field: "step" })
    }
}

/// In what capacity an actor stands towards one order: all that decides its steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// The operator at the console: every step the table has.
    Operator,
    /// Vitrina itself (expiry of unpaid orders): the table's system steps.
    System,
    /// A person: their role in the order's store, if any, and whether the order is theirs.
    Person { role: Option<Role>, customer: bool },
}

impl Standing {
    /// Staff of the store who did not place the order.
    pub const fn staff(role: Role) -> Self {
        Standing::Person {
            role: Some(role),
            customer: false,
        }
    }

    /// The order's customer, with no role in its store.
    pub const CUSTOMER: Standing = Standing::Person {
        role: None,
        customer: true,
    };

    /// Holds `cap` in the order's store.
    pub fn may(self, cap: Capability) -> bool {
        match self {
            Standing::Operator => true,
            Standing::System => false,
            Standing::Person { role, .. } => role.is_some_and(|r| policy::allows(r, cap)),
        }
    }

    /// May take `step` from `from`: the table names the transition, and this standing is one it
    /// allows (staff holding the capability, the customer, or the system).
    fn may_take(self, step: Step, from: OrderStatus) -> bool {
        let Some(rule) = rule(from, step.target()) else {
            return false;
        };
        match self {
            Standing::Operator => true,
            Standing::System => rule.system,
            Standing::Person { customer, .. } => {
                (customer && rule.customer) || self.may(rule.staff)
            }
        }
    }

    /// May take `step` from some state, if not necessarily from this one.
    pub(crate) fn ever_takes(self, step: Step) -> bool {
        OrderStatus::ALL
            .into_iter()
            .any(|from| steps_for(self, from).contains(&step))
    }
}

/// The steps `standing` may take on an order in `status`, in [`Step::ALL`] order.
pub fn steps_for(standing: Standing, status: OrderStatus) -> Vec<Step> {
    Step::ALL
        .into_iter()
        .filter(|&step| standing.may_take(step, status))
        .collect()
}

/// How `actor` stands towards `order`. Someone who is neither its customer nor staff of its
/// store gets `NotFound`, never a hint it exists.
pub(crate) async fn standing(
    db: &impl ConnectionTrait,
    actor: &Actor,
    order: &orders::Model,
) -> Result<Standing> {
    let role = match actor.principal {
        Principal::User(user) => policy::role_in(db, user, StoreId(order.store_id)).await?,
        Principal::Operator | Principal::System => None,
    };
    standing_given(actor, role, order)
}

/// [`standing`], given the role the actor (if a person) holds in `order`'s store.
fn standing_given(actor: &Actor, role: Option<Role>, order: &orders::Model) -> Result<Standing> {
    match actor.principal {
        Principal::Operator => Ok(Standing::Operator),
        Principal::System => Ok(Standing::System),
        Principal::User(user) => {
            let customer = order.customer_id == user.0;
            if role.is_none() && !customer {
                return Err(Error::NotFound { what: "order" });
            }
            Ok(Standing::Person { role, customer })
        }
    }
}

/// The steps `actor` may take on `order` as it is now: what the adapters offer as buttons.
pub async fn available_steps(
    db: &impl ConnectionTrait,
    actor: &Actor,
    order: &orders::Model,
) -> Result<Vec<Step>> {
    let standing = standing(db, actor, order).await?;
    Ok(steps_for(standing, status_of(order)?))
}

/// [`available_steps`] for each of `orders` (a list page), reading the actor's roles once.
pub async fn available_steps_each(
    db: &impl ConnectionTrait,
    actor: &Actor,
    orders: &[orders::Model],
) -> Result<Vec<Vec<Step>>> {
    let roles = match actor.principal {
        Principal::User(user) => Some(policy::roles_of(db, user).await?),
        Principal::Operator | Principal::System => None,
    };
    orders
        .iter()
        .map(|order| {
            let role = roles
                .as_ref()
                .and_then(|r| r.in_store(StoreId(order.store_id)));
            let standing = standing_given(actor, role, order)?;
            Ok(steps_for(standing, status_of(order)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    #[test]
    fn names_round_trip() {
        for step in Step::ALL {
            assert_eq!(step.as_str().parse::<Step>().unwrap(), step);
            assert_eq!(step.to_string(), step.as_str());
        }
        for bad in ["", "Verify", "take", " ship"] {
            assert!(bad.parse::<Step>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn each_role_gets_what_the_design_table_gives_it() {
        use Step::*;
        let admin = [
            (AwaitingPayment, vec![Cancel]),
            (PaymentReview, vec![Verify, Reject, Cancel]),
            (Paid, vec![Ship, Refund]),
            (Shipped, vec![Complete, Refund]),
        ];
        let vendor = [(Paid, vec![Ship]), (Shipped, vec![Complete])];
        let customer = [(AwaitingPayment, vec![Cancel]), (Shipped, vec![Complete])];
        let system = [(AwaitingPayment, vec![Cancel])];
        let expected = |table: &[(OrderStatus, Vec<Step>)], status| {
            table
                .iter()
                .find(|(s, _)| *s == status)
                .map(|(_, steps)| steps.clone())
                .unwrap_or_default()
        };
        let stranger = Standing::Person {
            role: None,
            customer: false,
        };
        for status in OrderStatus::ALL {
            let all = expected(&admin, status);
            assert_eq!(steps_for(Standing::Operator, status), all, "{status}");
            assert_eq!(steps_for(Standing::staff(Role::Owner), status), all);
            assert_eq!(steps_for(Standing::staff(Role::Admin), status), all);
            let v = steps_for(Standing::staff(Role::Vendor), status);
            assert_eq!(v, expected(&vendor, status), "vendor {status}");
            let c = steps_for(Standing::CUSTOMER, status);
            assert_eq!(c, expected(&customer, status), "customer {status}");
            let s = steps_for(Standing::System, status);
            assert_eq!(s, expected(&system, status), "system {status}");
            assert!(steps_for(stranger, status).is_empty());
        }
    }

    #[test]
    fn a_vendor_never_decides_payments_cancels_or_refunds() {
        let vendor = Standing::staff(Role::Vendor);
        for step in [Step::Verify, Step::Reject, Step::Cancel, Step::Refund] {
            assert!(!vendor.ever_takes(step), "{step}");
        }
        assert!(vendor.ever_takes(Step::Ship) && vendor.ever_takes(Step::Complete));
    }

    #[test]
    fn a_vendor_who_ordered_gets_both_hats() {
        let both = Standing::Person {
            role: Some(Role::Vendor),
            customer: true,
        };
        assert_eq!(steps_for(both, AwaitingPayment), vec![Step::Cancel]);
        assert_eq!(steps_for(both, Paid), vec![Step::Ship]);
        assert!(steps_for(both, PaymentReview).is_empty());
    }
}
