//! Translations shared by the bot and the backoffice: Fluent files under `locales/<lang>/`,
//! compiled into the binary.
//!
//! Arguments that carry domain codes (`$status`, `$field`, `$what`, `$role`, ...) are passed
//! as the codes themselves; the messages translate them. Counts must be passed as numbers
//! ([`ArgValue::Num`]) so Russian and Ukrainian pick the right plural form.
#[doc(hidden)]
pub mod samples;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::LazyLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

mod parse;

mod sources {
    include!(concat!(env!("OUT_DIR"), "/sources.rs"));
}

static_loader! {
    static LOCALES = {
        locales: "../locales",
        fallback_language: "en",
        // Isolation marks (U+2068/U+2069) around arguments would show up in Telegram and HTML.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN: LanguageIdentifier = langid!("en");
static RU: LanguageIdentifier = langid!("ru");
static UK: LanguageIdentifier = langid!("uk");

/// A language the texts exist in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    #[default]
    En,
    Ru,
    Uk,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Ru, Lang::Uk];

    /// From a BCP 47-ish tag as Telegram or a browser sends it (`uk`, `ru-RU`, `en_GB`).
    /// Anything unknown falls back to English.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Lang::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(primary))
            .unwrap_or(Lang::En)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Uk => "uk",
        }
    }

    fn langid(self) -> &'static LanguageIdentifier {
        match self {
            Lang::En => &EN,
            Lang::Ru => &RU,
            Lang::Uk => &UK,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message argument. Numbers stay numbers so plural selectors work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgValue {
    Str(String),
    Num(i64),
}

impl ArgValue {
    /// A number if `s` is an integer written the canonical way (`"3"`, `"-2"`; not `"007"`
    /// or `"+1"`), text otherwise. For adapters that get arguments as strings, such as
    /// `domain::Error::args()`.
    pub fn infer(s: impl Into<String>) -> ArgValue {
        let s = s.into();
        match s.parse::<i64>() {
            Ok(n) if n.to_string() == s => ArgValue::Num(n),
            _ => ArgValue::Str(s),
        }
    }

    fn to_fluent(&self) -> FluentValue<'static> {
        match self {
            ArgValue::Str(s) => FluentValue::from(s.clone()),
            ArgValue::Num(n) => FluentValue::from(*n),
        }
    }
}

impl From<&str> for ArgValue {
    fn from(s: &str) -> Self {
        ArgValue::Str(s.to_owned())
    }
}

impl From<String> for ArgValue {
    fn from(s: String) -> Self {
        ArgValue::Str(s)
    }
}

impl From<i64> for ArgValue {
    fn from(n: i64) -> Self {
        ArgValue::Num(n)
    }
}

impl From<i32> for ArgValue {
    fn from(n: i32) -> Self {
        ArgValue::Num(i64::from(n))
    }
}

impl From<u32> for ArgValue {
    fn from(n: u32) -> Self {
        ArgValue::Num(i64::from(n))
    }
}

/// The message `key` in `lang`, falling back to English, then to the key itself.
pub fn t(lang: Lang, key: &str) -> String {
    LOCALES
        .try_lookup(lang.langid(), key)
        .unwrap_or_else(|| key.to_owned())
}

/// Like [`t`], with arguments. A message that cannot be rendered in `lang` (missing key or
/// missing argument) falls back to English, then to the key itself.
pub fn t_args(lang: Lang, key: &str, args: &[(&str, ArgValue)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'static>> = args
        .iter()
        .map(|(name, value)| (Cow::Owned((*name).to_owned()), value.to_fluent()))
        .collect();
    LOCALES
        .try_lookup_with_args(lang.langid(), key, &args)
        .unwrap_or_else(|| key.to_owned())
}

/// Whether `lang`'s own files define message `key` (no fallback).
pub fn has_key(lang: Lang, key: &str) -> bool {
    KEYS[lang as usize].contains(key)
}

/// The message ids defined in `lang`'s files (terms, `-like-this`, are not messages).
pub fn keys(lang: Lang) -> BTreeSet<String> {
    KEYS[lang as usize].clone()
}

static KEYS: LazyLock<[BTreeSet<String>; 3]> =
    LazyLock::new(|| Lang::ALL.map(|lang| parse::message_ids(sources_of(lang)).collect()));

/// The `.ftl` sources of `lang` as (file name, text).
fn sources_of(lang: Lang) -> impl Iterator<Item = (&'static str, &'static str)> {
    sources::SOURCES
        .iter()
        .filter(move |(l, _, _)| *l == lang.as_str())
        .map(|(_, file, text)| (*file, *text))
}

#[cfg(test)]
mod tests;
