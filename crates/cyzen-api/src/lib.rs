//! A typed async client for the cyzen 連携API (`https://ext.cyzen.cloud/webapi/v0`).
//!
//! Covers what a KING OF TIME attendance sync needs: users (with the
//! `user_code` that equals the KOT 従業員コード, and the account status),
//! groups, the status master, status presses (`/histories`, 打刻) and each
//! member's latest status, plus a raw escape hatch for the endpoints not
//! modelled yet.
//!
//! # Quickstart
//!
//! ```no_run
//! use chrono::NaiveDate;
//! use cyzen_api::models::StatusKind;
//! use cyzen_api::{Client, TimeRange};
//! use futures_util::TryStreamExt;
//!
//! # async fn run() -> Result<(), cyzen_api::Error> {
//! // Reads CYZEN_COMPANY_ID and CYZEN_TOKEN (and CYZEN_BASE_URL, if set);
//! // or Client::new(base_url, company_id, token).
//! let cyzen = Client::from_env()?;
//!
//! // Users: user_code == KOT employee code.
//! for user in cyzen.users().list().all().await? {
//!     println!("{:?} {:?} active={}", user.user_code, user.user_name, user.is_active());
//! }
//!
//! // Every press of November (JST), joined with its status and user. The
//! // month is fetched as two 15-day windows, 200 presses per page.
//! let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).expect("valid date");
//! let mut presses = cyzen.histories().list(TimeRange::jst_days(d(1), d(30))?).presses();
//! loop {
//!     match presses.try_next().await {
//!         Ok(Some(press)) => match press.kind() {
//!             Some(StatusKind::WorkStart) => println!("出勤 {}", press.pressed_at_jst()),
//!             Some(StatusKind::WorkEnd) => println!("退勤 {}", press.pressed_at_jst()),
//!             _ => println!("{:?} {}", press.status_name(), press.history_id()),
//!         },
//!         Ok(None) => break,
//!         Err(e) if e.is_rate_limited() => {
//!             println!("cyzen is still rate limiting after the retries; try later");
//!             break;
//!         }
//!         Err(e) => return Err(e),
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # What this client does for you
//!
//! - **Authentication.** `Authorization: bearer <token>` (lower-case scheme,
//!   as cyzen documents it) and `company_id` on every call: in the query
//!   string for GET, in the form body for POST/PUT. The token is a
//!   [`SecretString`]: never in `Debug`, logs or errors.
//! - **Errors inside HTTP 200.** `{"errors":[{"err_code","err_msg"}]}` becomes
//!   an [`ApiError`] whatever the status ([`Error::is_invalid_parameter`] for
//!   code 40000); a failing answer that is not the envelope keeps its status
//!   and body.
//! - **Rate limit.** At most 4.75 requests per second by default, 5 % under
//!   cyzen's documented 5 ([`DEFAULT_RATE_LIMIT_PER_SECOND`] says why)
//!   ([`ClientBuilder::rate_limit`], [`ClientBuilder::without_rate_limit`]);
//!   cyzen's refusal (HTTP 503, or 429) is retried for GETs with random waits
//!   capped at 1, 2, 4, 8 and 16 s ([`default_retry_policy`]).
//! - **Paging.** Lists return a [`Page`] or stream across pages, sending back
//!   every `next_*` key; a stream stops when the cursor is missing or repeats.
//! - **15-day windows.** `/histories` ranges of any length are split into
//!   consecutive windows of at most 15 days ([`TimeRange::windows`]).
//! - **Times.** cyzen's UTC `YYYY-MM-DDThh:mm:ss` becomes [`chrono::DateTime<Utc>`](chrono::DateTime)
//!   and is written back in the same form; history times are read from
//!   `create_at` or `created_at`.
//! - **Forward compatible.** Unknown fields are kept in `extra` maps, unknown
//!   enum values as `Unknown(String)`.
//!
//! # Provisional
//!
//! The official reference is not public. The JSON name of a status's kind
//! (勤務開始 / 勤務中 / 勤務終了) is unknown: it is read through a configurable
//! [`models::StatusKindRule`]. See the README for the full list.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
mod client;
mod error;
pub mod models;
pub mod page;
pub mod range;

pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_RATE_LIMIT_PER_SECOND, ENV_BASE_URL,
    ENV_COMPANY_ID, ENV_TOKEN, default_retry_policy,
};
pub use error::{ApiError, ApiErrorDetail, CODE_INVALID_PARAMETER, Error};
pub use kot_connect_http::{ManualClock, RateLimiter, RetryPolicy, SecretString, SystemClock};
pub use page::{Cursor, MAX_PAGE_SIZE, Page};
pub use range::{MAX_HISTORY_WINDOW_DAYS, TimeRange};
