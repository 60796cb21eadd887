//! The audit log of the current store (ADMIN and OWNER): who did what to which object, from
//! where; filtered, paged newest first, and exported as streamed CSV.
use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, Utc};
use domain::platform::audit::{self, AuditFilter};
use domain::{Capability, UserId};
use entity::audit_log;
use serde::Deserialize;

use super::csv::{self, query_string};
use super::frame;
use crate::auth::Staff;
use crate::page::{Frame, Tr};
use crate::{AppError, AppState};

const PAGE: u64 = 50;
const CSV_PAGE: u64 = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(list))
        .route("/audit.csv", get(csv))
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    /// A staff member's user id, from the select.
    #[serde(default)]
    person: String,
    /// Or a username typed by hand (wins over the select).
    #[serde(default)]
    username: String,
    #[serde(default)]
    action: String,
    #[serde(default, rename = "type")]
    object_type: String,
    #[serde(default)]
    object: String,
    /// `YYYY-MM-DD`, inclusive.
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    after: Option<i64>,
}

/// The filter, or `None` when it names a person nobody is (so nothing matches).
type Resolved = Option<AuditFilter>;

impl AuditQuery {
    async fn filter(&self, state: &AppState) -> Result<Resolved, AppError> {
        let bad = |field| AppError::Domain(domain::Error::Invalid { field });
        let day = |s: &str, field| -> Result<Option<DateTime<Utc>>, AppError> {
            if s.trim().is_empty() {
                return Ok(None);
            }
            let d =
                chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| bad(field))?;
            Ok(d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
        };
        let actor_user = if !self.username.trim().is_empty() {
            match audit::user_by_username(&state.ctx.db, &self.username).await? {
                Some(u) => Some(u),
                None => return Ok(None),
            }
        } else if self.person.trim().is_empty() {
            None
        } else {
            Some(UserId(
                self.person.trim().parse().map_err(|_| bad("person"))?,
            ))
        };
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(Some(AuditFilter {
            actor_user,
            action: text(&self.action),
            object_type: text(&self.object_type),
            object_id: text(&self.object),
            from: day(&self.from, "from")?,
            to: day(&self.to, "to")?.map(|d| d + chrono::Duration::days(1)),
        }))
    }

    /// The same filters as a query string, for the next-page and CSV links.
    fn query_string(&self) -> String {
        let pairs = [
            ("person", &self.person),
            ("username", &self.username),
            ("action", &self.action),
            ("type", &self.object_type),
            ("object", &self.object),
            ("from", &self.from),
            ("to", &self.to),
        ];
        query_string(&pairs)
    }
}

/// A page of the log, or nothing when the filter can match nothing.
async fn page(
    state: &AppState,
    staff: &Staff,
    filter: &Resolved,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<audit_log::Model>, AppError> {
    // Asked even for an empty answer, so access is the same whatever the filter.
    domain::kernel::policy::require(
        &state.ctx.db,
        &staff.actor(None),
        staff.store,
        Capability::ViewAudit,
    )
    .await?;
    match filter {
        Some(f) => Ok(audit::search(
            &state.ctx.db,
            &staff.actor(None),
            staff.store,
            f,
            after,
            limit,
        )
        .await?),
        None => Ok(Vec::new()),
    }
}

/// Display names by user id, looked up once per page.
#[derive(Default)]
struct Names(HashMap<i64, String>);

impl Names {
    async fn who(
        &mut self,
        state: &AppState,
        tr: Tr,
        e: &audit_log::Model,
    ) -> Result<String, AppError> {
        let Some(id) = e.actor_user_id else {
            return Ok(tr.channel(&e.channel));
        };
        if let Some(name) = self.0.get(&id) {
            return Ok(name.clone());
        }
        let name = domain::people::users::display_name(&state.ctx.db, UserId(id))
            .await?
            .unwrap_or_else(|| format!("#{id}"));
        self.0.insert(id, name.clone());
        Ok(name)
    }
}

pub struct Row {
    pub when: String,
    pub who: String,
    pub channel: String,
    pub action: String,
    pub object: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub ip: Option<String>,
}

pub struct Person {
    pub id: String,
    pub name: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct ListPage {
    frame: Frame,
    tr: Tr,
    rows: Vec<Row>,
    people: Vec<Person>,
    q: AuditQuery,
    query: String,
    next: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<AuditQuery>,
) -> Result<ListPage, AppError> {
    let filter = q.filter(&state).await?;
    let entries = page(&state, &staff, &filter, q.after, PAGE).await?;
    let tr = Tr(staff.lang);
    let mut names = Names::default();
    let mut rows = Vec::with_capacity(entries.len());
    for e in &entries {
        rows.push(Row {
            when: tr.when(&e.created_at),
            who: names.who(&state, tr, e).await?,
            channel: tr.channel(&e.channel),
            action: e.action.clone(),
            object: format!("{} {}", e.object_type, e.object_id),
            before: e.before.clone(),
            after: e.after.clone(),
            ip: e.ip.clone(),
        });
    }
    let people = audit::people(&state.ctx.db, &staff.actor(None), staff.store)
        .await?
        .into_iter()
        .map(|u| Person {
            id: u.id.to_string(),
            name: domain::people::users::name_of(&u),
        })
        .collect();
    let next = if entries.len() as u64 == PAGE {
        entries.last().map(|e| e.id)
    } else {
        None
    };
    Ok(ListPage {
        frame: frame(&state, &staff).await?,
        tr,
        rows,
        people,
        query: q.query_string(),
        q,
        next,
    })
}

/// The filtered log as CSV, streamed page by page so a large export never sits in memory.
async fn csv(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let filter = q.filter(&state).await?;
    // Asked once up front so a refusal is an error page, not a broken download.
    domain::kernel::policy::require(
        &state.ctx.db,
        &staff.actor(None),
        staff.store,
        Capability::ViewAudit,
    )
    .await?;
    let tr = Tr(staff.lang);
    let pages = futures::stream::unfold(Some(None), move |cursor: Option<Option<i64>>| {
        let (state, staff, filter) = (state.clone(), staff.clone(), filter.clone());
        async move {
            let after = cursor?;
            let chunk = async {
                let entries = page(&state, &staff, &filter, after, CSV_PAGE).await?;
                let mut names = Names::default();
                let mut chunk = String::new();
                for e in &entries {
                    let who = names.who(&state, tr, e).await?;
                    chunk.push_str(&csv_row(e, &who));
                }
                let next = if entries.len() as u64 == CSV_PAGE {
                    entries.last().map(|e| Some(e.id))
                } else {
                    None
                };
                Ok::<_, AppError>((chunk, next))
            };
            match chunk.await {
                Ok((chunk, next)) => Some((Ok(chunk), next)),
                Err(e) => Some((Err(std::io::Error::other(format!("{e:?}"))), None)),
            }
        }
    });
    Ok(csv::download(
        "audit.csv",
        "id,created_at,who,user_id,channel,action,object_type,object_id,before,after,ip",
        pages,
    ))
}

/// One CSV line; fields that could start a spreadsheet formula are defused.
fn csv_row(e: &audit_log::Model, who: &str) -> String {
    let fields = [
        e.id.to_string(),
        e.created_at.to_rfc3339(),
        who.to_owned(),
        e.actor_user_id.map(|u| u.to_string()).unwrap_or_default(),
        e.channel.to_string(),
        e.action.clone(),
        e.object_type.clone(),
        e.object_id.clone(),
        e.before.clone().unwrap_or_default(),
        e.after.clone().unwrap_or_default(),
        e.ip.clone().unwrap_or_default(),
    ];
    csv::line(&fields)
}
