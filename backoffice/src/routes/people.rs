//! People (ADMIN+ of the store; OWNERs also see and invite OWNERs): the staff and their roles,
//! open invitations, one-time invitation links with their QR code, changing and taking away
//! roles. Every rule is the domain's; this page only offers what the viewer may grant.
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Duration;
use domain::people::invites::{self, DEFAULT_TTL_HOURS, Invite, NewInvite};
use domain::people::staff::{self, Member};
use domain::{Role, RoleExt as _, UserId};
use serde::Deserialize;

use super::frame;
use crate::auth::{ClientIp, Staff};
use crate::page::{Frame, Tr, qr_svg};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people", get(page))
        .route("/people/invites", post(create_invite))
        .route("/people/invites/{id}/revoke", post(revoke_invite))
        .route("/people/{user}/role", post(change_role))
        .route("/people/{user}/revoke", post(revoke_role))
}

/// How long a new link may work, in hours, as offered in the form.
const TTL_CHOICES: [i64; 4] = [1, 24, DEFAULT_TTL_HOURS, 7 * 24];

struct RoleOption {
    code: &'static str,
    label: String,
    selected: bool,
}

struct PersonRow {
    id: i64,
    name: String,
    username: Option<String>,
    role: String,
    alerts: bool,
    granted_at: String,
    granted_by: Option<String>,
    /// The roles the viewer may move this person to; empty when the viewer may not touch them.
    options: Vec<RoleOption>,
    /// Platform-wide OWNER (revoking takes the OWNER role, not a store role).
    owner: bool,
}

struct InviteRow {
    id: i64,
    role: String,
    created_by: String,
    created_at: String,
    expires_at: String,
}

/// The link made just now: shown this once.
struct Created {
    link: String,
    qr: String,
    role: String,
    expires_at: String,
}

struct TtlOption {
    hours: i64,
    label: String,
    selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "people.html")]
struct PeoplePage {
    frame: Frame,
    tr: Tr,
    store: String,
    members: Vec<PersonRow>,
    owners: Vec<PersonRow>,
    shows_owners: bool,
    invites: Vec<InviteRow>,
    grantable: Vec<RoleOption>,
    ttls: Vec<TtlOption>,
    created: Option<Created>,
}

fn role_label(tr: &Tr, role: Role) -> String {
    tr.t(&format!("role-{}", role.as_str()))
}

fn person_row(tr: &Tr, m: &Member, grantable: &[Role], owner: bool) -> PersonRow {
    let options = if grantable.contains(&m.role) {
        grantable
            .iter()
            .map(|r| RoleOption {
                code: r.as_str(),
                label: role_label(tr, *r),
                selected: *r == m.role,
            })
            .collect()
    } else {
        Vec::new()
    };
    PersonRow {
        id: m.user.id,
        name: m.user.first_name.clone(),
        username: m.user.username.clone(),
        role: role_label(tr, m.role),
        alerts: m.receipt_alerts,
        granted_at: tr.when(&m.granted_at),
        granted_by: m.granted_by.as_ref().map(domain::people::users::name_of),
        options,
        owner,
    }
}

fn invite_row(tr: &Tr, i: &Invite) -> InviteRow {
    InviteRow {
        id: i.id,
        role: role_label(tr, i.role),
        created_by: i
            .created_by
            .as_ref()
            .map(domain::people::users::name_of)
            .unwrap_or_default(),
        created_at: tr.when(&i.created_at),
        expires_at: tr.when(&i.expires_at),
    }
}

