//! The cyzen client and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use kot_connect_http::reqwest::StatusCode;
use kot_connect_http::{
    Clock, Disposition, FailureClass, RateLimiter, Request, Response, RetryPolicy, SecretString,
    Transport, TransportBuilder, default_classifier,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::Error;
use crate::auth::{COMPANY_ID_PARAM, authenticator};
use crate::error::ApiError;
use crate::models::{CompanyId, StatusKindRule};
use crate::page::{Cursor, Page};

/// The production base URL of the cyzen 連携API.
pub const DEFAULT_BASE_URL: &str = "https://ext.cyzen.cloud/webapi/v0";

/// The environment variable [`Client::from_env`] reads the token from.
pub const ENV_TOKEN: &str = "CYZEN_TOKEN";
/// The environment variable [`Client::from_env`] reads the company id from.
pub const ENV_COMPANY_ID: &str = "CYZEN_COMPANY_ID";
/// The environment variable [`Client::from_env`] reads an optional base URL from.
pub const ENV_BASE_URL: &str = "CYZEN_BASE_URL";

/// The client's default pace: 5 % under cyzen's documented limit of 5
/// requests per second per token; clones of a client share the budget.
///
/// The margin is there because the client spaces the moments it *sends*
/// while cyzen counts the moments requests *arrive*: at exactly 5 a second,
/// a request delayed by a millisecond puts six into one second of cyzen's
/// window, and each 503 costs a back-off of up to a second. Against the
/// sandbox's sliding window, 352 paged reads at 5.0/s drew 58 refusals
/// (about a minute of back-off); at 4.75/s they take 3.7 s longer and draw
/// none (docs/PERFORMANCE.md).
pub const DEFAULT_RATE_LIMIT_PER_SECOND: f64 = 4.75;

/// The retry policy cyzen's reference recommends for its rate-limit answer
/// (HTTP 503, later 429): random waits capped at 1, 2, 4, 8 and 16 s, so six
/// attempts in all, within 90 s. Only idempotent calls (GET, PUT) are retried.
pub fn default_retry_policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(6)
        .with_backoff(Duration::from_secs(1), Duration::from_secs(16))
        .with_max_elapsed(Duration::from_secs(90))
}

/// A client for the cyzen 連携API.
///
/// Cheap to clone: clones share the connection pool, the rate limiter and the
/// configuration. Build one with [`Client::builder`], [`Client::new`] or
/// [`Client::from_env`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    company_id: CompanyId,
    kind_rule: StatusKindRule,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("transport", &self.inner.transport)
            .field("company_id", &self.inner.company_id)
            .field("token", &"[REDACTED]")
            .field("status_kind_rule", &self.inner.kind_rule)
            .finish()
    }
}

enum RateLimit {
    Default,
    Custom(RateLimiter),
    Off,
}

/// Builds a [`Client`]; every setting has a sensible default.
pub struct ClientBuilder {
    company_id: CompanyId,
    transport: TransportBuilder,
    retry: RetryPolicy,
    rate_limit: RateLimit,
    kind_rule: StatusKindRule,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("company_id", &self.company_id)
            .field("token", &"[REDACTED]")
            .field("transport", &self.transport)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a builder for the tenant `company_id` with its access token
    /// (both issued by cyzen per contract).
    pub fn builder(
        company_id: impl Into<CompanyId>,
        token: impl Into<SecretString>,
    ) -> ClientBuilder {
        ClientBuilder {
            company_id: company_id.into(),
            transport: Transport::builder("cyzen", DEFAULT_BASE_URL)
                .auth(authenticator(token.into()))
                .classifier(classify),
            retry: default_retry_policy(),
            rate_limit: RateLimit::Default,
            kind_rule: StatusKindRule::default(),
        }
    }

    /// A client with every default, for `base_url` (the production URL is
    /// [`DEFAULT_BASE_URL`]; a sandbox or mock server may use plain http on
    /// loopback).
    ///
    /// # Errors
    /// A configuration error for an invalid base URL or company id.
    pub fn new(
        base_url: impl Into<String>,
        company_id: impl Into<CompanyId>,
        token: impl Into<SecretString>,
    ) -> Result<Client, Error> {
        Client::builder(company_id, token)
            .base_url(base_url)
            .build()
    }

