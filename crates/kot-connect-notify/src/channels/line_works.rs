//! LINE WORKS API 2.0: a bot message to a talk-room channel, authenticated
//! by a service-account JWT.
//!
//! 1. A JWT signed with RS256 by the app's private key: header
//!    `{"alg":"RS256","typ":"JWT"}`, claims `iss` = Client ID, `sub` =
//!    Service Account ID, `iat` = now, `exp` = now + 60 minutes.
//! 2. `POST {auth}/token` (form): `assertion`, `grant_type =
//!    urn:ietf:params:oauth:grant-type:jwt-bearer`, `client_id`,
//!    `client_secret`, `scope`. The answer's `expires_in` arrives as a
//!    string or a number; both are read.
//! 3. `POST /bots/{botId}/channels/{channelId}/messages` with the Bearer
//!    token and `{"content":{"type":"text","text":...}}`: **201**.
//!
//! The access token is cached and shared by clones of the channel. It is
//! exchanged again [`REFRESH_MARGIN`] before it expires, and after a 401
//! (once). Concurrent sends that find no valid token wait for **one**
//! exchange instead of each starting their own.
//!
//! The JWT is signed by `jsonwebtoken`'s `aws_lc_rs` backend: the same
//! aws-lc-rs that the workspace's reqwest (rustls) already links.
//!
//! Limits (reference `notify.md` §6.2): `content.text` is at most 2,000
//! characters ([`TEXT_LIMIT`]), truncated with the marker; 240 requests per
//! minute per API operation, 429 `TOO_MANY_REQUESTS`. The CSV is not
//! uploaded (the attachment flow is not implemented; see the README's
//! Provisional section); the text names the file.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use kot_connect_http::auth::sensitive_header_value;
use kot_connect_http::reqwest::header::AUTHORIZATION;
use kot_connect_http::{ExposeSecret, Request, Response, SecretString, Transport};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::Mutex;

use crate::channels::{
    AttachmentOutcome, Channel, ChannelOptions, Delivery, SendFuture, option_setters,
    retry_after_429, send_waiting_out_rate_limits,
};
use crate::error::{ChannelKind, Error};
use crate::message::{Measure, Notification, truncate};

/// The LINE WORKS API base URL.
pub const DEFAULT_API_BASE_URL: &str = "https://www.worksapis.com/v1.0";
/// The LINE WORKS OAuth base URL (the token endpoint is `{this}/token`).
pub const DEFAULT_AUTH_BASE_URL: &str = "https://auth.worksmobile.com/oauth2/v2.0";
/// `content.text` holds at most 2,000 characters.
pub const TEXT_LIMIT: usize = 2_000;
/// The JWT's lifetime (`exp - iat`); LINE WORKS accepts at most 60 minutes.
pub const JWT_LIFETIME: Duration = Duration::from_secs(3600);
/// A cached token is exchanged again this long before it expires.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(300);
/// The scope asked for by default (`bot.message` is the narrower choice
/// when the app allows it).
pub const DEFAULT_SCOPE: &str = "bot";
/// The JWT-bearer grant type.
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// The Developer Console credentials of a LINE WORKS app.
#[derive(Clone)]
pub struct ServiceAccount {
    /// Client ID (the JWT's `iss`).
    pub client_id: String,
    /// Client Secret.
    pub client_secret: SecretString,
    /// Service Account ID, e.g. `abcd.serviceaccount@example.com` (`sub`).
    pub service_account: String,
    /// The private key as issued (PEM, PKCS#8 `PRIVATE KEY` or PKCS#1
    /// `RSA PRIVATE KEY`).
    pub private_key_pem: SecretString,
}

impl fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("service_account", &self.service_account)
            .field("private_key_pem", &"[REDACTED]")
            .finish()
    }
}

/// The JWT claims sent to the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Client ID.
    pub iss: String,
    /// Service Account ID.
    pub sub: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
}

struct CachedToken {
    token: SecretString,
    expires_at: DateTime<Utc>,
}

struct Auth {
    transport: Transport,
    client_id: String,
    client_secret: SecretString,
    service_account: String,
    key: EncodingKey,
    scope: String,
    cache: Mutex<Option<CachedToken>>,
}

/// Sends bot messages to one LINE WORKS channel (talk room).
#[derive(Clone)]
pub struct LineWorksChannel {
    transport: Transport,
    auth: Arc<Auth>,
    bot_id: String,
    channel_id: String,
}

impl fmt::Debug for LineWorksChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LineWorksChannel")
            .field("bot_id", &self.bot_id)
            .field("channel_id", &self.channel_id)
            .field("client_id", &self.auth.client_id)
            .field("service_account", &self.auth.service_account)
            .field("client_secret", &"[REDACTED]")
            .field("private_key", &"[REDACTED]")
            .field("access_token", &"[REDACTED]")
            .finish()
    }
}

