//! Staff in the backoffice over plain HTTP: the QR login completed by approving in Telegram
//! (the fake Bot API), then the queue's Verify and Reject forms.
use std::time::{Duration, Instant};

use domain::OrderStatus;
use sea_orm::DatabaseConnection;
use testkit::fake_telegram::FakeTelegram;
use testkit::wait::eventually;

use super::customer::CUSTOMER_PATIENCE;

use super::telegram::{self, Person, buttons};

/// The staff member approves the login card the bot sends for `token` (from the login
/// page's link), as in Telegram.
pub async fn approve_login(api: &FakeTelegram, staff: &Person, token: &str) {
    telegram::text(api, staff, &format!("/start login_{token}"));
    let approve = format!("la:{token}");
    eventually("the bot to send the login card", || {
        let found = telegram::sent_to(api, staff.id)
            .iter()
            .any(|c| buttons(c).contains(&approve));
        async move { found.then_some(()) }
    })
    .await;
    telegram::press(api, staff, &approve);
}

/// The login token in the login page's Telegram link.
pub fn login_token(href: &str) -> String {
    href.split_once("?start=login_")
        .map(|(_, t)| t.chars().take_while(|c| *c != '"' && *c != '&').collect())
        .unwrap_or_else(|| panic!("no login token in {href}"))
}

/// A logged-in backoffice session over HTTP.
pub struct Backoffice {
    http: reqwest::Client,
    base: String,
    cookies: String,
}

impl Backoffice {
    /// Logs `staff` in at the backoffice at `base` (`http://host:port`), approving in Telegram.
    pub async fn log_in(base: &str, api: &FakeTelegram, staff: &Person) -> Backoffice {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let page = http.get(format!("{base}/login")).send().await.unwrap();
        let pre = cookies(&page);
        let html = page.text().await.unwrap();
        let challenge: String = html
            .split_once("/login/status?c=")
            .map(|(_, rest)| rest.chars().take_while(char::is_ascii_digit).collect())
            .unwrap_or_else(|| panic!("no status poll in the login page: {html}"));
        approve_login(api, staff, &login_token(&html)).await;
        let status = format!("{base}/login/status?c={challenge}");
        let cookies = eventually("the approved login's session cookies", || {
            let (http, status, pre) = (&http, &status, &pre);
            async move {
                let res = http.get(status).header("cookie", pre).send().await.ok()?;
                let jar = cookies(&res);
                jar.contains("__Host-vitrina-access=").then_some(jar)
            }
        })
        .await;
        Backoffice {
            http,
            base: base.to_owned(),
            cookies,
        }
    }

    /// Posts a form as the backoffice's own pages do; the response.
    pub async fn post(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Result<reqwest::Response> {
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookies)
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
    }

    pub async fn get(&self, path: &str) -> reqwest::Result<reqwest::Response> {
        self.http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookies)
            .send()
            .await
    }

    /// Verifies (or rejects with `reason`) over HTTP until the order shows the decision, trying
    /// again when the server was killed under the request.
    pub async fn decide(&self, db: &DatabaseConnection, order: i64, reason: Option<&str>) {
        let (path, form, outcome) = match reason {
            Some(r) => (
                format!("/orders/{order}/reject"),
                vec![("reason", r)],
                OrderStatus::AwaitingPayment,
            ),
            None => (format!("/orders/{order}/verify"), vec![], OrderStatus::Paid),
        };
        let deadline = Instant::now() + CUSTOMER_PATIENCE;
        loop {
            let status = super::order_status(db, order).await;
            if status == outcome {
                return;
            }
            if status == OrderStatus::PaymentReview
                && let Ok(res) = self.post(&path, &form).await
            {
                let code = res.status().as_u16();
                // 303: decided; 409: decided by the attempt the kill interrupted.
                assert!(
                    matches!(code, 303 | 409 | 500 | 502 | 503),
                    "{path}: {code}"
                );
            }
            assert!(Instant::now() < deadline, "{path} never took");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Verify in the queue; panics unless the backoffice took it (a redirect to the queue).
    pub async fn verify(&self, order: i64) {
        let res = self
            .post(&format!("/orders/{order}/verify"), &[])
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "verifying order {order}: {res:?}");
    }

    /// Reject with a free-text reason; panics unless the backoffice took it.
    pub async fn reject(&self, order: i64, reason: &str) {
        let res = self
            .post(&format!("/orders/{order}/reject"), &[("reason", reason)])
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "rejecting order {order}: {res:?}");
    }
}

/// `name=value` pairs from Set-Cookie, ready for a Cookie header.
pub fn cookies(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter(|pair| !pair.ends_with('='))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A QR login approved in Telegram (decided directly in the domain), with the browser polling
/// instance `at`: its cookies.
pub async fn approved_login(
    http: &reqwest::Client,
    at: &super::app::Instance,
    staff: domain::UserId,
) -> String {
    use domain::people::auth::challenge;
    use domain::{Actor, Channel};
    let secret = "a-browser-secret-of-enough-length-0123456789";
    let c = challenge::create(at.ctx(), secret, "test browser", None)
        .await
        .unwrap();
    challenge::decide(at.ctx(), &Actor::user(staff, Channel::Bot), &c.token, true)
        .await
        .unwrap();
    let res = http
        .get(at.url(&format!("/login/status?c={}", c.id)))
        .header("cookie", format!("__Host-vitrina-pre={secret}"))
        .send()
        .await
        .unwrap();
    let jar = cookies(&res);
    assert!(
        jar.contains("__Host-vitrina-access=") && jar.contains("__Host-vitrina-refresh="),
        "the approved login sets the session cookies: {jar}"
    );
    jar
}

/// The `/events` stream of instance `at`, opened with `jar`'s cookies as a browser tab does;
/// answered 200.
pub async fn open_events(
    http: &reqwest::Client,
    at: &super::app::Instance,
    jar: &str,
) -> reqwest::Response {
    let sse = http
        .get(at.url("/events"))
        .header("cookie", jar)
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(sse.status(), 200);
    sse
}

/// Reads the stream until `wanted` shows up (within PATIENCE); what was read.
pub async fn read_until(sse: &mut reqwest::Response, wanted: &str) -> String {
    let mut text = String::new();
    tokio::time::timeout(testkit::wait::PATIENCE, async {
        while !text.contains(wanted) {
            let chunk = sse.chunk().await.unwrap().expect("the stream stays open");
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{wanted} arrived; got {text:?}"));
    text
}
