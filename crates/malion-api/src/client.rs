//! The provisional WebAPI client and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use kot_connect_http::{
    Authenticator, Clock, RateLimiter, RetryPolicy, SecretString, Transport, TransportBuilder,
    is_loopback_host,
};
use url::Url;

use crate::Error;
use crate::api::{WireConfig, decode_page, logs_request};
use crate::auth::ProvisionalHeaderAuth;
use crate::models::Deduped;
use crate::settings::{ConfigError, ConnectionSettings, HostName};
use crate::source::{BoxFuture, LogPage, LogQuery, LogSource, collect_since};

/// The environment variable of the host name (ホスト名).
pub const ENV_HOST: &str = "MALION_HOST";
/// The environment variable of the administrator code (管理者コード).
pub const ENV_ADMIN_CODE: &str = "MALION_ADMIN_CODE";
/// The environment variable of the secret code (シークレットコード).
pub const ENV_SECRET_CODE: &str = "MALION_SECRET_CODE";
/// The environment variable of an optional loopback base URL (sandbox).
pub const ENV_BASE_URL: &str = "MALION_BASE_URL";

/// A client for the MaLionCloud WebAPI. **Provisional**: the wire format is
/// not public; see [`WireConfig`] and [`ProvisionalHeaderAuth`].
///
/// Cheap to clone (clones share the connection pool and rate limiter).
/// Implements [`LogSource`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    wire: WireConfig,
    host: HostName,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("host", &self.inner.host.as_str())
            .field("transport", &self.inner.transport)
            .field("wire", &self.inner.wire)
            .finish()
    }
}

/// Builds a [`Client`].
pub struct ClientBuilder {
    settings: ConnectionSettings,
    base_url: Option<String>,
    auth: Option<Arc<dyn Authenticator>>,
    wire: WireConfig,
    transport: TransportBuilder,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("settings", &self.settings)
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("wire", &self.wire)
            .finish_non_exhaustive()
    }
}

/// Lets a shared authenticator be handed to the transport.
#[derive(Debug)]
struct SharedAuth(Arc<dyn Authenticator>);

impl Authenticator for SharedAuth {
    fn authenticate(
        &self,
        request: &mut kot_connect_http::reqwest::Request,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), kot_connect_http::Error> {
        self.0.authenticate(request, now)
    }
}

impl Client {
    /// Starts a builder. Requests go to `https://<host name>/` with the
    /// provisional header authentication unless told otherwise.
    pub fn builder(settings: ConnectionSettings) -> ClientBuilder {
        let transport = Transport::builder("malion", settings.host().https_url());
        ClientBuilder {
            settings,
            base_url: None,
            auth: None,
            wire: WireConfig::default(),
            transport,
        }
    }

    /// A client from `MALION_HOST`, `MALION_ADMIN_CODE`,
    /// `MALION_SECRET_CODE` and, if set, `MALION_BASE_URL` (loopback only).
    ///
    /// # Errors
    /// [`ConfigError::MissingEnv`] or any invalid setting.
    pub fn from_env() -> Result<Client, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Client, Error> {
        let get = |name: &'static str| {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or(ConfigError::MissingEnv { name })
        };
        let settings = ConnectionSettings::new(
            &get(ENV_HOST)?,
            &get(ENV_ADMIN_CODE)?,
            SecretString::from(get(ENV_SECRET_CODE)?),
        )?;
        let mut builder = Client::builder(settings);
        if let Some(url) = lookup(ENV_BASE_URL).filter(|v| !v.trim().is_empty()) {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// The relay host name.
    pub fn host(&self) -> &HostName {
        &self.inner.host
    }

    /// The transport (base URL, clock, retry policy).
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The wire settings.
    pub fn wire(&self) -> &WireConfig {
        &self.inner.wire
    }

    /// One page of logs since `query.since`.
    ///
    /// # Errors
    /// [`Error::Http`]: no answer, a failing status (kept with its body;
    /// [`Error::is_auth`] for 401/403), or a body that is not a page
    /// ([`Error::is_decode`]).
    pub async fn logs_page(&self, query: &LogQuery) -> Result<LogPage, Error> {
        let response = self
            .inner
            .transport
            .send(logs_request(&self.inner.wire, query))
            .await?;
        if !response.status().is_success() {
            return Err(Error::Http(response.into_error()));
        }
        Ok(decode_page(&response)?)
    }

    /// Every log since `since` (all pages), without relay duplicates, in a
    /// stable order. Use [`lookback_since`](crate::lookback_since) for the
    /// watermark of a sync.
    ///
    /// # Errors
    /// As [`logs_page`](Self::logs_page), and [`Error::Paging`].
    pub async fn logs_since(&self, since: DateTime<FixedOffset>) -> Result<Deduped, Error> {
        let wire = &self.inner.wire;
        collect_since(self, since, wire.get_page_size(), wire.get_max_pages()).await
    }
}

impl LogSource for Client {
    fn logs_page<'a>(&'a self, query: &'a LogQuery) -> BoxFuture<'a, Result<LogPage, Error>> {
        Box::pin(Client::logs_page(self, query))
    }
}

impl ClientBuilder {
    /// Sends requests to a loopback base URL instead of the relay host: the
    /// hook for tests and the sandbox. Plain `http` is fine there.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Replaces the provisional header authentication.
    pub fn auth(mut self, auth: impl Authenticator + 'static) -> Self {
        self.auth = Some(Arc::new(auth));
        self
    }

