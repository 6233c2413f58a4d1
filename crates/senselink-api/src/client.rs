//! The SenseLink client, its builder, and the configurable paths.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use kot_connect_http::{
    Clock, RateLimiter, Request, Response, RetryPolicy, SecretString, Transport, TransportBuilder,
};
use serde::Deserialize;
use serde_json::Value;

use crate::Error;
use crate::auth::{AuthPlacement, Signer};
use crate::error::{CODE_OK, EnvelopeHead};
use crate::models::GroupsEncoding;

/// JCV SenseLink Cloud, the default base URL (API paths under `/api/...`).
pub const DEFAULT_BASE_URL: &str = "https://link.japancv.co.jp";

/// Environment variable [`Client::from_env`] reads the base URL from
/// (the integration manual's "SenseLinkURL"; optional, default [`DEFAULT_BASE_URL`]).
pub const ENV_BASE_URL: &str = "SENSELINK_URL";
/// Environment variable [`Client::from_env`] reads the app key (App キー) from.
pub const ENV_APP_KEY: &str = "SENSELINK_APP_KEY";
/// Environment variable [`Client::from_env`] reads the app secret (App シークレット) from.
pub const ENV_APP_SECRET: &str = "SENSELINK_APP_SECRET";
/// Environment variable [`Client::from_env`] reads the flavour from
/// (`cloud` or `on-premises`; optional, default `cloud`).
pub const ENV_FLAVOR: &str = "SENSELINK_FLAVOR";

/// The largest page size SenseLink accepts (`size` ≤ 100).
pub const MAX_PAGE_SIZE: u32 = 100;
/// How many pages a stream reads at most before it stops with
/// [`PagingError::TooManyPages`](crate::PagingError::TooManyPages), unless
/// changed with [`ClientBuilder::max_pages`]: 10 000 pages of 100 records.
pub const DEFAULT_MAX_PAGES: u32 = 10_000;

/// Which SenseLink edition the client talks to. It chooses the recognition
/// record path: v5 exists only on Cloud, the GE editions use v3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Flavor {
    /// JCV SenseLink Cloud: `GET /api/v5/record/list`. The default.
    #[default]
    Cloud,
    /// SenseLink GE Enterprise / Enterprise Pro (on-premises):
    /// `GET /api/v3/record/list`.
    OnPremises,
}

impl Flavor {
    /// Reads `cloud`, `on-premises` (also `onpremises`, `on_premises`, `ge`),
    /// case-insensitively.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "cloud" => Some(Flavor::Cloud),
            "on-premises" | "onpremises" | "on_premises" | "on-prem" | "ge" => {
                Some(Flavor::OnPremises)
            }
            _ => None,
        }
    }
}

/// The path of every endpoint, relative to the base URL. `{id}` in a path is
/// replaced by the ID of the call (percent-encoded as one segment).
///
/// Paths marked **provisional** are not in SenseLink's public documentation;
/// the defaults are educated guesses, to be corrected from the vendor's
/// manual for the tenant (change a field of [`Paths::for_flavor`] and pass
/// it to [`ClientBuilder::paths`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Paths {
    /// Recognition records: `/api/v5/record/list` (Cloud) or
    /// `/api/v3/record/list` (on-premises).
    pub records: String,
    /// Create a person: `/api/v1/user` (form-data); see also
    /// [`PERSON_CREATE_V2`](Self::PERSON_CREATE_V2).
    pub person_create: String,
    /// **Provisional.** Update a person (`POST`, same form as create plus `id`):
    /// default `/api/v1/user/update/{id}`.
    pub person_update: String,
    /// **Provisional.** Delete a person (`GET`): default
    /// `/api/v1/user/delete/{id}`. Without `{id}`, the ID goes in the query as `id`.
    pub person_delete: String,
    /// **Provisional** (paging). List persons (`GET`, `type`, `name`, `page`,
    /// `size`): default `/api/v1/user/list`.
    pub person_list: String,
    /// List groups (`GET`, `page`, `size`): `/api/v1/group`.
    pub group_list: String,
    /// Create a group (`POST`, form-data): `/api/v1/group`.
    pub group_create: String,
    /// The person IDs of a group (`GET`): `/api/v1/group/user`, the group ID
    /// in the query as `id` (**provisional** parameter name).
    pub group_members: String,
    /// List devices (`GET`, `typeId`, `page`, `size`): `/api/v1/device`.
    pub device_list: String,
}

impl Paths {
    /// The v2 person-create path (multipart), seen in public code against JCV Cloud.
    pub const PERSON_CREATE_V2: &'static str = "/api/v2/user";

