//! Sandbox mode: `/sandbox` plays Telegram users against the stand-in (not served: the
//! handlers call it directly; the bot's side is played through its Bot API router), the
//! banner on every page, and the login page's link into the sandbox.
use axum::body::Body;
use axum::http::Request;
use backoffice::Sandbox;
use domain::operations::sandbox::{ADMIN, FIRST_CUSTOMER, NEW_PEOPLE_FROM, OWNER};
use domain::{Role, StoreId};
use http_body_util::BodyExt;
use i18n::{ArgValue, Lang};
use serde_json::{Value, json};
use standin::{FaultKind, Options, Standin, User};
use testkit::wait::PATIENCE;
use tower::ServiceExt;

use crate::support::*;

const KATE: i64 = FIRST_CUSTOMER.telegram_id;
const OLENA: i64 = OWNER.telegram_id;
/// The test stand-in's largest file.
const MAX_FILE: usize = 64 * 1024;

struct Sb {
    w: Web,
    standin: Standin,
}

/// A world in sandbox mode: the sandbox's people seeded and known to the stand-in.
async fn sandboxed() -> Sb {
    let standin = Standin::new(Options {
        max_file_bytes: MAX_FILE,
        ..Options::default()
    });
    let given = standin.clone();
    let w = Web::with_state(move |state| {
        state.with_sandbox(Sandbox {
            standin: given,
            store: StoreId(1),
        })
    })
    .await;
    domain::operations::sandbox::seed(&w.ctx).await.unwrap();
    for p in [OWNER, ADMIN, FIRST_CUSTOMER] {
        standin.add_user(User {
            id: p.telegram_id,
            first_name: p.first_name.to_owned(),
            username: None,
            language: p.language.to_owned(),
        });
    }
    Sb { w, standin }
}

impl Sb {
    async fn get(&self, path: &str, lang: &str) -> Reply {
        let req = Request::get(path)
            .header("host", "localhost")
            .header("accept-language", lang)
            .body(Body::empty())
            .unwrap();
        self.w.send(req).await
    }

    /// A post from the sandbox page through htmx.
    async fn htmx(&self, path: &str, form: &str, lang: &str) -> Reply {
        let req = Request::post(path)
            .header("host", "localhost")
            .header("origin", "http://localhost")
            .header("hx-request", "true")
            .header("accept-language", lang)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form.to_owned()))
            .unwrap();
        self.w.send(req).await
    }

    async fn upload(&self, path: &str, body: (String, Vec<u8>), lang: &str) -> Reply {
        let req = Request::post(path)
            .header("host", "localhost")
            .header("origin", "http://localhost")
            .header("hx-request", "true")
            .header("accept-language", lang)
            .header("content-type", body.0)
            .body(Body::from(body.1))
            .unwrap();
        self.w.send(req).await
    }

    /// The bot calls the Bot API.
    async fn bot(&self, method: &str, body: Value) -> Value {
        let req = Request::post(format!("/bot0:test/{method}"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let res = self.standin.router().oneshot(req).await.unwrap();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice(&bytes).unwrap()
    }

    /// The updates the bot would get, oldest first.
    async fn updates(&self) -> Vec<Value> {
        let got = self.bot("getUpdates", json!({ "timeout": 0 })).await;
        got["result"].as_array().cloned().unwrap_or_default()
    }
}

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    const B: &str = "sandbox-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{B}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{B}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 content-type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{B}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={B}"), body)
}

/// The page text with askama's escapes (named or numeric) undone.
fn plain(body: &str) -> String {
    let mut body = body.to_owned();
    for (code, c) in [
        ("&#60;", "<"),
        ("&#62;", ">"),
        ("&#34;", "\""),
        ("&#39;", "'"),
    ] {
        body = body.replace(code, c);
    }
    unescape(&body.replace("&#38;", "&amp;"))
}

fn text(lang: Lang, key: &str, args: &[(&str, ArgValue)]) -> String {
    i18n::t_args(lang, key, args)
}

/// The reply is a refusal with this message, in the pane's (or page's) message area.
fn assert_refused(reply: &Reply, status: u16, message: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert!(
        plain(&reply.body).contains(message),
        "wanted {message:?} in {}",
        reply.body
    );
    assert!(
        reply.headers.get("hx-retarget").is_some(),
        "{:?}",
        reply.headers
    );
}

