//! Email notifications over SMTP (lettre): the sender of the `email` deliveries that
//! `domain::messaging::deliveries` plans. Started by the worker part when `[email] smtp_host` is set.
//!
//! Like the Telegram notifier, it claims due deliveries under a lease, so of several instances
//! one sends each. A 5xx reply fails the delivery for good with the server's reply as the
//! reason; a 4xx reply or a connection error is tried again after the backoff.
mod render;

use std::time::Duration;

use anyhow::Context;
use domain::Ctx;
use domain::messaging::deliveries::send::{self, Failure};
use domain::messaging::deliveries::{DeliveryChannel, plan, preferences};
use domain::messaging::notifications::Notice;
use entity::notification_deliveries as deliveries;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::watch;

pub use render::{Rendered, render};

use crate::settings::{EmailSettings, EmailTls};

/// How long a claimed delivery is ours before another instance may take it over.
const LEASE_SECS: i64 = 120;
const BATCH: u64 = 50;
/// The longest one SMTP exchange may take.
const TIMEOUT: Duration = Duration::from_secs(30);
/// How often the sender looks for due deliveries.
const EVERY: Duration = Duration::from_secs(1);

/// An SMTP connection setup and the sender's address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The mailer the settings describe; `None` when email is off (no `smtp_host`).
    pub fn from_settings(s: &EmailSettings) -> anyhow::Result<Option<Mailer>> {
        let Some(host) = s.smtp_host.as_deref().filter(|_| s.enabled()) else {
            return Ok(None);
        };
        let host = host.trim();
        let from: Mailbox = s
            .from
            .parse()
            .with_context(|| format!("email.from {:?} is not an address", s.from))?;
        let params = |host: &str| TlsParameters::new(host.to_owned()).context("email TLS setup");
        let tls = match s.tls {
            EmailTls::None => Tls::None,
            EmailTls::Starttls => Tls::Required(params(host)?),
            EmailTls::Tls => Tls::Wrapper(params(host)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(s.port())
            .tls(tls)
            .timeout(Some(TIMEOUT));
        if let Some(user) = &s.username {
            let password = s.password.as_ref().map(|p| p.expose().to_owned());
            builder =
                builder.credentials(Credentials::new(user.clone(), password.unwrap_or_default()));
        }
        Ok(Some(Mailer {
            transport: builder.build(),
            from,
        }))
    }
}

/// Plans new events, then sends the due email deliveries this instance claims. Returns how
/// many were sent.
pub async fn run_once(mailer: &Mailer, ctx: &Ctx, owner: &str) -> Result<usize, domain::Error> {
    plan::run_once(ctx, owner).await?;
    let lease = chrono::Duration::seconds(LEASE_SECS);
    let claimed = send::claim(
        &ctx.db,
        DeliveryChannel::Email,
        owner,
        ctx.now(),
        lease,
        BATCH,
    )
    .await?;
    let mut sent = 0;
    for delivery in claimed {
        let Some(notice) = send::notice_or_fail(&ctx.db, &delivery, owner, ctx.now()).await? else {
            continue;
        };
        let message = match message(mailer, ctx, &delivery, &notice).await? {
            Ok(message) => message,
            Err(why) => {
                send::mark_failed(
                    &ctx.db,
                    delivery.id,
                    owner,
                    ctx.now(),
                    &why,
                    Failure::Permanent,
                )
                .await?;
                continue;
            }
        };
        match mailer.transport.send(message).await {
            Ok(_) => {
                send::mark_sent(&ctx.db, delivery.id, owner, ctx.now()).await?;
                sent += 1;
            }
            Err(e) => {
                // A 5xx reply will not change by waiting; a 4xx or no answer may.
                let failure = if e.is_permanent() {
                    Failure::Permanent
                } else {
                    Failure::Transient
                };
                tracing::warn!(error = %e, delivery = delivery.id, "email not delivered");
                send::mark_failed(
                    &ctx.db,
                    delivery.id,
                    owner,
                    ctx.now(),
                    &e.to_string(),
                    failure,
                )
                .await?;
                if e.status().is_none() {
                    // The server is unreachable: the rest of the batch waits for its lease.
                    break;
                }
            }
        }
    }
    Ok(sent)
}

/// The email a delivery carries, or why it cannot be sent at all.
async fn message(
    mailer: &Mailer,
    ctx: &Ctx,
    delivery: &deliveries::Model,
    notice: &Notice,
) -> Result<Result<Message, String>, domain::Error> {
    let Some(address) = preferences::email(&ctx.db, delivery.user_id).await? else {
        return Ok(Err("the recipient has no email address any more".to_owned()));
    };
    let Some(Rendered { subject, body }) = render(notice) else {
        return Ok(Err(format!("{} is not sent by email", delivery.kind)));
    };
    let built = address
        .parse()
        .map_err(|e: lettre::address::AddressError| e.to_string())
        .and_then(|to: lettre::Address| {
            // Base64 keeps any language's text intact through any relay.
            let body = Body::new_with_encoding(body, ContentTransferEncoding::Base64)
                .map_err(|_| "the body cannot be encoded".to_owned())?;
            Message::builder()
                .from(mailer.from.clone())
                .to(Mailbox::new(None, to))
                .subject(subject)
                .header(ContentType::TEXT_PLAIN)
                .body(body)
                .map_err(|e| e.to_string())
        });
    Ok(built)
}

/// Sends email notifications until `shutdown`.
pub async fn run(mailer: Mailer, ctx: Ctx, owner: String, shutdown: watch::Receiver<bool>) {
    domain::operations::worker::every(EVERY, shutdown, || async {
        if let Err(e) = run_once(&mailer, &ctx, &owner).await {
            tracing::warn!(error = %e, "email pass failed");
        }
    })
    .await;
}
