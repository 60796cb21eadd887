//! Headless Chromium (Debian's `chromium` and `chromium-driver`) over WebDriver.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tempfile::TempDir;
use testkit::wait::{PATIENCE, eventually, free_port};

/// chromedriver on a port of its own; killed (with any Chromium it started) when dropped.
struct Driver {
    child: Child,
    port: u16,
    /// The Chromium profile: also how its processes are told from other tests' ones.
    profile: TempDir,
}

impl Driver {
    fn start() -> Driver {
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver (apt-get install chromium chromium-driver)");
        let profile = tempfile::Builder::new()
            .prefix("vitrina-chromium-")
            .tempdir()
            .unwrap();
        Driver {
            child,
            port,
            profile,
        }
    }

    /// Processes started with this driver's Chromium profile.
    fn browser_pids(&self) -> Vec<u32> {
        let marker = format!("--user-data-dir={}", self.profile.path().display());
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|c| c.split(|b| *b == 0).any(|arg| arg == marker.as_bytes()))
            })
            .collect()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // A test that failed before closing its session leaves its Chromium behind.
        for pid in self.browser_pids() {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// A headless Chromium session.
pub struct Browser {
    pub client: Client,
    driver: Driver,
}

impl Browser {
    pub async fn start() -> Browser {
        Browser::start_in("en-US").await
    }

    /// A browser whose pages are asked for in `lang` (`Accept-Language`).
    pub async fn start_in(lang: &str) -> Browser {
        let driver = Driver::start();
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium_binary(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    format!("--user-data-dir={}", driver.profile.path().display()),
                    format!("--lang={lang}"), format!("--accept-lang={lang}"),
                ],
                "prefs": { "intl.accept_languages": lang },
            }),
        );
        let webdriver = format!("http://127.0.0.1:{}", driver.port);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = eventually("chromedriver to start a session", || {
            let (caps, connector, webdriver) = (caps.clone(), connector.clone(), &webdriver);
            async move {
                ClientBuilder::new(connector)
                    .capabilities(caps)
                    .connect(webdriver)
                    .await
                    .ok()
            }
        })
        .await;
        Browser { client, driver }
    }

    /// Waits for an element to be in the page.
    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!("waiting for {css} on {}: {e}", self.url().await),
        }
    }

    pub async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    /// Whether the page's SSE connection (`sse-connect` on the body) is open, so that events
    /// from now on reach it.
    pub async fn live(&self) -> bool {
        let open = self
            .client
            .execute(
                "const d = document.body && document.body['htmx-internal-data'];
                 return !!(d && d.sseEventSource && d.sseEventSource.readyState === 1);",
                vec![],
            )
            .await;
        matches!(open, Ok(Value::Bool(true)))
    }

    /// From now on, notes every `.flash` added to the page (`(class, text)`, read by `flashes`).
    pub async fn record_flashes(&self) {
        self.client
            .execute(
                "window.__flashes = [];
                 new MutationObserver((changes) => {
                   for (const change of changes) {
                     for (const node of change.addedNodes) {
                       if (node.nodeType !== 1) continue;
                       const found = node.matches('.flash') ? [node] : node.querySelectorAll('.flash');
                       for (const f of found) window.__flashes.push([f.className, f.textContent.trim()]);
                     }
                   }
                 }).observe(document.body, { childList: true, subtree: true });",
                vec![],
            )
            .await
            .unwrap();
    }

    pub async fn flashes(&self) -> Vec<(String, String)> {
        let found = self
            .client
            .execute("return window.__flashes || [];", vec![])
            .await
            .unwrap();
        serde_json::from_value(found).unwrap_or_default()
    }

    pub async fn close(self) {
        let Browser { client, driver } = self;
        let _ = client.close().await;
        drop(driver);
    }
}

fn chromium_binary() -> PathBuf {
    let debian = Path::new("/usr/bin/chromium");
    if debian.exists() {
        debian.to_owned()
    } else {
        PathBuf::from("chromium")
    }
}