    /// A client configured from the environment: `CYZEN_COMPANY_ID`,
    /// `CYZEN_TOKEN`, and `CYZEN_BASE_URL` when set.
    ///
    /// # Errors
    /// A configuration error when a required variable is missing or empty, or
    /// the base URL is invalid.
    pub fn from_env() -> Result<Client, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Client, Error> {
        let required = |name: &str| {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| Error::config(format!("{name} is not set")))
        };
        let company_id = required(ENV_COMPANY_ID)?;
        let token = required(ENV_TOKEN)?;
        let mut builder = Client::builder(company_id.trim(), SecretString::from(token));
        if let Some(url) = lookup(ENV_BASE_URL).filter(|u| !u.trim().is_empty()) {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// The underlying transport (base URL, clock, retry policy).
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The tenant id sent with every call.
    pub fn company_id(&self) -> &CompanyId {
        &self.inner.company_id
    }

    /// How the kind of a status is read (see [`StatusKindRule`]).
    pub fn status_kind_rule(&self) -> &StatusKindRule {
        &self.inner.kind_rule
    }

    /// Checks the token and `company_id` with the cheapest call known
    /// (one page of `GET /groups`).
    ///
    /// # Errors
    /// [`Error`] when cyzen refuses the credentials or cannot be reached.
    pub async fn check(&self) -> Result<(), Error> {
        self.groups().list().send().await.map(drop)
    }

    /// A GET request with `company_id` first in its query.
    pub(crate) fn get(&self, endpoint: String, path: &[&str]) -> Request {
        Request::get(endpoint)
            .path(path.iter().copied())
            .query(COMPANY_ID_PARAM, self.inner.company_id.as_str())
    }

    /// Sends a request; any answer holding cyzen's error envelope is an
    /// [`Error::Api`] whatever its HTTP status (cyzen reports errors inside
    /// HTTP 200). Any other failing answer keeps its status: 503 and 429 as
    /// rate-limit errors, the rest as HTTP errors with their body.
    pub(crate) async fn send(&self, request: Request) -> Result<Response, Error> {
        let response = self.inner.transport.send(request).await?;
        if let Some(api) = ApiError::from_response(&response) {
            return Err(Error::Api(api));
        }
        if response.status().is_success() {
            return Ok(response);
        }
        if response.status() == StatusCode::SERVICE_UNAVAILABLE {
            return Err(Error::Http(kot_connect_http::Error::RateLimited {
                retry_after: response.retry_after(),
                body: response.error_body(),
                service: response.service(),
                endpoint: response.endpoint().to_owned(),
                status: response.status(),
            }));
        }
        Err(Error::Http(response.into_error()))
    }

    /// Sends a request and decodes a JSON object.
    pub(crate) async fn send_object(&self, request: Request) -> Result<Map<String, Value>, Error> {
        let response = self.send(request).await?;
        Ok(response.json()?)
    }

    /// Fetches one page of a list: the items under `spec.list_key`, the
    /// cursor from every `next_*` key.
    pub(crate) async fn get_page<T: Listed>(
        &self,
        spec: &ListSpec,
        cursor: Option<&Cursor>,
    ) -> Result<Page<T>, Error> {
        let mut request = self.get(format!("GET /{}", spec.path), &[spec.path]);
        for (name, value) in &spec.query {
            request = request.query(*name, value.clone());
        }
        if let Some(cursor) = cursor {
            for (name, value) in cursor.pairs() {
                request = request.query(name.to_owned(), value);
            }
        }
        let response = self.send(request).await?;
        let mut object: Map<String, Value> = response.json()?;
        let next = Cursor::from_object(&object);
        let items = match object.remove(spec.list_key) {
            Some(Value::Null) => Vec::new(),
            Some(list) => decode_list::<T>(&response, spec.list_key, list)?,
            None => {
                return Err(Error::Http(decode_error(
                    &response,
                    String::new(),
                    format!("the answer has no `{}` list", spec.list_key),
                )));
            }
        };
        let mut items = items;
        for item in &mut items {
            item.prepare(self);
        }
        Ok(Page { items, next })
    }
}

/// What a paged list request sends: the path (also the endpoint name), the
/// key of the list in the answer, and the fixed query parameters.
#[derive(Debug, Clone)]
pub(crate) struct ListSpec {
    pub(crate) path: &'static str,
    pub(crate) list_key: &'static str,
    pub(crate) query: Vec<(&'static str, String)>,
}

impl ListSpec {
    pub(crate) fn new(path: &'static str, list_key: &'static str) -> Self {
        Self {
            path,
            list_key,
            query: Vec::new(),
        }
    }

