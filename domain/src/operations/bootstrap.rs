//! First run: with no OWNER yet, `vitrina serve` prints a one-time `start=claim_<code>` link;
//! whoever opens it first in Telegram becomes the OWNER.
use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, EntityTrait, QueryFilter,
};
use sha2::{Digest, Sha256};

use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::policy::Role;
use crate::platform::events::{DomainEvent, outbox};
use crate::{Ctx, in_tx, people::staff, platform::audit, platform::jobs};
use entity::{jobs as jobs_table, staff_roles};

const KEY: &str = "bootstrap:owner-claim";
/// How long a printed link works.
const VALID_HOURS: i64 = 24;

fn digest(code: &str) -> String {
    Sha256::digest(code.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new one-time claim code when there is no OWNER (an older code stops working), else `None`.
pub async fn issue_claim(ctx: &Ctx) -> Result<Option<String>> {
    if staff::has_owner(&ctx.db).await? {
        return Ok(None);
    }
    let bytes: [u8; 24] = rand::random();
    let code = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes);
    let now = ctx.now();
    let payload = serde_json::json!({ "hash": digest(&code), "expires": (now + Duration::hours(VALID_HOURS)).timestamp() });
    jobs::ensure(&ctx.db, KEY, jobs::JobKind::Bootstrap, now, now).await?;
    jobs_table::Entity::update_many()
        .col_expr(
            jobs_table::Column::Payload,
            Expr::value(payload.to_string()),
        )
        .filter(jobs_table::Column::Key.eq(KEY))
        .exec(&ctx.db)
        .await?;
    Ok(Some(code))
}

/// Makes the actor the OWNER if `code` is the current claim code and nobody owns Vitrina yet.
/// The code works once.
pub async fn claim(ctx: &Ctx, actor: &Actor, code: &str) -> Result<()> {
    let user = actor.user_id().ok_or(Error::Forbidden)?;
    let now = ctx.now();
    let hash = digest(code.trim());
    in_tx!(&ctx.db, |txn| async {
        staff::lock_owners(&txn, now).await?;
        let invalid = Error::NotFound { what: "link" };
        if staff::has_owner(&txn).await? {
            return Err(invalid);
        }
        let row = jobs_table::Entity::find()
            .filter(jobs_table::Column::Key.eq(KEY))
            .one(&txn)
            .await?
            .ok_or(invalid)?;
        let payload: serde_json::Value = serde_json::from_str(&row.payload).unwrap_or_default();
        let expected = payload
            .get("hash")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let expires = payload.get("expires").and_then(|v| v.as_i64()).unwrap_or(0);
        if expected.len() != hash.len()
            || !crate::people::auth::constant_time_eq(expected.as_bytes(), hash.as_bytes())
            || now.timestamp() > expires
        {
            return Err(Error::NotFound { what: "link" });
        }
        jobs_table::Entity::update_many()
            .col_expr(jobs_table::Column::Payload, Expr::value("{}"))
            .filter(jobs_table::Column::Key.eq(KEY))
            .exec(&txn)
            .await?;
        let role = staff_roles::ActiveModel {
            id: NotSet,
            user_id: Set(user.0),
            store_id: Set(None),
            role: Set(Role::Owner),
            granted_by: Set(None),
            receipt_alerts: Set(true),
            created_at: Set(now),
        };
        staff_roles::Entity::insert(role).exec(&txn).await?;
        let entry = audit::Entry {
            store: None,
            action: "staff.claim_owner",
            object_type: "user",
            object_id: user.to_string(),
            before: None,
            after: Some(serde_json::json!({ "role": Role::Owner })),
        };
        audit::record(&txn, now, actor, entry).await?;
        outbox::record(
            &txn,
            now,
            &DomainEvent::RoleGranted {
                user_id: user,
                store_id: None,
                role: Role::Owner,
            },
        )
        .await?;
        Ok(())
    }
    .await)
}
