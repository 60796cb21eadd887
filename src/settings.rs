//! Settings: `config/default.toml`, then optional `config/local.toml`, then `VITRINA__SECTION__KEY`
//! environment variables (a `.env` file is loaded into the environment first).
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// A secret: prints as `[redacted]` in `Debug`, so settings can be logged.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A database URL whose password never reaches a log.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // scheme://user:password@host/db -> scheme://user:[redacted]@host/db
        let url = &self.0;
        match (url.find("://"), url.rfind('@')) {
            (Some(s), Some(at)) if at > s => {
                let creds = &url[s + 3..at];
                match creds.split_once(':') {
                    Some((user, _)) => {
                        write!(f, "{}{user}:[redacted]{}", &url[..s + 3], &url[at..])
                    }
                    None => f.write_str(url),
                }
            }
            _ => f.write_str(url),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Where the embedded default keeps its SQLite file, receipts and generated secrets.
    pub data_dir: PathBuf,
    /// This process's identity for the leases it takes; unset: generated once and kept in
    /// `data_dir/instance-id` (see [`crate::instance`]). Must differ between live instances.
    pub instance_id: Option<String>,
    pub database: DatabaseSettings,
    pub log: LogSettings,
    pub jwt: JwtSettings,
    pub telegram: TelegramSettings,
    pub server: ServerSettings,
    pub receipts: ReceiptSettings,
    pub bus: BusSettings,
    pub email: EmailSettings,
    pub notifications: NotificationSettings,
    pub orders: OrderSettings,
    pub sandbox: SandboxSettings,
}

/// Sandbox mode: with no `telegram.token`, `serve` runs a Telegram stand-in and the
/// `/sandbox` page (see [`crate::sandbox`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct SandboxSettings {
    /// `false`: without a token the bot simply does not start.
    pub enabled: bool,
    /// The sandbox lets anyone who reaches the page act as the shop's OWNER, so it refuses a
    /// `server.bind` other than loopback unless this is set.
    pub allow_remote: bool,
}

impl Default for SandboxSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            allow_remote: false,
        }
    }
}

/// Limits on what one customer may hold.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderSettings {
    /// The most unpaid orders (awaiting payment or in review) a customer may have open in one
    /// store; another checkout is refused until they pay or cancel one. 0: no cap.
    pub max_open_per_customer: u32,
}

impl Default for OrderSettings {
    fn default() -> Self {
        Self {
            max_open_per_customer: 3,
        }
    }
}

impl OrderSettings {
    /// The cap as the domain takes it (`None`: no cap).
    pub fn max_open(&self) -> Option<u32> {
        (self.max_open_per_customer > 0).then_some(self.max_open_per_customer)
    }
}

/// When the scheduled notifications go out.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct NotificationSettings {
    /// The hour (0–23, UTC) the daily digest reaches the stores' ADMINs and OWNERs.
    pub digest_hour: u32,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self { digest_hour: 8 }
    }
}

impl NotificationSettings {
    /// The worker's options, refusing an hour outside 0–23.
    pub fn worker_options(&self) -> anyhow::Result<domain::operations::worker::Options> {
        anyhow::ensure!(
            self.digest_hour <= 23,
            "notifications.digest_hour must be 0–23 (UTC), not {}",
            self.digest_hour
        );
        Ok(domain::operations::worker::Options {
            digest_hour: self.digest_hour,
        })
    }
}

/// Email notifications over SMTP: off unless `smtp_host` is set.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailSettings {
    /// Unset: no email is planned or sent.
    pub smtp_host: Option<String>,
    /// Unset: 25 without TLS, 587 with STARTTLS, 465 with TLS.
    pub smtp_port: Option<u16>,
    pub tls: EmailTls,
    /// Unset: no authentication.
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// The sender, e.g. `Vitrina <shop@example.com>`.
    pub from: String,
}

