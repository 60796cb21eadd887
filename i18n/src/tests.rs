//! Checks against the loader's internals: every file parses, every message renders in its
//! own language without errors.
use std::collections::{BTreeMap, HashMap};

use fluent_templates::fluent_bundle::FluentResource;

use super::*;

/// A value for every argument any message takes; extra arguments are harmless.
fn sample_args() -> HashMap<String, FluentValue<'static>> {
    crate::samples::sample_args()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_fluent()))
        .collect()
}

#[test]
fn every_language_has_files() {
    for lang in Lang::ALL {
        assert!(
            sources_of(lang).next().is_some(),
            "no .ftl files for {lang}"
        );
    }
}

#[test]
fn every_file_is_valid_fluent() {
    for (lang, file, text) in sources::SOURCES {
        if let Err((_, errors)) = FluentResource::try_new((*text).to_owned()) {
            panic!("locales/{lang}/{file}: {errors:?}");
        }
    }
}

#[test]
fn no_duplicate_ids() {
    for lang in Lang::ALL {
        let mut seen = BTreeMap::<String, usize>::new();
        for id in parse::message_ids(sources_of(lang)) {
            *seen.entry(id).or_default() += 1;
        }
        let dups: Vec<_> = seen.into_iter().filter(|(_, n)| *n > 1).collect();
        assert!(dups.is_empty(), "{lang}: defined more than once: {dups:?}");
    }
}

/// Also proves the line parser and Fluent agree: each parsed id is a message Fluent knows.
#[test]
fn every_message_renders_in_its_own_language() {
    let args = sample_args();
    for lang in Lang::ALL {
        let keys = keys(lang);
        assert!(!keys.is_empty(), "{lang}: no keys parsed");
        for key in keys {
            match LOCALES.lookup_single_language(lang.langid(), &key, Some(&args)) {
                Ok(text) => assert!(!text.trim().is_empty(), "{lang}/{key}: empty"),
                Err(e) => panic!("{lang}/{key}: {e:?}"),
            }
        }
    }
}

#[test]
fn langid_matches_tag() {
    for lang in Lang::ALL {
        assert_eq!(lang.langid().to_string(), lang.as_str());
        assert_eq!(Lang::ALL[lang as usize], lang);
    }
}
