//! The QR login in a real browser, completed by the staff member approving in Telegram: the
//! browser ends up on the queue by itself.
use testkit::fake_telegram::FakeTelegram;

use crate::chrome::Browser;
use crate::support::staff::{approve_login, login_token};
use crate::support::telegram::Person;

/// Logs `staff` in at the backoffice at `base` (`http://host:port`).
pub async fn log_in(browser: &Browser, base: &str, api: &FakeTelegram, staff: &Person) {
    let href = login_link(browser, base).await;
    assert!(
        href.starts_with("https://t.me/vitrina_test_bot?"),
        "the link names the bot: {href}"
    );
    approve_login(api, staff, &login_token(&href)).await;
    // The page polls every 2 s; once approved it is sent to `/`, which is the queue.
    browser.wait_for("section#queue").await;
    let url = browser.url().await;
    assert_eq!(url, format!("{base}/queue"), "landed on the queue");
}

/// Opens the login page at `base` and answers where its login button leads.
pub async fn login_link(browser: &Browser, base: &str) -> String {
    browser.client.goto(&format!("{base}/login")).await.unwrap();
    browser
        .wait_for("a#login-link")
        .await
        .attr("href")
        .await
        .unwrap()
        .expect("the login link has an href")
}
