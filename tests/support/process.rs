//! The `vitrina` binary as a child process (`serve`, all roles), configured through
//! `VITRINA__…` variables, that a test can SIGKILL and start again on the same database and
//! data folder.
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;
use testkit::wait::{eventually, free_port};

pub struct Server {
    child: Option<Child>,
    db_url: String,
    api_url: String,
    port: u16,
    data: TempDir,
    /// How many times it was started.
    pub starts: u32,
}

impl Server {
    /// Starts `vitrina serve` on `db_url` with its bot on the fake API at `api_url`; returns
    /// once the backoffice answers.
    pub async fn start(db_url: &str, api_url: &str) -> Server {
        let data = tempfile::Builder::new()
            .prefix("vitrina-crash-")
            .tempdir()
            .unwrap();
        let mut server = Server {
            child: None,
            db_url: db_url.to_owned(),
            api_url: api_url.to_owned(),
            port: free_port(),
            data,
            starts: 0,
        };
        server.restart().await;
        server
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log(&self) -> PathBuf {
        self.data
            .path()
            .join(format!("vitrina-{}.log", self.starts))
    }

    /// Starts the process (again) and waits for its backoffice to answer.
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "already running");
        self.starts += 1;
        let log = std::fs::File::create(self.log()).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_vitrina"))
            .arg("serve")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("VITRINA__DATABASE__URL", &self.db_url)
            .env("VITRINA__DATABASE__AUTO_MIGRATE", "true")
            .env("VITRINA__DATA_DIR", self.data.path())
            .env("VITRINA__TELEGRAM__TOKEN", super::app::TOKEN)
            .env("VITRINA__TELEGRAM__API_URL", &self.api_url)
            .env("VITRINA__SERVER__BIND", format!("127.0.0.1:{}", self.port))
            .env("VITRINA__LOG__FILTER", "warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("starting vitrina serve");
        self.child = Some(child);
        let health = format!("{}/health", self.base());
        let http = reqwest::Client::new();
        eventually("vitrina serve to answer /health", || {
            let (http, health) = (&http, &health);
            async move {
                let res = http.get(health).send().await.ok()?;
                res.status().is_success().then_some(())
            }
        })
        .await;
    }

    /// SIGKILL: no shutdown, no flushing, no releasing of leases.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// What every run so far logged.
    pub fn logs(&self) -> String {
        (1..=self.starts)
            .map(|n| {
                let path = self.data.path().join(format!("vitrina-{n}.log"));
                std::fs::read_to_string(path).unwrap_or_default()
            })
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A pause of `millis`, for spacing kills.
pub async fn pause(millis: u64) {
    tokio::time::sleep(Duration::from_millis(millis)).await;
}