#[tokio::test]
async fn every_sandbox_route_is_404_without_sandbox_mode() {
    let w = Web::new().await;
    for path in [
        "/sandbox",
        "/sandbox?as=1000001&start=login_x",
        "/sandbox/chat/1000101",
        "/sandbox/files/standin-photo-1",
        "/sandbox/events",
    ] {
        assert_eq!(w.get(path, None).await.status, 404, "{path}");
    }
    for path in [
        "/sandbox/say",
        "/sandbox/press",
        "/sandbox/start",
        "/sandbox/people",
        "/sandbox/faults",
        "/sandbox/file",
    ] {
        let reply = w.post(path, None, "user=1000101&text=hi", SAME).await;
        assert_eq!(reply.status, 404, "{path}");
    }
    // And nothing says "sandbox" on the pages.
    let login = w.get("/login", None).await;
    assert!(!login.body.contains("sandbox"), "{}", login.body);
}

#[tokio::test]
async fn the_page_shows_both_panes_in_english_and_russian() {
    let s = sandboxed().await;
    for (lang, header) in [(Lang::En, "en-GB,en;q=0.9"), (Lang::Ru, "ru-RU,ru;q=0.9")] {
        let page = s.get("/sandbox", header).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let body = plain(&page.body);
        for needle in [
            "id=\"customer-pane\"".to_owned(),
            "id=\"staff-pane\"".to_owned(),
            format!("data-user=\"{KATE}\""),
            format!("data-user=\"{OLENA}\""),
            format!("sse-connect=\"/sandbox/events?customer={KATE}&staff={OLENA}\""),
            format!("sse-swap=\"chat-{KATE}\""),
            "class=\"composer\"".to_owned(),
            "type=\"file\" name=\"file\"".to_owned(),
            "id=\"faults\"".to_owned(),
            "href=\"/notifications/failed\"".to_owned(),
            "Kate".to_owned(),
            "Olena".to_owned(),
            "Taras".to_owned(),
            text(lang, "sandbox-customer", &[]),
            text(lang, "sandbox-staff", &[]),
            text(lang, "sandbox-banner", &[]),
            text(lang, "sandbox-chat-empty", &[]),
            text(lang, "sandbox-faults-none-pending", &[]),
        ] {
            assert!(body.contains(&needle), "{lang}: no {needle:?} in {body}");
        }
        assert!(body.contains(&format!("<html lang=\"{lang}\">")), "{body}");
    }
    // Staff are not offered as customers, nor customers as staff.
    let page = s.get("/sandbox?customer=1000001&staff=1000101", "en").await;
    assert!(
        page.body.contains(&format!("data-user=\"{KATE}\""))
            && page.body.contains(&format!("data-user=\"{OLENA}\"")),
        "{}",
        page.body
    );
    let taras = s.get("/sandbox?staff=1000002", "en").await;
    assert!(
        taras.body.contains("data-user=\"1000002\""),
        "{}",
        taras.body
    );
}

#[tokio::test]
async fn saying_something_reaches_the_bot_and_shows_in_the_chat() {
    let s = sandboxed().await;
    let reply = s
        .htmx(
            "/sandbox/say?customer=1000101&staff=1000001",
            "user=1000101&text=Hello+%3Cb%3Ethere%3C%2Fb%3E",
            "en",
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains("class=\"msg me\""), "{}", reply.body);
    assert!(
        plain(&reply.body).contains("Hello <b>there</b>"),
        "{}",
        reply.body
    );
    assert!(!reply.body.contains("<b>"), "escaped: {}", reply.body);
    assert_eq!(s.standin.updates_pushed(), 1);
    let updates = s.updates().await;
    assert_eq!(updates[0]["message"]["text"], "Hello <b>there</b>");
    assert_eq!(updates[0]["message"]["from"]["id"], KATE);
    let chat = s.standin.chat(KATE);
    assert_eq!(chat.len(), 1);
    assert!(
        reply
            .body
            .contains(&format!("data-message-id=\"{}\"", chat[0].id))
    );
    // A plain form post goes back to the page it came from.
    let plain =
        s.w.post(
            "/sandbox/say?customer=1000101&staff=1000002",
            None,
            "user=1000101&text=again",
            SAME,
        )
        .await;
    assert_eq!(plain.status, 303);
    assert_eq!(plain.location(), "/sandbox?customer=1000101&staff=1000002");
    assert_eq!(s.standin.updates_pushed(), 2);
}

