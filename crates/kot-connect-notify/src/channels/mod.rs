//! One module per channel, and what they share: the [`Channel`] trait, the
//! [`Delivery`] they report, their common HTTP settings and the loop that
//! waits out a rate limit.
//!
//! Every HTTP channel sends through its own `kot_connect_http::Transport`
//! whose base URL can be overridden ([`ChannelOptions::base_url`]), so a
//! sandbox or a test can point every channel at loopback.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use kot_connect_http::retry::Attempt;
use kot_connect_http::{
    Clock, FailureClass, Request, Response, RetryDecision, RetryPolicy, SecretString, SystemClock,
    Transport, TransportBuilder, reqwest,
};
use secrecy::ExposeSecret;
use url::Url;

use crate::error::{ChannelKind, Error};
use crate::message::Notification;

pub mod chatwork;
pub mod email;
pub mod google_chat;
pub mod line;
pub mod line_works;
pub mod slack;
pub mod teams;

/// The future a [`Channel`] returns.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<Delivery, Error>> + Send + 'a>>;

/// Something that can deliver a [`Notification`].
///
/// Implemented by every channel of this crate; implement it for a channel
/// of your own and add it to a [`Rule`](crate::Rule).
pub trait Channel: Send + Sync + fmt::Debug {
    /// The kind of channel.
    fn kind(&self) -> ChannelKind;

    /// A description for reports that holds no secret, e.g.
    /// `slack channel C0123456789`.
    fn target(&self) -> String;

    /// Sends the notification.
    ///
    /// Implementations return `Err` when the message was not delivered (or
    /// its fate is unknown) and `Ok` with [`Delivery::attachment`] telling
    /// what happened to the failure CSV.
    fn send<'a>(&'a self, notification: &'a Notification<'a>) -> SendFuture<'a>;
}

/// What happened to the attachment (the failure CSV) of a delivered message.
#[derive(Debug)]
#[non_exhaustive]
pub enum AttachmentOutcome {
    /// There was nothing to attach (or the rule sends summaries only).
    None,
    /// The file was uploaded; the service's file ID.
    Sent {
        /// The service's identifier of the file.
        file_id: String,
    },
    /// The channel cannot carry files (webhooks, LINE); the message names
    /// the file instead.
    NotSupported,
    /// The message went out but the file did not.
    Failed(Box<Error>),
}

/// A delivered message.
#[derive(Debug)]
#[non_exhaustive]
pub struct Delivery {
    /// The channel kind.
    pub channel: ChannelKind,
    /// The service's identifier of the (first) message, when it gives one:
    /// Slack `ts`, Chatwork `message_id`, Google Chat `name`, LINE
    /// `sentMessages[0].id`.
    pub message_id: Option<String>,
    /// How many messages were sent (a long text may be split).
    pub messages: usize,
    /// What happened to the attachment.
    pub attachment: AttachmentOutcome,
    /// True when the service only acknowledged receipt (Teams Workflows'
    /// 202: the flow was triggered; whether it posted is not reported).
    pub accepted_only: bool,
}

impl Delivery {
    /// One delivered message, no attachment: what a custom [`Channel`]
    /// returns (adjust the public fields as needed).
    pub fn new(channel: ChannelKind, message_id: Option<String>) -> Self {
        Self {
            channel,
            message_id,
            messages: 1,
            attachment: AttachmentOutcome::None,
            accepted_only: false,
        }
    }

    /// True when the message and its attachment (if any) went out.
    pub fn is_complete(&self) -> bool {
        !matches!(self.attachment, AttachmentOutcome::Failed(_))
    }
}

