//! Typed client for the KING OF TIME Web API.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod api;
mod client;
mod error;
pub mod models;
pub mod range;
pub mod time_band;

pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, ENV_BASE_URL, ENV_TOKEN};
pub use error::{
    ApiError, ApiErrorDetail, CODE_AUTH, CODE_RATE_LIMITED, CODE_SERVER_ERROR, CODE_TIME_BAND,
    Error, TimeBandClosed,
};
pub use kot_connect_http::{ManualClock, RateLimiter, RetryPolicy, SecretString, SystemClock};
pub use range::{DateRange, MAX_RANGE_DAYS};
