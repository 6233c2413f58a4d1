//! WowTalk's KING OF TIME link, as WowTalk's manual 「KING OF TIME
//! 連携機能利用方法マニュアル」 describes it, and a provisional WowBot layer.
//!
//! - [`models::KotLinkSettings`]: the 「KING OF TIME 連携」 switch (許可 /
//!   禁止), company-wide with role overrides, and [`models::KotAccessToken`].
//! - [`idlink::LinkImporter`]: the ID連携 import: refused 08:30-10:00 and
//!   17:30-18:30 JST, every row checked against KOT's employees, WowTalk's
//!   users, the other rows and the existing links; the result has
//!   インポート完了 / インポート失敗 counts and a failure CSV (「詳細」).
//! - [`idlink::LinkTable`]: the links an engine stores (serde), merges into
//!   and exports as CSV (エクスポート), with spreadsheet formulas neutralised.
//! - [`models::MemberRow`]: the member import template (ID, 名前, フリガナ,
//!   パスワード, 社員番号, ...).
//! - [`Command`]: 出勤 / 退勤 / 休憩開始 / 休憩終了 (and English) parsed from
//!   a chat message; [`models::InboundMessage`], [`BotClient`] and
//!   [`auth::WebhookVerifier`] for a CallBack-type WowBot.
//!
//! # Provisional
//!
//! WowTalk does not publish the ID-link file's columns nor the bot API
//! (「WowTalk ボット機能開発者向けドキュメント」 is given through sales). The
//! column names ([`idlink::LinkCsvLayout`]), the bot message fields, the
//! bot API's paths and auth header, and the webhook verification are
//! configurable guesses; everything else follows the manual.
//!
//! # Quickstart
//!
//! ```no_run
//! use std::collections::BTreeSet;
//! use wowtalk_api::idlink::{LinkImporter, LinkTable};
//! use wowtalk_api::models::{EmployeeCode, InboundMessage, Reply, WowTalkUserId};
//! use wowtalk_api::{BotAuth, BotClient, Command, WriteOptions};
//!
//! # async fn run(kot_codes: BTreeSet<EmployeeCode>, members: BTreeSet<WowTalkUserId>)
//! # -> Result<(), Box<dyn std::error::Error>> {
//! // ID連携: import a file at a given instant (from your clock, never implicit).
//! let mut table: LinkTable = LinkTable::new(); // or load it from your state directory
//! let file = std::fs::read("link.csv")?;
//! let now = chrono::Utc::now();
//! match LinkImporter::new(&kot_codes, &members).existing(&table).run(&file, &now) {
//!     Ok(report) => {
//!         println!("{}", report.summary()); // インポート完了 3 / インポート失敗 2
//!         std::fs::write("failures.csv", report.write_failure_csv(&WriteOptions::default())?)?;
//!         report.apply_to(&mut table);
//!     }
//!     Err(e) if e.is_time_band() => println!("closed until {:?}", e.reopens_at()),
//!     Err(e) => return Err(e.into()),
//! }
//! // エクスポート.
//! let csv = table.to_csv(&Default::default(), &WriteOptions::default())?;
//!
//! // A chat message to the bot becomes a command; reply as the bot.
//! let message = InboundMessage::from_json(r#"{"sender_id":"yamada","text":"出勤"}"#.as_bytes())?;
//! if let Some(Command::ClockIn) = message.command() {
//!     let bot = BotClient::builder("https://bot-api.example.com", BotAuth::bearer("bot-token"))
//!         .build()?;
//!     bot.send(&Reply::to(&message, "出勤を記録しました")).await?;
//! }
//! # let _ = csv;
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod auth;
mod client;
mod command;
mod csv_text;
mod error;
pub mod idlink;
pub mod models;

pub use auth::{
    BotAuth, NoVerification, SharedSecret, VerifyError, WebhookRequest, WebhookVerifier,
};
pub use client::{
    BOT_ID_PLACEHOLDER, BotClient, BotClientBuilder, BotPaths, DEFAULT_SEND_MESSAGE_PATH,
};
pub use command::{Command, UnknownCommand};
pub use csv_text::{DetectedEncoding, InputEncoding, OutputEncoding, WriteOptions};
pub use error::Error;
pub use kot_connect_http::{ManualClock, SecretString, SystemClock};
