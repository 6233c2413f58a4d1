//! LINE Messaging API push (`POST /v2/bot/message/push`).
//!
//! LINE Notify **ended on 2025-03-31** (every Notify API is gone since
//! 2025-04-01; reference `notify.md` §5.1). This crate has no Notify client:
//! a configuration of `type = "line_notify"` is refused with
//! [`Error::Unsupported`] that points here. The replacement is this
//! channel: a LINE Official Account's channel access token and the ID of
//! the user (`U...`), group (`C...`) or room (`R...`) to push to; the bot
//! must be a friend of the user or a member of the group.
//!
//! - Every push carries `X-Line-Retry-Key` (a UUID v4). The key is made
//!   once per message and reused on every retry of it, so a retry after a
//!   timeout or a 5xx cannot send it twice: LINE answers a repeat with 409,
//!   which this channel reports as delivered.
//! - Because of that key the push is the one post that is retried on
//!   transient failures (5xx, timeouts) as well as on 429.
//! - A 429 for the exhausted monthly message quota is final (retrying
//!   cannot help).
//! - Limit: a text message is at most 5,000 UTF-16 code units
//!   ([`TEXT_LIMIT_UTF16`]) and a push carries 1 to 5 messages
//!   ([`MAX_MESSAGES`]): long text is split over up to 5 messages at line
//!   breaks, the last one truncated with the marker.
//! - LINE cannot carry the CSV file; the text names it.

use std::fmt;

use kot_connect_http::reqwest::header::{HeaderName, HeaderValue};
use kot_connect_http::{
    BearerAuth, Disposition, Request, Response, SecretString, Transport, default_classifier,
};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::channels::{
    AttachmentOutcome, Channel, ChannelOptions, Delivery, SendFuture, option_setters,
};
use crate::error::{ChannelKind, Error};
use crate::message::{Measure, Notification, split};

/// The Messaging API base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.line.me";
/// A text message holds at most 5,000 UTF-16 code units.
pub const TEXT_LIMIT_UTF16: usize = 5_000;
/// A push carries at most 5 messages.
pub const MAX_MESSAGES: usize = 5;
/// The idempotency header.
pub const RETRY_KEY_HEADER: &str = "x-line-retry-key";

/// Pushes text messages to one LINE user, group or room.
#[derive(Clone)]
pub struct LineChannel {
    transport: Transport,
    to: String,
    notification_disabled: bool,
}

impl fmt::Debug for LineChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LineChannel")
            .field("to", &self.to)
            .field("channel_access_token", &"[REDACTED]")
            .field("transport", &self.transport)
            .finish()
    }
}

/// Builds a [`LineChannel`].
pub struct LineChannelBuilder {
    token: SecretString,
    to: String,
    notification_disabled: bool,
    options: ChannelOptions,
}

impl fmt::Debug for LineChannelBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LineChannelBuilder")
            .field("to", &self.to)
            .field("channel_access_token", &"[REDACTED]")
            .field("options", &self.options)
            .finish()
    }
}

impl LineChannel {
    /// A builder for the channel access token and the destination ID.
    pub fn builder(
        channel_access_token: impl Into<SecretString>,
        to: impl Into<String>,
    ) -> LineChannelBuilder {
        LineChannelBuilder {
            token: channel_access_token.into(),
            to: to.into(),
            notification_disabled: false,
            options: ChannelOptions::default(),
        }
    }
}

impl LineChannelBuilder {
    /// Sends without a push notification on the phones.
    pub fn notification_disabled(mut self, disabled: bool) -> Self {
        self.notification_disabled = disabled;
        self
    }

    option_setters!();

    /// Builds the channel.
    ///
    /// # Errors
    /// [`Error::Config`] for an empty destination; [`Error::Http`] for an
    /// invalid base URL.
    pub fn build(self) -> Result<LineChannel, Error> {
        if self.to.trim().is_empty() {
            return Err(Error::config("line: the destination ID (`to`) is empty"));
        }
        let transport = self
            .options
            .transport("line", DEFAULT_BASE_URL)
            .auth(BearerAuth::new(self.token))
            .classifier(classify)
            .build()?;
        Ok(LineChannel {
            transport,
            to: self.to.trim().to_owned(),
            notification_disabled: self.notification_disabled,
        })
    }
}

/// 429 for the monthly quota is final; everything else as the default.
fn classify(response: &Response) -> Disposition {
    if response.status().as_u16() == 429 && is_quota(response) {
        return Disposition::Done;
    }
    default_classifier(response)
}

fn is_quota(response: &Response) -> bool {
    String::from_utf8_lossy(response.body())
        .to_ascii_lowercase()
        .contains("monthly limit")
}

