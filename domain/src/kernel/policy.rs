//! Roles x capabilities (DESIGN.md §3 Roles) in one place. Deny by default.
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::kernel::actor::{Actor, Principal};
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{StoreId, UserId};
use crate::platform::events::DomainEvent;
use entity::staff_roles;

/// Staff roles, weakest first, so `Ord` compares authority: the stored vocabulary
/// (`entity::kinds`); what each may do is here.
pub use entity::kinds::Role;

/// What a role means beyond the matrix.
pub trait RoleExt {
    /// OWNER is platform-wide; the others are granted per store.
    fn is_platform_wide(&self) -> bool;
}

impl RoleExt for Role {
    fn is_platform_wide(&self) -> bool {
        *self == Role::Owner
    }
}

/// What staff can do in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Capability {
    ViewOrders,
    /// Verify / reject payments, cancel, refund.
    DecidePayments,
    /// Take into work, ship, complete.
    Fulfil,
    ManageCatalog,
    ViewAnalytics,
    ViewAudit,
    GrantRoles,
    ManageStore,
    CreateStores,
    /// See the store's customers and block or unblock them.
    ManageCustomers,
    /// Platform-wide: Telegram updates set aside as poison (seen, discarded, tried again).
    ManageUpdates,
}

impl Capability {
    pub const ALL: [Capability; 11] = [
        Capability::ViewOrders,
        Capability::DecidePayments,
        Capability::Fulfil,
        Capability::ManageCatalog,
        Capability::ViewAnalytics,
        Capability::ViewAudit,
        Capability::GrantRoles,
        Capability::ManageStore,
        Capability::CreateStores,
        Capability::ManageCustomers,
        Capability::ManageUpdates,
    ];
}

/// The matrix. Anything not listed is denied.
pub fn allows(role: Role, cap: Capability) -> bool {
    use Capability::*;
    match role {
        Role::Owner => true,
        Role::Admin => !matches!(cap, CreateStores | ManageUpdates),
        Role::Vendor => matches!(cap, ViewOrders | Fulfil | ManageCatalog),
    }
}

/// What a role must be allowed in an event's store to be shown the event live (SSE). Every
/// kind is decided here, so a new kind cannot reach a browser before someone decides who may
/// see it: orders and stock for everyone who works the store; the digest's revenue, role
/// changes and store settings for those who may see them on their pages.
pub fn needed_to_see(event: &DomainEvent) -> Capability {
    match event {
        DomainEvent::OrderPlaced { .. }
        | DomainEvent::ReceiptAttached { .. }
        | DomainEvent::OrderStatusChanged { .. }
        | DomainEvent::OrderAssigned { .. } => Capability::ViewOrders,
        DomainEvent::ProductSaved { .. }
        | DomainEvent::LowStock { .. }
        | DomainEvent::StockAdjusted { .. } => Capability::ManageCatalog,
        DomainEvent::DailyDigest { .. } => Capability::ViewAnalytics,
        DomainEvent::RoleGranted { .. } | DomainEvent::RoleRevoked { .. } => Capability::GrantRoles,
        DomainEvent::StoreUpdated { .. } => Capability::ManageStore,
        DomainEvent::StoreCreated { .. } => Capability::CreateStores,
    }
}

/// The roles one user holds right now, as [`role_in`] reads them, for deciding many events
/// without a query each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roles(Vec<(Option<StoreId>, Role)>);

impl Roles {
    /// From `staff_roles` rows of one user; rows that grant nothing are dropped.
    pub fn from_rows(rows: &[staff_roles::Model]) -> Self {
        Roles(
            rows.iter()
                .filter(|r| r.store_id.is_some() || r.role == Role::Owner)
                .map(|r| (r.store_id.map(StoreId), r.role))
                .collect(),
        )
    }

    /// No role anywhere: not (or no longer) staff.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The strongest role in `store`: a platform OWNER holds OWNER everywhere.
    pub fn in_store(&self, store: StoreId) -> Option<Role> {
        self.0
            .iter()
            .filter(|(s, _)| s.is_none_or(|s| s == store))
            .map(|(_, r)| *r)
            .max()
    }

