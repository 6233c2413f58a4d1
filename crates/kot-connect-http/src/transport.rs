//! The client every service crate builds on.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use reqwest::header::{CONTENT_TYPE, HeaderValue, USER_AGENT};
use tracing::Instrument;
use url::Url;

use crate::Error;
use crate::auth::Authenticator;
use crate::clock::{Clock, SystemClock};
use crate::rate_limit::RateLimiter;
use crate::request::{Body, Request};
use crate::response::{Classifier, Disposition, Response, default_classifier};
use crate::retry::{Attempt, FailureClass, RetryDecision, RetryPolicy};

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one attempt, from sending to the last body byte.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Redirects followed at most (and only to the same origin).
pub const MAX_REDIRECTS: usize = 5;
/// Default cap on a response body: a larger body is refused with
/// [`Error::ResponseTooLarge`] instead of filling memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

/// A configured HTTP client for one service. Cheap to clone: clones share the
/// connection pool, the rate limiter and the configuration.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    service: &'static str,
    http: reqwest::Client,
    base_url: Url,
    auth: Option<Arc<dyn Authenticator>>,
    retry: RetryPolicy,
    limiter: Option<RateLimiter>,
    classifier: Classifier,
    clock: Arc<dyn Clock>,
    attempt_timeout: Duration,
    max_response_bytes: usize,
    user_agent: HeaderValue,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Transport")
            .field("service", &i.service)
            .field("base_url", &i.base_url.as_str())
            .field("auth", &i.auth)
            .field("retry", &i.retry)
            .field("rate_limit", &i.limiter.as_ref().map(RateLimiter::interval))
            .field("attempt_timeout", &i.attempt_timeout)
            .field("max_response_bytes", &i.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Transport`]. Validates everything in [`build`](Self::build),
/// which never panics.
pub struct TransportBuilder {
    service: &'static str,
    base_url: String,
    http: Option<reqwest::Client>,
    auth: Option<Arc<dyn Authenticator>>,
    retry: RetryPolicy,
    limiter: Option<RateLimiter>,
    classifier: Classifier,
    clock: Arc<dyn Clock>,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    max_response_bytes: usize,
    user_agent: String,
}

impl fmt::Debug for TransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportBuilder")
            .field("service", &self.service)
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// Starts a builder for `service` (a short name used in logs and errors)
    /// with its production `default_base_url`.
    pub fn builder(service: &'static str, default_base_url: impl Into<String>) -> TransportBuilder {
        TransportBuilder {
            service,
            base_url: default_base_url.into(),
            http: None,
            auth: None,
            retry: RetryPolicy::default(),
            limiter: None,
            classifier: default_classifier,
            clock: Arc::new(SystemClock),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: concat!("kot-connect/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    /// The base URL every request path is appended to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The service name.
    pub fn service(&self) -> &'static str {
        self.inner.service
    }

    /// The clock used for signatures, `Retry-After` dates and time guards.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The full URL of a request (without authentication).
    ///
    /// # Errors
    /// [`Error::Config`] if the base URL cannot take path segments.
    pub fn url_for(&self, request: &Request) -> Result<Url, Error> {
        let mut url = self.inner.base_url.clone();
        {
            let mut path = url
                .path_segments_mut()
                .map_err(|()| Error::config("the base URL cannot have a path"))?;
            path.pop_if_empty();
            path.extend(&request.segments);
        }
        if !request.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(request.query.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
        }
        Ok(url)
    }

    /// Sends `request`, retrying idempotent requests on transient failures
    /// and rate limits as the [`RetryPolicy`] says, under the rate limiter.
    ///
    /// Any HTTP answer that the classifier calls final is returned as `Ok`,
    /// whatever its status: the service crate decodes its own error envelope.
    ///
    /// # Errors
    /// [`Error::Transport`] when no answer arrived (after retries),
    /// [`Error::Config`] when the request cannot be built.
    pub async fn send(&self, request: Request) -> Result<Response, Error> {
        let span = tracing::info_span!(
            "http_request",
            service = self.inner.service,
            method = %request.method,
            endpoint = %request.endpoint,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.send_inner(request).instrument(span).await
    }

    async fn send_inner(&self, request: Request) -> Result<Response, Error> {
        let inner = &*self.inner;
        let url = self.url_for(&request)?;
        let started = tokio::time::Instant::now();
        let span = tracing::Span::current();
        let mut number = 0u32;
        loop {
            number += 1;
            span.record("attempt", number);
            if let Some(limiter) = &inner.limiter {
                limiter.acquire().await;
            }
            let outcome = self.attempt(&request, &url).await;
            let (class, retry_after) = match &outcome {
                Ok(response) => {
                    span.record("status", response.status.as_u16());
                    match (inner.classifier)(response) {
                        Disposition::Done => return outcome,
                        Disposition::Retry(class) => (class, response.retry_after()),
                    }
                }
                Err(Error::Transport { source, .. })
                    if source.is_timeout() || source.is_connect() || source.is_body() =>
                {
                    (FailureClass::Transient, None)
                }
                Err(_) => (FailureClass::Permanent, None),
            };
            let decision = inner.retry.decide(
                &Attempt {
                    number,
                    elapsed: started.elapsed(),
                    idempotent: request.idempotent,
                    class,
                    retry_after,
                },
                rand::random::<f64>(),
            );
            match decision {
                RetryDecision::Stop(reason) => {
                    tracing::debug!(?reason, ?class, "giving up");
                    return outcome;
                }
                RetryDecision::RetryAfter(delay) => {
                    tracing::debug!(?class, delay_ms = delay.as_millis() as u64, "retrying");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    async fn attempt(&self, request: &Request, url: &Url) -> Result<Response, Error> {
        let inner = &*self.inner;
        let transport_error = |source: reqwest::Error| Error::Transport {
            service: inner.service,
            endpoint: request.endpoint.to_string(),
            source: source.without_url(),
        };
        let mut builder = inner
            .http
            .request(request.method.clone(), url.clone())
            .timeout(inner.attempt_timeout)
            .header(USER_AGENT, inner.user_agent.clone())
            .headers(request.headers.clone());
        builder = match &request.body {
            None => builder,
            Some(Body::Json(bytes)) => builder
                .header(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/json; charset=utf-8"),
                )
                .body(bytes.clone()),
            Some(Body::Form(form)) => builder
                .header(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                )
                .body(form.clone()),
            Some(Body::Raw {
                content_type,
                bytes,
            }) => builder
                .header(CONTENT_TYPE, content_type.clone())
                .body(bytes.clone()),
        };
        let mut built = builder.build().map_err(transport_error)?;
        if let Some(auth) = &inner.auth {
            auth.authenticate(&mut built, inner.clock.now())?;
        }
        let mut response = inner.http.execute(built).await.map_err(transport_error)?;
        let status = response.status();
        let headers = response.headers().clone();
        let too_large = || Error::ResponseTooLarge {
            service: inner.service,
            endpoint: request.endpoint.to_string(),
            status,
            limit: inner.max_response_bytes,
        };
        if response
            .content_length()
            .is_some_and(|len| len > inner.max_response_bytes as u64)
        {
            return Err(too_large());
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            if body.len() + chunk.len() > inner.max_response_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        let body = body.freeze();
        Ok(Response {
            service: inner.service,
            endpoint: request.endpoint.to_string(),
            status,
            headers,
            body,
            received_at: inner.clock.now(),
            sensitive: request.sensitive_response,
        })
    }
}

impl TransportBuilder {
    /// Overrides the base URL: the testing hook (point it at a mock server or
    /// the kot-connect sandbox) and the way to reach another environment.
    /// Plain `http` is accepted only for loopback hosts.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Uses the caller's reqwest client (its pool, proxy, TLS and redirect
    /// settings). Timeouts set here still apply to each attempt.
    ///
    /// The client's redirect policy is then the caller's: the transport's
    /// own client follows redirects only within the same origin, so no
    /// credential can reach another host. reqwest's default policy drops `Authorization` on a
    /// cross-host redirect but keeps other headers (such as a
    /// [`HeaderAuth`](crate::HeaderAuth) key): build the client with
    /// `redirect(reqwest::redirect::Policy::none())` unless you need
    /// redirects to other hosts.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sets how requests are authenticated.
    pub fn auth(mut self, auth: impl Authenticator + 'static) -> Self {
        self.auth = Some(Arc::new(auth));
        self
    }

    /// Sets the retry policy ([`RetryPolicy::never`] disables retries).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Limits the request rate; the limit is shared by clones of the client.
    pub fn rate_limit(mut self, limiter: RateLimiter) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// Sets the response classifier that drives retries.
    pub fn classifier(mut self, classifier: Classifier) -> Self {
        self.classifier = classifier;
        self
    }

    /// Sets the clock (for signatures, `Retry-After` dates and time guards).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Sets the connect timeout (only for the client built here).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the timeout of one attempt, from sending to the last body byte.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Sets the largest response body accepted (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sets the `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Validates the configuration and builds the transport.
    ///
    /// # Errors
    /// [`Error::Config`] for an invalid base URL (not absolute, not http(s),
    /// plain http to a non-loopback host, with a query or fragment), a zero
    /// timeout, an invalid `User-Agent`, or a reqwest client that cannot be built.
    pub fn build(self) -> Result<Transport, Error> {
        let base_url = validate_base_url(&self.base_url)?;
        if self.attempt_timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(Error::config("timeouts must be greater than zero"));
        }
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::config("the User-Agent is not a valid header value"))?;
        let http = match self.http {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(same_origin_redirects())
                .build()
                .map_err(|e| Error::config(format!("HTTP client could not be built: {e}")))?,
        };
        Ok(Transport {
            inner: Arc::new(Inner {
                service: self.service,
                http,
                base_url,
                auth: self.auth,
                retry: self.retry,
                limiter: self.limiter,
                classifier: self.classifier,
                clock: self.clock,
                attempt_timeout: self.attempt_timeout,
                max_response_bytes: self.max_response_bytes,
                user_agent,
            }),
        })
    }
}