    pub(crate) fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }
}

/// An item of a paged list; `prepare` completes it with client settings.
pub(crate) trait Listed: DeserializeOwned + Send + 'static {
    fn prepare(&mut self, _client: &Client) {}
}

fn decode_list<T: DeserializeOwned>(
    response: &Response,
    key: &str,
    list: Value,
) -> Result<Vec<T>, Error> {
    serde_path_to_error::deserialize::<_, Vec<T>>(list).map_err(|e| {
        let at = e.path().to_string();
        let path = if at == "." {
            key.to_owned()
        } else {
            format!("{key}{at}")
        };
        Error::Http(decode_error(response, path, e.into_inner().to_string()))
    })
}

fn decode_error(response: &Response, path: String, message: String) -> kot_connect_http::Error {
    kot_connect_http::Error::Decode {
        service: response.service(),
        endpoint: response.endpoint().to_owned(),
        status: response.status(),
        path: path.into(),
        message: message.into(),
        body: response.error_body(),
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

    /// Sets the retry policy for idempotent calls (default
    /// [`default_retry_policy`]). POSTs are never retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Replaces the default client-side limit of
    /// [`DEFAULT_RATE_LIMIT_PER_SECOND`] requests per second (e.g. a lower
    /// rate when several services share one token).
    pub fn rate_limit(mut self, limiter: RateLimiter) -> Self {
        self.rate_limit = RateLimit::Custom(limiter);
        self
    }

    /// Turns the client-side rate limit off (cyzen still enforces its own).
    pub fn without_rate_limit(mut self) -> Self {
        self.rate_limit = RateLimit::Off;
        self
    }

    /// Sets how the kind (種類) of a status is read from `/statuses`
    /// (provisional; see [`StatusKindRule`]).
    pub fn status_kind_rule(mut self, rule: StatusKindRule) -> Self {
        self.kind_rule = rule;
        self
    }

    /// Sets the clock (used for `Retry-After` dates).
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
    /// A configuration error for an empty company id or one with whitespace
    /// or control characters, an invalid base URL, timeout, user agent or
    /// rate.
    pub fn build(self) -> Result<Client, Error> {
        let id = self.company_id.as_str();
        if id.is_empty() || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::config(
                "the cyzen company_id must be non-empty, without spaces or control characters",
            ));
        }
        let mut transport = self.transport.retry_policy(self.retry);
        transport = match self.rate_limit {
            RateLimit::Default => {
                transport.rate_limit(RateLimiter::per_second(DEFAULT_RATE_LIMIT_PER_SECOND)?)
            }
            RateLimit::Custom(limiter) => transport.rate_limit(limiter),
            RateLimit::Off => transport,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                transport: transport.build()?,
                company_id: self.company_id,
                kind_rule: self.kind_rule,
            }),
        })
    }
}

