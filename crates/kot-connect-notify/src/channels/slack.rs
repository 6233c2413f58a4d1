//! Slack: `chat.postMessage` with a bot token, and the external upload flow
//! (`files.getUploadURLExternal`, upload, `files.completeUploadExternal`)
//! for the failure CSV, posted as a reply in the message's thread.
//!
//! - Success is HTTP 200 **and** `"ok": true`; `{"ok":false,"error":...}`
//!   under HTTP 200 is an [`Error::Api`] with Slack's error code.
//! - 429 carries `Retry-After` (seconds); the message was not posted, so
//!   it is sent again after the wait, within the retry policy.
//! - Limits (reference `notify.md` §1.1): `text` is truncated by Slack at
//!   40,000 characters ([`TEXT_LIMIT`]); a section block's text must be
//!   under 3,001 characters ([`SECTION_TEXT_LIMIT`]). Longer failure lists
//!   are split over several sections, at most [`MAX_FAILURE_SECTIONS`]
//!   (a choice of this crate), the last one ending with the truncation
//!   marker.
//! - `files.upload` was retired on 2025-11-12 (§1.2); only the external
//!   upload flow is implemented. Scopes: `chat:write`, `files:write`.

use std::fmt;

use kot_connect_http::reqwest::header::HeaderValue;
use kot_connect_http::{BearerAuth, Body, Request, Response, SecretString, Transport};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::channels::{
    AttachmentOutcome, Channel, ChannelOptions, Delivery, SendFuture, option_setters,
    retry_after_429, send_waiting_out_rate_limits,
};
use crate::error::{ChannelKind, Error};
use crate::message::{Attachment, Measure, Notification, split, truncate};

/// Slack's Web API base URL.
pub const DEFAULT_BASE_URL: &str = "https://slack.com/api";
/// `text` is truncated by Slack beyond this many characters.
pub const TEXT_LIMIT: usize = 40_000;
/// A section block's text must have fewer than 3,001 characters.
pub const SECTION_TEXT_LIMIT: usize = 3_000;
/// At most this many sections of failure lines per message.
pub const MAX_FAILURE_SECTIONS: usize = 10;

/// How the message is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlackFormat {
    /// Block Kit sections, with the plain text as the notification fallback.
    #[default]
    Blocks,
    /// Plain `text` only.
    Text,
}

/// Posts to one Slack channel with a bot token (`xoxb-...`).
#[derive(Clone)]
pub struct SlackChannel {
    transport: Transport,
    channel_id: String,
    format: SlackFormat,
    options: ChannelOptions,
}

impl fmt::Debug for SlackChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlackChannel")
            .field("channel_id", &self.channel_id)
            .field("format", &self.format)
            .field("token", &"[REDACTED]")
            .field("transport", &self.transport)
            .finish()
    }
}

/// Builds a [`SlackChannel`].
pub struct SlackChannelBuilder {
    token: SecretString,
    channel_id: String,
    format: SlackFormat,
    options: ChannelOptions,
}

impl fmt::Debug for SlackChannelBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlackChannelBuilder")
            .field("channel_id", &self.channel_id)
            .field("token", &"[REDACTED]")
            .field("options", &self.options)
            .finish()
    }
}

impl SlackChannel {
    /// A builder for the bot token (Bot User OAuth Token, not the user
    /// token) and the channel ID (`C0123456789`).
    pub fn builder(
        token: impl Into<SecretString>,
        channel_id: impl Into<String>,
    ) -> SlackChannelBuilder {
        SlackChannelBuilder {
            token: token.into(),
            channel_id: channel_id.into(),
            format: SlackFormat::default(),
            options: ChannelOptions::default(),
        }
    }
}

impl SlackChannelBuilder {
    /// Sets the rendering (default [`SlackFormat::Blocks`]).
    pub fn format(mut self, format: SlackFormat) -> Self {
        self.format = format;
        self
    }

    option_setters!();

    /// Builds the channel.
    ///
    /// # Errors
    /// [`Error::Config`] for an empty channel ID; [`Error::Http`] with a
    /// configuration error for an invalid base URL.
    pub fn build(self) -> Result<SlackChannel, Error> {
        if self.channel_id.trim().is_empty() {
            return Err(Error::config("slack: the channel ID is empty"));
        }
        let transport = self
            .options
            .transport("slack", DEFAULT_BASE_URL)
            .auth(BearerAuth::new(self.token))
            .build()?;
        Ok(SlackChannel {
            transport,
            channel_id: self.channel_id.trim().to_owned(),
            format: self.format,
            options: self.options,
        })
    }
}

#[derive(Deserialize)]
struct Envelope {
    ok: bool,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    ts: Option<String>,
    #[serde(default)]
    upload_url: Option<String>,
    #[serde(default)]
    file_id: Option<String>,
}

/// Escapes the three characters Slack's text formats reserve.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The Block Kit blocks for a notification.
pub fn blocks(notification: &Notification<'_>) -> Value {
    let report = notification.report;
    let mut blocks = vec![
        json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(
            &format!("*{}*\n{}", escape(&report.title()), escape(&report.period())),
            SECTION_TEXT_LIMIT, Measure::Chars)}}),
        json!({"type": "section", "fields": report.count_facts().iter().map(|(k, v)| json!({
            "type": "mrkdwn", "text": format!("*{}*\n{}", escape(k), v)})).collect::<Vec<_>>()}),
    ];
    let failures = notification.failures();
    if !failures.is_empty() {
        let lines = failures
            .iter()
            .map(|f| format!("• {}", escape(&f.line())))
            .collect::<Vec<_>>()
            .join("\n");
        let text = format!("*失敗一覧 (failures)*\n{lines}");
        for part in split(
            &text,
            SECTION_TEXT_LIMIT,
            Measure::Chars,
            MAX_FAILURE_SECTIONS,
        ) {
            blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": part}}));
        }
    }
    if let Some(csv) = notification.attachment() {
        blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn",
            "text": format!("失敗CSV (failure CSV): {}", escape(&csv.file_name))}]}));
    }
    Value::Array(blocks)
}