/// How the SMTP connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailTls {
    /// Plain text (a relay on the same host or network only).
    None,
    /// Plain, then upgraded with STARTTLS, which is required.
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
}

impl Default for EmailSettings {
    fn default() -> Self {
        Self {
            smtp_host: None,
            smtp_port: None,
            tls: EmailTls::Starttls,
            username: None,
            password: None,
            from: "Vitrina <vitrina@localhost>".to_owned(),
        }
    }
}

impl EmailSettings {
    /// Whether email is on: an SMTP host is set.
    pub fn enabled(&self) -> bool {
        self.smtp_host
            .as_deref()
            .is_some_and(|h| !h.trim().is_empty())
    }

    /// The port: configured, or the usual one for the TLS mode.
    pub fn port(&self) -> u16 {
        self.smtp_port.unwrap_or(match self.tls {
            EmailTls::None => 25,
            EmailTls::Starttls => 587,
            EmailTls::Tls => 465,
        })
    }
}

/// How events reach the other parts of this instance and of the others.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct BusSettings {
    pub kind: BusKind,
    /// May carry a password, so it is kept out of logs.
    pub redis_url: Secret,
    /// The pub/sub channel every instance of one system shares.
    pub channel: String,
    /// How often the outbox is read when no doorbell rings (Redis only).
    pub poll_ms: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BusKind {
    /// One process: a broadcast channel in memory.
    Memory,
    /// Several instances: Redis pub/sub as the doorbell, the outbox as the log.
    Redis,
}