/// cyzen's retry classification: 503 (today) and 429 (announced) are its
/// rate-limit answers; other statuses as usual. An error envelope inside HTTP
/// 200 is final (its code says what to fix).
fn classify(response: &Response) -> Disposition {
    match response.status().as_u16() {
        429 | 503 => Disposition::Retry(FailureClass::RateLimited),
        _ => default_classifier(response),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use kot_connect_http::reqwest::header::HeaderMap;

    fn response(status: u16, body: &'static str) -> Response {
        Response::from_parts(
            "cyzen",
            "GET /users",
            StatusCode::from_u16(status).unwrap(),
            HeaderMap::new(),
            body,
            Utc::now(),
        )
    }

    #[test]
    fn classification() {
        let cases = [
            (200, Disposition::Done),
            (400, Disposition::Done),
            (403, Disposition::Done),
            (429, Disposition::Retry(FailureClass::RateLimited)),
            (503, Disposition::Retry(FailureClass::RateLimited)),
            (500, Disposition::Retry(FailureClass::Transient)),
            (502, Disposition::Retry(FailureClass::Transient)),
        ];
        for (status, expected) in cases {
            assert_eq!(classify(&response(status, "")), expected, "{status}");
        }
        let in_200 = r#"{"errors":[{"err_code":40000,"err_msg":"invalid parameter"}]}"#;
        assert_eq!(classify(&response(200, in_200)), Disposition::Done);
    }

    #[test]
    fn the_default_retry_schedule_is_1_2_4_8_16_seconds() {
        let p = default_retry_policy();
        let caps: Vec<u64> = (1..=5).map(|n| p.backoff_cap(n).as_secs()).collect();
        assert_eq!(caps, vec![1, 2, 4, 8, 16]);
        assert_eq!(p.max_attempts, 6);
    }

    #[test]
    fn from_env_reads_all_three_variables() {
        let token = "cyzen-env-token-a1b2c3d4e5";
        let vars = |name: &str| match name {
            ENV_TOKEN => Some(token.to_owned()),
            ENV_COMPANY_ID => Some(" 0123456789abcdef0123456789abcdef ".to_owned()),
            ENV_BASE_URL => Some("http://127.0.0.1:9/webapi/v0".to_owned()),
            _ => None,
        };
        let client = Client::from_lookup(vars).unwrap();
        assert_eq!(
            client.company_id().as_str(),
            "0123456789abcdef0123456789abcdef"
        );
        assert_eq!(
            client.transport().base_url().as_str(),
            "http://127.0.0.1:9/webapi/v0"
        );
        assert!(!format!("{client:?}").contains(token));
    }

    #[test]
    fn from_env_without_a_variable_names_it() {
        let only_token = |name: &str| (name == ENV_TOKEN).then(|| "t".to_owned());
        let err = Client::from_lookup(only_token).unwrap_err();
        assert!(err.is_config());
        assert!(err.to_string().contains(ENV_COMPANY_ID));
        let only_company = |name: &str| (name == ENV_COMPANY_ID).then(|| "c".to_owned());
        assert!(
            Client::from_lookup(only_company)
                .unwrap_err()
                .to_string()
                .contains(ENV_TOKEN)
        );
    }

    #[test]
    fn the_client_its_futures_and_streams_can_cross_threads() {
        fn shared<T: Send + Sync + Clone + 'static>() {}
        fn spawnable<F: std::future::Future + Send>(_: F) {}
        fn movable<S: Send + 'static>(_: S) {}
        shared::<Client>();
        let client = Client::builder("c", SecretString::from("t"))
            .build()
            .unwrap();
        let now = Utc::now();
        let range = crate::TimeRange::new(now, now).unwrap();
        spawnable(client.users().list().send());
        spawnable(client.users().list().all());
        spawnable(client.histories().list(range).all());
        spawnable(client.raw().post_form("spots", &[]));
        spawnable(client.check());
        movable(client.histories().list(range).presses());
        movable(client.statuses().list().stream());
    }

    #[test]
    fn bad_company_ids_and_urls_are_config_errors() {
        for bad in ["", "abc def", "abc\n"] {
            let err = Client::builder(bad, SecretString::from("t"))
                .build()
                .unwrap_err();
            assert!(err.is_config(), "{bad:?}");
        }
        let err = Client::new(
            "http://ext.cyzen.cloud/webapi/v0",
            "c",
            SecretString::from("t"),
        )
        .unwrap_err();
        assert!(err.is_config());
        let client = Client::builder("c", SecretString::from("t"))
            .build()
            .unwrap();
        assert_eq!(client.transport().base_url().as_str(), DEFAULT_BASE_URL);
    }
}