    /// Sets the provisional wire settings (paths, parameters, paging).
    pub fn wire(mut self, wire: WireConfig) -> Self {
        self.wire = wire;
        self
    }

    /// Uses the caller's reqwest client.
    pub fn http_client(mut self, client: kot_connect_http::reqwest::Client) -> Self {
        self.transport = self.transport.http_client(client);
        self
    }

    /// Sets the retry policy (log reads are GETs, retried on 5xx and timeouts).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.transport = self.transport.retry_policy(policy);
        self
    }

    /// Limits the request rate on the client side.
    pub fn rate_limit(mut self, limiter: RateLimiter) -> Self {
        self.transport = self.transport.rate_limit(limiter);
        self
    }

    /// Sets the clock (given to the authenticator for signatures).
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
    /// [`ConfigError::InvalidBaseUrl`] / [`ConfigError::BaseUrlNotLoopback`]
    /// for a bad override, [`ConfigError::Wire`] for bad wire settings, and
    /// the transport's configuration errors (timeouts, user agent).
    pub fn build(self) -> Result<Client, Error> {
        self.wire.validate()?;
        let mut transport = self.transport;
        if let Some(raw) = self.base_url {
            let url = Url::parse(raw.trim())
                .map_err(|_| ConfigError::InvalidBaseUrl { url: raw.clone() })?;
            if !is_loopback_host(&url) {
                return Err(ConfigError::BaseUrlNotLoopback { url: raw }.into());
            }
            transport = transport.base_url(raw);
        }
        let auth = self
            .auth
            .unwrap_or_else(|| Arc::new(ProvisionalHeaderAuth::new(&self.settings)));
        let transport = transport.auth(SharedAuth(auth)).build()?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                wire: self.wire,
                host: self.settings.host().clone(),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ConnectionSettings {
        ConnectionSettings::new(
            "malioncloud0001.intercom.co.jp",
            "ADM",
            "s3cr3t-client-unit-77",
        )
        .unwrap()
    }

    #[test]
    fn default_base_url_is_the_relay_host() {
        let c = Client::builder(settings()).build().unwrap();
        assert_eq!(
            c.transport().base_url().as_str(),
            "https://malioncloud0001.intercom.co.jp/"
        );
    }

    #[test]
    fn only_loopback_overrides_are_accepted() {
        for ok in [
            "http://127.0.0.1:9/",
            "http://localhost:8080/malion",
            "https://[::1]:1/",
        ] {
            assert!(
                Client::builder(settings()).base_url(ok).build().is_ok(),
                "{ok}"
            );
        }
        let err = Client::builder(settings())
            .base_url("https://evil.example/")
            .build()
            .unwrap_err();
        assert!(
            matches!(err, Error::Config(ConfigError::BaseUrlNotLoopback { .. })),
            "{err:?}"
        );
        let err = Client::builder(settings())
            .base_url("not a url")
            .build()
            .unwrap_err();
        assert!(
            matches!(err, Error::Config(ConfigError::InvalidBaseUrl { .. })),
            "{err:?}"
        );
        assert!(err.is_config());
    }

    #[test]
    fn from_env_names_the_missing_variable_and_hides_the_secret() {
        let secret = "env-secret-code-4e2a91";
        let vars = |name: &str| match name {
            ENV_HOST => Some("malioncloud7.intercom.co.jp".to_owned()),
            ENV_ADMIN_CODE => Some("ADM".to_owned()),
            ENV_SECRET_CODE => Some(secret.to_owned()),
            ENV_BASE_URL => Some("http://127.0.0.1:4000".to_owned()),
            _ => None,
        };
        let c = Client::from_lookup(vars).unwrap();
        assert_eq!(c.transport().base_url().as_str(), "http://127.0.0.1:4000/");
        assert!(!format!("{c:?}").contains(secret));
        let err = Client::from_lookup(|n| {
            (n == ENV_HOST).then(|| "malioncloud7.intercom.co.jp".to_owned())
        })
        .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Config(ConfigError::MissingEnv {
                    name: ENV_ADMIN_CODE
                })
            ),
            "{err:?}"
        );
    }

    #[test]
    fn the_client_and_its_futures_are_send_and_object_safe() {
        fn shared<T: Send + Sync + Clone + 'static>() {}
        fn spawnable<F: std::future::Future + Send>(_: F) {}
        shared::<Client>();
        let c = Client::builder(settings()).build().unwrap();
        let since = crate::lookback_since(chrono::Utc::now(), 2);
        spawnable(c.logs_since(since));
        let dynamic: &dyn LogSource = &c;
        let q = LogQuery::new(since);
        spawnable(dynamic.logs_page(&q));
        spawnable(collect_since(dynamic, since, 10, 10));
    }
}
