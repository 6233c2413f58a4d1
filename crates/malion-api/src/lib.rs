//! MaLion / MaLionCloud for KING OF TIME's 「PC ログイン連携」: the PC
//! operation log model, the removal of relay duplicates, the link CSV and
//! link table, and a **provisional** WebAPI client.
//!
//! What the integration manual (「連携サービス MaLion 連携設定マニュアル」)
//! describes is built exactly: the connection settings (ホスト名, 管理者コード,
//! シークレットコード), the logs (only ログオン/ログオフ are punched), the link
//! CSV (連携種別, 種別コード, 打刻先アカウント, 姓・名, サービスアカウント;
//! exact, case-sensitive サービスアカウント; only the rows present are
//! updated; duplicate PC user names are a hazard). What MaLion does not
//! publish, the WebAPI's paths, authentication and JSON, sits behind the
//! [`LogSource`] trait, with configurable, documented guesses
//! ([`api::WireConfig`], [`auth::ProvisionalHeaderAuth`]).
//!
//! # Quickstart
//!
//! ```no_run
//! use malion_api::link::{CsvEncoding, EncodingChoice, LinkTable, Resolution, WriteOptions, read_link_csv};
//! use malion_api::{Client, ConnectionSettings, DEFAULT_LOOKBACK_DAYS, lookback_since};
//!
//! # async fn run() -> Result<(), malion_api::Error> {
//! // 企業情報: ホスト名, 管理者コード, シークレットコード (validated).
//! let settings = ConnectionSettings::new(
//!     "malioncloud0001.intercom.co.jp",
//!     "ADMIN01",
//!     std::env::var("MALION_SECRET_CODE").unwrap_or_default(),
//! )?;
//! let malion = Client::builder(settings).build()?;
//!
//! // Logs since midnight JST two days ago (late logoffs), deduplicated.
//! let since = lookback_since(chrono::Utc::now(), DEFAULT_LOOKBACK_DAYS);
//! let logs = malion.logs_since(since).await?;
//!
//! // The link CSV, as downloaded and edited (UTF-8 or Shift_JIS).
//! let bytes = std::fs::read("link.csv").unwrap_or_default();
//! let table = LinkTable::from(read_link_csv(&bytes, EncodingChoice::Auto)?);
//! for d in table.duplicate_service_accounts() {
//!     eprintln!("サービスアカウント {} is shared by {} accounts", d.service_account, d.rows.len());
//! }
//!
//! for log in &logs.logs {
//!     let Some(punch) = log.event.manual_punch() else { continue }; // ログオン/ログオフ only
//!     match table.resolve_log(log) {
//!         Resolution::Linked(row) => println!(
//!             "{} {} {} (source {})",
//!             row.target_account, punch.label(), log.occurred_at, log.id()
//!         ),
//!         other => eprintln!("not punched: {other:?}"),
//!     }
//! }
//! let _csv = table.to_csv(WriteOptions::new(CsvEncoding::ShiftJis))?;
//! # Ok(())
//! # }
//! ```
//!
//! # Provisional
//!
//! The MaLion WebAPI is not public. Everything in [`api`] and [`auth`] (the
//! logs path, query parameters, paging, JSON keys, the header
//! authentication) and the JSON keys of [`models::OperationLog`] are guesses,
//! configurable, to be replaced by Intercom's specification. The log model,
//! the identity and dedupe, and the link CSV rules are not guesses.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
mod client;
mod error;
pub mod link;
pub mod models;
mod settings;
mod source;

pub use client::{Client, ClientBuilder, ENV_ADMIN_CODE, ENV_BASE_URL, ENV_HOST, ENV_SECRET_CODE};
pub use error::Error;
pub use kot_connect_http::{ManualClock, RateLimiter, RetryPolicy, SecretString, SystemClock};
pub use settings::{
    AdminCode, ConfigError, ConnectionSettings, HOST_PREFIX, HOST_SUFFIX, HostName,
};
pub use source::{
    BoxFuture, DEFAULT_LOOKBACK_DAYS, DEFAULT_MAX_PAGES, DEFAULT_PAGE_SIZE, LogPage, LogQuery,
    LogSource, PageCursor, collect_since, for_each_page_since, lookback_since,
};

/// The README's quickstart, compiled as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
