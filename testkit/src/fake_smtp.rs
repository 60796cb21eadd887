//! A fake SMTP server on loopback: plain SMTP only (greeting, EHLO/HELO, MAIL FROM, RCPT TO,
//! DATA, RSET, NOOP, QUIT), enough for lettre with `tls = "none"`. It records every message
//! it accepts and can be told to answer RCPT TO or DATA with a given reply instead (`550 …`,
//! `451 …`), until told otherwise.
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One accepted message.
#[derive(Clone, Debug)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// What came after DATA, dot-unstuffed, lines joined with `\r\n`.
    pub data: String,
}

impl Mail {
    /// A header's value, unfolded; the first of that name.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let mut found: Option<String> = None;
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some(value) = found.as_mut() {
                    value.push_str(line);
                }
                continue;
            }
            if found.is_some() {
                break;
            }
            if let Some((n, v)) = line.split_once(':')
                && n.eq_ignore_ascii_case(name)
            {
                found = Some(v.trim().to_owned());
            }
        }
        found
    }

    /// The subject, its RFC 2047 `=?utf-8?b?…?=` words decoded.
    pub fn subject(&self) -> String {
        let raw = self.header("Subject").unwrap_or_default();
        let mut out = String::new();
        for word in raw.split_whitespace() {
            let lower = word.to_ascii_lowercase();
            match lower
                .strip_prefix("=?utf-8?b?")
                .and_then(|w| w.strip_suffix("?="))
            {
                Some(_) => {
                    let encoded = &word["=?utf-8?b?".len()..word.len() - 2];
                    let bytes = STANDARD.decode(encoded).expect("a base64 subject word");
                    out.push_str(&String::from_utf8(bytes).expect("a UTF-8 subject"));
                }
                None => {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(word);
                }
            }
        }
        out
    }

    /// The body as text: decoded when sent as base64, as is otherwise.
    pub fn text(&self) -> String {
        let body = self.data.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let base64 = self
            .header("Content-Transfer-Encoding")
            .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
        if !base64 {
            return body.to_owned();
        }
        let compact: String = body.split_whitespace().collect();
        let bytes = STANDARD.decode(compact).expect("a base64 body");
        String::from_utf8(bytes)
            .expect("a UTF-8 body")
            .replace("\r\n", "\n")
    }
}

#[derive(Default)]
struct Inner {
    mails: Vec<Mail>,
    rcpt_reply: Option<String>,
    data_reply: Option<String>,
}

/// The server; stops when dropped.
pub struct FakeSmtp {
    addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
    task: JoinHandle<()>,
}

impl FakeSmtp {
    pub async fn start() -> FakeSmtp {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let inner = Arc::new(Mutex::new(Inner::default()));
        let shared = inner.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, shared.clone()));
            }
        });
        FakeSmtp { addr, inner, task }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every message accepted so far, in order.
    pub fn mails(&self) -> Vec<Mail> {
        self.inner.lock().unwrap().mails.clone()
    }

    /// Answers every RCPT TO with `reply` (e.g. `550 5.1.1 No such user`); `None`: accept.
    pub fn answer_rcpt(&self, reply: Option<&str>) {
        self.inner.lock().unwrap().rcpt_reply = reply.map(str::to_owned);
    }

    /// Answers the end of every DATA with `reply` (the message is not kept); `None`: accept.
    pub fn answer_data(&self, reply: Option<&str>) {
        self.inner.lock().unwrap().data_reply = reply.map(str::to_owned);
    }
}

impl Drop for FakeSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The address inside `MAIL FROM:<a@b> …` / `RCPT TO:<a@b>`.
fn path(arg: &str) -> String {
    let arg = arg.trim();
    match (arg.find('<'), arg.find('>')) {
        (Some(open), Some(close)) if open < close => arg[open + 1..close].to_owned(),
        _ => arg.split_whitespace().next().unwrap_or_default().to_owned(),
    }
}

/// Sends one reply line; false once the client is gone.
async fn say(write: &mut OwnedWriteHalf, reply: &str) -> bool {
    write
        .write_all(format!("{reply}\r\n").as_bytes())
        .await
        .is_ok()
}

async fn session(stream: TcpStream, inner: Arc<Mutex<Inner>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    if !say(&mut write, "220 fake.smtp ESMTP ready").await {
        return;
    }
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        let reply = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            "250 fake.smtp".to_owned()
        } else if upper.starts_with("MAIL FROM:") {
            from = Some(path(&line["MAIL FROM:".len()..]));
            to.clear();
            "250 2.1.0 OK".to_owned()
        } else if upper.starts_with("RCPT TO:") {
            let refused = inner.lock().unwrap().rcpt_reply.clone();
            match refused {
                Some(reply) => reply,
                None if from.is_none() => "503 5.5.1 MAIL first".to_owned(),
                None => {
                    to.push(path(&line["RCPT TO:".len()..]));
                    "250 2.1.5 OK".to_owned()
                }
            }
        } else if upper == "DATA" {
            if to.is_empty() {
                "503 5.5.1 RCPT first".to_owned()
            } else {
                if !say(&mut write, "354 End data with <CR><LF>.<CR><LF>").await {
                    return;
                }
                let mut data: Vec<String> = Vec::new();
                loop {
                    match lines.next_line().await {
                        Ok(Some(l)) if l == "." => break,
                        Ok(Some(l)) => data.push(l.strip_prefix('.').unwrap_or(&l).to_owned()),
                        _ => return,
                    }
                }
                let mut inner = inner.lock().unwrap();
                let reply = match inner.data_reply.clone() {
                    Some(reply) => reply,
                    None => {
                        inner.mails.push(Mail {
                            from: from.take().unwrap_or_default(),
                            to: std::mem::take(&mut to),
                            data: data.join("\r\n"),
                        });
                        "250 2.0.0 queued".to_owned()
                    }
                };
                from = None;
                to.clear();
                reply
            }
        } else if upper == "RSET" {
            from = None;
            to.clear();
            "250 2.0.0 OK".to_owned()
        } else if upper.starts_with("NOOP") {
            "250 2.0.0 OK".to_owned()
        } else if upper == "QUIT" {
            say(&mut write, "221 2.0.0 Bye").await;
            return;
        } else {
            "500 5.5.2 unknown command".to_owned()
        };
        if !say(&mut write, &reply).await {
            return;
        }
    }
}
