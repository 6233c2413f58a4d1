//! Google Chat incoming webhook: `text` or `cardsV2`, optionally in a thread.
//!
//! - The webhook URL (`https://chat.googleapis.com/v1/spaces/{SPACE}/messages?key=...&token=...`)
//!   is the credential: kept in a [`SecretString`], never printed.
//! - Threads: the body carries `"thread": {"threadKey": ...}` and the query
//!   adds `messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD`; without
//!   that option Chat ignores the key and starts a new thread (reference
//!   `notify.md` §4). The key template may use `{connector}` and `{date}`
//!   (the run's start date), e.g. `kot-sync-{date}` for one thread a day.
//! - 200 answers the created message (`name`, `thread.name`); errors use
//!   Google's `{"error":{"code","message","status"}}`.
//! - Rate limit: 60 writes per minute per space, shared; 429 has no
//!   documented `Retry-After`, so the wait is the policy's jittered backoff.
//! - Limit: a message is at most 32,000 bytes including cards
//!   ([`MESSAGE_LIMIT_BYTES`]); text is truncated with the marker, card
//!   rows dropped from the end with a row saying how many were left out.
//! - Webhooks cannot carry files: the message names the failure CSV.

use std::fmt;
use std::sync::Arc;

use kot_connect_http::{SecretString, Transport};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::channels::{
    AttachmentOutcome, Channel, ChannelOptions, Delivery, SendFuture, WebhookUrl, option_setters,
    retry_after_429, send_waiting_out_rate_limits,
};
use crate::error::{ChannelKind, Error};
use crate::message::{Measure, Notification, TRUNCATION_MARKER, truncate};

/// A message (text and cards) is at most 32,000 bytes.
pub const MESSAGE_LIMIT_BYTES: usize = 32_000;
/// The reply option sent with a thread key.
pub const REPLY_OPTION: &str = "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD";

/// How the message is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoogleChatFormat {
    /// A `cardsV2` card with the title as `text`.
    #[default]
    Card,
    /// Plain `text` only.
    Text,
}

/// Posts to a Google Chat space through its incoming webhook.
#[derive(Clone)]
pub struct GoogleChatChannel {
    transport: Transport,
    url: Arc<WebhookUrl>,
    thread_key: Option<String>,
    format: GoogleChatFormat,
}

impl fmt::Debug for GoogleChatChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GoogleChatChannel")
            .field("webhook_url", &"[REDACTED]")
            .field("thread_key", &self.thread_key)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

/// Builds a [`GoogleChatChannel`].
pub struct GoogleChatChannelBuilder {
    webhook_url: SecretString,
    thread_key: Option<String>,
    format: GoogleChatFormat,
    options: ChannelOptions,
}

impl fmt::Debug for GoogleChatChannelBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GoogleChatChannelBuilder")
            .field("webhook_url", &"[REDACTED]")
            .field("thread_key", &self.thread_key)
            .field("options", &self.options)
            .finish()
    }
}

impl GoogleChatChannel {
    /// A builder for the webhook URL (space name ▼ > アプリと統合 >
    /// Webhookを管理).
    pub fn builder(webhook_url: impl Into<SecretString>) -> GoogleChatChannelBuilder {
        GoogleChatChannelBuilder {
            webhook_url: webhook_url.into(),
            thread_key: None,
            format: GoogleChatFormat::default(),
            options: ChannelOptions::default(),
        }
    }
}

impl GoogleChatChannelBuilder {
    /// Replies in the thread named by `template` (`{connector}` and `{date}`
    /// are replaced), creating it when it does not exist yet.
    pub fn thread_key(mut self, template: impl Into<String>) -> Self {
        self.thread_key = Some(template.into());
        self
    }

    /// Sets the rendering (default [`GoogleChatFormat::Card`]).
    pub fn format(mut self, format: GoogleChatFormat) -> Self {
        self.format = format;
        self
    }

    option_setters!();

    /// Builds the channel. The base-URL override replaces the webhook's
    /// scheme, host and port.
    ///
    /// # Errors
    /// [`Error::Config`] for an URL that cannot be parsed (never echoed);
    /// [`Error::Http`] for a non-https URL outside loopback.
    pub fn build(self) -> Result<GoogleChatChannel, Error> {
        let (_, webhook) = WebhookUrl::parse(&self.webhook_url, "Google Chat webhook URL")?;
        let transport = self
            .options
            .transport("google_chat", &webhook.origin)
            .build()?;
        Ok(GoogleChatChannel {
            transport,
            url: Arc::new(webhook),
            thread_key: self.thread_key.filter(|k| !k.trim().is_empty()),
            format: self.format,
        })
    }
}

