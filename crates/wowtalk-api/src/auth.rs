//! Credentials of the provisional bot API, and verification of incoming
//! webhook (CallBack) requests.
//!
//! **Provisional.** WowTalk's bot documentation is not public: neither the
//! header that carries the bot's token nor any signature on CallBack
//! requests is known. [`BotAuth`] therefore offers both usual forms, and
//! [`WebhookVerifier`] is a hook: [`SharedSecret`] checks a secret that you
//! put in the CallBack URL (a query parameter) or that a proxy adds as a
//! header, and [`NoVerification`] accepts everything. When WowTalk's signing
//! scheme is known, it becomes one more verifier.

use std::fmt;

use kot_connect_http::reqwest::header::{HeaderMap, HeaderName};
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use crate::Error;

/// How the bot's token is sent (provisional).
#[derive(Clone)]
#[non_exhaustive]
pub enum BotAuth {
    /// `Authorization: Bearer <token>`.
    Bearer(SecretString),
    /// `<name>: <token>`.
    Header {
        /// The header name.
        name: String,
        /// The token.
        token: SecretString,
    },
}

impl BotAuth {
    /// `Authorization: Bearer <token>`.
    pub fn bearer(token: impl Into<String>) -> Self {
        BotAuth::Bearer(SecretString::from(token.into()))
    }

    /// The token in a header of its own.
    pub fn header(name: impl Into<String>, token: impl Into<String>) -> Self {
        BotAuth::Header {
            name: name.into(),
            token: SecretString::from(token.into()),
        }
    }
}

impl fmt::Debug for BotAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BotAuth::Bearer(_) => f.write_str("BotAuth::Bearer([REDACTED])"),
            BotAuth::Header { name, .. } => write!(f, "BotAuth::Header({name:?}, [REDACTED])"),
        }
    }
}

/// An incoming webhook request, as a web framework hands it over.
#[derive(Debug, Clone, Copy)]
pub struct WebhookRequest<'a> {
    /// The request headers.
    pub headers: &'a HeaderMap,
    /// The raw query string (without `?`), if any.
    pub query: Option<&'a str>,
    /// The raw body.
    pub body: &'a [u8],
}

impl<'a> WebhookRequest<'a> {
    /// A request view.
    pub fn new(headers: &'a HeaderMap, query: Option<&'a str>, body: &'a [u8]) -> Self {
        Self {
            headers,
            query,
            body,
        }
    }
}

/// Why a webhook request was refused. Never holds the secret or the value
/// received.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The secret is not in the request.
    #[error("no {0}")]
    Missing(String),
    /// The secret appears more than once.
    #[error("more than one {0}")]
    Ambiguous(String),
    /// The secret is wrong.
    #[error("wrong {0}")]
    Mismatch(String),
}

/// Decides whether an incoming webhook request comes from WowTalk.
pub trait WebhookVerifier: Send + Sync + fmt::Debug {
    /// Accepts or refuses the request.
    ///
    /// # Errors
    /// [`VerifyError`] when the request is refused.
    fn verify(&self, request: &WebhookRequest<'_>) -> Result<(), VerifyError>;
}

/// Accepts every request: WowTalk's CallBack requests carry no known
/// signature (provisional). Use it only behind a network you control, or
/// prefer [`SharedSecret::query`] with a secret in the CallBack URL.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoVerification;

impl WebhookVerifier for NoVerification {
    fn verify(&self, _request: &WebhookRequest<'_>) -> Result<(), VerifyError> {
        Ok(())
    }
}

#[derive(Debug, Clone)]
enum Location {
    Header(HeaderName),
    Query(String),
}

/// A shared secret expected in a header or a query parameter, compared in
/// constant time.
#[derive(Clone)]
pub struct SharedSecret {
    location: Location,
    secret: SecretString,
}

impl fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedSecret")
            .field("location", &self.location)
            .field("secret", &"[REDACTED]")
            .finish()
    }
}

