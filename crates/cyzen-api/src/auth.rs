//! How cyzen authenticates a call: a static token in
//! `Authorization: bearer <token>` (cyzen's documentation spells the scheme
//! in lower case), plus the tenant's `company_id` as a parameter of every
//! call (query string for GET, form body for POST/PUT), added by the client.
//!
//! The token carries write permission too: keep it out of logs. It is a
//! [`SecretString`], exposed only while the header is built, in a header
//! marked sensitive.

use kot_connect_http::{BearerAuth, SecretString};

/// The scheme word of the `Authorization` header, as cyzen spells it.
pub const AUTH_SCHEME: &str = "bearer";

/// The name of the tenant parameter sent with every call.
pub const COMPANY_ID_PARAM: &str = "company_id";

/// The authenticator the client installs on its transport.
pub(crate) fn authenticator(token: SecretString) -> BearerAuth {
    BearerAuth::with_scheme(AUTH_SCHEME, token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use kot_connect_http::Authenticator;
    use kot_connect_http::reqwest::header::AUTHORIZATION;

    #[test]
    fn the_header_uses_the_lowercase_scheme_and_is_sensitive() {
        let token = "cyzen-unit-token-1f2e3d4c";
        let auth = authenticator(SecretString::from(token));
        let mut request = kot_connect_http::reqwest::Request::new(
            kot_connect_http::reqwest::Method::GET,
            "https://ext.cyzen.cloud/webapi/v0/groups".parse().unwrap(),
        );
        auth.authenticate(&mut request, Utc::now()).unwrap();
        let header = &request.headers()[AUTHORIZATION];
        assert_eq!(header.to_str().unwrap(), format!("bearer {token}"));
        assert!(header.is_sensitive());
        assert!(!format!("{auth:?}").contains(token));
    }
}
