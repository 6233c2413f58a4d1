//! A fully read response, and the classification that drives retries.

use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::de::DeserializeOwned;

use crate::Error;
use crate::error::ErrorBody;
use crate::retry::FailureClass;

/// A response whose body has been read.
#[derive(Debug, Clone)]
pub struct Response {
    pub(crate) service: &'static str,
    pub(crate) endpoint: String,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) received_at: DateTime<Utc>,
    pub(crate) sensitive: bool,
}

impl Response {
    /// Builds a response by hand (for classifiers' and decoders' tests).
    pub fn from_parts(
        service: &'static str,
        endpoint: impl Into<String>,
        status: StatusCode,
        headers: HeaderMap,
        body: impl Into<Bytes>,
        received_at: DateTime<Utc>,
    ) -> Self {
        Self {
            service,
            endpoint: endpoint.into(),
            status,
            headers,
            body: body.into(),
            received_at,
            sensitive: false,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The endpoint template of the request that produced this response.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The service name.
    pub fn service(&self) -> &'static str {
        self.service
    }

    /// When the response was received, by the client's clock.
    pub fn received_at(&self) -> DateTime<Utc> {
        self.received_at
    }

    /// The body as kept in errors (truncated, or withheld for sensitive responses).
    pub fn error_body(&self) -> ErrorBody {
        if self.sensitive {
            ErrorBody::withheld(self.body.len())
        } else {
            ErrorBody::new(&self.body)
        }
    }

    /// `Retry-After`, as seconds or as an HTTP date (relative to
    /// [`received_at`](Self::received_at)); a date in the past means zero.
    pub fn retry_after(&self) -> Option<Duration> {
        let value = self.headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
        if let Ok(secs) = value.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        let when = DateTime::parse_from_rfc2822(value).ok()?;
        Some(
            (when.with_timezone(&Utc) - self.received_at)
                .to_std()
                .unwrap_or(Duration::ZERO),
        )
    }

    /// Decodes the body as JSON.
    ///
    /// # Errors
    /// [`Error::Decode`] with the JSON path where decoding failed and a
    /// truncated copy of the body.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let mut de = serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string().into();
            // serde quotes the value it rejected: withhold it, like the body,
            // when the response may carry a secret.
            let message = if self.sensitive {
                "unexpected value (details withheld: the response may hold a secret)".into()
            } else {
                e.into_inner().to_string().into()
            };
            Error::Decode {
                service: self.service,
                endpoint: self.endpoint.clone(),
                status: self.status,
                path,
                message,
                body: self.error_body(),
            }
        })
    }

    /// The generic error for a failing response: [`Error::RateLimited`] for
    /// 429, [`Error::Http`] otherwise. Service crates try their own error
    /// envelope first and fall back to this.
    pub fn into_error(self) -> Error {
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            Error::RateLimited {
                retry_after: self.retry_after(),
                body: self.error_body(),
                service: self.service,
                endpoint: self.endpoint,
                status: self.status,
            }
        } else {
            Error::Http {
                body: self.error_body(),
                service: self.service,
                endpoint: self.endpoint,
                status: self.status,
            }
        }
    }
}

/// What a response means for the retry loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Disposition {
    /// A final answer (success or a permanent failure): hand it to the caller.
    Done,
    /// A failure that may go away; retried if the request is idempotent.
    Retry(FailureClass),
}

/// Decides what a response means for retries. Service crates plug in their
/// own (e.g. KOT's rate limit arrives as a body code, cyzen's errors inside
/// HTTP 200) and usually fall back to [`default_classifier`].
pub type Classifier = fn(&Response) -> Disposition;

/// 429 is a rate limit; 408, 500, 502, 503 and 504 are transient; anything
/// else is final.
pub fn default_classifier(response: &Response) -> Disposition {
    match response.status.as_u16() {
        429 => Disposition::Retry(FailureClass::RateLimited),
        408 | 500 | 502 | 503 | 504 => Disposition::Retry(FailureClass::Transient),
        _ => Disposition::Done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use reqwest::header::HeaderValue;

    fn response(status: u16, retry_after: Option<&str>, body: &'static str) -> Response {
        let mut headers = HeaderMap::new();
        if let Some(v) = retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from_str(v).unwrap());
        }
        Response::from_parts(
            "test",
            "GET /x",
            StatusCode::from_u16(status).unwrap(),
            headers,
            body,
            Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap(),
        )
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(
            response(429, Some("7"), "").retry_after(),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            response(429, Some("Sat, 21 Nov 2026 00:00:30 GMT"), "").retry_after(),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            response(429, Some("Fri, 20 Nov 2026 23:00:00 GMT"), "").retry_after(),
            Some(Duration::ZERO)
        );
        assert_eq!(response(429, Some("soon"), "").retry_after(), None);
        assert_eq!(response(429, None, "").retry_after(), None);
    }

    #[test]
    fn default_classification() {
        let cases = [
            (200, Disposition::Done),
            (201, Disposition::Done),
            (400, Disposition::Done),
            (403, Disposition::Done),
            (404, Disposition::Done),
            (408, Disposition::Retry(FailureClass::Transient)),
            (429, Disposition::Retry(FailureClass::RateLimited)),
            (500, Disposition::Retry(FailureClass::Transient)),
            (501, Disposition::Done),
            (502, Disposition::Retry(FailureClass::Transient)),
            (503, Disposition::Retry(FailureClass::Transient)),
            (504, Disposition::Retry(FailureClass::Transient)),
        ];
        for (status, expected) in cases {
            assert_eq!(
                default_classifier(&response(status, None, "")),
                expected,
                "{status}"
            );
        }
    }

    #[test]
    fn decode_error_names_the_json_path() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Item {
            date: chrono::NaiveDate,
        }
        let r = response(
            200,
            None,
            r#"[{"date":"2016-05-01"},{"date":"not a date"}]"#,
        );
        let err = r.json::<Vec<Item>>().unwrap_err();
        match &err {
            Error::Decode {
                path, body, status, ..
            } => {
                assert_eq!(&**path, "[1].date");
                assert_eq!(*status, StatusCode::OK);
                assert!(body.text().contains("not a date"));
            }
            other => panic!("expected Decode, got {other:?}"),
        }
        assert!(err.is_decode());
    }

    #[test]
    fn into_error_keeps_status_and_body() {
        let err = response(502, None, "<html>Bad Gateway</html>").into_error();
        assert_eq!(err.status(), Some(StatusCode::BAD_GATEWAY));
        assert!(err.to_string().contains("<html>Bad Gateway</html>"));
        let err = response(429, Some("3"), "slow down").into_error();
        assert!(err.is_rate_limited());
        assert!(
            matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(3))
        );
    }

    #[test]
    fn sensitive_bodies_are_withheld() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Token {
            token: String,
        }
        let sensitive = |body: &'static str| {
            let mut r = response(200, None, body);
            r.sensitive = true;
            r
        };
        let errors = [
            // The body does not fit at all: serde would not quote it, the body would.
            sensitive(r#"{"token":"new-secret-token-55"}"#)
                .json::<Vec<u8>>()
                .unwrap_err(),
            // A number where a string was expected: serde quotes the number.
            sensitive(r#"{"token":5512345678901}"#)
                .json::<Token>()
                .unwrap_err(),
        ];
        for err in errors {
            assert!(err.is_decode());
            for shown in [err.to_string(), format!("{err:?}")] {
                assert!(!shown.contains("new-secret-token-55"), "{shown}");
                assert!(!shown.contains("5512345678901"), "{shown}");
            }
        }
    }
}
