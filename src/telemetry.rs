//! Logging: human-readable by default, JSON lines with `--log-json` or `log.format = "json"`.
use tracing_subscriber::EnvFilter;

use crate::settings::{LogFormat, LogSettings};

pub fn init(log: &LogSettings, force_json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&log.filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second init (tests) keeps the first subscriber.
    let _ = if force_json || log.format == LogFormat::Json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
