//! The KOT client and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use kot_connect_http::{
    BearerAuth, Clock, Disposition, FailureClass, RateLimiter, Request, Response, RetryPolicy,
    SecretString, Transport, TransportBuilder, default_classifier,
};
use serde::de::DeserializeOwned;

use crate::Error;
use crate::error::{ApiError, CODE_RATE_LIMITED, parse_envelope};

/// The production base URL of the KOT Web API.
pub const DEFAULT_BASE_URL: &str = "https://api.kingtime.jp/v1.0";

/// The environment variable [`Client::from_env`] reads the access token from.
pub const ENV_TOKEN: &str = "KOT_ACCESS_TOKEN";
/// The environment variable [`Client::from_env`] reads an optional base URL from.
pub const ENV_BASE_URL: &str = "KOT_BASE_URL";

pub(crate) use crate::time_band::CallKind as Band;

/// A client for the KING OF TIME Web API.
///
/// Cheap to clone: clones share the connection pool, the rate limiter and
/// the configuration. Build one with [`Client::builder`] or [`Client::from_env`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    token: SecretString,
    time_band_guard: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("transport", &self.inner.transport)
            .field("token", &"[REDACTED]")
            .field("time_band_guard", &self.inner.time_band_guard)
            .finish()
    }
}

/// Builds a [`Client`]; every setting has a sensible default.
pub struct ClientBuilder {
    token: SecretString,
    transport: TransportBuilder,
    time_band_guard: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &"[REDACTED]")
            .field("transport", &self.transport)
            .field("time_band_guard", &self.time_band_guard)
            .finish()
    }
}

impl Client {
    /// Starts a builder with the access token issued in KOT's admin screen
    /// (設定 > その他 > オプション > KOT WebAPI連携設定).
    pub fn builder(token: impl Into<SecretString>) -> ClientBuilder {
        let token = token.into();
        ClientBuilder {
            transport: Transport::builder("kot", DEFAULT_BASE_URL)
                .auth(BearerAuth::new(token.clone()))
                .classifier(classify),
            token,
            time_band_guard: true,
        }
    }

    /// A client configured from the environment: the token from
    /// `KOT_ACCESS_TOKEN`, and the base URL from `KOT_BASE_URL` when set.
    ///
    /// # Errors
    /// A configuration error when `KOT_ACCESS_TOKEN` is missing or empty, or
    /// the base URL is invalid.
    pub fn from_env() -> Result<Client, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables read through `lookup`.
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Client, Error> {
        let token = lookup(ENV_TOKEN)
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| Error::config(format!("{ENV_TOKEN} is not set")))?;
        let mut builder = Client::builder(SecretString::from(token));
        if let Some(url) = lookup(ENV_BASE_URL) {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// The underlying transport (base URL, clock, retry policy).
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    pub(crate) fn token(&self) -> &SecretString {
        &self.inner.token
    }

    /// Refuses locally when a guarded call falls inside a prohibited band.
    fn check_band(&self, band: Band, endpoint: &str) -> Result<(), Error> {
        if !self.inner.time_band_guard {
            return Ok(());
        }
        Ok(band.check(&self.inner.transport.clock().now(), endpoint)?)
    }

    /// Sends a request and turns a failing answer into KOT's error envelope
    /// (either shape), or the generic HTTP error when the body is not one.
    pub(crate) async fn send(&self, request: Request, band: Band) -> Result<Response, Error> {
        self.check_band(band, request.endpoint())?;
        let response = self.inner.transport.send(request).await?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(match ApiError::from_response(&response) {
            Some(api) => Error::Api(api),
            None => Error::Http(response.into_error()),
        })
    }

    /// Sends a request and decodes a JSON answer. A success status whose body
    /// is KOT's error envelope (the flat rate-limit shape may come that way)
    /// is an API error, not a decoding error.
    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        request: Request,
        band: Band,
    ) -> Result<T, Error> {
        let response = self.send(request, band).await?;
        response
            .json()
            .map_err(|decode| match ApiError::from_response(&response) {
                Some(api) => Error::Api(api),
                None => Error::Http(decode),
            })
    }
}

impl ClientBuilder {
    /// Overrides the base URL (default [`DEFAULT_BASE_URL`]): the hook for
    /// tests against a mock server or the kot-connect sandbox. Plain `http`
    /// is accepted only on loopback.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.transport = self.transport.base_url(url);
        self
    }

    /// Uses the caller's reqwest client.
    pub fn http_client(mut self, client: kot_connect_http::reqwest::Client) -> Self {
        self.transport = self.transport.http_client(client);
        self
    }

    /// Sets the retry policy for idempotent calls. Punch registration and
    /// other POSTs are never retried, whatever the policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.transport = self.transport.retry_policy(policy);
        self
    }

    /// Limits the request rate on the client side (shared by clones). KOT does
    /// not publish its limit; it answers code 303 when it is exceeded.
    pub fn rate_limit(mut self, limiter: RateLimiter) -> Self {
        self.transport = self.transport.rate_limit(limiter);
        self
    }

    /// Sets the clock used by the time-band guard (tests inject a fixed one).
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

    /// Turns the local time-band guard on (the default) or off. When on, a
    /// call KOT would refuse (08:30-10:00, 17:30-18:30 JST; token calls and
    /// punch registration exempt) fails at once with
    /// [`Error::TimeBand`](crate::Error::TimeBand), saying when the band ends.
    /// When off, the call is sent and KOT answers 403 with code 104.
    pub fn time_band_guard(mut self, enabled: bool) -> Self {
        self.time_band_guard = enabled;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// A configuration error for an invalid base URL, timeout or user agent.
    pub fn build(self) -> Result<Client, Error> {
        Ok(Client {
            inner: Arc::new(Inner {
                transport: self.transport.build()?,
                token: self.token,
                time_band_guard: self.time_band_guard,
            }),
        })
    }
}

