//! Where files live (receipts, their thumbnails and product photos). Keys are made from the content (its sha256) only, never from a
//! name a client sent, and every method refuses a key that is not of the safe shape, so a key
//! can never step outside the storage root.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use futures::future::BoxFuture;

use crate::FileKind;
use crate::inspect::Inspected;

/// A blob store for receipts, thumbnails and product photos. Object safe: use it as
/// `Arc<dyn FileStore>`.
///
/// Keys are content addressed, so writing a key that already exists is a no-op.
pub trait FileStore: Send + Sync {
    /// Stores `bytes` under `key`; nothing happens if the key already exists.
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> BoxFuture<'a, Result<()>>;
    /// The bytes under `key`, or `None` if there are none.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>>>;
    /// Whether something is stored under `key`.
    fn exists<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<bool>>;
}

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A key or hash that is not of the safe shape (never made by us; a forged input).
    #[error("invalid {field}")]
    Invalid { field: &'static str },
    /// The disk or the bucket failed.
    #[error("{0}")]
    Backend(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

fn check_sha256(sha256: &str) -> Result<()> {
    if sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err(StoreError::Invalid { field: "sha256" })
    }
}

/// The key of an original file: `receipts/ab/cd/<sha256>.<ext>` (`ab`, `cd`: the first two
/// byte pairs of the hash, so no directory grows too large). `sha256` must be 64 lowercase hex
/// digits.
pub fn content_key(sha256: &str, kind: FileKind) -> Result<String> {
    check_sha256(sha256)?;
    Ok(format!(
        "receipts/{}/{}/{sha256}.{}",
        &sha256[..2],
        &sha256[2..4],
        kind.extension()
    ))
}

/// The key of a thumbnail (always JPEG): `thumbs/ab/cd/<sha256>.jpg`, `sha256` being the hash
/// of the original file.
pub fn thumb_key(sha256: &str) -> Result<String> {
    check_sha256(sha256)?;
    Ok(format!(
        "thumbs/{}/{}/{sha256}.jpg",
        &sha256[..2],
        &sha256[2..4]
    ))
}

/// The key of a product photo (always a JPEG we encoded ourselves): `photos/ab/cd/<sha256>.jpg`,
/// `sha256` being the hash of the stored (re-encoded) bytes.
pub fn photo_key(sha256: &str) -> Result<String> {
    check_sha256(sha256)?;
    Ok(format!(
        "photos/{}/{}/{sha256}.jpg",
        &sha256[..2],
        &sha256[2..4]
    ))
}

/// Whether `key` has the shape storage accepts: non-empty, at most 512 bytes, only
/// `[a-z0-9/._-]`, relative, no empty segment (`//`, trailing `/`), no `..` anywhere and no
/// segment starting with `.` (that is also how temporary files are kept out of reach).
pub fn is_valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 512
        && key.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'/' | b'.' | b'_' | b'-')
        })
        && !key.contains("..")
        && key
            .split('/')
            .all(|segment| !segment.is_empty() && !segment.starts_with('.'))
}

fn check_key(key: &str) -> Result<()> {
    if is_valid_key(key) {
        Ok(())
    } else {
        Err(StoreError::Invalid {
            field: "storage_key",
        })
    }
}

/// Where [`store`] put a receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    pub key: String,
    pub thumb_key: Option<String>,
}

/// Stores an inspected file's original bytes and its thumbnail, if any, under their content keys.
pub async fn store(storage: &dyn FileStore, inspected: &Inspected) -> Result<StoredFile> {
    let key = content_key(&inspected.sha256, inspected.kind)?;
    storage.put(&key, inspected.bytes.clone()).await?;
    let thumb_key = match &inspected.thumbnail {
        Some(thumb) => {
            let thumb_key = thumb_key(&inspected.sha256)?;
            storage.put(&thumb_key, thumb.clone()).await?;
            Some(thumb_key)
        }
        None => None,
    };
    Ok(StoredFile { key, thumb_key })
}

fn io_error(e: io::Error) -> StoreError {
    StoreError::Backend(format!("receipt storage: {e}"))
}

/// Files under a root directory; a key is a relative path. Writes go to a temporary file in the
/// target directory, are synced, then renamed into place, so a reader never sees half a file.
#[derive(Clone, Debug)]
pub struct LocalStorage {
    root: PathBuf,
}

impl LocalStorage {
    /// The root is created on the first write if it does not exist.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> Result<PathBuf> {
        check_key(key)?;
        Ok(self.root.join(key))
    }

    async fn put_file(&self, key: &str, bytes: Vec<u8>) -> Result<()> {
        let path = self.path(key)?;
        if tokio::fs::try_exists(&path).await.map_err(io_error)? {
            return Ok(());
        }
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(StoreError::Invalid {
                field: "storage_key",
            });
        };
        tokio::fs::create_dir_all(dir).await.map_err(io_error)?;
        let tmp = dir.join(format!(
            ".tmp-{}-{:016x}",
            name.to_string_lossy(),
            rand::random::<u64>()
        ));
        let written = write_synced(&tmp, &bytes).await;
        let renamed = match written {
            Ok(()) => tokio::fs::rename(&tmp, &path).await,
            Err(e) => Err(e),
        };
        if let Err(e) = renamed {
            let _ = tokio::fs::remove_file(&tmp).await;
            // A concurrent writer of the same key got there first: same key, same bytes.
            if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                return Ok(());
            }
            return Err(io_error(e));
        }
        // Make the rename itself durable; best effort (not possible on every platform).
        if let Ok(dir) = tokio::fs::File::open(dir).await {
            let _ = dir.sync_all().await;
        }
        Ok(())
    }
}

async fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use tokio::io::AsyncWriteExt;

    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .await?;
    file.write_all(bytes).await?;
    file.sync_all().await
}

impl FileStore for LocalStorage {
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.put_file(key, bytes))
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>>> {
        Box::pin(async move {
            let path = self.path(key)?;
            match tokio::fs::read(&path).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(io_error(e)),
            }
        })
    }

    fn exists<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move {
            let path = self.path(key)?;
            match tokio::fs::metadata(&path).await {
                Ok(meta) => Ok(meta.is_file()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
                Err(e) => Err(io_error(e)),
            }
        })
    }
}

/// In memory, for tests. Same key rules as the real stores.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    files: Mutex<HashMap<String, Vec<u8>>>,
}

impl MemoryStorage {
    pub fn new() -> Self {
        Self::default()
    }

    /// The stored keys, sorted.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    }
}

impl FileStore for MemoryStorage {
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            check_key(key)?;
            self.files
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(key.to_owned())
                .or_insert(bytes);
            Ok(())
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>>> {
        Box::pin(async move {
            check_key(key)?;
            Ok(self
                .files
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(key)
                .cloned())
        })
    }

    fn exists<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move {
            check_key(key)?;
            Ok(self
                .files
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .contains_key(key))
        })
    }
}
