//! Errors of the SenseLink client: SenseLink's `{code, message, data}`
//! envelope on top of the shared transport error.

use std::fmt;

use kot_connect_http::Response;
use kot_connect_http::reqwest::StatusCode;
use serde::Deserialize;

use crate::models::de;

/// The envelope code of a successful call.
pub const CODE_OK: i64 = 200;
/// "Param Invalid" (パラメーターエラー), documented by the classic API.
pub const CODE_PARAM_INVALID: i64 = 30001;
/// "Param Invalid" as the `/sl/api/v5` deployments spell it.
pub const CODE_PARAM_INVALID_V5: i64 = 498;

/// Everything that can go wrong calling SenseLink.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// SenseLink answered with its envelope and a code other than 200, whatever
    /// the HTTP status (business errors usually come with HTTP 200).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// A paged read could not finish safely (the server repeated a page, or
    /// the page limit was reached). The items yielded before are valid, but
    /// the read is incomplete.
    #[error(transparent)]
    Paging(#[from] PagingError),
    /// Transport, HTTP status (a body that is not the envelope), rate limit,
    /// decoding or configuration.
    #[error(transparent)]
    Http(#[from] kot_connect_http::Error),
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Http(kot_connect_http::Error::config(message))
    }

    /// The envelope error, when SenseLink answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The envelope code, when SenseLink answered with one (e.g. 30001).
    pub fn api_code(&self) -> Option<i64> {
        self.api().map(|e| e.code)
    }

    /// True for SenseLink's "Param Invalid" codes (30001, or 498 on `/sl/api/v5`).
    pub fn is_param_invalid(&self) -> bool {
        matches!(
            self.api_code(),
            Some(CODE_PARAM_INVALID | CODE_PARAM_INVALID_V5)
        )
    }

    /// True when the server refused because of a rate limit (HTTP 429).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::Http(e) if e.is_rate_limited())
    }

    /// True for configuration errors (nothing was sent).
    pub fn is_config(&self) -> bool {
        matches!(self, Error::Http(e) if e.is_config())
    }

    /// True when the answer arrived but could not be decoded.
    pub fn is_decode(&self) -> bool {
        matches!(self, Error::Http(e) if e.is_decode())
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Http(e) => e.status(),
            Error::Paging(_) => None,
        }
    }
}

/// SenseLink answered `{"code": <not 200>, "message": ..., "desc": ...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status (usually 200).
    pub status: StatusCode,
    /// The endpoint template, e.g. `GET /api/v5/record/list`.
    pub endpoint: String,
    /// The envelope code (リターンコード), e.g. 30001.
    pub code: i64,
    /// The envelope message (リターンメッセージ), e.g. `"Param Invalid"`.
    pub message: Option<String>,
    /// The longer description some endpoints add (`desc`, or `subCode`).
    pub desc: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SenseLink refused {} (HTTP {}): code {}",
            self.endpoint, self.status, self.code
        )?;
        if let Some(m) = &self.message {
            write!(f, ", {m}")?;
        }
        if let Some(d) = &self.desc {
            write!(f, " ({d})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Why a paged read stopped before its natural end.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PagingError {
    /// The server answered a page with exactly the items of the previous page:
    /// it most likely ignores the `page` parameter. Reading on would never end.
    #[error("{endpoint}: page {page} repeats the previous page; the server seems to ignore paging")]
    Repeated {
        /// The endpoint template.
        endpoint: String,
        /// The page number that repeated its predecessor.
        page: u32,
    },
    /// More pages than the configured limit would have been read.
    #[error("{endpoint}: stopped after {limit} pages without reaching the last page")]
    TooManyPages {
        /// The endpoint template.
        endpoint: String,
        /// The limit that was reached.
        limit: u32,
    },
}

/// The envelope's head: `data` is decoded separately, so that a decoding
/// failure inside it keeps its JSON path.
#[derive(Deserialize)]
pub(crate) struct EnvelopeHead {
    #[serde(deserialize_with = "de::lenient_i64")]
    pub(crate) code: i64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub(crate) message: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub(crate) desc: Option<String>,
    #[serde(default, rename = "subCode", deserialize_with = "de::opt_string")]
    pub(crate) sub_code: Option<String>,
}

impl EnvelopeHead {
    /// Reads the envelope head from a body, if the body is one.
    pub(crate) fn parse(body: &[u8]) -> Option<Self> {
        // serde would also read a struct from a JSON array: only objects count.
        let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
        if *first != b'{' {
            return None;
        }
        serde_json::from_slice(body).ok()
    }

    pub(crate) fn into_error(self, response: &Response) -> ApiError {
        ApiError {
            status: response.status(),
            endpoint: response.endpoint().to_owned(),
            code: self.code,
            message: self.message,
            desc: self.desc.or(self.sub_code),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn envelope_heads() {
        let ok = EnvelopeHead::parse(br#"{"code":200,"message":"OK","data":{}}"#).unwrap();
        assert_eq!(ok.code, 200);
        let v5 = EnvelopeHead::parse(
            br#"{"code":498,"message":"Param Invalid","desc":"timeValidFrom-invalid","data":{},"subCode":"timeValidFrom-invalid","requestId":""}"#,
        )
        .unwrap();
        assert_eq!(v5.code, 498);
        assert_eq!(v5.desc.as_deref(), Some("timeValidFrom-invalid"));
        let text = EnvelopeHead::parse(br#"{"code":"30001","message":"Param Invalid"}"#).unwrap();
        assert_eq!(text.code, 30001);
        assert!(EnvelopeHead::parse(b"<html>502</html>").is_none());
        assert!(EnvelopeHead::parse(br#"{"message":"no code"}"#).is_none());
        assert!(EnvelopeHead::parse(br#"[1,2]"#).is_none());
    }
}