/// Builds a [`LineWorksChannel`].
pub struct LineWorksChannelBuilder {
    account: ServiceAccount,
    bot_id: String,
    channel_id: String,
    scope: String,
    auth_base_url: Option<String>,
    options: ChannelOptions,
}

impl fmt::Debug for LineWorksChannelBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LineWorksChannelBuilder")
            .field("account", &self.account)
            .field("bot_id", &self.bot_id)
            .field("channel_id", &self.channel_id)
            .field("scope", &self.scope)
            .field("options", &self.options)
            .finish()
    }
}

impl LineWorksChannel {
    /// A builder for the app's credentials, the Bot ID and the talk room's
    /// Channel ID.
    pub fn builder(
        account: ServiceAccount,
        bot_id: impl Into<String>,
        channel_id: impl Into<String>,
    ) -> LineWorksChannelBuilder {
        LineWorksChannelBuilder {
            account,
            bot_id: bot_id.into(),
            channel_id: channel_id.into(),
            scope: DEFAULT_SCOPE.to_owned(),
            auth_base_url: None,
            options: ChannelOptions::default(),
        }
    }
}

impl LineWorksChannelBuilder {
    /// Sets the OAuth scope (default [`DEFAULT_SCOPE`]; space-separated).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// Overrides the OAuth base URL (default [`DEFAULT_AUTH_BASE_URL`]);
    /// [`base_url`](Self::base_url) overrides the API's.
    pub fn auth_base_url(mut self, url: impl Into<String>) -> Self {
        self.auth_base_url = Some(url.into());
        self
    }

    option_setters!();

    /// Builds the channel; reads the private key once.
    ///
    /// # Errors
    /// [`Error::Jwt`] when the private key is not an RSA PEM key (the key is
    /// never echoed); [`Error::Config`] for empty IDs; [`Error::Http`] for
    /// invalid base URLs.
    pub fn build(self) -> Result<LineWorksChannel, Error> {
        for (value, what) in [
            (&self.bot_id, "bot ID"),
            (&self.channel_id, "channel ID"),
            (&self.account.client_id, "client ID"),
            (&self.account.service_account, "service account"),
        ] {
            if value.trim().is_empty() {
                return Err(Error::config(format!("line_works: the {what} is empty")));
            }
        }
        let key =
            EncodingKey::from_rsa_pem(self.account.private_key_pem.expose_secret().as_bytes())
                .map_err(|_| {
                    Error::Jwt(
                        "the private key is not an RSA key in PEM form (PKCS#8 or PKCS#1)"
                            .to_owned(),
                    )
                })?;
        let transport = self
            .options
            .transport("line_works", DEFAULT_API_BASE_URL)
            .build()?;
        let auth_transport = self
            .options
            .transport_at(
                "line_works_auth",
                self.auth_base_url
                    .as_deref()
                    .unwrap_or(DEFAULT_AUTH_BASE_URL),
            )
            .build()?;
        Ok(LineWorksChannel {
            transport,
            auth: Arc::new(Auth {
                transport: auth_transport,
                client_id: self.account.client_id.trim().to_owned(),
                client_secret: self.account.client_secret,
                service_account: self.account.service_account.trim().to_owned(),
                key,
                scope: self.scope,
                cache: Mutex::new(None),
            }),
            bot_id: self.bot_id.trim().to_owned(),
            channel_id: self.channel_id.trim().to_owned(),
        })
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<Lenient>,
}

/// `expires_in` as a string (observed) or a number (documented).
#[derive(Deserialize)]
#[serde(untagged)]
enum Lenient {
    Number(u64),
    Text(String),
}

impl Lenient {
    fn seconds(&self) -> Option<u64> {
        match self {
            Lenient::Number(n) => Some(*n),
            Lenient::Text(s) => s.trim().parse().ok(),
        }
    }
}

#[derive(Deserialize)]
struct WorksError {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

fn works_error(response: &Response) -> Error {
    match serde_json::from_slice::<WorksError>(response.body()) {
        Ok(e) if e.code.is_some() || e.error.is_some() => Error::Api {
            channel: ChannelKind::LineWorks,
            endpoint: response.endpoint().to_owned(),
            status: response.status(),
            code: e.code.or(e.error).unwrap_or_default(),
            message: e.description.or(e.error_description),
        },
        _ => response.clone().into_error().into(),
    }
}

impl Auth {
    /// Signs a service-account JWT at `now`.
    fn jwt(&self, now: DateTime<Utc>) -> Result<String, Error> {
        // Name the backend explicitly: if another crate in the build turns on
        // jsonwebtoken's rust_crypto too, jsonwebtoken cannot pick one by
        // itself and would panic. A provider the application installed wins.
        let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
        let iat = now.timestamp();
        let claims = Claims {
            iss: self.client_id.clone(),
            sub: self.service_account.clone(),
            iat,
            exp: iat + JWT_LIFETIME.as_secs() as i64,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key)
            .map_err(|e| Error::Jwt(format!("the JWT could not be signed: {e}")))
    }