/// Settings every HTTP channel accepts: base-URL override, the caller's
/// reqwest client, the retry policy and the clock.
#[derive(Clone)]
#[non_exhaustive]
pub struct ChannelOptions {
    /// Overrides the channel's production base URL (for webhooks: the
    /// scheme, host and port of the webhook URL). The testing and sandbox
    /// hook; plain `http` only on loopback.
    pub base_url: Option<String>,
    /// A reqwest client to share (connection pool, proxy, TLS settings).
    pub http_client: Option<reqwest::Client>,
    /// How rate limits and transient failures are retried. A message post
    /// is resent only when the service said it was *not* accepted (429), or
    /// when it carries an idempotency key (LINE).
    pub retry_policy: RetryPolicy,
    /// The clock (token expiry, JWT timestamps, Chatwork's reset time).
    pub clock: Arc<dyn Clock>,
}

impl Default for ChannelOptions {
    fn default() -> Self {
        Self {
            base_url: None,
            http_client: None,
            retry_policy: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
        }
    }
}

impl fmt::Debug for ChannelOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChannelOptions")
            .field("base_url", &self.base_url)
            .field("retry_policy", &self.retry_policy)
            .finish_non_exhaustive()
    }
}

impl ChannelOptions {
    /// Sets the base-URL override.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Uses the caller's reqwest client.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Sets the retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// Sets the clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// A transport builder for `service` at `default_base_url` (or the
    /// override), with these options applied.
    pub(crate) fn transport(
        &self,
        service: &'static str,
        default_base_url: &str,
    ) -> TransportBuilder {
        self.transport_at(
            service,
            self.base_url.as_deref().unwrap_or(default_base_url),
        )
    }

    /// A transport builder at exactly `base_url` (no override applied).
    pub(crate) fn transport_at(&self, service: &'static str, base_url: &str) -> TransportBuilder {
        let mut builder = Transport::builder(service, base_url)
            .retry_policy(self.retry_policy.clone())
            .clock(self.clock.clone());
        if let Some(client) = &self.http_client {
            builder = builder.http_client(client.clone());
        }
        builder
    }
}

/// Generates the option setters shared by every HTTP channel builder
/// (`self.options: ChannelOptions`).
macro_rules! option_setters {
    () => {
        /// Overrides the production base URL: the hook for tests and the
        /// sandbox. Plain `http` is accepted only on loopback.
        pub fn base_url(mut self, url: impl Into<String>) -> Self {
            self.options.base_url = Some(url.into());
            self
        }

        /// Uses the caller's reqwest client.
        pub fn http_client(mut self, client: kot_connect_http::reqwest::Client) -> Self {
            self.options.http_client = Some(client);
            self
        }

        /// Sets the retry policy (see [`ChannelOptions::retry_policy`]).
        pub fn retry_policy(mut self, policy: kot_connect_http::RetryPolicy) -> Self {
            self.options.retry_policy = policy;
            self
        }

        /// Sets the clock.
        pub fn clock(mut self, clock: std::sync::Arc<dyn kot_connect_http::Clock>) -> Self {
            self.options.clock = clock;
            self
        }

        /// Replaces all shared options at once.
        pub fn options(mut self, options: crate::channels::ChannelOptions) -> Self {
            self.options = options;
            self
        }
    };
}
pub(crate) use option_setters;

/// What a 429 (or equivalent) answer asked for.
pub(crate) struct RateLimit {
    pub(crate) retry_after: Option<Duration>,
    pub(crate) scope: String,
}

/// Sends `request` and, while the answer is a rate-limit refusal (the
/// message was *not* accepted), waits as the service asked (clamped by the
/// policy) and sends it again. Any other answer is returned as is; a refusal
/// that outlasts the policy becomes [`Error::RateLimited`].
pub(crate) async fn send_waiting_out_rate_limits(
    transport: &Transport,
    channel: ChannelKind,
    request: Request,
    rate_limit: impl Fn(&Response) -> Option<RateLimit>,
) -> Result<Response, Error> {
    let started = tokio::time::Instant::now();
    let mut number = 0u32;
    loop {
        number += 1;
        let response = transport.send(request.clone()).await?;
        let Some(limit) = rate_limit(&response) else {
            return Ok(response);
        };
        let decision = transport.retry_policy().decide(
            &Attempt {
                number,
                elapsed: started.elapsed(),
                // A rate-limit refusal means the message was not taken, so
                // sending it again cannot duplicate it.
                idempotent: true,
                class: FailureClass::RateLimited,
                retry_after: limit.retry_after,
            },
            rand_jitter(),
        );
        match decision {
            RetryDecision::RetryAfter(delay) => {
                tracing::debug!(%channel, delay_ms = delay.as_millis() as u64, "rate limited; waiting");
                tokio::time::sleep(delay).await;
            }
            _ => {
                return Err(Error::RateLimited {
                    channel,
                    endpoint: response.endpoint().to_owned(),
                    retry_after: limit.retry_after,
                    scope: limit.scope,
                });
            }
        }
    }
}