impl SharedSecret {
    /// The secret expected in header `name`.
    ///
    /// # Errors
    /// A configuration error when `name` is not a header name or the secret
    /// is empty.
    pub fn header(name: &str, secret: impl Into<String>) -> Result<Self, Error> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::config(format!("`{name}` is not a valid header name")))?;
        Self::with(Location::Header(name), secret.into())
    }

    /// The secret expected in query parameter `name` (put it in the CallBack
    /// URL: `https://example.com/wowbot?key=<secret>`).
    ///
    /// # Errors
    /// A configuration error when the secret is empty.
    pub fn query(name: impl Into<String>, secret: impl Into<String>) -> Result<Self, Error> {
        Self::with(Location::Query(name.into()), secret.into())
    }

    fn with(location: Location, secret: String) -> Result<Self, Error> {
        if secret.is_empty() {
            return Err(Error::config("the webhook secret is empty"));
        }
        Ok(Self {
            location,
            secret: SecretString::from(secret),
        })
    }

    fn what(&self) -> String {
        match &self.location {
            Location::Header(name) => format!("header {name}"),
            Location::Query(name) => format!("query parameter {name}"),
        }
    }
}

impl WebhookVerifier for SharedSecret {
    fn verify(&self, request: &WebhookRequest<'_>) -> Result<(), VerifyError> {
        let values: Vec<Vec<u8>> = match &self.location {
            Location::Header(name) => request
                .headers
                .get_all(name)
                .iter()
                .map(|v| v.as_bytes().to_vec())
                .collect(),
            Location::Query(name) => {
                url::form_urlencoded::parse(request.query.unwrap_or_default().as_bytes())
                    .filter(|(k, _)| k == name)
                    .map(|(_, v)| v.as_bytes().to_vec())
                    .collect()
            }
        };
        match values.as_slice() {
            [] => Err(VerifyError::Missing(self.what())),
            [value] => {
                if bool::from(value.ct_eq(self.secret.expose_secret().as_bytes())) {
                    Ok(())
                } else {
                    Err(VerifyError::Mismatch(self.what()))
                }
            }
            _ => Err(VerifyError::Ambiguous(self.what())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kot_connect_http::reqwest::header::HeaderValue;

    const SECRET: &str = "wt-hook-secret-2b7d04e9c1";

    #[test]
    fn a_query_secret_is_checked() {
        let v = SharedSecret::query("key", SECRET).unwrap();
        let headers = HeaderMap::new();
        let ok = format!("a=1&key={SECRET}");
        assert_eq!(
            v.verify(&WebhookRequest::new(&headers, Some(&ok), b"{}")),
            Ok(())
        );
        let cases = [
            (None, VerifyError::Missing("query parameter key".into())),
            (
                Some("key=nope"),
                VerifyError::Mismatch("query parameter key".into()),
            ),
            (
                Some("key=a&key=b"),
                VerifyError::Ambiguous("query parameter key".into()),
            ),
            (
                Some("key="),
                VerifyError::Mismatch("query parameter key".into()),
            ),
        ];
        for (query, expected) in cases {
            let err = v
                .verify(&WebhookRequest::new(&headers, query, b""))
                .unwrap_err();
            assert_eq!(err, expected, "{query:?}");
            assert!(!err.to_string().contains(SECRET));
        }
        assert!(!format!("{v:?}").contains(SECRET));
    }

    #[test]
    fn a_header_secret_is_checked() {
        let v = SharedSecret::header("x-wowbot-secret", SECRET).unwrap();
        let mut headers = HeaderMap::new();
        assert!(matches!(
            v.verify(&WebhookRequest::new(&headers, None, b"")),
            Err(VerifyError::Missing(_))
        ));
        headers.insert("x-wowbot-secret", HeaderValue::from_static("wrong"));
        let err = v
            .verify(&WebhookRequest::new(&headers, None, b""))
            .unwrap_err();
        assert_eq!(err.to_string(), "wrong header x-wowbot-secret");
        headers.insert("x-wowbot-secret", HeaderValue::from_str(SECRET).unwrap());
        assert_eq!(v.verify(&WebhookRequest::new(&headers, None, b"")), Ok(()));
        assert!(
            SharedSecret::header("bad name", SECRET)
                .unwrap_err()
                .is_config()
        );
        assert!(SharedSecret::query("k", "").unwrap_err().is_config());
        assert_eq!(
            NoVerification.verify(&WebhookRequest::new(&HeaderMap::new(), None, b"")),
            Ok(())
        );
    }

    #[test]
    fn bot_auth_debug_hides_the_token() {
        let token = "wt-bot-token-91aa3c7e55";
        for auth in [
            BotAuth::bearer(token),
            BotAuth::header("x-bot-token", token),
        ] {
            let shown = format!("{auth:?}");
            assert!(!shown.contains(token), "{shown}");
            assert!(shown.contains("REDACTED"));
        }
    }
}
