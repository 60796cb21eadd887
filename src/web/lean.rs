//! Long-lived `GET /events` streams served without hyper's per-connection buffers.
//!
//! hyper keeps an 8 KiB read buffer and an 8 KiB write buffer for every HTTP/1.1 connection
//! for as long as it is open (measured: 16 of the ~20 KiB an open live stream cost). A live
//! stream reads nothing after its request and writes a few hundred bytes now and then, so for
//! those requests the accept loop does the HTTP itself:
//!
//! - it *peeks* at the first bytes of the connection (nothing is consumed). Unless they are one
//!   whole, well-formed `GET /events` request head without a body, the connection goes to hyper
//!   untouched, exactly as before; anything odd (a partial head, too many headers, a body, an
//!   upgrade) is hyper's to answer;
//! - otherwise it consumes the head, hands the request to the same router (cookies, security
//!   headers and the login check all apply as for any request), writes the response head with
//!   `connection: close`, and then each body chunk straight to the socket, ending the
//!   connection with the body (close-delimited, valid HTTP/1.1);
//! - a client that closes (or sends anything more) ends the stream at once, as hyper would
//!   notice it.
use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{self, Request};
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower::ServiceExt;

/// Bytes peeked at: a live stream's request head (with its cookies) fits easily; a larger
/// one is left to hyper.
const PEEK: usize = 4096;
/// Headers a request head may have here; more are left to hyper.
const MAX_HEADERS: usize = 48;

/// The request head, when the connection's first bytes are one whole `GET /events` request
/// without a body (its length in bytes, and the request without a body yet).
pub(super) async fn events_request(tcp: &TcpStream) -> Option<(usize, Request<Body>)> {
    // On the heap and freed after the peek: kept in the future, it would be part of every
    // connection's task for the connection's whole life.
    let mut buf = vec![0u8; PEEK];
    let n = tcp.peek(&mut buf).await.ok()?;
    parse(&buf[..n])
}

fn parse(bytes: &[u8]) -> Option<(usize, Request<Body>)> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut head = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(len) = head.parse(bytes).ok()? else {
        return None;
    };
    let path = head.path?;
    if head.method? != "GET" || !(path == "/events" || path.starts_with("/events?")) {
        return None;
    }
    let version = match head.version? {
        1 => http::Version::HTTP_11,
        _ => http::Version::HTTP_10,
    };
    let mut request = Request::builder().method("GET").uri(path).version(version);
    for h in head.headers.iter() {
        let name = h.name.to_ascii_lowercase();
        // A body, or a protocol change, is hyper's business.
        if matches!(
            name.as_str(),
            "content-length" | "transfer-encoding" | "upgrade" | "expect"
        ) {
            return None;
        }
        request = request.header(h.name, h.value);
    }
    Some((len, request.body(Body::empty()).ok()?))
}

/// Answers the request whose `head_len` bytes were peeked, on `tcp`, through `router`.
pub(super) async fn serve(
    mut tcp: TcpStream,
    peer: SocketAddr,
    head_len: usize,
    mut request: Request<Body>,
    router: Router,
) {
    let mut head = vec![0u8; head_len];
    if tcp.read_exact(&mut head).await.is_err() {
        return;
    }
    drop(head);
    request.extensions_mut().insert(ConnectInfo(peer));
    let Ok(response) = router.oneshot(request).await;
    let (parts, body) = response.into_parts();
    if tcp.write_all(&response_head(&parts)).await.is_err() {
        return;
    }
    let (mut read, mut write) = tcp.split();
    let mut chunks = body.into_data_stream();
    let mut probe = [0u8; 1];
    loop {
        tokio::select! {
            // The client closed, failed, or sent something: either way this stream is done.
            _ = read.read(&mut probe) => return,
            chunk = chunks.next() => match chunk {
                Some(Ok(bytes)) => {
                    if write.write_all(&bytes).await.is_err() {
                        return;
                    }
                }
                Some(Err(e)) => {
                    tracing::debug!(error = %e, %peer, "a live stream's body failed");
                    return;
                }
                None => break,
            },
        }
    }
    let _ = write.shutdown().await;
}

/// The status line and headers, with `connection: close` (the body ends with the connection).
fn response_head(parts: &http::response::Parts) -> Vec<u8> {
    let status = parts.status;
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        status.as_str(),
        status.canonical_reason().unwrap_or("")
    )
    .into_bytes();
    for (name, value) in &parts.headers {
        if name == http::header::CONNECTION || name == http::header::TRANSFER_ENCODING {
            continue;
        }
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"connection: close\r\n\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Response;

    #[test]
    fn only_a_whole_bodiless_get_of_events_is_taken() {
        let ok = b"GET /events HTTP/1.1\r\nHost: x\r\nCookie: a=b\r\nLast-Event-ID: 7\r\n\r\n";
        let (len, req) = parse(ok).expect("taken");
        assert_eq!(len, ok.len());
        assert_eq!(req.uri(), "/events");
        assert_eq!(req.headers()["last-event-id"], "7");
        assert_eq!(req.headers()["cookie"], "a=b");
        assert!(parse(b"GET /events?x=1 HTTP/1.1\r\nHost: x\r\n\r\n").is_some());
        for other in [
            &b"GET /events HTTP/1.1\r\nHost: x\r\n"[..],
            b"GET /eventsx HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /orders HTTP/1.1\r\nHost: x\r\n\r\n",
            b"POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            b"HEAD /events HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /events HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
            b"GET /events HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"GET /events HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
            b"GET /events HTTP/1.1\r\nBad Header\r\n\r\n",
            b"\x00\x01\x02garbage",
            b"",
        ] {
            assert!(
                parse(other).is_none(),
                "{:?}",
                String::from_utf8_lossy(other)
            );
        }
        let many: String = (0..MAX_HEADERS + 1)
            .map(|i| format!("X-{i}: v\r\n"))
            .collect();
        let too_many = format!("GET /events HTTP/1.1\r\n{many}\r\n");
        assert!(parse(too_many.as_bytes()).is_none());
    }

    #[test]
    fn the_response_head_closes_the_connection() {
        let response = Response::builder()
            .status(200)
            .header("content-type", "text/event-stream")
            .header("connection", "keep-alive")
            .body(())
            .unwrap();
        let (parts, ()) = response.into_parts();
        let head = String::from_utf8(response_head(&parts)).unwrap();
        assert_eq!(
            head,
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
        );
    }
}