#[tokio::test]
async fn the_bots_keyboard_can_be_pressed_and_its_links_opened() {
    let s = sandboxed().await;
    let sent = s
        .bot(
            "sendMessage",
            json!({
                "chat_id": KATE,
                "text": "Pick one. Or share t.me/vitrina_test_bot?start=product_7 with a friend.",
                "reply_markup": { "inline_keyboard": [
                    [{ "text": "Yes", "callback_data": "yes_1" },
                     { "text": "Shop", "url": "https://t.me/vitrina_test_bot?start=store_main" }],
                    [{ "text": "Site", "url": "https://example.com/x" },
                     { "text": "Bad", "url": "javascript:alert(1)" }]
                ]}
            }),
        )
        .await;
    assert_eq!(sent["ok"], true, "{sent}");
    let message = sent["result"]["message_id"].as_i64().unwrap();
    let chat = s.get("/sandbox/chat/1000101", "en").await;
    assert_eq!(chat.status, 200);
    let body = &chat.body;
    assert!(
        body.contains(&format!("class=\"msg bot\" data-message-id=\"{message}\"")),
        "{body}"
    );
    assert!(body.contains("class=\"kb\" data-data=\"yes_1\""), "{body}");
    assert!(body.contains("data-payload=\"store_main\""), "{body}");
    assert!(
        body.contains("data-payload=\"product_7\""),
        "a link in the text: {body}"
    );
    assert!(
        body.contains(
            "href=\"https://example.com/x\" target=\"_blank\" rel=\"noopener noreferrer\""
        ),
        "{body}"
    );
    assert!(!body.contains("javascript:"), "{body}");
    assert!(body.contains("kb-dead"), "{body}");

    let pressed = s
        .htmx(
            "/sandbox/press",
            &format!("user={KATE}&message={message}&data=yes_1"),
            "en",
        )
        .await;
    assert_eq!(pressed.status, 200, "{}", pressed.body);
    assert_eq!(s.standin.updates_pushed(), 1);
    let update = &s.updates().await[0];
    assert_eq!(update["callback_query"]["data"], "yes_1");
    assert_eq!(update["callback_query"]["from"]["id"], KATE);

    let opened = s
        .htmx(
            "/sandbox/start",
            &format!("user={KATE}&link=store_main"),
            "en",
        )
        .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let link = "https%3A%2F%2Ft.me%2Fvitrina_test_bot%3Fstart%3Dorder_1042";
    let opened = s
        .htmx("/sandbox/start", &format!("user={KATE}&link={link}"), "en")
        .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    // The shop's button submits the link form with its field left empty.
    let opened = s
        .htmx(
            "/sandbox/start",
            &format!("user={KATE}&link=&shop=store_main"),
            "en",
        )
        .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let texts: Vec<String> = s
        .standin
        .chat(KATE)
        .into_iter()
        .filter(|m| !m.from_bot)
        .map(|m| m.text)
        .collect();
    assert_eq!(
        texts,
        [
            "/start store_main",
            "/start order_1042",
            "/start store_main"
        ]
    );
    assert_eq!(s.standin.updates_pushed(), 4);

    // A button that is not there.
    let gone = s
        .htmx(
            "/sandbox/press",
            &format!("user={KATE}&message={message}&data=nope"),
            "ru",
        )
        .await;
    assert_refused(&gone, 422, &text(Lang::Ru, "sandbox-error-no-button", &[]));
    assert_eq!(gone.headers.get("hx-retarget").unwrap(), "#flash-1000101");
    assert_eq!(s.standin.updates_pushed(), 4);
}

