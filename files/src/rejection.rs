//! Why a receipt file was refused, and the message for it (a leaf: the pipeline and the PDF
//! check both name it).

/// Why a file was refused. [`Rejection::key`] and [`Rejection::args`] give the message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {max_bytes} bytes")]
    TooBig { max_bytes: usize },
    #[error("not a JPEG, PNG, WebP or PDF file")]
    UnsupportedType,
    #[error("the image or document is too large")]
    TooLarge,
    #[error("the file could not be read")]
    Unreadable,
    #[error("the PDF contains active content")]
    ActiveContent,
}

/// Every i18n key a [`Rejection`] can produce.
pub const REJECTION_KEYS: &[&str] = &[
    "receipt-empty",
    "receipt-too-big",
    "receipt-unsupported",
    "receipt-too-large",
    "receipt-unreadable",
    "receipt-active-content",
];

impl Rejection {
    /// The i18n key of the message shown to the customer.
    pub fn key(&self) -> &'static str {
        match self {
            Rejection::Empty => "receipt-empty",
            Rejection::TooBig { .. } => "receipt-too-big",
            Rejection::UnsupportedType => "receipt-unsupported",
            Rejection::TooLarge => "receipt-too-large",
            Rejection::Unreadable => "receipt-unreadable",
            Rejection::ActiveContent => "receipt-active-content",
        }
    }

    /// Arguments for the message: `receipt-too-big` gets `max_mb` (whole MiB, rounded up) and
    /// `max_bytes`; the others get none.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Rejection::TooBig { max_bytes } => vec![
                ("max_mb", max_bytes.div_ceil(1024 * 1024).to_string()),
                ("max_bytes", max_bytes.to_string()),
            ],
            _ => Vec::new(),
        }
    }
}
