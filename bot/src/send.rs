//! Every text the bot sends goes out through here, so that Telegram never refuses one for its
//! size: messages of at most 4096 characters are split on line breaks (buttons on the last
//! part), captions of at most 1024 become a short caption plus a separate text, and button
//! answers are cut to 200.
//!
//! Telegram counts these limits in UTF-16 code units after parsing entities. The bot sends
//! plain text (no parse mode, so nothing is removed before Telegram counts), hence the UTF-16
//! length of what is sent is never below Telegram's count: measuring it is the conservative
//! choice (an emoji is two units, not one character).
use teloxide::RequestError;
use teloxide::payloads::SendMessageSetters as _;
use teloxide::prelude::*;
use teloxide::types::{CallbackQueryId, ChatId, InlineKeyboardMarkup};

use crate::HandlerResult;
use crate::context::Who;

/// The longest text message.
pub const MESSAGE_MAX: usize = 4096;
/// The longest caption of a photo or document.
pub const CAPTION_MAX: usize = 1024;
/// The longest text of an answer to a button press.
pub const ANSWER_MAX: usize = 200;

const ELLIPSIS: char = '…';

/// The length of `text` as Telegram measures it (UTF-16 code units).
pub fn units(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// Whether `text` fits in `max` units.
pub fn fits(text: &str, max: usize) -> bool {
    // Every character takes at least one unit and at most four bytes: short texts need no count.
    text.len() <= max || units(text) <= max
}

/// `text` in parts of at most `max` units (`max` ≥ 2), cut at line breaks where it can; a
/// single line longer than `max` is cut at a space if there is one in its second half, else
/// between two characters. The line breaks where it was cut are dropped, and so are parts with
/// nothing to read. Never empty: a text with nothing to read stays as it was, one part.
pub fn split(text: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    if fits(text, max) {
        return vec![text.to_owned()];
    }
    let mut parts = Vec::new();
    let mut part = String::new();
    // Units in `part`, and whether it has a line yet (an empty line is one too).
    let (mut used, mut started) = (0, false);
    for line in text.split('\n') {
        for piece in cut_line(line, max) {
            if started && used + 1 + units(piece) > max {
                parts.push(std::mem::take(&mut part));
                (used, started) = (0, false);
            }
            if started {
                part.push('\n');
                used += 1;
            }
            part.push_str(piece);
            used += units(piece);
            started = true;
        }
    }
    parts.push(part);
    let parts: Vec<String> = parts
        .into_iter()
        .map(|p| p.trim_matches('\n').to_owned())
        .filter(|p| !p.trim().is_empty())
        .collect();
    if parts.is_empty() {
        vec![text.to_owned()]
    } else {
        parts
    }
}

/// One line in pieces of at most `max` units.
fn cut_line(line: &str, max: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = line;
    while !fits(rest, max) {
        // The byte offset after the last character that still fits.
        let mut used = 0;
        let mut end = 0;
        for (at, c) in rest.char_indices() {
            if used + c.len_utf16() > max {
                break;
            }
            used += c.len_utf16();
            end = at + c.len_utf8();
        }
        let head = &rest[..end];
        let cut = match head.rfind(char::is_whitespace) {
            Some(space) if space >= end / 2 && space > 0 => space,
            _ => end,
        };
        pieces.push(&rest[..cut]);
        rest = rest[cut..].trim_start_matches(char::is_whitespace);
    }
    if !rest.is_empty() || pieces.is_empty() {
        pieces.push(rest);
    }
    pieces
}

/// `text` cut to at most `max` units (`max` ≥ 1), ending in "…" when it was cut.
pub fn truncate(text: &str, max: usize) -> String {
    if fits(text, max) {
        return text.to_owned();
    }
    let budget = max.saturating_sub(ELLIPSIS.len_utf16());
    let mut used = 0;
    let mut out: String = text
        .chars()
        .take_while(|c| {
            used += c.len_utf16();
            used <= budget
        })
        .collect();
    out.truncate(out.trim_end().len());
    out.push(ELLIPSIS);
    out
}

/// A caption for a photo or document showing `text`: the text itself when it fits, else its
/// first line (cut to fit) and the whole text to send after the file as a message of its own.
pub fn caption(text: &str) -> (String, Option<String>) {
    if fits(text, CAPTION_MAX) {
        return (text.to_owned(), None);
    }
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    (truncate(first.trim(), CAPTION_MAX), Some(text.to_owned()))
}

/// Sends `text` to `chat` in as many messages as it takes; `markup` goes with the last.
pub async fn text<R: Sender>(
    bot: &R,
    chat: ChatId,
    text: impl Into<String>,
    markup: Option<InlineKeyboardMarkup>,
) -> Result<(), RequestError> {
    let mut parts = split(&text.into(), MESSAGE_MAX);
    let last = parts.pop().unwrap_or_default();
    for part in parts {
        bot.send_message(chat, part).await?;
    }
    let request = bot.send_message(chat, last);
    match markup {
        Some(m) => request.reply_markup(m).await?,
        None => request.await?,
    };
    Ok(())
}

/// Sends `text` to whoever the update came from.
pub async fn reply(bot: &Bot, who: &Who, text: impl Into<String>) -> HandlerResult {
    self::text(bot, who.chat, text, None).await?;
    Ok(())
}

/// Sends `text` with buttons to whoever the update came from.
pub async fn reply_with(
    bot: &Bot,
    who: &Who,
    text: impl Into<String>,
    markup: InlineKeyboardMarkup,
) -> HandlerResult {
    self::text(bot, who.chat, text, Some(markup)).await?;
    Ok(())
}

/// Answers a button press: stops its spinner, with a short note when there is one.
pub async fn answer(bot: &Bot, id: CallbackQueryId, note: Option<String>) -> HandlerResult {
    let request = bot.answer_callback_query(id);
    match note {
        Some(n) => request.text(truncate(&n, ANSWER_MAX)).await?,
        None => request.await?,
    };
    Ok(())
}

pub async fn reply_error(bot: &Bot, who: &Who, err: &domain::Error) -> HandlerResult {
    reply(bot, who, crate::reply::error(who.lang, err)).await
}

/// What the notifier sends through: `Bot` in tests, `Throttle<Bot>` in production.
pub trait Sender:
    Requester<Err = RequestError, SendMessage: Send, SendPhoto: Send, SendDocument: Send>
{
}

impl<R> Sender for R where
    R: Requester<Err = RequestError, SendMessage: Send, SendPhoto: Send, SendDocument: Send>
{
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_are_one_part_as_they_are() {
        assert_eq!(split("a\n\nb", 10), vec!["a\n\nb"]);
        assert_eq!(split("", 10), vec![""]);
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(caption("Mug\n₴5"), ("Mug\n₴5".to_owned(), None));
    }

    #[test]
    fn splits_on_line_breaks_and_keeps_every_line() {
        let lines: Vec<String> = (0..100).map(|i| format!("line {i:03}")).collect();
        let text = lines.join("\n");
        let parts = split(&text, 50);
        assert!(parts.len() > 1);
        for p in &parts {
            assert!(units(p) <= 50, "{p:?}");
            assert!(!p.starts_with('\n') && !p.ends_with('\n'), "{p:?}");
        }
        assert_eq!(
            parts.join("\n"),
            text,
            "only the breaks at the cuts are dropped"
        );
    }

    #[test]
    fn counts_utf16_units_not_characters() {
        // 😀 is one character but two UTF-16 units.
        let text = "😀".repeat(3000);
        assert_eq!(units(&text), 6000);
        let parts = split(&text, MESSAGE_MAX);
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| units(p) <= MESSAGE_MAX));
        assert_eq!(parts.concat(), text, "no surrogate pair is broken");
        let cut = truncate(&text, CAPTION_MAX);
        assert!(
            units(&cut) <= CAPTION_MAX && cut.ends_with('…'),
            "{}",
            units(&cut)
        );
    }

    #[test]
    fn a_long_line_is_cut_at_a_space_when_it_can() {
        let text = "word ".repeat(30);
        let parts = split(text.trim_end(), 22);
        assert!(parts.iter().all(|p| units(p) <= 22), "{parts:?}");
        assert!(
            parts.iter().all(|p| p.split(' ').all(|w| w == "word")),
            "no word is cut: {parts:?}"
        );
        let one_word = "x".repeat(45);
        assert_eq!(
            split(&one_word, 20),
            vec!["x".repeat(20), "x".repeat(20), "x".repeat(5)]
        );
    }

    #[test]
    fn blank_lines_at_a_cut_make_no_empty_part() {
        let text = format!("{}\n\n\n\n{}", "a".repeat(10), "b".repeat(10));
        let parts = split(&text, 11);
        assert_eq!(parts, vec!["a".repeat(10), "b".repeat(10)]);
    }

    #[test]
    fn a_long_caption_becomes_its_first_line_and_a_text() {
        let text = format!("Mug\n₴5.00\n\n{}", "Glazed. ".repeat(200));
        let (short, rest) = caption(&text);
        assert_eq!(short, "Mug");
        assert_eq!(rest.as_deref(), Some(text.as_str()));
        let long_title = "T".repeat(2000);
        let (short, rest) = caption(&long_title);
        assert!(units(&short) <= CAPTION_MAX && rest.is_some());
    }
}
