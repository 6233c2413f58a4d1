//! A typed async client for the SenseLink open-platform API: JCV SenseLink
//! Cloud (`https://link.japancv.co.jp`) and the on-premises GE editions,
//! the back end of SenseThunder face-recognition terminals.
//!
//! Covers what a KING OF TIME integration needs: recognition records
//! (認証レコード, the source of 出勤/退勤 punches), persons (登録者: create,
//! list, update, delete), groups (list, create, members) and devices (list).
//!
//! # Quickstart
//!
//! ```no_run
//! use chrono::NaiveDate;
//! use futures_util::StreamExt;
//! use senselink_api::models::{NewPerson, full_name};
//! use senselink_api::{Client, Flavor, SecretString};
//!
//! # async fn run() -> Result<(), senselink_api::Error> {
//! // The three values the integration asks for, and the edition.
//! let senselink = Client::new(
//!     "https://link.japancv.co.jp",
//!     "35uifanj8i30kdng",
//!     SecretString::from("the-app-secret"),
//!     Flavor::Cloud,
//! )?;
//!
//! // Every employee recognition of one local day, page after page.
//! let day = NaiveDate::from_ymd_opt(2026, 11, 20).expect("valid date");
//! let mut records = senselink.records().on_dates(day, day).employees_only().stream();
//! while let Some(record) = records.next().await {
//!     let record = record?;
//!     if let Some(job_number) = &record.job_number {
//!         println!("{} {} (record {})", job_number, record.sign_time, record.id);
//!     }
//! }
//!
//! // Register an employee from KING OF TIME: code -> jobNumber, 姓 + U+3000 + 名.
//! let person = NewPerson::new(full_name("山田", "太郎")).job_number("1000");
//! match senselink.persons().create(&person).await {
//!     Ok(id) => println!("created person {id}"),
//!     Err(e) if e.api_code().is_some() => println!("SenseLink refused: {e}"),
//!     Err(e) => return Err(e),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # What this client does for you
//!
//! - **Signing.** Every attempt carries `app_key`, a fresh `timestamp` (Unix
//!   milliseconds, from an injectable [`Clock`]) and
//!   `sign = md5_hex(timestamp + "#" + app_secret)`, in the query string, or
//!   in headers ([`AuthPlacement::Headers`]) for `/sl/api/v5` deployments.
//!   The secret is a [`SecretString`]: never in `Debug`, logs or errors.
//! - **The envelope.** `{code, message, data}`: a code other than 200 is
//!   [`Error::Api`] even under HTTP 200; a failing status whose body is not
//!   the envelope keeps its status and body ([`Error::Http`]).
//! - **Paging.** List calls return a [`models::Page`] or stream every item;
//!   streams stop on a short or empty page, skip records already seen, and
//!   stop with a [`PagingError`] rather than loop when the server repeats a page.
//! - **Local time.** Record filters are local `yyyy-MM-dd HH:mm:ss`;
//!   `sign_time` (epoch seconds) becomes a `DateTime<Utc>`, and
//!   [`models::Record::local_date`] gives the local calendar date.
//! - **Provisional paths.** Person update, delete and the paged list are not
//!   in the public manual: their paths are configurable ([`Paths`]).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
mod client;
mod error;
pub mod models;

pub use auth::{AuthPlacement, SignatureError, Signer, sign, verify};
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_PAGES, ENV_APP_KEY, ENV_APP_SECRET,
    ENV_BASE_URL, ENV_FLAVOR, Flavor, FormEncoding, MAX_PAGE_SIZE, Paths,
};
pub use error::{ApiError, CODE_OK, CODE_PARAM_INVALID, CODE_PARAM_INVALID_V5, Error, PagingError};
pub use kot_connect_http::{
    Clock, ManualClock, RateLimiter, RetryPolicy, SecretString, SystemClock,
};
