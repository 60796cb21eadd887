//! Short-lived access tokens: JWTs signed with HS256 and nothing else. The backoffice checks
//! one on every request, then asks [`super::sessions::is_active`] whether its session still
//! stands, so a revoked session or a removed role ends access at once, not at `exp`.
use std::fmt;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::kernel::error::{Error, Result};
use crate::kernel::ids::UserId;

/// How long an access token lives, in seconds.
pub const ACCESS_TTL_SECS: i64 = 600;
const ISSUER: &str = "vitrina";
const AUDIENCE: &str = "vitrina-backoffice";
const TYP_ACCESS: &str = "access";
/// Clock skew tolerated between the signing and the checking instance, in seconds.
const LEEWAY_SECS: u64 = 5;
/// The longest token worth parsing; ours are about 300 bytes.
const MAX_TOKEN_LEN: usize = 4096;

/// The HMAC key, for signing and for checking. Use a random secret of at least 32 bytes.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }
}

impl fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JwtKeys([redacted])")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AccessClaims {
    /// The user id, in decimal.
    pub sub: String,
    /// The session family the token was issued for.
    pub sid: String,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    /// Always `"access"`, so no other kind of token we might sign one day passes as one.
    pub typ: String,
}

impl AccessClaims {
    pub fn user(&self) -> Result<UserId> {
        self.sub.parse().map_err(|_| Error::Unauthorized)
    }
}

/// Signs an access token for `user` in session `family`, valid from `now` for
/// [`ACCESS_TTL_SECS`].
pub fn issue_access(
    keys: &JwtKeys,
    user: UserId,
    family: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let iat = now.timestamp();
    let claims = AccessClaims {
        sub: user.to_string(),
        sid: family.to_owned(),
        iss: ISSUER.to_owned(),
        aud: AUDIENCE.to_owned(),
        exp: iat + ACCESS_TTL_SECS,
        nbf: iat,
        iat,
        typ: TYP_ACCESS.to_owned(),
    };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding)
        .map_err(|e| Error::Internal(format!("signing an access token: {e}")))
}

/// Checks signature (HS256 only), iss, aud, exp, nbf (no leeway beyond a few seconds),
/// typ == "access", required claims. Any failure: [`Error::Unauthorized`]. Uses the real
/// system clock (jsonwebtoken does).
pub fn verify_access(keys: &JwtKeys, token: &str) -> Result<AccessClaims> {
    if token.is_empty() || token.len() > MAX_TOKEN_LEN {
        return Err(Error::Unauthorized);
    }
    let claims = jsonwebtoken::decode::<AccessClaims>(token, &keys.decoding, &validation())
        .map_err(|_| Error::Unauthorized)?
        .claims;
    if claims.typ != TYP_ACCESS || claims.sid.is_empty() {
        return Err(Error::Unauthorized);
    }
    claims.user()?;
    Ok(claims)
}

fn validation() -> Validation {
    // `new` allows exactly the one algorithm; a token whose header names another (`none`,
    // HS384, RS256 with our secret as a "public key") is refused before any signature check.
    let mut v = Validation::new(Algorithm::HS256);
    v.set_issuer(&[ISSUER]);
    v.set_audience(&[AUDIENCE]);
    v.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
    v.validate_exp = true;
    v.validate_nbf = true;
    v.validate_aud = true;
    v.leeway = LEEWAY_SECS;
    v
}
