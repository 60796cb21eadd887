//! Granting, changing and revoking staff roles: never above your own, and the last OWNER stays.
//! The people screens read [`members`], [`owners`] and [`grantable`]; invitation links
//! (`crate::people::invites`) put roles in place through the same `put_role`.
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

use crate::kernel::actor::{Actor, Principal};
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{StoreId, UserId};
use crate::kernel::policy::{self, Capability, Role, RoleExt as _};
use crate::platform::events::{DomainEvent, outbox};
use crate::{Ctx, in_tx, platform::audit, platform::jobs};
use entity::{jobs as jobs_table, staff_roles};

mod change;
pub use change::change_role;

/// Changes to platform-wide roles take this row's lock first, so two owners removing each
/// other at once cannot leave the platform with none.
const OWNERS_LOCK: &str = "lock:owners";

/// Checks that `actor` may hand out or take away `role` in `store`.
pub(crate) async fn check_authority(
    db: &impl ConnectionTrait,
    actor: &Actor,
    role: Role,
    store: Option<StoreId>,
) -> Result<()> {
    let granter = match (actor.principal, store) {
        (Principal::Operator, _) => return Ok(()),
        (Principal::System, _) => return Err(Error::Forbidden),
        (Principal::User(_), Some(store)) => {
            match policy::require(db, actor, store, Capability::GrantRoles).await? {
                policy::Grant::Staff(r) => r,
                policy::Grant::Operator => Role::Owner,
            }
        }
        (Principal::User(u), None) => {
            if policy::is_owner(db, u).await? {
                Role::Owner
            } else {
                return Err(Error::RoleTooHigh { role });
            }
        }
    };
    if policy::may_grant(granter, role) {
        Ok(())
    } else {
        Err(Error::RoleTooHigh { role })
    }
}

pub(crate) fn scope_ok(role: Role, store: Option<StoreId>) -> Result<()> {
    if role.is_platform_wide() == store.is_none() {
        Ok(())
    } else {
        Err(Error::Invalid { field: "store" })
    }
}

pub(crate) fn scoped(user: UserId, store: Option<StoreId>) -> sea_orm::Select<staff_roles::Entity> {
    let q = staff_roles::Entity::find().filter(staff_roles::Column::UserId.eq(user.0));
    match store {
        Some(s) => q.filter(staff_roles::Column::StoreId.eq(s.0)),
        None => q.filter(staff_roles::Column::StoreId.is_null()),
    }
}

pub(crate) async fn lock_owners(
    db: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    jobs::ensure(db, OWNERS_LOCK, jobs::JobKind::Lock, now, now).await?;
    jobs_table::Entity::update_many()
        .col_expr(
            jobs_table::Column::Attempts,
            Expr::col(jobs_table::Column::Attempts).add(1),
        )
        .filter(jobs_table::Column::Key.eq(OWNERS_LOCK))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives `user` the `role` (OWNER platform-wide with `store = None`; ADMIN and VENDOR in a store),
/// replacing the role they had there.
pub async fn grant(
    ctx: &Ctx,
    actor: &Actor,
    user: UserId,
    role: Role,
    store: Option<StoreId>,
) -> Result<staff_roles::Model> {
    scope_ok(role, store)?;
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        check_authority(&txn, actor, role, store).await?;
        if let Some(s) = store {
            crate::stores::load(&txn, s).await?;
        }
        let existing = scoped(user, store).one(&txn).await?;
        if let Some(current) = existing.as_ref().map(|r| r.role) {
            // Changing someone's role is taking the old one away too.
            check_authority(&txn, actor, current, store).await?;
        }
        let entry = audit::Entry {
            store,
            action: "staff.grant",
            object_type: "user",
            object_id: user.to_string(),
            before: existing
                .as_ref()
                .map(|r| serde_json::json!({ "role": r.role })),
            after: Some(serde_json::json!({ "role": role })),
        };
        audit::record(&txn, now, actor, entry).await?;
        let placed = Placement {
            user,
            role,
            store,
            granted_by: actor.user_id(),
        };
        put_role(&txn, now, placed, existing).await
    }
    .await)
}

/// A role to put in place, and who handed it out (recorded as `granted_by`).
pub(crate) struct Placement {
    pub user: UserId,
    pub role: Role,
    pub store: Option<StoreId>,
    pub granted_by: Option<UserId>,
}

/// Writes a role whose authority the caller has checked (and audited): replaces `existing` (the
/// person's row in that scope) or inserts one, with its `RoleGranted` event.
pub(crate) async fn put_role(
    db: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
    p: Placement,
    existing: Option<staff_roles::Model>,
) -> Result<staff_roles::Model> {
    let id = match &existing {
        Some(row) => {
            staff_roles::Entity::update_many()
                .col_expr(staff_roles::Column::Role, Expr::value(p.role))
                .col_expr(
                    staff_roles::Column::GrantedBy,
                    Expr::value(p.granted_by.map(|u| u.0)),
                )
                // "Granted when" is when the current role was given.
                .col_expr(staff_roles::Column::CreatedAt, Expr::value(now))
                .filter(staff_roles::Column::Id.eq(row.id))
                .exec(db)
                .await?;
            row.id
        }
        None => {
            let row = staff_roles::ActiveModel {
                id: NotSet,
                user_id: Set(p.user.0),
                store_id: Set(p.store.map(|s| s.0)),
                role: Set(p.role),
                granted_by: Set(p.granted_by.map(|u| u.0)),
                receipt_alerts: Set(true),
                created_at: Set(now),
            };
            staff_roles::Entity::insert(row)
                .exec(db)
                .await?
                .last_insert_id
        }
    };
    outbox::record(
        db,
        now,
        &DomainEvent::RoleGranted {
            user_id: p.user,
            store_id: p.store,
            role: p.role,
        },
    )
    .await?;
    staff_roles::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound { what: "role" })
}