    /// May the event be shown to this user? Only events of a store they work in, and only
    /// kinds their role there may see ([`needed_to_see`]). Events of no store: never.
    pub fn may_see(&self, event: &DomainEvent) -> bool {
        event
            .store_id()
            .and_then(|s| self.in_store(s))
            .is_some_and(|role| allows(role, needed_to_see(event)))
    }
}

/// Which roles `granter` may hand out (never above their own).
pub fn may_grant(granter: Role, target: Role) -> bool {
    match granter {
        Role::Owner => true,
        Role::Admin => matches!(target, Role::Admin | Role::Vendor),
        Role::Vendor => false,
    }
}

/// The strongest role `user` holds in `store`: a platform OWNER holds OWNER everywhere.
pub async fn role_in(
    db: &impl ConnectionTrait,
    user: UserId,
    store: StoreId,
) -> Result<Option<Role>> {
    let rows = staff_roles::Entity::find()
        .filter(staff_roles::Column::UserId.eq(user.0))
        .filter(
            staff_roles::Column::StoreId
                .eq(store.0)
                .or(staff_roles::Column::StoreId.is_null()),
        )
        .all(db)
        .await?;
    Ok(Roles::from_rows(&rows).in_store(store))
}

/// Is this user a platform-wide OWNER?
pub async fn is_owner(db: &impl ConnectionTrait, user: UserId) -> Result<bool> {
    let n = staff_roles::Entity::find()
        .filter(staff_roles::Column::UserId.eq(user.0))
        .filter(staff_roles::Column::StoreId.is_null())
        .filter(staff_roles::Column::Role.eq(Role::Owner))
        .one(db)
        .await?;
    Ok(n.is_some())
}

/// The stores `user` works in: every store for a platform OWNER, else those with a role.
pub async fn staff_stores(db: &impl ConnectionTrait, user: UserId) -> Result<Vec<StoreId>> {
    // One read of the user's roles: most senders are customers, who have none.
    let rows = role_rows(db, user).await?;
    if rows
        .iter()
        .any(|r| r.store_id.is_none() && r.role == Role::Owner)
    {
        let all = entity::stores::Entity::find()
            .order_by_asc(entity::stores::Column::Id)
            .all(db)
            .await?;
        return Ok(all.into_iter().map(|s| StoreId(s.id)).collect());
    }
    Ok(rows
        .into_iter()
        .filter_map(|r| r.store_id.map(StoreId))
        .collect())
}

/// Every role `user` holds, in every store (one query): for deciding about many stores at once.
pub async fn roles_of(db: &impl ConnectionTrait, user: UserId) -> Result<Roles> {
    Ok(Roles::from_rows(&role_rows(db, user).await?))
}

/// Every role row of `user`, by store.
async fn role_rows(db: &impl ConnectionTrait, user: UserId) -> Result<Vec<staff_roles::Model>> {
    Ok(staff_roles::Entity::find()
        .filter(staff_roles::Column::UserId.eq(user.0))
        .order_by_asc(staff_roles::Column::StoreId)
        .all(db)
        .await?)
}

/// The decision made for an actor in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    Operator,
    Staff(Role),
}

/// Checks `cap` for `actor` in `store`. Someone with no role there at all gets `NotFound`
/// (the store's objects are not theirs to know about); someone with a weaker role gets
/// `Forbidden`.
pub async fn require(
    db: &impl ConnectionTrait,
    actor: &Actor,
    store: StoreId,
    cap: Capability,
) -> Result<Grant> {
    match actor.principal {
        Principal::Operator => Ok(Grant::Operator),
        Principal::System => Err(Error::Forbidden),
        Principal::User(user) => match role_in(db, user, store).await? {
            Some(role) if allows(role, cap) => Ok(Grant::Staff(role)),
            Some(_) => Err(Error::Forbidden),
            None => Err(Error::NotFound { what: "store" }),
        },
    }
}

