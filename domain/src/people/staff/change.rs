//! Changing a staff member's role as seen from one store: between ADMIN and VENDOR there, or
//! (an OWNER's move) between a store role and the platform-wide OWNER role.
use sea_orm::{ColumnTrait, QueryFilter};

use super::{
    Placement, check_authority, keep_an_owner, lock_owners, put_role, remove_role, scoped,
};
use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{StoreId, UserId};
use crate::kernel::policy::{self, Capability, Role, RoleExt as _};
use crate::{Ctx, in_tx, platform::audit};
use entity::staff_roles;

/// OWNER roles live outside any store.
fn scope_of(role: Role, store: StoreId) -> Option<StoreId> {
    (!role.is_platform_wide()).then_some(store)
}

/// Gives `user`, who works in `store` (or is an OWNER), the role `to`. Never to or from a role
/// above the actor's own (`RoleTooHigh`), never yourself upward, and the last OWNER stays
/// (`LastOwner`). Someone with no role there: `NotFound`. Making someone an OWNER replaces their
/// store role; making an OWNER an ADMIN or VENDOR of `store` takes the OWNER role away. Asking
/// for the role they already have changes nothing.
pub async fn change_role(
    ctx: &Ctx,
    actor: &Actor,
    user: UserId,
    store: StoreId,
    to: Role,
) -> Result<()> {
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        // Before any read: under MySQL's repeatable read the first read fixes the snapshot, and
        // the OWNER count must be read after the lock. Role changes are rare; serialising all
        // of them is cheap.
        lock_owners(&txn, now).await?;
        policy::require(&txn, actor, store, Capability::GrantRoles).await?;
        crate::stores::load(&txn, store).await?;
        let owner_row = scoped(user, None)
            .filter(staff_roles::Column::Role.eq(Role::Owner))
            .one(&txn)
            .await?;
        let store_row = scoped(user, Some(store)).one(&txn).await?;
        let current = match (&owner_row, &store_row) {
            (Some(_), _) => Role::Owner,
            (None, Some(row)) => row.role,
            (None, None) => return Err(Error::NotFound { what: "role" }),
        };
        if current == to {
            return Ok(());
        }
        if actor.user_id() == Some(user) && to > current {
            return Err(Error::RoleTooHigh { role: to });
        }
        check_authority(&txn, actor, current, scope_of(current, store)).await?;
        check_authority(&txn, actor, to, scope_of(to, store)).await?;
        if let Some(row) = &owner_row {
            keep_an_owner(&txn).await?;
            remove_role(&txn, now, row).await?;
        }
        let existing = if to == Role::Owner {
            if let Some(row) = &store_row {
                remove_role(&txn, now, row).await?;
            }
            None
        } else {
            store_row
        };
        let entry = audit::Entry {
            store: Some(store),
            action: "staff.change",
            object_type: "user",
            object_id: user.to_string(),
            before: Some(serde_json::json!({ "role": current })),
            after: Some(serde_json::json!({ "role": to })),
        };
        audit::record(&txn, now, actor, entry).await?;
        let placed = Placement {
            user,
            role: to,
            store: scope_of(to, store),
            granted_by: actor.user_id(),
        };
        put_role(&txn, now, placed, existing).await?;
        Ok(())
    }
    .await)
}
