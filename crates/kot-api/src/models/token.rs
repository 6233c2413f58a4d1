//! Access-token endpoint bodies (`/tokens/{token}`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Response of `GET /tokens/{token}/available`: whether the token can be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TokenAvailability {
    /// `true` if the token is valid (有効).
    pub available: bool,
}

/// Response of `POST /tokens/{token}`: the old token is revoked and a new one
/// with the same settings is issued.
///
/// The token is a secret: `Debug` redacts it and the type is deliberately not
/// `Serialize`. Take it out with [`RotatedToken::into_token`].
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct RotatedToken {
    token: String,
}

impl RotatedToken {
    /// The new access token, consuming the response.
    pub fn into_token(self) -> String {
        self.token
    }

    /// Borrows the new access token. Avoid logging or displaying it.
    pub fn expose_token(&self) -> &str {
        &self.token
    }
}

impl fmt::Debug for RotatedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RotatedToken")
            .field("token", &"[REDACTED]")
            .finish()
    }
}
