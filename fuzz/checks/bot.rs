//! What the bot's fuzz targets do with one input, and the invariants they assert. Shared word
//! for word by the fuzz crate (`fuzz/src/lib.rs`) and the corpus replay in the normal test
//! run (`bot/tests/fuzz_corpus.rs`), so CI checks exactly what the fuzzer checked. A broken
//! invariant panics; that is the finding.
#![allow(dead_code)]

use bot::callback::Callback;
use bot::commands::{self, Command};
use domain::kernel::deeplink::{self, DeepLink};
use teloxide::types::{Update, UpdateKind};

/// The bot username the command parser is given (`/start@vitrina_test_bot …`).
pub const BOT_USERNAME: &str = "vitrina_test_bot";

/// The longest callback data Telegram accepts.
pub const MAX_CALLBACK_DATA: usize = 64;

/// Text as Telegram delivers it: always UTF-8; anything else never reaches a handler.
fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// `/start` payloads: the input as a payload, and as the text of a `/start` message.
pub fn start_payload(data: &[u8]) {
    let Some(text) = text(data) else { return };
    check_start_payload(text.trim());
    // `/start <payload>` typed or sent by a deep link, through the command parser the
    // message router uses; `on_message` trims what it gets.
    if let Some(Command::Start(payload)) = commands::parse(&format!("/start {text}"), BOT_USERNAME)
    {
        check_start_payload(payload.trim());
    }
}

fn check_start_payload(payload: &str) {
    let Some(parsed) = DeepLink::parse(payload) else {
        return;
    };
    // A value that can be written writes as a payload Telegram takes and that reads back as
    // the same value; one that cannot is refused, never written half-right.
    if let Ok(written) = parsed.to_payload() {
        assert!(
            deeplink::fits_telegram(&written),
            "{payload:?} -> {written:?}"
        );
        assert_eq!(
            DeepLink::parse(&written).as_ref(),
            Some(&parsed),
            "{payload:?} -> {written:?}"
        );
    }
    match parsed {
        DeepLink::Order(n) => assert!(n > 0 && n < 1_000_000_000_000, "{payload:?}"),
        DeepLink::Store(s) | DeepLink::Login(s) | DeepLink::Invite(s) | DeepLink::Claim(s) => {
            assert!(payload.ends_with(&s), "{payload:?}")
        }
        DeepLink::Product(_) => {}
    }
}

/// Callback data: what decodes is exactly what its value encodes to, and fits Telegram.
pub fn callback(data: &[u8]) {
    let Some(text) = text(data) else { return };
    check_callback(text);
}

fn check_callback(data: &str) {
    let Some(decoded) = Callback::decode(data) else {
        return;
    };
    let encoded = decoded.encode();
    assert!(
        encoded.len() <= MAX_CALLBACK_DATA,
        "{data:?} -> {encoded:?} is {} bytes",
        encoded.len()
    );
    assert_eq!(
        Callback::decode(&encoded),
        Some(decoded),
        "{data:?} -> {encoded:?}"
    );
    // "Anything that is not exactly what `encode` makes is refused."
    assert_eq!(encoded, data, "accepted a non-canonical encoding");
}

/// Order numbers in free text: at most five, positive, different, each written in the text.
pub fn order_numbers(data: &[u8]) {
    let Some(text) = text(data) else { return };
    check_order_numbers(text);
}

fn check_order_numbers(text: &str) {
    let found = bot::detect::order_numbers(text);
    assert!(found.len() <= 5, "{text:?}: {found:?}");
    for (i, n) in found.iter().enumerate() {
        assert!(*n > 0 && *n < 1_000_000_000_000, "{text:?}: {found:?}");
        assert!(!found[..i].contains(n), "{text:?}: {found:?}");
        assert!(text.contains(&n.to_string()), "{text:?}: {found:?}");
    }
}

/// A webhook body, as `bot::webhook` and `bot::intake` treat it: parsed as an update (one
/// that does not parse is acknowledged and ignored), kept as JSON, read back from that JSON
/// when replayed; then the sender, the chat, and the text or callback data are read from it.
pub fn update_intake(data: &[u8]) {
    let Ok(update) = serde_json::from_slice::<Update>(data) else {
        return;
    };
    // `Intake::receive`: serialised for `telegram_inbox`, keyed by the update id. A failure
    // here would answer Telegram 503 for ever.
    let kept = match serde_json::to_string(&update) {
        Ok(kept) => kept,
        Err(e) => panic!("an update that parsed does not serialise: {e}"),
    };
    let id = i64::from(update.id.0);
    // `Intake::replay`: a kept update that no longer parses is dropped.
    match serde_json::from_str::<Update>(&kept) {
        Ok(again) => {
            assert_eq!(i64::from(again.id.0), id);
            assert_eq!(
                again, update,
                "the replayed update differs from the kept one"
            );
        }
        Err(e) => panic!("a kept update does not read back: {e}\n{kept}"),
    }
    // `context::identify`.
    if let Some(from) = update.from() {
        let _ = i64::try_from(from.id.0);
    }
    let _ = update.chat().map(|c| c.id);
    match &update.kind {
        UpdateKind::Message(msg) => {
            let _ = (msg.photo().is_some(), msg.document().is_some());
            if let Some(text) = msg.text() {
                check_message_text(text);
            }
        }
        UpdateKind::CallbackQuery(q) => {
            let _ = q.regular_message().map(|m| m.id);
            if let Some(data) = q.data.as_deref() {
                check_callback(data);
            }
        }
        _ => {}
    }
}

/// A message's text as `customer::route_message` reads it: a command, or free text in which
/// order numbers are looked for.
fn check_message_text(text: &str) {
    if !text.starts_with('/') {
        check_order_numbers(text);
        return;
    }
    match commands::parse(text, BOT_USERNAME) {
        Some(Command::Start(payload)) => check_start_payload(payload.trim()),
        Some(Command::Order(arg) | Command::Verify(arg) | Command::Reject(arg)) => {
            let first = arg.split_whitespace().next().unwrap_or_default();
            for arg in [arg.trim(), first] {
                if let Some(n) = commands::order_number(arg) {
                    assert!(n > 0 && n < 1_000_000_000_000, "{text:?}");
                }
            }
        }
        _ => {}
    }
}
