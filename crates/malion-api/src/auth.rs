//! How the 管理者コード and シークレットコード are put on a request.
//!
//! **Provisional.** MaLion does not publish how the WebAPI uses the two
//! codes (a signature? a token exchange?). The default,
//! [`ProvisionalHeaderAuth`], sends each in a header of its own, with
//! configurable names; any other scheme can be plugged in by implementing
//! [`Authenticator`] and passing it to
//! [`ClientBuilder::auth`](crate::ClientBuilder::auth).

use std::fmt;

use chrono::{DateTime, Utc};
use kot_connect_http::auth::sensitive_header_value;
use kot_connect_http::reqwest::header::{HeaderName, HeaderValue};
use kot_connect_http::{Authenticator, ExposeSecret, SecretString, reqwest};

use crate::settings::{AdminCode, ConfigError, ConnectionSettings};

/// Default header for the 管理者コード (provisional).
pub const DEFAULT_ADMIN_CODE_HEADER: &str = "X-MaLion-Admin-Code";
/// Default header for the シークレットコード (provisional).
pub const DEFAULT_SECRET_CODE_HEADER: &str = "X-MaLion-Secret-Code";

/// **Provisional** authentication: the 管理者コード in one header and the
/// シークレットコード in another (marked sensitive), by default
/// [`DEFAULT_ADMIN_CODE_HEADER`] and [`DEFAULT_SECRET_CODE_HEADER`].
#[derive(Clone)]
pub struct ProvisionalHeaderAuth {
    admin_header: HeaderName,
    secret_header: HeaderName,
    admin_code: AdminCode,
    secret_code: SecretString,
}

impl fmt::Debug for ProvisionalHeaderAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProvisionalHeaderAuth")
            .field("admin_header", &self.admin_header)
            .field("secret_header", &self.secret_header)
            .field("admin_code", &self.admin_code.as_str())
            .field("secret_code", &"[REDACTED]")
            .finish()
    }
}

impl ProvisionalHeaderAuth {
    /// The codes of `settings`, in the default headers.
    pub fn new(settings: &ConnectionSettings) -> Self {
        Self {
            admin_header: HeaderName::from_static("x-malion-admin-code"),
            secret_header: HeaderName::from_static("x-malion-secret-code"),
            admin_code: settings.admin_code().clone(),
            secret_code: settings.secret_code().clone(),
        }
    }

    /// Uses other header names.
    ///
    /// # Errors
    /// [`ConfigError::Wire`] when a name is not a valid header name or both
    /// are the same.
    pub fn with_header_names(mut self, admin: &str, secret: &str) -> Result<Self, ConfigError> {
        let parse = |name: &str| {
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| ConfigError::Wire {
                message: format!("`{name}` is not a valid header name"),
            })
        };
        self.admin_header = parse(admin)?;
        self.secret_header = parse(secret)?;
        if self.admin_header == self.secret_header {
            return Err(ConfigError::Wire {
                message: "the administrator and secret code headers must differ".into(),
            });
        }
        Ok(self)
    }
}

impl Authenticator for ProvisionalHeaderAuth {
    fn authenticate(
        &self,
        request: &mut reqwest::Request,
        _now: DateTime<Utc>,
    ) -> Result<(), kot_connect_http::Error> {
        let admin = HeaderValue::from_str(self.admin_code.as_str()).map_err(|_| {
            kot_connect_http::Error::config("the administrator code is not a valid header value")
        })?;
        let secret = sensitive_header_value(self.secret_code.expose_secret(), "the secret code")?;
        let headers = request.headers_mut();
        headers.insert(self.admin_header.clone(), admin);
        headers.insert(self.secret_header.clone(), secret);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_headers_are_set_and_the_secret_is_sensitive_and_hidden() {
        let secret = "sec-auth-unit-31f0c9";
        let settings =
            ConnectionSettings::new("malioncloud1.intercom.co.jp", "ADM", secret).unwrap();
        let auth = ProvisionalHeaderAuth::new(&settings);
        let mut req =
            reqwest::Request::new(reqwest::Method::GET, "https://x.test/".parse().unwrap());
        auth.authenticate(&mut req, Utc::now()).unwrap();
        assert_eq!(req.headers()[DEFAULT_ADMIN_CODE_HEADER], "ADM");
        assert_eq!(req.headers()[DEFAULT_SECRET_CODE_HEADER], secret);
        assert!(req.headers()[DEFAULT_SECRET_CODE_HEADER].is_sensitive());
        assert!(!format!("{auth:?}").contains(secret));

        let renamed = auth
            .clone()
            .with_header_names("X-Api-Id", "X-Api-Key")
            .unwrap();
        let mut req =
            reqwest::Request::new(reqwest::Method::GET, "https://x.test/".parse().unwrap());
        renamed.authenticate(&mut req, Utc::now()).unwrap();
        assert_eq!(req.headers()["x-api-key"], secret);
        assert!(auth.clone().with_header_names("bad name", "x").is_err());
        assert!(auth.with_header_names("X-A", "x-a").is_err());
    }
}
