//! The notification bell and center: new receipts, low stock and daily digests; mark read.
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::messaging::centre::Payload;
use i18n::ArgValue;

use super::frame;
use crate::auth::Staff;
use crate::page::{Frame, Tr};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(page))
        .route("/notifications/bell", get(bell))
        .route("/notifications/read", post(read_all))
}

pub struct Item {
    pub at: String,
    pub text: String,
    pub href: String,
    pub unread: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
struct Page {
    frame: Frame,
    tr: Tr,
    items: Vec<Item>,
}

#[derive(Template, WebTemplate)]
#[template(path = "bell.html")]
struct Bell {
    frame: Frame,
}

async fn page(State(state): State<AppState>, staff: Staff) -> Result<Page, AppError> {
    let tr = Tr(staff.lang);
    let rows = domain::messaging::centre::latest(&state.ctx.db, staff.id(), 100).await?;
    let items = rows
        .iter()
        .map(|n| {
            let (text, href) = line(&tr, &n.payload);
            Item {
                at: tr.when(&n.created_at),
                text,
                href,
                unread: n.read_at.is_none(),
            }
        })
        .collect();
    Ok(Page {
        frame: frame(&state, &staff).await?,
        tr,
        items,
    })
}

/// What an entry says and where it leads.
fn line(tr: &Tr, payload: &Payload) -> (String, String) {
    match payload {
        Payload::NewReceipt { order_id, number } => (
            tr.t1(
                "web-notification-new-receipt",
                "number",
                &number.to_string(),
            ),
            format!("/orders/{order_id}"),
        ),
        Payload::LowStock { title, available } => {
            let args = [
                ("title", ArgValue::from(title.as_str())),
                ("count", ArgValue::from(*available)),
            ];
            (
                i18n::t_args(tr.0, "notify-low-stock", &args),
                "/products?low=1".to_owned(),
            )
        }
        Payload::DailyDigest {
            store,
            orders,
            revenue_minor,
            currency,
            pending_receipts,
        } => {
            let args = [
                ("store", ArgValue::from(store.as_str())),
                ("orders", ArgValue::from(*orders)),
                ("revenue", ArgValue::from(tr.money(revenue_minor, currency))),
                ("receipts", ArgValue::from(*pending_receipts)),
            ];
            (
                i18n::t_args(tr.0, "web-notification-daily-digest", &args),
                "/queue".to_owned(),
            )
        }
    }
}

/// The bell alone, refreshed when a receipt arrives.
async fn bell(State(state): State<AppState>, staff: Staff) -> Result<Bell, AppError> {
    Ok(Bell {
        frame: frame(&state, &staff).await?,
    })
}

async fn read_all(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    domain::messaging::centre::mark_all_read(&state.ctx, staff.id()).await?;
    Ok(Redirect::to("/notifications").into_response())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use domain::messaging::deliveries::{DeliveryChannel, KINDS};
    use i18n::Lang;

    use super::*;

    fn every_kind() -> [Payload; 3] {
        [
            Payload::NewReceipt {
                order_id: 7,
                number: 1042,
            },
            Payload::LowStock {
                title: "Blue mug".into(),
                available: 2,
            },
            Payload::DailyDigest {
                store: "Main Street".into(),
                orders: 37,
                revenue_minor: 123_450,
                currency: "UAH".into(),
                pending_receipts: 9,
            },
        ]
    }

    #[test]
    fn every_kind_of_the_center_renders_in_every_language() {
        let sampled: BTreeSet<&str> = every_kind().iter().map(|p| p.kind().name).collect();
        let in_app: BTreeSet<&str> = KINDS
            .iter()
            .filter(|k| k.channels.contains(&DeliveryChannel::InApp))
            .map(|k| k.name)
            .collect();
        assert_eq!(sampled, in_app, "one sample of every kind the center shows");
        for lang in Lang::ALL {
            let tr = Tr(lang);
            let lines: Vec<(String, String)> = every_kind().iter().map(|p| line(&tr, p)).collect();
            let wanted = [
                ("1042", "/orders/7"),
                ("Blue mug", "/products?low=1"),
                ("Main Street", "/queue"),
            ];
            for ((text, href), (figure, link)) in lines.iter().zip(wanted) {
                assert!(!i18n::keys(lang).contains(text), "{lang:?}: {text}");
                assert!(text.contains(figure), "{lang:?}: {figure} in {text}");
                assert_eq!(href, link);
            }
        }
    }
}