impl Default for BusSettings {
    fn default() -> Self {
        Self {
            kind: BusKind::Memory,
            redis_url: Secret::new("redis://127.0.0.1:6379"),
            channel: "vitrina:events".to_owned(),
            poll_ms: 1000,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct ReceiptSettings {
    /// Largest receipt file accepted, in bytes (Telegram's own download limit is 20 MB).
    pub max_bytes: usize,
    /// Where receipt files go: `local` (under `data_dir/files`) or `s3`.
    pub storage: StorageKind,
    pub s3: S3Settings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    Local,
    S3,
}

/// An S3-compatible bucket (needs a build with `--features s3`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct S3Settings {
    pub bucket: String,
    pub region: String,
    /// For MinIO and other non-AWS services; empty for AWS.
    pub endpoint: String,
    pub access_key_id: String,
    pub secret_access_key: Option<Secret>,
    pub allow_http: bool,
}

impl Default for ReceiptSettings {
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            storage: StorageKind::Local,
            s3: S3Settings::default(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct DatabaseSettings {
    /// Defaults to a SQLite file `vitrina.db` in `data_dir`.
    pub url: Option<DatabaseUrl>,
    pub max_connections: u32,
    /// Apply pending migrations when `serve` starts. Unset: yes for SQLite, no otherwise
    /// (run `vitrina migrate up` as a deploy step).
    pub auto_migrate: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A tracing filter such as `info,vitrina=debug`; `RUST_LOG` wins when set.
    pub filter: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct JwtSettings {
    /// Unset: generated once and kept in `data_dir/jwt_secret`.
    pub secret: Option<Secret>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct TelegramSettings {
    pub token: Option<Secret>,
    /// The Bot API server; point it at a self-hosted one to lift file limits.
    pub api_url: String,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<Secret>,
    /// Where a bot-only instance listens for the webhook; with the web part in the same
    /// instance the backoffice's server serves it (its path must begin with `/telegram/`).
    pub webhook_bind: String,
    /// The bot's @username, for the login QR code; asked from Telegram (getMe) when unset.
    pub bot_username: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerSettings {
    pub bind: String,
    /// Address blocks (`10.0.0.0/8`, `fd00::/8`, a bare address) of the proxies in front whose
    /// `X-Forwarded-For` / `Forwarded` headers name the client. Empty: the TCP peer is the client.
    pub trusted_proxies: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            instance_id: None,
            database: DatabaseSettings::default(),
            log: LogSettings::default(),
            jwt: JwtSettings::default(),
            telegram: TelegramSettings::default(),
            server: ServerSettings::default(),
            receipts: ReceiptSettings::default(),
            bus: BusSettings::default(),
            email: EmailSettings::default(),
            notifications: NotificationSettings::default(),
            orders: OrderSettings::default(),
            sandbox: SandboxSettings::default(),
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: None,
            max_connections: 10,
            auto_migrate: None,
        }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Human,
            filter: "info".to_owned(),
        }
    }
}

impl Default for TelegramSettings {
    fn default() -> Self {
        Self {
            token: None,
            api_url: "https://api.telegram.org".to_owned(),
            webhook_url: None,
            webhook_secret: None,
            webhook_bind: "127.0.0.1:8443".to_owned(),
            bot_username: None,
        }
    }
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".to_owned(),
            trusted_proxies: Vec::new(),
        }
    }
}

impl Settings {
    /// Loads from `config_dir` and the environment.
    pub fn load(config_dir: &Path) -> anyhow::Result<Settings> {
        // A missing .env is normal; a broken one is worth knowing about.
        if let Err(e) = dotenvy::dotenv()
            && !e.not_found()
        {
            return Err(e).context("reading .env");
        }
        Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(config_dir.join("default.toml")))
            .merge(Toml::file(config_dir.join("local.toml")))
            .merge(Env::prefixed("VITRINA__").split("__"))
            .extract()
            .context("reading settings")
    }

    pub fn database_url(&self) -> DatabaseUrl {
        match &self.database.url {
            Some(url) => url.clone(),
            None => {
                let file = self.data_dir.join("vitrina.db");
                DatabaseUrl(format!("sqlite://{}?mode=rwc", file.display()))
            }
        }
    }

    pub fn auto_migrate(&self) -> bool {
        self.database
            .auto_migrate
            .unwrap_or_else(|| self.database_url().is_sqlite())
    }

    /// The JWT signing secret: configured, or generated once and kept under `data_dir`.
    pub fn jwt_secret(&self) -> anyhow::Result<Secret> {
        if let Some(s) = &self.jwt.secret {
            return Ok(s.clone());
        }
        let path = self.data_dir.join("jwt_secret");
        if let Ok(existing) = std::fs::read_to_string(&path) {
            let existing = existing.trim();
            if existing.len() >= 43 {
                return Ok(Secret::new(existing));
            }
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating {}", self.data_dir.display()))?;
        let bytes: [u8; 32] = rand::random();
        let secret =
            base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes);
        write_private(&path, &secret)?;
        Ok(Secret::new(secret))
    }
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // figment's `Jail` error type is large; it is not ours to box.
    #[allow(clippy::result_large_err)]
    #[test]
    fn the_bus_is_chosen_by_config_and_its_url_never_prints() {
        figment::Jail::expect_with(|jail| {
            let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
            let committed = Settings::load(&config).map_err(|e| e.to_string())?;
            assert_eq!(committed.bus.kind, BusKind::Memory);
            assert_eq!(committed.bus.channel, "vitrina:events");

            jail.set_env("VITRINA__BUS__KIND", "redis");
            jail.set_env("VITRINA__BUS__REDIS_URL", "redis://:hunter2@cache:6379");
            let scaled = Settings::load(&config).map_err(|e| e.to_string())?;
            assert_eq!(scaled.bus.kind, BusKind::Redis);
            assert_eq!(scaled.bus.redis_url.expose(), "redis://:hunter2@cache:6379");
            assert!(!format!("{scaled:?}").contains("hunter2"));
            Ok(())
        });
    }

    #[allow(clippy::result_large_err)]
    #[test]
    fn no_proxy_is_trusted_unless_listed_and_a_list_reads_from_the_environment() {
        figment::Jail::expect_with(|jail| {
            let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
            let committed = Settings::load(&config).map_err(|e| e.to_string())?;
            assert!(committed.server.trusted_proxies.is_empty());

            jail.set_env(
                "VITRINA__SERVER__TRUSTED_PROXIES",
                r#"["127.0.0.1","10.0.0.0/8","fd00::/8"]"#,
            );
            let behind = Settings::load(&config).map_err(|e| e.to_string())?;
            assert_eq!(
                behind.server.trusted_proxies,
                ["127.0.0.1", "10.0.0.0/8", "fd00::/8"]
            );
            assert!(backoffice::TrustedProxies::parse(&behind.server.trusted_proxies).is_ok());
            Ok(())
        });
    }

    #[allow(clippy::result_large_err)]
    #[test]
    fn email_is_off_unless_a_host_is_set_and_its_password_never_prints() {
        figment::Jail::expect_with(|jail| {
            let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
            let committed = Settings::load(&config).map_err(|e| e.to_string())?;
            assert!(!committed.email.enabled());
            assert_eq!(committed.email.tls, EmailTls::Starttls);
            assert_eq!(committed.email.port(), 587);

            jail.set_env("VITRINA__EMAIL__SMTP_HOST", "smtp.example.com");
            jail.set_env("VITRINA__EMAIL__TLS", "tls");
            jail.set_env("VITRINA__EMAIL__USERNAME", "shop");
            jail.set_env("VITRINA__EMAIL__PASSWORD", "hunter2");
            let on = Settings::load(&config).map_err(|e| e.to_string())?;
            assert!(on.email.enabled());
            assert_eq!((on.email.tls, on.email.port()), (EmailTls::Tls, 465));
            assert_eq!(
                on.email.password.as_ref().map(Secret::expose),
                Some("hunter2")
            );
            assert!(!format!("{on:?}").contains("hunter2"));

            jail.set_env("VITRINA__EMAIL__TLS", "ssl");
            assert!(Settings::load(&config).is_err(), "an unknown TLS mode");
            Ok(())
        });
    }
    #[allow(clippy::result_large_err)]
    #[test]
    fn the_digest_hour_defaults_to_eight_and_must_be_an_hour() {
        figment::Jail::expect_with(|jail| {
            let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
            let committed = Settings::load(&config).map_err(|e| e.to_string())?;
            let options = committed
                .notifications
                .worker_options()
                .map_err(|e| e.to_string())?;
            assert_eq!(options.digest_hour, 8);

            jail.set_env("VITRINA__NOTIFICATIONS__DIGEST_HOUR", "23");
            let late = Settings::load(&config).map_err(|e| e.to_string())?;
            let options = late
                .notifications
                .worker_options()
                .map_err(|e| e.to_string())?;
            assert_eq!(options.digest_hour, 23);

            jail.set_env("VITRINA__NOTIFICATIONS__DIGEST_HOUR", "24");
            let bad = Settings::load(&config).map_err(|e| e.to_string())?;
            assert!(bad.notifications.worker_options().is_err(), "no hour 24");
            Ok(())
        });
    }

    #[allow(clippy::result_large_err)]
    #[test]
    fn open_orders_are_capped_at_three_unless_configured() {
        figment::Jail::expect_with(|jail| {
            let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
            let committed = Settings::load(&config).map_err(|e| e.to_string())?;
            assert_eq!(committed.orders.max_open(), Some(3));
            assert_eq!(Settings::default().orders.max_open(), Some(3));

            jail.set_env("VITRINA__ORDERS__MAX_OPEN_PER_CUSTOMER", "5");
            let more = Settings::load(&config).map_err(|e| e.to_string())?;
            assert_eq!(more.orders.max_open(), Some(5));

            jail.set_env("VITRINA__ORDERS__MAX_OPEN_PER_CUSTOMER", "0");
            let off = Settings::load(&config).map_err(|e| e.to_string())?;
            assert_eq!(off.orders.max_open(), None);
            Ok(())
        });
    }
}