    /// A valid access token: the cached one, or a new exchange. Holding the
    /// lock during the exchange makes concurrent callers share it.
    async fn token(&self, stale: Option<&SecretString>) -> Result<SecretString, Error> {
        let mut cache = self.cache.lock().await;
        let now = self.transport.clock().now();
        if let Some(cached) = cache.as_ref() {
            let fresh = now + REFRESH_MARGIN < cached.expires_at;
            let rejected = stale.is_some_and(|s| s.expose_secret() == cached.token.expose_secret());
            if fresh && !rejected {
                return Ok(cached.token.clone());
            }
        }
        let jwt = self.jwt(now)?;
        let request = Request::post("POST /token")
            .path(["token"])
            .form([
                ("assertion", jwt.as_str()),
                ("grant_type", GRANT_TYPE),
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.expose_secret()),
                ("scope", self.scope.as_str()),
            ])
            .sensitive_response()
            // Minting a token twice is harmless.
            .idempotent(true);
        let response = self.transport.send(request).await?;
        if !response.status().is_success() {
            return Err(works_error(&response));
        }
        let answer: TokenAnswer = response.json()?;
        let lifetime = answer
            .expires_in
            .as_ref()
            .and_then(Lenient::seconds)
            .unwrap_or(3600);
        let token = SecretString::from(answer.access_token);
        *cache = Some(CachedToken {
            token: token.clone(),
            expires_at: now + chrono::Duration::seconds(i64::try_from(lifetime).unwrap_or(3600)),
        });
        Ok(token)
    }
}

impl LineWorksChannel {
    /// Signs a service-account JWT at `now` (what the token exchange sends
    /// as `assertion`). Exposed for diagnostics and tests.
    ///
    /// # Errors
    /// [`Error::Jwt`] when signing fails.
    pub fn service_account_jwt(&self, now: DateTime<Utc>) -> Result<String, Error> {
        self.auth.jwt(now)
    }

    /// Sends `text` (truncated to [`TEXT_LIMIT`]) to the channel.
    ///
    /// # Errors
    /// [`Error::Api`] for LINE WORKS' `{"code","description"}` (token
    /// endpoint included), [`Error::RateLimited`] for 429 beyond the retry
    /// policy, [`Error::Jwt`] when signing fails, [`Error::Http`] otherwise.
    pub async fn post_text(&self, text: &str) -> Result<(), Error> {
        let text = truncate(text, TEXT_LIMIT, Measure::Chars);
        let body = json!({"content": {"type": "text", "text": text}});
        let mut token = self.auth.token(None).await?;
        for attempt in 0..2 {
            let request = Request::post("POST /bots/{botId}/channels/{channelId}/messages")
                .path([
                    "bots",
                    self.bot_id.as_str(),
                    "channels",
                    self.channel_id.as_str(),
                    "messages",
                ])
                .header(
                    AUTHORIZATION,
                    sensitive_header_value(
                        &format!("Bearer {}", token.expose_secret()),
                        "the LINE WORKS access token",
                    )?,
                )
                .json(&body)?;
            let response = send_waiting_out_rate_limits(
                &self.transport,
                ChannelKind::LineWorks,
                request,
                retry_after_429("240 requests/min per API operation"),
            )
            .await?;
            if response.status().is_success() {
                return Ok(());
            }
            if response.status().as_u16() == 401 && attempt == 0 {
                // The token was revoked or expired early: exchange once more.
                token = self.auth.token(Some(&token)).await?;
                continue;
            }
            return Err(works_error(&response));
        }
        Err(Error::config("line_works: the new token was refused too"))
    }

    async fn deliver(&self, notification: &Notification<'_>) -> Result<Delivery, Error> {
        self.post_text(&notification.plain_text()).await?;
        let mut delivery = Delivery::new(ChannelKind::LineWorks, None);
        if notification.attachment().is_some() {
            delivery.attachment = AttachmentOutcome::NotSupported;
        }
        Ok(delivery)
    }
}

impl Channel for LineWorksChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::LineWorks
    }

    fn target(&self) -> String {
        format!("line_works bot {} channel {}", self.bot_id, self.channel_id)
    }

    fn send<'a>(&'a self, notification: &'a Notification<'a>) -> SendFuture<'a> {
        Box::pin(self.deliver(notification))
    }
}
