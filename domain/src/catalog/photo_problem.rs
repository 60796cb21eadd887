//! Why an uploaded product photo was refused (a leaf: the error type names it).
/// Why an uploaded photo was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoProblem {
    Empty,
    TooBig {
        max_bytes: usize,
    },
    /// Not a JPEG, PNG or WebP image (a PDF included).
    NotAnImage,
    /// Too many pixels, or too much memory to decode.
    TooLarge,
    /// Broken, truncated or otherwise undecodable.
    Unreadable,
    /// Far too narrow or too wide to show.
    Shape,
}

impl PhotoProblem {
    pub fn key(self) -> &'static str {
        match self {
            PhotoProblem::Empty => "error-photo-empty",
            PhotoProblem::TooBig { .. } => "error-photo-too-big",
            PhotoProblem::NotAnImage => "error-photo-type",
            PhotoProblem::TooLarge => "error-photo-too-large",
            PhotoProblem::Unreadable => "error-photo-unreadable",
            PhotoProblem::Shape => "error-photo-shape",
        }
    }

    /// `error-photo-too-big` gets `max_mb` (whole MiB, rounded up); the others nothing.
    pub fn args(self) -> Vec<(&'static str, String)> {
        match self {
            PhotoProblem::TooBig { max_bytes } => {
                vec![("max_mb", max_bytes.div_ceil(1024 * 1024).to_string())]
            }
            _ => Vec::new(),
        }
    }
}