/// KOT's retry classification: its request-count limit is a body code (303,
/// flat shape, HTTP status undocumented), so small bodies are checked for it
/// whatever the status; everything else as usual (403/104 is final).
fn classify(response: &Response) -> Disposition {
    const SMALL: usize = 1024;
    if response.body().len() <= SMALL
        && parse_envelope(response.body()).is_some_and(|errors| {
            errors
                .iter()
                .any(|e| e.code.as_deref() == Some(CODE_RATE_LIMITED))
        })
    {
        return Disposition::Retry(FailureClass::RateLimited);
    }
    default_classifier(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use kot_connect_http::ExposeSecret;
    use kot_connect_http::reqwest::StatusCode;
    use kot_connect_http::reqwest::header::HeaderMap;

    fn response(status: u16, body: &'static str) -> Response {
        Response::from_parts(
            "kot",
            "GET /x",
            StatusCode::from_u16(status).unwrap(),
            HeaderMap::new(),
            body,
            Utc::now(),
        )
    }

    #[test]
    fn flat_303_is_a_rate_limit_whatever_the_status() {
        let body = r#"{"code":"303","message":"Too Many Requests"}"#;
        for status in [200, 400, 403, 429, 503] {
            assert_eq!(
                classify(&response(status, body)),
                Disposition::Retry(FailureClass::RateLimited),
                "{status}"
            );
        }
    }

    #[test]
    fn time_band_refusal_is_final() {
        let body = r#"{"errors":[{"message":"次の時間帯(JST)はAPIへのアクセスが禁止されています [08:30 ~ 10:00, 17:30 ~ 18:30]","code":104}]}"#;
        assert_eq!(classify(&response(403, body)), Disposition::Done);
    }

    #[test]
    fn server_error_is_transient() {
        let body = r#"{"errors":[{"message":"Resource Server Error.","code":300}]}"#;
        assert_eq!(
            classify(&response(500, body)),
            Disposition::Retry(FailureClass::Transient)
        );
    }

    #[test]
    fn from_env_reads_token_and_base_url() {
        let token = "env-token-0c9d8e7f6a5b";
        let vars = |name: &str| match name {
            ENV_TOKEN => Some(token.to_owned()),
            ENV_BASE_URL => Some("http://127.0.0.1:8080/v1.0".to_owned()),
            _ => None,
        };
        let client = Client::from_lookup(vars).unwrap();
        assert_eq!(
            client.transport().base_url().as_str(),
            "http://127.0.0.1:8080/v1.0"
        );
        assert_eq!(client.token().expose_secret(), token);

        let default = Client::from_lookup(|n| (n == ENV_TOKEN).then(|| token.to_owned())).unwrap();
        assert_eq!(
            default.transport().base_url().as_str(),
            "https://api.kingtime.jp/v1.0"
        );
    }

    #[test]
    fn from_env_without_a_token_is_a_config_error() {
        for missing in [None, Some("   ".to_owned())] {
            let err = Client::from_lookup(|_| missing.clone()).unwrap_err();
            assert!(matches!(&err, Error::Http(e) if e.is_config()), "{err:?}");
            assert!(err.to_string().contains(ENV_TOKEN));
        }
        let bad_url = |n: &str| match n {
            ENV_TOKEN => Some("t".to_owned()),
            _ => Some("http://kot.example.com".to_owned()),
        };
        assert!(Client::from_lookup(bad_url).is_err());
    }

    #[test]
    fn the_client_and_its_futures_can_cross_threads() {
        use crate::models::{EmployeeKey, PunchCode, PunchRequest};
        use crate::{DateRange, time_band};
        fn shared<T: Send + Sync + Clone + 'static>() {}
        fn spawnable<F: std::future::Future + Send>(_: F) {}
        shared::<Client>();
        let client = Client::builder(SecretString::from("t")).build().unwrap();
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let at = date
            .and_hms_opt(9, 0, 0)
            .unwrap()
            .and_local_timezone(time_band::jst())
            .unwrap();
        let key = EmployeeKey::new("k");
        let punch = PunchRequest::new(date, at, PunchCode::ClockIn);
        spawnable(client.time_records().list(DateRange::day(date)).send());
        spawnable(client.time_records().register(&key, &punch));
        spawnable(client.employees().list().send());
        spawnable(client.tokens().available());
    }

    #[test]
    fn debug_never_shows_the_token() {
        let token = "kot-client-debug-token-5d1e0a";
        let builder = Client::builder(SecretString::from(token));
        assert!(!format!("{builder:?}").contains(token));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains(token));
    }
}
