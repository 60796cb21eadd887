//! Backoffice authentication (DESIGN.md §3 "QR login"): a login challenge approved in Telegram
//! ([`challenge`]), refresh-token sessions rotated on every use ([`sessions`]) and short-lived
//! signed access tokens ([`tokens`]).
//!
//! Secrets handed out (refresh tokens, challenge tokens, browser secrets) are never stored:
//! only their SHA-256, so a copy of the database lets nobody in.
pub mod challenge;
pub mod sessions;
pub mod tokens;
pub mod useragent;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::ConnectionTrait;
use sha2::{Digest, Sha256};

use crate::kernel::error::Result;
use crate::kernel::ids::UserId;
use crate::kernel::policy;

/// `N` random bytes from the thread's CSPRNG, base64url without padding.
pub(crate) fn random_token<const N: usize>() -> String {
    let bytes: [u8; N] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Lowercase hex SHA-256 of `secret`: what the database keeps instead of the secret.
pub(crate) fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares without stopping at the first difference, so timing tells nothing about how much
/// of a guess was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// At most `max` characters of `s`: user agents and addresses come from the client and the
/// columns are bounded.
fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Whether `user` holds any staff role: a platform OWNER (even before the first store exists)
/// or a role in some store. Only staff may log in to the backoffice.
async fn is_staff(db: &impl ConnectionTrait, user: UserId) -> Result<bool> {
    Ok(policy::is_owner(db, user).await? || !policy::staff_stores(db, user).await?.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_lowercase_hex() {
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn clip_counts_characters_not_bytes() {
        assert_eq!(clip("привет", 3), "при");
        assert_eq!(clip("ab", 10), "ab");
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