/// The `cardsV2` value for a notification, showing at most `max_failures`
/// failure rows.
pub fn cards_v2(notification: &Notification<'_>, max_failures: usize) -> Value {
    let report = notification.report;
    let mut sections = vec![
        json!({"widgets": report.count_facts().iter().map(|(k, v)| json!({
        "decoratedText": {"topLabel": k, "text": v.to_string()}})).collect::<Vec<_>>()}),
    ];
    let failures = notification.failures();
    if !failures.is_empty() {
        let mut widgets: Vec<Value> = failures
            .iter()
            .take(max_failures)
            .map(|f| {
                json!({"decoratedText": {"topLabel": f.employee_code,
                "text": format!("{}: {}", f.punch.label(), f.reason.label()), "wrapText": true}})
            })
            .collect();
        if failures.len() > max_failures {
            let more = failures.len() - max_failures;
            widgets.push(json!({"textParagraph": {"text": format!(
                "{} ({more} more / 他 {more} 件)", TRUNCATION_MARKER.trim())}}));
        }
        sections.push(json!({"header": "失敗一覧 (failures)", "widgets": widgets}));
    }
    if let Some(csv) = notification.attachment() {
        sections.push(json!({"widgets": [{"textParagraph": {"text":
            format!("失敗CSV (failure CSV): {}", csv.file_name)}}]}));
    }
    json!([{
        "cardId": "kot-connect-sync",
        "card": {
            "header": {"title": report.title(), "subtitle": report.period()},
            "sections": sections,
        }
    }])
}

#[derive(Deserialize)]
struct GoogleError {
    error: GoogleErrorBody,
}

#[derive(Deserialize)]
struct GoogleErrorBody {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize)]
struct Created {
    #[serde(default)]
    name: Option<String>,
}

impl GoogleChatChannel {
    /// The thread key for `notification`, if one is configured.
    pub fn thread_key_for(&self, notification: &Notification<'_>) -> Option<String> {
        let report = notification.report;
        self.thread_key.as_ref().map(|t| {
            t.replace("{connector}", &report.connector)
                .replace("{date}", &report.started_at.format("%Y-%m-%d").to_string())
        })
    }

    /// The message body, within [`MESSAGE_LIMIT_BYTES`].
    pub fn body(&self, notification: &Notification<'_>) -> Value {
        let mut body = match self.format {
            GoogleChatFormat::Text => {
                json!({"text": truncate(&notification.plain_text(), MESSAGE_LIMIT_BYTES - 512, Measure::Bytes)})
            }
            GoogleChatFormat::Card => {
                let mut shown = notification.failures().len();
                loop {
                    let body = json!({"text": notification.report.title(),
                                      "cardsV2": cards_v2(notification, shown)});
                    let size = serde_json::to_vec(&body).map_or(0, |v| v.len());
                    if size <= MESSAGE_LIMIT_BYTES - 512 || shown == 0 {
                        break body;
                    }
                    let excess = size - (MESSAGE_LIMIT_BYTES - 512);
                    let per_row = (size / (shown + 4)).max(1);
                    shown = shown.saturating_sub((excess / per_row).max(1));
                }
            }
        };
        if let Some(key) = self.thread_key_for(notification) {
            body["thread"] = json!({"threadKey": key});
        }
        body
    }

    async fn deliver(&self, notification: &Notification<'_>) -> Result<Delivery, Error> {
        let mut request = self
            .url
            .request("POST {google chat webhook}")
            .json(&self.body(notification))?;
        if self.thread_key.is_some() {
            request = request.query("messageReplyOption", REPLY_OPTION);
        }
        let response = send_waiting_out_rate_limits(
            &self.transport,
            ChannelKind::GoogleChat,
            request,
            retry_after_429("Google Chat: 60 writes/min per space"),
        )
        .await?;
        if !response.status().is_success() {
            return Err(
                match serde_json::from_slice::<GoogleError>(response.body()) {
                    Ok(GoogleError { error }) => Error::Api {
                        channel: ChannelKind::GoogleChat,
                        endpoint: response.endpoint().to_owned(),
                        status: response.status(),
                        code: error
                            .status
                            .or_else(|| error.code.map(|c| c.to_string()))
                            .unwrap_or_else(|| "UNKNOWN".to_owned()),
                        message: error.message,
                    },
                    Err(_) => response.into_error().into(),
                },
            );
        }
        let name = serde_json::from_slice::<Created>(response.body())
            .ok()
            .and_then(|c| c.name);
        let mut delivery = Delivery::new(ChannelKind::GoogleChat, name);
        if notification.attachment().is_some() {
            delivery.attachment = AttachmentOutcome::NotSupported;
        }
        Ok(delivery)
    }
}

impl Channel for GoogleChatChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::GoogleChat
    }

    fn target(&self) -> String {
        "google chat webhook".to_owned()
    }

    fn send<'a>(&'a self, notification: &'a Notification<'a>) -> SendFuture<'a> {
        Box::pin(self.deliver(notification))
    }
}
