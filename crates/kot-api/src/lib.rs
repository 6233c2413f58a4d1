//! A typed async client for the KING OF TIME (KOT) Web API.
//!
//! Covers the whole API as publicly known: tokens, company, administrators,
//! divisions, working types, employee groups, employees (list, get, create,
//! update, delete), daily workings, time records and punch registration
//! (打刻登録), daily cost and schedules, monthly workings and cost, holiday
//! balances, and requests (申請).
//!
//! # Quickstart
//!
//! ```no_run
//! use chrono::{NaiveDate, TimeZone};
//! use kot_api::models::{EmployeeCode, PunchCode, PunchRequest};
//! use kot_api::{Client, DateRange, time_band};
//!
//! # async fn run() -> Result<(), kot_api::Error> {
//! // Reads KOT_ACCESS_TOKEN (and KOT_BASE_URL, if set).
//! let kot = Client::from_env()?;
//!
//! // Employee code (admin-facing, mutable) -> key (immutable, used by punches).
//! let employee = kot.employees().get(&EmployeeCode::new("1000")).send().await?;
//!
//! // Register a clock-in (出勤). Allowed at any hour, never retried.
//! let date = NaiveDate::from_ymd_opt(2026, 11, 21).expect("valid date");
//! let at = time_band::jst().with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
//! kot.time_records()
//!     .register(&employee.key, &PunchRequest::new(date, at, PunchCode::ClockIn))
//!     .await?;
//!
//! // Read the punches back; a 90-day range is split into two requests.
//! let range = DateRange::new(date - chrono::Days::new(89), date)?;
//! match kot.time_records().list(range).employee_keys([&employee.key]).send().await {
//!     Ok(days) => println!("{} days of punches", days.len()),
//!     Err(e) if e.is_time_band() => println!("KOT is closed now; retry at {:?}", e.reopens_at()),
//!     Err(e) => return Err(e),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # What this client does for you
//!
//! - **Time bands.** Every day 08:30-10:00 and 17:30-18:30 JST, KOT refuses
//!   all calls except token calls and punch registration (HTTP 403, code 104).
//!   The client knows the bands (in JST, whatever the machine's time zone,
//!   from an injectable clock) and refuses such calls locally with
//!   [`Error::TimeBand`], which says when the band ends. Turn it off with
//!   [`ClientBuilder::time_band_guard`]; KOT's own answer stays authoritative
//!   ([`Error::is_time_band`] is true for both).
//! - **Punches are never retried.** KOT accepts duplicate punches and has no
//!   idempotency key, so [`api::TimeRecordsHandler::register`] is sent once.
//!   Reads (GET) are retried on 5xx, timeouts and KOT's rate limit (code
//!   303, whatever its HTTP status), with capped, jittered backoff.
//! - **Both error shapes.** `{"errors":[{"message","code"}]}` and the flat
//!   `{"code":"303","message":"Too Many Requests"}` become an [`ApiError`];
//!   a body that is neither keeps its HTTP status and (truncated) body.
//! - **62-day ranges.** Range reads accept any [`DateRange`] and are split into
//!   windows of at most [`MAX_RANGE_DAYS`] days, merged in order. Long
//!   `employee_keys` lists are sent in groups of
//!   [`api::MAX_EMPLOYEE_KEYS_PER_REQUEST`] and merged per date.
//! - **Codes and keys.** [`models::EmployeeCode`] and [`models::EmployeeKey`]
//!   are different types; only `employees().get()` takes a code.
//! - **Forward compatible.** Unknown punch codes and enum values are kept as
//!   `Unknown(String)`; omitted fields are `None`; both datetime forms
//!   (with and without seconds) are read, and punch times are written with
//!   seconds and `+09:00`.
//! - **Secrets.** The token is a [`SecretString`]: it never appears in
//!   `Debug`, logs or errors, not even for the token calls whose URL holds it.
//!
//! # Without HTTP
//!
//! The default feature `client` brings the HTTP client. With
//! `default-features = false` the crate is only its [`models`], the JST
//! [`time_band`]s and [`DateRange`]: no reqwest, no tokio. Domain code (such as
//! `kot-connect-core`) uses it that way.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "client")]
pub mod api;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
mod error;
pub mod models;
pub mod range;
pub mod time_band;

#[cfg(feature = "client")]
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, ENV_BASE_URL, ENV_TOKEN};
#[cfg(feature = "client")]
pub use error::{
    ApiError, ApiErrorDetail, CODE_AUTH, CODE_RATE_LIMITED, CODE_SERVER_ERROR, CODE_TIME_BAND,
    Error,
};
#[cfg(feature = "client")]
pub use kot_connect_http::{ManualClock, RateLimiter, RetryPolicy, SecretString, SystemClock};
pub use range::{DateRange, InvalidDateRange, MAX_RANGE_DAYS};
pub use time_band::TimeBandClosed;