/// Takes `user`'s role in `store` (or their OWNER role with `None`) away.
pub async fn revoke(ctx: &Ctx, actor: &Actor, user: UserId, store: Option<StoreId>) -> Result<()> {
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        if store.is_none() {
            lock_owners(&txn, now).await?;
        }
        let row = scoped(user, store)
            .one(&txn)
            .await?
            .ok_or(Error::NotFound { what: "role" })?;
        let role = row.role;
        check_authority(&txn, actor, role, store).await?;
        if role == Role::Owner {
            keep_an_owner(&txn).await?;
        }
        remove_role(&txn, now, &row).await?;
        let entry = audit::Entry {
            store,
            action: "staff.revoke",
            object_type: "user",
            object_id: user.to_string(),
            before: Some(serde_json::json!({ "role": role })),
            after: None,
        };
        audit::record(&txn, now, actor, entry).await?;
        Ok(())
    }
    .await)
}

/// Refuses to take away an OWNER role when it is the only one. Call with the owners lock held.
pub(crate) async fn keep_an_owner(db: &impl ConnectionTrait) -> Result<()> {
    if owner_count(db).await? <= 1 {
        return Err(Error::LastOwner);
    }
    Ok(())
}

/// Deletes a role row whose removal the caller has checked, with its `RoleRevoked` event.
pub(crate) async fn remove_role(
    db: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
    row: &staff_roles::Model,
) -> Result<()> {
    staff_roles::Entity::delete_by_id(row.id).exec(db).await?;
    outbox::record(
        db,
        now,
        &DomainEvent::RoleRevoked {
            user_id: UserId(row.user_id),
            store_id: row.store_id.map(StoreId),
        },
    )
    .await?;
    Ok(())
}

/// Is there any OWNER at all? (First-run bootstrap asks.)
pub async fn has_owner(db: &impl ConnectionTrait) -> Result<bool> {
    Ok(owner_count(db).await? > 0)
}

async fn owner_count(db: &impl ConnectionTrait) -> Result<u64> {
    Ok(staff_roles::Entity::find()
        .filter(staff_roles::Column::StoreId.is_null())
        .filter(staff_roles::Column::Role.eq(Role::Owner))
        .count(db)
        .await?)
}

/// Mutes or unmutes new-receipt alerts for a staff member's role in a store.
pub async fn set_receipt_alerts(
    db: &impl ConnectionTrait,
    user: UserId,
    store: StoreId,
    on: bool,
) -> Result<()> {
    let res = staff_roles::Entity::update_many()
        .col_expr(staff_roles::Column::ReceiptAlerts, Expr::value(on))
        .filter(staff_roles::Column::UserId.eq(user.0))
        .filter(staff_roles::Column::StoreId.eq(store.0))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(Error::NotFound { what: "role" });
    }
    Ok(())
}

/// One person's role in a store (or a platform OWNER), for the staff screens.
#[derive(Clone, Debug)]
pub struct Member {
    pub user: entity::users::Model,
    pub role: Role,
    pub receipt_alerts: bool,
    pub granted_at: chrono::DateTime<chrono::Utc>,
    /// Who handed the role out; `None` for the operator's console or the first-run claim.
    pub granted_by: Option<entity::users::Model>,
}

/// The staff of a store (its ADMINs and VENDORs), by role then name.
pub async fn members(db: &impl ConnectionTrait, store: StoreId) -> Result<Vec<Member>> {
    let roles = staff_roles::Entity::find()
        .filter(staff_roles::Column::StoreId.eq(store.0))
        .all(db)
        .await?;
    to_members(db, roles).await
}

/// The platform-wide OWNERs, by name.
pub async fn owners(db: &impl ConnectionTrait) -> Result<Vec<Member>> {
    let roles = staff_roles::Entity::find()
        .filter(staff_roles::Column::StoreId.is_null())
        .filter(staff_roles::Column::Role.eq(Role::Owner))
        .all(db)
        .await?;
    to_members(db, roles).await
}

async fn to_members(
    db: &impl ConnectionTrait,
    roles: Vec<staff_roles::Model>,
) -> Result<Vec<Member>> {
    let ids: Vec<i64> = roles
        .iter()
        .flat_map(|r| std::iter::once(r.user_id).chain(r.granted_by))
        .collect();
    let users: std::collections::HashMap<i64, entity::users::Model> = entity::users::Entity::find()
        .filter(entity::users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut out: Vec<Member> = roles
        .into_iter()
        .filter_map(|r| {
            Some(Member {
                user: users.get(&r.user_id)?.clone(),
                role: r.role,
                receipt_alerts: r.receipt_alerts,
                granted_at: r.created_at,
                granted_by: r.granted_by.and_then(|g| users.get(&g).cloned()),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.role
            .cmp(&a.role)
            .then(a.user.first_name.cmp(&b.user.first_name))
    });
    Ok(out)
}

/// The roles `actor` may hand out in `store`, weakest first; a platform OWNER also sees OWNER
/// (platform-wide). Who may not grant roles there gets `Forbidden` (or `NotFound`, knowing
/// nothing of the store), so this also guards the people screens.
pub async fn grantable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    store: StoreId,
) -> Result<Vec<Role>> {
    let own = match policy::require(db, actor, store, Capability::GrantRoles).await? {
        policy::Grant::Operator => Role::Owner,
        policy::Grant::Staff(r) => r,
    };
    Ok(Role::ALL
        .into_iter()
        .filter(|r| policy::may_grant(own, *r))
        .collect())
}
