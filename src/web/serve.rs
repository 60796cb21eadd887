//! The accept loop: each connection served by hyper's HTTP/1.1 connection builder, with the
//! peer address as axum's `ConnectInfo` (the backoffice works the client's address out from
//! it), until the stop signal; then every connection is told to finish and awaited.
//!
//! What `axum::serve` did, with the builder in our hands. A new connection whose first request
//! is a live stream (`GET /events`) skips hyper: [`super::lean`] serves it without hyper's
//! per-connection buffers, which were most of what an open stream cost.
use std::future::Future;
use std::io;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;

use super::lean;

/// Serves `router` on `listener` until `stop` completes, then waits for the open connections to
/// finish (the requests in flight, a streaming response to its end).
pub(super) async fn serve(listener: TcpListener, router: Router, stop: impl Future<Output = ()>) {
    let builder = builder();
    let graceful = GracefulShutdown::new();
    // Told to the connections still waiting for their first bytes: they are dropped then.
    let (closing, closed) = tokio::sync::watch::channel(false);
    let mut stop = std::pin::pin!(stop);
    loop {
        let (tcp, peer) = tokio::select! {
            biased;
            () = stop.as_mut() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
        };
        let (router, builder, watcher) = (router.clone(), builder.clone(), graceful.watcher());
        let mut closed = closed.clone();
        tokio::spawn(async move {
            // A live stream is served without hyper's buffers (and ends when the server
            // stops: the streams themselves end then); everything else by hyper. A connection
            // that has sent nothing when the server stops is dropped, as hyper drops an idle one.
            let lean = tokio::select! {
                biased;
                _ = closed.wait_for(|closed| *closed) => return,
                lean = lean::events_request(&tcp) => lean,
            };
            if let Some((head_len, request)) = lean {
                // Not one of the connections the graceful shutdown waits for.
                drop(watcher);
                return lean::serve(tcp, peer, head_len, request, router).await;
            }
            let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                router.clone().oneshot(req.map(Body::new))
            });
            let conn = watcher.watch(builder.serve_connection(TokioIo::new(tcp), service));
            if let Err(e) = conn.await {
                tracing::trace!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    let _ = closing.send(true);
    graceful.shutdown().await;
}

/// hyper's defaults, as `axum::serve` used them.
fn builder() -> http1::Builder {
    http1::Builder::new()
}

/// As `axum::serve` (after hyper 0.14's server): a connection that failed before it was
/// accepted is skipped; anything else (out of file descriptors, say) is logged and the loop
/// waits a second, as descriptors may be freed meanwhile.
async fn accept_error(e: io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accept error");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
