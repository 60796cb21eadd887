//! Roles x capabilities (DESIGN.md §3 Roles) in one place. Deny by default.
use std::fmt;

use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Principal};
use crate::error::{Error, Result};
use crate::ids::{StoreId, UserId};
use entity::staff_roles;

/// Staff roles, weakest first, so `Ord` compares authority.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Vendor,
    Admin,
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Vendor, Role::Admin, Role::Owner];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Vendor => "vendor",
            Role::Admin => "admin",
            Role::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or(Error::Invalid { field: "role" })
    }

    /// OWNER is platform-wide; the others are granted per store.
    pub fn is_platform_wide(self) -> bool {
        self == Role::Owner
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
}

impl Capability {
    pub const ALL: [Capability; 10] = [
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
    ];
}

/// The matrix. Anything not listed is denied.
pub fn allows(role: Role, cap: Capability) -> bool {
    use Capability::*;
    match role {
        Role::Owner => true,
        Role::Admin => !matches!(cap, CreateStores),
        Role::Vendor => matches!(cap, ViewOrders | Fulfil | ManageCatalog),
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
    Ok(rows
        .iter()
        .filter(|r| r.store_id.is_some() || r.role == Role::Owner.as_str())
        .filter_map(|r| Role::parse(&r.role).ok())
        .max())
}

/// Is this user a platform-wide OWNER?
pub async fn is_owner(db: &impl ConnectionTrait, user: UserId) -> Result<bool> {
    let n = staff_roles::Entity::find()
        .filter(staff_roles::Column::UserId.eq(user.0))
        .filter(staff_roles::Column::StoreId.is_null())
        .filter(staff_roles::Column::Role.eq(Role::Owner.as_str()))
        .one(db)
        .await?;
    Ok(n.is_some())
}

/// The stores `user` works in: every store for a platform OWNER, else those with a role.
pub async fn staff_stores(db: &impl ConnectionTrait, user: UserId) -> Result<Vec<StoreId>> {
    if is_owner(db, user).await? {
        let all = entity::stores::Entity::find()
            .order_by_asc(entity::stores::Column::Id)
            .all(db)
            .await?;
        return Ok(all.into_iter().map(|s| StoreId(s.id)).collect());
    }
    let rows = staff_roles::Entity::find()
        .filter(staff_roles::Column::UserId.eq(user.0))
        .filter(staff_roles::Column::StoreId.is_not_null())
        .order_by_asc(staff_roles::Column::StoreId)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| r.store_id.map(StoreId))
        .collect())
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
            assert_eq!(allows(Role::Admin, cap), cap != CreateStores, "{cap:?}");
            assert_eq!(allows(Role::Vendor, cap), vendor.contains(&cap), "{cap:?}");
        }
        // Customers (names, Telegram ids, what they spent): ADMIN and above only.
        assert!(allows(Role::Admin, ManageCustomers) && !allows(Role::Vendor, ManageCustomers));
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
