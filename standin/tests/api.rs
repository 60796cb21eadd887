//! The stand-in against a real client: teloxide's `Bot` pointed at it, as the bot is, and raw
//! HTTP for what no well-behaved client sends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api {
    pub mod chats;
    pub mod faults;
    pub mod files;
    pub mod hostile;
}

use standin::{Options, Serving, Standin, User};
use teloxide::Bot;
use teloxide::types::UpdateKind;

pub const ALICE: i64 = 501;
pub const BOB: i64 = 502;

/// A stand-in on loopback with `options`, Alice and Bob as its users, and a bot talking to it.
pub async fn start(options: Options) -> (Standin, Serving, Bot) {
    let standin = Standin::new(options);
    for (id, name) in [(ALICE, "Alice"), (BOB, "Bob")] {
        standin.add_user(User {
            id,
            first_name: name.to_owned(),
            username: Some(name.to_lowercase()),
            language: "en".to_owned(),
        });
    }
    let serving = standin.serve_loopback().await.unwrap();
    let bot = Bot::new("1:TOKEN").set_api_url(reqwest::Url::parse(&serving.url).unwrap());
    (standin, serving, bot)
}

/// The updates waiting for the bot, confirmed so that the next call sees only newer ones.
pub async fn updates(bot: &Bot, offset: &mut i32) -> Vec<UpdateKind> {
    use teloxide::prelude::*;
    let got: Vec<Update> = bot.get_updates().offset(*offset).await.unwrap();
    if let Some(last) = got.last() {
        *offset = last.id.0 as i32 + 1;
    }
    got.into_iter().map(|u| u.kind).collect()
}

/// Options with a short hold, for tests that wait one out.
pub fn quick() -> Options {
    Options {
        hold: std::time::Duration::from_millis(300),
        ..Options::default()
    }
}
