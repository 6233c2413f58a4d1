//! Errors of the cyzen client: cyzen's own error envelope on top of the
//! shared transport error.

use std::fmt;

use kot_connect_http::Response;
use kot_connect_http::reqwest::StatusCode;
use serde::Deserialize;

use crate::models::macros::opt_string_or_number;

/// cyzen's error code for an invalid parameter: an unknown `field` value, a
/// window longer than allowed, a cursor sent without its partner.
pub const CODE_INVALID_PARAMETER: &str = "40000";

/// Everything that can go wrong calling cyzen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// cyzen answered with its error envelope
    /// `{"errors":[{"err_code","err_msg"}]}`, whatever the HTTP status
    /// (cyzen sends it with HTTP 200 too).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// Transport, HTTP status, rate limit, decoding or configuration.
    #[error(transparent)]
    Http(#[from] kot_connect_http::Error),
    /// cyzen answered a cursor already followed with that same cursor again,
    /// even when asked a second time: its paging loops, and the list cannot
    /// be read to its end (never silently cut short).
    #[error(
        "cyzen's paging of {endpoint} repeats the cursor {cursor}: the list could not be read to its end"
    )]
    RepeatedCursor {
        /// The list endpoint, e.g. `/histories`.
        endpoint: String,
        /// The repeated cursor's `next_*` pairs.
        cursor: String,
    },
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Http(kot_connect_http::Error::config(message))
    }

    /// The cyzen error envelope, when cyzen answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            Error::Http(_) | Error::RepeatedCursor { .. } => None,
        }
    }

    /// True for cyzen's invalid-parameter error (code 40000).
    pub fn is_invalid_parameter(&self) -> bool {
        self.api()
            .is_some_and(|e| e.has_code(CODE_INVALID_PARAMETER))
    }

    /// True when cyzen refused because of its rate limit (5 requests per
    /// second per token): HTTP 503 (cyzen's current answer) or 429 (its
    /// announced future one), after the retries gave up.
    pub fn is_rate_limited(&self) -> bool {
        match self {
            Error::Http(e) => e.is_rate_limited(),
            Error::Api(e) => matches!(e.status.as_u16(), 429 | 503),
            Error::RepeatedCursor { .. } => false,
        }
    }

    /// True when the credentials were refused (HTTP 401 or 403: a wrong
    /// token, or a `company_id` the token does not belong to). cyzen's codes
    /// for this are not public, so the status decides.
    pub fn is_auth(&self) -> bool {
        matches!(self.status().map(|s| s.as_u16()), Some(401 | 403))
    }

    /// True when the request never got an answer (connect, TLS, timeout).
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Http(e) if e.is_transport())
    }

    /// True when an answer arrived but was not the expected JSON.
    pub fn is_decode(&self) -> bool {
        matches!(self, Error::Http(e) if e.is_decode())
    }

    /// True when the client or a request was configured wrongly; nothing was sent.
    pub fn is_config(&self) -> bool {
        matches!(self, Error::Http(e) if e.is_config())
    }

    /// The HTTP status, when cyzen answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Http(e) => e.status(),
            Error::RepeatedCursor { .. } => None,
        }
    }

    /// The first cyzen error code (`"40000"`), for envelope errors.
    pub fn code(&self) -> Option<&str> {
        self.api()?.code()
    }
}

/// One entry of cyzen's error envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiErrorDetail {
    /// `err_code`, as a string (`"40000"`), whether sent as a number or a string.
    pub code: Option<String>,
    /// `err_msg`, e.g. `invalid parameter field`.
    pub message: Option<String>,
}

/// cyzen answered `{"errors":[{"err_code": ..., "err_msg": ...}, ...]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status (200 included: cyzen reports errors inside HTTP 200).
    pub status: StatusCode,
    /// The endpoint template, e.g. `GET /histories`.
    pub endpoint: String,
    /// The listed errors (at least one).
    pub errors: Vec<ApiErrorDetail>,
}

impl ApiError {
    /// True when one of the listed errors has `code`.
    pub fn has_code(&self, code: &str) -> bool {
        self.errors.iter().any(|e| e.code.as_deref() == Some(code))
    }

    /// The first listed code.
    pub fn code(&self) -> Option<&str> {
        self.errors.iter().find_map(|e| e.code.as_deref())
    }

    /// Reads cyzen's error envelope from a response, if its body is one with
    /// at least one entry.
    pub fn from_response(response: &Response) -> Option<Self> {
        Some(Self {
            status: response.status(),
            endpoint: response.endpoint().to_owned(),
            errors: parse_envelope(response.body())?,
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cyzen refused {} (HTTP {})", self.endpoint, self.status)?;
        for (i, e) in self.errors.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            match (&e.code, &e.message) {
                (Some(c), Some(m)) => write!(f, "[{c}] {m}")?,
                (Some(c), None) => write!(f, "[{c}]")?,
                (None, Some(m)) => f.write_str(m)?,
                (None, None) => f.write_str("(no detail)")?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

#[derive(Deserialize)]
struct RawDetail {
    #[serde(default, deserialize_with = "opt_string_or_number")]
    err_code: Option<String>,
    #[serde(default)]
    err_msg: Option<String>,
}

#[derive(Deserialize)]
struct Envelope {
    errors: Vec<RawDetail>,
}

/// Parses cyzen's error envelope; `None` for anything else (an ordinary
/// answer, `{"errors":[]}`, HTML, garbage).
pub(crate) fn parse_envelope(body: &[u8]) -> Option<Vec<ApiErrorDetail>> {
    let envelope: Envelope = serde_json::from_slice(body).ok()?;
    let details: Vec<ApiErrorDetail> = envelope
        .errors
        .into_iter()
        .map(|d| ApiErrorDetail {
            code: d.err_code,
            message: d.err_msg,
        })
        .collect();
    (!details.is_empty()).then_some(details)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_parses_with_numeric_or_string_codes() {
        let details = parse_envelope(
            br#"{"errors":[{"err_code":40000,"err_msg":"invalid parameter field"},{"err_code":"40100","err_msg":"x"}]}"#,
        )
        .unwrap();
        assert_eq!(details.len(), 2);
        assert_eq!(details[0].code.as_deref(), Some("40000"));
        assert_eq!(
            details[0].message.as_deref(),
            Some("invalid parameter field")
        );
        assert_eq!(details[1].code.as_deref(), Some("40100"));
    }

    #[test]
    fn ordinary_answers_and_garbage_are_not_envelopes() {
        assert!(parse_envelope(br#"{"users":[],"next_user_id":"x"}"#).is_none());
        assert!(parse_envelope(br#"{"errors":[]}"#).is_none());
        assert!(parse_envelope(br#"{"errors":null}"#).is_none());
        assert!(parse_envelope(b"<html>503</html>").is_none());
        assert!(parse_envelope(b"").is_none());
    }
}
