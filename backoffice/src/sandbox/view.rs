//! A chat as the page shows it: bubbles with text (deep links to the bot made clickable),
//! photos and files, the bot's inline keyboards; and links to the bot as Telegram's apps read
//! them (the payload's own rule is the domain's, [`domain::kernel::deeplink`]).
use askama::Template;
use domain::kernel::deeplink::fits_telegram;
use standin::{ButtonAction, ChatMessage, MediaKind};

use super::reply::Shown;
use crate::page::Tr;

/// What a link to the bot opens: `Some(payload)` for `?start=<payload>`, `Some("")` for the bot
/// without a payload; `None` for anything that is not a link to `bot` or has a bad payload.
/// Takes `https://t.me/<bot>?start=…`, the same without a scheme, `telegram.me`, and
/// `tg://resolve?domain=<bot>&start=…`.
pub(crate) fn deep_link(link: &str, bot: &str) -> Option<String> {
    let link = link.trim();
    if link.len() > 512 {
        return None;
    }
    let lower = link.to_ascii_lowercase();
    let full = if lower.starts_with("t.me/") || lower.starts_with("telegram.me/") {
        format!("https://{link}")
    } else {
        link.to_owned()
    };
    let url = url::Url::parse(&full).ok()?;
    let name = match url.scheme() {
        "https" | "http" => {
            let host = url.host_str()?.to_ascii_lowercase();
            if !matches!(host.as_str(), "t.me" | "telegram.me" | "www.t.me") {
                return None;
            }
            let mut path = url.path_segments()?;
            let name = path.next()?.to_owned();
            if path.any(|p| !p.is_empty()) {
                return None;
            }
            name
        }
        "tg" if url.host_str() == Some("resolve") => url
            .query_pairs()
            .find(|(k, _)| k == "domain")
            .map(|(_, v)| v.into_owned())?,
        _ => return None,
    };
    if !name.eq_ignore_ascii_case(bot) {
        return None;
    }
    match url.query_pairs().find(|(k, _)| k == "start") {
        Some((_, payload)) if fits_telegram(&payload) => Some(payload.into_owned()),
        Some(_) => None,
        None => Some(String::new()),
    }
}

/// What "Open a link" takes: a bare payload (`store_main`), `/start <payload>`, or a link to
/// the bot. `Some("")` opens the bot without a payload.
pub(crate) fn link_payload(input: &str, bot: &str) -> Option<String> {
    let input = input.trim();
    if fits_telegram(input) {
        return Some(input.to_owned());
    }
    if let Some(rest) = input.strip_prefix("/start") {
        let rest = rest.trim();
        return (rest.is_empty() || fits_telegram(rest)).then(|| rest.to_owned());
    }
    deep_link(input, bot)
}

/// A piece of a message's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Segment {
    Text(String),
    /// A link to the bot: pressing it opens `payload` (may be empty) in this chat.
    Deep {
        text: String,
        payload: String,
    },
}

/// The text cut where links to the bot are.
pub(crate) fn segments(text: &str, bot: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let Some(at) = next_link_start(rest) else {
            plain.push_str(rest);
            break;
        };
        plain.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
        // Punctuation after a link ends the sentence, not the link.
        let link =
            tail[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '»', '"', '\'']);
        let link = if link.is_empty() { &tail[..end] } else { link };
        match deep_link(link, bot) {
            Some(payload) => {
                if !plain.is_empty() {
                    out.push(Segment::Text(std::mem::take(&mut plain)));
                }
                out.push(Segment::Deep {
                    text: link.to_owned(),
                    payload,
                });
            }
            None => plain.push_str(link),
        }
        rest = &tail[link.len()..];
    }
    if !plain.is_empty() {
        out.push(Segment::Text(plain));
    }
    out
}

