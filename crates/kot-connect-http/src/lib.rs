//! The shared HTTP transport of the kot-connect SDK crates.
//!
//! Every service crate (`kot-api`, `senselink-api`, `cyzen-api`, ...) builds a
//! [`Transport`] and adds only its models, endpoints, authentication scheme
//! and error envelope. The transport owns what they all need to get right:
//!
//! - a base-URL override on every client (the testing hook), https only except
//!   on loopback;
//! - explicit default timeouts: [`DEFAULT_CONNECT_TIMEOUT`] and
//!   [`DEFAULT_ATTEMPT_TIMEOUT`] per attempt;
//! - retries decided by a pure function ([`RetryPolicy::decide`]): only
//!   idempotent requests, `Retry-After` honoured but clamped, otherwise capped
//!   exponential backoff with full jitter, bounded attempts and total time;
//! - a client-side [`RateLimiter`] shared by clones of a client;
//! - one `tracing` span per request (service, method, endpoint template,
//!   attempt, status): never a secret, never a body;
//! - credentials as [`SecretString`], put on a request only by an
//!   [`Authenticator`], in headers marked sensitive, never sent to another
//!   host on a redirect;
//! - the base [`Error`], which never loses the HTTP status and keeps a
//!   truncated body, with the JSON path of a decoding failure.
//!
//! # Quickstart
//!
//! ```no_run
//! use kot_connect_http::{BearerAuth, RateLimiter, Request, SecretString, Transport};
//!
//! # async fn run() -> Result<(), kot_connect_http::Error> {
//! let transport = Transport::builder("example", "https://api.example.com/v1")
//!     .auth(BearerAuth::new(SecretString::from("my-token")))
//!     .rate_limit(RateLimiter::per_second(5.0)?)
//!     .build()?;
//!
//! let response = transport
//!     .send(Request::get("GET /things/{id}").path(["things", "42"]))
//!     .await?;
//! if response.status().is_success() {
//!     let thing: serde_json::Value = response.json()?;
//!     println!("{thing}");
//! } else {
//!     // Service crates try their own error envelope here first.
//!     return Err(response.into_error());
//! }
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod auth;
pub mod clock;
mod error;
pub mod rate_limit;
mod request;
mod response;
pub mod retry;
mod transport;

pub use auth::{Authenticator, BearerAuth, HeaderAuth};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{ERROR_BODY_LIMIT, Error, ErrorBody};
pub use rate_limit::RateLimiter;
pub use request::{Body, Request};
pub use response::{Classifier, Disposition, Response, default_classifier};
pub use retry::{FailureClass, RetryDecision, RetryPolicy, StopReason};
pub use secrecy::{ExposeSecret, SecretString};
pub use transport::{
    DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, MAX_REDIRECTS,
    Transport, TransportBuilder, is_loopback_host,
};

/// Re-exported so that service crates and their users name one version.
pub use reqwest;
