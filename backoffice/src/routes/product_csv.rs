//! The catalog as CSV (VENDOR and up): the export of the current store's products, and the
//! import page with its report of every bad line. Both always work on the store the person is
//! in; the file carries no store.
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::catalog::export;
use domain::catalog::import::{self, MAX_BYTES, MAX_ROWS, Outcome, REQUIRED};
use domain::catalog::texts::{DESCRIPTION_FIELDS, TITLE_FIELDS};
use domain::{Capability, StoreId};
use i18n::ArgValue;

use super::{csv, frame};
use crate::auth::{ClientIp, Staff};
use crate::page::{Frame, Tr};
use crate::{AppError, AppState};

/// The form field that carries the file.
const FIELD: &str = "file";

/// Room for the multipart boundaries and headers around the file.
const FORM_OVERHEAD: usize = 64 * 1024;

/// Products per page of the streamed export.
const PAGE: u64 = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/products.csv", get(download))
        .route("/products/import", get(page))
}

/// The upload, with a body limit of its own: the file cap and the form around it.
pub fn upload_routes() -> Router<AppState> {
    Router::new().route(
        "/products/import",
        axum::routing::post(upload).layer(DefaultBodyLimit::max(MAX_BYTES + FORM_OVERHEAD)),
    )
}

/// A line of the report.
pub struct ProblemRow {
    pub line: usize,
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "products_import.html")]
struct ImportPage {
    frame: Frame,
    tr: Tr,
    required: String,
    optional: String,
    limits: String,
    /// The result of an import, or why the file was refused as a whole.
    done: Option<String>,
    error: Option<String>,
    rejected: Option<String>,
    problems: Vec<ProblemRow>,
}

fn message(tr: Tr, e: &domain::Error) -> String {
    let args: Vec<(&str, ArgValue)> = e
        .args()
        .into_iter()
        .map(|(k, v)| (k, ArgValue::infer(v)))
        .collect();
    i18n::t_args(tr.0, e.key(), &args)
}

async fn empty_page(state: &AppState, staff: &Staff) -> Result<ImportPage, AppError> {
    domain::kernel::policy::require(
        &state.ctx.db,
        &staff.actor(None),
        staff.store,
        Capability::ManageCatalog,
    )
    .await?;
    let tr = Tr(staff.lang);
    let limits = i18n::t_args(
        staff.lang,
        "web-import-limits",
        &[
            ("max_rows", ArgValue::Num(MAX_ROWS as i64)),
            ("max_kib", ArgValue::Num((MAX_BYTES / 1024) as i64)),
        ],
    );
    Ok(ImportPage {
        frame: frame(state, staff).await?,
        tr,
        required: REQUIRED.join(","),
        optional: TITLE_FIELDS
            .into_iter()
            .chain(DESCRIPTION_FIELDS)
            .collect::<Vec<_>>()
            .join(","),
        limits,
        done: None,
        error: None,
        rejected: None,
        problems: Vec::new(),
    })
}

async fn page(State(state): State<AppState>, staff: Staff) -> Result<ImportPage, AppError> {
    empty_page(&state, &staff).await
}

async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    client: ClientIp,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let mut page = empty_page(&state, &staff).await?;
    let tr = page.tr;
    let bytes = match form {
        Ok(form) => super::file_field(form, FIELD).await,
        Err(_) => Ok(Vec::new()),
    };
    let too_large = domain::Error::CsvTooLarge {
        max_rows: MAX_ROWS,
        max_kib: MAX_BYTES / 1024,
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            page.error = Some(message(tr, &too_large));
            return Ok((StatusCode::PAYLOAD_TOO_LARGE, page).into_response());
        }
        Err(e) => {
            tracing::debug!(error = %e, "unreadable import form");
            Vec::new()
        }
    };
    let actor = staff.actor(client.text());
    let status = match import::import(&state.ctx, &actor, staff.store, &bytes).await {
        Ok(Outcome::Imported(s)) => {
            let count = |n: usize| ArgValue::Num(n as i64);
            page.done = Some(i18n::t_args(
                tr.0,
                "web-import-done",
                &[
                    ("created", count(s.created)),
                    ("updated", count(s.updated)),
                    ("unchanged", count(s.unchanged)),
                ],
            ));
            StatusCode::OK
        }
        Ok(Outcome::Rejected(problems)) => {
            let count = ArgValue::Num(problems.len() as i64);
            page.rejected = Some(i18n::t_args(
                tr.0,
                "web-import-rejected",
                &[("count", count)],
            ));
            page.problems = problems
                .iter()
                .map(|p| ProblemRow {
                    line: p.line,
                    message: message(tr, &p.error),
                })
                .collect();
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(e) => match AppError::from(e) {
            AppError::Domain(e) => {
                page.error = Some(message(tr, &e));
                StatusCode::UNPROCESSABLE_ENTITY
            }
            other => return Err(other),
        },
    };
    Ok((status, page).into_response())
}

/// The store's products in the import's columns, streamed page by page.
async fn download(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    // Asked once up front so a refusal is an error page, not a broken download.
    let actor = staff.actor(None);
    domain::kernel::policy::require(
        &state.ctx.db,
        &actor,
        staff.store,
        Capability::ManageCatalog,
    )
    .await?;
    let store: StoreId = staff.store;
    let pages = futures::stream::unfold(Some(None), move |cursor: Option<Option<i64>>| {
        let (db, actor) = (state.ctx.db.clone(), actor.clone());
        async move {
            let after = cursor?;
            match export::page(&db, &actor, store, after, PAGE).await {
                Ok(page) => {
                    let chunk: String = page.rows.iter().map(|r| csv::line(r)).collect();
                    Some((Ok(chunk), page.next.map(Some)))
                }
                Err(e) => Some((Err(std::io::Error::other(e.to_string())), None)),
            }
        }
    });
    Ok(csv::download("products.csv", &export::header(), pages))
}
