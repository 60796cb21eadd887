//! `GET /sandbox`: a customer's chat and a staff member's chat side by side, and the faults
//! panel; `GET /sandbox/chat/{user}`: one chat's messages.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::cast::{Player, cast};
use super::reply::{Asker, Refusal, Shown, user_id};
use super::view::chat_html;
use super::{Sb, faults};
use crate::page::Tr;
use crate::{AppError, AppState};

#[derive(Deserialize, Default)]
pub(crate) struct PageQuery {
    customer: Option<String>,
    staff: Option<String>,
    start: Option<String>,
    #[serde(rename = "as")]
    person: Option<String>,
}

/// One person in a pane's picker.
pub(crate) struct Choice {
    pub id: i64,
    pub name: String,
    pub role_key: String,
    pub selected: bool,
}

/// One half of the page.
pub(crate) struct PaneView {
    /// `customer` or `staff`.
    pub kind: &'static str,
    pub player: Option<Player>,
    pub choices: Vec<Choice>,
    /// The other pane's query parameter and person, kept when this pane switches.
    pub keep_name: &'static str,
    pub keep: Option<i64>,
    pub chat: String,
    /// A deep link waiting for START.
    pub start: Option<String>,
}

impl PaneView {
    pub fn is_staff(&self) -> bool {
        self.kind == "staff"
    }
}

/// A value and its label, for a `<select>`.
pub(crate) struct Opt {
    pub value: String,
    pub label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "sandbox/page.html")]
struct Page {
    tr: Tr,
    assets: &'static str,
    /// `customer=…&staff=…`
    shown: String,
    panes: Vec<PaneView>,
    bot_name: String,
    bot_username: String,
    notice: Option<String>,
    shop_payload: Option<String>,
    languages: Vec<Opt>,
    roles: Vec<Opt>,
    people: Vec<Opt>,
    faults: String,
    max_file_mb: usize,
}

impl Page {
    fn bot_initial(&self) -> String {
        self.bot_name
            .chars()
            .find(|c| c.is_alphanumeric())
            .map_or_else(|| "B".to_owned(), |c| c.to_uppercase().collect())
    }

    fn url(&self, path: &str) -> String {
        if self.shown.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", self.shown)
        }
    }
}

/// The first of `want` among `list`, else the first of `list`.
fn pick(list: &[&Player], want: &[Option<i64>]) -> Option<Player> {
    want.iter()
        .flatten()
        .find_map(|id| list.iter().find(|p| p.id == *id))
        .or(list.first())
        .map(|p| (*p).clone())
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Sb(sb): Sb,
    asker: Asker,
    query: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let tr = asker.tr;
    let players = cast(&state, &sb).await?;
    let customers: Vec<&Player> = players.iter().filter(|p| !p.is_staff()).collect();
    let staff: Vec<&Player> = players.iter().filter(|p| p.is_staff()).collect();
    let mut notice = None;

    // A deep link to open: `start=<payload>` as person `as` (a customer if not said).
    let start = q
        .start
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let start = match start {
        Some(s) if domain::kernel::deeplink::fits_telegram(&s) => Some(s),
        Some(_) => {
            notice = Some(asker.message(&Refusal::invalid("sandbox-error-payload")));
            None
        }
        None => None,
    };
    let person = match q.person.as_deref().map(user_id) {
        Some(Some(id)) => match players.iter().find(|p| p.id == id) {
            Some(p) => Some(p),
            None => {
                notice = Some(asker.message(&Refusal::no_such_user()));
                None
            }
        },
        Some(None) => {
            notice = Some(asker.message(&Refusal::no_such_user()));
            None
        }
        None => None,
    };
    let as_staff = person.filter(|p| p.is_staff()).map(|p| p.id);
    let as_customer = person.filter(|p| !p.is_staff()).map(|p| p.id);
    let customer = pick(
        &customers,
        &[
            as_customer,
            q.customer.as_deref().and_then(user_id),
            Some(domain::operations::sandbox::FIRST_CUSTOMER.telegram_id),
        ],
    );
    let staffer = pick(
        &staff,
        &[
            as_staff,
            q.staff.as_deref().and_then(user_id),
            Some(domain::operations::sandbox::OWNER.telegram_id),
        ],
    );
    let shown = Shown {
        customer: customer.as_ref().map(|p| p.id),
        staff: staffer.as_ref().map(|p| p.id),
    };
    // Without `as`, a link is opened by the customer.
    let start_in_staff = as_staff.is_some();
    let pane = |kind: &'static str,
                player: Option<Player>,
                list: &[&Player],
                keep_name: &'static str,
                keep: Option<i64>,
                start: Option<String>|
     -> Result<PaneView, AppError> {
        let chat = match &player {
            Some(p) => chat_html(&sb.standin, p.id, tr, &shown)?,
            None => String::new(),
        };
        let choices = list
            .iter()
            .map(|p| Choice {
                id: p.id,
                name: p.name.clone(),
                role_key: p.role_key(),
                selected: player.as_ref().is_some_and(|s| s.id == p.id),
            })
            .collect();
        let start = if player.is_some() { start } else { None };
        Ok(PaneView {
            kind,
            player,
            choices,
            keep_name,
            keep,
            chat,
            start,
        })
    };
    let panes = vec![
        pane(
            "customer",
            customer,
            &customers,
            "staff",
            shown.staff,
            start.clone().filter(|_| !start_in_staff),
        )?,
        pane(
            "staff",
            staffer,
            &staff,
            "customer",
            shown.customer,
            start.filter(|_| start_in_staff),
        )?,
    ];
    let shop_payload = match domain::stores::load(&state.ctx.db, sb.store).await {
        Ok(store) => domain::kernel::deeplink::DeepLink::Store(store.slug)
            .to_payload()
            .ok(),
        Err(domain::Error::NotFound { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let options = sb.standin.options();
    let page = Page {
        tr,
        assets: crate::assets::version(),
        shown: shown.query(),
        panes,
        bot_name: options.bot_name.clone(),
        bot_username: options.bot_username.clone(),
        notice,
        shop_payload,
        languages: i18n::Lang::ALL
            .into_iter()
            .map(|l| Opt {
                value: l.as_str().to_owned(),
                label: i18n::t(l, "language-name"),
            })
            .collect(),
        roles: [
            domain::Role::Vendor,
            domain::Role::Admin,
            domain::Role::Owner,
        ]
        .into_iter()
        .map(|r| Opt {
            value: r.as_str().to_owned(),
            label: tr.t(&format!("role-{}", r.as_str())),
        })
        .collect(),
        people: players
            .iter()
            .map(|p| Opt {
                value: p.id.to_string(),
                label: p.name.clone(),
            })
            .collect(),
        faults: faults::state_html(&sb, tr, &players)?,
        max_file_mb: options.max_file_bytes.div_ceil(1024 * 1024),
    };
    Ok(page.into_response())
}

/// `GET /sandbox/chat/{user}`: the messages of one chat.
pub(crate) async fn chat(
    Sb(sb): Sb,
    asker: Asker,
    Path(user): Path<String>,
) -> Result<Response, AppError> {
    let user = user_id(&user)
        .filter(|id| sb.standin.user(*id).is_some())
        .ok_or(AppError::NotFound)?;
    Ok(Html(chat_html(&sb.standin, user, asker.tr, &asker.shown)?).into_response())
}