/// Checks a capability that is not tied to a store (creating stores).
pub async fn require_global(
    db: &impl ConnectionTrait,
    actor: &Actor,
    cap: Capability,
) -> Result<Grant> {
    match actor.principal {
        Principal::Operator => Ok(Grant::Operator),
        Principal::System => Err(Error::Forbidden),
        Principal::User(user) => {
            if is_owner(db, user).await? && allows(Role::Owner, cap) {
                Ok(Grant::Staff(Role::Owner))
            } else {
                Err(Error::Forbidden)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_matches_design() {
        use Capability::*;
        let vendor = [ViewOrders, Fulfil, ManageCatalog];
        for cap in Capability::ALL {
            assert!(allows(Role::Owner, cap), "{cap:?}");
            assert_eq!(
                allows(Role::Admin, cap),
                !matches!(cap, CreateStores | ManageUpdates),
                "{cap:?}"
            );
            assert_eq!(allows(Role::Vendor, cap), vendor.contains(&cap), "{cap:?}");
        }
        // Customers (names, Telegram ids, what they spent): ADMIN and above only.
        assert!(allows(Role::Admin, ManageCustomers) && !allows(Role::Vendor, ManageCustomers));
    }

    fn row(store: Option<i64>, role: Role) -> staff_roles::Model {
        staff_roles::Model {
            id: 0,
            user_id: 7,
            store_id: store,
            role,
            granted_by: None,
            receipt_alerts: false,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn live_events_reach_only_roles_that_may_see_them_in_their_own_stores() {
        use crate::kernel::money::{Currency, Money};
        let (main, other) = (StoreId(1), StoreId(2));
        let digest = DomainEvent::DailyDigest {
            store_id: main,
            until: chrono::Utc::now(),
            orders: 3,
            revenue: Money::new(1000, Currency::parse("UAH").unwrap()),
            pending_receipts: 0,
        };
        let granted = DomainEvent::RoleGranted {
            user_id: UserId(9),
            store_id: Some(main),
            role: Role::Vendor,
        };
        let stock = DomainEvent::StockAdjusted {
            product_id: crate::kernel::ids::ProductId(1),
            store_id: main,
            delta: 1,
            on_hand: 2,
        };
        let vendor = Roles::from_rows(&[row(Some(1), Role::Vendor)]);
        let admin = Roles::from_rows(&[row(Some(1), Role::Admin), row(Some(2), Role::Vendor)]);
        let owner = Roles::from_rows(&[row(None, Role::Owner)]);
        assert!(vendor.may_see(&stock) && !vendor.may_see(&digest) && !vendor.may_see(&granted));
        assert!(admin.may_see(&stock) && admin.may_see(&digest) && admin.may_see(&granted));
        assert!(owner.may_see(&digest) && owner.may_see(&granted));
        // Another store's events: only where the role is held, and as that role.
        let elsewhere = DomainEvent::StoreUpdated { store_id: other };
        assert!(!vendor.may_see(&elsewhere) && !admin.may_see(&elsewhere));
        assert!(owner.may_see(&elsewhere));
        // Of no store (an OWNER granted platform-wide): nobody's stream.
        let platform = DomainEvent::RoleRevoked {
            user_id: UserId(9),
            store_id: None,
        };
        assert!(!owner.may_see(&platform));
        // A store-less row that is not OWNER grants nothing; no rows: not staff.
        assert!(Roles::from_rows(&[row(None, Role::Admin)]).is_empty());
        assert_eq!(owner.in_store(other), Some(Role::Owner));
    }

    #[test]
    fn never_grant_above_own_role() {
        for g in Role::ALL {
            for t in Role::ALL {
                assert_eq!(
                    may_grant(g, t),
                    g == Role::Owner || (g == Role::Admin && t != Role::Owner)
                );
                if may_grant(g, t) {
                    assert!(t <= g);
                }
            }
        }
    }
}
