//! teloxide's dialogue [`Storage`] over the shared database (`domain::dialogues`), so a
//! restart or another bot instance continues every conversation where it was.
//!
//! Not teloxide's own SQLite/PostgreSQL storages: they bring a second sqlx, and none of them
//! speaks MySQL.
use std::fmt;
use std::sync::Arc;

use futures::future::BoxFuture;
use sea_orm::DatabaseConnection;
use serde::Serialize;
use serde::de::DeserializeOwned;
use teloxide::dispatching::dialogue::Storage;
use teloxide::types::ChatId;

/// Dialogue states as JSON in the `dialogues` table, one row per chat.
pub struct DbStorage {
    db: DatabaseConnection,
}

impl DbStorage {
    pub fn new(db: DatabaseConnection) -> Arc<Self> {
        Arc::new(Self { db })
    }
}

#[derive(Debug)]
pub enum StorageError {
    Db(domain::Error),
    /// A state that cannot be written as JSON (a map with non-string keys, say).
    Json(serde_json::Error),
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::Db(e) => write!(f, "dialogue storage: {e}"),
            StorageError::Json(e) => write!(f, "dialogue state as JSON: {e}"),
        }
    }
}

impl std::error::Error for StorageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StorageError::Db(e) => Some(e),
            StorageError::Json(e) => Some(e),
        }
    }
}

impl From<domain::Error> for StorageError {
    fn from(e: domain::Error) -> Self {
        StorageError::Db(e)
    }
}

impl<D> Storage<D> for DbStorage
where
    D: Serialize + DeserializeOwned + Send + 'static,
{
    type Error = StorageError;

    /// Ends the chat's dialogue. Unlike teloxide's own storages, ending one that was never
    /// stored is not an error: handlers end dialogues freely (`/start`, a cancel button), and
    /// a chat that never began one is already where they want it.
    fn remove_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<(), Self::Error>>
    where
        D: Send + 'static,
    {
        Box::pin(async move {
            crate::dialogue_rows::remove(&self.db, chat_id.0).await?;
            Ok(())
        })
    }

    fn update_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
        dialogue: D,
    ) -> BoxFuture<'static, Result<(), Self::Error>>
    where
        D: Send + 'static,
    {
        Box::pin(async move {
            let json = serde_json::to_string(&dialogue).map_err(StorageError::Json)?;
            crate::dialogue_rows::put(&self.db, chat_id.0, &json, chrono::Utc::now()).await?;
            Ok(())
        })
    }

    /// The chat's state. One that no longer reads as `D` (the state type changed in a
    /// release) starts the chat afresh: an error here would fail every later update of that
    /// chat, with no way for the user to get out.
    fn get_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<Option<D>, Self::Error>> {
        Box::pin(async move {
            let Some(json) = crate::dialogue_rows::get(&self.db, chat_id.0).await? else {
                return Ok(None);
            };
            match serde_json::from_str(&json) {
                Ok(state) => Ok(Some(state)),
                Err(e) => {
                    tracing::warn!(chat = chat_id.0, error = %e, "unreadable dialogue state dropped");
                    Ok(None)
                }
            }
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use serde::Deserialize;
    use testkit::TestDb;

    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    enum Flow {
        Idle,
        Phone { name: String },
        Confirm { name: String, phone: String },
    }

    async fn get(s: &Arc<DbStorage>, chat: ChatId) -> Option<Flow> {
        Storage::<Flow>::get_dialogue(s.clone(), chat)
            .await
            .unwrap()
    }

    async fn update(s: &Arc<DbStorage>, chat: ChatId, flow: Flow) {
        s.clone().update_dialogue(chat, flow).await.unwrap();
    }

    #[tokio::test]
    async fn update_get_remove_round_trip() {
        let t = TestDb::new().await;
        let s = DbStorage::new(t.db.clone());
        let chat = ChatId(42);
        let group = ChatId(-1_001_234_567_890);

        assert_eq!(get(&s, chat).await, None);
        update(&s, chat, Flow::Idle).await;
        assert_eq!(get(&s, chat).await, Some(Flow::Idle));
        let phone = Flow::Phone {
            name: "Олена 🌻".to_owned(),
        };
        update(&s, chat, phone.clone()).await;
        update(&s, group, Flow::Idle).await;
        assert_eq!(get(&s, chat).await, Some(phone));
        assert_eq!(get(&s, group).await, Some(Flow::Idle));

        Storage::<Flow>::remove_dialogue(s.clone(), chat)
            .await
            .unwrap();
        assert_eq!(get(&s, chat).await, None);
        assert_eq!(get(&s, group).await, Some(Flow::Idle));
        // Ending a dialogue that is not there (again) is fine.
        Storage::<Flow>::remove_dialogue(s.clone(), chat)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_restart_loses_no_dialogue() {
        let t = TestDb::new().await;
        let chat = ChatId(7);
        let confirm = Flow::Confirm {
            name: "Olena".to_owned(),
            phone: "+380 67 123 45 67".to_owned(),
        };
        {
            let before = DbStorage::new(t.db.clone());
            update(&before, chat, confirm.clone()).await;
        }
        // A new process: its own pool on the same database.
        let db = domain::kernel::db::connect(t.url(), 2).await.unwrap();
        let after = DbStorage::new(db);
        assert_eq!(get(&after, chat).await, Some(confirm));
    }

    #[tokio::test]
    async fn an_unreadable_state_starts_afresh() {
        let t = TestDb::new().await;
        let s = DbStorage::new(t.db.clone());
        let chat = ChatId(9);
        crate::dialogue_rows::put(&t.db, chat.0, r#"{"Gone":{}}"#, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(get(&s, chat).await, None);
        update(&s, chat, Flow::Idle).await;
        assert_eq!(get(&s, chat).await, Some(Flow::Idle));
    }

    #[tokio::test]
    async fn works_through_teloxide_dialogue_and_erased() {
        use teloxide::dispatching::dialogue::Dialogue;
        let t = TestDb::new().await;
        let s = DbStorage::new(t.db.clone());
        let dialogue: Dialogue<Flow, DbStorage> = Dialogue::new(s.clone(), ChatId(5));
        assert_eq!(dialogue.get().await.unwrap(), None);
        dialogue.update(Flow::Idle).await.unwrap();
        assert_eq!(dialogue.get().await.unwrap(), Some(Flow::Idle));
        dialogue.exit().await.unwrap();
        dialogue.exit().await.unwrap();

        let erased = Storage::<Flow>::erase(s);
        erased
            .clone()
            .update_dialogue(ChatId(6), Flow::Idle)
            .await
            .unwrap();
        assert_eq!(
            erased.get_dialogue(ChatId(6)).await.unwrap(),
            Some(Flow::Idle)
        );
    }
}
