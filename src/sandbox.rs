//! Sandbox mode: Vitrina without a Telegram token. The bot talks to a Telegram stand-in
//! ([`standin`]) served on loopback in this process, and the backoffice's `/sandbox` page lets
//! a person play the shop's customers and staff in Telegram-like chats. The data is the real
//! database's: what you try is what you get.
use std::net::{IpAddr, SocketAddr};

use anyhow::Context;
use domain::Ctx;
use standin::{Serving, Standin, User};

use crate::Part;
use crate::settings::{Secret, Settings};

/// The token the bot presents to the stand-in (which accepts any).
const TOKEN: &str = "0:sandbox";

/// Whether `serve` with these parts runs against the real Telegram or the sandbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A token is configured (or the sandbox is switched off, or this instance does not run
    /// both the bot and the backoffice): as configured.
    Telegram,
    Sandbox,
}

/// Sandbox mode needs no token, the bot and the web parts in this instance, and a loopback
/// `server.bind` (unless `sandbox.allow_remote`): anyone who reaches the page acts as OWNER.
pub fn mode(settings: &Settings, parts: &[Part]) -> anyhow::Result<Mode> {
    let both = parts.contains(&Part::Bot) && parts.contains(&Part::Web);
    if settings.telegram.token.is_some() || !settings.sandbox.enabled || !both {
        return Ok(Mode::Telegram);
    }
    let bind = &settings.server.bind;
    anyhow::ensure!(
        settings.sandbox.allow_remote || is_loopback(bind),
        "no telegram.token is set, so Vitrina would run in sandbox mode, where whoever opens \
         the page acts as the shop's owner; it refuses to do that on server.bind = {bind}, which \
         is not a loopback address. Set telegram.token (VITRINA__TELEGRAM__TOKEN), bind to \
         127.0.0.1, or set sandbox.allow_remote = true if you really mean it."
    );
    Ok(Mode::Sandbox)
}

/// `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`.
fn is_loopback(bind: &str) -> bool {
    if let Ok(addr) = bind.parse::<SocketAddr>() {
        return addr.ip().is_loopback();
    }
    let host = bind.rsplit_once(':').map_or(bind, |(host, _)| host);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The running sandbox: the stand-in and the demo store it shows.
pub struct Sandbox {
    pub standin: Standin,
    pub store: domain::StoreId,
    serving: Serving,
}

impl Sandbox {
    /// Seeds the demo store and its people (first start only), starts the stand-in on
    /// loopback, and points the bot's settings at it.
    pub async fn start(ctx: &Ctx, settings: &mut Settings) -> anyhow::Result<Sandbox> {
        let seeded = domain::operations::sandbox::seed(ctx)
            .await
            .context("seeding the sandbox's demo store")?;
        let standin = Standin::new(standin::Options::sandbox());
        let bot_id = standin.options().bot_id;
        standin.number_updates_after(
            domain::operations::sandbox::last_update_id(&ctx.db, bot_id).await?,
        );
        for person in [
            domain::operations::sandbox::OWNER,
            domain::operations::sandbox::ADMIN,
            domain::operations::sandbox::FIRST_CUSTOMER,
        ] {
            standin.add_user(user(person.telegram_id, person.first_name, person.language));
        }
        for (id, name, language, _) in domain::operations::sandbox::people(&ctx.db).await? {
            standin.add_user(user(id, &name, &language));
        }
        let serving = standin
            .serve_loopback()
            .await
            .context("starting the sandbox's Telegram stand-in")?;
        let tg = &mut settings.telegram;
        tg.token = Some(Secret::new(TOKEN));
        tg.api_url = serving.url.clone();
        tg.webhook_url = None;
        tg.bot_username = Some(standin.options().bot_username.clone());
        tracing::info!(api = %serving.url, "sandbox mode: the bot talks to the Telegram stand-in");
        Ok(Sandbox {
            standin,
            store: seeded.store,
            serving,
        })
    }

    /// Where the stand-in's Bot API listens.
    pub fn api_url(&self) -> &str {
        &self.serving.url
    }

    /// What the backoffice needs to serve `/sandbox`.
    pub fn for_backoffice(&self) -> backoffice::Sandbox {
        backoffice::Sandbox {
            standin: self.standin.clone(),
            store: self.store,
        }
    }
}

fn user(id: i64, name: &str, language: &str) -> User {
    User {
        id,
        first_name: name.to_owned(),
        username: None,
        language: language.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Secret;

    fn settings(bind: &str) -> Settings {
        let mut s = Settings::default();
        s.server.bind = bind.to_owned();
        s
    }

    const ALL: &[Part] = &[Part::Bot, Part::Web, Part::Worker];

    #[test]
    fn no_token_on_loopback_is_the_sandbox() {
        for bind in [
            "127.0.0.1:8080",
            "[::1]:8080",
            "localhost:8080",
            "127.0.0.1:0",
        ] {
            assert_eq!(mode(&settings(bind), ALL).unwrap(), Mode::Sandbox, "{bind}");
        }
    }

    #[test]
    fn a_token_always_means_telegram() {
        for bind in ["127.0.0.1:8080", "0.0.0.0:8080"] {
            let mut s = settings(bind);
            s.telegram.token = Some(Secret::new("1:real"));
            s.sandbox.allow_remote = true;
            assert_eq!(mode(&s, ALL).unwrap(), Mode::Telegram, "{bind}");
        }
    }

    #[test]
    fn a_public_address_is_refused_without_the_flag() {
        for bind in [
            "0.0.0.0:8080",
            "[::]:8080",
            "192.168.1.5:8080",
            "shop.example.com:80",
        ] {
            let err = mode(&settings(bind), ALL).unwrap_err().to_string();
            assert!(err.contains("sandbox.allow_remote"), "{bind}: {err}");
            let mut s = settings(bind);
            s.sandbox.allow_remote = true;
            assert_eq!(
                mode(&s, ALL).unwrap(),
                Mode::Sandbox,
                "{bind} with the flag"
            );
        }
    }

    #[test]
    fn the_sandbox_needs_the_bot_and_the_web_part_here_and_can_be_switched_off() {
        let s = settings("127.0.0.1:8080");
        assert_eq!(mode(&s, &[Part::Bot]).unwrap(), Mode::Telegram);
        assert_eq!(
            mode(&s, &[Part::Web, Part::Worker]).unwrap(),
            Mode::Telegram
        );
        let mut off = settings("0.0.0.0:8080");
        off.sandbox.enabled = false;
        assert_eq!(
            mode(&off, ALL).unwrap(),
            Mode::Telegram,
            "off: nothing to refuse"
        );
    }
}