impl SlackChannel {
    /// The `chat.postMessage` body.
    fn body(&self, notification: &Notification<'_>) -> Value {
        let text = escape(&notification.plain_text());
        let text = truncate(&text, TEXT_LIMIT, Measure::Chars);
        let mut body = json!({"channel": self.channel_id, "text": text});
        if self.format == SlackFormat::Blocks {
            body["blocks"] = blocks(notification);
        }
        body
    }

    /// Reads Slack's envelope: `ok:false` is an error whatever the status.
    fn envelope(&self, response: &Response) -> Result<Envelope, Error> {
        let parsed: Option<Envelope> = serde_json::from_slice(response.body()).ok();
        match parsed {
            Some(e) if e.ok && response.status().is_success() => Ok(e),
            Some(e) if !e.ok => Err(Error::Api {
                channel: ChannelKind::Slack,
                endpoint: response.endpoint().to_owned(),
                status: response.status(),
                code: e.error.unwrap_or_else(|| "unknown_error".to_owned()),
                message: None,
            }),
            Some(_) => Err(response.clone().into_error().into()),
            None if !response.status().is_success() => Err(response.clone().into_error().into()),
            None => Err(response
                .json::<Envelope>()
                .err()
                .map_or_else(|| Error::config("slack: unreadable answer"), Error::from)),
        }
    }

    async fn call(&self, request: Request) -> Result<Envelope, Error> {
        let response = send_waiting_out_rate_limits(
            &self.transport,
            ChannelKind::Slack,
            request,
            retry_after_429("Slack special tier: about 1 message/s per channel"),
        )
        .await?;
        self.envelope(&response)
    }

    async fn post(&self, notification: &Notification<'_>) -> Result<Delivery, Error> {
        let request = Request::post("POST /chat.postMessage")
            .path(["chat.postMessage"])
            .json(&self.body(notification))?;
        let envelope = self.call(request).await?;
        let ts = envelope.ts;
        let mut delivery = Delivery::new(ChannelKind::Slack, ts.clone());
        if let Some(file) = notification.attachment() {
            delivery.attachment = match self.upload(file, ts.as_deref()).await {
                Ok(file_id) => AttachmentOutcome::Sent { file_id },
                Err(e) => AttachmentOutcome::Failed(Box::new(e)),
            };
        }
        Ok(delivery)
    }

    /// Uploads `file` with the external upload flow and shares it in the
    /// channel (in the thread of `thread_ts` when given). Returns the file ID.
    ///
    /// # Errors
    /// [`Error::Api`] when a step answers `ok:false`; [`Error::Http`] when
    /// the upload URL refuses the bytes or cannot be reached.
    pub async fn upload(
        &self,
        file: &Attachment,
        thread_ts: Option<&str>,
    ) -> Result<String, Error> {
        let length = file.bytes.len().to_string();
        let request = Request::post("POST /files.getUploadURLExternal")
            .path(["files.getUploadURLExternal"])
            .form([
                ("filename", file.file_name.as_str()),
                ("length", length.as_str()),
            ])
            .sensitive_response();
        let envelope = self.call(request).await?;
        let (Some(upload_url), Some(file_id)) = (envelope.upload_url, envelope.file_id) else {
            return Err(Error::config(
                "slack: files.getUploadURLExternal answered without upload_url or file_id",
            ));
        };
        self.put_bytes(&upload_url, file).await?;
        let mut complete = json!({
            "files": [{"id": file_id, "title": file.file_name}],
            "channel_id": self.channel_id,
        });
        if let Some(ts) = thread_ts {
            complete["thread_ts"] = json!(ts);
        }
        let request = Request::post("POST /files.completeUploadExternal")
            .path(["files.completeUploadExternal"])
            .json(&complete)?;
        self.call(request).await?;
        Ok(file_id)
    }

    /// Step 2: POST the raw bytes to the upload URL Slack handed out. The
    /// URL is pre-signed (no token is sent) and is never printed.
    async fn put_bytes(&self, upload_url: &str, file: &Attachment) -> Result<(), Error> {
        let secret = SecretString::from(upload_url.to_owned());
        let (_, url) = crate::channels::WebhookUrl::parse(&secret, "Slack upload URL")?;
        let transport = self
            .options
            .transport_at("slack-upload", &url.origin)
            .build()?;
        let content_type = HeaderValue::from_str(&file.content_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
        let request = url.request("POST {upload_url}").body(Body::Raw {
            content_type,
            bytes: file.bytes.clone(),
        });
        let response = transport.send(request).await?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(response.into_error().into())
        }
    }
}

impl Channel for SlackChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Slack
    }

    fn target(&self) -> String {
        format!("slack channel {}", self.channel_id)
    }

    fn send<'a>(&'a self, notification: &'a Notification<'a>) -> SendFuture<'a> {
        Box::pin(self.post(notification))
    }
}
