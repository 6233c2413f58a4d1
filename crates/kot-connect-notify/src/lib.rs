//! Notification rules for kot-connect sync results: Slack, Chatwork,
//! Microsoft Teams (Workflows), Google Chat, LINE (Messaging API), LINE
//! WORKS and e-mail.
//!
//! Administrators in Japan expect named notification rules (通知ルール) that
//! send events to their chat tools. Here the events are sync results: a
//! run's summary, its failures (unmatched employee, 既に打刻済みです,
//! refused in a time band) and the failure CSV.
//!
//! - [`SyncReport`] is the event: connector, start and end, SUCCESS or
//!   FAILURE, counts, failed punches and the optional failure CSV.
//! - A [`Rule`] has a name, an [`EventFilter`] (every run, failures only,
//!   summary) and one or more [`Channel`]s.
//! - [`Notifier::notify`] sends a report to every matching rule's channels
//!   concurrently and returns a [`NotifyReport`] with one outcome per
//!   channel: one failing channel never stops the others.
//! - [`NotifyConfig`] deserializes rules from TOML; secrets are named by
//!   environment variable (`token_env = "SLACK_BOT_TOKEN"`) and a missing
//!   one is [`Error::MissingEnv`], which names the variable, never a value.
//! - Every token, password, private key and webhook URL (webhook URLs embed
//!   their key) is a [`SecretString`]: never in `Debug`, errors or reports.
//! - Each channel enforces its length limit by splitting or by truncating
//!   with a visible marker ([`message::TRUNCATION_MARKER`]); each limit is
//!   documented on its channel module with its source.
//!
//! Retired services are refused with [`Error::Unsupported`] naming the
//! replacement: **LINE Notify** (ended 2025-03-31; use [`LineChannel`],
//! the Messaging API) and **Office 365 connector** webhooks in Teams
//! (retired May 2026; use a Workflows webhook with [`TeamsChannel`]).
//!
//! # Quickstart: rules from TOML
//!
//! ```no_run
//! use chrono::{FixedOffset, TimeZone};
//! use kot_connect_notify::{
//!     Attachment, FailureReason, NotifyConfig, PunchFailure, PunchKind, RunCounts, RunStatus,
//!     SyncReport,
//! };
//!
//! # async fn run(toml_text: &str) -> Result<(), Box<dyn std::error::Error>> {
//! // [[rules]] name = "失敗通知", events = "failures_only",
//! // [[rules.channels]] type = "slack", token_env = "SLACK_BOT_TOKEN", channel = "C0123456789"
//! let config: NotifyConfig = toml::from_str(toml_text)?;
//! let notifier = config.resolve_from_env()?; // fails naming a missing variable
//!
//! let jst = FixedOffset::east_opt(9 * 3600).unwrap();
//! let report = SyncReport::new(
//!     "cyzen",
//!     jst.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap(),
//!     jst.with_ymd_and_hms(2026, 11, 21, 9, 2, 0).unwrap(),
//!     RunStatus::Failure,
//! )
//! .counts(RunCounts { total: 42, posted: 40, skipped: 1, unmatched: 0, failed: 1 })
//! .failure(PunchFailure::new("2022", PunchKind::ClockIn, FailureReason::AlreadyPunched))
//! .failure_csv(Attachment::csv("failures-2026-11-21.csv", "employee,reason\n2022,既に打刻済みです\n"));
//!
//! let outcome = notifier.notify(&report).await;
//! for failed in outcome.failures() {
//!     eprintln!("{} via {}: {:?}", failed.rule, failed.target, failed.result.as_ref().err());
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Quickstart per channel
//!
//! Every HTTP channel's builder has `base_url` (the testing and sandbox
//! hook; plain `http` only on loopback), `http_client`, `retry_policy` and
//! `clock`.
//!
//! ```no_run
//! use kot_connect_notify::channels::email::SmtpSecurity;
//! use kot_connect_notify::channels::line_works::ServiceAccount;
//! use kot_connect_notify::{
//!     ChatworkChannel, EmailChannel, EventFilter, GoogleChatChannel, LineChannel,
//!     LineWorksChannel, Notifier, Rule, SecretString, SlackChannel, TeamsChannel,
//! };
//!
//! # fn build() -> Result<Notifier, kot_connect_notify::Error> {
//! let env = |name: &str| SecretString::from(std::env::var(name).unwrap_or_default());
//!
//! // Slack: Bot User OAuth Token (chat:write, files:write) and channel ID.
//! let slack = SlackChannel::builder(env("SLACK_BOT_TOKEN"), "C0123456789").build()?;
//! // Chatwork: API token and room ID (the digits after #!rid).
//! let chatwork = ChatworkChannel::builder(env("CHATWORK_TOKEN"), "123456789").build()?;
//! // Teams: a Workflows webhook URL (202 = the flow was triggered).
//! let teams = TeamsChannel::builder(env("TEAMS_WEBHOOK_URL")).build()?;
//! // Google Chat: the space's webhook URL; one thread per day.
//! let chat = GoogleChatChannel::builder(env("GOOGLE_CHAT_WEBHOOK_URL"))
//!     .thread_key("kot-sync-{date}")
//!     .build()?;
//! // LINE: Messaging API channel access token and a user/group ID.
//! let line = LineChannel::builder(env("LINE_CHANNEL_ACCESS_TOKEN"), "Cxxxxxxxxxxxxxxxx").build()?;
//! // LINE WORKS: service account (JWT RS256), Bot ID, Channel ID.
//! let works = LineWorksChannel::builder(
//!     ServiceAccount {
//!         client_id: "CLIENT_ID".into(),
//!         client_secret: env("LINE_WORKS_CLIENT_SECRET"),
//!         service_account: "abcd.serviceaccount@example.com".into(),
//!         private_key_pem: env("LINE_WORKS_PRIVATE_KEY"),
//!     },
//!     "2000001",
//!     "channel-id",
//! )
//! .build()?;
//! // E-mail: SMTP submission with STARTTLS on 587.
//! let mail = EmailChannel::builder("smtp.example.jp", "kot-connect <noreply@example.jp>", ["admin@example.jp"])
//!     .security(SmtpSecurity::StartTls)
//!     .credentials("noreply@example.jp", env("SMTP_PASSWORD"))
//!     .build()?;
//!
//! Ok(Notifier::default()
//!     .rule(Rule::new("daily summary", EventFilter::Summary).channel(slack).channel(teams).channel(mail))
//!     .rule(Rule::new("failures", EventFilter::FailuresOnly).channel(chatwork).channel(chat)
//!         .channel(line).channel(works)))
//! # }
//! ```
//!
//! # TLS and crypto
//!
//! One TLS and crypto stack: rustls with aws-lc-rs. The workspace's
//! reqwest 0.13 uses `default-tls`, which in reqwest 0.13 **is rustls with
//! aws-lc-rs** and the platform certificate verifier (not native-tls).
//! SMTP matches it (lettre's `tokio1-rustls`, `aws-lc-rs`,
//! `rustls-platform-verifier`), and the LINE WORKS JWT is signed by
//! jsonwebtoken's `aws_lc_rs` backend. Neither OpenSSL nor a second crypto
//! library is in this crate's dependency tree.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod channels;
mod error;
pub mod message;
mod rules;

pub use channels::chatwork::ChatworkChannel;
pub use channels::email::EmailChannel;
pub use channels::google_chat::GoogleChatChannel;
pub use channels::line::LineChannel;
pub use channels::line_works::LineWorksChannel;
pub use channels::slack::SlackChannel;
pub use channels::teams::TeamsChannel;
pub use channels::{AttachmentOutcome, Channel, ChannelOptions, Delivery, SendFuture};
pub use error::{ChannelKind, Error};
pub use kot_connect_http::{ManualClock, RetryPolicy, SecretString, SystemClock};
pub use message::{
    Attachment, Detail, FailureReason, Notification, PunchFailure, PunchKind, RunCounts, RunStatus,
    SyncReport,
};
pub use rules::{
    ChannelConfig, ChannelOutcome, Endpoints, EventFilter, Notifier, NotifyConfig, NotifyReport,
    ResolveOptions, Rule, RuleConfig,
};
