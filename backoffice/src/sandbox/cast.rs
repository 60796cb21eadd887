//! The people one can play: the stand-in's users, with the role each holds in the database
//! (none: a customer).
use std::collections::HashMap;

use domain::Role;

use super::Sandbox;
use crate::{AppError, AppState};

/// A simulated Telegram user.
#[derive(Clone, Debug)]
pub(crate) struct Player {
    pub id: i64,
    pub name: String,
    pub language: String,
    pub role: Option<Role>,
}

impl Player {
    /// The avatar's letter.
    pub fn initial(&self) -> String {
        self.name
            .chars()
            .find(|c| c.is_alphanumeric())
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_else(|| "?".to_owned())
    }

    /// One of the avatar colours, the same for the same person.
    pub fn hue(&self) -> i64 {
        self.id.rem_euclid(7)
    }

    /// `role-owner`, `role-admin`, `role-vendor`: texts the locales have.
    pub fn role_key(&self) -> String {
        self.role
            .map(|r| format!("role-{}", r.as_str()))
            .unwrap_or_default()
    }

    pub fn is_staff(&self) -> bool {
        self.role.is_some()
    }
}

/// Everyone the stand-in knows, by id, with their role from the database.
pub(crate) async fn cast(state: &AppState, sb: &Sandbox) -> Result<Vec<Player>, AppError> {
    let roles: HashMap<i64, Option<Role>> = domain::operations::sandbox::people(&state.ctx.db)
        .await?
        .into_iter()
        .map(|(id, _, _, role)| (id, role))
        .collect();
    let mut players: Vec<Player> = sb
        .standin
        .users()
        .into_iter()
        .map(|u| Player {
            id: u.id,
            role: roles.get(&u.id).copied().flatten(),
            name: u.first_name,
            language: u.language,
        })
        .collect();
    players.sort_by_key(|p| p.id);
    Ok(players)
}
