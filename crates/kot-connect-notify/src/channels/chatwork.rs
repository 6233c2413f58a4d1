//! Chatwork API v2: a room message, and the failure CSV as a room file.
//!
//! - `POST /rooms/{room_id}/messages`, header `x-chatworktoken`, form body
//!   `body` (and `self_unread=0`); 200 `{"message_id":"1234"}` (a string).
//! - `POST /rooms/{room_id}/files`, `multipart/form-data` with `file`
//!   (at most 5 MB, [`FILE_LIMIT_BYTES`]) and `message`; 200 `{"file_id":1234}`.
//! - Errors are `{"errors":["..."]}` with the HTTP status deciding failure.
//! - Rate limits (reference `notify.md` §2): 300 requests per 5 minutes per
//!   token, reported in `x-ratelimit-reset` (Unix seconds), and 10 posts per
//!   10 seconds per room, answered 429 with
//!   `Rate limit for message posting per room exceeded.` On 429 this channel
//!   waits until `x-ratelimit-reset`, or 10 s for the per-room limit.
//! - Limit: a message body is 1 to 65,535 characters ([`TEXT_LIMIT`]);
//!   longer text is truncated with the visible marker.

use std::fmt;
use std::time::Duration;

use kot_connect_http::reqwest::header::HeaderValue;
use kot_connect_http::{Body, HeaderAuth, Request, Response, SecretString, Transport};
use serde::Deserialize;

use crate::channels::{
    AttachmentOutcome, Channel, ChannelOptions, Delivery, RateLimit, SendFuture, option_setters,
    send_waiting_out_rate_limits,
};
use crate::error::{ChannelKind, Error};
use crate::message::{Attachment, Measure, Notification, truncate};

/// Chatwork's API base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.chatwork.com/v2";
/// A message body holds at most 65,535 characters.
pub const TEXT_LIMIT: usize = 65_535;
/// A file is at most 5 MB.
pub const FILE_LIMIT_BYTES: usize = 5 * 1024 * 1024;
/// The error Chatwork answers when a room's posting limit is exceeded.
pub const PER_ROOM_LIMIT_MESSAGE: &str = "Rate limit for message posting per room exceeded.";
/// How long the per-room limit lasts (10 posts per 10 seconds).
pub const PER_ROOM_WINDOW: Duration = Duration::from_secs(10);

/// Posts to one Chatwork room with an API token.
#[derive(Clone)]
pub struct ChatworkChannel {
    transport: Transport,
    room_id: String,
}

impl fmt::Debug for ChatworkChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatworkChannel")
            .field("room_id", &self.room_id)
            .field("token", &"[REDACTED]")
            .field("transport", &self.transport)
            .finish()
    }
}

/// Builds a [`ChatworkChannel`].
pub struct ChatworkChannelBuilder {
    token: SecretString,
    room_id: String,
    options: ChannelOptions,
}

impl fmt::Debug for ChatworkChannelBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatworkChannelBuilder")
            .field("room_id", &self.room_id)
            .field("token", &"[REDACTED]")
            .field("options", &self.options)
            .finish()
    }
}

impl ChatworkChannel {
    /// A builder for the API token (利用者名 > サービス連携 > APIトークン) and
    /// the room ID (the digits after `#!rid` in the room's URL).
    pub fn builder(
        token: impl Into<SecretString>,
        room_id: impl Into<String>,
    ) -> ChatworkChannelBuilder {
        ChatworkChannelBuilder {
            token: token.into(),
            room_id: room_id.into(),
            options: ChannelOptions::default(),
        }
    }
}

impl ChatworkChannelBuilder {
    option_setters!();

    /// Builds the channel.
    ///
    /// # Errors
    /// [`Error::Config`] when the room ID is not all digits (a pasted
    /// `#!rid123` prefix is accepted and removed); [`Error::Http`] for an
    /// invalid base URL.
    pub fn build(self) -> Result<ChatworkChannel, Error> {
        let room = self
            .room_id
            .trim()
            .trim_start_matches("#!rid")
            .trim_start_matches("rid");
        if room.is_empty() || !room.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::config(format!(
                "chatwork: room ID `{}` is not a number",
                self.room_id
            )));
        }
        let transport = self
            .options
            .transport("chatwork", DEFAULT_BASE_URL)
            .auth(HeaderAuth::new("x-chatworktoken", self.token)?)
            .build()?;
        Ok(ChatworkChannel {
            transport,
            room_id: room.to_owned(),
        })
    }
}

#[derive(Deserialize)]
struct Errors {
    errors: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Id {
    Text(String),
    Number(u64),
}

impl Id {
    fn into_string(self) -> String {
        match self {
            Id::Text(s) => s,
            Id::Number(n) => n.to_string(),
        }
    }
}

#[derive(Deserialize)]
struct MessageId {
    message_id: Id,
}

#[derive(Deserialize)]
struct FileId {
    file_id: Id,
}

/// Chatwork's 429: the per-room limit (10 s) or the token's limit (until
/// `x-ratelimit-reset`).
fn chatwork_rate_limit(transport: &Transport) -> impl Fn(&Response) -> Option<RateLimit> + '_ {
    move |response| {
        if response.status().as_u16() != 429 {
            return None;
        }
        let per_room = serde_json::from_slice::<Errors>(response.body())
            .is_ok_and(|e| e.errors.iter().any(|m| m == PER_ROOM_LIMIT_MESSAGE));
        if per_room {
            return Some(RateLimit {
                retry_after: Some(PER_ROOM_WINDOW),
                scope: "per room: 10 posts / 10 s".to_owned(),
            });
        }
        let reset = response
            .headers()
            .get("x-ratelimit-reset")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok());
        let retry_after = match reset {
            Some(at) => {
                let now = transport.clock().now().timestamp();
                Some(Duration::from_secs(u64::try_from(at - now).unwrap_or(0)))
            }
            None => response.retry_after(),
        };
        Some(RateLimit {
            retry_after,
            scope: "per token: 300 requests / 5 min".to_owned(),
        })
    }
}

