//! Telegram updates set aside as poison ([`crate::platform::updates::log::quarantine_stale`]): their handling
//! killed the process, and killed it again when replayed. Platform OWNERs see them (what kind,
//! from whom, when; never the content, which may be a customer's private data) and either
//! discard one or let it be tried once more.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::policy::{self, Capability};
use crate::platform::audit::{self, Entry};
use crate::{Ctx, in_tx};
use entity::telegram_inbox as inbox;

/// A quarantined update as staff see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quarantined {
    /// The row's id (what discard and retry take).
    pub id: i64,
    pub update_id: i64,
    /// `message`, `callback_query`, … (the update's field), or `unknown`.
    pub kind: String,
    /// The Telegram user who sent it, when the update names one.
    pub from: Option<i64>,
    /// `photo`, `document`, `text`, … for a message.
    pub content: Option<String>,
    pub received_at: DateTime<Utc>,
    pub quarantined_at: DateTime<Utc>,
}

/// What an update is, read from its JSON without trusting its shape.
fn summary(payload: &str) -> (String, Option<i64>, Option<String>) {
    let Ok(serde_json::Value::Object(update)) = serde_json::from_str(payload) else {
        return ("unknown".to_owned(), None, None);
    };
    let Some((kind, body)) = update.iter().find(|(k, _)| k.as_str() != "update_id") else {
        return ("unknown".to_owned(), None, None);
    };
    let from = body
        .get("from")
        .and_then(|f| f.get("id"))
        .and_then(serde_json::Value::as_i64);
    const CONTENT: [&str; 6] = ["photo", "document", "text", "video", "voice", "sticker"];
    let content = CONTENT
        .iter()
        .find(|c| body.get(**c).is_some())
        .map(|c| (*c).to_owned());
    let kind: String = kind.chars().take(40).collect();
    (kind, from, content)
}

/// The quarantined updates still waiting for a decision, newest first.
pub async fn list(ctx: &Ctx, actor: &Actor, limit: u64) -> Result<Vec<Quarantined>> {
    policy::require_global(&ctx.db, actor, Capability::ManageUpdates).await?;
    let rows = inbox::Entity::find()
        .filter(inbox::Column::QuarantinedAt.is_not_null())
        .filter(inbox::Column::HandledAt.is_null())
        .order_by_desc(inbox::Column::Id)
        .limit(limit)
        .all(&ctx.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (kind, from, content) = summary(&row.payload);
            Quarantined {
                id: row.id,
                update_id: row.update_id,
                kind,
                from,
                content,
                received_at: row.received_at,
                quarantined_at: row.quarantined_at.unwrap_or(row.received_at),
            }
        })
        .collect())
}

/// What staff decided about a quarantined update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Never handle it.
    Discard,
    /// Hand it over once more (at the next replay tick); if it kills the process again it
    /// comes back here.
    Retry,
}

impl Decision {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "discard" => Ok(Decision::Discard),
            "retry" => Ok(Decision::Retry),
            _ => Err(Error::Invalid { field: "decision" }),
        }
    }

    fn action(self) -> &'static str {
        match self {
            Decision::Discard => "update.discard",
            Decision::Retry => "update.retry",
        }
    }
}

/// Applies a decision to one quarantined update, audited. `NotFound` when it is not (or no
/// longer) waiting for one: someone else decided first.
pub async fn decide(ctx: &Ctx, actor: &Actor, id: i64, decision: Decision) -> Result<()> {
    policy::require_global(&ctx.db, actor, Capability::ManageUpdates).await?;
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        let update = inbox::Entity::update_many().filter(inbox::Column::Id.eq(id));
        let update = match decision {
            Decision::Discard => update.col_expr(inbox::Column::HandledAt, Expr::value(Some(now))),
            Decision::Retry => update
                .col_expr(
                    inbox::Column::QuarantinedAt,
                    Expr::value(None::<DateTime<Utc>>),
                )
                .col_expr(inbox::Column::Replays, Expr::value(0)),
        };
        let res = update
            .filter(inbox::Column::QuarantinedAt.is_not_null())
            .filter(inbox::Column::HandledAt.is_null())
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(Error::NotFound { what: "update" });
        }
        let entry = Entry {
            store: None,
            action: decision.action(),
            object_type: "telegram_update",
            object_id: id.to_string(),
            before: None,
            after: None,
        };
        audit::record(&txn, now, actor, entry).await
    }
    .await)
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn summaries_never_trust_the_shape() {
        let photo = r#"{"update_id":5,"message":{"from":{"id":42},"photo":[]}}"#;
        assert_eq!(
            summary(photo),
            ("message".into(), Some(42), Some("photo".into()))
        );
        assert_eq!(summary("not json"), ("unknown".into(), None, None));
        assert_eq!(summary("[1,2]"), ("unknown".into(), None, None));
        assert_eq!(
            summary(r#"{"update_id":1}"#),
            ("unknown".into(), None, None)
        );
        let odd = r#"{"update_id":1,"x":{"from":{"id":"no"}}}"#;
        assert_eq!(summary(odd), ("x".into(), None, None));
    }
}
