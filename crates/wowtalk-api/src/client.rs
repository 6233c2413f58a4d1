//! The provisional WowBot client: send a message as the bot.
//!
//! **Provisional.** WowTalk says a CallBack-type bot replies by "sending a
//! message through the API", documented only in 「WowTalk ボット機能開発者向け
//! ドキュメント」 (from sales). Base URL, path, auth header and body are
//! therefore all configurable; the defaults are placeholders.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use kot_connect_http::{BearerAuth, Clock, HeaderAuth, Request, Transport, TransportBuilder};

use crate::Error;
use crate::auth::BotAuth;
use crate::models::{BotId, Reply};

/// The placeholder a path may hold for the bot's ID.
pub const BOT_ID_PLACEHOLDER: &str = "{bot_id}";

/// The provisional default path of "send a message as the bot".
pub const DEFAULT_SEND_MESSAGE_PATH: &str = "bots/{bot_id}/messages";

/// The bot API's paths, relative to the base URL (provisional).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BotPaths {
    /// "Send a message as the bot" (POST, JSON [`Reply`]). May hold
    /// [`BOT_ID_PLACEHOLDER`] as a whole segment.
    pub send_message: String,
}

impl Default for BotPaths {
    fn default() -> Self {
        Self {
            send_message: DEFAULT_SEND_MESSAGE_PATH.to_owned(),
        }
    }
}

impl BotPaths {
    /// Sets the send-message path.
    pub fn send_message(mut self, path: impl Into<String>) -> Self {
        self.send_message = path.into();
        self
    }
}

/// A client that sends messages as a WowBot (provisional wire format).
///
/// Cheap to clone. Replies are POSTs and never retried: a repeated chat
/// message is worse than a missing one the caller can resend.
#[derive(Clone)]
pub struct BotClient {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    endpoint: String,
    segments: Vec<String>,
}

impl fmt::Debug for BotClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BotClient")
            .field("transport", &self.inner.transport)
            .field("send_message", &self.inner.endpoint)
            .finish()
    }
}

/// Builds a [`BotClient`].
pub struct BotClientBuilder {
    transport: TransportBuilder,
    auth: BotAuth,
    paths: BotPaths,
    bot_id: Option<BotId>,
}

impl fmt::Debug for BotClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BotClientBuilder")
            .field("transport", &self.transport)
            .field("auth", &self.auth)
            .field("paths", &self.paths)
            .field("bot_id", &self.bot_id)
            .finish()
    }
}

impl BotClient {
    /// Starts a builder. There is no public base URL, so it is required;
    /// plain `http` is accepted only on loopback (tests, the sandbox).
    pub fn builder(base_url: impl Into<String>, auth: BotAuth) -> BotClientBuilder {
        BotClientBuilder {
            transport: Transport::builder("wowtalk-bot", base_url),
            auth,
            paths: BotPaths::default(),
            bot_id: None,
        }
    }

    /// The underlying transport.
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// Sends `reply` as the bot. Not retried.
    ///
    /// # Errors
    /// [`Error::Http`]: the server answered with a non-success status (the
    /// status and a truncated body are kept; a 429 is a rate limit), or the
    /// request could not be sent.
    pub async fn send(&self, reply: &Reply) -> Result<(), Error> {
        let request = Request::post(self.inner.endpoint.clone())
            .path(self.inner.segments.iter().map(String::as_str))
            .json(reply)?
            .idempotent(false);
        let response = self.inner.transport.send(request).await?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(Error::Http(response.into_error()))
        }
    }
}

impl BotClientBuilder {
    /// The paths (default [`BotPaths::default`]).
    pub fn paths(mut self, paths: BotPaths) -> Self {
        self.paths = paths;
        self
    }

    /// The bot's ID, for paths holding [`BOT_ID_PLACEHOLDER`].
    pub fn bot_id(mut self, bot_id: impl Into<BotId>) -> Self {
        self.bot_id = Some(bot_id.into());
        self
    }

    /// Uses the caller's reqwest client.
    pub fn http_client(mut self, client: kot_connect_http::reqwest::Client) -> Self {
        self.transport = self.transport.http_client(client);
        self
    }

    /// Sets the clock (for tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.transport = self.transport.clock(clock);
        self
    }

    /// Sets the connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.connect_timeout(timeout);
        self
    }

    /// Sets the timeout of one attempt (default 30 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.attempt_timeout(timeout);
        self
    }

    /// Sets the `User-Agent`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.transport = self.transport.user_agent(user_agent);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// A configuration error for an invalid base URL or header name, a path
    /// with an unknown `{placeholder}`, or [`BOT_ID_PLACEHOLDER`] without a
    /// [`bot_id`](Self::bot_id). Never contains the token.
    pub fn build(self) -> Result<BotClient, Error> {
        let mut segments = Vec::new();
        for segment in self.paths.send_message.split('/').filter(|s| !s.is_empty()) {
            if segment == BOT_ID_PLACEHOLDER {
                let id = self.bot_id.as_ref().ok_or_else(|| {
                    Error::config(format!(
                        "the bot path `{}` needs a bot_id",
                        self.paths.send_message
                    ))
                })?;
                segments.push(id.to_string());
            } else if segment.contains(['{', '}']) {
                return Err(Error::config(format!(
                    "unknown placeholder `{segment}` in the bot path (only {BOT_ID_PLACEHOLDER})"
                )));
            } else {
                segments.push(segment.to_owned());
            }
        }
        let transport = match self.auth {
            BotAuth::Bearer(token) => self.transport.auth(BearerAuth::new(token)),
            BotAuth::Header { name, token } => self.transport.auth(HeaderAuth::new(&name, token)?),
        };
        Ok(BotClient {
            inner: Arc::new(Inner {
                transport: transport.build()?,
                endpoint: format!("POST /{}", self.paths.send_message.trim_start_matches('/')),
                segments,
            }),
        })
    }
}