fn rand_jitter() -> f64 {
    rand::random::<f64>()
}

/// Decodes `%XX` escapes of one path segment (a `+` stays a `+`).
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(&h), Some(&l)) = (bytes.get(i + 1), bytes.get(i + 2))
            && let (Some(h), Some(l)) = (hex(h), hex(l))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A plain 429 with `Retry-After`, as Slack, Teams, Google Chat and LINE
/// WORKS send it.
pub(crate) fn retry_after_429(scope: &'static str) -> impl Fn(&Response) -> Option<RateLimit> {
    move |response| {
        (response.status().as_u16() == 429).then(|| RateLimit {
            retry_after: response.retry_after(),
            scope: scope.to_owned(),
        })
    }
}

/// A webhook URL split into what a transport needs: the origin (its base
/// URL), the path segments and the query pairs. The URL is the credential,
/// so none of this is ever printed.
pub(crate) struct WebhookUrl {
    pub(crate) origin: String,
    pub(crate) segments: Vec<String>,
    pub(crate) query: Vec<(String, String)>,
}

impl WebhookUrl {
    /// Parses `secret`; errors never echo it.
    pub(crate) fn parse(secret: &SecretString, what: &str) -> Result<(Url, Self), Error> {
        let url = Url::parse(secret.expose_secret().trim())
            .map_err(|_| Error::config(format!("the {what} is not a valid URL")))?;
        if url.host_str().is_none() || url.cannot_be_a_base() {
            return Err(Error::config(format!("the {what} has no host")));
        }
        let origin = url.origin().ascii_serialization();
        let segments = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).map(percent_decode).collect())
            .unwrap_or_default();
        let query = url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Ok((
            url,
            Self {
                origin,
                segments,
                query,
            },
        ))
    }

    /// A request to this URL, named by `endpoint`.
    pub(crate) fn request(&self, endpoint: &'static str) -> Request {
        let mut request = Request::post(endpoint).path(self.segments.iter().cloned());
        for (k, v) in &self.query {
            request = request.query(k.clone(), v.clone());
        }
        request
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls_split_into_origin_path_and_query() {
        let secret = SecretString::from(
            "https://chat.googleapis.com/v1/spaces/AAAA/messages?key=k-1&token=t%3D2",
        );
        let (_, w) = WebhookUrl::parse(&secret, "webhook URL").unwrap();
        assert_eq!(w.origin, "https://chat.googleapis.com");
        assert_eq!(w.segments, vec!["v1", "spaces", "AAAA", "messages"]);
        assert_eq!(
            w.query,
            vec![("key".into(), "k-1".into()), ("token".into(), "t=2".into())]
        );
        let err = WebhookUrl::parse(&SecretString::from("not a url sig=abc"), "webhook URL")
            .err()
            .unwrap();
        assert!(!err.to_string().contains("sig=abc"));
    }

    #[test]
    fn percent_decoding_of_segments() {
        assert_eq!(percent_decode("a%2Fb+c%zz%4"), "a/b+c%zz%4");
        assert_eq!(percent_decode("%E6%89%93"), "打");
    }

    #[test]
    fn jitter_is_in_range() {
        for _ in 0..100 {
            let j = rand_jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }
}
