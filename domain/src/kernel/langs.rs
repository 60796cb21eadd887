//! The languages a shop writes its texts in (product texts, a store's own messages): the ones
//! the bot and the backoffice speak (`i18n::Lang`; a test keeps the two lists equal).
use crate::kernel::error::{Error, Result};

pub const LANGS: [&str; 3] = ["en", "ru", "uk"];

/// The position of a language code in [`LANGS`].
pub fn lang_index(code: &str) -> Result<usize> {
    LANGS
        .iter()
        .position(|l| *l == code)
        .ok_or(Error::Invalid { field: "lang" })
}
