//! Who is acting, and through which channel.
use crate::kernel::ids::UserId;

/// Where an action came from; recorded in history and audit (the stored vocabulary,
/// `entity::kinds`).
pub use entity::kinds::Channel;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Principal {
    /// A person known by their `users.id`; what they may do comes from `staff_roles`.
    User(UserId),
    /// The operator at the server's console (the CLI): may do everything.
    Operator,
    /// Vitrina itself (expiry jobs and the like): may only do what a system step does.
    System,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub principal: Principal,
    pub channel: Channel,
    /// IP address or other origin detail for the audit log.
    pub origin: Option<String>,
    /// The Telegram update (bot id, update id) this action answers. A service that changes
    /// something records it in the same transaction, so a redelivered update changes nothing.
    pub update: Option<(i64, i64)>,
}

impl Actor {
    pub fn user(id: UserId, channel: Channel) -> Self {
        Self {
            principal: Principal::User(id),
            channel,
            origin: None,
            update: None,
        }
    }

    pub fn operator() -> Self {
        Self {
            principal: Principal::Operator,
            channel: Channel::Cli,
            origin: None,
            update: None,
        }
    }

    pub fn system() -> Self {
        Self {
            principal: Principal::System,
            channel: Channel::System,
            origin: None,
            update: None,
        }
    }

    pub fn with_origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }

    pub fn with_update(mut self, bot_id: i64, update_id: i64) -> Self {
        self.update = Some((bot_id, update_id));
        self
    }

    pub fn user_id(&self) -> Option<UserId> {
        match self.principal {
            Principal::User(id) => Some(id),
            _ => None,
        }
    }
}