#[derive(Deserialize)]
struct LineError {
    message: String,
    #[serde(default)]
    details: Vec<LineErrorDetail>,
}

#[derive(Deserialize)]
struct LineErrorDetail {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    property: Option<String>,
}

#[derive(Deserialize)]
struct Sent {
    #[serde(default, rename = "sentMessages")]
    sent_messages: Vec<SentMessage>,
}

#[derive(Deserialize)]
struct SentMessage {
    #[serde(default)]
    id: Option<String>,
}

impl LineChannel {
    /// The texts of one push: at most [`MAX_MESSAGES`] of at most
    /// [`TEXT_LIMIT_UTF16`] UTF-16 units each.
    pub fn texts(text: &str) -> Vec<String> {
        split(text, TEXT_LIMIT_UTF16, Measure::Utf16, MAX_MESSAGES)
    }

    /// Pushes `text` (split as [`texts`](Self::texts)) with a fresh retry
    /// key, reused by every retry of this push. Returns the first sent
    /// message's ID (`None` when LINE answered 409: the same push had been
    /// accepted already) and the number of messages.
    ///
    /// # Errors
    /// [`Error::Api`] for LINE's `{"message":...}` envelope,
    /// [`Error::RateLimited`] for 429, [`Error::Http`] otherwise.
    pub async fn push(&self, text: &str) -> Result<(Option<String>, usize), Error> {
        self.push_with_key(text, Uuid::new_v4()).await
    }

    /// [`push`](Self::push) with the caller's retry key: call it again with
    /// the same key to retry a push whose outcome is unknown.
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub async fn push_with_key(
        &self,
        text: &str,
        retry_key: Uuid,
    ) -> Result<(Option<String>, usize), Error> {
        let texts = Self::texts(text);
        let messages: Vec<_> = texts
            .iter()
            .map(|t| json!({"type": "text", "text": t}))
            .collect();
        let body = json!({
            "to": self.to,
            "messages": messages,
            "notificationDisabled": self.notification_disabled,
        });
        let key = HeaderValue::from_str(&retry_key.hyphenated().to_string())
            .map_err(|_| Error::config("line: invalid retry key"))?;
        let request = Request::post("POST /v2/bot/message/push")
            .path(["v2", "bot", "message", "push"])
            .header(HeaderName::from_static(RETRY_KEY_HEADER), key)
            .json(&body)?
            // The retry key makes a repeat harmless: retry 5xx and timeouts too.
            .idempotent(true);
        let response = self.transport.send(request).await?;
        let status = response.status().as_u16();
        if status == 409
            && response
                .headers()
                .contains_key("x-line-accepted-request-id")
        {
            return Ok((None, texts.len()));
        }
        if response.status().is_success() {
            let id = serde_json::from_slice::<Sent>(response.body())
                .ok()
                .and_then(|s| s.sent_messages.into_iter().next())
                .and_then(|m| m.id);
            return Ok((id, texts.len()));
        }
        if status == 429 {
            return Err(Error::RateLimited {
                channel: ChannelKind::Line,
                endpoint: response.endpoint().to_owned(),
                retry_after: response.retry_after(),
                scope: if is_quota(&response) {
                    "monthly message quota".to_owned()
                } else {
                    "2,000 requests/s per channel".to_owned()
                },
            });
        }
        Err(match serde_json::from_slice::<LineError>(response.body()) {
            Ok(e) => Error::Api {
                channel: ChannelKind::Line,
                endpoint: response.endpoint().to_owned(),
                status: response.status(),
                code: e.message,
                message: (!e.details.is_empty()).then(|| {
                    e.details
                        .iter()
                        .map(|d| {
                            format!(
                                "{}: {}",
                                d.property.as_deref().unwrap_or("-"),
                                d.message.as_deref().unwrap_or("-")
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                }),
            },
            Err(_) => response.into_error().into(),
        })
    }

    async fn deliver(&self, notification: &Notification<'_>) -> Result<Delivery, Error> {
        let (id, count) = self.push(&notification.plain_text()).await?;
        let mut delivery = Delivery::new(ChannelKind::Line, id);
        delivery.messages = count;
        if notification.attachment().is_some() {
            delivery.attachment = AttachmentOutcome::NotSupported;
        }
        Ok(delivery)
    }
}

impl Channel for LineChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Line
    }

    fn target(&self) -> String {
        format!("line {}", self.to)
    }

    fn send<'a>(&'a self, notification: &'a Notification<'a>) -> SendFuture<'a> {
        Box::pin(self.deliver(notification))
    }
}
