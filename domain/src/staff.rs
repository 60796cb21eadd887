//! Granting and revoking staff roles: never above your own, and the last OWNER stays.
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

use crate::actor::{Actor, Principal};
use crate::error::{Error, Result};
use crate::events::{DomainEvent, outbox};
use crate::ids::{StoreId, UserId};
use crate::policy::{self, Capability, Role};
use crate::{Ctx, audit, in_tx, jobs};
use entity::{jobs as jobs_table, staff_roles};

/// Changes to platform-wide roles take this row's lock first, so two owners removing each
/// other at once cannot leave the platform with none.
const OWNERS_LOCK: &str = "lock:owners";

/// Checks that `actor` may hand out or take away `role` in `store`.
async fn check_authority(
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

fn scope_ok(role: Role, store: Option<StoreId>) -> Result<()> {
    if role.is_platform_wide() == store.is_none() {
        Ok(())
    } else {
        Err(Error::Invalid { field: "store" })
    }
}

fn scoped(user: UserId, store: Option<StoreId>) -> sea_orm::Select<staff_roles::Entity> {
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
    jobs::ensure(db, OWNERS_LOCK, "lock", now, now).await?;
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
        if let Some(current) = existing.as_ref().and_then(|r| Role::parse(&r.role).ok()) {
            // Changing someone's role is taking the old one away too.
            check_authority(&txn, actor, current, store).await?;
        }
        let id = match &existing {
            Some(row) => {
                staff_roles::Entity::update_many()
                    .col_expr(staff_roles::Column::Role, Expr::value(role.as_str()))
                    .col_expr(
                        staff_roles::Column::GrantedBy,
                        Expr::value(actor.user_id().map(|u| u.0)),
                    )
                    .filter(staff_roles::Column::Id.eq(row.id))
                    .exec(&txn)
                    .await?;
                row.id
            }
            None => {
                let row = staff_roles::ActiveModel {
                    id: NotSet,
                    user_id: Set(user.0),
                    store_id: Set(store.map(|s| s.0)),
                    role: Set(role.as_str().to_owned()),
                    granted_by: Set(actor.user_id().map(|u| u.0)),
                    receipt_alerts: Set(true),
                    created_at: Set(now),
                };
                staff_roles::Entity::insert(row)
                    .exec(&txn)
                    .await?
                    .last_insert_id
            }
        };
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
        outbox::record(
            &txn,
            now,
            &DomainEvent::RoleGranted {
                user_id: user,
                store_id: store,
                role,
            },
        )
        .await?;
        staff_roles::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(Error::NotFound { what: "role" })
    }
    .await)
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
        let role = Role::parse(&row.role)?;
        check_authority(&txn, actor, role, store).await?;
        if role == Role::Owner {
            let owners = staff_roles::Entity::find()
                .filter(staff_roles::Column::StoreId.is_null())
                .filter(staff_roles::Column::Role.eq(Role::Owner.as_str()))
                .count(&txn)
                .await?;
            if owners <= 1 {
                return Err(Error::LastOwner);
            }
        }
        staff_roles::Entity::delete_by_id(row.id).exec(&txn).await?;
        let entry = audit::Entry {
            store,
            action: "staff.revoke",
            object_type: "user",
            object_id: user.to_string(),
            before: Some(serde_json::json!({ "role": role })),
            after: None,
        };
        audit::record(&txn, now, actor, entry).await?;
        outbox::record(
            &txn,
            now,
            &DomainEvent::RoleRevoked {
                user_id: user,
                store_id: store,
            },
        )
        .await?;
        Ok(())
    }
    .await)
}

/// Is there any OWNER at all? (First-run bootstrap asks.)
pub async fn has_owner(db: &impl ConnectionTrait) -> Result<bool> {
    let n = staff_roles::Entity::find()
        .filter(staff_roles::Column::StoreId.is_null())
        .filter(staff_roles::Column::Role.eq(Role::Owner.as_str()))
        .count(db)
        .await?;
    Ok(n > 0)
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

/// One person's role in a store, for the staff screens.
#[derive(Clone, Debug)]
pub struct Member {
    pub user: entity::users::Model,
    pub role: Role,
    pub receipt_alerts: bool,
}

/// The staff of a store (its ADMINs and VENDORs), by role then name.
pub async fn members(db: &impl ConnectionTrait, store: StoreId) -> Result<Vec<Member>> {
    let roles = staff_roles::Entity::find()
        .filter(staff_roles::Column::StoreId.eq(store.0))
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(roles.len());
    for r in roles {
        let (Some(user), Ok(role)) = (
            entity::users::Entity::find_by_id(r.user_id).one(db).await?,
            Role::parse(&r.role),
        ) else {
            continue;
        };
        out.push(Member {
            user,
            role,
            receipt_alerts: r.receipt_alerts,
        });
    }
    out.sort_by(|a, b| {
        b.role
            .cmp(&a.role)
            .then(a.user.first_name.cmp(&b.user.first_name))
    });
    Ok(out)
}
