//! Request signing: `app_key`, `timestamp` (Unix milliseconds) and
//! `sign = lowercase_hex(MD5(timestamp + "#" + app_secret))`.
//!
//! The signature covers neither the path, the query nor the body: it only
//! proves knowledge of the secret at a point in time, and SenseLink refuses
//! timestamps 30 minutes or more away from its own clock. The [`Signer`] is
//! an [`Authenticator`], which the transport calls once per *attempt* with
//! the injectable clock's time, so every retry carries a fresh timestamp.

use std::fmt;

use chrono::{DateTime, Utc};
use kot_connect_http::auth::sensitive_header_value;
use kot_connect_http::reqwest::header::{HeaderName, HeaderValue};
use kot_connect_http::{Authenticator, ExposeSecret, SecretString};
use md5::{Digest, Md5};

use crate::Error;

/// Query parameter (family A) carrying the app key.
pub const QUERY_APP_KEY: &str = "app_key";
/// Query parameter and header carrying the timestamp (Unix milliseconds).
pub const TIMESTAMP: &str = "timestamp";
/// Query parameter and header carrying the signature.
pub const SIGN: &str = "sign";
/// Header (family B, `/sl/api/v5`) carrying the app key. The spelling matters:
/// `appKey`, not `app_key`.
pub const HEADER_APP_KEY: &str = "appKey";

/// Where the three authentication values travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuthPlacement {
    /// In the query string as `app_key`, `timestamp`, `sign`: the classic open
    /// platform (`/api/v1`…`/api/v5`) that JCV SenseLink Cloud and the
    /// on-premises GE editions document. The default.
    #[default]
    Query,
    /// In HTTP headers `appKey`, `timestamp`, `sign`: the "RESTful v5"
    /// deployments under `/sl/api/v5`.
    Headers,
}

/// The signature of `timestamp_ms` with `app_secret`:
/// `lowercase_hex(MD5("{timestamp_ms}#{app_secret}"))`, 32 characters.
///
/// Public so that a fake SenseLink server (the kot-connect sandbox, a test)
/// can verify what a client sent.
pub fn sign(timestamp_ms: i64, app_secret: &SecretString) -> String {
    let mut md5 = Md5::new();
    md5.update(timestamp_ms.to_string().as_bytes());
    md5.update(b"#");
    md5.update(app_secret.expose_secret().as_bytes());
    format!("{:x}", md5.finalize())
}

/// How far a timestamp may be from the server's clock: SenseLink refuses a
/// difference of 30 minutes or more.
pub const MAX_CLOCK_SKEW: chrono::Duration = chrono::Duration::minutes(30);

/// Why [`verify`] refused a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The timestamp is not a decimal number of milliseconds.
    #[error("the timestamp is not a number of milliseconds")]
    BadTimestamp,
    /// The timestamp is [`MAX_CLOCK_SKEW`] or more away from now.
    #[error("the timestamp is 30 minutes or more away from the server's clock")]
    Expired,
    /// The signature does not match the timestamp and the secret.
    #[error("the signature does not match")]
    Mismatch,
}

/// Checks a `timestamp` / `sign` pair as SenseLink does, for a fake server:
/// the timestamp must be within [`MAX_CLOCK_SKEW`] of `now`, and `sign` must
/// equal [`sign`]`(timestamp, app_secret)` (compared case-insensitively).
///
/// # Errors
/// [`SignatureError`] saying what is wrong (never the expected signature).
pub fn verify(
    timestamp: &str,
    signature: &str,
    app_secret: &SecretString,
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let ms: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    let skew = (now.timestamp_millis() - ms).abs();
    if skew >= MAX_CLOCK_SKEW.num_milliseconds() {
        return Err(SignatureError::Expired);
    }
    if !sign(ms, app_secret).eq_ignore_ascii_case(signature.trim()) {
        return Err(SignatureError::Mismatch);
    }
    Ok(())
}

/// Signs every request with the app key and secret issued in SenseLink's
/// オープンプラットフォーム screen.
///
/// `Debug` shows the app key and the placement, never the secret.
#[derive(Clone)]
pub struct Signer {
    app_key: String,
    app_secret: SecretString,
    placement: AuthPlacement,
}

impl Signer {
    /// A signer for `app_key` / `app_secret`, placing the values as `placement` says.
    ///
    /// # Errors
    /// [`Error`] (configuration) when the key or the secret is empty, or when
    /// the key holds characters an HTTP header cannot carry.
    pub fn new(
        app_key: impl Into<String>,
        app_secret: SecretString,
        placement: AuthPlacement,
    ) -> Result<Self, Error> {
        let app_key = app_key.into().trim().to_owned();
        if app_key.is_empty() {
            return Err(Error::config("the SenseLink app key is empty"));
        }
        if app_secret.expose_secret().is_empty() {
            return Err(Error::config("the SenseLink app secret is empty"));
        }
        // Checked once here for both placements, so that signing never fails later.
        HeaderValue::from_str(&app_key).map_err(|_| {
            Error::config("the SenseLink app key contains characters not allowed in a header")
        })?;
        Ok(Self {
            app_key,
            app_secret,
            placement,
        })
    }