    /// The default paths for `flavor`.
    pub fn for_flavor(flavor: Flavor) -> Self {
        let records = match flavor {
            Flavor::Cloud => "/api/v5/record/list",
            Flavor::OnPremises => "/api/v3/record/list",
        };
        Self {
            records: records.to_owned(),
            person_create: "/api/v1/user".to_owned(),
            person_update: "/api/v1/user/update/{id}".to_owned(),
            person_delete: "/api/v1/user/delete/{id}".to_owned(),
            person_list: "/api/v1/user/list".to_owned(),
            group_list: "/api/v1/group".to_owned(),
            group_create: "/api/v1/group".to_owned(),
            group_members: "/api/v1/group/user".to_owned(),
            device_list: "/api/v1/device".to_owned(),
        }
    }

    fn all(&self) -> [(&'static str, &str); 9] {
        [
            ("records", &self.records),
            ("person_create", &self.person_create),
            ("person_update", &self.person_update),
            ("person_delete", &self.person_delete),
            ("person_list", &self.person_list),
            ("group_list", &self.group_list),
            ("group_create", &self.group_create),
            ("group_members", &self.group_members),
            ("device_list", &self.device_list),
        ]
    }

    fn validate(&self) -> Result<(), Error> {
        for (name, path) in self.all() {
            if !path.starts_with('/') || path.contains(['?', '#']) || path.trim() != path {
                return Err(Error::config(format!(
                    "path `{name}` = `{path}` must start with `/` and hold no query, fragment or spaces"
                )));
            }
        }
        Ok(())
    }
}

impl Default for Paths {
    fn default() -> Self {
        Self::for_flavor(Flavor::Cloud)
    }
}

/// How person and group forms are encoded. The manual says "form-data" and
/// one of its fields is a file, so multipart is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FormEncoding {
    /// `multipart/form-data` (the default; required for a face photo).
    #[default]
    Multipart,
    /// `application/x-www-form-urlencoded`.
    UrlEncoded,
}

/// A client for the SenseLink open-platform API.
///
/// Cheap to clone: clones share the connection pool, the rate limiter and
/// the configuration.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    flavor: Flavor,
    paths: Paths,
    form: FormEncoding,
    groups: GroupsEncoding,
    max_pages: u32,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("transport", &i.transport)
            .field("flavor", &i.flavor)
            .field("paths", &i.paths)
            .field("form", &i.form)
            .field("groups", &i.groups)
            .field("max_pages", &i.max_pages)
            .finish()
    }
}

/// Builds a [`Client`]; everything but the key and secret has a default.
pub struct ClientBuilder {
    app_key: String,
    app_secret: SecretString,
    placement: AuthPlacement,
    transport: TransportBuilder,
    flavor: Flavor,
    paths: Option<Paths>,
    form: FormEncoding,
    groups: GroupsEncoding,
    max_pages: u32,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("app_key", &self.app_key)
            .field("app_secret", &"[REDACTED]")
            .field("placement", &self.placement)
            .field("transport", &self.transport)
            .field("flavor", &self.flavor)
            .field("paths", &self.paths)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a builder with the App キー and App シークレット issued in
    /// SenseLink (システム管理 > オープンプラットフォーム > AppKey を作る).
    pub fn builder(
        app_key: impl Into<String>,
        app_secret: impl Into<SecretString>,
    ) -> ClientBuilder {
        ClientBuilder {
            app_key: app_key.into(),
            app_secret: app_secret.into(),
            placement: AuthPlacement::Query,
            transport: Transport::builder("senselink", DEFAULT_BASE_URL),
            flavor: Flavor::Cloud,
            paths: None,
            form: FormEncoding::Multipart,
            groups: GroupsEncoding::CommaSeparated,
            max_pages: DEFAULT_MAX_PAGES,
        }
    }

    /// A client from the three values the integration asks for (SenseLinkURL,
    /// App キー, App シークレット) and the edition.
    ///
    /// # Errors
    /// A configuration error for an invalid URL, an empty key or secret.
    pub fn new(
        base_url: impl Into<String>,
        app_key: impl Into<String>,
        app_secret: impl Into<SecretString>,
        flavor: Flavor,
    ) -> Result<Client, Error> {
        Client::builder(app_key, app_secret)
            .base_url(base_url)
            .flavor(flavor)
            .build()
    }