#[tokio::test]
async fn photos_and_files_are_sent_and_served_safely() {
    let s = sandboxed().await;
    let jpeg = testkit::files::jpeg(40, 30);
    let reply = s
        .upload(
            "/sandbox/file",
            multipart(
                &[("user", "1000101"), ("caption", "my receipt")],
                Some(("r.jpg", &jpeg)),
            ),
            "en",
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let chat = s.standin.chat(KATE);
    let photo = chat[0].media.clone().unwrap();
    assert_eq!(photo.kind, standin::MediaKind::Photo);
    assert_eq!(chat[0].text, "my receipt");
    let href = format!("/sandbox/files/{}", photo.file_id);
    assert!(
        reply.body.contains(&format!("<img src=\"{href}\"")),
        "{}",
        reply.body
    );
    let update = &s.updates().await[0];
    assert!(update["message"]["photo"].is_array(), "{update}");
    assert_eq!(update["message"]["caption"], "my receipt");

    let served = s.get(&href, "en").await;
    assert_eq!(served.status, 200);
    assert_eq!(served.headers["content-type"], "image/jpeg");
    assert!(
        served.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline")
    );
    assert_eq!(served.headers["x-content-type-options"], "nosniff");
    let csp = served.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );

    // A PDF, and an image sent "as a file", are documents, served as downloads.
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let reply = s
        .upload(
            "/sandbox/file",
            multipart(&[("user", "1000101")], Some(("../../bill.pdf", &pdf))),
            "en",
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = s
        .upload(
            "/sandbox/file",
            multipart(
                &[("user", "1000101"), ("as_file", "1")],
                Some(("big.jpg", &jpeg)),
            ),
            "en",
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let chat = s.standin.chat(KATE);
    let doc = chat[1].media.clone().unwrap();
    assert_eq!(doc.kind, standin::MediaKind::Document);
    assert_eq!(doc.file_name.as_deref(), Some("bill.pdf"));
    assert_eq!(
        chat[2].media.clone().unwrap().kind,
        standin::MediaKind::Document
    );
    let served = s
        .get(&format!("/sandbox/files/{}", doc.file_id), "en")
        .await;
    assert_eq!(served.status, 200);
    assert_eq!(served.headers["content-type"], "application/pdf");
    assert_eq!(
        served.headers["content-disposition"],
        "attachment; filename=\"bill.pdf\""
    );
    assert!(
        served.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );

    // Something else is a download of bytes.
    s.standin
        .add_file("odd-1", b"<html><script>alert(1)</script>".to_vec());
    let served = s.get("/sandbox/files/odd-1", "en").await;
    assert_eq!(served.headers["content-type"], "application/octet-stream");
    assert!(
        served.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );

    for path in [
        "/sandbox/files/nope",
        "/sandbox/files/..%2Fetc",
        "/sandbox/files/a%20b",
    ] {
        assert_eq!(s.get(path, "en").await.status, 404, "{path}");
    }
}

#[tokio::test]
async fn hostile_input_is_refused_with_a_translated_message() {
    let s = sandboxed().await;
    let no_user = text(Lang::Ru, "sandbox-error-no-user", &[]);
    for form in [
        "user=999&text=hi",
        "user=abc&text=hi",
        "user=-5&text=hi",
        "text=hi",
        "user=1000101%00&text=hi",
    ] {
        let reply = s.htmx("/sandbox/say", form, "ru").await;
        assert_refused(&reply, 404, &no_user);
    }
    let long = "x".repeat(5000);
    let reply = s
        .htmx("/sandbox/say", &format!("user={KATE}&text={long}"), "en")
        .await;
    assert_refused(
        &reply,
        422,
        &text(Lang::En, "sandbox-error-text", &[("max", 4096.into())]),
    );
    let reply = s
        .htmx("/sandbox/say", &format!("user={KATE}&text=+++"), "uk")
        .await;
    assert_refused(&reply, 422, &text(Lang::Uk, "sandbox-error-empty", &[]));

    let bad_payload = text(Lang::En, "sandbox-error-payload", &[]);
    for link in [
        "store+main",
        "%3Cscript%3E",
        "store_%C3%A9",
        &"x".repeat(65),
        "https%3A%2F%2Ft.me%2Fother_bot%3Fstart%3Dstore_main",
        "https%3A%2F%2Fevil.example%2Fvitrina_test_bot%3Fstart%3Dx",
        "",
    ] {
        let reply = s
            .htmx("/sandbox/start", &format!("user={KATE}&link={link}"), "en")
            .await;
        assert_refused(&reply, 422, &bad_payload);
    }
    // A bad deep link on the page itself is a notice, not a prompt.
    let page = s.get("/sandbox?as=1000001&start=a%20b", "en").await;
    assert_eq!(page.status, 200);
    assert!(plain(&page.body).contains(&bad_payload), "{}", page.body);
    assert!(!page.body.contains("start-deep-link"), "{}", page.body);

    for form in [
        format!("user={KATE}&message=abc&data=x"),
        format!("user={KATE}&message=1&data="),
        format!("user={KATE}&message=1&data={}", "d".repeat(65)),
    ] {
        let reply = s.htmx("/sandbox/press", &form, "en").await;
        assert_refused(&reply, 422, &text(Lang::En, "sandbox-error-no-button", &[]));
    }
    assert_eq!(s.standin.updates_pushed(), 0, "nothing reached the bot");
    assert!(s.standin.chat(KATE).is_empty());

    // A cross-site post is refused before anything else.
    for path in [
        "/sandbox/say",
        "/sandbox/start",
        "/sandbox/press",
        "/sandbox/people",
        "/sandbox/faults",
    ] {
        let forged = s
            .w
            .post(
                path,
                None,
                "user=1000101&text=hi&link=store_main&pane=customer&name=Eve&language=en&kind=403&times=1",
                Some("https://evil.example"),
            )
            .await;
        assert_eq!(forged.status, 403, "{path}");
    }
    let (content_type, body) = multipart(&[("user", "1000101")], Some(("a.pdf", b"%PDF-1.4")));
    let req = Request::post("/sandbox/file")
        .header("host", "localhost")
        .header("sec-fetch-site", "cross-site")
        .header("content-type", content_type)
        .body(Body::from(body))
        .unwrap();
    assert_eq!(s.w.send(req).await.status, 403);
    assert_eq!(s.standin.updates_pushed(), 0);
    assert_eq!(s.standin.users().len(), 3);
    assert!(s.standin.pending_faults().is_empty());
}

#[tokio::test]
async fn files_over_the_limit_or_missing_are_refused() {
    let s = sandboxed().await;
    let mb = MAX_FILE.div_ceil(1024 * 1024);
    let too_large = text(
        Lang::Ru,
        "sandbox-error-file-too-large",
        &[("max_mb", (mb as i64).into())],
    );
    // Over the stand-in's limit, within the form's slack: the handler says no.
    let big = vec![b'a'; MAX_FILE + 1];
    let reply = s
        .upload(
            "/sandbox/file",
            multipart(&[("user", "1000101")], Some(("a.pdf", &big))),
            "ru",
        )
        .await;
    assert_refused(&reply, 413, &too_large);
    // Over the body limit: the form cannot even be read.
    let huge = vec![b'a'; MAX_FILE * 4];
    let reply = s
        .upload(
            "/sandbox/file",
            multipart(&[("user", "1000101")], Some(("a.pdf", &huge))),
            "ru",
        )
        .await;
    assert_refused(&reply, 413, &too_large);
    let reply = s
        .upload(
            "/sandbox/file",
            multipart(&[("user", "1000101")], None),
            "en",
        )
        .await;
    assert_refused(&reply, 422, &text(Lang::En, "sandbox-error-no-file", &[]));
    let reply = s
        .upload(
            "/sandbox/file",
            multipart(&[("user", "42")], Some(("a.pdf", b"%PDF-1.4"))),
            "en",
        )
        .await;
    assert_refused(&reply, 404, &text(Lang::En, "sandbox-error-no-user", &[]));
    let caption = "c".repeat(1025);
    let reply = s
        .upload(
            "/sandbox/file",
            multipart(
                &[("user", "1000101"), ("caption", &caption)],
                Some(("a.pdf", b"%PDF-1.4")),
            ),
            "en",
        )
        .await;
    assert_refused(
        &reply,
        422,
        &text(Lang::En, "sandbox-error-caption", &[("max", 1024.into())]),
    );
    // Not multipart at all.
    let reply = s.htmx("/sandbox/file", "user=1000101", "en").await;
    assert_refused(&reply, 422, &text(Lang::En, "sandbox-error-form", &[]));
    assert_eq!(s.standin.updates_pushed(), 0);
}

#[tokio::test]
async fn faults_are_injected_only_as_asked() {
    let s = sandboxed().await;
    for (form, key) in [
        ("kind=500&times=1", "sandbox-error-fault-kind"),
        (
            "kind=429&retry_after=0&times=1",
            "sandbox-error-retry-after",
        ),
        (
            "kind=429&retry_after=61&times=1",
            "sandbox-error-retry-after",
        ),
        (
            "kind=429&retry_after=abc&times=1",
            "sandbox-error-retry-after",
        ),
        (
            "kind=403&method=getMe&times=1",
            "sandbox-error-fault-method",
        ),
        ("kind=403&chat=999&times=1", "sandbox-error-no-user"),
        ("kind=403&times=0", "sandbox-error-fault-times"),
        ("kind=403&times=21", "sandbox-error-fault-times"),
        ("kind=timeout&times=-1", "sandbox-error-fault-times"),
    ] {
        let reply = s.htmx("/sandbox/faults", form, "uk").await;
        let args = [
            ("min", ArgValue::Num(1)),
            (
                "max",
                ArgValue::Num(if key.contains("retry") { 60 } else { 20 }),
            ),
        ];
        let status = if key == "sandbox-error-no-user" {
            404
        } else {
            422
        };
        assert_refused(&reply, status, &text(Lang::Uk, key, &args));
        assert_eq!(reply.headers["hx-retarget"], "#flash-faults");
    }
    assert!(s.standin.pending_faults().is_empty());

    let reply = s
        .htmx(
            "/sandbox/faults",
            &format!("kind=429&retry_after=7&method=sendPhoto&chat={KATE}&times=3"),
            "en",
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let pending = s.standin.pending_faults();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        pending[0].kind,
        FaultKind::TooManyRequests { retry_after: 7 }
    );
    assert_eq!(pending[0].method.as_deref(), Some("sendphoto"));
    assert_eq!(pending[0].chat, Some(KATE));
    assert_eq!(pending[0].times, 3);
    let body = plain(&reply.body);
    assert!(
        body.contains(&text(
            Lang::En,
            "sandbox-fault-429",
            &[("seconds", 7.into())]
        )) && body.contains("sendPhoto")
            && body.contains("Kate"),
        "{body}"
    );
    let reply = s.htmx("/sandbox/faults", "kind=403&times=1", "en").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(s.standin.pending_faults().len(), 2);
    assert_eq!(s.standin.pending_faults()[1].kind, FaultKind::Blocked);
    assert_eq!(s.standin.pending_faults()[1].method, None);

    // The bot's next send hits one; the log shows it.
    let hit = s
        .bot("sendMessage", json!({ "chat_id": OLENA, "text": "hi" }))
        .await;
    assert_eq!(hit["error_code"], 403, "{hit}");
    let page = s.get("/sandbox", "en").await;
    let log = text(Lang::En, "sandbox-fault-403", &[]);
    assert!(plain(&page.body).contains(&log), "{}", page.body);
}

#[tokio::test]
async fn people_are_added_with_the_next_free_id() {
    let s = sandboxed().await;
    let reply = s
        .htmx(
            "/sandbox/people?customer=1000101&staff=1000001",
            "pane=customer&name=Ivan&language=uk",
            "en",
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let first = NEW_PEOPLE_FROM;
    assert_eq!(
        reply.headers["hx-redirect"],
        format!("/sandbox?customer={first}&staff=1000001").as_str()
    );
    let ivan = s.standin.user(first).unwrap();
    assert_eq!(
        (ivan.first_name.as_str(), ivan.language.as_str()),
        ("Ivan", "uk")
    );

    let reply =
        s.w.post(
            "/sandbox/people?customer=1000101",
            None,
            "pane=staff&name=Vera&language=ru&role=vendor",
            SAME,
        )
        .await;
    assert_eq!(reply.status, 303);
    assert_eq!(
        reply.location(),
        format!("/sandbox?customer=1000101&staff={}", first + 1)
    );
    let people = domain::operations::sandbox::people(&s.w.ctx.db)
        .await
        .unwrap();
    let vera = people.iter().find(|p| p.0 == first + 1).unwrap();
    assert_eq!(
        (vera.1.as_str(), vera.2.as_str(), vera.3),
        ("Vera", "ru", Some(Role::Vendor))
    );
    assert!(people.iter().any(|p| p.0 == first && p.3.is_none()));
    // Vera is staff now, Ivan a customer.
    let page = s
        .get(
            &format!("/sandbox?customer={first}&staff={}", first + 1),
            "en",
        )
        .await;
    assert!(
        page.body.contains(&format!("data-user=\"{first}\"")),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!("data-user=\"{}\"", first + 1)),
        "{}",
        page.body
    );

    let name = text(Lang::En, "sandbox-error-name", &[("max", 64.into())]);
    for (form, message) in [
        ("pane=customer&name=&language=en".to_owned(), name.clone()),
        (
            "pane=customer&name=+++&language=en".to_owned(),
            name.clone(),
        ),
        (
            format!("pane=customer&name={}&language=en", "n".repeat(65)),
            name.clone(),
        ),
        (
            "pane=customer&name=A%0Ab&language=en".to_owned(),
            name.clone(),
        ),
        (
            "pane=customer&name=Ann&language=de".to_owned(),
            text(Lang::En, "sandbox-error-language", &[]),
        ),
        (
            "pane=staff&name=Ann&language=en&role=boss".to_owned(),
            text(Lang::En, "sandbox-error-role", &[]),
        ),
        (
            "pane=staff&name=Ann&language=en".to_owned(),
            text(Lang::En, "sandbox-error-role", &[]),
        ),
        (
            "pane=customer&name=Ann&language=en&role=owner".to_owned(),
            text(Lang::En, "sandbox-error-role", &[]),
        ),
        (
            "pane=admin&name=Ann&language=en".to_owned(),
            text(Lang::En, "sandbox-error-form", &[]),
        ),
    ] {
        let reply = s.htmx("/sandbox/people", &form, "en").await;
        assert_refused(&reply, 422, &message);
    }
    assert_eq!(s.standin.users().len(), 5);
}

#[tokio::test]
async fn a_deep_link_waits_for_start_in_the_pane_of_its_person() {
    let s = sandboxed().await;
    let page = s.get("/sandbox?as=1000001&start=login_Ab-_9", "en").await;
    assert_eq!(page.status, 200);
    let staff = &page.body[page.body.find("id=\"staff-pane\"").unwrap()..];
    let customer = &page.body[page.body.find("id=\"customer-pane\"").unwrap()
        ..page.body.find("id=\"staff-pane\"").unwrap()];
    assert!(
        staff.contains("start-deep-link") && staff.contains("start=login_Ab-_9"),
        "{staff}"
    );
    assert!(!customer.contains("start-deep-link"), "{customer}");
    // Pressing START (a plain form post) sends /start and comes back without the prompt.
    let reply =
        s.w.post(
            "/sandbox/start?customer=1000101&staff=1000001",
            None,
            "user=1000001&link=login_Ab-_9",
            SAME,
        )
        .await;
    assert_eq!(reply.status, 303);
    assert_eq!(reply.location(), "/sandbox?customer=1000101&staff=1000001");
    assert_eq!(s.standin.chat(OLENA)[0].text, "/start login_Ab-_9");
    // Without `as`, the customer opens it; an unknown `as` is a notice.
    let page = s.get("/sandbox?start=store_main", "en").await;
    let customer = &page.body[..page.body.find("id=\"staff-pane\"").unwrap()];
    assert!(customer.contains("start-deep-link"), "{customer}");
    let page = s.get("/sandbox?as=42&start=store_main", "en").await;
    assert!(plain(&page.body).contains(&text(Lang::En, "sandbox-error-no-user", &[])));
}

/// Reads the stream until `want` shows up.
async fn read_until(body: &mut Body, text: &mut String, want: &str) {
    read_times(body, text, want, 1).await;
}

/// Reads the stream until `want` shows up `times` times.
async fn read_times(body: &mut Body, text: &mut String, want: &str, times: usize) {
    while text.matches(want).count() < times {
        let frame = tokio::time::timeout(PATIENCE, body.frame())
            .await
            .unwrap_or_else(|_| panic!("no {want:?} ×{times} in time; got {text}"))
            .unwrap()
            .unwrap();
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
    }
}

#[tokio::test]
async fn the_live_stream_carries_chats_typing_toasts_and_faults() {
    let s = sandboxed().await;
    let req = Request::get(format!("/sandbox/events?customer={KATE}&staff={OLENA}"))
        .header("host", "localhost")
        .body(Body::empty())
        .unwrap();
    let res = s.w.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let mut body = res.into_body();
    let mut seen = String::new();

    // Someone not shown: nothing for them.
    s.standin.add_user(User {
        id: 1_000_300,
        first_name: "Zed".into(),
        username: None,
        language: "en".into(),
    });
    s.standin.say(1_000_300, "not shown").unwrap();
    s.standin.say(KATE, "line one\nline two").unwrap();
    read_until(&mut body, &mut seen, "event: chat-1000101").await;
    read_until(&mut body, &mut seen, "line two").await;
    assert!(seen.contains("data: "), "{seen}");
    assert!(!seen.contains("not shown"), "{seen}");
    // Every line of the event's data is a data line.
    let event = &seen[seen.find("event: chat-1000101").unwrap()..];
    let event = &event[..event.find("\n\n").unwrap()];
    assert!(
        event
            .lines()
            .skip(1)
            .all(|l| l.starts_with("data: ") || l.starts_with("data:")),
        "{event}"
    );

    s.bot(
        "sendChatAction",
        json!({ "chat_id": OLENA, "action": "typing" }),
    )
    .await;
    read_until(&mut body, &mut seen, "event: typing-1000001").await;

    let sent = s
        .bot(
            "sendMessage",
            json!({ "chat_id": KATE, "text": "Buy?", "reply_markup": { "inline_keyboard": [[{ "text": "Yes", "callback_data": "buy" }]] } }),
        )
        .await;
    let message = sent["result"]["message_id"].as_i64().unwrap();
    s.standin.press(KATE, message, "buy").unwrap();
    let press = s
        .updates()
        .await
        .into_iter()
        .find(|u| u.get("callback_query").is_some())
        .unwrap();
    s.bot(
        "answerCallbackQuery",
        json!({ "callback_query_id": press["callback_query"]["id"], "text": "Added <to> cart" }),
    )
    .await;
    read_until(&mut body, &mut seen, "event: toast-1000101").await;
    read_until(&mut body, &mut seen, "Added &lt;to&gt; cart").await;

    s.standin.inject(standin::Fault {
        kind: FaultKind::Timeout,
        method: None,
        chat: None,
        times: 2,
    });
    read_until(&mut body, &mut seen, "event: faults").await;
}

#[tokio::test]
async fn a_client_that_fell_behind_gets_the_chats_again() {
    let s = sandboxed().await;
    let req = Request::get(format!("/sandbox/events?customer={KATE}"))
        .header("host", "localhost")
        .body(Body::empty())
        .unwrap();
    let res = s.w.app.clone().oneshot(req).await.unwrap();
    // More changes than the stand-in's channel keeps, before the stream reads any.
    for i in 0..400 {
        s.standin.say(KATE, &format!("message {i}")).unwrap();
    }
    let mut body = res.into_body();
    let mut seen = String::new();
    read_until(&mut body, &mut seen, "message 399").await;
    // The panel comes once when the stream opens, and again with the catch-up after lagging
    // (no fault changed meanwhile).
    read_times(&mut body, &mut seen, "event: faults", 2).await;
}

#[tokio::test]
async fn a_new_stream_starts_with_what_the_page_shows() {
    let s = sandboxed().await;
    // Said between rendering the page and connecting the stream.
    s.standin.say(KATE, "said before connecting").unwrap();
    s.standin.say(OLENA, "staff said too").unwrap();
    let req = Request::get(format!("/sandbox/events?customer={KATE}&staff={OLENA}"))
        .header("host", "localhost")
        .body(Body::empty())
        .unwrap();
    let res = s.w.app.clone().oneshot(req).await.unwrap();
    let mut body = res.into_body();
    let mut seen = String::new();
    read_until(&mut body, &mut seen, "said before connecting").await;
    read_until(&mut body, &mut seen, "staff said too").await;
    read_until(&mut body, &mut seen, "event: faults").await;
    assert!(seen.contains("event: chat-1000101") && seen.contains("event: chat-1000001"));
}

#[tokio::test]
async fn the_banner_and_the_login_link_only_in_sandbox_mode() {
    let banner = text(Lang::En, "sandbox-banner", &[]);
    let normal = Web::new().await;
    let s = sandboxed().await;

    let login = normal.get("/login", None).await;
    assert!(!plain(&login.body).contains(&banner), "{}", login.body);
    let login = s.get("/login", "en").await;
    let body = plain(&login.body);
    assert!(body.contains(&banner), "{body}");
    assert!(body.contains("href=\"/sandbox\""), "{body}");
    let token = login_token_in(&login.body);
    assert!(
        body.contains(&format!("href=\"/sandbox?as={OLENA}&start=login_{token}\"")),
        "{body}"
    );
    // It is this page's login: the challenge knows the token.
    domain::people::auth::challenge::describe(&s.w.ctx, &token)
        .await
        .unwrap();
    assert!(login.body.contains("<svg"), "the QR code still shows");

    let queue = normal
        .get("/queue", Some(&normal.login(normal.admin).await))
        .await;
    assert_eq!(queue.status, 200);
    assert!(!plain(&queue.body).contains(&banner));
    let queue = s.w.get("/queue", Some(&s.w.login(s.w.admin).await)).await;
    assert_eq!(queue.status, 200);
    assert!(plain(&queue.body).contains(&banner), "{}", queue.body);

    assert!(!plain(&normal.get("/nope", None).await.body).contains(&banner));
    let missing = s.get("/nope", "en").await;
    assert_eq!(missing.status, 404);
    assert!(plain(&missing.body).contains(&banner), "{}", missing.body);
}
