//! `POST /sandbox/people`: another simulated person, a customer or staff with a role.
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::response::Response;
use domain::Role;
use domain::operations::sandbox::{MAX_FIRST_NAME, NEW_PEOPLE_FROM};
use serde::Deserialize;
use tokio::sync::Mutex;

use super::Sb;
use super::reply::{Asker, Refusal, Shown};
use crate::{AppError, AppState};

/// One addition at a time, so two never take the same id.
static ADDING: Mutex<()> = Mutex::const_new(());

#[derive(Deserialize)]
pub(crate) struct PersonForm {
    name: Option<String>,
    language: Option<String>,
    role: Option<String>,
    /// `customer` or `staff`: the pane that asked, which then shows the new person.
    pane: Option<String>,
}

/// What the form asks for, or why not.
fn person(form: &PersonForm) -> Result<(String, &'static str, Option<Role>, bool), Refusal> {
    let staff = match form.pane.as_deref() {
        Some("staff") => true,
        Some("customer") | None => false,
        Some(_) => return Err(Refusal::invalid("sandbox-error-form")),
    };
    let place = if staff {
        "flash-add-staff"
    } else {
        "flash-add-customer"
    };
    let name = form.name.as_deref().unwrap_or_default().trim();
    if !(1..=MAX_FIRST_NAME).contains(&name.chars().count()) || name.chars().any(char::is_control) {
        return Err(Refusal::invalid("sandbox-error-name")
            .with("max", MAX_FIRST_NAME.to_string())
            .at(place));
    }
    let language = domain::catalog::texts::LANGS
        .into_iter()
        .find(|l| Some(*l) == form.language.as_deref().map(str::trim))
        .ok_or_else(|| Refusal::invalid("sandbox-error-language").at(place))?;
    let role = match form.role.as_deref().map(str::trim) {
        None | Some("") if !staff => None,
        Some(r) if staff => Some(
            Role::ALL
                .into_iter()
                .find(|x| x.as_str() == r)
                .ok_or_else(|| Refusal::invalid("sandbox-error-role").at(place))?,
        ),
        _ => return Err(Refusal::invalid("sandbox-error-role").at(place)),
    };
    Ok((name.to_owned(), language, role, staff))
}

pub(crate) async fn add(
    State(state): State<AppState>,
    Sb(sb): Sb,
    asker: Asker,
    form: Result<axum::Form<PersonForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Ok(axum::Form(form)) = form else {
        return Ok(asker.refuse(Refusal::invalid("sandbox-error-form")));
    };
    let (name, language, role, staff) = match person(&form) {
        Ok(p) => p,
        Err(refusal) => return Ok(asker.refuse(refusal)),
    };
    let _one_at_a_time = ADDING.lock().await;
    let known = domain::operations::sandbox::people(&state.ctx.db).await?;
    let id = sb
        .standin
        .users()
        .iter()
        .map(|u| u.id)
        .chain(known.iter().map(|(id, ..)| *id))
        .fold(NEW_PEOPLE_FROM - 1, i64::max)
        + 1;
    domain::operations::sandbox::add_person(&state.ctx, id, &name, language, role).await?;
    sb.standin.add_user(standin::User {
        id,
        first_name: name,
        username: None,
        language: language.to_owned(),
    });
    let shown = if staff {
        Shown {
            staff: Some(id),
            ..asker.shown
        }
    } else {
        Shown {
            customer: Some(id),
            ..asker.shown
        }
    };
    Ok(asker.go(&shown.page()))
}
