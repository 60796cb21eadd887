//! The bot's dialogue state per chat, kept in the database so a restart or another instance
//! continues the conversation. The state is opaque JSON here; the bot owns its shape.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use domain::Result;
use entity::dialogues;

/// The stored state of `chat_id`, if any.
pub async fn get(db: &impl ConnectionTrait, chat_id: i64) -> Result<Option<String>> {
    Ok(dialogues::Entity::find_by_id(chat_id)
        .one(db)
        .await?
        .map(|d| d.state))
}

/// Stores `json` as the state of `chat_id`, replacing any earlier one.
pub async fn put(
    db: &impl ConnectionTrait,
    chat_id: i64,
    json: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let row = dialogues::ActiveModel {
        chat_id: Set(chat_id),
        state: Set(json.to_owned()),
        updated_at: Set(now),
    };
    // One statement, so two updates of the same chat cannot both try to insert.
    dialogues::Entity::insert(row)
        .on_conflict(
            OnConflict::column(dialogues::Column::ChatId)
                .update_columns([dialogues::Column::State, dialogues::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Forgets the state of `chat_id`; `false` if there was none.
pub async fn remove(db: &impl ConnectionTrait, chat_id: i64) -> Result<bool> {
    let res = dialogues::Entity::delete_by_id(chat_id).exec(db).await?;
    Ok(res.rows_affected > 0)
}

#[cfg(test)]
mod tests {
    use sea_orm::EntityTrait;

    #[tokio::test]
    async fn dialogue_state_is_put_replaced_and_removed() {
        let t = testkit::TestDb::new().await;
        let db = &t.db;
        let now = chrono::Utc::now();
        let group = -1_001_234_567_890i64;
        assert_eq!(super::get(db, 42).await.unwrap(), None);

        super::put(db, 42, r#"{"AwaitingPhone":{"name":"Olena"}}"#, now)
            .await
            .unwrap();
        super::put(db, group, r#""Start""#, now).await.unwrap();
        assert_eq!(
            super::get(db, 42).await.unwrap().as_deref(),
            Some(r#"{"AwaitingPhone":{"name":"Olena"}}"#)
        );

        let later = now + chrono::Duration::minutes(5);
        let long = format!(r#"{{"Note":"{}"}}"#, "ї".repeat(5_000));
        super::put(db, 42, &long, later).await.unwrap();
        assert_eq!(super::get(db, 42).await.unwrap(), Some(long.clone()));
        // Putting the same state again is fine too.
        super::put(db, 42, &long, later).await.unwrap();
        let rows = entity::dialogues::Entity::find().all(db).await.unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            super::get(db, group).await.unwrap().as_deref(),
            Some(r#""Start""#)
        );

        assert!(super::remove(db, 42).await.unwrap());
        assert!(!super::remove(db, 42).await.unwrap());
        assert_eq!(super::get(db, 42).await.unwrap(), None);
        assert!(super::get(db, group).await.unwrap().is_some());
    }
}
