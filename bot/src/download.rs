//! Fetching a file a user sent: from Telegram (getFile + download) in production, from a map of
//! prepared bytes in tests (the mock Bot API serves the same bytes for every file).
use std::collections::HashMap;
use std::sync::Mutex;

use files::inspect::Rejection;
use futures::future::BoxFuture;
use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::FileId;

/// `Err(Some(_))`: refused (too big); `Err(None)`: could not be fetched.
pub type Fetched = Result<Vec<u8>, Option<Rejection>>;

pub trait Downloader: Send + Sync {
    fn fetch<'a>(&'a self, bot: &'a Bot, file_id: &'a str, max: usize) -> BoxFuture<'a, Fetched>;
}

/// getFile, then download at most `max` bytes.
pub struct FromTelegram;

impl Downloader for FromTelegram {
    fn fetch<'a>(&'a self, bot: &'a Bot, file_id: &'a str, max: usize) -> BoxFuture<'a, Fetched> {
        Box::pin(async move {
            let file = bot
                .get_file(FileId(file_id.to_owned()))
                .await
                .map_err(|e| {
                    tracing::warn!(error = %e, "getFile failed");
                    None
                })?;
            if file.size as usize > max {
                return Err(Some(Rejection::TooBig { max_bytes: max }));
            }
            // Whatever the server declared, never hold more than `max` bytes.
            let mut capped = Capped {
                buf: Vec::with_capacity(file.size as usize),
                max,
                over: false,
            };
            let fetched = bot.download_file(&file.path, &mut capped).await;
            if capped.over {
                return Err(Some(Rejection::TooBig { max_bytes: max }));
            }
            fetched.map_err(|e| {
                tracing::warn!(error = %e, "file download failed");
                None
            })?;
            let buf = capped.buf;
            Ok(buf)
        })
    }
}

/// A download target that refuses to grow past `max` bytes (and remembers that it did).
struct Capped {
    buf: Vec<u8>,
    max: usize,
    over: bool,
}

impl tokio::io::AsyncWrite for Capped {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        data: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if self.buf.len() + data.len() > self.max {
            self.over = true;
            return std::task::Poll::Ready(Err(std::io::Error::other("file larger than allowed")));
        }
        self.buf.extend_from_slice(data);
        std::task::Poll::Ready(Ok(data.len()))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

/// Prepared bytes by file id; unknown ids cannot be fetched.
#[derive(Default)]
pub struct Prepared(Mutex<HashMap<String, Vec<u8>>>);

impl Prepared {
    pub fn insert(&self, file_id: &str, bytes: Vec<u8>) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(file_id.to_owned(), bytes);
    }
}

impl Downloader for Prepared {
    fn fetch<'a>(&'a self, _bot: &'a Bot, file_id: &'a str, max: usize) -> BoxFuture<'a, Fetched> {
        let found = self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(file_id)
            .cloned();
        Box::pin(async move {
            match found {
                Some(b) if b.len() > max => Err(Some(Rejection::TooBig { max_bytes: max })),
                Some(b) => Ok(b),
                None => Err(None),
            }
        })
    }
}