    /// The app key (not a secret: it identifies the application).
    pub fn app_key(&self) -> &str {
        &self.app_key
    }

    /// Where the values travel.
    pub fn placement(&self) -> AuthPlacement {
        self.placement
    }

    /// The `(timestamp, sign)` pair for the instant `now`.
    pub fn signature_at(&self, now: DateTime<Utc>) -> (i64, String) {
        let timestamp = now.timestamp_millis();
        (timestamp, sign(timestamp, &self.app_secret))
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("app_key", &self.app_key)
            .field("app_secret", &"[REDACTED]")
            .field("placement", &self.placement)
            .finish()
    }
}

impl Authenticator for Signer {
    fn authenticate(
        &self,
        request: &mut kot_connect_http::reqwest::Request,
        now: DateTime<Utc>,
    ) -> Result<(), kot_connect_http::Error> {
        let (timestamp, sign) = self.signature_at(now);
        let timestamp = timestamp.to_string();
        match self.placement {
            AuthPlacement::Query => {
                request
                    .url_mut()
                    .query_pairs_mut()
                    .append_pair(QUERY_APP_KEY, &self.app_key)
                    .append_pair(TIMESTAMP, &timestamp)
                    .append_pair(SIGN, &sign);
            }
            AuthPlacement::Headers => {
                let headers = request.headers_mut();
                let key = sensitive_header_value(&self.app_key, "the app key")?;
                let stamp = sensitive_header_value(&timestamp, "the timestamp")?;
                let sign = sensitive_header_value(&sign, "the signature")?;
                headers.insert(HeaderName::from_static("appkey"), key);
                headers.insert(HeaderName::from_static(TIMESTAMP), stamp);
                headers.insert(HeaderName::from_static(SIGN), sign);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_reference_vectors() {
        // Synthetic vectors from the crate's reference notes.
        assert_eq!(
            sign(
                1_477_881_215_000,
                &SecretString::from("0123456789abcdef0123456789abcdef")
            ),
            "cf08e970aa264f62a53daf8c5727852e"
        );
        assert_eq!(
            sign(1_700_000_000_000, &SecretString::from("test-secret")),
            "c85d50e204dcd232bc6c0008dadfdad5"
        );
    }

    #[test]
    fn verify_checks_skew_and_signature() {
        let secret = SecretString::from("test-secret");
        let at = |ms: i64| Utc.timestamp_millis_opt(ms).unwrap();
        let good = "c85d50e204dcd232bc6c0008dadfdad5";
        let ts = "1700000000000";
        assert_eq!(verify(ts, good, &secret, at(1_700_000_000_000)), Ok(()));
        assert_eq!(
            verify(
                ts,
                &good.to_uppercase(),
                &secret,
                at(1_700_000_000_000 + 29 * 60_000)
            ),
            Ok(())
        );
        assert_eq!(
            verify(ts, good, &secret, at(1_700_000_000_000 - 30 * 60_000)),
            Err(SignatureError::Expired)
        );
        assert_eq!(
            verify(ts, "0".repeat(32).as_str(), &secret, at(1_700_000_000_000)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("soon", good, &secret, at(1_700_000_000_000)),
            Err(SignatureError::BadTimestamp)
        );
    }

    #[test]
    fn signature_uses_milliseconds() {
        let signer =
            Signer::new("k", SecretString::from("test-secret"), AuthPlacement::Query).unwrap();
        let now = Utc.timestamp_millis_opt(1_700_000_000_000).unwrap();
        let (ts, sig) = signer.signature_at(now);
        assert_eq!(ts, 1_700_000_000_000);
        assert_eq!(sig, "c85d50e204dcd232bc6c0008dadfdad5");
    }

    #[test]
    fn bad_keys_and_secrets_are_refused_without_echoing_the_secret() {
        let secret = "sl-unit-secret-3f2e1d";
        assert!(Signer::new(" ", SecretString::from(secret), AuthPlacement::Query).is_err());
        assert!(Signer::new("k", SecretString::from(""), AuthPlacement::Query).is_err());
        let err = Signer::new(
            "bad\nkey",
            SecretString::from(secret),
            AuthPlacement::Headers,
        )
        .unwrap_err();
        assert!(!format!("{err} {err:?}").contains(secret));
        let signer = Signer::new("k", SecretString::from(secret), AuthPlacement::Query).unwrap();
        assert!(!format!("{signer:?}").contains(secret));
    }
}