    /// A client configured from the environment: `SENSELINK_APP_KEY`,
    /// `SENSELINK_APP_SECRET`, and optionally `SENSELINK_URL` and
    /// `SENSELINK_FLAVOR` (`cloud` or `on-premises`).
    ///
    /// # Errors
    /// A configuration error when the key or secret is missing, or a value is invalid.
    pub fn from_env() -> Result<Client, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Client, Error> {
        let required = |name: &str| {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| Error::config(format!("{name} is not set")))
        };
        let key = required(ENV_APP_KEY)?;
        let secret = SecretString::from(required(ENV_APP_SECRET)?);
        let mut builder = Client::builder(key, secret);
        if let Some(url) = lookup(ENV_BASE_URL).filter(|v| !v.trim().is_empty()) {
            builder = builder.base_url(url);
        }
        if let Some(raw) = lookup(ENV_FLAVOR).filter(|v| !v.trim().is_empty()) {
            let flavor = Flavor::parse(&raw).ok_or_else(|| {
                Error::config(format!(
                    "{ENV_FLAVOR} = `{raw}`: expected `cloud` or `on-premises`"
                ))
            })?;
            builder = builder.flavor(flavor);
        }
        builder.build()
    }

    /// The underlying transport (base URL, clock, retry policy).
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The edition.
    pub fn flavor(&self) -> Flavor {
        self.inner.flavor
    }

    /// The endpoint paths in use.
    pub fn paths(&self) -> &Paths {
        &self.inner.paths
    }

    pub(crate) fn form_encoding(&self) -> FormEncoding {
        self.inner.form
    }

    pub(crate) fn groups_encoding(&self) -> GroupsEncoding {
        self.inner.groups
    }

    pub(crate) fn max_pages(&self) -> u32 {
        self.inner.max_pages
    }

    /// Sends a request and returns the envelope's `data` (`None` when absent
    /// or `null`). A code other than 200 is [`Error::Api`] whatever the HTTP
    /// status; a failing status without the envelope keeps its status and body.
    pub(crate) async fn send_data(&self, request: Request) -> Result<(Response, Value), Error> {
        let response = self.inner.transport.send(request).await?;
        let Some(head) = EnvelopeHead::parse(response.body()) else {
            if !response.status().is_success() {
                return Err(Error::Http(response.into_error()));
            }
            // Not the envelope: let the decoder say where it breaks.
            return Err(match response.json::<Envelope>() {
                Err(decode) => Error::Http(decode),
                Ok(_) => decode_error(&response, "code", "missing or invalid envelope code"),
            });
        };
        if head.code != CODE_OK {
            return Err(Error::Api(head.into_error(&response)));
        }
        if !response.status().is_success() {
            return Err(Error::Http(response.into_error()));
        }
        let envelope: Envelope = response.json()?;
        Ok((response, envelope.data))
    }
}

#[derive(Deserialize)]
struct Envelope {
    #[allow(dead_code)]
    code: Value,
    #[serde(default)]
    data: Value,
}

/// A decoding error for a value found inside `data`, with its JSON path.
pub(crate) fn decode_error(response: &Response, path: &str, message: &str) -> Error {
    Error::Http(kot_connect_http::Error::Decode {
        service: response.service(),
        endpoint: response.endpoint().to_owned(),
        status: response.status(),
        path: path.into(),
        message: message.into(),
        body: response.error_body(),
    })
}

/// A request to `template` (a path of [`Paths`]), named `"{METHOD} {template}"`,
/// with `{id}` replaced by `id`.
pub(crate) fn request(method: &str, template: &str, id: Option<&str>) -> Request {
    let name = format!("{method} {template}");
    let mut request = match method {
        "POST" => Request::post(name),
        _ => Request::get(name),
    };
    let segments = template
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| match (s, id) {
            ("{id}", Some(id)) => id.to_owned(),
            _ => s.to_owned(),
        })
        .collect::<Vec<_>>();
    request = request.path(segments);
    request
}