/// Where the next thing that looks like a t.me link starts (at a word's start).
fn next_link_start(text: &str) -> Option<usize> {
    const STARTS: [&str; 5] = ["https://", "http://", "t.me/", "telegram.me/", "tg://"];
    let lower = text.to_ascii_lowercase();
    let mut best: Option<usize> = None;
    for start in STARTS {
        let mut from = 0;
        while let Some(found) = lower[from..].find(start) {
            let at = from + found;
            let at_word_start = lower[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric() && c != '/' && c != '.');
            if at_word_start {
                best = Some(best.map_or(at, |b| b.min(at)));
                break;
            }
            from = at + start.len();
        }
    }
    best
}

/// A photo or file in a bubble.
#[derive(Clone, Debug)]
pub(crate) struct MediaView {
    pub photo: bool,
    /// The file's URL under `/sandbox/files/`; `None` for an id we would not put in a URL.
    pub href: Option<String>,
    pub name: String,
}

/// A button of an inline keyboard.
#[derive(Clone, Debug)]
pub(crate) enum ButtonView {
    Callback {
        text: String,
        data: String,
    },
    Deep {
        text: String,
        payload: String,
    },
    Link {
        text: String,
        url: String,
    },
    /// A URL we will not link to (not http or https).
    Dead {
        text: String,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct MessageView {
    pub id: i64,
    pub from_bot: bool,
    pub segments: Vec<Segment>,
    pub media: Option<MediaView>,
    pub rows: Vec<Vec<ButtonView>>,
    pub edited: bool,
    /// `14:02`
    pub time: String,
    /// RFC 3339, for `<time datetime>`.
    pub at: String,
    /// `21.11.2026 14:02 UTC`, on hover.
    pub when: String,
}

/// A file id we put in a URL path as it is.
pub(crate) fn safe_file_id(id: &str) -> bool {
    (1..=256).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn button(text: &str, action: &ButtonAction, bot: &str) -> ButtonView {
    let text = text.to_owned();
    match action {
        ButtonAction::Callback(data) => ButtonView::Callback {
            text,
            data: data.clone(),
        },
        ButtonAction::Url(url) => {
            if let Some(payload) = deep_link(url, bot) {
                return ButtonView::Deep { text, payload };
            }
            let web = url::Url::parse(url)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"));
            match web {
                Some(u) => ButtonView::Link {
                    text,
                    url: u.to_string(),
                },
                None => ButtonView::Dead { text },
            }
        }
    }
}

pub(crate) fn message(m: &ChatMessage, bot: &str, tr: &Tr) -> MessageView {
    let text = m.text.replace("\r\n", "\n").replace('\r', "\n");
    let media = m.media.as_ref().map(|media| MediaView {
        photo: media.kind == MediaKind::Photo,
        href: safe_file_id(&media.file_id).then(|| format!("/sandbox/files/{}", media.file_id)),
        name: media
            .file_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| tr.t("sandbox-file")),
    });
    MessageView {
        id: m.id,
        from_bot: m.from_bot,
        segments: segments(&text, bot),
        media,
        rows: m
            .keyboard
            .iter()
            .map(|row| {
                row.iter()
                    .map(|b| button(&b.text, &b.action, bot))
                    .collect()
            })
            .collect(),
        edited: m.edited,
        time: m.at.format("%H:%M").to_string(),
        at: m.at.to_rfc3339(),
        when: format!("{} UTC", tr.when(&m.at)),
    }
}

/// The messages of one chat: what `#chat-<user>` holds.
#[derive(Template)]
#[template(path = "sandbox/chat.html")]
pub(crate) struct ChatFragment {
    pub tr: Tr,
    pub user: i64,
    /// The page's query, for the forms' plain-post fallback.
    pub shown: String,
    pub messages: Vec<MessageView>,
}

impl ChatFragment {
    pub fn url(&self, path: &str) -> String {
        if self.shown.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", self.shown)
        }
    }
}

/// The chat of `user` as HTML.
pub(crate) fn chat_html(
    standin: &standin::Standin,
    user: i64,
    tr: Tr,
    shown: &Shown,
) -> Result<String, crate::AppError> {
    let bot = standin.options().bot_username.clone();
    let messages = standin
        .chat(user)
        .iter()
        .map(|m| message(m, &bot, &tr))
        .collect();
    ChatFragment {
        tr,
        user,
        shown: shown.query(),
        messages,
    }
    .render()
    .map_err(|e| crate::AppError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOT: &str = "vitrina_sandbox_bot";

    #[test]
    fn payloads_that_break_telegrams_rule_are_no_links() {
        let long = format!("https://t.me/{BOT}?start={}", "x".repeat(65));
        assert_eq!(deep_link(&long, BOT), None);
        let longest = format!("https://t.me/{BOT}?start={}", "x".repeat(64));
        assert_eq!(deep_link(&longest, BOT), Some("x".repeat(64)));
        for bad in ["a%20b", "%C3%A9", "x%2Fy", "%3Cscript%3E", ""] {
            let link = format!("https://t.me/{BOT}?start={bad}");
            assert_eq!(deep_link(&link, BOT), None, "{link}");
            assert_eq!(link_payload(bad, BOT), None, "{bad}");
        }
    }

    #[test]
    fn deep_links_to_the_bot_and_nothing_else() {
        let cases = [
            (
                "https://t.me/vitrina_sandbox_bot?start=store_main",
                Some("store_main"),
            ),
            (
                "t.me/Vitrina_Sandbox_Bot?start=product_7",
                Some("product_7"),
            ),
            (
                "http://telegram.me/vitrina_sandbox_bot?start=order_1",
                Some("order_1"),
            ),
            ("tg://resolve?domain=vitrina_sandbox_bot&start=x", Some("x")),
            ("https://t.me/vitrina_sandbox_bot", Some("")),
            ("https://t.me/other_bot?start=store_main", None),
            ("https://evil.example/vitrina_sandbox_bot?start=x", None),
            ("https://t.me/vitrina_sandbox_bot?start=a%20b", None),
            ("https://t.me/vitrina_sandbox_bot/extra?start=x", None),
            ("javascript:alert(1)", None),
        ];
        for (link, want) in cases {
            assert_eq!(deep_link(link, BOT).as_deref(), want, "{link}");
        }
    }

    #[test]
    fn open_a_link_takes_payloads_commands_and_links() {
        assert_eq!(
            link_payload(" store_main ", BOT).as_deref(),
            Some("store_main")
        );
        assert_eq!(
            link_payload("/start order_5", BOT).as_deref(),
            Some("order_5")
        );
        assert_eq!(link_payload("/start", BOT).as_deref(), Some(""));
        assert_eq!(
            link_payload("https://t.me/vitrina_sandbox_bot?start=p_1", BOT).as_deref(),
            Some("p_1")
        );
        for bad in [
            "",
            "store main",
            "/start a b",
            "https://t.me/x?start=y",
            "<b>",
        ] {
            assert_eq!(link_payload(bad, BOT), None, "{bad}");
        }
    }

    #[test]
    fn links_in_text_become_deep_links() {
        let text =
            "Invite: https://t.me/vitrina_sandbox_bot?start=invite_abc. Or t.me/other?start=x";
        assert_eq!(
            segments(text, BOT),
            vec![
                Segment::Text("Invite: ".into()),
                Segment::Deep {
                    text: "https://t.me/vitrina_sandbox_bot?start=invite_abc".into(),
                    payload: "invite_abc".into()
                },
                Segment::Text(". Or t.me/other?start=x".into()),
            ]
        );
        assert_eq!(segments("", BOT), vec![]);
        assert_eq!(
            segments("no links here", BOT),
            vec![Segment::Text("no links here".into())]
        );
        assert_eq!(
            segments("x.t.me/vitrina_sandbox_bot", BOT),
            vec![Segment::Text("x.t.me/vitrina_sandbox_bot".into())]
        );
    }
}
