//! One error type for the whole domain. The kinds a user may see carry an i18n key
//! (`key()`) and the arguments for it (`args()`); everything else is `Internal`.
use chrono::{DateTime, Utc};
use sea_orm::DbErr;

use entity::kinds::{OrderStatus, Role};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what} not found")]
    NotFound { what: &'static str },
    #[error("not allowed")]
    Forbidden,
    /// A missing, expired, revoked or forged credential. Deliberately one answer for all of
    /// them, so a caller learns nothing about which check failed.
    #[error("not authenticated")]
    Unauthorized,
    #[error("invalid {field}")]
    Invalid { field: &'static str },
    /// Too many attempts from one place in a short time (e.g. login codes from one IP).
    #[error("too many attempts")]
    TooManyAttempts,
    #[error("an order needs at least one item")]
    EmptyOrder,
    #[error("{product} is out of stock ({available} available)")]
    OutOfStock { product: String, available: i64 },
    #[error("{product} is not available")]
    ProductUnavailable { product: String },
    #[error("stock would go below what is reserved")]
    InsufficientStock { on_hand: i64, reserved: i64 },
    #[error("cannot go from {from} to {to}")]
    InvalidTransition { from: OrderStatus, to: OrderStatus },
    #[error("already {status} by {by:?} at {at}")]
    AlreadyDecided {
        status: OrderStatus,
        by: Option<String>,
        at: DateTime<Utc>,
    },
    #[error("the order changed meanwhile")]
    Conflict,
    #[error("order already taken by {by}")]
    AlreadyTaken { by: String },
    #[error("order is not assigned to you")]
    NotAssignee,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("slug {slug} is taken")]
    SlugTaken { slug: String },
    #[error("SKU {sku} already exists in this store")]
    SkuTaken { sku: String },
    #[error("currency mismatch")]
    CurrencyMismatch,
    /// A CSV upload as a whole cannot be read: `problem` is `encoding`, `quote`, `long`,
    /// `columns` (a row with another number of fields than the header) or `empty`.
    #[error("unreadable CSV at line {line}: {problem}")]
    CsvUnreadable { line: usize, problem: &'static str },
    /// The CSV header: a required column is `missing`, or one is `unknown` or `repeated`.
    #[error("CSV header: {problem} column {column}")]
    CsvHeader {
        column: String,
        problem: &'static str,
    },
    #[error("CSV file too large")]
    CsvTooLarge { max_rows: usize, max_kib: usize },
    /// A CSV row left a required column empty.
    #[error("CSV column {column} is empty")]
    CsvMissing { column: &'static str },
    #[error("SKU {sku} repeats line {first_line}")]
    CsvDuplicateSku { sku: String, first_line: usize },
    #[error("amount too large")]
    AmountOverflow,
    /// An uploaded product photo that cannot be used; the kind says why.
    #[error("photo refused: {0:?}")]
    Photo(crate::catalog::photo_problem::PhotoProblem),
    #[error("the last owner cannot be removed")]
    LastOwner,
    #[error("cannot grant {role} with your role")]
    RoleTooHigh { role: Role },
    /// An invitation link that is unknown, forged or withdrawn.
    #[error("invalid invitation")]
    InviteInvalid,
    #[error("invitation expired")]
    InviteExpired,
    #[error("invitation already used")]
    InviteUsed,
    /// The invitation would not give the person more than the role they hold.
    #[error("already {role}")]
    AlreadyStaff { role: Role },
    /// The store takes no orders from this customer (see `customers::block`).
    #[error("the store does not take orders from this customer")]
    CustomerBlocked,
    /// The customer already has `max` unpaid orders open in the store: they pay or cancel one
    /// first (their cart is kept).
    #[error("{max} unpaid orders already open")]
    OpenOrdersLimit { max: u32 },
    /// Staff of a store are not blocked as its customers (their role is taken away instead).
    #[error("staff of the store cannot be blocked")]
    StaffNotBlockable,
    /// This Telegram update was handled before; nothing was changed again.
    #[error("update already handled")]
    DuplicateUpdate,
    #[error("database error: {0}")]
    Db(DbErr),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Every i18n key an [`Error`] can produce; a test checks each exists in every locale.
pub const USER_KEYS: &[&str] = &[
    "error-not-found",
    "error-forbidden",
    "error-unauthorized",
    "error-invalid",
    "error-empty-order",
    "error-out-of-stock",
    "error-product-unavailable",
    "error-insufficient-stock",
    "error-invalid-transition",
    "error-already-decided",
    "error-already-decided-unknown",
    "error-conflict",
    "error-already-taken",
    "error-not-assignee",
    "error-reason-required",
    "error-slug-taken",
    "error-sku-taken",
    "error-currency-mismatch",
    "error-csv-unreadable",
    "error-csv-header",
    "error-csv-too-large",
    "error-csv-missing",
    "error-csv-duplicate-sku",
    "error-amount-overflow",
    "error-photo-empty",
    "error-photo-too-big",
    "error-photo-type",
    "error-photo-too-large",
    "error-photo-unreadable",
    "error-photo-shape",
    "error-last-owner",
    "error-role-too-high",
    "error-invite-invalid",
    "error-invite-expired",
    "error-invite-used",
    "error-already-staff",
    "error-duplicate",
    "error-customer-blocked",
    "error-open-orders-limit",
    "error-staff-not-blockable",
    "error-internal",
];

impl From<DbErr> for Error {
    /// A stored value the code cannot read (a word outside a column's vocabulary, say a
    /// status written by a newer version) is not a database failure: `Internal`, never
    /// retried.
    fn from(e: DbErr) -> Self {
        match e {
            DbErr::Type(what) => Error::Internal(what),
            e => Error::Db(e),
        }
    }
}

/// A file store that failed: a key of the wrong shape is `Invalid`; a failing disk or bucket
/// is `Internal`.
impl From<files::StoreError> for Error {
    fn from(e: files::StoreError) -> Self {
        match e {
            files::StoreError::Invalid { field } => Error::Invalid { field },
            files::StoreError::Backend(what) => Error::Internal(what),
        }
    }
}

/// Text that is none of a vocabulary's words (`OrderStatus::parse("x")`): `Invalid`.
impl From<entity::kinds::Unknown> for Error {
    fn from(e: entity::kinds::Unknown) -> Self {
        Error::Invalid { field: e.what }
    }
}

impl Error {
    /// The i18n key of the message shown to a user. Internal errors all map to one key so
    /// nothing of their content leaks.
    pub fn key(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "error-not-found",
            Error::Forbidden => "error-forbidden",
            Error::Unauthorized => "error-unauthorized",
            Error::Invalid { .. } => "error-invalid",
            Error::TooManyAttempts => "error-too-many-attempts",
            Error::EmptyOrder => "error-empty-order",
            Error::OutOfStock { .. } => "error-out-of-stock",
            Error::ProductUnavailable { .. } => "error-product-unavailable",
            Error::InsufficientStock { .. } => "error-insufficient-stock",
            Error::InvalidTransition { .. } => "error-invalid-transition",
            Error::AlreadyDecided { by: Some(_), .. } => "error-already-decided",
            Error::AlreadyDecided { by: None, .. } => "error-already-decided-unknown",
            Error::Conflict => "error-conflict",
            Error::AlreadyTaken { .. } => "error-already-taken",
            Error::NotAssignee => "error-not-assignee",
            Error::ReasonRequired => "error-reason-required",
            Error::SlugTaken { .. } => "error-slug-taken",
            Error::SkuTaken { .. } => "error-sku-taken",
            Error::CurrencyMismatch => "error-currency-mismatch",
            Error::CsvUnreadable { .. } => "error-csv-unreadable",
            Error::CsvHeader { .. } => "error-csv-header",
            Error::CsvTooLarge { .. } => "error-csv-too-large",
            Error::CsvMissing { .. } => "error-csv-missing",
            Error::CsvDuplicateSku { .. } => "error-csv-duplicate-sku",
            Error::AmountOverflow => "error-amount-overflow",
            Error::Photo(problem) => problem.key(),
            Error::LastOwner => "error-last-owner",
            Error::RoleTooHigh { .. } => "error-role-too-high",
            Error::InviteInvalid => "error-invite-invalid",
            Error::InviteExpired => "error-invite-expired",
            Error::InviteUsed => "error-invite-used",
            Error::AlreadyStaff { .. } => "error-already-staff",
            Error::DuplicateUpdate => "error-duplicate",
            Error::CustomerBlocked => "error-customer-blocked",
            Error::OpenOrdersLimit { .. } => "error-open-orders-limit",
            Error::StaffNotBlockable => "error-staff-not-blockable",
            Error::Db(_) | Error::Internal(_) => "error-internal",
        }
    }

    /// Arguments for the message. Statuses and roles are passed as their codes; the adapter
    /// translates them with the `status-*` / `role-*` keys.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Error::NotFound { what } => vec![("what", (*what).to_owned())],
            Error::Invalid { field } => vec![("field", (*field).to_owned())],
            Error::OutOfStock { product, available } => {
                vec![
                    ("product", product.clone()),
                    ("available", available.to_string()),
                ]
            }
            Error::ProductUnavailable { product } => vec![("product", product.clone())],
            Error::InsufficientStock { on_hand, reserved } => {
                vec![
                    ("on_hand", on_hand.to_string()),
                    ("reserved", reserved.to_string()),
                ]
            }
            Error::InvalidTransition { from, to } => {
                vec![
                    ("from", from.as_str().to_owned()),
                    ("to", to.as_str().to_owned()),
                ]
            }
            Error::AlreadyDecided { status, by, at } => vec![
                ("status", status.as_str().to_owned()),
                ("by", by.clone().unwrap_or_default()),
                ("at", at.format("%H:%M").to_string()),
            ],
            Error::AlreadyTaken { by } => vec![("by", by.clone())],
            Error::SlugTaken { slug } => vec![("slug", slug.clone())],
            Error::SkuTaken { sku } => vec![("sku", sku.clone())],
            Error::CsvUnreadable { line, problem } => {
                vec![
                    ("line", line.to_string()),
                    ("problem", (*problem).to_owned()),
                ]
            }
            Error::CsvHeader { column, problem } => {
                vec![
                    ("column", column.clone()),
                    ("problem", (*problem).to_owned()),
                ]
            }
            Error::CsvTooLarge { max_rows, max_kib } => vec![
                ("max_rows", max_rows.to_string()),
                ("max_kib", max_kib.to_string()),
            ],
            Error::CsvMissing { column } => vec![("column", (*column).to_owned())],
            Error::CsvDuplicateSku { sku, first_line } => {
                vec![("sku", sku.clone()), ("first_line", first_line.to_string())]
            }
            Error::RoleTooHigh { role } | Error::AlreadyStaff { role } => {
                vec![("role", role.as_str().to_owned())]
            }
            Error::Photo(problem) => problem.args(),
            Error::OpenOrdersLimit { max } => vec![("count", max.to_string())],
            _ => Vec::new(),
        }
    }

    /// A deadlock or serialisation failure: the whole transaction may be retried.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Db(e) => is_retryable(e),
            _ => false,
        }
    }
}

/// Deadlocks and serialisation failures (PostgreSQL 40001/40P01, MySQL 1213/1205, SQLite busy):
/// the transaction was rolled back by the server and may simply be run again.
pub fn is_retryable(err: &DbErr) -> bool {
    let text = err.to_string();
    [
        "40001",
        "40P01",
        "1213",
        "1205",
        "Deadlock",
        "deadlock",
        "database is locked",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

/// Unique-constraint violations, the one database error a service turns into a user answer.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
