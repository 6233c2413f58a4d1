//! Credentials and how they are put on a request.
//!
//! Secrets are [`SecretString`]s: exposed only while the header is built, and
//! the header is marked sensitive so that it is never logged by the HTTP stack.

use std::fmt;

use chrono::{DateTime, Utc};
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::Error;

/// Puts credentials on an outgoing request.
///
/// Called once per attempt, just before sending, with the injectable clock's
/// current time (for schemes that sign a timestamp). Implementations must not
/// log or format the secret.
pub trait Authenticator: Send + Sync + fmt::Debug {
    /// Adds the credentials to `request`.
    ///
    /// # Errors
    /// [`Error::Config`] when the secret cannot be put into a header value.
    fn authenticate(&self, request: &mut reqwest::Request, now: DateTime<Utc>)
    -> Result<(), Error>;
}

/// Builds a sensitive header value from a secret, never echoing the secret in
/// the error.
///
/// # Errors
/// [`Error::Config`] when the value holds characters a header cannot carry
/// (control characters, newlines).
pub fn sensitive_header_value(value: &str, what: &str) -> Result<HeaderValue, Error> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        Error::config(format!(
            "{what} contains characters that are not allowed in an HTTP header"
        ))
    })?;
    header.set_sensitive(true);
    Ok(header)
}

/// `Authorization: <scheme> <token>`, e.g. `Bearer` (KOT) or `bearer` (cyzen).
#[derive(Clone)]
pub struct BearerAuth {
    scheme: &'static str,
    token: SecretString,
}

impl BearerAuth {
    /// `Authorization: Bearer <token>`.
    pub fn new(token: SecretString) -> Self {
        Self::with_scheme("Bearer", token)
    }

    /// `Authorization: <scheme> <token>` with a scheme spelled as the service wants it.
    pub fn with_scheme(scheme: &'static str, token: SecretString) -> Self {
        Self { scheme, token }
    }
}

impl fmt::Debug for BearerAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BearerAuth")
            .field("scheme", &self.scheme)
            .field("token", &"[REDACTED]")
            .finish()
    }
}

impl Authenticator for BearerAuth {
    fn authenticate(
        &self,
        request: &mut reqwest::Request,
        _now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let value = sensitive_header_value(
            &format!("{} {}", self.scheme, self.token.expose_secret()),
            "the access token",
        )?;
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(())
    }
}

/// A secret sent in a header of its own, e.g. `x-chatworktoken: <token>`.
#[derive(Clone)]
pub struct HeaderAuth {
    name: HeaderName,
    value: SecretString,
}

impl HeaderAuth {
    /// The secret `value` sent in header `name`.
    ///
    /// # Errors
    /// [`Error::Config`] when `name` is not a valid header name.
    pub fn new(name: &str, value: SecretString) -> Result<Self, Error> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::config(format!("`{name}` is not a valid header name")))?;
        Ok(Self { name, value })
    }
}

impl fmt::Debug for HeaderAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderAuth")
            .field("name", &self.name)
            .field("value", &"[REDACTED]")
            .finish()
    }
}

impl Authenticator for HeaderAuth {
    fn authenticate(
        &self,
        request: &mut reqwest::Request,
        _now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let value = sensitive_header_value(self.value.expose_secret(), "the secret")?;
        request.headers_mut().insert(self.name.clone(), value);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> reqwest::Request {
        reqwest::Request::new(
            reqwest::Method::GET,
            "https://api.example.test/x".parse().unwrap(),
        )
    }

    #[test]
    fn bearer_sets_a_sensitive_header_and_hides_the_token_in_debug() {
        let token = "tok-9f8e7d6c5b4a39281706";
        let auth = BearerAuth::new(SecretString::from(token));
        let mut req = request();
        auth.authenticate(&mut req, Utc::now()).unwrap();
        let header = &req.headers()[AUTHORIZATION];
        assert_eq!(header.to_str().unwrap(), format!("Bearer {token}"));
        assert!(header.is_sensitive());
        assert!(!format!("{auth:?}").contains(token));
        assert!(!format!("{header:?}").contains(token));
    }

    #[test]
    fn a_token_with_a_newline_is_a_config_error_that_does_not_echo_it() {
        let token = "abc\ndef-secret-77";
        let auth = BearerAuth::new(SecretString::from(token));
        let err = auth.authenticate(&mut request(), Utc::now()).unwrap_err();
        assert!(err.is_config());
        assert!(!err.to_string().contains("def-secret-77"));
        assert!(!format!("{err:?}").contains("def-secret-77"));
    }

    #[test]
    fn header_auth_uses_its_own_header() {
        let secret = "cw-0123456789abcdef";
        let auth = HeaderAuth::new("x-chatworktoken", SecretString::from(secret)).unwrap();
        let mut req = request();
        auth.authenticate(&mut req, Utc::now()).unwrap();
        assert_eq!(req.headers()["x-chatworktoken"].to_str().unwrap(), secret);
        assert!(req.headers()["x-chatworktoken"].is_sensitive());
        assert!(!format!("{auth:?}").contains(secret));
        assert!(HeaderAuth::new("bad header", SecretString::from("x")).is_err());
    }
}
