//! A request described independently of reqwest, so that it can be sent
//! again on retry and logged without secrets.

use std::borrow::Cow;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use crate::Error;

/// A request body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Body {
    /// A JSON document (`application/json; charset=utf-8`).
    Json(Bytes),
    /// An URL-encoded form (`application/x-www-form-urlencoded`).
    Form(String),
    /// Bytes with their own content type.
    Raw {
        /// The `Content-Type` header value.
        content_type: HeaderValue,
        /// The bytes.
        bytes: Bytes,
    },
}

/// One request to a service, relative to the client's base URL.
///
/// The `endpoint` is a template such as `GET /employees/{employeeCode}`: it
/// names the request in logs, spans and errors, so that identifiers and
/// secrets that travel in the path never reach them.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) endpoint: Cow<'static, str>,
    pub(crate) segments: Vec<String>,
    pub(crate) query: Vec<(Cow<'static, str>, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Body>,
    pub(crate) idempotent: bool,
    pub(crate) sensitive_response: bool,
}

impl Request {
    /// A request with `method`, named by `endpoint` (a path template).
    ///
    /// GET, HEAD, PUT, DELETE and OPTIONS are idempotent by default, POST and
    /// PATCH are not; see [`Request::idempotent`].
    pub fn new(method: Method, endpoint: impl Into<Cow<'static, str>>) -> Self {
        let idempotent = matches!(
            method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
        );
        Self {
            method,
            endpoint: endpoint.into(),
            segments: Vec::new(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            idempotent,
            sensitive_response: false,
        }
    }

    /// A GET request.
    pub fn get(endpoint: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Method::GET, endpoint)
    }

    /// A POST request.
    pub fn post(endpoint: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Method::POST, endpoint)
    }

    /// A PUT request.
    pub fn put(endpoint: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Method::PUT, endpoint)
    }

    /// A DELETE request.
    pub fn delete(endpoint: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Method::DELETE, endpoint)
    }

    /// Appends path segments to the base URL. Each segment is percent-encoded
    /// as one segment: a `/` or `..` inside an identifier cannot change the path.
    pub fn path<I, S>(mut self, segments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.segments.extend(segments.into_iter().map(Into::into));
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds a query parameter when `value` is `Some`.
    pub fn query_opt<V: Into<String>>(
        self,
        name: impl Into<Cow<'static, str>>,
        value: Option<V>,
    ) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    /// Adds every field of a query struct (a `#[derive(Serialize)]` struct whose
    /// `None` fields are skipped), in field order.
    ///
    /// # Errors
    /// [`Error::Config`] when `query` is not a flat struct of scalars.
    pub fn query_struct<T: Serialize + ?Sized>(mut self, query: &T) -> Result<Self, Error> {
        let encoded = serde_urlencoded::to_string(query)
            .map_err(|e| Error::config(format!("query could not be serialized: {e}")))?;
        self.query.extend(
            url::form_urlencoded::parse(encoded.as_bytes())
                .map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned())),
        );
        Ok(self)
    }

    /// Adds a header.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Sets a JSON body.
    ///
    /// # Errors
    /// [`Error::Config`] when `body` cannot be serialized.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::config(format!("request body could not be serialized: {e}")))?;
        self.body = Some(Body::Json(bytes.into()));
        Ok(self)
    }

    /// Sets an URL-encoded form body from name/value pairs.
    pub fn form<'a, I>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.body = Some(Body::Form(encoded));
        self
    }

    /// Sets a raw body.
    pub fn body(mut self, body: Body) -> Self {
        self.body = Some(body);
        self
    }

    /// Declares whether sending this request twice is harmless. Only
    /// idempotent requests are retried.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// Declares that the response may carry a secret (a new token, say): its
    /// body is then never kept in errors.
    pub fn sensitive_response(mut self) -> Self {
        self.sensitive_response = true;
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The endpoint template that names this request in logs and errors.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The query parameters, in order.
    pub fn query_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.query.iter().map(|(k, v)| (k.as_ref(), v.as_str()))
    }

    /// Whether the request will be retried on transient failures.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Query {
        #[serde(skip_serializing_if = "Option::is_none")]
        include_resigner: Option<bool>,
        #[serde(skip_serializing_if = "Option::is_none")]
        division: Option<&'static str>,
        date: &'static str,
    }

    #[test]
    fn query_struct_keeps_order_and_skips_none() {
        let req = Request::get("GET /x")
            .query("first", "1")
            .query_struct(&Query {
                include_resigner: Some(true),
                division: None,
                date: "2026-11-21",
            })
            .unwrap();
        let pairs: Vec<_> = req.query_pairs().collect();
        assert_eq!(
            pairs,
            vec![
                ("first", "1"),
                ("includeResigner", "true"),
                ("date", "2026-11-21")
            ]
        );
    }

    #[test]
    fn idempotency_follows_the_method_unless_overridden() {
        assert!(Request::get("x").is_idempotent());
        assert!(Request::put("x").is_idempotent());
        assert!(Request::delete("x").is_idempotent());
        assert!(!Request::post("x").is_idempotent());
        assert!(Request::post("x").idempotent(true).is_idempotent());
        assert!(!Request::get("x").idempotent(false).is_idempotent());
    }

    #[test]
    fn a_nested_query_is_a_config_error() {
        #[derive(Serialize)]
        struct Nested {
            inner: Vec<Vec<u8>>,
        }
        let err = Request::get("x")
            .query_struct(&Nested {
                inner: vec![vec![1]],
            })
            .unwrap_err();
        assert!(err.is_config());
    }
}
