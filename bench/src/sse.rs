//! A lightweight SSE client over a raw TCP connection (HTTP/1.1, the stream read as bytes): one
//! task and a small buffer per connection, so thousands fit in one process. Events are read
//! line by line; the chunked-encoding size lines between them are skipped as unknown lines.
use std::net::SocketAddr;

use anyhow::{Context, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One event as sent: its `event:` name and `data:` (lines joined with `\n`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub name: String,
    pub data: String,
}

pub struct SseClient {
    stream: TcpStream,
    buf: Vec<u8>,
    /// Where the unread part of `buf` starts.
    start: usize,
}

impl SseClient {
    /// Opens `GET /events` with the session `cookies`; returns once the 200 response's headers
    /// are in (the server has subscribed this client to the bus by then).
    pub async fn connect(addr: SocketAddr, cookies: &str) -> anyhow::Result<SseClient> {
        let mut stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let request = format!(
            "GET /events HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookies}\r\n\
             Accept: text/event-stream\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await?;
        let mut client = SseClient {
            stream,
            buf: Vec::with_capacity(1024),
            start: 0,
        };
        let status = client.line().await?;
        if !status.starts_with("HTTP/1.1 200") {
            bail!("GET /events answered {status:?}");
        }
        while !client.line().await?.is_empty() {}
        Ok(client)
    }

    /// The next event with a name (keep-alive comments and unnamed data are skipped).
    pub async fn next_event(&mut self) -> anyhow::Result<SseEvent> {
        let mut event = SseEvent::default();
        loop {
            let line = self.line().await?;
            if let Some(name) = line.strip_prefix("event:") {
                event.name = name.trim_start().to_owned();
            } else if let Some(data) = line.strip_prefix("data:") {
                if !event.data.is_empty() {
                    event.data.push('\n');
                }
                event.data.push_str(data.trim_start());
            } else if line.is_empty() && !event.name.is_empty() {
                return Ok(event);
            }
        }
    }

    /// The next line, without its `\n` or `\r\n`.
    async fn line(&mut self) -> anyhow::Result<String> {
        loop {
            if let Some(end) = self.buf[self.start..].iter().position(|b| *b == b'\n') {
                let raw = &self.buf[self.start..self.start + end];
                let line = String::from_utf8_lossy(raw.strip_suffix(b"\r").unwrap_or(raw));
                let line = line.into_owned();
                self.start += end + 1;
                return Ok(line);
            }
            // Keep only the unread part before reading more.
            self.buf.drain(..self.start);
            self.start = 0;
            self.buf.reserve(512);
            let n = self
                .stream
                .read_buf(&mut self.buf)
                .await
                .context("reading the event stream")?;
            if n == 0 {
                bail!("the server closed the event stream");
            }
        }
    }
}