async fn render(
    state: &AppState,
    staff: &Staff,
    created: Option<Created>,
) -> Result<PeoplePage, AppError> {
    let db = &state.ctx.db;
    let actor = staff.actor(None);
    let tr = Tr(staff.lang);
    // Asks the policy first: VENDORs are refused, strangers to the store find nothing.
    let grantable = staff::grantable(db, &actor, staff.store).await?;
    let shows_owners = grantable.contains(&Role::Owner);
    let members = staff::members(db, staff.store).await?;
    let owners = if shows_owners {
        staff::owners(db).await?
    } else {
        Vec::new()
    };
    let invites = invites::list(&state.ctx, &actor, staff.store).await?;
    let store = domain::stores::load(db, staff.store).await?;
    Ok(PeoplePage {
        frame: frame(state, staff).await?,
        tr,
        store: store.name,
        members: members
            .iter()
            .map(|m| person_row(&tr, m, &grantable, false))
            .collect(),
        owners: owners
            .iter()
            .map(|m| person_row(&tr, m, &grantable, true))
            .collect(),
        shows_owners,
        invites: invites.iter().map(|i| invite_row(&tr, i)).collect(),
        grantable: grantable
            .iter()
            .map(|r| RoleOption {
                code: r.as_str(),
                label: role_label(&tr, *r),
                selected: *r == Role::Vendor,
            })
            .collect(),
        ttls: TTL_CHOICES
            .iter()
            .map(|h| TtlOption {
                hours: *h,
                label: tr.t1("web-people-ttl-hours", "count", &h.to_string()),
                selected: *h == DEFAULT_TTL_HOURS,
            })
            .collect(),
        created,
    })
}

async fn page(State(state): State<AppState>, staff: Staff) -> Result<PeoplePage, AppError> {
    render(&state, &staff, None).await
}

#[derive(Deserialize)]
struct InviteForm {
    role: String,
    #[serde(default = "default_ttl")]
    ttl_hours: i64,
}

fn default_ttl() -> i64 {
    DEFAULT_TTL_HOURS
}

/// Makes a link and shows it (and its QR code) once, on a page no cache may keep.
async fn create_invite(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    axum::Form(f): axum::Form<InviteForm>,
) -> Result<Response, AppError> {
    let role = Role::parse(&f.role)?;
    let store = (!role.is_platform_wide()).then_some(staff.store);
    let ttl = Duration::try_hours(f.ttl_hours).ok_or(domain::Error::Invalid { field: "ttl" })?;
    let new: NewInvite =
        invites::create(&state.ctx, &staff.actor(client.text()), store, role, ttl).await?;
    let link = domain::kernel::deeplink::DeepLink::Invite(new.token).url(&state.bot_username)?;
    let tr = Tr(staff.lang);
    let created = Created {
        qr: qr_svg(&link, 240)?,
        link,
        role: role_label(&tr, new.role),
        expires_at: tr.when(&new.expires_at),
    };
    let page = render(&state, &staff, Some(created)).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], page).into_response())
}

async fn revoke_invite(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    invites::revoke(&state.ctx, &staff.actor(client.text()), staff.store, id).await?;
    Ok(Redirect::to("/people").into_response())
}

#[derive(Deserialize)]
struct RoleForm {
    role: String,
}

async fn change_role(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    Path(user): Path<i64>,
    axum::Form(f): axum::Form<RoleForm>,
) -> Result<Response, AppError> {
    let role = Role::parse(&f.role)?;
    let actor = staff.actor(client.text());
    staff::change_role(&state.ctx, &actor, UserId(user), staff.store, role).await?;
    Ok(Redirect::to("/people").into_response())
}

#[derive(Deserialize)]
struct RevokeForm {
    /// Present when the OWNER role (platform-wide) is taken away rather than a store role.
    #[serde(default)]
    owner: Option<String>,
}

async fn revoke_role(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    Path(user): Path<i64>,
    axum::Form(f): axum::Form<RevokeForm>,
) -> Result<Response, AppError> {
    let actor = staff.actor(client.text());
    // The people of this store are the viewer's to manage only if they may grant roles here.
    staff::grantable(&state.ctx.db, &actor, staff.store).await?;
    let scope = if f.owner.is_some() {
        None
    } else {
        Some(staff.store)
    };
    staff::revoke(&state.ctx, &actor, UserId(user), scope).await?;
    Ok(Redirect::to("/people").into_response())
}