impl ChatworkChannel {
    fn api_error(response: &Response) -> Error {
        match serde_json::from_slice::<Errors>(response.body()) {
            Ok(e) if !e.errors.is_empty() => Error::Api {
                channel: ChannelKind::Chatwork,
                endpoint: response.endpoint().to_owned(),
                status: response.status(),
                code: e.errors.join("; "),
                message: None,
            },
            _ => response.clone().into_error().into(),
        }
    }

    async fn call(&self, request: Request) -> Result<Response, Error> {
        let response = send_waiting_out_rate_limits(
            &self.transport,
            ChannelKind::Chatwork,
            request,
            chatwork_rate_limit(&self.transport),
        )
        .await?;
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(Self::api_error(&response))
        }
    }

    /// Posts `text` (truncated to [`TEXT_LIMIT`]) and returns the message ID.
    ///
    /// # Errors
    /// [`Error::Api`] for Chatwork's `{"errors":[...]}`, [`Error::RateLimited`]
    /// when the limit outlasts the retry policy, [`Error::Http`] otherwise.
    pub async fn post_text(&self, text: &str) -> Result<String, Error> {
        let text = truncate(text, TEXT_LIMIT, Measure::Chars);
        let request = Request::post("POST /rooms/{room_id}/messages")
            .path(["rooms", self.room_id.as_str(), "messages"])
            .form([("body", text.as_ref()), ("self_unread", "0")]);
        let response = self.call(request).await?;
        Ok(response.json::<MessageId>()?.message_id.into_string())
    }

    /// Uploads `file` to the room with `message`; returns the file ID.
    ///
    /// # Errors
    /// [`Error::Config`] for a file over 5 MB (nothing is sent); otherwise
    /// as [`post_text`](Self::post_text).
    pub async fn upload(&self, file: &Attachment, message: &str) -> Result<String, Error> {
        if file.bytes.len() > FILE_LIMIT_BYTES {
            return Err(Error::config(format!(
                "chatwork: {} is {} bytes; Chatwork accepts at most {FILE_LIMIT_BYTES}",
                file.file_name,
                file.bytes.len()
            )));
        }
        let boundary = format!("kot-connect-{}", uuid::Uuid::new_v4().simple());
        let body = multipart(&boundary, message, file);
        let content_type =
            HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
                .map_err(|_| Error::config("chatwork: invalid multipart boundary"))?;
        let request = Request::post("POST /rooms/{room_id}/files")
            .path(["rooms", self.room_id.as_str(), "files"])
            .body(Body::Raw {
                content_type,
                bytes: body.into(),
            });
        let response = self.call(request).await?;
        Ok(response.json::<FileId>()?.file_id.into_string())
    }

    async fn deliver(&self, notification: &Notification<'_>) -> Result<Delivery, Error> {
        let text = chatwork_text(notification);
        let id = self.post_text(&text).await?;
        let mut delivery = Delivery::new(ChannelKind::Chatwork, Some(id));
        if let Some(file) = notification.attachment() {
            delivery.attachment = match self.upload(file, "失敗CSV (failure CSV)").await {
                Ok(file_id) => AttachmentOutcome::Sent { file_id },
                Err(e) => AttachmentOutcome::Failed(Box::new(e)),
            };
        }
        Ok(delivery)
    }
}

/// Chatwork's rich format: the plain text in an `[info][title]...[/title]` box.
pub fn chatwork_text(notification: &Notification<'_>) -> String {
    let report = notification.report;
    let plain = notification.plain_text();
    // The title is the first line of the plain text; the box holds the rest.
    let rest = plain.split_once('\n').map_or("", |(_, r)| r);
    format!(
        "[info][title]{}[/title]{}[/info]",
        strip_tags(&report.title()),
        strip_tags(rest)
    )
}

/// Neutralises Chatwork notation in data (a `[` in an employee code must not
/// open a tag): replaces `[` with the full-width `［`.
fn strip_tags(text: &str) -> String {
    text.replace('[', "［").replace(']', "］")
}

/// A `multipart/form-data` body with `message` and `file` (RFC 7578).
fn multipart(boundary: &str, message: &str, file: &Attachment) -> Vec<u8> {
    let quote = |s: &str| s.replace(['"', '\r', '\n'], "_");
    let mut body = Vec::with_capacity(file.bytes.len() + 512);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n{message}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\n\
             Content-Type: {}\r\n\r\n",
            quote(&file.file_name),
            quote(&file.content_type)
        )
        .as_bytes(),
    );
    body.extend_from_slice(&file.bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

impl Channel for ChatworkChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Chatwork
    }

    fn target(&self) -> String {
        format!("chatwork room {}", self.room_id)
    }

    fn send<'a>(&'a self, notification: &'a Notification<'a>) -> SendFuture<'a> {
        Box::pin(self.deliver(notification))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_body_shape() {
        let file = Attachment::csv("fail\"ures.csv", "a,b\r\n1,2\r\n");
        let body = String::from_utf8(multipart("XYZ", "hello", &file)).unwrap();
        assert_eq!(
            body,
            "--XYZ\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nhello\r\n\
             --XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fail_ures.csv\"\r\n\
             Content-Type: text/csv\r\n\r\na,b\r\n1,2\r\n\r\n--XYZ--\r\n"
        );
    }

    #[test]
    fn tags_in_data_are_neutralised() {
        assert_eq!(strip_tags("[To:1] x"), "［To:1］ x");
    }
}
