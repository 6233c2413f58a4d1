//! The one error type of the crate.

use kot_connect_http::reqwest::StatusCode;

use crate::link::CsvError;
use crate::settings::ConfigError;

/// Everything that can go wrong with MaLion.
///
/// The WebAPI's own error envelope is not public, so a failing answer keeps
/// its HTTP status and (truncated) body in [`Error::Http`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A connection or wire setting is invalid. Nothing was sent.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Transport, HTTP status, rate limit or decoding (a garbage body is
    /// `kot_connect_http::Error::Decode`, with the JSON path).
    #[error(transparent)]
    Http(#[from] kot_connect_http::Error),
    /// Paging did not end properly: a page cursor came back twice, or there
    /// were more pages than allowed. The logs read so far are not returned,
    /// so that a caller never advances its watermark past missing logs.
    #[error("{endpoint}: paging stopped after {pages} page(s): {reason}")]
    Paging {
        /// The endpoint template.
        endpoint: String,
        /// Pages read before stopping.
        pages: u32,
        /// Why.
        reason: String,
    },
    /// A link CSV could not be read or written.
    #[error(transparent)]
    Csv(#[from] CsvError),
    /// Another [`LogSource`](crate::LogSource) implementation failed (a fake,
    /// a file, another wire protocol).
    #[error("log source failed: {0}")]
    Source(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Http(e) => e.status(),
            _ => None,
        }
    }

    /// True when the server refused the credentials (HTTP 401 or 403).
    pub fn is_auth(&self) -> bool {
        matches!(
            self.status(),
            Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
        )
    }

    /// True when the answer could not be decoded (not the expected JSON).
    pub fn is_decode(&self) -> bool {
        matches!(self, Error::Http(e) if e.is_decode())
    }

    /// True for a rate-limit refusal.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::Http(e) if e.is_rate_limited())
    }

    /// True when no answer arrived (connect, DNS, timeout, ...).
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Http(e) if e.is_transport())
    }

    /// True for an invalid setting (of this crate or of the transport).
    pub fn is_config(&self) -> bool {
        matches!(self, Error::Config(_)) || matches!(self, Error::Http(e) if e.is_config())
    }
}
