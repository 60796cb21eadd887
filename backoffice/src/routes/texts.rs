//! The per-language fields of the product and store forms: what they post, and what the
//! templates (`product_texts.html`, `store_texts.html`) show.
use domain::catalog::texts::{DESCRIPTION_FIELDS, LANGS, TITLE_FIELDS, Text, Texts};
use domain::stores::texts::{self as store_texts, Instructions};
use serde::Deserialize;

use crate::page::Tr;

/// A product's title and description in each language, as posted. A language whose inputs
/// are not posted at all is left as it is; posted empty, its text is removed.
#[derive(Deserialize, Default)]
pub struct ProductFields {
    #[serde(default)]
    title_en: Option<String>,
    #[serde(default)]
    title_ru: Option<String>,
    #[serde(default)]
    title_uk: Option<String>,
    #[serde(default)]
    description_en: Option<String>,
    #[serde(default)]
    description_ru: Option<String>,
    #[serde(default)]
    description_uk: Option<String>,
}

impl ProductFields {
    pub fn texts(self) -> Texts {
        let given = [
            (self.title_en, self.description_en),
            (self.title_ru, self.description_ru),
            (self.title_uk, self.description_uk),
        ];
        LANGS
            .into_iter()
            .zip(given)
            .filter(|(_, (title, description))| title.is_some() || description.is_some())
            .map(|(lang, (title, description))| {
                let text = Text {
                    title: title.unwrap_or_default(),
                    description: description.unwrap_or_default(),
                };
                (lang.to_owned(), text)
            })
            .collect()
    }
}

/// A store's payment instructions in each language, as posted (not posted: left as they are).
#[derive(Deserialize, Default)]
pub struct StoreFields {
    #[serde(default)]
    payment_instructions_en: Option<String>,
    #[serde(default)]
    payment_instructions_ru: Option<String>,
    #[serde(default)]
    payment_instructions_uk: Option<String>,
}

impl StoreFields {
    pub fn instructions(self) -> Instructions {
        let given = [
            self.payment_instructions_en,
            self.payment_instructions_ru,
            self.payment_instructions_uk,
        ];
        LANGS
            .into_iter()
            .zip(given)
            .filter_map(|(lang, text)| Some((lang.to_owned(), text?)))
            .collect()
    }
}

/// One language's inputs on a form.
pub struct LangInputs {
    /// The language's name in the reader's language.
    pub name: String,
    pub title_field: &'static str,
    pub description_field: &'static str,
    pub title: String,
    pub description: String,
}

/// The product form's per-language inputs, filled with `texts`.
pub fn product_inputs(tr: Tr, texts: &Texts) -> Vec<LangInputs> {
    LANGS
        .iter()
        .enumerate()
        .map(|(i, lang)| {
            let text = texts.get(*lang).cloned().unwrap_or_default();
            LangInputs {
                name: tr.t(&format!("web-lang-{lang}")),
                title_field: TITLE_FIELDS[i],
                description_field: DESCRIPTION_FIELDS[i],
                title: text.title,
                description: text.description,
            }
        })
        .collect()
}

/// The store form's per-language inputs (instructions in `description`).
pub fn store_inputs(tr: Tr, texts: &Instructions) -> Vec<LangInputs> {
    LANGS
        .iter()
        .enumerate()
        .map(|(i, lang)| LangInputs {
            name: tr.t(&format!("web-lang-{lang}")),
            title_field: "",
            description_field: store_texts::FIELDS[i],
            title: String::new(),
            description: texts.get(*lang).cloned().unwrap_or_default(),
        })
        .collect()
}