/// Follows at most [`MAX_REDIRECTS`] redirects, and only within the origin
/// of the first request: credentials (in headers or in a signed query) never
/// travel to another host. A redirect elsewhere is returned as the 3xx answer.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error("too many redirects");
        }
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Whether a host is a loopback address or `localhost`.
pub fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

fn validate_base_url(raw: &str) -> Result<Url, Error> {
    let url = Url::parse(raw.trim())
        .map_err(|e| Error::config(format!("base URL `{raw}` is not a valid URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback_host(&url) => {}
        "http" => {
            return Err(Error::config(format!(
                "base URL `{url}` must use https (plain http is allowed only on loopback)"
            )));
        }
        other => {
            return Err(Error::config(format!(
                "base URL scheme `{other}` is not supported (use https)"
            )));
        }
    }
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(Error::config(format!("base URL `{url}` has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "base URL `{url}` must not have a query or a fragment"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(
            "base URL must not carry credentials; configure them with auth()",
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(url: &str) -> Result<Transport, Error> {
        Transport::builder("test", url).build()
    }

    #[test]
    fn base_url_validation() {
        assert!(build("https://api.kingtime.jp/v1.0").is_ok());
        assert!(build("http://127.0.0.1:8080").is_ok());
        assert!(build("http://localhost:1/x").is_ok());
        assert!(build("http://[::1]:9").is_ok());
        for bad in [
            "http://api.kingtime.jp/v1.0",
            "ftp://example.com",
            "not a url",
            "https://example.com/?q=1",
            "https://example.com/#frag",
            "https://user:pw@example.com/",
            "mailto:someone@example.com",
        ] {
            let err = build(bad).unwrap_err();
            assert!(err.is_config(), "{bad}: {err}");
        }
        // Credentials in a rejected URL are not echoed back.
        let err = build("https://user:hunter2-pw@example.com/").unwrap_err();
        assert!(!err.to_string().contains("hunter2-pw"));
    }

    #[test]
    fn segments_are_encoded_and_appended_to_the_base_path() {
        let t = build("https://api.kingtime.jp/v1.0").unwrap();
        let req = Request::get("GET /employees/{code}")
            .path(["employees", "a/b ../c"])
            .query("date", "2026-11-21")
            .query("additionalFields", "hiredDate,birthDate");
        assert_eq!(
            t.url_for(&req).unwrap().as_str(),
            "https://api.kingtime.jp/v1.0/employees/a%2Fb%20..%2Fc?date=2026-11-21&additionalFields=hiredDate%2CbirthDate"
        );
        let t = build("https://api.kingtime.jp/v1.0/").unwrap();
        let req = Request::get("GET /company").path(["company"]);
        assert_eq!(
            t.url_for(&req).unwrap().as_str(),
            "https://api.kingtime.jp/v1.0/company"
        );
    }

    #[test]
    fn zero_timeouts_are_refused() {
        let err = Transport::builder("t", "https://example.com")
            .attempt_timeout(Duration::ZERO)
            .build()
            .unwrap_err();
        assert!(err.is_config());
    }
}
