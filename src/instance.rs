//! Who this process is to the leases it takes (the outbox relay, jobs, claimed deliveries).
//!
//! The identity is stable across restarts: `instance_id` from the settings, or one generated
//! once and kept in `data_dir/instance-id`. A process restarted after a crash therefore takes
//! back at once the leases it held, instead of waiting for them to run out. Two live processes
//! must never share one: the data folder's identity is held under a lock
//! (`data_dir/instance.lock`) for the process's life, and a second process on the same folder
//! gets a fresh identity of its own (and a warning).
use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use anyhow::Context;

use crate::settings::Settings;

/// The identity, and the lock that keeps it ours while we run.
#[derive(Debug)]
pub struct Identity {
    pub id: String,
    _lock: Option<File>,
}

/// This process's identity (see the module docs).
pub fn identity(settings: &Settings) -> anyhow::Result<Identity> {
    if let Some(id) = settings
        .instance_id
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        let id = id.trim();
        anyhow::ensure!(
            valid(id),
            "instance_id may hold only letters, digits, '.', '_' and '-' (at most 64)"
        );
        return Ok(Identity {
            id: id.to_owned(),
            _lock: None,
        });
    }
    let dir = &settings.data_dir;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let lock_path = dir.join("instance.lock");
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("opening {}", lock_path.display()))?;
    match lock.try_lock() {
        Ok(()) => Ok(Identity {
            id: kept(dir)?,
            _lock: Some(lock),
        }),
        Err(TryLockError::WouldBlock) => {
            let id = fresh();
            tracing::warn!(
                %id,
                data_dir = %dir.display(),
                "another running process uses this data folder; this one takes an identity of its own"
            );
            Ok(Identity { id, _lock: None })
        }
        Err(TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("locking {}", lock_path.display()))
        }
    }
}

/// The identity kept in `dir/instance-id`, made and written the first time.
fn kept(dir: &Path) -> anyhow::Result<String> {
    let path = dir.join("instance-id");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let text = text.trim();
        if valid(text) {
            return Ok(text.to_owned());
        }
    }
    let id = fresh();
    std::fs::write(&path, format!("{id}\n"))
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(id)
}

fn fresh() -> String {
    let host: String = std::env::var("HOSTNAME")
        .unwrap_or_else(|_| "vitrina".to_owned())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(40)
        .collect();
    let bytes: [u8; 8] = rand::random();
    let suffix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let host = if host.is_empty() {
        "vitrina".to_owned()
    } else {
        host
    };
    format!("{host}-{suffix}")
}

fn valid(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dir: &Path) -> Settings {
        Settings {
            data_dir: dir.to_owned(),
            ..Settings::default()
        }
    }

    #[test]
    fn the_identity_survives_a_restart_and_is_never_shared_while_running() {
        let dir = tempfile::tempdir().unwrap();
        let first = identity(&settings(dir.path())).unwrap();
        assert!(valid(&first.id), "{}", first.id);
        // A second live process on the same folder: an identity of its own.
        let second = identity(&settings(dir.path())).unwrap();
        assert_ne!(second.id, first.id);
        let id = first.id.clone();
        drop(second);
        drop(first);
        // The process restarts: the same identity, so its leases are its own again.
        let again = identity(&settings(dir.path())).unwrap();
        assert_eq!(again.id, id);
    }

    #[test]
    fn a_configured_identity_wins_and_a_bad_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = settings(dir.path());
        s.instance_id = Some("shop-a.1".into());
        assert_eq!(identity(&s).unwrap().id, "shop-a.1");
        s.instance_id = Some("../../etc".into());
        assert!(identity(&s).is_err());
        s.instance_id = Some("x".repeat(65));
        assert!(identity(&s).is_err());
        // A kept identity that was tampered with is replaced.
        std::fs::write(dir.path().join("instance-id"), "bad id with spaces").unwrap();
        s.instance_id = None;
        let fresh = identity(&s).unwrap();
        assert!(valid(&fresh.id));
        assert_ne!(fresh.id, "bad id with spaces");
    }
}
