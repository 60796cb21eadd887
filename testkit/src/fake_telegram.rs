//! A fake Telegram Bot API on loopback for tests that run the real bot runtime (polling,
//! webhooks, the notifier) where teloxide_tests' mock cannot be used: the
//! [`standin`] crate's stand-in with the tests' options, served on a free port.
//!
//! Everything [`standin::Standin`] offers is reachable through `Deref`: the calls the bot made
//! ([`standin::Standin::calls`], [`standin::Standin::sent_texts`]), updates for `getUpdates`
//! ([`standin::Standin::push_update`]), files for `getFile` and downloads
//! ([`standin::Standin::add_file`]), 429s and calls left hanging
//! ([`standin::Standin::throttle`], [`standin::Standin::hang`]).
use std::ops::Deref;

pub use standin::Call;

pub struct FakeTelegram {
    /// Give this to the bot as its API URL.
    pub url: String,
    standin: standin::Standin,
    _serving: standin::Serving,
}

impl FakeTelegram {
    pub async fn start() -> FakeTelegram {
        let standin = standin::Standin::new(standin::Options::default());
        let serving = standin
            .serve_loopback()
            .await
            .expect("the fake Bot API listens on loopback");
        FakeTelegram {
            url: serving.url.clone(),
            standin,
            _serving: serving,
        }
    }
}

impl Deref for FakeTelegram {
    type Target = standin::Standin;

    fn deref(&self) -> &standin::Standin {
        &self.standin
    }
}
