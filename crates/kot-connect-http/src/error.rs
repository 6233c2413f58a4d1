//! The base error shared by every kot-connect service crate.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

/// How many bytes of a response body an error keeps.
pub const ERROR_BODY_LIMIT: usize = 2048;

/// A response body kept inside an error: valid UTF-8 (lossy), cut at
/// [`ERROR_BODY_LIMIT`] bytes on a character boundary, or withheld entirely
/// when the request was marked as carrying secrets in its response.
#[derive(Clone, PartialEq, Eq)]
pub struct ErrorBody {
    text: Box<str>,
    total_len: usize,
    withheld: bool,
}

impl ErrorBody {
    /// Keeps at most [`ERROR_BODY_LIMIT`] bytes of `bytes`.
    pub fn new(bytes: &[u8]) -> Self {
        let text = String::from_utf8_lossy(bytes);
        let mut cut = text.len().min(ERROR_BODY_LIMIT);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        Self {
            text: text[..cut].into(),
            total_len: bytes.len(),
            withheld: false,
        }
    }

    /// A body that must not be shown (the response may carry a secret).
    pub fn withheld(total_len: usize) -> Self {
        Self {
            text: Box::default(),
            total_len,
            withheld: true,
        }
    }

    /// The kept text (empty when withheld).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Length of the whole body in bytes, before truncation.
    pub fn total_len(&self) -> usize {
        self.total_len
    }

    /// True when the kept text is shorter than the body.
    pub fn is_truncated(&self) -> bool {
        !self.withheld && self.text.len() < self.total_len
    }
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.withheld {
            write!(f, "[body withheld: {} bytes]", self.total_len)
        } else if self.total_len == 0 {
            f.write_str("[empty body]")
        } else if self.is_truncated() {
            write!(
                f,
                "{}… [{} more bytes]",
                self.text,
                self.total_len - self.text.len()
            )
        } else {
            f.write_str(&self.text)
        }
    }
}

impl fmt::Debug for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_string(), f)
    }
}

/// The base error of every kot-connect client.
///
/// Service crates wrap it and add their own API error envelope. The HTTP status
/// is never lost: a failing response whose body is not the service's envelope
/// becomes [`Error::Http`] with its status and (truncated) body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be sent or the response not received
    /// (DNS, connect, TLS, timeout, connection reset).
    #[error("{service}: request {endpoint} failed: {source}")]
    Transport {
        /// The service name, e.g. `"kot"`.
        service: &'static str,
        /// The endpoint template, e.g. `GET /employees/{employeeCode}`.
        endpoint: String,
        /// The underlying error, with any URL removed (URLs may carry secrets).
        #[source]
        source: reqwest::Error,
    },
    /// The server answered with a non-success status and a body that is not
    /// the service's error envelope.
    #[error("{service}: {endpoint} answered HTTP {status}: {body}")]
    Http {
        /// The service name.
        service: &'static str,
        /// The endpoint template.
        endpoint: String,
        /// The HTTP status.
        status: StatusCode,
        /// The (truncated) response body.
        body: ErrorBody,
    },
    /// The server refused the request because of its rate limit, and the
    /// retry policy gave up (or the request was not retryable).
    #[error("{service}: {endpoint} is rate limited (HTTP {status}){}", fmt_retry_after(*.retry_after))]
    RateLimited {
        /// The service name.
        service: &'static str,
        /// The endpoint template.
        endpoint: String,
        /// The HTTP status of the refusal (429, or whatever the service uses).
        status: StatusCode,
        /// What the server asked us to wait, if it said.
        retry_after: Option<Duration>,
        /// The (truncated) response body.
        body: ErrorBody,
    },
    /// The response body could not be decoded into the expected type.
    #[error(
        "{service}: could not decode the response of {endpoint} at `{path}`: {message}; body: {body}"
    )]
    Decode {
        /// The service name.
        service: &'static str,
        /// The endpoint template.
        endpoint: String,
        /// The HTTP status of the response.
        status: StatusCode,
        /// The JSON path where decoding failed, e.g. `[0].dailyWorkings[2].date`.
        path: Box<str>,
        /// What serde said.
        message: Box<str>,
        /// The (truncated) response body.
        body: ErrorBody,
    },
    /// The response body was larger than the configured cap; it was not read
    /// to the end (and the request is not retried).
    #[error("{service}: the response of {endpoint} (HTTP {status}) exceeds {limit} bytes")]
    ResponseTooLarge {
        /// The service name.
        service: &'static str,
        /// The endpoint template.
        endpoint: String,
        /// The HTTP status of the response.
        status: StatusCode,
        /// The cap, in bytes.
        limit: usize,
    },
    /// The client or the request was configured wrongly (bad URL, bad header
    /// value, invalid argument combination). Nothing was sent.
    #[error("invalid configuration: {message}")]
    Config {
        /// What is wrong, in words.
        message: String,
    },
}

fn fmt_retry_after(d: Option<Duration>) -> String {
    d.map(|d| format!(", retry after {}s", d.as_secs()))
        .unwrap_or_default()
}

impl Error {
    /// A configuration error with the given message.
    pub fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Http { status, .. }
            | Error::RateLimited { status, .. }
            | Error::Decode { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status(),
            Error::Config { .. } => None,
        }
    }

    /// True for a rate-limit refusal.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited { .. })
    }

    /// True when the request timed out (connect or whole attempt).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport { source, .. } if source.is_timeout())
    }

    /// True for errors below HTTP: the server's answer was never received.
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Transport { .. })
    }

    /// True when the response arrived but could not be decoded.
    pub fn is_decode(&self) -> bool {
        matches!(self, Error::Decode { .. })
    }

    /// True for configuration errors (nothing was sent).
    pub fn is_config(&self) -> bool {
        matches!(self, Error::Config { .. })
    }

    /// The kept response body, when there was one.
    pub fn body(&self) -> Option<&ErrorBody> {
        match self {
            Error::Http { body, .. }
            | Error::RateLimited { body, .. }
            | Error::Decode { body, .. } => Some(body),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_is_cut_on_a_char_boundary() {
        let long = "時".repeat(ERROR_BODY_LIMIT); // 3 bytes each
        let body = ErrorBody::new(long.as_bytes());
        assert!(body.text().len() <= ERROR_BODY_LIMIT);
        assert!(body.text().chars().all(|c| c == '時'));
        assert!(body.is_truncated());
        assert_eq!(body.total_len(), long.len());
        assert!(body.to_string().contains("more bytes"));
    }

    #[test]
    fn short_body_is_kept_whole() {
        let body = ErrorBody::new(b"<html>bad gateway</html>");
        assert!(!body.is_truncated());
        assert_eq!(body.to_string(), "<html>bad gateway</html>");
    }

    #[test]
    fn withheld_body_shows_only_its_length() {
        let body = ErrorBody::withheld(42);
        assert_eq!(body.to_string(), "[body withheld: 42 bytes]");
        assert_eq!(body.text(), "");
    }

    #[test]
    fn invalid_utf8_does_not_panic() {
        let body = ErrorBody::new(&[0xff, 0xfe, b'a']);
        assert!(body.text().ends_with('a'));
    }
}
