//! Errors of the KOT client: KOT's own error envelope on top of the shared
//! transport error.

use std::fmt;

use chrono::{DateTime, FixedOffset};
use kot_connect_http::Response;
use kot_connect_http::reqwest::StatusCode;
use serde::Deserialize;

use crate::time_band::TimeBandClosed;

/// KOT's error code for a call made inside a prohibited time band.
pub const CODE_TIME_BAND: &str = "104";
/// KOT's error code for an authentication failure (bad token, IP not allowed,
/// missing permission).
pub const CODE_AUTH: &str = "100";
/// KOT's error code for too many requests (the flat error shape).
pub const CODE_RATE_LIMITED: &str = "303";
/// KOT's error code for a resource server error (maintenance, server down).
pub const CODE_SERVER_ERROR: &str = "300";

/// Everything that can go wrong calling KOT.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// KOT answered with its error envelope.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The client refused locally: the call would fall inside a prohibited
    /// time band. Nothing was sent.
    #[error(transparent)]
    TimeBand(#[from] TimeBandClosed),
    /// Transport, HTTP status, rate limit, decoding or configuration.
    #[error(transparent)]
    Http(#[from] kot_connect_http::Error),
}

impl From<crate::range::InvalidDateRange> for Error {
    fn from(e: crate::range::InvalidDateRange) -> Self {
        Error::config(e.to_string())
    }
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Http(kot_connect_http::Error::config(message))
    }

    /// True when the call fell inside a prohibited time band, whether the
    /// client refused it locally or KOT answered 403 with code 104.
    pub fn is_time_band(&self) -> bool {
        match self {
            Error::TimeBand(_) => true,
            Error::Api(e) => e.has_code(CODE_TIME_BAND),
            Error::Http(_) => false,
        }
    }

    /// True when KOT refused because of its request-count limit (code 303,
    /// or an HTTP 429).
    pub fn is_rate_limited(&self) -> bool {
        match self {
            Error::Api(e) => e.has_code(CODE_RATE_LIMITED),
            Error::Http(e) => e.is_rate_limited(),
            Error::TimeBand(_) => false,
        }
    }

    /// True for KOT's authentication failure (code 100): wrong token, an IP
    /// address not on the token's allow-list, or a missing permission.
    pub fn is_auth(&self) -> bool {
        matches!(self, Error::Api(e) if e.has_code(CODE_AUTH))
    }

    /// The HTTP status, when KOT answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Http(e) => e.status(),
            Error::TimeBand(_) => None,
        }
    }

    /// When the prohibited time band ends (JST), for time-band errors that
    /// the client detected locally.
    pub fn reopens_at(&self) -> Option<DateTime<FixedOffset>> {
        match self {
            Error::TimeBand(e) => Some(e.reopens_at),
            _ => None,
        }
    }
}

/// One entry of KOT's error envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiErrorDetail {
    /// The code, as a string (`"104"`): KOT sends numbers in the `errors`
    /// list and strings in the flat shape.
    pub code: Option<String>,
    /// The message, as KOT wrote it (often Japanese).
    pub message: Option<String>,
}

/// KOT answered with its error envelope, in either of its two shapes:
/// `{"errors":[{"message","code"}]}` or the flat `{"code":"303","message":...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The endpoint template, e.g. `GET /employees/{employeeCode}`.
    pub endpoint: String,
    /// The errors KOT listed (at least one).
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

    /// Reads KOT's error envelope from a response, if the body is one.
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
        write!(
            f,
            "KING OF TIME refused {} (HTTP {})",
            self.endpoint, self.status
        )?;
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
#[serde(untagged)]
enum CodeValue {
    Number(i64),
    Text(String),
}

impl From<CodeValue> for String {
    fn from(c: CodeValue) -> Self {
        match c {
            CodeValue::Number(n) => n.to_string(),
            CodeValue::Text(s) => s,
        }
    }
}

#[derive(Deserialize)]
struct RawDetail {
    #[serde(default)]
    code: Option<CodeValue>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Envelope {
    List { errors: Vec<RawDetail> },
    Flat { code: CodeValue, message: String },
}

/// Parses either KOT error shape. The flat shape needs both `code` and
/// `message`, so that an ordinary object with a `code` (a division, say) is
/// never mistaken for an error.
pub(crate) fn parse_envelope(body: &[u8]) -> Option<Vec<ApiErrorDetail>> {
    let details: Vec<ApiErrorDetail> = match serde_json::from_slice::<Envelope>(body).ok()? {
        Envelope::List { errors } => errors
            .into_iter()
            .map(|d| ApiErrorDetail {
                code: d.code.map(String::from),
                message: d.message,
            })
            .collect(),
        Envelope::Flat { code, message } => vec![ApiErrorDetail {
            code: Some(code.into()),
            message: Some(message),
        }],
    };
    (!details.is_empty()).then_some(details)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_parse() {
        let list = parse_envelope(
            br#"{"errors":[{"message":"Bad Authentication.","code":111},{"message":"Id is empty.","code":222}]}"#,
        )
        .unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].code.as_deref(), Some("111"));
        assert_eq!(list[1].message.as_deref(), Some("Id is empty."));
        let flat = parse_envelope(br#"{"code":"303", "message": "Too Many Requests"}"#).unwrap();
        assert_eq!(flat[0].code.as_deref(), Some("303"));
    }

    #[test]
    fn ordinary_objects_and_garbage_are_not_envelopes() {
        let division = r#"{"code":"1000","name":"本社","dayBorderTime":"05:00"}"#;
        assert!(parse_envelope(division.as_bytes()).is_none());
        assert!(parse_envelope(br#"{"errors":[]}"#).is_none());
        assert!(parse_envelope(b"<html>502</html>").is_none());
        assert!(parse_envelope(b"").is_none());
        assert!(parse_envelope(br#"[{"code":"1"}]"#).is_none());
    }
}
