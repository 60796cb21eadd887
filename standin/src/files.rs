//! Files users and the bot sent, by `file_id`.

/// A stored file.
#[derive(Clone, Debug)]
pub struct StoredFile {
    pub bytes: axum::body::Bytes,
    /// Sniffed from the bytes (`image/jpeg`, `image/png`, `application/pdf`, ...), else
    /// `application/octet-stream`.
    pub mime: String,
    pub file_name: Option<String>,
}

use std::collections::{HashMap, VecDeque};
use std::io::Cursor;

use axum::body::Bytes;

/// A stored file and what `getFile` and the messages that carry it say about it.
pub(crate) struct Entry {
    pub file: StoredFile,
    /// The size `getFile` claims instead of the real one (a lying server), if any.
    pub declared: Option<usize>,
    /// Of an image, from its header; 0 otherwise.
    pub width: u32,
    pub height: u32,
}

/// The files, oldest first, bounded by their total size.
#[derive(Default)]
pub(crate) struct Files {
    by_id: HashMap<String, Entry>,
    order: VecDeque<String>,
    total: usize,
    next: u64,
}

impl Files {
    /// A `file_id` no stored file has.
    pub fn new_id(&mut self, kind: &str) -> String {
        loop {
            self.next += 1;
            let id = format!("standin-{kind}-{}", self.next);
            if !self.by_id.contains_key(&id) {
                return id;
            }
        }
    }

    /// Stores `bytes` under `file_id` (replacing a file of that id), then drops the oldest
    /// files while all together exceed `max_total` (never the one just stored).
    pub fn insert(
        &mut self,
        file_id: &str,
        bytes: Bytes,
        file_name: Option<String>,
        declared: Option<usize>,
        max_total: usize,
    ) {
        self.remove(file_id);
        let mime = sniff(&bytes);
        let (width, height) = if mime.starts_with("image/") {
            dimensions(&bytes)
        } else {
            (0, 0)
        };
        self.total += bytes.len();
        self.order.push_back(file_id.to_owned());
        self.by_id.insert(
            file_id.to_owned(),
            Entry {
                file: StoredFile {
                    bytes,
                    mime: mime.to_owned(),
                    file_name,
                },
                declared,
                width,
                height,
            },
        );
        while self.total > max_total && self.order.len() > 1 {
            match self.order.pop_front() {
                Some(oldest) => self.forget(&oldest),
                None => break,
            }
        }
    }

    pub fn get(&self, file_id: &str) -> Option<&Entry> {
        self.by_id.get(file_id)
    }

    #[cfg(test)]
    pub fn total(&self) -> usize {
        self.total
    }

    fn remove(&mut self, file_id: &str) {
        if self.by_id.contains_key(file_id) {
            self.order.retain(|id| id != file_id);
            self.forget(file_id);
        }
    }

    fn forget(&mut self, file_id: &str) {
        if let Some(gone) = self.by_id.remove(file_id) {
            self.total -= gone.file.bytes.len();
        }
    }
}

/// The MIME type the bytes start like: JPEG, PNG, WebP, PDF, else `application/octet-stream`.
pub(crate) fn sniff(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else if bytes.starts_with(b"%PDF-") {
        "application/pdf"
    } else {
        "application/octet-stream"
    }
}

/// An image's width and height from its header alone; `(0, 0)` when it cannot be read (a
/// decoder that panics on hostile bytes included).
pub(crate) fn dimensions(bytes: &[u8]) -> (u32, u32) {
    let read = || {
        image::ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .ok()?
            .into_dimensions()
            .ok()
    };
    std::panic::catch_unwind(read)
        .ok()
        .flatten()
        .unwrap_or((0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_files_go_first_and_the_newest_always_stays() {
        let mut files = Files::default();
        files.insert("a", Bytes::from(vec![0; 4]), None, None, 10);
        files.insert("b", Bytes::from(vec![0; 4]), None, None, 10);
        files.insert("c", Bytes::from(vec![0; 4]), None, None, 10);
        assert!(files.get("a").is_none());
        assert!(files.get("b").is_some() && files.get("c").is_some());
        assert_eq!(files.total(), 8);
        files.insert("huge", Bytes::from(vec![0; 40]), None, None, 10);
        assert!(files.get("huge").is_some());
        assert_eq!(files.total(), 40);
        files.insert("huge", Bytes::from(vec![0; 2]), None, None, 10);
        assert_eq!(files.total(), 2);
    }

    #[test]
    fn sniffing_knows_the_usual_kinds() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), "image/jpeg");
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), "image/png");
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), "image/webp");
        assert_eq!(sniff(b"%PDF-1.7"), "application/pdf");
        assert_eq!(sniff(b"RIFF"), "application/octet-stream");
        assert_eq!(dimensions(b"\xFF\xD8\xFF garbage"), (0, 0));
    }
}