impl ClientBuilder {
    /// Overrides the base URL (default [`DEFAULT_BASE_URL`]): another host
    /// (`https://link.bi.sensetime.com`, an on-premises `https://HOST:PORT`),
    /// and the testing hook for a mock server or the kot-connect sandbox.
    /// Plain `http` is accepted only on loopback.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.transport = self.transport.base_url(url);
        self
    }

    /// Sets the edition (default [`Flavor::Cloud`]); it chooses the record path.
    pub fn flavor(mut self, flavor: Flavor) -> Self {
        self.flavor = flavor;
        self
    }

    /// Replaces every endpoint path (default [`Paths::for_flavor`] of the
    /// flavour). Start from `Paths::for_flavor(..)` and change fields.
    pub fn paths(mut self, paths: Paths) -> Self {
        self.paths = Some(paths);
        self
    }

    /// Where the signature travels (default [`AuthPlacement::Query`]);
    /// [`AuthPlacement::Headers`] for `/sl/api/v5` deployments.
    pub fn auth_placement(mut self, placement: AuthPlacement) -> Self {
        self.placement = placement;
        self
    }

    /// How person and group forms are encoded (default multipart).
    pub fn form_encoding(mut self, form: FormEncoding) -> Self {
        self.form = form;
        self
    }

    /// How several group IDs are written in a person form (provisional;
    /// default comma-separated).
    pub fn groups_encoding(mut self, groups: GroupsEncoding) -> Self {
        self.groups = groups;
        self
    }

    /// The most pages a stream reads before it stops with an error
    /// (default [`DEFAULT_MAX_PAGES`]); at least 1.
    pub fn max_pages(mut self, max_pages: u32) -> Self {
        self.max_pages = max_pages.max(1);
        self
    }

    /// Uses the caller's reqwest client.
    pub fn http_client(mut self, client: kot_connect_http::reqwest::Client) -> Self {
        self.transport = self.transport.http_client(client);
        self
    }

    /// Sets the retry policy for idempotent calls (GETs). Creating and
    /// updating persons and groups (POST) is never retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.transport = self.transport.retry_policy(policy);
        self
    }

    /// Limits the request rate on the client side (shared by clones).
    pub fn rate_limit(mut self, limiter: RateLimiter) -> Self {
        self.transport = self.transport.rate_limit(limiter);
        self
    }

    /// Sets the clock the signature's timestamp comes from (tests freeze it
    /// with a [`ManualClock`](kot_connect_http::ManualClock)).
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
    /// A configuration error for an empty key or secret, a key that cannot
    /// travel in a header, an invalid base URL, path or timeout.
    pub fn build(self) -> Result<Client, Error> {
        let signer = Signer::new(self.app_key, self.app_secret, self.placement)?;
        let paths = self.paths.unwrap_or_else(|| Paths::for_flavor(self.flavor));
        paths.validate()?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport: self.transport.auth(signer).build()?,
                flavor: self.flavor,
                paths,
                form: self.form,
                groups: self.groups,
                max_pages: self.max_pages,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn from_env_reads_all_four_values() {
        let vars = |name: &str| match name {
            ENV_APP_KEY => Some("35uifanj8i30kdng".to_owned()),
            ENV_APP_SECRET => Some("env-secret-77aa".to_owned()),
            ENV_BASE_URL => Some("http://127.0.0.1:9/".to_owned()),
            ENV_FLAVOR => Some("On-Premises".to_owned()),
            _ => None,
        };
        let client = Client::from_lookup(vars).unwrap();
        assert_eq!(client.flavor(), Flavor::OnPremises);
        assert_eq!(client.paths().records, "/api/v3/record/list");
        assert_eq!(
            client.transport().base_url().as_str(),
            "http://127.0.0.1:9/"
        );
        assert!(!format!("{client:?}").contains("env-secret-77aa"));

        let defaults = Client::from_lookup(|n| match n {
            ENV_APP_KEY | ENV_APP_SECRET => Some("x".to_owned()),
            _ => None,
        })
        .unwrap();
        assert_eq!(defaults.flavor(), Flavor::Cloud);
        assert_eq!(defaults.paths().records, "/api/v5/record/list");
        assert_eq!(
            defaults.transport().base_url().as_str(),
            "https://link.japancv.co.jp/"
        );
    }

    #[test]
    fn from_env_errors_name_the_variable() {
        let err = Client::from_lookup(|_| None).unwrap_err();
        assert!(err.is_config() && err.to_string().contains(ENV_APP_KEY));
        let err = Client::from_lookup(|n| match n {
            ENV_FLAVOR => Some("moon".to_owned()),
            _ => Some("x".to_owned()),
        })
        .unwrap_err();
        assert!(err.to_string().contains(ENV_FLAVOR));
    }

    #[test]
    fn invalid_paths_and_urls_are_config_errors() {
        let mut paths = Paths::for_flavor(Flavor::Cloud);
        paths.person_update = "api/v1/user?x=1".into();
        let err = Client::builder("k", "s").paths(paths).build().unwrap_err();
        assert!(err.is_config());
        let err = Client::builder("k", "s")
            .base_url("http://link.japancv.co.jp")
            .build()
            .unwrap_err();
        assert!(err.is_config());
    }

    #[test]
    fn request_templates_substitute_the_id_as_one_segment() {
        let t = Transport::builder("t", "https://h.example/base")
            .build()
            .unwrap();
        let r = request("GET", "/api/v1/user/delete/{id}", Some("a/b"));
        assert_eq!(r.endpoint(), "GET /api/v1/user/delete/{id}");
        assert_eq!(
            t.url_for(&r).unwrap().as_str(),
            "https://h.example/base/api/v1/user/delete/a%2Fb"
        );
    }

    #[test]
    fn the_client_and_its_futures_can_cross_threads() {
        fn shared<T: Send + Sync + Clone + 'static>() {}
        shared::<Client>();
    }
}
